"""Server mode (catalog/celery_queue.py, `evidence worker`, `evidence serve --workers N`) against a real Redis
started here from the distribution's redis-server: an upload through two web processes is read by a worker
process; a worker killed mid-reading leaves the record to the next worker, read once; Redis restarted during
uploads loses nothing and half-writes nothing; a wrong queue URL or unseen originals stop the worker at start
with one line. Nothing is mocked."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from evidence.catalog.celery_queue import CeleryReadQueue
from evidence.catalog.jobs import store_upload
from evidence.records import evidence_text, get_evidence
from evidence.search import check_index, search
from evidence.store import Store
from evidence.store.verify import verify_store

from reading_samples import render_scan
from server_support import EVIDENCE, Redis, environment, free_port, kill_group, redis_server, start, stop
from server_support import wait_http, wait_log
from web_support import attach, login, make_accounts, plan_pdf

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        redis_server() is None, reason="redis-server is not installed (scripts/setup-system.sh installs it)"
    ),
]

C = "test-2025"
READY = " ready."  # Celery's line when a worker takes tasks


@pytest.fixture
def redis(tmp_path):
    server = Redis(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def procs():
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        stop(proc)


def _status(store: Store, evidence_id: int) -> str:
    return store.db.execute("SELECT read_status FROM evidence WHERE id = ?", (evidence_id,)).fetchone()[0]


def _attempts(store: Store, evidence_id: int) -> int:
    return store.db.execute("SELECT read_attempts FROM evidence WHERE id = ?", (evidence_id,)).fetchone()[0]


def _clean(store: Store) -> bool:
    report = verify_store(store)
    return report.ok and not report.orphan_blobs and not report.stray_temporaries


def _indexed(store: Store, seconds: float = 60) -> dict:
    """check_index once the last reading's index commit is in (a record is saved read, then indexed)."""
    deadline = time.monotonic() + seconds
    while True:
        report = check_index(store)
        if report["ok"] or time.monotonic() > deadline:
            return report
        time.sleep(0.2)


def _wait_all_read(store: Store, seconds: float = 120) -> dict[str, int]:
    deadline = time.monotonic() + seconds
    while True:
        counts = dict(store.db.execute("SELECT read_status, COUNT(*) FROM evidence GROUP BY read_status").fetchall())
        if not (counts.get("pending") or counts.get("reading")) or time.monotonic() > deadline:
            return counts
        time.sleep(0.2)


def _worker(store: Store, env, log: Path, procs, *extra: str) -> subprocess.Popen:
    proc = start(["worker", "--store", str(store.root), "--concurrency", "2", *extra], env, log)
    procs.append(proc)
    wait_log(log, READY, proc)
    return proc


def _web(store: Store, env, log: Path, procs, workers: int = 2) -> str:
    port = free_port()
    args = ["--store", str(store.root), "serve", "--port", str(port), "--workers", str(workers), "--no-ocr"]
    proc = start(args, env, log)
    procs.append(proc)
    url = f"http://127.0.0.1:{port}"
    wait_http(url, proc, log)
    return url


def _upload(client: httpx.Client, token: str, name: str, data: bytes, kind: str = "application/pdf"):
    return client.post(
        f"/c/{C}/u/STP/k/1.1/upload",
        data={"csrf": token},
        files=[("files", (name, data, kind))],
        timeout=60,
        follow_redirects=True,
    )


