"""Reading on a queue (server mode): Celery on Redis, chosen by the setting EVIDENCE_QUEUE_URL=redis://HOST:PORT/DB.

The web stores each upload and its link in the request (catalog/jobs.py `store_upload`, record 'pending') and
`CeleryReadQueue.enqueue_read` sends a task naming the record. `evidence worker` (any machine that sees the
database and the originals) runs the tasks; a task's body is `read_pending(store, ids=[evidence_id])`.

The database is the truth, the queue only a wake-up call:
- a task whose record is no longer pending (read by another worker, a message delivered twice) does nothing, so a
  record is read once whatever the queue delivers;
- a task that fails for a reason outside the file (the database busy, the original not visible on this machine,
  the index locked) gives its claim back and is retried with a growing delay; after RETRIES the record is marked
  'failed' with the reason (never lost: its original and link stay, the page says why). A file that cannot be
  read (a damaged PDF) is reported 'failed' at once by read_pending, as in the embedded mode;
- a worker kept acknowledging a task until it is done (acks_late), so a worker killed mid-reading leaves the
  message to be delivered again; and every worker sweeps the database at start and every `sweep` seconds: claims
  of dead workers go back to 'pending' (jobs.recover), and pending records are sent again when the queue is empty
  (messages lost with a restarted Redis, an upload whose message could not be sent).

One store per queue: give each store its own Redis database number (redis://host:6379/1, /2 …).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .. import config, search
from ..errors import EvidenceError, InputError, StoreError
from ..store import Store, now_iso
from .jobs import ProcessReadQueue, ReadQueue, lease_seconds, owner_id, read_pending, recover

log = logging.getLogger("evidence.queue")

TASK = "evidence.read"
QUEUE = "evidence-read"
SCHEMES = ("redis", "rediss")
RETRIES = 5  # retries of a task that failed outside the file, before its record is marked failed
BACKOFF_FIRST = 5.0  # seconds before the first retry; doubled each time
BACKOFF_MAX = 300.0
SWEEP_SECONDS = 60.0
CONNECT_SECONDS = 5.0


def queue_url() -> str:
    """EVIDENCE_QUEUE_URL, or '' for the embedded default (the web server's own reader process)."""
    return config.setting("EVIDENCE_QUEUE_URL").strip()


def shown_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit((parts.scheme, f"{user}:***@{netloc}", parts.path, parts.query, parts.fragment))


def check_url(url: str) -> str:
    """The URL when it is one Celery can use for Redis; InputError naming the setting otherwise."""
    if not url:
        raise InputError("EVIDENCE_QUEUE_URL is not set: the worker takes its work from Redis (redis://HOST:PORT/DB)")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InputError(f"EVIDENCE_QUEUE_URL {shown_url(url)!r}: not a valid URL ({exc})") from None
    if parts.scheme not in SCHEMES:
        raise InputError(
            f"EVIDENCE_QUEUE_URL {shown_url(url)!r}: expected redis://HOST:PORT/DB (or rediss:// for TLS),"
            f" not {parts.scheme or 'no scheme'}"
        )
    if not parts.hostname and not (parts.path and port is None and parts.scheme == "redis"):
        raise InputError(f"EVIDENCE_QUEUE_URL {shown_url(url)!r}: no host")
    db = parts.path.strip("/")
    if db and not db.isdigit():
        raise InputError(f"EVIDENCE_QUEUE_URL {shown_url(url)!r}: the database after the port must be a number")
    return url


def make_app(url: str, *, store_root: Path | None = None, ocr: bool = True) -> Any:
    """The Celery application of a store: the broker at `url`, the reading task registered. A worker passes its
    store (the web only sends tasks)."""
    from celery import Celery  # the optional `server` extra: the embedded default never imports Celery

    app = Celery("evidence", broker=check_url(url), set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_ignore_result=True,
        task_acks_late=True,  # a message is acknowledged when its reading is done, not when it is taken
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        broker_connection_timeout=CONNECT_SECONDS,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            # a message taken by a worker that died is delivered again after this long (the claim's lease)
            "visibility_timeout": int(lease_seconds()),
            "socket_connect_timeout": CONNECT_SECONDS,
            "socket_timeout": 30,
        },
        task_publish_retry=True,
        # an upload waits up to ~10 s for Redis (a restart); then its record stays pending for the sweep
        task_publish_retry_policy={"max_retries": 6, "interval_start": 0.2, "interval_step": 0.6, "interval_max": 3},
        evidence_store=str(store_root) if store_root is not None else None,
        evidence_ocr=ocr,
    )

    @app.task(name=TASK, bind=True, max_retries=RETRIES, acks_late=True, shared=False)
    def read(task, evidence_id: int) -> dict:
        return run_task(task, int(evidence_id))

    return app


