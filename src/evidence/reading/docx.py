"""Word (.docx) files: body paragraphs and tables in document order, plus headers and footers.

The zip container and its XML are checked before python-docx sees them: member count, declared sizes and
compression ratios are bounded (zip bombs), and every XML part is checked by expat first, which refuses
DTDs and entity declarations (billion-laughs, external entities).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any
from xml.parsers import expat

from ..errors import ReadError
from ..vn.text import nfc

MAX_MEMBERS = 5000
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members larger than RATIO_FLOOR
RATIO_FLOOR = 2 * 1024 * 1024
MAX_XML_CHECK_BYTES = 64 * 1024 * 1024

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class _Refused(Exception):
    """An XML part declares a DTD or entities."""


def _refuse(*_args) -> Any:
    raise _Refused()


def check_xml(data: bytes) -> None:
    """Well-formed, and no DTD, entity declaration or external entity (what defusedxml refuses with
    forbid_dtd), checked by expat alone: no element tree is built, so a part costs C time only.
    Raises _Refused or expat.ExpatError."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.Parse(data, True)


def check_zip(path: Path) -> None:
    """Refuse zip bombs and XML entity tricks before any XML is parsed for real."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise ReadError(f"DOCX has {len(infos)} parts (limit {MAX_MEMBERS}): refused", path=path)
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                    raise ReadError("DOCX expands to too much data (zip bomb?): refused", path=path)
                if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise ReadError(
                        f"DOCX part {info.filename} is compressed {info.file_size // max(info.compress_size, 1)}:1"
                        " (zip bomb?): refused",
                        path=path,
                    )
            for info in infos:
                if not info.filename.endswith((".xml", ".rels")) or info.file_size > MAX_XML_CHECK_BYTES:
                    continue
                data = archive.read(info)
                try:
                    check_xml(data)
                except _Refused:
                    raise ReadError(
                        f"DOCX part {info.filename} declares a DTD or entities: refused", path=path
                    ) from None
                except expat.ExpatError as exc:
                    raise ReadError(f"DOCX part {info.filename} is not well-formed XML ({exc})", path=path) from None
    except zipfile.BadZipFile as exc:
        raise ReadError(f"corrupt or truncated DOCX ({exc})", path=path) from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        raise ReadError(f"unreadable DOCX ({type(exc).__name__}: {exc})", path=path) from None


def _element_text(element) -> str:
    """The text of a w:p (or any element): runs, tabs, breaks, text boxes and hyperlinks included."""
    parts: list[str] = []
    for node in element.iter():
        tag = node.tag
        if tag == f"{W}t":
            parts.append(node.text or "")
        elif tag == f"{W}tab":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\f" if node.get(f"{W}type") == "page" else "\n")
        elif tag == f"{W}p" and node is not element:
            parts.append("\n")
    return "".join(parts)


def _block_texts(parent) -> list[str]:
    """Paragraph and table texts under a body/header/footer/cell element, in order. A table is read row by row,
    cell by cell (merged cells once), each cell's paragraphs on their own lines."""
    out: list[str] = []
    for child in parent.iterchildren():
        tag = child.tag
        if tag == f"{W}p":
            out.append(_element_text(child))
        elif tag == f"{W}tbl":
            for row in child.iterchildren(f"{W}tr"):
                for cell in row.iterchildren(f"{W}tc"):
                    props = cell.find(f"{W}tcPr")
                    merge = props.find(f"{W}vMerge") if props is not None else None
                    if merge is not None and merge.get(f"{W}val") in (None, "continue"):
                        continue  # continuation of a vertically merged cell
                    out.extend(_block_texts(cell))
        elif tag == f"{W}sdt":  # content controls
            content = child.find(f"{W}sdtContent")
            if content is not None:
                out.extend(_block_texts(content))
    return out


def read_docx_pages(path: Path) -> list[str]:
    """Pages of text (split at hard page breaks); headers first, footers last."""
    check_zip(path)
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors … for broken packages
        raise ReadError(f"corrupt DOCX ({type(exc).__name__}: {exc})", path=path) from None
    headers: list[str] = []
    footers: list[str] = []
    seen: set[int] = set()
    for section in document.sections:
        for part_name in ("header", "first_page_header", "footer", "first_page_footer"):
            try:
                part = getattr(section, part_name)
                if part.is_linked_to_previous:
                    continue
                element = part._element
            except Exception:
                continue
            if id(element) in seen:
                continue
            seen.add(id(element))
            text = "\n".join(t for t in _block_texts(element) if t.strip())
            if text:
                (headers if "header" in part_name else footers).append(text)
    body = "\n".join(_block_texts(document.element.body))
    pages = body.split("\f")
    if headers:
        pages[0] = "\n".join(headers) + "\n" + pages[0]
    if footers:
        pages[-1] = pages[-1] + "\n" + "\n".join(footers)
    return [nfc(p) for p in pages]
