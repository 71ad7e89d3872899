"""Power cuts, simulated: SIGKILL an `evidence ingest` of 60 files at random moments, N times; after each kill
count what was left behind and what `verify` says, let the next write run, and finish with a completion ingest.

Prints the figures (issue 18's experiment). Builds its own store in a temporary directory.
    .venv/bin/python benchmarks/kill_ingest.py [--kills 20] [--files 60] [--seed 18]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docx

from evidence.frameworks.model import Criterion, Framework, save_framework
from evidence.round.campaign import create_campaign
from evidence.store import Store

CAMPAIGN = """\
id: thu-2026
name: Thử nghiệm mất điện
framework: mini
year: 2026
period: {start: 2025-12-16, end: 2026-12-15}
deadlines: {self_assessment: 2026-12-20, appraisal: 2027-01-15}
organization: {parent: UBND TỈNH QUẢNG NAM, issuer: SỞ NỘI VỤ, issuer_short: SNV, place: Quảng Nam,
  signer: {authority: KT. GIÁM ĐỐC, title: PHÓ GIÁM ĐỐC, name: Nguyễn Văn A}}
units:
  - {code: STP, name: Sở Tư pháp, kind: department}
  - {code: SYT, name: Sở Y tế, kind: department}
council:
  - {name: Trần Văn B, title: Phó Chủ tịch UBND tỉnh, role: chair}
bands:
  - {name: Tốt, min: 80}
  - {name: Yếu, min: 0}
"""


def evidence(cmd: list[str], store: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "evidence", "--store", str(store), *cmd], capture_output=True, text=True
    )


def leftovers(store: Path) -> dict:
    index = store / "index"
    return {
        "blob_parts": len(list((store / "tmp").glob("*.part"))),
        "index_tmp": len(list(index.glob("*.tmp")) + list(index.glob(".*.tmp"))) if index.exists() else 0,
        "promises": len(list((store / "locks" / "pending").glob("*.json"))),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store_dir = root / "store"
        with Store.init(store_dir) as store:
            leaves = [Criterion(code=f"1.{i}", title=f"Tiêu chí {i}", max_points=2, parent_code="1") for i in (1, 2, 3)]
            save_framework(
                store, Framework(id="mini", name="Mini", criteria=[Criterion("1", "Lĩnh vực", children=leaves)])
            )
            (root / "c.yaml").write_text(CAMPAIGN, encoding="utf-8")
            create_campaign(store, root / "c.yaml")
        folder = root / "nop"
        made = 0

        def add_files(count: int) -> None:
            nonlocal made
            for n in range(made, made + count):
                where = folder / ("STP", "SYT")[n % 2] / f"1.{n % 3 + 1}"
                where.mkdir(parents=True, exist_ok=True)
                document = docx.Document()
                document.add_paragraph(f"UBND TỈNH QUẢNG NAM\nSỞ NỘI VỤ\nSố: {n + 1}/KH-SNV")
                document.add_paragraph(f"KẾ HOẠCH số {n + 1} về cải cách hành chính, tài liệu {n} " + "nội dung " * 300)
                document.save(where / f"tai-lieu-{n:03}.docx")
            made += count

        per_round = max(1, args.files // args.kills)
        # how long an ingest of one round's new files takes (on a copy), so the kills land anywhere in it
        import shutil

        add_files(per_round)
        shutil.copytree(store_dir, root / "timing")
        began = time.monotonic()
        evidence(["ingest", str(folder), "--no-ocr", "--jobs", "1"], root / "timing")
        whole = time.monotonic() - began
        print(f"one ingest of {per_round} new files: {whole:.1f} s")
        after_kill, after_next_write, verify_exit, stored = [], [], [], []
        for kill in range(args.kills):
            if kill:
                add_files(per_round)  # new content each round: reading, storing, linking, indexing to cut into
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "evidence",
                    "--store",
                    str(store_dir),
                    "ingest",
                    str(folder),
                    "--no-ocr",
                    "--jobs",
                    "1",
                    "--json",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.2, whole))
            process.kill()
            process.wait()
            after_kill.append(leftovers(store_dir))
            with Store.open(store_dir) as store:
                stored.append(store.db.execute("SELECT COUNT(*) FROM evidence").fetchone()[0])
            verify_exit.append(evidence(["verify", "--quick", "--json"], store_dir).returncode)
            # the next write: a known file attached again (linked, indexed, no reading)
            evidence(
                ["attach", str(next(folder.rglob("*.docx"))), "--unit", "STP", "--criterion", "1.1", "--no-ocr"],
                store_dir,
            )
            after_next_write.append(leftovers(store_dir))
        repaired = json.loads(evidence(["verify", "--repair", "--json"], store_dir).stdout)
        done = evidence(["ingest", str(folder), "--no-ocr", "--json"], store_dir)
        final = json.loads(evidence(["verify", "--json"], store_dir).stdout)
        check = json.loads(evidence(["index", "check", "--json"], store_dir).stdout)
        with Store.open(store_dir) as store:
            records = store.db.execute("SELECT COUNT(*) FROM evidence").fetchone()[0]
            links = store.db.execute("SELECT COUNT(*) FROM links").fetchone()[0]

    def total(rows, key):
        return sum(r[key] for r in rows)

    print(f"{args.kills} kills of `ingest` ({made} files, {per_round} new per round):")
    print(
        f"  left right after the kills: {total(after_kill, 'blob_parts')} blob .part, "
        f"{total(after_kill, 'index_tmp')} index .tmp, {total(after_kill, 'promises')} index promises"
    )
    print(f"  records stored after each kill: {stored}")
    print(f"  verify right after a kill: exit 1 (reported) {verify_exit.count(1)}x, exit 0 {verify_exit.count(0)}x")
    print(
        f"  left after the next write: {total(after_next_write, 'blob_parts')} blob .part, "
        f"{total(after_next_write, 'index_tmp')} index .tmp, {total(after_next_write, 'promises')} index promises"
    )
    print(f"  verify --repair at the end repaired {len(repaired['repaired'])} item(s)")
    print(
        f"  completion ingest exit {done.returncode}; {records} records, {links} links; "
        f"verify ok={final['ok']}, index check ok={check['ok']} (missing {len(check['missing'])})"
    )


if __name__ == "__main__":
    main()
