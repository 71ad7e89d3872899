"""The demo's proof documents: one per required criterion of each unit, as DOCX, text PDF or scan, with a few
deliberate problems a reviewer must see (missing, undated, out of period, wrong type, blank number, duplicate,
a corrupt file)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ..round.campaign import Campaign, Unit
from ..frameworks import due_window
from ..frameworks.model import Criterion
from .docgen import OfficialDoc, write

BODY = {
    "KH": [
        "Thực hiện Quyết định số 1187/QĐ-BNV ngày 15/10/2025 của Bộ Nội vụ phê duyệt Đề án xác định Chỉ số cải "
        "cách hành chính; căn cứ Kế hoạch cải cách hành chính của Ủy ban nhân dân tỉnh Lâm Đồng, "
        "{unit} xây dựng Kế hoạch với các nội dung sau:",
        "I. MỤC ĐÍCH, YÊU CẦU. Nâng cao nhận thức, trách nhiệm của người đứng đầu và đội ngũ cán bộ, công chức, "
        "viên chức trong việc thực hiện nhiệm vụ {topic}; bảo đảm tiến độ, chất lượng và hiệu quả.",
        "II. NHIỆM VỤ TRỌNG TÂM. Rà soát, đơn giản hóa thủ tục hành chính; ứng dụng công nghệ thông tin, chuyển đổi "
        "số trong chỉ đạo, điều hành; công khai, minh bạch kết quả giải quyết hồ sơ cho tổ chức, cá nhân.",
        "III. TỔ CHỨC THỰC HIỆN. Các phòng, đơn vị trực thuộc căn cứ Kế hoạch này triển khai thực hiện, báo cáo "
        "kết quả định kỳ hằng quý về Văn phòng trước ngày 15 của tháng cuối quý.",
    ],
    "BC": [
        "Thực hiện chế độ báo cáo định kỳ theo quy định, {unit} báo cáo kết quả {topic} như sau:",
        "I. KẾT QUẢ ĐẠT ĐƯỢC. Đơn vị đã ban hành đầy đủ các văn bản chỉ đạo, điều hành; 100% hồ sơ thủ tục hành "
        "chính được tiếp nhận và giải quyết đúng hạn; tỷ lệ hồ sơ trực tuyến đạt 82,5%.",
        "II. TỒN TẠI, HẠN CHẾ. Một số nhiệm vụ còn chậm so với kế hoạch; việc số hóa hồ sơ, kết quả giải quyết "
        "thủ tục hành chính chưa đồng bộ.",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI. Tiếp tục đẩy mạnh chuyển đổi số, nâng cao chất lượng phục vụ "
        "người dân, doanh nghiệp.",
    ],
    "QĐ": [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; căn cứ Nghị định số 30/2020/NĐ-CP "
        "ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
        "Điều 1. Ban hành kèm theo Quyết định này nội dung về {topic}.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
        "Điều 3. Chánh Văn phòng, Trưởng các phòng và các cá nhân có liên quan chịu trách nhiệm thi hành Quyết "
        "định này.",
    ],
    "TB": [
        "{unit} thông báo kết quả {topic} để các cơ quan, đơn vị biết và thực hiện.",
        "Đề nghị các phòng chuyên môn nghiêm túc triển khai, báo cáo kết quả đúng thời hạn.",
    ],
    "CV": [
        "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về {topic}, {unit} đề nghị các phòng, đơn vị trực thuộc "
        "khẩn trương triển khai các nội dung sau:",
        "1. Rà soát, tổng hợp tài liệu kiểm chứng; 2. Báo cáo kết quả thực hiện trước thời hạn quy định.",
    ],
}
GENERIC_BODY = [
    "Thực hiện Kế hoạch cải cách hành chính năm của Ủy ban nhân dân tỉnh, {unit} ban hành văn bản về "
    "{topic}, làm tài liệu kiểm chứng cho việc xác định Chỉ số cải cách hành chính.",
    "Các phòng, đơn vị có liên quan tổ chức thực hiện nghiêm túc nội dung trên.",
]
SIGNERS = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Quang Vinh", "Phạm Thị Thu Hà", "Hoàng Minh Tuấn"]
FORMATS = ["docx", "pdf", "docx", "pdf", "pdf"]


@dataclass
class DemoFile:
    unit: str
    criterion: str
    path: Path
    problem: str | None = None  # what is deliberately wrong, for the demo's printout


def _topic(criterion: Criterion) -> str:
    text = criterion.evidence_description or criterion.title
    return text[0].lower() + text[1:] if text else "cải cách hành chính"


def _issue_date(campaign: Campaign, criterion: Criterion, rng: random.Random, span: int) -> date:
    """A plausible issue date: inside the criterion's due window when it has one, else inside the period."""
    earliest, latest = campaign.period_start + timedelta(days=5), campaign.period_start + timedelta(days=span)
    if criterion.due_rule:
        low, high = due_window(
            criterion.due_rule, year=campaign.year, period_start=campaign.period_start, period_end=campaign.period_end
        )
        earliest = max(earliest, low) if low else earliest
        latest = min(latest, high) if high else latest
        if latest < earliest:
            earliest = latest - timedelta(days=20)
    return earliest + timedelta(days=rng.randrange(0, max((latest - earliest).days, 1)))


