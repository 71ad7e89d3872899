"""Nothing let in: ingest never leaves its folder, YAML bombs are refused, formula-like text stays text in every
workbook, active PDF content is warned about, and foreseeable conditions (a full disk, a long name, an empty file)
give one clear line instead of an internal error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from evidence.cli import main
from evidence.frameworks import parse_framework_file
from evidence.frameworks.excel_format import write_excel
from evidence.frameworks.model import Criterion, Framework, save_framework
from evidence.reading import read_document
from evidence.round.findings import findings_for_evidence
from evidence.round.xlsx import Sheet, write_workbook
from evidence.store import Store

from conftest import CAMPAIGN_YAML, make_docx, small_framework


def _cli(store_dir: Path, *args):
    return CliRunner().invoke(main, ["--store", str(store_dir), *map(str, args)], catch_exceptions=False)


@pytest.fixture
def ready(tmp_path):
    """A store on disk with the small framework and the test campaign, for the command line."""
    store_dir = tmp_path / "store"
    with Store.init(store_dir) as store:
        save_framework(store, small_framework())
    (tmp_path / "campaign.yaml").write_text(CAMPAIGN_YAML, encoding="utf-8")
    assert _cli(store_dir, "campaign", "create", tmp_path / "campaign.yaml").exit_code == 0
    return store_dir


# ---------------------------------------------------------------- ingest stays in its folder


def test_ingest_refuses_links_and_reports_fifos_and_hidden_files(ready, tmp_path):
    folder = tmp_path / "nop" / "STP" / "1.1"
    folder.mkdir(parents=True)
    make_docx(folder / "ke-hoach.docx")
    (folder / "nhan-su.txt").symlink_to("/etc/passwd")
    os.mkfifo(folder / "ong-dan")
    (folder / ".an.pdf").write_bytes(b"%PDF-1.4 hidden")
    (folder / "..\\..\\x.pdf").write_bytes(b"%PDF-1.4 sneaky")
    result = _cli(ready, "ingest", tmp_path / "nop", "--no-ocr", "--json")
    data = json.loads(result.stdout)
    assert [Path(a["file"]).name for a in data["attached"]] == ["ke-hoach.docx"]
    [error] = data["errors"]
    assert error["file"].endswith("nhan-su.txt") and "symbolic link" in error["error"] and "refused" in error["error"]
    skipped = {Path(s["file"]).name: s["reason"] for s in data["skipped"]}
    assert skipped == {"ong-dan": "fifo", ".an.pdf": "hidden", "..\\..\\x.pdf": "hidden"}
    assert data["summary"]["skipped"] == 3 and data["summary"]["errors"] == 1
    assert result.exit_code == 2  # the refused link is an error
    with Store.open(ready) as store:
        texts = [r[0] for r in store.db.execute("SELECT text FROM evidence")]
    assert len(texts) == 1 and not any("root:" in t for t in texts)  # /etc/passwd never got in
    human = _cli(ready, "ingest", tmp_path / "nop", "--no-ocr")
    assert "skipped        " in human.stdout and "3 skipped" in human.stdout
    assert "symbolic link" in human.stderr


def test_ingest_follows_links_inside_the_folder_only_when_asked(ready, tmp_path):
    folder = tmp_path / "nop" / "STP" / "1.1"
    folder.mkdir(parents=True)
    real = make_docx(tmp_path / "nop" / "STP" / "1.1" / "goc.docx")
    (tmp_path / "nop" / "SYT").mkdir()
    (tmp_path / "nop" / "SYT" / "2.1").symlink_to(folder)  # inside: allowed with --follow-links
    (folder / "ngoai.txt").symlink_to("/etc/hostname")  # outside: refused even then
    data = json.loads(_cli(ready, "ingest", tmp_path / "nop", "--no-ocr", "--follow-links", "--json").stdout)
    assert sorted((a["unit"], Path(a["file"]).name) for a in data["attached"]) == [
        ("STP", real.name),
        ("SYT", real.name),
    ]
    assert all("leads outside the folder" in e["error"] for e in data["errors"]) and len(data["errors"]) == 2


# ---------------------------------------------------------------- YAML


def _bomb(path: Path) -> Path:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    text = CAMPAIGN_YAML.replace("units:", "\n".join(lines) + "\nunits:")
    text = text.replace('not_applicable: ["1.3"]', "not_applicable: *a11")
    path.write_text(text, encoding="utf-8")
    return path


def _run_measured(*args) -> tuple[int, str, float, int]:
    """(exit status, stderr, seconds, peak memory in KB) of one `evidence` process."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "evidence", *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    stderr = process.stderr.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    return os.waitstatus_to_exitcode(status), stderr, time.monotonic() - started, usage.ru_maxrss


