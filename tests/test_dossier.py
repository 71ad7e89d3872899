"""The unit's self-report and dossier: the report's content and Decree 30 layout, the zip's structure, portable
names, manifest checksums, index.html links, the evidence workbook, bad input, the command and the web downloads."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import docx
import openpyxl
import pytest
from starlette.testclient import TestClient

from conftest import make_docx
from evidence.catalog import correct_metadata
from evidence.documents.context_self_report import self_report_context
from evidence.documents.dossier import build_dossier, write_dossier
from evidence.documents.dossier_names import UniqueNames, is_portable, safe_file_name, safe_part
from evidence.documents.generate import generate
from evidence.documents.lint import lint_docx
from evidence.documents.schema import SCHEMA, conforms
from evidence.errors import InputError, StoreError
from evidence.round import scoring
from evidence.round.campaign import load_campaign
from evidence.round.register import record_issued
from evidence import store as store_package
from evidence.vn.text import nfc
from evidence.web import create_app
from web_support import attach, login, make_accounts, plan_pdf

SYT_ENTRY = (
    "- {code: SYT, name: Sở Y tế, kind: department, head_title: Giám đốc, head_name: Trần Thị Mai, symbol: SYT,\n"
    "         self_report: {number: 7, date: 2025-12-18,\n"
    "                       proposals: [Đề nghị Sở Nội vụ tổ chức tập huấn số hóa tài liệu kiểm chứng.]}}"
)


@pytest.fixture
def unit_round(store, campaign_file, tmp_path):
    """SYT: a plan (PDF) for 1.1, a report (Word, pages 2-3) for 1.2 and again for 1.3, nothing for 2.1 but an
    explanation; a text note with a name Windows cannot store for 1.3; STP has no evidence at all."""
    from conftest import small_framework
    from evidence.frameworks.model import save_framework
    from evidence.round.campaign import create_campaign

    text = campaign_file.read_text(encoding="utf-8").replace(
        "- {code: SYT, name: Sở Y tế, kind: department}", SYT_ENTRY
    )
    campaign_file.write_text(text, encoding="utf-8")
    save_framework(store, small_framework())
    campaign = create_campaign(store, campaign_file)
    files = tmp_path / "files"
    files.mkdir()
    plan = plan_pdf(files / "kh.pdf", number="15/KH-SYT", subject="Kế hoạch cải cách hành chính năm 2025")
    report = make_docx(
        files / "bc.docx",
        number="120/BC-SYT",
        date_line="Quảng Nam, ngày 10 tháng 6 năm 2025",
        type_name="BÁO CÁO",
        subject="Kết quả cải cách hành chính 6 tháng đầu năm 2025",
    )
    odd = files / 'ghi chú: "nội bộ" <quý IV>?.txt'
    odd.write_text("Ghi chú nội bộ về việc kiểm tra.\n", encoding="utf-8")
    ids = {"plan": attach(store, plan, "SYT", "1.1"), "report": attach(store, report, "SYT", "1.2")}
    from evidence.catalog import attach_files

    for path, criterion, pages in ((report, "1.3", "2-3"), (odd, "1.3", None)):
        [outcome] = attach_files(
            store, [path], campaign_id=campaign.id, unit_code="SYT", criterion_code=criterion, pages=pages, ocr=False
        )
        assert outcome.error is None, outcome.error
        ids.setdefault(path.name, outcome.evidence_id)
    store.db.execute("UPDATE links SET pages = '2-3' WHERE criterion_code = '1.2'")
    store.db.commit()
    scoring.set_self_score(store, campaign, "SYT", "1.1", 4)
    scoring.set_self_score(store, campaign, "SYT", "1.2", 2.5, explanation="Báo cáo quý IV gửi chậm")
    scoring.set_self_score(store, campaign, "SYT", "1.3", 3)
    scoring.set_self_score(store, campaign, "SYT", "2.1", 5, explanation="Quyết định công bố đang trình ký")
    return {"campaign": load_campaign(store, campaign.id), "ids": ids, "files": files}


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return nfc("\n".join(parts))


# ---------------------------------------------------------------------------------------------- the self-report


def test_self_report_cites_every_document_and_scores_every_criterion(store, unit_round, tmp_path):
    [path] = generate(store, "test-2025", "self-report", unit="SYT", out=tmp_path / "out")
    assert path.name == "test-2025-self-report-SYT.docx"
    assert lint_docx(path) == []
    text = _text(path)
    # issued by the unit, signed by its head, addressed to the standing body
    assert "SỞ Y TẾ" in text and "UBND TỈNH QUẢNG NAM" in text and "Số: 07/BC-SYT" in text
    assert "Quảng Nam, ngày 18 tháng 12 năm 2025" in text
    assert "Kính gửi: Sở Nội vụ." in text
    assert "GIÁM ĐỐC" in text and "Trần Thị Mai" in text
    # the score table: every scored criterion with its maximum and self-score; 2.2 does not apply to a department
    table = docx.Document(str(path)).tables[1]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows}
    assert rows["1.1"][2:4] == ["4", "4"] and rows["1.1"][4] == "1 tài liệu"
    assert rows["1.2"][2:4] == ["3", "2,5"]
    assert rows["1.3"][2:4] == ["3", "3"]
    assert rows["2.1"][2:4] == ["6", "5"] and rows["2.1"][4] == "Giải trình: Quyết định công bố đang trình ký"
    assert rows["2.2"][4] == "Không áp dụng"
    assert rows["1"][3] == "9,5" and [c.text for c in table.rows[-1].cells][2:4] == ["16", "14,5"]
    # every linked document cited in full: type, number, date, issuer; pages when only some prove the point
    assert "Kế hoạch số 15/KH-SYT ngày 05/01/2025 của Sở Tư pháp về" in text
    assert "Báo cáo số 120/BC-SYT ngày 10/06/2025 của Sở Nội vụ về kết quả cải cách hành chính" in text
    assert text.count("(trang 2-3)") == 2
    # difficulties from the unit's explanations, proposals from its campaign entry
    assert "Tiêu chí 1.2: Báo cáo quý IV gửi chậm." in text
    assert "Đề nghị Sở Nội vụ tổ chức tập huấn số hóa tài liệu kiểm chứng." in text


def test_self_report_context_follows_the_schema_and_lists_survey_criteria(store, unit_round):
    campaign = unit_round["campaign"]
    context = self_report_context(store, campaign, "SYT")
    assert conforms(context, SCHEMA["self-report"]) == []
    blank = context["plan_citation"]  # not registered yet: the number left for the clerk
    symbol = re.search(r"/(KH-[A-ZĐ]+)", blank).group(1)
    assert blank.startswith("Kế hoạch số ") and " của " in blank
    assert blank.endswith("về xác định Chỉ số CCHC năm 2025 (thử nghiệm)")
    record_issued(store, campaign.id, "plan", number=f"12/{symbol}", issued_on="2025-01-10", issuer="Sở Nội vụ")
    context = self_report_context(store, campaign, "SYT")
    assert context["plan_citation"].startswith(f"Kế hoạch số 12/{symbol} ngày 10/01/2025 của Sở Nội vụ")
    campaign.framework.by_code["2.1"].scored_by = "survey"  # issue 12's field; read with getattr
    context = self_report_context(store, campaign, "SYT")
    row = next(r for r in context["scores"] if r["code"] == "2.1")
    assert row["note"] == "Điều tra xã hội học" and row["self"] == "-"
    [section] = [k for k in context["evidence"] if k["code"] == "2.1"]
    assert "điều tra xã hội học" in section["lines"][0] and "Chưa có" not in section["lines"][0]
    assert not any("2.1" in line and "chưa có tài liệu" in line for line in context["summary"])
    assert any("điều tra xã hội học" in line for line in context["summary"])


def test_self_report_of_a_unit_without_head_or_evidence_still_renders(store, unit_round, tmp_path, cli):
    [path] = generate(store, "test-2025", "self-report", unit="STP", out=tmp_path / "stp.docx")
    assert lint_docx(path) == []
    text = _text(path)
    assert "SỞ TƯ PHÁP" in text and "Số:       /BC-STP" in text
    assert "Chưa có tài liệu kiểm chứng." in text and "Không có." in text
    assert "GIÁM ĐỐC" in text and "(họ và tên người ký)" in text  # the head is not named in the campaign
    # local government: the people's committee issues it, TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH signs, no parent body
    [path] = generate(store, "test-2025", "self-report", unit="BLV", out=tmp_path / "blv.docx")
    assert lint_docx(path) == []
    header = "\n".join(c.text for row in docx.Document(str(path)).tables[0].rows for c in row.cells)
    # the committee over its place, the place name on one line
    assert (
        "ỦY BAN NHÂN DÂN HUYỆN\u00a0BẠCH\u00a0LONG\u00a0VỸ" in header.replace("\n", " ") and "UBND TỈNH" not in header
    )
    signature = "\n".join(c.text for row in docx.Document(str(path)).tables[-1].rows for c in row.cells)
    assert "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" in signature
    store.close()
    assert cli("generate", "self-report", "--campaign", "test-2025", "--out", tmp_path).exit_code == 2
    result = cli("generate", "self-report", "--campaign", "test-2025", "--unit", "XYZ", "--out", tmp_path)
    assert result.exit_code == 2 and "unknown unit 'XYZ'" in result.stderr


# ---------------------------------------------------------------------------------------------- the dossier


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        assert tag not in ("script", "link", "img"), "index.html must open offline, self-contained"


def test_dossier_structure_names_manifest_and_links(store, unit_round, tmp_path):
    out = tmp_path / "ho so" / "SYT.zip"
    result = write_dossier(store, "test-2025", "SYT", out, pdf=False)
    assert result.documents == 4 and result.criteria == 3 and not result.self_report_pdf
    assert any("--no-pdf" in n for n in result.notes)
    assert [p.name for p in out.parent.iterdir()] == ["SYT.zip"]  # no temporary file left beside it
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        html = archive.read("index.html").decode("utf-8")
        contents = {name: archive.read(name) for name in names}
    # structure: documents at the top, one folder per criterion with its originals
    assert {"index.html", "manifest.json", "Bao cao tu danh gia - SYT.docx"} <= set(names)
    assert "Danh muc tai lieu kiem chung - SYT.xlsx" in names
    originals = sorted(n for n in names if n.startswith("Tai lieu kiem chung/"))
    folders = {n.split("/")[1] for n in originals}
    assert folders == {
        "1.1 - Ban hanh ke hoach cai cach hanh chinh nam",
        "1.2 - Bao cao cai cach hanh chinh dinh ky",
        "1.3 - Kiem tra cong tac cai cach hanh chinh",
    }
    assert any(n.endswith("/1.1 - 15-KH-SYT - Ke hoach cai cach hanh chinh nam 2025.pdf") for n in originals)
    assert any("/1.2 - 120-BC-SYT - Bao cao " in n and n.endswith(".docx") for n in originals)
    # names: portable on Windows and macOS, unique ignoring case, the odd original name made safe
    assert all(is_portable(n) for n in names), names
    assert len({n.lower() for n in names}) == len(names)
    assert any(n.endswith(".txt") and n.startswith("Tai lieu kiem chung/1.3 - ") for n in originals)
    # manifest: every other file with its SHA-256; originals carry the store's hash and their evidence id
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(names) - {"manifest.json"}
    for name, entry in listed.items():
        assert hashlib.sha256(contents[name]).hexdigest() == entry["sha256"], name
        assert len(contents[name]) == entry["bytes"]
    plan = next(f for f in manifest["files"] if f.get("evidence_id") == unit_round["ids"]["plan"])
    assert (
        plan["sha256"]
        == store.db.execute("SELECT sha256 FROM evidence WHERE id = ?", (plan["evidence_id"],)).fetchone()[0]
    )
    assert manifest["unit"] == {"code": "SYT", "name": "Sở Y tế"} and manifest["self_report_pdf"] is False
    chain_head = getattr(store_package, "chain_head", None)  # the audit chain, once the store keeps one
    assert manifest["audit_chain_head"] == (chain_head(store) if chain_head else None)
    # index.html: every link resolves inside the zip, every criterion anchored and linked
    parser = _Links()
    parser.feed(html)
    assert '<html lang="vi">' in html and "<style>" in html
    for href in parser.hrefs:
        assert "://" not in href and not href.startswith("/"), href
        if href.startswith("#"):
            assert href[1:] in parser.ids, href
        else:
            assert unquote(href) in names, href
    for code in ("1", "1.1", "1.2", "1.3", "2", "2.1"):
        assert f"#k-{code}" in parser.hrefs and f"k-{code}" in parser.ids
    for original in originals:
        assert any(unquote(h) == original for h in parser.hrefs)
    assert "Quyết định công bố đang trình ký" in html and "Thiếu tài liệu kiểm chứng" in html  # finding of 2.1


def test_dossier_evidence_workbook_keeps_formula_like_text_as_text(store, unit_round, tmp_path):
    correct_metadata(store, unit_round["ids"]["plan"], "summary", '=HYPERLINK("http://x","bấm")', "test")
    out = build_dossier(store, "test-2025", "SYT", tmp_path / "SYT.zip")
    with zipfile.ZipFile(out) as archive:
        (tmp_path / "list.xlsx").write_bytes(archive.read("Danh muc tai lieu kiem chung - SYT.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "list.xlsx").active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[2][:4] == ["STT", "Tiêu chí", "Nội dung tiêu chí", "Tài liệu kiểm chứng"]
    plan_row = next(r for r in rows if r[4] == "15/KH-SYT")
    assert plan_row[7] == '=HYPERLINK("http://x","bấm")'
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == plan_row[7])
    assert cell.data_type == "s"  # text, not a formula
    assert any(r[1] == "2.1" and "Giải trình: Quyết định công bố đang trình ký" in (r[3] or "") for r in rows)
    assert plan_row[5] == "05/01/2025" and plan_row[9].startswith("Tai lieu kiem chung/1.1 - ")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_dossier_bad_input_never_leaves_a_zip(store, unit_round, tmp_path):
    out_dir = tmp_path / "out"
    with pytest.raises(InputError, match="unit STP has no evidence"):
        build_dossier(store, "test-2025", "STP", out_dir / "STP.zip")
    with pytest.raises(InputError, match="over the .* limit"):
        write_dossier(store, "test-2025", "SYT", out_dir / "SYT.zip", pdf=False, max_bytes=10_000)
    with pytest.raises(InputError, match=r"\.zip"):
        build_dossier(store, "test-2025", "SYT", out_dir / "SYT.tar")
    # a damaged original: found while copying, the half-written zip is discarded
    sha = store.db.execute("SELECT sha256 FROM evidence WHERE id = ?", (unit_round["ids"]["report"],)).fetchone()[0]
    blob = store.blobs.path(sha)
    good = blob.read_bytes()
    blob.chmod(0o644)
    blob.write_bytes(good[:-10] + b"0123456789")
    with pytest.raises(StoreError, match="does not match its SHA-256"):
        write_dossier(store, "test-2025", "SYT", out_dir / "SYT.zip", pdf=False)
    # a missing original: refused before anything is written
    blob.unlink()
    with pytest.raises(InputError, match=r"evidence #\d+ «bc.docx» \(criterion 1.2\) is missing from the store"):
        write_dossier(store, "test-2025", "SYT", out_dir / "SYT.zip", pdf=False)
    assert _leftovers(out_dir) == []


def test_safe_names():
    assert safe_part("CON") == "_CON" and safe_part("lpt1.txt") == "_lpt1.txt"
    assert safe_part('Kế hoạch: "CCHC" <2025>|?*') == "Ke hoach- -CCHC- -2025"
    assert safe_part("Đề án . . .  ") == "De an"
    assert safe_part("") == "tep" and safe_part("???") == "tep"
    long = safe_part("Quyết định " * 20)
    assert len(long) <= 80 and not long.endswith(" ") and long.endswith("Quyet dinh")
    assert safe_file_name("a" * 200, ".PDF").endswith(".pdf") and len(safe_file_name("a" * 200, ".PDF")) <= 80
    names = UniqueNames()
    assert names.take("k", "X.pdf") == "k/X.pdf"
    assert names.take("k", "x.PDF") == "k/x (2).PDF"
    assert names.take("k", "x.pdf") == "k/x (3).pdf"
    assert not is_portable("a/CON.txt") and not is_portable("a/b.") and not is_portable("a/b:c")
    assert is_portable("Tai lieu kiem chung/1.1 - x/1.1 - 15-KH-SYT - Ke hoach.pdf")


# ---------------------------------------------------------------------------------------------- command and web


def test_dossier_command(store, unit_round, tmp_path, cli):
    store.close()
    result = cli(
        "dossier", "--campaign", "test-2025", "--unit", "SYT", "--out", tmp_path / "SYT.zip", "--json", "--no-pdf"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["path"] == str(tmp_path / "SYT.zip") and data["documents"] == 4 and data["self_report_pdf"] is False
    assert set(data) == {"unit", "path", "bytes", "files", "documents", "criteria", "self_report_pdf", "notes"}
    bad = cli("dossier", "--campaign", "test-2025", "--unit", "STP", "--out", tmp_path / "STP.zip")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: unit STP has no evidence")
    assert not (tmp_path / "STP.zip").exists()
    assert cli("dossier", "--campaign", "test-2025", "--out", tmp_path / "x.zip").exit_code == 2
    every = cli("dossier", "--campaign", "test-2025", "--all", "--out", tmp_path / "all", "--json", "--no-pdf")
    assert every.exit_code == 1  # STP and BLV have no evidence: listed, SYT written
    data = json.loads(every.stdout)
    assert [d["unit"] for d in data["dossiers"]] == ["SYT"]
    assert [e["unit"] for e in data["errors"]] == ["STP", "BLV"]
    assert _leftovers(tmp_path / "all") == ["Ho so test-2025 - SYT.zip"]


def test_web_downloads_of_the_self_report_and_the_dossier(store, unit_round):
    make_accounts(store)
    app = create_app(store.root, ocr=False)
    unit = TestClient(app)
    login(unit, "syt")
    page = unit.get("/c/test-2025/u/SYT")
    assert "Tải báo cáo tự đánh giá" in page.text and "Tải hồ sơ" in page.text
    report = unit.get("/c/test-2025/u/SYT/self-report")
    assert report.status_code == 200 and report.content[:2] == b"PK"
    assert "attachment" in report.headers["content-disposition"]
    dossier = unit.get("/c/test-2025/u/SYT/dossier")
    assert dossier.status_code == 200 and dossier.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(__import__("io").BytesIO(dossier.content)) as archive:
        assert "manifest.json" in archive.namelist()
    assert unit.get("/c/test-2025/u/STP/dossier").status_code == 404  # another unit's
    reviewer = TestClient(app)
    login(reviewer, "thamdinh")
    page = reviewer.get("/c/test-2025/u/SYT")
    assert "Tải hồ sơ" in page.text and "Tải báo cáo tự đánh giá" not in page.text
    assert reviewer.get("/c/test-2025/u/SYT/dossier").status_code == 200
    empty = reviewer.get("/c/test-2025/u/STP/dossier", follow_redirects=True)
    assert "Chưa lập được hồ sơ" in empty.text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_dossier_with_the_self_report_as_pdf(store, unit_round, tmp_path):
    result = write_dossier(store, "test-2025", "SYT", tmp_path / "SYT.zip")
    assert result.self_report_pdf and result.notes == []
    with zipfile.ZipFile(tmp_path / "SYT.zip") as archive:
        assert archive.read("Bao cao tu danh gia - SYT.pdf")[:5] == b"%PDF-"
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["self_report_pdf"] is True
