"""Each kind as a secretariat reads it before signing: authority and signer, complete legal bases, Kính gửi where
due, Nơi nhận, no "…" placeholder, group rankings, sequential STT; and the broken-template cases."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import docx
import pytest

from conftest import score_every_leaf, small_framework
from evidence.documents.generate import KINDS, generate, generate_all
from evidence.frameworks import save_framework
from evidence.documents.lint import lint_docx
from evidence.errors import InputError
from evidence.round import scoring
from evidence.round.campaign import create_campaign
from evidence.round.register import record_issued
from evidence.store import chain_head
from evidence.vn.text import nfc

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def scored(store, campaign):
    score_every_leaf(store, campaign, "tài liệu chưa đúng thời kỳ")
    scoring.raise_objection(store, campaign, "STP", "1.1", "Đề nghị xem xét lại Kế hoạch số 05/KH-STP")
    scoring.resolve_objection(
        store, campaign, "STP", "1.1", accepted=True, score=4, reason="kế hoạch ban hành đúng hạn"
    )
    return campaign


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return nfc("\n".join(parts))


def _signature(path: Path) -> list[str]:
    table = next(t for t in docx.Document(str(path)).tables if "Nơi nhận" in t.rows[-1].cells[0].text)
    return [p.text.strip() for p in table.rows[0].cells[1].paragraphs if p.text.strip()]


def test_every_kind_as_the_signer_reads_it(store, scored, tmp_path):
    paths = {p.stem.split("-", 2)[2]: p for p in generate_all(store, scored.id, tmp_path)}
    assert set(KINDS) <= {k for k in KINDS for key in paths if key == k or key.startswith(k + "-")}  # self-report-STP
    texts = {kind: _text(path) for kind, path in paths.items()}
    for kind, text in texts.items():
        assert "…" not in text and "(mẫu)" not in text and "#" not in text and "«" not in text, kind
        assert "Nơi nhận:" in text, kind
        assert lint_docx(paths[kind]) == [], kind
    # authority and signer
    assert "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NAM" in texts["plan"] and "/KH-UBND" in texts["plan"]
    assert _signature(paths["plan"])[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM" in texts["decision"]
    assert _signature(paths["decision"])[:2] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số" in texts["decision"]
    assert "Sở Nội vụ là cơ quan thường trực của Hội đồng" in texts["decision"]
    assert "Ông Trần Văn B" in texts["decision"] and "Bà Lê Thị C" in texts["decision"]
    for kind in ("report", "submission", "reminder-STP"):
        assert "SỞ NỘI VỤ" in texts[kind] and _signature(paths[kind])[:2] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert "HỘI ĐỒNG THẨM ĐỊNH" in texts["minutes"] and "/BB-HĐTĐ" in texts["minutes"]
    assert (
        "Kính gửi: Ủy ban nhân dân tỉnh." in texts["report"]
        and "Kính gửi: Ủy ban nhân dân tỉnh." in texts["submission"]
    )
    assert "/SNV-CCHC" in texts["reminder-STP"]
    # legal bases: type, number, date, issuer, subject
    for kind in ("plan", "decision", "announcement"):
        assert "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025" in texts[kind]
        assert "Căn cứ Quyết định số 1187/QĐ-BNV ngày 15 tháng 10 năm 2025 của Bộ trưởng Bộ Nội vụ" in texts[kind]
    assert "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số" in texts["announcement"]
    # the minutes (Mẫu 1.9): attendance, quorum, objection old → new, final table, conclusions
    minutes = texts["minutes"]
    for needle in (
        "Thời gian bắt đầu:",
        "Địa điểm:",
        "Có mặt 3/3 thành viên",
        "Vắng mặt: không có.",
        "Chủ trì (chủ tọa): Ông Trần Văn B",
        "Thư ký (người ghi biên bản)",
        "điều chỉnh điểm thẩm định từ 3 điểm thành 4 điểm",
        "III. KẾT QUẢ THẨM ĐỊNH",
        "IV. KẾT LUẬN",
        "Biên bản được lập thành 03 bản",
        "THƯ KÝ",
        "CHỦ TỌA",
        "Lưu: VT, Hồ sơ.",
    ):
        assert needle in minutes, needle
    assert ".;" not in minutes and "; ." not in minutes
    # the report: sections I-IV, groups ranked on their own, sequential STT in the appendix
    report = texts["report"]
    for needle in (
        "I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN",
        "II. KẾT QUẢ ĐÁNH GIÁ",
        "III. ĐÁNH GIÁ CHUNG",
        "3. Nguyên nhân",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
        "2. Kết quả theo nhóm",
    ):
        assert needle in report, needle
    appendix = docx.Document(str(paths["report"])).tables[-1]
    assert [r.cells[0].text for r in appendix.rows[1:]] == ["1", "2", "3"]
    sections = docx.Document(str(paths["report"])).sections
    assert len(sections) == 2 and sections[1]._sectPr.xpath("./w:pgNumType/@w:start") == ["1"]


def test_registered_documents_are_cited_in_full(store, scored, tmp_path):
    record_issued(store, scored.id, "plan", number="15/KH-UBND", issued_on="2025-01-20")
    record_issued(store, scored.id, "submission", number="7/TTr-SNV", issued_on="2026-02-02")
    [decision] = generate(store, scored.id, "decision", out=tmp_path)
    assert "Căn cứ Kế hoạch số 15/KH-UBND ngày 20 tháng 01 năm 2025 của Ủy ban nhân dân tỉnh Quảng Nam" in _text(
        decision
    )
    [announcement] = generate(store, scored.id, "announcement", out=tmp_path)
    assert "tại Tờ trình số 07/TTr-SNV ngày 02 tháng 02 năm 2026" in _text(announcement)


def test_dates_in_stage_order_and_provisional_results(store, campaign, tmp_path, campaign_file):
    scoring.set_self_score(store, campaign, "STP", "1.1", 4, explanation="Có tài liệu")
    with pytest.raises(InputError, match="provisional"):
        generate(store, campaign.id, "report", out=tmp_path)
    [draft] = generate(store, campaign.id, "report", out=tmp_path / "draft.docx", draft=True)
    header = docx.Document(str(draft)).sections[0].first_page_header
    assert "DỰ THẢO" in header.paragraphs[0].text
    assert not list(tmp_path.glob("*-report.docx"))


def test_reminder_reads_as_a_cong_van(store, scored, tmp_path):
    [path] = (
        generate(store, scored.id, "reminder", unit="STP", out=tmp_path) if _has_findings(store, scored) else [None]
    )
    if path is None:
        pytest.skip("no findings in this fixture")
    text = _text(path)
    assert not re.search(r"#\d|«|»|\.docx|\.pdf|có thể là|ghi 0", text)
    deadline = re.search(r"trước ngày (\d{2})/(\d{2})/(\d{4})", text)
    assert deadline and date(int(deadline[3]), int(deadline[2]), int(deadline[1])) >= date.today()


def _has_findings(store, campaign) -> bool:
    from evidence.round.findings import check

    return any(f.unit == "STP" and f.severity in ("error", "warning") for f in check(store, campaign.id, "STP"))


def _broken_decision(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    for kind in KINDS:
        shutil.copy(ROOT / "templates" / f"{kind}.docx", folder / f"{kind}.docx")
    document = docx.Document(str(folder / "decision.docx"))
    article = next(p for p in document.paragraphs if p.text.startswith("Điều 3."))
    article.runs[-1].text += " {{ doc.number "
    document.save(str(folder / "decision.docx"))
    return folder


def test_an_unclosed_tag_is_caught_everywhere(store, campaign, tmp_path, cli):
    folder = _broken_decision(tmp_path)
    with pytest.raises(InputError, match="not closed"):
        generate(store, campaign.id, "decision", out=tmp_path / "out", templates=folder)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    store.close()
    result = cli("templates", "check", "--templates", folder, "--json")
    assert result.exit_code == 1
    entry = next(e for e in json.loads(result.output)["templates"] if e["kind"] == "decision")
    assert entry["tags"] and "{{" in entry["tags"][0]


def test_lint_never_crashes_and_checks_kind_parts(store, campaign, tmp_path, cli):
    [good] = generate(store, campaign.id, "decision", out=tmp_path)
    document = docx.Document(str(good))
    body = document.element.body
    body.remove(body[-1])  # the section properties
    stripped = tmp_path / "no-section.docx"
    document.save(str(stripped))
    assert "page.section" in {v.rule for v in lint_docx(stripped)}
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    store.close()
    result = cli("documents", "lint", str(damaged), str(stripped))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "damaged.docx" in result.output and "page.section" in result.output


def test_an_anti_corruption_round_has_the_inspectorate_and_a_working_group(store, tmp_path, campaign_file):
    from conftest import small_framework

    from evidence.frameworks.model import save_framework
    from evidence.round.campaign import create_campaign

    text = campaign_file.read_text(encoding="utf-8")
    text = text.replace("issuer: SỞ NỘI VỤ", "issuer: THANH TRA TỈNH").replace("issuer_short: SNV", "issuer_short: TTT")
    text += "documents:\n  index: pctn\n  drafting_unit: PCTN\n"
    campaign_file.write_text(text, encoding="utf-8")
    save_framework(store, small_framework())
    campaign = create_campaign(store, campaign_file)
    [path] = generate(store, campaign.id, "decision", out=tmp_path)
    decision = _text(path)
    assert "Thành lập Tổ công tác" in decision and "Tổ trưởng" in decision
    assert "Theo đề nghị của Chánh Thanh tra tỉnh tại Tờ trình số" in decision
    assert "Thanh tra tỉnh là cơ quan thường trực của Tổ công tác" in decision
    assert "Tổ giúp việc" not in decision and "1187/QĐ-BNV" not in decision  # the PAR scheme is not its basis
    assert lint_docx(path) == []


def test_a_rendered_document_that_lost_parts_is_not_written(store, campaign, tmp_path):
    """The second line of defence behind the tag check: what a swallowed tag removes is found after rendering."""
    from evidence.documents.lint import required_parts

    [path] = generate(store, campaign.id, "decision", out=tmp_path)
    document = docx.Document(str(path))
    assert required_parts(document, "decision") == []
    body = document.element.body
    body.remove(document.tables[-1]._tbl)  # the signature block with Nơi nhận
    body.remove(body[-1])  # the section properties
    assert required_parts(document, "decision") == [
        "its section properties (page size, margins, page numbers)",
        "the signature block",
    ]


def test_the_council_decision_cites_its_proposal_in_full(store, tmp_path, campaign_file):
    """The Tờ trình proposing the council comes from the campaign (dates stored as ISO text survive the store)."""
    text = campaign_file.read_text(encoding="utf-8").replace("id: test-2025", "id: proposal-2025")
    text += "documents:\n  decision:\n    proposal: {number: 1520/TTr-SNV, date: 2025-10-09}\n"
    path = tmp_path / "proposal.yaml"
    path.write_text(text, encoding="utf-8")
    save_framework(store, small_framework())
    campaign = create_campaign(store, path)
    (decision,) = generate(store, campaign.id, "decision", out=tmp_path / "out")
    assert "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 1520/TTr-SNV ngày 09 tháng 10 năm 2025" in " ".join(
        _text(decision).split()
    )


def test_minutes_and_announcement_print_the_data_code(store, scored, tmp_path):
    """The head of the hash-chained history is printed, so a later rewrite of the store shows against the paper."""
    head = chain_head(store)
    grouped = " ".join(head[i : i + 8] for i in range(0, 64, 8))
    for kind in ("minutes", "announcement"):
        (path,) = generate(store, scored.id, kind, out=tmp_path / kind, draft=True)
        assert "Mã kiểm chứng dữ liệu" in _text(path) and grouped in _text(path), kind
        assert lint_docx(path) == [], kind
