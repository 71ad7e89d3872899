"""attach, detach, ingest, list, show."""

from __future__ import annotations

from pathlib import Path

import click

from .. import config
from ..records import candidates_lines, get_evidence, list_evidence, shown_issued_on, sources_line
from .common import AppContext, Progress, emit, json_option, pass_app, table


def _report(outcomes, as_json: bool, *, queued: int | None = None) -> None:
    from ..catalog.attach import SKIP_REASONS  # lazily, as the catalog itself (see attach)

    skipped = [o for o in outcomes if o.skipped]
    attached = [o for o in outcomes if not o.error and not o.skipped]
    failed = [o for o in outcomes if o.error]
    data = {
        "attached": [o.to_json() for o in attached],
        "errors": [{"file": o.file, "error": o.error} for o in failed],
        "skipped": [{"file": o.file, "reason": o.skipped, "message": SKIP_REASONS[o.skipped]} for o in skipped],
        "summary": {
            "files": len(outcomes),
            "stored": sum(o.stored for o in attached),
            "linked": sum(o.linked for o in attached),
            "already_linked": sum(not o.linked for o in attached),
            "errors": len(failed),
            "skipped": len(skipped),
        },
    }
    if queued is not None:
        summary: dict = data["summary"]  # type: ignore[assignment]
        summary["queued"] = queued

    def human(d):
        for o in attached:
            state = "linked" if o.linked else "already linked"
            stored = "new" if o.stored else "known"
            extra = f"  [{', '.join(o.warnings)}]" if o.warnings else ""
            click.echo(f"{state:14} #{o.evidence_id:<5} {o.unit}/{o.criterion}  {Path(o.file).name} ({stored}){extra}")
        for item in d["skipped"]:
            click.echo(f"skipped        {item['file']}: {item['message']}")
        s = d["summary"]
        click.echo(
            f"{s['files']} file(s): {s['linked']} linked, {s['already_linked']} already linked, "
            f"{s['stored']} new original(s), {s['errors']} error(s)"
            + (f", {s['skipped']} skipped" if s["skipped"] else "")
        )
        if "queued" in s:
            click.echo(f"{s['queued']} file(s) queued for reading by `evidence worker` (đang đọc until read)")

    emit(data, as_json, human)
    for o in failed:  # the one-line reasons, on stderr, after the batch
        click.echo(f"error: {o.error}", err=True)
    if failed:
        raise SystemExit(2)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--campaign", "campaign_id", metavar="ID", help="Campaign (default: the only one).")
@click.option("--unit", "unit_code", required=True, metavar="CODE")
@click.option("--criterion", "criterion_code", required=True, metavar="CODE")
@click.option("--pages", help="Pages that prove the point, e.g. '2-3'.")
@click.option("--note", help="A note for the reviewer.")
@click.option("--by", help="Who attaches (default: the OS user).")
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without a text layer.")
@json_option
@pass_app
def attach(app: AppContext, files, campaign_id, unit_code, criterion_code, pages, note, by, no_ocr, as_json):
    """Store files (once, by content) and link them to a criterion of a unit."""
    from ..catalog import attach_files  # lazy imports: `evidence list` starts without the readers and the index
    from ..round.campaign import resolve_campaign_id

    store = app.store()

    campaign_id = resolve_campaign_id(store, campaign_id)
    bar = Progress(len(files), "reading")
    outcomes = attach_files(
        store,
        files,
        campaign_id=campaign_id,
        unit_code=unit_code,
        criterion_code=criterion_code,
        pages=pages,
        note=note,
        by=by or config.current_user(),
        ocr=not no_ocr,
        progress=bar.advance,
    )
    bar.finish()
    _report(outcomes, as_json)


