"""Header metadata of a Vietnamese administrative document, from its text (text layer or OCR).

The Decree 30 header is a two-column table: left the parent body, the issuing body and `Số: n/SYMBOL`; right the
national motto and the place/date line. Extracted text shows the two columns one after the other (DOCX cells,
Tesseract blocks) or side by side on one line (PDF text, OCR of a tight layout), so lines are first split where a
right-column element (motto, place/date) starts, and the parts are then recognised by what they say, not where
they are. Only the first header counts: an attached draft with its own header later in the file is ignored.

Everything is tolerant of OCR damage: matching is done on accent-folded, lower-cased text, and the known
vocabulary (type names, titles) is restored to its printed spelling.
"""

from __future__ import annotations

import difflib
import re
from calendar import monthrange
from datetime import date, datetime

from ..vn.agency_words import fix_agency_name
from ..vn.dates import LONG_RE, find_dates
from ..vn.doctypes import TYPE_NAMES, find_type_name, type_from_name
from ..vn.numbers import clean_symbol, find_numbers, symbol_type_code, _SYMBOL
from ..vn.text import fold, fold_aligned, nfc, squash_spaces
from .combine import combine_zones, field_sources

HEADER_LINES = 40  # the header and subject sit in the first lines of the first page(s)
SUMMARY_MAX_LINES = 6

_MOTTO = re.compile(r"cong\s*hoa\s*xa\s*hoi|xa\s*hoi\s*chu\s*nghia|chu\s*nghia\s*viet\s*nam")
_MOTTO2 = re.compile(r"d[a-z]c\s*l[a-z]p\s*[-–—.,]?\s*t[a-z]\s*do|tu\s*do\s*[-–—.,]?\s*hanh\s*phuc")
_SO_LINE = re.compile(r"(?:^|\s)s[oô0]\s*[:;.,]?\s*(?=[^\s]*\s*/|\s*/|[\w\sØø#*]{0,12}/)")
_SYMBOL_AFTER = re.compile(rf"/[ \t]*(?:(?P<year>(?:19|20)\d\d)[ \t]*/[ \t]*)?(?P<sym>{_SYMBOL})")
_GLUED_NUMBER = re.compile(rf"^\s*[:;.,]?\s*(?P<num>\d{{1,6}})\s*(?P<sym>[A-ZĐ][A-Za-zĐđ]{{0,3}}Đ?[-–]\s*{_SYMBOL})")
_VV = re.compile(r"^\s*(?:v\s*/\s*[vw]|ve\s+viec)\b")
_RULE = re.compile(r"^[\s_\-–—=.*~]+$")
_STAMP_PARTS = (
    r"ky boi|nguoi ky|thoi gian ky|co quan\s*:|email|\+07|trung tam cong bao|va tin hoc|da ky len|^\s*cv\s*den"
    r"|^\s*den\s*(so|ngay)|chuyen\s*:",
    r"[\w.-]+@[\w-]+\.[\w.]+",  # only where there is an @
    r"\d{2}[./]\d{2}[./]\d{4}\s+\d{2}:\d{2}",  # only where there is a colon
)
_STAMP = re.compile("|".join(_STAMP_PARTS))
_STAMP_PLAIN, _STAMP_EMAIL, _STAMP_TIME = (re.compile(part) for part in _STAMP_PARTS)


def _stamp_in(folded: str) -> bool:
    """`_STAMP.search(folded)`, as a yes or no, without trying its two slow branches (tens of microseconds on a
    long line) where the character they need is absent: every line of the text is tested."""
    return bool(
        _STAMP_PLAIN.search(folded)
        or ("@" in folded and _STAMP_EMAIL.search(folded))
        or (":" in folded and _STAMP_TIME.search(folded))
    )


