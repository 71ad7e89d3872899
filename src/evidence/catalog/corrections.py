"""Corrections of extracted metadata: a person fixes a wrong number, date or type that the reader got wrong.

Corrections are an append-only history (table `metadata_corrections`); for each field the latest one wins over
the extracted value everywhere metadata is read (`catalog.effective_metadata`: `show`, `list`, search, findings).
An empty value records "unknown" (the field becomes null), which also wins over what was extracted.
"""

from __future__ import annotations

import re
from datetime import date

from .. import search
from ..errors import EvidenceError, InputError, NotFound
from ..store import Store, chain, now_iso, writers
from ..vn.dates import parse_date
from ..vn.doctypes import TYPE_NAMES, type_from_name
from ..vn.numbers import normalize_number
from ..vn.text import nfc, squash_spaces

# field → label shown in the web app
FIELDS = {
    "number": "Số, ký hiệu",
    "type_code": "Loại văn bản",
    "issued_on": "Ngày ban hành",
    "summary": "Trích yếu",
    "issuer": "Cơ quan ban hành",
    "signer_name": "Người ký",
    "signer_title": "Chức vụ người ký",
}
MAX_TEXT = 1000

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DMY = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


def validate(field: str, value: str | None) -> str | None:
    """The value as it will be stored (canonical form), or None for "unknown". Raises InputError naming the field."""
    if field not in FIELDS:
        raise InputError(f"--field '{field}': one of {', '.join(FIELDS)}")
    text = squash_spaces(nfc(value or "")).strip()
    if not text:
        return None
    if field == "number":
        number = normalize_number(text)
        if number is None:
            raise InputError(f"number '{text}': expected a number and symbol like 84/QĐ-UBND or 30/2020/NĐ-CP")
        return number
    if field == "issued_on":
        if not (_ISO.match(text) or _DMY.match(text)):
            raise InputError(f"issued_on '{text}': expected a date as YYYY-MM-DD or DD/MM/YYYY")
        parsed = parse_date(text)
        if parsed is None:
            raise InputError(f"issued_on '{text}': not a valid date")
        if parsed > date.today():
            raise InputError(f"issued_on '{text}': the date is in the future")
        return parsed.isoformat()
    if field == "type_code":
        if text in TYPE_NAMES:
            return text
        by_name = type_from_name(text)
        if by_name:
            return by_name
        upper = {code.upper(): code for code in TYPE_NAMES}
        if text.upper() in upper and sum(1 for c in TYPE_NAMES if c.upper() == text.upper()) == 1:
            return upper[text.upper()]
        raise InputError(f"type_code '{text}': not a Decree 30 type code (e.g. QĐ, KH, BC, CV, TTr)")
    if len(text) > MAX_TEXT:
        raise InputError(f"{field}: at most {MAX_TEXT} characters")
    return text


def correct_metadata(store: Store, evidence_id: int, field: str, value: str | None, by: str) -> dict:
    """Record a correction of one field and bring the search index up to date. Returns the correction."""
    if store.db.execute("SELECT 1 FROM evidence WHERE id = ?", (evidence_id,)).fetchone() is None:
        raise NotFound(f"no evidence with id {evidence_id}")
    stored = validate(field, value)
    at = now_iso()
    promise = writers.note_pending(store.locks_dir, [evidence_id])  # the index follows, even after a kill
    try:
        with store.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO metadata_corrections(evidence_id, field, value, corrected_by, corrected_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (evidence_id, field, stored, by, at),
            )
            correction_id = cursor.fetchone()[0]
            chain.record_row_event(conn, chain.CORRECTION, "metadata_corrections", correction_id, by)
    except BaseException:
        writers.clear_pending(promise)  # nothing changed
        raise
    correction = {
        "id": correction_id,
        "evidence_id": evidence_id,
        "field": field,
        "value": stored,
        "by": by,
        "at": at,
        "index_updated": _reindex(store, evidence_id),
    }
    if correction["index_updated"]:
        writers.clear_pending(promise)
    return correction


def _reindex(store: Store, evidence_id: int) -> bool:
    """The database is the truth; when the index cannot follow, `evidence index check/rebuild` repairs it."""
    try:
        search.index_evidence(store, [evidence_id])
    except EvidenceError:  # the correction is recorded; a stale index is reported by `index check`
        return False
    return True
