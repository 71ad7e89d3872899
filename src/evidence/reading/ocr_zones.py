"""A second OCR engine on the header zone of a scanned first page: RapidOCR (PP-OCRv4 through onnxruntime).

Tesseract's Vietnamese model reads printed text well but handwritten or stamped digits badly (the number and the
day of a signed scan are written by hand at issuance). PP-OCRv4 reads those digits much better, but its Latin
model has no Vietnamese diacritics, so it complements Tesseract rather than replacing it: it runs only on the top
of page 1 (where the `Số:` line, the place/date line and the type line are) and its lines, with their boxes and
confidences, are handed to the header parser as candidates (combine.py).

The models ship inside the `rapidocr-onnxruntime` wheel (no download at run time). The engine is heavy (~0.6 s and
~150 MB to load), so it is imported lazily, once per process, with one inference thread (readers already run one
per core). When it is missing or fails, the reader carries on with Tesseract alone and says so once on stderr
(warning `ocr_second_engine_unavailable` / `ocr_second_engine_failed`).
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ZONE_TOP = 0.34          # the header, the type line and the first subject lines: the top third of page 1
MAX_ZONE_WIDTH = 1700    # pixels; a bigger crop (absurd page sizes, 600 dpi scans) is scaled down first
MIN_ZONE_WIDTH = 400     # smaller than this is not a page worth reading
_state: dict = {"engine": None, "problem": None, "warned": False}


@dataclass
class ZoneLine:
    text: str
    x0: float            # box, as fractions of the page width / height
    y0: float
    x1: float
    y1: float
    confidence: float
    source: str = "ocr-rapid"

    def to_dict(self) -> dict:
        return asdict(self)


def _warn_once(message: str) -> None:
    if not _state["warned"]:
        _state["warned"] = True
        print(f"warning: {message}; header zones read with Tesseract only", file=sys.stderr)


def engine():
    """The RapidOCR engine of this process, or None (with the reason in `problem()`)."""
    if _state["engine"] is not None or _state["problem"]:
        return _state["engine"]
    try:
        # heavy (onnxruntime + models): imported only when a scanned header needs it
        from rapidocr_onnxruntime import RapidOCR
    except Exception as exc:  # ImportError, or a broken onnxruntime build
        _state["problem"] = f"second OCR engine unavailable (rapidocr-onnxruntime: {type(exc).__name__}: {exc})"
        return None
    try:
        _state["engine"] = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False,
                                    print_verbose=False)
    except Exception as exc:
        _state["problem"] = f"second OCR engine failed to start ({type(exc).__name__}: {exc})"
    return _state["engine"]


def problem() -> str | None:
    return _state["problem"]


def header_zone(png: Path, top: float = ZONE_TOP):
    """The top of the page as a greyscale numpy array (scaled to at most MAX_ZONE_WIDTH), with the scale factors
    back to page fractions; None when the image is unusable."""
    # imaging libraries, as in ocr.py: loaded only when a scan is read
    import numpy as np
    from PIL import Image

    with Image.open(png) as image:
        width, height = image.size
        if width < MIN_ZONE_WIDTH or height < MIN_ZONE_WIDTH:
            return None
        crop = image.convert("L").crop((0, 0, width, max(1, int(height * top))))
    if crop.width > MAX_ZONE_WIDTH:
        ratio = MAX_ZONE_WIDTH / crop.width
        crop = crop.resize((MAX_ZONE_WIDTH, max(1, int(crop.height * ratio))))
    array = np.asarray(crop.convert("RGB"))
    return array, (crop.width, crop.height / top)   # pixels per page width, pixels per page height


def read_zone(png: Path, top: float = ZONE_TOP) -> tuple[list[ZoneLine], list[str]]:
    """(lines of the header zone, warnings). Never raises: a missing or failing engine gives ([], [warning])."""
    ocr = engine()
    if ocr is None:
        _warn_once(problem() or "second OCR engine unavailable")
        return [], ["ocr_second_engine_unavailable"]
    try:
        zone = header_zone(png, top)
        if zone is None:
            return [], []
        array, (page_w, page_h) = zone
        result, _ = ocr(array, use_cls=False)
    except MemoryError:
        _warn_once("second OCR engine ran out of memory")
        return [], ["ocr_second_engine_failed"]
    except Exception as exc:   # a model or onnxruntime error must not stop the read
        _warn_once(f"second OCR engine failed ({type(exc).__name__}: {exc})")
        return [], ["ocr_second_engine_failed"]
    lines = []
    for box, text, score in result or ():
        xs = [float(p[0]) for p in box]
        ys = [float(p[1]) for p in box]
        lines.append(ZoneLine(text=str(text), x0=min(xs) / page_w, y0=min(ys) / page_h, x1=max(xs) / page_w,
                              y1=max(ys) / page_h, confidence=round(float(score), 3)))
    lines.sort(key=lambda line: (round(line.y0 * 100), line.x0))
    return lines, []
