"""Is a page's text layer usable?

Not usable: empty; only signature-stamp text ("Ký bởi: …", "Thời gian ký: …", the e-office's e-mail and time);
garbage from legacy 8-bit fonts (TCVN3/ABC renders `Quyết định` as `QuyÕt ®Þnh`, VNI as `Quyeát ñònh`) or from a
bad OCR layer. The measures are simple and explainable: the share of letters that are not Vietnamese letters,
the share of odd symbols, and the share of words that are neither Vietnamese syllables nor pronounceable (so an
English text layer is kept).
"""

from __future__ import annotations

import re
import unicodedata

from ..vn.text import fold

_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = "aăâeêioôơuưy"


def _vietnamese_letters() -> frozenset[str]:
    letters = set("abcdefghijklmnopqrstuvwxyzđ")
    for vowel in _VOWELS:
        letters.add(vowel)
        for tone in _TONES:
            letters.add(unicodedata.normalize("NFC", vowel + tone))
    return frozenset(letters | {c.upper() for c in letters})


VIETNAMESE_LETTERS = _vietnamese_letters()
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnpqrstvxfjwz])?"
    r"[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?$"
)
_WORD = re.compile(r"[^\W\d_]+")
_PRONOUNCEABLE = re.compile(r"^(?=.*[aeiouy])(?!.*[^aeiouy]{4})(?!.*(.)\1\1)[a-z]+$")
_STAMP_LINE = re.compile(
    r"(ký bởi|người ký|cơ quan|thời gian ký|ngày ký|email|e-mail|@|\+07:?00|\d{2}[./]\d{2}[./]\d{4} \d{2}:\d{2}"
    r"|trung tâm công báo|và tin học|đã ký|signed|chữ ký số|ký số)",
    re.IGNORECASE,
)
MIN_LETTERS = 40
# a lower-case word with a digit between its letters: OCR debris of Vietnamese read without its model
_DIGIT_WORD = re.compile(r"(?<![\w/-])[a-zA-Z]*[a-z][0-9$@]+[a-z]+(?![\w/])")


def strip_stamp_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not _STAMP_LINE.search(line))


def text_scores(text: str) -> dict[str, float]:
    letters = [ch for ch in text if ch.isalpha()]
    foreign = sum(1 for ch in letters if ch not in VIETNAMESE_LETTERS)
    symbols = sum(1 for ch in text if not (ch.isalnum() or ch.isspace() or ch in ".,;:!?()[]\"'/-–—%&+*=<>_…“”‘’§°"))
    words = [w for w in _WORD.findall(text) if len(w) > 1 and not w.isupper()]
    plausible = sum(1 for w in words if _SYLLABLE.match(fold(w).lower()))
    pronounceable = sum(1 for w in words if _PRONOUNCEABLE.match(fold(w).lower()))
    return {
        "letters": len(letters),
        "foreign": foreign / max(len(letters), 1),
        "symbols": symbols / max(len(letters), 1),
        "syllables": plausible / len(words) if words else 1.0,
        "pronounceable": pronounceable / len(words) if words else 1.0,
        "words": len(words),
        "controls": sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f"),
        "digit_words": len(_DIGIT_WORD.findall(text)) / max(len(words), 1),
    }


def classify(text: str) -> str:
    """`good`, `empty`, `stamp` (only signature-stamp text), `garbage`, or `short` (real but little text: a page
    worth OCRing when it is a scan, kept as it is otherwise)."""
    if not text or not text.strip():
        return "empty"
    body = strip_stamp_lines(text)
    scores = text_scores(body)
    if scores["letters"] == 0:
        return "stamp" if body != text else "empty"
    if scores["foreign"] > 0.05 or scores["symbols"] > 0.15:
        return "garbage"
    if scores["words"] >= 10 and scores["syllables"] < 0.6 and scores["pronounceable"] < 0.7:
        return "garbage"  # neither Vietnamese syllables nor words of another language
    if scores["controls"] >= 3:
        return "garbage"  # control characters in place of letters: a font without a usable Unicode map
    if scores["words"] >= 20 and scores["digit_words"] > 0.04:
        return "garbage"  # an OCR layer made without Vietnamese ("th6ng", "b6o c6o" for tháng, báo cáo)
    if scores["letters"] < MIN_LETTERS:
        return "short"
    return "good"


def is_usable(text: str) -> bool:
    """True when the page's text layer can be trusted for reading and search."""
    return classify(text) == "good"
