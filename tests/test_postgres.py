"""Server mode's database: PostgreSQL holds the same schema and guarantees as the store's own SQLite file, and
`migrate-store` and `backup`/`restore` move a store between the two without losing a row or changing the chain.

These tests start a real PostgreSQL (tests/pg_support.py); they skip when the server binaries are absent. The
rest of the suite runs against PostgreSQL too with EVIDENCE_TEST_DATABASE=postgresql (`make test` does both)."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence.catalog.attach import attach_files
from evidence.catalog.corrections import correct_metadata
from evidence.catalog.detach import detach_evidence
from evidence.cli import main
from evidence.frameworks.model import save_framework
from evidence.round.campaign import create_campaign
from evidence.round.scoring import set_self_score
from evidence.store import Store, chain
from evidence.store.backup import table_digests
from evidence.store.db import connect_url
from evidence.store.dialect import column_names, primary_key, table_names, trigger_names
from evidence.store.history import missing_triggers
from evidence.store.migrations import LATEST, MIGRATIONS
from evidence.store.pg_schema import BASELINE, PG_MIGRATIONS, TABLES
from evidence.store.verify import verify_store
from evidence.web import accounts

from conftest import make_docx, small_framework
from pg_support import database_errors


def _cli(store_dir: Path, *args, env: dict | None = None):
    return CliRunner().invoke(main, ["--store", str(store_dir), *map(str, args)], env=env, catch_exceptions=False)


def _sqlite_store(tmp_path: Path, campaign_file: Path, monkeypatch) -> Path:
    """An embedded store with a bit of everything: records, links, a detach, a correction, scores, a user."""
    monkeypatch.delenv("EVIDENCE_DATABASE_URL", raising=False)
    root = tmp_path / "store"
    with Store.init(root) as store:
        save_framework(store, small_framework())
        campaign = create_campaign(store, campaign_file)
        docs = [make_docx(tmp_path / f"kh-{i}.docx", number=f"{10 + i}/KH-SNV") for i in range(3)]
        attach_files(store, docs, campaign_id=campaign.id, unit_code="STP", criterion_code="1.1", by="stp")
        ids = [r[0] for r in store.db.execute("SELECT id FROM evidence ORDER BY id")]
        detach_evidence(store, ids[2], campaign_id=campaign.id, unit_code="STP", criterion_code="1.1", by="stp")
        correct_metadata(store, ids[0], "issued_on", "2025-01-06", by="thuky")
        set_self_score(store, campaign.id, "STP", "1.1", 3.5, by="stp")
        accounts.add_user(store, "thuky", "secretariat", "mat-khau-dai-2026")
    return root


# ---------------------------------------------------------------- the schema


def test_placeholders_are_translated_outside_quotes_only():
    from evidence.store.pg import Row, translate

    assert translate("SELECT * FROM t WHERE a = ? AND b = '?' AND c LIKE '50%'") == (
        "SELECT * FROM t WHERE a = %s AND b = '?' AND c LIKE '50%%'"
    )
    assert translate("SELECT \"we?ird\" FROM t WHERE x = ? OR y = 'it''s ?'") == (
        "SELECT \"we?ird\" FROM t WHERE x = %s OR y = 'it''s ?'"
    )
    row = Row((7, "a"), {"id": 0, "name": 1})
    assert (
        row[0] == row["id"] == 7
        and row["name"] == "a"
        and dict(zip(row.keys(), row, strict=True))
        == {
            "id": 7,
            "name": "a",
        }
    )


def test_every_migration_after_the_baseline_has_its_postgresql_script():
    numbers = [m[0] for m in MIGRATIONS]
    assert set(PG_MIGRATIONS) == {n for n in numbers if n >= BASELINE}, "a SQLite migration lacks its PostgreSQL twin"
    assert max(PG_MIGRATIONS) == LATEST


def test_the_schema_is_the_same_on_both_engines(postgres, monkeypatch, tmp_path):
    monkeypatch.delenv("EVIDENCE_DATABASE_URL", raising=False)  # the SQLite side: the store's own file
    url = postgres.empty_database()
    pg = connect_url(url)
    with Store.init(tmp_path / "s") as lite:
        assert table_names(lite.db) == table_names(pg) == set(TABLES)
        for table in TABLES:
            assert sorted(column_names(lite.db, table)) == sorted(column_names(pg, table)), table
            assert column_names(lite.db, table) == column_names(pg, table), f"{table}: column order (backups)"
            assert primary_key(lite.db, table) == primary_key(pg, table), table
        keys = {(t, c) for t in TABLES for c in primary_key(lite.db, t)}
        lite_types = {
            (t, r[1]): (r[2].upper(), bool(r[3])) for t in TABLES for r in lite.db.execute(f"PRAGMA table_info({t})")
        }
    pg_types = {
        (r[0], r[1]): (r[2], r[3] == "NO")
        for r in pg.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
        )
    }
    same_kind = {"TEXT": {"text"}, "INTEGER": {"integer", "bigint"}, "REAL": {"double precision"}}
    for key, (lite_type, lite_not_null) in lite_types.items():
        pg_type, pg_not_null = pg_types[key]
        assert pg_type in same_kind[lite_type], f"{key}: {lite_type} vs {pg_type}"
        assert lite_not_null == pg_not_null or key in keys, key  # a key column is NOT NULL on PostgreSQL anyway
    assert not missing_triggers(pg)
    assert {"events_append_only", "score_events_append_only"} <= trigger_names(pg)
    pg.close()


def test_append_only_tables_refuse_update_and_delete_on_postgresql(postgres, monkeypatch, tmp_path, campaign_file):
    monkeypatch.setenv("EVIDENCE_DATABASE_URL", postgres.fresh_database())
    with Store.init(tmp_path / "s") as store:
        assert store.dialect == "postgresql"
        save_framework(store, small_framework())
        campaign = create_campaign(store, campaign_file)
        set_self_score(store, campaign.id, "STP", "1.1", 2, by="stp")
        for table in ("events", "score_events"):
            for statement in (f"UPDATE {table} SET at = 'x'", f"DELETE FROM {table}"):
                with pytest.raises(database_errors(), match="append-only"):
                    with store.transaction() as conn:
                        conn.execute(statement)
        assert chain.walk_chain(store.db)[1] is None


def test_a_wrong_database_url_is_one_line(tmp_path):
    for url, says in (
        ("mysql://x@y/z", "expected postgresql://"),
        ("postgresql://nobody:secret@127.0.0.1:1/nothing", "cannot connect to PostgreSQL"),
    ):
        result = _cli(tmp_path / "s", "init", env={"EVIDENCE_DATABASE_URL": url})
        assert result.exit_code == 2
        assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "secret" not in result.stderr  # the password is never printed


def _write_scores(url: str, root: str, unit: str, count: int) -> None:
    os.environ["EVIDENCE_DATABASE_URL"] = url
    with Store.open(Path(root)) as store:
        for i in range(count):
            set_self_score(store, "test-2025", unit, "1.2", float(i % 4), by=unit.lower())


def test_writers_on_several_processes_keep_one_unbroken_chain(postgres, monkeypatch, tmp_path, campaign_file):
    url = postgres.fresh_database()
    monkeypatch.setenv("EVIDENCE_DATABASE_URL", url)
    root = tmp_path / "s"
    with Store.init(root) as store:
        save_framework(store, small_framework())
        create_campaign(store, campaign_file)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_scores, args=(url, str(root), u, 15)) for u in ("STP", "SYT")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    with Store.open(root) as store:
        assert store.db.execute("SELECT COUNT(*) FROM score_events").fetchone()[0] == 30
        checked, broken = chain.walk_chain(store.db)
        assert broken is None and checked >= 31
        assert verify_store(store).ok


# ---------------------------------------------------------------- moving a store


def test_migrate_store_to_postgresql_and_back_is_identical(postgres, monkeypatch, tmp_path, campaign_file):
    root = _sqlite_store(tmp_path, campaign_file, monkeypatch)
    with Store.open(root) as store:
        before = table_digests(store.db)
        head = chain.head(store.db).hash
    url = postgres.empty_database()
    result = _cli(root, "migrate-store", "--to", url, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["verified"] and report["chain_head"] == head and report["tables"]["evidence"] == 3
    assert report["index_documents"] == 3  # the search, derived data, built in PostgreSQL once the copy is verified
    assert "password" not in result.stdout

    # the store now runs in server mode: same records, same results, verify clean
    env = {"EVIDENCE_DATABASE_URL": url}
    listed = json.loads(_cli(root, "list", "--json", env=env).stdout)
    assert len(listed["evidence"] if isinstance(listed, dict) else listed) >= 2
    verified = json.loads(_cli(root, "verify", "--json", env=env).stdout)
    assert verified["ok"] and verified["chain_head"] == head
    monkeypatch.setenv("EVIDENCE_DATABASE_URL", url)
    with Store.open(root) as store:
        assert store.dialect == "postgresql"
        assert table_digests(store.db) == before
        set_self_score(store, "test-2025", "STP", "1.2", 2, by="stp")  # new ids continue after the copied ones
        after_change = table_digests(store.db)
    monkeypatch.delenv("EVIDENCE_DATABASE_URL")

    # a second copy into the same database is refused: it is no longer empty
    again = _cli(root, "migrate-store", "--to", url)
    assert again.exit_code == 2 and "not empty" in again.stderr

    # and back: into a new folder beside the originals
    back = tmp_path / "back"
    back.mkdir()
    shutil.copytree(root / "blobs", back / "blobs")
    result = _cli(back, "migrate-store", "--to", "sqlite", "--from", url, "--json")
    assert result.exit_code == 0, result.stderr
    with Store.open(back) as store:
        assert store.dialect == "sqlite"
        assert table_digests(store.db) == after_change
        assert verify_store(store).ok
    refused = _cli(tmp_path, "migrate-store", "--to", f"sqlite://{back}", env={"EVIDENCE_DATABASE_URL": url})
    assert refused.exit_code == 2 and "already has its own database" in refused.stderr


def test_backup_in_server_mode_restores_on_either_engine(postgres, monkeypatch, tmp_path, campaign_file):
    root = _sqlite_store(tmp_path, campaign_file, monkeypatch)
    url = postgres.empty_database()
    assert _cli(root, "migrate-store", "--to", url).exit_code == 0
    env = {"EVIDENCE_DATABASE_URL": url}
    archive = tmp_path / "sao-luu.tar"
    made = _cli(root, "backup", str(archive), "--json", env=env)
    assert made.exit_code == 0, made.stderr
    head = json.loads(made.stdout)["chain_head"]

    restored = _cli(root, "restore", str(archive), "--store", str(tmp_path / "embedded"), "--json")
    assert restored.exit_code == 0, restored.stderr
    assert json.loads(restored.stdout)["identical"]

    second = postgres.empty_database()
    restored = _cli(
        root,
        "restore",
        str(archive),
        "--store",
        str(tmp_path / "server"),
        "--json",
        env={"EVIDENCE_DATABASE_URL": second},
    )
    assert restored.exit_code == 0, restored.stderr
    data = json.loads(restored.stdout)
    assert data["identical"] and data["chain_head"] == head
    assert not (tmp_path / "server" / "evidence.db").exists()  # the database is PostgreSQL's


def test_pg_dump_and_the_originals_restore_a_whole_store(postgres, monkeypatch, tmp_path, campaign_file):
    """The deployment guide's other backup: pg_dump of the database plus a copy of the originals folder."""
    root = _sqlite_store(tmp_path, campaign_file, monkeypatch)
    url = postgres.empty_database()
    assert _cli(root, "migrate-store", "--to", url).exit_code == 0
    monkeypatch.setenv("EVIDENCE_DATABASE_URL", url)
    with Store.open(root) as store:
        before, head = table_digests(store.db), chain.head(store.db).hash
    dump = tmp_path / "evidence.dump"
    subprocess_run = postgres.run_tool
    subprocess_run("pg_dump", "--format=custom", f"--file={dump}", f"--dbname={url}")
    second = postgres.empty_database(template="template0")
    subprocess_run("pg_restore", "--no-owner", f"--dbname={second}", str(dump))
    restored = tmp_path / "restored"
    shutil.copytree(root / "blobs", restored / "blobs")
    assert _cli(restored, "index", "rebuild", env={"EVIDENCE_DATABASE_URL": second}).exit_code == 0  # derived data
    result = _cli(restored, "verify", "--json", env={"EVIDENCE_DATABASE_URL": second})
    assert result.exit_code == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["chain_head"] == head
    monkeypatch.setenv("EVIDENCE_DATABASE_URL", second)
    with Store.open(restored) as store:
        assert table_digests(store.db) == before


