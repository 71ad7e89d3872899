"""One open searcher per index per process, reused across searches (the web app searches many times; opening
an index reads its table of contents and segment files, and the fast path's per-document arrays are built once).

The cached searcher is refreshed when the index changed (a write committed a new generation) and reopened when
a rebuild swapped in another directory; a lock makes one search at a time use it.
"""

from __future__ import annotations

import json
import os
import threading
from contextlib import contextmanager
from collections.abc import Iterator

from whoosh.searching import Searcher

from ..errors import StoreError
from ..store import Store
from .fast import FastIndex
from .index import VERSION_FILE, ProgressFn, open_index
from .schema import SCHEMA_VERSION

MAX_OPEN = 4  # indexes kept open at once (tests open many stores; a real process uses one)


class _Entry:
    def __init__(self, ix, inode: int):
        self.ix = ix
        self.inode = inode
        self.searcher = ix.searcher()
        self.fast: FastIndex | None = None
        self.lock = threading.Lock()

    def close(self) -> None:
        try:
            if self.fast is not None:
                self.fast.close()
            self.searcher.close()
            self.ix.close()
        except Exception:
            pass


_open: dict[str, _Entry] = {}
_guard = threading.Lock()


def _recorded_version(store: Store) -> int | None:
    """The schema version beside the index (the cheap part of `index_version`: no Whoosh open)."""
    try:
        return json.loads((store.index_dir / VERSION_FILE).read_text(encoding="utf-8")).get("schema_version")
    except (OSError, ValueError, AttributeError):
        return None


def _inode(path) -> int:
    try:
        return os.stat(path).st_ino
    except OSError:
        return -1


@contextmanager
def open_searcher(store: Store, progress: ProgressFn | None = None) -> Iterator[tuple[Searcher, FastIndex]]:
    """(Whoosh searcher, FastIndex) over the store's current index, reused while the index is unchanged."""
    key = str(store.index_dir)
    with _guard:
        entry = _open.get(key)
        if entry is not None and (entry.inode != _inode(store.index_dir) or _recorded_version(store) != SCHEMA_VERSION):
            _open.pop(key).close()  # a rebuild swapped in a new directory, or the index needs one
            entry = None
        if entry is None:
            ix = open_index(store, progress)
            entry = _Entry(ix, _inode(store.index_dir))
            if len(_open) >= MAX_OPEN:
                _open.pop(next(iter(_open))).close()
            _open[key] = entry
    with entry.lock:
        try:
            if not entry.searcher.up_to_date():
                # a fresh reader, not `refresh()`: that reuses segment readers whose deletions changed
                entry.searcher.close()
                entry.searcher = entry.ix.searcher()
                if entry.fast is not None:
                    entry.fast.close()
                entry.fast = None
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"cannot read the search index ({exc}); run `evidence index rebuild`", path=store.index_dir
            ) from None
        if entry.fast is None:
            entry.fast = FastIndex(entry.searcher, store.index_dir)
        yield entry.searcher, entry.fast


def close_all() -> None:
    """Close every cached searcher (tests, and before a process forks)."""
    with _guard:
        while _open:
            _open.popitem()[1].close()


def clear_caches() -> None:
    """Forget decoded postings of every open index (the benchmark measures searches from cold)."""
    with _guard:
        for entry in _open.values():
            if entry.fast is not None:
                entry.fast.clear_cache()
