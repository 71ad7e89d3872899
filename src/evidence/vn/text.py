"""NFC normalisation and accent folding.

Folding removes diacritics so `quyết định` matches `quyet dinh`; `Đ/đ` becomes `D/d` (NFD leaves đ alone,
so it needs its own rule).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_D = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})  # ð/Ð: OCR often reads Đ as Icelandic eth


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def squash_spaces(text: str) -> str:
    return _SPACES.sub(" ", text or "").strip()


def _fold_slow(text: str) -> str:
    """The definition of folding (three normalisations): used once per distinct character, then cached."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_D))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped)


class _FoldMap(dict):
    """Character → folded text, filled on first sight: `str.translate` with it folds a whole string in C."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_slow(chr(code))
        return folded


class _AlignedMap(dict):
    """Character → one lower-cased folded character (or the character itself, lower-cased, when its fold is not a
    single character): position i of the result stays position i of the text."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = _FOLD[code]
        out = self[code] = (folded if len(folded) == 1 else ch).lower()
        return out


_FOLD = _FoldMap()
_ALIGNED = _AlignedMap()


def fold(text: str) -> str:
    """Remove Vietnamese diacritics (and đ→d), keeping case and everything else.

    The same result as NFD → drop the non-spacing marks → NFC over the whole string, at the speed of one
    `str.translate`: each character is folded once and remembered. Folding character by character differs from
    folding the whole string only where the result is not NFC (say conjoining jamo that compose): then it is
    normalised once more, as the whole-string definition does."""
    if not text:
        return ""
    if text.isascii():
        return text
    folded = text.translate(_FOLD)
    if not unicodedata.is_normalized("NFC", folded):
        folded = unicodedata.normalize("NFC", folded)
    return folded


@lru_cache(maxsize=8192)
def _fold_aligned_cached(text: str) -> str:
    return text.translate(_ALIGNED)


def fold_aligned(text: str) -> str:
    """`fold` character by character, so position i of the result is position i of `text` (for regex spans
    found on folded text and applied to the original). Lower-cased as well. The header parser folds the same
    lines many times: the last few thousand results are remembered."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    if len(text) > 2000:
        return text.translate(_ALIGNED)
    return _fold_aligned_cached(text)
