"""search, index rebuild, index check."""

from __future__ import annotations

import sys
from datetime import date

import click

from .. import search as search_lib
from .common import AppContext, Progress, emit, json_option, pass_app

BOLD, RESET = "\033[1m", "\033[0m"


class _RebuildProgress:
    """Adapts (done, total) callbacks to the shared stderr progress bar."""

    def __init__(self, label: str):
        self.label = label
        self.bar: Progress | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = Progress(total, self.label)
        self.bar.advance()

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.finish()


def _date(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except (ValueError, TypeError):
        return value


def _links(links: list[dict]) -> str:
    if not links:
        return "(not linked)"
    campaigns = {l["campaign"] for l in links}
    shown = [(f"{l['campaign']}:" if len(campaigns) > 1 else "") + f"{l['unit']}/{l['criterion']}" for l in links]
    return ", ".join(shown[:4]) + (f" +{len(shown) - 4}" if len(shown) > 4 else "")


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--campaign", "campaign", metavar="ID", help="Only evidence linked in this campaign.")
@click.option("--unit", "unit", metavar="CODE", help="Only evidence linked to this unit.")
@click.option("--criterion", "criterion", metavar="CODE", help="Only evidence linked to this criterion.")
@click.option("--type", "type_code", metavar="CODE", help="Document type code (QĐ, KH, BC …; case matters).")
@click.option("--from", "date_from", metavar="DATE", help="Issued on or after (YYYY-MM-DD or DD/MM/YYYY).")
@click.option("--to", "date_to", metavar="DATE", help="Issued on or before (YYYY-MM-DD or DD/MM/YYYY).")
@click.option(
    "--limit", type=int, default=search_lib.engine.DEFAULT_LIMIT, show_default=True, help="Most results to show."
)
@json_option
@pass_app
def search(app: AppContext, query, campaign, unit, criterion, type_code, date_from, date_to, limit, as_json):
    """Full-text search: words with or without diacritics, "a phrase", a document number (1366/KH-UBND).

    Several words must all occur; OR, NOT, field:value (number, type, unit, criterion, issuer, subject,
    issued) and trailing * work as well. --unit with --criterion means one link of that unit to that criterion.
    """
    progress = _RebuildProgress("rebuilding the search index")
    try:
        outcome = search_lib.run_search(
            app.store(),
            " ".join(query),
            campaign=campaign,
            unit=unit,
            criterion=criterion,
            type_code=type_code,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            progress=progress,
        )
    finally:
        progress.finish()

    def human(_data):
        bold = sys.stdout.isatty()
        if not outcome.hits:
            click.echo("no results")
            return
        for rank, hit in enumerate(outcome.hits, 1):
            d = hit.data
            click.echo(
                f"{rank:>2}. #{d['evidence_id']}  {_links(d['links'])}  {d['number'] or '(no number)'}  "
                f"{_date(d['issued_on'])}  [score {d['score']:.2f}]"
            )
            subject = d["summary"] or d["filename"]
            click.echo(f"    {(BOLD + subject + RESET) if bold else subject}")
            snippet = hit.snippet.render(BOLD, RESET) if bold else hit.snippet.render()
            if snippet:
                click.echo(f"    {snippet}")
        shown = len(outcome.hits)
        about = "about " if outcome.estimated else ""
        click.echo(f"{about}{outcome.total} result(s)" + (f", showing {shown}" if shown < outcome.total else ""))

    emit(outcome.to_json(), as_json, human)


@click.group()
def index():
    """The full-text search index: rebuild it from the database, check it against the database, merge it."""


@index.command()
@json_option
@pass_app
def rebuild(app: AppContext, as_json):
    """Rebuild the search index from the database (batched; progress on stderr)."""
    progress = _RebuildProgress("indexing")
    try:
        report = search_lib.rebuild_index(app.store(), progress=progress)
    finally:
        progress.finish()
    emit(
        report,
        as_json,
        lambda r: click.echo(
            f"indexed {r['documents']} document(s) in {r['seconds']:.1f} s; index size {r['index_bytes'] / 1e6:.1f} MB"
        ),
    )


@index.command()
@click.option("--small", is_flag=True, help="Only merge tiers of small segments (what runs in the background).")
@json_option
@pass_app
def optimize(app: AppContext, small, as_json):
    """Merge the index's segments into one (writes never merge; searches go on meanwhile)."""
    store = app.store()
    report = search_lib.merge_small(store) if small else search_lib.optimize_index(store)
    emit(
        report,
        as_json,
        lambda r: click.echo(
            r.get("skipped")
            or f"{r['segments_before']} segment(s) → {r['segments_after']}; merged {r['merged_documents']}"
            f" document(s) of {r['merged_segments']} segment(s) in {r['seconds']:.1f} s"
        ),
    )


@index.command()
@json_option
@pass_app
def check(app: AppContext, as_json):
    """Compare the index with the database: missing, extra and stale entries (exit 1 when there are any)."""
    report = search_lib.check_index(app.store())

    def human(r):
        if r["schema_version"] != r["expected_schema_version"]:
            found = "no index" if r["schema_version"] is None else f"schema v{r['schema_version']}"
            click.echo(
                f"index: {found}, expected schema v{r['expected_schema_version']} "
                "(the next search or `evidence index rebuild` rebuilds it)"
            )
        click.echo(f"{r['documents']} record(s) in the database, {r['indexed']} in the index")
        for key, meaning in (
            ("missing", "not in the index"),
            ("extra", "in the index but not in the database"),
            ("stale", "indexed from an older state"),
        ):
            ids = r[key]
            if ids:
                more = f" … (+{len(ids) - 20})" if len(ids) > 20 else ""
                click.echo(f"{key}: {len(ids)} {meaning}: " + ", ".join(f"#{i}" for i in ids[:20]) + more)
        if r["segments_without_postings"]:
            click.echo(
                f"{r['segments_without_postings']} of {r['segments']} index segment(s) without their postings"
                " file: searches are slower until the next write or `evidence index rebuild`"
            )
        click.echo("ok" if r["ok"] else "run `evidence index rebuild` to repair")

    emit(report, as_json, human)
    if not report["ok"]:
        raise SystemExit(1)


COMMANDS = [search, index]
