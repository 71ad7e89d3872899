"""All six kinds from a scored campaign: contexts match the schema, outputs pass the lint, PDF round-trip."""

from __future__ import annotations

import json
import shutil

import docx
import pytest
from pypdf import PdfReader

from evidence.round import scoring
from evidence.documents.context_results import (
    announcement_context,
    minutes_context,
    report_context,
    submission_context,
)
from evidence.documents.context_setup import decision_context, plan_context
from conftest import score_every_leaf
from evidence.documents.generate import KINDS, generate, generate_all
from evidence.documents.lint import lint_docx
from evidence.documents.schema import SCHEMA, conforms
from evidence.vn.text import nfc


@pytest.fixture
def scored(store, campaign):
    score_every_leaf(store, campaign, "Tài liệu chưa đúng thời kỳ")
    scoring.raise_objection(store, campaign, "STP", "1.1", "Đề nghị xem xét lại Kế hoạch số 05/KH-STP")
    scoring.resolve_objection(store, campaign, "STP", "1.1", accepted=False, reason="ban hành ngoài thời kỳ")
    return campaign


def test_contexts_follow_the_schema(store, scored):
    built = {
        "plan": plan_context(store, scored),
        "decision": decision_context(store, scored),
        "minutes": minutes_context(store, scored),
        "report": report_context(store, scored, chart=False),
        "submission": submission_context(store, scored),
        "announcement": announcement_context(store, scored),
    }
    from evidence.documents.context_reminder import reminder_contexts

    built["reminder"] = next(iter(reminder_contexts(store, scored)))[1]
    for kind, context in built.items():
        assert conforms(context, SCHEMA[kind]) == [], kind


def test_all_six_kinds_generate_and_pass_the_lint(store, scored, tmp_path):
    paths = generate_all(store, scored.id, tmp_path / "out")
    kinds = {k for k in KINDS for p in paths if p.stem == f"{scored.id}-{k}" or p.stem.startswith(f"{scored.id}-{k}-")}
    assert kinds == set(KINDS)
    for path in paths:
        assert lint_docx(path) == [], path.name
    report = docx.Document(str(tmp_path / "out" / f"{scored.id}-report.docx"))
    assert report.inline_shapes and report.inline_shapes[0].width.mm == pytest.approx(160, abs=1)
    text = nfc("\n".join(c.text for t in report.tables for r in t.rows for c in r.cells))
    assert "Sở Tư pháp" in text and "UBND huyện Bạch Long Vỹ" in text
    minutes = "\n".join(p.text for p in docx.Document(str(tmp_path / "out" / f"{scored.id}-minutes.docx")).paragraphs)
    assert "không chấp nhận" in minutes and "Trần Văn B" in minutes


def test_reminder_per_unit_and_unknown_unit(store, scored, tmp_path, cli):
    [path] = generate(store, scored.id, "reminder", unit="STP", out=tmp_path)
    document = docx.Document(str(path))
    assert any(p.text.startswith("Kính gửi: Sở Tư pháp") for p in document.paragraphs)
    cells = "\n".join(c.text for row in document.tables[0].rows for c in row.cells)
    assert "/SNV-CCHC" in cells and "V/v đôn đốc" in cells
    store.close()
    result = cli("generate", "reminder", "--campaign", scored.id, "--unit", "XYZ", "--out", tmp_path)
    assert result.exit_code == 2


def test_generate_command_json_and_workbook_flag(store, scored, tmp_path, cli):
    store.close()
    result = cli("generate", "report", "--campaign", scored.id, "--out", tmp_path / "r.docx", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"files": [str(tmp_path / "r.docx")]}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_pdf_of_each_kind_round_trips(store, scored, tmp_path):
    """One LibreOffice run converts one document of each kind; page counts and text survive."""
    from evidence.documents.pdf import convert_to_pdf

    out = tmp_path / "out"
    docs = [
        generate(store, scored.id, kind, out=out, unit="STP" if kind in ("reminder", "self-report") else None)[0]
        for kind in KINDS
    ]
    pdfs = convert_to_pdf(docs)
    expected = {
        "plan": "KẾ HOẠCH",
        "decision": "QUYẾT ĐỊNH",
        "reminder": "Kính gửi",
        "minutes": "BIÊN BẢN",
        "report": "BÁO CÁO",
        "submission": "TỜ TRÌNH",
        "announcement": "QUYẾT ĐỊNH",
        "self-report": "Kính gửi",
    }
    issuer = {"plan": "ỦY BAN NHÂN DÂN", "decision": "ỦY BAN NHÂN DÂN", "announcement": "ỦY BAN NHÂN DÂN"}
    issuer["minutes"] = "HỘI ĐỒNG THẨM ĐỊNH"
    issuer["self-report"] = "SỞ TƯ PHÁP"  # the unit issues its own report
    signer = {"plan": "Trần Văn B", "decision": "Trần Văn B", "announcement": "Trần Văn B"}
    signer["self-report"] = "(họ và tên người ký)"  # the test campaign does not name the unit's head
    for kind, pdf in zip(KINDS, pdfs):
        reader = PdfReader(str(pdf))
        assert 1 <= len(reader.pages) <= 8, kind
        text = nfc(" ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages))
        for needle in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            issuer.get(kind, "SỞ NỘI VỤ"),
            expected[kind],
        ):
            assert needle in text, (kind, needle)
        assert "Nơi nhận" in text and signer.get(kind, "Nguyễn Văn A" if kind != "minutes" else "Trần Văn B") in text
        if len(reader.pages) > 1:  # page numbers from page 2
            assert (reader.pages[1].extract_text() or "").strip().startswith("2")
