"""Web accounts: who may sign in, with which role, for which unit; passwords hashed with Argon2id.

Roles: `secretariat` (runs the round: everything, users, documents), `reviewer` (council member: every unit,
appraise, resolve objections, search, evidence read-only), `unit` (one unit code: its own evidence and scores in
every campaign where that code exists).

Failed logins are counted per user name and client address in the database, so a throttle survives restarts and
holds across server processes.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import InputError, NotFound
from ..store import Store, chain, now_iso
from ..suggest import did_you_mean
from ..vn.text import nfc
from . import sessions

ROLES = ("secretariat", "reviewer", "unit")
ROLE_LABELS = {"secretariat": "Thư ký / Văn phòng", "reviewer": "Thành viên Hội đồng thẩm định", "unit": "Đơn vị"}
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256

THROTTLE_FAILURES = 5  # failed attempts …
THROTTLE_WINDOW = 5 * 60  # … within this many seconds block further attempts for the same name + address

# Argon2id with the OWASP minimum (19 MiB, 2 passes, 1 lane): about 50 ms a check on a modest server, so a
# sign-in is quick while an offline guess stays expensive. Hashes with other parameters still verify and are
# re-hashed with these at the next sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_dummy_hash: list[str] = []


def _dummy() -> str:
    """Verified when the user does not exist, so a wrong name costs as much time as a wrong password. Computed
    on first use (a hash costs ~50-90 ms; every command that imports this module would pay it at start)."""
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash("not-a-real-password"))
    return _dummy_hash[0]


@dataclass(frozen=True)
class User:
    name: str
    role: str
    unit: str | None
    created_at: str
    disabled: bool = False

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "role": self.role,
            "unit": self.unit,
            "created_at": self.created_at,
            "disabled": self.disabled,
        }


class LoginThrottled(InputError):
    """Too many failed attempts for this name from this address."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"too many failed attempts; try again in {retry_after} s")


def _user(row) -> User:
    return User(
        name=row["name"],
        role=row["role"],
        unit=row["unit_code"],
        created_at=row["created_at"],
        disabled=bool(row["disabled"]),
    )


def check_name(name: str) -> str:
    name = nfc(name or "").strip()
    if not NAME_PATTERN.match(name):
        raise InputError(
            f"user name '{name}': use 2–64 lower-case letters, digits, '.', '_' or '-' "
            "(no spaces, no diacritics), starting with a letter or digit"
        )
    return name


def check_password(password: str) -> str:
    if password is None or len(password) < MIN_PASSWORD:
        raise InputError(f"password: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"password: at most {MAX_PASSWORD} characters")
    return password


def unit_codes(store: Store) -> list[str]:
    return [r[0] for r in store.db.execute("SELECT DISTINCT code FROM units ORDER BY code")]


def _check_role_unit(store: Store, role: str, unit: str | None) -> str | None:
    if role not in ROLES:
        raise InputError(f"role '{role}' is not one of {', '.join(ROLES)}")
    if role != "unit":
        if unit:
            raise InputError(f"--unit is only for role 'unit' (a {role} sees every unit)")
        return None
    unit = nfc(unit or "").strip()
    if not unit:
        raise InputError("role 'unit' needs --unit CODE (the unit's code in the campaigns)")
    codes = unit_codes(store)
    if unit not in codes:
        hint = did_you_mean(unit, codes) if codes else "no campaign yet; create one first"
        raise InputError(f"unknown unit '{unit}'; {hint}")
    return unit


def add_user(store: Store, name: str, role: str, password: str, *, unit: str | None = None) -> User:
    name = check_name(name)
    unit = _check_role_unit(store, role, unit)
    check_password(password)
    digest = _hasher.hash(password)
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise InputError(f"user '{name}' already exists (use `evidence user passwd {name}` to change the password)")
        conn.execute(
            "INSERT INTO users(name, role, unit_code, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, role, unit, digest, now_iso()),
        )
        chain.record_user(conn, name, "added", None)
    return get_user(store, name)


def get_user(store: Store, name: str) -> User:
    row = store.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        names = [r[0] for r in store.db.execute("SELECT name FROM users")]
        raise NotFound(f"no user '{name}'" + ("; " + did_you_mean(name, names) if names else ""))
    return _user(row)


def find_user(store: Store, name: str) -> User | None:
    row = store.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return _user(row) if row else None


def list_users(store: Store) -> list[User]:
    return [_user(r) for r in store.db.execute("SELECT * FROM users ORDER BY role, unit_code, name")]


def set_password(store: Store, name: str, password: str) -> User:
    get_user(store, name)
    check_password(password)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ?",
            (_hasher.hash(password), now_iso(), name),
        )
        chain.record_user(conn, name, "password", None)
    sessions.end_user_sessions(store, name)  # a copy of an old cookie must not outlive the old password
    return get_user(store, name)


