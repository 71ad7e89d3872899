"""A store: one directory holding the database, the originals and the search index.

In server mode (`EVIDENCE_DATABASE_URL=postgresql://…`) the database is PostgreSQL and the directory — a path every
machine mounts — holds the originals."""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import datetime, UTC
from pathlib import Path
from collections.abc import Iterator

from .. import config
from . import db
from .dialect import Database, dialect
from .pg import PgConnection
from .blobs import BlobStore
from ..errors import StoreError

DB_NAME = "evidence.db"


def now_iso() -> str:
    """The current time, UTC, to the second, ISO 8601 (what every timestamp in the store uses)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Store:
    def __init__(self, root: Path, conn: sqlite3.Connection | PgConnection):
        self.root = root
        self.db = conn
        self.blobs = BlobStore(root)

    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    @property
    def dialect(self) -> str:
        """ "sqlite" (the store's own file) or "postgresql" (server mode)."""
        return dialect(self.db)

    @property
    def database(self) -> str:
        """Where the metadata is, for messages: the SQLite file, or the PostgreSQL URL without its password."""
        return db.redact(self.db.url) if isinstance(self.db, PgConnection) else str(self.db_path)

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def locks_dir(self) -> Path:
        return self.root / "locks"

    @classmethod
    def init(cls, root: Path) -> Store:
        """Create the store if needed (idempotent) and bring its schema up to date."""
        root = Path(root)
        if root.exists() and not root.is_dir():
            raise StoreError("exists and is not a directory", path=root)
        root.mkdir(parents=True, exist_ok=True)
        store = cls._connect(root)
        store.blobs.ensure()
        store.locks_dir.mkdir(exist_ok=True)
        with store.transaction():
            store.db.execute(
                "INSERT INTO meta(key, value) VALUES ('store_id', ?) ON CONFLICT DO NOTHING", (uuid.uuid4().hex,)
            )
            store.db.execute(
                "INSERT INTO meta(key, value) VALUES ('created_at', ?) ON CONFLICT DO NOTHING", (now_iso(),)
            )
        return store

    @classmethod
    def open(cls, root: Path) -> Store:
        root = Path(root)
        if database_url():
            if not root.is_dir():
                raise StoreError(
                    "no evidence store here (server mode: the originals' folder is missing — mount it);"
                    f" run `evidence --store {root} init` first",
                    path=root,
                )
        elif not (root / DB_NAME).is_file():
            raise StoreError(f"no evidence store here; run `evidence --store {root} init` first", path=root)
        store = cls._connect(root)
        store.blobs.ensure()
        store.locks_dir.mkdir(exist_ok=True)
        return store

    @classmethod
    def _connect(cls, root: Path) -> Store:
        url = database_url()
        if url:
            return cls(root, db.connect_url(url))
        try:
            conn = db.connect(root / DB_NAME)
            db.migrate(conn, db_path=root / DB_NAME)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the database: {exc}", path=root / DB_NAME) from None
        return cls(root, conn)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        with db.transaction(self.db) as conn:
            yield conn

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def database_url() -> str:
    """Server mode's PostgreSQL URL, or "" for the store's own SQLite file."""
    return config.setting("EVIDENCE_DATABASE_URL").strip()


def dumps(value) -> str:
    """JSON for database columns: UTF-8 text kept readable, keys in a stable order."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
