"""The reading API others build on: read_document and read_many on the simplest inputs."""

from pathlib import Path

import pytest

from evidence.reading import METADATA_KEYS, ReadError, read_document, read_many


def test_plain_text_reads_and_has_every_contract_key(tmp_path: Path):
    path = tmp_path / "note.txt"
    path.write_text("Số: 12/KH-UBND\nQuảng Nam, ngày 05 tháng 01 năm 2020\n", encoding="utf-8")
    reading = read_document(path, ocr=False)
    assert reading.format == "text"
    assert tuple(reading.metadata) == METADATA_KEYS
    assert "12/KH-UBND" in reading.text


def test_garbage_is_a_one_line_read_error(tmp_path: Path):
    path = tmp_path / "noise.pdf"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert "noise.pdf" in str(info.value) and "\n" not in str(info.value)


def test_read_many_never_raises_and_reads_every_file(tmp_path: Path):
    good = tmp_path / "a.txt"
    good.write_text("Kế hoạch", encoding="utf-8")
    bad = tmp_path / "b.docx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    results = dict(read_many([good, bad], ocr=False, jobs=2, timeout=60))
    assert set(results) == {good, bad}
    assert results[good].text_source == "text"
    assert isinstance(results[bad], ReadError)
