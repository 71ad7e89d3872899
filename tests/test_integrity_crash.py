"""Crash-clean stores: a writer killed (SIGKILL, real subprocesses) inside a blob write or inside indexing leaves
temporaries that the next write or `verify --repair` removes, whatever their age; a live writer's temporaries
are recognised by its lock and left alone; the index catches up on the next write; verify reports drift."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from evidence import search
from evidence.catalog import attach_files
from evidence.cli import main
from evidence.store import Store
from evidence.store.verify import verify_store
from click.testing import CliRunner

from conftest import make_docx

BLOB_WRITER = textwrap.dedent("""\
    import sys, time
    from pathlib import Path
    from evidence.store.blobs import BlobStore

    class Slow:  # a first chunk, then a stall: the write is caught half-way
        n = 0
        def read(self, size):
            self.n += 1
            if self.n == 1:
                return b"x" * 100_000
            Path(sys.argv[2]).write_text("writing")
            time.sleep(120)
            return b""

    BlobStore(Path(sys.argv[1])).put_stream(Slow())
""")

INDEX_WRITER = textwrap.dedent("""\
    import inspect, sys, time
    from pathlib import Path
    import evidence.search.index as index
    from evidence.catalog import attach_files
    from evidence.store import Store

    original = index.iter_documents

    def stalled(*args, **kwargs):  # the records are handed to Whoosh's writer, then the process stalls
        yield from original(*args, **kwargs)
        if "index_evidence" in [frame.function for frame in inspect.stack()]:  # (not the analysis ahead of it)
            Path(sys.argv[2]).write_text("indexing")
            time.sleep(120)

    index.iter_documents = stalled
    store = Store.open(Path(sys.argv[1]))
    attach_files(store, [Path(sys.argv[3])], campaign_id="test-2025", unit_code="STP", criterion_code="1.1",
                 by="t", ocr=False, jobs=1)
