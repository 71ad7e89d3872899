"""The read side of an evidence record: the record, its text, its links (current and taken back), and its
effective metadata, which is what the reader extracted with the latest correction of each field on top.

Everything that reads records (search, findings, the CLI, the web) comes here; the write side (attach, ingest,
detach, corrections) is `evidence.catalog`.
"""

from __future__ import annotations

import json

from .errors import NotFound
from .store import Store
from .vn.doctypes import type_name

# The keys of `inspect --json` and of `show --json`'s "metadata", in contract order (interface.md).
METADATA_KEYS = (
    "sha256",
    "format",
    "pages",
    "text_source",
    "number",
    "type_code",
    "type_name",
    "issuer",
    "parent_issuer",
    "place",
    "issued_on",
    "date_source",
    "summary",
    "signer_title",
    "signer_name",
    "signatures",
    "references",
    "warnings",
    "issued_on_estimated",
    "sources",
    "confidence",
    "candidates",
)


def empty_metadata() -> dict:
    meta: dict = {key: None for key in METADATA_KEYS}
    meta["signatures"] = []
    meta["references"] = []
    meta["warnings"] = []
    meta["issued_on_estimated"] = False  # the issue date is the signing day: no printed date could be read
    meta["sources"] = {}  # field → text, ocr-tesseract, ocr-rapid, ocr-both, signature, body
    meta["confidence"] = {}  # field → 0..1
    meta["candidates"] = {}  # field → [{value, source, confidence}] when two OCR engines were compared
    return meta


ESTIMATED = "ước tính"  # shown next to a date estimated from the signing time


def shown_issued_on(metadata: dict) -> str | None:
    """The issue date for people: `2025-01-17 (ước tính)` when it is the signing day, not a printed date."""
    value = metadata.get("issued_on")
    if value and metadata.get("issued_on_estimated"):
        return f"{value} ({ESTIMATED})"
    return value


def sources_line(metadata: dict) -> str:
    """`number: ocr-rapid 0.86; issued_on: signature 0.50 (ước tính); …` for the fields found."""
    sources = metadata.get("sources") or {}
    confidence = metadata.get("confidence") or {}
    parts = []
    for field, source in sources.items():
        sure = confidence.get(field)
        part = f"{field}: {source}" + (f" {sure:.2f}" if isinstance(sure, (int, float)) else "")
        if field == "issued_on" and metadata.get("issued_on_estimated"):
            part += f" ({ESTIMATED})"
        parts.append(part)
    return "; ".join(parts)


def candidates_lines(metadata: dict) -> list[str]:
    """`number: 01/TTr-UBND (ocr-rapid 0.94) | 04/TTr-UBND (ocr-tesseract)` per field with competing readings."""
    out = []
    for field, listed in (metadata.get("candidates") or {}).items():
        shown = [
            f"{c.get('value')} ({c.get('source')}" + (f" {c['confidence']:.2f}" if c.get("confidence") else "") + ")"
            for c in listed
        ]
        if shown:
            out.append(f"{field}: " + " | ".join(shown))
    return out


# warnings a correction settles: once a person has given the value, the reader's doubt no longer applies
_SETTLES = {
    "number": {"number_blank", "number_missing"},
    "issued_on": {"date_missing", "undated", "date_invalid"},
    "type_code": {"type_unknown"},
}


def detached_links(store: Store, evidence_id: int) -> list[dict]:
    """The links of a record that were taken back, oldest first."""
    return [
        {
            "link_id": r["link_id"],
            "campaign": r["campaign_id"],
            "unit": r["unit_code"],
            "criterion": r["criterion_code"],
            "filename": r["filename"],
            "pages": r["pages"],
            "note": r["note"],
            "linked_by": r["linked_by"],
            "linked_at": r["linked_at"],
            "detached_by": r["detached_by"],
            "detached_at": r["detached_at"],
            "reason": r["reason"],
        }
        for r in store.db.execute("SELECT * FROM detached_links WHERE evidence_id = ? ORDER BY id", (evidence_id,))
    ]


def _links_of(store: Store, evidence_ids: list[int], where: str = "", params: tuple = ()) -> dict[int, list[dict]]:
    links: dict[int, list[dict]] = {}
    if not evidence_ids:
        return links
    marks = ",".join("?" * len(evidence_ids))
    for r in store.db.execute(
        f"SELECT * FROM links WHERE evidence_id IN ({marks}) {where} ORDER BY linked_at, id", (*evidence_ids, *params)
    ):
        links.setdefault(r["evidence_id"], []).append(
            {
                "link_id": r["id"],
                "campaign": r["campaign_id"],
                "unit": r["unit_code"],
                "criterion": r["criterion_code"],
                "filename": r["filename"],
                "pages": r["pages"],
                "note": r["note"],
                "linked_by": r["linked_by"],
                "linked_at": r["linked_at"],
            }
        )
    return links