def test_a_yaml_bomb_is_refused_fast_and_small(ready, tmp_path):
    import tracemalloc

    from evidence.errors import InputError
    from evidence.yamlfile import load_yaml_file

    bomb = _bomb(tmp_path / "bomb.yaml")
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(InputError, match="aliases"):
        load_yaml_file(bomb)
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 1 and peak < 100 * 1024 * 1024  # measured: ~1 ms, well under 1 MB

    # the command: one line, exit 2, no more memory than refusing any bad campaign file
    broken = tmp_path / "hong.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    _code, _err, _s, baseline = _run_measured("--store", ready, "campaign", "create", broken)
    code, stderr, seconds, peak_kb = _run_measured("--store", ready, "campaign", "create", bomb)
    assert code == 2 and stderr.count("\n") == 1 and "aliases (*a" in stderr and "bomb.yaml" in stderr
    assert peak_kb - baseline < 100 * 1024 and seconds < 10  # (the process start and imports included)


# ---------------------------------------------------------------- spreadsheets


HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,2)", "\tlệnh", "\rlệnh"]


def test_framework_export_keeps_formula_like_titles_as_text_and_imports_them_back(tmp_path):
    framework = small_framework()
    leaves = [c for c in framework.walk() if c.is_leaf]
    for leaf, title in zip(leaves, HOSTILE):
        leaf.title = title
    path = tmp_path / "bo-tieu-chi.xlsx"
    write_excel(framework, path)
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = openpyxl.load_workbook(path)["Tiêu chí"]
    cells = {row[1].value: row[1] for row in sheet.iter_rows(min_row=2) if row[1].value}
    for title in HOSTILE[: len(leaves)]:
        assert cells[title].data_type == "s" and cells[title].quotePrefix
    again = parse_framework_file(path)
    back = [c.title for c in again.walk() if c.is_leaf]
    assert back[:4] == HOSTILE[:4]  # text, as written (a leading tab is trimmed like any whitespace)


def test_every_generated_workbook_writes_formula_like_text_as_text(tmp_path):
    path = tmp_path / "bang-diem.xlsx"
    write_workbook(path, [Sheet("Bảng", rows=[[(value, "cell") for value in HOSTILE] + [(-2, "cell")]])])
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert "<f>" not in xml and 'quotePrefix="1"' in styles
    row = next(openpyxl.load_workbook(path).active.iter_rows())
    assert [c.data_type for c in row] == ["s"] * len(HOSTILE) + ["n"]
    assert [c.value for c in row[:4]] == HOSTILE[:4] and row[-1].value == -2
    assert all(c.quotePrefix for c in row[: len(HOSTILE)]) and not row[-1].quotePrefix


# ---------------------------------------------------------------- active PDF content


def _pdf(path: Path, *, javascript: bool = False, attachment: bool = False, launch: bool = False) -> Path:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject
    from reportlab.pdfgen import canvas

    plain = path.with_suffix(".plain.pdf")
    page = canvas.Canvas(str(plain))
    page.drawString(72, 760, "UBND TINH QUANG NAM  So: 12/KH-SNV  Quang Nam, ngay 05 thang 01 nam 2025")
    page.drawString(72, 740, "KE HOACH Cai cach hanh chinh nam 2025")
    page.save()
    writer = PdfWriter(clone_from=str(plain))
    if javascript:
        writer.add_js("app.alert('xin chao');")  # the document-level JavaScript name tree
    if attachment:
        writer.add_attachment("phu-luc.exe", b"MZ not really")
    if launch:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
        )
    with open(path, "wb") as out:
        writer.write(out)
    plain.unlink()
    return path


def test_a_pdf_with_javascript_or_an_attachment_is_warned_about(tmp_path):
    plain = read_document(_pdf(tmp_path / "thuong.pdf"), ocr=False).metadata["warnings"]
    assert "pdf_active_content" not in plain and "pdf_embedded_file" not in plain
    assert (
        "pdf_active_content"
        in read_document(_pdf(tmp_path / "js.pdf", javascript=True), ocr=False).metadata["warnings"]
    )
    assert "pdf_active_content" in read_document(_pdf(tmp_path / "l.pdf", launch=True), ocr=False).metadata["warnings"]
    assert (
        "pdf_embedded_file" in read_document(_pdf(tmp_path / "e.pdf", attachment=True), ocr=False).metadata["warnings"]
    )


def test_active_content_shows_in_inspect_show_and_check(ready, tmp_path):
    pdf = _pdf(tmp_path / "ke-hoach.pdf", javascript=True)
    inspected = _cli(ready, "inspect", pdf, "--no-ocr", "--json")
    assert "pdf_active_content" in json.loads(inspected.stdout)["warnings"]
    attached = json.loads(
        _cli(ready, "attach", pdf, "--unit", "STP", "--criterion", "1.1", "--no-ocr", "--json").stdout
    )
    evidence_id = attached["attached"][0]["evidence_id"]
    shown = json.loads(_cli(ready, "show", evidence_id, "--json").stdout)
    assert "pdf_active_content" in shown["metadata"]["warnings"]
    [finding] = [f for f in shown["findings"] if f["code"] == "ACTIVE_CONTENT"]
    assert finding["severity"] == "info" and "JavaScript" in finding["message"]
    with Store.open(ready) as store:
        assert any(f["code"] == "ACTIVE_CONTENT" for f in findings_for_evidence(store, evidence_id))


# ---------------------------------------------------------------- clear errors