# ---------------------------------------------------------------- the task (in a worker)

_local = threading.local()


def _store(root: Path) -> Store:
    """One store (SQLite connection) per worker thread, kept across tasks."""
    store = getattr(_local, "store", None)
    if store is None or store.root != root:
        store = Store.open(root)
        _local.store = store
    return store


def _drop_store() -> None:
    store = getattr(_local, "store", None)
    _local.store = None
    if store is not None:
        try:
            store.close()
        except Exception:  # a broken connection is dropped anyway
            pass


def run_task(task: Any, evidence_id: int) -> dict:
    """The body of the reading task: read the record if it is still to read, else nothing."""
    root = Path(task.app.conf.evidence_store or config.store_dir())
    owner = owner_id()
    attempt = task.request.retries
    try:
        store = _store(root)
        row = store.db.execute("SELECT sha256, read_status FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
        if row is None or row["read_status"] not in ("pending", "reading"):
            return {"claimed": 0, "read": 0, "failed": 0, "seconds": 0.0}
        if not store.blobs.path(row["sha256"]).is_file():  # not the file's fault: another worker may see it
            raise StoreError(f"the original of evidence {evidence_id} is not visible here", path=store.blobs.root)
        report = read_pending(store, ids=[evidence_id], owner=owner, ocr=bool(task.app.conf.evidence_ocr), jobs=1)
        log.info("evidence %s: %s", evidence_id, report)
        return report
    except Exception as exc:
        reason = str(exc) if isinstance(exc, EvidenceError) else f"{type(exc).__name__}: {exc}"
        _drop_store()
        try:
            store = _store(root)
            release(store, evidence_id, owner)
            if attempt >= RETRIES:
                log.error("evidence %s: reading failed %d times, reported failed: %s", evidence_id, attempt + 1, reason)
                mark_failed(store, evidence_id, f"reading failed {attempt + 1} times ({reason}); the record is kept")
                return {"claimed": 0, "read": 0, "failed": 1, "seconds": 0.0}
        except Exception as inner:  # the database itself is away: the retry (or the sweep) comes back to it
            log.warning("evidence %s: cannot release the claim: %s", evidence_id, inner)
            _drop_store()
        delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2**attempt)
        log.warning("evidence %s: %s; retry %d of %d in %.0f s", evidence_id, reason, attempt + 1, RETRIES, delay)
        raise task.retry(exc=exc, countdown=delay) from None


