"""Due rules: parsing, canonical form, windows for a campaign, Vietnamese descriptions."""

from __future__ import annotations

from datetime import date

import pytest

from evidence.frameworks import describe_due, due_window, parse_due
from evidence.frameworks.due import DueRuleError

PERIOD = {"year": 2025, "period_start": date(2024, 12, 16), "period_end": date(2025, 12, 15)}


@pytest.mark.parametrize(
    "rule, window",
    [
        ("within_period", (date(2024, 12, 16), date(2025, 12, 15))),
        ("before_period", (None, date(2024, 12, 15))),
        ("by 31/12 of year-1", (None, date(2024, 12, 31))),
        ("by 31/03", (None, date(2025, 3, 31))),
        ("from 01/07", (date(2025, 7, 1), None)),
        ("from 1/1 of year+1", (date(2026, 1, 1), None)),
        ("within_period and by 31/01", (date(2024, 12, 16), date(2025, 1, 31))),
    ],
)
def test_windows(rule, window):
    assert due_window(rule, **PERIOD) == window


def test_29_february_in_a_common_year_is_the_28th():
    assert due_window("by 29/02", **PERIOD) == (None, date(2025, 2, 28))
    assert due_window("by 29/02", year=2024, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31)) == (
        None,
        date(2024, 2, 29),
    )


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("By 31/3", "by 31/03"),
        ("by 31 / 12 of year - 1", "by 31/12 of year-1"),
        ("within period", "within_period"),
        ("Trong kỳ đánh giá", "within_period"),
        ("trước kỳ đánh giá", "before_period"),
        ("within_period; by 31/01", "within_period and by 31/01"),
        ("by 31/12 of year", "by 31/12"),
    ],
)
def test_canonical_form(written, canonical):
    assert parse_due(written) == canonical


@pytest.mark.parametrize(
    "rule, reason",
    [
        ("soon", "cannot read due rule"),
        ("by 32/01", "not a day of the year"),
        ("by 30/02", "not a day of the year"),
        ("by 31/13", "not a day of the year"),
        ("", "empty due rule"),
        ("by 31/12 of year-1 and from 01/01", "allows no date"),
    ],
)
def test_bad_rules(rule, reason):
    with pytest.raises(DueRuleError, match=reason):
        parse_due(rule)


def test_describe_in_vietnamese():
    assert describe_due("by 31/12 of year-1") == "ban hành trước ngày 31/12 của năm trước kỳ đánh giá"
    assert describe_due("within_period") == "ban hành trong kỳ đánh giá"
    assert describe_due("before_period") == "ban hành trước khi bắt đầu kỳ đánh giá"
    assert describe_due("by 31/03") == "ban hành trước ngày 31/03 của năm đánh giá"
    assert describe_due("within_period and by 31/01") == "ban hành trong kỳ đánh giá, trước ngày 31/01 của năm đánh giá"
