"""Combining the two OCR engines on a scanned header, and saying how sure each field is.

Layout from boxes: the second engine's lines (ocr_zones.py) carry their boxes, so the header is read by position,
as Decree 30 lays it out: the left column (x centre left of the page middle) holds the issuing body and the
`Số:` line, the right column the motto and the place/date line; the type line is centred under both. An
incoming-register stamp (`ĐẾN Số: … Ngày: …`) is a box of its own with `đến` in it and is skipped.

Candidates, each with its source and confidence:
- number: the digits before `/SYMBOL` on the `Số:` line from Tesseract and from RapidOCR. Equal → both agree;
  one missing or unreadable → the other; different → the candidate with the better evidence (digits read as
  digits rather than repaired from look-alike letters, engine confidence). The symbol comes from Tesseract when it
  has one (it keeps `Đ`), else from RapidOCR with the type code restored (`QD` → `QĐ`).
- issue date: the place/date line of both engines. A candidate is impossible when it falls after the first
  signing time (a document is not issued after it is signed) or long before it; the month and year are printed
  and both engines agree on them, the day is handwritten and is where they differ.

    combine_zones(meta, zones, signatures) -> None        (updates meta: number, issued_on, type, sources…)
    field_sources(meta, first_page_source) -> None          (fills meta["sources"] and meta["confidence"])
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ..vn.dates import find_dates
from ..vn.doctypes import TYPE_NAMES, type_from_name
from ..vn.numbers import _SYMBOL, clean_symbol
from ..vn.text import fold_aligned, nfc

MAX_SIGNING_DELAY_DAYS = 90  # a printed date this long before the first signature is not believed
CONFIDENCE = {
    "text": 0.99,
    "widget": 0.98,
    "ocr-tesseract": 0.7,
    "ocr-rapid": 0.75,
    "ocr-both": 0.95,
    "signature": 0.5,
    "body": 0.8,
}
FIELDS = (
    "number",
    "type_code",
    "issuer",
    "parent_issuer",
    "place",
    "issued_on",
    "summary",
    "signer_title",
    "signer_name",
)

_SO = re.compile(r"(?:^|[\s|])s[o0ô6óòõơ9]\s*[:;.,]?\s*", re.IGNORECASE)
_DIGITISH = "0-9OoDHAYIl|QZz&SsBgqbGT."
# the number as written: digits, look-alikes, and letters no table maps (kept for the per-character merge)
_NUMCHARS = _DIGITISH + "A-Za-z+#"
_NUM = rf"(?P<num>[{_NUMCHARS}](?:[{_NUMCHARS} ]{{0,5}}[{_NUMCHARS}])?)?"
_NUM_SYMBOL = re.compile(rf"{_NUM}\s*[/|]\s*(?:(?P<year>(?:19|20)\d\d)\s*/\s*)?(?P<sym>{_SYMBOL})")
# the slash lost under the handwriting, or read as a letter: "105QD-UBND", "08 iCT-UBND"
_GLUED = re.compile(rf"^\s*(?P<num>\d{{1,6}})(?P<year>)\s*[il]?(?P<sym>[A-Z][A-Za-z]{{0,4}}-{_SYMBOL})")
# Handwritten digits as a Latin OCR model reads them: a 1 with its lead-in stroke → A, Y, I, l, |, /; a looped 2
# → Q, &, Z; 0 → O, D; 4 with an open top → H; 5 → S; 8 → B; 9 → g, q; 6 → b, G; 7 → T. Used only on the number and the day, which are
# digits by definition.
_LOOKALIKE = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "H": "4",
        "A": "1",
        "Y": "1",
        "I": "1",
        "l": "1",
        "|": "1",
        "/": "1",
        "Q": "2",
        "&": "2",
        "Z": "2",
        "z": "2",
        "S": "5",
        "s": "5",
        "B": "8",
        "g": "9",
        "q": "9",
        "b": "6",
        "G": "6",
        "T": "7",
    }
)
_DIGITISH_CHARS = set("0123456789OoDAYIl|QZz&SsBgqbGT")
_STAMP = re.compile(r"\bden\b|^\s*cv\s*den|chuyen\s*:|ky boi|thoi gian ky|sao y|\+07|\b\d{1,2}:\d{2}:\d{2}\b")


def _fold(text: str) -> str:
    return fold_aligned(nfc(text))


def _column(line: dict) -> str:
    centre = (line["x0"] + line["x1"]) / 2
    if line["x1"] <= 0.55 and centre < 0.45:
        return "L"
    if line["x0"] >= 0.42 and centre > 0.55:
        return "R"
    return "C"


def _signed(signatures) -> date | None:
    for sig in signatures or ():
        if sig.get("signed_at"):
            try:
                return datetime.fromisoformat(sig["signed_at"]).date()
            except ValueError:
                continue
    return None


def rows(zones: list[dict]) -> list[dict]:
    """Boxes of one printed line and one column joined left to right: the engine often cuts `Số: 01` from
    `/TTr-UBND` where a handwritten number leaves a gap."""
    out: list[dict] = []
    for line in sorted(zones, key=lambda z: (z["y0"], z["x0"])):
        middle = (line["y0"] + line["y1"]) / 2
        for row in out:
            if (
                row["y0"] <= middle <= row["y1"]
                and _column(row) == _column(line) != "C"
                and -0.03 <= line["x0"] - row["x1"] <= 0.08
            ):
                if row.get("chars") or line.get("chars"):
                    row["chars"] = _chars_of(row) + [[" ", 1.0, {}]] + _chars_of(line)
                row["text"] = row["text"] + " " + line["text"]
                row["x1"] = max(row["x1"], line["x1"])
                row["confidence"] = min(row["confidence"], line["confidence"])
                break
        else:
            out.append(dict(line))
    return out


def _chars_of(line: dict) -> list:
    """A line's per-character readings; a box read without them counts each character at the line's confidence."""
    if line.get("chars"):
        return list(line["chars"])
    return [[ch, float(line.get("confidence") or 0.0), {}] for ch in line["text"]]


def _number_match(text: str) -> tuple[int, re.Match | None]:
    """(where the text after `Số:` starts, the match of the number and symbol in it, or None)."""
    folded = _fold(text)
    so = _SO.search(text)
    # the number line starts with "Số" (a cited "… công văn số 5770/…" has words before it)
    if not so or so.start() > 6 or re.search(r"[a-z]{2,}", folded[: so.start()]):
        return 0, None
    rest = text[so.end() :]
    # a handwritten 1 read as a slash before the printed one: "9/ /TTr-CAT" is 91
    rest = re.sub(r"^(\s*\d{1,5})\s*/\s+/", r"\g<1>1 /", rest)
    match = _NUM_SYMBOL.search(rest)
    if not match or match.start() > 3:
        match = _GLUED.match(rest)  # the slash lost under a handwritten number: "105QD-UBND"
    return so.end(), match


def _digits_of(raw: str) -> str:
    digits = raw.translate(_LOOKALIKE)
    if raw and not digits.isdigit():
        digits = ""
    if len(digits) > 2:
        digits = digits.lstrip("0") or "0"
    return digits


def zone_number(zones: list[dict]) -> dict | None:
    """{digits, year, symbol, confidence, clean, …} from the topmost `Số:` line of the left column, or None.
    With the line's per-character readings (a second read of its crop, ocr_zones.char_readings): `reread`, the
    digits of that read, and `chars`, its characters of the number ([char, probability, runners-up])."""
    for line in rows(zones):
        folded = _fold(line["text"])
        if _column(line) == "R" or _STAMP.search(folded):
            continue
        _, match = _number_match(line["text"])
        if not match:
            continue
        raw = (match.group("num") or "").replace(" ", "").replace(".", "")  # a number has no dots
        digits = _digits_of(raw)
        found = {
            "digits": digits or None,
            "year": match.group("year"),
            "symbol": _symbol(match.group("sym")),
            "mapped": raw.translate(_LOOKALIKE),
            "confidence": float(line["confidence"]),
            # digits, or a zero read as the letter O (Decree 30 pads numbers below 10: "O1")
            "clean": bool(raw) and all(ch.isdigit() or ch in "Oo" for ch in raw),
            "repaired": raw != digits,
            "reread": None,
            "chars": None,
        }
        chars = line.get("chars")
        if chars and all(len(c[0]) == 1 for c in chars):
            text = "".join(c[0] for c in chars)
            offset, again = _number_match(text)
            if again and again.group("num"):
                start = offset + again.start("num")
                span = chars[start : start + len(again.group("num"))]
                # (a span that does not spell the number: the text was repaired before matching, no per-character view)
                if "".join(c[0] for c in span) == again.group("num"):
                    found["chars"] = [c for c in span if c[0] not in " ."]
                found["reread"] = _digits_of(again.group("num").replace(" ", "").replace(".", "")) or None
        return found
    return None


# Vietnamese handwriting crosses the 7 (a bar through its stem). Tesseract, whose model has no handwritten digits,
# reads a crossed 7 as a dagger (†, ‡); PP-OCR reads it as a 4 with a low probability and 7 among the runners-up
# (or as a 1 or a T). A dagger is a crossed 7, or a 4 drawn with a bar, so RapidOCR's reading of the same
# position decides: a 7 (or 7 as a runner-up) → 7, a sure 4 → 4.
_CROSSED = "†‡"
SURE_CHAR = 0.9  # a character read with this probability is not overruled by the other engine
RUNNER_UP = 0.05  # a runner-up reading this probable counts as support


def crossed_sevens(tesseract: str | None, chars: list | None) -> str | None:
    """The number with Tesseract's daggers resolved by RapidOCR's per-character readings (`chars`: [char,
    probability, {runner-up: probability}]), both right-aligned on the slash that ends them; digits Tesseract lost
    at the front are RapidOCR's. None when Tesseract read no dagger, a dagger stays undecided, a position has no
    digit, or Tesseract read more characters than RapidOCR."""
    tess = re.sub(r"^[^\w†‡]+|[^\w†‡]+$", "", tesseract or "")
    if not chars or not any(ch in _CROSSED for ch in tess) or len(tess) > len(chars):
        return None
    lead, aligned = chars[: len(chars) - len(tess)], chars[len(chars) - len(tess) :]
    out = []
    for char, _, _ in lead:
        digit = char.translate(_LOOKALIKE)
        if not digit.isdigit():
            return None
        out.append(digit)
    for mark, (char, probability, runners) in zip(tess, aligned):
        digit = char.translate(_LOOKALIKE)
        if mark in _CROSSED:
            if digit == "7" or ((digit != "4" or probability < SURE_CHAR) and runners.get("7", 0) >= RUNNER_UP):
                out.append("7")
            elif digit == "4" and probability >= SURE_CHAR:
                out.append("4")
            else:
                return None
        elif digit.isdigit():
            out.append(digit)
        elif mark.translate(_LOOKALIKE).isdigit():
            out.append(mark.translate(_LOOKALIKE))
        else:
            return None
    digits = "".join(out)
    return digits.lstrip("0") or "0" if len(digits) > 2 else digits


def vote_reads(
    first: str | None, raw: str, second: str | None, chars: list | None, other: str | None = None
) -> str | None:
    """RapidOCR's two reads of one number, the whole header zone (`first`, from the look-alike-mapped `raw`) and
    the number line's crop alone (`second`, with per-character readings `chars`), voted per digit:
    - equal → that; one lost a digit the other has (a subsequence) → the longer;
    - equal length, different digits → at each position the first read's digit when the second read has it as a
      runner-up (two reads support it), else the second read's when it is sure of it, else the first read's;
    - the first unreadable → the second, unless it has fewer characters than the first read saw, or fewer digits
      than the other engine's reading `other` (it lost some).
    """
    if not second:
        return first
    if not first:
        return second if len(second) >= max(len(raw), len(other or "")) else None
    if first == second:
        return first
    if len(first) != len(second):
        longer, shorter = (first, second) if len(first) > len(second) else (second, first)
        return longer if _subsequence(shorter, longer) else first
    if not chars or len(chars) != len(second):
        return first
    out = []
    for a, b, (_, probability, runners) in zip(first, second, chars):
        if (
            a == b
            or runners.get(a, 0) >= RUNNER_UP
            or any(k.translate(_LOOKALIKE) == a and v >= RUNNER_UP for k, v in runners.items())
        ):
            out.append(a)
        elif probability >= SURE_CHAR:
            out.append(b)
        else:
            out.append(a)
    return "".join(out)


def merge_digits(rapid: str, tesseract: str) -> str | None:
    """Per-character merge of two readings of one number, each with characters neither engine could read
    (`J93` and `}492` → `493`): right-aligned at equal length after trimming debris at the ends, a position takes
    RapidOCR's digit, else Tesseract's; None when a position has no digit or the lengths differ."""
    a = re.sub(r"^[^\w]+|[^\w]+$", "", rapid or "")
    b = re.sub(r"^[^\w]+|[^\w]+$", "", tesseract or "")
    if not a or len(a) != len(b):
        return None
    out = []
    for x, y in zip(a, b):
        if x.isdigit():
            out.append(x)
        elif y.isdigit():
            out.append(y)
        else:
            return None
    digits = "".join(out)
    return digits.lstrip("0") or "0" if len(digits) > 2 else digits


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _symbol(raw: str) -> str:
    """RapidOCR writes Đ as D: restore the Decree 30 code at the head of the symbol (`QD-UBND` → `QĐ-UBND`)."""
    symbol = clean_symbol(raw)
    head, sep, rest = symbol.partition("-")
    if head not in TYPE_NAMES:
        for code in TYPE_NAMES:
            if code.upper().replace("Đ", "D") == head.upper() and code != "CV":
                head = code
                break
    return head + sep + rest


def _better_symbol(tess: str | None, zone: str | None) -> str | None:
    """Tesseract's symbol keeps Vietnamese letters (Đ); RapidOCR's is better when Tesseract's is debris (no
    hyphen, or a different shape) and RapidOCR's has the `TYPE-ISSUER` / `ISSUER-UNIT` shape."""
    if not zone:
        return tess
    if not tess:
        return zone
    if _key(tess) == _key(zone):
        return tess
    shaped = re.compile(r"^[A-Za-zĐđ]{1,6}(?:[-.][A-Za-zĐđ0-9&]+)+$")
    if shaped.match(zone) and not shaped.match(tess):
        return zone
    return tess


