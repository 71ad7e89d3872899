"""read_many: read files in parallel worker processes, each file under a time limit.

The reader modules and the libraries they use are imported once, in the parent (`preload`), before the workers
fork, so a worker starts warm; pyHanko is imported only when a PDF has signature fields. A worker reads one file
after another (its own session, so an OCR or LibreOffice child dies with it; a memory cap on it), so a batch
pays for a few forks, not one a file. A worker that runs past the time limit on a file is killed and the file
reported as a ReadError "timed out after N s"; one that crashes is reported as a ReadError too; either way a
fresh worker takes the next file. A worker that hit an internal error or ran out of memory exits after
reporting it, one retires after WORKER_FILES files, and one holding more than RETIRE_RSS_BYTES after a file
(OCR engines grow scan after scan) retires once it has returned it, so no damaged or bloated process reads on. Results are
yielded in completion order; a bad file never raises.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, cast
from pathlib import Path

from .. import config
from ..errors import ReadError
from ..store import writers
from .cpus import cpu_count
from .model import Reading
from .ocr import say_if_unavailable
from .reader import read_document, reason_of  # imported once here: forked readers start warm

MEMORY_LIMIT_BYTES = config.int_setting("EVIDENCE_READ_MEMORY_MB") * 1024 * 1024
# an idle reader checks this often that its parent lives: a parent killed with a sibling reader alive does not
# close the reader's task pipe (the sibling, forked later, holds a copy of its sending end), so no EOF comes
PARENT_CHECK_SECONDS = 1.0
WORKER_FILES = 200  # files one worker reads before a fresh one takes over (bounds leaks and fragmentation)
# A worker that holds more than this once a file is read retires after returning it: reading scans one after
# another, the OCR engines' memory creeps up (1.07 GB after 33 scans in one worker), while a reader holds 415–570 MB
# after a scan in the normal run of things (measured on real scans). Retiring above 600 MB bounds the creep without
# reloading the engines after every scan (retiring at 420 MB did, and cost 11 % of the OCR time).
RETIRE_RSS_BYTES = 600 * 1024 * 1024
# what the readers import on first use, by the extension of the files to read; imported before forking so no
# worker pays for them (pyHanko is not here: only PDFs with signature fields need it, and a worker imports it then)
PRELOAD_BY_SUFFIX = {
    ".pdf": ("pypdf", "pypdf.errors", "pypdf.generic"),
    ".docx": ("lxml.etree",),
    ".png": ("PIL.Image",),
    ".jpg": ("PIL.Image",),
    ".jpeg": ("PIL.Image",),
    ".tif": ("PIL.Image",),
    ".tiff": ("PIL.Image",),
    ".txt": (),
}
NEVER_OCR = (".docx", ".doc", ".txt")  # formats with a text of their own: a batch of them needs no Tesseract check
PRELOAD = tuple(dict.fromkeys(name for names in PRELOAD_BY_SUFFIX.values() for name in names))
_preloaded: set[str] = set()


def preload(paths: list[Path] | None = None) -> None:
    """Import the readers' libraries in this process, once (the command line before it forks its workers): those
    the files' extensions call for, or all of them (no paths, or a file whose extension says nothing)."""
    import importlib  # the heavy libraries themselves are imported by name, lazily: only a process that reads

    wanted: dict[str, None] = {}
    for path in paths if paths is not None else [Path("any")]:
        for name in PRELOAD_BY_SUFFIX.get(Path(path).suffix.lower(), PRELOAD):
            wanted[name] = None
    for name in wanted:
        if name in _preloaded:
            continue
        try:
            importlib.import_module(name)
        except ImportError:  # a reader reports the missing library when it needs it
            pass
        _preloaded.add(name)


