"""NFC normalisation and accent folding.

Folding removes diacritics so `quyết định` matches `quyet dinh`; `Đ/đ` becomes `D/d` (NFD leaves đ alone,
so it needs its own rule).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_D = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})  # ð/Ð: OCR often reads Đ as Icelandic eth


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def squash_spaces(text: str) -> str:
    return _SPACES.sub(" ", text or "").strip()


def fold(text: str) -> str:
    """Remove Vietnamese diacritics (and đ→d), keeping case and everything else."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_D))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped)


def fold_aligned(text: str) -> str:
    """`fold` character by character, so position i of the result is position i of `text` (for regex spans
    found on folded text and applied to the original). Lower-cased as well."""
    out = []
    for ch in text or "":
        folded = fold(ch)
        out.append((folded if len(folded) == 1 else ch).lower())
    return "".join(out)