def _key(symbol: str) -> str:
    return _fold(symbol).upper()


# the handwritten day between `ngày` and `tháng`: `ngay A5 thang`, `ngay /0 thang01`, `ngay-16 thang`
_DAY_TOKEN = re.compile(r"(?i)(ngay[\s:.,-]*)([0-9OoDAYIl|/QZz&SsBgqbGT]{1,2})(?=\s*thang)")


def _day_digits(match) -> str:
    token = match.group(2)
    digits = token.translate(_LOOKALIKE)
    return match.group(1).rstrip(":.,- ") + " " + (digits if digits.isdigit() else token) + " "


def zone_date(zones: list[dict]):
    """The date candidate of the place/date line of the right column (first in reading order), with its line."""
    for line in zones:
        # the right column only: a body line across the page ("Vào lúc … ngày …" of minutes) is no date line
        if _column(line) != "R" or _STAMP.search(_fold(line["text"])):
            continue
        text = _DAY_TOKEN.sub(_day_digits, line["text"])
        for cand in find_dates(text):
            # the place/date line is written out (`ngày … tháng … năm …`); a numeric date is a stamp's
            if cand.kind == "day" and _fold(cand.text).startswith("ngay"):
                return cand, dict(line, text=text)
    return None, None


def day_readings(cand) -> list[date]:
    """The dates a place/date line can mean. A readable valid day gives one; a day over 31 (`ngay 46`: a
    handwritten 1 read as 4) gives every valid day with its first digit read otherwise (06, 16, 26); a missing day
    gives none."""
    if cand.value is not None and cand.warning != "date_repaired":
        return [cand.value]
    if not (cand.month and cand.year):
        return []
    match = re.search(r"ngay\s*(\d{2})", _fold(cand.text))
    if not match:
        return [cand.value] if cand.value else []
    last = match.group(1)[1]
    out = []
    for first in "0123":
        try:
            out.append(date(cand.year, cand.month, int(first + last)))
        except ValueError:
            continue
    return [d for d in out if d.day >= 1]


