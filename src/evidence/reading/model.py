"""What reading a document yields: its pages' text and the metadata keys of the public contract."""

from __future__ import annotations

from dataclasses import dataclass, field

# The keys of `inspect --json` and of `show --json`'s "metadata", in contract order (interface.md).
METADATA_KEYS = (
    "sha256", "format", "pages", "text_source", "number", "type_code", "type_name", "issuer", "parent_issuer",
    "place", "issued_on", "date_source", "summary", "signer_title", "signer_name", "signatures", "references",
    "warnings", "issued_on_estimated", "sources", "confidence", "candidates",
)


def empty_metadata() -> dict:
    meta = {key: None for key in METADATA_KEYS}
    meta["signatures"] = []
    meta["references"] = []
    meta["warnings"] = []
    meta["issued_on_estimated"] = False
    meta["sources"] = {}          # field → text, widget, ocr-tesseract, ocr-rapid, ocr-both, signature, body
    meta["confidence"] = {}       # field → 0..1
    meta["candidates"] = {}       # field → [{value, source, confidence}] when two OCR engines were compared
    return meta


@dataclass
class Reading:
    path: str
    sha256: str
    format: str                      # pdf, docx, doc, image, text
    pages: int
    text_source: str                 # text, ocr, mixed, none
    page_texts: list[str] = field(default_factory=list)
    metadata: dict = field(default_factory=empty_metadata)
    seconds: float = 0.0             # wall time of the whole read
    ocr_seconds: float = 0.0         # of which OCR (rendering + Tesseract)
    ocr_pages: int = 0               # pages whose text came from OCR
    zones: list[dict] = field(default_factory=list)   # page 1 header lines read by the second OCR engine

    @property
    def text(self) -> str:
        """The full text, pages separated by form feeds."""
        return "\f".join(self.page_texts)


ESTIMATED = "ước tính"    # shown next to a date estimated from the signing time


def shown_issued_on(metadata: dict) -> str | None:
    """The issue date for people: `2025-01-17 (ước tính)` when it is the signing day, not a printed date."""
    value = metadata.get("issued_on")
    if value and metadata.get("issued_on_estimated"):
        return f"{value} ({ESTIMATED})"
    return value


def sources_line(metadata: dict) -> str:
    """`number: ocr-rapid 0.86; issued_on: signature 0.50 (ước tính); …` for the fields found."""
    sources = metadata.get("sources") or {}
    confidence = metadata.get("confidence") or {}
    parts = []
    for field, source in sources.items():
        sure = confidence.get(field)
        part = f"{field}: {source}" + (f" {sure:.2f}" if isinstance(sure, (int, float)) else "")
        if field == "issued_on" and metadata.get("issued_on_estimated"):
            part += f" ({ESTIMATED})"
        parts.append(part)
    return "; ".join(parts)


def candidates_lines(metadata: dict) -> list[str]:
    """`number: 01/TTr-UBND (ocr-rapid 0.94) | 04/TTr-UBND (ocr-tesseract)` per field with competing readings."""
    out = []
    for field, listed in (metadata.get("candidates") or {}).items():
        shown = [f"{c.get('value')} ({c.get('source')}" + (f" {c['confidence']:.2f}" if c.get("confidence") else "")
                 + ")" for c in listed]
        if shown:
            out.append(f"{field}: " + " | ".join(shown))
    return out
