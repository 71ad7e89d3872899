"""The hash-chained history: every change a council relies on is an event; `verify` walks the chain, checks the
current state against the events, and names each forgery done with the database file in hand."""

from __future__ import annotations

import json
import sqlite3

import pytest

from evidence.catalog import attach_files, correct_metadata, detach_evidence
from evidence.round import scoring
from evidence.store import Store, chain, chain_head, db, record_event
from evidence.store.verify import verify_store
from evidence.web import accounts

from conftest import make_docx


def _attach(store, path, unit="STP", criterion="1.1"):
    [outcome] = attach_files(
        store, [path], campaign_id="test-2025", unit_code=unit, criterion_code=criterion, by="tester", ocr=False, jobs=1
    )
    assert outcome.error is None, outcome.error
    return outcome


@pytest.fixture
def busy(store, campaign, tmp_path):
    """A store where every kind of change happened once."""
    first = _attach(store, make_docx(tmp_path / "kh.docx"))
    second = _attach(store, make_docx(tmp_path / "bc.docx", number="3/BC-STP", type_name="BÁO CÁO"), criterion="1.2")
    _attach(store, tmp_path / "kh.docx", criterion="1.3")
    correct_metadata(store, first.evidence_id, "number", "13/KH-SNV", "thu.ky")
    detach_evidence(store, first.evidence_id, campaign_id="test-2025", unit_code="STP", criterion_code="1.3", by="x")
    scoring.set_self_score(store, "test-2025", "STP", "1.1", 3, explanation="Đã ban hành", by="stp")
    scoring.set_self_score(store, "test-2025", "STP", "1.2", 2, by="stp")
    scoring.submit_self_assessment(store, "test-2025", "STP", by="stp")
    scoring.appraise(store, "test-2025", "STP", "1.1", 2.5, comment="Thiếu phụ lục", by="hd")
    scoring.raise_objection(store, "test-2025", "STP", "1.1", "Đề nghị xem lại", by="stp")
    scoring.resolve_objection(store, "test-2025", "STP", "1.1", accepted=True, score=3, reason="Đủ", by="hd")
    accounts.add_user(store, "thu.ky", "secretariat", "mat-khau-dai")
    accounts.set_disabled(store, "thu.ky", True)
    return {"first": first.evidence_id, "second": second.evidence_id}


def _problems(store) -> str:
    report = verify_store(store, rehash=False)
    return json.dumps(report.to_json(), ensure_ascii=False)


def test_every_change_is_an_event_and_the_store_verifies(store, busy):
    kinds = [r[0] for r in store.db.execute("SELECT kind FROM events ORDER BY id")]
    for kind in ("campaign", "evidence_stored", "link", "correction", "detach", "score_event", "user"):
        assert kind in kinds
    assert kinds.count("evidence_stored") == 2 and kinds.count("link") == 3 and kinds.count("user") == 2
    assert kinds.count("score_event") == 6  # self ×2, submission, appraised, objection, resolved
    report = verify_store(store)
    assert report.ok, report.to_json()
    assert report.chain_events == len(kinds) and report.chain_head == chain_head(store)
    assert len(chain_head(store)) == 64


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_record_event_for_other_writers_and_head_moves(store):
    before = chain_head(store)
    with store.transaction() as conn:
        event_id = record_event(conn, "dossier_exported", {"campaign": "x", "unit": "STP"}, "thu.ky")
    assert event_id == 1 and chain_head(store) != before
    with pytest.raises(RuntimeError):  # outside a transaction the chain head could race
        record_event(store.db, "dossier_exported", {}, "x")
    assert verify_store(store).ok


