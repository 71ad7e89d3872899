"""`evidence inspect`: the JSON contract keys, the readable table, errors as one line with exit status 2."""

import json
from pathlib import Path

from click.testing import CliRunner

from evidence.cli import main
from evidence.reading import METADATA_KEYS
from reading_samples import samples, write_docx


def test_inspect_json_prints_exactly_the_contract_keys(tmp_path: Path):
    path = write_docx(samples()[0], tmp_path / "qd.docx")
    result = CliRunner().invoke(main, ["inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert tuple(data) == METADATA_KEYS
    assert data["number"] == samples()[0].number_text and data["format"] == "docx"


def test_inspect_human_form_is_a_two_column_table(tmp_path: Path):
    path = write_docx(samples()[0], tmp_path / "qd.docx")
    result = CliRunner().invoke(main, ["inspect", str(path), "--no-ocr"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith("Number") and "10/QĐ-UBND" in line for line in lines)
    assert any(line.startswith("Type") and "Quyết định" in line for line in lines)


def test_inspect_needs_no_store(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "note.txt"
    path.write_text("Kế hoạch", encoding="utf-8")
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "absent"), "inspect", str(path), "--json"])
    assert result.exit_code == 0 and not (tmp_path / "absent").exists()


def test_inspect_bad_file_is_one_line_and_exit_2(tmp_path: Path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\nnot really")
    result = CliRunner().invoke(main, ["inspect", str(path), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "broken.pdf" in result.stderr