def release(store: Store, evidence_id: int, owner: str) -> None:
    """Give a claim of `owner` back (the record is pending again)."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE evidence SET read_status = 'pending', read_owner = NULL"
            " WHERE id = ? AND read_status = 'reading' AND read_owner = ?",
            (evidence_id, owner),
        )


def mark_failed(store: Store, evidence_id: int, reason: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            "UPDATE evidence SET read_status = 'failed', read_error = ?, read_owner = NULL, updated_at = ?"
            " WHERE id = ? AND read_status = 'pending'",
            (reason, now_iso(), evidence_id),
        )


# ---------------------------------------------------------------- the web's side


class CeleryReadQueue:
    """`ReadQueue` on Celery: `enqueue_read` sends the reading task; the workers (`evidence worker`) do the rest.
    When Redis cannot be reached for ~10 s the upload is kept all the same (stored, linked, pending): the first
    worker sweep sends it again."""

    def __init__(self, url: str, store_root: Path | None = None):
        self.url = check_url(url)
        self.store_root = store_root
        self._app: Any = None
        self._guard = threading.Lock()

    @property
    def app(self) -> Any:
        with self._guard:
            if self._app is None:
                self._app = make_app(self.url, store_root=self.store_root)
            return self._app

    def enqueue_read(self, evidence_id: int) -> None:
        try:
            self.app.send_task(TASK, args=[int(evidence_id)], queue=QUEUE)
        except Exception as exc:  # Redis away: the record waits, pending, for a worker's sweep
            log.warning(
                "queue %s unreachable (%s): evidence %s stays pending until a worker sweeps",
                shown_url(self.url),
                exc,
                evidence_id,
            )

    def start(self, *, persistent: bool = True) -> None:
        """Nothing to start: the readers are the workers."""

    def stop(self, timeout: float = 10.0) -> None:
        with self._guard:
            app, self._app = self._app, None
        if app is not None:
            try:
                app.close()
            except Exception:  # closing a connection pool to a Redis that went away
                pass


def make_read_queue(store_root: Path, *, ocr: bool = True) -> ReadQueue:
    """The web server's queue: Celery when EVIDENCE_QUEUE_URL is set, else its own reader process."""
    url = queue_url()
    if url:
        return CeleryReadQueue(url, store_root)
    return ProcessReadQueue(store_root, ocr=ocr)


# ---------------------------------------------------------------- the worker's side


def check_originals(store: Store) -> None:
    """StoreError unless this machine sees the originals: the blobs folder readable, and the latest originals
    the database knows present (a shared mount that is missing shows an empty folder)."""
    root = store.blobs.root
    if not root.is_dir():
        raise StoreError("the originals are not visible here (no folder); mount the store's shared folder", path=root)
    if not os.access(root, os.R_OK | os.X_OK):
        raise StoreError("the originals are not readable by this user", path=root)
    try:
        with os.scandir(root):
            pass
    except OSError as exc:
        raise StoreError(f"the originals cannot be listed ({exc.strerror or exc})", path=root) from None
    rows = store.db.execute("SELECT id, sha256 FROM evidence ORDER BY id DESC LIMIT 3").fetchall()
    for r in rows:
        if not store.blobs.path(r["sha256"]).is_file():
            raise StoreError(
                f"the originals are not visible here (that of evidence {r['id']} is missing);"
                " mount the store's shared folder",
                path=root,
            )


def check_broker(app: Any, url: str, timeout: float = CONNECT_SECONDS) -> None:
    """InputError (one line) unless the broker answers within `timeout` seconds."""
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
            conn.default_channel.client.ping()
    except Exception as exc:
        text = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(f"EVIDENCE_QUEUE_URL {shown_url(url)}: cannot reach the queue ({text})") from None


def unreachable(url: str) -> str | None:
    """Why the queue at `url` cannot be reached now (one line), or None when it answers."""
    try:
        check_broker(make_app(url), url, timeout=3)
    except InputError as exc:
        return str(exc)
    return None


def queued(app: Any) -> int | None:
    """Messages waiting in the reading queue (None when Redis cannot say)."""
    try:
        with app.connection_for_write() as conn:
            return int(conn.default_channel.client.llen(QUEUE))
    except Exception:
        return None


