"""The demo's stages after ingest: search, scoring and checks, documents, web accounts."""

from __future__ import annotations

from ..documents.generate import generate_all
from ..round.campaign import load_campaign
from ..round.findings import check
from ..round.results import compute_results
from ..round.text import findings_text, ranking_text
from ..round.workbook import export_scores
from . import scoring as scoring_demo
from .accounts import demo_accounts
from .searches import demo_searches


def search_stage(store, campaign_id, out_dir, echo, summary):
    summary["searches"] = []
    for label, result in demo_searches(store, campaign_id):
        echo(f"search {label}: {result['total']} result(s)")
        summary["searches"].append({"query": label, "total": result["total"]})
        for hit in result["results"][:3]:
            where = ", ".join(f"{l['unit']}/{l['criterion']}" for l in hit["links"])
            echo(
                f"  {hit['number'] or '-':16} {hit['issued_on'] or '-':10} {where:14} "
                f"{(hit['summary'] or hit['filename'])[:70]}"
            )


def scoring_stage(store, campaign_id, out_dir, echo, summary):

    done = scoring_demo.run(store, campaign_id)
    summary["scoring"] = {k: (len(v) if isinstance(v, list) else v) for k, v in done.items()}
    echo(
        f"self-scores {done['self_scores']}, appraised {done['appraised']}, submitted: "
        f"{', '.join(done['submitted']) or '-'}"
    )
    for line in done.get("problems", []):
        echo(f"  deliberate: {line}")
    for item in done.get("objections", []):
        echo(f"  objection: {item}")
    for item in done.get("agreements", []):
        echo(f"  agreement: {item}")
    campaign = load_campaign(store, campaign_id)
    findings = check(store, campaign_id)
    summary["findings"] = len(findings)
    shown = [f for f in findings if f.severity != "info"]
    echo("\n-- evidence check --campaign " + campaign_id + "  (errors and warnings; info findings are counted)")
    echo(findings_text(shown, campaign))
    infos = len(findings) - len(shown)
    if infos:
        echo(
            f"{infos} info finding(s) not shown (e.g. NOT_SIGNED: Word files and PDFs without a digital "
            f"signature); `evidence check --campaign {campaign_id}` lists them all"
        )
    echo("\n-- ranking (percent of the applicable maximum)")
    echo(ranking_text(compute_results(store, campaign_id)))


def documents_stage(store, campaign_id, out_dir, echo, summary):
    folder = out_dir / "documents"
    paths = generate_all(store, campaign_id, folder)
    workbook = export_scores(store, campaign_id, folder / f"bang-diem-{campaign_id}.xlsx")["path"]
    summary["documents"] = [str(p) for p in paths] + [str(workbook)]
    for path in paths:
        echo(f"  {path}")
    echo(f"  {workbook}  (score workbook)")


def web_stage(store, campaign_id, out_dir, echo, summary):
    accounts = demo_accounts(store)
    summary["accounts"] = [{k: a[k] for k in ("name", "role", "unit")} for a in accounts]
    echo(f"start the web app:  .venv/bin/evidence --store {store.root} serve   → http://127.0.0.1:8000")
    echo("demo accounts (for this demo store only):")
    for account in accounts:
        who = account["role"] + (f" {account['unit']}" if account["unit"] else "")
        echo(f"  {account['name']:18} {account['password']:24} {who}")


STAGES = [
    ("4. Search (with and without diacritics, phrase, number, filters)", search_stage),
    ("5. Scoring round: self-assessment, appraisal, objection, agreement; check and ranking", scoring_stage),
    ("6. Official documents (Decree 30) and the score workbook", documents_stage),
    ("7. Web app", web_stage),
]