_MARKS = re.compile(r"^(hoa toc|thuong khan|khan|mat|toi mat|tuyet mat|du thao|ban chinh thuc|hen gio)\b")
_BODY_START = re.compile(
    r"^(can cu|kinh gui|thuc hien|theo de nghi|theo|xet|ngay \d|trong|de |nham|sau khi|hien nay|qua |vua qua|"
    r"thi hanh|hom nay|vao hoi|vao luc|dieu \d|(?:chuong|phan|muc) (?:[ivx]+|\d+)\b|[ivx]+\.|\d+\.|"
    r"quyet dinh\s*:|chi thi\s*:|a\.|b\.|thong bao\s*:)"
)
# these end a subject even when it wraps: a subject line never starts with them
_STRONG_BODY_START = re.compile(
    r"^(can cu|kinh gui|thuc hien|theo de nghi|xet de nghi|dieu \d|quyet dinh\s*:|"
    r"[ivx]+\.\s|\d+\.\s)"
)
_ORG_HEAD = re.compile(
    r"^(uy ban|ubnd|hoi dong|hdnd|bo |so |ban |phong |van phong|thanh tra|trung tam|chi cuc|cuc |vu |toa an|"
    r"vien |truong |tong cuc|cong an|quan doi|bo chi huy|ho tro|kho bac|chi nhanh|benh vien|dang uy|huyen uy|"
    r"tinh uy|thanh uy|doan |mat tran|cong ty|tap doan|dai hoc|hoc vien|ban quan ly|ban chi dao|tieu ban|"
    r"to (?:cong tac|giup viec|bau cu|cong nghe)|cong doan|dang bo|chi bo|hoi |lien doan|nhom )"
)
_PLACE_HEAD = re.compile(r"^(tinh|thanh pho|tp\.?|huyen|quan|thi xa|xa|phuong|thi tran)\b")
_AUTHORITY = re.compile(r"^(tm|kt|tl|tuq|q|ttl)\s*\.")
_TITLE_WORDS = re.compile(
    r"\b(chu tich|giam doc|truong ban|pho ban|chanh van phong|chanh thanh tra|bo truong|thu truong|thu tuong|"
    r"tong cuc truong|cuc truong|vu truong|hieu truong|vien truong|truong phong|pho truong|chanh an|"
    r"vien truong|bi thu|thu ky|chu toa|chu tri|tong giam doc|uy ban nhan dan|hoi dong nhan dan|nguoi dai dien)\b"
)
# what the body opens with, never a subject (a subject may start with "Thực hiện …", "Triển khai …")
_FIRST_BODY = re.compile(r"^(hom nay|vao hoi|vao luc|kinh gui|can cu|xet de nghi|theo de nghi|dieu \d)")
_CITES = re.compile(r"\bso\s*:?\s*\d|\d+/\d*\s*[a-z]|ngay \d")
_RECIPIENTS = re.compile(r"^\s*(noi nhan|[-–•+]\s)")

# printed spelling of the words of titles and type names, from their folded form (repairs OCR diacritics)
_VOCAB = """ỦY BAN NHÂN DÂN HỘI ĐỒNG CHỦ TỊCH PHÓ GIÁM ĐỐC CHÁNH VĂN PHÒNG TRƯỞNG THANH TRA BỘ THỨ TƯỚNG THỦ
TỔNG CỤC VỤ HIỆU VIỆN CHỈ ĐẠO TM. KT. TL. TUQ. Q. TỈNH THÀNH PHỐ HUYỆN QUẬN XÃ PHƯỜNG SỞ NỘI TƯ PHÁP
QUYẾT ĐỊNH KẾ HOẠCH BÁO CÁO TỜ TRÌNH THÔNG BÁO CÔNG VĂN CHỈ THỊ NGHỊ QUYẾT BIÊN BẢN HƯỚNG DẪN CHƯƠNG
ĐỀ ÁN PHƯƠNG QUY CHẾ ĐỊNH GIẤY MỜI THƯ KÝ TỌA ĐIỆN THUẬN THỎA GHI NHỚ PHIẾU""".split()
_RESTORE: dict[str, str] = {}
for _word in _VOCAB:
    _RESTORE.setdefault(fold(_word).lower(), _word)
_RESTORE.pop("thu", None)  # THỦ / THỨ / THƯ: ambiguous
_RESTORE.pop("pho", None)  # PHÓ / PHỐ
_RESTORE.pop("an", None)  # CÔNG AN / ĐỀ ÁN
_DEPUTY_OF = {"chu", "giam", "chanh", "truong", "thu", "ban", "tong", "vien", "hieu", "cuc", "vu", "bi"}
_TYPE_KEYS = {fold(name).lower(): code for code, name in TYPE_NAMES.items() if code not in ("L",)}


def _fold(text: str) -> str:
    return fold_aligned(nfc(text))


