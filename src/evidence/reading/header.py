"""Header metadata from the text of a document."""

from __future__ import annotations


def extract_metadata(page_texts, *, signatures=(), sources=()):
    return {}
