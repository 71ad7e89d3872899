"""The write side of the evidence records: attach and ingest, detach, metadata corrections.
Reading records back is `evidence.records`."""

from .attach import Outcome, attach_files, check_pages, ingest_dir
from .corrections import FIELDS as CORRECTABLE_FIELDS, correct_metadata, validate as validate_correction
from .detach import detach_evidence

__all__ = [
    "CORRECTABLE_FIELDS",
    "Outcome",
    "attach_files",
    "check_pages",
    "correct_metadata",
    "detach_evidence",
    "ingest_dir",
    "validate_correction",
]
