"""Background reading: an upload is stored and linked in the request, read and indexed afterwards.

The request (`store_upload`) does the cheap, certain part: the checks that need no reader (size, real type, a PDF
that opens, a DOCX container that is sound), the original written to the blob store (fsync'd), the record — with
`read_status` 'pending' — and its link, in one transaction. It then hands the record's id to a `ReadQueue`.

A worker (`read_pending`) claims pending records ('reading', with its owner and the time), reads their originals
in warm reader processes (reading.read_many), writes text and metadata ('read') or the reason it could not
('failed': the record and its original stay, the page says why), and indexes the batch in one commit. Nothing is
lost: the database says what is still to read, so a worker that starts (after a restart, or in another
process) takes over 'pending' records and 'reading' ones whose owner is gone (a dead process on this host, or a
claim older than the lease).

`ReadQueue` is the interface the web uses. `ProcessReadQueue` is the server's own: a reader process of its own
(`python -m evidence.catalog.jobs STORE`, at a lower priority, so reading and indexing never hold the server's
interpreter lock while it answers requests) that reads whatever is pending, woken through a pipe by
`enqueue_read` and every few seconds, and merges small index segments when idle; it ends with the server.
`ThreadReadQueue` does the same from a thread of the calling process. A queue on Celery/Redis implements the same
methods: `enqueue_read(evidence_id)` sends a task whose body is `read_pending(store, ids=[evidence_id])`;
`start()`/`stop()` do nothing.
"""

from __future__ import annotations

import argparse
import logging
import os
import select
import shutil
import subprocess
import sys
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Protocol

from .. import config, search
from ..errors import EvidenceError, ReadError
from ..reading import read_many
from ..reading.docx import check_zip
from ..reading.pdf import open_pdf
from ..reading.sniff import sniff
from ..records import METADATA_KEYS, empty_metadata
from ..round.campaign import Campaign, load_campaign
from ..store import Store, chain, dumps, now_iso
from ..store.blobs import sha256_of
from ..vn.text import nfc
from .attach import (
    Outcome,
    _Item,
    _reader_version,
    _store_and_link,
    check_pages,
    check_target,
    plan_ingest,
    preflight,
)

log = logging.getLogger("evidence.jobs")

STATUSES = ("pending", "reading", "read", "failed")
MAX_ATTEMPTS = 3  # claims of one record (interrupted readings) before it is marked failed
BATCH = 16  # records one worker claims at a time: read in parallel, indexed in one commit
NICE = 10  # the background readers yield the processor to the requests of the server


def lease_seconds() -> float:
    """How long a claim holds: past it, another worker takes the record over (its reader surely stopped)."""
    return 2 * (config.READ_TIMEOUT_SECONDS or 600) + 60


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class ReadQueue(Protocol):
    """Where the web hands records to read. Implementations: ProcessReadQueue (the web server's reader process),
    ThreadReadQueue (a thread of the calling process), a Celery/Redis queue in server mode (later)."""

    def enqueue_read(self, evidence_id: int) -> None: ...

    def start(self) -> None: ...

    def stop(self, timeout: float = 10.0) -> None: ...


# ---------------------------------------------------------------- the request's part


def quick_check(path: Path) -> tuple[str, int | None]:
    """(format, pages or None) of an upload, from the checks that need no reader: its real type, and for a PDF
    that it opens (not encrypted with a password, not truncated), for a DOCX that its container is sound.
    Raises ReadError naming the file."""
    fmt, _warnings = sniff(path)
    pages = None
    if fmt == "pdf":
        pages = len(open_pdf(path).pages)
    elif fmt == "docx":
        check_zip(path)
    return fmt, pages


def store_upload(
    store: Store,
    path: Path,
    *,
    campaign_id: str,
    unit_code: str,
    criterion_code: str,
    pages: str | None = None,
    note: str | None = None,
    by: str | None = None,
    campaign: Campaign | None = None,
) -> Outcome:
    """Store one uploaded file and link it, leaving the reading to a worker. The Outcome says what happened
    (`error` set for a file refused); its record is 'pending' unless the same content was stored before.
    `campaign`: the campaign already loaded by the caller (saves loading it again)."""
    if campaign is None or campaign.id != campaign_id:
        campaign = load_campaign(store, campaign_id)
    target = check_target(campaign, unit_code, criterion_code)
    pages = check_pages(pages)
    path = Path(path)
    item = _Item(path, target, Outcome(file=str(path), unit=target.unit, criterion=target.criterion))
    try:
        preflight(path)
        item.sha256 = sha256_of(path)
        known = store.db.execute("SELECT id, read_status FROM evidence WHERE sha256 = ?", (item.sha256,)).fetchone()
        pending = None if known else quick_check(path)
        if known and known["read_status"] == "failed":  # the same file again: give its reading another go
            with store.transaction() as conn:
                conn.execute(
                    "UPDATE evidence SET read_status = 'pending', read_error = NULL, read_attempts = 0"
                    " WHERE id = ? AND read_status = 'failed'",
                    (known["id"],),
                )
        _store_and_link(
            store, campaign.id, item, None, pages=pages, note=note, by=by or config.current_user(), pending=pending
        )
    except EvidenceError as exc:
        item.outcome.error = str(exc)
    except OSError as exc:
        item.outcome.error = f"{path}: cannot read ({exc.strerror or exc})"
    return item.outcome


