"""`generate(store, campaign_id, kind)`: build a kind's context, render its template, optionally convert to PDF."""

from __future__ import annotations

import re
from pathlib import Path
from collections.abc import Callable

from .. import config
from ..errors import InputError
from ..round.campaign import Campaign, load_campaign
from ..round.results import compute_results
from ..round.workbook import export_scores
from ..store import Store
from ..vn.text import fold
from . import context_results, context_setup
from .context_common import document_date, short_date
from .context_reminder import reminder_contexts
from .pdf import convert_to_pdf
from .render import render_docx

KINDS = ("plan", "decision", "reminder", "minutes", "report", "submission", "announcement")
# kinds that state the round's results: refused while the results are provisional, unless --draft
RESULT_KINDS = ("report", "submission", "announcement")

# kind -> its context builder (store, campaign, draft=…)
BUILDERS: dict[str, Callable] = {
    "plan": context_setup.plan_context,
    "decision": context_setup.decision_context,
    "minutes": context_results.minutes_context,
    "report": context_results.report_context,
    "submission": context_results.submission_context,
    "announcement": context_results.announcement_context,
}


def template_path(kind: str, templates: Path | str | None = None) -> Path:
    directory = config.templates_dir(str(templates) if templates else None)
    path = Path(directory) / f"{kind}.docx"
    if not path.is_file():
        raise InputError(f"no template for '{kind}' (expected {kind}.docx)", path=directory)
    return path


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise InputError(f"unknown document kind '{kind}'; choose one of {', '.join(KINDS)}")


def default_name(campaign: Campaign, kind: str, unit: str | None = None) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", fold(unit or "")).strip("-")
    return f"{campaign.id}-{kind}{'-' + slug if slug else ''}.docx"


def generate(
    store: Store,
    campaign_id: str,
    kind: str,
    *,
    out: Path | str | None = None,
    unit: str | None = None,
    templates: Path | str | None = None,
    pdf: bool = False,
    workbook: bool = False,
    draft: bool = False,
) -> list[Path]:
    """Write the document(s) of `kind`; returns the paths written (.docx, then .pdf/.xlsx when asked).

    `out` is a file for one document or a directory (default: the current directory). A reminder without `unit`
    writes one file per unit that has findings. A document dated before the events it records, or stating
    results that are still provisional, is refused (InputError) unless `draft`, which marks it "DỰ THẢO"."""
    _check_kind(kind)
    campaign = load_campaign(store, campaign_id)
    template = template_path(kind, templates)
    if not draft:
        check_ready(store, campaign, kind)
    jobs: list[tuple[dict, str]] = []
    if kind == "reminder":
        for unit_code, context in reminder_contexts(store, campaign, unit, draft=draft):
            jobs.append((context, default_name(campaign, kind, unit_code)))
    else:
        jobs.append((BUILDERS[kind](store, campaign, draft=draft), default_name(campaign, kind)))
    targets = _targets(out, [name for _, name in jobs])
    written: list[Path] = []
    docx_files = []
    for (context, _), target in zip(jobs, targets):
        docx_files.append(render_docx(template, context, target, kind=kind))
    written.extend(docx_files)
    if workbook and kind == "report":
        written.append(_workbook(store, campaign, docx_files[0].with_suffix(".xlsx")))
    if pdf and docx_files:
        written.extend(convert_to_pdf(docx_files))
    return written


def check_ready(store: Store, campaign: Campaign, kind: str) -> None:
    """Refuse (one line) a document dated before the events it records, or stating provisional results."""
    when = context_results.meeting_date(campaign, store) if kind == "minutes" else document_date(store, campaign, kind)
    floor, event = context_results.earliest_date(store, campaign, kind)
    if floor is not None and when < floor:
        raise InputError(
            f"the {kind} would be dated {short_date(when)}, before {event} ({short_date(floor)}); set "
            f"documents.{kind}.date, or pass --draft"
        )
    if kind in RESULT_KINDS:
        reasons = context_results.provisional_reasons(store, campaign, compute_results(store, campaign))
        if reasons:
            more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
            raise InputError(f"the results are provisional: {reasons[0]}{more}; pass --draft for a marked draft")


def why_draft(store: Store, campaign_id: str, kind: str) -> str | None:
    """Why `kind` can only be a marked draft now (one line), or None when the round allows the final document."""
    try:
        check_ready(store, load_campaign(store, campaign_id), kind)
    except InputError as exc:
        return str(exc)
    return None


def _targets(out: Path | str | None, names: list[str]) -> list[Path]:
    if out is None:
        return [Path.cwd() / name for name in names]
    out = Path(out)
    if out.suffix.lower() == ".docx":
        if len(names) == 1:
            return [out]
        return [out.with_name(f"{out.stem}-{Path(name).stem.rsplit('-', 1)[-1]}.docx") for name in names]
    return [out / name for name in names]


def _workbook(store: Store, campaign: Campaign, path: Path) -> Path:
    export_scores(store, campaign.id, path)
    return path


def generate_all(
    store: Store,
    campaign_id: str,
    out_dir: Path | str,
    *,
    templates: Path | str | None = None,
    pdf: bool = False,
    draft: bool | None = None,
) -> list[Path]:
    """Every kind into `out_dir` (the demo's entry point); reminders for each unit with findings.

    `draft=None`: each kind final when the round allows it, else written as a marked draft (DỰ THẢO) rather than
    left out; True/False force one or the other."""
    paths: list[Path] = []
    campaign = load_campaign(store, campaign_id)
    for kind in KINDS:
        as_draft = draft if draft is not None else why_draft(store, campaign.id, kind) is not None
        paths.extend(
            generate(store, campaign_id, kind, out=Path(out_dir), templates=templates, pdf=pdf, draft=as_draft)
        )
    return paths
