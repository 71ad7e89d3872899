"""What the index is built from: evidence rows, their effective metadata and links, read in bounded batches.

The database is the source of truth; everything here is derived from it, so the index can always be rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from collections.abc import Iterator

from ..records import effective_metadata
from ..store import Store, dumps
from ..vn.text import nfc
from .analysis import number_key
from .schema import SCHEMA_VERSION, link_keys

# Text beyond this is not indexed (a multi-megabyte OCR dump would dominate memory and ranking alike).
MAX_INDEXED_CHARS = 1_000_000


@dataclass
class Link:
    campaign: str
    unit: str
    criterion: str


def fingerprint(updated_at: str, filename: str, metadata: dict, links: list[Link]) -> str:
    """What an index entry was built from; a different value means the entry is stale."""
    link_part = sorted(f"{l.campaign}|{l.unit}|{l.criterion}" for l in links)
    raw = "\n".join([str(SCHEMA_VERSION), updated_at, filename, dumps(metadata), *link_part])
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def links_of(store: Store, evidence_ids: list[int]) -> dict[int, list[Link]]:
    out: dict[int, list[Link]] = {i: [] for i in evidence_ids}
    if not evidence_ids:
        return out
    marks = ",".join("?" * len(evidence_ids))
    for r in store.db.execute(
        f"SELECT evidence_id, campaign_id, unit_code, criterion_code FROM links"
        f" WHERE evidence_id IN ({marks}) ORDER BY id",
        evidence_ids,
    ):
        out[r["evidence_id"]].append(Link(r["campaign_id"], r["unit_code"], r["criterion_code"]))
    return out


def _metadata(store: Store, evidence_id: int, raw: str) -> dict:
    try:
        extracted = json.loads(raw or "{}")
    except json.JSONDecodeError:
        extracted = {}
    return effective_metadata(store, evidence_id, extracted) or {}


# Records still waiting for their reading (uploads read in the background, catalog/jobs.py) are not indexed
# yet: they are, with their text, once read.
INDEXED = "read_status NOT IN ('pending', 'reading')"


def _rows(store: Store, columns: str, ids: list[int] | None, batch_size: int) -> Iterator[list]:
    """Rows in id order, `batch_size` at a time (keyset pagination: memory stays bounded)."""
    if ids is not None:
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            marks = ",".join("?" * len(chunk))
            yield store.db.execute(
                f"SELECT {columns} FROM evidence WHERE id IN ({marks}) AND {INDEXED} ORDER BY id", chunk
            ).fetchall()
        return
    last = 0
    while True:
        rows = store.db.execute(
            f"SELECT {columns} FROM evidence WHERE id > ? AND {INDEXED} ORDER BY id LIMIT ?", (last, batch_size)
        ).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


def count_evidence(store: Store) -> int:
    return store.db.execute(f"SELECT COUNT(*) FROM evidence WHERE {INDEXED}").fetchone()[0]


def count_unread(store: Store) -> int:
    """Records waiting for (or in) their background reading: not in the index yet, by design."""
    return store.db.execute(f"SELECT COUNT(*) FROM evidence WHERE NOT ({INDEXED})").fetchone()[0]


def iter_documents(store: Store, ids: list[int] | None = None, batch_size: int = 200) -> Iterator[dict]:
    """Whoosh documents (field → value) for the given evidence ids, or all of them."""
    for rows in _rows(store, "id, filename, metadata, text, updated_at", ids, batch_size):
        links = links_of(store, [r["id"] for r in rows])
        for r in rows:
            yield build_document(
                r["id"],
                r["filename"],
                _metadata(store, r["id"], r["metadata"]),
                r["text"],
                r["updated_at"],
                links[r["id"]],
            )


def iter_fingerprints(store: Store, batch_size: int = 2000) -> Iterator[tuple[int, str]]:
    """(evidence id, fingerprint) for every record, without reading the text."""
    for rows in _rows(store, "id, filename, metadata, updated_at", None, batch_size):
        links = links_of(store, [r["id"] for r in rows])
        for r in rows:
            meta = _metadata(store, r["id"], r["metadata"])
            yield r["id"], fingerprint(r["updated_at"], r["filename"], meta, links[r["id"]])


def _text(value) -> str:
    return nfc(value) if isinstance(value, str) else ""


def build_document(
    evidence_id: int, filename: str, metadata: dict, text: str, updated_at: str, links: list[Link]
) -> dict:
    subject = _text(metadata.get("summary"))
    type_name = _text(metadata.get("type_name"))
    if type_name and type_name.lower() not in subject.lower():
        subject = f"{type_name} {subject}".strip()
    body = nfc((text or "")[:MAX_INDEXED_CHARS])
    issuer = " ".join(p for p in (_text(metadata.get("issuer")), _text(metadata.get("parent_issuer"))) if p)
    refs = sorted(
        {k for k in (number_key(r.get("number")) for r in metadata.get("references") or [] if isinstance(r, dict)) if k}
    )
    words = "\n".join((subject, subject, body, issuer, nfc(filename or "")))
    doc = {
        "id": str(evidence_id),
        "fingerprint": fingerprint(updated_at, filename, metadata, links),
        "head": "\n".join((subject, issuer, nfc(filename or ""))),
        "subject": subject,
        "subject_f": subject,
        "body_f": f"{subject}\n{body}",
        "words_f": words,
        "words_a": words,
        "filename": nfc(filename or ""),
        "issuer": issuer,
        "number": _text(metadata.get("number")),
        "refs": ",".join(refs),
        "campaign": ",".join(sorted({l.campaign for l in links})),
        "unit": ",".join(sorted({l.unit for l in links})),
        "criterion": ",".join(sorted({l.criterion for l in links})),
        "link": ",".join(sorted({k for l in links for k in link_keys(l.campaign, l.unit, l.criterion)})),
    }
    if metadata.get("type_code"):
        doc["type"] = _text(metadata["type_code"])
    if metadata.get("issued_on"):
        doc["issued"] = _text(metadata["issued_on"])
    return {k: v for k, v in doc.items() if v != "" or k in ("id", "fingerprint")}


def compare_fingerprints(store: Store, indexed: dict[int, str], report: dict) -> None:
    """Fill `report` with what the index holds (`indexed`: id → fingerprint) against the records: missing, stale
    (indexed from older text or metadata), extra (indexed, no longer a record), and the two counts."""
    seen = set()
    for evidence_id, fp in iter_fingerprints(store):
        seen.add(evidence_id)
        if evidence_id not in indexed:
            report["missing"].append(evidence_id)
        elif indexed[evidence_id] != fp:
            report["stale"].append(evidence_id)
    report["extra"] = sorted(set(indexed) - seen)
    report["documents"], report["indexed"] = len(seen), len(indexed)
