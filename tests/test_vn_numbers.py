"""Number-and-symbol parsing and the canonical form search uses for exact matching."""

import pytest

from evidence.vn.numbers import find_numbers, normalize_number, parse_number


@pytest.mark.parametrize(
    "typed, canonical",
    [
        ("1366 / kh - ubnd", "1366/KH-UBND"),
        ("Số: 84/QĐ-UBND", "84/QĐ-UBND"),
        ("84/QĐÐ-UBND", "84/QĐ-UBND"),  # OCR doubles Đ as Icelandic eth
        ("số 30/2020/nđ-cp", "30/2020/NĐ-CP"),
        ("12/2021/qđ-ttg", "12/2021/QĐ-TTg"),
        ("01/ttr-ubnd", "01/TTr-UBND"),  # mixed-case Decree 30 code restored
        ("24/TTr -UBND", "24/TTr-UBND"),  # stray space in the symbol
        ("30c/NQ-CP", "30c/NQ-CP"),
        ("2231/SNV-CCHC&PC", "2231/SNV-CCHC&PC"),
        ("1906/SGDĐT-CTrTT", "1906/SGDĐT-CTrTT"),
        ("Số:      /TB-UBND", "/TB-UBND"),  # blank number of a draft
        ("05-NQ/TU", "05-NQ/TU"),  # party document
        ("101/CP", "101/CP"),
    ],
)
def test_normalize_number(typed, canonical):
    assert normalize_number(typed) == canonical


def test_normalize_number_without_a_number():
    assert normalize_number("kế hoạch cải cách") is None
    assert normalize_number("") is None


@pytest.mark.parametrize(
    "text, code",
    [
        ("84/QĐ-UBND", "QĐ"),
        ("12/HD-SNV", "HD"),
        ("12/HĐ-SNV", "HĐ"),
        ("30/2020/NĐ-CP", "NĐ"),
        ("383/BNV-CCHC", None),
        ("7/QyĐ-UBND", "QyĐ"),
        ("5/CTr-UBND", "CTr"),
    ],
)
def test_type_code_of_symbol_is_case_sensitive(text, code):
    assert parse_number(text).type_code == code


def test_blank_number_is_flagged():
    parsed = parse_number("Số:        /TB-UBND")
    assert parsed.blank and parsed.canonical == "/TB-UBND"


def test_find_numbers_in_body_text():
    text = "Căn cứ Nghị định số 34/2016/NĐ-CP ngày 14 tháng 5 năm 2016 và Kế hoạch số 1366/KH-UBND;"
    assert [n.canonical for _, _, n in find_numbers(text)] == ["34/2016/NĐ-CP", "1366/KH-UBND"]
