"""Time document generation: the report (chart + appendix) for 150 units × 100 criteria, and all seven kinds.

Target: the report in under 3 s. Prints the figures; builds its own store in a temporary directory.
    .venv/bin/python benchmarks/documents.py [--units 150] [--criteria 100]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from evidence.round.campaign import create_campaign
from evidence.documents.generate import generate, generate_all
from evidence.frameworks.model import Criterion, Framework, save_framework
from evidence.round.score_import import import_scores
from evidence.store import Store

FIELDS = [
    "Công tác chỉ đạo, điều hành",
    "Xây dựng và tổ chức thực hiện văn bản",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng chính quyền số",
    "Tác động của cải cách hành chính",
]


def build(root: Path, units: int, criteria: int) -> tuple[Store, str]:
    store = Store.init(root / "store")
    per_field = criteria // len(FIELDS)
    roots = []
    for f, title in enumerate(FIELDS, start=1):
        count = per_field + (1 if f <= criteria % len(FIELDS) else 0)
        leaves = [
            Criterion(
                code=f"{f}.{i}",
                title=f"{title}: tiêu chí thành phần {i}",
                max_points=1.0,
                parent_code=str(f),
                evidence_required=True,
            )
            for i in range(1, count + 1)
        ]
        roots.append(Criterion(code=str(f), title=title, children=leaves))
    save_framework(store, Framework(id="bench", name="Bộ tiêu chí đo hiệu năng", version="1", criteria=roots))
    lines = [
        "id: bench-2025",
        "name: Xác định Chỉ số CCHC năm 2025 của các cơ quan, đơn vị",
        "framework: bench",
        "year: 2025",
        "period: {start: 2024-12-16, end: 2025-12-15}",
        "deadlines: {self_assessment: 2025-12-20, appraisal: 2026-01-15}",
        "organization: {parent: UBND TỈNH QUẢNG NAM, issuer: SỞ NỘI VỤ, issuer_short: SNV, place: Quảng Nam,"
        " signer: {authority: KT. GIÁM ĐỐC, title: PHÓ GIÁM ĐỐC, name: Nguyễn Văn A}}",
        "council:",
        "  - {name: Trần Văn B, title: Phó Chủ tịch UBND tỉnh, role: chair}",
        "  - {name: Phạm Văn D, title: Chuyên viên Sở Nội vụ, role: secretary}",
        "units:",
    ]
    lines += [f"  - {{code: U{i:03d}, name: Đơn vị số {i}, kind: department}}" for i in range(1, units + 1)]
    yaml_path = root / "campaign.yaml"
    yaml_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    create_campaign(store, yaml_path)
    rng = random.Random(7)
    table = root / "scores.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "criterion", "self_score", "explanation", "appraised_score", "comment"])
        for u in range(1, units + 1):
            skill = rng.uniform(0.5, 1.0)
            for root_node in roots:
                for leaf in root_node.children:
                    own = 1.0 if rng.random() < skill + 0.1 else 0.5
                    appraised = own if rng.random() < skill else max(own - 0.5, 0)
                    writer.writerow([f"U{u:03d}", leaf.code, own, "", appraised, ""])
    import_scores(store, "bench-2025", table)
    return store, "bench-2025"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--criteria", type=int, default=100)
    parser.add_argument("--all-units", type=int, default=3, help="units in the campaign for the all-six-kinds run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="evidence-bench-docs-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        store, campaign_id = build(root, args.units, args.criteria)
        print(f"setup: {args.units} units × {args.criteria} criteria scored in {time.perf_counter() - started:.1f} s")
        runs = []
        for i in range(3):
            t = time.perf_counter()
            [report] = generate(store, campaign_id, "report", out=root / "out" / f"report-{i}.docx")
            runs.append(time.perf_counter() - t)
        print(
            f"report (chart + appendix, {args.units} units): best {min(runs):.2f} s, first {runs[0]:.2f} s "
            f"({report.stat().st_size // 1024} KiB) — target < 3 s: {'ok' if min(runs) < 3 else 'MISSED'}"
        )
        store.close()
        small, small_id = build(root / "small", args.all_units, args.criteria)
        t = time.perf_counter()
        paths = generate_all(small, small_id, root / "all")
        print(
            f"all seven kinds, {args.all_units} units ({len(paths)} files incl. one reminder per unit with findings): "
            f"{time.perf_counter() - t:.2f} s"
        )
        small.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
