"""Search on PostgreSQL (server mode): what the shared search tests (test_search_ranking.py, test_search_attach.py,
test_search_consistency.py — run on both engines) do not cover — PostgreSQL's `unaccent` against our folding on
the whole Vietnamese alphabet, the words cut in Python, phrases as chains of word pairs (checked on the text),
documents longer than a tsvector's positions, the query syntax translated to SQL, and a search that does not wait
for the writers. A real PostgreSQL (tests/pg_support.py); skipped when the server binaries are absent."""

from __future__ import annotations

import unicodedata

import pytest

from evidence.errors import InputError
from evidence.search import check_index, index_evidence, optimize_index, rebuild_index, search, verify_index
from evidence.search.pg import PG_LAYOUT_VERSION, folded_words, terms_vector
from evidence.store import Store, dumps, now_iso
from evidence.vn.text import fold
from search_fixtures import load_all

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, huyền, sắc, hỏi, ngã, nặng


def vietnamese_letters() -> list[str]:
    """The 134 letters of Vietnamese that are not plain ASCII: 66 vowels with marks and đ, in both cases."""
    lower = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES]
    lower = [c for c in lower if not c.isascii()] + ["đ"]
    return lower + [c.upper() for c in lower]


@pytest.fixture
def engine(request):
    """This module is about PostgreSQL only: every store here is on a fresh database of the session's cluster."""
    url = request.getfixturevalue("postgres").fresh_database()
    request.getfixturevalue("monkeypatch").setenv("EVIDENCE_DATABASE_URL", url)
    return "postgresql"


def ids_of(result):
    return [r["evidence_id"] for r in result["results"]]


def add(store: Store, text: str, *, summary: str = "", number: str | None = None, key: str = "x") -> int:
    stamp = now_iso()
    meta = {"summary": summary, "number": number, "type_code": "BC", "issued_on": "2025-05-05"}
    with store.transaction() as conn:
        evidence_id = conn.execute(
            "INSERT INTO evidence(sha256, size, filename, format, pages, text_source, metadata, text, created_at,"
            " updated_at) VALUES (?, ?, ?, 'text', 1, 'text', ?, ?, ?, ?) RETURNING id",
            (f"{abs(hash(key)):064x}"[:64], len(text), f"{key}.pdf", dumps(meta), text, stamp, stamp),
        ).fetchone()[0]
    index_evidence(store, [evidence_id])
    return evidence_id


def test_alphabet_has_134_letters():
    letters = vietnamese_letters()
    assert len(letters) == len(set(letters)) == 134


def test_unaccent_folds_every_vietnamese_letter_as_we_do(store):
    """The finding docs/search.md reports: PostgreSQL's unaccent folds all 134 letters (đ/Đ included) exactly as
    evidence.vn.text.fold — the index still folds in Python (one folding and one word cutting for both engines)."""
    try:
        store.db.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except Exception as exc:  # noqa: BLE001 — contrib files not installed: nothing to compare
        pytest.skip(f"unaccent not available: {exc}")
    letters = vietnamese_letters()
    rows = store.db.execute("SELECT t.l, unaccent(t.l) FROM unnest(CAST(? AS text[])) AS t(l)", (letters,)).fetchall()
    differ = {letter: folded for letter, folded in rows if folded != fold(letter)}
    assert len(rows) == 134 and differ == {}
    # and what the index does instead gives the same: the words of every letter, folded
    assert [w for c in letters for w in folded_words(c)] == [fold(c).lower() for c in letters]


def test_words_are_cut_in_python_as_in_the_embedded_index(store, campaign):
    """`1.1` stays one word, `1366/KH-UBND` is three in a row, đ folds to d, and every pair of neighbours is a
    term (what phrases are matched on)."""
    terms = terms_vector(["tieu", "chi", "1.1", "1366", "kh", "ubnd"])
    assert "'1.1'" in terms and "'1366 kh'" in terms and "'kh ubnd'" in terms and "'chi 1.1'" in terms
    doc = add(store, "Tiêu chí 1.1 đã đạt. Căn cứ Kế hoạch số 1366/KH-UBND.", summary="Báo cáo", key="a")
    assert ids_of(search(store, "tieu chi 1.1")) == [doc]
    assert ids_of(search(store, "1.1")) == [doc]
    assert ids_of(search(store, "da dat")) == [doc]  # đã đạt
    assert ids_of(search(store, "1366/kh-ubnd")) == [doc]  # mentioned in the text
    assert ids_of(search(store, "1.2")) == []


def test_phrase_of_pairs_apart_is_not_a_match(store, campaign):
    """`chỉ số` and `số cải cách` both in the text, never `chỉ số cải cách`: the pairs match, the check on the
    text refuses it; the total says so."""
    apart = add(store, "Chỉ số năm nay. Số cải cách được giao.", summary="Thông báo", key="apart")
    whole = add(store, "Công bố chỉ số cải cách hành chính.", summary="Quyết định", key="whole")
    result = search(store, '"chỉ số cải cách"')
    assert ids_of(result) == [whole] and result["total"] == 1
    assert apart in ids_of(search(store, "chỉ số cải cách"))  # the words, in any order


