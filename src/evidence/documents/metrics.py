"""How wide a line of Times New Roman text is, to size the rules under the issuer, the motto and the subject.

Times New Roman itself is used when installed; otherwise Liberation Serif, which has the same metrics by design.
Without either, an average glyph width keeps the estimate within a few percent for Vietnamese capitals.
"""

from __future__ import annotations

from functools import lru_cache

from .fonts import find_serif_font

_SCALE = 100  # measure at 100× the size for sub-point precision
PT_PER_MM = 72 / 25.4


@lru_cache(maxsize=64)
def _font(size_pt: float, bold: bool, italic: bool):
    path = find_serif_font(bold, italic)
    if path is None:
        return None
    from PIL import ImageFont

    return ImageFont.truetype(str(path), int(size_pt * _SCALE))


def text_width_mm(text: str, size_pt: float, *, bold: bool = False, italic: bool = False) -> float:
    """Width of one line of text in millimetres."""
    font = _font(float(size_pt), bool(bold), bool(italic))
    if font is None:
        em = 0.62 if text.isupper() else 0.50
        return len(text) * size_pt * em / PT_PER_MM
    return font.getlength(text) / _SCALE / PT_PER_MM


def longest_line_mm(
    text: str, size_pt: float, available_mm: float, *, bold: bool = False, italic: bool = False
) -> float:
    """Width of the longest line the text makes when wrapped at word boundaries in `available_mm`."""
    longest, line = 0.0, ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and text_width_mm(candidate, size_pt, bold=bold, italic=italic) > available_mm:
            longest = max(longest, text_width_mm(line, size_pt, bold=bold, italic=italic))
            line = word
        else:
            line = candidate
    if line:
        longest = max(longest, text_width_mm(line, size_pt, bold=bold, italic=italic))
    return min(longest, available_mm)
