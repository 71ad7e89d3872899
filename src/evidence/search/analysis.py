"""Analyzers for Vietnamese text: NFC, lower case, and an accent-folded twin.

Whoosh pickles the schema (and so these classes) into the index; renaming them makes old indexes unreadable,
which `SCHEMA_VERSION` turns into an automatic rebuild.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any, cast
from collections.abc import Iterator


from whoosh.analysis import Analyzer, Token, Tokenizer
from whoosh.fields import TEXT, FieldType
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from ..vn.numbers import normalize_number
from ..vn.text import fold, nfc
from .lazy_numpy import np

# words, keeping dotted runs whole so criterion codes (`1.1`) and figures (`2.500`) stay one token
WORD_PATTERN = r"\w+(?:\.\w+)*"
_WORDS = re.compile(WORD_PATTERN)


def _build_fold_table() -> dict[int, str]:
    """Character → lower-case folded character, for every letter Vietnamese text uses, one for one."""
    table = {}
    for code in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        folded = fold(ch).lower()
        if len(folded) == 1 and folded != ch:
            table[code] = folded
    return table


_FOLD_TABLE = _build_fold_table()
_COMBINING = re.compile(r"[\u0300-\u036f]")


@lru_cache(maxsize=1)
def _fold_lut():
    """The fold table as a numpy lookup array over the BMP (made when a long text is first folded in place)."""
    lut = np.arange(0x10000, dtype=np.uint32)
    for code, folded in _FOLD_TABLE.items():
        lut[code] = ord(folded)
    return lut


def fold_in_place(text: str) -> str:
    """Lower-cased and folded, one character for one character (composed text assumed), so positions in the
    result are positions in `text`. A table lookup over the code points in numpy: long texts fold in
    microseconds where `str.translate` with a dict takes about 20 ns a character."""
    if len(text) < 64:
        return text.translate(_FOLD_TABLE)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    folded = _fold_lut().take(codes, mode="clip")
    astral = codes > 0xFFFF
    if astral.any():
        folded[astral] = codes[astral]
    return folded.tobytes().decode("utf-32-le")


def fold_lower(text: str) -> str:
    """`fold(text).lower()` for composed text, fast (fold_in_place) and one character for one character
    whenever the text is fully composed (it is after NFC, except for letters Unicode has no composed form of)."""
    out = fold_in_place(text)
    if _COMBINING.search(out):  # rare: a mark with no composed form — take the slow, exact path
        return fold(text).lower()
    return out


class VietnameseTokenizer(Tokenizer):
    """Words of NFC-normalised, lower-cased text; with `folded`, accents removed and `đ` → `d` as well.

    One tokenizer instead of tokenizer + filters: the text is normalised once as a whole (fast C string
    operations) and the per-token work is just the regex match — indexing is dominated by this loop.
    """

    def __init__(self, folded: bool = False):
        self.folded = folded
        self.expression = re.compile(WORD_PATTERN)

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.folded == other.folded

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        text = nfc(value).lower()
        if self.folded:
            text = fold_lower(text)
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.text = text
            t.original = text  # type: ignore[attr-defined]  # Whoosh's Token takes any attribute
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, match in enumerate(self.expression.finditer(text)):  # (the fast path is `words`)
            t.text = match.group(0)
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text  # type: ignore[attr-defined]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + match.start(), start_char + match.end()
            yield t

    def words(self, value: str) -> list[str]:
        """The token texts at once (C-speed `findall`), for `FastPositions` and `FastFrequency`. Folded: each
        distinct word is folded once (folding maps a word character to a word character, one for one, so the
        words of the folded text are the folded words of the text), not the whole text."""
        text, words = _split(value)
        if not self.folded or text.isascii():
            return words
        if _COMBINING.search(text):  # rare: a mark with no composed form — fold the whole text, exactly
            return self.expression.findall(fold_lower(text))
        folded = {word: word.translate(_FOLD_TABLE) for word in set(words)}
        return [folded[word] for word in words]


_LAST_SPLIT: tuple[str, str, list[str]] = ("", "", [])  # words_f and words_a split the same text one after the other


def _split(value: str) -> tuple[str, list[str]]:
    """(the text NFC and lower-cased, its words), remembered for the last text."""
    global _LAST_SPLIT
    last = _LAST_SPLIT
    if last[0] is value or (len(last[0]) == len(value) and last[0] == value):
        return last[1], last[2]
    text = nfc(value).lower()
    words = _WORDS.findall(text)
    _LAST_SPLIT = (value, text, words)
    return text, words


# Field analyses made ahead of the commit that uses them (index.prepare_document): an ingest analyses each
# document while its other files are still being read, and the commit only adds the postings. Keyed by the
# exact value (a document changed in between is simply analysed again); the index write clears them.
_PREPARED: dict[tuple, list] = {}


def _prepared_key(fmt: Any, analyzer: Any, value: str) -> tuple:
    return (type(fmt).__name__, fmt.field_boost, analyzer.folded, value)


def prepare(field: FieldType, value: str) -> None:
    """Analyse `value` for `field` now; the field's next `index(value)` uses the result."""
    fmt, analyzer = field.format, field.analyzer
    if isinstance(fmt, (FastPositions, FastFrequency)) and isinstance(analyzer, VietnameseTokenizer):
        _PREPARED[_prepared_key(fmt, analyzer, value)] = fmt.analyse(value, analyzer)


