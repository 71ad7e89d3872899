"""Crash-clean stores: a writer killed (SIGKILL, real subprocesses) inside a blob write or inside indexing leaves
temporaries that the next write or `verify --repair` removes, whatever their age; a live writer's temporaries
are recognised by its lock and left alone; the index catches up on the next write; verify reports drift."""

from __future__ import annotations

import json
import os
import random
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


@pytest.mark.sqlite_only  # stalls and kills the Whoosh writer mid-commit (PostgreSQL: one transaction)
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


@pytest.mark.sqlite_only  # stalls and kills the Whoosh writer mid-commit (PostgreSQL: one transaction)
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


BATCH_WRITER = textwrap.dedent("""\
    import random, sys, time
    from pathlib import Path
    from evidence.catalog import attach_files
    from evidence.store import Store
    from evidence.store.blobs import BlobStore

    stall_at, seed = sys.argv[3], int(sys.argv[4])
    files = [Path(p) for p in sys.argv[5:]]
    rng = random.Random(seed)
    original = BlobStore.put_stream

    def slow(self, stream, **kwargs):  # originals written by the batch's threads, slowly and out of order
        time.sleep(rng.random() * 0.05)
        if stall_at and getattr(stream, "name", "").endswith(stall_at):
            Path(sys.argv[2]).write_text("stalled")
            time.sleep(120)  # this original never reaches the disk
        stored = original(self, stream, **kwargs)
        time.sleep(rng.random() * 0.05)
        return stored

    BlobStore.put_stream = slow
    store = Store.open(Path(sys.argv[1]))
    Path(sys.argv[2]).write_text("started")
    attach_files(store, files, campaign_id="test-2025", unit_code="STP", criterion_code="1.1", by="t", ocr=False,
                 jobs=2)
    Path(sys.argv[2]).write_text("done")
""")


def _no_reader_left(marker: Path) -> None:
    """The killed writer's reader processes (forked: its command line, `marker` in it) end on their own."""
    deadline = time.monotonic() + 10
    while True:
        left = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if str(marker).encode() in cmdline.read_bytes():
                    left.append(cmdline.parent.name)
            except OSError:
                continue
        if not left:
            return
        if time.monotonic() > deadline:
            for pid in left:  # do not leave them to the machine
                try:
                    os.kill(int(pid), 9)
                except OSError:
                    pass
            pytest.fail(f"reader processes {left} outlived their killed parent")
        time.sleep(0.2)


def _every_record_has_its_original(store: Store) -> None:
    rows = store.db.execute("SELECT id, sha256 FROM evidence").fetchall()
    for row in rows:
        assert store.blobs.exists(row["sha256"]), f"record {row['id']} committed without its original"
        assert store.blobs.hash_file(row["sha256"]) == row["sha256"]
    dangling = store.db.execute("SELECT COUNT(*) FROM links WHERE evidence_id NOT IN (SELECT id FROM evidence)")
    assert dangling.fetchone()[0] == 0
    report = verify_store(store)
    assert report.missing_blobs == [] and report.corrupt_blobs == [] and report.dangling_links == []


def test_a_batch_stalled_on_one_original_commits_no_record_of_it(store, campaign, tmp_path):
    """Originals are written by threads while the reading goes on; a record is committed only once its original
    is on disk: a writer killed while one original is still being written leaves no record of that file."""
    files = [make_docx(tmp_path / f"f{i}.docx", number=f"{i + 1}/KH-SNV", body=f"Tệp số {i}.") for i in range(6)]
    writer, _ = _start(BATCH_WRITER, store.root, tmp_path / "sig-stall", "f3.docx", 1, *files)
    time.sleep(0.5)  # the other files have been read and their originals written meanwhile
    _kill(writer)
    _no_reader_left(tmp_path / "sig-stall")
    assert store.db.execute("SELECT COUNT(*) FROM evidence WHERE filename = 'f3.docx'").fetchone()[0] == 0
    _every_record_has_its_original(store)
    outcomes = attach_files(
        store, files, campaign_id="test-2025", unit_code="STP", criterion_code="1.1", by="t", ocr=False, jobs=2
    )
    assert [o.error for o in outcomes] == [None] * 6 and sum(o.linked for o in outcomes) >= 1
    code, report = _verify(store.root, "--repair")  # orphan originals of the killed batch are reported, removable
    code, report = _verify(store.root)
    assert code == 0, report
    assert search.check_index(store)["ok"]


@pytest.mark.parametrize("seed", range(6))
def test_a_batch_killed_at_any_moment_leaves_every_record_with_its_original(store, campaign, tmp_path, seed):
    files = [make_docx(tmp_path / f"g{i}.docx", number=f"{i + 1}/BC-SNV", body=f"Báo cáo {i}.") for i in range(8)]
    writer, signal = _start(BATCH_WRITER, store.root, tmp_path / "sig-run", "", seed, *files)
    time.sleep(random.Random(seed).random() * 0.8)  # somewhere in reading, writing originals, linking, indexing
    finished = signal.read_text() == "done"
    _kill(writer)
    _no_reader_left(tmp_path / "sig-run")
    _every_record_has_its_original(store)
    attach_files(store, files, campaign_id="test-2025", unit_code="STP", criterion_code="1.1", by="t", ocr=False)
    _verify(store.root, "--repair")
    code, report = _verify(store.root)
    assert code == 0, (finished, report)
    assert search.check_index(store)["ok"]
    assert store.db.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 8
