"""Tag hygiene of a Word template, before Jinja sees it: every `{{`, `{%` and `{#` closed in the same paragraph.

docxtpl joins the template's XML into one Jinja source, so an unclosed `{{ doc.number ` at the end of a paragraph
does not fail: Jinja reads on through the XML up to the next `}}` and the rendered document silently loses
everything in between (articles, the signature block, the section properties). Checked per paragraph instead.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from ..errors import InputError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PAIRS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_TOKEN = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_PARTS = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")


def paragraph_texts(path: Path) -> list[tuple[str, str]]:
    """(part name, text) of every paragraph of the body, headers and footers."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sorted(n for n in archive.namelist() if _PARTS.match(n))
            out = []
            for name in parts:
                root = etree.fromstring(archive.read(name))
                for paragraph in root.iter(f"{W}p"):
                    out.append((name, "".join(t.text or "" for t in paragraph.iter(f"{W}t"))))
            return out
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, KeyError) as exc:
        raise InputError(f"not a readable .docx ({type(exc).__name__})", path=path) from None


def tag_problems(path: Path) -> list[str]:
    """One line per tag left open or closed without an opening, naming the paragraph by its text."""
    problems = []
    for part, text in paragraph_texts(Path(path)):
        opened: str | None = None
        start = 0
        for match in _TOKEN.finditer(text):
            token = match.group(0)
            if token in PAIRS:
                if opened is not None:
                    problems.append(_line(part, text, start, f"`{opened}` is not closed before `{token}`"))
                opened, start = token, match.start()
            elif opened is not None and token == PAIRS[opened]:
                opened = None
            elif opened is None:
                problems.append(_line(part, text, match.start(), f"`{token}` closes no tag"))
        if opened is not None:
            problems.append(_line(part, text, start, f"`{opened}` is not closed (add `{PAIRS[opened]}`)"))
    return problems


def _line(part: str, text: str, at: int, what: str) -> str:
    where = "" if part == "word/document.xml" else f" in {part.removeprefix('word/')}"
    snippet = text[max(0, at - 30) : at + 30].strip()
    return f"{what}{where}: \u201c{snippet}\u201d"
