"""read_many's workers: warm (readers imported before the fork), reused across files, replaced after a time-out,
a crash or an internal error, and the DOCX XML check done by expat alone."""

from __future__ import annotations

import os
from pathlib import Path
from xml.parsers import expat

import pytest

from evidence.reading import ReadError, read_many, worker
from evidence.reading.docx import _Refused, check_xml


def _texts(tmp_path: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        path = tmp_path / f"t{i}.txt"
        path.write_text(f"Báo cáo số {i}", encoding="utf-8")
        paths.append(path)
    return paths


def test_workers_are_reused_across_files(tmp_path, monkeypatch):
    monkeypatch.setattr(worker, "_read_one", lambda path, ocr, jobs, name: ("ok", os.getpid(), True))
    results = dict(read_many(_texts(tmp_path, 12), ocr=False, jobs=2, timeout=30))
    assert len(results) == 12
    pids = set(results.values())
    assert len(pids) <= 2 and os.getpid() not in pids


def test_a_worker_retires_after_an_internal_error_and_the_batch_goes_on(tmp_path, monkeypatch):
    def read_one(path, ocr, jobs, name):
        if path.endswith("t0.txt"):
            return "error", "internal error while reading (RuntimeError: boom)", False
        return "ok", os.getpid(), True

    monkeypatch.setattr(worker, "_read_one", read_one)
    paths = _texts(tmp_path, 6)
    results = dict(read_many(paths, ocr=False, jobs=1, timeout=30))
    assert isinstance(results[paths[0]], ReadError) and "boom" in str(results[paths[0]])
    assert all(isinstance(results[p], int) for p in paths[1:])


def test_a_worker_that_dies_is_reported_and_replaced(tmp_path, monkeypatch):
    def read_one(path, ocr, jobs, name):
        if path.endswith("t1.txt"):
            os._exit(7)
        return "ok", os.getpid(), True

    monkeypatch.setattr(worker, "_read_one", read_one)
    paths = _texts(tmp_path, 5)
    results = dict(read_many(paths, ocr=False, jobs=1, timeout=30))
    assert "crashed (exit status 7)" in str(results[paths[1]])
    assert sum(isinstance(results[p], int) for p in paths) == 4


def test_a_worker_grown_too_large_retires_after_returning_its_reading(tmp_path, monkeypatch):
    """OCR engines grow scan after scan: a worker above RETIRE_RSS_BYTES after a file hands its reading back, then
    a fresh worker takes the next file (no reading lost, none reported as a crash)."""
    monkeypatch.setattr(worker, "_read_one", lambda path, ocr, jobs, name: ("ok", os.getpid(), True))
    monkeypatch.setattr(worker, "RETIRE_RSS_BYTES", 1)  # every worker is "too large" after one file
    paths = _texts(tmp_path, 5)
    results = dict(read_many(paths, ocr=False, jobs=1, timeout=30))
    assert all(isinstance(results[p], int) for p in paths)  # every reading came back
    assert len(set(results.values())) == 5  # each from its own, fresh worker
    monkeypatch.setattr(worker, "RETIRE_RSS_BYTES", 1 << 40)
    assert len(set(dict(read_many(paths, ocr=False, jobs=1, timeout=30)).values())) == 1
    assert worker._resident_bytes() > 10 * 1024 * 1024  # this process's own resident memory, read from /proc


def test_real_reading_in_reused_workers(tmp_path):
    paths = _texts(tmp_path, 8)
    results = dict(read_many(paths, ocr=False, jobs=2, timeout=60))
    assert [results[p].text for p in paths] == [f"Báo cáo số {i}" for i in range(8)]


def test_preload_imports_the_reader_libraries():
    worker.preload()
    import sys

    assert "pypdf" in sys.modules and "lxml.etree" in sys.modules  # DOCX are read with lxml (python-docx: rarely)


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
        b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.invalid/x.dtd"><x/>',
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    ],
)
def test_xml_check_refuses_dtds_and_entities(xml):
    with pytest.raises(_Refused):
        check_xml(xml)


def test_xml_check_refuses_broken_xml_and_passes_good_xml():
    with pytest.raises(expat.ExpatError):
        check_xml(b"<a><b></a>")
    check_xml('<?xml version="1.0" encoding="UTF-8"?><w:t xmlns:w="urn:x">Độc lập</w:t>'.encode())
    check_xml('<?xml version="1.0" encoding="UTF-16"?><x>Độc lập</x>'.encode("utf-16"))


READER_PARENT = """\
import sys, time
from pathlib import Path
from evidence.reading import worker

original = worker.read_document

def slow(path, **kwargs):
    if path.name.startswith("slow"):
        time.sleep(120)
    return original(path, **kwargs)

worker.read_document = slow
paths = [Path(p) for p in sys.argv[2:]]
for done, _ in enumerate(worker.read_many(paths, ocr=False, jobs=2, timeout=300), 1):
    Path(sys.argv[1]).write_text(str(done))
"""


def test_readers_end_with_their_killed_parent(tmp_path: Path):
    """A parent killed while one reader is busy and the other idle: both end (the kernel kills the busy one, the
    idle one sees its parent gone), none is left reading or waiting for good."""
    import subprocess
    import sys
    import time

    paths = _texts(tmp_path, 3)
    slow = tmp_path / "slow.txt"
    slow.write_text("Báo cáo chậm", encoding="utf-8")
    signal_file = tmp_path / "signal"
    parent = subprocess.Popen([sys.executable, "-c", READER_PARENT, str(signal_file), str(slow), *map(str, paths)])
    deadline = time.monotonic() + 60
    while not (signal_file.exists() and signal_file.read_text() == "3"):
        assert time.monotonic() < deadline and parent.poll() is None, "the fast files were not read"
        time.sleep(0.05)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while True:
        left = [
            c.parent.name
            for c in Path("/proc").glob("[0-9]*/cmdline")
            if c.exists() and str(signal_file).encode() in _read(c)
        ]
        if not left:
            break
        if time.monotonic() > deadline:
            for pid in left:
                os.kill(int(pid), 9)
            pytest.fail(f"readers {left} outlived their parent")
        time.sleep(0.2)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
