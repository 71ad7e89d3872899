"""Whoosh's storage, read through ordinary files instead of memory maps.

whoosh3 serves each file of a mapped segment through `BytesIO(memoryview)`, which copies it: opening a
50,000-document index copied ~250 MB per large segment, took 340 ms and as much memory, on every search process
start and every write. Through ordinary files it opens in 6 ms; the fast path reads its postings from its own
mapped files anyway (postings.py), and the few stored fields a search reads come as fast or faster.
"""

from __future__ import annotations

from pathlib import Path

from whoosh.filedb.filestore import FileStorage


def storage(index_dir: Path) -> FileStorage:
    return FileStorage(str(index_dir), supports_mmap=False)


def open_index(index_dir: Path):
    return storage(index_dir).open_index()


def create_index(index_dir: Path, schema):
    return storage(index_dir).create_index(schema)