def test_phrase_deep_in_a_long_document(store, campaign):
    """More words than a tsvector keeps positions for (16,383): pairs have no positions, the phrase at the end is
    found."""
    filler = " ".join(f"đoạn {i} nội dung kiểm tra" for i in range(5000))  # 20,000 words
    doc = add(store, f"{filler} kết luận thanh tra cuối cùng", summary="Báo cáo dài", key="long")
    add(store, "thanh tra kết luận", summary="Khác", key="short")
    assert ids_of(search(store, '"kết luận thanh tra cuối"')) == [doc]


def test_operators_prefix_fields_and_ranges(store, campaign):
    docs = load_all(store)
    assert ids_of(search(store, 'subject:"chỉ số cải cách"')) == [docs["reform"]]
    in_range = search(store, "issued:[2025-06-01 TO 2025-12-31] chỉ số")
    assert set(ids_of(in_range)) == {docs["reform"], docs["scattered"]}
    assert set(ids_of(search(store, "unit:SYT"))) == {docs["reform"], docs["scattered"], docs["health"]}
    assert set(ids_of(search(store, "unit:BL*"))) == {docs["health"]}  # a prefix of a code
    assert set(ids_of(search(store, "type:T*"))) == {docs["scattered"]}
    assert ids_of(search(store, "type:BC AND tiêm")) == [docs["health"]]
    assert set(ids_of(search(store, "(tiêm OR lịch) AND NOT kiểm"))) == {docs["health"]}
    assert set(ids_of(search(store, "kiem* NOT tai"))) == {docs["scattered"]}
    assert ids_of(search(store, '"cải cách hành chính" NOT quyết')) == [docs["plan"]]  # a phrase, parsed
    with pytest.raises(InputError) as info:
        search(store, "qu?t")  # Whoosh's wildcards inside a word: no tsquery does them
    assert "\n" not in str(info.value) and "PostgreSQL" in str(info.value)


def test_index_is_a_table_that_follows_the_database(store, campaign):
    docs = load_all(store)
    assert not store.index_dir.exists()  # no Whoosh directory in server mode
    report = check_index(store)
    assert report["ok"] and report["engine"] == "postgresql" and report["indexed"] == len(docs)
    assert report["schema_version"] == report["expected_schema_version"] == PG_LAYOUT_VERSION
    store.db.execute("UPDATE evidence SET updated_at = '2099-01-01T00:00:00+00:00' WHERE id = ?", (docs["plan"],))
    store.db.execute("DELETE FROM search_documents WHERE evidence_id = ?", (docs["health"],))
    report = check_index(store)
    assert report["stale"] == [docs["plan"]] and report["missing"] == [docs["health"]]
    assert verify_index(store)["drift"] == {"missing": [docs["health"]], "stale": [docs["plan"]]}
    repaired = verify_index(store, repair=True)
    assert repaired["repaired"] and check_index(store)["ok"]
    rebuilt = rebuild_index(store)
    assert rebuilt["documents"] == len(docs) and rebuilt["engine"] == "postgresql" and rebuilt["index_bytes"] > 0
    optimized = optimize_index(store)
    assert optimized["segments_after"] == 0 and "PostgreSQL" in optimized["skipped"]


def test_unread_uploads_are_not_indexed_until_read(store, campaign):
    docs = load_all(store)
    store.db.execute("UPDATE evidence SET read_status = 'pending' WHERE id = ?", (docs["health"],))
    index_evidence(store, [docs["health"]])  # not read (again): its row goes
    report = check_index(store)
    assert report["ok"] and report["unread"] == 1 and report["indexed"] == len(docs) - 1
    assert search(store, "tiêm chủng")["results"] == []


def test_search_does_not_wait_for_the_writers(store, campaign, postgres):
    """A search runs in a read-only transaction of its own: a writer holding the writers' lock (an attach in
    another process) does not hold it up."""
    import psycopg

    from evidence.store.pg import WRITE_LOCK_KEY

    docs = load_all(store)
    store.db.execute("SET statement_timeout = '10s'")  # were the search to wait, it fails instead of hanging
    other = psycopg.connect(store.db.url, autocommit=False)
    try:
        other.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        other.execute("SET LOCAL statement_timeout = '5s'")
        assert ids_of(search(store, "tài liệu kiểm chứng"))[0] == docs["plan"]
    finally:
        other.rollback()
        other.close()


def test_verify_before_the_table_exists(store, campaign):
    """A store just moved to PostgreSQL (migrate-store) has no search table yet: verify reports no drift, the first
    search builds it."""
    stamp = now_iso()
    with store.transaction() as conn:  # a record written without index_evidence (as migrate-store copies them)
        conn.execute(
            "INSERT INTO evidence(sha256, size, filename, metadata, text, created_at, updated_at)"
            " VALUES (?, 4, 'a.pdf', '{}', 'thanh tra', ?, ?)",
            ("a" * 64, stamp, stamp),
        )
    assert verify_index(store)["drift"] == {}
    assert check_index(store)["schema_version"] is None
    assert search(store, "thanh tra")["total"] == 1
    assert check_index(store)["ok"]
