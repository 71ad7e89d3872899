"""Realistic Vietnamese administrative documents made by code: DOCX, text PDF and scanned (image-only) PDF.

Used by the demo, by tests and by benchmarks. The layout follows Decree 30 closely enough for a reader to find
what a real one has: the two-column header (issuer, `Số:` line, motto, place/date line), the type and subject
lines, the body, and the signature block. Fonts come from matplotlib's bundled DejaVu, so no system font is needed.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..documents.fonts import serif_font
from ..errors import InputError
from ..vn.dates import format_vn_date
from ..vn.doctypes import type_name

MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"


@dataclass
class OfficialDoc:
    issuer: str
    type_code: str  # KH, QĐ, BC, CV …
    subject: str  # trích yếu, without "V/v"
    number: str | None = None  # "12/KH-SNV"; "/KH-SNV" for a draft with a blank number
    parent: str = ""
    place: str = "Lâm Đồng"
    issued_on: date | None = None  # None: the day is left blank
    body: list[str] = field(default_factory=list)
    signer_authority: str = ""  # "KT. GIÁM ĐỐC"
    signer_title: str = "GIÁM ĐỐC"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)

    @property
    def is_letter(self) -> bool:
        return self.type_code == "CV"

    @property
    def number_line(self) -> str:
        number = self.number or ""
        if number.startswith("/"):
            return f"Số:       {number}"
        return f"Số: {number}"

    @property
    def date_line(self) -> str:
        if self.issued_on is None:
            return f"{self.place}, ngày      tháng      năm {date.today().year}"
        return f"{self.place}, {format_vn_date(self.issued_on)}"

    @property
    def subject_line(self) -> str:
        return f"V/v {self.subject}" if self.is_letter else self.subject

    @property
    def signature_lines(self) -> list[str]:
        return [line for line in (self.signer_authority, self.signer_title) if line]


def font_path(bold: bool = False, italic: bool = False) -> Path:
    return serif_font(bold, italic)


# ---------------------------------------------------------------- DOCX


def write_docx(doc: OfficialDoc, path: Path) -> Path:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    def para(cell_or_doc, text, *, bold=False, italic=False, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, first=False):
        p = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
        p.alignment = align
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        return p

    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    if doc.parent:
        para(left, doc.parent.upper(), size=12, first=True)
        para(left, doc.issuer.upper(), bold=True, size=12)
    else:
        para(left, doc.issuer.upper(), bold=True, size=12, first=True)
    para(left, doc.number_line)
    if doc.is_letter:
        para(left, doc.subject_line, size=12)
    para(right, MOTTO_1, bold=True, size=12, first=True)
    para(right, MOTTO_2, bold=True)
    para(right, doc.date_line, italic=True, size=14)

    if not doc.is_letter:
        para(document, (type_name(doc.type_code) or doc.type_code).upper(), bold=True, size=14)
        para(document, doc.subject, bold=True, size=14)
    for text in doc.body:
        p = para(document, text, size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        p.paragraph_format.first_line_indent = Mm(10)

    sign = document.add_table(rows=1, cols=2)
    left, right = sign.rows[0].cells
    para(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    for recipient in doc.recipients or ["Như trên"]:
        para(left, f"- {recipient};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    para(left, "- Lưu: VT.", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    lines = doc.signature_lines
    para(right, lines[0] if lines else "", bold=True, first=True)
    for line in lines[1:]:
        para(right, line, bold=True)
    para(right, "")
    para(right, "")
    para(right, doc.signer_name, bold=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


# ---------------------------------------------------------------- text PDF


def _require_reportlab() -> None:
    """reportlab (the `demo` extra) writes the demo's PDFs; the product itself never needs it."""
    try:
        import reportlab  # noqa: F401 - lazily: only the demo and the tests make PDFs
    except ImportError:
        raise InputError("the demo's PDF writer needs reportlab: pip install 'evidence[demo]'") from None


def _register_fonts() -> None:
    _require_reportlab()
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DVSerif" in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont("DVSerif", str(font_path())))
    pdfmetrics.registerFont(TTFont("DVSerif-Bold", str(font_path(bold=True))))
    pdfmetrics.registerFont(TTFont("DVSerif-Italic", str(font_path(italic=True))))
    pdfmetrics.registerFont(TTFont("DVSerif-BoldItalic", str(font_path(bold=True, italic=True))))
    pdfmetrics.registerFontFamily(
        "DVSerif", normal="DVSerif", bold="DVSerif-Bold", italic="DVSerif-Italic", boldItalic="DVSerif-BoldItalic"
    )


