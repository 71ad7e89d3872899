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

MAX_SIGNING_DELAY_DAYS = 90     # a printed date this long before the first signature is not believed
CONFIDENCE = {"text": 0.99, "widget": 0.98, "ocr-tesseract": 0.7, "ocr-rapid": 0.75, "ocr-both": 0.95,
              "signature": 0.5, "body": 0.8}
FIELDS = ("number", "type_code", "issuer", "parent_issuer", "place", "issued_on", "summary", "signer_title",
          "signer_name")

_SO = re.compile(r"(?:^|[\s|])s[o0ô6óòõơ9]\s*[:;.,]?\s*", re.IGNORECASE)
_DIGITISH = "0-9OoQDIl|SBZgq"
_NUM_SYMBOL = re.compile(rf"(?P<num>[{_DIGITISH}]{{1,6}})?\s*[/|]\s*(?:(?P<year>(?:19|20)\d\d)\s*/\s*)?(?P<sym>{_SYMBOL})")
_GLUED = re.compile(rf"^\s*(?P<num>\d{{1,6}})(?P<year>)\s*(?P<sym>[A-Z][A-Za-z]{{0,4}}-{_SYMBOL})")
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1", "|": "1", "S": "5",
                            "B": "8", "Z": "2", "g": "9", "q": "9"})
_STAMP = re.compile(r"\bden\b|^\s*cv\s*den|chuyen\s*:|ky boi|thoi gian ky|sao y|\+07|\d{1,2}:\d{2}(:\d{2})?")


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


def zone_number(zones: list[dict]) -> dict | None:
    """{digits, year, symbol, confidence, clean} from the topmost `Số:` line of the left column, or None."""
    for line in zones:
        folded = _fold(line["text"])
        if _column(line) == "R" or _STAMP.search(folded):
            continue
        so = _SO.search(line["text"])
        if not so or so.start() > 6:
            continue
        rest = line["text"][so.end():]
        match = _NUM_SYMBOL.search(rest)
        if not match or match.start() > 3:
            match = _GLUED.match(rest)       # the slash lost under a handwritten number: "105QD-UBND"
            if not match:
                continue
        raw = match.group("num") or ""
        digits = raw.translate(_LOOKALIKE)
        if raw and not digits.isdigit():
            digits = ""
        if len(digits) > 2:
            digits = digits.lstrip("0") or "0"
        return {"digits": digits or None, "year": match.group("year"), "symbol": _symbol(match.group("sym")),
                "confidence": float(line["confidence"]),
                # digits, or a zero read as the letter O (Decree 30 pads numbers below 10: "O1")
                "clean": bool(raw) and all(ch.isdigit() or ch in "Oo" for ch in raw)}
    return None


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


# a handwritten 1 read as a slash or a bar right after `ngày`: `ngay /0 thang01` is the 10th
_DAY_ONE = re.compile(r"(?i)(ngay\s*)[/|lI\]](?=\s*\d?\s*thang)|(ngay\s*)[/|lI\]](?=\d)")


def zone_date(zones: list[dict]):
    """The date candidate of the place/date line of the right column (first in reading order), with its line."""
    for line in zones:
        if _column(line) == "L" or _STAMP.search(_fold(line["text"])):
            continue
        text = _DAY_ONE.sub(lambda m: (m.group(1) or m.group(2)) + "1", line["text"])
        for cand in find_dates(text):
            # the place/date line is written out (`ngày … tháng … năm …`); a numeric date is a stamp's
            if cand.kind == "day" and _fold(cand.text).startswith("ngay"):
                return cand, line
    return None, None


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


def combine_zones(meta: dict, zones: list[dict], signatures) -> None:
    """Merge the second engine's header lines into `meta` (number, issued_on, type_code) and record, per field,
    where the value came from and how sure it is (meta["sources"], meta["confidence"], meta["candidates"])."""
    if not zones:
        return
    sources = meta.setdefault("sources", {})
    confidence = meta.setdefault("confidence", {})
    candidates = meta.setdefault("candidates", {})
    signed = _signed(signatures)

    # -- number
    zone = zone_number(zones)
    current = meta.get("number")
    tess_digits = current.split("/", 1)[0] if current and "/" in current else None
    tess_symbol = current.split("/", 1)[1] if current and "/" in current else None
    if zone:
        candidates["number"] = [c for c in (
            {"value": current, "source": "ocr-tesseract"} if current else None,
            {"value": f"{zone['digits'] or ''}/{zone['symbol']}", "source": "ocr-rapid",
             "confidence": zone["confidence"]}) if c]
        digits, source, sure = tess_digits or None, "ocr-tesseract", CONFIDENCE["ocr-tesseract"]
        if zone["digits"] and zone["digits"] == tess_digits:
            source, sure = "ocr-both", CONFIDENCE["ocr-both"]
        elif zone["digits"] and (not tess_digits or zone["clean"] and zone["confidence"] >= 0.8
                                 or "number_unreadable" in meta.get("warnings", [])):
            digits, source, sure = zone["digits"], "ocr-rapid", round(min(0.9, zone["confidence"]) *
                                                                       (1.0 if zone["clean"] else 0.8), 2)
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
        zone_value = cand.value
        listed = []
        if tess_value:
            listed.append({"value": tess_value.isoformat(), "source": "ocr-tesseract"})
        if zone_value:
            listed.append({"value": zone_value.isoformat(), "source": "ocr-rapid",
                           "confidence": float(line["confidence"])})
        if listed:
            candidates["issued_on"] = listed
        chosen = None
        if tess_value and zone_value and tess_value == zone_value:
            chosen = (tess_value, "ocr-both", CONFIDENCE["ocr-both"])
        elif zone_value and _plausible(zone_value, signed) and (
                not _plausible(tess_value, signed) or float(line["confidence"]) >= 0.85):
            chosen = (zone_value, "ocr-rapid", round(min(0.9, float(line["confidence"])), 2))
        elif tess_value and _plausible(tess_value, signed):
            chosen = (tess_value, "ocr-tesseract", CONFIDENCE["ocr-tesseract"])
        elif zone_value and signed is None:
            chosen = (zone_value, "ocr-rapid", round(min(0.8, float(line["confidence"])), 2))
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
                place = line["text"][:cand.start].strip(" ,")
                meta["place"] = place or None
        elif tess_value and not _plausible(tess_value, signed) and signed is not None:
            # printed day after the first signature: misread; the signing day is the best estimate
            meta["issued_on"], meta["date_source"] = signed.isoformat(), "signature"

    # -- type line (the position tells nothing the text does not: the first centred upper-case type name)
    if not meta.get("type_code"):
        code = zone_type(zones)
        if code:
            meta["type_code"], meta["type_name"] = code, TYPE_NAMES.get(code)
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
            source = {"signature": "signature", "body": "body"}.get(meta.get("date_source"), base)
        if field == "signer_name" and meta.get("signer_name") and base != "text":
            signers = " ".join(str(s.get("signer") or "") for s in meta.get("signatures") or ())
            if meta["signer_name"] in signers:
                source = "signature"
        sources[field] = source
        confidence[field] = CONFIDENCE[source]
        if field == "number" and meta.get("number", "").startswith("/"):
            confidence[field] = round(confidence[field] * 0.5, 2)     # the symbol only
    meta["sources"], meta["confidence"] = sources, confidence
    estimated = meta.get("date_source") == "signature" and bool(meta.get("issued_on"))
    meta["issued_on_estimated"] = estimated
    if estimated:
        confidence["issued_on"] = CONFIDENCE["signature"] if "date_day_estimated" not in meta.get("warnings", []) \
            else 0.3
