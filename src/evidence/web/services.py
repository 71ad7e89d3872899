"""The library calls the pages make, in one place: views import the library only through this module (besides
`errors` and `vn`, and the web's own modules). No business logic here: each name is the library's public function
of the same purpose, re-exported, or a thin adapter to it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .. import search as search_module
from ..catalog import CORRECTABLE_FIELDS, attach_files, check_pages, correct_metadata, detach_evidence
from ..catalog.corrections import MAX_TEXT as MAX_CORRECTION_TEXT
from ..catalog.celery_queue import make_read_queue
from ..catalog.jobs import ProcessReadQueue, store_upload
from ..documents import generate as documents_generate
from ..documents.pdf import soffice
from ..frameworks.due import DueRuleError, describe_due
from ..reading.warnings import WARNING_LABELS, estimated_issue_date, warning_label
from ..records import correction_history, latest_corrections, evidence_text, get_evidence, list_evidence
from ..round import findings as findings_module, results as results_module, scoring, workbook
from ..round.findings.model import CODE_LABELS as FINDING_LABELS
from ..round.campaign import Campaign, list_campaigns, load_campaign, progress
from ..round.stages import STAGE_LABELS, current_stage, stage_dates
from ..round.scoring import (
    appraise,
    raise_objection,
    record_agreement,
    reopen_self_assessment,
    resolve_objection,
    set_self_score,
    submit_self_assessment,
)
from ..store import Store
from .sessions import active_sessions, end_user_sessions

__all__ = [
    "STAGE_LABELS",
    "current_stage",
    "stage_dates",
    "FINDING_LABELS",
    "WARNING_LABELS",
    "estimated_issue_date",
    "latest_corrections",
    "warning_label",
    "active_sessions",
    "end_user_sessions",
    "CORRECTABLE_FIELDS",
    "MAX_CORRECTION_TEXT",
    "appraise",
    "attach_files",
    "check_pages",
    "correct_metadata",
    "correction_history",
    "detach_evidence",
    "evidence_text",
    "get_evidence",
    "list_campaigns",
    "list_evidence",
    "load_campaign",
    "progress",
    "raise_objection",
    "record_agreement",
    "reopen_self_assessment",
    "resolve_objection",
    "set_self_score",
    "soffice",
    "store_upload",
    "submit_self_assessment",
    "ProcessReadQueue",
    "make_read_queue",
]


# ---------------------------------------------------------------- scores


def scores(store: Store, campaign_id: str, unit: str) -> dict:
    return {criterion: score for (_u, criterion), score in scoring.current_scores(store, campaign_id, unit).items()}


def unit_status(store: Store, campaign_id: str, unit: str):
    return scoring.unit_status(store, campaign_id, unit)


def unit_score_summaries(store: Store, campaign_id: str) -> dict[str, dict]:
    return scoring.unit_score_summaries(store, campaign_id)


def unit_statuses(store: Store, campaign_id: str) -> dict:
    return scoring.unit_statuses(store, campaign_id)


def score_history(store: Store, campaign_id: str, unit: str, criterion: str | None = None) -> list[dict]:
    return scoring.history(store, campaign_id, unit, criterion)


def valid_day(text: str) -> bool:
    """A day as people type it: 05/01/2026, 5-1-2026, 05.01.2026 or 2026-01-05."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        return True
    return False


def agreement_is_current(store: Store, campaign_id: str, unit: str) -> bool:
    status = unit_status(store, campaign_id, unit)
    return scoring.agreement_is_current(status, list(scores(store, campaign_id, unit).values()))


def results(store: Store, campaign_id: str):
    """Totals, percent of the applicable maximum, band and rank of every unit (results.compute_results)."""
    return results_module.compute_results(store, campaign_id)


# ---------------------------------------------------------------- findings


def findings(store: Store, campaign: Campaign, unit: str | None = None) -> list[dict]:
    result = findings_module.check(store, campaign.id, unit=unit)
    return [f if isinstance(f, dict) else f.to_json() for f in result]


def evidence_findings(store: Store, evidence_id: int) -> list[dict]:
    return [
        f if isinstance(f, dict) else f.to_json() for f in findings_module.findings_for_evidence(store, evidence_id)
    ]


# ---------------------------------------------------------------- search


def search(store: Store, query: str, **filters):
    """The search outcome: `.total` and `.hits`, each with `.data` (the `search --json` result) and `.snippet`
    (text parts marked as matches or not, so the page can escape the text and highlight the matches)."""
    return search_module.run_search(store, query, **filters)


# ---------------------------------------------------------------- documents and the workbook


def due_text(rule: str | None) -> str | None:
    if not rule:
        return None
    try:
        return describe_due(rule)
    except DueRuleError:
        return rule


def document_kinds() -> tuple[str, ...]:
    return documents_generate.KINDS


def generate_document(
    store: Store, campaign_id: str, kind: str, out_dir: Path, *, pdf: bool
) -> tuple[list[Path], bool]:
    """The document(s) of `kind`; a kind the round does not allow yet (provisional results, a date before the
    events it records) is written as a marked draft (DỰ THẢO). Returns (paths, draft)."""
    draft = documents_generate.why_draft(store, campaign_id, kind) is not None
    return documents_generate.generate(store, campaign_id, kind, out=out_dir, pdf=pdf, draft=draft), draft


def export_workbook(store: Store, campaign_id: str, path: Path) -> Path:
    workbook.export_scores(store, campaign_id, path)
    return path


def documents_dir(store: Store, campaign_id: str) -> Path:
    return store.root / "web-documents" / campaign_id