def test_upload_through_two_web_processes_is_read_by_a_worker(store, campaign, tmp_path, redis, procs):
    make_accounts(store)
    env = environment(redis.url)
    url = _web(store, env, tmp_path / "web.log", procs)
    _worker(store, env, tmp_path / "worker.log", procs, "--no-ocr")
    with httpx.Client(base_url=url) as client:
        token = login(client, "stp")
        # the session is in the store, not in a process: every request, whichever process takes it, knows the user
        for _ in range(12):
            assert "Đăng xuất" in client.get("/").text
        pdf = plan_pdf(tmp_path / "kh.pdf", number="71/KH-STP", subject="Kế hoạch rà soát thủ tục hành chính")
        started = time.monotonic()
        response = _upload(client, token, "Kế hoạch rà soát.pdf", pdf.read_bytes())
        assert response.status_code == 200 and "Đã tải lên 1 tệp" in response.text
        assert time.monotonic() - started < 10  # the request stores and enqueues; it does not read
    evidence_id = store.db.execute("SELECT id FROM evidence").fetchone()[0]
    assert _wait_all_read(store) == {"read": 1} and _indexed(store)["ok"]
    record = get_evidence(store, evidence_id)
    assert record["metadata"]["number"] == "71/KH-STP" and _attempts(store, evidence_id) == 1
    assert search(store, "rà soát thủ tục")["results"][0]["evidence_id"] == evidence_id
    assert _indexed(store)["ok"] and _clean(store)
    assert "evidence.read" in (tmp_path / "worker.log").read_text()  # read by the worker, through the queue


def test_a_worker_killed_mid_read_leaves_the_record_to_the_next_worker_read_once(
    store, campaign, tmp_path, redis, procs
):
    env = environment(redis.url)
    lines = ["ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Số: 88/BC-UBND", "BÁO CÁO"]
    lines += [f"Kết quả thực hiện nhiệm vụ cải cách hành chính, mục {i}, của các xã, phường." for i in range(30)]
    scan = render_scan(lines, tmp_path / "bao-cao-quet.png", dpi=300)
    first = _worker(store, env, tmp_path / "w1.log", procs)
    outcome = _store_upload(store, scan)
    queue = CeleryReadQueue(redis.url, store.root)
    queue.enqueue_read(outcome.evidence_id)
    queue.stop()
    deadline = time.monotonic() + 60
    while _status(store, outcome.evidence_id) != "reading" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _status(store, outcome.evidence_id) == "reading"
    kill_group(first)  # mid-OCR: the worker and its readers die at once, the claim and the message stay behind
    assert _status(store, outcome.evidence_id) == "reading"
    _worker(store, env, tmp_path / "w2.log", procs, "--sweep", "1")
    assert _wait_all_read(store) == {"read": 1} and _indexed(store)["ok"]
    record = get_evidence(store, outcome.evidence_id)
    assert _attempts(store, outcome.evidence_id) == 2 and "88/BC-UBND" in evidence_text(store, outcome.evidence_id)
    time.sleep(2)  # a second delivery of the message finds the record read and leaves it
    assert get_evidence(store, outcome.evidence_id)["updated_at"] == record["updated_at"]
    assert store.db.execute("SELECT COUNT(*) FROM evidence").fetchone()[0] == 1
    assert [r["evidence_id"] for r in search(store, "88/BC-UBND")["results"]] == [outcome.evidence_id]
    assert _indexed(store)["ok"] and _clean(store)


def _store_upload(store: Store, path: Path):
    outcome = store_upload(store, path, campaign_id=C, unit_code="STP", criterion_code="1.1", by="stp")
    assert outcome.error is None, outcome.error
    return outcome


