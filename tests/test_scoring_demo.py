"""The demo's scoring stage, and one round end to end through attach_files (a real DOCX)."""

from __future__ import annotations

from evidence.catalog import attach_files
from evidence.round.findings import check, findings_for_evidence
from evidence.round.results import compute_results
from evidence.round.scoring import history
from datetime import date

from evidence.demo import scoring as demo_scoring

from conftest import make_docx
from test_findings_rules import add_evidence

C = "test-2025"


def test_demo_scores_with_deliberate_problems(store, campaign):
    for unit in ("STP", "SYT", "BLV"):
        add_evidence(store, unit=unit, criterion="1.1", number=f"1{len(unit)}/KH-{unit}")
        add_evidence(store, unit=unit, criterion="2.1", number=f"2/QĐ-{unit}", type_code="QĐ")
    summary = demo_scoring.self_assessment(store, C)
    assert summary["submitted"] == ["STP", "SYT"] and summary["problems"]
    appraised = demo_scoring.appraisal(store, C)
    assert appraised["appraised"] > 0 and compute_results(store, C).provisional  # BLV left two criteria blank
    codes = {(f.unit, f.code) for f in check(store, C)}
    assert ("SYT", "MISSING_EVIDENCE") in codes and ("SYT", "SCORE_WITHOUT_EVIDENCE") in codes
    assert ("BLV", "BLANK_SELF_SCORE") in codes
    assert not any(u == "STP" and c in ("MISSING_EVIDENCE", "BLANK_SELF_SCORE") for u, c in codes)
    assert demo_scoring.appraise_blanks(store, C) == ["BLV/2.1", "BLV/2.2"]
    outcomes = demo_scoring.objections(store, C, appraised["deductions"])
    assert [o["outcome"] for o in outcomes] in (["accepted", "rejected"], ["accepted"])
    assert demo_scoring.agreement(store, C, date(2026, 1, 20))["unit"] == "STP"
    results = compute_results(store, C)
    assert not results.provisional
    assert sorted(u.rank for u in results.units)[0] == 1
    assert results.unit("STP").agreement_current
    kinds = {e["kind"] for e in history(store, C)}
    assert {"self", "appraised", "objection", "objection_resolved", "agreement", "submission"} <= kinds


def test_end_to_end_with_an_attached_word_draft(store, campaign, tmp_path):
    path = make_docx(tmp_path / "ke-hoach.docx", number="      /KH-SNV")
    [outcome] = attach_files(store, [path], campaign_id=C, unit_code="STP", criterion_code="1.1", ocr=False)
    assert outcome.error is None
    mine = {f["code"]: f for f in findings_for_evidence(store, outcome.evidence_id)}
    assert mine["NOT_SIGNED"]["severity"] == "info" and "tệp Word" in mine["NOT_SIGNED"]["message"]
    codes = {f.code for f in check(store, C, "STP") if f.criterion == "1.1"}
    assert "MISSING_EVIDENCE" not in codes and "BLANK_SELF_SCORE" in codes
