"""The fast search path: plain words, "phrases" and document numbers (with the command's filters), evaluated
over whole posting lists with numpy instead of Whoosh's one-posting-at-a-time matchers.

Whoosh's matchers cost a few Python calls per posting, and Vietnamese syllables are few and common (`thanh`,
`chinh`, `cach` occur in most documents once accents are folded), so an AND of four words walks hundreds of
thousands of postings. Here each word is one term of `words_f` (all the text, folded, counts only), read as flat
arrays from the segment's postings file (postings.py); matching is a boolean AND over dense arrays, the exact
total is a count, and the score of every match is computed at once: BM25 over `words_f`, plus the words found
with the accents they were typed with (`words_a`) and the words of the subject (`subject_f`, `subject`). Only
phrases (and numbers mentioned in the text) need the text: a candidate is a match when the words appear in order.

Anything else — OR, NOT, parentheses, prefixes, `field:value`, `*` — goes through Whoosh's own search (engine.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

from whoosh import query as Q

from . import postings as fastfiles
from .analysis import fold_in_place
from .lazy_numpy import np

MATCH_FIELD = "words_f"
ACCENT_FIELD = "words_a"
K1, B = 1.2, 0.75  # BM25 (Whoosh's defaults)
NUMBER_BOOST, REFS_BOOST = 40.0, 6.0  # as in query.py: the document that is the number, then those citing it
ACCENT_BOOST = 2.0  # a word found with the accents it was typed with
SUBJECT_BOOST = 2.0  # a word in the subject (folded); ×2 more when its accents match too
CACHE_POSTINGS = 5_000_000  # postings kept per open index (~40 MB)
CHECK_ALL = 100  # phrase candidates checked one by one for an exact total, up to this many …
CHECK_SAMPLE = 50  # … beyond that the total is estimated from rounds of this many, spread evenly,
CHECK_SAMPLE_MAX = 200  # … up to this many, until the relative standard error is
CHECK_PRECISION = 0.07  # … at most this (7 %: about ±14 % for 95 % of queries)
CHECK_BATCH = 50  # best candidates read at a time while looking for verified phrase matches
PHRASE_WORDS_READ = 6  # a phrase's candidates: documents with its rarest words (all are checked)
WALK_LIMIT = 3000  # candidates read at most while looking for verified phrase matches

TextFetcher = Callable[[list[int]], dict[int, str]]  # evidence ids → text (the database is the source of truth)


@dataclass
class Clause:
    """One required part of a query: a word, a phrase, or a document number."""

    kind: str  # "word" | "phrase" | "number"
    folded: list[str]  # folded tokens
    accented: list[str] = field(default_factory=list)  # lower-case tokens as typed (with their accents)
    key: str | None = None  # number key (kind == "number")

    @property
    def typed(self) -> str:
        """The phrase as typed, lower case, single spaces (a quick exact check before the regex)."""
        return " ".join(self.accented) if self.kind == "phrase" else ""

    def pattern(self) -> re.Pattern | None:
        """Regex over folded text (fold_in_place) for the words in order, any punctuation or spacing between
        them; None when there is nothing to check (a single word). It starts with a literal, which the regex
        engine scans for at C speed; the word boundary before it is checked per match (`_find_word`)."""
        if self.kind == "word" or (self.kind == "phrase" and len(self.folded) < 2):
            return None
        return re.compile(r"\W+".join(re.escape(w) for w in self.folded) + r"(?!\w)")


@dataclass
class FastResult:
    total: int
    ranked: list[tuple[int, float]]  # (evidence id, score)
    estimated: bool = False  # total estimated from a sample (large phrase candidate sets only)
    texts: dict[int, str] = field(default_factory=dict)  # evidence id → text, for the results' snippets


class FastIndex:
    """What the fast path needs from one open Whoosh searcher: live documents, `words_f` lengths, postings."""

    def __init__(self, searcher, index_dir: Path | None = None):
        self.searcher = searcher
        self.segments = (
            [(s.reader(), off) for s, off in searcher.subsearchers]
            if searcher.subsearchers
            else [(searcher.reader(), 0)]
        )
        # each segment's postings file (None: decoded from Whoosh's blocks, the slow way)
        self.files = [
            fastfiles.load(index_dir, reader) if index_dir is not None else None for reader, _ in self.segments
        ]
        self.n = searcher.doc_count_all()
        self.live = np.ones(self.n, dtype=bool)
        lengths = np.zeros(self.n, dtype=np.float32)
        for reader, off in self.segments:
            count = reader.doc_count_all()
            if reader.has_deletions():
                deleted = getattr(reader, "deleted_docs_set", None)
                deleted = deleted() if callable(deleted) else deleted
                if deleted is None:
                    deleted = [i for i in range(count) if reader.is_deleted(i)]
                for d in deleted:
                    self.live[off + d] = False
            lengths[off : off + count] = _field_lengths(reader, MATCH_FIELD, count)
        self.lengths = lengths
        self.avg_length = float(searcher.avg_field_length(MATCH_FIELD) or 1.0)
        self._norm = K1 * ((1 - B) + B * lengths / self.avg_length)
        self.cache: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.cached = 0  # postings held in the cache

    def close(self) -> None:
        self.clear_cache()
        for f in self.files:
            if f is not None:
                f.close()
        self.files = [None] * len(self.files)

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of a term, all segments, deleted documents included. They are kept
        (up to CACHE_POSTINGS in all, least recently used dropped first) while this index is open: Vietnamese
        queries reuse a few thousand syllables, the common ones in most documents."""
        key = (fieldname, text)
        found = self.cache.pop(key, None)
        if found is None:
            found = self._read(fieldname, text)
            self.cached += len(found[0])
            while self.cache and self.cached > CACHE_POSTINGS:
                self.cached -= len(self.cache.pop(next(iter(self.cache)))[0])
        self.cache[key] = found  # (re)inserted last: most recently used
        return found

    def clear_cache(self) -> None:
        self.cache.clear()
        self.cached = 0

    def _read(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        all_ids: list[np.ndarray] = []
        all_ws: list[np.ndarray] = []
        for (reader, off), file in zip(self.segments, self.files):
            found = file.postings(fieldname, text) if file is not None else None
            if found is None:
                if (fieldname, text) not in reader:
                    continue
                ids, ws = fastfiles.decode_term(reader, fieldname, text)
                found = np.frombuffer(ids, dtype=np.int32), np.frombuffer(ws, dtype=np.float32)
            if len(found[0]):
                all_ids.append(found[0].astype(np.int64) + off)
                all_ws.append(found[1])
        if not all_ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if len(all_ids) == 1:
            return all_ids[0], all_ws[0]
        return np.concatenate(all_ids), np.concatenate(all_ws)

    def mask(self, fieldname: str, text: str) -> np.ndarray:
        m = np.zeros(self.n, dtype=bool)
        m[self.postings(fieldname, text)[0]] = True
        return m

    def idf(self, fieldname: str, text: str) -> float:
        """Whoosh's idf: the document frequency counts deleted documents too, as the postings do."""
        return math.log(self.n / (len(self.postings(fieldname, text)[0]) + 1)) + 1

    def bm25(self, fieldname: str, text: str, score: np.ndarray, idf: float, boost: float = 1.0) -> np.ndarray:
        """Add `boost` × the term's BM25 (on `words_f` lengths) to `score`; return the documents holding it."""
        ids, tf = self.postings(fieldname, text)
        if len(ids):
            score[ids] += boost * idf * tf * (K1 + 1) / (tf + self._norm[ids])
        return ids

    def add(self, fieldname: str, text: str, score: np.ndarray, value: float) -> None:
        """Add `value` to the score of every document holding the term."""
        score[self.postings(fieldname, text)[0]] += value

    def filter_mask(self, q: Q.Query | None) -> np.ndarray | None:
        """The documents a filter query (Filters.query(): terms, a date range, their AND) lets through."""
        if q is None:
            return None
        if isinstance(q, Q.And):
            out = np.ones(self.n, dtype=bool)
            for sub in q.subqueries:
                out &= self.filter_mask(sub)
            return out
        if isinstance(q, Q.Term):
            return self.mask(q.fieldname, q.text)
        out = np.zeros(self.n, dtype=bool)
        if isinstance(q, Q.TermRange) and not q.startexcl and not q.endexcl:
            for (reader, off), file in zip(self.segments, self.files):
                ids = file.range_ids(q.fieldname, q.start, q.end) if file is not None else None
                if ids is None:
                    for fieldname, raw in q.expanded_terms(reader):
                        term = raw if isinstance(raw, str) else raw.decode("utf-8")
                        decoded, _ = fastfiles.decode_term(reader, fieldname, term)
                        out[np.frombuffer(decoded, dtype=np.int32).astype(np.int64) + off] = True
                else:
                    out[ids.astype(np.int64) + off] = True
            return out
        for d in self.searcher.docs_for_query(q):  # any other shape: Whoosh's own (slower) way
            out[d] = True
        return out

    def evidence_id(self, docnum: int) -> int:
        return int(self.searcher.stored_fields(docnum)["id"])


def _field_lengths(reader, fieldname: str, count: int) -> np.ndarray:
    """Every document's length of a field (Whoosh keeps it as one byte per document)."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
    from whoosh.util.numeric import byte_to_length

    table = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
    try:
        col = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        raw = col._dbfile.get(col._basepos, col._count) if col is not None else b""
        codes = np.frombuffer(raw, dtype=np.uint8)
    except AttributeError:  # another codec: the slow, public way
        return np.array([reader.doc_field_length(d, fieldname) or 0 for d in range(count)], dtype=np.float32)
    out = np.zeros(count, dtype=np.float32)
    out[: len(codes)] = table[codes[:count]]
    return out


def run_fast(
    fx: FastIndex, clauses: list[Clause], filter_query: Q.Query | None, limit: int, fetch_texts: TextFetcher
) -> FastResult | None:
    """Match, count and rank; None when the answer would be unreliable (then the caller uses Whoosh)."""
    score = np.zeros(fx.n, dtype=np.float64)
    base = fx.live.copy()
    pending: list[tuple[Clause, np.ndarray, re.Pattern]] = []  # clauses whose matches still need the text
    for c in clauses:
        words_mask = np.ones(fx.n, dtype=bool)
        words = c.folded
        if c.kind != "word" and len(words) > PHRASE_WORDS_READ:
            # the check on the text looks at every word in order: the rarest few are enough for candidates
            words = sorted(set(words), key=lambda w: len(fx.postings(MATCH_FIELD, w)[0]))[:PHRASE_WORDS_READ]
        for w in words:
            holding = np.zeros(fx.n, dtype=bool)
            holding[fx.bm25(MATCH_FIELD, w, score, fx.idf(MATCH_FIELD, w))] = True
            words_mask &= holding
        if c.kind == "number":
            sure = np.zeros(fx.n, dtype=bool)
            key = c.key or ""
            for fieldname, boost in (("number", NUMBER_BOOST), ("refs", REFS_BOOST)):
                ids, tf = fx.postings(fieldname, key)
                sure[ids] = True
                score[ids] += boost * fx.idf(fieldname, key)
            maybe = words_mask & ~sure if c.folded else np.zeros(fx.n, dtype=bool)
            base &= sure | maybe
            pattern = c.pattern()
            if pattern is not None:
                pending.append((c, maybe, pattern))
        else:
            base &= words_mask
            pattern = c.pattern()
            if pattern is not None:
                pending.append((c, words_mask, pattern))
            _add_accents_and_subject(fx, c, score)
    allowed = fx.filter_mask(filter_query)
    if allowed is not None:
        base &= allowed
    candidates = np.flatnonzero(base)
    checker = _PhraseChecker(fx, fetch_texts, pending)

    # the total: exact, or from a sample when very many candidates need their text checked
    total, estimated = len(candidates), False
    if pending:
        need = candidates[np.any([m[candidates] for _, m, _ in pending], axis=0)]
        if len(need) <= CHECK_ALL:
            checker.load([int(d) for d in need])
            total -= int(sum(not checker.passes(int(d)) for d in need))
        else:
            # rounds of evenly spread candidates until the estimate's relative standard error is small enough
            spread = need[np.linspace(0, len(need) - 1, CHECK_SAMPLE_MAX).astype(np.int64)]
            rounds = CHECK_SAMPLE_MAX // CHECK_SAMPLE
            checked = passed = 0
            for r in range(rounds):
                batch = [int(d) for d in spread[r::rounds]]
                checker.load(batch)
                passed += sum(checker.passes(d) for d in batch)
                checked += len(batch)
                rate = passed / checked
                if rate and math.sqrt((1 - rate) / (rate * checked)) <= CHECK_PRECISION:
                    break
            if passed < checked // 10:
                return None  # a rare phrase of common words: let Whoosh find its few documents exactly
            total = len(candidates) - len(need) + round(len(need) * passed / checked)
            estimated = True

    # the best candidates, in order; those that need it checked with their text
    order = _best(candidates, score, min(len(candidates), limit if not pending else WALK_LIMIT))
    accepted: list[int] = []
    step = CHECK_BATCH if pending else max(len(order), 1)
    for start in range(0, len(order), step):
        chunk = [int(d) for d in order[start : start + step]]
        checker.load([d for d in chunk if checker.needs_text(d)])
        accepted.extend(d for d in chunk if checker.passes(d))
        if len(accepted) >= limit:
            break
    ranked = [(checker.evidence_id(d), float(score[d])) for d in accepted[:limit]]
    return FastResult(
        total=max(total, len(accepted)),
        ranked=ranked,
        estimated=estimated,
        texts={i: checker.texts[i] for i, _ in ranked if i in checker.texts},
    )


def _best(candidates: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """The `k` best-scored candidates, best first; ties in document order (candidates come sorted)."""
    if k <= 0:
        return candidates[:0]
    values = -score[candidates]
    if k < len(candidates):
        keep = np.argpartition(values, k - 1)[:k]
        keep.sort()  # back to document order, so the stable sort below breaks ties by document number
        candidates, values = candidates[keep], values[keep]
    return candidates[np.argsort(values, kind="stable")]


def _add_accents_and_subject(fx: FastIndex, c: Clause, score: np.ndarray) -> None:
    """A word typed with its accents and found with them counts more (`tài liệu` ranks documents that say
    `tài liệu` above those that say `tái lập` or `tải liệu`); so does a word of the subject, more again when
    its accents match there too."""
    for f, a in zip(c.folded, c.accented):
        idf = fx.idf(MATCH_FIELD, f)
        fx.bm25(ACCENT_FIELD, a, score, idf, ACCENT_BOOST)
        fx.add("subject_f", f, score, SUBJECT_BOOST * idf)
        fx.add("subject", a, score, SUBJECT_BOOST * idf)


class _PhraseChecker:
    """Reads candidates' stored head and text (in batches) to check that phrases appear with their words in
    order; remembers the evidence ids of the documents it saw."""

    def __init__(self, fx: FastIndex, fetch_texts: TextFetcher, pending: list[tuple[Clause, np.ndarray, re.Pattern]]):
        self.fx = fx
        self.fetch_texts = fetch_texts
        self.pending = pending
        self.ids: dict[int, int] = {}  # docnum → evidence id
        self.full: dict[int, str] = {}  # docnum → head + text
        self.texts: dict[int, str] = {}  # evidence id → text as stored
        self.passed: dict[int, bool] = {}

    def needs_text(self, d: int) -> bool:
        return any(m[d] for _, m, _ in self.pending)

    def load(self, docnums: list[int]) -> None:
        missing = [d for d in docnums if d not in self.full]
        if not missing:
            return
        stored = {d: self.fx.searcher.stored_fields(d) for d in missing}
        ids = {d: int(s["id"]) for d, s in stored.items()}
        self.ids.update(ids)
        texts = self.fetch_texts(list(ids.values()))
        self.texts.update(texts)
        for d in missing:
            self.full[d] = f"{stored[d].get('head') or ''}\n{texts.get(ids[d]) or ''}"

    def evidence_id(self, d: int) -> int:
        found = self.ids.get(d)
        return found if found is not None else self.fx.evidence_id(d)

    def passes(self, d: int) -> bool:
        if not self.needs_text(d):
            return True
        known = self.passed.get(d)
        if known is None:
            self.load([d])
            text = self.full[d]
            folded = None
            known = True
            for c, m, p in self.pending:
                if not m[d] or (c.typed and _find_typed(c.typed, text)):  # as typed: substring search
                    continue
                if folded is None:
                    folded = fold_in_place(text)
                if not _find_word(p, folded):
                    known = False
                    break
            self.passed[d] = known
        return known


def _find_typed(phrase: str, text: str) -> bool:
    """Whether `phrase` occurs in `text` as whole words (`ai cách` is not in `cải cách`, nor `chi so` in
    `nghi sot`)."""
    start = text.find(phrase)
    while start != -1:
        end = start + len(phrase)
        if (start == 0 or not _word_char(text[start - 1])) and (end == len(text) or not _word_char(text[end])):
            return True
        start = text.find(phrase, start + 1)
    return False


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _find_word(pattern: re.Pattern, text: str) -> bool:
    """Whether `pattern` matches `text` starting at a word boundary."""
    for m in pattern.finditer(text):
        start = m.start()
        if start == 0 or not _word_char(text[start - 1]):
            return True
    return False
