"""The metadata database on PostgreSQL (server mode): a connection that the rest of the program uses exactly as the
SQLite one — `execute(sql, params)` with `?` placeholders, rows read by name or position, `store.transaction()`.

The SQL of the program is written in the subset both engines share (ON CONFLICT, RETURNING, CAST, json_extract and
instr, which the schema defines on PostgreSQL); the only translation here is the placeholder style, which psycopg
does not offer. Writers are serialised by one transaction-scoped advisory lock, as SQLite's BEGIN IMMEDIATE does: the
hash chain and the read-then-write steps of the program rely on one writer at a time, on any number of machines.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import StoreError
from .pg_schema import BASELINE, PG_MIGRATIONS

IDLE_CONNECTIONS = 8  # kept open per process for the next store (the web opens a store per request)
_idle: dict[str, list] = {}
_idle_guard = threading.Lock()
_inherited: list = []  # a forked child's copies of its parent's connections: kept, never used nor closed


def _forget_parents_connections() -> None:
    """In a forked child (gunicorn's web workers, reader processes): the idle connections are the parent's sockets.
    Using one would interleave two processes on one session; closing or even freeing one would end the parent's
    session (libpq says goodbye to the server). So the child keeps them aside, untouched, and opens its own."""
    _inherited.extend(conn for pool in _idle.values() for conn in pool)
    _idle.clear()


os.register_at_fork(after_in_child=_forget_parents_connections)
MIGRATED: set[str] = set()  # databases this process has migrated (or found current): not checked again
WRITE_LOCK_KEY = 0x45564944  # "EVID": pg_advisory_xact_lock key every writer takes first
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|%")  # string literals, quoted names, ? and %


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """`?` placeholders to psycopg's `%s` (and a literal % doubled), leaving quoted text alone."""

    def swap(match: re.Match) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        return token.replace("%", "%%")  # psycopg reads % everywhere, inside quotes too

    return _TOKENS.sub(swap, sql)


def _adapt(params: Sequence[Any] | None) -> tuple:
    # SQLite stores True as 1 in an INTEGER column; PostgreSQL refuses a boolean there.
    return tuple(int(p) if isinstance(p, bool) else p for p in (params or ()))


class Row(tuple):
    """A row read by position (`row[0]`) or by column name (`row["id"]`), like sqlite3.Row."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key):
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor):
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


class Cursor:
    """What `execute` returns: fetchone/fetchall/iteration and rowcount, as sqlite3's cursor."""

    def __init__(self, cursor):
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def fetchone(self):
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list:
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self) -> Iterator:
        return iter(self._cursor) if self._cursor.description else iter(())


