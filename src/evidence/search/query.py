"""From what a reviewer types to a Whoosh query: words with or without diacritics, "phrases", document numbers
(in any case, with spaces around `/` and `-`), a little field syntax, and the command's filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from collections.abc import Callable

from whoosh import query as Q
from whoosh.qparser import MultifieldParser

from ..errors import InputError
from ..vn.numbers import NUMBER_RE, PARTY_RE
from ..vn.text import nfc, squash_spaces
from .analysis import accented_analyzer, fold_lower, folded_words, number_key
from .fast import Clause
from .schema import BOOST_FIELDS, MATCH_FIELDS, link_key

NUMBER_BOOST = 40.0  # the document that *is* 1366/KH-UBND comes first …
REFS_BOOST = 6.0  # … then the ones that cite it in their metadata …
# … then the ones that mention it in their text (a phrase on the folded text, normal weight).

QUERY_FIELDS = ("subject", "body", "number", "type", "issued", "issuer", "campaign", "unit", "criterion", "filename")
FOLDED_FIELDS = ("subject_f", "body_f")
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_NUMBER_PREFIX = re.compile(r"(?:^|(?<=\s))(?:số|so|no\.?)\s*[:.]?\s*$", re.IGNORECASE)
_FIELD_PREFIX = re.compile(r"(?<![\w/])(\w+):(?!//)")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_VN = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


@dataclass
class Filters:
    campaign: str | None = None
    unit: str | None = None
    criterion: str | None = None
    type_code: str | None = None
    date_from: str | None = None  # YYYY-MM-DD
    date_to: str | None = None

    def query(self) -> Q.Query | None:
        parts: list[Q.Query] = []
        if self.campaign or self.unit or self.criterion:
            parts.append(Q.Term("link", link_key(self.campaign, self.unit, self.criterion)))
        if self.type_code:
            parts.append(Q.Term("type", self.type_code))
        if self.date_from or self.date_to:
            parts.append(Q.TermRange("issued", self.date_from, self.date_to, startexcl=False, endexcl=False))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Q.And(parts)

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def make_filters(*, campaign=None, unit=None, criterion=None, type_code=None, date_from=None, date_to=None) -> Filters:
    filters = Filters(
        campaign=_code(campaign),
        unit=_code(unit),
        criterion=_code(criterion),
        type_code=_code(type_code),
        date_from=parse_date_option(date_from, "--from"),
        date_to=parse_date_option(date_to, "--to"),
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InputError(f"--from {filters.date_from} is after --to {filters.date_to}")
    return filters


def _code(value: str | None) -> str | None:
    value = squash_spaces(nfc(value)) if value else None
    return value or None


def parse_date_option(value: str | None, option: str) -> str | None:
    """`2025-01-31` or `31/01/2025` → `2025-01-31`; anything else is an InputError naming the option."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    m = _DATE_ISO.match(text)
    parts = (m.group(1), m.group(2), m.group(3)) if m else None
    if parts is None:
        m = _DATE_VN.match(text)
        parts = (m.group(3), m.group(2), m.group(1)) if m else None
    try:
        if parts is None:
            raise ValueError
        return date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except ValueError:
        raise InputError(f"{option} '{text}': expected a date like 2025-01-31 or 31/01/2025") from None


@dataclass
class ParsedQuery:
    build: Callable[[], Q.Query]  # the Whoosh query (built when needed: it costs ~5 ms)
    words: set[str] = field(default_factory=set)  # folded words to highlight
    numbers: list[str] = field(default_factory=list)  # number keys found in the query
    clauses: list[Clause] | None = None  # for the fast path (fast.py); None: Whoosh's own search
    _query: Q.Query | None = None

    @property
    def query(self) -> Q.Query:
        if self._query is None:
            self._query = self.build()
        return self._query


# outside quotes, anything but plain words sends a query to Whoosh's parser (operators, groups, ranges,
# prefixes, boosts, fuzzy and slop, field syntax, single-quoted terms)
_SPECIAL = re.compile(r"[:*?()\[\]{}^~']|(?<!\S)(?:AND|OR|NOT|ANDNOT|ANDMAYBE)(?!\S)")


def fast_clauses(text: str) -> list[Clause] | None:
    """Plain words and "phrases" as fast-path clauses; None when the text uses any other query syntax."""
    if _SPECIAL.search(re.sub(r'"[^"]*"', " ", text)):
        return None
    clauses: list[Clause] = []
    for m in re.finditer(r'"([^"]*)"|([^"\s]+)', text):
        accented = [t.text for t in accented_analyzer()(m.group(1) if m.group(1) is not None else m.group(2))]
        folded = [fold_lower(a) for a in accented]
        if m.group(1) is not None and len(folded) > 1:
            clauses.append(Clause("phrase", folded, accented))
        else:
            clauses.extend(Clause("word", [f], [a]) for f, a in zip(folded, accented))
    return clauses


def _parser(schema, fields: dict[str, float]):
    return MultifieldParser(list(fields), schema, fieldboosts=fields)


def _text_query(schema, text: str) -> Q.Query:
    """Matching runs on the folded fields only (half the postings to walk); the accented fields are optional
    clauses that add to the score of the documents already matched, so the accented form still ranks first."""
    text = re.sub(r"(?<![\w/])body:", "body_f:", text)  # the text is indexed folded (accents: fast.py)
    folded = _parser(schema, MATCH_FIELDS).parse(text)
    if folded is Q.NullQuery:
        return folded
    accented = _parser(schema, BOOST_FIELDS).parse(text)
    if accented is Q.NullQuery or accented == folded:
        return folded
    return Q.AndMaybe(folded, accented)