def write_pdf(doc: OfficialDoc, path: Path) -> Path:
    """A born-digital PDF, as exported from Word."""
    _require_reportlab()
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    _register_fonts()
    centre = ParagraphStyle("c", fontName="DVSerif", fontSize=11.5, leading=14, alignment=TA_CENTER)
    bold = ParagraphStyle("b", parent=centre, fontName="DVSerif-Bold")
    italic = ParagraphStyle("i", parent=centre, fontName="DVSerif-Italic", fontSize=12)
    title = ParagraphStyle("t", parent=bold, fontSize=13, leading=17)
    body = ParagraphStyle(
        "p", fontName="DVSerif", fontSize=12.5, leading=17, alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=6
    )
    small = ParagraphStyle("s", fontName="DVSerif", fontSize=10.5, leading=13, alignment=TA_LEFT)
    small_bi = ParagraphStyle("sbi", parent=small, fontName="DVSerif-BoldItalic", fontSize=11.5)

    def p(text, style):
        return Paragraph(escape(text), style)

    left = ([p(doc.parent.upper(), centre)] if doc.parent else []) + [
        p(doc.issuer.upper(), bold),
        p(doc.number_line, centre),
    ]
    if doc.is_letter:
        left.append(p(doc.subject_line, centre))
    right = [p(MOTTO_1, bold), p(MOTTO_2, bold), p(doc.date_line, italic)]
    header = Table([[left, right]], colWidths=[62 * mm, 103 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [header, Spacer(1, 8 * mm)]
    if not doc.is_letter:
        story += [
            p((type_name(doc.type_code) or doc.type_code).upper(), title),
            p(doc.subject, title),
            Spacer(1, 6 * mm),
        ]
    story += [p(text, body) for text in doc.body]
    recipients = [p("Nơi nhận:", small_bi)] + [p(f"- {r};", small) for r in (doc.recipients or ["Như trên"])]
    recipients.append(p("- Lưu: VT.", small))
    signature = [p(line, bold) for line in doc.signature_lines] + [Spacer(1, 16 * mm), p(doc.signer_name, bold)]
    block = Table([[recipients, signature]], colWidths=[80 * mm, 85 * mm])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Spacer(1, 6 * mm), block]
    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=30 * mm,
        rightMargin=15 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=doc.subject,
        author=doc.issuer,
    ).build(story)
    return path


# ---------------------------------------------------------------- scanned PDF (no text layer)


def write_scanned_pdf(doc: OfficialDoc, path: Path, *, dpi: int = 200) -> Path:
    """An image-only PDF, like a scan from a copier: the page is a picture, there is no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = int(8.27 * dpi), int(11.69 * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    pt = dpi / 72

    def font(size, bold=False, italic=False):
        return ImageFont.truetype(str(font_path(bold, italic)), int(size * pt))

    def centred(text, x_centre, y, f):
        w = draw.textlength(text, font=f)
        draw.text((x_centre - w / 2, y), text, font=f, fill=0)
        return y + int(f.size * 1.45)

    margin_l, margin_r = int(30 / 25.4 * dpi), int(15 / 25.4 * dpi)
    left_c, right_c = margin_l + int(35 / 25.4 * dpi), width - margin_r - int(50 / 25.4 * dpi)
    y0 = int(20 / 25.4 * dpi)
    y = y0
    if doc.parent:
        y = centred(doc.parent.upper(), left_c, y, font(11.5))
    y = centred(doc.issuer.upper(), left_c, y, font(11.5, bold=True))
    y = centred(doc.number_line, left_c, y, font(12))
    if doc.is_letter:
        y = centred(doc.subject_line, left_c, y, font(11.5))
    yr = y0
    yr = centred(MOTTO_1, right_c, yr, font(11.5, bold=True))
    yr = centred(MOTTO_2, right_c, yr, font(12, bold=True))
    yr = centred(doc.date_line, right_c, yr + 10, font(12, italic=True))
    y = max(y, yr) + int(12 * pt)
    if not doc.is_letter:
        y = centred((type_name(doc.type_code) or doc.type_code).upper(), width / 2, y, font(13, bold=True))
        for line in textwrap.wrap(doc.subject, 70):
            y = centred(line, width / 2, y, font(13, bold=True))
        y += int(10 * pt)
    body_font = font(12.5)
    chars = int((width - margin_l - margin_r) / (body_font.size * 0.5))
    for text in doc.body:
        for i, line in enumerate(textwrap.wrap(text, chars)):
            draw.text((margin_l + (int(10 / 25.4 * dpi) if i == 0 else 0), y), line, font=body_font, fill=0)
            y += int(body_font.size * 1.5)
        y += int(4 * pt)
    y += int(10 * pt)
    for line in doc.signature_lines:
        y = centred(line, right_c, y, font(12, bold=True))
    centred(doc.signer_name, right_c, y + int(50 * pt), font(12, bold=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    page.save(path, "PDF", resolution=dpi)
    return path


def write(doc: OfficialDoc, path: Path, kind: str = "docx") -> Path:
    """kind: docx, pdf or scan."""
    writers = {"docx": write_docx, "pdf": write_pdf, "scan": write_scanned_pdf}
    return writers[kind](doc, path)


if __name__ == "__main__":  # python -m evidence.demo.docgen: a manual look at the output
    sample = OfficialDoc(
        issuer="Sở Tư pháp",
        parent="UBND tỉnh Lâm Đồng",
        type_code="KH",
        number="12/KH-STP",
        issued_on=date(2025, 1, 5),
        subject="Cải cách hành chính năm 2025",
        body=["Thực hiện Quyết định số 905/QĐ-UBND ngày 04/5/2018 của UBND tỉnh."],
        signer_title="GIÁM ĐỐC",
        signer_name="Nguyễn Văn An",
    )
    for kind in ("docx", "pdf", "scan"):
        print(write(sample, Path(f"/tmp/docgen-sample.{kind if kind != 'scan' else 'scan.pdf'}"), kind))
