"""Text repair before parsing: glyph substitutions of Vietnamese PDF fonts and legacy 8-bit encodings.

- Some PDF fonts (made by old converters and e-office exporters) map `ư/Ư` to U+01B0's look-alike `ƣ/Ƣ`
  (U+01A3/U+01A2, "latin small letter oi"), so `hướng` reads `hƣớng`: titles look wrong and search misses. Also
  seen: the Icelandic eth `ð/Ð` for `đ/Đ`, Latin ligatures (`ﬁ`), and combining marks left decomposed.
- Whole pages in TCVN3 (ABC) or VNI (old DOC files and PDFs made from them) are converted to Unicode
  (vn/legacy.py), so the page is read instead of being thrown away as garbage.

    repair_text(text) -> (text, warnings)     warnings: text_glyphs_repaired, legacy_encoding_tcvn3/_vni
"""

from __future__ import annotations

import re
import unicodedata

from ..vn.legacy import repair_legacy

_GLYPHS = str.maketrans(
    {
        "\u01a3": "ư",
        "\u01a2": "Ư",  # ƣ Ƣ (oi) drawn for ư Ư
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb00": "ff",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
    }
)
# ð/Ð for đ/Đ only inside a word of Vietnamese letters (not Icelandic or Faroese text)
_ETH = re.compile(r"(?<![^\W\d_])[ðÐ](?=[aăâeêioôơuưyAĂÂEÊIOÔƠUƯY\u00c0-\u1ef9])")


_GLYPH_CHARS = re.compile("[" + "".join(chr(code) for code in _GLYPHS) + "]")


def fix_glyphs(text: str) -> str:
    fixed = text or ""
    if _GLYPH_CHARS.search(fixed):  # (a scan in C; translate looks every character up in a dict)
        fixed = fixed.translate(_GLYPHS)
    if "ð" in fixed or "Ð" in fixed:
        fixed = _ETH.sub(lambda m: "đ" if m.group(0) == "ð" else "Đ", fixed)
    return unicodedata.normalize("NFC", fixed)


def repair_text(text: str) -> tuple[str, list[str]]:
    """The page text with font glyph substitutions and legacy encodings repaired, and what was done."""
    if not text:
        return text, []
    warnings: list[str] = []
    converted, encoding = repair_legacy(text)
    if encoding:
        warnings.append(f"legacy_encoding_{encoding}")
    fixed = fix_glyphs(converted)
    if fixed != unicodedata.normalize("NFC", converted):
        warnings.append("text_glyphs_repaired")
    return fixed, warnings
