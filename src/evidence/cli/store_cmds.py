"""audit, backup, restore, migrate-store: the store's history, and copies of it."""

from __future__ import annotations

from pathlib import Path

import click

from ..round.campaign import load_campaign
from ..store import Store, chain
from .. import config
from ..errors import InputError
from ..store import transfer
from ..store.backup import backup_store, restore_store
from .common import AppContext, Progress, emit, json_option, pass_app, table


@click.command(short_help="The hash-chained history of the store and the head of its chain (Mã kiểm chứng dữ liệu).")
@click.option("--campaign", "campaign_id", metavar="ID", help="Only the events of this campaign and its records.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND", help="Only events of this kind (repeatable).")
@click.option("--by", metavar="NAME", help="Only events made by this person.")
@click.option("--since", metavar="DATE", help="Only events at or after this time (YYYY-MM-DD or ISO time, UTC).")
@click.option("--until", metavar="DATE", help="Only events up to this day/time (inclusive, UTC).")
@click.option("--contains", metavar="TEXT", help="Only events whose content contains TEXT (e.g. a unit code).")
@click.option("--limit", type=click.IntRange(1, None), metavar="N", help="Only the last N events that match.")
@click.option("--head", "head_only", is_flag=True, help="Print only the head of the chain.")
@json_option
@pass_app
def audit(app: AppContext, campaign_id, kinds, by, since, until, contains, limit, head_only, as_json) -> None:
    """The history of the store: every change a council relies on, hash-chained, and the head of the chain
    ("Mã kiểm chứng dữ liệu", printed in the minutes and the announcement). Exit 1 when the chain is broken."""
    store = app.store()
    if campaign_id:
        load_campaign(store, campaign_id)  # an unknown id: one line, exit 2
    head = chain.head(store.db)
    checked, broken = chain.walk_chain(store.db)
    events = (
        []
        if head_only
        else chain.list_events(
            store.db,
            kinds=list(kinds),
            by=by,
            since=since,
            until=until,
            contains=contains,
            campaign=campaign_id,
            limit=limit,
        )
    )
    data = {
        "head": head.to_json(),
        "chain_ok": broken is None,
        "broken": broken,
        "events_checked": checked,
        "events": events,
    }

    def human(d):
        if not head_only:
            if d["events"]:
                table(
                    [[e["id"], e["at"], e["by"], e["kind"], _summary(e["payload"])] for e in d["events"]],
                    ["#", "at (UTC)", "by", "kind", "what"],
                )
            else:
                click.echo("no event matches")
        click.echo(f"chain head (Mã kiểm chứng dữ liệu): {d['head']['hash']}  ({d['head']['events']} event(s))")
        click.echo("chain: whole" if d["chain_ok"] else f"chain: BROKEN — {d['broken']}")

    emit(data, as_json, human)
    if broken:
        raise SystemExit(1)


def _summary(payload) -> str:
    if not isinstance(payload, dict):
        return str(payload)[:80]
    keys = (
        "campaign",
        "campaign_id",
        "unit",
        "unit_code",
        "criterion",
        "criterion_code",
        "evidence_id",
        "kind",
        "value",
        "field",
        "name",
        "role",
        "action",
    )
    parts = [f"{k}={payload[k]}" for k in keys if payload.get(k) not in (None, "", [])]
    if not parts and "sha256" in payload:
        parts.append(f"sha256={payload['sha256'][:12]}")
    return " ".join(parts)[:100]


@click.command(short_help="Write a consistent backup of the store (also while the web app serves).")
@click.argument("out", type=click.Path(path_type=Path))
@json_option
@pass_app
def backup(app: AppContext, out: Path, as_json: bool) -> None:
    """Write a consistent backup of the store to OUT (a .tar file), also while the web app serves: the
    database (SQLite online backup), the originals, and a manifest with checksums and the chain head."""
    store = app.store()
    total = store.db.execute("SELECT COUNT(DISTINCT sha256) FROM evidence").fetchone()[0]
    bar = Progress(total, "backup")
    manifest = backup_store(store, out, progress=lambda n: bar.advance())
    bar.finish()
    data = {k: manifest[k] for k in ("file", "bytes", "created_at", "records", "originals", "events", "chain_head")}
    data["schema_version"] = manifest["schema_version"]

    def human(d):
        click.echo(
            f"backup written: {d['file']} ({d['bytes'] / 1024 / 1024:.1f} MB): {d['records']} record(s), "
            f"{d['originals']} original(s), {d['events']} event(s)"
        )
        click.echo(f"chain head (Mã kiểm chứng dữ liệu): {d['chain_head']}")

    emit(data, as_json, human)


