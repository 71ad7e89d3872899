"""The reading task of server mode (catalog/celery_queue.py) run by Celery itself in eager mode (no broker): a
record is read once whatever the queue delivers; a failure outside the file is retried, then reported on the
record, never lost."""

from __future__ import annotations

import pytest

from evidence.catalog import celery_queue, jobs
from evidence.errors import InputError
from evidence.records import get_evidence

from web_support import plan_pdf

C = "test-2025"


def _app(store):
    app = celery_queue.make_app("redis://127.0.0.1:1/0", store_root=store.root, ocr=False)
    app.conf.task_always_eager = True  # Celery runs the task here, retries included (their delays skipped)
    return app


def _upload(store, path):
    outcome = jobs.store_upload(store, path, campaign_id=C, unit_code="STP", criterion_code="1.1", by="stp")
    assert outcome.error is None
    return outcome


def test_the_task_reads_a_pending_record_once(store, campaign, tmp_path):
    outcome = _upload(store, plan_pdf(tmp_path / "a.pdf", number="9/KH-STP"))
    task = _app(store).tasks[celery_queue.TASK]
    assert task.apply(args=[outcome.evidence_id]).result["read"] == 1
    before = get_evidence(store, outcome.evidence_id)
    assert before["read_status"] == "read" and before["metadata"]["number"] == "9/KH-STP"
    assert task.apply(args=[outcome.evidence_id]).result["claimed"] == 0  # delivered twice: nothing read twice
    assert task.apply(args=[9999]).result["claimed"] == 0  # a record that is not there
    assert get_evidence(store, outcome.evidence_id)["updated_at"] == before["updated_at"]


def test_a_failure_outside_the_file_is_retried_then_reported(store, campaign, tmp_path, caplog):
    outcome = _upload(store, plan_pdf(tmp_path / "a.pdf"))
    store.blobs.path(outcome.sha256).unlink()  # this machine does not see the original
    result = _app(store).tasks[celery_queue.TASK].apply(args=[outcome.evidence_id])
    assert result.result["failed"] == 1
    assert sum("retry" in r.getMessage() for r in caplog.records) == celery_queue.RETRIES
    record = get_evidence(store, outcome.evidence_id)
    assert record["read_status"] == "failed"
    assert f"reading failed {celery_queue.RETRIES + 1} times" in record["read_error"]
    assert "not visible here" in record["read_error"]


@pytest.mark.parametrize(
    "url, message",
    [
        ("", "is not set"),
        ("amqp://guest@localhost//", "expected redis://"),
        ("redis://localhost:port/0", "not a valid URL"),
        ("redis://localhost:6379/x", "must be a number"),
    ],
)
def test_queue_urls_are_checked(url, message):
    with pytest.raises(InputError, match=message):
        celery_queue.check_url(url)


def test_passwords_are_not_shown():
    assert celery_queue.shown_url("redis://:s3cret@10.0.0.5:6379/1") == "redis://:***@10.0.0.5:6379/1"
    assert celery_queue.check_url("rediss://10.0.0.5:6380/0") == "rediss://10.0.0.5:6380/0"
