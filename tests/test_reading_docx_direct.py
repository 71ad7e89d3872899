"""The DOCX text read straight from the package (issue 16) is python-docx's text, to the character; anything
unusual is left to python-docx, whose errors stay the same; the cheap XML check still refuses DTDs."""

import shutil
import zipfile
from pathlib import Path

import pytest

from evidence.errors import ReadError
from evidence.reading import docx as rd
from evidence.reading import read_document
from conftest import CORPUS
from reading_samples import samples, write_docx


def _both(path: Path) -> tuple[list[str], list[str]]:
    direct = rd._pages(*rd._main_parts(path))
    reference = rd._pages(*rd._python_docx_parts(path))
    return direct, reference


def _sections_document(path: Path) -> Path:
    """Several sections: first-page headers, a section linked to the previous one, one with its own footer;
    a table with merged cells, a content control, a hard page break, text in NFD."""
    import docx
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_BREAK
    from docx.oxml import parse_xml

    document = docx.Document()
    first = document.sections[0]
    first.different_first_page_header_footer = True
    first.header.paragraphs[0].text = "Đầu trang chung"
    first.first_page_header.paragraphs[0].text = "Đầu trang trang một"
    first.first_page_footer.paragraphs[0].text = "Chân trang trang một"
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0))  # vertically merged: read once
    table.cell(0, 0).text = "Ô gộp"
    table.cell(2, 1).text = "Quyết định".encode().decode()
    document.add_paragraph("Đoạn một.").add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Trang hai, tab\tvà xuống\ndòng.")
    document.element.body.append(
        parse_xml(
            '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:sdtContent>'
            "<w:p><w:r><w:t>Nội dung điều khiển</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        )
    )
    second = document.add_section(WD_SECTION.NEW_PAGE)  # header linked to the previous section
    second.footer.is_linked_to_previous = False
    second.footer.paragraphs[0].text = "Chân trang phần hai"
    document.add_paragraph("Phần hai.")
    third = document.add_section(WD_SECTION.NEW_PAGE)
    third.header.is_linked_to_previous = False
    third.header.paragraphs[0].text = "Đầu trang phần ba"
    document.add_paragraph("Phần ba.")
    document.save(str(path))
    return path


def test_direct_reading_matches_python_docx_on_generated_documents(tmp_path: Path):
    paths = [write_docx(s, tmp_path / f"{s.name}.docx") for s in samples()]
    paths.append(_sections_document(tmp_path / "sections.docx"))
    for path in paths:
        direct, reference = _both(path)
        assert direct == reference, path.name
    pages = rd.read_docx_pages(tmp_path / "sections.docx")
    assert "Đầu trang trang một" in pages[0] and "Chân trang phần hai" in pages[-1]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")
def test_direct_reading_matches_python_docx_on_the_corpus():
    paths = sorted(CORPUS.rglob("*.docx"))
    assert paths
    for path in paths:
        direct, reference = _both(path)
        assert direct == reference, path.name


def _rewrite(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)
    return target


def test_unusual_packages_are_left_to_python_docx(tmp_path: Path, monkeypatch):
    source = write_docx(samples()[0], tmp_path / "a.docx")
    # a macro-enabled main part: python-docx refuses it, with its own words
    macro = _rewrite(
        source,
        tmp_path / "macro.docx",
        lambda name, data: (
            data.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            if name == "[Content_Types].xml"
            else data
        ),
    )
    with pytest.raises(ReadError, match="corrupt DOCX .*not a Word file"):
        rd.read_docx_pages(macro)
    # a part that is not well-formed after its root element: the full check names it
    broken = _rewrite(
        source,
        tmp_path / "broken.docx",
        lambda name, data: data.replace(b"</w:body>", b"") if name == "word/document.xml" else data,
    )
    with pytest.raises(ReadError, match="word/document.xml is not well-formed"):
        rd.read_docx_pages(broken)
    # the ordinary package never calls python-docx
    calls = []
    monkeypatch.setattr(rd, "_python_docx_parts", lambda path: calls.append(path))
    assert rd.read_docx_pages(source) and calls == []


def test_prolog_check_refuses_a_dtd_in_any_part_and_stops_at_the_root(tmp_path: Path):
    source = write_docx(samples()[0], tmp_path / "a.docx")
    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'
    evil = _rewrite(
        source,
        tmp_path / "evil.docx",
        lambda name, data: laughs + data.split(b"?>", 1)[1] if name == "word/styles.xml" else data,
    )
    with pytest.raises(ReadError, match="word/styles.xml declares a DTD"):
        read_document(evil)
    # what follows the root element is not read by the cheap check (the parser that builds the part checks it)
    rd.check_zip(
        _rewrite(
            source,
            tmp_path / "tail.docx",
            lambda name, data: data + b"<unclosed>" if name == "word/fontTable.xml" else data,
        ),
        full=False,
    )
    with pytest.raises(ReadError, match="not well-formed"):
        rd.check_zip(tmp_path / "tail.docx", full=True)


def test_a_docx_without_python_docx_imported_reads_the_same(tmp_path: Path):
    """The worker processes are forked from a parent that preloaded lxml, not python-docx."""
    from evidence.reading import worker

    assert "docx" not in worker.PRELOAD_BY_SUFFIX[".docx"]
    path = shutil.copy(write_docx(samples()[1], tmp_path / "b.docx"), tmp_path / "c.docx")
    assert read_document(Path(path)).text
