"""The current-state tables checked against the events they come from.

Each record, link, detached link, correction, score event, account and campaign must be exactly what the last
event about it says (the payload built from the row now equals the payload recorded then); the scores and the
units' submission state must be what replaying the score events gives. Anything changed behind the program's back
— a record's text edited, two records' hashes swapped, a score updated with no event, a score event rewritten
after dropping its trigger — shows up here by name.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from . import chain
from .dialect import Database, dialect, table_names, trigger_names

# The append-only triggers the schema creates; one dropped is a sign of tampering.
APPEND_ONLY_TRIGGERS = (
    "score_events_no_update",
    "score_events_no_delete",
    "metadata_corrections_no_update",
    "metadata_corrections_no_delete",
    "detached_links_no_update",
    "detached_links_no_delete",
    "events_no_update",
    "events_no_delete",
)
MAX_PROBLEMS = 200


APPEND_ONLY_TABLES = ("score_events", "metadata_corrections", "detached_links", "events")


def missing_triggers(conn: Database) -> list[str]:
    present = trigger_names(conn)
    if dialect(conn) == "postgresql":  # one trigger per table refuses both UPDATE and DELETE
        return [name for name in (f"{t}_append_only" for t in APPEND_ONLY_TABLES) if name not in present]
    return [name for name in APPEND_ONLY_TRIGGERS if name not in present]


# table, key column, the payload of a row, the event kinds that set it, the kinds that remove it (and the key of
# the removed row in their payload), the key in the payload
_Spec = tuple[str, str, Callable, tuple[str, ...], tuple[str, ...], str, str]
SPECS: list[_Spec] = [
    ("evidence", "id", chain.evidence_payload, (chain.EVIDENCE_STORED, chain.EVIDENCE_UPDATED), (), "evidence_id", ""),
    ("links", "id", chain.link_payload, (chain.LINK,), (chain.DETACH,), "link_id", "link_id"),
    ("detached_links", "id", chain.detach_payload, (chain.DETACH,), (), "detached_id", ""),
    ("metadata_corrections", "id", chain.correction_payload, (chain.CORRECTION,), (), "correction_id", ""),
    ("score_events", "id", chain.score_event_payload, (chain.SCORE_EVENT,), (), "score_event_id", ""),
    ("users", "name", chain.user_payload, (chain.USER,), (), "name", ""),
]
LABELS = {
    "evidence": "evidence #{}",
    "links": "link #{}",
    "detached_links": "detached link #{}",
    "metadata_corrections": "correction #{}",
    "score_events": "score event #{}",
    "users": "user '{}'",
    "campaigns": "campaign '{}'",
}


def _differences(now: dict, then: dict) -> str:
    keys = sorted(k for k in set(now) | set(then) if now.get(k) != then.get(k))
    return ", ".join(keys)


def check_history(conn: Database) -> list[str]:
    """Every mismatch between the current-state tables and the events, one line each (at most MAX_PROBLEMS)."""
    problems: list[str] = []
    events: dict[str, list[tuple[int, str, dict]]] = {}
    for event_id, kind, text in conn.execute("SELECT id, kind, payload FROM events ORDER BY id"):
        try:
            payload = json.loads(text)
        except ValueError:
            problems.append(f"event #{event_id} ({kind}): payload is not JSON")
            continue
        events.setdefault(kind, []).append((event_id, kind, payload))

    for table, column, build, set_kinds, remove_kinds, key, remove_key in SPECS:
        expected: dict[object, tuple[int, dict | None]] = {}
        merged = sorted(
            [e for k in set_kinds for e in events.get(k, [])] + [e for k in remove_kinds for e in events.get(k, [])]
        )
        for event_id, kind, payload in merged:
            if kind in remove_kinds:
                expected[payload.get(remove_key)] = (event_id, None)
            else:
                payload = {k: v for k, v in payload.items() if k != "action"}
                expected[payload.get(key)] = (event_id, payload)
        rows = {row[column]: row for row in conn.execute(f"SELECT * FROM {table}")}  # noqa: S608 - fixed names
        label = LABELS[table]
        for row_key, row in rows.items():
            found = expected.get(row_key)
            if found is None:
                problems.append(f"{label.format(row_key)}: no event records it (added behind the program's back)")
            elif found[1] is None:
                problems.append(f"{label.format(row_key)}: event #{found[0]} removed it, yet it is there")
            else:
                now_payload = build(row)
                then = found[1]
                if now_payload != then:  # the quick test; confirmed on the canonical form (NFC, JSON types)
                    now_payload = json.loads(chain.canonical(now_payload))
                    then = json.loads(chain.canonical(then))
                if now_payload != then:
                    problems.append(
                        f"{label.format(row_key)}: differs from event #{found[0]} ({_differences(now_payload, then)})"
                    )
        for row_key, (event_id, payload) in expected.items():
            if payload is not None and row_key not in rows:
                problems.append(f"{label.format(row_key)}: recorded by event #{event_id} but missing")
    problems.extend(_check_campaigns(conn, events.get(chain.CAMPAIGN, [])))
    present = table_names(conn)
    for table, keys, build, kind, payload_keys, label in _KEYED:
        if table in present:
            problems.extend(_check_keyed(conn, table, keys, build, events.get(kind, []), payload_keys, label))
    problems.extend(_check_scores(conn))
    return problems[:MAX_PROBLEMS]


def _check_campaigns(conn: Database, recorded: list[tuple[int, str, dict]]) -> list[str]:
    problems = []
    expected = {payload.get("campaign"): (event_id, payload) for event_id, _kind, payload in recorded}
    ids = [r[0] for r in conn.execute("SELECT id FROM campaigns")]
    for campaign_id in ids:
        if campaign_id not in expected:
            problems.append(f"campaign '{campaign_id}': no event records it")
            continue
        event_id, then = expected[campaign_id]
        now = json.loads(chain.canonical(chain.campaign_payload(conn, campaign_id)))
        if now != json.loads(chain.canonical(then)):
            problems.append(f"campaign '{campaign_id}': differs from event #{event_id} ({_differences(now, then)})")
    for campaign_id, (event_id, _payload) in expected.items():
        if campaign_id not in ids:
            problems.append(f"campaign '{campaign_id}': recorded by event #{event_id} but missing")
    return problems


# tables keyed by two columns, whose rows may be rewritten (upsert): the last event per key must match
_KEYED = [
    ("campaign_stages", ("campaign_id", "stage"), chain.stage_payload, chain.STAGE, ("campaign", "stage"), "stage"),
    (
        "issued_documents",
        ("campaign_id", "kind"),
        chain.register_payload,
        chain.REGISTERED,
        ("campaign", "document"),
        "registered document",
    ),
]


def _check_keyed(conn, table, keys, build, recorded, payload_keys, label) -> list[str]:
    problems = []
    expected = {tuple(p.get(k) for k in payload_keys): (event_id, p) for event_id, _kind, p in recorded}
    seen = set()
    for row in conn.execute(f"SELECT * FROM {table}"):  # noqa: S608 - fixed names
        key = tuple(row[k] for k in keys)
        seen.add(key)
        name = f"{label} {'/'.join(map(str, key))}"
        if key not in expected:
            problems.append(f"{name}: no event records it (added behind the program's back)")
            continue
        event_id, then = expected[key]
        now = json.loads(chain.canonical(build(row)))
        if now != json.loads(chain.canonical(then)):
            problems.append(f"{name}: differs from event #{event_id} ({_differences(now, then)})")
    for key, (event_id, _p) in expected.items():
        if key not in seen:
            problems.append(f"{label} {'/'.join(map(str, key))}: recorded by event #{event_id} but missing")
    return problems


_SCORE_COLUMNS = (
    "self_score",
    "explanation",
    "self_event_id",
    "appraised_score",
    "comment",
    "appraised_event_id",
    "objection",
    "objection_status",
    "resolution",
)
_UNIT_COLUMNS = ("submitted_at", "submitted_by", "agreed_on", "agreement_reference", "agreement_note")


def replay_scores(conn: Database) -> tuple[dict, dict]:
    """The `scores` and `score_units` state that the score events give, replayed in order."""
    scores: dict[tuple, dict] = {}
    units: dict[tuple, dict] = {}
    for e in conn.execute("SELECT * FROM score_events ORDER BY id"):
        kind = e["kind"]
        if e["criterion_code"] is not None:
            s = scores.setdefault(
                (e["campaign_id"], e["unit_code"], e["criterion_code"]), dict.fromkeys(_SCORE_COLUMNS)
            )
            if kind == "self":
                s.update(self_score=e["value"], explanation=e["text"], self_event_id=e["id"])
            elif kind == "appraised":
                s.update(appraised_score=e["value"], comment=e["text"], appraised_event_id=e["id"])
            elif kind == "objection":
                s.update(objection=e["text"], objection_status="open", resolution=None)
            elif kind == "objection_resolved":
                s.update(objection_status=e["outcome"], resolution=e["text"])
                if e["outcome"] == "accepted":
                    s.update(appraised_score=e["value"], appraised_event_id=e["id"])
        else:
            u = units.setdefault((e["campaign_id"], e["unit_code"]), dict.fromkeys(_UNIT_COLUMNS))
            if kind == "submission":
                u.update(submitted_at=e["at"], submitted_by=e["by"])
            elif kind == "reopen":
                u.update(submitted_at=None, submitted_by=None)
            elif kind == "agreement":
                u.update(agreed_on=e["event_date"], agreement_reference=e["reference"], agreement_note=e["text"])
    return scores, units


def _check_scores(conn: Database) -> list[str]:
    problems = []
    scores, units = replay_scores(conn)
    for table, columns, keys, expected in (
        ("scores", _SCORE_COLUMNS, ("campaign_id", "unit_code", "criterion_code"), scores),
        ("score_units", _UNIT_COLUMNS, ("campaign_id", "unit_code"), units),
    ):
        empty = dict.fromkeys(columns)
        seen = set()
        for row in conn.execute(f"SELECT * FROM {table}"):  # noqa: S608 - fixed names
            key = tuple(row[k] for k in keys)
            seen.add(key)
            want = expected.get(key, empty)
            wrong = [c for c in columns if row[c] != want[c]]
            if wrong:
                problems.append(
                    f"{table} {'/'.join(map(str, key))}: {', '.join(wrong)} not what the score events give "
                    f"(changed with no event)"
                )
        for key, want in expected.items():
            if key not in seen and want != empty:
                problems.append(f"{table} {'/'.join(map(str, key))}: missing, though score events set it")
    return problems