def _document(
    campaign: Campaign,
    unit: Unit,
    criterion: Criterion,
    serial: int,
    issued: date | None,
    type_code: str,
    number_blank: bool = False,
) -> OfficialDoc:
    short = unit.code
    symbol = f"{short}-VP" if type_code == "CV" else f"{type_code}-{short}"
    number = f"/{symbol}" if number_blank else f"{serial:02d}/{symbol}" if serial < 10 else f"{serial}/{symbol}"
    issuer = unit.name
    parent = "UBND TỈNH LÂM ĐỒNG" if unit.kind == "department" else ""
    if unit.kind == "commune" and issuer.startswith("UBND "):  # ỦY BAN NHÂN DÂN / XÃ ĐỨC TRỌNG
        parent, issuer = "ỦY BAN NHÂN DÂN", issuer.removeprefix("UBND ")
    topic = _topic(criterion)
    body_templates = BODY.get(type_code, GENERIC_BODY)
    subject = criterion.evidence_description or criterion.title
    if type_code == "CV":
        subject = f"triển khai {topic}"
    return OfficialDoc(
        issuer=issuer.upper(),
        parent=parent,
        type_code=type_code,
        number=number,
        place=unit.place or "Lâm Đồng",
        issued_on=issued,
        subject=f"{subject} năm {campaign.year}" if type_code != "CV" else subject,
        body=[b.format(unit=unit.name, topic=topic) for b in body_templates],
        signer_authority="KT. GIÁM ĐỐC" if unit.kind == "department" else "TM. ỦY BAN NHÂN DÂN",
        signer_title="PHÓ GIÁM ĐỐC" if unit.kind == "department" else "CHỦ TỊCH",
        signer_name=SIGNERS[serial % len(SIGNERS)],
        recipients=["UBND tỉnh (b/c)", "Sở Nội vụ", "Các phòng, đơn vị trực thuộc"],
    )


def build_evidence_tree(campaign: Campaign, root: Path, *, scans: int = 1, seed: int = 2025) -> list[DemoFile]:
    """Write DIR/<unit>/<criterion>/<file> for the demo's units; returns what was written and the problems made."""
    rng = random.Random(seed)
    files: list[DemoFile] = []
    start, end = campaign.period_start, campaign.period_end
    span = max((min(end, date.today()) - start).days, 30)
    scans_left = scans
    for u_index, unit in enumerate(campaign.units):
        leaves = [c for c in campaign.applicable_leaves(unit) if c.evidence_required]
        # units differ in diligence: the last unit leaves a third of its criteria without proof
        skip_every = 3 if u_index == len(campaign.units) - 1 else 7 + u_index
        serial = 3 + u_index * 11
        for c_index, criterion in enumerate(leaves):
            if c_index % skip_every == skip_every - 1:
                continue  # deliberately missing
            serial += 1
            type_code = (criterion.expected_types or ["BC"])[0]
            issued: date | None = _issue_date(campaign, criterion, rng, span)
            problem = None
            number_blank = False
            if u_index == 1 and c_index == 0:
                issued, problem = None, "undated: the day and month were left blank"
            elif u_index == 2 and c_index == 1:
                issued, problem = start - timedelta(days=200), "issued before the assessment period"
            elif u_index == 3 and c_index == 2 and criterion.expected_types:
                type_code, problem = "CV", f"a letter where a {criterion.expected_types[0]} is expected"
            elif u_index == 4 and c_index == 1:
                number_blank, problem = True, "a draft: the number is blank"
            kind = FORMATS[(u_index + c_index) % len(FORMATS)]
            if scans_left and u_index == 0 and c_index == 3:
                kind, scans_left, problem = "scan", scans_left - 1, "a scan without a text layer (read by OCR)"
            doc = _document(campaign, unit, criterion, serial, issued, type_code, number_blank)
            suffix = ".pdf" if kind in ("pdf", "scan") else ".docx"
            name = f"{type_code.replace('Đ', 'D').lower()}-{serial:03d}-{criterion.code}{suffix}"
            path = write(doc, root / unit.code / criterion.code / name, kind)
            files.append(DemoFile(unit.code, criterion.code, path, problem))
    _add_duplicate(files, root)
    bad = root / campaign.units[0].code / files[0].criterion / "ban-chup-hong.pdf"
    bad.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + b"\x00" * 64)
    files.append(DemoFile(campaign.units[0].code, files[0].criterion, bad, "a corrupt file: reported, not stored"))
    return files


def _add_duplicate(files: list[DemoFile], root: Path) -> None:
    """The same file attached to a second, unrelated criterion of the same unit."""
    same_unit = [f for f in files if f.unit == files[0].unit and f.problem is None]
    if len(same_unit) < 6:
        return
    source, other = same_unit[0], same_unit[5]
    target = root / other.unit / other.criterion / source.path.name
    target.write_bytes(source.path.read_bytes())
    files.append(
        DemoFile(other.unit, other.criterion, target, f"the same file as for criterion {source.criterion} (duplicate)")
    )
