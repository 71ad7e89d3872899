"""OCR with Tesseract and its Vietnamese model, for the pages without a usable text layer only.

PDF pages are rendered by poppler's pdftoppm at 200 dpi in grey, without annotations (signature stamps drawn over
the header would otherwise garble it; their text is read from the signatures). 200 dpi reads the header about
as well as 300 dpi on real e-office scans at 60 % of the time. Near-blank pages (a seal bleeding through) are
detected from the rendered image and not sent to Tesseract. Pages are OCRed in parallel (one Tesseract per core,
each single-threaded: Tesseract's own threading is slower than running pages side by side).

Long documents: when more than OCR_MAX_PAGES pages need OCR, only the first OCR_HEAD pages and the last OCR_TAIL
pages are read (the header is on the first page, the signature block on the last text page); warning
`ocr_partial`. Set EVIDENCE_OCR_MAX_PAGES=0 to OCR every page.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import config
from ..vn.text import nfc
from .cpus import cpu_count
from .image import frame_png
from .ocr_zones import read_zone, tsv_lines

DPI = 200
LANG = config.setting("EVIDENCE_OCR_LANG")
PAGE_TIMEOUT = 120
OCR_MAX_PAGES = config.int_setting("EVIDENCE_OCR_MAX_PAGES")
OCR_HEAD, OCR_TAIL = 4, 3
BLANK_INK = 0.002  # a page with less than 0.2 % dark pixels is blank
_warned = False


@functools.lru_cache(maxsize=1)
def tesseract_status() -> str | None:
    """None when Tesseract with the Vietnamese model is usable, else why not."""
    binary = shutil.which("tesseract")
    if binary is None:
        return "Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)"
    try:
        out = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"Tesseract does not run ({exc})"
    langs = {line.strip() for line in out.splitlines()[1:]}
    missing = [lang for lang in LANG.split("+") if lang not in langs]
    if missing:
        return f"Tesseract has no '{'+'.join(missing)}' model (apt-get install tesseract-ocr-vie)"
    return None


def _say_once(message: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        print(f"warning: {message}; carrying on without OCR", file=sys.stderr)


def say_if_unavailable() -> bool:
    """Print on stderr, once per process, why OCR is unavailable; True when it is available."""
    problem = tesseract_status()
    if problem:
        _say_once(problem)
    return problem is None


def select_pages(indexes: list[int]) -> list[int]:
    if OCR_MAX_PAGES <= 0 or len(indexes) <= OCR_MAX_PAGES:
        return list(indexes)
    return sorted(set(indexes[:OCR_HEAD] + indexes[-OCR_TAIL:]))


def _env() -> dict:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


MAX_RENDER_PIXELS = 40_000_000  # a page of absurd size is rendered at a lower resolution, not at 200 dpi


def render_dpi(width_pt: float, height_pt: float, dpi: int = DPI) -> int:
    """The resolution to render a page of that size (points) without exceeding MAX_RENDER_PIXELS."""
    area = max(width_pt, 1.0) * max(height_pt, 1.0) / (72 * 72)
    return max(1, min(dpi, int((MAX_RENDER_PIXELS / area) ** 0.5)))


def _page_size(pdf_reader, index: int) -> tuple[float, float]:
    try:
        box = pdf_reader.pages[index].mediabox
        return abs(float(box.width)), abs(float(box.height))
    except Exception:
        return 595.0, 842.0


def render_pdf_page(path: Path, index: int, out_dir: Path, dpi: int = DPI) -> Path | None:
    """Page `index` (0-based) as a grey PNG, or None when poppler is missing or fails."""
    binary = shutil.which("pdftoppm")
    if binary is None:
        return None
    prefix = out_dir / f"page{index}"
    try:
        subprocess.run(
            [
                binary,
                "-r",
                str(dpi),
                "-gray",
                "-hide-annotations",
                "-f",
                str(index + 1),
                "-l",
                str(index + 1),
                "-singlefile",
                "-png",
                str(path),
                str(prefix),
            ],
            capture_output=True,
            timeout=PAGE_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    result = prefix.with_suffix(".png")
    return result if result.is_file() else None


def extract_page_image(reader, index: int, out_dir: Path) -> Path | None:
    """Fallback without poppler: the largest image drawn on the page (a scan is one image per page)."""
    try:
        images = list(reader.pages[index].images)
    except Exception:
        return None
    best = None
    for image in images:
        try:
            pil = image.image
        except Exception:
            continue
        if pil is not None and (best is None or pil.width * pil.height > best.width * best.height):
            best = pil
    if best is None:
        return None
    out = out_dir / f"page{index}.png"
    best.convert("L").save(out)
    return out


def ink_ratio(png: Path) -> float:
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        grey.thumbnail((600, 600))
        histogram = grey.histogram()
    total = sum(histogram) or 1
    return sum(histogram[:128]) / total


def tesseract(png: Path, boxes: list | None = None) -> str | None:
    """The page's text. With `boxes` (a list), the same recognition also writes its word boxes (TSV), and the
    lines of the header zone, with their boxes and word confidences, are appended to `boxes` (ocr_zones.py)."""
    if boxes is not None:
        return _tesseract_with_boxes(png, boxes)
    try:
        result = subprocess.run(
            ["tesseract", str(png), "stdout", "-l", LANG, "--psm", "3"],
            capture_output=True,
            timeout=PAGE_TIMEOUT,
            env=_env(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return nfc(result.stdout.decode("utf-8", "replace"))


def _tesseract_with_boxes(png: Path, boxes: list) -> str | None:
    base = png.with_name(png.stem + "-tess")
    try:
        result = subprocess.run(
            ["tesseract", str(png), str(base), "-l", LANG, "--psm", "3", "txt", "tsv"],
            capture_output=True,
            timeout=PAGE_TIMEOUT,
            env=_env(),
            check=False,
        )
        if result.returncode != 0:
            return None
        text = base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
        try:
            boxes.extend(
                line.to_dict()
                for line in tsv_lines(base.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace"))
            )
        except (OSError, ValueError):
            pass  # the text stands without its boxes
        return nfc(text)
    except (OSError, subprocess.TimeoutExpired):
        return None
    finally:
        for suffix in (".txt", ".tsv"):
            base.with_suffix(suffix).unlink(missing_ok=True)


def ocr_image(png: Path, boxes: list | None = None) -> tuple[str | None, bool]:
    """(text, blank) for one page image."""
    try:
        if ink_ratio(png) < BLANK_INK:
            return "", True
    except Exception:
        pass
    return tesseract(png, boxes), False


def ocr_pages(
    path: Path,
    fmt: str,
    indexes: list[int],
    page_texts: list[str],
    *,
    jobs: int | None = None,
    pdf_reader=None,
    header_zone: list | None = None,
) -> tuple[dict[int, str | None], list[str]]:
    """OCR the pages `indexes` of a PDF or image file. Returns ({index: text or None}, warnings).

    With `header_zone` (a list), the top of page 1, when it is OCRed, is also read by the second engine
    (ocr_zones.py) and its lines (dicts) are appended to that list."""
    if not say_if_unavailable():
        return {}, ["ocr_unavailable"]
    warnings: list[str] = []
    chosen = select_pages(indexes)
    if len(chosen) < len(indexes):
        warnings.append("ocr_partial")
    if jobs is None:
        jobs = cpu_count()
    results: dict[int, str | None] = {}
    with tempfile.TemporaryDirectory(prefix="evidence-ocr-") as tmp:
        out_dir = Path(tmp)

        def one(index: int) -> tuple[int, str | None, bool]:
            if fmt == "pdf":
                dpi = render_dpi(*_page_size(pdf_reader, index)) if pdf_reader is not None else DPI
                png = render_pdf_page(path, index, out_dir, dpi)
                if png is None and pdf_reader is not None:
                    png = extract_page_image(pdf_reader, index, out_dir)
            else:
                png = frame_png(path, index, out_dir / f"frame{index}.png")
            if png is None:
                return index, None, False
            first = index == 0 and header_zone is not None
            text, blank = ocr_image(png, header_zone if first else None)
            if first and not blank and header_zone is not None:
                lines, zone_warnings = read_zone(png)
                header_zone.extend(line.to_dict() for line in lines)
                warnings.extend(zone_warnings)
            png.unlink(missing_ok=True)
            return index, text, blank

        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(chosen) or 1))) as pool:
            for index, text, blank in pool.map(one, chosen):
                results[index] = text
                if text is None:
                    warnings.append("ocr_failed")
                elif blank:
                    warnings.append("blank_page")
    return results, warnings
