"""Searching the PostgreSQL index (pg.py): the query a reviewer types, parsed as the embedded engine parses it
(query.py), becomes one SQL statement over `search_documents` that matches, counts and ranks.

- Plain words, "phrases" and document numbers (query.py's fast-path clauses): every word must be in `terms_f`
  (the folded words of subject, issuer, file name and text, and every pair of consecutive words); a phrase is
  the AND of its pairs (`'chi so' & 'so cai' & …`), which the GIN index answers alone; a number is the document
  that has it (`number_key`), those citing it (`refs`) or those whose text has its words in a row. Phrases of
  three words or more are checked on the text of the results shown (pairs can match apart).
- Anything else (OR, NOT, parentheses, `quyết*`, `field:value`, `*`) goes through Whoosh's parser, as before, and
  its query tree is translated: terms, phrases and prefixes of the text become one `tsquery`, the other fields
  their columns.

The score follows the embedded engine's order of things, with PostgreSQL's `ts_rank` where it has BM25: the
document that *is* the number first, then those citing it, then the text's relevance (`ts_rank` on the folded
words, length-normalised) plus the words found with the accents they were typed with and the words of the
subject (folded, and again with accents). See docs/search.md, "PostgreSQL".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from whoosh import query as Q

from ..errors import InputError
from ..store import Store
from .fast import Clause, _find_typed, _find_word
from .analysis import fold_in_place
from .pg import TABLE
from .query import Filters, parse_query
from .schema import link_key, make_schema
from .snippet import MAX_SCANNED

NUMBER_BONUS = 20.0  # the document that is the number (ts_rank values stay below ~1 per part) …
REFS_BONUS = 5.0  # … then those citing it in their metadata, then the text
ACCENT_WEIGHT = 1.0  # ts_rank of the words as typed (accents kept) in the whole record
SUBJECT_WEIGHT = 1.0  # ts_rank of the words in the subject, folded; and again with their accents
SEARCH_WORK_MEM = "64MB"  # per search statement, while it runs (see _reading)
CHECK_MARGIN = 10  # rows read beyond the page when the results' phrases are checked on their text

_TEXT_COLUMNS = {"body_f": "terms_f", "subject_f": "subject_f", "subject": "subject_a", "issuer": "issuer_f"}
_TEXT_COLUMNS["filename"] = "filename_f"
_SUBSUMED = {"subject_f", "issuer", "filename"}  # fields whose words are all in terms_f (= body_f here)
_ARRAY_COLUMNS = {"campaign": "campaigns", "unit": "units", "criterion": "criteria", "link": "links", "refs": "refs"}
_SCALAR_COLUMNS = {"number": "number_key", "type": "type_code", "issued": "issued"}


@lru_cache(maxsize=1)
def _schema():
    return make_schema()  # only for the parser: which analyzer folds which field


@dataclass
class PgResult:
    total: int
    ranked: list[tuple[int, float]]
    words: set[str]
    estimated: bool = False
    texts: dict[int, str] = field(default_factory=dict)


@dataclass
class _Sql:
    """A boolean SQL expression and its parameters (qmark)."""

    sql: str
    params: list[Any] = field(default_factory=list)


def lexeme(word: str, prefix: bool = False) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if prefix else "")


def chain(words: list[str]) -> str:
    """Words in this order, over `terms_f`: the AND of their consecutive pairs (pg.terms_vector)."""
    if len(words) == 1:
        return lexeme(words[0])
    return "(" + " & ".join(lexeme(f"{a} {b}") for a, b in zip(words, words[1:])) + ")"


def adjacent(words: list[str]) -> str:
    """Words in this order, over a vector with positions (the short fields)."""
    return "(" + " <-> ".join(lexeme(w) for w in words) + ")" if len(words) > 1 else lexeme(words[0])


def any_of(words) -> str:
    return " | ".join(lexeme(w) for w in sorted(set(words)))


def filter_sql(filters: Filters) -> _Sql:
    parts, params = [], []
    if filters.campaign or filters.unit or filters.criterion:
        parts.append("d.links @> ARRAY[?]::text[]")
        params.append(link_key(filters.campaign, filters.unit, filters.criterion))
    if filters.type_code:
        parts.append("d.type_code = ?")
        params.append(filters.type_code)
    if filters.date_from:
        parts.append("d.issued >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        parts.append("d.issued <= ?")
        params.append(filters.date_to)
    return _Sql(" AND ".join(parts) or "TRUE", params)


def run_search(store: Store, text: str, filters: Filters, limit: int) -> PgResult:
    parsed = parse_query(_schema(), text)
    with _reading(store):
        if parsed.clauses:
            return _run_clauses(store, parsed.clauses, filters, limit, parsed.words)
        try:
            where = _translate(parsed.query)
        except _Unsupported as exc:
            raise InputError(f"query {text!r}: {exc}") from None
        return _run(store, where, filters, limit, parsed.words, parsed.numbers, [], [])


@contextmanager
def _reading(store: Store) -> Iterator[None]:
    """A read-only transaction of its own (store.transaction() would queue behind the writers' lock) with settings
    for its statements: the GIN index answers the words without reading the rows' vectors, but the planner, seeing
    most records match a common syllable, would scan the table and read every `terms_f` (~10 µs a row); compiling
    (JIT) costs more than these statements take; and the bitmap of the matches needs room."""
    if store.db.in_transaction:  # inside a caller's transaction: its settings stay as they are
        yield
        return
    store.db.execute("BEGIN READ ONLY")
    try:
        store.db.execute("SET LOCAL enable_seqscan = off")
        store.db.execute("SET LOCAL jit = off")
        # a bitmap of the matches that does not fit work_mem turns lossy, and PostgreSQL then checks every row of
        # the lossy pages against its terms_f (~10 KB read each): 200k matches need ~12 MB, the default is 4 MB
        store.db.execute(f"SET LOCAL work_mem = '{SEARCH_WORK_MEM}'")
        yield
    except BaseException:
        store.db.execute("ROLLBACK")
        raise
    store.db.execute("COMMIT")


# --- plain words, phrases, numbers -------------------------------------------------------------------------------


def _run_clauses(store: Store, clauses: list[Clause], filters: Filters, limit: int, words: set[str]) -> PgResult:
    required: list[str] = []  # words, and phrases as chains of pairs: one tsquery over terms_f
    conds: list[_Sql] = []
    numbers: list[str] = []
    for c in clauses:
        if c.kind == "number":
            numbers.append(c.key or "")
            mention = "FALSE"
            params: list[Any] = [c.key, c.key]
            if c.folded:
                mention = "d.terms_f @@ ?::tsquery"
                params.append(chain(c.folded))
            conds.append(_Sql(f"(d.number_key = ? OR d.refs @> ARRAY[?]::text[] OR {mention})", params))
        elif c.kind == "phrase":
            required.append(chain(c.folded))
        else:
            required.extend(lexeme(w) for w in c.folded)
    if required:
        conds.insert(0, _Sql("d.terms_f @@ ?::tsquery", [" & ".join(required)]))
    where = _Sql(" AND ".join(c.sql for c in conds), [p for c in conds for p in c.params])
    typed = [a for c in clauses if c.kind != "number" for a in c.accented]
    # a chain of pairs can match words that are not in a row (`a b` here, `b c` there): phrases of three words
    # or more are checked on the text of the results shown
    checked = [c for c in clauses if len(c.folded) > 2 and c.kind != "word"]
    return _run(store, where, filters, limit, words, numbers, typed, checked)


# --- the statement ---------------------------------------------------------------------------------------------


def _score(words: set[str], numbers: list[str], typed: list[str]) -> _Sql:
    parts, params = ["0"], []
    folded = sorted(w for w in words if w)
    if folded:
        parts.append("d.norm * ts_rank(d.rank_f, ?::tsquery)")
        parts.append(f"{SUBJECT_WEIGHT} * ts_rank(d.subject_f, ?::tsquery)")
        params += [any_of(folded), any_of(folded)]
    if typed:
        parts.append(f"{ACCENT_WEIGHT} * ts_rank(d.words_a, ?::tsquery)")
        parts.append(f"{SUBJECT_WEIGHT} * ts_rank(d.subject_a, ?::tsquery)")
        params += [any_of(typed), any_of(typed)]
    for key in numbers:
        parts.append(f"CASE WHEN d.number_key = ? THEN {NUMBER_BONUS} ELSE 0 END")
        parts.append(f"CASE WHEN d.refs @> ARRAY[?]::text[] THEN {REFS_BONUS} ELSE 0 END")
        params += [key, key]
    return _Sql(" + ".join(parts), params)


def _run(
    store: Store,
    where: _Sql,
    filters: Filters,
    limit: int,
    words: set[str],
    numbers: list[str],
    typed: list[str],
    checked: list[Clause],
) -> PgResult:
    flt = filter_sql(filters)
    score = _score(words, numbers, typed)
    condition = f"({where.sql}) AND {flt.sql}"
    cond_params = where.params + flt.params
    # one pass over the matches: the subquery scores each (OFFSET 0 keeps it a subquery, so the count over the
    # window carries only (id, score) along, not the rows' vectors); the best `page` come out sorted
    extra = "d.number_key, d.refs" if checked else "NULL, NULL"
    statement = (
        f"SELECT s.*, count(*) OVER () AS total FROM (SELECT d.evidence_id, {score.sql} AS score, {extra}"
        f" FROM {TABLE} d WHERE {condition} OFFSET 0) s ORDER BY s.score DESC, s.evidence_id LIMIT ? OFFSET ?"
    )
    ranked: list[tuple[int, float]] = []
    texts: dict[int, str] = {}
    total = failed = offset = 0
    page = limit if not checked else limit + CHECK_MARGIN
    while len(ranked) < limit:
        rows = store.db.execute(statement, [*score.params, *cond_params, page, offset]).fetchall()
        if not rows:
            break
        total = int(rows[0][4])
        found = _texts(store, [int(r[0]) for r in rows]) if checked else {}
        for r in rows:
            evidence_id = int(r[0])
            if checked:
                head, text = found.get(evidence_id, (None, None))
                if text is None or not _passes(f"{head or ''}\n{text}", checked, r[2], r[3] or []):
                    failed += 1
                    continue
                texts[evidence_id] = text  # the snippet is made from it (engine._describe)
            ranked.append((evidence_id, float(r[1])))
        if len(rows) < page:
            break
        offset += len(rows)
    return PgResult(
        total=max(total - failed, len(ranked)), ranked=ranked[:limit], words=words, estimated=failed > 0, texts=texts
    )


def _texts(store: Store, ids: list[int]) -> dict[int, tuple[str, str]]:
    """(head, text) of each record: a phrase is checked against its subject, issuer, file name and text."""
    out: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for r in store.db.execute(
            f"SELECT d.evidence_id, d.head, substr(e.text, 1, {MAX_SCANNED}) FROM {TABLE} d"
            f" JOIN evidence e ON e.id = d.evidence_id WHERE d.evidence_id IN ({marks})",
            chunk,
        ):
            out[int(r[0])] = (r[1] or "", r[2] or "")
    return out


def _passes(text: str, clauses: list[Clause], number: str | None, refs: list[str]) -> bool:
    """Whether every checked phrase is in the record's text with its words in order (a number is also found
    by being the record's number or one it cites)."""
    if len(text) >= MAX_SCANNED:  # only the beginning was read: what it does not show cannot be ruled out
        return True
    folded = None
    for c in clauses:
        if c.kind == "number" and (c.key == number or c.key in refs):
            continue
        if c.typed and _find_typed(c.typed, text):
            continue
        pattern = c.pattern()
        if pattern is None:
            continue
        if folded is None:
            folded = fold_in_place(text)
        if not _find_word(pattern, folded):
            return False
    return True


# --- Whoosh's query tree → SQL -----------------------------------------------------------------------------------


@dataclass
class _Ts:
    """A tsquery over terms_f (words, and phrases as chains of pairs)."""

    q: str


def _translate(node: Q.Query) -> _Sql:
    expr = _node(node)
    return _as_sql(expr)


def _as_sql(expr: _Ts | _Sql) -> _Sql:
    if isinstance(expr, _Ts):
        return _Sql("d.terms_f @@ ?::tsquery", [expr.q])
    return expr


class _Unsupported(Exception):
    """A part of the query no tsquery expresses (run_search names the query in the one-line error)."""


def _unsupported(node: Q.Query) -> _Unsupported:
    if isinstance(node, Q.FuzzyTerm):
        what = "fuzzy words (word~)"
    elif isinstance(node, Q.Wildcard):
        what = "wildcards inside a word (? or * before the end)"
    elif isinstance(node, Q.Phrase):
        what = 'phrases with a slop ("…"~N)'
    else:
        what = f"the query part {node}"
    return _Unsupported(f'{what}: not supported by the PostgreSQL search (use words, "phrases", OR, NOT, word*)')


def _text_tsquery(node: Q.Query) -> str | None:
    """The tsquery of a term, phrase or prefix of a text field (None for other nodes)."""
    if isinstance(node, (Q.FuzzyTerm, Q.Wildcard)) and not isinstance(node, Q.Prefix):
        raise _unsupported(node)
    if isinstance(node, Q.Prefix):
        return lexeme(node.text, prefix=True)
    if isinstance(node, Q.Term):
        return lexeme(node.text)
    if isinstance(node, Q.Phrase):
        if getattr(node, "slop", 1) not in (None, 1):
            raise _unsupported(node)
        words = list(node.words)
        return (chain(words) if node.fieldname == "body_f" else adjacent(words)) if words else None
    return None


def _node(node: Q.Query) -> _Ts | _Sql:
    if node is Q.NullQuery or isinstance(node, Q.NullQuery.__class__):
        return _Sql("FALSE")
    if isinstance(node, Q.Every):
        return _Sql("TRUE")
    if isinstance(node, Q.AndMaybe):  # the second part only adds to the score
        return _node(node.a)
    if isinstance(node, Q.AndNot):
        return _combine("AND", [_node(node.a), _negate(_node(node.b))])
    if isinstance(node, Q.Not):
        return _negate(_node(node.query))
    if isinstance(node, Q.And):
        return _combine("AND", [_node(n) for n in node.subqueries])
    if isinstance(node, Q.Or):
        return _combine("OR", [_node(n) for n in _drop_subsumed(node.subqueries)])
    fieldname = getattr(node, "fieldname", None)
    if isinstance(node, Q.TermRange) and fieldname in _SCALAR_COLUMNS:  # issued:[2025-01-01 TO 2025-06-30]
        column, parts, params = f"d.{_SCALAR_COLUMNS[fieldname]}", [], []
        if node.start:
            parts.append(f"{column} >" + ("" if node.startexcl else "=") + " ?")
            params.append(node.start)
        if node.end:
            parts.append(f"{column} <" + ("" if node.endexcl else "=") + " ?")
            params.append(node.end)
        return _Sql(" AND ".join(parts) or f"{column} IS NOT NULL", params)
    if isinstance(node, Q.Prefix) and (fieldname in _SCALAR_COLUMNS or fieldname in _ARRAY_COLUMNS):  # unit:S*
        pattern = node.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if fieldname in _SCALAR_COLUMNS:
            return _Sql(f"d.{_SCALAR_COLUMNS[fieldname]} LIKE ?", [pattern])
        return _Sql(f"EXISTS (SELECT 1 FROM unnest(d.{_ARRAY_COLUMNS[fieldname]}) AS v WHERE v LIKE ?)", [pattern])
    if fieldname in _TEXT_COLUMNS:
        q = _text_tsquery(node)
        if q is None:
            raise _unsupported(node)
        column = _TEXT_COLUMNS[fieldname]
        return _Ts(q) if column == "terms_f" else _Sql(f"d.{column} @@ ?::tsquery", [q])
    if isinstance(node, Q.Term) and not isinstance(node, (Q.FuzzyTerm, Q.Prefix, Q.Wildcard)):
        if fieldname in _ARRAY_COLUMNS:
            return _Sql(f"d.{_ARRAY_COLUMNS[fieldname]} @> ARRAY[?]::text[]", [node.text])
        if fieldname in _SCALAR_COLUMNS:
            return _Sql(f"d.{_SCALAR_COLUMNS[fieldname]} = ?", [node.text])
    raise _unsupported(node)


def _drop_subsumed(nodes) -> list:
    """In an OR over the text fields, a word or phrase of the subject, issuer or file name is also in terms_f
    (body_f here): keep only the terms_f one, so the OR stays one tsquery the GIN index answers."""
    on_body = {_key(n) for n in nodes if getattr(n, "fieldname", None) == "body_f"}
    return [n for n in nodes if not (getattr(n, "fieldname", None) in _SUBSUMED and _key(n) in on_body)]


def _key(node: Q.Query) -> tuple:
    if isinstance(node, Q.Phrase):
        return ("phrase", tuple(node.words))
    return (type(node).__name__, getattr(node, "text", None))


def _negate(expr: _Ts | _Sql) -> _Ts | _Sql:
    if isinstance(expr, _Ts):
        return _Ts(f"!({expr.q})")
    return _Sql(f"NOT ({expr.sql})", expr.params)


def _combine(op: str, exprs: list[_Ts | _Sql]) -> _Ts | _Sql:
    """AND/OR of parts: the text parts become one tsquery (one GIN lookup), the others SQL beside it."""
    if not exprs:
        return _Sql("TRUE" if op == "AND" else "FALSE")
    ts = [e.q for e in exprs if isinstance(e, _Ts)]
    rest = [e for e in exprs if isinstance(e, _Sql)]
    parts: list[_Ts | _Sql] = list(rest)
    if ts:
        joiner = " & " if op == "AND" else " | "
        parts.insert(0, _Ts(ts[0] if len(ts) == 1 else joiner.join(f"({q})" for q in ts)))
    if len(parts) == 1:
        return parts[0]
    sqls = [_as_sql(e) for e in parts]
    return _Sql("(" + f" {op} ".join(f"({s.sql})" for s in sqls) + ")", [p for s in sqls for p in s.params])
