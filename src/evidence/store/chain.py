"""The hash-chained history: every change a council relies on is one row of `events`, holding the hash of the
row before it, so rewriting any past event breaks every hash after it.

`record_event(conn, kind, payload, by)` appends one event inside the caller's transaction (the same transaction
as the change it records, so a change and its event are stored together or not at all). `chain_head(store)` is
the hash of the last event: the minutes and the announcement print it ("Mã kiểm chứng dữ liệu"), so a later
rewrite of the whole store is detectable against the signed paper. `walk_chain` re-computes every hash and
names the first broken link.

The payload of a change is built from the row it made by the `*_payload` functions below; `verify` builds the
same payloads from the current rows and compares (store/history.py), so a row edited behind the program's back
no longer matches the event it comes from.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .. import config
from .dialect import Database, table_names

GENESIS = "0" * 64  # the "previous hash" of the first event

# kinds of events (others may be added by other parts of the program: stage changes, register entries …)
EVIDENCE_STORED = "evidence_stored"
EVIDENCE_UPDATED = "evidence_updated"
LINK = "link"
DETACH = "detach"
CORRECTION = "correction"
SCORE_EVENT = "score_event"
USER = "user"
CAMPAIGN = "campaign"
STAGE = "stage_changed"  # a campaign moved to a stage (campaign_stages)
REGISTERED = "document_registered"  # the number and date a signed document of the round got (issued_documents)
ADOPTED_BY = "migration"  # `by` of the events that take into the chain what a store held before it existed


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {str(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nfc(v) for v in value]
    return value


def canonical(payload: Any) -> str:
    """The payload as stored and hashed: NFC text, sorted keys, no spaces, UTF-8 kept readable."""
    return json.dumps(_nfc(payload), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(prev_hash: str, event_id: int, kind: str, payload_text: str, by: str, at: str) -> str:
    digest = hashlib.sha256()
    for part in (prev_hash, str(event_id), kind, payload_text, by, at):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def record_event(conn: Database, kind: str, payload: dict, by: str | None, *, at: str | None = None) -> int:
    """Append one event to the chain; returns its id. Call it inside the transaction that makes the change
    (`with store.transaction() as conn:`): the chain's head is read and extended under that write lock."""
    if not conn.in_transaction:
        raise RuntimeError("record_event must be called inside a write transaction (store.transaction())")
    last = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[1] if last else GENESIS
    event_id = (last[0] + 1) if last else 1
    text = canonical(payload)
    who = unicodedata.normalize("NFC", by or "unknown")
    when = at or _now()
    conn.execute(
        "INSERT INTO events(id, kind, payload, by, at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (event_id, kind, text, who, when, prev, event_hash(prev, event_id, kind, text, who, when)),
    )
    return event_id


@dataclass(frozen=True)
class Head:
    events: int
    hash: str
    at: str | None

    def to_json(self) -> dict:
        return {"events": self.events, "hash": self.hash, "at": self.at}


