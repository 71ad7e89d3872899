"""`evidence migrate-store`: copy a store's metadata between its own SQLite file and PostgreSQL (both ways), then
prove the copy identical record by record.

The originals do not move: both engines keep them in the store folder, in the same content-addressed layout (in
server mode the folder is on a path every machine mounts). The target must be empty (a fresh database, or no
SQLite file yet); it is migrated to the program's schema first, so both sides hold the same tables. The copy is one
transaction: a failure leaves the target as empty as it was. Then every row of every table is compared (its
values, keyed by its primary key), the identities of PostgreSQL move past the copied ids, and the hash chain is
walked on the target: the chain head (the "Mã kiểm chứng dữ liệu" printed on signed minutes) must not change.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, StoreError
from . import chain, db
from .core import DB_NAME
from .dialect import column_names, primary_key, table_names
from .pg import PgConnection, redact
from .pg_schema import IDENTITY_TABLES, TABLES

BATCH = 2000


@dataclass
class TransferReport:
    source: str
    target: str
    tables: dict[str, int] = field(default_factory=dict)  # rows copied per table
    differences: list[str] = field(default_factory=list)  # rows that do not match after the copy
    chain_head: str = chain.GENESIS
    chain_broken: str | None = None

    @property
    def ok(self) -> bool:
        return not self.differences and self.chain_broken is None

    def to_json(self) -> dict:
        return {
            "from": self.source,
            "to": self.target,
            "tables": self.tables,
            "rows": sum(self.tables.values()),
            "differences": self.differences,
            "chain_head": self.chain_head,
            "chain_broken": self.chain_broken,
            "verified": self.ok,
        }


Progress = Callable[[str, int, int], None]  # (table, rows just copied, rows in all)


def sqlite_to_postgres(root: Path, url: str, *, progress: Progress | None = None) -> TransferReport:
    """Copy the store's SQLite file into the (empty) PostgreSQL database at `url`."""
    path = Path(root) / DB_NAME
    if not path.is_file():
        raise InputError("no SQLite database here to copy (evidence.db)", path=root)
    source = _open_sqlite(path)
    target = db.connect_url(url)
    try:
        return _transfer(source, target, str(path), redact(url), progress)
    finally:
        source.close()
        target.close()


def postgres_to_sqlite(url: str, root: Path, *, progress: Progress | None = None) -> TransferReport:
    """Copy the PostgreSQL database at `url` into a new SQLite file in the store folder `root`."""
    root = Path(root)
    path = root / DB_NAME
    if path.exists():
        raise InputError(
            "the store folder already has its own database (evidence.db); copy into a new folder, or move it away",
            path=path,
        )
    source = db.connect_url(url)
    root.mkdir(parents=True, exist_ok=True)
    target = _open_sqlite(path)
    try:
        report = _transfer(source, target, redact(url), str(path), progress)
    except BaseException:
        target.close()
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        source.close()
        raise
    source.close()
    target.close()
    return report


def postgres_snapshot_to_sqlite(url: str, path: Path) -> TransferReport:
    """The PostgreSQL database as of one moment (one REPEATABLE READ transaction), written to a new SQLite file:
    what `evidence backup` puts in the archive in server mode, so a backup restores on either engine."""
    source = PgConnection(url)
    target = _open_sqlite(Path(path))
    try:
        source.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        report = _transfer(source, target, redact(url), str(path), None)
        source.rollback()
    finally:
        source.close()
        target.close()
    if not report.ok:
        raise StoreError(f"the snapshot of {redact(url)} does not match it: {report.differences[:3]}")
    return report


def _open_sqlite(path: Path) -> sqlite3.Connection:
    try:
        conn = db.connect(path)
        db.migrate(conn, db_path=path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open the database: {exc}", path=path) from None
    return conn


def _transfer(source, target, source_name: str, target_name: str, progress) -> TransferReport:
    if db.schema_version(source) != db.schema_version(target):
        raise StoreError(f"schema versions differ: {source_name} and {target_name}")
    report = TransferReport(source_name, target_name)
    present = table_names(source)
    tables = [t for t in TABLES if t in present]
    busy = [t for t in tables if t != "meta" and target.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()]
    if busy:
        raise InputError(f"the target is not empty ({', '.join(busy)} hold rows); copy into a new database")
    total = sum(source.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables)
    with db.transaction(target):
        # keys the target made for itself when it was created (its schema version) give way to the source's
        target.execute("DELETE FROM meta WHERE key <> 'schema_version'")
        for table in tables:
            report.tables[table] = _copy_table(source, target, table, progress, total)
        if isinstance(target, PgConnection):
            for table in IDENTITY_TABLES:
                target.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false)"
                    f" FROM {table}"
                )
    for table in tables:
        report.differences.extend(_compare(source, target, table))
    checked, broken = chain.walk_chain(target)
    report.chain_broken = broken
    report.chain_head = chain.head(target).hash
    if report.chain_head != chain.head(source).hash:
        report.differences.append("the chain head differs from the source's")
    return report


def _copy_table(source, target, table: str, progress, total: int) -> int:
    columns = column_names(source, table)
    if table == "meta":
        rows = [r for r in source.execute("SELECT key, value FROM meta WHERE key <> 'schema_version'")]
        columns = ["key", "value"]
    else:
        rows = source.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
    placeholders = ", ".join("?" * len(columns))
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    copied = 0
    for start in range(0, len(rows), BATCH):
        batch = [tuple(r) for r in rows[start : start + BATCH]]
        if isinstance(target, PgConnection) and table != "meta":
            target.copy_rows(table, columns, batch)
        else:
            target.executemany(insert, batch)
        copied += len(batch)
        if progress:
            progress(table, len(batch), total)
    return copied


def _row_digests(conn, table: str, columns: list[str], key: list[str]) -> dict[tuple, str]:
    where = " WHERE key <> 'schema_version'" if table == "meta" else ""
    out = {}
    for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table}{where}"):
        values = dict(zip(columns, tuple(row), strict=True))
        text = json.dumps([_normal(values[c]) for c in columns], ensure_ascii=False)
        out[tuple(values[k] for k in key)] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return out


def _normal(value):
    """A value as both engines return it: PostgreSQL's DOUBLE PRECISION and SQLite's REAL agree as floats."""
    return float(value) if isinstance(value, float) else value


def _compare(source, target, table: str, limit: int = 20) -> list[str]:
    columns = column_names(source, table)
    key = primary_key(source, table) or columns  # login_failures has no key: compare whole rows
    left = _row_digests(source, table, columns, key)
    right = _row_digests(target, table, columns, key)
    problems = []
    for row_key in sorted(set(left) | set(right), key=str):
        if left.get(row_key) != right.get(row_key):
            what = "missing" if row_key not in right else "extra" if row_key not in left else "differs"
            problems.append(f"{table} {dict(zip(key, row_key, strict=True))}: {what} in the copy")
            if len(problems) >= limit:
                break
    if len(left) != len(right) and not problems:
        problems.append(f"{table}: {len(left)} rows in the source, {len(right)} in the copy")
    return problems
