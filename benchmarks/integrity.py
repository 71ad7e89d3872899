"""Time the integrity machinery on a synthetic store: appending chained events, `verify` (chain walk, state
checked against events, originals re-hashed), backup and restore, the YAML bomb refusal.

Builds its own store in a temporary directory (records written as attach writes them, without reading files).
    .venv/bin/python benchmarks/integrity.py [--records 10000] [--scores 20000]
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

from evidence.store import Store, chain, dumps, now_iso
from evidence.store.backup import backup_store, restore_store
from evidence.store.verify import verify_store
from evidence.yamlfile import load_yaml_file
from evidence.errors import InputError


def build(root: Path, records: int, scores: int) -> tuple[Store, float]:
    store = Store.init(root / "store")
    stamp = now_iso()
    with store.transaction() as conn:
        conn.execute("INSERT INTO frameworks VALUES ('f', 'F', '1', NULL, 0, NULL, '{}', ?)", (stamp,))
        conn.execute(
            "INSERT INTO campaigns VALUES ('c', 'C', 'f', 2026, '2026-01-01', '2026-12-31', '{}', ?)", (stamp,)
        )
        for u in range(150):
            conn.execute("INSERT INTO units VALUES ('c', ?, ?, NULL, '[]', ?)", (f"U{u}", f"Đơn vị {u}", u))
        chain.record_event(conn, chain.CAMPAIGN, chain.campaign_payload(conn, "c"), "bench")
    text = "Kế hoạch cải cách hành chính năm 2026, phân công nhiệm vụ cho các đơn vị. " * 40
    chained = 0.0
    for start in range(0, records, 500):
        blobs = [
            store.blobs.put_stream(io.BytesIO(f"original {n}".encode() + os.urandom(64)))
            for n in range(start, min(records, start + 500))
        ]
        with store.transaction() as conn:
            for n, blob in zip(range(start, start + 500), blobs):
                cursor = conn.execute(
                    "INSERT INTO evidence(sha256, size, filename, format, pages, text_source, metadata, text,"
                    " created_at, updated_at) VALUES (?, ?, ?, 'pdf', 2, 'layer', ?, ?, ?, ?)",
                    (blob.sha256, blob.size, f"{n}.pdf", dumps({"number": f"{n}/KH-UBND"}), text, stamp, stamp),
                )
                link = conn.execute(
                    "INSERT INTO links(evidence_id, campaign_id, unit_code, criterion_code, filename, linked_by,"
                    " linked_at) VALUES (?, 'c', ?, ?, ?, 'bench', ?)",
                    (cursor.lastrowid, f"U{n % 150}", f"{n % 100}", f"{n}.pdf", stamp),
                )
                began = time.perf_counter()
                chain.record_row_event(conn, chain.EVIDENCE_STORED, "evidence", cursor.lastrowid, "bench")
                chain.record_row_event(conn, chain.LINK, "links", link.lastrowid, "bench")
                chained += time.perf_counter() - began
    with store.transaction() as conn:
        for n in range(scores):
            cursor = conn.execute(
                "INSERT INTO score_events(campaign_id, unit_code, criterion_code, kind, value, by, at)"
                " VALUES ('c', ?, ?, 'self', 1, 'bench', ?)",
                (f"U{n % 150}", f"{n // 150}", stamp),
            )
            conn.execute(
                "INSERT INTO scores(campaign_id, unit_code, criterion_code, self_score, self_event_id, updated_at)"
                " VALUES ('c', ?, ?, 1, ?, ?) ON CONFLICT DO UPDATE SET self_event_id = excluded.self_event_id",
                (f"U{n % 150}", f"{n // 150}", cursor.lastrowid, stamp),
            )
            began = time.perf_counter()
            chain.record_row_event(conn, chain.SCORE_EVENT, "score_events", cursor.lastrowid, "bench")
            chained += time.perf_counter() - began
    return store, chained


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--scores", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store, chained = build(root, args.records, args.scores)
        events = chain.head(store.db).events
        print(f"{events} events; appending them (hash + insert): {chained / events * 1e6:.0f} µs per event")
        for rehash in (False, True):
            began = time.perf_counter()
            report = verify_store(store, rehash=rehash)
            label = "verify" if rehash else "verify --quick"
            print(f"{label}: {time.perf_counter() - began:.2f} s (ok={report.ok}, chain + state checks included)")
        began = time.perf_counter()
        walked, _ = chain.walk_chain(store.db)
        print(f"  of which the chain walk: {time.perf_counter() - began:.2f} s for {walked} events")
        began = time.perf_counter()
        manifest = backup_store(store, root / "backup.tar")
        print(f"backup: {time.perf_counter() - began:.2f} s, {manifest['bytes'] / 2**20:.1f} MB")
        began = time.perf_counter()
        result = restore_store(root / "backup.tar", root / "restored")
        print(f"restore (checksums, compare): {time.perf_counter() - began:.2f} s, identical={result['identical']}")
        store.close()

        bomb = root / "bomb.yaml"
        lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
        bomb.write_text("\n".join(lines), encoding="utf-8")
        tracemalloc.start()
        began = time.perf_counter()
        try:
            load_yaml_file(bomb)
        except InputError:
            pass
        seconds = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"YAML bomb (9^11 expansions) refused in {seconds * 1000:.1f} ms, peak {peak / 1024:.0f} KB")


if __name__ == "__main__":
    main()
