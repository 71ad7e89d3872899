"""read_document: one file in, a Reading out (text per page + the metadata keys of the public contract).

Steps: sniff the real type → read the text layer with the format's reader → judge each page's text layer
(quality.py) → OCR the pages without usable text (ocr.py) → PDF signatures (signatures.py) → header metadata
(header.py).
"""

from __future__ import annotations

import time
from pathlib import Path

from .. import config
from ..store.blobs import sha256_of
from ..errors import ReadError
from . import quality
from .doc import read_doc_pages
from .docx import read_docx_pages
from .header import extract_metadata
from .image import image_frames
from .model import Reading, empty_metadata
from .ocr import ocr_pages
from .pdf import read_pdf
from .plaintext import read_text_pages
from .repair import repair_text
from .signatures import read_signatures
from .sniff import sniff


def read_document(path: Path, *, ocr: bool = True, filename: str | None = None, ocr_jobs: int | None = None) -> Reading:
    """Read one file. Raises ReadError (one line naming the file and the reason) for unreadable input.

    `filename` is the name to report (e.g. the original upload name when `path` is a temporary copy).
    `ocr_jobs` caps how many pages are OCRed at once (default: every core).
    """
    started = time.monotonic()
    path = Path(path)
    shown = filename or str(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror or exc}", path=shown) from None
    if path.is_dir():
        raise ReadError("is a directory, expected a file", path=shown)
    if not path.is_file():
        raise ReadError("not a regular file", path=shown)
    if stat.st_size > config.MAX_FILE_BYTES:
        raise ReadError(f"file is larger than {config.MAX_FILE_BYTES // 2**20} MB", path=shown)
    try:
        return _read(path, shown, ocr=ocr, ocr_jobs=ocr_jobs, started=started)
    except ReadError as exc:
        if exc.path != shown:  # name the file the caller knows
            raise ReadError(reason_of(exc), path=shown) from None
        raise
    except MemoryError:
        raise ReadError("out of memory while reading (file too complex)", path=shown) from None
    except RecursionError:
        raise ReadError("file structure nested too deeply (corrupt or hostile)", path=shown) from None


def _read(path: Path, shown: str, *, ocr: bool, ocr_jobs: int | None, started: float) -> Reading:
    fmt, warnings = sniff(path)
    meta = empty_metadata()
    meta["sha256"] = sha256_of(path)
    meta["format"] = fmt
    pdf_reader = None
    extras: list[list[str]] = []
    if fmt == "pdf":
        result = read_pdf(path)
        page_texts, pdf_reader, extras = result.pages, result.reader, result.extras
        warnings += result.warnings
    elif fmt == "docx":
        page_texts = read_docx_pages(path)
    elif fmt == "doc":
        page_texts, doc_warnings = read_doc_pages(path)
        warnings += doc_warnings
    elif fmt == "image":
        page_texts = [""] * image_frames(path)
    else:
        page_texts = read_text_pages(path)

    # font glyph substitutions (ƣ for ư) and legacy TCVN3/VNI text, before judging the text layer
    for i, text in enumerate(page_texts):
        page_texts[i], repaired = repair_text(text)
        warnings += repaired

    ocr_seconds, ocr_count = 0.0, 0
    zones: list[dict] = []  # lines of page 1's header read by the second OCR engine
    # which pages have a usable text layer: PDFs and images may be scans; other formats are what they say
    if fmt in ("pdf", "image"):
        verdicts = [quality.classify(text) for text in page_texts]
    else:
        verdicts = ["good" if text.strip() else "empty" for text in page_texts]
    sources = ["text" if v == "good" else "none" for v in verdicts]
    need = [i for i, v in enumerate(verdicts) if v != "good"] if fmt in ("pdf", "image") else []
    if need:
        if "garbage" in verdicts:
            warnings.append("garbage_text_layer")
        if all(v != "good" for v in verdicts):
            warnings.append("no_text_layer")
        if ocr:
            ocr_started = time.monotonic()
            texts, ocr_warnings = ocr_pages(
                path, fmt, need, page_texts, jobs=ocr_jobs, pdf_reader=pdf_reader, header_zone=zones
            )
            ocr_seconds = time.monotonic() - ocr_started
            ocr_count = sum(1 for text in texts.values() if text)
            warnings += ocr_warnings
            for i, ocr_text in texts.items():
                if ocr_text is not None and (ocr_text.strip() or verdicts[i] != "short"):
                    page_texts[i] = ocr_text
                    sources[i] = "ocr" if ocr_text.strip() else "none"
        else:
            warnings.append("ocr_skipped")
        for i in need:
            if sources[i] == "none" and verdicts[i] == "short":
                sources[i] = "text"  # a little real text, and nothing better
            elif sources[i] == "none" and verdicts[i] == "garbage":
                page_texts[i] = ""  # garbage is worse than nothing for search and parsing
    # stamps drawn by signature widgets: kept (searchable) at the end of pages read from their text layer
    for i, extra in enumerate(extras):
        if extra and sources[i] != "ocr":
            page_texts[i] = (page_texts[i].rstrip("\n") + "\n" + "\n".join(extra)).lstrip("\n")
    if "ocr" in sources:
        warnings.append("ocr_used")
    text_source = _text_source(sources, page_texts)

    signatures: list[dict] = []
    if pdf_reader is not None:
        signatures, sig_warnings = read_signatures(pdf_reader, path)
        warnings += sig_warnings
    meta["signatures"] = signatures
    meta.update(extract_metadata(page_texts, signatures=signatures, zones=zones, page_sources=sources))
    meta["warnings"] = _dedupe(warnings + meta.get("warnings", []))
    meta["pages"] = len(page_texts)
    meta["text_source"] = text_source
    reading = Reading(
        path=shown,
        sha256=meta["sha256"],
        format=fmt,
        pages=len(page_texts),
        text_source=text_source,
        page_texts=page_texts,
        metadata=meta,
        seconds=round(time.monotonic() - started, 3),
        ocr_seconds=round(ocr_seconds, 3),
        ocr_pages=ocr_count,
        zones=zones,
    )
    return reading


def reason_of(exc: ReadError) -> str:
    """The message of a ReadError without the file name in front."""
    text = str(exc)
    return text[len(exc.path) + 2 :] if exc.path and text.startswith(exc.path + ": ") else text


def _text_source(sources: list[str], page_texts: list[str]) -> str:
    kinds = {s for s, t in zip(sources, page_texts) if s != "none" and t.strip()}
    if not kinds:
        return "none"
    if kinds == {"text"}:
        return "text"
    if kinds == {"ocr"}:
        return "ocr"
    return "mixed"


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out
