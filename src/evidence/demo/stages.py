"""The demo's stages after ingest, following the round's own stages: search; self-assessment and checks
(collection); the council's appraisal (provisional results); survey points; objections, agreement and final
results ranked per group; the register of issued documents and the official documents; web accounts."""

from __future__ import annotations

from pathlib import Path

from ..catalog.register import register_document
from ..documents.dossier import build_campaign_dossiers
from ..documents.generate import generate_all
from ..round.campaign import load_campaign
from ..round.findings import check
from ..round.results import compute_results
from ..round.stages import STAGE_LABELS, advance
from ..round.survey import import_survey
from ..round.text import findings_text, ranking_text
from ..store.pg import PgConnection
from ..round.workbook import export_scores
from . import scoring as scoring_demo
from .campaign import timeline
from .docgen import OfficialDoc, write_pdf
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


def _register(store, campaign_id, kinds, echo, summary, pdfs: dict | None = None) -> None:
    """Record the number and date each of `kinds` got when signed (the demo's timeline), in event order."""
    campaign = load_campaign(store, campaign_id)
    for kind, number, day in timeline(campaign.year)["documents"]:
        if kind not in kinds:
            continue
        pdf = (pdfs or {}).get(kind)
        entry = register_document(store, campaign_id, kind, number=number, issued_on=day, pdf=pdf, by="thuky")
        summary.setdefault("register", []).append(entry.to_json())
        how = f" (signed PDF read: {pdf.name})" if pdf else ""
        echo(f"  registered: {entry.citation()}{how}")


def signed_plan_pdf(store, campaign_id, out_dir) -> Path:
    """The plan as signed and issued (a PDF with its number and date), to register with --pdf."""
    campaign = load_campaign(store, campaign_id)
    kind, number, day = timeline(campaign.year)["documents"][0]
    doc = OfficialDoc(
        issuer="ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",
        type_code="KH",
        number=number,
        place=campaign.organization.place,
        issued_on=day,
        subject=f"Xác định Chỉ số cải cách hành chính năm {campaign.year} của các sở, ban, ngành và UBND các xã,"
        " phường, đặc khu",
        body=[
            "Thực hiện Quyết định số 1187/QĐ-BNV ngày 15/10/2025 của Bộ Nội vụ phê duyệt Đề án xác định Chỉ số cải "
            "cách hành chính, Ủy ban nhân dân tỉnh ban hành Kế hoạch xác định Chỉ số cải cách hành chính năm "
            f"{campaign.year} như sau.",
        ],
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="KT. CHỦ TỊCH",
        signer_name="Trần Văn Bình",
    )
    return write_pdf(doc, out_dir / "da-ky" / f"ke-hoach-{number.split('/')[0]}.pdf")


def setup_register(store, campaign_id, out_dir, echo, summary) -> None:
    """Before the round: the plan and the decision establishing the council are signed and registered."""
    pdf = signed_plan_pdf(store, campaign_id, out_dir)
    _register(store, campaign_id, ("plan", "decision"), echo, summary, pdfs={"plan": pdf})


def _advance(store, campaign_id, stage, echo, summary) -> None:
    campaign = load_campaign(store, campaign_id)
    on = timeline(campaign.year)["stages"][stage]
    advance(store, campaign_id, stage, on=on, by="thuky")
    summary.setdefault("stages", {})[stage] = on.isoformat()
    echo(f"evidence campaign stage {campaign_id} {stage} --date {on.isoformat()}   ({STAGE_LABELS[stage]})")


def self_assessment_stage(store, campaign_id, out_dir, echo, summary):
    done = scoring_demo.self_assessment(store, campaign_id)
    summary["scoring"] = {"self_scores": done["self_scores"], "submitted": len(done["submitted"])}
    echo(
        f"self-scores {done['self_scores']} (survey criteria are not self-scored); submitted: {', '.join(done['submitted'])}"
    )
    for line in done["problems"]:
        echo(f"  deliberate: {line}")
    echo("a reminder goes to the late unit before the deadline:")
    _register(store, campaign_id, ("reminder",), echo, summary)
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
    _advance(store, campaign_id, "self_assessment_closed", echo, summary)


