"""The demo round end to end: what `make demo` runs, on a temporary store (without OCR, to keep it short): a 2026-style
round of a merged province (Lâm Đồng) with departments and communes, taken through every stage to final."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from evidence.cli import main
from evidence.errors import InputError
from evidence.demo.run import prepare_store
from evidence.store import Store


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for table in document.tables for row in table.rows for c in row.cells]
    return "\n".join(parts)


@pytest.mark.slow
def test_demo_runs_a_whole_round(tmp_path):
    store_dir, out_dir = tmp_path / "store", tmp_path / "out"
    result = CliRunner().invoke(
        main, ["--store", str(store_dir), "demo", "--out", str(out_dir), "--no-ocr", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["campaign"].startswith("cchc-")
    assert summary["ingested"] > 150
    assert len(summary["ingest_errors"]) == 1 and "ban-chup-hong.pdf" in summary["ingest_errors"][0]
    assert all(s["total"] > 0 for s in summary["searches"])
    assert summary["findings"] > 0 and summary["scoring"]["appraised"] > 0
    # every stage, in order, to final; provisional while the survey points and two criteria were missing
    assert list(summary["stages"]) == ["self_assessment_closed", "appraisal", "objections", "final"]
    assert sorted(summary["stages"].values()) == list(summary["stages"].values())
    assert any("điều tra xã hội học" in r for r in summary["provisional_at_appraisal"])
    assert summary["provisional"] is False
    assert summary["survey"]["applied"] == 36 and summary["survey"]["missing"] == 0
    # separate rankings: departments and communes (xã, phường, đặc khu), no districts
    groups = {g["code"]: g for g in summary["groups"]}
    assert list(groups) == ["so-nganh", "xa-phuong"]
    assert [r["rank"] for r in groups["so-nganh"]["ranking"]][0] == 1 and len(groups["so-nganh"]["ranking"]) == 4
    names = [r["name"] for r in groups["xa-phuong"]["ranking"]]
    assert len(names) == 5 and any("đặc khu" in n for n in names) and not any("huyện" in n for n in names)
    # the register: every kind, dates in event order, cited in full
    register = summary["register"]
    assert [d["kind"] for d in register] == [
        "plan",
        "decision",
        "reminder",
        "minutes",
        "report",
        "submission",
        "announcement",
    ]
    assert [d["issued_on"] for d in register] == sorted(d["issued_on"] for d in register)
    assert register[0]["citation"].startswith("Kế hoạch số 15/KH-UBND ngày 20/01/")
    assert register[0]["pdf_sha256"] and "Ủy ban nhân dân tỉnh Lâm Đồng" in register[0]["citation"]
    documents = [Path(p) for p in summary["documents"]]
    kinds = {p.stem.split("-")[2] for p in documents if p.suffix == ".docx"}
    assert {"plan", "decision", "reminder", "minutes", "report", "announcement"} <= kinds
    assert all(p.is_file() and p.stat().st_size > 0 for p in documents)
    assert any(p.suffix == ".xlsx" for p in documents)
    # the final round's documents as their signers read them
    text = {p.stem.split("-", 2)[2]: _docx_text(p) for p in documents if p.suffix == ".docx"}
    assert "DỰ THẢO" not in "".join(text.values())
    decision = " ".join(text["decision"].split())
    assert "Tờ trình số 1520/TTr-SNV ngày 09 tháng 10 năm" in decision and "Ông/Bà" not in decision
    assert "Quyết định số 2318/QĐ-UBND ngày 14 tháng 11 năm" in decision  # the province's own index
    report = " ".join(text["report"].split())
    meeting = next(d["issued_on"] for d in register if d["kind"] == "minutes")  # the minutes carry the meeting day
    day = "/".join(reversed(meeting.split("-")))
    assert f"họp thẩm định ngày {day}" in report
    assert "(khối xã, phường, đặc khu)" in report and "(khối sở, ban, ngành)" in report  # codes shared by both indexes
    assert {a["role"] for a in summary["accounts"]} == {"secretariat", "reviewer", "unit"}
    assert summary["detached"] == 1
    store = Store.open(store_dir)
    try:  # the link taken back is history, not a link
        ((evidence_id, unit, criterion, reason),) = store.db.execute(
            "SELECT evidence_id, unit_code, criterion_code, reason FROM detached_links"
        ).fetchall()
        assert reason == "nhầm tiêu chí"
        assert not store.db.execute(
            "SELECT 1 FROM links WHERE evidence_id = ? AND unit_code = ? AND criterion_code = ?",
            (evidence_id, unit, criterion),
        ).fetchall()
        assert store.db.execute("SELECT COUNT(*) FROM links WHERE evidence_id = ?", (evidence_id,)).fetchone()[0]
    finally:
        store.close()
    # the demo store is a real store: it proves itself whole
    verify = CliRunner().invoke(main, ["--store", str(store_dir), "verify", "--json"], catch_exceptions=False)
    assert verify.exit_code == 0 and json.loads(verify.stdout)["ok"]


def test_demo_never_wipes_a_real_store(tmp_path, campaign_file):
    from evidence.round.campaign import create_campaign
    from evidence.frameworks.model import save_framework
    from conftest import small_framework

    store = Store.init(tmp_path / "real")
    save_framework(store, small_framework())
    create_campaign(store, campaign_file)
    store.close()
    with pytest.raises(InputError, match="real campaigns"):
        prepare_store(tmp_path / "real")
    with Store.open(tmp_path / "real") as again:
        assert again.db.execute("SELECT COUNT(*) FROM campaigns").fetchone()[0] == 1
