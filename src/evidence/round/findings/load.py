"""Loading a round's links and scores for the rules, once per call (the database's JSON functions read the fields)."""

from __future__ import annotations

import json
from datetime import date, datetime, UTC

from ...records import effective_metadata
from ...store import Store
from ...store.dialect import tuples
from ..campaign import Campaign
from ..scoring import current_scores
from .model import LOCAL_TZ, LinkedEvidence, RoundData


def _iso_date(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _local_date(stamp: str | None) -> date | None:
    if stamp is None:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).date()


def _corrected_ids(store: Store, campaign_id: str) -> set[int]:
    """Evidence of the campaign that people corrected (the others' metadata is what was extracted)."""
    return {
        r[0]
        for r in store.db.execute(
            "SELECT DISTINCT c.evidence_id FROM metadata_corrections c JOIN links l ON l.evidence_id = c.evidence_id"
            " WHERE l.campaign_id = ?",
            (campaign_id,),
        )
    }


# The fields the rules need, read by the database's JSON functions (much faster than parsing every record in
# Python). Written for both engines: flags as CASE … 1 ELSE 0, a JSON true compared as text ('1' on SQLite, 'true'
# on PostgreSQL, where store/pg_schema.py defines json_extract, json_array_length and instr).
_LINK_SQL = """
    SELECT l.id, l.evidence_id, l.unit_code, l.criterion_code, l.linked_at, l.filename, e.format, e.text_source,
           CASE WHEN e.text != '' THEN 1 ELSE 0 END,
           json_extract(e.metadata, '$.number'), json_extract(e.metadata, '$.type_code'),
           json_extract(e.metadata, '$.issuer'), json_extract(e.metadata, '$.issued_on'),
           CASE WHEN COALESCE(json_array_length(e.metadata, '$.signatures'), 0) > 0 THEN 1 ELSE 0 END,
           CASE WHEN instr(COALESCE(json_extract(e.metadata, '$.warnings'), ''), '"number_blank"') > 0
                THEN 1 ELSE 0 END,
           CASE WHEN CAST(json_extract(e.metadata, '$.issued_on_estimated') AS TEXT) IN ('1', 'true')
                  OR json_extract(e.metadata, '$.date_source') = 'signature' THEN 1 ELSE 0 END,
           CASE WHEN instr(COALESCE(json_extract(e.metadata, '$.warnings'), ''), '"pdf_active_content"') > 0
                  OR instr(COALESCE(json_extract(e.metadata, '$.warnings'), ''), '"pdf_embedded_file"') > 0
                THEN 1 ELSE 0 END,
           e.read_status
    FROM links l JOIN evidence e ON e.id = l.evidence_id
    WHERE l.campaign_id = ?"""


def load_round(store: Store, campaign: Campaign, unit: str | None = None, evidence_id: int | None = None) -> RoundData:
    units = [campaign.unit(unit)] if unit else list(campaign.units)
    scores = current_scores(store, campaign.id, unit)
    sql, params = _LINK_SQL, [campaign.id]
    params_any: list = params
    if unit:
        sql += " AND l.unit_code = ?"
        params.append(unit)
    if evidence_id is not None:
        sql += " AND l.evidence_id = ?"
        params_any.append(evidence_id)
    sql += " ORDER BY l.id"
    corrected = _corrected_ids(store, campaign.id)
    local_dates: dict[str, date | None] = {}
    links = []
    for (
        link_id,
        eid,
        unit_code,
        code,
        stamp,
        filename,
        fmt,
        text_source,
        has_text,
        number,
        type_code,
        issuer,
        issued_on,
        signed,
        blank_warning,
        estimated,
        active,
        read_status,
    ) in tuples(store.db, sql, params):
        if eid in corrected:
            number, type_code, issuer, issued_on, signed, blank_warning, estimated = _corrected(store, eid)
        if stamp not in local_dates:
            local_dates[stamp] = _local_date(stamp)
        links.append(
            LinkedEvidence(
                link_id,
                eid,
                unit_code,
                code,
                stamp,
                filename,
                fmt,
                text_source,
                bool(has_text),
                None if number is None else str(number),
                type_code,
                None if issuer is None else str(issuer),
                _iso_date(issued_on),
                bool(signed),
                bool(blank_warning),
                local_dates[stamp],
                bool(estimated),
                bool(active),
                read_status or "read",
            )
        )
    return RoundData(campaign=campaign, units=units, criteria=campaign.framework.by_code, scores=scores, links=links)


def _corrected(store: Store, evidence_id: int) -> tuple:
    """The rule fields of a record people corrected, through `catalog.effective_metadata`."""
    row = store.db.execute("SELECT metadata FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
    read = json.loads(row[0] or "{}")
    meta = effective_metadata(store, evidence_id, dict(read)) or {}
    # a date a person gave is no estimate; the reader's estimate stands while the date is the one it read
    estimated = bool(read.get("issued_on_estimated") or read.get("date_source") == "signature") and meta.get(
        "issued_on"
    ) == read.get("issued_on")
    return (
        meta.get("number"),
        meta.get("type_code"),
        meta.get("issuer"),
        meta.get("issued_on"),
        bool(meta.get("signatures")),
        "number_blank" in (meta.get("warnings") or []),
        estimated,
    )
