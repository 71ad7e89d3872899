"""Low-level python-docx helpers for Decree 30 documents: fonts that Word really uses, borders, fields, tables.

python-docx covers sizes, bold and alignment; the rest (east-Asian font slots, paragraph borders, table borders,
the PAGE field) needs the XML, kept here so the builder reads as layout.
"""

from __future__ import annotations

import copy

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from .layout import FONT

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
_FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(rpr, name: str = FONT) -> None:
    """Name the font in all four slots and drop theme fonts, which would otherwise win in Word."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in _THEME_SLOTS:
        if fonts.get(qn(slot)) is not None:
            del fonts.attrib[qn(slot)]
    for slot in _FONT_SLOTS:
        fonts.set(qn(slot), name)


def set_language(rpr, lang: str = "vi-VN") -> None:
    node = rpr.find(qn("w:lang"))
    if node is None:
        node = OxmlElement("w:lang")
        rpr.append(node)
    node.set(qn("w:val"), lang)
    node.set(qn("w:eastAsia"), lang)


def set_document_defaults(document, size_pt: float) -> None:
    """Times New Roman, black, Vietnamese, `size_pt` for everything that says nothing else."""
    styles = document.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr_default)
    set_language(rpr_default)
    for tag in ("w:sz", "w:szCs"):
        node = rpr_default.find(qn(tag))
        if node is None:
            node = OxmlElement(tag)
            rpr_default.append(node)
        node.set(qn("w:val"), str(int(round(size_pt * 2))))
    # every style's own rFonts must not point back at theme fonts either
    for fonts in styles.iter(qn("w:rFonts")):
        for slot in _THEME_SLOTS:
            if fonts.get(qn(slot)) is not None:
                del fonts.attrib[qn(slot)]
        for slot in _FONT_SLOTS:
            fonts.set(qn(slot), FONT)
    for color in styles.iter(qn("w:color")):
        color.set(qn("w:val"), "000000")
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            if color.get(qn(attr)) is not None:
                del color.attrib[qn(attr)]


def paragraph_style(
    document,
    name: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align: str = "left",
    before: float = 0,
    after: float = 0,
    line: float | None = 1.0,
    first_line_cm: float | None = None,
    left_cm: float | None = None,
    keep_next: bool = False,
    base: str = "Normal",
):
    """A paragraph style with every property spelled out (nothing inherited by accident)."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles[base]
    style.quick_style = True
    font = style.font
    font.name, font.size, font.bold, font.italic = FONT, Pt(size), bold, italic
    set_fonts(style.element.get_or_add_rPr())
    fmt = style.paragraph_format
    fmt.alignment = ALIGN[align]
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line is not None:
        fmt.line_spacing = line
    fmt.first_line_indent = Cm(first_line_cm) if first_line_cm is not None else Cm(0)
    fmt.left_indent = Cm(left_cm) if left_cm is not None else Cm(0)
    fmt.right_indent = Cm(0)
    fmt.keep_with_next = keep_next
    fmt.widow_control = True
    return style


def rule_style(document, name: str):
    """An empty, 1-pt-high paragraph whose bottom border is the rule; its indents set the rule's length."""
    style = paragraph_style(document, name, size=1, align="center", line=None)
    fmt = style.paragraph_format
    fmt.line_spacing = Pt(1)  # exact height, so the rule sits right under the text above
    set_bottom_border(style.element.get_or_add_pPr())
    return style


def set_bottom_border(ppr, size_eighths: int = 6) -> None:
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # pBdr must come before spacing/ind/jc in CT_PPr; inserting first among the known ones is safe
        ppr.insert(0, borders) if ppr.find(qn("w:pStyle")) is None else ppr.find(qn("w:pStyle")).addnext(borders)
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)


def set_horizontal_indents_mm(paragraph, left_mm: float, right_mm: float) -> None:
    fmt = paragraph.paragraph_format
    fmt.left_indent, fmt.right_indent, fmt.first_line_indent = Mm(max(left_mm, 0)), Mm(max(right_mm, 0)), Mm(0)


def borderless(table) -> None:
    _table_borders(table, "nil")


def grid(table) -> None:
    _table_borders(table, "single")


def _table_borders(table, value: str) -> None:
    tbl_pr = table._tbl.tblPr
    old = tbl_pr.find(qn("w:tblBorders"))
    if old is not None:
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        node = OxmlElement(f"w:{edge}")
        node.set(qn("w:val"), value)
        if value != "nil":
            node.set(qn("w:sz"), "4")
            node.set(qn("w:space"), "0")
            node.set(qn("w:color"), "000000")
        borders.append(node)
    # CT_TblPr order: tblStyle, tblpPr, tblOverlap, bidiVisual, tblStyleRowBandSize, tblStyleColBandSize, tblW,
    # jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook
    anchor = None
    for tag in ("w:tblInd", "w:tblCellSpacing", "w:jc", "w:tblW"):
        anchor = tbl_pr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addnext(borders)
    else:
        tbl_pr.append(borders)


def fixed_widths(table, widths_mm: list[float], *, cell_margin_mm: float | None = None) -> None:
    """Fixed layout, exact column widths (both grid and cells, as Word and LibreOffice each read one)."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    layout = tbl_pr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tbl_pr.append(layout)
    layout.set(qn("w:type"), "fixed")
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    tbl_w.set(qn("w:type"), "dxa")
    for col, width in zip(table.columns, widths_mm):
        col.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)
    if cell_margin_mm is not None:
        margins = OxmlElement("w:tblCellMar")
        for edge in ("left", "right"):
            node = OxmlElement(f"w:{edge}")
            node.set(qn("w:w"), str(int(Mm(cell_margin_mm).twips)))
            node.set(qn("w:type"), "dxa")
            margins.append(node)
        look = tbl_pr.find(qn("w:tblLook"))
        if look is not None:
            look.addprevious(margins)
        else:
            tbl_pr.append(margins)


def repeat_header_row(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    node = OxmlElement("w:tblHeader")
    node.set(qn("w:val"), "true")
    tr_pr.append(node)


def cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def add_page_field(paragraph) -> None:
    """A PAGE field (complex form, which Word and LibreOffice both update)."""

    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run("2")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def page_break_before(paragraph) -> None:
    paragraph.paragraph_format.page_break_before = True


def preserve_spaces(document) -> None:
    """Mark every text node `xml:space="preserve"` so blank numbers (`Số:      /KH`) keep their spaces."""
    for part in [document.part] + [
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith(("/header", "/footer"))
    ]:
        for node in part.element.iter(qn("w:t")):
            node.set(qn("xml:space"), "preserve")


def section_break(document) -> None:
    """End the current section here (next page) and restart page numbering at 1 in the section that follows.

    The paragraph carries a copy of the body's section properties (same page, margins and headers); the body's
    own, now the last section's, gets `pgNumType start=1`."""
    body = document.element.body
    last = body.find(qn("w:sectPr"))
    paragraph = document.add_paragraph()
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(copy.deepcopy(last))
    numbering = last.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        # CT_SectPr order: … pgSz, pgMar, paperSrc, pgBorders, lnNumType, pgNumType, cols …
        anchor = last.find(qn("w:cols"))
        if anchor is not None:
            anchor.addprevious(numbering)
        else:
            last.append(numbering)
    numbering.set(qn("w:start"), "1")
