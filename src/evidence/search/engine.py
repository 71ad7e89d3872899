"""Running a search: parse, filter, rank with Whoosh, then describe each hit from the database (the source of
truth) with a highlighted snippet."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from whoosh.query import QueryError

from ..records import effective_metadata
from ..errors import InputError
from ..store import Store
from . import pg, pg_query
from .fast import run_fast
from .index import ProgressFn
from .query import Filters, make_filters, parse_query
from .searchers import open_searcher
from .snippet import MAX_SCANNED, Snippet, make_snippet
from .source import links_of

DEFAULT_LIMIT = 20
MAX_LIMIT = 10_000


@dataclass
class Hit:
    data: dict  # the result as `search --json` prints it
    snippet: Snippet


@dataclass
class SearchOutcome:
    total: int
    hits: list[Hit] = field(default_factory=list)
    filters: Filters | None = None
    estimated: bool = False  # the total of a phrase found in very many documents, from a sample (fast.py)

    def to_json(self) -> dict:
        return {"total": self.total, "total_estimated": self.estimated, "results": [h.data for h in self.hits]}


def run_search(
    store: Store,
    text: str,
    *,
    campaign: str | None = None,
    unit: str | None = None,
    criterion: str | None = None,
    type_code: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = DEFAULT_LIMIT,
    progress: ProgressFn | None = None,
) -> SearchOutcome:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"--limit {limit}: expected a number from 1 to {MAX_LIMIT}")
    filters = make_filters(
        campaign=campaign, unit=unit, criterion=criterion, type_code=type_code, date_from=date_from, date_to=date_to
    )
    if pg.uses_postgres(store):  # the index is a table beside the evidence (pg.py)
        pg.ensure_index(store, progress)
        found_pg = pg_query.run_search(store, text, filters, limit)
        return SearchOutcome(
            total=found_pg.total,
            hits=_describe(store, found_pg.ranked, found_pg.words, found_pg.texts),
            filters=filters,
            estimated=found_pg.estimated,
        )
    with open_searcher(store, progress) as (searcher, fx):
        parsed = parse_query(searcher.schema, text)
        found = None
        if parsed.clauses:
            found = run_fast(fx, parsed.clauses, filters.query(), limit, lambda ids: _texts(store, ids))
        texts: dict[int, str] = {}
        estimated = False
        if found is not None:
            total, ranked, texts, estimated = found.total, found.ranked, found.texts, found.estimated
        else:
            try:
                results = searcher.search(parsed.query, filter=filters.query(), limit=limit, terms=False)
            except QueryError as exc:  # e.g. a phrase on a field without positions
                raise InputError(f"query {text!r}: {str(exc).split('. ')[0]}") from None
            total = len(results)  # exact; costs about as much again as the search (see docs)
            ranked = [(int(hit["id"]), hit.score) for hit in results]
    return SearchOutcome(
        total=total, hits=_describe(store, ranked, parsed.words, texts), filters=filters, estimated=estimated
    )


def _texts(store: Store, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {
        r[0]: r[1] or ""
        for r in store.db.execute(f"SELECT id, substr(text, 1, {MAX_SCANNED}) FROM evidence WHERE id IN ({marks})", ids)
    }


def search(store: Store, text: str, **options) -> dict:
    """`evidence search --json` as a library call: {"total", "total_estimated", "results": [...]}."""
    return run_search(store, text, **options).to_json()


def _describe(
    store: Store, ranked: list[tuple[int, float]], words: set[str], texts: dict[int, str] | None = None
) -> list[Hit]:
    """The results as `search --json` prints them; `texts` are those already read (by the fast path)."""
    ids = [i for i, _ in ranked]
    if not ids:
        return []
    texts = texts or {}
    marks = ",".join("?" * len(ids))
    rows = {
        r["id"]: r
        for r in store.db.execute(
            f"SELECT id, sha256, filename, metadata, CASE WHEN id IN ({','.join(str(i) for i in texts if i in ids) or 'NULL'})"
            f" THEN NULL ELSE substr(text, 1, {MAX_SCANNED}) END AS text FROM evidence WHERE id IN ({marks})",
            ids,
        )
    }
    links = links_of(store, ids)
    hits = []
    for evidence_id, score in ranked:
        row = rows.get(evidence_id)
        if row is None:  # deleted since it was indexed; `index check` reports it as extra
            continue
        meta = effective_metadata(store, evidence_id, json.loads(row["metadata"] or "{}")) or {}
        snippet = make_snippet(texts[evidence_id] if evidence_id in texts else row["text"], words)
        if not snippet.parts and meta.get("summary"):
            snippet = make_snippet(meta["summary"], words)
        hits.append(
            Hit(
                data={
                    "evidence_id": evidence_id,
                    "sha256": row["sha256"],
                    "filename": row["filename"],
                    "number": meta.get("number"),
                    "type_code": meta.get("type_code"),
                    "issued_on": meta.get("issued_on"),
                    "summary": meta.get("summary"),
                    "score": round(float(score), 4),
                    "snippet": snippet.render(),
                    "links": [
                        {"campaign": l.campaign, "unit": l.unit, "criterion": l.criterion}
                        for l in links.get(evidence_id, [])
                    ],
                },
                snippet=snippet,
            )
        )
    return hits
