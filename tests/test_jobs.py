"""Background reading (catalog/jobs.py): an upload is stored and linked at once and read afterwards; a reading
that fails is reported on the record; a worker killed mid-read is taken over; an upload made while no worker
runs (a restart) is read when one starts; the web answers before reading."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from starlette.testclient import TestClient

from evidence.catalog import jobs
from evidence.errors import ReadError
from evidence.reading import read_document
from evidence.records import get_evidence, list_evidence
from evidence.search import check_index, ensure_index, search
from evidence.web import create_app

from web_support import login, make_accounts, plan_pdf

C = "test-2025"


def _upload(store, path: Path, criterion: str = "1.1"):
    return jobs.store_upload(store, path, campaign_id=C, unit_code="STP", criterion_code=criterion, by="stp")


def _status(store, evidence_id: int) -> str:
    return store.db.execute("SELECT read_status FROM evidence WHERE id = ?", (evidence_id,)).fetchone()[0]


def _wait_read(store, evidence_id: int, seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = _status(store, evidence_id)
        if status in ("read", "failed"):
            return status
        time.sleep(0.1)
    return _status(store, evidence_id)


def test_upload_is_stored_linked_and_pending_then_read_like_attach(store, campaign, tmp_path):
    ensure_index(store)
    pdf = plan_pdf(tmp_path / "Kế hoạch.pdf", number="31/KH-STP", subject="Kế hoạch kiểm soát thủ tục hành chính")
    outcome = _upload(store, pdf)
    assert outcome.error is None and outcome.stored and outcome.linked
    record = get_evidence(store, outcome.evidence_id)
    assert record["read_status"] == "pending" and record["format"] == "pdf" and record["pages"] == 1
    assert record["links"][0]["filename"] == "Kế hoạch.pdf"
    assert store.blobs.exists(outcome.sha256)
    report = check_index(store)
    assert report["ok"] and report["unread"] == 1 and report["missing"] == []  # pending: not indexed yet, by design

    done = jobs.read_pending(store, ocr=False)
    assert (done["claimed"], done["read"], done["failed"]) == (1, 1, 0)
    record = get_evidence(store, outcome.evidence_id)
    expected = read_document(pdf, ocr=False).metadata
    assert record["read_status"] == "read" and record["read_error"] is None
    assert {k: v for k, v in record["metadata"].items() if k != "sha256"} == {
        k: v for k, v in expected.items() if k != "sha256"
    }
    assert record["metadata"]["number"] == "31/KH-STP"
    assert [r["evidence_id"] for r in search(store, "kiểm soát thủ tục")["results"]] == [outcome.evidence_id]
    report = check_index(store)
    assert report["ok"] and report["unread"] == 0 and report["indexed"] == 1
    assert list_evidence(store, unit_code="STP")[0]["read_status"] == "read"
    # the same content again is linked at once, nothing to read
    again = _upload(store, pdf, criterion="1.2")
    assert again.error is None and again.evidence_id == outcome.evidence_id and not again.stored
    assert jobs.read_pending(store, ocr=False)["claimed"] == 0


def test_files_that_cannot_be_read_are_refused_in_the_request(store, campaign, tmp_path):
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a pdf \x00\x01\x02")
    exe = tmp_path / "virus.exe"
    exe.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" * 50)
    empty = tmp_path / "rong.pdf"
    empty.write_bytes(b"")
    for path, reason in ((broken, "corrupt"), (exe, "unsupported file type"), (empty, "empty file")):
        outcome = _upload(store, path)
        assert outcome.error and reason in outcome.error and str(path) in outcome.error
    assert list_evidence(store) == []
    assert list(store.blobs.all_hashes()) == []


def test_a_reading_that_fails_is_reported_on_the_record(store, campaign, tmp_path, monkeypatch):
    pdf = plan_pdf(tmp_path / "p.pdf")
    outcome = _upload(store, pdf)

    def failing(paths, **options):
        for path, name in zip(paths, options["filenames"]):
            yield path, ReadError("timed out after 120 s", path=name)

    monkeypatch.setattr(jobs, "read_many", failing)
    done = jobs.read_pending(store, ocr=False)
    assert (done["read"], done["failed"]) == (0, 1)
    record = get_evidence(store, outcome.evidence_id)
    assert record["read_status"] == "failed" and record["read_error"] == "timed out after 120 s"
    assert record["links"] and store.blobs.exists(record["sha256"])  # kept, never lost
    assert check_index(store)["ok"]  # indexed by its name and links
    assert [r["evidence_id"] for r in search(store, "p.pdf")["results"]] == [outcome.evidence_id]
    monkeypatch.undo()
    again = _upload(store, pdf, criterion="1.2")  # the same file again: read again
    assert again.error is None and again.evidence_id == outcome.evidence_id
    assert _status(store, outcome.evidence_id) == "pending"
    assert jobs.read_pending(store, ocr=False)["read"] == 1 and _status(store, outcome.evidence_id) == "read"


HANGING_WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from evidence.catalog import jobs
    from evidence.store import Store

    def hang(paths, **options):
        print("reading", flush=True)
        time.sleep(600)
        yield from ()

    jobs.read_many = hang
    with Store.open(Path(sys.argv[1])) as store:
        jobs.read_pending(store, ocr=False)
    """
)