def ingest_for_workers(
    store: Store,
    root: Path,
    *,
    campaign_id: str,
    by: str | None = None,
    follow_links: bool = False,
    progress=None,
) -> list[Outcome]:
    """`ingest` in server mode: every file of DIR/<unit>/<criterion>/ stored and linked at once, its record left
    pending for the reading workers (the caller sends the tasks). Bad files are reported, the rest goes on."""
    campaign = load_campaign(store, campaign_id)
    items, rejected = plan_ingest(campaign, Path(root), follow_links=follow_links)
    outcomes = []
    for item in items:
        outcomes.append(
            store_upload(
                store,
                item.path,
                campaign_id=campaign.id,
                unit_code=item.target.unit,
                criterion_code=item.target.criterion,
                by=by,
                campaign=campaign,
            )
        )
        if progress:
            progress(str(item.path))
    return rejected + outcomes


# ---------------------------------------------------------------- the worker's part


def _alive(owner: str | None) -> bool:
    """Whether the owner of a claim still runs: a process of this host that exists (another host's: assumed)."""
    if not owner or ":" not in owner:
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname():
        return True
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def recover(store: Store) -> int:
    """Give back claims whose worker is gone (dead process on this host, or older than the lease); a record
    claimed MAX_ATTEMPTS times is marked failed instead. Returns how many records were given back or failed."""
    now = time.time()
    rows = store.db.execute(
        "SELECT id, read_owner, read_claimed_at, read_attempts FROM evidence WHERE read_status = 'reading'"
    ).fetchall()
    stale = [r for r in rows if not _alive(r["read_owner"]) or (now - (r["read_claimed_at"] or 0)) > lease_seconds()]
    if not stale:
        return 0
    with store.transaction() as conn:
        for r in stale:
            if r["read_attempts"] >= MAX_ATTEMPTS:
                conn.execute(
                    "UPDATE evidence SET read_status = 'failed', read_error = ?, read_owner = NULL, updated_at = ?"
                    " WHERE id = ? AND read_status = 'reading' AND read_owner IS NOT DISTINCT FROM ?",
                    (
                        f"reading was interrupted {r['read_attempts']} times; the original is kept",
                        now_iso(),
                        r["id"],
                        r["read_owner"],
                    ),
                )
            else:
                conn.execute(
                    "UPDATE evidence SET read_status = 'pending', read_owner = NULL"
                    " WHERE id = ? AND read_status = 'reading' AND read_owner IS NOT DISTINCT FROM ?",
                    (r["id"], r["read_owner"]),
                )
    return len(stale)


