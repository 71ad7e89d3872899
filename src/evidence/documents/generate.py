"""`generate(store, campaign_id, kind)`: build a kind's context, render its template, optionally convert to PDF."""

from __future__ import annotations

import re
from pathlib import Path
from collections.abc import Callable

from .. import config
from ..round.campaign import Campaign, load_campaign
from ..errors import InputError
from ..store import Store
from ..round.workbook import export_scores
from ..vn.text import fold
from . import context_results, context_setup
from .context_reminder import reminder_contexts
from .pdf import convert_to_pdf
from .render import render_docx

KINDS = ("plan", "decision", "reminder", "minutes", "report", "announcement")


# kind -> its context builder: (campaign) for the round's setup documents, (store, campaign) for the others
BUILDERS: dict[str, Callable] = {
    "plan": context_setup.plan_context,
    "decision": context_setup.decision_context,
    "minutes": context_results.minutes_context,
    "report": context_results.report_context,
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
) -> list[Path]:
    """Write the document(s) of `kind`; returns the paths written (.docx, then .pdf/.xlsx when asked).

    `out` is a file for one document or a directory (default: the current directory). A reminder without `unit`
    writes one file per unit that has findings."""
    _check_kind(kind)
    campaign = load_campaign(store, campaign_id)
    template = template_path(kind, templates)
    jobs: list[tuple[dict, str]] = []
    if kind == "reminder":
        for unit_code, context in reminder_contexts(store, campaign, unit):
            jobs.append((context, default_name(campaign, kind, unit_code)))
    elif kind in ("plan", "decision"):
        jobs.append((BUILDERS[kind](campaign), default_name(campaign, kind)))
    else:
        jobs.append((BUILDERS[kind](store, campaign), default_name(campaign, kind)))
    targets = _targets(out, [name for _, name in jobs])
    written: list[Path] = []
    docx_files = []
    for (context, _), target in zip(jobs, targets):
        docx_files.append(render_docx(template, context, target))
    written.extend(docx_files)
    if workbook and kind == "report":
        written.append(_workbook(store, campaign, docx_files[0].with_suffix(".xlsx")))
    if pdf and docx_files:
        written.extend(convert_to_pdf(docx_files))
    return written


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
    store: Store, campaign_id: str, out_dir: Path | str, *, templates: Path | str | None = None, pdf: bool = False
) -> list[Path]:
    """Every kind into `out_dir` (the demo's entry point); reminders for each unit with findings."""
    paths: list[Path] = []
    for kind in KINDS:
        paths.extend(generate(store, campaign_id, kind, out=Path(out_dir), templates=templates, pdf=pdf))
    return paths
