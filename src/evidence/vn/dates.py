"""Dates in Vietnamese documents: every form of domain.md §4, validated, as candidates with positions.

Forms: `ngày 04 tháng 5 năm 2018`, `4/5/2018`, `04-5-2018`, `04.5.2018`, `tháng 6/2018`, `quý II/2019`,
`năm 2017`, ranges (`từ 16/12/2018 đến 15/12/2019`, `01/6/2009 - 01/6/2020`: each end is a candidate). OCR damage
is tolerated (`ngày83 tháng 02`, lost diacritics, spaces in odd places); an impossible date (31/02, year 19999)
is kept as a candidate with value None and a warning, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .text import fold_aligned, nfc

MIN_YEAR = 1945


def max_year() -> int:
    return date.today().year + 1


@dataclass(frozen=True)
class DateCandidate:
    start: int
    end: int
    value: date | None  # None when the printed date is impossible
    kind: str  # "day" (full date), "month", "quarter", "year"
    text: str
    warning: str | None = None  # "date_invalid", "date_repaired"
    blank_day: bool = False  # `ngày   tháng 01 năm 2025` (day left blank for the issuing office)
    month: int | None = None
    year: int | None = None


_SP = r"[ \t]*"
# on folded, lower-cased text (fold_aligned): "ngày" → "ngay", "tháng" → "thang", "năm" → "nam"
# OCR of handwritten digits leaves junk where the day or month is (`ngày 2# thángØŸ năm 2021`): up to 4 junk
# characters are tolerated and make that part unreadable
LONG_RE = re.compile(
    rf"ngay{_SP}(?P<d>\d{{1,2}}(?!\d))?(?P<dj>[^\n]{{0,4}}?)[ \t.,]*(?:thang|thaug|thong){_SP}"
    rf"(?P<m>\d{{1,2}}(?!\d))?(?P<mj>[^\n]{{0,4}}?)[ \t.,]*(?:nam|narn|nem){_SP}(?P<y>\d{{4,5}})"
)
NUMERIC_RE = re.compile(
    rf"(?<![\d/.-])(?P<d>\d{{1,2}}){_SP}(?P<s>[/.-]){_SP}(?P<m>\d{{1,2}}){_SP}(?P=s){_SP}(?P<y>\d{{4,5}}|\d{{2}})(?![\d/])"
)
ISO_RE = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
MONTH_RE = re.compile(rf"thang{_SP}(?P<m>\d{{1,2}}){_SP}(?:/|nam){_SP}(?P<y>\d{{4}})(?!\d)")
QUARTER_RE = re.compile(rf"quy{_SP}(?P<q>iv|iii|ii|i|[1-4])(?![a-z]){_SP}(?:/|nam){_SP}(?P<y>\d{{4}})(?!\d)")
YEAR_RE = re.compile(rf"nam{_SP}(?P<y>\d{{4}})(?!\d)")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _year(text: str) -> int | None:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= max_year() % 100 else 1900
    return year if MIN_YEAR <= year <= max_year() else None


def make_date(year: int | None, month: int | None, day: int | None) -> date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day_candidate(start, end, text, d, m, y) -> DateCandidate:
    year = _year(y) if y else None
    month = int(m) if m else None
    if d is None:
        return DateCandidate(
            start,
            end,
            None,
            "day",
            text,
            None if year else "date_invalid",
            blank_day=True,
            month=month if month and 1 <= month <= 12 else None,
            year=year,
        )
    day = int(d)
    value = make_date(year, month, day)
    warning = None
    if value is None and year and month and day > 31 and day % 10:
        value = make_date(year, month, day % 10)  # OCR read a 0 as another digit: "ngày83" for "ngày 03"
        warning = "date_repaired" if value else None
    if value is None:
        warning = "date_invalid"
    return DateCandidate(start, end, value, "day", text, warning, month=month, year=year)


_LOOKALIKES = str.maketrans({"ø": "0", "o": "0", "l": "1", "i": "1", "|": "1"})


def _repair(digits: str | None, junk: str) -> str | None:
    """Digits of a day or month with OCR junk around them: `Ø3` → `03`; unreadable junk (`2#`, `{5`) → None."""
    junk = junk.strip(" .,")
    if not junk:
        return digits
    fixed = ((digits or "") + junk).translate(_LOOKALIKES).replace(" ", "")
    if 1 <= len(fixed) <= 2 and fixed.isdigit():
        return fixed
    return None


def find_dates(text: str) -> list[DateCandidate]:
    """Every date-like expression in `text`, in order of position (overlaps resolved: longest form wins)."""
    text = nfc(text or "")
    folded = fold_aligned(text)
    found: list[DateCandidate] = []
    taken: list[tuple[int, int]] = []

    def free(s, e):
        return all(e <= a or s >= b for a, b in taken)

    for match in LONG_RE.finditer(folded):
        s, e = match.span()
        day = _repair(match.group("d"), match.group("dj"))
        month = _repair(match.group("m"), match.group("mj"))
        found.append(_day_candidate(s, e, text[s:e], day, month, match.group("y")))
        taken.append((s, e))
    for regex in (ISO_RE, NUMERIC_RE):
        for match in regex.finditer(folded):
            s, e = match.span()
            if free(s, e):
                found.append(_day_candidate(s, e, text[s:e], match.group("d"), match.group("m"), match.group("y")))
                taken.append((s, e))
    for match in MONTH_RE.finditer(folded):
        s, e = match.span()
        if free(s, e):
            year, month_number = _year(match.group("y")), int(match.group("m"))
            first_day = date(year, month_number, 1) if year and 1 <= month_number <= 12 else None
            found.append(
                DateCandidate(
                    s,
                    e,
                    first_day,
                    "month",
                    text[s:e],
                    None if first_day else "date_invalid",
                    month=month_number,
                    year=year,
                )
            )
            taken.append((s, e))
    for match in QUARTER_RE.finditer(folded):
        s, e = match.span()
        if free(s, e):
            year, quarter = _year(match.group("y")), _QUARTERS[match.group("q")]
            found.append(
                DateCandidate(
                    s,
                    e,
                    date(year, 3 * quarter - 2, 1) if year else None,
                    "quarter",
                    text[s:e],
                    None if year else "date_invalid",
                    year=year,
                )
            )
            taken.append((s, e))
    for match in YEAR_RE.finditer(folded):
        s, e = match.span()
        if free(s, e):
            year = _year(match.group("y"))
            found.append(
                DateCandidate(
                    s,
                    e,
                    date(year, 1, 1) if year else None,
                    "year",
                    text[s:e],
                    None if year else "date_invalid",
                    year=year,
                )
            )
            taken.append((s, e))
    found.sort(key=lambda c: c.start)
    return found


def parse_date(text: str | None) -> date | None:
    """The first complete, valid date in `text`: `2020-01-05`, `5/1/2020`, `ngày 05 tháng 01 năm 2020` …"""
    for candidate in find_dates(text or ""):
        if candidate.kind == "day" and candidate.value is not None:
            return candidate.value
    return None


def format_vn_date(value: date) -> str:
    """`ngày 05 tháng 01 năm 2020`: Decree 30 pads days below 10 and months 1–2 with a zero, not months 3–12."""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"
