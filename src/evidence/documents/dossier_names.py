"""Names inside a dossier zip that Windows and macOS can both store: ASCII (Vietnamese folded, `đ` → `d`), no
reserved characters (`<>:"/\\|?*`, control characters) or names (CON, PRN, AUX, NUL, COM1–9, LPT1–9), no
trailing dot or space, each part length-capped, and unique regardless of case (both systems fold case).
"""

from __future__ import annotations

import re

from ..vn.text import fold, nfc

RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
PART_MAX = 80  # characters of one folder or file name (the whole path stays well under Windows' 260)


def safe_part(text: str, *, limit: int = PART_MAX, fallback: str = "tep") -> str:
    """One path component: folded to ASCII, reserved characters replaced, spaces squashed, capped."""
    ascii_text = fold(nfc(text or "")).encode("ascii", "ignore").decode("ascii")
    cleaned = FORBIDDEN.sub("-", ascii_text)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    if len(cleaned) > limit:  # cut at a word boundary when one is not too far back
        cut = cleaned[: limit + 1].rfind(" ")
        cleaned = cleaned[: cut if cut > limit // 2 else limit]
        opened = cleaned.rfind("(")
        if opened > limit // 2 and ")" not in cleaned[opened:]:  # no half of a bracket
            cleaned = cleaned[:opened]
    cleaned = cleaned.rstrip(" .-,")
    cleaned = cleaned.lstrip(" .")
    if not cleaned:
        cleaned = fallback
    if cleaned.split(".")[0].strip().upper() in RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned


def safe_file_name(stem: str, suffix: str, *, limit: int = PART_MAX) -> str:
    """`stem` made safe and capped so that stem + suffix fits in `limit`; the suffix kept lower case."""
    suffix = "." + re.sub(r"[^a-z0-9]", "", suffix.lower().lstrip(".")) if suffix.strip(". ") else ""
    return safe_part(stem, limit=max(8, limit - len(suffix))) + suffix


class UniqueNames:
    """Hands out paths that differ from every earlier one ignoring case: `x.pdf`, then `x (2).pdf`."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, folder: str, name: str) -> str:
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        candidate, n = name, 1
        while f"{folder}/{candidate}".lower() in self._taken:
            n += 1
            candidate = f"{stem} ({n}).{suffix}" if suffix else f"{stem} ({n})"
        path = f"{folder}/{candidate}" if folder else candidate
        self._taken.add(f"{folder}/{candidate}".lower())
        return path


def is_portable(path: str) -> bool:
    """True when every part of a zip path is one `safe_part` would keep as it is (what the tests assert)."""
    for part in path.split("/"):
        if not part or part != part.strip() or part.endswith("."):
            return False
        if FORBIDDEN.search(part) or not part.isascii() or len(part) > PART_MAX:
            return False
        if part.split(".")[0].strip().upper() in RESERVED:
            return False
    return True