def set_disabled(store: Store, name: str, disabled: bool) -> User:
    get_user(store, name)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE users SET disabled = ?, updated_at = ? WHERE name = ?", (1 if disabled else 0, now_iso(), name)
        )
        chain.record_user(conn, name, "disabled" if disabled else "enabled", None)
    if disabled:
        sessions.end_user_sessions(store, name)
    return get_user(store, name)


def ensure_user(store: Store, name: str, role: str, password: str, *, unit: str | None = None) -> User:
    """Create the account, or bring an existing one to this role, unit and password (used by the demo)."""
    existing = find_user(store, name)
    if existing is None:
        return add_user(store, name, role, password, unit=unit)
    unit = _check_role_unit(store, role, unit)
    check_password(password)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE users SET role = ?, unit_code = ?, password_hash = ?, disabled = 0, updated_at = ? WHERE name = ?",
            (role, unit, _hasher.hash(password), now_iso(), name),
        )
        chain.record_user(conn, name, "updated", None)
    sessions.end_user_sessions(store, name)
    return get_user(store, name)


# ---------------------------------------------------------------- signing in


def _throttle_key(name: str, client: str) -> str:
    return f"{name}|{client}"


def throttle_wait(store: Store, name: str, client: str, *, now: float | None = None) -> int:
    """Seconds until `name` may try again from `client` (0: now)."""
    now = time.time() if now is None else now
    rows = [
        r[0]
        for r in store.db.execute(
            "SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at",
            (_throttle_key(name, client), now - THROTTLE_WINDOW),
        )
    ]
    if len(rows) < THROTTLE_FAILURES:
        return 0
    return max(1, int(rows[-THROTTLE_FAILURES] + THROTTLE_WINDOW - now) + 1)


def authenticate(store: Store, name: str, password: str, *, client: str = "local") -> User | None:
    """The user when name and password match an enabled account, else None. Raises LoginThrottled after
    THROTTLE_FAILURES failures for this name from this client within THROTTLE_WINDOW seconds."""
    name = nfc(name or "").strip().lower()
    wait = throttle_wait(store, name, client)
    if wait:
        raise LoginThrottled(wait)
    row = store.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    ok = False
    try:
        ok = _hasher.verify(row["password_hash"] if row else _dummy(), password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not row or not ok or row["disabled"]:
        now = time.time()
        with store.transaction() as conn:
            conn.execute("INSERT INTO login_failures(key, at) VALUES (?, ?)", (_throttle_key(name, client), now))
            conn.execute("DELETE FROM login_failures WHERE at < ?", (now - 24 * 3600,))
        return None
    with store.transaction() as conn:
        conn.execute("DELETE FROM login_failures WHERE key = ?", (_throttle_key(name, client),))
        if _hasher.check_needs_rehash(row["password_hash"]):
            conn.execute("UPDATE users SET password_hash = ? WHERE name = ?", (_hasher.hash(password), name))
            chain.record_user(conn, name, "rehashed", name)
    return _user(row)


def unit_campaigns(store: Store, unit_code: str) -> list[str]:
    """The campaigns where this unit code exists (a unit account sees all of them)."""
    return [
        r[0]
        for r in store.db.execute(
            "SELECT c.id FROM campaigns c JOIN units u ON u.campaign_id = c.id WHERE u.code = ?"
            " ORDER BY c.created_at DESC, c.id",
            (unit_code,),
        )
    ]
