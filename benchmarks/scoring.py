"""Benchmark of a scoring round: 150 units × 100 criteria × 3 evidence each (45,000 links).

Builds the round in a temporary store (rows inserted with executemany), then measures `check`, `compute_results`
and `score export`: wall time (best of --repeat runs, no tracing) and peak Python memory (a separate run under
tracemalloc), plus the process's peak RSS at the end. Target: each under 3 s.

    .venv/bin/python benchmarks/scoring.py [--units 150] [--criteria 100] [--evidence 3] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

from evidence.round.campaign import create_campaign
from evidence.round.workbook import export_scores
from evidence.round.findings import check
from evidence.frameworks.model import Criterion, Framework, save_framework
from evidence.round.results import compute_results
from evidence.store import Store

CAMPAIGN = "bench-2025"
TYPES = ["KH", "BC", "QĐ", "CV", "TB"]


def build_framework(criteria: int) -> Framework:
    fields = max(1, criteria // 10)
    roots = []
    n = 0
    for f in range(1, fields + 1):
        root = Criterion(code=str(f), title=f"Lĩnh vực {f}")
        per_field = criteria // fields + (1 if f <= criteria % fields else 0)
        for c in range(1, per_field + 1):
            n += 1
            root.children.append(
                Criterion(
                    code=f"{f}.{c}",
                    title=f"Tiêu chí {f}.{c}: nội dung đánh giá số {n}",
                    max_points=1 + (n % 3) * 0.5,
                    parent_code=str(f),
                    evidence_required=n % 4 != 0,
                    expected_types=[TYPES[n % len(TYPES)]],
                    due_rule="by 31/03" if n % 10 == 0 else None,
                )
            )
        roots.append(root)
    return Framework(id="bench", name="Bộ tiêu chí benchmark", version="1", criteria=roots)


def build_round(store: Store, root: Path, units: int, criteria: int, evidence: int) -> dict:
    framework = build_framework(criteria)
    save_framework(store, framework)
    unit_list = [
        {
            "code": f"U{i:03d}",
            "name": f"Đơn vị số {i}",
            "kind": "district" if i % 5 == 0 else "department",
            **({"not_applicable": ["1.1"]} if i % 7 == 0 else {}),
        }
        for i in range(1, units + 1)
    ]
    campaign_file = root / "campaign.yaml"
    campaign_file.write_text(
        yaml.safe_dump(
            {
                "id": CAMPAIGN,
                "name": "Benchmark",
                "framework": "bench",
                "year": 2025,
                "period": {"start": "2024-12-16", "end": "2025-12-15"},
                "deadlines": {"self_assessment": "2025-12-20"},
                "organization": {"issuer": "SỞ NỘI VỤ"},
                "units": unit_list,
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    create_campaign(store, campaign_file)
    leaves = framework.leaves()
    stamp = "2025-06-01T02:00:00+00:00"
    evidence_rows, link_rows, score_rows, event_rows = [], [], [], []
    eid = 0
    for u in unit_list:
        for i, leaf in enumerate(leaves):
            if u.get("not_applicable") and leaf.code == "1.1":
                continue
            for _ in range(evidence):
                eid += 1
                sha = hashlib.sha256(str(eid).encode()).hexdigest()
                metadata = {
                    "sha256": sha,
                    "format": "pdf",
                    "number": f"/KH-{u['code']}"
                    if eid % 23 == 0
                    else f"{eid % 900 + 1}/{leaf.expected_types[0]}-{u['code']}",
                    "type_code": TYPES[eid % 5] if eid % 11 == 0 else leaf.expected_types[0],
                    "issuer": f"UBND {u['name']}",
                    "issued_on": None
                    if eid % 31 == 0
                    else ("2024-10-01" if eid % 29 == 0 else f"2025-{eid % 12 + 1:02d}-{eid % 28 + 1:02d}"),
                    "signatures": [] if eid % 3 == 0 else [{"signed_at": stamp, "signer": "A", "intact": True}],
                    "warnings": [],
                }
                evidence_rows.append(
                    (
                        eid,
                        sha,
                        1000,
                        f"tai-lieu-{eid}.pdf",
                        "pdf",
                        2,
                        "none" if eid % 37 == 0 else "text",
                        json.dumps(metadata, ensure_ascii=False),
                        "" if eid % 37 == 0 else "Nội dung văn bản " * 30,
                        stamp,
                        stamp,
                    )
                )
                link_rows.append((eid, CAMPAIGN, u["code"], leaf.code, f"tai-lieu-{eid}.pdf", "bench", stamp))
            self_score = leaf.points if i % 9 else None
            appraised = None if self_score is None else (leaf.points / 2 if i % 6 == 0 else leaf.points)
            score_rows.append((CAMPAIGN, u["code"], leaf.code, self_score, None, appraised, None, stamp))
            event_rows.append((CAMPAIGN, u["code"], leaf.code, "self", self_score, "bench", stamp))
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO evidence(id, sha256, size, filename, format, pages, text_source, metadata,"
            " text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            evidence_rows,
        )
        conn.executemany(
            "INSERT INTO links(evidence_id, campaign_id, unit_code, criterion_code, filename,"
            " linked_by, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            link_rows,
        )
        conn.executemany(
            "INSERT INTO scores(campaign_id, unit_code, criterion_code, self_score, explanation,"
            " appraised_score, comment, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            score_rows,
        )
        conn.executemany(
            "INSERT INTO score_events(campaign_id, unit_code, criterion_code, kind, value, by, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            event_rows,
        )
    return {"units": units, "criteria": len(leaves), "evidence": len(evidence_rows), "links": len(link_rows)}


def measure(label: str, fn, repeat: int) -> dict:
    times, cpu = [], []
    result = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    row = {
        "step": label,
        "seconds": round(min(times), 3),
        "cpu_seconds": round(min(cpu), 3),
        "peak_mib": round(peak / 2**20, 1),
    }
    print(
        f"{label:24} wall {row['seconds']:7.3f} s   cpu {row['cpu_seconds']:7.3f} s   peak {row['peak_mib']:7.1f} MiB"
        " (Python allocations)",
        flush=True,
    )
    return {**row, "result": result}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--criteria", type=int, default=100)
    parser.add_argument("--evidence", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = Store.init(root / "store")
        start = time.perf_counter()
        size = build_round(store, root, args.units, args.criteria, args.evidence)
        print(
            f"round: {size['units']} units × {size['criteria']} criteria, {size['links']} links "
            f"(built in {time.perf_counter() - start:.1f} s)"
        )
        rows = [
            measure("check", lambda: check(store, CAMPAIGN), args.repeat),
            measure("compute_results", lambda: compute_results(store, CAMPAIGN), args.repeat),
            measure("score export (all in)", lambda: export_scores(store, CAMPAIGN, root / "round.xlsx"), args.repeat),
        ]
        findings = rows[0]["result"]
        print(
            f"{len(findings)} findings; workbook {(root / 'round.xlsx').stat().st_size / 2**20:.1f} MiB; "
            f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
        slow = [r["step"] for r in rows if r["seconds"] >= 3]
        print(
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPU(s); target (< 3 s wall each): "
            + ("met" if not slow else "missed by " + ", ".join(slow))
        )
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
