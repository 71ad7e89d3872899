"""A second OCR engine on the header zone of a scanned first page: RapidOCR (PP-OCRv4 through onnxruntime).

Tesseract's Vietnamese model reads printed text well but handwritten or stamped digits badly (the number and the
day of a signed scan are written by hand at issuance). PP-OCRv4 reads those digits much better, but its Latin
model has no Vietnamese diacritics, so it complements Tesseract rather than replacing it: it runs only on the top
of page 1 (where the `Số:` line, the place/date line and the type line are) and its lines, with their boxes and
confidences, are handed to the header parser as candidates (combine.py). The `Số:` line is recognised once more on
its own crop, keeping each character's probability and runners-up (`chars`), so that a handwritten digit can be
weighed against Tesseract's reading of it (a crossed 7 read as a dagger, combine.py).

The models ship inside the `rapidocr-onnxruntime` wheel (no download at run time). The engine is heavy (~0.6 s and
~150 MB to load), so it is imported lazily, once per process, with one inference thread (readers already run one
per core). When it is missing or fails, the reader carries on with Tesseract alone and says so once on stderr
(warning `ocr_second_engine_unavailable` / `ocr_second_engine_failed`).
"""

from __future__ import annotations

import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ZONE_TOP = 0.34  # the header, the type line and the first subject lines: the top third of page 1
MAX_ZONE_WIDTH = 1700  # pixels; a bigger crop (absurd page sizes, 600 dpi scans) is scaled down first
MIN_ZONE_WIDTH = 400  # smaller than this is not a page worth reading
RUNNER_UP_MIN = 0.02  # a character's runner-up readings below this probability are noise
# a line that may be the `Số:` line (left half of the page; `S`, a colon-ish mark, then a digit or a slash further
# on: the engine may cut the box before the slash, "S6: 09" + "/TTr-UBND", or lose it, "S6:932QD-TTg")
_NUMBER_LINE = re.compile(r"^\s*S\S{0,2}\s*[:;.,]?.*[/0-9]")
_state: dict = {"engine": None, "problem": None, "warned": False}


@dataclass
class ZoneLine:
    text: str
    x0: float  # box, as fractions of the page width / height
    y0: float
    x1: float
    y1: float
    confidence: float
    source: str = "ocr-rapid"
    # the number line only: each recognised character with its probability and runners-up (a second read of the
    # line's crop, see char_readings); None elsewhere
    chars: list | None = None

    def to_dict(self) -> dict:
        out = asdict(self)
        if out["chars"] is None:
            del out["chars"]
        return out


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
        _state["engine"] = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False, print_verbose=False)
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
    return array, (crop.width, crop.height / top)  # pixels per page width, pixels per page height


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
    except Exception as exc:  # a model or onnxruntime error must not stop the read
        _warn_once(f"second OCR engine failed ({type(exc).__name__}: {exc})")
        return [], ["ocr_second_engine_failed"]
    lines = []
    for box, text, score in result or ():
        xs = [float(p[0]) for p in box]
        ys = [float(p[1]) for p in box]
        lines.append(
            ZoneLine(
                text=str(text),
                x0=min(xs) / page_w,
                y0=min(ys) / page_h,
                x1=max(xs) / page_w,
                y1=max(ys) / page_h,
                confidence=round(float(score), 3),
            )
        )
        if _NUMBER_LINE.match(str(text)) and min(xs) / page_w < 0.5:
            lines[-1].chars = char_readings(ocr, array, xs, ys)
    lines.sort(key=lambda line: (round(line.y0 * 100), line.x0))
    return lines, []


def char_readings(ocr, array, xs: list[float], ys: list[float]) -> list | None:
    """The characters of one line's crop as the recogniser sees them: [[char, probability, {runner-up: p}], …].

    The pipeline gives one confidence per line; a handwritten digit needs its own, and its runners-up: a crossed 7
    (Vietnamese handwriting crosses the 7) is read `4` with a low probability and `7` second, a sure `4` is not.
    One more recognition of a crop a few hundred pixels wide (~20 ms). None when the recogniser cannot be reached
    this way (another RapidOCR version) or fails."""
    try:
        # numpy comes with the engine (imported lazily with it)
        import numpy as np

        rec = ocr.text_rec
        alphabet = rec.postprocess_op.character
        top, bottom = max(0, int(min(ys))), int(max(ys)) + 1
        left, right = max(0, int(min(xs))), int(max(xs)) + 1
        crop = array[top:bottom, left:right]
        height, width = crop.shape[:2]
        if height < 4 or width < 4:
            return None
        _, rec_h, rec_w = rec.rec_image_shape[:3]
        norm = rec.resize_norm_img(crop, max(rec_w / rec_h, width / height))[np.newaxis].astype(np.float32)
        preds = rec.session(norm)[0][0]  # time steps x alphabet (index 0: the CTC blank)
    except Exception:
        return None
    out: list = []
    previous = 0
    for row in preds:
        best = int(row.argmax())
        if best not in (0, previous):
            order = np.argsort(row)[::-1][1:4]
            runners = {str(alphabet[j]): round(float(row[j]), 3) for j in order if j != 0 and row[j] >= RUNNER_UP_MIN}
            out.append([str(alphabet[best]), round(float(row[best]), 3), runners])
        previous = best
    return out


def tsv_lines(tsv: str, top: float = ZONE_TOP) -> list[ZoneLine]:
    """Tesseract's word boxes (TSV) as lines of the header zone: the words of one text line joined, the box around
    them as page fractions, the confidence the mean of the words' (0–1). Lines below `top` are left out."""
    rows = [row.split("\t") for row in tsv.splitlines()[1:]]
    page_w = page_h = 0.0
    lines: dict[tuple, dict] = {}
    for row in rows:
        if len(row) < 12:
            continue
        # level, page_num, block_num, par_num, line_num, word_num, left, top, width, height, conf, text
        level, _, block, par, line, _, left, top_px, width, height = (int(v) for v in row[:10])
        conf = float(row[10])
        if level == 1:
            page_w, page_h = float(width), float(height)
            continue
        word = row[11].strip()
        if level != 5 or not word or conf < 0:
            continue
        entry = lines.setdefault(
            (block, par, line),
            {"words": [], "confs": [], "x0": left, "y0": top_px, "x1": left + width, "y1": top_px + height},
        )
        entry["words"].append(word)
        entry["confs"].append(conf)
        entry["x0"], entry["y0"] = min(entry["x0"], left), min(entry["y0"], top_px)
        entry["x1"], entry["y1"] = max(entry["x1"], left + width), max(entry["y1"], top_px + height)
    if not page_w or not page_h:
        return []
    out = []
    for entry in lines.values():
        if entry["y0"] / page_h > top:
            continue
        out.append(
            ZoneLine(
                text=" ".join(entry["words"]),
                x0=entry["x0"] / page_w,
                y0=entry["y0"] / page_h,
                x1=entry["x1"] / page_w,
                y1=entry["y1"] / page_h,
                confidence=round(sum(entry["confs"]) / len(entry["confs"]) / 100, 3),
                source="ocr-tesseract",
            )
        )
    out.sort(key=lambda line: (round(line.y0 * 100), line.x0))
    return out