def clear_prepared() -> None:
    _PREPARED.clear()


class FastPositions(Positions):
    """Whoosh's `Positions` postings, computed from `VietnameseTokenizer.words` in one pass instead of one
    generator step per token: indexing is several times faster, the bytes written are the same."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any):
        if not (isinstance(analyzer, VietnameseTokenizer) and isinstance(value, str)):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        ready = _PREPARED.get(_prepared_key(self, analyzer, value))
        yield from ready if ready is not None else self.analyse(value, analyzer)

    def analyse(self, value: str, analyzer: VietnameseTokenizer) -> list:
        poses: dict[str, list[int]] = {}
        for pos, word in enumerate(analyzer.words(value)):
            found = poses.get(word)
            if found is None:
                poses[word] = [pos]
            else:
                found.append(pos)
        boost = self.field_boost
        encode = self.encode
        return [(word, len(poslist), len(poslist) * boost, encode(poslist)) for word, poslist in poses.items()]


class FastFrequency(Frequency):
    """Whoosh's `Frequency` postings (document and count, no positions) from `VietnameseTokenizer.words`:
    the blocks of a term decode several times faster than positional ones, which is what the fast search path
    (`fast.py`) reads."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any):
        if not (isinstance(analyzer, VietnameseTokenizer) and isinstance(value, str)):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        ready = _PREPARED.get(_prepared_key(self, analyzer, value))
        yield from ready if ready is not None else self.analyse(value, analyzer)

    def analyse(self, value: str, analyzer: VietnameseTokenizer) -> list:
        counts = Counter(analyzer.words(value))  # (counted in C, in the order words first appear)
        boost = self.field_boost
        return [(word, freq, freq * boost, pack_uint(freq)) for word, freq in counts.items()]


def _analyzer(folded: bool) -> Analyzer:
    """The tokenizer is the whole analyzer (Whoosh accepts a tokenizer where it takes an analyzer)."""
    return cast(Analyzer, VietnameseTokenizer(folded=folded))


def _field_boost(field: TEXT) -> float:
    return field.format.field_boost if field.format is not None else 1.0


def vietnamese_words_field(folded: bool = True, **kwargs) -> TEXT:
    """Words and their counts only (no phrase queries on it): the field the fast path matches and ranks on."""
    field = TEXT(analyzer=_analyzer(folded), phrase=False, **kwargs)
    field.format = FastFrequency(field_boost=_field_boost(field))
    return field


def vietnamese_text_field(folded: bool, **kwargs) -> TEXT:
    field = TEXT(analyzer=_analyzer(folded), phrase=True, **kwargs)
    field.format = FastPositions(field_boost=_field_boost(field))
    return field


class NumberKeyTokenizer(Tokenizer):
    """The whole value as one token: the document number in canonical form, upper-cased so matching ignores
    case (`1366 / kh - ubnd` and `1366/KH-UBND` give the same key). Values that hold no number give none."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        key = number_key(value)
        if not key:
            return
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.text = key
        t.boost = 1.0
        if keeporiginal:
            t.original = value  # type: ignore[attr-defined]
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
    return VietnameseTokenizer(folded=False)


def folded_analyzer():
    return VietnameseTokenizer(folded=True)


def number_analyzer():
    return NumberKeyTokenizer()


def folded_words(text: str) -> list[str]:
    """The folded tokens of `text`, as the folded fields index them."""
    return [t.text for t in folded_analyzer()(text)]
