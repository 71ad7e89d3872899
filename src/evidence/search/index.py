"""The index on disk: open it (rebuilding when its schema is outdated), update entries, rebuild, check.

Every write happens under `IndexLock` and reads the database *inside* the lock, so whichever writer goes last
writes the latest state. A rebuild builds a fresh index beside the old one and swaps it in, so searches keep
working meanwhile and a failed rebuild leaves the old index in place.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from typing import Any
from pathlib import Path
from collections.abc import Callable

from whoosh import index as windex
from whoosh.index import LockError

from .. import config
from ..errors import EvidenceError, StoreError
from ..store import Store, now_iso
from . import analysis, heal, pg, postings
from . import storage as whoosh_storage
from .lock import IndexLock
from .schema import SCHEMA_VERSION, make_schema
from .source import build_document, compare_fingerprints, count_evidence, count_unread, iter_documents
from .tiers import plan_small

VERSION_FILE = "evidence-index.json"
WRITER_LIMIT_MB = 256  # Whoosh spills postings to disk beyond this (split between processes): bounds memory
WRITER_BATCH = 100  # documents handed to a sub-writer at a time when a rebuild uses several processes

ProgressFn = Callable[[int, int], None]  # (done, total)


def index_version(index_dir: Path) -> int | None:
    """The schema version recorded beside the index, or None when there is no usable index."""
    try:
        info = json.loads((index_dir / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    try:
        if not windex.exists_in(str(index_dir)):
            return None
    except Exception:  # written by another version (its pickled schema no longer loads): rebuild
        return None
    version = info.get("schema_version") if isinstance(info, dict) else None
    return version if isinstance(version, int) else None


def index_is_current(store: Store) -> bool:
    return index_version(store.index_dir) == SCHEMA_VERSION


def ensure_index(store: Store, progress: ProgressFn | None = None) -> dict | None:
    """Rebuild the index when it is missing or was built with another schema. Returns the rebuild report, or
    None when the index was fine."""
    if pg.uses_postgres(store):
        return pg.ensure_index(store, progress)
    if index_is_current(store):
        return None
    with IndexLock(store):
        if index_is_current(store):  # another process rebuilt it while we waited
            return None
        return _rebuild_locked(store, progress)


def open_index(store: Store, progress: ProgressFn | None = None):
    ensure_index(store, progress)
    for attempt in range(3):
        try:
            return whoosh_storage.open_index(store.index_dir)
        except (OSError, windex.EmptyIndexError) as exc:  # swapped by a rebuild this very moment
            if attempt == 2:
                raise StoreError(
                    f"cannot open the search index ({exc}); run `evidence index rebuild`", path=store.index_dir
                ) from None
            time.sleep(0.2)


def _writer(ix):
    try:
        return ix.writer(timeout=30.0, delay=0.1)
    except LockError:
        raise StoreError(
            "the search index's own write lock is held (another program writing?);"
            " the database holds the change — run `evidence index check`",
            path=ix.storage.folder if hasattr(ix.storage, "folder") else None,
        ) from None


@contextmanager
def _locked_writer(store: Store, *, background_merge: bool = True):
    """The writer of an up-to-date index, under the writer lock; committed (without merging segments) on
    success, cancelled on error. Afterwards, when `background_merge` and small segments wait to be merged, a
    detached process merges them (merge.py).

    Yields None when the index had to be rebuilt from the database instead (which already holds the change).
    Any failure becomes a StoreError: a damaged index must not turn a stored attach into a crash."""
    try:
        with IndexLock(store):
            heal.remove_leftovers(store)  # a dead writer's temporaries (we hold the lock: nobody else's)
            if not index_is_current(store):
                _rebuild_locked(store, None)  # reads everything, the changed records included
                heal.clear_promises(store)
                yield None
                return
            ix = whoosh_storage.open_index(store.index_dir)
            writer = _writer(ix)
            capture = postings.Capture(writer)
            try:
                yield writer
                writer.commit(merge=False)  # never merge on the write path: merge.py does, away from it
            except BaseException:
                writer.cancel()
                raise
            finally:
                ix.close()
            _add_postings_files(store.index_dir, capture)
    except EvidenceError:
        raise
    except Exception as exc:
        raise StoreError(
            f"search index not updated ({type(exc).__name__}: {exc}); run `evidence index rebuild`",
            path=store.index_dir,
        ) from None
    if background_merge:
        for hook in AFTER_WRITE:
            hook(store)


def background_merge_enabled() -> bool:
    return config.setting("EVIDENCE_INDEX_BACKGROUND_MERGE").strip().lower() not in ("0", "no", "false", "off")


def needs_merge(store: Store) -> bool:
    """Whether small segments wait to be merged (tiers.plan_small)."""
    if pg.uses_postgres(store):
        return False  # no segments in PostgreSQL
    try:
        ix = whoosh_storage.open_index(store.index_dir)
    except Exception:  # noqa: BLE001 — no readable index: nothing to merge (the next write rebuilds it)
        return False
    try:
        return bool(plan_small(ix._segments()))
    finally:
        ix.close()


MERGE_LOCK = "search-merge.lock"  # held by the one merge that runs (merge.py)
# called with the store after a write committed (merge.py registers the background merge here; it imports this
# module, so this module cannot call it by name)
AFTER_WRITE: list[Callable[[Store], object]] = []


def merge_running(store: Store) -> bool:
    """Whether a merge holds its lock now (then starting another would only cost a process start)."""
    try:
        fd = os.open(store.locks_dir / MERGE_LOCK, os.O_CREAT | os.O_RDWR, 0o644)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _add_postings_files(index_dir: Path, capture: postings.Capture | None = None) -> None:
    """After a commit: the postings files of the new segments. They only make searches fast; when one cannot
    be written the change is still in the index (searches decode that segment, slower), and the next write or
    `index check` shows it."""
    try:
        postings.add_missing(index_dir, capture)
    except Exception:  # noqa: BLE001 — derived data; the committed change must not be reported as lost
        pass


def index_evidence(store: Store, evidence_ids: list[int], *, background_merge: bool = True) -> None:
    """Bring the index entries of these records up to date with the database (add, replace, or delete when the
    record is gone), in one commit that merges nothing. Waits for the writer lock; raises StoreError when the
    index cannot be updated. `background_merge=False`: the caller merges itself (the web's background worker)."""
    if pg.uses_postgres(store):
        analysis.clear_prepared()  # nothing prepared is used there (prepare_document prepares nothing either)
        return pg.index_evidence(store, evidence_ids)
    ids = sorted({int(i) for i in evidence_ids})
    if not ids:
        return
    try:
        with _locked_writer(store, background_merge=background_merge) as writer:
            if writer is None:
                return
            # changes a killed writer promised the index but never gave it (heal.py)
            healed, markers = heal.promised_ids(store, lambda: heal.drifted_ids(check_index(store)))
            ids = sorted(set(ids) | healed)
            seen = set()
            for doc in iter_documents(store, ids):
                writer.update_document(**doc)
                seen.add(int(doc["id"]))
            for gone in set(ids) - seen:
                writer.delete_by_term("id", str(gone))
    finally:
        analysis.clear_prepared()  # what was prepared and not used (a record changed meanwhile) goes
    heal.clear_markers(markers)


_SCHEMA = make_schema()  # the fields' analysers, for prepare_document


def prepare_document(filename: str, metadata: dict, text: str) -> None:
    """Analyse the text fields of a new record's index document now, outside the writer lock, so that the next
    index write adding it only adds postings: an ingest does it for each file while the others are still being
    read. (A record that differs by then, say corrected meanwhile, is simply analysed again.) In server mode the
    PostgreSQL index builds its rows its own way (pg.py): nothing to prepare."""
    if config.setting("EVIDENCE_DATABASE_URL").strip().startswith("postgres"):
        return
    doc = build_document(0, filename, metadata, text, "", [])
    for name, value in doc.items():
        if name in _SCHEMA and isinstance(value, str):
            analysis.prepare(_SCHEMA[name], value)


def remove_evidence(store: Store, evidence_ids: list[int]) -> None:
    """Drop these records from the index (after they were deleted from the database)."""
    if pg.uses_postgres(store):
        return pg.remove_evidence(store, evidence_ids)
    ids = sorted({int(i) for i in evidence_ids})
    if not ids:
        return
    with _locked_writer(store) as writer:
        if writer is None:
            return
        for i in ids:
            writer.delete_by_term("id", str(i))


def rebuild_index(store: Store, progress: ProgressFn | None = None) -> dict:
    """Rebuild the whole index from the database (batched; memory stays bounded)."""
    if pg.uses_postgres(store):
        return pg.rebuild_index(store, progress)
    with IndexLock(store):
        return _rebuild_locked(store, progress)


def _rebuild_locked(store: Store, progress: ProgressFn | None) -> dict:
    started = time.monotonic()
    previous = index_version(store.index_dir)
    root = store.index_dir.parent
    for leftover in list(root.glob("index.building-*")) + list(root.glob("index.old-*")):
        shutil.rmtree(leftover, ignore_errors=True)  # from a crashed rebuild; we hold the lock
    building = root / f"index.building-{os.getpid()}"
    building.mkdir()
    try:
        total = count_evidence(store)
        ix = whoosh_storage.create_index(building, make_schema())
        done = 0
        procs = rebuild_processes(total)
        if procs > 1:  # one segment per process, not merged: merging would cost another full pass
            writer = ix.writer(procs=procs, limitmb=WRITER_LIMIT_MB // procs, batchsize=WRITER_BATCH, multisegment=True)
        else:
            writer = ix.writer(limitmb=WRITER_LIMIT_MB)
        capture = postings.Capture(writer) if procs == 1 else None
        try:
            for doc in iter_documents(store):
                writer.add_document(**doc)
                done += 1
                if progress:
                    progress(done, total)
            writer.commit()
        except BaseException:
            try:
                writer.cancel()
            except Exception:  # noqa: BLE001 - closed by the failed commit already: keep the real cause
                pass
            raise
        ix.close()
        postings.add_missing(building, capture)
        (building / VERSION_FILE).write_text(
            json.dumps({"schema_version": SCHEMA_VERSION, "built_at": now_iso(), "documents": done}), encoding="utf-8"
        )
        _swap_in(store.index_dir, building)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return {
        "documents": done,
        "seconds": round(time.monotonic() - started, 2),
        "index_bytes": directory_size(store.index_dir),
        "schema_version": SCHEMA_VERSION,
        "previous_schema_version": previous,
    }


def rebuild_processes(total: int) -> int:
    """Indexing is CPU-bound pure Python: use up to two processes for a large rebuild
    (EVIDENCE_INDEX_PROCS overrides)."""
    wanted = config.int_setting("EVIDENCE_INDEX_PROCS")
    if wanted > 0:
        return wanted
    return min(2, os.cpu_count() or 1) if total >= 2000 else 1


def _swap_in(index_dir: Path, building: Path) -> None:
    old = None
    if index_dir.exists():
        old = index_dir.with_name(f"index.old-{os.getpid()}")
        os.replace(index_dir, old)
    os.replace(building, index_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def check_index(store: Store) -> dict:
    """Compare the index with the database: records missing from it, entries for records that no longer exist,
    and entries built from an older state of their record (stale)."""
    if pg.uses_postgres(store):
        return pg.check_index(store)
    version = index_version(store.index_dir)
    report: dict[str, Any] = {
        "ok": True,
        "schema_version": version,
        "expected_schema_version": SCHEMA_VERSION,
        "documents": 0,
        "indexed": 0,
        "missing": [],
        "extra": [],
        "stale": [],
        "segments": 0,
        "segments_without_postings": 0,
        "unread": count_unread(store),  # uploads waiting for their background reading: indexed once read
    }
    indexed: dict[int, str] = {}
    if version is not None:
        ix = whoosh_storage.open_index(store.index_dir)
        with ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                indexed[int(fields["id"])] = fields.get("fingerprint")
        ix.close()
        report["segments"], report["segments_without_postings"] = postings.segments_without_file(store.index_dir)
    compare_fingerprints(store, indexed, report)
    report["ok"] = version == SCHEMA_VERSION and not report["missing"] and not report["extra"] and not report["stale"]
    return report


def verify_index(store: Store, *, repair: bool = False) -> dict:
    """For `evidence verify`: temporaries of dead writers, promises not kept, drift from the database
    (with `repair`: removed, kept, brought up to date). See heal.py."""
    if pg.uses_postgres(store):
        return pg.verify_index(store, repair=repair)
    return heal.index_health(store, check_index, index_evidence, repair=repair)