def list_evidence(
    store: Store, *, campaign_id: str | None = None, unit_code: str | None = None, criterion_code: str | None = None
) -> list[dict]:
    clauses, params = [], []
    for column, value in (("campaign_id", campaign_id), ("unit_code", unit_code), ("criterion_code", criterion_code)):
        if value:
            clauses.append(f"l.{column} = ?")
            params.append(value)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = store.db.execute(
        f"SELECT DISTINCT e.id, e.sha256, e.filename, e.format, e.pages, e.text_source, e.metadata, e.created_at,"
        f" e.read_status, e.read_error"
        f" FROM evidence e {'JOIN links l ON l.evidence_id = e.id' if clauses else ''} {where}"
        f" ORDER BY e.id",
        params,
    ).fetchall()
    link_filter = " AND ".join(c.replace("l.", "") for c in clauses)
    links = _links_of(store, [r["id"] for r in rows], ("AND " + link_filter) if link_filter else "", tuple(params))
    out = []
    for r in rows:
        meta = effective_metadata(store, r["id"], json.loads(r["metadata"]))
        out.append(
            {
                "evidence_id": r["id"],
                "sha256": r["sha256"],
                "filename": r["filename"],
                "format": r["format"],
                "pages": r["pages"],
                "text_source": r["text_source"],
                "number": meta.get("number"),
                "type_code": meta.get("type_code"),
                "issued_on": meta.get("issued_on"),
                "summary": meta.get("summary"),
                "created_at": r["created_at"],
                "read_status": r["read_status"],
                "read_error": r["read_error"],
                "links": links.get(r["id"], []),
            }
        )
    return out


def effective_metadata(store: Store, evidence_id: int, extracted: dict) -> dict:
    """The metadata as read from the file, with the latest correction of each field recorded by a person on top
    (`corrections.correct_metadata`): a correction wins over the extracted value everywhere."""
    return apply_corrections(extracted, latest_corrections(store, evidence_id))


def get_evidence(store: Store, evidence_id: int) -> dict:
    row = store.db.execute("SELECT * FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
    if row is None:
        raise NotFound(f"no evidence with id {evidence_id}")
    metadata = empty_metadata()
    metadata.update(effective_metadata(store, evidence_id, json.loads(row["metadata"])))
    return {
        "evidence_id": row["id"],
        "sha256": row["sha256"],
        "filename": row["filename"],
        "size": row["size"],
        "format": row["format"],
        "pages": row["pages"],
        "text_source": row["text_source"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "metadata": {key: metadata.get(key) for key in METADATA_KEYS},
        "links": _links_of(store, [row["id"]]).get(row["id"], []),
        "detached_links": detached_links(store, row["id"]),
        "text_chars": len(row["text"]),
        "read_status": row["read_status"],  # pending | reading | read | failed (uploads are read in the background)
        "read_error": row["read_error"],
    }


def evidence_text(store: Store, evidence_id: int) -> str:
    row = store.db.execute("SELECT text FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
    if row is None:
        raise NotFound(f"no evidence with id {evidence_id}")
    return row["text"]


def correction_history(store: Store, evidence_id: int) -> list[dict]:
    """Every correction of this record, oldest first."""
    return [
        {
            "id": r["id"],
            "evidence_id": r["evidence_id"],
            "field": r["field"],
            "value": r["value"],
            "by": r["corrected_by"],
            "at": r["corrected_at"],
        }
        for r in store.db.execute(
            "SELECT * FROM metadata_corrections WHERE evidence_id = ? ORDER BY id", (evidence_id,)
        )
    ]


def latest_corrections(store: Store, evidence_id: int) -> dict[str, str | None]:
    """field → the value of its latest correction."""
    out: dict[str, str | None] = {}
    for row in store.db.execute(
        "SELECT field, value FROM metadata_corrections WHERE evidence_id = ? ORDER BY id", (evidence_id,)
    ):
        out[row["field"]] = row["value"]
    return out


def apply_corrections(extracted: dict, corrections: dict[str, str | None]) -> dict:
    """The extracted metadata with corrections on top (a new dict; `extracted` is not changed)."""
    if not corrections:
        return extracted
    meta = dict(extracted)
    warnings = list(meta.get("warnings") or [])
    for field, value in corrections.items():
        meta[field] = value
        if field == "type_code":
            meta["type_name"] = type_name(value)
        if value is not None:
            warnings = [w for w in warnings if w not in _SETTLES.get(field, ())]
    if "warnings" in meta or warnings:
        meta["warnings"] = warnings
    return meta