@click.command()
@click.argument("evidence_id", type=int)
@click.option("--campaign", "campaign_id", metavar="ID", help="Campaign (default: the only one).")
@click.option("--unit", "unit_code", required=True, metavar="CODE")
@click.option("--criterion", "criterion_code", required=True, metavar="CODE")
@click.option("--reason", help="Why the link is taken back (kept with it).")
@click.option("--by", help="Who detaches (default: the OS user).")
@json_option
@pass_app
def detach(app: AppContext, evidence_id, campaign_id, unit_code, criterion_code, reason, by, as_json):
    """Take back the link of an evidence record to a criterion of a unit (a wrong file, a wrong criterion).

    The link is kept in the record's history (`show`); the original stays in the store. Refused once the unit
    has submitted its self-assessment, until the secretariat reopens it (`score reopen`)."""
    from ..catalog import detach_evidence
    from ..round.campaign import resolve_campaign_id

    store = app.store()
    result = detach_evidence(
        store,
        evidence_id,
        campaign_id=resolve_campaign_id(store, campaign_id),
        unit_code=unit_code,
        criterion_code=criterion_code,
        by=by,
        reason=reason,
    )

    def human(r):
        click.echo(
            f"detached evidence #{r['evidence_id']} ({r['filename']}) from {r['campaign']} {r['unit']}/{r['criterion']}"
        )
        for warning in r["warnings"]:
            click.echo(f"warning: {warning}", err=True)

    emit(result, as_json, human)


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--campaign", "campaign_id", metavar="ID", help="Campaign (default: the only one).")
@click.option("--by", help="Who attaches (default: the OS user).")
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without a text layer.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Parallel readers (default: all cores).")
@click.option(
    "--follow-links",
    is_flag=True,
    help="Follow symbolic links whose target is inside DIR (by default every link is refused).",
)
@click.option(
    "--read-here",
    is_flag=True,
    help="Server mode: read the files in this process instead of queueing them for `evidence worker`.",
)
@json_option
@pass_app
def ingest(app: AppContext, directory, campaign_id, by, no_ocr, jobs, follow_links, read_here, as_json):
    """Bulk-attach a folder laid out as DIR/<unit code>/<criterion code>/<files>.

    Ingest never leaves DIR: symbolic links are refused (see --follow-links); hidden names, FIFOs, devices and
    sockets are skipped and listed ("skipped" in --json). In server mode (EVIDENCE_QUEUE_URL) the files are stored
    and linked at once and their reading is queued for `evidence worker` ("queued" in --json; --read-here reads
    them in this process instead)."""
    from ..catalog import celery_queue, ingest_dir
    from ..catalog.jobs import ingest_for_workers
    from ..round.campaign import resolve_campaign_id

    store = app.store()
    campaign_id = resolve_campaign_id(store, campaign_id)
    total = sum(1 for p in Path(directory).rglob("*") if p.is_file()) if Path(directory).is_dir() else 0
    bar = Progress(total, "ingest")
    queue_url = celery_queue.queue_url()
    if queue_url and not read_here:
        outcomes = ingest_for_workers(
            store, directory, campaign_id=campaign_id, by=by, follow_links=follow_links, progress=bar.advance
        )
        bar.finish()
        queue = celery_queue.CeleryReadQueue(queue_url, app.store_path)
        pending = [
            o.evidence_id
            for o in outcomes
            if o.evidence_id is not None
            and store.db.execute("SELECT read_status FROM evidence WHERE id = ?", (o.evidence_id,)).fetchone()[0]
            == "pending"
        ]
        for evidence_id in dict.fromkeys(pending):
            queue.enqueue_read(evidence_id)
        queue.stop()
        _report(outcomes, as_json, queued=len(set(pending)))
        return
    outcomes = ingest_dir(
        store,
        directory,
        campaign_id=campaign_id,
        by=by,
        ocr=not no_ocr,
        jobs=jobs,
        progress=bar.advance,
        follow_links=follow_links,
    )
    bar.finish()
    _report(outcomes, as_json)


@click.command("list")
@click.option("--campaign", "campaign_id", metavar="ID")
@click.option("--unit", "unit_code", metavar="CODE")
@click.option("--criterion", "criterion_code", metavar="CODE")
@json_option
@pass_app
def list_command(app: AppContext, campaign_id, unit_code, criterion_code, as_json):
    """Evidence and its links."""
    rows = list_evidence(app.store(), campaign_id=campaign_id, unit_code=unit_code, criterion_code=criterion_code)

    def human(d):
        if not d["evidence"]:
            click.echo("no evidence")
            return
        out = []
        for e in d["evidence"]:
            where = ", ".join(f"{l['unit']}/{l['criterion']}" for l in e["links"])
            out.append(
                [
                    e["evidence_id"],
                    where,
                    e["number"] or "",
                    e["type_code"] or "",
                    e["issued_on"] or "",
                    (e["summary"] or e["filename"])[:60],
                ]
            )
        table(out, ["id", "linked to", "number", "type", "issued", "subject / file"])

    emit({"evidence": rows}, as_json, human)


@click.command()
@click.argument("evidence_id", type=int)
@json_option
@pass_app
def show(app: AppContext, evidence_id: int, as_json: bool):
    """One evidence record: metadata, links, findings."""
    from ..round.findings import findings_for_evidence

    store = app.store()
    data = get_evidence(store, evidence_id)
    data["findings"] = findings_for_evidence(store, evidence_id)

    def human(d):
        click.echo(
            f"evidence #{d['evidence_id']}  {d['filename']}  ({d['format']}, {d['pages']} page(s), {d['size']} bytes)"
        )
        click.echo(f"sha256 {d['sha256']}")
        if d.get("read_status") in ("pending", "reading"):
            click.echo(f"not read yet ({d['read_status']}): uploaded through the web, read in the background")
        elif d.get("read_status") == "failed":
            click.echo(f"could not be read: {d['read_error']} (the original is kept)")
        rows = []
        for key, value in d["metadata"].items():
            if key in ("sha256", "issued_on_estimated", "confidence"):
                continue
            if key == "issued_on":
                value = shown_issued_on(d["metadata"])
            elif key == "sources":
                value = sources_line(d["metadata"])
            elif key == "candidates":
                value = "; ".join(candidates_lines(d["metadata"]))
            if isinstance(value, list):
                value = "; ".join(_short(v) for v in value) if value else ""
            rows.append([key, "" if value is None else value])
        table(rows, ["field", "value"])
        click.echo("")
        for l in d["links"]:
            click.echo(
                f"linked to {l['campaign']} {l['unit']}/{l['criterion']} by {l['linked_by']} at "
                f"{l['linked_at']}"
                + (f", pages {l['pages']}" if l["pages"] else "")
                + (f" — {l['note']}" if l["note"] else "")
            )
        for l in d["detached_links"]:
            click.echo(
                f"detached from {l['campaign']} {l['unit']}/{l['criterion']} by {l['detached_by']} at "
                f"{l['detached_at']}"
                + (f" — {l['reason']}" if l["reason"] else "")
                + f" (linked by {l['linked_by']} at {l['linked_at']})"
            )
        for f in d["findings"]:
            click.echo(f"{f['severity']:8} {f['code']}: {f['message']}")

    emit(data, as_json, human)


def _short(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v not in (None, ""))
    return str(value)


COMMANDS = [attach, detach, ingest, list_command, show]
