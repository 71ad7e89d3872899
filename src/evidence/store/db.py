"""The metadata database: SQLite in WAL mode in the store (the default), or PostgreSQL in server mode
(`EVIDENCE_DATABASE_URL`, store/pg.py); migrated in place to the latest schema either way."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterator

from ..errors import DiskFull, StoreError
from . import pg
from .chain import adopt_existing
from .migrations import LATEST, MIGRATIONS
from .dialect import Database
from .pg import PgConnection, redact

BUSY_TIMEOUT_MS = 60_000
_WRITE_LOCKS: dict[str, threading.RLock] = {}  # per database file: the writing threads of this process queue here
_GUARD = threading.Lock()


class _Connection(sqlite3.Connection):
    write_lock: threading.RLock | None = None
    dialect = "sqlite"


# Work a migration needs beyond SQL, run in the migration's own transaction right after its statements.
AFTER_MIGRATION = {8: adopt_existing}


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
        factory=_Connection,
    )
    with _GUARD:
        conn.write_lock = _WRITE_LOCKS.setdefault(str(Path(path).resolve()), threading.RLock())
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextmanager
def transaction(conn: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception. Nested use joins the outer transaction.

    Threads of one process that write to the same database wait for each other on a lock of their own first:
    SQLite makes a writer that finds the database locked sleep and retry (up to 100 ms a time), which, with ten
    uploads at once in the web server, turned a 50 ms request into a second. Other processes still meet
    SQLite's own lock."""
    if conn.in_transaction:
        yield conn
        return
    lock = getattr(conn, "write_lock", None)
    if lock is not None:
        lock.acquire()
    if isinstance(conn, PgConnection):
        try:
            with _pg_transaction(conn):
                yield conn
        finally:
            if lock is not None:
                lock.release()
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:  # SQLite may have rolled back already (disk full): keep the real cause
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if isinstance(exc, sqlite3.OperationalError) and _disk_full(exc):
                raise DiskFull(
                    "the store's disk is full; the change was not recorded — free some space and run the command again",
                    path=_db_file(conn),
                ) from None
            raise
    finally:
        if lock is not None:
            lock.release()


@contextmanager
def _pg_transaction(conn: PgConnection) -> Iterator[None]:
    conn.begin()
    try:
        yield
    except BaseException as exc:
        if conn.in_transaction:
            try:
                conn.rollback()
            except conn.errors:
                pass
        if isinstance(exc, conn.lost_errors):
            raise StoreError(
                f"the connection to the database ({redact(conn.url)}) was lost; the change was not recorded — run"
                " the command again"
            ) from None
        if isinstance(exc, conn.errors) and getattr(exc, "sqlstate", None) in ("53100", "53200"):
            raise DiskFull(
                "the database server is out of disk or memory; the change was not recorded — run the command again"
                " once it has room",
                path=redact(conn.url),
            ) from None
        raise
    else:
        conn.commit()


def _disk_full(exc: sqlite3.Error) -> bool:
    return "full" in str(exc).lower() or getattr(exc, "sqlite_errorcode", None) == 13


def _db_file(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("PRAGMA database_list").fetchone()
        return row[2] if row else None
    except sqlite3.Error:
        return None


def schema_version(conn) -> int:
    if isinstance(conn, PgConnection):
        return pg.schema_version(conn)
    return conn.execute("PRAGMA user_version").fetchone()[0]


def connect_url(url: str) -> PgConnection:
    """Server mode's database, migrated to the latest schema; a one-line StoreError when it cannot be reached."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise StoreError(f"EVIDENCE_DATABASE_URL={pg.redact(url)}: expected postgresql://USER@HOST:PORT/DATABASE")
    conn = PgConnection(url)
    if url in pg.MIGRATED:
        return conn
    try:
        current = pg.schema_version(conn)
        if current > LATEST:
            raise StoreError(
                f"the database's schema (v{current}) is newer than this program (v{LATEST}); upgrade evidence"
            )
        pg.migrate(conn, LATEST)
        pg.MIGRATED.add(url)
    except conn.errors as exc:
        conn.close()
        raise StoreError(f"PostgreSQL at {pg.redact(url)}: {str(exc).strip().splitlines()[0]}") from None
    return conn


def _statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer


def migrate(conn: sqlite3.Connection, *, target: int = LATEST, db_path: Path | None = None) -> list[int]:
    """Apply the missing migrations up to `target`, each in its own transaction.

    Before touching a store that already has data, a copy of the database is kept next to it
    (`evidence.db.v<N>.bak`), so an upgrade can always be undone by hand.
    """
    current = schema_version(conn)
    if current > LATEST:
        raise StoreError(f"the store's schema (v{current}) is newer than this program (v{LATEST}); upgrade evidence")
    pending = [m for m in MIGRATIONS if current < m[0] <= target]
    if pending and current > 0 and db_path is not None:
        backup = db_path.with_name(f"{db_path.name}.v{current}.bak")
        if not backup.exists():
            dest = sqlite3.connect(str(backup))
            with dest:
                conn.backup(dest)
            dest.close()
    applied = []
    for number, _title, script in pending:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) >= number:  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            for statement in _statements(script):
                conn.execute(statement)
            if number in AFTER_MIGRATION:
                AFTER_MIGRATION[number](conn)
            conn.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(number)
    return applied
