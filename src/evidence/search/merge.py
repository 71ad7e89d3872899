"""Merging index segments, away from the write path, without holding the writers up.

Every write commits a new segment and never merges (index.py): Whoosh's own policy merged small segments inside
the commit every fifth or sixth write, which stalled that write 0.6–2 s at 10,000 documents and 12 s at 50,000.
Segments are merged here instead, in tiers (tiers.py): when MERGE_FANOUT segments of about the same size are
there, they become one segment of the next tier. `merge_small` does the tiers up to MERGE_MAX_DOCS documents (the
web server's reader runs it when idle, and a command that wrote starts it in a detached process);
`optimize` (`evidence index optimize`) merges everything into one segment.

A merge does not hold the writer lock while it works. It builds the merged segment (and its postings file) in a
folder beside the index, from the chosen segments as they were (`index.merging-*`); writers meanwhile add their
segments and may delete documents of the chosen ones. Then, under the lock, for a few milliseconds: the deletions
made meanwhile are carried over to the merged segment (through the document map of the build), its files are
moved into the index, and a new table of contents replaces the chosen segments by it (Whoosh deletes their
files). When the chosen segments are gone by then (a rebuild, another merge) the build is dropped. Searches
stay correct throughout: they read a generation of the index whose files all exist.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvidenceError, StoreError
from ..store import Store
from . import pg, postings
from . import storage as whoosh_storage
from .index import (
    AFTER_WRITE,
    MERGE_LOCK,
    _add_postings_files,
    _writer,
    background_merge_enabled,
    index_is_current,
    merge_running,
    needs_merge,
)
from .lock import IndexLock
from .tiers import plan_small

MERGING_PREFIX = "index.merging-"
STALE_BUILD_SECONDS = 6 * 3600  # a build folder this old was left by a merge that died


@dataclass
class _Build:
    """A merged segment built beside the index, and how to carry later deletions over to it."""

    folder: Path
    segment: Any  # the merged Whoosh segment (its files in `folder`)
    chosen: list[str]  # segment ids it replaces
    maps: dict[str, tuple[int, dict | None]] = field(default_factory=dict)  # id → (base, old→new docnum or None)
    deleted: dict[str, set[int]] = field(default_factory=dict)  # id → documents deleted when it was built


def segment_sizes(store: Store) -> list[int]:
    """Documents (deleted ones included) of every segment of the index, largest first."""
    ix = whoosh_storage.open_index(store.index_dir)
    try:
        return sorted((s.doc_count_all() for s in ix._segments()), reverse=True)
    finally:
        ix.close()


def _clean_stale_builds(index_dir: Path) -> None:
    now = time.time()
    for folder in index_dir.parent.glob(MERGING_PREFIX + "*"):
        try:
            if now - folder.stat().st_mtime > STALE_BUILD_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def _build(index_dir: Path, chosen_ids: list[str]) -> _Build | None:
    """Merge the chosen segments into a new one in a folder beside the index (no lock held)."""
    from whoosh.reading import SegmentReader  # Whoosh's reader of one segment, as its own merge policies use
    from whoosh.writing import SegmentWriter  # its writer, here without its lock (_lk=False): nothing shared

    ix = whoosh_storage.open_index(index_dir)
    try:
        segments = {s.segment_id(): s for s in ix._segments()}
        if not all(i in segments for i in chosen_ids):
            return None
        toc = max(index_dir.glob("_MAIN_*.toc"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))
        folder = index_dir.parent / f"{MERGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        folder.mkdir()
        try:
            shutil.copyfile(toc, folder / toc.name)  # the schema, for a writer over this folder
            build_ix = whoosh_storage.open_index(folder)
            writer = SegmentWriter(build_ix, _lk=False)
            build = _Build(folder=folder, segment=None, chosen=list(chosen_ids))
            try:
                for segment_id in chosen_ids:
                    segment = segments[segment_id]
                    build.deleted[segment_id] = set(segment.deleted_docs())
                    base = writer.docnum
                    reader = SegmentReader(ix.storage, ix.schema, segment)
                    try:
                        docmap = writer.write_per_doc(
                            set(writer.schema.names()) | set(reader.indexed_field_names()), reader
                        )
                        writer.add_postings_to_pool(reader, base, docmap)
                        writer._added = True
                    finally:
                        reader.close()
                    build.maps[segment_id] = (base, docmap)
                build.segment = writer._finalize_segment()
            finally:
                writer._finish()
            merged_reader = SegmentReader(build_ix.storage, build_ix.schema, build.segment)
            try:
                postings.write(folder, merged_reader)
            finally:
                merged_reader.close()
            (folder / toc.name).unlink()
            return build
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    finally:
        ix.close()


def _swap_in(store: Store, build: _Build, *, lock_timeout: float | None) -> bool:
    """Under the writer lock: carry deletions over, move the files in, commit the new table of contents."""
    index_dir = store.index_dir
    with IndexLock(store, timeout=lock_timeout):
        if not index_is_current(store):
            return False
        ix = whoosh_storage.open_index(index_dir)
        try:
            current = {s.segment_id(): s for s in ix._segments()}
            if not all(i in current for i in build.chosen):
                return False
            for segment_id in build.chosen:
                base, docmap = build.maps[segment_id]
                for docnum in set(current[segment_id].deleted_docs()) - build.deleted[segment_id]:
                    new = docmap.get(docnum) if docmap is not None else base + docnum
                    if new is not None:
                        build.segment.delete_document(new)
            moved = []
            for path in build.folder.iterdir():
                target = index_dir / path.name
                os.replace(path, target)
                moved.append(target)
            writer = _writer(ix)
            chosen = set(build.chosen)
            try:
                writer.commit(
                    mergetype=lambda _w, segments: (
                        [s for s in segments if s.segment_id() not in chosen] + [build.segment]
                    )
                )
            except BaseException:
                for target in moved:  # not in any table of contents: Whoosh would delete them anyway
                    target.unlink(missing_ok=True)
                raise
        finally:
            ix.close()
        _add_postings_files(index_dir)
    return True


def _merge(store: Store, *, everything: bool, lock_timeout: float | None = None) -> dict:
    started = time.monotonic()
    report: dict[str, Any] = {"segments_before": 0, "segments_after": 0, "merged_segments": 0, "merged_documents": 0}
    if not index_is_current(store):
        return report | {"seconds": 0.0, "skipped": "no current index (the next search or write rebuilds it)"}
    store.locks_dir.mkdir(parents=True, exist_ok=True)
    guard = os.open(store.locks_dir / MERGE_LOCK, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(guard, fcntl.LOCK_EX | (fcntl.LOCK_NB if not everything else 0))
        except BlockingIOError:  # another merge runs: it does the work
            return report | {"seconds": 0.0, "skipped": "another merge is running"}
        _clean_stale_builds(store.index_dir)
        report["segments_before"] = len(segment_sizes(store))
        for _round in range(1 if everything else 20):
            ix = whoosh_storage.open_index(store.index_dir)
            try:
                segments = ix._segments()
                chosen = (segments if len(segments) > 1 else []) if everything else plan_small(segments)
                chosen_ids = [s.segment_id() for s in chosen]
                documents = sum(s.doc_count_all() for s in chosen)
            finally:
                ix.close()
            if not chosen_ids:
                break
            build = _build(store.index_dir, chosen_ids)
            if build is None:
                break
            try:
                if not _swap_in(store, build, lock_timeout=lock_timeout):
                    break
            finally:
                shutil.rmtree(build.folder, ignore_errors=True)
            report["merged_segments"] += len(chosen_ids)
            report["merged_documents"] += documents
        report["segments_after"] = len(segment_sizes(store))
    except EvidenceError:
        raise
    except Exception as exc:
        raise StoreError(
            f"search index not merged ({type(exc).__name__}: {exc}); it is still usable as it was",
            path=store.index_dir,
        ) from None
    finally:
        os.close(guard)
    report["seconds"] = round(time.monotonic() - started, 3)
    report["segments_without_postings"] = postings.segments_without_file(store.index_dir)[1]
    return report


def merge_small(store: Store, *, lock_timeout: float | None = None) -> dict:
    """Merge the tiers of small segments (up to MERGE_MAX_DOCS documents a merge)."""
    if pg.uses_postgres(store):
        return pg.optimize_index(store)
    return _merge(store, everything=False, lock_timeout=lock_timeout)


def optimize(store: Store) -> dict:
    """Merge every segment into one (`evidence index optimize`); writes and searches go on meanwhile."""
    if pg.uses_postgres(store):
        return pg.optimize_index(store)
    return _merge(store, everything=True)


def merge_in_background(store: Store) -> bool:
    """After a write: when small segments wait to be merged, merge them in a detached process, so the command
    that wrote returns at once; True when one was started. EVIDENCE_INDEX_BACKGROUND_MERGE=0 turns it off (then
    `evidence index optimize` merges). A single-threaded process (the command line) forks itself — the child has
    Whoosh imported already; any other starts `python -m evidence.search.merge STORE`."""
    if not background_merge_enabled() or merge_running(store) or not needs_merge(store):
        return False
    if threading.active_count() == 1 and hasattr(os, "fork"):
        return _fork_merge(store.root)
    try:
        subprocess.Popen(
            [sys.executable, "-m", "evidence.search.merge", str(store.root)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        return False
    return True


def _fork_merge(root: Path) -> bool:
    """Fork twice (the merging grandchild belongs to no one: nothing waits for it) and merge there."""
    try:
        child = os.fork()
    except OSError:
        return False
    if child:
        os.waitpid(child, 0)
        return True
    code = 0
    try:
        if os.fork() == 0:  # the grandchild: its own session, no terminal, the merge, then out
            os.setsid()
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            code = _main([str(root)])
    except BaseException:
        code = 1
    finally:
        os._exit(code)


AFTER_WRITE.append(merge_in_background)


def _main(argv: list[str]) -> int:
    """`python -m evidence.search.merge STORE`: the detached background merge."""
    if len(argv) != 1:
        print("usage: python -m evidence.search.merge STORE_DIR", file=sys.stderr)
        return 2
    try:
        with Store.open(Path(argv[0])) as store:
            merge_small(store)
    except EvidenceError:
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a detached process
    sys.exit(_main(sys.argv[1:]))
