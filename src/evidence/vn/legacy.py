"""Legacy 8-bit Vietnamese encodings in text extracted from old DOC and PDF files: TCVN3 (ABC) and VNI.

Before Unicode (TCVN 6909:2001) Vietnamese was typed with 8-bit fonts (.VnTime for TCVN3, VNI-Times for VNI). Text
extracted from such files comes out as Latin-1 letters: TCVN3 puts each accented letter on one byte
(`Quy\u00d5t \u00aeÞnh` for `Quyết định`), VNI writes the base letter followed by a byte for the mark
(`Quye\u00e1t \u00f1\u00f2nh`). Upper-case letters in TCVN3 come from a separate font (.VnTimeH) drawing the
lower-case codes as capitals, so converted TCVN3 text may be lower case where the page showed capitals.

    detect_legacy(text) -> "tcvn3" | "vni" | None
    tcvn3_to_unicode(text), vni_to_unicode(text) -> str
    repair_legacy(text) -> (text, encoding or None)

Detection converts with both tables and keeps the one that turns most non-Vietnamese letters and symbols into
Vietnamese letters; genuine Unicode Vietnamese text (it has letters of U+1EA0–U+1EF9, ư, ơ, đ, ă) is never
touched.
"""

from __future__ import annotations

import re
import unicodedata

# --- TCVN3 (TCVN 5712:1993, "ABC"): one byte per letter ----------------------------------------------------------
_TCVN3_PAIRS = {
    # a, ă, â with their five tones
    "\u00b8": "á",
    "\u00b5": "à",
    "\u00b6": "ả",
    "\u00b7": "ã",
    "\u00b9": "ạ",
    "\u00a8": "ă",
    "\u00be": "ắ",
    "\u00bb": "ằ",
    "\u00bc": "ẳ",
    "\u00bd": "ẵ",
    "\u00c6": "ặ",
    "\u00a9": "â",
    "\u00ca": "ấ",
    "\u00c7": "ầ",
    "\u00c8": "ẩ",
    "\u00c9": "ẫ",
    "\u00cb": "ậ",
    "\u00ae": "đ",
    "\u00d0": "é",
    "\u00cc": "è",
    "\u00ce": "ẻ",
    "\u00cf": "ẽ",
    "\u00d1": "ẹ",
    "\u00aa": "ê",
    "\u00d5": "ế",
    "\u00d2": "ề",
    "\u00d3": "ể",
    "\u00d4": "ễ",
    "\u00d6": "ệ",
    "\u00dd": "í",
    "\u00d7": "ì",
    "\u00d8": "ỉ",
    "\u00dc": "ĩ",
    "\u00de": "ị",
    "\u00e3": "ó",
    "\u00df": "ò",
    "\u00e1": "ỏ",
    "\u00e2": "õ",
    "\u00e4": "ọ",
    "\u00ab": "ô",
    "\u00e8": "ố",
    "\u00e5": "ồ",
    "\u00e6": "ổ",
    "\u00e7": "ỗ",
    "\u00e9": "ộ",
    "\u00ac": "ơ",
    "\u00ed": "ớ",
    "\u00ea": "ờ",
    "\u00eb": "ở",
    "\u00ec": "ỡ",
    "\u00ee": "ợ",
    "\u00f3": "ú",
    "\u00ef": "ù",
    "\u00f1": "ủ",
    "\u00f2": "ũ",
    "\u00f4": "ụ",
    "\u00ad": "ư",
    "\u00f8": "ứ",
    "\u00f5": "ừ",
    "\u00f6": "ử",
    "\u00f7": "ữ",
    "\u00f9": "ự",
    "\u00fd": "ý",
    "\u00fa": "ỳ",
    "\u00fb": "ỷ",
    "\u00fc": "ỹ",
    "\u00fe": "ỵ",
    # the capitals TCVN3 has in its lower font
    "\u00a1": "Ă",
    "\u00a2": "Â",
    "\u00a7": "Đ",
    "\u00a3": "Ê",
    "\u00a4": "Ô",
    "\u00a5": "Ơ",
    "\u00a6": "Ư",
}
TCVN3_TABLE = str.maketrans(_TCVN3_PAIRS)

# --- VNI (VNI-Windows): base letter + a byte for the mark ---------------------------------------------------------
# marks after a plain vowel (a e i o u y): sắc huyền hỏi ngã nặng
_VNI_TONE = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_TONE_UP = {"Ù": "\u0301", "Ø": "\u0300", "Û": "\u0309", "Õ": "\u0303", "Ï": "\u0323"}
# marks after a/e/o giving the circumflex, alone or with a tone
_VNI_CIRC = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_CIRC_UP = {"Â": "", "Á": "\u0301", "À": "\u0300", "Å": "\u0309", "Ã": "\u0303", "Ä": "\u0323"}
# marks after a giving the breve, alone or with a tone
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_BREVE_UP = {"Ê": "", "É": "\u0301", "È": "\u0300", "Ú": "\u0309", "Ü": "\u0303", "Ë": "\u0323"}
# single bytes standing for a whole letter
_VNI_SINGLE = {
    "ô": "ơ",
    "Ô": "Ơ",
    "ö": "ư",
    "Ö": "Ư",
    "ñ": "đ",
    "Ñ": "Đ",
    "î": "ỵ",
    "Î": "Ỵ",
    "í": "í",
    "Í": "Í",
    "ì": "ì",
    "Ì": "Ì",
    "æ": "ỉ",
    "Æ": "Ỉ",
    "ó": "ĩ",
    "Ó": "Ĩ",
    "ò": "ị",
    "Ò": "Ị",
}


