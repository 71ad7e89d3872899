"""The library calls the pages make, in one place. Areas that may be absent from an installation (search,
findings, documents, results) are imported when first used; a page shows what is missing instead of failing.
No business logic here: each function hands over to the library's public function of the same purpose."""

from __future__ import annotations

import importlib
from pathlib import Path

from ..campaign import Campaign
from ..store import Store


class Unavailable(Exception):
    """A library area this page needs is not installed in this build."""


def _module(name: str):
    try:
        return importlib.import_module(f"evidence.{name}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith(f"evidence.{name.split('.')[0]}"):
            raise Unavailable(name) from None
        raise


def available(name: str) -> bool:
    try:
        _module(name)
        return True
    except Unavailable:
        return False


# ---------------------------------------------------------------- scores

def scores(store: Store, campaign_id: str, unit: str) -> dict:
    from ..scoring import current_scores
    return {criterion: score for (_u, criterion), score in current_scores(store, campaign_id, unit).items()}


def unit_status(store: Store, campaign_id: str, unit: str):
    from ..scoring import unit_status as status
    return status(store, campaign_id, unit)


def unit_statuses(store: Store, campaign_id: str) -> dict:
    from ..scoring import unit_statuses as statuses
    return statuses(store, campaign_id)


def score_history(store: Store, campaign_id: str, unit: str, criterion: str | None = None) -> list[dict]:
    from ..scoring import history
    return history(store, campaign_id, unit, criterion)


def agreement_is_current(store: Store, campaign_id: str, unit: str) -> bool:
    from ..scoring import agreement_is_current as current
    status = unit_status(store, campaign_id, unit)
    return current(status, list(scores(store, campaign_id, unit).values()))


def results(store: Store, campaign_id: str):
    """Totals, percent of the applicable maximum, band and rank of every unit (results.compute_results)."""
    return _module("results").compute_results(store, campaign_id)


# ---------------------------------------------------------------- findings

def findings(store: Store, campaign: Campaign, unit: str | None = None) -> list[dict]:
    module = _module("findings")
    result = module.check(store, campaign.id, unit=unit) if unit else module.check(store, campaign.id)
    return [f if isinstance(f, dict) else f.to_json() for f in result]


def evidence_findings(store: Store, evidence_id: int) -> list[dict]:
    module = _module("findings")
    return [f if isinstance(f, dict) else f.to_json() for f in module.findings_for_evidence(store, evidence_id)]


# ---------------------------------------------------------------- search

def search(store: Store, query: str, **filters):
    """The search outcome: `.total` and `.hits`, each with `.data` (the `search --json` result) and `.snippet`
    (text parts marked as matches or not, so the page can escape the text and highlight the matches)."""
    module = _module("search")
    return module.run_search(store, query, **filters)


def reindex(store: Store, evidence_ids: list[int]) -> None:
    module = _module("search")
    module.index_evidence(store, evidence_ids)


# ---------------------------------------------------------------- documents and the workbook

def due_text(rule: str | None) -> str | None:
    if not rule:
        return None
    try:
        from ..frameworks.due import describe_due
    except ImportError:
        return rule
    try:
        return describe_due(rule)
    except Exception:
        return rule


def document_kinds() -> tuple[str, ...]:
    return _module("documents.generate").KINDS


def generate_document(store: Store, campaign_id: str, kind: str, out_dir: Path, *, pdf: bool) -> list[Path]:
    module = _module("documents.generate")
    return module.generate(store, campaign_id, kind, out=out_dir, pdf=pdf)


def export_workbook(store: Store, campaign_id: str, path: Path) -> Path:
    module = _module("excel_export")
    module.export_scores(store, campaign_id, path)
    return path


def documents_dir(store: Store, campaign_id: str) -> Path:
    return store.root / "web-documents" / campaign_id
