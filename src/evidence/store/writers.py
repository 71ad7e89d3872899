"""Telling a live writer's temporaries from a dead one's, by a lock rather than by age.

Each process that writes temporaries into the store first takes an flock on `locks/writer-<pid>.lock` and keeps
it while it lives; its temporaries carry its pid in their names. The kernel drops the lock when the process
dies (kill -9 included), so "is writer <pid> alive?" is "can I take its lock?" — exact at any age.

The same lock marks work promised to the search index: before a change that the index must follow, a writer
leaves `locks/pending/<pid>-<n>.json` (the records concerned, or null: "check everything"), removed once the
index has it. A marker whose writer is dead is work a kill interrupted; the next index write (or
`verify --repair`) does it.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import re
import time
from pathlib import Path

_held: dict[str, int] = {}  # lock path -> fd, for this process
_counter = itertools.count(1)
_PID = re.compile(r"-(\d+)-")


def _lock_path(locks_dir: Path, pid: int) -> Path:
    return locks_dir / f"writer-{pid}.lock"


def hold_writer_lock(locks_dir: Path) -> int:
    """Take (once per process) the lock that says this process is alive; returns the pid to put in names."""
    pid = os.getpid()
    path = _lock_path(locks_dir, pid)
    if str(path) in _held:
        return pid
    locks_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)  # waits only while a cleaner tests a dead namesake's lock
    _held[str(path)] = fd
    return pid


def drop_inherited_locks() -> None:
    """In a process forked from a writer: close its copies of the parent's lock files. The lock says the parent
    is alive; a child holding a copy would keep it taken after the parent died, until the child ends too."""
    for fd in _held.values():
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()


def writer_alive(locks_dir: Path, pid: int) -> bool:
    """Whether process `pid` holds its writer lock (a temporary of a dead writer is a leftover)."""
    path = _lock_path(locks_dir, pid)
    if str(path) in _held:
        return True
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases the lock if we took it
    return False


def pid_in_name(name: str) -> int | None:
    """The writer's pid in a temporary's name (`blob-<pid>-xxxx.part`, `<pid>-<n>.json`), None when absent."""
    match = _PID.search(f"-{name}")
    return int(match.group(1)) if match else None


UNNAMED_GRACE_SECONDS = 3600  # a temporary without a writer's pid (an older version's): judged by age, the only clue


def is_leftover(locks_dir: Path, path: Path) -> bool:
    pid = pid_in_name(path.name)
    if pid is None:
        try:
            return time.time() - path.stat().st_mtime > UNNAMED_GRACE_SECONDS
        except OSError:
            return False
    return not writer_alive(locks_dir, pid)


def remove_dead_locks(locks_dir: Path) -> list[Path]:
    """Lock files of writers that are gone (housekeeping; they are empty files)."""
    removed = []
    for path in locks_dir.glob("writer-*.lock"):
        pid = int(path.stem.split("-")[1]) if path.stem.split("-")[1].isdigit() else None
        if pid is not None and not writer_alive(locks_dir, pid):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


# ---------------------------------------------------------------- work promised to the search index


def pending_dir(locks_dir: Path) -> Path:
    return locks_dir / "pending"


def note_pending(locks_dir: Path, evidence_ids: list[int] | None) -> Path:
    """Promise that the index will follow a change to these records (None: to records not known yet)."""
    pid = hold_writer_lock(locks_dir)
    folder = pending_dir(locks_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pid}-{next(_counter)}.json"
    with open(path, "w", encoding="utf-8") as out:
        json.dump(sorted(evidence_ids) if evidence_ids is not None else None, out)
        out.flush()
        os.fsync(out.fileno())
    return path


def clear_pending(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


def pending(locks_dir: Path) -> list[tuple[Path, list[int] | None, bool]]:
    """Every promise: (marker, record ids or None for "check all", whether its writer is alive)."""
    out: list[tuple[Path, list[int] | None, bool]] = []
    folder = pending_dir(locks_dir)
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        try:
            ids = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            ids = None
        if ids is not None and not (isinstance(ids, list) and all(isinstance(i, int) for i in ids)):
            ids = None
        pid = pid_in_name(path.name)
        out.append((path, ids, pid is not None and writer_alive(locks_dir, pid)))
    return out
