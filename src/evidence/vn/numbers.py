"""Document numbers and symbols (số và ký hiệu): parsing, canonical form, and matching user input.

Canonical form: NFC, no spaces, `84/QĐ-UBND`; a blank number (drafts, e-office PDFs before issuance) as
`/TB-UBND`; legal documents `30/2020/NĐ-CP`. Oddities are kept as printed (`30c/NQ-CP`, `QĐ.TTg`, `QĐUBND`,
`101/CP`, party documents `05-NQ/TU`), with OCR damage repaired where it is unambiguous (`QĐÐ` → `QĐ`,
`Ð/ð` → `Đ/đ`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .doctypes import TYPE_NAMES
from .text import nfc

_LETTER = r"A-Za-zÀ-ỹĐđÐð"
# the symbol: parts of letters/digits/&/. joined by hyphens (spaces tolerated around the hyphens)
_SYMBOL = rf"[{_LETTER}][{_LETTER}0-9&.]*(?:[ \t]*[-–][ \t]*[{_LETTER}0-9][{_LETTER}0-9&.]*)*"
NUMBER_RE = re.compile(
    rf"(?<![\w/])(?P<num>\d{{1,6}}[a-zA-Z]?)?[ \t]*/[ \t]*(?:(?P<year>(?:19|20)\d\d)[ \t]*/[ \t]*)?(?P<sym>{_SYMBOL})"
)
# party documents: 05-NQ/TU, 12-CT/TW
PARTY_RE = re.compile(rf"(?<![\w/])(?P<num>\d{{1,5}})-(?P<code>[{_LETTER}]{{1,4}})/(?P<org>[{_LETTER}0-9]+)")

# mixed-case codes, found again from user input typed in one case
_MIXED = {code.upper(): code for code in TYPE_NAMES if code != code.upper()}
_MIXED_ISSUERS = {"TTG": "TTg"}  # Thủ tướng Chính phủ


@dataclass(frozen=True)
class DocNumber:
    number: str | None  # "84", "30c"; None when blank
    year: str | None  # legal documents: "2020"
    symbol: str  # "QĐ-UBND"

    @property
    def canonical(self) -> str:
        parts = [self.number or ""]
        if self.year:
            parts.append(self.year)
        parts.append(self.symbol)
        return "/".join(parts)

    @property
    def type_code(self) -> str | None:
        """The Decree 30 code the symbol starts with (QĐ, KH, NĐ …), else None (công văn, party documents)."""
        return symbol_type_code(self.symbol)

    @property
    def blank(self) -> bool:
        return not self.number


def clean_symbol(symbol: str) -> str:
    """`QĐÐ - UBND` → `QĐ-UBND`; `TTR-UBND` → `TTr-UBND`; `Qđ-UBND` → `QĐ-UBND`."""
    text = nfc(symbol).replace("Ð", "Đ").replace("ð", "đ").replace("–", "-")
    text = re.sub(r"\s+", "", text).strip(".-&")
    text = re.sub(r"Đ{2,}", "Đ", text)
    text = re.sub(r"-{2,}", "-", text)
    parts = text.split("-")
    head = parts[0]
    if head not in TYPE_NAMES:
        upper = head.upper()
        if upper in _MIXED:
            head = _MIXED[upper]
        elif upper in TYPE_NAMES:
            head = upper
    parts[0] = head
    return "-".join(parts[:1] + [p.upper() if p.islower() else p for p in parts[1:]])


def symbol_type_code(symbol: str) -> str | None:
    head = re.split(r"[-.]", symbol, maxsplit=1)[0]
    if head in TYPE_NAMES and head != "CV":
        return head
    return None


def parse_number(text: str) -> DocNumber | None:
    """The first number-and-symbol in `text` (e.g. the rest of a `Số:` line), or None."""
    text = nfc(text or "")
    match = NUMBER_RE.search(text)
    if match:
        return DocNumber(
            number=_clean_digits(match.group("num")), year=match.group("year"), symbol=clean_symbol(match.group("sym"))
        )
    match = PARTY_RE.search(text)
    if match:
        return DocNumber(
            number=f"{match.group('num')}-{match.group('code').upper()}", year=None, symbol=match.group("org").upper()
        )
    return None


def _clean_digits(num: str | None) -> str | None:
    if not num:
        return None
    return num.lstrip("0") if len(num) > 2 and num[:-1].isdigit() and num.startswith("0") else num


def normalize_number(text: str | None) -> str | None:
    """The canonical form of a number typed by a user, for exact matching: `1366 / kh - ubnd` → `1366/KH-UBND`,
    `số 30/2020/nđ-cp` → `30/2020/NĐ-CP`, `84/QĐÐ-UBND` → `84/QĐ-UBND`. None when `text` holds no number.

    Letters are upper-cased (symbols are printed upper case) except the mixed-case type codes of Decree 30 (TTr,
    CTr, QyĐ, TrS) at the head of the symbol, so the result compares equal to `Reading.metadata["number"]`.
    """
    if not text:
        return None
    text = nfc(text).strip()
    text = re.sub(r"^(?:số|so|no\.?)\s*[:.]?\s*", "", text, flags=re.IGNORECASE)
    parsed = parse_number(text)
    if parsed is None:
        return None
    symbol = parsed.symbol
    letters = [ch for ch in symbol if ch.isalpha()]
    if letters and all(ch.islower() for ch in letters) or all(ch.isupper() for ch in letters):
        # typed in one case: upper-case it, then restore the mixed-case codes Decree 30 and issuers use
        parts = symbol.upper().split("-")
        symbol = "-".join(
            _MIXED.get(p, _MIXED_ISSUERS.get(p, p)) if i == 0 else _MIXED_ISSUERS.get(p, p) for i, p in enumerate(parts)
        )
    return DocNumber(parsed.number, parsed.year, symbol).canonical


def find_numbers(text: str) -> list[tuple[int, int, DocNumber]]:
    """Every number-and-symbol in `text` with its span (for references)."""
    out = []
    for match in NUMBER_RE.finditer(nfc(text or "")):
        if not match.group("num"):
            continue
        out.append(
            (
                match.start(),
                match.end(),
                DocNumber(
                    number=_clean_digits(match.group("num")),
                    year=match.group("year"),
                    symbol=clean_symbol(match.group("sym")),
                ),
            )
        )
    return out
