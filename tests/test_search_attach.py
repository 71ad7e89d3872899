"""Documents attached through the catalog (in this process and by two processes at once) become searchable;
the command line prints results for people and JSON for scripts."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time

from conftest import make_docx
from evidence.catalog import attach_files
from evidence.demo.searches import demo_searches
from evidence.search import check_index, search

BOTH_ENGINES = True  # every test here runs on SQLite and on PostgreSQL (conftest.py)

CLI = [sys.executable, "-c", "import sys; from evidence.cli import main; sys.exit(main())"]


def test_attached_document_is_searchable(store, campaign, tmp_path):
    path = make_docx(
        tmp_path / "kh.docx",
        number="1366/KH-UBND",
        subject="Về thu thập tài liệu kiểm chứng chỉ số cải cách hành chính",
        body="Các sở chuẩn bị tài liệu kiểm chứng theo hướng dẫn.",
    )
    other = make_docx(
        tmp_path / "bc.docx",
        number="7/BC-SNV",
        type_name="BÁO CÁO",
        subject="Báo cáo tình hình tiêm chủng",
        body="Kết quả tiêm chủng mở rộng.",
    )
    outcomes = attach_files(store, [path, other], campaign_id="test-2025", unit_code="STP", criterion_code="1.1")
    assert all(o.error is None for o in outcomes)
    assert not any(w.startswith("index_not_updated") for o in outcomes for w in o.warnings)
    first = outcomes[0].evidence_id
    assert search(store, "tai lieu kiem chung")["results"][0]["evidence_id"] == first
    assert search(store, "1366 / kh - ubnd")["results"][0]["evidence_id"] == first
    # linking the same file to another criterion updates its entry (filters see the new link)
    attach_files(store, [path], campaign_id="test-2025", unit_code="SYT", criterion_code="1.2")
    assert [r["evidence_id"] for r in search(store, "tài liệu", unit="SYT", criterion="1.2")["results"]] == [first]
    assert check_index(store)["ok"]


def test_two_processes_attach_at_once(store, campaign, tmp_path):
    a = make_docx(
        tmp_path / "a.docx",
        number="11/KH-STP",
        subject="Kế hoạch kiểm soát thủ tục hành chính",
        body="Nội dung về kiểm soát thủ tục hành chính của Sở Tư pháp.",
    )
    b = make_docx(
        tmp_path / "b.docx",
        number="12/KH-SYT",
        subject="Kế hoạch tuyên truyền cải cách hành chính",
        body="Nội dung tuyên truyền cải cách hành chính của Sở Y tế.",
    )
    # hold the writer lock while both start, so both must wait and retry
    fd = os.open(store.locks_dir / "search-index.lock", os.O_CREAT | os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    env = {**os.environ, "EVIDENCE_INDEX_LOCK_TIMEOUT": "120"}
    procs = [
        subprocess.Popen(
            [
                *CLI,
                "--store",
                str(store.root),
                "attach",
                str(path),
                "--campaign",
                "test-2025",
                "--unit",
                unit,
                "--criterion",
                "1.1",
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for path, unit in ((a, "STP"), (b, "SYT"))
    ]
    time.sleep(1.5)
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        attached = json.loads(out)["attached"][0]
        assert not any(w.startswith("index_not_updated") for w in attached["warnings"]), attached
    assert search(store, "11/KH-STP")["results"][0]["filename"] == "a.docx"
    assert search(store, "kiem soat thu tuc")["results"][0]["filename"] == "a.docx"
    assert search(store, "12/kh-syt")["results"][0]["filename"] == "b.docx"
    assert check_index(store)["ok"]


def test_cli_search_human_and_json(cli, store, campaign, tmp_path):
    path = make_docx(
        tmp_path / "kh.docx",
        number="1366/KH-UBND",
        subject="Về tài liệu kiểm chứng",
        body="Thu thập tài liệu kiểm chứng.",
    )
    attach_files(store, [path], campaign_id="test-2025", unit_code="STP", criterion_code="1.1")
    result = cli("search", "tai", "lieu", "kiem", "chung")
    assert result.exit_code == 0
    assert "STP/1.1" in result.stdout and "[tài liệu kiểm chứng]" in result.stdout
    assert "1 result(s)" in result.stdout
    result = cli("search", "tài liệu", "--unit", "STP", "--criterion", "1.1", "--from", "01/01/2020", "--json")
    data = json.loads(result.stdout)
    assert data["total"] == 1 and data["results"][0]["links"][0]["unit"] == "STP"
    bad = cli("search", '"tài liệu')
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and bad.stderr.startswith("error:")
    bad = cli("search", "x", "--from", "31/02/2025")
    assert bad.exit_code == 2 and "--from" in bad.stderr
    assert cli("search", "không có gì như thế").stdout.strip() == "no results"


def test_demo_searches(store, campaign, tmp_path):
    path = make_docx(
        tmp_path / "kh.docx",
        number="1366/KH-UBND",
        subject="Về tài liệu kiểm chứng năm 2025",
        body="Thu thập tài liệu kiểm chứng cải cách hành chính.",
    )
    attach_files(store, [path], campaign_id="test-2025", unit_code="STP", criterion_code="1.1")
    pairs = demo_searches(store, "test-2025")
    assert len(pairs) >= 4
    for label, result in pairs:
        assert isinstance(label, str) and set(result) == {"total", "total_estimated", "results"}
    assert all(result["total"] >= 1 for label, result in pairs if "cải cách hành chính" not in label)
