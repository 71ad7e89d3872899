"""init, verify, campaign create|list|show."""

from __future__ import annotations

from pathlib import Path

import click

from ..round.campaign import create_campaign, list_campaigns, load_campaign, progress, resolve_campaign_id
from ..store.verify import verify_store
from ..store import Store
from .common import AppContext, Progress, emit, json_option, pass_app, table


@click.command()
@click.option("--no-samples", is_flag=True, help="Do not load the sample frameworks.")
@json_option
@pass_app
def init(app: AppContext, no_samples: bool, as_json: bool) -> None:
    """Create an empty store (idempotent) and load the sample frameworks."""
    store = Store.init(app.store_path)
    loaded: list[str] = []
    if not no_samples:
        from ..frameworks import load_samples

        loaded = load_samples(store)
    data = {
        "store": str(app.store_path.resolve()),
        "database": store.database,
        "engine": store.dialect,
        "frameworks_loaded": loaded,
    }
    store.close()

    def human(d):
        click.echo(f"store ready: {d['store']}" + (f" (database: {d['database']})" if d["engine"] != "sqlite" else ""))
        for fid in d["frameworks_loaded"]:
            click.echo(f"  loaded sample framework {fid}")

    emit(data, as_json, human)


@click.command(
    short_help="Prove the store is whole: database, originals, the history's hash chain, no leftovers, the index in step."
)
@click.option("--quick", is_flag=True, help="Check presence only, do not re-hash every original.")
@click.option(
    "--repair",
    is_flag=True,
    help="Remove temporaries of dead writers and old orphan originals; bring the search index up to date.",
)
@json_option
@pass_app
def verify(app: AppContext, quick: bool, repair: bool, as_json: bool) -> None:
    """Prove the store is whole: database integrity, every original present and intact, the history's hash
    chain unbroken and the current state what its events say, no leftovers, the search index in step.
    Exit 1 on problems."""
    from ..search import verify_index

    store = app.store()
    total = store.db.execute("SELECT COUNT(*) FROM evidence").fetchone()[0]
    bar = Progress(total, "verify")
    report = verify_store(store, rehash=not quick, repair=repair, progress=bar.advance)
    bar.finish()
    report.index = verify_index(store, repair=repair)
    for line in report.index.get("repaired", []):
        report.repaired.append(line)
    if repair and report.index.get("repaired"):  # what is left after the repair
        report.index = verify_index(store)

    def human(r):
        engine = "" if store.dialect == "sqlite" else f" ({store.database})"
        click.echo(f"database: {'ok' if r.database_ok else 'PROBLEMS'}{engine}")
        for m in r.database_messages:
            click.echo(f"  {m}")
        click.echo(f"originals checked: {r.evidence_checked}")
        for label, items in (
            ("missing", r.missing_blobs),
            ("corrupt", r.corrupt_blobs),
            ("orphan (not linked, harmless)", r.orphan_blobs),
            ("temporary files of dead writers", r.stray_temporaries),
            ("links to missing records", r.dangling_links),
            ("append-only triggers missing (dropped?)", r.missing_triggers),
            ("history: state that its events do not give", r.history_problems),
            ("search index temporaries", r.index.get("leftovers", [])),
        ):
            if items:
                click.echo(f"{label}: {len(items)}")
                for item in items[:20]:
                    click.echo(f"  {item}")
        click.echo(f"history: {r.chain_events} event(s), chain head {r.chain_head}")
        if r.chain_broken:
            click.echo(f"history: CHAIN BROKEN at {r.chain_broken}")
        for key, ids in r.index.get("drift", {}).items():
            shown = ", ".join(map(str, ids[:20])) if isinstance(ids, list) else ids
            click.echo(f"search index drift, {key}: {shown}")
        if r.index.get("pending"):
            click.echo(f"search index: {r.index['pending']} change(s) a killed writer did not index")
        if r.index.get("busy"):
            click.echo("search index: being written by another process (not checked)")
        for line in r.repaired:
            click.echo(f"repaired: {line}")
        click.echo("store is whole" if r.ok else "store has problems")

    emit(report.to_json() if as_json else report, as_json, human)
    if not report.ok:
        raise SystemExit(1)


