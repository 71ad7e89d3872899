"""`evidence demo`: a whole round end to end on a fresh demo store — set up, ingest, search, then the round's
stages (collection → self-assessment closed → appraisal → objections → final) with survey points, separate rankings
per group and the register of issued documents, and the official documents — printing what it does."""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path
from collections.abc import Callable

from ..round.campaign import create_campaign, load_campaign, progress
from ..catalog import attach_files, detach_evidence, ingest_dir
from ..errors import InputError
from ..frameworks import load_samples
from ..progress import Progress
from ..store import DB_NAME, Store
from ..store.core import database_url
from ..store.dialect import drop_everything
from .campaign import campaign_yaml
from .evidence import build_evidence_tree
from .stages import STAGES, setup_register

Echo = Callable[[str], None]


def prepare_store(store_dir: Path) -> Store:
    """A fresh demo store. A store that holds real (non-demo) data is never wiped (in server mode: the
    PostgreSQL database of EVIDENCE_DATABASE_URL, emptied only when it holds nothing or a demo)."""
    server = bool(database_url())
    if server or (store_dir / DB_NAME).exists():
        with Store.init(store_dir) if server else Store.open(store_dir) as existing:
            marker = existing.db.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
            has_data = existing.db.execute("SELECT COUNT(*) FROM campaigns").fetchone()[0]
            if not marker and has_data:
                where = existing.database if server else str(store_dir)
                raise InputError(
                    f"{where} holds a store with real campaigns; the demo needs an empty or demo store "
                    "(choose another with --store, or another database)",
                )
            if server:
                drop_everything(existing.db)  # Store.init below creates the schema again
    if store_dir.exists():
        for child in store_dir.iterdir():
            if child.name == ".gitkeep":
                continue
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    store = Store.init(store_dir)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('demo', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
    return store


def run_demo(store_dir: Path, out_dir: Path, *, echo: Echo, ocr: bool = True, today: date | None = None) -> dict:
    started = time.monotonic()
    summary: dict = {"store": str(store_dir.resolve()), "out": str(out_dir.resolve())}
    out_dir.mkdir(parents=True, exist_ok=True)

    echo("== 1. Store, frameworks, campaign")
    store = prepare_store(store_dir)
    loaded = load_samples(store)
    echo(f"store {store_dir}: sample frameworks loaded: {', '.join(loaded) or 'already there'}")
    campaign_file = out_dir / "demo-campaign.yaml"
    campaign_file.write_text(campaign_yaml(today), encoding="utf-8")
    campaign = create_campaign(store, campaign_file)
    summary["campaign"] = campaign.id
    echo(f"campaign {campaign.id}: {campaign.name}")
    echo(
        f"  {len(campaign.units)} units, period {campaign.period_start} → {campaign.period_end}, "
        f"self-assessment due {campaign.deadlines['self_assessment']}  (file: {campaign_file})"
    )
    for group in campaign.groups:
        members = campaign.units_of(group.code)
        echo(f"  {group.name} ({group.framework}): " + ", ".join(u.name for u in members))
    echo("the plan and the decision establishing the council are signed and registered:")
    setup_register(store, campaign.id, out_dir, echo, summary)

    echo("\n== 2. Units' proof documents (generated), ingested from <unit>/<criterion>/ folders")
    evidence_root = out_dir / "evidence"
    if evidence_root.exists():
        shutil.rmtree(evidence_root)
    files = build_evidence_tree(campaign, evidence_root)
    echo(f"{len(files)} files written under {evidence_root}; deliberate problems:")
    for f in files:
        if f.problem:
            echo(f"  {f.unit}/{f.criterion}: {f.path.name} — {f.problem}")
    bar = Progress(len(files), "reading")
    outcomes = ingest_dir(store, evidence_root, campaign_id=campaign.id, by="demo", ocr=ocr, progress=bar.advance)
    bar.finish()
    errors = [o for o in outcomes if o.error]
    summary["ingested"] = len(outcomes) - len(errors)
    summary["ingest_errors"] = [o.error for o in errors]
    echo(f"ingested {summary['ingested']} file(s); {len(errors)} refused:")
    for o in errors:
        echo(f"  error: {o.error}")
    _wrong_criterion_taken_back(store, campaign, files, echo, summary)

    echo("\n== 3. Progress per unit (criteria with evidence / applicable criteria)")
    campaign = load_campaign(store, campaign.id)
    for row in progress(store, campaign):
        echo(
            f"  {row['unit']:6} {row['name']:28} {row['criteria_with_evidence']:>3}/{row['applicable_criteria']:<3}"
            f" {row['percent']:5.1f}%  required without evidence: {row['required_without_evidence']}"
        )

    for title, stage in STAGES:
        echo(f"\n== {title}")
        stage(store, campaign.id, out_dir, echo, summary)

    summary["seconds"] = round(time.monotonic() - started, 1)
    echo(f"\ndemo finished in {summary['seconds']} s; store: {store_dir}, documents: {out_dir}")
    store.close()
    return summary


def _wrong_criterion_taken_back(store: Store, campaign, files, echo: Echo, summary: dict) -> None:
    """A unit attaches a file under the wrong criterion, notices, and takes it back (`evidence detach`)."""
    plan = next((f for f in files if f.problem is None and f.path.suffix == ".docx"), None)
    if plan is None:
        return
    wrong = next(
        (c.code for c in campaign.applicable_leaves(campaign.unit(plan.unit)) if c.code != plan.criterion), None
    )
    if not wrong:
        return
    outcome = attach_files(
        store, [plan.path], campaign_id=campaign.id, unit_code=plan.unit, criterion_code=wrong, by="demo", ocr=False
    )[0]
    if outcome.error or outcome.evidence_id is None:
        return
    result = detach_evidence(
        store,
        outcome.evidence_id,
        campaign_id=campaign.id,
        unit_code=plan.unit,
        criterion_code=wrong,
        by="demo",
        reason="nhầm tiêu chí",
    )
    summary["detached"] = 1
    echo(
        f"{plan.unit} attached {plan.path.name} under {wrong} by mistake and took it back: evidence detach "
        f'{result["evidence_id"]} --unit {plan.unit} --criterion {wrong} --reason "nhầm tiêu chí" '
        "(kept in `evidence show`)"
    )