def _attacker(store) -> sqlite3.Connection:
    """The database file opened by someone else, without the program (the sqlite3 shell would do the same)."""
    return sqlite3.connect(str(store.db_path), isolation_level=None)


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_rewriting_score_history_after_dropping_the_trigger_is_detected(store, busy):
    evil = _attacker(store)
    evil.execute("DROP TRIGGER score_events_no_update")
    evil.execute("UPDATE score_events SET value = 4 WHERE kind = 'appraised'")
    evil.execute("UPDATE scores SET appraised_score = 4 WHERE unit_code = 'STP' AND criterion_code = '1.1'")
    evil.close()
    report = verify_store(store, rehash=False)
    assert not report.ok
    assert "score_events_no_update" in report.missing_triggers
    assert any(p.startswith("score event #") and "value" in p for p in report.history_problems)


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_scores_updated_without_an_event_are_detected(store, busy):
    evil = _attacker(store)
    evil.execute("UPDATE scores SET self_score = 4 WHERE unit_code = 'STP' AND criterion_code = '1.2'")
    evil.execute("UPDATE score_units SET submitted_at = NULL WHERE unit_code = 'STP'")
    evil.close()
    problems = verify_store(store, rehash=False).history_problems
    assert any("scores test-2025/STP/1.2: self_score" in p for p in problems), problems
    assert any("score_units test-2025/STP: submitted_at" in p for p in problems), problems


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_a_records_text_edited_is_detected(store, busy):
    evil = _attacker(store)
    evil.execute("UPDATE evidence SET text = 'Văn bản khác hẳn' WHERE id = ?", (busy["first"],))
    evil.close()
    problems = verify_store(store, rehash=False).history_problems
    assert problems == [f"evidence #{busy['first']}: differs from event #2 (text_sha256)"], problems


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_two_records_hashes_swapped_is_detected(store, busy):
    a, b = busy["first"], busy["second"]
    evil = _attacker(store)
    sha_a = evil.execute("SELECT sha256 FROM evidence WHERE id = ?", (a,)).fetchone()[0]
    sha_b = evil.execute("SELECT sha256 FROM evidence WHERE id = ?", (b,)).fetchone()[0]
    evil.execute("UPDATE evidence SET sha256 = 'x' WHERE id = ?", (a,))
    evil.execute("UPDATE evidence SET sha256 = ? WHERE id = ?", (sha_a, b))
    evil.execute("UPDATE evidence SET sha256 = ? WHERE id = ?", (sha_b, a))
    evil.close()
    report = verify_store(store)
    assert any(p.startswith(f"evidence #{a}:") and "sha256" in p for p in report.history_problems)
    assert any(p.startswith(f"evidence #{b}:") and "sha256" in p for p in report.history_problems)


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_a_rewritten_event_breaks_the_chain_at_that_event(store, busy):
    evil = _attacker(store)
    evil.execute("DROP TRIGGER events_no_update")
    target = evil.execute("SELECT id FROM events WHERE kind = 'score_event' ORDER BY id LIMIT 1").fetchone()[0]
    payload = json.loads(evil.execute("SELECT payload FROM events WHERE id = ?", (target,)).fetchone()[0])
    payload["value"] = 4.0
    evil.execute("UPDATE events SET payload = ? WHERE id = ?", (chain.canonical(payload), target))
    evil.close()
    report = verify_store(store, rehash=False)
    assert report.chain_broken == f"event #{target} (score_event): its content no longer matches its hash (rewritten)"
    assert "events_no_update" in report.missing_triggers


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_a_forger_who_rehashes_the_whole_chain_changes_the_head_printed_on_paper(store, busy):
    """With every hash recomputed the chain is whole again, but its head is not the one the signed minutes
    carry: that comparison is what catches a full rewrite."""
    printed = chain_head(store)
    evil = _attacker(store)
    evil.execute("DROP TRIGGER events_no_update")
    rows = evil.execute("SELECT id, kind, payload, by, at FROM events ORDER BY id").fetchall()
    prev = chain.GENESIS
    for event_id, kind, text, by, at in rows:
        if kind == "user":
            text = text.replace('"disabled":true', '"disabled":false')
        new = chain.event_hash(prev, event_id, kind, text, by, at)
        evil.execute("UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE id = ?", (text, prev, new, event_id))
        prev = new
    evil.execute("UPDATE users SET disabled = 0")
    evil.close()
    report = verify_store(store, rehash=False)
    assert report.chain_broken is None and report.chain_head != printed
    assert report.missing_triggers == ["events_no_update"]


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_deleted_events_and_rows_added_behind_the_programs_back_are_detected(store, busy):
    evil = _attacker(store)
    evil.execute("DROP TRIGGER events_no_delete")
    last = evil.execute("SELECT MAX(id) FROM events").fetchone()[0]
    evil.execute("DELETE FROM events WHERE id = ?", (last,))  # the account's "disabled" event
    evil.execute(
        "INSERT INTO links(evidence_id, campaign_id, unit_code, criterion_code, filename, linked_by, linked_at)"
        " VALUES (?, 'test-2025', 'SYT', '2.1', 'x.docx', 'ai', '2025-01-01')",
        (busy["second"],),
    )
    evil.close()
    problems = verify_store(store, rehash=False).history_problems
    assert any(p.startswith("user 'thu.ky': differs from event") and "disabled" in p for p in problems), problems
    # the new row took the id of the link detached earlier: "removed it, yet it is there"
    assert any(p.startswith("link #") and ("no event records it" in p or "yet it is there" in p) for p in problems)