def _vni_rules() -> dict[str, str]:
    rules: dict[str, str] = {}

    def add(seq: str, base: str, *marks: str) -> None:
        rules[seq] = unicodedata.normalize("NFC", base + "".join(marks))

    for lower in (True, False):
        tones = _VNI_TONE if lower else _VNI_TONE_UP
        circ = _VNI_CIRC if lower else _VNI_CIRC_UP
        breve = _VNI_BREVE if lower else _VNI_BREVE_UP
        case = (lambda s: s) if lower else str.upper
        for vowel in "aeouy":
            for byte, tone in tones.items():
                add(case(vowel) + byte, case(vowel), tone)
        for vowel in "aeo":
            for byte, tone in circ.items():
                add(case(vowel) + byte, case(vowel), "\u0302", tone)
        for byte, tone in breve.items():
            add(case("a") + byte, case("a"), "\u0306", tone)
        # ơ and ư (single bytes ô/ö) followed by a tone byte
        for letter, base in (("ô", "ơ"), ("ö", "ư")):
            for byte, tone in tones.items():
                add(case(letter) + byte, case(base), tone)
        # a capital vowel written with a lower-case mark byte (mixed fonts) is not a thing: skip
    return rules


_VNI_RULES = _vni_rules()
_VNI_ALL = {**_VNI_SINGLE, **_VNI_RULES}
# one pass, longest sequence first: `oø` is ò, not `o` + `ø`; a lone `ò` is ị
_VNI_RE = re.compile("|".join(sorted(map(re.escape, _VNI_ALL), key=len, reverse=True)))


def vni_to_unicode(text: str) -> str:
    """VNI-Windows text (`Quyeát ñònh`) → Unicode NFC (`Quyết định`)."""
    return _VNI_RE.sub(lambda m: _VNI_ALL[m.group(0)], text or "")


def tcvn3_to_unicode(text: str) -> str:
    """TCVN3/ABC text (`QuyÕt ®Þnh`) → Unicode NFC (`Quyết định`)."""
    return unicodedata.normalize("NFC", (text or "").translate(TCVN3_TABLE))


# --- detection ---------------------------------------------------------------------------------------------------
_VN_ONLY = re.compile("[\u1ea0-\u1ef9ơưđăƠƯĐĂĩĨũŨ]")  # letters only Vietnamese Unicode text has
_WORD = re.compile(r"\S+")
_VIETNAMESE = (
    frozenset("abcdefghijklmnopqrstuvwxyz")
    | frozenset(
        unicodedata.normalize("NFC", v + t)
        for v in "aăâeêioôơuưy"
        for t in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    )
    | {"đ"}
)
_VIETNAMESE = _VIETNAMESE | frozenset(c.upper() for c in _VIETNAMESE)


def _odd(text: str) -> int:
    """Characters that are neither ASCII, nor Vietnamese letters, nor common punctuation: legacy-font debris."""
    return sum(1 for ch in text if ord(ch) > 0x7F and ch not in _VIETNAMESE and ch not in "–—…“”‘’•§°·\u00a0")


_LEGACY_MARKS = "ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË"  # VNI's mark bytes, as Latin-1 letters after a vowel
# a word (a run of non-space) holding a letter no Vietnamese word has, or a vowel followed by a VNI mark byte:
# one C-speed pass over the text instead of a Python loop over its characters
_FOREIGN_WORD = re.compile(
    r"(?<!\S)(?=\S*?(?:[^\x00-\x7f\s"
    + "".join(sorted(re.escape(ch) for ch in _VIETNAMESE if ord(ch) > 0x7F))
    + r"]|[aeiouyAEIOUY]["
    + _LEGACY_MARKS
    + r"]))\S+"
)


def _foreign_words(text: str) -> int:
    """Words holding a non-Vietnamese letter (VNI's `ö`, `ñ`, `ù` after a vowel …) or legacy debris."""
    return len(_FOREIGN_WORD.findall(text))


def detect_legacy(text: str, *, min_words: int = 4) -> str | None:
    """ "tcvn3", "vni" or None (Unicode or not Vietnamese). Needs a few words of evidence, and the conversion must
    remove most of the non-Vietnamese letters."""
    if not text:
        return None
    sample = text[:20000]
    words = len(sample.split())  # the \S+ runs (str.split and the regex agree on what is white space)
    if words < min_words:
        return None
    before = _foreign_words(sample)
    if before < max(2, 0.08 * words):
        return None
    real_vn = len(_VN_ONLY.findall(sample))
    best, best_left = None, before
    for name, convert in (("tcvn3", tcvn3_to_unicode), ("vni", vni_to_unicode)):
        converted = convert(sample)
        left = _foreign_words(converted)
        gained = len(_VN_ONLY.findall(converted)) - real_vn
        if left < best_left and left <= 0.4 * before and gained >= 2:
            best, best_left = name, left
    # genuine Unicode Vietnamese with a few foreign words: leave it
    if best and real_vn > 0.5 * before and real_vn > 20:
        return None
    return best


def repair_legacy(text: str) -> tuple[str, str | None]:
    """(text converted to Unicode, the encoding found) or (text, None) when it is not legacy-encoded."""
    found = detect_legacy(text)
    if found == "tcvn3":
        return tcvn3_to_unicode(text), found
    if found == "vni":
        return unicodedata.normalize("NFC", vni_to_unicode(text)), found
    return text, None


def to_tcvn3(text: str) -> str:
    """Unicode → TCVN3 (for tests and fixtures): the inverse of `tcvn3_to_unicode` for the letters TCVN3 has."""
    inverse = {v: k for k, v in _TCVN3_PAIRS.items()}
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def to_vni(text: str) -> str:
    """Unicode → VNI (for tests and fixtures)."""
    inverse = {v: k for k, v in _VNI_RULES.items()}
    inverse.update({v: k for k, v in _VNI_SINGLE.items() if k not in "íÍìÌ"})
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
