"""Snippets: a short window of the document's text around the words the query found, with those words marked.

Matching is done on a folded copy of the text that keeps every character at its place, so `tai lieu` marks
`tài liệu` in the original and the other way round.
"""

from __future__ import annotations

import re
from itertools import islice
from dataclasses import dataclass

from ..vn.text import squash_spaces
from .analysis import fold_in_place

_WORD_CHAR = re.compile(r"\w")
_JOINER = re.compile(r"^(?: |\s?[/-]\s?)$")  # between words of a phrase or parts of a number
WINDOW = 220  # characters of context in a snippet
MAX_SCANNED = 400_000  # characters of a document searched for a snippet
MAX_MATCHES = 40  # matches weighed for the best window (common words match thousands of times)


@dataclass
class Snippet:
    parts: list[tuple[str, bool]]  # (text, is a match)

    def render(self, start: str = "[", end: str = "]") -> str:
        return "".join(f"{start}{t}{end}" if hit else t for t, hit in self.parts)

    @property
    def plain(self) -> str:
        return "".join(t for t, _ in self.parts)


def make_snippet(text: str, words: set[str], *, width: int = WINDOW) -> Snippet:
    """The stretch of `text` (about `width` characters) holding the most different query words, marked."""
    text = (text or "")[:MAX_SCANNED].replace("\f", " ")
    if not text.strip():
        return Snippet([])
    folded = fold_in_place(text)
    words = {w for w in words if w}
    matches: list[tuple[int, int, str]] = []
    if words:
        # no look-behind (it makes the scan ~2.5× slower): a match inside a word is dropped here instead
        pattern = re.compile("(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)")
        matches = list(
            islice(
                (
                    (m.start(), m.end(), m.group(1))
                    for m in pattern.finditer(folded)
                    if not m.start() or not _WORD_CHAR.match(folded, m.start() - 1)
                ),
                MAX_MATCHES,
            )
        )
    if not matches:
        return Snippet([(_clip(text, 0, width), False)])
    best_start = _best_window(matches, width)
    # start a little before the first match, at a word boundary
    lo = max(0, best_start - width // 5)
    while lo > 0 and not text[lo - 1].isspace() and best_start - lo < width // 3:
        lo -= 1
    hi = min(len(text), lo + width)
    while hi < len(text) and not text[hi].isspace() and hi - lo < width + 30:
        hi += 1
    parts: list[tuple[str, bool]] = []
    if lo > 0:
        parts.append(("… ", False))
    cursor = lo
    for s, e, _ in matches:
        if s < lo or e > hi:
            continue
        if s > cursor:
            parts.append((text[cursor:s], False))
        parts.append((text[s:e], True))
        cursor = e
    parts.append((text[cursor:hi], False))
    if hi < len(text):
        parts.append((" …", False))
    return Snippet(_squash(parts))


def _best_window(matches: list[tuple[int, int, str]], width: int) -> int:
    """Start of the window holding the most distinct words (then the most matches); sliding, linear."""
    counts: dict[str, int] = {}
    best_start, best_score, j = matches[0][0], (-1, -1), 0
    for i, (start, _, word) in enumerate(matches):
        while j < len(matches) and matches[j][1] <= start + width:
            counts[matches[j][2]] = counts.get(matches[j][2], 0) + 1
            j += 1
        score = (len(counts), j - i)
        if score > best_score:
            best_start, best_score = start, score
        if j > i:  # drop match i before the window moves on
            counts[word] -= 1
            if not counts[word]:
                del counts[word]
    return best_start


def _clip(text: str, lo: int, width: int) -> str:
    piece = squash_spaces(text[lo : lo + width])
    return piece + (" …" if len(text) > lo + width else "")


def _squash(parts: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Newlines and runs of spaces become single spaces, keeping the parts apart."""
    out = []
    for t, hit in parts:
        t = re.sub(r"\s+", " ", t)
        if t:
            out.append((t, hit))
    if out and not out[0][1]:
        out[0] = (out[0][0].lstrip(), False)
    if out and not out[-1][1]:
        out[-1] = (out[-1][0].rstrip(), False)
    merged: list[tuple[str, bool]] = []
    for t, hit in (p for p in out if p[0]):
        # `[tài] [liệu]` → `[tài liệu]`
        if hit and len(merged) >= 2 and merged[-2][1] and not merged[-1][1] and _JOINER.match(merged[-1][0]):
            merged[-2:] = [(merged[-2][0] + merged[-1][0] + t, True)]
        else:
            merged.append((t, hit))
    return merged
