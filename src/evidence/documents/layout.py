"""Decree 30/2020/NĐ-CP layout: the numbers the template builder writes and the lint checks.

One place for every size, margin and range, so the builder and the conformance check cannot drift apart.
Source: Phụ lục I of the decree (Thể thức, kỹ thuật trình bày văn bản hành chính).
"""

from __future__ import annotations

from dataclasses import dataclass

FONT = "Times New Roman"
PAGE_MM = (210.0, 297.0)  # A4 portrait

# What we write, and the ranges the decree allows (mm).
MARGINS_MM = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0}
MARGIN_RANGES_MM = {"top": (20.0, 25.0), "bottom": (20.0, 25.0), "left": (30.0, 35.0), "right": (15.0, 20.0)}
HEADER_DISTANCE_MM = 10.0  # the page number sits in the top margin

TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165 mm
HEADER_COLUMNS_MM = (65.0, 100.0)  # issuer | national title; sums to the text width
SIGNATURE_COLUMNS_MM = (80.0, 85.0)  # Nơi nhận | signer


@dataclass(frozen=True)
class Element:
    """One element of the layout: the size we write and the range the decree allows."""

    size: float
    allowed: tuple[float, float]
    bold: bool | None = None  # None: not prescribed
    italic: bool | None = None
    upper: bool = False


ELEMENTS: dict[str, Element] = {
    "parent": Element(13, (12, 13), bold=False, italic=False, upper=True),
    "issuer": Element(13, (12, 13), bold=True, italic=False, upper=True),
    "number": Element(13, (13, 13), bold=False, italic=False),
    "brief": Element(12, (12, 13), bold=False, italic=False),  # "V/v …" of a công văn
    "national": Element(13, (12, 13), bold=True, italic=False, upper=True),
    "motto": Element(14, (13, 14), bold=True, italic=False),
    "place_date": Element(14, (13, 14), italic=True),
    "type": Element(14, (13, 14), bold=True, upper=True),
    "subject": Element(14, (13, 14), bold=True),
    "addressee": Element(14, (13, 14), italic=False),  # "Kính gửi:"
    "body": Element(14, (13, 14)),
    "authority": Element(14, (13, 14), bold=True, italic=False, upper=True),
    "signer_name": Element(14, (13, 14), bold=True, italic=False),
    "recipients_title": Element(12, (12, 12), bold=True, italic=True),
    "recipients": Element(11, (11, 11), bold=False, italic=False),
    "page_number": Element(14, (13, 14), bold=False, italic=False),
    "table": Element(12, (10, 14)),
}

BODY_FIRST_LINE_INDENT_CM = 1.27
BODY_FIRST_LINE_INDENT_RANGE_CM = (1.0, 1.27)
BODY_SPACE_AFTER_PT = 6.0
BODY_MIN_PARAGRAPH_GAP_PT = 6.0
BODY_LINE_SPACING = 1.15
BODY_LINE_SPACING_RANGE = (1.0, 1.5)

# The short rule under the issuer (and under the subject) is 1/3–1/2 of the text above it; the rule under the
# motto is as long as the motto. The builder aims at the middle, the lint allows a little slack for rounding.
SHORT_RULE_RATIO = 0.40
SHORT_RULE_RANGE = (0.30, 0.55)
FULL_RULE_RANGE = (0.85, 1.15)

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
AUTHORITY_PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")
ACADEMIC_TITLES = ("GS.", "PGS.", "TS.", "ThS.", "TSKH.", "KS.", "BS.", "CN.")

# Paragraph style names the templates use; the renderer and the lint find elements by them.
STYLE = {
    "parent": "D30 Parent",
    "issuer": "D30 Issuer",
    "issuer_rule": "D30 Issuer Rule",
    "number": "D30 Number",
    "brief": "D30 Brief",
    "national": "D30 National",
    "motto": "D30 Motto",
    "motto_rule": "D30 Motto Rule",
    "place_date": "D30 Place Date",
    "type": "D30 Type",
    "subject": "D30 Subject",
    "subject_rule": "D30 Subject Rule",
    "addressee": "D30 Addressee",
    "body": "D30 Body",
    "heading": "D30 Heading",
    "basis": "D30 Basis",
    "center": "D30 Center",
    "table": "D30 Table",
    "table_head": "D30 Table Head",
    "table_center": "D30 Table Center",
    "recipients_title": "D30 Recipients Title",
    "recipients": "D30 Recipients",
    "authority": "D30 Authority",
    "signer_name": "D30 Signer Name",
    "page_number": "D30 Page Number",
    "draft": "D30 Draft Mark",
    "annex_title": "D30 Annex Title",
    "annex_note": "D30 Annex Note",
    "figure": "D30 Figure",
    "caption": "D30 Caption",
    "spacer": "D30 Spacer",
}
RULE_STYLES = (STYLE["issuer_rule"], STYLE["motto_rule"], STYLE["subject_rule"])
