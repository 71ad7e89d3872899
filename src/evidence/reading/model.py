"""What reading a document yields: its pages' text and the metadata keys of the public contract."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import METADATA_KEYS, empty_metadata  # noqa: F401 - the record's keys, re-exported


@dataclass
class Reading:
    path: str
    sha256: str
    format: str  # pdf, docx, doc, image, text
    pages: int
    text_source: str  # text, ocr, mixed, none
    page_texts: list[str] = field(default_factory=list)
    metadata: dict = field(default_factory=empty_metadata)
    seconds: float = 0.0  # wall time of the whole read
    ocr_seconds: float = 0.0  # of which OCR (rendering + Tesseract)
    ocr_pages: int = 0  # pages whose text came from OCR
    zones: list[dict] = field(default_factory=list)  # page 1 header lines read by the second OCR engine

    @property
    def text(self) -> str:
        """The full text, pages separated by form feeds."""
        return "\f".join(self.page_texts)