def test_a_postgresql_restart_costs_no_data_and_no_traceback(monkeypatch, tmp_path, campaign_file):
    """The server restarts under an open store: the next command reconnects; while it is down, a change fails in
    one line and leaves nothing half-written."""
    from pg_support import Postgres, server_bin

    from evidence.errors import StoreError

    if server_bin() is None:
        pytest.skip("PostgreSQL server binaries not installed")
    cluster = Postgres().start()
    try:
        monkeypatch.setenv("EVIDENCE_DATABASE_URL", cluster.empty_database())
        with Store.init(tmp_path / "s") as store:
            save_framework(store, small_framework())
            campaign = create_campaign(store, campaign_file)
            set_self_score(store, campaign.id, "STP", "1.1", 1, by="stp")
            cluster.restart()
            set_self_score(store, campaign.id, "STP", "1.1", 2, by="stp")  # reconnected between transactions
            cluster.stop_server()
            with pytest.raises(StoreError, match="PostgreSQL") as caught:
                set_self_score(store, campaign.id, "STP", "1.1", 3, by="stp")
            assert "\n" not in str(caught.value)
            cluster.start_server()
            assert store.db.execute("SELECT COUNT(*) FROM score_events").fetchone()[0] == 2
            assert chain.walk_chain(store.db)[1] is None and verify_store(store).ok
    finally:
        cluster.stop()
