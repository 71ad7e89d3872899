"""Search behaves as a Vietnamese reviewer expects: the right document comes first."""

from __future__ import annotations

import json

import pytest

from evidence.errors import InputError
from evidence.search import search
from search_fixtures import load_all

BOTH_ENGINES = True  # every test here runs on SQLite and on PostgreSQL (conftest.py)


@pytest.fixture
def docs(store, campaign):
    return load_all(store)


def ids_of(result):
    return [r["evidence_id"] for r in result["results"]]


def test_accented_query_finds_both_forms_accented_first(store, docs):
    result = search(store, "tài liệu kiểm chứng")
    assert ids_of(result)[:2] == [docs["plan"], docs["plain"]]
    assert result["total"] == 2


def test_unaccented_query_finds_accented_documents(store, docs):
    result = search(store, "tai lieu kiem chung")
    assert set(ids_of(result)) == {docs["plan"], docs["plain"]}


def test_d_folds_to_d(store, docs):
    assert ids_of(search(store, "quyet dinh cong bo"))[0] == docs["reform"]
    assert ids_of(search(store, "QUYẾT ĐỊNH công bố"))[0] == docs["reform"]


def test_phrase_matches_words_in_order_only(store, docs):
    result = search(store, '"chỉ số cải cách hành chính"')
    assert docs["scattered"] not in ids_of(result)  # has every word, not the phrase
    assert set(ids_of(result)) == {docs["plan"], docs["reform"]}
    assert ids_of(result)[0] == docs["reform"]  # the phrase is also its subject
    unquoted = search(store, "chỉ số cải cách hành chính")
    assert docs["scattered"] in ids_of(unquoted)


def test_unaccented_phrase(store, docs):
    assert set(ids_of(search(store, '"chi so cai cach hanh chinh"'))) == {docs["plan"], docs["reform"]}


@pytest.mark.parametrize(
    "typed", ["1366/KH-UBND", "1366 / kh - ubnd", "số 1366/kh-ubnd", "Số: 1366/KH-UBND", "number:1366/kh-ubnd"]
)
def test_number_query_puts_that_document_first(store, docs, typed):
    result = search(store, typed)
    assert ids_of(result)[0] == docs["plan"]
    if not typed.startswith("number:"):
        assert docs["reform"] in ids_of(result)  # cites it in its text, ranks below


def test_number_with_d_and_words(store, docs):
    assert ids_of(search(store, "84/qđ-ubnd"))[0] == docs["reform"]
    assert ids_of(search(store, "84/QĐ-UBND chỉ số"))[0] == docs["reform"]


def test_filters_combine(store, docs):
    assert ids_of(search(store, "báo cáo", unit="SYT")) == [docs["health"]]
    assert set(ids_of(search(store, "tai lieu", criterion="1.2"))) == {docs["plain"]}
    assert ids_of(search(store, "chỉ số", type_code="QĐ")) == [docs["reform"]]
    assert ids_of(search(store, "chỉ số", type_code="qđ")) == []  # type codes are exact
    in_period = search(store, "*", campaign="test-2025", date_from="2025-06-01", date_to="31/12/2025")
    assert set(ids_of(in_period)) == {docs["reform"], docs["scattered"]}
    assert ids_of(search(store, "chỉ số", unit="SYT", type_code="QĐ", date_to="2025-06-20")) == [docs["reform"]]
    assert ids_of(search(store, "*", campaign="other-campaign")) == []


def test_unit_and_criterion_mean_one_link(store, docs):
    # `health` links SYT/1.2 and BLV/1.2; `scattered` links SYT/1.1 only; `plan` STP/1.1
    assert ids_of(search(store, "*", unit="SYT", criterion="1.2")) == [docs["health"]]
    assert set(ids_of(search(store, "*", unit="SYT", criterion="1.1"))) == {docs["scattered"]}
    # STP has a 1.1 link (plan) and SYT has a 2.1 link on `reform` with STP/2.1 too — but no STP/1.2 on reform
    assert docs["reform"] not in ids_of(search(store, "*", unit="STP", criterion="1.2"))


def test_date_range_formats_agree(store, docs):
    a = search(store, "*", date_from="2025-01-01", date_to="2025-03-31")
    b = search(store, "*", date_from="01/01/2025", date_to="31/3/2025")
    assert set(ids_of(a)) == set(ids_of(b)) == {docs["plan"], docs["plain"]}


def test_result_shape_and_snippet(store, docs):
    result = search(store, "tài liệu kiểm chứng", limit=1)
    assert set(result) == {"total", "total_estimated", "results"} and result["total_estimated"] is False
    hit = result["results"][0]
    assert set(hit) == {
        "evidence_id",
        "sha256",
        "filename",
        "number",
        "type_code",
        "issued_on",
        "summary",
        "score",
        "snippet",
        "links",
    }
    assert hit["number"] == "1366/KH-UBND" and hit["issued_on"] == "2025-01-05"
    assert hit["links"] == [{"campaign": "test-2025", "unit": "STP", "criterion": "1.1"}]
    assert "[tài liệu kiểm chứng]" in hit["snippet"]
    assert result["total"] == 2
    json.dumps(result, ensure_ascii=False)


def test_number_is_highlighted_whole(store, docs):
    snippet = search(store, "1366/KH-UBND")["results"][1]["snippet"]
    assert "[1366/KH-UBND]" in snippet


@pytest.mark.parametrize(
    "bad", ['"chỉ số', "(cải cách", "cải cách AND", "OR cải cách", "foo:bar", "   ", "issued:[2025 TO"]
)
def test_syntax_errors_are_one_line_input_errors(store, docs, bad):
    with pytest.raises(InputError) as info:
        search(store, bad)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "option,value", [("date_from", "32/13/2025"), ("date_to", "2025-02-30"), ("date_from", "hôm qua"), ("limit", 0)]
)
def test_bad_options(store, docs, option, value):
    with pytest.raises(InputError):
        search(store, "chỉ số", **{option: value})


def test_operators_and_prefix(store, docs):
    assert set(ids_of(search(store, "tiêm OR lịch"))) == {docs["health"], docs["scattered"]}
    assert docs["plain"] not in ids_of(search(store, "tai lieu NOT bao"))
    assert docs["reform"] in ids_of(search(store, "quyết*"))
