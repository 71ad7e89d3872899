"""The postings files beside the index segments (search/postings.py): written by every commit and rebuild, the
same postings as Whoosh's own, removed with their segment, and never needed for a right answer (a missing or
damaged file means the segment is decoded the slow way)."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import index as windex

from evidence.search import check_index, index_evidence, postings, rebuild_index, search
from evidence.search.searchers import close_all
from search_fixtures import load_all

pytestmark = pytest.mark.sqlite_only  # Whoosh's own index (PostgreSQL's search: test_search_pg.py)


@pytest.fixture
def docs(store, campaign):
    return load_all(store)


def segment_ids(store) -> set[str]:
    ix = windex.open_dir(str(store.index_dir))
    try:
        return {s.segment_id() for s in ix._segments()}
    finally:
        ix.close()


def files(store) -> set[str]:
    return {p.name[: -len(postings.SUFFIX)] for p in store.index_dir.glob(f"*{postings.SUFFIX}")}


def test_every_segment_has_its_file_after_writes_and_rebuild(store, docs):
    assert files(store) == segment_ids(store) != set()
    for _ in range(4):  # updates add segments, and Whoosh merges small ones away
        index_evidence(store, [docs["plan"], docs["health"]])
    assert files(store) == segment_ids(store)  # merged-away segments took their files with them
    rebuild_index(store)
    assert files(store) == segment_ids(store)
    report = check_index(store)
    assert report["ok"] and report["segments"] == len(segment_ids(store))
    assert report["segments_without_postings"] == 0


def test_files_hold_exactly_whoosh_postings(store, docs):
    ix = windex.open_dir(str(store.index_dir))
    with ix.reader() as top:
        for reader, _ in top.leaf_readers():
            file = postings.load(store.index_dir, reader)
            assert file is not None
            for name in postings.FIELDS:
                terms = [t.decode("utf-8") for t in reader.lexicon(name)]
                assert terms, name
                for term in terms:
                    ids, weights = postings.decode_term(reader, name, term)
                    got_ids, got_weights = file.postings(name, term)
                    assert list(got_ids) == list(ids) and np.allclose(got_weights, weights), (name, term)
                assert len(file.postings(name, "không-có-từ-này")[0]) == 0
            dates = sorted(t.decode() for t in reader.lexicon("issued"))
            expected = set()
            for term in dates[1:]:
                expected |= set(postings.decode_term(reader, "issued", term)[0])
            assert set(file.range_ids("issued", dates[1], None)) == expected
            file.close()
    ix.close()


QUERIES = [
    ("tài liệu kiểm chứng", {}),
    ("tai lieu kiem chung", {}),
    ('"chỉ số cải cách hành chính"', {}),
    ("1366/KH-UBND", {}),
    ("báo cáo", {"unit": "SYT"}),
    ("chỉ số", {"type_code": "QĐ", "date_from": "2025-01-01", "date_to": "2025-06-20"}),
]


def answers(store, scores: bool = True):
    close_all()  # a fresh searcher, so the files are looked for again
    found = [search(store, q, **f) for q, f in QUERIES]
    return found if scores else [(r["total"], {h["evidence_id"] for h in r["results"]}) for r in found]


def test_missing_files_give_the_same_answers_and_come_back(store, docs, cli):
    expected = answers(store)
    for path in store.index_dir.glob(f"*{postings.SUFFIX}"):
        path.unlink()
    assert answers(store) == expected
    report = check_index(store)
    assert report["ok"] and report["segments_without_postings"] == report["segments"] > 0
    shown = cli("index", "check")
    assert shown.exit_code == 0 and "without their postings file" in shown.stdout
    index_evidence(store, [docs["plan"]])  # the next write adds the files of every segment
    assert files(store) == segment_ids(store)
    without_scores = [(r["total"], {h["evidence_id"] for h in r["results"]}) for r in expected]
    assert answers(store, scores=False) == without_scores


@pytest.mark.parametrize("damage", ["truncate", "garbage", "other segment"])
def test_damaged_file_is_ignored_then_replaced(store, docs, damage):
    index_evidence(store, [docs["health"]])  # a second segment
    expected = answers(store)
    paths = sorted(store.index_dir.glob(f"*{postings.SUFFIX}"), key=lambda p: p.stat().st_size)
    victim = paths[-1]
    data = victim.read_bytes()
    if damage == "truncate":
        victim.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        victim.write_bytes(b"\0" * len(data))
    else:  # the file of another segment
        other = next((p for p in paths if p != victim), None)
        if other is None:
            pytest.skip("one segment only")
        victim.write_bytes(other.read_bytes())
    assert answers(store) == expected
    assert check_index(store)["segments_without_postings"] >= 1
    assert postings.add_missing(store.index_dir) >= 1
    assert check_index(store)["segments_without_postings"] == 0
    assert answers(store) == expected


def test_file_does_not_depend_on_deletions_at_the_time(store, docs):
    """Deleted documents are masked at search time; a file written after a deletion holds the same postings
    as one written before (Whoosh's deletion filter must not leak into it)."""
    before = {p.name: p.read_bytes() for p in store.index_dir.glob(f"*{postings.SUFFIX}")}
    ix = windex.open_dir(str(store.index_dir))
    writer = ix.writer(merge=False)  # a deletion only: no new segment, no merge
    writer.delete_by_term("id", str(docs["health"]))
    writer.commit(merge=False)
    ix.close()
    for path in store.index_dir.glob(f"*{postings.SUFFIX}"):
        path.unlink()
    assert postings.add_missing(store.index_dir) == len(before)
    after = {p.name: p.read_bytes() for p in store.index_dir.glob(f"*{postings.SUFFIX}")}
    assert after == before
    close_all()
    assert search(store, "tiêm chủng")["total"] == 0


def test_a_file_written_from_the_writers_postings_is_the_decoded_file(store, docs, monkeypatch):
    """A write keeps the postings its writer added and writes the new segment's file from them (issue 16): the
    very bytes decoding the segment gives, for the first index (a rebuild) and for an update."""
    from evidence.store import Store

    def no_decoding(*_args):
        raise AssertionError("decoded")

    with monkeypatch.context() as patch:
        patch.setattr(postings, "_decoded_terms", no_decoding)
        rebuild_index(store)  # a fresh index, its file written from the captured postings
        index_evidence(store, [docs["plan"], docs["health"], docs["plan"]])  # an update: a new segment
    assert files(store) == segment_ids(store)
    captured = {p.name: p.read_bytes() for p in store.index_dir.glob(f"*{postings.SUFFIX}")}
    for path in store.index_dir.glob(f"*{postings.SUFFIX}"):
        path.unlink()
    close_all()
    with Store.open(store.root) as again:
        assert postings.add_missing(again.index_dir) == len(captured)  # every file again, decoded this time
    decoded = {p.name: p.read_bytes() for p in store.index_dir.glob(f"*{postings.SUFFIX}")}
    assert decoded == captured


def test_a_writer_with_too_many_postings_leaves_its_file_to_decoding(store, docs, monkeypatch):
    monkeypatch.setattr(postings.Capture, "MAX_CAPTURED", 10)
    index_evidence(store, [docs["plan"]])
    assert files(store) == segment_ids(store)
    assert check_index(store)["ok"]
