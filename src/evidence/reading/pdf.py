"""PDF files: the text layer of each page (pypdf), with the text drawn by widget annotations merged in place.

E-office PDFs draw the number and day of an issued document, and the signature stamps, in the appearance streams
of signature widgets (/Annots → /AP /N), not in the page content. They are read too and put on the line where they
are drawn, so `Số:      /TB-UBND` becomes `Số: 11 /TB-UBND` as a person sees it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReadError
from ..vn.text import nfc
from .active_content import active_content
from .widgets import page_text_with_widgets

MAX_PAGES = 3000

logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass
class PdfText:
    pages: list[str]
    extras: list[list[str]] = field(default_factory=list)  # per page: widget texts drawn apart (stamps)
    reader: object = None  # the open pypdf reader (for signatures)
    warnings: list[str] = field(default_factory=list)


def open_pdf(path: Path):
    """A pypdf reader for the file, decrypted with the empty password when needed."""
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                result = reader.decrypt("")
            except (NotImplementedError, DependencyError) as exc:
                raise ReadError(f"encrypted PDF with an unsupported scheme ({exc})", path=path) from None
            if not result:
                raise ReadError("encrypted PDF: it needs a password to open", path=path)
        count = len(reader.pages)
    except ReadError:
        raise
    except FileNotDecryptedError:
        raise ReadError("encrypted PDF: it needs a password to open", path=path) from None
    except LimitReachedError as exc:
        raise ReadError(
            f"PDF too complex to read safely (a parser limit was reached: {_short(exc)})", path=path
        ) from None
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
        AssertionError,
        ZeroDivisionError,
    ) as exc:
        raise ReadError(f"corrupt or truncated PDF ({type(exc).__name__}: {_short(exc)})", path=path) from None
    if count == 0:
        raise ReadError("PDF without pages (corrupt or truncated)", path=path)
    if count > MAX_PAGES:
        raise ReadError(f"PDF has {count} pages (limit {MAX_PAGES})", path=path)
    return reader


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:150]


def page_text(reader, index: int) -> tuple[str, list[str], bool]:
    """(text, widget stamp texts, ok) for one page; ok is False when the page could not be parsed."""
    try:
        text, extras = page_text_with_widgets(reader.pages[index])
        return nfc(text), [nfc(e) for e in extras], True
    except RecursionError:
        return "", [], False
    except Exception:  # one broken page must not lose the others
        return "", [], False


def read_pdf(path: Path) -> PdfText:
    reader = open_pdf(path)
    pages: list[str] = []
    extras: list[list[str]] = []
    broken = 0
    truncated = False
    for index in range(len(reader.pages)):
        text, extra, ok = page_text(reader, index)
        broken += not ok
        if extra and extra[-1] == "":
            truncated = True  # cap_extras cut this page's widget text
            extra = extra[:-1]
        pages.append(text)
        extras.append(extra)
    result = PdfText(pages=pages, extras=extras, reader=reader)
    if broken:
        result.warnings.append("pdf_page_unreadable")
    if truncated:
        result.warnings.append("widget_text_truncated")
    result.warnings.extend(active_content(reader))  # JavaScript, OpenAction, Launch, embedded files
    return result
