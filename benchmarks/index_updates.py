"""Index updates at the deadline (issue 16): 50 consecutive attach-sized batches on a large store.

    python benchmarks/index_updates.py --docs 10000 --workdir /tmp/bench-index            # builds the store once
    python benchmarks/index_updates.py --docs 50000 --workdir /tmp/bench-index --reuse    # reuses it

The store is benchmarks/search.py's (varied Vietnamese documents, 2–20 KB; generated and indexed once, kept in
--workdir). Each batch adds 10 new records (copies of existing ones under new hashes, with a link, as an attach
makes them) and brings the index up to date with `index_evidence`, as `evidence attach` does — the time of that
call is the figure (lock wait included, so a background merge that holds the lock shows). Two runs, side by
side: Whoosh's own merge policy on every commit (before), then commits that never merge with tiered merges in a
detached process (now). Target: p95 ≤ 300 ms, max ≤ 1 s. Segment counts and a search after each run show that
searches stay right. The machine's load is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

from search import percentile, prepare_store, rebuild_in_child  # noqa: E402

from evidence.search import index as index_module  # noqa: E402
from evidence.search import check_index, index_evidence, search  # noqa: E402
from evidence.search.merge import merge_small, segment_sizes  # noqa: E402
from evidence.store import Store  # noqa: E402

BATCH = 10
BATCHES = 50


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def add_batch(store: Store, serial: int) -> list[int]:
    """BATCH new records copied from existing ones (new sha256, a link each), as attach inserts them."""
    ids = []
    with store.transaction() as conn:
        total = conn.execute("SELECT MAX(id) FROM evidence").fetchone()[0]
        for k in range(BATCH):
            source = 1 + (serial * 7919 + k * 104729) % total
            sha = f"{serial:032x}{k:032x}"
            cursor = conn.execute(
                "INSERT INTO evidence(sha256, size, filename, format, pages, text_source, metadata, text,"
                " reader_version, created_at, updated_at) SELECT ?, size, 'lo-' || filename, format, pages,"
                " text_source, metadata, text, reader_version, created_at, updated_at FROM evidence WHERE id = ?",
                (sha, source),
            )
            new_id = cursor.lastrowid
            conn.execute(
                "INSERT INTO links(evidence_id, campaign_id, unit_code, criterion_code, filename, linked_by, linked_at)"
                " SELECT ?, campaign_id, unit_code, criterion_code, 'lo-' || filename, 'bench', linked_at"
                " FROM links WHERE evidence_id = ? LIMIT 1",
                (new_id, source),
            )
            ids.append(new_id)
    return ids


@contextmanager
def whoosh_merging():
    """The write path as it was: Whoosh's default commit, which merges small segments."""
    original = index_module._locked_writer

    @contextmanager
    def merging(store, *, background_merge=True):
        with original(store, background_merge=False) as writer:
            if writer is None:
                yield None
                return
            commit = writer.commit
            writer.commit = lambda **_: commit()  # drop merge=False: Whoosh's MERGE_SMALL policy
            yield writer

    index_module._locked_writer = merging
    try:
        yield
    finally:
        index_module._locked_writer = original


def run_batches(store: Store, label: str, serial0: int) -> dict:
    times = []
    for b in range(BATCHES):
        ids = add_batch(store, serial0 + b)
        started = time.perf_counter()
        index_evidence(store, ids)
        times.append(time.perf_counter() - started)
    time.sleep(0.5)
    deadline = time.monotonic() + 120  # let a background merge finish before the next run
    while index_module.needs_merge(store) and time.monotonic() < deadline:
        time.sleep(0.5)
    started = time.perf_counter()
    hits = search(store, "cải cách hành chính")["total"]
    search_ms = (time.perf_counter() - started) * 1000
    result = {
        "label": label,
        "p50_ms": round(percentile(times, 0.5) * 1000),
        "p95_ms": round(percentile(times, 0.95) * 1000),
        "max_ms": round(max(times) * 1000),
        "segments": len(segment_sizes(store)),
        "search_hits": hits,
        "search_ms": round(search_ms),
        "load": load(),
    }
    print(
        f"{label:38} p50 {result['p50_ms']:5} ms  p95 {result['p95_ms']:5} ms  max {result['max_ms']:5} ms"
        f"  segments {result['segments']:3}  search {result['search_ms']} ms ({hits} hits)  load {result['load']}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50000)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--reuse", action="store_true", help="reuse the store a previous run left in --workdir")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    store, _info = prepare_store(args.docs, args.workdir, args.reuse)
    if index_module.index_version(store.index_dir) is None:
        print(f"[{args.docs}] rebuilding the index: {rebuild_in_child(args.workdir / f'store-{args.docs}')}")
    store.close()
    store = Store.open(args.workdir / f"store-{args.docs}")
    print(f"{args.docs} documents, {BATCHES} batches of {BATCH}; cores {os.cpu_count()}; load {load()}")
    settled = merge_small(store)  # the same start for every run: small tiers merged (not timed)
    print(f"segments at start: {len(segment_sizes(store))} (small tiers merged first: {settled['seconds']} s)")
    serial0 = int(time.time())  # new hashes on every run
    os.environ["EVIDENCE_INDEX_BACKGROUND_MERGE"] = "1"
    now = run_batches(store, "now: no merge on write, merge apart", serial0)
    merge_small(store)
    with whoosh_merging():
        before = run_batches(store, "before: Whoosh merges on commit", serial0 + BATCHES)
    report = check_index(store)
    print(f"index check: ok={report['ok']} ({report['indexed']} indexed, {report['segments']} segments)")
    print(
        f"target p95 ≤ 300 ms, max ≤ 1000 ms: now p95 {now['p95_ms']} ms, max {now['max_ms']} ms"
        f" (before: p95 {before['p95_ms']} ms, max {before['max_ms']} ms)"
    )
    store.close()


if __name__ == "__main__":
    main()
