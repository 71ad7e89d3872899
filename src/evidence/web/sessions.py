"""Server-side web sessions: the cookie carries only a random id; everything else is a row of `web_sessions`.

The row is keyed by the SHA-256 of the id, so a copy of the database does not give working cookies. Ending a
session deletes its row, so a copy of the cookie taken earlier opens nothing afterwards: logging out ends this
session; a password change, a locked account and the secretariat's "sign out everywhere" end every session of
that account (`end_user_sessions`). A session also ends after `EVIDENCE_WEB_SESSION_IDLE_MINUTES` without a
request and `EVIDENCE_WEB_SESSION_HOURS` after sign-in, whatever happens.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass

from .. import config
from ..store import Store

COOKIE = "evidence_session"
TOUCH_SECONDS = 30  # last_seen is written at most this often per session (one write, not one per request)


@dataclass
class Session:
    id_hash: str
    user_name: str | None
    data: dict
    created_at: float
    last_seen: float
    client: str | None = None
    user_agent: str | None = None

    def to_json(self) -> dict:
        return {
            "user": self.user_name,
            "created_at": _iso(self.created_at),
            "last_seen": _iso(self.last_seen),
            "client": self.client,
            "user_agent": self.user_agent,
        }


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def idle_seconds() -> int:
    return max(1, config.int_setting("EVIDENCE_WEB_SESSION_IDLE_MINUTES")) * 60


def absolute_seconds() -> int:
    return max(1, config.int_setting("EVIDENCE_WEB_SESSION_HOURS")) * 3600


def hash_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _row(row) -> Session:
    try:
        data = json.loads(row["data"])
    except ValueError:
        data = {}
    return Session(
        id_hash=row["id_hash"],
        user_name=row["user_name"],
        data=data if isinstance(data, dict) else {},
        created_at=row["created_at"],
        last_seen=row["last_seen"],
        client=row["client"],
        user_agent=row["user_agent"],
    )


def _alive_clause(now: float) -> tuple[str, tuple[float, float]]:
    return "last_seen > ? AND created_at > ?", (now - idle_seconds(), now - absolute_seconds())


def load(store: Store, session_id: str | None, *, now: float | None = None) -> Session | None:
    """The live session of this cookie value, its last_seen moved to now; None when unknown, ended or timed out."""
    if not session_id or len(session_id) > 128:
        return None
    now = time.time() if now is None else now
    where, args = _alive_clause(now)
    row = store.db.execute(
        f"SELECT * FROM web_sessions WHERE id_hash = ? AND {where}", (hash_id(session_id), *args)
    ).fetchone()
    if row is None:
        return None
    session = _row(row)
    if now - session.last_seen >= TOUCH_SECONDS:
        with store.transaction() as conn:
            conn.execute("UPDATE web_sessions SET last_seen = ? WHERE id_hash = ?", (now, session.id_hash))
        session.last_seen = now
    return session


def create(
    store: Store, data: dict, *, client: str | None = None, user_agent: str | None = None, now: float | None = None
) -> str:
    """A new session with this data; returns the id for the cookie. Ended and timed-out rows are pruned here."""
    now = time.time() if now is None else now
    session_id = secrets.token_urlsafe(32)
    where, args = _alive_clause(now)
    with store.transaction() as conn:
        conn.execute(f"DELETE FROM web_sessions WHERE NOT ({where})", args)
        conn.execute(
            "INSERT INTO web_sessions(id_hash, user_name, data, created_at, last_seen, client, user_agent)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                hash_id(session_id),
                data.get("user"),
                json.dumps(data, ensure_ascii=False),
                now,
                now,
                client,
                (user_agent or "")[:300] or None,
            ),
        )
    return session_id


def save(store: Store, id_hash: str, data: dict) -> None:
    """Store the changed data of a live session. A row ended meanwhile (logout in another tab) stays ended."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE web_sessions SET data = ?, user_name = ? WHERE id_hash = ?",
            (json.dumps(data, ensure_ascii=False), data.get("user"), id_hash),
        )


def end(store: Store, id_hash: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM web_sessions WHERE id_hash = ?", (id_hash,))


def end_user_sessions(store: Store, name: str) -> int:
    """End every session of this account (password change, lock, "sign out everywhere"); the number ended."""
    with store.transaction() as conn:
        return conn.execute("DELETE FROM web_sessions WHERE user_name = ?", (name,)).rowcount


def active_sessions(store: Store, name: str | None = None, *, now: float | None = None) -> list[Session]:
    """The live signed-in sessions (of one account, or of all), most recent first."""
    now = time.time() if now is None else now
    where, args = _alive_clause(now)
    sql = f"SELECT * FROM web_sessions WHERE user_name IS NOT NULL AND {where}"
    params: tuple = args
    if name is not None:
        sql += " AND user_name = ?"
        params = (*args, name)
    return [_row(r) for r in store.db.execute(sql + " ORDER BY last_seen DESC", params)]
