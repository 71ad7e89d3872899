"""Findings of a round (`evidence check`): the model, the data loading, the rules, and the entry points."""

from .check import check, findings_for_evidence, has_errors
from .model import CODE_LABELS, CODES, SEVERITIES, Finding, LinkedEvidence, RoundData

__all__ = [
    "CODES",
    "CODE_LABELS",
    "SEVERITIES",
    "Finding",
    "LinkedEvidence",
    "RoundData",
    "check",
    "findings_for_evidence",
    "has_errors",
]