def check_syntax(text: str) -> None:
    """The mistakes Whoosh would silently turn into something else: say them in one line instead."""
    if text.count('"') % 2:
        raise InputError(f"query {text!r}: unbalanced double quote")
    outside = re.sub(r'"[^"]*"', " ", text)
    for open_, close in (("(", ")"), ("[", "]"), ("{", "}")):
        depth = 0
        for ch in outside:
            depth += (ch == open_) - (ch == close)
            if depth < 0:
                break
        if depth != 0:
            raise InputError(f"query {text!r}: unbalanced '{open_}{close}'")
    tokens = outside.split()
    if tokens and (tokens[-1] in OPERATORS or tokens[0] in OPERATORS - {"NOT"}):
        raise InputError(
            f"query {text!r}: '{tokens[0] if tokens[0] in OPERATORS else tokens[-1]}' needs words on both sides"
        )
    for a, b in zip(tokens, tokens[1:]):
        if a in OPERATORS and b in OPERATORS and b != "NOT":
            raise InputError(f"query {text!r}: '{a} {b}'")
    for m in _FIELD_PREFIX.finditer(outside):
        if m.group(1) not in QUERY_FIELDS and m.group(1).lower() not in ("số", "so"):
            raise InputError(f"query {text!r}: unknown field '{m.group(1)}:' (fields: {', '.join(QUERY_FIELDS)})")


def _number_spans(text: str) -> list[tuple[int, int, str]]:
    """Document numbers typed outside quotes and field syntax: (start, end, key)."""
    quoted = [m.span() for m in re.finditer(r'"[^"]*"', text)]
    found: list[tuple[int, int, str]] = []
    for regex in (NUMBER_RE, PARTY_RE):
        for m in regex.finditer(text):
            start, end = m.span()
            if any(a <= start < b for a, b in quoted):
                continue
            prefix = re.search(r"(\w+):\s*$", text[:start])
            if prefix and prefix.group(1) in QUERY_FIELDS:  # `number:1366/KH-UBND` is field syntax
                continue
            if any(s < end and start < e for s, e, _ in found):
                continue
            key = number_key(m.group(0))
            if key:
                found.append((start, end, key))
    return sorted(found)


def _number_query(key: str, typed: str) -> Q.Query:
    words = folded_words(typed)
    options: list[Q.Query] = [Q.Term("number", key, boost=NUMBER_BOOST), Q.Term("refs", key, boost=REFS_BOOST)]
    for name in FOLDED_FIELDS:
        options.append(Q.Phrase(name, words) if len(words) > 1 else Q.Term(name, words[0]) if words else Q.NullQuery)
    return Q.Or([o for o in options if o is not Q.NullQuery])


def parse_query(schema, text: str) -> ParsedQuery:
    text = squash_spaces(nfc(text))
    if not text:
        raise InputError('empty query: give words, a "phrase" or a document number')
    check_syntax(text)
    numbers = _number_spans(text)
    number_clauses: list[Clause] = []
    rest, cursor = [], 0
    for start, end, key in numbers:
        before = text[cursor:start]
        rest.append(_NUMBER_PREFIX.sub("", before))  # `số 1366/KH-UBND`: the word `số` is part of the number
        number_clauses.append(Clause("number", folded_words(text[start:end]), key=key))
        cursor = end
    rest.append(text[cursor:])
    remainder = " ".join(squash_spaces(r) for r in rest).strip()
    clauses: list[Clause] | None = number_clauses
    if remainder:
        more = fast_clauses(remainder)
        clauses = None if more is None else number_clauses + more
    number_words = {w for s, e, _ in numbers for w in folded_words(text[s:e])}

    def build() -> Q.Query:
        parts = [_number_query(key, text[s:e]) for s, e, key in numbers]
        if remainder:
            try:
                parsed = _text_query(schema, remainder)
            except Exception as exc:  # Whoosh's parser is lenient; anything it still rejects is the query's fault
                raise InputError(f"query {text!r}: {exc}") from None
            if parsed is not Q.NullQuery:
                parts.append(parsed)
        if not parts:
            raise InputError(f"query {text!r}: nothing to search for")
        return (parts[0] if len(parts) == 1 else Q.And(parts)).normalize()

    if clauses:  # plain words, phrases and numbers: the fast path needs no Whoosh query
        words = {w for c in clauses if c.kind != "number" for w in c.folded}
        return ParsedQuery(build=build, words=words | number_words, numbers=[k for _, _, k in numbers], clauses=clauses)
    q = build()
    return ParsedQuery(
        build=build,
        words=set(highlight_words(q)) | number_words,
        numbers=[key for _, _, key in numbers],
        clauses=None,
        _query=q,
    )


def highlight_words(q: Q.Query):
    """Folded words the query looks for (not those it excludes), to mark in snippets."""
    if isinstance(q, (Q.Not, Q.AndNot)):
        if isinstance(q, Q.AndNot):
            yield from highlight_words(q.a)
        return
    if isinstance(q, Q.Term) and q.fieldname in FOLDED_FIELDS:
        yield q.text
    elif isinstance(q, Q.Phrase) and q.fieldname in FOLDED_FIELDS:
        yield from q.words
    elif isinstance(q, Q.Term) and q.fieldname in ("subject", "issuer"):
        yield from folded_words(q.text)
    elif isinstance(q, Q.Phrase) and q.fieldname == "subject":
        for w in q.words:
            yield from folded_words(w)
    else:
        for child in q.children():
            yield from highlight_words(child)