def restore_words(text: str) -> str:
    """Upper-case title text with OCR-damaged diacritics back to its printed spelling: 'UY BAN NHAN DAN' →
    'ỦY BAN NHÂN DÂN'. Words already carrying diacritics are kept; unknown words are kept."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        folded = fold(word).lower()
        following = fold(words[i + 1]).lower() if i + 1 < len(words) else ""
        if word != fold(word):
            out.append(word)  # has diacritics: as printed
        elif folded == "pho" and following in _DEPUTY_OF:
            out.append("PHÓ")  # PHÓ (deputy) before a title, not PHỐ (street)
        else:
            out.append(_RESTORE.get(folded, word))
    return " ".join(out)


def _clean_issuer(text: str) -> str:
    text = " ".join(w for w in nfc(text).split() if any(ch.isalnum() for ch in w)).strip(" .,:;-_")
    text = text.replace("UỶ", "ỦY").replace("Uỷ", "Ủy")
    return restore_words(text) if text.isupper() else text


# ---------------------------------------------------------------------------------------------------------------
# lines and columns


_GAP = re.compile(r"\s{4,}|\t")


def _split_columns(line: str) -> list[tuple[str, str]]:
    """Parts of one extracted line, each tagged 'L' (left column) or 'R' (right column)."""
    text = line.rstrip()
    if not text.strip():
        return [("L", "")]
    if not _GAP.search(text):  # one piece (the usual body line): none of the rewrites below would apply
        pieces = [text.strip()]
    else:
        # blanks left for the number and the day are not column gaps
        text = re.sub(r"\s{4,}(?=/)", "  ", text)
        text = re.sub(r"(?i)(ngày|ngay)\s{4,}(?=th)", r"\1   ", text)
        # explicit wide gaps first (pdf layout, widget merge)
        pieces = [p for p in re.split(r"\s{4,}|\t+", text.strip()) if p.strip()]
    out: list[tuple[str, str]] = []
    for piece in pieces:
        out.extend(_split_piece(piece))
    return out or [("L", "")]


def _split_piece(piece: str) -> list[tuple[str, str]]:
    folded = _fold(piece)
    for regex in (_MOTTO, _MOTTO2):
        match = regex.search(folded)
        if match:
            cut = match.start()
            left = piece[:cut].strip()
            return ([("L", left)] if left else []) + [("R", piece[cut:].strip())]
    for match in LONG_RE.finditer(folded):
        start = _place_start(piece, match.start())
        left = piece[:start].strip()
        if start == 0 or left:
            return ([("L", left)] if left else []) + [("R", piece[start:].strip())]
    return [("L", piece.strip())]


def _place_start(piece: str, date_start: int) -> int:
    """Where the place name before `…, ngày` starts (the place/date line of the right column)."""
    before = piece[:date_start]
    comma = before.rstrip().rstrip(",")
    if not before.rstrip().endswith(","):
        return date_start  # "ngày …" without a place
    # place: capitalised words (and short joiners) going back from the comma
    words = comma.split(" ")
    i = len(words)
    while i > 0:
        word = words[i - 1]
        if not word:
            i -= 1
            continue
        if (
            (word[0].isupper() and not re.search(r"[/\d]", word) and not word.isupper())
            or word.lower() in ("phố", "thị", "xã", "-", "tp.", "thành")
            or (len(word) <= 3 and word.endswith("."))
        ):
            i -= 1
            continue
        break
    return len(" ".join(words[:i])) + (1 if i else 0)


# ---------------------------------------------------------------------------------------------------------------
# the parser

_WRAPPED_DATE = re.compile(r"(ngay|thang|nam)\s*\d{0,2}\s*$")


def _join_wrapped(raw_lines: list[str]) -> list[str]:
    """Undo the wrapping of narrow header cells: `… năm` + `2025`, `CỘNG HÒA … CHỦ NGHĨA` + `VIỆT NAM`."""
    out: list[str] = []
    for line in raw_lines:
        if out:
            prev_folded = _fold(out[-1]).rstrip()
            folded = _fold(line).strip()
            if (
                _WRAPPED_DATE.search(prev_folded)
                and re.match(r"^\d{1,4}\b", folded)
                and LONG_RE.search(prev_folded + " " + folded)
            ) or (folded.startswith(("viet nam", "nam")) and prev_folded.endswith(("chu nghia", "chu nghia viet"))):
                out[-1] = out[-1].rstrip() + " " + line.strip()
                continue
        out.append(line)
    return out


class _Doc:
    def __init__(self, page_texts: list[str]):
        self.lines: list[tuple[int, str, str]] = []  # (page, column, text)
        for page, text in enumerate(page_texts):
            for raw in _join_wrapped(nfc(text).splitlines()):
                if _stamp_in(_fold(raw)):
                    raw = self._strip_stamp(raw)
                    if not raw.strip():
                        continue
                for column, part in _split_columns(raw):
                    self.lines.append((page, column, part))

    @staticmethod
    def _strip_stamp(raw: str) -> str:
        parts = [p for p in re.split(r"\s{4,}", raw) if p.strip() and not _stamp_in(_fold(p))]
        return "     ".join(parts)


def _find_motto(lines) -> int | None:
    for i, (_, column, text) in enumerate(lines[:80]):
        if column == "R" and _MOTTO.search(_fold(text)):
            return i
    return None


def _number_from(text: str) -> tuple[str | None, str | None, str | None, str]:
    """(number, year, symbol, state) from the text after `Số`; state: ok, blank, unreadable, none."""
    match = _SYMBOL_AFTER.search(text)
    if not match:
        # a handwritten number over the slash: "Số: 105QĐ-UBND"
        glued = _GLUED_NUMBER.match(text)
        if glued:
            return glued.group("num"), None, clean_symbol(glued.group("sym")), "ok"
        return None, None, None, "none"
    before = text[: match.start()].strip(" :;.,")
    symbol = clean_symbol(match.group("sym"))
    year = match.group("year")
    if not before:
        return None, year, symbol, "blank"
    repaired = _repair_digits(before.split()[-1])
    if repaired:
        return repaired, year, symbol, "ok"
    return None, year, symbol, "unreadable"


_DIGIT_LOOKALIKES = str.maketrans(
    {
        "Ø": "0",
        "ø": "0",
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "i": "1",
        "!": "1",
        "]": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "g": "9",
        "q": "9",
        "G": "6",
    }
)


def _repair_digits(token: str) -> str | None:
    token = token.strip(":;.,'\"`")
    if re.fullmatch(r"\d{1,6}[a-z]?", token):
        return token.lstrip("0") if len(token) > 2 and token.isdigit() else token
    if 1 <= len(token) <= 4 and any(ch.isdigit() for ch in token):
        fixed = token.translate(_DIGIT_LOOKALIKES)
        if fixed.isdigit():
            return fixed
    return None


def _type_from_line(text: str) -> str | None:
    candidate = squash_spaces(re.sub(r"[^\w\s]", " ", nfc(text)))
    if not candidate or len(candidate) > 40 or not candidate.replace(" ", "").isupper():
        return None
    code = type_from_name(candidate)
    if code:
        return code
    folded = fold(candidate).lower()
    best = difflib.get_close_matches(folded, list(_TYPE_KEYS), n=1, cutoff=0.85)
    return _TYPE_KEYS[best[0]] if best else None


def extract_metadata(page_texts: list[str], *, signatures=(), zones=(), page_sources=()) -> dict:
    """The header keys of the metadata contract (number … references, date_source), plus `warnings`, and per field
    its source and confidence (`sources`, `confidence`, `issued_on_estimated`, `candidates`).

    `zones`: page 1 header lines read by the second OCR engine (ocr_zones.py), merged in by combine.py;
    `page_sources`: "text" or "ocr" per page (the first page's tells where the header fields come from)."""
    meta = _extract(page_texts, signatures)
    meta.setdefault("candidates", {})
    combine_zones(meta, list(zones or ()), signatures)
    meta.pop("number_raw", None)  # internal: Tesseract's unreadable number, for combine_zones only
    first = (list(page_sources) or ["text"])[0]
    if first == "ocr":
        # OCR confusions of tone marks in the issuer's name (TÓI CÁO → TỐI CAO), fixed where unambiguous; a text
        # layer is taken as printed
        for key in ("issuer", "parent_issuer"):
            if meta.get(key):
                # one-letter debris after the name (a seal's edge, a rule): "… TỈNH PHÚ THỌ Ỷ P"
                name = re.sub(r"(?:\s+\S)+$", "", meta[key]) or meta[key]
                meta[key] = fix_agency_name(name)
    field_sources(meta, "ocr-tesseract" if first == "ocr" else "text")
    return meta


def _extract(page_texts: list[str], signatures) -> dict:
    meta: dict = {"warnings": []}
    warnings = meta["warnings"]
    doc = _Doc(page_texts[:])
    lines = doc.lines
    if not any(text.strip() for _, _, text in lines):
        _signature_fallbacks(meta, signatures, None)
        return meta

    motto = _find_motto(lines)
    # -- the Số line: near the motto, else the first one in the first lines of the document
    window = (
        range(max(0, (motto or 0) - 6), min(len(lines), (motto or 0) + 14))
        if motto is not None
        else range(0, min(len(lines), HEADER_LINES))
    )
    so_index, number, year, symbol, state = None, None, None, None, "none"
    for i in window:
        page, column, text = lines[i]
        folded = _fold(text)
        match = _SO_LINE.search(folded)
        # the number line starts with "Số"; "… Quyết định số 905/QĐ-UBND …" in the body, or a register stamp
        # ("ĐẾN Số: 2352"), has words before it
        if match and re.search(r"[a-z]{2,}", folded[: match.start()]):
            match = None
        if column == "L" and match:
            number, year, symbol, state = _number_from(text[match.end() :])
            if state != "none":
                so_index = i
                if state == "unreadable":
                    # what Tesseract saw where the number is, for a per-character merge with the second engine
                    raw = _SYMBOL_AFTER.search(text[match.end() :])
                    token = text[match.end() :][: raw.start()].split() if raw else []
                    meta["number_raw"] = token[-1] if token else None
                break
    base = max(x for x in (so_index, motto, -1) if x is not None)
    type_index, type_code = _type_line(lines, base)
    if type_index is None and motto is not None and motto > 3:
        # the page's text comes in another order (the header table last): the type line before the motto
        type_index, type_code = _type_line(lines, -1, stop=motto)

    # -- place and date: the place/date line of the header (right column, before the type line)
    date_index = None
    start = max(0, (motto if motto is not None else base) - 2)
    stop = type_index if type_index is not None and type_index > start else min(len(lines), start + 16)
    for i in range(start, stop):
        page, column, text = lines[i]
        if column == "R" and LONG_RE.search(_fold(text)) and not _MOTTO.search(_fold(text)):
            date_index = i
            break
    header_last = max(x for x in (so_index, date_index, motto, 0) if x is not None)

    # -- issuer and parent: left-column lines above the Số line
    top = so_index if so_index is not None else (date_index if date_index is not None else motto)
    if so_index is None and date_index is None and type_index is not None:
        top = type_index  # no number and no date line (minutes): the left column runs down to the type line
    if top is not None:
        _issuers(meta, [t for _, c, t in lines[:top] if c == "L"])

    if symbol is not None:
        meta["number"] = f"{number or ''}/{year + '/' if year else ''}{symbol}"
        if state == "blank":
            warnings.append("number_blank")
        elif state == "unreadable":
            warnings.append("number_unreadable")

    # -- type line and subject
    summary, summary_end = _summary(lines, type_index, so_index, header_last)
    if symbol and type_code and symbol_type_code(symbol) != type_code:
        symbol = _corroborate(symbol, type_code)
        meta["number"] = f"{number or ''}/{year + '/' if year else ''}{symbol}"
    symbol_code = symbol_type_code(symbol) if symbol else None
    if type_code is None:
        if (
            summary
            and _VV.match(_fold(summary))
            and (symbol_code is None or symbol is None or re.match(r"^\s*v\s*/\s*v\b", _fold(summary)))
        ):
            type_code = "CV"  # "V/v …" under the number and no type line: a công văn (2191/CT-CS of Cục Thuế)
        elif symbol_code:
            type_code = symbol_code
        elif symbol is not None:
            type_code = "CV"  # a symbol without a type code is issuer-unit: a công văn
    elif symbol_code and symbol_code != type_code and type_code != "CV":
        warnings.append("type_mismatch")
    meta["type_code"] = type_code
    meta["type_name"] = TYPE_NAMES.get(type_code) if type_code else None
    meta["summary"] = summary

    # -- place/date
    header_date = None
    if date_index is not None:
        text = lines[date_index][2]
        candidates = [c for c in find_dates(text) if c.kind == "day"]
        if candidates:
            cand = candidates[0]
            place = text[: cand.start].strip(" ,")
            meta["place"] = squash_spaces(place) or None
            if cand.value is not None:
                header_date = cand.value
                if cand.warning:
                    warnings.append(cand.warning)
            else:
                warnings.append("date_blank" if cand.blank_day else "date_invalid")
                _signature_fallbacks(meta, signatures, cand)
    if header_date is not None:
        meta["issued_on"], meta["date_source"] = header_date.isoformat(), "header"
    elif meta.get("issued_on") is None:
        _signature_fallbacks(meta, signatures, None)
        if meta.get("issued_on") is None and type_index is not None and date_index is None:
            _body_date(meta, lines, summary_end)

    # -- signer block: after the subject, before any second header
    _signer(meta, lines, max(summary_end, header_last), signatures)
    meta["references"] = _references(page_texts, meta.get("number"))
    if _second_document(lines, motto):
        warnings.append("two_documents")
    return meta


def _second_document(lines, motto: int | None) -> bool:
    """A second Decree 30 header further on — the motto again, on a later page, with a number line or a type line
    under it: an attached draft, or a second document scanned into the same file. Its number and date are not
    this document's (the first header wins); the warning says the file holds more than one document."""
    if motto is None:
        return False
    first_page = lines[motto][0]
    for i in range(motto + 1, len(lines)):
        page, column, text = lines[i]
        if page == first_page or not _MOTTO.search(_fold(text)):
            continue
        for j in range(max(0, i - 4), min(len(lines), i + 12)):
            folded = _fold(lines[j][2])
            if (_SO_LINE.search(folded) and "/" in folded) or _type_from_line(lines[j][2]):
                return True
    return False


def _corroborate(symbol: str, type_code: str) -> str:
    """An OCR-damaged type code at the head of the symbol ('TIr-UBND' under a TỜ TRÌNH line) is replaced by the
    type line's code when they differ by one character."""
    head, sep, rest = symbol.partition("-")
    if head in TYPE_NAMES or len(head) != len(type_code):
        return symbol
    if sum(a != b for a, b in zip(head.upper(), type_code.upper())) <= 1:
        return type_code + sep + rest
    return symbol


def _issuers(meta: dict, left: list[str]) -> None:
    kept: list[str] = []
    for text in left:
        if re.match(r"^\s*S[ốoô0ó6]\s*[:;.]", text):
            continue  # the number line (unparsed: "Số: 4 § )BCA-C04") is not a body's name
        # the number glued to the body's name by OCR: "BỘ CÔNG AN Số: 4 )BCA-C04"
        cut = re.search(r"\s+S[ốoô0]\s*:", text)
        if cut and cut.start() > 0:
            text = text[: cut.start()]
        folded = _fold(text).strip()
        if not text.strip() or _RULE.match(text) or _MARKS.match(folded) or _stamp_in(folded):
            continue
        letters = [ch for ch in text if ch.isalpha()]
        if not letters or sum(ch.isupper() for ch in letters) < 0.7 * len(letters):
            kept = []  # a non-header line: the header starts after it
            continue
        kept.append(text.strip())
    kept = kept[-4:]
    if not kept:
        return
    joint = _joint_issuer(kept)
    if joint:
        meta["issuer"], meta["parent_issuer"] = joint, None
        return
    bodies: list[list[str]] = []
    for text in kept:
        folded = _fold(text).strip()
        if not bodies or (_ORG_HEAD.match(folded) and not _PLACE_HEAD.match(folded)):
            bodies.append([text])
        else:
            bodies[-1].append(text)
    meta["issuer"] = _clean_issuer(" ".join(bodies[-1]))
    meta["parent_issuer"] = _clean_issuer(" ".join(bodies[0])) if len(bodies) > 1 else None


_JOINT_DASH = re.compile(r"\s*[-–—]\s*")


def _joint_issuer(kept: list[str]) -> str | None:
    """Joint documents name every issuing body, joined by dashes (`BỘ CÔNG AN - BỘ QUỐC PHÒNG - BỘ TÀI CHÍNH`),
    on one line or wrapped: the issuer is the whole list, not its last body."""
    text = squash_spaces(" ".join(kept))
    parts = [p for p in _JOINT_DASH.split(text) if p.strip()]
    if len(parts) < 2 or not re.search(r"\s[-–—]\s|[-–—]$|^[-–—]", " ".join(kept)):
        return None
    heads = [p for p in parts if _ORG_HEAD.match(_fold(p).strip()) and not _PLACE_HEAD.match(_fold(p).strip())]
    if len(heads) < 2:
        return None
    # the joint list starts at its first body (a parent line above it, if any, is dropped)
    first = next(i for i, p in enumerate(parts) if _ORG_HEAD.match(_fold(p).strip()))
    return " - ".join(_clean_issuer(p) for p in parts[first:])


def _type_line(lines, base: int, stop: int | None = None) -> tuple[int | None, str | None]:
    """(index, code) of the type-name line (QUYẾT ĐỊNH, KẾ HOẠCH …) under the header."""
    for i in range(base + 1, min(len(lines), base + 14, stop if stop is not None else len(lines))):
        page, column, text = lines[i]
        if not text.strip() or _RULE.match(text) or _MARKS.match(_fold(text).strip()):
            continue
        code = _type_from_line(text)
        if code:
            return i, code
    return None, None


def _summary(lines, type_index: int | None, so_index: int | None, header_last: int) -> tuple[str | None, int]:
    """(subject, index after it): the lines under the type line, or a công văn's "V/v …" under the number."""
    if type_index is not None:
        return _collect_summary(lines, type_index + 1)
    start = so_index + 1 if so_index is not None else 0
    for i in range(start, min(len(lines), start + 10)):
        page, column, text = lines[i]
        if column == "L" and _VV.match(_fold(text)):
            return _collect_summary(lines, i, left_only=True)
    return None, header_last + 1


def _collect_summary(lines, start: int, *, left_only: bool = False) -> tuple[str | None, int]:
    parts: list[str] = []
    i = start
    while i < len(lines) and len(parts) < SUMMARY_MAX_LINES:
        page, column, text = lines[i]
        if left_only and column == "R":
            i += 1
            continue
        folded = _fold(text).strip()
        if not text.strip():
            if parts:
                break
            i += 1
            continue
        if _RULE.match(text) or (not parts and _MARKS.match(folded)):
            if parts:
                break
            i += 1
            continue
        first = next((ch for ch in text.strip() if ch.isalpha()), "")
        if parts and (
            _STRONG_BODY_START.match(folded)
            or _is_authority_line(text)
            or (first.isupper() and _BODY_START.match(folded))
        ):
            break
        if (
            not parts
            and (_STRONG_BODY_START.match(folded) or _FIRST_BODY.match(folded))
            and not _VV.match(folded)
            and not (folded.startswith("thuc hien") and not _CITES.search(folded) and not _cites_type(text))
        ):
            break  # the body (a subject may start "Thực hiện công tác …"; the body "Thực hiện Quyết định số …")
        parts.append(text.strip())
        if text.rstrip().endswith((".", ":", ";")) and not _VV.match(folded):
            break
        i += 1
    if not parts:
        return None, start
    summary = _drop_debris(squash_spaces(" ".join(parts))).strip(" _-")
    # OCR noise before "Về việc"/"V/v" (a stamp, a rule) and glued words: "—0.NGÃI | Về việc", ",Vềviệc"
    lead = re.search(r"(?i)v[eềế]\s*vi[eệ]c|v\s*/\s*[vw]\b", summary[:25])
    if lead:
        summary = summary[lead.start() :]
    summary = re.sub(r"^(?i:v[eềế])\s*(vi[eệ]c)\b", r"Về \1", summary)
    summary = re.sub(r"^[^\wĐđ]+", "", summary)
    summary = re.sub(r"^([Vv]\s*/\s*[vVwW])\s*[.:]?\s*", "V/v ", summary)
    if sum(ch.isalpha() for ch in summary) < 4:
        summary = ""  # OCR debris under the type line (a rule, a seal's edge), not a subject
    return summary or None, i


def _cites_type(text: str) -> bool:
    """ "Thực hiện Chương trình công tác …", "Thực hiện Kế hoạch …": the body citing a document by its type name
    (capitalised), not a subject ("Thực hiện công tác bầu cử …")."""
    rest = re.sub(r"^\s*\S+\s+\S+\s+", "", nfc(text))
    return bool(rest[:1].isupper() and find_type_name(rest))


def _drop_debris(text: str) -> str:
    """Tokens that are no words (OCR debris of rules, seals, stamps): `|`, `)`, `_`, a dash left between nothing,
    a lone accented capital in running text (`biện pháp Ì bảo đảm`)."""
    tokens = text.split(" ")
    wordy = [any(ch.isalnum() for ch in t) and not (len(t) == 1 and t.isupper() and ord(t) > 0x7F) for t in tokens]
    kept = []
    for i, token in enumerate(tokens):
        if wordy[i]:
            kept.append(token)
        elif token in ("-", "–") and i > 0 and wordy[i - 1] and i + 1 < len(tokens) and wordy[i + 1]:
            kept.append(token)
    return " ".join(kept)


def _is_authority_line(text: str) -> bool:
    """An all-capitals line such as the issuing authority under a decision's subject."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 6 and all(ch.isupper() for ch in letters)


def _signer(meta: dict, lines, after: int, signatures) -> None:
    """Title lines and the name of the signature block: the first block after the subject, before any second
    header (an attached draft has its own motto and signer)."""
    end = len(lines)
    for i in range(after + 1, len(lines)):
        if lines[i][1] == "R" and _MOTTO.search(_fold(lines[i][2])):
            end = i
            break
    titles: list[str] = []
    name = None
    start = None
    for i in range(after + 1, end):
        text = lines[i][2]
        folded = _fold(text).strip()
        recipients = bool(_RECIPIENTS.match(folded))
        if start is None:
            if folded.startswith("noi nhan") or re.match(r"^[-–•+]?\s*luu\s*:", folded):
                start = i
            elif _AUTHORITY.match(folded) or (
                _TITLE_WORDS.search(folded) and _is_authority_line(text) and i > after + 3 and _title_like(text)
            ):
                start = i
            else:
                continue
        if name is None and (start is not None) and i - start > 40:
            break
        title = (
            _title_tail(text)
            if recipients
            else (
                _clean_title(text)
                if _title_like(text) and (_AUTHORITY.match(folded) or _TITLE_WORDS.search(folded))
                else None
            )
        )
        if title and name is None:
            titles.append(title)
            continue
        candidate = _name_in(text)
        if candidate:
            name = candidate
            break
    if titles:
        meta["signer_title"] = " / ".join(dict.fromkeys(t for t in titles if t))
    if name is None:
        for sig in signatures or ():
            person = _person_name(sig.get("signer") or "")
            if person:
                name = person
                break
    meta["signer_name"] = name


def _title_like(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.85 * len(letters)


def _title_tail(text: str) -> str | None:
    """The upper-case title at the end of a recipients line: '- Như Điều 5; KT. CHỦ TỊCH' → 'KT. CHỦ TỊCH'."""
    text = nfc(text).strip()
    authority = re.search(r"\b(?:TM|KT|TL|TUQ)\s*\.", text)
    if authority:
        text = text[authority.start() :]
    match = re.search(r"((?:TM|KT|TL|TUQ|Q)\s*\.\s*)?[A-ZÀ-ỸĐ][A-ZÀ-ỸĐ .]{3,}$", text)
    if not match:
        return None
    tail = match.group(0).strip()
    words = [w for w in tail.split() if w.isalpha() or w.endswith(".")]
    if len(words) < 2 or not (_AUTHORITY.match(_fold(tail)) or _TITLE_WORDS.search(_fold(tail))):
        return None
    return _clean_title(tail)


def _clean_title(text: str) -> str:
    text = squash_spaces(nfc(text)).strip(" ,;:-")
    text = re.sub(r"\b(TM|KT|TL|TUQ|Q)\s*\.\s*", r"\1. ", text)
    return _clean_issuer(text)


_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ][a-zà-ỹđ]{0,7}$")
# the common Vietnamese family names (folded): a signer's name starts with one of them
SURNAMES = frozenset(
    fold(n).lower()
    for n in """Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương
Lý Đinh Đoàn Lâm Mai Trương Hà Lương Tô Phùng Cao Châu Tạ Thái Kiều Lưu Nông Quách Triệu Tăng Đào Trịnh Chu La
Hứa Lại Âu Bạch Giang Khúc Tôn Thân Nghiêm Mạc Lục Từ Khương Nhữ Đàm Diệp Kim Lã Vương Tống Viên Hầu Ông Văn Y
Kha Lò Lữ Ninh Quan Thạch Tiêu Trà Ung Vi Yên Đồng Đường Hàn Hồng Khổng Lăng Mạnh Phó Phương Thi Tôn""".split()
)


def _person_name(text: str) -> str | None:
    """A full name: 2–5 capitalised words starting with a family name ('Trần Hoàng Tuấn')."""
    text = squash_spaces(nfc(text)).strip(" .,;:'\"“”‘’~-_|")
    words = text.split()
    if not 2 <= len(words) <= 5 or not all(_NAME_WORD.match(w) for w in words):
        return None
    if fold(words[0]).lower() not in SURNAMES:
        return None
    return text


def _name_in(text: str) -> str | None:
    """A name on its own, or after the recipients column on the same line ('- …; Đặng Văn Minh')."""
    name = _person_name(text)
    if name:
        return name
    if _RECIPIENTS.match(_fold(text)) or ";" in text:
        tail = re.split(r"[;:]\s*|\s{3,}", text.strip())[-1]
        words = tail.split()
        for k in range(max(0, len(words) - 5), len(words) - 1):
            name = _person_name(" ".join(words[k:]))
            if name:
                return name
    return None


def _body_date(meta: dict, lines, start: int) -> None:
    """Documents without a place/date line (minutes): the first full date of the body ("Hôm nay, … ngày …"),
    not one of a cited document (`Căn cứ …`)."""
    for _page, _column, text in lines[start : start + 15]:
        if _fold(text).strip().startswith(("can cu", "thuc hien", "theo")):
            continue
        for cand in find_dates(text):
            if cand.kind == "day" and cand.value:
                before = _fold(text[: cand.start])
                if re.search(r"(so|/)\s*[\w-]*\s*$", before):
                    continue  # "Quyết định số 12/QĐ-UBND ngày …": a citation
                meta["issued_on"], meta["date_source"] = cand.value.isoformat(), "body"
                return


def _signature_fallbacks(meta: dict, signatures, candidate) -> None:
    """Issue date from the first signing time when the header date is missing or blank. With a printed month and
    year but no readable day, the signing date is kept when it falls in that month, else the month's last day (a
    document is not issued after it is signed)."""
    signed = None
    for sig in signatures or ():
        if sig.get("signed_at"):
            try:
                signed = datetime.fromisoformat(sig["signed_at"]).date()
                break
            except ValueError:
                continue
    if signed is None:
        return
    value = signed
    if candidate is not None and candidate.month and candidate.year and 1 <= candidate.month <= 12:
        if (signed.year, signed.month) != (candidate.year, candidate.month):
            last = monthrange(candidate.year, candidate.month)[1]
            printed_end = date(candidate.year, candidate.month, last)
            if printed_end < signed:
                value = printed_end
                meta["warnings"].append("date_day_estimated")
    meta["issued_on"], meta["date_source"] = value.isoformat(), "signature"


_REF_TYPE = re.compile(r"(?P<name>[A-Za-zÀ-ỹĐđ]+(?:\s+[A-Za-zÀ-ỹĐđ]+){0,3})\s+s[ốo]\s*:?\s*$", re.IGNORECASE)


def _references(page_texts: list[str], own: str | None) -> list[dict]:
    out: list[dict] = []
    seen = set()
    for text in page_texts:
        text = nfc(text)
        for start, end, number in find_numbers(text):
            canonical = number.canonical
            if canonical == own or not number.number:
                continue
            code = number.type_code
            prefix = text[max(0, start - 40) : start]
            named = _REF_TYPE.search(prefix)
            if named:
                words = named.group("name").split()
                for k in range(len(words)):
                    found = type_from_name(" ".join(words[k:]))
                    if found:
                        code = code or found
                        if found == "CV":
                            code = "CV"
                        break
            issued = None
            for cand in find_dates(text[end : end + 45]):
                if cand.kind == "day" and cand.value and cand.start <= 12:
                    issued = cand.value.isoformat()
                break
            key = (canonical, issued)
            if key in seen:
                continue
            seen.add(key)
            out.append({"number": canonical, "type_code": code, "issued_on": issued})
    return out
