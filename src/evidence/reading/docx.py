"""Word (.docx) files: body paragraphs and tables in document order, plus headers and footers.

The zip container and its XML are checked before any XML is parsed for real: member count, declared sizes and
compression ratios are bounded (zip bombs), and every XML part is checked by expat first, which refuses
DTDs and entity declarations (billion-laughs, external entities). A DTD can only stand before the root element,
so the reader checks each part up to its root element (`check_zip(full=False)`: microseconds a part); the
web's upload check reads each part whole, so a part that is not well-formed is refused at once.

The text comes from the few parts it is in (the main document, its headers and footers), found through the
package's relationships and parsed with lxml as python-docx parses them: python-docx would also parse the
styles (hundreds of kB in a Word file), numbering, settings … which the text does not need, at three times the
cost of the rest of the reading. Anything unusual about the package (no single main document, an unexpected
content type, a missing or broken part) is left to python-docx, whose result and errors are the reference.
"""

from __future__ import annotations

import posixpath
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
PROLOG_CHUNK = 16 * 1024  # what is decompressed at a time while looking for a part's root element

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
PART_TYPES = {
    "header": "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "footer": "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
}
# python-docx's section parts, in the order the text takes them: (kind, w:type of the reference)
SECTION_PARTS = (("header", "default"), ("header", "first"), ("footer", "default"), ("footer", "first"))


class _Refused(Exception):
    """An XML part declares a DTD or entities."""


class _RootReached(Exception):
    """The root element of a part: no DTD can come after it."""


def _refuse(*_args) -> Any:
    raise _Refused()


def _root_reached(*_args) -> Any:
    raise _RootReached()


def _parser(stop_at_root: bool):
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    if stop_at_root:
        parser.StartElementHandler = _root_reached
    return parser


def check_xml(data: bytes) -> None:
    """Well-formed, and no DTD, entity declaration or external entity (what defusedxml refuses with
    forbid_dtd), checked by expat alone: no element tree is built, so a part costs C time only.
    Raises _Refused or expat.ExpatError."""
    _parser(stop_at_root=False).Parse(data, True)


