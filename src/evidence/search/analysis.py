"""Analyzers for Vietnamese text: NFC, lower case, and an accent-folded twin.

Whoosh pickles the schema (and so these classes) into the index; renaming them makes old indexes unreadable,
which `SCHEMA_VERSION` turns into an automatic rebuild.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, Token, Tokenizer

from ..vn.numbers import normalize_number
from ..vn.text import fold, nfc

# words, keeping dotted runs whole so criterion codes (`1.1`) and figures (`2.500`) stay one token
WORD_PATTERN = r"\w+(?:\.\w+)*"


class NfcFilter(Filter):
    """Composed Unicode, so `ế` typed as e + two marks matches `ế` in the text."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = nfc(t.text)
            yield t


class FoldFilter(Filter):
    """`quyết định` → `quyet dinh`, `đ` → `d` (evidence.vn.text.fold)."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            yield t


class NumberKeyTokenizer(Tokenizer):
    """The whole value as one token: the document number in canonical form, upper-cased so matching ignores
    case (`1366 / kh - ubnd` and `1366/KH-UBND` give the same key). Values that hold no number give none."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        key = number_key(value)
        if not key:
            return
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.text = key
        t.boost = 1.0
        if keeporiginal:
            t.original = value
        if positions:
            t.pos = start_pos
        if chars:
            t.startchar = start_char
            t.endchar = start_char + len(value)
        yield t


def number_key(value: str | None) -> str | None:
    """The exact-match key of a document number: canonical form (normalize_number), upper case."""
    canonical = normalize_number(value) if value else None
    return canonical.upper() if canonical else None


def accented_analyzer():
    return RegexTokenizer(WORD_PATTERN) | NfcFilter() | LowercaseFilter()


def folded_analyzer():
    return RegexTokenizer(WORD_PATTERN) | NfcFilter() | LowercaseFilter() | FoldFilter()


def number_analyzer():
    return NumberKeyTokenizer()


def folded_words(text: str) -> list[str]:
    """The folded tokens of `text`, as the folded fields index them."""
    return [t.text for t in folded_analyzer()(text)]
