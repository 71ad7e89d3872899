"""A handful of representative searches for the demo, chosen from what the store actually holds."""

from __future__ import annotations

import json

from ..records import effective_metadata
from ..store import Store
from ..vn.text import fold
from ..search.engine import search

FALLBACK_WORDS = "cải cách hành chính"


def _sample(store: Store, campaign_id: str) -> tuple[dict, dict | None]:
    """Metadata and one link of the campaign's first record with a subject (and the first with a number)."""
    rows = store.db.execute(
        "SELECT e.id, e.metadata, l.unit_code, l.criterion_code FROM evidence e JOIN links l ON l.evidence_id = e.id"
        " WHERE l.campaign_id = ? ORDER BY e.id, l.id LIMIT 500",
        (campaign_id,),
    ).fetchall()
    with_subject = with_number = None
    for r in rows:
        meta = effective_metadata(store, r["id"], json.loads(r["metadata"] or "{}")) or {}
        entry = {"meta": meta, "unit": r["unit_code"], "criterion": r["criterion_code"]}
        if with_subject is None and len((meta.get("summary") or "").split()) >= 3:
            with_subject = entry
        if with_number is None and meta.get("number") and (meta["number"].split("/")[0]):
            with_number = entry
    return with_subject or {}, with_number


def demo_searches(store: Store, campaign_id: str) -> list[tuple[str, dict]]:
    """(what was searched, `search --json` result) pairs: accented, unaccented, phrase, number, filtered."""
    sample, numbered = _sample(store, campaign_id)
    summary_words = (sample.get("meta", {}).get("summary") or FALLBACK_WORDS).split()
    words = " ".join(w.strip(',.;:()"') for w in summary_words[:3]).lower()
    phrase = " ".join(w.strip(',.;:()"') for w in summary_words[:4]).lower()
    out: list[tuple[str, dict]] = []

    def run(label: str, query: str, **filters) -> None:
        shown = " ".join(
            [f"evidence search '{query}'"]
            + [f"--{k.replace('_code', '').replace('date_', '')} {v}" for k, v in filters.items()]
        )
        out.append((f"{label}: {shown}", search(store, query, limit=5, **filters)))

    run("words with diacritics", words)
    run("the same words typed without diacritics", fold(words))
    run("a phrase", f'"{phrase}"')
    run("a phrase everyone uses", '"cải cách hành chính"', campaign=campaign_id)
    if numbered:
        number = numbered["meta"]["number"]
        run("a document number, typed loosely", number.lower().replace("/", " / ").replace("-", " - "))
    if sample.get("unit"):
        run(
            "filtered to one unit and criterion",
            fold(words.split()[0]) if words else "*",
            campaign=campaign_id,
            unit=sample["unit"],
            criterion=sample["criterion"],
        )
    type_code = sample.get("meta", {}).get("type_code")
    if type_code:
        run("filtered by type", "*", campaign=campaign_id, type_code=type_code)
    return out
