"""The search index in PostgreSQL (server mode): one row per evidence record in `search_documents`, beside the
evidence table in the same database, with `tsvector` columns and GIN indexes. No Whoosh directory is used.

The words are cut and folded here, in Python, by the analyzer the embedded engine uses (analysis.py: NFC, lower
case, `\\w+(\\.\\w+)*` so `1.1` stays one word, accents removed and `đ` → `d`), and handed to PostgreSQL as
ready-made `tsvector` values: one folding and one tokenisation for both engines. PostgreSQL's own parser would cut
`1366/KH-UBND` into a file path and hyphenated words, and its `unaccent` (checked on the 134 accented letters of
Vietnamese: it folds them all, đ/Đ included — tests/test_search_pg.py) would be a second folding to keep in step.

The table belongs to this package: `ensure_index` creates it (idempotent) and rebuilds it when its layout
version differs. Writes run in one transaction each, under a transaction-level advisory lock (one index writer at
a time, as the embedded index has; held for milliseconds), and read the evidence rows inside it, so the last
writer writes the latest state. See docs/search.md, "PostgreSQL".
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from typing import Any

from ..store import Store, now_iso, writers
from . import heal
from .analysis import VietnameseTokenizer, number_key
from .source import compare_fingerprints, count_evidence, count_unread, iter_documents

PG_LAYOUT_VERSION = 6  # bump when the table's columns or what goes into them change: the table is rebuilt
TABLE = "search_documents"
META = "search_meta"
LOCK_KEY = 0x65766964  # pg_advisory_xact_lock key of the index writers ("evid")
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position …
MAX_POSITIONS_PER_WORD = 256  # … and positions per word
MAX_WORD_CHARS = 256  # longer "words" (a run of digits, garbage from OCR) are not indexed (lexemes ≤ 2 KB)
RANK_COUNT = 3  # occurrences of a word the ranking vector keeps
WRITE_BATCH = 200  # rows per INSERT during a rebuild

ProgressFn = Callable[[int, int], None]

_FOLDED = VietnameseTokenizer(folded=True)
_ACCENTED = VietnameseTokenizer(folded=False)

DDL = f"""
CREATE TABLE IF NOT EXISTS {META} (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS {TABLE} (
    evidence_id BIGINT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    head        TEXT NOT NULL,
    terms_f     TSVECTOR NOT NULL,
    rank_f      TSVECTOR NOT NULL,
    norm        REAL NOT NULL,
    words_a     TSVECTOR NOT NULL,
    subject_f   TSVECTOR NOT NULL,
    subject_a   TSVECTOR NOT NULL,
    issuer_f    TSVECTOR NOT NULL,
    filename_f  TSVECTOR NOT NULL,
    number_key  TEXT,
    refs        TEXT[] NOT NULL,
    type_code   TEXT,
    issued      TEXT,
    campaigns   TEXT[] NOT NULL,
    units       TEXT[] NOT NULL,
    criteria    TEXT[] NOT NULL,
    links       TEXT[] NOT NULL,
    indexed_at  TEXT NOT NULL
);
-- what matching and phrases use (large): only its GIN index is read by searches, so out of the row, uncompressed
ALTER TABLE {TABLE} ALTER COLUMN terms_f SET STORAGE EXTERNAL;
-- the rest in the row, compressed when large (the two ranking vectors ~2 KB each, lz4 when the server has it,
-- see _create): ranking a match costs ~1.5 µs, against ~5 µs for a TOAST lookup or ~4 µs for pglz. Every column
-- is MAIN, not just the large ones: PostgreSQL would otherwise move the small vectors out of the row to bring it
-- under 2 KB
ALTER TABLE {TABLE} ALTER COLUMN rank_f SET STORAGE MAIN;
ALTER TABLE {TABLE} ALTER COLUMN words_a SET STORAGE MAIN;
ALTER TABLE {TABLE} ALTER COLUMN head SET STORAGE MAIN;
ALTER TABLE {TABLE} ALTER COLUMN subject_f SET STORAGE MAIN;
ALTER TABLE {TABLE} ALTER COLUMN subject_a SET STORAGE MAIN;
ALTER TABLE {TABLE} ALTER COLUMN issuer_f SET STORAGE MAIN;
ALTER TABLE {TABLE} ALTER COLUMN filename_f SET STORAGE MAIN;
ALTER TABLE {TABLE} ALTER COLUMN refs SET STORAGE MAIN;
ALTER TABLE {TABLE} ALTER COLUMN campaigns SET STORAGE MAIN;
ALTER TABLE {TABLE} ALTER COLUMN units SET STORAGE MAIN;
ALTER TABLE {TABLE} ALTER COLUMN criteria SET STORAGE MAIN;
ALTER TABLE {TABLE} ALTER COLUMN links SET STORAGE MAIN;
CREATE INDEX IF NOT EXISTS {TABLE}_terms_f ON {TABLE} USING gin (terms_f);
CREATE INDEX IF NOT EXISTS {TABLE}_links ON {TABLE} USING gin (links);
CREATE INDEX IF NOT EXISTS {TABLE}_refs ON {TABLE} USING gin (refs);
CREATE INDEX IF NOT EXISTS {TABLE}_number ON {TABLE} (number_key);
CREATE INDEX IF NOT EXISTS {TABLE}_issued ON {TABLE} (issued);
CREATE INDEX IF NOT EXISTS {TABLE}_type ON {TABLE} (type_code);
"""

COLUMNS = (
    "evidence_id, fingerprint, head, terms_f, rank_f, norm, words_a, subject_f, subject_a, issuer_f, filename_f, number_key, refs,"
    " type_code, issued, campaigns, units, criteria, links, indexed_at"
)
_PLACEHOLDERS = (
    "(?, ?, ?, ?::tsvector, ?::tsvector, ?, ?::tsvector, ?::tsvector, ?::tsvector, ?::tsvector, ?::tsvector, ?, ?::text[], ?, ?,"
    " ?::text[], ?::text[], ?::text[], ?::text[], ?)"
)
_UPDATE = ", ".join(f"{c.strip()} = EXCLUDED.{c.strip()}" for c in COLUMNS.split(",")[1:])


def uses_postgres(store: Store) -> bool:
    return getattr(store, "dialect", "sqlite") == "postgresql"


# --- tsvector values -------------------------------------------------------------------------------------------


def _quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def positional_vector(words: list[str]) -> str:
    """A `tsvector` literal of the words with their positions (1-based; for the short fields: subject, issuer,
    file name — PostgreSQL keeps positions up to 16,383 and 256 per word)."""
    positions: dict[str, list[int]] = {}
    for pos, word in enumerate(words[:MAX_POSITION], start=1):
        if len(word) <= MAX_WORD_CHARS:
            found = positions.setdefault(word, [])
            if len(found) < MAX_POSITIONS_PER_WORD:
                found.append(pos)
    return " ".join(f"{_quote(w)}:{','.join(map(str, p))}" for w, p in positions.items())


def terms_vector(words: list[str]) -> str:
    """What matching reads (through the GIN index only): every word, and every pair of consecutive words as one
    lexeme `a b`, without positions. A phrase is then an AND of its pairs, which the index answers without
    reading the rows (a phrase with positions, `a <-> b`, makes PostgreSQL read and check the vector of every
    record holding all the words: ~8 µs each, and Vietnamese syllables are in most records)."""
    kept = [w for w in words if len(w) <= MAX_WORD_CHARS // 2]
    terms = set(kept)
    terms.update(f"{a} {b}" for a, b in zip(kept, kept[1:]))
    return " ".join(_quote(t) for t in terms)


def rank_vector(words: list[str]) -> tuple[str, float]:
    """What the ranking reads, kept small enough to stay in the row (no TOAST lookups per match): every word
    once, with up to RANK_COUNT positions for its count (ts_rank weighs a word's n-th occurrence by 1/n², so
    more add nothing visible); and the length normalisation, 1 / (1 + ln(number of words))."""
    counts: dict[str, int] = {}
    for word in words:
        if len(word) <= MAX_WORD_CHARS:
            counts[word] = counts.get(word, 0) + 1
    vector = " ".join(
        f"{_quote(w)}:{','.join(str(p) for p in range(1, min(n, RANK_COUNT) + 1))}" for w, n in counts.items()
    )
    return vector, 1.0 / (1.0 + math.log(max(len(words), 1)))


def plain_vector(words: Iterable[str]) -> str:
    """A `tsvector` literal of the distinct words, without positions."""
    return " ".join(_quote(w) for w in sorted(set(words)) if len(w) <= MAX_WORD_CHARS)


def folded_words(text: str) -> list[str]:
    return _FOLDED.words(text or "")


def accented_words(text: str) -> list[str]:
    return _ACCENTED.words(text or "")


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def document_row(doc: dict, stamp: str) -> tuple:
    """The row of `search_documents` for one document as source.build_document gives it (the same fields the
    embedded index is built from)."""
    head = doc.get("head", "")
    body = doc.get("body_f", "")  # the subject and the text
    words = folded_words(f"{head}\n{body}")  # the subject twice, as the embedded words_f
    rank_f, norm = rank_vector(words)
    return (
        int(doc["id"]),
        doc["fingerprint"],
        head,
        terms_vector(words),
        rank_f,
        norm,
        plain_vector(accented_words(doc.get("words_a", ""))),
        positional_vector(folded_words(doc.get("subject", ""))),
        positional_vector(accented_words(doc.get("subject", ""))),
        positional_vector(folded_words(doc.get("issuer", ""))),
        positional_vector(folded_words(doc.get("filename", ""))),
        number_key(doc.get("number")),
        _split(doc.get("refs")),
        doc.get("type"),
        doc.get("issued"),
        _split(doc.get("campaign")),
        _split(doc.get("unit")),
        _split(doc.get("criterion")),
        _split(doc.get("link")),
        stamp,
    )


# --- the table -------------------------------------------------------------------------------------------------


def _exists(store: Store) -> bool:
    row = store.db.execute(
        f"SELECT to_regclass('{TABLE}') IS NOT NULL AND to_regclass('{META}') IS NOT NULL"
    ).fetchone()
    return bool(row[0])


def layout_version(store: Store) -> int | None:
    """The layout version recorded beside the table, or None when there is no table."""
    if not _exists(store):
        return None
    row = store.db.execute(f"SELECT value FROM {META} WHERE key = 'layout_version'").fetchone()
    try:
        return int(row[0]) if row else None
    except ValueError:
        return None


def index_is_current(store: Store) -> bool:
    return layout_version(store) == PG_LAYOUT_VERSION


def _lock(store: Store) -> None:
    store.db.execute(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")


def _create(store: Store) -> None:
    """Create (or, when another layout version is there, drop and create) the table. Inside a transaction."""
    current = layout_version(store)
    if current is not None and current != PG_LAYOUT_VERSION:
        store.db.execute(f"DROP TABLE IF EXISTS {TABLE}")
    for statement in DDL.split(";"):
        if statement.strip():
            store.db.execute(statement)
    store.db.execute("SAVEPOINT search_lz4")
    try:
        store.db.execute(f"ALTER TABLE {TABLE} ALTER COLUMN rank_f SET COMPRESSION lz4")
        store.db.execute(f"ALTER TABLE {TABLE} ALTER COLUMN words_a SET COMPRESSION lz4")
        store.db.execute("RELEASE SAVEPOINT search_lz4")
    except Exception:  # noqa: BLE001 — a server built without lz4: pglz (the default) works, a little slower
        store.db.execute("ROLLBACK TO SAVEPOINT search_lz4")
    store.db.execute(
        f"INSERT INTO {META}(key, value) VALUES ('layout_version', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        (str(PG_LAYOUT_VERSION),),
    )


def ensure_index(store: Store, progress: ProgressFn | None = None) -> dict | None:
    """Create and fill the table when it is missing or of another layout. None when it was fine."""
    if index_is_current(store):
        return None
    with store.transaction():
        _lock(store)
        if index_is_current(store):  # another process made it while we waited
            return None
    return rebuild_index(store, progress)


def _write(store: Store, docs: list[dict]) -> None:
    if not docs:
        return
    stamp = now_iso()
    rows = [document_row(d, stamp) for d in docs]
    params: list[Any] = [v for row in rows for v in row]
    store.db.execute(
        f"INSERT INTO {TABLE}({COLUMNS}) VALUES {', '.join([_PLACEHOLDERS] * len(rows))}"
        f" ON CONFLICT (evidence_id) DO UPDATE SET {_UPDATE}",
        params,
    )


def _delete(store: Store, ids: Iterable[int]) -> None:
    ids = sorted(ids)
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        store.db.execute(f"DELETE FROM {TABLE} WHERE evidence_id IN ({','.join('?' * len(chunk))})", chunk)


def index_evidence(store: Store, evidence_ids: list[int], **_ignored) -> None:
    """Bring these records' rows up to date with the evidence table (add, replace, or delete when the record is
    gone, or not read yet), in one transaction."""
    ids = sorted({int(i) for i in evidence_ids})
    if not ids:
        return
    ensure_index(store)
    # changes a killed writer promised the index but never gave it (store/writers.py, heal.py)
    healed, markers = heal.promised_ids(store, lambda: heal.drifted_ids(check_index(store)))
    ids = sorted(set(ids) | healed)
    with store.transaction():
        _lock(store)
        docs = list(iter_documents(store, ids))
        _write(store, docs)
        _delete(store, set(ids) - {int(d["id"]) for d in docs})
    heal.clear_markers(markers)


def remove_evidence(store: Store, evidence_ids: list[int]) -> None:
    ids = sorted({int(i) for i in evidence_ids})
    if not ids or not _exists(store):
        return
    with store.transaction():
        _lock(store)
        _delete(store, ids)


def rebuild_index(store: Store, progress: ProgressFn | None = None) -> dict:
    """Rewrite every row from the evidence table, a batch per transaction (searches keep working, writers
    wait for one batch at most), then drop the rows of records that are gone."""
    started = time.monotonic()
    previous = layout_version(store)
    with store.transaction():
        _lock(store)
        _create(store)
    total = count_evidence(store)
    done = 0
    last = 0
    while True:
        with store.transaction():
            _lock(store)
            ids = [
                r[0]
                for r in store.db.execute(
                    "SELECT id FROM evidence WHERE id > ? AND read_status NOT IN ('pending', 'reading')"
                    " ORDER BY id LIMIT ?",
                    (last, WRITE_BATCH),
                ).fetchall()
            ]
            if not ids:
                break
            docs = list(iter_documents(store, ids))
            _write(store, docs)
        last = ids[-1]
        done += len(docs)
        if progress:
            progress(done, total)
    with store.transaction():
        _lock(store)
        store.db.execute(
            f"DELETE FROM {TABLE} d WHERE NOT EXISTS (SELECT 1 FROM evidence e WHERE e.id = d.evidence_id"
            " AND e.read_status NOT IN ('pending', 'reading'))"
        )
    store.db.execute(f"ANALYZE {TABLE}")
    heal.clear_promises(store)
    return {
        "documents": done,
        "seconds": round(time.monotonic() - started, 2),
        "index_bytes": index_bytes(store),
        "schema_version": PG_LAYOUT_VERSION,
        "previous_schema_version": previous,
        "engine": "postgresql",
    }


def index_bytes(store: Store) -> int:
    row = store.db.execute(f"SELECT pg_total_relation_size(to_regclass('{TABLE}'))").fetchone()
    return int(row[0] or 0) if row else 0


def check_index(store: Store) -> dict:
    """Compare the rows with the evidence table: missing, extra and stale (another fingerprint) records."""
    current = layout_version(store)
    report: dict[str, Any] = {
        "ok": True,
        "schema_version": current,  # on PostgreSQL: the search table's layout version (pg.py)
        "expected_schema_version": PG_LAYOUT_VERSION,
        "engine": "postgresql",
        "documents": 0,
        "indexed": 0,
        "missing": [],
        "extra": [],
        "stale": [],
        "segments": 0,
        "segments_without_postings": 0,
        "unread": count_unread(store),
    }
    indexed: dict[int, str] = {}
    if current is not None:
        indexed = {int(r[0]): r[1] for r in store.db.execute(f"SELECT evidence_id, fingerprint FROM {TABLE}")}
    compare_fingerprints(store, indexed, report)
    report["ok"] = current == PG_LAYOUT_VERSION and not (report["missing"] or report["extra"] or report["stale"])
    return report


def verify_index(store: Store, *, repair: bool = False) -> dict:
    """For `evidence verify`: drift from the evidence table and promises of dead writers (with `repair`: brought
    up to date). There are no index files, so no leftovers."""
    report: dict = {"busy": False, "leftovers": [], "pending": 0, "drift": {}, "repaired": []}
    report["pending"] = sum(1 for _p, _ids, alive in writers.pending(store.locks_dir) if not alive)
    if layout_version(store) is None:  # never built here (a store just moved to PostgreSQL): the next search or
        return report  # write builds it from the database, as a missing Whoosh index is
    checked = check_index(store)
    report["drift"] = {key: checked[key] for key in ("missing", "extra", "stale") if checked.get(key)}
    if checked["schema_version"] != checked["expected_schema_version"]:
        report["drift"]["schema_version"] = checked["schema_version"]
    if repair:
        if "schema_version" in report["drift"]:
            rebuild_index(store)
            report["repaired"].append("index rebuilt (layout version)")
        else:
            ids = heal.drifted_ids(checked)
            if ids:
                index_evidence(store, sorted(ids))
                report["repaired"].append(f"index brought up to date ({len(ids)} record(s))")
        for path, _ids, alive in writers.pending(store.locks_dir):
            if not alive:
                writers.clear_pending(path)
    return report


def optimize_index(store: Store) -> dict:
    """`evidence index optimize` on PostgreSQL: VACUUM ANALYZE the table (no segments to merge)."""
    started = time.monotonic()
    if _exists(store):
        store.db.execute(f"VACUUM ANALYZE {TABLE}")
    return {
        "segments_before": 0,
        "segments_after": 0,
        "merged_segments": 0,
        "merged_documents": 0,
        "seconds": round(time.monotonic() - started, 2),
        "segments_without_postings": 0,
        "engine": "postgresql",
        "skipped": "PostgreSQL: no segments to merge (the search table was vacuumed and analysed)",
    }