@click.group()
def campaign() -> None:
    """Assessment campaigns (rounds)."""


@campaign.command("create")
@click.argument("file", type=click.Path(path_type=Path))
@json_option
@pass_app
def campaign_create(app: AppContext, file: Path, as_json: bool) -> None:
    """Create a campaign from a YAML file; prints its id."""
    created = create_campaign(app.store(), file)
    emit({"id": created.id, "name": created.name, "units": len(created.units)}, as_json, lambda d: click.echo(d["id"]))


@campaign.command("list")
@json_option
@pass_app
def campaign_list(app: AppContext, as_json: bool) -> None:
    """The campaigns in the store."""
    rows = list_campaigns(app.store())

    def human(items):
        if not items:
            click.echo("no campaign yet; create one with `evidence campaign create FILE`")
            return
        table(
            [[c["id"], c["year"], c["framework"], c["units"], c["evidence"], c["name"]] for c in items],
            ["id", "year", "framework", "units", "documents", "name"],
        )

    emit({"campaigns": rows}, as_json, lambda d: human(d["campaigns"]))


@campaign.command("show")
@click.argument("campaign_id", required=False)
@json_option
@pass_app
def campaign_show(app: AppContext, campaign_id: str | None, as_json: bool) -> None:
    """One campaign: period, deadlines, units and their progress (criteria with evidence / applicable)."""
    store = app.store()
    item = load_campaign(store, resolve_campaign_id(store, campaign_id))
    data = item.to_json()
    data["progress"] = progress(store, item)

    def human(d):
        click.echo(f"{d['id']}: {d['name']}")
        click.echo(
            f"framework {d['framework']}, year {d['year']}, period {d['period']['start']} → {d['period']['end']}"
        )
        for name, when in d["deadlines"].items():
            click.echo(f"deadline {name}: {when}")
        click.echo(f"issuer: {d['organization']['issuer']}")
        for g in d["groups"]:
            framework = f" — {g['framework']}" if g["framework"] else ""
            click.echo(f"group {g['code']}: {g['name']} ({', '.join(g['kinds']) or 'no kind'}){framework}")
        click.echo("")
        group_of = {u["code"]: u["group"] for u in d["units"]}
        table(
            [
                [
                    p["unit"],
                    p["name"],
                    p["kind"] or "",
                    group_of.get(p["unit"], ""),
                    f"{p['criteria_with_evidence']}/{p['applicable_criteria']}",
                    f"{p['percent']:.0f}%",
                    p["required_without_evidence"],
                    p["documents"],
                ]
                for p in d["progress"]
            ],
            ["unit", "name", "kind", "group", "with evidence", "%", "required missing", "documents"],
        )

    emit(data, as_json, human)


@campaign.command("stage")
@click.argument("campaign_id", metavar="CAMPAIGN")
@click.argument("stage", required=False, metavar="STAGE")
@click.option("--date", "on", metavar="DATE", help="The day the stage began (YYYY-MM-DD or DD/MM/YYYY; default today).")
@click.option("--by", help="Who moves the campaign (default: the login name).")
@json_option
@pass_app
def campaign_stage(app: AppContext, campaign_id: str, stage: str | None, on: str | None, by, as_json: bool) -> None:
    """Move a campaign to its next STAGE (collection → self_assessment_closed → appraisal → objections → final),
    or show its stages without STAGE. Moving to final is refused while the results are provisional."""
    from ..round.stages import advance, parse_day, stages_json

    store = app.store()
    if stage:
        advance(store, campaign_id, stage, on=parse_day(on, "--date") if on else None, by=by)
    data = stages_json(store, campaign_id)

    def human(d):
        for s in d["stages"]:
            mark = "→" if s["stage"] == d["stage"] else " "
            click.echo(f"{mark} {s['stage']:<24} {s['date'] or '-':<10}  {s['label']}")
        if d["provisional"]:
            click.echo("kết quả tạm thời (chưa thể phê duyệt):")
            for reason in d["provisional_reasons"]:
                click.echo(f"  - {reason}")
        else:
            click.echo("kết quả đủ điều kiện phê duyệt")

    emit(data, as_json, human)


COMMANDS = [init, verify, campaign]
