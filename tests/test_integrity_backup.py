"""Backup while uploads run, restore into a new folder, and prove the copy identical: every record, event,
original and the chain head."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence.cli import main
from evidence.store import Store
from evidence.store.verify import verify_store

from conftest import make_docx

UPLOADER = textwrap.dedent("""\
    import sys
    from pathlib import Path
    from evidence.catalog import attach_files
    from evidence.store import Store

    store = Store.open(Path(sys.argv[1]))
    for path in sorted(Path(sys.argv[2]).glob("*.docx")):
        [outcome] = attach_files(store, [path], campaign_id="test-2025", unit_code="STP", criterion_code="1.1",
                                 by="stp", ocr=False, jobs=1)
        assert outcome.error is None, outcome.error
        Path(sys.argv[3]).write_text(str(outcome.evidence_id))
""")


def _cli(*args):
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


def _rows(store: Store, sql: str) -> list[tuple]:
    return [tuple(r) for r in store.db.execute(sql)]


@pytest.mark.sqlite_only  # restores into a second database (server mode: tests/test_postgres.py)
def test_backup_while_uploads_run_then_restore_is_identical(store, campaign, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    for n in range(24):
        make_docx(uploads / f"{n:02}.docx", number=f"{n + 1}/KH-SNV", body=f"Nội dung kế hoạch số {n + 1}.")
    progress = tmp_path / "progress"
    uploader = subprocess.Popen([sys.executable, "-c", UPLOADER, str(store.root), str(uploads), str(progress)])
    backups = []
    try:
        while not progress.exists():
            assert uploader.poll() is None, "the uploader stopped early"
            time.sleep(0.05)
        for n in range(2):  # two backups while the uploads go on
            out = tmp_path / f"sao-luu-{n}.tar"
            result = _cli("--store", store.root, "backup", out, "--json")
            assert result.exit_code == 0, result.stderr
            backups.append(json.loads(result.stdout))
            time.sleep(0.3)
    finally:
        assert uploader.wait(timeout=300) == 0
    assert 1 <= backups[0]["records"] < 24 and backups[0]["events"] > 1  # taken in the middle of the uploads
    with tarfile.open(backups[0]["file"]) as tar:  # what is inside: the database, originals, the manifest
        names = tar.getnames()
    assert "evidence.db" in names and "manifest.json" in names and any(n.startswith("blobs/") for n in names)

    source_events = _rows(store, "SELECT id, kind, payload, by, at, prev_hash, hash FROM events ORDER BY id")
    source_records = _rows(store, "SELECT id, sha256, size, filename, text, metadata FROM evidence ORDER BY id")
    for n, made in enumerate(backups):
        target = tmp_path / f"khoi-phuc-{n}"
        result = _cli("restore", made["file"], "--store", target, "--json")
        assert result.exit_code == 0, result.stdout + result.stderr
        restored = json.loads(result.stdout)
        assert restored["identical"] and restored["verify_ok"] and restored["differences"] == []
        assert restored["chain_head"] == made["chain_head"] and restored["events"] == made["events"]
        assert restored["records"] == made["records"] and restored["originals"] == made["originals"]
        with Store.open(target) as copy:
            report = verify_store(copy)  # every original re-hashed, chain walked, state checked against events
            assert report.ok and report.chain_head == made["chain_head"]
            events = _rows(copy, "SELECT id, kind, payload, by, at, prev_hash, hash FROM events ORDER BY id")
            assert events == source_events[: len(events)]  # the same history, up to the moment of the backup
            records = _rows(copy, "SELECT id, sha256, size, filename, text, metadata FROM evidence ORDER BY id")
            assert records == source_records[: len(records)]
            for sha in (r[1] for r in records):
                assert copy.blobs.path(sha).read_bytes() == store.blobs.path(sha).read_bytes()
        assert json.loads(_cli("--store", target, "verify", "--json").stdout)["ok"]
        assert json.loads(_cli("--store", target, "index", "check", "--json").stdout)["ok"]
    assert backups[1]["events"] >= backups[0]["events"]
    assert verify_store(store).ok


def test_restore_refuses_a_damaged_backup_and_a_used_folder(store, campaign, tmp_path):
    make_docx(tmp_path / "a.docx")
    assert (
        _cli("--store", store.root, "attach", tmp_path / "a.docx", "--unit", "STP", "--criterion", "1.1").exit_code == 0
    )
    good = tmp_path / "good.tar"
    assert _cli("--store", store.root, "backup", good).exit_code == 0
    used = tmp_path / "used"
    used.mkdir()
    (used / "x").write_text("x")
    result = _cli("restore", good, "--store", used)
    assert result.exit_code == 2 and "not empty" in result.stderr
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(good) as source, tarfile.open(damaged, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("blobs/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    result = _cli("restore", damaged, "--store", tmp_path / "new")
    assert result.exit_code == 2 and "does not match its checksum" in result.stderr
    assert not (tmp_path / "new" / "evidence.db").exists()
    not_ours = tmp_path / "other.tar"
    with tarfile.open(not_ours, "w") as out:
        out.add(tmp_path / "a.docx", arcname="../../etc/x")
    result = _cli("restore", not_ours, "--store", tmp_path / "new2")
    assert result.exit_code == 2 and "not an evidence backup" in result.stderr
    assert not Path("/etc/x").exists()


@pytest.mark.sqlite_only  # restores into a second database (server mode: tests/test_postgres.py)
def test_signed_pdfs_of_registered_documents_are_originals_for_verify_and_backup(store, campaign, tmp_path):
    from evidence.round.register import record_issued

    signed = tmp_path / "bao-cao-da-ky.pdf"
    signed.write_bytes(b"%PDF-1.4 signed report")
    blob = store.blobs.put_file(signed)
    record_issued(store, "test-2025", "report", number="12/BC-SNV", issued_on="05/02/2026", pdf_sha256=blob.sha256)
    report = verify_store(store)
    assert report.ok and blob.sha256 not in report.orphan_blobs  # `verify --repair` will never remove it
    out = tmp_path / "b.tar"
    assert _cli("--store", store.root, "backup", out).exit_code == 0
    restored = json.loads(_cli("restore", out, "--store", tmp_path / "r", "--json").stdout)
    assert restored["identical"] and restored["verify_ok"] and restored["originals"] == 1
    with Store.open(tmp_path / "r") as copy:
        assert copy.blobs.path(blob.sha256).read_bytes() == signed.read_bytes()