def _pick(readings: list[date], signed: date | None) -> date | None:
    """The reading closest before the first signature (a document is signed on or soon after its date)."""
    if signed is None:
        return readings[0] if readings else None
    plausible = [d for d in readings if _plausible(d, signed)]
    return max(plausible) if plausible else None


def zone_type(zones: list[dict]) -> str | None:
    for line in zones:
        text = re.sub(r"[^\w\s]", " ", line["text"]).strip()
        if text and text.replace(" ", "").isupper() and len(text) <= 30:
            code = type_from_name(text)
            if code and code not in ("L",):
                return code
    return None


def _plausible(value: date | None, signed: date | None) -> bool:
    if value is None:
        return False
    if signed is None:
        return True
    return 0 <= (signed - value).days <= MAX_SIGNING_DELAY_DAYS


def tesseract_confidences(lines: list[dict]) -> tuple[float | None, float | None]:
    """(confidence of Tesseract's `Số:` line, of its place/date line): the mean of their words' confidences."""
    number = day = None
    for line in lines:
        folded = _fold(line["text"])
        if number is None and re.match(r"\s*s[o0ô6]\s*[:;.]?", folded) and "/" in folded:
            number = float(line["confidence"])
        if day is None and re.search(r"ngay.{0,12}thang.{0,10}nam", folded):
            day = float(line["confidence"])
    return number, day


