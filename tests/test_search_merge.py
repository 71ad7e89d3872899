"""Writes commit a segment each and never merge; small segments are merged in tiers away from the write path
(in a detached process after a write, or `evidence index optimize`), and searches stay right throughout."""

from __future__ import annotations

import json
import time

import pytest

from search_fixtures import DOCS, insert

from evidence.search import check_index, index_evidence, merge_small, optimize_index, search
from evidence.search.merge import segment_sizes
from evidence.search.tiers import MERGE_FANOUT, plan_small

pytestmark = pytest.mark.sqlite_only  # Whoosh's own index (PostgreSQL's search: test_search_pg.py)


class _Seg:
    def __init__(self, n: int, name: str = ""):
        self.n, self.name = n, name

    def doc_count_all(self) -> int:
        return self.n


def _one_by_one(store, keys) -> list[int]:
    ids = []
    for key in keys:
        ids.append(insert(store, key))
        index_evidence(store, [ids[-1]])
    return ids


def test_writes_never_merge(store, campaign, monkeypatch):
    monkeypatch.setenv("EVIDENCE_INDEX_BACKGROUND_MERGE", "0")
    keys = list(DOCS) * 3  # the same content again is another record (another sha256 each time)
    for i, key in enumerate(keys):
        evidence_id = _copy(store, key, i)
        index_evidence(store, [evidence_id])
        assert len(segment_sizes(store)) == i + 1  # one more segment a write, none merged
    assert check_index(store)["ok"]
    total = search(store, "chỉ số cải cách hành chính", limit=100)["total"]
    report = merge_small(store)
    assert report["merged_segments"] >= MERGE_FANOUT and report["segments_after"] < len(keys)
    assert search(store, "chỉ số cải cách hành chính", limit=100)["total"] == total
    assert check_index(store)["ok"] and check_index(store)["segments_without_postings"] == 0
    report = optimize_index(store)
    assert report["segments_after"] == 1 and segment_sizes(store) == [len(keys)]
    assert search(store, "chỉ số cải cách hành chính", limit=100)["total"] == total
    assert check_index(store)["ok"]


def _copy(store, key: str, i: int) -> int:
    """Record `key` of the fixtures again, as another file (its own sha256)."""
    evidence_id = insert(store, key)
    with store.transaction() as conn:
        conn.execute("UPDATE evidence SET sha256 = ? WHERE id = ?", (f"{i + 1:064x}", evidence_id))
    return evidence_id


def test_updates_and_deletions_survive_a_merge(store, campaign, monkeypatch):
    monkeypatch.setenv("EVIDENCE_INDEX_BACKGROUND_MERGE", "0")
    ids = []
    for i, key in enumerate(list(DOCS) * 2):
        ids.append(_copy(store, key, i))
        index_evidence(store, [ids[-1]])
    with store.transaction() as conn:  # one record changes, one goes
        conn.execute("UPDATE evidence SET text = 'Biên bản thẩm định đặc biệt' WHERE id = ?", (ids[0],))
        conn.execute("DELETE FROM links WHERE evidence_id = ?", (ids[1],))
        conn.execute("DELETE FROM evidence WHERE id = ?", (ids[1],))
    index_evidence(store, [ids[0], ids[1]])
    optimize_index(store)
    assert [r["evidence_id"] for r in search(store, "thẩm định đặc biệt")["results"]] == [ids[0]]
    report = check_index(store)
    assert report["ok"] and report["indexed"] == len(ids) - 1


def test_a_write_starts_the_merge_in_a_detached_process(store, campaign, monkeypatch):
    monkeypatch.setenv("EVIDENCE_INDEX_BACKGROUND_MERGE", "1")
    keys = list(DOCS) * 2
    for i in range(MERGE_FANOUT - 1):
        index_evidence(store, [_copy(store, keys[i], i)], background_merge=False)
    assert len(segment_sizes(store)) == MERGE_FANOUT - 1
    index_evidence(store, [_copy(store, keys[MERGE_FANOUT], MERGE_FANOUT)])  # the tier is full: merged apart
    deadline = time.monotonic() + 60
    while len(segment_sizes(store)) >= MERGE_FANOUT and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(segment_sizes(store)) == 1
    assert check_index(store)["ok"]


def test_tier_plan():
    assert plan_small([_Seg(5)] * (MERGE_FANOUT - 1)) == []
    chosen = plan_small([_Seg(5, str(i)) for i in range(MERGE_FANOUT)] + [_Seg(40000)])
    assert len(chosen) == MERGE_FANOUT and all(s.n == 5 for s in chosen)
    # large segments are never merged by the background plan
    assert plan_small([_Seg(4000)] * MERGE_FANOUT) == []


def test_optimize_command_json(cli, campaign_file, store, campaign, monkeypatch):
    monkeypatch.setenv("EVIDENCE_INDEX_BACKGROUND_MERGE", "0")
    _one_by_one(store, list(DOCS))
    result = cli("index", "optimize", "--json")
    data = json.loads(result.stdout)
    assert data["segments_after"] == 1 and data["merged_documents"] == len(DOCS)


def test_searches_stay_right_while_a_merge_runs(store, campaign, monkeypatch):
    import threading

    monkeypatch.setenv("EVIDENCE_INDEX_BACKGROUND_MERGE", "0")
    for i, key in enumerate(list(DOCS) * 4):
        index_evidence(store, [_copy(store, key, i)])
    expected = search(store, "tài liệu kiểm chứng", limit=100)["total"]
    seen: list[int] = []
    stop = threading.Event()

    def searching():
        from evidence.store import Store

        with Store.open(store.root) as own:
            while not stop.is_set():
                seen.append(search(own, "tài liệu kiểm chứng", limit=100)["total"])

    thread = threading.Thread(target=searching)
    thread.start()
    try:
        optimize_index(store)
        time.sleep(0.2)
    finally:
        stop.set()
        thread.join(30)
    assert seen and set(seen) == {expected}


def test_writes_made_while_a_merge_builds_are_kept(store, campaign, monkeypatch):
    """The merged segment is built without the writer lock: an update and a deletion of documents of the
    segments being merged, made meanwhile, are carried over when it is swapped in."""
    from evidence.search import merge

    monkeypatch.setenv("EVIDENCE_INDEX_BACKGROUND_MERGE", "0")
    ids = []
    for i, key in enumerate(list(DOCS) * 2):
        ids.append(_copy(store, key, i))
        index_evidence(store, [ids[-1]])
    build = merge._build

    def build_then_write(index_dir, chosen):
        built = build(index_dir, chosen)
        with store.transaction() as conn:  # meanwhile: one record changes, one goes, one arrives
            conn.execute("UPDATE evidence SET text = 'Biên bản kiểm tra đột xuất' WHERE id = ?", (ids[0],))
            conn.execute("DELETE FROM links WHERE evidence_id = ?", (ids[1],))
            conn.execute("DELETE FROM evidence WHERE id = ?", (ids[1],))
        index_evidence(store, [ids[0], ids[1], _copy(store, "plan", 99)])
        return built

    monkeypatch.setattr(merge, "_build", build_then_write)
    report = optimize_index(store)
    assert report["merged_segments"] == len(ids) and report["segments_after"] == 2  # the merged one + the write's
    assert [r["evidence_id"] for r in search(store, "kiểm tra đột xuất")["results"]] == [ids[0]]
    report = check_index(store)
    assert report["ok"] and report["indexed"] == len(ids)  # one gone, one new
    assert ids[1] not in {r["evidence_id"] for r in search(store, "chỉ số", limit=100)["results"]}