""")


def _start(script: str, *args) -> tuple[subprocess.Popen, Path]:
    signal = Path(args[1])
    process = subprocess.Popen([sys.executable, "-c", script, *map(str, args)])
    deadline = time.monotonic() + 60
    while not signal.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the writer did not reach its stall (exit {process.returncode})")
        time.sleep(0.05)
    return process, signal


def _kill(process: subprocess.Popen) -> None:
    process.kill()  # SIGKILL: no handler, no cleanup
    process.wait()


def _verify(store_dir: Path, *extra) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["--store", str(store_dir), "verify", "--json", *extra], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def test_killed_blob_write_is_reported_and_removed_by_the_next_write(store, tmp_path):
    writer, _ = _start(BLOB_WRITER, store.root, tmp_path / "sig1")
    _kill(writer)
    [part] = store.blobs.temporaries()
    assert part.name.startswith(f"blob-{writer.pid}-")
    code, report = _verify(store.root)
    assert code == 1 and report["stray_temporaries"] == [str(part)]  # seconds old, reported all the same
    source = tmp_path / "a.txt"
    source.write_bytes(b"the next write")
    store.blobs.put_file(source)
    assert store.blobs.temporaries() == []
    assert _verify(store.root)[0] == 0


def test_killed_blob_write_removed_by_verify_repair_and_a_live_writer_left_alone(store, tmp_path):
    live, _ = _start(BLOB_WRITER, store.root, tmp_path / "sig2")  # first: a later write removes dead ones
    dead, _ = _start(BLOB_WRITER, store.root, tmp_path / "sig1")
    _kill(dead)
    try:
        code, report = _verify(store.root, "--repair")
        assert any(line.startswith("removed temporary") and f"blob-{dead.pid}-" in line for line in report["repaired"])
        assert report["live_temporaries"] == 1 and report["stray_temporaries"] == []
        [left] = store.blobs.temporaries()
        assert left.name.startswith(f"blob-{live.pid}-")  # the running writer's file is untouched
        code, report = _verify(store.root)
        assert code == 0 and report["live_temporaries"] == 1
    finally:
        _kill(live)
    code, report = _verify(store.root, "--repair")  # now it is a dead writer's: removed
    assert store.blobs.temporaries() == [] and _verify(store.root)[0] == 0


def _attach(store, path: Path):
    [outcome] = attach_files(
        store, [path], campaign_id="test-2025", unit_code="STP", criterion_code="1.2", by="t", ocr=False, jobs=1
    )
    assert outcome.error is None and not outcome.warnings, outcome
    return outcome.evidence_id


def _killed_while_indexing(store, tmp_path, name: str) -> int:
    doc = make_docx(tmp_path / f"{name}.docx", number=f"{len(name)}/KH-SNV", body=f"Nội dung {name} chưa vào chỉ mục.")
    writer, _ = _start(INDEX_WRITER, store.root, tmp_path / f"sig-{name}", doc)
    _kill(writer)
    row = store.db.execute("SELECT id FROM evidence WHERE filename = ?", (doc.name,)).fetchone()
    assert row is not None  # the database has it: committed before the index step
    return row[0]


def test_kill_during_indexing_heals_on_the_next_write(store, campaign, tmp_path):
    _attach(store, make_docx(tmp_path / "first.docx"))  # an index exists
    lost = _killed_while_indexing(store, tmp_path, "bi-ngat")
    postings_tmp = store.index_dir / ".MAIN_x1y2.evpost1.999999.tmp"  # a postings file cut short
    postings_tmp.write_bytes(b"half")
    code, report = _verify(store.root)
    assert code == 1
    assert str(store.index_dir / "MAIN.tmp") in report["index"]["leftovers"]
    assert str(postings_tmp) in report["index"]["leftovers"]
    assert report["index"]["pending"] == 1 and report["index"]["drift"]["missing"] == [lost]
    _attach(store, make_docx(tmp_path / "next.docx", number="9/KH-SNV"))  # the next write
    assert search.check_index(store)["ok"]
    assert not (store.index_dir / "MAIN.tmp").exists() and not postings_tmp.exists()
    assert not list((store.locks_dir / "pending").glob("*.json"))
    assert lost in [r["evidence_id"] for r in search.search(store, "bi-ngat chưa vào chỉ mục")["results"]]
    code, report = _verify(store.root)
    assert code == 0, report


def test_kill_during_indexing_repaired_by_verify(store, campaign, tmp_path):
    _attach(store, make_docx(tmp_path / "first.docx"))
    lost = _killed_while_indexing(store, tmp_path, "lan-hai")
    code, report = _verify(store.root, "--repair")
    assert any("index brought up to date" in line for line in report["repaired"])
    assert any("MAIN.tmp" in line for line in report["repaired"])
    code, report = _verify(store.root)
    assert code == 0 and report["index"]["leftovers"] == [] and report["index"]["drift"] == {}
    assert lost in [r["evidence_id"] for r in search.search(store, "lan-hai")["results"]]
    assert os.listdir(store.locks_dir / "pending") == []


def test_verify_reports_index_drift(store, campaign, tmp_path):
    evidence_id = _attach(store, make_docx(tmp_path / "first.docx"))
    search.remove_evidence(store, [evidence_id])  # the index loses a record behind the database's back
    report = verify_store(store)
    assert report.ok  # the store itself is whole …
    code, data = _verify(store.root)
    assert code == 1 and data["index"]["drift"] == {"missing": [evidence_id]}  # … but the index is not


def test_a_store_opened_by_a_live_process_is_not_mistaken_for_a_dead_one(store, tmp_path):
    with Store.open(store.root) as other:  # this very process: its own lock
        source = tmp_path / "b.txt"
        source.write_bytes(b"b")
        other.blobs.put_file(source)
        assert other.blobs.stray_temporaries() == []


def test_uploads_of_a_live_server_survive_other_writes_and_unnamed_temporaries_go_by_age(store, tmp_path):
    from evidence.store import writers

    pid = writers.hold_writer_lock(store.locks_dir)  # as the web server does before streaming an upload
    live = store.blobs.tmp / f"web-{pid}-abc.part"
    live.write_bytes(b"upload in progress")
    dead_pid = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = store.blobs.tmp / f"web-{int(dead_pid.stdout)}-def.part"
    dead.write_bytes(b"a server killed mid-upload")
    young, old = store.blobs.tmp / "blob-young.part", store.blobs.tmp / "blob-old.part"  # an older version's names
    young.write_bytes(b"y")
    old.write_bytes(b"o")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    source = tmp_path / "c.txt"
    source.write_bytes(b"another write")
    store.blobs.put_file(source)
    assert sorted(p.name for p in store.blobs.temporaries()) == sorted([live.name, young.name])