def appraisal_stage(store, campaign_id, out_dir, echo, summary):
    _advance(store, campaign_id, "appraisal", echo, summary)
    done = scoring_demo.appraisal(store, campaign_id)
    summary["deductions"] = done["deductions"]
    summary["scoring"]["appraised"] = done["appraised"]
    echo(f"the council appraised {done['appraised']} criteria; {len(done['deductions'])} deducted")
    _register(store, campaign_id, ("minutes",), echo, summary)
    results = compute_results(store, campaign_id)
    summary["provisional_at_appraisal"] = results.provisional_reasons
    echo("\n-- evidence results (after the meeting: provisional)")
    echo(ranking_text(results))


def survey_stage(store, campaign_id, out_dir, echo, summary):
    path = scoring_demo.write_survey_file(store, campaign_id, out_dir / "dieu-tra-xa-hoi-hoc.csv")
    report = import_survey(store, campaign_id, path, by="thuky")
    summary["survey"] = report.to_json()["summary"]
    echo(
        f"evidence survey import {path}: {len(report.applied)} survey point(s) imported, {len(report.missing)} missing"
    )
    blanks = scoring_demo.appraise_blanks(store, campaign_id)
    summary["scoring"]["appraised"] += len(blanks)
    if blanks:
        echo(f"the council scores the criteria left blank: {', '.join(blanks)} → 0 ({scoring_demo.BLANK_COMMENT})")


def objections_stage(store, campaign_id, out_dir, echo, summary):
    _advance(store, campaign_id, "objections", echo, summary)
    outcomes = scoring_demo.objections(store, campaign_id, summary.pop("deductions", []))
    summary["scoring"]["objections"] = len(outcomes)
    for item in outcomes:
        echo(f"  objection: {item}")
    campaign = load_campaign(store, campaign_id)
    agreed = scoring_demo.agreement(store, campaign_id, timeline(campaign.year)["agreement"])
    echo(f"  agreement: {agreed}")
    _advance(store, campaign_id, "final", echo, summary)
    results = compute_results(store, campaign_id)
    summary["provisional"] = results.provisional
    summary["groups"] = [
        {
            "code": g.code,
            "name": g.name,
            "ranking": [
                {"rank": u.rank, "unit": u.code, "name": u.name, "percent": u.percent, "band": u.band} for u in g.units
            ],
        }
        for g in results.groups
    ]
    echo("\n-- evidence results (final: ranked within each group)")
    echo(ranking_text(results))


def documents_stage(store, campaign_id, out_dir, echo, summary):
    echo("the results report, the submission and the announcement are signed and registered:")
    _register(store, campaign_id, ("report", "submission", "announcement"), echo, summary)
    folder = out_dir / "documents"
    paths = generate_all(store, campaign_id, folder)
    workbook = export_scores(store, campaign_id, folder / f"bang-diem-{campaign_id}.xlsx")["path"]
    summary["documents"] = [str(p) for p in paths] + [str(workbook)]
    for path in paths:
        echo(f"  {path}")
    echo(f"  {workbook}  (score workbook)")
    dossiers, errors = build_campaign_dossiers(store, campaign_id, out_dir / "dossiers")
    summary["dossiers"] = [d.path for d in dossiers]
    for d in dossiers:
        echo(f"  {d.path}  (the unit's dossier: {d.documents} files under {d.criteria} criteria)")
    for e in errors:
        echo(f"  no dossier for {e['unit']}: {e['error']}")


def web_stage(store, campaign_id, out_dir, echo, summary):
    accounts = demo_accounts(store)
    summary["accounts"] = [{k: a[k] for k in ("name", "role", "unit")} for a in accounts]
    server = f"EVIDENCE_DATABASE_URL='{store.db.url}' " if isinstance(store.db, PgConnection) else ""
    echo(f"start the web app:  {server}.venv/bin/evidence --store {store.root} serve   → http://127.0.0.1:8000")
    echo("demo accounts (for this demo store only):")
    for account in accounts:
        who = account["role"] + (f" {account['unit']}" if account["unit"] else "")
        echo(f"  {account['name']:18} {account['password']:24} {who}")


STAGES = [
    ("4. Search (with and without diacritics, phrase, number, filters)", search_stage),
    (
        "5. Collection: units self-assess (survey criteria excepted); check; reminder; self-assessment closed",
        self_assessment_stage,
    ),
    ("6. Appraisal: the council meets and appraises; results still provisional", appraisal_stage),
    ("7. Survey results (điều tra xã hội học) imported; criteria left blank appraised", survey_stage),
    ("8. Objections, written agreement, results final (ranked within each group)", objections_stage),
    (
        "9. Register of issued documents; official documents (Decree 30), each unit's self-report and dossier, "
        "the score workbook",
        documents_stage,
    ),
    ("10. Web app", web_stage),
]
