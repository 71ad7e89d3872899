"""The index follows the database: check finds missing, extra and stale entries; rebuild repairs them; an
index of another schema version is rebuilt by itself."""

from __future__ import annotations

import fcntl
import json
import os

import pytest

from evidence.errors import StoreError
from evidence.search import check_index, index_evidence, rebuild_index, remove_evidence, search
from evidence.search.index import VERSION_FILE
from evidence.search.pg import PG_LAYOUT_VERSION
from evidence.search.schema import SCHEMA_VERSION
from evidence.store import dumps
from search_fixtures import insert, load_all

BOTH_ENGINES = True  # every test here runs on SQLite and on PostgreSQL (conftest.py)


@pytest.fixture
def docs(store, campaign):
    return load_all(store)


def test_fresh_index_checks_clean(store, docs):
    report = check_index(store)
    assert report["ok"] and report["documents"] == report["indexed"] == len(docs)


def test_deleted_entry_is_missing_until_rebuild(store, docs):
    remove_evidence(store, [docs["plan"]])  # deliberately drop one entry
    assert docs["plan"] not in [r["evidence_id"] for r in search(store, "tài liệu kiểm chứng")["results"]]
    report = check_index(store)
    assert not report["ok"] and report["missing"] == [docs["plan"]]
    assert report["extra"] == [] and report["stale"] == []
    rebuilt = rebuild_index(store)
    assert rebuilt["documents"] == len(docs)
    assert check_index(store)["ok"]
    assert search(store, "tài liệu kiểm chứng")["results"][0]["evidence_id"] == docs["plan"]


def test_changed_metadata_is_stale_until_reindexed(store, docs):
    meta = {"number": "99/KH-UBND", "type_code": "KH", "summary": "Kế hoạch sửa đổi về phòng cháy"}
    store.db.execute(
        "UPDATE evidence SET metadata = ?, updated_at = '2099-01-01T00:00:00+00:00' WHERE id = ?",
        (dumps(meta), docs["plan"]),
    )
    assert check_index(store)["stale"] == [docs["plan"]]
    index_evidence(store, [docs["plan"]])  # what a metadata-correction path calls
    assert check_index(store)["ok"]
    assert search(store, "99/kh-ubnd")["results"][0]["evidence_id"] == docs["plan"]
    assert search(store, "phong chay")["results"][0]["evidence_id"] == docs["plan"]


def test_new_link_makes_entry_stale(store, docs):
    store.db.execute(
        "INSERT INTO links(evidence_id, campaign_id, unit_code, criterion_code, filename, linked_by,"
        " linked_at) VALUES (?, 'test-2025', 'BLV', '2.2', 'x.pdf', 'test', 'now')",
        (docs["plan"],),
    )
    assert check_index(store)["stale"] == [docs["plan"]]
    index_evidence(store, [docs["plan"]])
    assert [r["evidence_id"] for r in search(store, "*", unit="BLV", criterion="2.2")["results"]] == [docs["plan"]]


def test_deleted_record_is_extra_and_index_evidence_drops_it(store, docs):
    store.db.execute("DELETE FROM links WHERE evidence_id = ?", (docs["health"],))
    store.db.execute("DELETE FROM evidence WHERE id = ?", (docs["health"],))
    assert check_index(store)["extra"] == [docs["health"]]
    assert search(store, "tiêm chủng")["results"] == []  # a hit the database no longer has is not shown
    index_evidence(store, [docs["health"]])  # a record that is gone is removed from the index
    assert check_index(store)["ok"]


def _recorded_version(store) -> int:
    if store.dialect == "postgresql":
        return int(store.db.execute("SELECT value FROM search_meta WHERE key = 'layout_version'").fetchone()[0])
    return json.loads((store.index_dir / VERSION_FILE).read_text())["schema_version"]


def test_other_schema_version_rebuilds_automatically(store, docs):
    expected = PG_LAYOUT_VERSION if store.dialect == "postgresql" else SCHEMA_VERSION
    if store.dialect == "postgresql":  # the search table's layout, recorded beside it
        store.db.execute("UPDATE search_meta SET value = ? WHERE key = 'layout_version'", (str(expected - 1),))
    else:
        version_file = store.index_dir / VERSION_FILE
        version_file.write_text(json.dumps({"schema_version": expected - 1}), encoding="utf-8")
    report = check_index(store)
    assert not report["ok"] and report["schema_version"] == expected - 1
    assert report["expected_schema_version"] == expected
    assert search(store, "tài liệu kiểm chứng")["results"][0]["evidence_id"] == docs["plan"]
    assert _recorded_version(store) == expected
    assert check_index(store)["ok"]


def test_unreadable_index_is_rebuilt(store, docs):
    if store.dialect == "postgresql":  # the search table dropped behind the program's back
        store.db.execute("DROP TABLE search_documents")
    for path in store.index_dir.glob("*.toc"):
        path.write_bytes(b"not a pickle")
    assert check_index(store)["schema_version"] is None
    index_evidence(store, [docs["plan"]])  # finds the index unusable: rebuilds everything
    assert check_index(store)["ok"]


def test_missing_index_is_built_on_first_search(store, campaign):
    evidence_id = insert(store, "reform")
    assert not store.index_dir.exists() or check_index(store)["missing"] == [evidence_id]
    assert search(store, "84/QĐ-UBND")["results"][0]["evidence_id"] == evidence_id


@pytest.mark.sqlite_only  # the embedded index's file lock (PostgreSQL: a transaction-scoped advisory lock)
def test_lock_held_elsewhere_raises_after_timeout(store, docs, monkeypatch):
    monkeypatch.setenv("EVIDENCE_INDEX_LOCK_TIMEOUT", "0.5")
    fd = os.open(store.locks_dir / "search-index.lock", os.O_CREAT | os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another open file: behaves like another process holding it
    try:
        with pytest.raises(StoreError, match="locked by another process"):
            index_evidence(store, [docs["plan"]])
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    index_evidence(store, [docs["plan"]])


def test_cli_index_check_and_rebuild(cli, store, docs):
    result = cli("index", "check", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["ok"]
    remove_evidence(store, [docs["reform"]])
    result = cli("index", "check")
    assert result.exit_code == 1 and "missing: 1" in result.output and f"#{docs['reform']}" in result.output
    result = cli("index", "rebuild", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["documents"] == len(docs)
    assert cli("index", "check").exit_code == 0
