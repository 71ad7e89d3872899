"""The fast search path: plain words, "phrases" and document numbers (with the command's filters), evaluated
over whole posting blocks with numpy instead of Whoosh's one-posting-at-a-time matchers.

Whoosh's matchers cost a few Python calls per posting, and Vietnamese syllables are few and common (`thanh`,
`chinh`, `cach` occur in most documents once accents are folded), so an AND of four words walks hundreds of
thousands of postings. Here each word is one term of `words_f` (all the text, folded, counts only); its posting
blocks are decoded whole (C-speed unpickling), matching is a boolean AND over dense arrays, the exact total is a
count, and BM25 over `words_f` ranks every match at once. Then the best candidates (`RERANK`) are read from the
database and re-scored in Python: words typed with accents found with those accents, words in the subject, and
the phrase check (a "phrase" or a number mentioned in the text must appear with its words in order).

Anything else — OR, NOT, parentheses, prefixes, `field:value`, `*` — goes through Whoosh's own search (engine.py).
"""

from __future__ import annotations

import math
import re
from array import array
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Callable

import numpy as np
from whoosh import query as Q

from .analysis import accent_blind_pattern, fold_lower

MATCH_FIELD = "words_f"
K1, B = 1.2, 0.75                 # BM25 (Whoosh's defaults)
NUMBER_BOOST, REFS_BOOST = 40.0, 6.0   # as in query.py: the document that is the number, then those citing it
ACCENT_BOOST = 2.0                # a word found with the accents it was typed with
SUBJECT_BOOST = 2.0               # a word in the subject (folded); ×2 more when its accents match too
RERANK = 50                       # candidates re-scored with the text (accents, subject, phrase check)
CACHE_POSTINGS = 5_000_000        # decoded postings kept per open index (~60 MB)
MAX_COUNTED = 20                  # occurrences of a word counted for the accent bonus (BM25 saturates anyway)
CHECK_ALL = 200                   # phrase candidates checked one by one for an exact total, up to this many …
CHECK_SAMPLE = 100                # … beyond that the total is estimated from rounds of this many, spread evenly,
CHECK_SAMPLE_MAX = 400            # … up to this many, until the relative standard error is
CHECK_PRECISION = 0.05            # … at most this (5 %: about ±10 % for 95 % of queries)
PHRASE_WORDS_READ = 6             # a phrase's candidates: documents with its rarest words (all are checked)
WALK_LIMIT = 3000                 # candidates read at most while looking for verified phrase matches

TextFetcher = Callable[[list[int]], dict[int, str]]  # evidence ids → text (the database is the source of truth)


@dataclass
class Clause:
    """One required part of a query: a word, a phrase, or a document number."""
    kind: str                      # "word" | "phrase" | "number"
    folded: list[str]              # folded tokens
    accented: list[str] = field(default_factory=list)  # lower-case tokens as typed (with their accents)
    key: str | None = None         # number key (kind == "number")

    @property
    def typed(self) -> str:
        """The phrase as typed, lower case, single spaces (a quick exact check before the regex)."""
        return " ".join(self.accented) if self.kind == "phrase" else ""

    def pattern(self) -> re.Pattern | None:
        """Regex over lower-cased text (accents or not) for the words in order; None when there is nothing to
        check (a single word)."""
        if self.kind == "word" or (self.kind == "phrase" and len(self.folded) < 2):
            return None
        return re.compile(r"(?<!\w)" + r"\W+".join(accent_blind_pattern(w) for w in self.folded) + r"(?!\w)")


@dataclass
class FastResult:
    total: int
    ranked: list[tuple[int, float]]   # (evidence id, score)
    estimated: bool = False           # total estimated from a sample (large phrase candidate sets only)
    texts: dict[int, str] = field(default_factory=dict)  # evidence id → text, for the results' snippets


