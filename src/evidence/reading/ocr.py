"""OCR with Tesseract (vie) for pages without a usable text layer."""

from __future__ import annotations


def ocr_pages(path, fmt, indexes, page_texts, *, jobs=None):
    return {}, ["ocr_unavailable"]
