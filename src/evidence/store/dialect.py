"""What differs between the two databases beyond SQL the program writes portably: catalog queries, the engine's name."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from .pg import MIGRATED, PgConnection

Database = sqlite3.Connection | PgConnection  # what `store.db` is: the store's own SQLite file, or PostgreSQL


def tuples(conn, sql: str, params=()) -> Iterator[tuple]:
    """Rows as plain tuples (faster than named rows for a loop over a whole campaign)."""
    if isinstance(conn, PgConnection):
        yield from conn.execute(sql, params)
        return
    cursor = conn.cursor()
    cursor.row_factory = None
    yield from cursor.execute(sql, params)


def table_names(conn) -> set[str]:
    if isinstance(conn, PgConnection):
        return {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def trigger_names(conn) -> set[str]:
    if isinstance(conn, PgConnection):
        return {
            r[0]
            for r in conn.execute(
                "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
            )
        }
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def dialect(conn) -> str:
    """ "sqlite" or "postgresql"."""
    return getattr(conn, "dialect", "sqlite")


def column_names(conn, table: str) -> list[str]:
    """The table's columns in their declared order."""
    if isinstance(conn, PgConnection):
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [r[0] for r in rows]
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def primary_key(conn, table: str) -> list[str]:
    """The primary key's columns (empty for a table without one)."""
    if isinstance(conn, PgConnection):
        rows = conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
            " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = CAST(? AS regclass) AND i.indisprimary"
            " ORDER BY array_position(i.indkey, a.attnum)",
            (table,),
        )
        return [r[0] for r in rows]
    return [r[1] for r in sorted(conn.execute(f"PRAGMA table_info({table})"), key=lambda r: r[5]) if r[5]]


def drop_everything(conn: Database) -> None:
    """Server mode's reset for the demo: every table and function of the program in the current schema (the
    extensions' own functions stay). The next connection creates the schema again."""
    if not isinstance(conn, PgConnection):
        raise TypeError("drop_everything is for a PostgreSQL database; an embedded store is a folder to delete")
    MIGRATED.discard(conn.url)
    with _locked(conn):
        for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"):
            conn.execute(f'DROP TABLE IF EXISTS "{name}" CASCADE')
        functions = conn.execute(
            "SELECT CAST(CAST(p.oid AS regprocedure) AS text) FROM pg_proc p"
            " WHERE p.pronamespace = CAST(current_schema() AS regnamespace)"
            " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
        ).fetchall()
        for (signature,) in functions:
            conn.execute(f"DROP FUNCTION IF EXISTS {signature} CASCADE")


@contextmanager
def _locked(conn: PgConnection) -> Iterator[None]:
    conn.begin()
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