def test_redis_restarted_during_uploads_loses_nothing(store, campaign, tmp_path, redis, procs):
    make_accounts(store)
    env = environment(redis.url)
    url = _web(store, env, tmp_path / "web.log", procs)
    _worker(store, env, tmp_path / "worker.log", procs, "--no-ocr", "--sweep", "1")
    files = [plan_pdf(tmp_path / f"p{i}.pdf", number=f"{i + 1}/KH-STP") for i in range(16)]
    answers: list[tuple[int, str]] = []

    def upload_all():
        with httpx.Client(base_url=url) as client:
            token = login(client, "stp")
            for i, pdf in enumerate(files):
                try:
                    response = _upload(client, token, f"kế hoạch {i + 1}.pdf", pdf.read_bytes())
                    answers.append((response.status_code, response.text))
                except httpx.HTTPError as exc:
                    answers.append((0, str(exc)))
                time.sleep(0.15)

    uploader = threading.Thread(target=upload_all)
    uploader.start()
    time.sleep(0.8)
    redis.stop()  # Redis goes away mid-rush (no persistence: the queued messages are lost with it)
    time.sleep(2.0)
    redis.start()
    uploader.join(180)
    assert len(answers) == len(files)
    accepted = sum(1 for status, text in answers if status == 200 and "Đã tải lên 1 tệp" in text)
    refused = [text[:200] for status, text in answers if not (status == 200 and "Đã tải lên 1 tệp" in text)]
    assert all(status in (200, 400, 503) for status, _ in answers), refused  # a message, never a crash
    stored = store.db.execute("SELECT COUNT(*) FROM evidence").fetchone()[0]
    assert stored == accepted  # nothing half-written: each upload is whole or absent
    assert _wait_all_read(store, 180) == {"read": stored}
    numbers = sorted(int(get_evidence(store, i)["metadata"]["number"].split("/")[0]) for i in _ids(store))
    assert len(set(numbers)) == len(numbers) == stored
    index = _indexed(store)
    assert index["ok"], index
    assert _clean(store), verify_store(store).to_json()


def _ids(store: Store) -> list[int]:
    return [r[0] for r in store.db.execute("SELECT id FROM evidence ORDER BY id")]


def _run(args: list[str], env) -> subprocess.CompletedProcess:
    return subprocess.run([*EVIDENCE, *args], env=env, capture_output=True, text=True, timeout=60)


def test_a_wrong_queue_url_or_unseen_originals_stop_the_worker_with_one_line(store, campaign, tmp_path, redis):
    root = ["--store", str(store.root)]
    closed = free_port()
    cases = {
        f"redis://127.0.0.1:{closed}/0": "cannot reach the queue",
        "http://127.0.0.1:6379/0": "expected redis://",
        "redis://127.0.0.1:6379/zero": "must be a number",
        "": "EVIDENCE_QUEUE_URL is not set",
    }
    for url, message in cases.items():
        done = _run([*root, "worker"], environment(url))
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
        assert "Traceback" not in done.stderr
    done = _run([*root, "serve", "--port", str(closed)], environment("amqp://guest@localhost//"))
    assert done.returncode == 2 and "expected redis://" in done.stderr and "Traceback" not in done.stderr

    attach(store, plan_pdf(tmp_path / "kh.pdf"), "STP", "1.1")
    os.rename(store.blobs.root, store.root / "blobs-elsewhere")  # the shared folder is not mounted here
    store.blobs.root.mkdir()  # (an empty mount point)
    done = _run([*root, "worker"], environment(redis.url))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "originals are not visible" in done.stderr and str(store.blobs.root) in done.stderr


def test_ingest_in_server_mode_stores_at_once_and_queues_the_reading(store, campaign, tmp_path, redis, procs):
    tree = tmp_path / "tree" / "STP" / "1.1"
    tree.mkdir(parents=True)
    for i in range(3):
        plan_pdf(tree / f"kh-{i}.pdf", number=f"{80 + i}/KH-STP", subject=f"Kế hoạch kiểm tra đợt {i + 1}")
    (tree / "hong.pdf").write_bytes(b"%PDF-1.7 not really")
    env = environment(redis.url)
    done = _run(["--store", str(store.root), "ingest", str(tmp_path / "tree"), "--json"], env)
    assert done.returncode == 2, done.stderr  # the damaged file is reported; the batch went on
    summary = json.loads(done.stdout)["summary"]
    assert summary["linked"] == 3 and summary["queued"] == 3 and summary["errors"] == 1
    assert {_status(store, i) for i in _ids(store)} == {"pending"}  # stored, not read: the workers read
    _worker(store, env, tmp_path / "worker.log", procs, "--no-ocr")
    assert _wait_all_read(store) == {"read": 3}
    numbers = {get_evidence(store, i)["metadata"]["number"] for i in _ids(store)}
    assert numbers == {"80/KH-STP", "81/KH-STP", "82/KH-STP"}
    assert _indexed(store)["ok"] and _clean(store)
