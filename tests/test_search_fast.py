"""The fast search path (plain words, phrases, numbers, filters) agrees with Whoosh's own search: same matches,
exact totals, the right document first; and the cached searcher follows writes and rebuilds."""

from __future__ import annotations

import pytest

from evidence.search import fast, index_evidence, rebuild_index, remove_evidence, search
from evidence.search.query import fast_clauses, make_filters, parse_query
from evidence.search.searchers import clear_caches, open_searcher
from search_fixtures import DOCS, load_all

pytestmark = pytest.mark.sqlite_only  # Whoosh's own index (PostgreSQL's search: test_search_pg.py)


@pytest.fixture
def docs(store, campaign):
    return load_all(store)


def whoosh_ids(store, text, **filters) -> set[int]:
    """What Whoosh's own matchers find for the same query (the reference for the fast path)."""
    with open_searcher(store) as (searcher, _):
        q = parse_query(searcher.schema, text).query
        results = searcher.search(q, filter=make_filters(**filters).query(), limit=None)
        return {int(hit["id"]) for hit in results}


def clone(store, evidence_id: int) -> int:
    """Another record with the same text, metadata and links (a different file)."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO evidence(sha256, size, filename, format, pages, text_source, metadata, text, created_at,"
            " updated_at) SELECT printf('%064d', abs(random()) % 1000000000000), size, 'copy-' || filename, format,"
            " pages, text_source, metadata, text, created_at, updated_at FROM evidence WHERE id = ?",
            (evidence_id,),
        )
        new_id = cur.lastrowid
        conn.execute(
            "INSERT INTO links(evidence_id, campaign_id, unit_code, criterion_code, filename, linked_by,"
            " linked_at) SELECT ?, campaign_id, unit_code, criterion_code, filename, linked_by, linked_at"
            " FROM links WHERE evidence_id = ?",
            (new_id, evidence_id),
        )
    return new_id


def ids_of(result):
    return [r["evidence_id"] for r in result["results"]]


@pytest.mark.parametrize(
    "text,filters",
    [
        ("tài liệu kiểm chứng", {}),
        ("tai lieu kiem chung", {}),
        ("chỉ số", {}),
        ("cải cách hành chính", {}),
        ('"chỉ số cải cách hành chính"', {}),
        ('"chi so"', {}),
        ("1366/KH-UBND", {}),
        ("84/qđ-ubnd chỉ số", {}),
        ("báo cáo", {"unit": "SYT"}),
        ("chỉ số", {"type_code": "QĐ", "date_to": "2025-06-20"}),
        ("tỉnh", {"campaign": "test-2025", "unit": "STP", "criterion": "2.1"}),
        ("không có từ này", {}),
    ],
)
def test_fast_path_matches_what_whoosh_matches(store, docs, text, filters):
    with open_searcher(store) as (searcher, _):
        assert parse_query(searcher.schema, text).clauses, "expected the fast path"
    result = search(store, text, **filters)
    expected = whoosh_ids(store, text, **filters)
    assert set(ids_of(result)) == expected
    assert result["total"] == len(expected)


def test_other_syntax_goes_to_whoosh():
    for text in ["tiêm OR lịch", "tai lieu NOT bao", "quyết*", "number:1366/KH-UBND", "(a b)", "*", "a^2"]:
        assert fast_clauses(text) is None, text
    clauses = fast_clauses('kế hoạch "chỉ số cải cách" 2025')
    assert [c.kind for c in clauses] == ["word", "word", "phrase", "word"]
    assert clauses[2].folded == ["chi", "so", "cai", "cach"] and clauses[2].accented[0] == "chỉ"


def test_total_is_exact_with_more_matches_than_the_limit(store, docs):
    result = search(store, "tỉnh", limit=1)
    assert len(result["results"]) == 1 and result["total"] == len(whoosh_ids(store, "tỉnh")) >= 2


def test_replaced_entries_are_counted_once(store, docs):
    for _ in range(3):  # each update deletes the old entry and adds a new one (deletions inside segments)
        index_evidence(store, [docs["plan"], docs["reform"]])
    result = search(store, "chỉ số cải cách hành chính")
    assert result["total"] == len(whoosh_ids(store, "chỉ số cải cách hành chính"))
    assert len(ids_of(result)) == len(set(ids_of(result)))


def test_cached_searcher_follows_writes_and_rebuilds(store, docs):
    assert search(store, "tiêm chủng")["total"] == 1
    remove_evidence(store, [docs["health"]])
    assert search(store, "tiêm chủng")["total"] == 0
    index_evidence(store, [docs["health"]])
    assert search(store, "tiêm chủng")["total"] == 1
    extra = clone(store, docs["health"])
    rebuild_index(store)  # a new directory swapped in under the cached searcher
    result = search(store, "tiêm chủng")
    assert result["total"] == 2 and set(ids_of(result)) == {docs["health"], extra}


def test_phrase_total_estimated_beyond_the_check_limit(store, docs, monkeypatch):
    for _ in range(3):
        clone(store, docs["reform"])
        clone(store, docs["plan"])
    rebuild_index(store)
    exact = search(store, '"chỉ số cải cách hành chính"')
    assert exact["total"] == len(whoosh_ids(store, '"chỉ số cải cách hành chính"')) == 8
    monkeypatch.setattr(fast, "CHECK_ALL", 2)
    monkeypatch.setattr(fast, "CHECK_SAMPLE", 3)
    monkeypatch.setattr(fast, "CHECK_SAMPLE_MAX", 3)
    estimated = search(store, '"chỉ số cải cách hành chính"')
    # 9 documents have every word, 8 the phrase; 3 sampled of the 9 give an estimate between the two
    assert 8 <= estimated["total"] <= 9 and estimated["total_estimated"] and not exact["total_estimated"]
    assert set(ids_of(estimated)) == set(ids_of(exact))  # the results themselves are always checked
    assert docs["scattered"] not in ids_of(estimated)


def test_fixture_documents_all_reachable(store, docs):
    for key, (number, *_rest) in DOCS.items():
        assert ids_of(search(store, number))[0] == docs[key]


def test_postings_cache_evicts_and_gives_the_same_answers(store, docs, monkeypatch):
    first = search(store, "chỉ số cải cách hành chính")
    monkeypatch.setattr(fast, "CACHE_POSTINGS", 3)  # smaller than one common word's postings
    clear_caches()
    again = search(store, "chỉ số cải cách hành chính")
    with open_searcher(store) as (_, fx):
        assert fx.cached <= 3 or len(fx.cache) == 1
    assert again == first


def test_phrase_words_are_whole_words(store, campaign, tmp_path):
    """A phrase must start and end on word boundaries, whether found as typed or through the folded text."""
    from evidence.catalog import attach_files

    path = tmp_path / "ghi-chu.txt"
    path.write_text("ai cung biet cai cach hanh chinh. Nghi sot chi so.\n", encoding="utf-8")
    attach_files(store, [path], campaign_id="test-2025", unit_code="STP", criterion_code="1.1")
    assert search(store, '"cai cach"')["total"] == 1
    assert search(store, '"ai cach"')["total"] == 0  # inside "cai cach", as typed
    assert search(store, '"ai cách"')["total"] == 0  # inside "cai cach", through the folded text
    assert search(store, '"chi so"')["total"] == 1
