"""`evidence ingest` against the raw libraries, side by side, on the same files (issue 16).

    python benchmarks/ingest.py                  # 60 born-digital 6-page PDFs and 20 DOCX, two rounds each
    python benchmarks/ingest.py --pdfs 40 --docx 10 --rounds 1 --workdir /tmp/bench-ingest

Each round runs, back to back: plain single-process pypdf text extraction of every PDF (`page.extract_text()`
on every page), then `evidence ingest` of the same PDFs into a fresh store (a subprocess: start-up, reading,
header parsing, blobs, the database and the index commit all included); the same for python-docx (the text of
every paragraph and table cell) against `evidence ingest` of the DOCX. The figure is the ratio ingest / raw
(target ≤ 1.5), best of the rounds. The machine's load (`uptime`) is printed with the figures.

The project's modules are compiled to bytecode first, as those of an installed package are (pip compiles them;
Python writes them on first import otherwise): with PYTHONDONTWRITEBYTECODE set, as on the shared development
machine, an editable checkout would compile its ~150 modules from source on every start (some 70 ms), which the
raw libraries, installed with their bytecode, never pay. `--from-source` measures that case.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from evidence.demo.campaign import campaign_yaml  # noqa: E402
from evidence.demo.docgen import OfficialDoc, write_docx, write_pdf  # noqa: E402
from evidence.frameworks import load_samples  # noqa: E402
from evidence.round.campaign import create_campaign  # noqa: E402
from evidence.store import Store  # noqa: E402

EVIDENCE = [sys.executable, "-m", "evidence.cli"]
WORDS = (
    "cải cách hành chính thủ tục công vụ công chức dịch vụ công trực tuyến kiểm soát tổ chức bộ máy chính quyền "
    "điện tử chuyển đổi số người dân doanh nghiệp hài lòng giải quyết hồ sơ một cửa liên thông văn bản quy phạm "
    "pháp luật kiểm tra rà soát tuyên truyền phổ biến đánh giá kết quả thực hiện nhiệm vụ kế hoạch năm quý tháng"
).split()


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _doc(i: int, rng: random.Random, paragraphs: int) -> OfficialDoc:
    body = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 90))).capitalize() + "." for _ in range(paragraphs)
    ]
    return OfficialDoc(
        issuer="Sở Nội vụ",
        parent="UBND tỉnh Quảng Ngãi",
        type_code="KH",
        subject=f"Thực hiện công tác cải cách hành chính năm 2026, đợt {i}",
        number=f"{i + 10}/KH-SNV",
        place="Quảng Ngãi",
        issued_on=date(2026, 1 + i % 12, 1 + i % 28),
        body=body,
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn An",
    )


def make_files(folder: Path, n_pdf: int, n_docx: int) -> tuple[list[Path], list[Path]]:
    """Born-digital PDFs of six pages and DOCX of about as much text, in DIR/pdf and DIR/docx."""
    rng = random.Random(16)
    pdfs, docxs = [], []
    for i in range(n_pdf):
        path = folder / "pdf" / f"ke-hoach-{i:03d}.pdf"
        if not path.exists():
            write_pdf(_doc(i, rng, 44), path)
        pdfs.append(path)
    for i in range(n_docx):
        path = folder / "docx" / f"bao-cao-{i:03d}.docx"
        if not path.exists():
            write_docx(_doc(1000 + i, rng, 40), path)
        docxs.append(path)
    return pdfs, docxs


def pages_of(pdfs: list[Path]) -> int:
    import pypdf

    return sum(len(pypdf.PdfReader(str(p)).pages) for p in pdfs)


def raw_pypdf(pdfs: list[Path]) -> float:
    """Plain pypdf in one process, its import included (as `evidence ingest` pays for its own)."""
    code = (
        "import sys, time\nt = time.perf_counter()\nimport pypdf\n"
        "for p in sys.argv[1:]:\n    r = pypdf.PdfReader(p)\n    [page.extract_text() for page in r.pages]\n"
        "print(time.perf_counter() - t)\n"
    )
    return _timed_child(code, pdfs)


def raw_docx(docxs: list[Path]) -> float:
    code = (
        "import sys, time\nt = time.perf_counter()\nimport docx\n"
        "for p in sys.argv[1:]:\n    d = docx.Document(p)\n    [x.text for x in d.paragraphs]\n"
        "    [c.text for t in d.tables for row in t.rows for c in row.cells]\n"
        "print(time.perf_counter() - t)\n"
    )
    return _timed_child(code, docxs)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # every finished descendant (readers included)
    return usage.ru_utime + usage.ru_stime


CPU: dict[str, float] = {}  # the CPU seconds of the last run of each kind


def _timed_child(code: str, files: list[Path]) -> float:
    cpu = _cpu()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *map(str, files)], check=True, capture_output=True)
    CPU["raw"] = _cpu() - cpu
    return time.perf_counter() - started  # wall time of the whole process, as for the ingest


def fresh_store(path: Path) -> tuple[str, str, str]:
    if path.exists():
        shutil.rmtree(path)
    store = Store.init(path)
    load_samples(store)
    campaign_file = path.parent / "bench-campaign.yaml"
    campaign_file.write_text(campaign_yaml(date(2026, 6, 1)), encoding="utf-8")
    campaign = create_campaign(store, campaign_file)
    unit = campaign.units[0]
    criterion = campaign.applicable_leaves(unit)[0].code
    store.close()
    return campaign.id, unit.code, criterion


def run_ingest(store_dir: Path, files: list[Path], work: Path) -> tuple[float, dict]:
    campaign_id, unit, criterion = fresh_store(store_dir)
    tree = work / "tree"
    if tree.exists():
        shutil.rmtree(tree)
    target = tree / unit / criterion
    target.mkdir(parents=True)
    for f in files:
        os.link(f, target / f.name) if f.stat().st_dev == target.stat().st_dev else shutil.copy(f, target)
    cpu = _cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [*EVIDENCE, "--store", str(store_dir), "ingest", str(tree), "--campaign", campaign_id, "--json"],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    CPU["ingest"] = _cpu() - cpu
    if done.returncode not in (0, 1):
        raise SystemExit(f"ingest failed: {done.stderr}")
    return seconds, json.loads(done.stdout)["summary"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=60)
    parser.add_argument("--docx", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workdir", type=Path, help="keep the generated files here (reused when present)")
    parser.add_argument("--from-source", action="store_true", help="do not byte-compile src/ first (see above)")
    args = parser.parse_args()
    if not args.from_source:
        compileall.compile_dir(str(ROOT / "src"), quiet=1)
    print(
        f"src/ {'not ' if args.from_source else ''}byte-compiled"
        f"{' (PYTHONDONTWRITEBYTECODE is set)' if os.environ.get('PYTHONDONTWRITEBYTECODE') else ''}"
    )
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    pdfs, docxs = make_files(work / "files", args.pdfs, args.docx)
    print(f"{len(pdfs)} PDFs ({pages_of(pdfs)} pages), {len(docxs)} DOCX; cores {os.cpu_count()}; load {load()}")
    rows: dict[str, list[tuple[float, float]]] = {"pdf": [], "docx": []}
    for r in range(args.rounds):
        for kind, files, raw in (("pdf", pdfs, raw_pypdf), ("docx", docxs, raw_docx)):
            if not files:
                continue
            raw_s = raw(files)
            ingest_s, summary = run_ingest(work / "store", files, work)
            rows[kind].append((raw_s, ingest_s))
            print(
                f"round {r + 1} {kind:4}: raw {raw_s:6.2f} s   evidence ingest {ingest_s:6.2f} s   "
                f"ratio {ingest_s / raw_s:4.2f}   (CPU: raw {CPU['raw']:.2f} s, ingest {CPU['ingest']:.2f} s)"
                f"   ({summary['linked']} linked, {summary['errors']} errors)   load {load()}"
            )
    print("\nbest of rounds (target: ratio ≤ 1.5)")
    for kind, pairs in rows.items():
        if pairs:
            raw_s, ingest_s = min(pairs, key=lambda p: p[1] / p[0])
            label = "pypdf" if kind == "pdf" else "python-docx"
            print(f"  {kind:4}: {label} {raw_s:.2f} s, ingest {ingest_s:.2f} s, ratio {ingest_s / raw_s:.2f}")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