def check_prolog(stream) -> None:
    """No DTD, entity declaration or external entity before the root element of the XML read from `stream` (a
    binary file), which is read only that far. XML allows a DTD nowhere else, so a parser that builds the
    part afterwards meets none. Raises _Refused, or expat.ExpatError when the part ends before a root element
    or is not XML."""
    parser = _parser(stop_at_root=True)
    try:
        while chunk := stream.read(PROLOG_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _RootReached:
        return


def check_zip(path: Path, *, full: bool = True) -> None:
    """Refuse zip bombs and XML entity tricks before any XML is parsed for real. `full`: every XML part is
    read whole and must be well-formed; otherwise each part is read up to its root element only (what keeps
    DTDs and entities out; a part that is not well-formed is then refused by the parser that builds it)."""
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
                if not info.filename.endswith((".xml", ".rels")):
                    continue
                if full and info.file_size > MAX_XML_CHECK_BYTES:
                    continue
                try:
                    if full:
                        check_xml(archive.read(info))
                    else:
                        with archive.open(info) as stream:
                            check_prolog(stream)
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
    check_zip(path, full=False)
    try:
        body, parts = _main_parts(path)
    except Exception:  # noqa: BLE001 — an unusual or broken package: python-docx reads it, or says why not
        body, parts = _python_docx_parts(path)
    return _pages(body, parts)


def _pages(body, parts: list[tuple[str, Any]]) -> list[str]:
    """The pages from the body element and the (kind, element) of the section parts, in python-docx's order."""
    headers: list[str] = []
    footers: list[str] = []
    seen: set[int] = set()
    for kind, element in parts:
        if id(element) in seen:
            continue
        seen.add(id(element))
        text = "\n".join(t for t in _block_texts(element) if t.strip())
        if text:
            (headers if kind == "header" else footers).append(text)
    pages = "\n".join(_block_texts(body)).split("\f")
    if headers:
        pages[0] = "\n".join(headers) + "\n" + pages[0]
    if footers:
        pages[-1] = pages[-1] + "\n" + "\n".join(footers)
    return [nfc(p) for p in pages]


def _python_docx_parts(path: Path) -> tuple[Any, list[tuple[str, Any]]]:
    """The body and section parts as python-docx finds them (after the full check of every part)."""
    check_zip(path, full=True)
    import docx  # only for packages the direct reading leaves to it (and it imports lxml's whole OOXML layer)

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors … for broken packages
        raise ReadError(f"corrupt DOCX ({type(exc).__name__}: {exc})", path=path) from None
    parts: list[tuple[str, Any]] = []
    for section in document.sections:
        for part_name in ("header", "first_page_header", "footer", "first_page_footer"):
            try:
                part = getattr(section, part_name)
                if part.is_linked_to_previous:
                    continue
                parts.append(("header" if "header" in part_name else "footer", part._element))
            except Exception:
                continue
    return document.element.body, parts


class _Unusual(Exception):
    """Something python-docx decides about (and words the error of)."""


def _main_parts(path: Path) -> tuple[Any, list[tuple[str, Any]]]:
    """The body and section parts, read straight from the package the way python-docx finds them: the one
    officeDocument relationship of the package, of the main document's content type; each section's default
    and first-page header and footer references, through the main part's relationships."""
    from lxml import etree  # the readers' XML parser; imported by the reader processes (worker.PRELOAD)

    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)  # python-docx's own settings
    with zipfile.ZipFile(path) as archive:
        types = etree.fromstring(archive.read("[Content_Types].xml"), parser)
        main = [r for r in _relationships(archive, "/", etree, parser) if r[0] == OFFICE_DOCUMENT]
        if len(main) != 1 or _content_type(types, main[0][1]) != MAIN_TYPE:
            raise _Unusual()
        main_name = main[0][1]
        document = etree.fromstring(archive.read(main_name[1:]), parser)
        if document.tag != f"{W}document":
            raise _Unusual()
        body = document.find(f"{W}body")
        if body is None:
            raise _Unusual()
        targets = {rid: name for _type, name, rid in _relationships(archive, main_name, etree, parser)}
        loaded: dict[str, Any] = {}
        parts: list[tuple[str, Any]] = []
        for sect in document.xpath("./w:body/w:p/w:pPr/w:sectPr | ./w:body/w:sectPr", namespaces={"w": W[1:-1]}):
            for kind, which in SECTION_PARTS:
                ref = sect.find(f"{W}{kind}Reference[@{W}type='{which}']")
                if ref is None:
                    continue  # linked to the previous section
                name = targets.get(ref.get(f"{R}id"))
                if name is None or _content_type(types, name) != PART_TYPES[kind]:
                    raise _Unusual()  # a dangling or odd reference: what python-docx makes of it is the rule
                if name not in loaded:
                    loaded[name] = etree.fromstring(archive.read(name[1:]), parser)
                parts.append((kind, loaded[name]))
    return body, parts


def _relationships(archive: zipfile.ZipFile, source: str, etree, parser) -> list[tuple[str, str, str]]:
    """(type, target part name, id) of the internal relationships of the part `source` ("/": the package)."""
    base, filename = posixpath.split(source)
    rels_name = posixpath.join(base, "_rels", f"{filename}.rels")[1:]
    try:
        data = archive.read(rels_name)
    except KeyError:
        return []
    out = []
    for rel in etree.fromstring(data, parser).iterchildren(f"{RELS}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = posixpath.normpath(posixpath.join(base, rel.get("Target")))
        out.append((rel.get("Type"), target, rel.get("Id")))
    return out


def _content_type(types, part_name: str) -> str | None:
    """The content type [Content_Types].xml gives a part: its override, else its extension's default (both
    compared without regard to case, the last entry winning, as python-docx does)."""
    overrides = {
        (o.get("PartName") or "").lower(): o.get("ContentType") for o in types.iterchildren(f"{TYPES}Override")
    }
    defaults = {(d.get("Extension") or "").lower(): d.get("ContentType") for d in types.iterchildren(f"{TYPES}Default")}
    lowered = part_name.lower()
    if lowered in overrides:
        return overrides[lowered]
    return defaults.get(posixpath.splitext(lowered)[1][1:])