def _tess_sure(line_confidence: float | None) -> float:
    """A Tesseract value's confidence: its line's word confidence, scaled below a two-engine agreement."""
    if line_confidence is None:
        return CONFIDENCE["ocr-tesseract"]
    return round(min(0.9, 0.85 * line_confidence), 2)


def combine_zones(meta: dict, zones: list[dict], signatures) -> None:
    """Merge the second engine's header lines into `meta` (number, issued_on, type_code) and record, per field,
    where the value came from and how sure it is (meta["sources"], meta["confidence"], meta["candidates"])."""
    if not zones:
        return
    sources = meta.setdefault("sources", {})
    confidence = meta.setdefault("confidence", {})
    candidates = meta.setdefault("candidates", {})
    signed = _signed(signatures)
    # Tesseract's own lines (its word boxes and confidences) say how sure its number and date are
    tess_lines = [z for z in zones if z.get("source") == "ocr-tesseract"]
    zones = [z for z in zones if z.get("source", "ocr-rapid") == "ocr-rapid"]
    tess_number_sure, tess_date_sure = tesseract_confidences(tess_lines)

    # -- number
    zone = zone_number(zones)
    tess_raw = meta.pop("number_raw", None)
    current = meta.get("number")
    read = dict(zone) if zone else None  # what RapidOCR's reads saw, before they are combined
    crossed = crossed_sevens(tess_raw, zone["chars"]) if zone else None
    if zone and crossed:
        zone = dict(zone, digits=crossed, clean=True, crossed=True)
    if zone and not zone["digits"] and tess_raw:
        merged = merge_digits(zone["mapped"], tess_raw.translate(_LOOKALIKE))
        if merged:
            zone = dict(zone, digits=merged, clean=False)
    if zone and not crossed:
        tess_read = current.split("/", 1)[0] if current and "/" in current else None
        voted = vote_reads(zone["digits"], zone["mapped"], zone["reread"], zone["chars"], tess_read)
        if voted != zone["digits"]:
            zone = dict(zone, digits=voted, clean=True, reread_used=True)
    tess_digits = current.split("/", 1)[0] if current and "/" in current else None
    tess_symbol = current.split("/", 1)[1] if current and "/" in current else None
    if zone and read:
        tess_seen = current
        if tess_raw:  # what Tesseract saw where it could not read a number ("4‡/QĐ-UBND")
            tess_seen = tess_raw + (current if current and current.startswith("/") else f"/{zone['symbol']}")
        listed = [
            {"value": tess_seen, "source": "ocr-tesseract", "confidence": tess_number_sure} if tess_seen else None,
            {
                "value": f"{read['digits'] or read['mapped'] or ''}/{zone['symbol']}",
                "source": "ocr-rapid",
                "confidence": zone["confidence"],
            },
        ]
        if read["reread"] and read["reread"] != read["digits"]:
            chars = read["chars"] or []
            listed.append(
                {
                    "value": f"{read['reread']}/{zone['symbol']}",
                    "source": "ocr-rapid",
                    "read": "number crop",
                    "confidence": round(min(c[1] for c in chars), 3) if chars else None,
                }
            )
        candidates["number"] = [c for c in listed if c]
        digits, source, sure = tess_digits or None, "ocr-tesseract", _tess_sure(tess_number_sure)
        if zone["digits"] and zone["digits"] == tess_digits:
            source, sure = "ocr-both", CONFIDENCE["ocr-both"]
        elif zone.get("crossed"):
            # Tesseract's dagger and RapidOCR's reading of the same position agree on a crossed 7 (or a 4)
            digits, source, sure = zone["digits"], "ocr-both", round(0.85 * CONFIDENCE["ocr-both"], 2)
        elif (
            zone["digits"]
            and tess_digits
            and len(zone["digits"]) < len(tess_digits)
            and _subsequence(zone["digits"], tess_digits)
            # both RapidOCR reads (the zone and the number's crop) with the same digits: Tesseract's extra digit
            # is a stroke read twice (the bar of a crossed 7 read as a 2: "827" for 87), not one RapidOCR lost
            and not (read and read["digits"] == read["reread"] == zone["digits"])
        ):
            source, sure = "ocr-tesseract", _tess_sure(tess_number_sure)  # RapidOCR lost a digit Tesseract saw
        elif zone["digits"] and (
            not tess_digits or zone["confidence"] >= 0.8 or "number_unreadable" in meta.get("warnings", [])
        ):
            # handwritten digits: PP-OCR reads them better than Tesseract, look-alike letters included
            digits, source, sure = (
                zone["digits"],
                "ocr-rapid",
                round(min(0.9, zone["confidence"]) * (1.0 if zone["clean"] else 0.8), 2),
            )
        if (
            digits
            and source != "ocr-both"
            and tess_digits
            and zone["digits"]
            and len(tess_digits) == len(zone["digits"])
        ):
            # per-character agreement of the two engines: "01" against "04" agrees on half its digits
            agree = sum(a == b for a, b in zip(tess_digits, zone["digits"])) / len(tess_digits)
            sure = round(sure * (0.5 + 0.5 * agree), 2)
        symbol = _better_symbol(tess_symbol, zone["symbol"])
        if symbol:
            year = ""
            if zone["year"] and not (tess_symbol and "/" in tess_symbol):
                year = zone["year"] + "/"
            meta["number"] = f"{digits or ''}/{year}{symbol}"
            if digits:
                sources["number"], confidence["number"] = source, sure
                warnings = meta.get("warnings", [])
                for code in ("number_blank", "number_unreadable"):
                    if code in warnings:
                        warnings.remove(code)

    # -- issue date
    cand, line = zone_date(zones)
    if cand is not None:
        tess_value = None
        if meta.get("issued_on") and meta.get("date_source") == "header":
            tess_value = date.fromisoformat(meta["issued_on"])
        readings = day_readings(cand)
        single = re.search(r"ngay\s*(\d)(?!\d)", _fold(cand.text))
        if (
            single
            and signed
            and cand.value
            and (signed.year, signed.month) == (cand.year, cand.month)
            and signed.day > 9
            and signed.day % 10 == int(single.group(1))
        ):
            # Decree 30 pads days below 10 ("ngày 01"): a lone digit is a day with a digit lost, and the signing
            # day ending with that digit is the reading to take
            readings = [cand.value, signed]
        # an unreadable or impossible day: the signing time decides between the readings it allows
        zone_value = _pick(readings, signed) if len(readings) > 1 else (readings[0] if readings else None)
        sure_zone = float(line["confidence"]) * (0.8 if len(readings) > 1 else 1.0)
        listed = []
        if tess_value:
            listed.append({"value": tess_value.isoformat(), "source": "ocr-tesseract", "confidence": tess_date_sure})
        for value in readings:
            listed.append({"value": value.isoformat(), "source": "ocr-rapid", "confidence": round(sure_zone, 3)})
        if listed:
            candidates["issued_on"] = listed
        chosen = None
        if tess_value and zone_value and tess_value == zone_value:
            chosen = (tess_value, "ocr-both", CONFIDENCE["ocr-both"])
        elif (
            zone_value and _plausible(zone_value, signed) and (not _plausible(tess_value, signed) or sure_zone >= 0.75)
        ):
            chosen = (zone_value, "ocr-rapid", round(min(0.9, sure_zone), 2))
        elif tess_value and _plausible(tess_value, signed):
            chosen = (tess_value, "ocr-tesseract", _tess_sure(tess_date_sure))
        elif zone_value and signed is None:
            chosen = (zone_value, "ocr-rapid", round(min(0.8, sure_zone), 2))
        if chosen:
            value, source, sure = chosen
            meta["issued_on"], meta["date_source"] = value.isoformat(), "header"
            sources["issued_on"], confidence["issued_on"] = source, sure
            meta["issued_on_estimated"] = False
            warnings = meta.get("warnings", [])
            for code in ("date_blank", "date_invalid", "date_day_estimated"):
                if code in warnings:
                    warnings.remove(code)
            if not meta.get("place"):
                place = line["text"][: cand.start].strip(" ,")
                meta["place"] = place or None
        elif tess_value and not _plausible(tess_value, signed) and signed is not None:
            # printed day after the first signature: misread; the signing day is the best estimate
            meta["issued_on"], meta["date_source"] = signed.isoformat(), "signature"

    # -- type line (the position tells nothing the text does not: the first centred upper-case type name)
    if not meta.get("type_code"):
        zone_code = zone_type(zones)
        if zone_code:
            meta["type_code"], meta["type_name"] = zone_code, TYPE_NAMES.get(zone_code)
            sources["type_code"], confidence["type_code"] = "ocr-rapid", CONFIDENCE["ocr-rapid"]


