"""Time a large unit dossier: one unit with `--criteria` criteria, `--docs` Word documents of about `--mb` MB each
(a real header and a padding part the reader skips), linked one per criterion round-robin.

Prints the time and peak memory of `write_dossier` without PDF and with it (one LibreOffice run), and the size
check that refuses a dossier over the limit before writing. Builds its own store in a temporary directory.
    .venv/bin/python benchmarks/dossier.py [--criteria 100] [--docs 150] [--mb 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import docx

from evidence.catalog import attach_files
from evidence.documents.dossier import write_dossier
from evidence.errors import InputError
from evidence.frameworks.model import Criterion, Framework, save_framework
from evidence.round import scoring
from evidence.round.campaign import create_campaign
from evidence.store import Store

CAMPAIGN = """\
id: bench-2025
name: Xác định Chỉ số CCHC năm 2025 của các sở, ban, ngành
framework: bench
year: 2025
period: {start: 2024-12-16, end: 2025-12-15}
organization: {parent: UBND TỈNH QUẢNG NAM, issuer: SỞ NỘI VỤ, issuer_short: SNV, place: Quảng Nam}
units:
  - {code: SYT, name: Sở Y tế, kind: department, head_title: Giám đốc, head_name: Trần Thị Mai}
"""


def document(path: Path, n: int, pad_bytes: int) -> Path:
    d = docx.Document()
    header = d.add_table(rows=1, cols=2)
    header.rows[0].cells[0].text = f"UBND TỈNH QUẢNG NAM\nSỞ Y TẾ\nSố: {n}/KH-SYT"
    header.rows[0].cells[
        1
    ].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nQuảng Nam, ngày 05 tháng 3 năm 2025"
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph(f"Thực hiện nhiệm vụ cải cách hành chính số {n} năm 2025")
    d.save(path)
    with zipfile.ZipFile(path, "a") as archive:  # scanned annexes make real files large; the reader skips them
        archive.writestr("word/media/pad.bin", os.urandom(pad_bytes), compress_type=zipfile.ZIP_STORED)
    return path


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--criteria", type=int, default=100)
    parser.add_argument("--docs", type=int, default=150)
    parser.add_argument("--mb", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dossier-") as tmp:
        root = Path(tmp)
        store = Store.init(root / "store")
        leaves = [
            Criterion(code=f"1.{i}", title=f"Tiêu chí thành phần số {i}", max_points=1.0, parent_code="1")
            for i in range(1, args.criteria + 1)
        ]
        save_framework(
            store, Framework(id="bench", name="Bộ tiêu chí", criteria=[Criterion("1", "Lĩnh vực", children=leaves)])
        )
        (root / "c.yaml").write_text(CAMPAIGN, encoding="utf-8")
        campaign = create_campaign(store, root / "c.yaml")
        files = root / "files"
        files.mkdir()
        started = time.perf_counter()
        for n in range(1, args.docs + 1):
            path = document(files / f"kh-{n}.docx", n, int(args.mb * 1024 * 1024))
            code = leaves[(n - 1) % len(leaves)].code
            [outcome] = attach_files(
                store, [path], campaign_id=campaign.id, unit_code="SYT", criterion_code=code, ocr=False
            )
            assert outcome.error is None, outcome.error
            path.unlink()
        for leaf in leaves:
            scoring.set_self_score(store, campaign, "SYT", leaf.code, 1.0)
        print(
            f"set-up: {args.docs} documents × {args.mb:g} MB over {args.criteria} criteria in {time.perf_counter() - started:.1f} s"
        )

        started = time.perf_counter()
        result = write_dossier(store, campaign.id, "SYT", root / "out" / "SYT.zip", pdf=False)
        seconds = time.perf_counter() - started
        print(
            f"dossier without PDF: {seconds:.2f} s, {result.bytes / 1024 / 1024:.0f} MB zip, {result.files} files, "
            f"{result.bytes / 1024 / 1024 / seconds:.0f} MB/s, peak memory {peak_mb():.0f} MB"
        )
        started = time.perf_counter()
        result = write_dossier(store, campaign.id, "SYT", root / "out" / "SYT.zip")
        print(f"dossier with PDF: {time.perf_counter() - started:.2f} s (pdf: {result.self_report_pdf})")
        started = time.perf_counter()
        try:
            write_dossier(store, campaign.id, "SYT", root / "out" / "big.zip", pdf=False, max_bytes=10 * 1024 * 1024)
        except InputError as exc:
            print(f"over the limit refused in {time.perf_counter() - started:.2f} s: {exc}")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
