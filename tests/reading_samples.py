"""Generated Decree 30 documents with known metadata, for the reading tests and benchmarks/extraction.py.

Each `Sample` is written as DOCX (python-docx, the header a two-column table read cell by cell) and as PDF
(reportlab, the two header columns drawn side by side, as Word exports them). `write_labelled_set` writes every
sample in both formats and returns labels in the corpus' labels.csv layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from evidence.vn.dates import format_vn_date
from evidence.vn.doctypes import TYPE_NAMES

FONT_DIR = Path("/usr/share/fonts/truetype")
# Liberation 2.x and DejaVu have the precomposed Vietnamese letters; Liberation 1.x does not
FONT_CANDIDATES = [
    FONT_DIR / "liberation2" / "LiberationSerif-Regular.ttf",
    FONT_DIR / "dejavu" / "DejaVuSerif.ttf",
]
BOLD_CANDIDATES = [
    FONT_DIR / "liberation2" / "LiberationSerif-Bold.ttf",
    FONT_DIR / "dejavu" / "DejaVuSerif-Bold.ttf",
]
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO2 = "Độc lập - Tự do - Hạnh phúc"


def font_path(bold: bool = False) -> Path | None:
    for path in BOLD_CANDIDATES if bold else FONT_CANDIDATES:
        if path.is_file():
            return path
    return None


@dataclass
class Sample:
    name: str
    issuer: list[str]  # lines of the issuing body
    parent: list[str] = field(default_factory=list)
    number: str | None = "12"  # None: blank (draft)
    symbol: str = "KH-UBND"
    year_in_number: str | None = None  # legal documents: 30/2020/NĐ-CP
    type_code: str = "KH"  # CV: công văn (V/v under the number)
    summary: list[str] = field(default_factory=lambda: ["Thực hiện công tác cải cách hành chính năm 2025"])
    place: str = "Quảng Nam"
    issued: date | None = date(2025, 1, 5)  # None: blank day (draft)
    blank_month: int = 1
    authority: list[str] = field(default_factory=lambda: ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])
    signer: str = "Nguyễn Văn An"
    body: list[str] = field(
        default_factory=lambda: [
            "Căn cứ Quyết định số 905/QĐ-UBND ngày 04/5/2018 của Ủy ban nhân dân tỉnh;",
            "Thực hiện Kế hoạch số 1366/KH-UBND ngày 12 tháng 3 năm 2024, Ủy ban nhân dân tỉnh ban hành kế hoạch"
            " thực hiện như sau:",
            "1. Các cơ quan, đơn vị triển khai thực hiện nghiêm túc, đúng thời hạn.",
        ]
    )
    date_in_header: bool = True  # biên bản: no place/date line in the header
    type_line: str | None = None  # the printed type line when it is not the plain name (HƯỚNG DẪN LIÊN NGÀNH)
    number_line: bool = True  # minutes may have no `Số:` line at all

    @property
    def type_heading(self) -> str:
        return self.type_line or TYPE_NAMES[self.type_code].upper()

    @property
    def number_text(self) -> str:
        if not self.number_line:
            return ""
        year = f"{self.year_in_number}/" if self.year_in_number else ""
        return f"{self.number or ''}/{year}{self.symbol}"

    @property
    def number_printed(self) -> str:
        if not self.number_line:
            return ""
        year = f"{self.year_in_number}/" if self.year_in_number else ""
        return f"Số: {self.number or '       '}/{year}{self.symbol}"

    @property
    def date_line(self) -> str:
        if self.issued is None:
            month = f"{self.blank_month:02d}" if self.blank_month <= 2 else str(self.blank_month)
            return f"{self.place}, ngày      tháng {month} năm 2025"
        return f"{self.place}, {format_vn_date(self.issued)}"

    @property
    def summary_text(self) -> str:
        return " ".join(self.summary)

    def label(self, filename: str) -> dict:
        return {
            "file": filename,
            "number": self.number_text,
            "type_code": self.type_code,
            "type_name": TYPE_NAMES[self.type_code],
            "parent_issuer": " ".join(self.parent),
            "issuer": " ".join(self.issuer),
            "place": self.place if self.date_in_header else "",
            "issued_on": self.issued.isoformat() if self.issued else "",
            "summary": self.summary_text,
            "signer_title": " / ".join(self.authority),
            "signer_name": self.signer,
        }


def samples() -> list[Sample]:
    """One document of every Decree 30 form: single- and two-level headers, each administrative type, công văn,
    legal normative numbers, a draft with a blank number and day, minutes without a place/date line."""
    out = []
    admin = [
        (
            "QĐ",
            "QĐ-UBND",
            ["Về việc thành lập Hội đồng thẩm định Chỉ số cải cách hành chính", "năm 2025 của các sở, ban, ngành"],
        ),
        ("KH", "KH-UBND", ["Triển khai xác định Chỉ số cải cách hành chính năm 2025"]),
        ("BC", "BC-SNV", ["Kết quả thẩm định Chỉ số cải cách hành chính năm 2024"]),
        ("TB", "TB-UBND", ["Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp", "về cải cách hành chính"]),
        ("TTr", "TTr-SNV", ["Về việc đề nghị phê duyệt Kế hoạch cải cách hành chính năm 2025"]),
        ("CT", "CT-UBND", ["Về việc tăng cường công tác phòng, chống tham nhũng, tiêu cực"]),
        ("HD", "HD-SNV", ["Tự đánh giá, chấm điểm Chỉ số cải cách hành chính"]),
        ("CTr", "CTr-UBND", ["Công tác trọng tâm năm 2025"]),
        ("PA", "PA-UBND", ["Sắp xếp đơn vị hành chính cấp xã"]),
        ("ĐA", "ĐA-UBND", ["Nâng cao chất lượng phục vụ người dân"]),
        ("QC", "QC-UBND", ["Làm việc của Hội đồng thẩm định"]),
        ("QyĐ", "QyĐ-UBND", ["Tiêu chí đánh giá cán bộ, công chức"]),
        ("GM", "GM-SNV", ["Dự hội nghị triển khai Chỉ số cải cách hành chính"]),
        ("HĐ", "HĐ-SNV", ["Thuê dịch vụ khảo sát sự hài lòng"]),
        ("NQ", "NQ-HĐND", ["Về việc thông qua kế hoạch đầu tư công năm 2025"]),
    ]
    for i, (code, symbol, summary) in enumerate(admin):
        two_level = i % 2 == 1
        parent = ["UBND TỈNH QUẢNG NAM"] if two_level else []
        issuer = ["SỞ NỘI VỤ"] if two_level else ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM"]
        if symbol.endswith("HĐND"):
            parent, issuer = [], ["HỘI ĐỒNG NHÂN DÂN", "TỈNH QUẢNG NAM"]
        if two_level:
            symbol = symbol.split("-")[0] + "-SNV"
        day = date(2025, 1 + i % 12, 1 + (3 * i) % 28)
        authority = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] if two_level else ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
        out.append(
            Sample(
                name=f"admin-{i:02d}-{code}",
                issuer=issuer,
                parent=parent,
                number=str(10 + 7 * i),
                symbol=symbol,
                type_code=code,
                summary=summary,
                issued=day,
                authority=authority,
                signer=["Nguyễn Văn An", "Trần Thị Bình", "Lê Quang Cường"][i % 3],
            )
        )
    out.append(
        Sample(
            name="cv-01",
            issuer=["SỞ NỘI VỤ"],
            parent=["UBND TỈNH QUẢNG NAM"],
            number="383",
            symbol="SNV-CCHC",
            type_code="CV",
            summary=["V/v đôn đốc gửi hồ sơ tự đánh giá", "Chỉ số cải cách hành chính năm 2025"],
            issued=date(2025, 12, 22),
            authority=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
            signer="Phạm Văn Dũng",
        )
    )
    out.append(
        Sample(
            name="cv-02",
            issuer=["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"],
            number="2231",
            symbol="UBND-KGVX",
            type_code="CV",
            place="Quảng Ngãi",
            summary=["V/v góp ý dự thảo Quyết định của Thủ tướng Chính phủ"],
            issued=date(2025, 3, 9),
            authority=["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"],
            signer="Phùng Tô Long",
        )
    )
    out.append(
        Sample(
            name="legal-nd",
            issuer=["CHÍNH PHỦ"],
            number="30",
            year_in_number="2020",
            symbol="NĐ-CP",
            type_code="NĐ",
            summary=["Về công tác văn thư"],
            place="Hà Nội",
            issued=date(2020, 3, 5),
            authority=["TM. CHÍNH PHỦ", "THỦ TƯỚNG"],
            signer="Nguyễn Xuân Phúc",
        )
    )
    out.append(
        Sample(
            name="legal-qd",
            issuer=["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM"],
            number="19",
            year_in_number="2012",
            symbol="QĐ-UBND",
            type_code="QĐ",
            summary=["Ban hành Quy định về quản lý công tác văn thư"],
            issued=date(2012, 3, 12),
        )
    )
    out.append(
        Sample(
            name="draft-tb",
            issuer=["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"],
            number=None,
            symbol="TB-UBND",
            type_code="TB",
            place="Quảng Ngãi",
            issued=None,
            summary=["Kết luận của Phó Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp giao ban"],
            authority=["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"],
            signer="Nguyễn Quốc Việt",
        )
    )
    out.append(
        Sample(
            name="minutes-bb",
            issuer=["HỘI ĐỒNG THẨM ĐỊNH"],
            parent=["UBND TỈNH QUẢNG NAM"],
            number="05",
            symbol="BB-HĐTĐ",
            type_code="BB",
            summary=["Họp thẩm định Chỉ số cải cách hành chính năm 2025"],
            issued=date(2026, 1, 10),
            date_in_header=False,
            authority=["CHỦ TỌA"],
            signer="Trần Văn Bình",
            body=[
                "Hôm nay, vào lúc 8 giờ 00, ngày 10 tháng 01 năm 2026, tại Sở Nội vụ, Hội đồng thẩm định"
                " họp thẩm định kết quả tự đánh giá.",
                "Thành phần gồm các thành viên Hội đồng.",
            ],
        )
    )
    out.extend(more_types())
    return out


def more_types() -> list[Sample]:
    """The other kinds evidence files carry: licences, certificates, submission slips, joint guidance of several
    ministries (the issuer is the whole list), a legal circular, minutes without a number dated in their body."""
    return [
        Sample(
            name="licence-gp",
            parent=["UBND TỈNH QUẢNG NAM"],
            issuer=["SỞ THÔNG TIN VÀ TRUYỀN THÔNG"],
            number="27",
            symbol="GP-STTTT",
            type_code="GP",
            issued=date(2024, 6, 18),
            summary=["Thiết lập trang thông tin điện tử tổng hợp"],
            authority=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
            signer="Lê Văn Dũng",
        ),
        Sample(
            name="certificate-gcn",
            parent=["UBND TỈNH QUẢNG NAM"],
            issuer=["SỞ KẾ HOẠCH VÀ ĐẦU TƯ"],
            number="112",
            symbol="GCN-SKHĐT",
            type_code="GCN",
            issued=date(2024, 9, 3),
            summary=["Đăng ký hoạt động chi nhánh hợp tác xã"],
            authority=["GIÁM ĐỐC"],
            signer="Võ Thị Hạnh",
        ),
        Sample(
            name="slip-ptr",
            parent=["UBND TỈNH QUẢNG NAM"],
            issuer=["VĂN PHÒNG"],
            number="45",
            symbol="PTr-VP",
            type_code="PTr",
            issued=date(2025, 4, 2),
            summary=["Giải quyết công việc về cải cách hành chính"],
            authority=["CHÁNH VĂN PHÒNG"],
            signer="Huỳnh Văn Tấn",
        ),
        Sample(
            name="joint-hd",
            issuer=["BỘ CÔNG AN - BỘ QUỐC PHÒNG -", "BỘ Y TẾ"],
            number="03",
            symbol="HD-BCA-BQP-BYT",
            type_code="HD",
            type_line="HƯỚNG DẪN LIÊN NGÀNH",
            place="Hà Nội",
            issued=date(2024, 3, 5),
            summary=["Phối hợp trong công tác cai nghiện ma túy"],
            authority=["BỘ TRƯỞNG BỘ CÔNG AN"],
            signer="Tô Lâm",
        ),
        Sample(
            name="legal-tt",
            issuer=["BỘ NỘI VỤ"],
            number="01",
            year_in_number="2011",
            symbol="TT-BNV",
            type_code="TT",
            place="Hà Nội",
            issued=date(2011, 1, 19),
            summary=["Hướng dẫn thể thức và kỹ thuật trình bày văn bản hành chính"],
            authority=["BỘ TRƯỞNG"],
            signer="Trần Văn Tuấn",
        ),
        Sample(
            name="contract-hd",
            parent=["UBND TỈNH QUẢNG NAM"],
            issuer=["SỞ NỘI VỤ"],
            number="08",
            symbol="HĐ-SNV",
            type_code="HĐ",
            type_line="HỢP ĐỒNG DỊCH VỤ",
            issued=date(2025, 2, 14),
            summary=["Khảo sát sự hài lòng của người dân năm 2025"],
            authority=["GIÁM ĐỐC"],
            signer="Đỗ Văn Hùng",
        ),
        Sample(
            name="minutes-no-number",
            parent=["UBND TỈNH QUẢNG NAM"],
            issuer=["SỞ NỘI VỤ"],
            number=None,
            symbol="BB-SNV",
            type_code="BB",
            number_line=False,
            date_in_header=False,
            issued=date(2025, 12, 9),
            summary=["Họp thống nhất đề xuất thành lập hội"],
            authority=["CHỦ TRÌ"],
            signer="Trần Ngọc Xuân",
            body=[
                "Vào lúc 14 giờ 00 phút, ngày 09 tháng 12 năm 2025 tại Hội trường Sở Nội vụ diễn ra cuộc họp"
                " với thành phần, nội dung như sau:",
                "I. THÀNH PHẦN",
            ],
        ),
    ]


# ---------------------------------------------------------------------------------------------------------------
# DOCX


def write_docx(sample: Sample, path: Path) -> Path:
    import docx
    from docx.shared import Cm, Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    table = document.add_table(rows=2, cols=2)
    _widths(table, [Cm(6.5), Cm(10)])
    left_top = sample.parent + sample.issuer
    right_top = [MOTTO, MOTTO2]
    _cell_lines(table.cell(0, 0), left_top, bold_from=len(sample.parent))
    _cell_lines(table.cell(0, 1), right_top, bold_from=0)
    left_bottom = [sample.number_printed] + (sample.summary if sample.type_code == "CV" else [])
    right_bottom = [sample.date_line] if sample.date_in_header else [""]
    _cell_lines(table.cell(1, 0), left_bottom, bold_from=99)
    _cell_lines(table.cell(1, 1), right_bottom, bold_from=99)
    if sample.type_code != "CV":
        document.add_paragraph(sample.type_heading).runs[0].bold = True
        for line in sample.summary:
            document.add_paragraph(line).runs[0].bold = True
        document.add_paragraph("_______")
    for line in sample.body:
        document.add_paragraph(line)
    signature = document.add_table(rows=1, cols=2)
    _widths(signature, [Cm(7), Cm(9.5)])
    _cell_lines(signature.cell(0, 0), ["Nơi nhận:", "- Như trên;", "- Lưu: VT."], bold_from=99)
    _cell_lines(signature.cell(0, 1), sample.authority + ["", "", sample.signer], bold_from=0)
    document.save(str(path))
    return path


def _widths(table, widths) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _cell_lines(cell, lines: list[str], *, bold_from: int) -> None:
    first = True
    for i, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        run = paragraph.add_run(line)
        run.bold = i >= bold_from


# ---------------------------------------------------------------------------------------------------------------
# PDF


def _fonts():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = font_path(), font_path(bold=True)
    if regular is None:
        raise RuntimeError("no Vietnamese-capable TrueType font (install fonts-liberation or fonts-dejavu)")
    if "VNSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("VNSerif", str(regular)))
        pdfmetrics.registerFont(TTFont("VNSerif-Bold", str(bold or regular)))
    return "VNSerif", "VNSerif-Bold"


def write_pdf(sample: Sample, path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    regular, bold = _fonts()
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    left_x, right_x = 60, 300
    y = height - 60
    left = sample.parent + sample.issuer
    right = [MOTTO, MOTTO2]
    for i in range(max(len(left), len(right))):
        if i < len(left):
            pdf.setFont(bold if i >= len(sample.parent) else regular, 12)
            pdf.drawCentredString(left_x + 90, y, left[i])
        if i < len(right):
            pdf.setFont(bold, 12)
            pdf.drawCentredString(right_x + 140, y, right[i])
        y -= 16
    y -= 10
    pdf.setFont(regular, 13)
    pdf.drawCentredString(left_x + 90, y, sample.number_printed)
    if sample.date_in_header:
        pdf.drawCentredString(right_x + 140, y, sample.date_line)
    y -= 18
    if sample.type_code == "CV":
        pdf.setFont(regular, 12)
        for line in sample.summary:
            pdf.drawCentredString(left_x + 90, y, line)
            y -= 15
    else:
        y -= 20
        pdf.setFont(bold, 14)
        pdf.drawCentredString(width / 2, y, sample.type_heading)
        y -= 18
        for line in sample.summary:
            pdf.drawCentredString(width / 2, y, line)
            y -= 17
    y -= 20
    pdf.setFont(regular, 13)
    for line in sample.body:
        for chunk in _wrap(line, 85):
            pdf.drawString(left_x + 20, y, chunk)
            y -= 17
    y -= 20
    pdf.setFont(bold, 12)
    pdf.drawString(left_x, y, "Nơi nhận:")
    yy = y
    for line in sample.authority:
        pdf.drawCentredString(right_x + 140, yy, line)
        yy -= 16
    pdf.setFont(regular, 11)
    pdf.drawString(left_x, y - 16, "- Như trên;")
    pdf.drawString(left_x, y - 30, "- Lưu: VT.")
    pdf.setFont(bold, 13)
    pdf.drawCentredString(right_x + 140, yy - 60, sample.signer)
    pdf.showPage()
    pdf.save()
    return path


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return lines + ([current] if current else [])


def render_scan(lines: list[str], path: Path, *, dpi: int = 200) -> Path:
    """A 'scanned page': the lines rendered as an image (no text layer), saved as PDF, PNG, JPEG or TIFF by
    the suffix of `path`."""
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 72
    width, height = int(595 * scale), int(842 * scale)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(font_path()), int(13 * scale))
    y = int(60 * scale)
    for line in lines:
        draw.text((int(60 * scale), y), line, fill=0, font=font)
        y += int(20 * scale)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        image.save(path, "PDF", resolution=dpi)
    else:
        image.save(path)
    return path


def export_pdfs(docx_files: list[Path], out_dir: Path, timeout: float = 300) -> list[Path]:
    """PDFs exported from Word documents by LibreOffice, as e-offices do (one LibreOffice run for all)."""
    import os
    import shutil
    import subprocess
    import tempfile

    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        return []
    with tempfile.TemporaryDirectory(prefix="evidence-lo-") as profile:
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *map(str, docx_files),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
            env={**os.environ, "HOME": profile},
        )
    return [p for p in (out_dir / (d.stem + ".pdf") for d in docx_files) if p.is_file()]


def write_labelled_set(folder: Path, *, pdf: bool = True) -> dict[str, dict]:
    """Every sample as DOCX, as PDF drawn by reportlab (header columns side by side) and as PDF exported from the
    DOCX by LibreOffice, in `folder`; returns {filename: label}."""
    labels = {}
    written = []
    by_stem = {}
    for sample in samples():
        name = sample.name + ".docx"
        written.append(write_docx(sample, folder / name))
        labels[name] = sample.label(name)
        by_stem[sample.name] = sample
        drawn = write_pdf(sample, folder / (sample.name + "-drawn.pdf"))
        labels[drawn.name] = sample.label(drawn.name)
    if pdf:
        for path in export_pdfs(written, folder):
            labels[path.name] = by_stem[path.stem].label(path.name)
    return labels


HAND_FONT = FONT_DIR / "dejavu" / "DejaVuSans-BoldOblique.ttf"  # slanted, heavy: a pen's digits, not the print's


def render_header_scan(
    path: Path,
    *,
    number: str,
    day: str,
    month: str = "01",
    year: str = "2025",
    symbol: str = "QĐ-UBND",
    type_line: str = "QUYẾT ĐỊNH",
    subject: str = "Về việc ban hành Kế hoạch cải cách hành chính năm 2025",
    stamp: str | None = None,
    dpi: int = 200,
    pages: int = 1,
    crossed_sevens: bool = False,
) -> Path:
    """A scanned Decree 30 first page laid out as printed: two header columns, the number and the day left blank
        by the print and written in by hand (a slanted heavy font, rotated a little, in dark blue-grey), the type line
        centred, the subject and a body. `stamp` draws an incoming-register stamp box (`ĐẾN Số: … Ngày: …`) at the
        top left, as a receiving office does. `crossed_sevens` writes each 7 of the number the Vietnamese way, with a bar
    through its stem. Saved as PDF (or PNG/JPEG by suffix)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 72
    width, height = int(595 * scale), int(842 * scale)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    regular = ImageFont.truetype(str(font_path()), int(12.5 * scale))
    bold = ImageFont.truetype(str(font_path(bold=True) or font_path()), int(12.5 * scale))
    hand = ImageFont.truetype(str(HAND_FONT if HAND_FONT.is_file() else font_path(bold=True)), int(15 * scale))

    def centred(text, cx, y, font):
        w = draw.textlength(text, font=font)
        draw.text((int(cx - w / 2), int(y)), text, fill=0, font=font)
        return int(cx - w / 2), w

    def handwrite(text, x, y, crossed=False):
        layer = Image.new("L", (int(60 * scale), int(30 * scale)), 255)
        pen = ImageDraw.Draw(layer)
        pen.text((2, 2), text, fill=40, font=hand)
        for i, ch in enumerate(text):
            if crossed and ch == "7":
                # the bar across the middle of the stem, a little wider than the stroke
                left_x = 2 + pen.textlength(text[:i], font=hand)
                box = pen.textbbox((left_x, 2), ch, font=hand)
                mid_y = (box[1] + box[3]) / 2
                stem_x = (box[0] + box[2]) / 2 - (box[2] - box[0]) * 0.08
                pen.line(
                    [(stem_x - (box[2] - box[0]) * 0.4, mid_y), (stem_x + (box[2] - box[0]) * 0.4, mid_y)],
                    fill=40,
                    width=max(2, int(1.6 * scale)),
                )
        layer = layer.rotate(6, fillcolor=255, expand=False)
        image.paste(
            Image.composite(
                layer,
                image.crop((x, y, x + layer.width, y + layer.height)),
                layer.point(lambda v: 255 if v < 200 else 0),
            ),
            (x, y),
        )

    left, right = 150 * scale, 400 * scale
    y0 = 50 * scale
    centred("ỦY BAN NHÂN DÂN", left, y0, regular)
    centred("TỈNH QUẢNG NAM", left, y0 + 17 * scale, bold)
    centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right, y0, bold)
    centred("Độc lập - Tự do - Hạnh phúc", right, y0 + 17 * scale, bold)
    # the number: "Số:" + a gap + "/SYMBOL", the digits written into the gap
    x, w = centred(f"Số:          /{symbol}", left, y0 + 45 * scale, regular)
    handwrite(number, x + int(draw.textlength("Số: ", font=regular)), int(y0 + 40 * scale), crossed_sevens)
    x, w = centred(f"Quảng Nam, ngày        tháng {month} năm {year}", right, y0 + 45 * scale, regular)
    handwrite(day, x + int(draw.textlength("Quảng Nam, ngày ", font=regular)), int(y0 + 40 * scale))
    centred(type_line, width / 2, y0 + 85 * scale, bold)
    centred(subject, width / 2, y0 + 102 * scale, bold)
    body = [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Căn cứ Quyết định số 905/QĐ-UBND ngày 04/5/2018 của Ủy ban nhân dân tỉnh;",
        "Xét đề nghị của Giám đốc Sở Nội vụ.",
    ]
    for i, line in enumerate(body):
        draw.text((int(70 * scale), int(y0 + (140 + 18 * i) * scale)), line, fill=0, font=regular)
    if stamp:
        box = (int(25 * scale), int(y0 + 60 * scale), int(150 * scale), int(y0 + 100 * scale))
        draw.rectangle(box, outline=60, width=3)
        draw.text((box[0] + 8, box[1] + 6), f"ĐẾN Số: {stamp}", fill=60, font=regular)
        draw.text((box[0] + 8, box[1] + int(20 * scale)), "Ngày: 20/3/2025", fill=60, font=regular)
    frames = [image] + [Image.new("L", (width, height), 255) for _ in range(pages - 1)]
    for extra in frames[1:]:
        ImageDraw.Draw(extra).text(
            (int(70 * scale), int(80 * scale)), "Điều 2. Quyết định có hiệu lực kể từ ngày ký.", fill=0, font=regular
        )
    if path.suffix.lower() == ".pdf":
        frames[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=frames[1:])
    else:
        image.save(path)
    return path
