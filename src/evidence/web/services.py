"""The library calls the pages make, in one place. No business logic here: each function hands over to the
library's public function of the same purpose."""

from __future__ import annotations

from pathlib import Path

from .. import excel_export, findings as findings_module, results as results_module, scoring
from .. import search as search_module
from ..campaign import Campaign
from ..documents import generate as documents_generate
from ..frameworks.due import DueRuleError, describe_due
from ..store import Store


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
    return [f if isinstance(f, dict) else f.to_json()
            for f in findings_module.findings_for_evidence(store, evidence_id)]


# ---------------------------------------------------------------- search

def search(store: Store, query: str, **filters):
    """The search outcome: `.total` and `.hits`, each with `.data` (the `search --json` result) and `.snippet`
    (text parts marked as matches or not, so the page can escape the text and highlight the matches)."""
    return search_module.run_search(store, query, **filters)


def reindex(store: Store, evidence_ids: list[int]) -> None:
    search_module.index_evidence(store, evidence_ids)


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


def generate_document(store: Store, campaign_id: str, kind: str, out_dir: Path, *, pdf: bool) -> list[Path]:
    return documents_generate.generate(store, campaign_id, kind, out=out_dir, pdf=pdf)


def export_workbook(store: Store, campaign_id: str, path: Path) -> Path:
    excel_export.export_scores(store, campaign_id, path)
    return path


def documents_dir(store: Store, campaign_id: str) -> Path:
    return store.root / "web-documents" / campaign_id