def test_inspect_long_name_and_empty_file_give_one_line(tmp_path):
    long_name = tmp_path / ("t" * 300 + ".pdf")
    result = CliRunner().invoke(main, ["inspect", str(long_name)])
    assert result.exit_code == 2 and result.stderr.startswith("error: ") and "File name too long" in result.stderr
    assert result.stderr.count("\n") == 1
    empty = tmp_path / "rong.pdf"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["inspect", str(empty)])
    assert result.exit_code == 2 and "empty file" in result.stderr and "rong.pdf" in result.stderr


def test_attach_long_name_is_a_clear_error(ready, tmp_path):
    result = _cli(ready, "attach", tmp_path / ("d" * 300 + ".pdf"), "--unit", "STP", "--criterion", "1.1")
    assert result.exit_code == 2 and "File name too long" in result.stderr and "internal error" not in result.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MB tmpfs mounted for the test (root only; skipped where mounting is not permitted)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("needs root and mount(8) for a small tmpfs")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount_point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _scan_like_pdf(path: Path) -> Path:
    from PIL import Image
    from reportlab.pdfgen import canvas

    noise = path.with_suffix(".png")
    Image.frombytes("RGB", (820, 820), os.urandom(820 * 820 * 3)).save(noise)
    page = canvas.Canvas(str(path))
    page.drawString(72, 800, "BAO CAO ket qua cai cach hanh chinh nam 2025")
    page.drawImage(str(noise), 72, 72, width=400, height=400)
    page.save()
    noise.unlink()
    return path


def _fill(disk: Path, leave: int) -> Path:
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with open(filler, "wb") as out:
        out.write(b"\0" * max(0, free - leave))
    return filler


def test_a_full_disk_gives_one_line_naming_the_file_and_leaves_nothing_half_written(small_disk, tmp_path):
    store_dir = small_disk / "store"
    with Store.init(store_dir) as store:
        save_framework(store, small_framework())
    (tmp_path / "campaign.yaml").write_text(CAMPAIGN_YAML, encoding="utf-8")
    assert _cli(store_dir, "campaign", "create", tmp_path / "campaign.yaml").exit_code == 0
    big = _scan_like_pdf(tmp_path / "bao-cao-lon.pdf")  # ~2 MB that does not compress, one line of text
    filler = _fill(small_disk, leave=1024 * 1024)
    result = _cli(store_dir, "attach", big, "--unit", "STP", "--criterion", "1.2", "--no-ocr")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("reading: ")]  # progress
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(big) in lines[0]
    assert "disk is full" in lines[0] and "free some space" in lines[0] and "internal error" not in lines[0]
    with Store.open(store_dir) as store:
        assert store.db.execute("SELECT COUNT(*) FROM evidence").fetchone()[0] == 0
        assert store.blobs.temporaries() == [] and list(store.blobs.all_hashes()) == []
    filler.unlink()  # space freed: the same command works, and the store is whole
    assert _cli(store_dir, "attach", big, "--unit", "STP", "--criterion", "1.2", "--no-ocr").exit_code == 0
    verify = _cli(store_dir, "verify", "--json")
    assert verify.exit_code == 0, verify.stdout


@pytest.mark.sqlite_only  # the SQLite file on a small disk
def test_a_disk_full_inside_the_database_is_one_line_too(small_disk, tmp_path):
    store_dir = small_disk / "store"
    with Store.init(store_dir) as store:
        save_framework(store, small_framework())
    (tmp_path / "campaign.yaml").write_text(CAMPAIGN_YAML, encoding="utf-8")
    assert _cli(store_dir, "campaign", "create", tmp_path / "campaign.yaml").exit_code == 0
    doc = tmp_path / "chu-nhieu.txt"  # small original, large text: the blob fits, the row does not
    doc.write_text("Kế hoạch cải cách hành chính. " * 2, encoding="utf-8")
    framework = Framework(
        id="x", name="x", criteria=[Criterion(code="9", title="t " + "dài " * 200_000, max_points=1)]
    )  # a row far larger than the space left
    _fill(small_disk, leave=64 * 1024)
    with Store.open(store_dir) as store:
        from evidence.errors import DiskFull

        with pytest.raises(DiskFull, match="disk is full") as caught:
            save_framework(store, framework)
        assert "cannot rollback" not in str(caught.value)
        assert store.db.execute("SELECT COUNT(*) FROM frameworks WHERE id = 'x'").fetchone()[0] == 0


def test_the_web_page_of_a_record_warns_about_active_content(store, campaign, tmp_path):
    from starlette.testclient import TestClient

    from evidence.web import create_app

    from web_support import attach, login, make_accounts

    make_accounts(store)
    evidence_id = attach(store, _pdf(tmp_path / "ke-hoach.pdf", javascript=True, attachment=True), "STP", "1.1")
    client = TestClient(create_app(store.root, ocr=False))
    login(client, "thamdinh")
    page = client.get(f"/e/{evidence_id}")
    assert page.status_code == 200
    assert "có mã chạy (JavaScript" in page.text and "có tệp đính kèm bên trong" in page.text
    assert "Tệp có mã chạy hoặc tệp đính kèm" in page.text or "ACTIVE_CONTENT" in page.text