def field_sources(meta: dict, first_page_source: str) -> None:
    """Fill meta["sources"] / meta["confidence"] for every field found and not already set by combine_zones, and
    meta["issued_on_estimated"]: true when the issue date is the signing day (no readable printed date)."""
    sources = meta.get("sources") or {}
    confidence = meta.get("confidence") or {}
    base = first_page_source if first_page_source in CONFIDENCE else "text"
    for field in FIELDS:
        if meta.get(field) in (None, "", []) or field in sources:
            continue
        source = base
        if field == "issued_on":
            source = {"signature": "signature", "body": "body"}.get(str(meta.get("date_source")), base)
        if field == "signer_name" and meta.get("signer_name") and base != "text":
            signers = " ".join(str(s.get("signer") or "") for s in meta.get("signatures") or ())
            if meta["signer_name"] in signers:
                source = "signature"
        sources[field] = source
        confidence[field] = CONFIDENCE[source]
        if field == "number" and meta.get("number", "").startswith("/"):
            confidence[field] = round(confidence[field] * 0.5, 2)  # the symbol only
    meta["sources"], meta["confidence"] = sources, confidence
    estimated = meta.get("date_source") == "signature" and bool(meta.get("issued_on"))
    meta["issued_on_estimated"] = estimated
    if estimated:
        confidence["issued_on"] = (
            CONFIDENCE["signature"] if "date_day_estimated" not in meta.get("warnings", []) else 0.3
        )
