"""An index left behind by a kill heals itself: leftovers of a dead writer are removed and the changes it had
promised (store/writers.py) are indexed by the next write; `verify` reports leftovers and drift.

Kept apart from index.py on purpose (two small hooks there call it): everything here runs under `IndexLock`, so
any temporary found in the index folder belongs to no live writer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import StoreError
from ..store import Store, writers
from .lock import IndexLock

LEFTOVER_PATTERNS = ("*.tmp", ".*.tmp", "*.ctmp")  # Whoosh's MAIN.tmp folder, postings' .<file>.<pid>.tmp …
ROOT_PATTERNS = ("index.building-*", "index.old-*")  # a rebuild killed before its swap


def leftovers(store: Store) -> list[Path]:
    found: set[Path] = set()
    if store.index_dir.is_dir():
        for pattern in LEFTOVER_PATTERNS:
            found.update(store.index_dir.glob(pattern))
    for pattern in ROOT_PATTERNS:
        found.update(store.root.glob(pattern))
    return sorted(found)


def remove_leftovers(store: Store) -> list[str]:
    """Remove the index's temporaries. Call with the index lock held (no writer can be using them)."""
    removed = []
    for path in leftovers(store):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(str(path))
    return removed


def promised_ids(store: Store, drift) -> tuple[set[int], list[Path]]:
    """The records that dead writers promised the index, and their markers (to remove once indexed).
    `drift()` gives the records out of step when a promise did not know its records (a batch cut short)."""
    ids: set[int] = set()
    markers: list[Path] = []
    check_all = False
    for path, promised, alive in writers.pending(store.locks_dir):
        if alive:
            continue
        markers.append(path)
        if promised is None:
            check_all = True
        else:
            ids.update(promised)
    if check_all:
        ids.update(drift())
    return ids, markers


def clear_markers(markers: list[Path]) -> None:
    for path in markers:
        writers.clear_pending(path)


def clear_promises(store: Store) -> None:
    """After a full rebuild every dead writer's promise is kept."""
    clear_markers([path for path, _ids, alive in writers.pending(store.locks_dir) if not alive])


def drifted_ids(report: dict) -> set[int]:
    """The records of an `index check` report that the index does not have as the database does."""
    return set(report.get("missing", [])) | set(report.get("stale", [])) | set(report.get("extra", []))


def index_health(store: Store, check, refresh, *, repair: bool = False) -> dict:
    """What `verify` says of the index: leftovers of dead writers, promises not kept, drift from the database.
    `check` is `check_index`, `refresh` is `index_evidence` (passed in: index.py calls this module)."""
    report: dict = {"busy": False, "leftovers": [], "pending": 0, "drift": {}, "repaired": []}
    try:
        with IndexLock(store, timeout=0):
            report["leftovers"] = [str(p) for p in leftovers(store)]
            report["pending"] = sum(1 for _p, _ids, alive in writers.pending(store.locks_dir) if not alive)
            checked = check(store)
            report["drift"] = {key: checked[key] for key in ("missing", "extra", "stale") if checked.get(key)}
            if store.index_dir.exists() and checked["schema_version"] != checked["expected_schema_version"]:
                report["drift"]["schema_version"] = checked["schema_version"]
            if repair:
                report["repaired"].extend(f"removed index temporary {p}" for p in remove_leftovers(store))
                ids = drifted_ids(checked)
                if ids or report["drift"]:
                    refresh(store, sorted(ids))
                    report["repaired"].append(f"index brought up to date ({len(ids)} record(s))")
                for path, _ids, alive in writers.pending(store.locks_dir):
                    if not alive:
                        writers.clear_pending(path)
                writers.remove_dead_locks(store.locks_dir)
    except StoreError:  # a writer holds the index: its temporaries are live, nothing to say
        report["busy"] = True
    return report