def _context():
    """`fork` from a single-threaded process (the command line: readers start warm, nothing to import). From a
    process running other threads (the web server), the fork server: forking copies every lock another thread
    holds at that moment (a logging handler's, a cache's, SQLite's) into the child, locked for good, and the
    reader would hang until its time limit. The fork server is a clean single-threaded process that has
    imported the readers once."""
    methods = mp.get_all_start_methods()
    if threading.active_count() > 1 and "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["evidence.reading.reader", *PRELOAD])  # used when the server starts (once)
        return ctx
    return mp.get_context("fork" if "fork" in methods else "spawn")


def _limit_memory() -> None:
    try:
        import resource  # POSIX only

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > MEMORY_LIMIT_BYTES:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, hard))
    except (ImportError, ValueError, OSError):
        pass


def _read_one(path: str, ocr: bool, ocr_jobs: int, filename: str | None) -> tuple[str, object, bool]:
    """(kind, payload, whether the worker may go on reading)."""
    try:
        return "ok", read_document(Path(path), ocr=ocr, filename=filename, ocr_jobs=ocr_jobs), True
    except ReadError as exc:
        return "error", reason_of(exc), True
    except MemoryError:
        return "error", "out of memory while reading", False
    except Exception as exc:  # noqa: BLE001
        if type(exc).__name__ == "LimitReachedError":  # pypdf's guard against hostile object counts
            return "error", "too complex to read safely (a parser limit was reached; corrupt or hostile file)", True
        return "error", f"internal error while reading ({type(exc).__name__}: {exc})", False
    except BaseException as exc:  # a reader bug must not take the batch down
        return "error", f"internal error while reading ({type(exc).__name__}: {exc})", False


