"""Due rules: when the evidence for a criterion must have been issued, relative to the campaign.

A framework states a rule per criterion (`due:` in YAML, the "Thời hạn" column in Excel). The scoring engine turns
it into a window of allowed issue dates with `due_window` and reports a LATE_ISSUE finding outside it.

The language is small on purpose. A rule is one or more terms joined by `and` (the window is their intersection):

    within_period            issued within the campaign's assessment period (start and end included)
    before_period            issued before the period starts
    by DD/MM                 issued on or before that day of the campaign year
    by DD/MM of year-1       … of the year before the campaign year (`year+1`, `year-2` … and `year` work too)
    from DD/MM [of year±N]   issued on or after that day

Examples: `by 31/12 of year-1` (the yearly plan is issued before the year starts), `within_period and by 31/01`
(issued in the period, at the latest by the end of January). Words are case-insensitive; `within period` and
`before period` (with a space) are accepted too. A few Vietnamese phrasings are accepted as well: `trong kỳ đánh giá`,
`trước kỳ đánh giá`.

`parse_due` checks a rule and returns its canonical text (what the store keeps); `describe_due` says it in Vietnamese.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..vn.text import fold, nfc, squash_spaces

WITHIN_PERIOD = "within_period"
BEFORE_PERIOD = "before_period"

_KEYWORDS = {
    "within_period": WITHIN_PERIOD,
    "within period": WITHIN_PERIOD,
    "trong ky": WITHIN_PERIOD,
    "trong ky danh gia": WITHIN_PERIOD,
    "before_period": BEFORE_PERIOD,
    "before period": BEFORE_PERIOD,
    "truoc ky": BEFORE_PERIOD,
    "truoc ky danh gia": BEFORE_PERIOD,
}
_DAY_TERM = re.compile(
    r"^(?P<op>by|from)\s+(?P<day>\d{1,2})\s*/\s*(?P<month>\d{1,2})"
    r"(?:\s+of\s+year\s*(?:(?P<sign>[+-])\s*(?P<offset>\d{1,2}))?)?$"
)
_AND = re.compile(r"\s+and\s+|\s*;\s*|\s*&\s*")


class DueRuleError(ValueError):
    """A rule that does not parse; the message is short and says what is expected."""


@dataclass(frozen=True)
class DueTerm:
    kind: str  # within_period | before_period | by | from
    day: int = 0
    month: int = 0
    year_offset: int = 0

    @property
    def text(self) -> str:
        if self.kind in (WITHIN_PERIOD, BEFORE_PERIOD):
            return self.kind
        suffix = "" if self.year_offset == 0 else f" of year{self.year_offset:+d}"
        return f"{self.kind} {self.day:02d}/{self.month:02d}{suffix}"

    def bounds(self, year: int, period_start: date, period_end: date) -> tuple[date | None, date | None]:
        if self.kind == WITHIN_PERIOD:
            return period_start, period_end
        if self.kind == BEFORE_PERIOD:
            return None, period_start - timedelta(days=1)
        day = _clamped_day(year + self.year_offset, self.month, self.day)
        return (None, day) if self.kind == "by" else (day, None)


def _clamped_day(year: int, month: int, day: int) -> date:
    """29/02 in a year without one means 28/02."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _parse_term(text: str) -> DueTerm:
    lowered = squash_spaces(fold(text)).lower()
    if lowered in _KEYWORDS:
        return DueTerm(_KEYWORDS[lowered])
    match = _DAY_TERM.match(lowered)
    if not match:
        raise DueRuleError(
            f"cannot read due rule '{text}' (expected within_period, before_period,"
            " 'by DD/MM [of year-1]' or 'from DD/MM [of year-1]')"
        )
    day, month = int(match["day"]), int(match["month"])
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:  # 2000: 29/02 exists
        raise DueRuleError(f"due rule '{text}': {day}/{month} is not a day of the year")
    offset = int(match["offset"] or 0) * (-1 if match["sign"] == "-" else 1)
    return DueTerm(match["op"], day, month, offset)


def parse_terms(rule: str) -> list[DueTerm]:
    text = squash_spaces(nfc(str(rule)))
    if not text:
        raise DueRuleError("empty due rule")
    terms = [_parse_term(part) for part in _AND.split(text) if part.strip()]
    if not terms:
        raise DueRuleError(f"cannot read due rule '{rule}'")
    return terms


def parse_due(rule: str) -> str:
    """Check a rule; return its canonical text (`by 31/12 of year-1`). Raises DueRuleError."""
    terms = parse_terms(rule)
    # A rule whose window is empty in every year is a mistake, not a rule: test it on a typical period.
    low, high = _window(terms, 2025, date(2024, 12, 16), date(2025, 12, 15))
    if low is not None and high is not None and low > high:
        raise DueRuleError(f"due rule '{rule}' allows no date at all")
    return " and ".join(term.text for term in terms)


def _window(terms: list[DueTerm], year: int, start: date, end: date) -> tuple[date | None, date | None]:
    low: date | None = None
    high: date | None = None
    for term in terms:
        a, b = term.bounds(year, start, end)
        if a is not None and (low is None or a > low):
            low = a
        if b is not None and (high is None or b < high):
            high = b
    return low, high


def due_window(rule: str, *, year: int, period_start: date, period_end: date) -> tuple[date | None, date | None]:
    """The earliest and latest allowed issue dates (both inclusive; None = unbounded) for a campaign.

    `year` is the campaign year (the one `by 31/03` refers to); the period is the campaign's assessment period.
    """
    return _window(parse_terms(rule), year, period_start, period_end)


def _year_words(offset: int) -> str:
    if offset == 0:
        return "của năm đánh giá"
    if offset == -1:
        return "của năm trước kỳ đánh giá"
    if offset == 1:
        return "của năm sau kỳ đánh giá"
    return f"của năm đánh giá {'trừ' if offset < 0 else 'cộng'} {abs(offset)}"


def _describe_term(term: DueTerm) -> str:
    if term.kind == WITHIN_PERIOD:
        return "ban hành trong kỳ đánh giá"
    if term.kind == BEFORE_PERIOD:
        return "ban hành trước khi bắt đầu kỳ đánh giá"
    word = "trước ngày" if term.kind == "by" else "từ ngày"
    return f"ban hành {word} {term.day:02d}/{term.month:02d} {_year_words(term.year_offset)}"


def describe_due(rule: str) -> str:
    """The rule in Vietnamese, for documents and findings: "ban hành trước ngày 31/12 của năm trước kỳ đánh giá"."""
    parts = [_describe_term(term) for term in parse_terms(rule)]
    return parts[0] + "".join(", " + p.removeprefix("ban hành ") for p in parts[1:])
