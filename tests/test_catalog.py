"""Attaching evidence: content addressing, links, bad input in a batch, ingest, list/show shapes."""

from __future__ import annotations

import json
import sqlite3

import pytest

from evidence.catalog import attach_files, ingest_dir
from evidence.records import get_evidence, list_evidence
from evidence.errors import InputError, NotFound
from evidence.store.verify import verify_store
from evidence.records import METADATA_KEYS

from conftest import make_docx


def _attach(store, files, unit="STP", criterion="1.1", **kw):
    return attach_files(
        store,
        files,
        campaign_id="test-2025",
        unit_code=unit,
        criterion_code=criterion,
        by="tester",
        ocr=False,
        jobs=1,
        **kw,
    )


def test_same_file_twice_is_stored_once_and_linked_twice(store, campaign, tmp_path):
    doc = make_docx(tmp_path / "kh.docx")
    first = _attach(store, [doc])[0]
    second = _attach(store, [doc], criterion="1.2")[0]
    again = _attach(store, [doc], criterion="1.2")[0]
    assert first.error is None and first.stored and first.linked
    assert second.evidence_id == first.evidence_id and not second.stored and second.linked
    assert not again.linked and "already_linked" in again.warnings
    assert store.db.execute("SELECT COUNT(*) FROM evidence").fetchone()[0] == 1
    assert store.db.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 2
    assert list(store.blobs.all_hashes()) == [first.sha256]


def test_metadata_and_text_are_stored(store, campaign, tmp_path):
    doc = make_docx(tmp_path / "kh.docx", body="Tài liệu kiểm chứng về cải cách hành chính.")
    outcome = _attach(store, [doc], pages="1", note="trang 1")[0]
    record = get_evidence(store, outcome.evidence_id)
    assert list(record["metadata"]) == list(METADATA_KEYS)
    assert record["metadata"]["sha256"] == outcome.sha256 and record["format"] == "docx"
    assert record["links"][0]["pages"] == "1" and record["links"][0]["linked_by"] == "tester"
    text = store.db.execute("SELECT text FROM evidence").fetchone()[0]
    assert "Tài liệu kiểm chứng" in text


def test_batch_goes_on_past_bad_files(store, campaign, tmp_path):
    good = make_docx(tmp_path / "good.docx")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n garbage that is not a pdf")
    outcomes = _attach(store, [empty, tmp_path / "missing.pdf", tmp_path, corrupt, good])
    errors = [o.error for o in outcomes]
    assert "empty file" in errors[0] and "no such file" in errors[1] and "is a directory" in errors[2]
    assert errors[3] and str(corrupt) in errors[3]
    assert errors[4] is None
    assert store.db.execute("SELECT COUNT(*) FROM evidence").fetchone()[0] == 1
    assert verify_store(store).ok


def test_unknown_targets_suggest_valid_codes(store, campaign, tmp_path):
    doc = make_docx(tmp_path / "kh.docx")
    with pytest.raises(NotFound, match="did you mean 1.2"):
        _attach(store, [doc], criterion="1.2.")
    with pytest.raises(NotFound, match="unknown unit 'STQ'.*STP"):
        _attach(store, [doc], unit="STQ")
    with pytest.raises(InputError, match="does not apply"):
        _attach(store, [doc], unit="STP", criterion="2.2")
    with pytest.raises(InputError, match="--pages"):
        _attach(store, [doc], pages="two")


@pytest.mark.sqlite_only  # a SQLite trigger stands in for a failing disk
@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_database_failure_leaves_no_link_to_a_missing_blob(store, campaign, tmp_path):
    doc = make_docx(tmp_path / "kh.docx")
    store.db.execute("CREATE TRIGGER fail BEFORE INSERT ON links BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.DatabaseError):
        _attach(store, [doc])
    assert store.db.execute("SELECT COUNT(*) FROM evidence").fetchone()[0] == 0
    report = verify_store(store)
    assert report.ok and len(report.orphan_blobs) == 1  # harmless, reported, removable


def test_ingest_layout_and_bad_folders(store, campaign, tmp_path):
    root = tmp_path / "nop"
    (root / "STP" / "1.1").mkdir(parents=True)
    (root / "SYT" / "2.1").mkdir(parents=True)
    (root / "XYZ" / "1.1").mkdir(parents=True)
    (root / "STP" / "9.9").mkdir(parents=True)
    make_docx(root / "STP" / "1.1" / "kh.docx")
    make_docx(root / "SYT" / "2.1" / "qd.docx", number="7/QĐ-SYT", type_name="QUYẾT ĐỊNH")
    (root / "SYT" / "2.1" / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (root / "loose.pdf").write_bytes(b"%PDF")
    outcomes = ingest_dir(store, root, campaign_id="test-2025", by="tester", ocr=False, jobs=1)
    ok = [o for o in outcomes if not o.error]
    bad = {o.file.split("/nop/")[1]: o.error for o in outcomes if o.error}
    assert sorted((o.unit, o.criterion) for o in ok) == [("STP", "1.1"), ("SYT", "2.1")]
    assert "unknown unit 'XYZ'" in bad["XYZ"]
    assert "unknown criterion '9.9'" in bad["STP/9.9"]
    assert "broken.docx" in bad["SYT/2.1/broken.docx"]
    assert "loose.pdf" in bad
    assert list_evidence(store, unit_code="SYT")[0]["links"][0]["criterion"] == "2.1"


def test_cli_attach_list_show_json(cli, campaign_file, tmp_path):
    from evidence.frameworks.model import save_framework
    from evidence.store import Store
    from conftest import small_framework

    cli("init", "--no-samples")
    with Store.open(cli.store_dir) as s:
        save_framework(s, small_framework())
    cli("campaign", "create", campaign_file)
    doc = make_docx(tmp_path / "kh.docx")
    result = cli("attach", doc, tmp_path / "nope.pdf", "--unit", "STP", "--criterion", "1.1", "--no-ocr", "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["summary"] == {"files": 2, "stored": 1, "linked": 1, "already_linked": 0, "errors": 1, "skipped": 0}
    listed = json.loads(cli("list", "--unit", "STP", "--json").stdout)
    assert listed["evidence"][0]["links"][0]["unit"] == "STP"
    shown = json.loads(cli("show", listed["evidence"][0]["evidence_id"], "--json").stdout)
    assert list(shown["metadata"]) == list(METADATA_KEYS)
    assert cli("show", "999").exit_code == 2
