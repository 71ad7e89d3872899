"""Merging index segments, away from the write path.

Every write commits a new segment and never merges (index.py): Whoosh's own policy merged small segments inside
the commit every fifth or sixth write, which stalled that write 0.6–2 s at 10,000 documents and 12 s at 50,000.
Segments are merged here instead, in tiers: when MERGE_FANOUT segments of about the same size (the same power of
ten of documents) are there, they become one segment of the next tier — a merge costs about as many documents
as the tier holds, and a document takes part in a few merges only. `merge_small` does the tiers up to
MERGE_MAX_DOCS documents (cheap: the web server's background worker runs it when idle, and a command that wrote
starts it in a detached process); `optimize` (`evidence index optimize`) merges everything into one segment.

Searches stay correct while a merge runs: they read the previous generation of the index until the merge
commits, and Whoosh deletes the merged segments' files only when no generation needs them. The merged segment's
postings file (postings.py) is written right after the commit, under the same lock; a search that opens the
index in between decodes that one segment the slow way (correct, slower), as after any write.
"""

from __future__ import annotations

import sys
import time
from typing import Any
from pathlib import Path

from ..errors import EvidenceError, StoreError
from ..store import Store
from . import postings
from . import storage as whoosh_storage
from .index import _add_postings_files, _writer, index_is_current
from .lock import IndexLock
from .tiers import plan_small


def _merge_policy(chosen_ids: set[str]):
    def merge(writer, segments):
        from whoosh.reading import SegmentReader  # Whoosh's own reader of one segment, as its policies use

        keep = []
        for segment in segments:
            if segment.segment_id() in chosen_ids:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                try:
                    writer.add_reader(reader)
                finally:
                    reader.close()
            else:
                keep.append(segment)
        return keep

    return merge


def segment_sizes(store: Store) -> list[int]:
    """Documents (deleted ones included) of every segment of the index, largest first."""
    ix = whoosh_storage.open_index(store.index_dir)
    try:
        return sorted((s.doc_count_all() for s in ix._segments()), reverse=True)
    finally:
        ix.close()


def _merge(store: Store, *, everything: bool, lock_timeout: float | None = None) -> dict:
    started = time.monotonic()
    report: dict[str, Any] = {"segments_before": 0, "segments_after": 0, "merged_segments": 0, "merged_documents": 0}
    if not index_is_current(store):
        return report | {"seconds": 0.0, "skipped": "no current index (the next search or write rebuilds it)"}
    try:
        with IndexLock(store, timeout=lock_timeout):
            rounds = 0
            while True:
                ix = whoosh_storage.open_index(store.index_dir)
                try:
                    segments = ix._segments()
                    if not report["segments_before"]:
                        report["segments_before"] = len(segments)
                    chosen = (segments if len(segments) > 1 else []) if everything else plan_small(segments)
                    if not chosen:
                        report["segments_after"] = len(segments)
                        break
                    writer = _writer(ix)
                    try:
                        writer.commit(mergetype=_merge_policy({s.segment_id() for s in chosen}))
                    except BaseException:
                        writer.cancel()
                        raise
                finally:
                    ix.close()
                report["merged_segments"] += len(chosen)
                report["merged_documents"] += sum(s.doc_count_all() for s in chosen)
                _add_postings_files(store.index_dir)
                rounds += 1
                if everything or rounds >= 20:
                    report["segments_after"] = len(segment_sizes(store))
                    break
    except EvidenceError:
        raise
    except Exception as exc:
        raise StoreError(
            f"search index not merged ({type(exc).__name__}: {exc}); it is still usable as it was",
            path=store.index_dir,
        ) from None
    report["seconds"] = round(time.monotonic() - started, 3)
    report["segments_without_postings"] = postings.segments_without_file(store.index_dir)[1]
    return report


def merge_small(store: Store, *, lock_timeout: float | None = None) -> dict:
    """Merge the tiers of small segments (up to MERGE_MAX_DOCS documents a merge), under the writer lock."""
    return _merge(store, everything=False, lock_timeout=lock_timeout)


def optimize(store: Store) -> dict:
    """Merge every segment into one (`evidence index optimize`); searches go on meanwhile."""
    return _merge(store, everything=True)


def _main(argv: list[str]) -> int:
    """`python -m evidence.search.merge STORE`: the detached background merge (never waits long for the lock:
    another writer holds it, and the next write starts another merge)."""
    if len(argv) != 1:
        print("usage: python -m evidence.search.merge STORE_DIR", file=sys.stderr)
        return 2
    try:
        with Store.open(Path(argv[0])) as store:
            merge_small(store, lock_timeout=5.0)
    except EvidenceError:
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a detached process
    sys.exit(_main(sys.argv[1:]))