class FastIndex:
    """What the fast path needs from one open Whoosh searcher: live documents, `words_f` lengths, postings."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.segments = [(s.reader(), off) for s, off in searcher.subsearchers] if searcher.subsearchers \
            else [(searcher.reader(), 0)]
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
            lengths[off:off + count] = _field_lengths(reader, MATCH_FIELD, count)
        self.lengths = lengths
        self.avg_length = float(searcher.avg_field_length(MATCH_FIELD) or 1.0)
        self._norm = K1 * ((1 - B) + B * lengths / self.avg_length)
        self.cache: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.cached = 0  # postings held in the cache

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of a term, all segments, deleted documents included. Decoded postings
        are kept (up to CACHE_POSTINGS in all, least recently used dropped first) while this index is open:
        Vietnamese queries reuse a few thousand syllables, the common ones in most documents."""
        key = (fieldname, text)
        found = self.cache.pop(key, None)
        if found is None:
            found = self._decode(fieldname, text)
            self.cached += len(found[0])
            while self.cache and self.cached > CACHE_POSTINGS:
                self.cached -= len(self.cache.pop(next(iter(self.cache)))[0])
        self.cache[key] = found  # (re)inserted last: most recently used
        return found

    def clear_cache(self) -> None:
        self.cache.clear()
        self.cached = 0

    def _decode(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        all_ids: list[np.ndarray] = []
        all_ws: list[np.ndarray] = []
        for reader, off in self.segments:
            if (fieldname, text) not in reader:
                continue
            ids, ws = _read_postings(reader.postings(fieldname, text))
            ids_arr = np.frombuffer(ids, dtype=np.int32).astype(np.int64)
            all_ids.append(ids_arr + off if off else ids_arr)
            all_ws.append(np.frombuffer(ws, dtype=np.float32))
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
        return math.log(self.n / (self.searcher.doc_frequency(fieldname, text) + 1)) + 1

    def word_scores(self, text: str, score: np.ndarray) -> np.ndarray:
        """Add the word's BM25 over `words_f` to `score`; return the mask of documents holding it."""
        ids, tf = self.postings(MATCH_FIELD, text)
        m = np.zeros(self.n, dtype=bool)
        m[ids] = True
        if len(ids):
            score[ids] += self.idf(MATCH_FIELD, text) * tf * (K1 + 1) / (tf + self._norm[ids])
        return m

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
        if isinstance(q, Q.TermRange):
            for fieldname, text in q.expanded_terms(self.searcher.reader()):
                out[self.postings(fieldname, text if isinstance(text, str) else text.decode("utf-8"))[0]] = True
            return out
        for d in self.searcher.docs_for_query(q):  # any other shape: Whoosh's own (slower) way
            out[d] = True
        return out


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
    out[:len(codes)] = table[codes[:count]]
    return out


def _read_postings(m) -> tuple[array, array]:
    """All (ids, weights) of a term's matcher, a whole block at a time when it is Whoosh's on-disk matcher."""
    while not hasattr(m, "_read_data") and hasattr(m, "child"):  # a deletion filter: deletions are masked later
        m = m.child
    ids = array("i")
    ws = array("f")
    if not hasattr(m, "_read_data"):
        while m.is_active():
            ids.append(m.id())
            ws.append(m.weight())
            m.next()
        return ids, ws
    while m.is_active():
        m._read_data()
        block_ids, block_ws = m._data[0], m._data[1]
        ids.extend(accumulate(block_ids))
        if block_ws is None:
            ws.extend([1.0] * len(block_ids))
        elif isinstance(block_ws, (int, float)):
            ws.extend([float(block_ws)] * len(block_ids))
        else:
            ws.extend(block_ws)
        m._next_block()
    return ids, ws


def run_fast(fx: FastIndex, clauses: list[Clause], filter_query: Q.Query | None, limit: int,
             fetch_texts: TextFetcher) -> FastResult | None:
    """Match, count and rank; None when the answer would be unreliable (then the caller uses Whoosh)."""
    score = np.zeros(fx.n, dtype=np.float64)
    base = fx.live.copy()
    pending: list[tuple[Clause, np.ndarray, re.Pattern]] = []  # clauses whose matches still need the text
    for c in clauses:
        words_mask = np.ones(fx.n, dtype=bool)
        words = c.folded
        if c.kind != "word" and len(words) > PHRASE_WORDS_READ:
            # the check on the text looks at every word in order: the rarest few are enough for candidates
            words = sorted(set(words), key=lambda w: fx.searcher.doc_frequency(MATCH_FIELD, w))[:PHRASE_WORDS_READ]
        for w in words:
            words_mask &= fx.word_scores(w, score)
        if c.kind == "number":
            sure = np.zeros(fx.n, dtype=bool)
            for fieldname, boost in (("number", NUMBER_BOOST), ("refs", REFS_BOOST)):
                ids, tf = fx.postings(fieldname, c.key)
                sure[ids] = True
                score[ids] += boost * fx.idf(fieldname, c.key)
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
    allowed = fx.filter_mask(filter_query)
    if allowed is not None:
        base &= allowed
    candidates = np.flatnonzero(base)
    checker = _Checker(fx, fetch_texts, clauses, pending)

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

    # the best candidates by BM25, checked and re-scored with the text
    order = candidates[np.argsort(-score[candidates], kind="stable")]
    wanted = max(limit, RERANK)
    accepted: list[tuple[int, float]] = []
    for start in range(0, min(len(order), WALK_LIMIT), RERANK):
        chunk = [int(d) for d in order[start:start + RERANK]]
        checker.load(chunk)
        for d in chunk:
            if checker.passes(d):
                accepted.append((d, float(score[d]) + checker.bonus(d)))
        if len(accepted) >= wanted:
            break
    accepted.sort(key=lambda x: (-x[1], x[0]))
    ranked = [(checker.evidence_id(d), s) for d, s in accepted[:limit]]
    return FastResult(total=max(total, len(accepted)), ranked=ranked, estimated=estimated,
                      texts={i: checker.texts[i] for i, _ in ranked if i in checker.texts})


class _Checker:
    """Reads candidates' stored fields and text (in batches) to check phrases and add the accent/subject bonus."""

    def __init__(self, fx: FastIndex, fetch_texts: TextFetcher, clauses: list[Clause],
                 pending: list[tuple[Clause, np.ndarray, re.Pattern]]):
        self.fx = fx
        self.fetch_texts = fetch_texts
        self.pending = pending
        self.cache: dict[int, tuple[int, str, str]] = {}  # docnum → (evidence id, head, head + text)
        self.texts: dict[int, str] = {}  # evidence id → text as stored
        self.passed: dict[int, bool] = {}
        self.lowered: dict[int, str] = {}
        words = [(f, a) for c in clauses if c.kind != "number" for f, a in zip(c.folded, c.accented)]
        self.words = words
        self.idf = {f: fx.idf(MATCH_FIELD, f) for f, _ in words}
        # a pattern that starts with the literal word scans fast (C); the left boundary is checked per match
        self.accented_re = {a: re.compile(re.escape(a) + r"(?!\w)") for _, a in words}

    def load(self, docnums: list[int]) -> None:
        missing = [d for d in docnums if d not in self.cache]
        if not missing:
            return
        stored = {d: self.fx.searcher.stored_fields(d) for d in missing}
        ids = {d: int(s["id"]) for d, s in stored.items()}
        texts = self.fetch_texts(list(ids.values()))
        self.texts.update(texts)
        for d in missing:
            head = stored[d].get("head") or ""
            self.cache[d] = (ids[d], head, f"{head}\n{texts.get(ids[d]) or ''}")

    def lower(self, d: int) -> str:
        """The document's head and text, lower-cased (once)."""
        found = self.lowered.get(d)
        if found is None:
            found = self.lowered[d] = self.cache[d][2].lower()
        return found

    def evidence_id(self, d: int) -> int:
        return self.cache[d][0]

    def passes(self, d: int) -> bool:
        if not any(m[d] for _, m, _ in self.pending):
            return True
        known = self.passed.get(d)
        if known is None:
            self.load([d])
            text = self.cache[d][2]
            # as typed first (C substring searches, no lower-casing when it is there as typed); the
            # accent-blind regex on the lower-cased text only when that fails
            known = self.passed[d] = all(not m[d] or (c.typed and (c.typed in text or c.typed in self.lower(d)))
                                         or p.search(self.lower(d)) for c, m, p in self.pending)
        return known

    def bonus(self, d: int) -> float:
        """Words found with the accents typed (in the text or subject) and words of the subject."""
        if not self.words:
            return 0.0
        head, lower = self.cache[d][1], self.lower(d)
        counts = {a: _count_word(lower, p) if a in lower else 0 for a, p in self.accented_re.items()}
        subject = head.split("\n", 1)[0].lower()
        subject_words = set(re.findall(r"\w+(?:\.\w+)*", subject))
        subject_folded = {fold_lower(w) for w in subject_words}
        norm = K1 * ((1 - B) + B * self.fx.lengths[d] / self.fx.avg_length)
        out = 0.0
        for f, a in self.words:
            tf = counts.get(a, 0)
            if tf:
                out += ACCENT_BOOST * self.idf[f] * tf * (K1 + 1) / (tf + norm)
            if f in subject_folded:
                out += SUBJECT_BOOST * self.idf[f] * (2.0 if a in subject_words else 1.0)
        return out


def _count_word(lower: str, pattern: re.Pattern) -> int:
    """Occurrences of a whole word (up to MAX_COUNTED)."""
    n = 0
    for m in pattern.finditer(lower):
        start = m.start()
        if start == 0 or not (lower[start - 1].isalnum() or lower[start - 1] == "_"):
            n += 1
            if n == MAX_COUNTED:
                break
    return n
