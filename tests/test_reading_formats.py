"""One test per reader: PDF text layer, DOCX (paragraphs, tables, headers, footers), legacy DOC, images, text."""

import shutil
from pathlib import Path

import pytest

from evidence.reading import read_document
from reading_samples import export_pdfs, render_scan, samples, write_docx

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract not installed")


def test_docx_reads_paragraphs_tables_headers_and_footers(tmp_path: Path):
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Đầu trang: Sở Nội vụ"
    section.footer.paragraphs[0].text = "Chân trang: trang 1"
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    document.add_paragraph("Đoạn văn thân bài.")
    path = tmp_path / "a.docx"
    document.save(str(path))
    reading = read_document(path)
    assert reading.format == "docx" and reading.text_source == "text"
    lines = reading.text.splitlines()
    assert (
        lines.index("Đầu trang: Sở Nội vụ")
        < lines.index("ỦY BAN NHÂN DÂN")
        < lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        < lines.index("Đoạn văn thân bài.")
        < lines.index("Chân trang: trang 1")
    )


def test_docx_text_is_nfc(tmp_path: Path):
    import unicodedata

    import docx

    document = docx.Document()
    document.add_paragraph(unicodedata.normalize("NFD", "Quyết định"))
    path = tmp_path / "nfd.docx"
    document.save(str(path))
    assert "Quyết định" in read_document(path).text


@needs_soffice
@pytest.mark.slow
def test_pdf_exported_from_word_reads_its_text_layer(tmp_path: Path):
    sample = samples()[0]
    [pdf] = export_pdfs([write_docx(sample, tmp_path / "qd.docx")], tmp_path)
    reading = read_document(pdf, ocr=False)
    assert reading.format == "pdf" and reading.text_source == "text" and reading.pages == 1
    assert "Quyết định số 905/QĐ-UBND" in reading.text
    assert reading.metadata["number"] == sample.number_text


@needs_soffice
@pytest.mark.slow
def test_legacy_doc_is_converted_with_libreoffice(tmp_path: Path):
    import subprocess

    docx_path = write_docx(samples()[1], tmp_path / "kh.docx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path / "doc"),
            str(docx_path),
        ],
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    doc = tmp_path / "doc" / "kh.doc"
    reading = read_document(doc)
    assert reading.format == "doc"
    assert reading.metadata["number"] == samples()[1].number_text


def test_plain_text_in_utf8_utf16_and_windows_1258(tmp_path: Path):
    text = "Kế hoạch số 12/KH-UBND\fTrang hai"
    for name, data in (
        ("u8.txt", text.encode("utf-8")),
        ("u16.txt", text.encode("utf-16")),
        ("bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8")),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        reading = read_document(path)
        assert reading.format == "text" and reading.pages == 2 and reading.page_texts[0] == "Kế hoạch số 12/KH-UBND"
    legacy = tmp_path / "cp1258.txt"
    legacy.write_bytes("Kê\u0301 hoa\u0323ch".encode("cp1258"))  # Windows-1258 writes tones as combining marks
    assert read_document(legacy).text == "Kế hoạch"


def test_image_without_ocr_has_pages_and_no_text(tmp_path: Path):
    from PIL import Image

    frames = [Image.new("L", (200, 300), 255) for _ in range(2)]
    path = tmp_path / "scan.tiff"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    reading = read_document(path, ocr=False)
    assert (reading.format, reading.pages, reading.text_source) == ("image", 2, "none")
    assert "ocr_skipped" in reading.metadata["warnings"]


@needs_tesseract
@pytest.mark.slow
def test_image_is_read_by_ocr(tmp_path: Path):
    path = render_scan(
        ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM", "Số: 15/KH-UBND", "KẾ HOẠCH", "Triển khai cải cách hành chính năm 2025"],
        tmp_path / "page.png",
    )
    reading = read_document(path)
    assert reading.format == "image" and reading.text_source == "ocr" and reading.ocr_pages == 1
    assert "KẾ HOẠCH" in reading.text


def test_unconvertible_legacy_doc_is_a_warning_not_an_error(tmp_path: Path, monkeypatch):
    from evidence.reading import doc

    monkeypatch.setattr(doc, "soffice", lambda: None)  # as on a machine without LibreOffice
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    reading = read_document(path)
    assert reading.format == "doc" and reading.text_source == "none"
    assert "doc_conversion_failed" in reading.metadata["warnings"]
