"""Taking a link back: a wrong file, or the right file under the wrong criterion. The link moves to the
append-only `detached_links`, the original stays in the store, and the search index drops the link."""

from __future__ import annotations

from .. import config, search
from ..errors import EvidenceError, InputError, NotFound
from ..round.campaign import load_campaign
from ..round.scoring import submitted_on
from ..store import Store, chain, now_iso, writers
from ..vn.text import nfc


def detach_evidence(
    store: Store,
    evidence_id: int,
    *,
    campaign_id: str,
    unit_code: str,
    criterion_code: str,
    by: str | None = None,
    reason: str | None = None,
) -> dict:
    """Take back one link of a record to a criterion of a unit (a wrong file, or the right file under the wrong
    criterion). The link moves to `detached_links`, which keeps it for good; the original stays in the store
    (other links may use it) and the search index drops the link. Refused once the unit has submitted its
    self-assessment, as its self-scores are: the dossier the council appraises does not change under it."""
    campaign = load_campaign(store, campaign_id)
    by = nfc(by or config.current_user())
    reason = nfc(reason).strip() if reason else None
    promise = writers.note_pending(store.locks_dir, [evidence_id])  # the index follows, even after a kill
    try:
        with store.transaction() as conn:
            link = conn.execute(
                "SELECT * FROM links WHERE evidence_id = ? AND campaign_id = ? AND unit_code = ? AND criterion_code = ?",
                (evidence_id, campaign.id, unit_code, criterion_code),
            ).fetchone()
            if link is None:
                raise NotFound(
                    f"evidence #{evidence_id} is not linked to {unit_code}/{criterion_code} in campaign "
                    f"{campaign.id}; " + _where_linked(conn, evidence_id)
                )
            submitted = submitted_on(conn, campaign.id, unit_code)
            if submitted:
                raise InputError(
                    f"unit {unit_code} submitted its self-assessment on {submitted[:10]}; its evidence "
                    "cannot be detached until the secretariat reopens it"
                )
            detached_at = now_iso()
            cursor = conn.execute(
                "INSERT INTO detached_links(link_id, evidence_id, campaign_id, unit_code, criterion_code, filename, pages,"
                " note, linked_by, linked_at, detached_by, detached_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " ?, ?) RETURNING id",
                (
                    link["id"],
                    evidence_id,
                    campaign.id,
                    unit_code,
                    criterion_code,
                    link["filename"],
                    link["pages"],
                    link["note"],
                    link["linked_by"],
                    link["linked_at"],
                    by,
                    detached_at,
                    reason,
                ),
            )
            chain.record_row_event(conn, chain.DETACH, "detached_links", cursor.fetchone()[0], by)
            conn.execute("DELETE FROM links WHERE id = ?", (link["id"],))
    except BaseException:
        writers.clear_pending(promise)  # nothing changed
        raise
    result = {
        "evidence_id": evidence_id,
        "campaign": campaign.id,
        "unit": unit_code,
        "criterion": criterion_code,
        "link_id": link["id"],
        "filename": link["filename"],
        "detached_by": by,
        "detached_at": detached_at,
        "reason": reason,
        "warnings": [],
    }
    try:
        search.index_evidence(store, [evidence_id])
        writers.clear_pending(promise)
    except EvidenceError as exc:
        result["warnings"].append(f"index_not_updated: {exc}")
    return result


def _where_linked(conn, evidence_id: int) -> str:
    rows = conn.execute(
        "SELECT campaign_id, unit_code, criterion_code FROM links WHERE evidence_id = ? ORDER BY id", (evidence_id,)
    ).fetchall()
    if not rows:
        exists = conn.execute("SELECT 1 FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
        return "it has no links" if exists else "there is no such evidence"
    return "it is linked to " + ", ".join(f"{r[0]} {r[1]}/{r[2]}" for r in rows)
