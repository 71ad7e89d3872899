"""The store: init, schema migrations, content addressing, atomic writes, verify."""

from __future__ import annotations

import os
import sqlite3

import pytest

from evidence.store import db
from evidence.store.blobs import BlobStore, sha256_of
from evidence.errors import InputError, StoreError
from evidence.store.verify import verify_store
from evidence.store.migrations import LATEST, MIGRATIONS
from evidence.store import Store, chain


def test_init_is_idempotent(tmp_path):
    first = Store.init(tmp_path / "s")
    store_id = first.db.execute("SELECT value FROM meta WHERE key='store_id'").fetchone()[0]
    first.close()
    second = Store.init(tmp_path / "s")
    assert second.db.execute("SELECT value FROM meta WHERE key='store_id'").fetchone()[0] == store_id
    assert db.schema_version(second.db) == LATEST


def test_open_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="evidence .*init"):
        Store.open(tmp_path / "nowhere")


def test_store_path_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        Store.init(tmp_path / "f")


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_migration_from_first_schema_keeps_data(tmp_path):
    path = tmp_path / "evidence.db"
    conn = db.connect(path)
    db.migrate(conn, target=1)
    assert db.schema_version(conn) == 1
    conn.execute("INSERT INTO frameworks(id, name, document, imported_at) VALUES ('f', 'F', '{}', 'now')")
    conn.execute(
        "INSERT INTO evidence(sha256, size, filename, metadata, text, created_at, updated_at)"
        " VALUES ('abc', 3, 'a.pdf', '{\"number\": \"1/KH-X\"}', 'văn bản', 'now', 'now')"
    )
    applied = db.migrate(conn, db_path=path)
    assert applied == [m[0] for m in MIGRATIONS if m[0] > 1]
    assert db.schema_version(conn) == LATEST
    row = conn.execute("SELECT filename, metadata, text FROM evidence WHERE sha256='abc'").fetchone()
    assert tuple(row) == ("a.pdf", '{"number": "1/KH-X"}', "văn bản")
    if applied:  # an upgrade keeps a copy of the old database
        backup = sqlite3.connect(tmp_path / "evidence.db.v1.bak")
        assert backup.execute("PRAGMA user_version").fetchone()[0] == 1


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "evidence.db"
    conn = db.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    with pytest.raises(StoreError, match="newer"):
        db.migrate(conn)


def test_blob_is_content_addressed_and_stored_once(tmp_path):
    blobs = BlobStore(tmp_path)
    source = tmp_path / "a.txt"
    source.write_bytes(b"noi dung")
    first = blobs.put_file(source)
    second = blobs.put_file(source)
    assert first.sha256 == sha256_of(source) and first.created and not second.created
    assert blobs.path(first.sha256).read_bytes() == b"noi dung"
    assert blobs.path(first.sha256).parent.parent.name == first.sha256[:2]
    assert list(blobs.all_hashes()) == [first.sha256]


class _FailingStream:
    """A source that breaks half-way, like a disk error or a killed upload."""

    def __init__(self):
        self.calls = 0

    def read(self, _n):
        self.calls += 1
        if self.calls == 1:
            return b"x" * 1000
        raise OSError("device error")


def test_failed_write_leaves_no_blob_and_no_temporary(tmp_path):
    blobs = BlobStore(tmp_path)
    with pytest.raises(OSError):
        blobs.put_stream(_FailingStream())
    assert list(blobs.all_hashes()) == []
    assert blobs.stray_temporaries() == []


def test_crash_at_rename_leaves_nothing_half_written(tmp_path, monkeypatch):
    blobs = BlobStore(tmp_path)
    source = tmp_path / "a.txt"
    source.write_bytes(b"abc")

    def boom(*_a, **_k):
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        blobs.put_file(source)
    assert not blobs.exists(sha256_of(source))
    assert blobs.stray_temporaries() == []


def test_size_limit(tmp_path):
    blobs = BlobStore(tmp_path)
    source = tmp_path / "big"
    source.write_bytes(b"0" * 3000)
    with pytest.raises(InputError, match="larger than"):
        blobs.put_file(source, max_bytes=1000)


def test_verify_detects_missing_and_corrupt_originals(store, tmp_path):
    source = tmp_path / "a.txt"
    source.write_bytes(b"abc")
    blob = store.blobs.put_file(source)
    with store.transaction() as conn:  # as attach does: the record and its event together
        cursor = conn.execute(
            "INSERT INTO evidence(sha256, size, filename, created_at, updated_at) VALUES (?, 3, 'a', 'n', 'n') RETURNING id",
            (blob.sha256,),
        )
        chain.record_row_event(conn, chain.EVIDENCE_STORED, "evidence", cursor.fetchone()[0], "test")
    assert verify_store(store).ok
    path = store.blobs.path(blob.sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"tampered")
    report = verify_store(store)
    assert not report.ok and report.corrupt_blobs == [blob.sha256]
    path.unlink()
    report = verify_store(store)
    assert report.missing_blobs == [blob.sha256]