def test_a_store_from_before_the_chain_is_taken_into_it(tmp_path, small_store_v4):
    conn = small_store_v4
    applied = db.migrate(conn, db_path=tmp_path / "old" / "evidence.db")
    assert 8 in applied
    kinds = [r[0] for r in conn.execute("SELECT kind FROM events ORDER BY id")]
    assert kinds == ["campaign", "evidence_stored", "link", "score_event", "user"]
    assert all(r[0] == chain.ADOPTED_BY for r in conn.execute("SELECT by FROM events"))
    conn.close()
    with Store.open(tmp_path / "old") as store:
        report = verify_store(store, rehash=False)
        assert report.chain_broken is None and report.history_problems == [], report.to_json()


@pytest.fixture
def small_store_v4(tmp_path):
    """A store at schema 4 (before the chain) holding one of everything, written with plain SQL."""
    root = tmp_path / "old"
    root.mkdir()
    conn = db.connect(root / "evidence.db")
    db.migrate(conn, target=4)
    conn.executescript(
        """
        INSERT INTO frameworks VALUES ('mini', 'Mini', '1', NULL, 0, NULL, '{}', '2025-01-01');
        INSERT INTO campaigns VALUES ('c', 'Đợt', 'mini', 2025, '2025-01-01', '2025-12-31', '{}', '2025-01-02');
        INSERT INTO units VALUES ('c', 'STP', 'Sở Tư pháp', 'department', '[]', 0);
        INSERT INTO evidence(id, sha256, size, filename, metadata, text, created_at, updated_at)
            VALUES (1, 'ab', 3, 'a.pdf', '{}', 'chữ', '2025-01-03', '2025-01-03');
        INSERT INTO links VALUES (1, 1, 'c', 'STP', '1.1', 'a.pdf', NULL, NULL, 'u', '2025-01-03');
        INSERT INTO score_events(campaign_id, unit_code, criterion_code, kind, value, text, by, at)
            VALUES ('c', 'STP', '1.1', 'self', 2, 'ok', 'u', '2025-01-04');
        INSERT INTO scores(campaign_id, unit_code, criterion_code, self_score, explanation, self_event_id, updated_at)
            VALUES ('c', 'STP', '1.1', 2, 'ok', 1, '2025-01-04');
        INSERT INTO users(name, role, password_hash, created_at) VALUES ('tk', 'secretariat', 'h', '2025-01-01');
        """
    )
    return conn


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_audit_lists_and_filters_events_and_prints_the_head(cli, campaign_file, tmp_path):
    from evidence.frameworks.model import save_framework

    from conftest import small_framework

    cli("init", "--no-samples")
    with Store.open(cli.store_dir) as s:
        save_framework(s, small_framework())
    cli("campaign", "create", campaign_file)
    doc = make_docx(tmp_path / "kh.docx")
    assert cli("attach", doc, "--unit", "STP", "--criterion", "1.1", "--no-ocr", "--by", "stp").exit_code == 0
    result = cli("audit", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["chain_ok"] and data["head"]["events"] == 3
    assert [e["kind"] for e in data["events"]] == ["campaign", "evidence_stored", "link"]
    only = json.loads(cli("audit", "--kind", "link", "--by", "stp", "--json").stdout)
    assert [e["payload"]["unit"] for e in only["events"]] == ["STP"]
    of_campaign = json.loads(cli("audit", "--campaign", "test-2025", "--json").stdout)
    assert [e["kind"] for e in of_campaign["events"]] == ["campaign", "evidence_stored", "link"]
    assert json.loads(cli("audit", "--campaign", "test-2025", "--kind", "score_event", "--json").stdout)["events"] == []
    assert cli("audit", "--campaign", "khong-co").exit_code == 2
    human = cli("audit", "--contains", "STP")
    assert "Mã kiểm chứng dữ liệu" in human.stdout and data["head"]["hash"] in human.stdout
    with Store.open(cli.store_dir) as s:
        evil = sqlite3.connect(str(s.db_path), isolation_level=None)
        evil.execute("DROP TRIGGER events_no_update")
        evil.execute("UPDATE events SET by = 'ai-do' WHERE id = 2")
        evil.close()
    broken = cli("audit", "--head", "--json")
    assert broken.exit_code == 1 and json.loads(broken.stdout)["broken"].startswith("event #2 (evidence_stored)")
    verify = cli("verify", "--json")
    assert verify.exit_code == 1 and json.loads(verify.stdout)["chain_broken"].startswith("event #2")


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_stage_changes_and_registered_documents_are_chained_and_checked(store, campaign):
    from datetime import date

    from evidence.round.register import record_issued
    from evidence.round.stages import advance

    advance(store, "test-2025", "self_assessment_closed", on=date(2025, 12, 20), by="thu.ky")
    record_issued(store, "test-2025", "report", number="12/BC-SNV", issued_on="05/02/2026", by="thu.ky")
    kinds = [r[0] for r in store.db.execute("SELECT kind FROM events ORDER BY id")]
    assert kinds[-2:] == ["stage_changed", "document_registered"]
    assert verify_store(store).ok
    evil = _attacker(store)
    evil.execute("UPDATE issued_documents SET number = '99/BC-SNV'")
    evil.execute("UPDATE campaign_stages SET stage_date = '2025-12-01' WHERE stage = 'self_assessment_closed'")
    evil.close()
    problems = verify_store(store, rehash=False).history_problems
    assert any(p.startswith("registered document test-2025/report: differs") and "number" in p for p in problems)
    assert any(p.startswith("stage test-2025/self_assessment_closed: differs") for p in problems), problems


@pytest.mark.sqlite_only  # opens or alters the SQLite file behind the program's back
def test_a_record_read_in_the_background_is_an_event_too(store, campaign, tmp_path):
    from evidence.catalog.jobs import read_pending, store_upload

    outcome = store_upload(
        store, make_docx(tmp_path / "tai-len.docx"), campaign_id="test-2025", unit_code="STP", criterion_code="1.1"
    )
    assert outcome.error is None
    assert verify_store(store).ok  # pending: stored and linked, not read yet
    read_pending(store, ocr=False, jobs=1)
    assert store.db.execute("SELECT read_status FROM evidence").fetchone()[0] == "read"
    kinds = [r[0] for r in store.db.execute("SELECT kind FROM events ORDER BY id")]
    assert kinds[-3:] == ["evidence_stored", "link", "evidence_updated"]
    assert verify_store(store).ok
    evil = _attacker(store)
    evil.execute("UPDATE evidence SET text = text || ' thêm'")
    evil.close()
    assert any("text_sha256" in p for p in verify_store(store, rehash=False).history_problems)
