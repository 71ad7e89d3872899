"""Finding a serif TrueType font that covers Vietnamese: Times New Roman when installed, else Liberation Serif 2
(same metrics by design; set-up installs fonts-liberation2), else DejaVu Serif (fonts-dejavu-core)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..errors import InputError

FONT_DIRS = [
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
]
_STYLES = {(False, False): 0, (True, False): 1, (False, True): 2, (True, True): 3}
_CANDIDATES = [  # one tuple per family: regular, bold, italic, bold italic (in preference order)
    ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"),
    (
        "Times New Roman.ttf",
        "Times New Roman Bold.ttf",
        "Times New Roman Italic.ttf",
        "Times New Roman Bold Italic.ttf",
    ),
    (
        "LiberationSerif-Regular.ttf",
        "LiberationSerif-Bold.ttf",
        "LiberationSerif-Italic.ttf",
        "LiberationSerif-BoldItalic.ttf",
    ),
    ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf"),
]


@cache
def find_serif_font(bold: bool = False, italic: bool = False) -> Path | None:
    """The best serif font file for this style, or None when the machine has none of them."""
    index = _STYLES[(bold, italic)]
    for family in _CANDIDATES:
        found: list[Path] = []
        for base in FONT_DIRS:
            if base.is_dir():
                found.extend(base.rglob(family[index]))
        if found:  # Liberation 2.x covers Vietnamese; 1.x lacks many precomposed letters
            return sorted(found, key=lambda p: ("liberation2" not in str(p), str(p)))[0]
    return None


def serif_font(bold: bool = False, italic: bool = False) -> Path:
    """Like `find_serif_font`, but a missing font is a clear error naming what to install."""
    path = find_serif_font(bold, italic)
    if path is None:
        raise InputError(
            "no Vietnamese-capable serif font found; install fonts-liberation2 or fonts-dejavu-core "
            "(make demo / make test install them)"
        )
    return path