class Sweeper:
    """A thread of the worker: at start and every `every` seconds, give back the claims of dead workers, send
    pending records again when the queue is empty, and merge small index segments when there is nothing to read."""

    def __init__(self, app: Any, store_root: Path, every: float = SWEEP_SECONDS):
        self.app = app
        self.store_root = Path(store_root)
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="evidence-sweeper", daemon=True)
        self.sent_total = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def sweep(self, store: Store, *, first: bool = False) -> int:
        recover(store)
        ids = [r[0] for r in store.db.execute("SELECT id FROM evidence WHERE read_status = 'pending' ORDER BY id")]
        waiting = queued(self.app)
        if not ids:
            if waiting == 0 and search.needs_merge(store):
                search.merge_small(store, lock_timeout=1.0)
            return 0
        if not first and waiting != 0:  # the queue holds work (or cannot say): its messages are on their way
            return 0
        for evidence_id in ids:
            self.app.send_task(TASK, args=[evidence_id], queue=QUEUE)
        self.sent_total += len(ids)
        log.info("sweep: %d pending record(s) sent to the queue", len(ids))
        return len(ids)

    def _run(self) -> None:
        first = True
        store: Store | None = None
        while not self._stop.is_set():
            try:
                if store is None:
                    store = Store.open(self.store_root)
                self.sweep(store, first=first)
                first = False
            except Exception as exc:  # Redis or the database away: the next sweep tries again
                log.warning("sweep: %s", exc)
                if store is not None:
                    store.close()
                    store = None
            self._stop.wait(self.every)
        if store is not None:
            store.close()


def prepare_worker(store_root: Path, *, ocr: bool = True) -> None:
    """Check that this machine sees the originals and reaches the queue; StoreError or InputError (one line)
    otherwise."""
    url = check_url(queue_url())
    store = Store.open(store_root)
    try:
        check_originals(store)
    finally:
        store.close()
    app = make_app(url, store_root=Path(store_root).resolve(), ocr=ocr)
    check_broker(app, url)


def run_worker(
    app: Any, store_root: Path, *, concurrency: int = 2, sweep: float = SWEEP_SECONDS, loglevel: str = "INFO"
) -> None:
    """Run a Celery worker for the store until it stops (threads: the reading itself happens in reader
    processes), with a Sweeper beside it."""
    sweeper = Sweeper(app, store_root, every=sweep)
    sweeper.start()
    try:
        app.worker_main(
            [
                "worker",
                "--pool=threads",
                f"--concurrency={max(1, concurrency)}",
                f"--loglevel={loglevel}",
                f"--queues={QUEUE}",
                f"--hostname=evidence-{owner_id().replace(':', '-')}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        )
    finally:
        sweeper.stop()


RESTART_FIRST = 1.0
RESTART_MAX = 30.0


def supervise(store_root: Path, *, concurrency: int = 2, ocr: bool = True, sweep: float = SWEEP_SECONDS) -> int:
    """Run the Celery worker in a child process (`python -m evidence.catalog.celery_queue`) and start it again
    when it ends by itself: Celery gives up on some broker failures (a Redis restart while a task finishes);
    the claims and the sweep make a restart safe. SIGTERM or SIGINT stop the child (it finishes its readings)
    and return 0."""
    command = [sys.executable, "-m", "evidence.catalog.celery_queue", str(store_root)]
    command += ["--concurrency", str(concurrency), "--sweep", str(sweep)] + ([] if ocr else ["--no-ocr"])
    stopping = threading.Event()
    child: subprocess.Popen | None = None

    def stop(signum, _frame) -> None:
        stopping.set()
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)  # Celery's warm shutdown

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    delay = RESTART_FIRST
    try:
        while not stopping.is_set():
            started = time.monotonic()
            child = subprocess.Popen(command)
            while True:
                try:
                    code = child.wait()
                    break
                except KeyboardInterrupt:  # a second Ctrl+C: let Celery end at once
                    child.send_signal(signal.SIGINT)
            if stopping.is_set():
                break
            if time.monotonic() - started > 60:
                delay = RESTART_FIRST
            log.warning("the Celery worker ended (exit status %s); starting it again in %.0f s", code, delay)
            stopping.wait(delay)
            delay = min(RESTART_MAX, delay * 2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m evidence.catalog.celery_queue", description="A Celery worker.")
    parser.add_argument("store", type=Path)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--sweep", type=float, default=SWEEP_SECONDS)
    parser.add_argument("--no-ocr", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = make_app(check_url(queue_url()), store_root=args.store.resolve(), ocr=not args.no_ocr)
        run_worker(app, args.store, concurrency=args.concurrency, sweep=args.sweep)
    except EvidenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover - the child of `evidence worker`
    sys.exit(_main(sys.argv[1:]))