def head(conn: Database) -> Head:
    row = conn.execute("SELECT id, hash, at FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return Head(row[0], row[1], row[2]) if row else Head(0, GENESIS, None)


def chain_head(store) -> str:
    """The hash of the last event (64 hex digits; GENESIS for an empty history): "Mã kiểm chứng dữ liệu"."""
    return head(store.db).hash


def walk_chain(conn: Database) -> tuple[int, str | None]:
    """Re-compute every hash in order: (events checked, description of the first broken link or None)."""
    prev = GENESIS
    expected_id = 1
    checked = 0
    for row in conn.execute("SELECT id, kind, payload, by, at, prev_hash, hash FROM events ORDER BY id"):
        event_id, kind, text, by, at, prev_hash, stored = row
        checked += 1
        if event_id != expected_id:
            return checked, f"event #{event_id}: expected #{expected_id} (events before it were removed)"
        if prev_hash != prev:
            return checked, f"event #{event_id} ({kind}): does not follow event #{event_id - 1} (previous hash differs)"
        if event_hash(prev_hash, event_id, kind, text, by, at) != stored:
            return checked, f"event #{event_id} ({kind}): its content no longer matches its hash (rewritten)"
        prev = stored
        expected_id += 1
    return checked, None


def list_events(
    conn: Database,
    *,
    kinds: list[str] | None = None,
    by: str | None = None,
    since: str | None = None,
    until: str | None = None,
    contains: str | None = None,
    campaign: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Events, oldest first, filtered by kind, author, time (ISO prefix), a text in the payload and a campaign
    (its own events, and those of the records linked to it: stored, corrected)."""
    clauses: list[str] = []
    params: list = []
    if campaign:
        clauses.append(
            "(json_extract(payload, '$.campaign') = ? OR json_extract(payload, '$.campaign_id') = ?"
            " OR (kind IN ('evidence_stored', 'evidence_updated', 'correction') AND CAST(json_extract(payload,"
            " '$.evidence_id') AS INTEGER) IN (SELECT evidence_id FROM links WHERE campaign_id = ?"
            " UNION SELECT evidence_id FROM detached_links WHERE campaign_id = ?)))"
        )
        params.extend([campaign] * 4)
    if kinds:
        clauses.append(f"kind IN ({','.join('?' * len(kinds))})")
        params.extend(kinds)
    if by:
        clauses.append("by = ?")
        params.append(by)
    if since:
        clauses.append("at >= ?")
        params.append(since)
    if until:
        clauses.append("at < ?")
        params.append(until + "\uffff")
    if contains:
        clauses.append("instr(payload, ?) > 0")
        params.append(unicodedata.normalize("NFC", contains))
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = f"SELECT id, kind, payload, by, at, hash FROM events {where} ORDER BY id"
    if limit:
        sql = (
            f"SELECT * FROM ({sql.replace('ORDER BY id', 'ORDER BY id DESC')} LIMIT {int(limit)}) AS recent ORDER BY id"
        )
    out = []
    for r in conn.execute(sql, params):
        try:
            payload = json.loads(r[2])
        except ValueError:
            payload = r[2]
        out.append({"id": r[0], "kind": r[1], "payload": payload, "by": r[3], "at": r[4], "hash": r[5]})
    return out


# ---------------------------------------------------------------- payloads built from rows


def _sha(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def evidence_payload(row) -> dict:
    """What a record is: its original (hash, size), its text and extracted metadata (by hash)."""
    return {
        "evidence_id": row["id"],
        "sha256": row["sha256"],
        "size": row["size"],
        "filename": row["filename"],
        "format": row["format"],
        "pages": row["pages"],
        "text_source": row["text_source"],
        "text_sha256": _sha(row["text"]),
        "metadata_sha256": _sha(row["metadata"]),
        "created_at": row["created_at"],
    }


def link_payload(row) -> dict:
    return {
        "link_id": row["id"],
        "evidence_id": row["evidence_id"],
        "campaign": row["campaign_id"],
        "unit": row["unit_code"],
        "criterion": row["criterion_code"],
        "filename": row["filename"],
        "pages": row["pages"],
        "note": row["note"],
        "linked_by": row["linked_by"],
        "linked_at": row["linked_at"],
    }


def detach_payload(row) -> dict:
    """A row of `detached_links` (the link as it was, who took it back and why): the link's payload, whose
    `link_id` is the id the link had, plus the detach."""
    return link_payload(row) | {
        "detached_id": row["id"],
        "link_id": row["link_id"],
        "detached_by": row["detached_by"],
        "detached_at": row["detached_at"],
        "reason": row["reason"],
    }


def correction_payload(row) -> dict:
    return {
        "correction_id": row["id"],
        "evidence_id": row["evidence_id"],
        "field": row["field"],
        "value": row["value"],
        "corrected_by": row["corrected_by"],
        "corrected_at": row["corrected_at"],
    }


def score_event_payload(row) -> dict:
    return {key: row[key] for key in row.keys()} | {"score_event_id": row["id"]}


def user_payload(row) -> dict:
    """An account as it now is; the password by a hash of its (Argon2) hash, never the hash itself."""
    return {
        "name": row["name"],
        "role": row["role"],
        "unit": row["unit_code"],
        "campaign": row["campaign_id"],
        "disabled": bool(row["disabled"]),
        "password": _sha(row["password_hash"])[:16],
    }


def campaign_payload(conn: Database, campaign_id: str) -> dict:
    row = conn.execute("SELECT * FROM campaigns WHERE id = ?", (campaign_id,)).fetchone()
    units = conn.execute(
        "SELECT code, name, kind, not_applicable, position FROM units WHERE campaign_id = ? ORDER BY position, code",
        (campaign_id,),
    ).fetchall()
    return {
        "campaign": row["id"],
        "name": row["name"],
        "framework": row["framework_id"],
        "year": row["year"],
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "config_sha256": _sha(row["config"]),
        "units": [[u["code"], u["name"], u["kind"], u["not_applicable"], u["position"]] for u in units],
        "created_at": row["created_at"],
    }


def stage_payload(row) -> dict:
    return {
        "campaign": row["campaign_id"],
        "stage": row["stage"],
        "stage_date": row["stage_date"],
        "by": row["by"],
        "at": row["at"],
    }


def register_payload(row) -> dict:
    return {
        "campaign": row["campaign_id"],
        "document": row["kind"],
        "number": row["number"],
        "issued_on": row["issued_on"],
        "issuer": row["issuer"],
        "subject": row["subject"],
        "signer": row["signer"],
        "pdf_sha256": row["pdf_sha256"],
        "registered_by": row["registered_by"],
        "registered_at": row["registered_at"],
    }


def record_stage(conn: Database, campaign_id: str, stage: str, by: str | None) -> int:
    """The event of a campaign's move to `stage` (after the row of campaign_stages is written)."""
    row = conn.execute(
        "SELECT * FROM campaign_stages WHERE campaign_id = ? AND stage = ?", (campaign_id, stage)
    ).fetchone()
    return record_event(conn, STAGE, stage_payload(row), by or row["by"])


def record_registration(conn: Database, campaign_id: str, kind: str, by: str | None) -> int:
    """The event of a document registered (its number and date), after the row of issued_documents is written."""
    row = conn.execute(
        "SELECT * FROM issued_documents WHERE campaign_id = ? AND kind = ?", (campaign_id, kind)
    ).fetchone()
    return record_event(conn, REGISTERED, register_payload(row), by or row["registered_by"])


# ---------------------------------------------------------------- helpers for the writers


def record_row_event(conn: Database, kind: str, table: str, row_id, by: str | None) -> int:
    """Record the event of a row just written (by its id), its payload built from the row as stored."""
    key = "name" if table == "users" else "id"
    row = conn.execute(f"SELECT * FROM {table} WHERE {key} = ?", (row_id,)).fetchone()  # noqa: S608 - fixed names
    builders = {
        "evidence": evidence_payload,
        "links": link_payload,
        "detached_links": detach_payload,
        "metadata_corrections": correction_payload,
        "score_events": score_event_payload,
        "users": user_payload,
    }
    return record_event(conn, kind, builders[table](row), by)


def record_user(conn: Database, name: str, action: str, by: str | None) -> int:
    """The event of an account created or changed (role, unit, password, disabled): its state after `action`.
    `by` None: the user running the program."""
    row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return record_event(conn, USER, user_payload(row) | {"action": action}, by or config.current_user())


def adopt_existing(conn: Database) -> int:
    """Take into the chain what a store held before the chain existed (run once, by migration 8, in its
    transaction): one event per record, link, detached link, correction, score event, account and campaign, as
    they are now. Returns the number of events written."""
    count = 0
    at = _now()

    def add(kind: str, payload: dict) -> None:
        nonlocal count
        record_event(conn, kind, payload, ADOPTED_BY, at=at)
        count += 1

    for row in conn.execute("SELECT id FROM campaigns ORDER BY created_at, id").fetchall():
        add(CAMPAIGN, campaign_payload(conn, row[0]))
    for row in conn.execute("SELECT * FROM evidence ORDER BY id").fetchall():
        add(EVIDENCE_STORED, evidence_payload(row))
    for row in conn.execute("SELECT * FROM detached_links ORDER BY id").fetchall():
        add(DETACH, detach_payload(row))
    for row in conn.execute("SELECT * FROM links ORDER BY id").fetchall():
        add(LINK, link_payload(row))
    for row in conn.execute("SELECT * FROM metadata_corrections ORDER BY id").fetchall():
        add(CORRECTION, correction_payload(row))
    for row in conn.execute("SELECT * FROM score_events ORDER BY id").fetchall():
        add(SCORE_EVENT, score_event_payload(row))
    for row in conn.execute("SELECT * FROM users ORDER BY name").fetchall():
        add(USER, user_payload(row) | {"action": "adopted"})
    tables = table_names(conn)
    if "campaign_stages" in tables:
        for row in conn.execute("SELECT * FROM campaign_stages ORDER BY id").fetchall():
            add(STAGE, stage_payload(row))
    if "issued_documents" in tables:
        for row in conn.execute("SELECT * FROM issued_documents ORDER BY registered_at, campaign_id, kind").fetchall():
            add(REGISTERED, register_payload(row))
    return count