class PgConnection:
    """One psycopg connection in autocommit mode; transactions are explicit (`db.transaction`)."""

    dialect = "postgresql"

    def __init__(self, url: str):
        try:
            import psycopg  # lazily: only server mode needs the driver
        except ImportError:
            raise StoreError(
                "EVIDENCE_DATABASE_URL names PostgreSQL but the driver is missing; install evidence[server]"
            ) from None
        self.url = url
        self._psycopg = psycopg
        self._conn = self._reuse() or self._connect()
        self.write_lock: threading.RLock | None = threading.RLock()  # the threads of this process queue here first

    def _reuse(self):
        with _idle_guard:
            pool = _idle.get(self.url) or []
            while pool:
                conn = pool.pop()
                if not (conn.closed or conn.broken):
                    return conn
        return None

    def _connect(self):
        try:
            return self._psycopg.connect(self.url, autocommit=True, row_factory=_row_factory, connect_timeout=10)
        except self._psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {redact(self.url)}: {_first_line(exc)}") from None

    def _reconnect_if_lost(self) -> bool:
        """A connection the server dropped (a restart, a failover) is opened again — only between transactions,
        where nothing can be half-done. Returns whether it was."""
        if not (self._conn.closed or self._conn.broken):
            return False
        try:
            self._conn.close()
        except self._psycopg.Error:
            pass
        self._conn = self._connect()
        return True

    @property
    def in_transaction(self) -> bool:
        status = self._conn.info.transaction_status
        return status not in (self._psycopg.pq.TransactionStatus.IDLE, self._psycopg.pq.TransactionStatus.UNKNOWN)

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Cursor:
        outside = not self.in_transaction
        if outside:
            self._reconnect_if_lost()
        try:
            cursor = self._conn.cursor()
            cursor.execute(translate(sql), _adapt(params))
        except self._psycopg.OperationalError:
            if not (outside and self._reconnect_if_lost()):
                raise
            cursor = self._conn.cursor()  # the server came back: once more, on the new connection
            cursor.execute(translate(sql), _adapt(params))
        return Cursor(cursor)

    def executemany(self, sql: str, rows) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(translate(sql), [_adapt(r) for r in rows])

    def copy_rows(self, table: str, columns: Sequence[str], rows) -> None:
        """Bulk insert with COPY (migrate-store, benchmarks)."""
        names = ", ".join(columns)
        with self._conn.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(_adapt(row))

    def begin(self) -> None:
        self._reconnect_if_lost()
        try:
            self._conn.execute("BEGIN")
        except self._psycopg.OperationalError:
            if not self._reconnect_if_lost():
                raise
            self._conn.execute("BEGIN")
        self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))

    def commit(self) -> None:
        self._conn.execute("COMMIT")

    def rollback(self) -> None:
        self._conn.execute("ROLLBACK")

    def close(self) -> None:
        """Back to this process's idle connections (the next store of the same database reuses it)."""
        conn = self._conn
        if conn.closed:
            return
        try:
            if self.in_transaction:
                conn.execute("ROLLBACK")
        except self._psycopg.Error:
            conn.close()
            return
        with _idle_guard:
            if not conn.broken and sum(map(len, _idle.values())) < IDLE_CONNECTIONS:
                _idle.setdefault(self.url, []).append(conn)
                return
        conn.close()

    @property
    def errors(self):
        return self._psycopg.Error

    @property
    def lost_errors(self):
        """What a dropped connection raises (the server restarted, the network went away)."""
        return self._psycopg.OperationalError


def close_idle(url: str | None = None) -> None:
    """Close this process's idle connections (to one database, or all): before the database is dropped or copied."""
    with _idle_guard:
        urls = [url] if url is not None else list(_idle)
        for key in urls:
            for conn in _idle.pop(key, []):
                conn.close()


def redact(url: str) -> str:
    """The URL without its password (for messages)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def schema_version(conn: PgConnection) -> int:
    present = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]
    if not present:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: PgConnection, latest: int) -> list[int]:
    """Bring the schema to `latest`: the baseline script on an empty database, then each later migration, each in
    its own transaction (under the writers' lock, so two processes starting at once do not both migrate)."""
    applied = []
    for number in sorted(n for n in PG_MIGRATIONS if n <= latest):
        conn.begin()
        try:
            current = schema_version(conn)
            if current >= number:
                conn.rollback()
                continue
            if current < BASELINE and number > BASELINE:
                raise StoreError(f"PostgreSQL schema v{current} is not at the baseline v{BASELINE}")
            for statement in _statements(PG_MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('schema_version', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(number),),
            )
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        applied.append(number)
    return applied


def _statements(script: str) -> Iterator[str]:
    """Statements separated by `;` at the end of a line, dollar-quoted bodies kept whole."""
    buffer: list[str] = []
    in_body = False
    for line in script.splitlines():
        buffer.append(line)
        in_body ^= line.count("$$") % 2 == 1
        if not in_body and line.rstrip().endswith(";"):
            statement = "\n".join(buffer).strip()
            if statement.strip(";").strip():
                yield statement
            buffer = []
    rest = "\n".join(buffer).strip()
    if rest:
        yield rest
