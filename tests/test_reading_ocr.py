"""OCR of scanned pages (only the pages without a usable text layer) and text-layer quality."""

import shutil
from pathlib import Path

import pytest

from evidence.reading import read_document
from evidence.reading.quality import classify
from reading_samples import render_scan

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None or shutil.which("pdftoppm") is None, reason="Tesseract or poppler not installed"
)

HEADER = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH QUẢNG NAM",
    "Số: 15/KH-UBND",
    "Quảng Nam, ngày 05 tháng 01 năm 2025",
    "KẾ HOẠCH",
    "Triển khai xác định Chỉ số cải cách hành chính năm 2025",
    "",
    "Thực hiện Quyết định số 905/QĐ-UBND ngày 04/5/2018 của Ủy ban nhân dân tỉnh.",
]


@needs_tesseract
@pytest.mark.slow
def test_scanned_pdf_page_is_read_back_by_ocr(tmp_path: Path):
    path = render_scan(HEADER, tmp_path / "scan.pdf")
    reading = read_document(path)
    meta = reading.metadata
    assert reading.text_source == "ocr" and reading.ocr_pages == 1 and reading.ocr_seconds > 0
    assert {"no_text_layer", "ocr_used"} <= set(meta["warnings"])
    assert meta["number"] == "15/KH-UBND" and meta["type_code"] == "KH"
    assert meta["issued_on"] == "2025-01-05" and meta["date_source"] == "header"
    assert meta["summary"] == "Triển khai xác định Chỉ số cải cách hành chính năm 2025"


def test_no_ocr_leaves_a_scan_without_text(tmp_path: Path):
    path = render_scan(HEADER, tmp_path / "scan.pdf")
    reading = read_document(path, ocr=False)
    assert reading.text_source == "none" and reading.text == ""
    assert {"no_text_layer", "ocr_skipped"} <= set(reading.metadata["warnings"])


def test_blank_page_is_not_sent_to_tesseract(tmp_path: Path):
    path = render_scan([], tmp_path / "blank.pdf")
    reading = read_document(path)
    assert reading.ocr_pages == 0 and reading.text_source == "none"


GOOD = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Ủy ban nhân dân tỉnh ban hành kế hoạch."


@pytest.mark.parametrize(
    "text, verdict",
    [
        (GOOD, "good"),
        ("", "empty"),
        (
            "Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nCơ quan: Tỉnh Quảng Ngãi\nThời gian ký: 03/02/2025 10:47:25",
            "stamp",
        ),
        # TCVN3 (ABC) font text read as Latin-1
        (
            "C¨n cø LuËt Tæ chøc chÝnh quyÒn ®Þa ph\u00adong ngµy 19 th¸ng 6 n¨m 2015; ñy ban nh©n d©n tØnh ban hµnh",
            "garbage",
        ),
        # VNI font text
        (
            "Caên cöù Luaät Toå chöùc chính quyeàn ñòa phöông ngaøy 19 thaùng 6 naêm 2015; UÛy ban nhaân daân tænh",
            "garbage",
        ),
        ("Ww ,.. mmm ijl qqq xzv 8ii ~ jjj ppp zzz Mmk lll wwwx krrt ppq; lkk mmwqe rrrt ZZZ llx qqf", "garbage"),
        ("Trang 2", "short"),
    ],
)
def test_text_layer_quality(text, verdict):
    assert classify(text) == verdict


def test_tcvn3_text_layer_is_converted_not_thrown_away(tmp_path: Path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "tcvn3.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("Helvetica", 11)
    pdf.drawString(50, 700, "C¨n cø LuËt Tæ chøc chÝnh quyÒn ®Þa ph­¬ng ngµy 19 th¸ng 6 n¨m 2015;")
    pdf.drawString(50, 680, "ñy ban nh©n d©n tØnh Qu¶ng Nam quyÕt ®Þnh ban hµnh kÕ ho¹ch c¶i c¸ch hµnh chÝnh")
    pdf.showPage()
    pdf.save()
    reading = read_document(path, ocr=False)
    assert reading.text_source == "text"
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;" in reading.text
    assert "ủy ban nhân dân tỉnh Quảng Nam quyết định ban hành kế hoạch cải cách hành chính" in reading.text
    assert "legacy_encoding_tcvn3" in reading.metadata["warnings"]


def test_garbage_text_layer_is_treated_as_no_text(tmp_path: Path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "garbage.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("Helvetica", 11)
    # an OCR layer made without the Vietnamese model: digits for the accented letters
    pdf.drawString(50, 700, "uY BAN NgAN nAN TINH LAMDONG ceNG HoA xA ugr cuu DQc l$p - Tg do - H4nh phric")
    pdf.drawString(50, 680, "Ngdy 07 thdng 11, d6ng chi chir tri bu6i lirm vi6c nghe b6o c5o drinh gi6 ktit qui vd")
    pdf.drawString(
        50, 660, "gidi phip nAng cao c6c chi s6 cria tinh; Ph6 Chrl tich UBND tinh k6t ludn nhu sau tr6n m6i"
    )
    pdf.showPage()
    pdf.save()
    reading = read_document(path, ocr=False)
    assert reading.text == "" and reading.text_source == "none"
    assert "garbage_text_layer" in reading.metadata["warnings"]


def test_missing_tesseract_model_is_said_once_and_reading_goes_on(tmp_path: Path, monkeypatch, capfd):
    from evidence.reading import ocr, read_many

    monkeypatch.setattr(ocr, "LANG", "no-such-model")
    monkeypatch.setattr(ocr, "_warned", False)
    ocr.tesseract_status.cache_clear()
    try:
        paths = [render_scan(["Số: 1/KH-UBND"], tmp_path / f"scan{i}.pdf") for i in range(3)]
        results = dict(read_many(paths, timeout=60))
    finally:
        ocr.tesseract_status.cache_clear()
    assert all(r.text_source == "none" and "ocr_unavailable" in r.metadata["warnings"] for r in results.values())
    assert capfd.readouterr().err.count("carrying on without OCR") == 1
