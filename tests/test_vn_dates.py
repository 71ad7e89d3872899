"""Vietnamese dates: every form, validation, OCR damage, and the Decree 30 way of printing them."""

from datetime import date

import pytest

from evidence.vn.dates import find_dates, format_vn_date, parse_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Quảng Nam, ngày 05 tháng 01 năm 2020", date(2020, 1, 5)),
        ("ngày 04 tháng 5 năm 2018", date(2018, 5, 4)),
        ("ngày 4/5/2018", date(2018, 5, 4)),
        ("04-5-2018", date(2018, 5, 4)),
        ("04.5.2018", date(2018, 5, 4)),
        ("ngày 04 /5/2018", date(2018, 5, 4)),
        ("Ngay 5 thang 3 nam 2020", date(2020, 3, 5)),  # diacritics lost
        ("2020-01-05", date(2020, 1, 5)),
        ("ngày83 tháng 02 năm 2025", date(2025, 2, 3)),  # OCR: 0 read as 8, glued to ngày
        ("ngày Ø3 tháng 4 năm 2018", date(2018, 4, 3)),  # OCR: Ø for 0
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2020", "19/8/19999", "ngày 32 tháng 13 năm 2020", "không có ngày"])
def test_impossible_dates_give_no_date_and_no_crash(text):
    assert parse_date(text) is None


def test_invalid_date_is_a_candidate_with_a_warning():
    [candidate] = find_dates("ban hành ngày 31/02/2020")
    assert candidate.value is None and candidate.warning == "date_invalid"


def test_blank_day_of_a_draft_keeps_month_and_year():
    [candidate] = find_dates("Quảng Ngãi, ngày      tháng 01 năm 2025")
    assert candidate.blank_day and candidate.value is None
    assert (candidate.month, candidate.year) == (1, 2025)


def test_unreadable_handwritten_day_counts_as_blank():
    [candidate] = find_dates("Quảng Ngãi, ngày 2# tháng 01 năm 2021")
    assert candidate.blank_day and candidate.year == 2021


def test_month_quarter_year_and_ranges_with_positions():
    text = "tháng 6/2018; quý II/2019; năm 2017; từ 16/12/2018 đến 15/12/2019"
    found = find_dates(text)
    assert [(c.kind, c.value) for c in found] == [
        ("month", date(2018, 6, 1)),
        ("quarter", date(2019, 4, 1)),
        ("year", date(2017, 1, 1)),
        ("day", date(2018, 12, 16)),
        ("day", date(2019, 12, 15)),
    ]
    assert all(text[c.start : c.end] == c.text for c in found)


@pytest.mark.parametrize(
    "value, printed",
    [
        (date(2020, 1, 5), "ngày 05 tháng 01 năm 2020"),
        (date(2020, 2, 28), "ngày 28 tháng 02 năm 2020"),
        (date(2020, 3, 15), "ngày 15 tháng 3 năm 2020"),
        (date(2020, 12, 1), "ngày 01 tháng 12 năm 2020"),
    ],
)
def test_format_vn_date_follows_decree_30_padding(value, printed):
    assert format_vn_date(value) == printed