def _resident_bytes() -> int:
    """This process's resident memory now (0 where /proc is not there: never retire for it)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _die_with_parent(parent: int) -> None:
    """On Linux, have the kernel kill this reader when its parent dies, even in the middle of a file (nobody would
    enforce its time limit or read its result any more); elsewhere an idle reader notices (PARENT_CHECK_SECONDS)."""
    try:
        import ctypes  # only in the reader process, for prctl

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):
        pass
    if os.getppid() != parent:  # died already, before the kernel was told
        os._exit(0)


def _worker(tasks, results, ocr: bool, ocr_jobs: int, nice: int = 0, parent: int | None = None) -> None:
    """Read the files sent on `tasks` one after another until told to stop (None) or no longer fit to."""
    parent = parent or os.getppid()
    _die_with_parent(parent)
    writers.drop_inherited_locks()  # forked from a writer: its liveness lock is its own, not ours
    try:
        os.setsid()
    except OSError:
        pass
    if nice:
        try:
            os.nice(nice)
        except OSError:
            pass
    _limit_memory()
    while True:
        try:
            if not tasks.poll(PARENT_CHECK_SECONDS):
                if os.getppid() != parent:  # the parent died (killed): nobody will send or read again
                    return
                continue
            task = tasks.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        number, path, filename = task
        kind, payload, go_on = _read_one(path, ocr, ocr_jobs, filename)
        go_on = go_on and _resident_bytes() < RETIRE_RSS_BYTES  # said with the result: the parent starts a fresh one
        try:
            results.send((number, kind, payload, go_on))
        except Exception as exc:
            results.send((number, "error", f"result could not be returned ({type(exc).__name__})", go_on))
        if not go_on:
            return


@dataclass
class _Worker:
    process: Any  # a multiprocessing Process of whichever start method
    tasks: Connection  # the parent's end for sending files
    results: Connection  # the parent's end for receiving readings
    done: int = 0
    task: tuple | None = None  # (number, path, name) being read
    deadline: float | None = None


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


def _close(worker: _Worker, *, kill: bool) -> None:
    if not kill:
        try:
            worker.tasks.send(None)
        except (OSError, ValueError):
            kill = True
    if not kill:
        worker.process.join(2)
        kill = worker.process.is_alive()
    if kill:
        _kill(worker.process)
    for conn in (worker.tasks, worker.results):
        try:
            conn.close()
        except OSError:
            pass


def _start(ctx, ocr: bool, ocr_jobs: int, nice: int = 0) -> _Worker:
    task_out, task_in = ctx.Pipe(duplex=False)  # (receiving end, sending end)
    result_out, result_in = ctx.Pipe(duplex=False)
    parent = None if ctx.get_start_method() == "forkserver" else os.getpid()  # (the fork server is its parent)
    process = ctx.Process(target=_worker, args=(task_out, result_in, ocr, ocr_jobs, nice, parent), daemon=True)
    process.start()
    task_out.close()
    result_in.close()
    return _Worker(process=process, tasks=task_in, results=result_out)


def read_many(
    paths: list[Path],
    *,
    ocr: bool = True,
    jobs: int | None = None,
    timeout: float | None = config.READ_TIMEOUT_SECONDS,
    filenames: list[str] | None = None,
    nice: int = 0,
) -> Iterator[tuple[Path, Reading | ReadError]]:
    """Read every path; yield (path, Reading or ReadError) in completion order.

    jobs: worker processes at once (default: every core). timeout: seconds per file (None or 0: no limit).
    filenames: optional names to report instead of the paths (same order). nice: added to the workers' nice
    value (the web server reads in the background at a lower priority than the requests it answers).
    """
    paths = [Path(p) for p in paths]
    if not paths:
        return
    if ocr and any(p.suffix.lower() not in NEVER_OCR for p in paths):
        say_if_unavailable()  # once, here (it runs Tesseract): forked readers inherit that it was said
    jobs = max(1, min(jobs or cpu_count(), len(paths)))
    ocr_jobs = max(1, cpu_count() // jobs)
    names = list(filenames) if filenames is not None else [None] * len(paths)
    ctx = _context()
    if ctx.get_start_method() == "fork":
        preload(paths)
    pending = deque(enumerate(zip(paths, names)))
    idle: list[_Worker] = []
    busy: dict = {}  # results connection → worker
    try:
        while pending or busy:
            while pending and len(busy) < jobs:
                worker = idle.pop() if idle else _start(ctx, ocr, ocr_jobs, nice)
                number, (path, name) = pending.popleft()
                try:
                    worker.tasks.send((number, str(path), name))
                except (OSError, ValueError):  # the worker died while idle: a fresh one takes the file
                    _close(worker, kill=True)
                    pending.appendleft((number, (path, name)))
                    continue
                worker.task = (number, path, name)
                worker.deadline = time.monotonic() + timeout if timeout else None
                busy[worker.results] = worker
            deadlines = [w.deadline for w in busy.values() if w.deadline is not None]
            wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            ready = wait(list(busy), timeout=wait_for)
            for ready_conn in ready:
                worker = busy.pop(cast(Connection, ready_conn))
                conn = worker.results
                _, path, name = worker.task
                alive = True
                try:
                    _number, kind, payload, alive = conn.recv()
                except (EOFError, OSError):
                    worker.process.join(5)
                    code = worker.process.exitcode
                    payload = (
                        f"reader killed by signal {-code}"
                        if code is not None and code < 0
                        else f"reader crashed (exit status {code})"
                    )
                    kind, alive = "error", False
                worker.task, worker.deadline = None, None
                worker.done += 1
                if alive and worker.process.is_alive() and worker.done < WORKER_FILES:
                    idle.append(worker)
                else:
                    _close(worker, kill=not alive)
                if kind == "ok":
                    yield path, payload
                else:
                    yield path, ReadError(payload, path=name or path)
            now = time.monotonic()
            for conn, worker in list(busy.items()):
                if worker.deadline is not None and now >= worker.deadline and conn not in ready:
                    del busy[conn]
                    _, path, name = worker.task
                    _close(worker, kill=True)
                    yield path, ReadError(f"timed out after {timeout:g} s", path=name or path)
    finally:
        for worker in list(busy.values()):
            _close(worker, kill=True)
        for worker in idle:
            _close(worker, kill=False)
