"""Decree 30 conformance check of a .docx: page, fonts, header, title, body, signature block, page numbers.

It reads the document as Word would: a run's effective font, size, bold and italic come from the run, then its
paragraph style chain, then the document defaults. Each violation names its rule and where it was found.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..errors import InputError
from .layout import (
    ACADEMIC_TITLES,
    AUTHORITY_PREFIXES,
    BODY_FIRST_LINE_INDENT_RANGE_CM,
    BODY_LINE_SPACING_RANGE,
    BODY_MIN_PARAGRAPH_GAP_PT,
    ELEMENTS,
    FONT,
    FULL_RULE_RANGE,
    MARGIN_RANGES_MM,
    MOTTO,
    NATIONAL_TITLE,
    PAGE_MM,
    SHORT_RULE_RANGE,
)
from .metrics import longest_line_mm

DATE_LINE = re.compile(
    r"^(?P<place>[^,]+), ngày (?P<day>\d{2}|\s+|…+|\.+) tháng (?P<month>\d{1,2}) năm (?P<year>\d{4})$"
)
NUMBER_LINE = re.compile(r"^Số:\s*(?P<number>\d*[a-z]?)\s*/(?P<symbol>\S+)$")
TWIPS_PER_MM = 56.6929
MIXED_CASE_TYPES = ("TTr", "CTr", "QyĐ", "TrS")  # Decree 30 appendix III abbreviations that are not all capitals


@dataclass
class Violation:
    rule: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}" + (f" ({self.where})" if self.where else "")


class _Checker:
    def __init__(self, document):
        self.document = document
        self.violations: list[Violation] = []
        self._defaults = self._doc_defaults()

    def fail(self, rule: str, message: str, where: str = "") -> None:
        self.violations.append(Violation(rule, message, where))

    # effective run properties ------------------------------------------------------------------------------
    def _doc_defaults(self) -> dict:
        out: dict = {"size": None, "font": None, "bold": False, "italic": False}
        rpr = self.document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            sz = rpr.find(qn("w:sz"))
            out["size"] = int(sz.get(qn("w:val"))) / 2 if sz is not None else None
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is not None:
                out["font"] = None if fonts.get(qn("w:asciiTheme")) else fonts.get(qn("w:ascii"))
        return out

    def prop(self, run, paragraph, name: str):
        value = _run_prop(run, name)
        if value is not None:
            return value
        if run.style is not None and run.style.name != "Default Paragraph Font":
            value = _style_prop(run.style, name)
            if value is not None:
                return value
        style = paragraph.style
        value = _style_prop(style, name) if style is not None else None
        if value is not None:
            return value
        return self._defaults[name]

    def runs(self, paragraph):
        return [r for r in paragraph.runs if r.text.strip()]

    def check_element(self, paragraph: Paragraph, element: str, label: str) -> None:
        spec = ELEMENTS[element]
        text = paragraph.text.strip()
        for run in self.runs(paragraph):
            size = self.prop(run, paragraph, "size")
            if size is None or not spec.allowed[0] <= size <= spec.allowed[1]:
                self.fail(f"{label}.size", f"{size} pt, expected {_range(spec.allowed)} pt", text[:40])
                break
        for attr in ("bold", "italic"):
            wanted = getattr(spec, attr)
            if wanted is None:
                continue
            actual = [bool(self.prop(r, paragraph, attr)) for r in self.runs(paragraph)]
            if actual and any(a != wanted for a in actual):
                self.fail(f"{label}.{attr}", f"must {'' if wanted else 'not '}be {attr}", text[:40])
        if spec.upper and text != text.upper():
            self.fail(f"{label}.case", "must be upper case", text[:40])


def _range(allowed):
    return f"{allowed[0]:g}" if allowed[0] == allowed[1] else f"{allowed[0]:g}–{allowed[1]:g}"


def _run_prop(run, name):
    font = run.font
    if name == "size":
        return font.size.pt if font.size is not None else None
    if name == "font":
        rpr = run._r.rPr
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is None:
            return None
        if fonts.get(qn("w:asciiTheme")):
            return "(theme font)"
        return fonts.get(qn("w:ascii"))
    return getattr(font, name)


def _style_prop(style, name):
    while style is not None:
        if name == "font":
            rpr = style.element.rPr
            fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
            if fonts is not None:
                if fonts.get(qn("w:asciiTheme")):
                    return "(theme font)"
                if fonts.get(qn("w:ascii")):
                    return fonts.get(qn("w:ascii"))
        else:
            value = (
                style.font.size.pt
                if name == "size" and style.font.size
                else (getattr(style.font, name) if name != "size" else None)
            )
            if value is not None:
                return value
        style = style.base_style
    return None


def _para_format(paragraph, name):
    value = getattr(paragraph.paragraph_format, name)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.paragraph_format, name)
        style = style.base_style
    return value


def _cell_paragraphs(cell) -> list[Paragraph]:
    return [p for p in cell.paragraphs if p.text.strip()]


def _bottom_border(paragraph) -> bool:
    for ppr in [paragraph._p.pPr] + [s.element.pPr for s in _style_chain(paragraph.style)]:
        if ppr is None:
            continue
        bottom = ppr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}")
        if bottom is not None and bottom.get(qn("w:val")) not in ("nil", "none"):
            return True
    return False


def _style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def _rule_after(paragraph: Paragraph) -> Paragraph | None:
    node = paragraph._p.getnext()
    while node is not None and node.tag == qn("w:p"):
        candidate = Paragraph(node, paragraph._parent)
        if _bottom_border(candidate):
            return candidate
        if candidate.text.strip():
            return None
        node = node.getnext()
    return None


def _rule_width_mm(rule: Paragraph, container_mm: float) -> float:
    left = _para_format(rule, "left_indent") or 0
    right = _para_format(rule, "right_indent") or 0
    return container_mm - (left + right) / 36000  # EMU per mm


def _cell_width_mm(cell, table) -> float:
    tc_w = cell._tc.tcPr.find(qn("w:tcW")) if cell._tc.tcPr is not None else None
    width = int(tc_w.get(qn("w:w"))) / TWIPS_PER_MM if tc_w is not None else 80.0
    margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    for edge in ("left", "right"):
        node = margins.find(qn(f"w:{edge}")) if margins is not None else None
        width -= (int(node.get(qn("w:w"))) if node is not None else 108) / TWIPS_PER_MM
    return width


# ---------------------------------------------------------------------------------------------- the checks


KIND_OF_TYPE = {
    "KẾ HOẠCH": "plan",
    "QUYẾT ĐỊNH": "decision",
    "BIÊN BẢN": "minutes",
    "BÁO CÁO": "report",
    "TỜ TRÌNH": "submission",
}


def lint_docx(path: Path | str) -> list[Violation]:
    """The Decree 30 violations of a .docx; an unreadable or damaged file is an InputError naming it (one line),
    never a crash."""
    path = Path(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise InputError(f"not a readable .docx ({type(exc).__name__})", path=path) from None
    try:
        return _lint(document)
    except Exception as exc:  # a damaged document must not crash a batch: one line naming the file
        raise InputError(f"cannot check the document ({type(exc).__name__}: {exc})", path=path) from None


def _lint(document) -> list[Violation]:
    checker = _Checker(document)
    has_section = _check_section(checker, document)
    if has_section:
        _check_page(checker)
    _check_fonts(checker)
    blocks = list(document.iter_inner_content())
    header = blocks[0] if blocks and isinstance(blocks[0], Table) else None
    if header is None:
        checker.fail("header.table", "the document must open with the two-column header table")
        return checker.violations
    is_letter = _check_header(checker, header)
    signature_index = next((i for i, b in enumerate(blocks) if isinstance(b, Table) and _is_signature(b)), None)
    if signature_index is None:
        checker.fail("signature.block", "no signature block (a borderless table with the signer or Nơi nhận)")
        body_blocks = blocks[1:]
    else:
        _check_signature(checker, blocks[signature_index])
        body_blocks = blocks[1:signature_index]
    kind = _check_title_and_body(checker, body_blocks, is_letter)
    _check_kind_parts(checker, kind, header, body_blocks, blocks[signature_index] if signature_index else None)
    if has_section:
        _check_page_numbers(checker, document)
    return checker.violations


def _check_section(c: _Checker, document) -> bool:
    sect = document.element.body.find(qn("w:sectPr"))
    if sect is None or sect.find(qn("w:pgSz")) is None or sect.find(qn("w:pgMar")) is None:
        c.fail("page.section", "the document lost its section properties (page size, margins, page numbers)")
        return False
    return True


def _has_recipients(table) -> bool:
    return any(
        p.text.strip().startswith("Nơi nhận") for row in table.rows for cell in row.cells for p in cell.paragraphs
    )


def _check_kind_parts(c: _Checker, kind: str | None, header: Table, body_blocks: list, signature) -> None:
    """What each kind must have besides the common layout: Nơi nhận (the minutes too, Mẫu 1.9), and `Kính gửi`
    in a report or submission sent up to the parent body."""
    if signature is not None and not _has_recipients(signature):
        c.fail(f"{kind or 'document'}.recipients", "no `Nơi nhận:` (every kind has one, the minutes too)")
    if kind in ("report", "submission"):
        left = [p for row in header.rows for p in _cell_paragraphs(row.cells[0])]
        number = next((i for i, p in enumerate(left) if p.text.strip().startswith("Số")), len(left))
        reports_up = number > 1 or kind == "submission"  # a parent body above the issuer
        addressed = any(isinstance(b, Paragraph) and b.text.strip().startswith("Kính gửi") for b in body_blocks[:8])
        if reports_up and not addressed:
            c.fail(f"{kind}.addressee", "a report or submission to the superior body needs `Kính gửi: …`")


def required_parts(document, kind: str | None = None) -> list[str]:
    """The parts a generated document must not have lost (checked before it is written): section properties,
    the signature block, Nơi nhận."""
    missing = []
    sect = document.element.body.find(qn("w:sectPr"))
    if sect is None or sect.find(qn("w:pgMar")) is None:
        missing.append("its section properties (page size, margins, page numbers)")
    elif kind is not None and sect.find(qn("w:headerReference")) is None:
        missing.append("its page-number header")
    tables = [t for t in document.tables if len(t.columns) == 2 and t.rows]
    signature = next((t for t in tables if _is_signature(t)), None)
    if signature is None:
        missing.append("the signature block")
    elif not _has_recipients(signature):
        missing.append("Nơi nhận")
    return missing


def _check_page(c: _Checker) -> None:
    for i, section in enumerate(c.document.sections, start=1):
        width, height = section.page_width.mm, section.page_height.mm
        if abs(width - PAGE_MM[0]) > 0.5 or abs(height - PAGE_MM[1]) > 0.5:
            c.fail("page.size", f"{width:.1f} × {height:.1f} mm, expected A4 portrait 210 × 297 mm", f"section {i}")
        for name, (low, high) in MARGIN_RANGES_MM.items():
            value = getattr(section, f"{name}_margin").mm
            if not low - 0.05 <= value <= high + 0.05:
                c.fail(f"page.margin.{name}", f"{value:.1f} mm, expected {low:g}–{high:g} mm", f"section {i}")


def _check_fonts(c: _Checker) -> None:
    bad: dict[str, str] = {}
    paragraphs = list(c.document.paragraphs)
    for table in c.document.tables:
        paragraphs.extend(_all_table_paragraphs(table))
    for paragraph in paragraphs:
        for run in c.runs(paragraph):
            font = c.prop(run, paragraph, "font")
            if font != FONT:
                bad.setdefault(str(font), run.text.strip()[:30])
            rpr = run._r.rPr
            color = rpr.find(qn("w:color")) if rpr is not None else None
            if color is not None and color.get(qn("w:val")) not in ("000000", "auto"):
                bad.setdefault(f"colour {color.get(qn('w:val'))}", run.text.strip()[:30])
    for font, sample in bad.items():
        c.fail("font.family", f"{font} used, expected {FONT} in black", sample)


def _all_table_paragraphs(table):
    for row in table.rows:
        for cell in row.cells:
            yield from cell.paragraphs
            for inner in cell.tables:
                yield from _all_table_paragraphs(inner)


def _check_header(c: _Checker, table: Table) -> bool:
    """Returns True for a công văn (a `V/v` line under the number)."""
    if len(table.columns) != 2:
        c.fail("header.table", f"{len(table.columns)} columns, expected 2")
        return False
    left = [p for row in table.rows for p in _cell_paragraphs(row.cells[0])]
    right = [p for row in table.rows for p in _cell_paragraphs(row.cells[1])]
    number = next((p for p in left if p.text.strip().startswith("Số")), None)
    names = left[: left.index(number)] if number is not None else left
    if not names:
        c.fail("header.issuer", "no issuing body in the left column")
    else:
        # the parent body (not bold) above the issuing body, whose name may take two bold lines
        # (ỦY BAN NHÂN DÂN / TỈNH QUẢNG NAM)
        bold = [all(c.prop(r, p, "bold") for r in c.runs(p)) for p in names]
        first_issuer = len(names) - 1
        while first_issuer > 0 and bold[first_issuer - 1]:
            first_issuer -= 1
        parents, issuer_lines = names[:first_issuer], names[first_issuer:]
        for parent in parents:
            c.check_element(parent, "parent", "header.parent")
        for line in issuer_lines:
            c.check_element(line, "issuer", "header.issuer")
        issuer = issuer_lines[-1]
        _check_rule_under(
            c, issuer, "issuer", table, 0, SHORT_RULE_RANGE, "header.issuer_rule", "no rule under the issuing body"
        )
    is_letter = False
    if number is None:
        c.fail("header.number", "no `Số:` line in the left column")
    else:
        c.check_element(number, "number", "header.number")
        text = number.text.strip()
        match = NUMBER_LINE.match(text)
        if not match:
            c.fail("header.number", "expected `Số: 12/KH-UBND` (or a blank number `Số:      /KH-UBND`)", text)
        else:
            digits = re.sub(r"\D.*", "", match.group("number"))
            if digits and int(digits) < 10 and len(digits) < 2:
                c.fail("header.number", "numbers below 10 take a leading zero (05)", text)
            if any(part != part.upper() and part not in MIXED_CASE_TYPES for part in match.group("symbol").split("-")):
                c.fail("header.number", "the symbol must be upper case", text)
        after = left[left.index(number) + 1 :]
        brief = next((p for p in after if p.text.strip().startswith("V/v")), None)
        if brief is not None:
            is_letter = True
            c.check_element(brief, "brief", "header.brief")
    national = next((p for p in right if p.text.strip() == NATIONAL_TITLE), None)
    motto = next((p for p in right if p.text.strip() == MOTTO), None)
    if national is None:
        c.fail("header.national", f"no `{NATIONAL_TITLE}` in the right column")
    else:
        c.check_element(national, "national", "header.national")
    if motto is None:
        c.fail("header.motto", f"no `{MOTTO}` in the right column")
    else:
        c.check_element(motto, "motto", "header.motto")
        _check_rule_under(
            c, motto, "motto", table, 1, FULL_RULE_RANGE, "header.motto_rule", "no full-width rule under the motto"
        )
    dated = [
        p for p in right if p.text.strip().startswith(tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZĐÂĂÊÔƠƯ")) and "ngày" in p.text
    ]
    for paragraph in dated:
        c.check_element(paragraph, "place_date", "header.place_date")
        _check_date_line(c, paragraph.text.strip())
    return is_letter


def _check_rule_under(c, paragraph, role, table, column, allowed, code, missing) -> None:
    """The rule drawn under a header line (issuer, motto): present, and as wide as Decree 30 says."""
    rule = _rule_after(paragraph)
    if rule is None:
        c.fail(code, missing)
    else:
        _check_rule(c, rule, paragraph, role, table, column, allowed, code)


def _check_rule(c, rule, above, element, table, column, ratio_range, label) -> None:
    cell = next(row.cells[column] for row in table.rows if above._p in list(row.cells[column]._tc.iter(qn("w:p"))))
    container = _cell_width_mm(cell, table)
    size = c.prop(c.runs(above)[0], above, "size") or ELEMENTS[element].size
    bold = bool(c.prop(c.runs(above)[0], above, "bold"))
    text_mm = longest_line_mm(above.text.strip(), size, container, bold=bold)
    ratio = _rule_width_mm(rule, container) / text_mm if text_mm else 0
    if not ratio_range[0] <= ratio <= ratio_range[1]:
        want = "1/3–1/2 of" if ratio_range[1] < 0.9 else "as long as"
        c.fail(label, f"the rule is {ratio:.0%} of the text above, expected {want} it")


def _check_date_line(c: _Checker, text: str) -> None:
    match = DATE_LINE.match(text)
    if not match:
        c.fail("header.place_date", "expected `<Place>, ngày 05 tháng 01 năm 2026`", text)
        return
    day, month = match.group("day"), match.group("month")
    if day.isdigit() and not 1 <= int(day) <= 31:
        c.fail("header.place_date", f"day {day} is not a day", text)
    if not 1 <= int(month) <= 12:
        c.fail("header.place_date", f"month {month} is not a month", text)
    elif int(month) <= 2 and len(month) != 2:
        c.fail("header.place_date", "months 1 and 2 take a leading zero (01, 02)", text)
    elif int(month) >= 3 and len(month) != 1 and month.startswith("0"):
        c.fail("header.place_date", "months 3–12 take no leading zero", text)


def _is_signature(table: Table) -> bool:
    if len(table.columns) != 2 or not table.rows:
        return False
    left = _cell_paragraphs(table.rows[0].cells[0])
    right = _cell_paragraphs(table.rows[0].cells[1])
    first_left = left[0].text.strip() if left else ""
    first_right = right[0].text.strip() if right else ""
    return (
        first_left.startswith("Nơi nhận")
        or first_left == "THƯ KÝ"
        or (bool(first_right) and first_right == first_right.upper() and len(right) >= 2 and not first_left)
    )


def _check_signature(c: _Checker, table: Table) -> None:
    left = _cell_paragraphs(table.rows[0].cells[0])
    right = _cell_paragraphs(table.rows[0].cells[1])
    if left and left[0].text.strip() == "THƯ KÝ":  # minutes: secretary left, chair right, Nơi nhận below
        for side, title in ((left, "THƯ KÝ"), (right, "CHỦ TỌA")):
            if not side or side[0].text.strip() != title:
                c.fail("signature.minutes", f"expected {title}")
                continue
            c.check_element(side[0], "authority", "signature.title")
            if len(side) > 1:
                _check_name(c, side[-1])
        below = [p for row in table.rows[1:] for p in _cell_paragraphs(row.cells[0])]
        if below:
            _check_recipients(c, below)
        return
    if not left or not left[0].text.strip().startswith("Nơi nhận"):
        c.fail("recipients.title", "no `Nơi nhận:` at the left of the signature block")
    else:
        _check_recipients(c, left)
    if len(right) < 2:
        c.fail("signature.signer", "expected the authority/title lines and the signer's name")
        return
    *titles, name = right
    first = titles[0].text.strip()
    prefix = first.split(" ", 1)[0]
    if prefix.endswith(".") and prefix not in AUTHORITY_PREFIXES:
        c.fail("signature.authority", f"`{prefix}` is not one of {', '.join(AUTHORITY_PREFIXES)}", first)
    for paragraph in titles:
        c.check_element(paragraph, "authority", "signature.authority")
    _check_name(c, name)


def _check_recipients(c: _Checker, left: list[Paragraph]) -> None:
    title = left[0]
    c.check_element(title, "recipients_title", "recipients.title")
    if title.text.strip() != "Nơi nhận:":
        c.fail("recipients.title", "write it `Nơi nhận:`", title.text.strip())
    if (_para_format(title, "left_indent") or 0) > 0 or (_para_format(title, "first_line_indent") or 0) > 0:
        c.fail("recipients.title", "must be flush left")
    lines = left[1:]
    if not lines:
        c.fail("recipients.list", "no recipients listed")
    for i, line in enumerate(lines):
        c.check_element(line, "recipients", "recipients.list")
        text = line.text.strip()
        last = i == len(lines) - 1
        if not text.startswith("- "):
            c.fail("recipients.list", "each line starts with `- `", text)
        if last and not re.match(r"^- Lưu: VT, .+\.$", text):
            c.fail("recipients.list", "the last line is `- Lưu: VT, <unit> (n).`", text)
        if not last and not text.endswith(";"):
            c.fail("recipients.list", "lines end with `;`", text)


def _check_name(c: _Checker, paragraph: Paragraph) -> None:
    c.check_element(paragraph, "signer_name", "signature.name")
    text = paragraph.text.strip()
    if text == text.upper() and any(ch.isalpha() for ch in text):
        c.fail("signature.name", "the name is written in normal case, not capitals", text)
    if text.startswith(ACADEMIC_TITLES):
        c.fail("signature.name", "no academic titles before the name", text)


def _check_title_and_body(c: _Checker, blocks: list, is_letter: bool) -> str | None:
    """Checks the type line, subject and body paragraphs; returns the kind the type line names."""
    paragraphs = [b for b in blocks if isinstance(b, Paragraph) and b.text.strip()]
    if not paragraphs:
        c.fail("body.missing", "no text between the header and the signature")
        return None
    start = 0
    kind: str | None = "reminder" if is_letter else KIND_OF_TYPE.get(paragraphs[0].text.strip())
    if not is_letter:
        type_line, subject = paragraphs[0], paragraphs[1] if len(paragraphs) > 1 else None
        c.check_element(type_line, "type", "title.type")
        if (
            type_line.alignment is None
            and _para_format(type_line, "alignment") is None
            or int(_para_format(type_line, "alignment") or 0) != 1
        ):
            c.fail("title.type", "the type name is centred", type_line.text.strip())
        if subject is not None:
            c.check_element(subject, "subject", "title.subject")
            if _rule_after(subject) is None:
                c.fail("title.subject_rule", "no short rule under the subject")
        start = 2
    else:
        addressee = paragraphs[0]
        if not addressee.text.strip().startswith("Kính gửi"):
            c.fail("letter.addressee", "a công văn starts with `Kính gửi:`", addressee.text.strip()[:40])
        else:
            c.check_element(addressee, "addressee", "letter.addressee")
        start = 1
    for paragraph in paragraphs[start:]:
        _check_body_paragraph(c, paragraph)
    return kind


def _check_body_paragraph(c: _Checker, paragraph: Paragraph) -> None:
    text = paragraph.text.strip()[:40]
    if paragraph._p.xpath(".//w:drawing"):
        return  # a figure
    alignment = _para_format(paragraph, "alignment")
    alignment = int(alignment) if alignment is not None else 0
    for run in c.runs(paragraph):
        size = c.prop(run, paragraph, "size")
        if size is None or not 13 <= size <= 14:
            c.fail("body.size", f"{size} pt, expected 13–14 pt", text)
            break
    if alignment == 1:  # centred headings (QUYẾT ĐỊNH:, the authority line, captions) are allowed
        return
    if alignment != 3:
        c.fail("body.justify", "body text is justified", text)
    indent = _para_format(paragraph, "first_line_indent")
    indent_cm = (indent or 0) / 360000
    low, high = BODY_FIRST_LINE_INDENT_RANGE_CM
    if not low - 0.01 <= indent_cm <= high + 0.01:
        c.fail("body.indent", f"first-line indent {indent_cm:.2f} cm, expected {low:g}–{high:g} cm", text)
    before = _para_format(paragraph, "space_before") or 0
    after = _para_format(paragraph, "space_after") or 0
    if (before + after) / 12700 < BODY_MIN_PARAGRAPH_GAP_PT - 0.1:
        c.fail("body.spacing", f"{(before + after) / 12700:g} pt between paragraphs, expected ≥ 6 pt", text)
    line = _para_format(paragraph, "line_spacing")
    if isinstance(line, float) and not BODY_LINE_SPACING_RANGE[0] <= line <= BODY_LINE_SPACING_RANGE[1]:
        c.fail("body.line_spacing", f"line spacing {line:g}, expected single to 1.5 lines", text)


def _check_page_numbers(c: _Checker, document) -> None:
    section = document.sections[0]
    if not section.different_first_page_header_footer:
        c.fail("page_number.first", "page 1 must not show a number (different first page)")
    else:
        first = section.first_page_header
        if any(first._element.iter(qn("w:instrText"))) and "PAGE" in "".join(
            t.text or "" for t in first._element.iter(qn("w:instrText"))
        ):
            c.fail("page_number.first", "the first-page header shows a page number")
    header = section.header
    instructions = "".join(t.text or "" for t in header._element.iter(qn("w:instrText")))
    simple = [f.get(qn("w:instr")) or "" for f in header._element.iter(qn("w:fldSimple"))]
    if "PAGE" not in instructions and not any("PAGE" in s for s in simple):
        c.fail("page_number.field", "no PAGE field in the header (numbers from page 2, top centre)")
        return
    for paragraph in header.paragraphs:
        if "PAGE" in "".join(t.text or "" for t in paragraph._p.iter(qn("w:instrText"))):
            if int(_para_format(paragraph, "alignment") or 0) != 1:
                c.fail("page_number.position", "the page number is centred in the top margin")
            size = None
            for run in paragraph.runs:
                size = c.prop(run, paragraph, "size")
                break
            if size is not None and not 13 <= size <= 14:
                c.fail("page_number.size", f"{size} pt, expected 13–14 pt")


def violations_json(violations: list[Violation]) -> list[dict]:
    return [asdict(v) for v in violations]
