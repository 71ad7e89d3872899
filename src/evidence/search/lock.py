"""One writer at a time: an advisory file lock in store/locks/, taken with retry and back-off.

Whoosh has its own write lock but fails at once when it is taken; this one waits (growing pauses with jitter,
up to a generous limit) and, when it still cannot be had, raises a StoreError that says so — a write is never
dropped silently. The lock is an flock, so a crashed process never leaves it behind. It is re-entrant within
a process (a rebuild started from inside an update does not deadlock on itself).
"""

from __future__ import annotations

import fcntl
import os
import random
import threading
import time
from pathlib import Path

from .. import config
from ..errors import StoreError
from ..store import Store

LOCK_NAME = "search-index.lock"
_held: dict[str, tuple[int, int]] = {}  # lock path -> (fd, depth)
_guard = threading.RLock()


def lock_timeout() -> float:
    return config.float_setting("EVIDENCE_INDEX_LOCK_TIMEOUT")


class IndexLock:
    def __init__(self, store: Store, *, timeout: float | None = None):
        store.locks_dir.mkdir(parents=True, exist_ok=True)
        self.path: Path = store.locks_dir / LOCK_NAME
        self.timeout = lock_timeout() if timeout is None else timeout
        self.waited = 0.0

    def __enter__(self) -> IndexLock:
        key = str(self.path)
        if not _guard.acquire(timeout=self.timeout):
            raise StoreError("the search index is busy in another thread of this process", path=self.path)
        try:
            if key in _held:
                fd, depth = _held[key]
                _held[key] = (fd, depth + 1)
                return self
            fd = os.open(key, os.O_CREAT | os.O_RDWR, 0o644)
            started = time.monotonic()
            pause = 0.02
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    waited = time.monotonic() - started
                    if waited >= self.timeout:
                        os.close(fd)
                        raise StoreError(
                            f"the search index is locked by another process (waited {waited:.0f} s);"
                            " the database holds the change — run `evidence index check`",
                            path=self.path,
                        ) from None
                    time.sleep(min(pause * (0.5 + random.random()), self.timeout - waited))
                    pause = min(pause * 2, 1.0)
            self.waited = time.monotonic() - started
            _held[key] = (fd, 1)
            return self
        except BaseException:
            _guard.release()
            raise

    def __exit__(self, *exc) -> None:
        key = str(self.path)
        try:
            fd, depth = _held[key]
            if depth > 1:
                _held[key] = (fd, depth - 1)
            else:
                del _held[key]
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
        finally:
            _guard.release()