def test_a_worker_killed_mid_read_is_taken_over(store, campaign, tmp_path):
    outcome = _upload(store, plan_pdf(tmp_path / "p.pdf", number="44/KH-STP"))
    worker = subprocess.Popen(
        [sys.executable, "-c", HANGING_WORKER, str(store.root)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout.readline().strip() == "reading"
        assert _status(store, outcome.evidence_id) == "reading"
        # another worker leaves a claim whose owner runs alone
        assert jobs.read_pending(store, ocr=False)["claimed"] == 0
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    done = jobs.read_pending(store, ocr=False)  # the killed worker's claim is given back and read
    assert (done["claimed"], done["read"]) == (1, 1)
    record = get_evidence(store, outcome.evidence_id)
    assert record["read_status"] == "read" and record["metadata"]["number"] == "44/KH-STP"
    assert store.db.execute("SELECT read_attempts FROM evidence").fetchone()[0] == 2
    assert check_index(store)["ok"]


def test_stale_claims_expire_and_repeated_interruptions_fail_the_record(store, campaign, tmp_path):
    first = _upload(store, plan_pdf(tmp_path / "a.pdf", number="1/KH-STP")).evidence_id
    second = _upload(store, plan_pdf(tmp_path / "b.pdf", number="2/KH-STP")).evidence_id
    with store.transaction() as conn:  # claimed long ago by a worker on another machine
        conn.execute(
            "UPDATE evidence SET read_status = 'reading', read_owner = 'elsewhere:1', read_claimed_at = 0,"
            " read_attempts = 1 WHERE id = ?",
            (first,),
        )
        conn.execute(
            "UPDATE evidence SET read_status = 'reading', read_owner = 'elsewhere:1', read_claimed_at = 0,"
            " read_attempts = ? WHERE id = ?",
            (jobs.MAX_ATTEMPTS, second),
        )
    done = jobs.read_pending(store, ocr=False)
    assert (done["claimed"], done["read"]) == (1, 1)
    assert _status(store, first) == "read"
    record = get_evidence(store, second)
    assert record["read_status"] == "failed" and "interrupted" in record["read_error"]


def test_an_upload_made_while_no_worker_runs_is_read_when_one_starts(store, campaign, tmp_path):
    outcome = _upload(store, plan_pdf(tmp_path / "p.pdf", number="55/KH-STP"))
    queue = jobs.ThreadReadQueue(store.root, ocr=False, poll=0.2)
    queue.start()  # the server (re)starts: it resumes what is pending
    try:
        assert _wait_read(store, outcome.evidence_id) == "read"
    finally:
        queue.stop()
    assert search(store, "55/KH-STP")["results"][0]["evidence_id"] == outcome.evidence_id


def test_web_upload_returns_before_reading_and_the_page_says_so(store, campaign, tmp_path, monkeypatch):
    make_accounts(store)
    app = create_app(store.root, ocr=False)
    pdf = plan_pdf(tmp_path / "x.pdf", number="66/KH-STP", subject="Kế hoạch tuyên truyền cải cách hành chính")
    app.state.read_queue.start = lambda **_: None  # no reader yet: the server is (re)starting
    client = TestClient(app)
    token = login(client, "stp")
    response = client.post(
        f"/c/{C}/u/STP/k/1.1/upload",
        data={"csrf": token},
        files=[("files", ("Kế hoạch.pdf", pdf.read_bytes(), "application/pdf"))],
    )
    assert response.status_code == 200 and "Đã tải lên 1 tệp" in response.text
    evidence_id = list_evidence(store, unit_code="STP")[0]["evidence_id"]
    assert _status(store, evidence_id) == "pending"
    assert "Đang đọc tệp" in client.get(f"/c/{C}/u/STP/k/1.1").text
    assert "Đang đọc tệp" in client.get(f"/e/{evidence_id}").text
    del app.state.read_queue.start  # the server is up again: its reader takes the upload over
    with TestClient(create_app(store.root, ocr=False)) as restarted:  # runs the server's start-up
        assert _wait_read(store, evidence_id) == "read"
        login(restarted, "stp")
        page = restarted.get(f"/c/{C}/u/STP/k/1.1").text
        assert "Đang đọc tệp" not in page and "66/KH-STP" in page
    assert search(store, "tuyên truyền")["results"][0]["evidence_id"] == evidence_id
    assert check_index(store)["ok"]
