"""Is a page's text layer usable? Empty, stamp-only and garbage layers (bad OCR, legacy fonts) are not."""

from __future__ import annotations


def is_usable(text: str) -> bool:
    return bool(text and text.strip())