@click.command(short_help="Rebuild a store in a new folder from a backup and prove it identical.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--store", "target", required=True, type=click.Path(path_type=Path), help="The new store folder.")
@click.option("--no-index", is_flag=True, help="Do not rebuild the search index now (`evidence index rebuild`).")
@json_option
def restore(file: Path, target: Path, no_index: bool, as_json: bool) -> None:
    """Rebuild a store in a new folder from a backup FILE, check every file against the backup's manifest, and
    prove it identical (tables, records, events, chain head). Exit 1 when it is not."""
    from ..search import rebuild_index  # lazily: keeps `evidence --help` fast
    from ..store.verify import verify_store

    result = restore_store(file, target)
    with Store.open(target) as store:
        report = verify_store(store)
        result["verify_ok"] = report.ok
        result["verify_problems"] = [
            *report.missing_blobs,
            *report.corrupt_blobs,
            *report.history_problems,
            *([report.chain_broken] if report.chain_broken else []),
        ]
        result["index_documents"] = None if no_index else rebuild_index(store)["documents"]

    def human(d):
        click.echo(
            f"restored into {d['store']}: {d['records']} record(s), {d['originals']} original(s), "
            f"{d['events']} event(s)"
        )
        click.echo(f"chain head (Mã kiểm chứng dữ liệu): {d['chain_head']}")
        for line in d["differences"] + d["verify_problems"]:
            click.echo(f"  {line}")
        click.echo("identical to the backup, store is whole" if d["identical"] and d["verify_ok"] else "NOT identical")

    emit(result, as_json, human)
    if not (result["identical"] and result["verify_ok"]):
        raise SystemExit(1)


@click.command(
    "migrate-store",
    short_help="Copy the store's database into PostgreSQL (server mode) or back, verified record by record.",
)
@click.option(
    "--to",
    "to_url",
    required=True,
    metavar="URL",
    help="postgresql://… : copy the store's own SQLite file into this empty database; sqlite or sqlite:///FOLDER :"
    " copy the PostgreSQL database back into a SQLite file in the store folder (or FOLDER).",
)
@click.option(
    "--from",
    "from_url",
    metavar="URL",
    help="With --to sqlite: the PostgreSQL database to copy (default: EVIDENCE_DATABASE_URL).",
)
@json_option
@pass_app
def migrate_store(app: AppContext, to_url: str, from_url: str | None, as_json: bool) -> None:
    """Copy the metadata of the store between its own SQLite file and PostgreSQL, in one transaction, then
    compare every row of every table and walk the hash chain on the copy. The originals stay in the store
    folder (both engines use it). Exit 1 when the copy is not identical.

    \b
    evidence --store /data/cchc migrate-store --to postgresql://evidence@db/cchc     # into server mode
    EVIDENCE_DATABASE_URL=postgresql://evidence@db/cchc evidence --store /data/cchc migrate-store --to sqlite
    """
    to_postgres = to_url.startswith(("postgresql://", "postgres://"))
    if to_postgres and from_url:
        raise InputError(
            "--from goes with --to sqlite (PostgreSQL → SQLite); --to postgresql:// copies the store's file"
        )
    if not to_postgres and not (to_url == "sqlite" or to_url.startswith("sqlite:///")):
        raise InputError(f"--to {to_url}: expected postgresql://USER@HOST/DB, sqlite or sqlite:///FOLDER")
    source_url = from_url or config.setting("EVIDENCE_DATABASE_URL")
    if not to_postgres and not source_url:
        raise InputError("--to sqlite copies a PostgreSQL database: give --from URL or set EVIDENCE_DATABASE_URL")
    folder = Path(to_url.removeprefix("sqlite://")) if to_url.startswith("sqlite:///") else app.store_path
    bars: list[Progress] = []

    def advance(table: str, rows: int, total: int) -> None:
        if not bars:
            bars.append(Progress(total, "migrate-store"))
        bars[0].advance(table, step=rows)

    if to_postgres:
        report = transfer.sqlite_to_postgres(app.store_path, to_url, progress=advance)
    else:
        report = transfer.postgres_to_sqlite(source_url, folder, progress=advance)
    for bar in bars:
        bar.finish()
    data = report.to_json()
    if to_postgres and report.ok:  # the search is derived data: built now in PostgreSQL, before the service opens
        from ..search import rebuild_index  # lazily: keeps `evidence --help` fast
        from ..store.db import connect_url

        index_bar: list[Progress] = []

        def indexed(done: int, total: int) -> None:
            if not index_bar:
                index_bar.append(Progress(total, "search index"))
            index_bar[0].advance(step=done - index_bar[0].done)

        with Store(app.store_path, connect_url(to_url)) as server_store:
            data["index_documents"] = rebuild_index(server_store, indexed)["documents"]
        for bar in index_bar:
            bar.finish()

    def human(d):
        click.echo(f"copied {d['rows']} row(s) of {len(d['tables'])} table(s): {d['from']} → {d['to']}")
        if d.get("index_documents") is not None:
            click.echo(f"search index built in PostgreSQL: {d['index_documents']} record(s)")
        for problem in d["differences"]:
            click.echo(f"  differs: {problem}")
        if d["chain_broken"]:
            click.echo(f"  chain: {d['chain_broken']}")
        click.echo(("verified, row by row; " if d["verified"] else "NOT identical; ") + f"chain head {d['chain_head']}")

    emit(data, as_json, human)
    if not report.ok:
        raise SystemExit(1)


COMMANDS = [audit, backup, restore, migrate_store]
