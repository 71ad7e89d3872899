"""read_many: read files in parallel processes, each under a time limit.

Every file is read in its own forked process (its own session, so an OCR or LibreOffice child dies with it). A
process that runs past the limit is killed and reported as a ReadError "timed out after N s"; one that crashes is
reported as a ReadError too. Results are yielded in completion order; a bad file never raises.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from multiprocessing.connection import wait
from pathlib import Path
from collections.abc import Iterator

from .. import config
from ..errors import ReadError
from .cpus import cpu_count
from .model import Reading
from .ocr import say_if_unavailable
from .reader import read_document, reason_of  # imported once here: forked readers start warm

MEMORY_LIMIT_BYTES = config.int_setting("EVIDENCE_READ_MEMORY_MB") * 1024 * 1024


def _context():
    """`fork` from a single-threaded process (the command line: readers start warm, nothing to import). From a
    process running other threads (the web server), the fork server: forking copies every lock another thread
    holds at that moment (a logging handler's, a cache's, SQLite's) into the child, locked for good, and the
    reader would hang until its time limit. The fork server is a clean single-threaded process that has
    imported the readers once."""
    methods = mp.get_all_start_methods()
    if threading.active_count() > 1 and "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["evidence.reading.reader"])  # used when the server starts (once)
        return ctx
    return mp.get_context("fork" if "fork" in methods else "spawn")


def _child(conn, path: str, ocr: bool, ocr_jobs: int, filename: str | None) -> None:
    try:
        os.setsid()
    except OSError:
        pass
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > MEMORY_LIMIT_BYTES:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, hard))
    except (ImportError, ValueError, OSError):
        pass
    try:
        reading = read_document(Path(path), ocr=ocr, filename=filename, ocr_jobs=ocr_jobs)
        message = ("ok", reading)
    except ReadError as exc:
        message = ("error", reason_of(exc))
    except MemoryError:
        message = ("error", "out of memory while reading")
    except Exception as exc:  # noqa: BLE001
        if type(exc).__name__ != "LimitReachedError":  # pypdf's guard against hostile object counts
            message = ("error", f"internal error while reading ({type(exc).__name__}: {exc})")
        else:
            message = ("error", "too complex to read safely (a parser limit was reached; corrupt or hostile file)")
    except BaseException as exc:  # a reader bug must not take the batch down
        message = ("error", f"internal error while reading ({type(exc).__name__}: {exc})")
    try:
        conn.send(message)
    except Exception as exc:
        conn.send(("error", f"result could not be returned ({type(exc).__name__})"))
    finally:
        conn.close()


def _kill(process) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    try:
        process.kill()
    except Exception:
        pass
    process.join(5)


def read_many(paths: list[Path], *, ocr: bool = True, jobs: int | None = None,
              timeout: float | None = config.READ_TIMEOUT_SECONDS,
              filenames: list[str] | None = None) -> Iterator[tuple[Path, Reading | ReadError]]:
    """Read every path; yield (path, Reading or ReadError) in completion order.

    jobs: processes at once (default: every core). timeout: seconds per file (None or 0: no limit).
    filenames: optional names to report instead of the paths (same order).
    """
    paths = [Path(p) for p in paths]
    if not paths:
        return
    if ocr:  # say once, here, that OCR is unavailable: forked readers inherit that it was said
        say_if_unavailable()
    jobs = max(1, min(jobs or cpu_count(), len(paths)))
    ocr_jobs = max(1, cpu_count() // jobs)
    names = list(filenames) if filenames is not None else [None] * len(paths)
    ctx = _context()
    pending = deque(zip(paths, names))
    running: dict = {}  # connection → (process, path, name, deadline)
    try:
        while pending or running:
            while pending and len(running) < jobs:
                path, name = pending.popleft()
                receiver, sender = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_child, args=(sender, str(path), ocr, ocr_jobs, name), daemon=True)
                process.start()
                sender.close()
                deadline = time.monotonic() + timeout if timeout else None
                running[receiver] = (process, path, name, deadline)
            deadlines = [d for (_, _, _, d) in running.values() if d is not None]
            wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            ready = wait(list(running), timeout=wait_for)
            for conn in ready:
                process, path, name, _ = running.pop(conn)
                try:
                    kind, payload = conn.recv()
                except (EOFError, OSError):
                    process.join(5)
                    code = process.exitcode
                    reason = (f"reader killed by signal {-code}" if code is not None and code < 0
                              else f"reader crashed (exit status {code})")
                    kind, payload = "error", reason
                finally:
                    conn.close()
                process.join(5)
                if process.is_alive():
                    _kill(process)
                if kind == "ok":
                    yield path, payload
                else:
                    yield path, ReadError(payload, path=name or path)
            now = time.monotonic()
            for conn, (process, path, name, deadline) in list(running.items()):
                if deadline is not None and now >= deadline and conn not in ready:
                    del running[conn]
                    _kill(process)
                    conn.close()
                    yield path, ReadError(f"timed out after {timeout:g} s", path=name or path)
    finally:
        for conn, (process, *_rest) in running.items():
            _kill(process)
            conn.close()
