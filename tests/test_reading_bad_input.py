"""Bad input: each kind gets a one-line ReadError (or a warning) within the time limit, and a batch goes on."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from evidence.reading import ReadError, read_document, read_many
from reading_samples import samples, write_docx, write_pdf


def _one_line_error(path: Path, *fragments: str) -> str:
    with pytest.raises(ReadError) as info:
        read_document(path, ocr=False)
    message = str(info.value)
    assert "\n" not in message and path.name in message
    for fragment in fragments:
        assert fragment in message, message
    return message


@pytest.fixture
def good_pdf(tmp_path: Path) -> Path:
    return write_pdf(samples()[0], tmp_path / "good.pdf")


def _encrypt(source: Path, dest: Path, user_password: str) -> Path:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(source))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    with open(dest, "wb") as out:
        writer.write(out)
    return dest


def test_encrypted_pdf_with_empty_password_is_opened(good_pdf: Path, tmp_path: Path):
    reading = read_document(_encrypt(good_pdf, tmp_path / "open.pdf", ""), ocr=False)
    assert reading.metadata["number"] == samples()[0].number_text


def test_encrypted_pdf_with_a_password_is_a_clear_error(good_pdf: Path, tmp_path: Path):
    _one_line_error(_encrypt(good_pdf, tmp_path / "locked.pdf", "secret"), "encrypted", "password")


def test_truncated_pdf(good_pdf: Path, tmp_path: Path):
    path = tmp_path / "truncated.pdf"
    path.write_bytes(good_pdf.read_bytes()[:300])
    _one_line_error(path, "PDF")


def test_corrupt_and_truncated_docx(tmp_path: Path):
    whole = write_docx(samples()[0], tmp_path / "whole.docx").read_bytes()
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(whole[: len(whole) // 2])
    _one_line_error(truncated, "DOCX")
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>unclosed")
    _one_line_error(broken, "not well-formed")


def test_docx_zip_bomb_is_refused(tmp_path: Path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/image1.bin", b"\0" * (40 * 1024 * 1024))
    _one_line_error(path, "zip bomb")


def test_docx_with_xml_entity_expansion_is_refused(tmp_path: Path):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"
    )
    path = tmp_path / "laughs.docx"
    source = write_docx(samples()[0], tmp_path / "src.docx")
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = laughs.encode() if item.filename == "word/document.xml" else src.read(item)
            dst.writestr(item, data)
    _one_line_error(path, "DTD or entities")


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 10)) + chunk(b"IEND", b"")


def test_image_with_absurd_dimensions(tmp_path: Path):
    path = tmp_path / "huge.png"
    path.write_bytes(_png_header(200_000, 200_000))
    _one_line_error(path, "too large")


def test_corrupt_image(tmp_path: Path):
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 50)
    _one_line_error(path, "image")


def test_extension_that_lies_is_sniffed(good_pdf: Path, tmp_path: Path):
    disguised = tmp_path / "report.docx"
    disguised.write_bytes(good_pdf.read_bytes())
    reading = read_document(disguised, ocr=False)
    assert reading.format == "pdf" and "extension_mismatch" in reading.metadata["warnings"]
    word = tmp_path / "scan.jpg"
    word.write_bytes(write_docx(samples()[1], tmp_path / "kh.docx").read_bytes())
    assert read_document(word).format == "docx"
    text = tmp_path / "photo.png"
    text.write_text("Kế hoạch số 12/KH-UBND", encoding="utf-8")
    assert read_document(text).format == "text"


def test_unknown_binary_and_non_word_zip(tmp_path: Path):
    blob = tmp_path / "data.bin"
    blob.write_bytes(bytes(range(256)) * 16)
    _one_line_error(blob, "unsupported file type")
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "x")
    _one_line_error(archive, "not a Word document")


def test_missing_file_and_directory(tmp_path: Path):
    _one_line_error(tmp_path / "nowhere.pdf", "cannot open")
    (tmp_path / "folder.pdf").mkdir()
    _one_line_error(tmp_path / "folder.pdf", "is a directory")


def _busy_pdf(path: Path, operators: int = 200_000) -> Path:
    """15 KB that keep a PDF parser busy for a minute: millions of text operators, flate-compressed."""
    content = zlib.compress(b"BT /F1 9 Tf 10 10 Td (a) Tj ET\n" * operators, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def test_batch_goes_on_past_a_hung_parser_and_bad_files(tmp_path: Path):
    busy = _busy_pdf(tmp_path / "busy.pdf")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n garbage")
    good = tmp_path / "good.txt"
    good.write_text("Báo cáo kết quả", encoding="utf-8")
    results = dict(read_many([busy, bad, good], ocr=False, jobs=2, timeout=3))
    assert set(results) == {busy, bad, good}
    assert isinstance(results[busy], ReadError) and "timed out after 3 s" in str(results[busy])
    assert isinstance(results[bad], ReadError)
    assert results[good].text == "Báo cáo kết quả"


def test_pdf_page_of_absurd_size_is_rendered_small_for_ocr(tmp_path: Path):
    import shutil

    from reportlab.pdfgen import canvas

    if shutil.which("pdftoppm") is None or shutil.which("tesseract") is None:
        pytest.skip("poppler or Tesseract not installed")
    path = tmp_path / "poster.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(14400, 14400))  # 5 m × 5 m, the PDF maximum
    pdf.showPage()
    pdf.save()
    reading = read_document(path)
    assert reading.pages == 1 and reading.text_source == "none"


def test_readers_start_from_the_fork_server_when_other_threads_run(tmp_path: Path):
    """The web server reads uploads from its worker threads: forking such a process would copy the locks
    other threads hold into the reader, so readers start from the fork server there (and still time out)."""
    import threading

    from evidence.reading import worker

    if threading.active_count() == 1:  # the command line (other tests may have left threads behind)
        assert worker._context().get_start_method() == "fork"
    busy = _busy_pdf(tmp_path / "busy.pdf")
    good = tmp_path / "good.txt"
    good.write_text("Biên bản thẩm định", encoding="utf-8")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)  # another request's thread, busy meanwhile
    other.start()
    found = {}

    def run():
        found["method"] = worker._context().get_start_method()
        found["results"] = dict(read_many([busy, good], ocr=False, jobs=2, timeout=3))

    try:
        reader_thread = threading.Thread(target=run)
        reader_thread.start()
        reader_thread.join(60)
    finally:
        stop.set()
    assert found["method"] == "forkserver"
    results = found["results"]
    assert results[good].text == "Biên bản thẩm định"
    assert isinstance(results[busy], ReadError) and "timed out after 3 s" in str(results[busy])


def _glyph_widget_pdf(path: Path, glyphs: int) -> Path:
    """A good PDF plus one widget whose appearance stream draws `glyphs` separate glyphs over the page."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    base = write_pdf(samples()[0], path.with_name("base.pdf"))
    writer = PdfWriter(clone_from=PdfReader(str(base)))
    ops = ["BT /F1 6 Tf"] + [
        f"ET BT /F1 6 Tf {5 + (i % 90) * 6} {5 + (i // 90) * 3 % 790} Td (x) Tj" for i in range(glyphs)
    ]
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops + ["ET"]).encode())
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, 560, 800)]),
            NameObject("/Resources"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
            ),
        }
    )
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (20, 20, 580, 820)]),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(stream)}),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
    with open(path, "wb") as out:
        writer.write(out)
    return path


def test_widget_drawing_thousands_of_glyphs_is_read_bounded(tmp_path: Path):
    import time

    path = _glyph_widget_pdf(tmp_path / "glyphs.pdf", 20000)
    started = time.monotonic()
    reading = read_document(path, ocr=False)
    assert time.monotonic() - started < 20
    assert reading.metadata["number"] == samples()[0].number_text  # the header is still read
    assert "widget_text_truncated" in reading.metadata["warnings"]
    assert len(reading.text) < 20000  # not 20 000 glyphs of stamp text