def claim(store: Store, owner: str, *, limit: int = BATCH, ids: list[int] | None = None) -> list[int]:
    """Mark up to `limit` pending records (of `ids`, when given) as being read by `owner`; their ids."""
    with store.transaction() as conn:
        if ids is not None:
            marks = ",".join("?" * len(ids)) or "NULL"
            rows = conn.execute(
                f"SELECT id FROM evidence WHERE read_status = 'pending' AND id IN ({marks}) ORDER BY id LIMIT ?",
                (*ids, limit),
            ).fetchall()
        else:
            rows = conn.execute(
                "SELECT id FROM evidence WHERE read_status = 'pending' ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        claimed = [r["id"] for r in rows]
        for evidence_id in claimed:
            conn.execute(
                "UPDATE evidence SET read_status = 'reading', read_owner = ?, read_claimed_at = ?,"
                " read_attempts = read_attempts + 1 WHERE id = ? AND read_status = 'pending'",
                (owner, time.time(), evidence_id),
            )
    return claimed


def unread_count(store: Store) -> int:
    return store.db.execute("SELECT COUNT(*) FROM evidence WHERE read_status IN ('pending', 'reading')").fetchone()[0]


def read_pending(
    store: Store,
    *,
    ids: list[int] | None = None,
    owner: str | None = None,
    ocr: bool = True,
    jobs: int | None = None,
    limit: int = BATCH,
    background_merge: bool = False,
    nice: int = 0,
) -> dict:
    """Claim, read and index one batch of pending records (those of `ids` only, when given).
    Returns {"claimed", "read", "failed", "seconds"}."""
    started = time.monotonic()
    owner = owner or owner_id()
    recover(store)
    claimed = claim(store, owner, limit=limit, ids=ids)
    report = {"claimed": len(claimed), "read": 0, "failed": 0, "seconds": 0.0}
    if not claimed:
        return report
    marks = ",".join("?" * len(claimed))
    rows = store.db.execute(f"SELECT id, sha256, filename FROM evidence WHERE id IN ({marks})", claimed).fetchall()
    # each original is read under its upload's name (the extension is part of the reading): a symbolic link to
    # the blob, in a private temporary folder outside the store
    work = Path(tempfile.mkdtemp(prefix="evidence-read-"))
    paths: dict[Path, int] = {}
    names: list[str] = []
    try:
        for r in rows:
            folder = work / str(r["id"])
            folder.mkdir()
            named = folder / _fs_safe(r["filename"])
            os.symlink(store.blobs.path(r["sha256"]).resolve(), named)
            paths[named] = r["id"]
            names.append(r["filename"])
        done: list[int] = []
        for path, result in read_many(list(paths), ocr=ocr, jobs=jobs, filenames=names, nice=nice):
            evidence_id = paths[path]
            if isinstance(result, ReadError):
                _fail(store, evidence_id, owner, _reason(result))
                report["failed"] += 1
                done.append(evidence_id)  # a failed record is indexed by its name and links
            elif _save(store, evidence_id, owner, result):
                report["read"] += 1
                done.append(evidence_id)
        if done:
            try:
                search.index_evidence(store, done, background_merge=background_merge)
            except EvidenceError as exc:  # the database holds the reading; `index check` shows what is missing
                log.warning("search index not updated for %s: %s", done, exc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report["seconds"] = round(time.monotonic() - started, 3)
    return report


def _fs_safe(filename: str) -> str:
    name = nfc(filename).replace("/", "_").replace("\x00", "") or "tep"
    suffix = Path(name).suffix if len(Path(name).suffix.encode()) <= 16 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    while len((stem + suffix).encode()) > 200:
        stem = stem[:-1]
    return (stem + suffix).lstrip(".") or "tep"


def _reason(error: ReadError) -> str:
    text = str(error)
    return text[len(str(error.path)) + 2 :] if error.path and text.startswith(f"{error.path}: ") else text


def _save(store: Store, evidence_id: int, owner: str, reading) -> bool:
    metadata = empty_metadata()
    metadata.update({k: reading.metadata.get(k) for k in METADATA_KEYS if k in reading.metadata})
    with store.transaction() as conn:
        row = conn.execute("SELECT sha256 FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
        if row is None:
            return False
        metadata["sha256"] = row["sha256"]
        cursor = conn.execute(
            "UPDATE evidence SET format = ?, pages = ?, text_source = ?, metadata = ?, text = ?, reader_version = ?,"
            " updated_at = ?, read_status = 'read', read_error = NULL, read_owner = NULL"
            " WHERE id = ? AND read_status = 'reading' AND read_owner = ?",
            (
                reading.format,
                reading.pages,
                reading.text_source,
                dumps(metadata),
                nfc(reading.text),
                _reader_version(),
                now_iso(),
                evidence_id,
                owner,
            ),
        )
        if cursor.rowcount == 1:  # the record's text and metadata arrive: an event of the history
            chain.record_row_event(conn, chain.EVIDENCE_UPDATED, "evidence", evidence_id, f"reader:{owner}")
    return cursor.rowcount == 1


def _fail(store: Store, evidence_id: int, owner: str, reason: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE evidence SET read_status = 'failed', read_error = ?, read_owner = NULL, updated_at = ?"
            " WHERE id = ? AND read_status = 'reading' AND read_owner = ?",
            (reason, now_iso(), evidence_id, owner),
        )


# ---------------------------------------------------------------- the server's queue


class ThreadReadQueue:
    """The web server's reader: one thread, woken by `enqueue_read` (and every `poll` seconds, for work left by
    a restart or another process), reading pending records a batch at a time; small index segments are merged
    when there is nothing to read."""

    IDLE_EXIT = 60.0  # a thread started by an upload (not by the server's start) ends after this long idle

    def __init__(self, store_root: Path, *, ocr: bool = True, jobs: int | None = None, poll: float = 2.0):
        self.store_root = Path(store_root)
        self.ocr = ocr
        self.jobs = jobs
        self.poll = poll
        self.persistent = False
        self.owner = owner_id()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def start(self, *, persistent: bool = True) -> None:
        """Start the thread (once). The server starts it for good (`persistent`: it also resumes what a restart
        left pending); one started by `enqueue_read` alone ends when idle for IDLE_EXIT seconds."""
        with self._guard:
            self.persistent = self.persistent or persistent
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="evidence-reader", daemon=True)
            self._thread.start()

    def enqueue_read(self, evidence_id: int) -> None:
        self._wake.set()  # before start(): a thread about to end for idleness sees it and stays
        self.start(persistent=False)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        store = None
        idle_since = time.monotonic()
        while not self._stop.is_set():
            try:
                if store is None:
                    store = Store.open(self.store_root)
                report = read_pending(store, owner=self.owner, ocr=self.ocr, jobs=self.jobs, nice=NICE)
                if report["claimed"]:
                    idle_since = time.monotonic()
                    continue  # more may be waiting
                if not self.persistent and time.monotonic() - idle_since > self.IDLE_EXIT:
                    with self._guard:
                        if not self._wake.is_set():
                            self._thread = None
                            break
                if search.needs_merge(store):
                    search.merge_small(store, lock_timeout=1.0)
            except EvidenceError as exc:
                log.warning("background reading: %s", exc)
            except Exception:  # a bug must not stop the reading of later uploads
                log.exception("background reading failed")
                if store is not None:
                    store.close()
                    store = None
                self._stop.wait(1.0)
            if self._wake.wait(self.poll):
                idle_since = time.monotonic()
            self._wake.clear()
        if store is not None:
            store.close()


class ProcessReadQueue:
    """The web server's reader: a child process (`python -m evidence.catalog.jobs STORE`) running the reading
    loop at a lower priority, woken through its standard input. It ends when the server closes the pipe (stop, or
    the server died); one started by `enqueue_read` alone (no server start-up) also ends when idle."""

    IDLE_EXIT = 30.0

    def __init__(self, store_root: Path, *, ocr: bool = True, poll: float = 2.0):
        self.store_root = Path(store_root)
        self.ocr = ocr
        self.poll = poll
        self._proc: subprocess.Popen | None = None
        self._guard = threading.Lock()

    def start(self, *, persistent: bool = True) -> None:
        with self._guard:
            if self._proc is not None and self._proc.poll() is None:
                return
            command = [sys.executable, "-m", "evidence.catalog.jobs", str(self.store_root), "--poll", str(self.poll)]
            if not self.ocr:
                command.append("--no-ocr")
            if not persistent:
                command += ["--idle-exit", str(self.IDLE_EXIT)]
            self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, close_fds=True)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def enqueue_read(self, evidence_id: int) -> None:
        for _attempt in range(2):
            if not self.running:
                self.start(persistent=False)
            proc = self._proc
            if proc is None or proc.stdin is None:  # no reader (start-up turned off): the record waits, pending
                return
            try:
                proc.stdin.write(f"{int(evidence_id)}\n".encode())
                proc.stdin.flush()
                return
            except (BrokenPipeError, OSError, ValueError):  # it just ended: start another
                with self._guard:
                    if self._proc is proc:
                        self._proc = None

    def stop(self, timeout: float = 10.0) -> None:
        with self._guard:
            proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()  # the reader finishes its batch and ends
            proc.wait(timeout)
        except (subprocess.TimeoutExpired, OSError):
            proc.terminate()  # its claims are taken over by the next reader (the owner is gone)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()


def reader_loop(store_root: Path, *, ocr: bool = True, poll: float = 2.0, idle_exit: float | None = None) -> None:
    """The loop of a reader process: read what is pending, merge small index segments when idle, and wait for a
    line on standard input (an upload to read) or `poll` seconds; end when standard input closes."""
    fd = sys.stdin.fileno()
    store: Store | None = None
    idle_since = time.monotonic()
    while True:
        try:
            if store is None:
                store = Store.open(store_root)
            if read_pending(store, ocr=ocr)["claimed"]:
                idle_since = time.monotonic()
                continue
            if search.needs_merge(store):
                search.merge_small(store, lock_timeout=1.0)
        except EvidenceError as exc:
            log.warning("background reading: %s", exc)
        except Exception:  # a bug must not stop the reading of later uploads
            log.exception("background reading failed")
            if store is not None:
                store.close()
                store = None
            time.sleep(1.0)
        ready, _, _ = select.select([fd], [], [], poll)
        if ready:
            if not os.read(fd, 65536):
                break  # the server closed the pipe
            idle_since = time.monotonic()
        elif idle_exit and time.monotonic() - idle_since > idle_exit:
            break
    if store is not None:
        store.close()


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evidence.catalog.jobs", description="The background reader.")
    parser.add_argument("store", type=Path)
    parser.add_argument("--no-ocr", action="store_true")
    parser.add_argument("--poll", type=float, default=2.0)
    parser.add_argument("--idle-exit", type=float, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        os.nice(NICE)
    except OSError:
        pass
    try:
        reader_loop(args.store, ocr=not args.no_ocr, poll=args.poll, idle_exit=args.idle_exit)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover - the reader process of the web server
    sys.exit(_main(sys.argv[1:]))
