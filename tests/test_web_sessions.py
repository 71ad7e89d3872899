"""Server-side sessions (issue 15, item 2): the cookie is only a random id; logout, a password change, a locked
account and "sign out everywhere" end sessions at once (a copy of the cookie opens nothing afterwards); idle and
absolute timeouts; the secretariat sees the live sessions of each account."""

from __future__ import annotations

import base64
import time

import pytest
from starlette.testclient import TestClient

from evidence.web import accounts, create_app, sessions

from web_support import PASSWORDS, csrf_of, login, make_accounts

C = "/c/test-2025"


@pytest.fixture
def web(store, campaign):
    make_accounts(store)
    return {"store": store, "app": create_app(store.root, ocr=False)}


def signed_in(web, name):
    client = TestClient(web["app"])
    token = login(client, name)
    return client, token


def copy_of(client) -> TestClient:
    """Another browser holding a copy of this client's cookie (as an attacker who read it would)."""
    thief = TestClient(client.app)
    thief.cookies.set(sessions.COOKIE, client.cookies[sessions.COOKIE])
    return thief


def opens(client, url=f"{C}/u/STP") -> bool:
    return client.get(url, follow_redirects=False).status_code == 200


def test_the_cookie_is_a_random_id_and_the_database_keeps_only_its_hash(web):
    client, _ = signed_in(web, "stp")
    value = client.cookies[sessions.COOKIE]
    assert len(value) >= 40 and "." not in value  # not a signed payload
    decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    assert b"stp" not in decoded and b"csrf" not in decoded
    rows = web["store"].db.execute("SELECT id_hash, user_name FROM web_sessions WHERE user_name = 'stp'").fetchall()
    assert [r["id_hash"] for r in rows] == [sessions.hash_id(value)]
    assert value not in {r["id_hash"] for r in rows}


def test_logout_ends_the_session_for_every_copy_of_the_cookie(web):
    client, token = signed_in(web, "stp")
    thief = copy_of(client)
    assert opens(thief)
    response = client.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert response.status_code == 303
    assert not opens(client) and not opens(thief)
    assert thief.get(f"{C}/u/STP", follow_redirects=False).headers["location"].startswith("/login")


def test_sign_in_gives_a_new_id(web):
    client = TestClient(web["app"])
    token = csrf_of(client.get("/login").text)
    before = client.cookies[sessions.COOKIE]
    client.post("/login", data={"csrf": token, "name": "stp", "password": PASSWORDS["stp"]})
    assert client.cookies[sessions.COOKIE] != before
    fixed = TestClient(web["app"])
    fixed.cookies.set(sessions.COOKIE, before)  # the id an attacker planted before sign-in opens nothing
    assert not opens(fixed)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(web):
    phone, _ = signed_in(web, "stp")
    laptop, token = signed_in(web, "stp")
    response = laptop.post(
        "/password",
        data={"csrf": token, "current": PASSWORDS["stp"], "new": "mat-khau-moi-9", "again": "mat-khau-moi-9"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert opens(laptop) and not opens(phone)


def test_the_secretariat_resets_a_password_locks_an_account_or_signs_it_out_everywhere(web):
    admin, token = signed_in(web, "thuky")
    stp, _ = signed_in(web, "stp")
    page = admin.get("/users").text
    assert "1 phiên" in page and "Đăng xuất mọi nơi" in page
    assert admin.post("/users/stp", data={"csrf": token, "action": "signout"}).status_code == 200
    assert not opens(stp)
    assert web["store"].db.execute("SELECT COUNT(*) FROM web_sessions WHERE user_name = 'stp'").fetchone()[0] == 0

    stp, _ = signed_in(web, "stp")
    admin.post("/users/stp", data={"csrf": token, "action": "password", "password": "mat-khau-khac-1"})
    assert not opens(stp)

    syt, _ = signed_in(web, "syt")
    admin.post("/users/syt", data={"csrf": token, "action": "disable"})
    assert not opens(syt, f"{C}/u/SYT")
    admin.post("/users/syt", data={"csrf": token, "action": "enable"})
    assert not opens(syt, f"{C}/u/SYT")  # unlocking does not bring an ended session back


def test_the_command_line_ends_sessions_too(web):
    client, _ = signed_in(web, "stp")
    accounts.set_password(web["store"], "stp", "mat-khau-moi-2")
    assert not opens(client)


def _age(store, name, *, idle: float = 0, since_sign_in: float = 0):
    with store.transaction() as conn:
        conn.execute(
            "UPDATE web_sessions SET last_seen = last_seen - ?, created_at = created_at - ? WHERE user_name = ?",
            (idle, since_sign_in, name),
        )


def test_idle_timeout(web, monkeypatch):
    monkeypatch.setenv("EVIDENCE_WEB_SESSION_IDLE_MINUTES", "30")
    client, _ = signed_in(web, "stp")
    _age(web["store"], "stp", idle=29 * 60, since_sign_in=29 * 60)
    assert opens(client)  # a request moves the idle clock
    _age(web["store"], "stp", idle=31 * 60, since_sign_in=31 * 60)
    assert not opens(client)


def test_absolute_timeout_even_when_active(web, monkeypatch):
    monkeypatch.setenv("EVIDENCE_WEB_SESSION_HOURS", "2")
    client, _ = signed_in(web, "stp")
    _age(web["store"], "stp", since_sign_in=2 * 3600 + 5)
    assert not opens(client)


def test_timed_out_rows_are_pruned_and_anonymous_visits_make_no_rows(web, monkeypatch):
    store = web["store"]
    client, _ = signed_in(web, "stp")
    _age(store, "stp", idle=10 * 3600, since_sign_in=10 * 3600)
    anonymous = TestClient(web["app"])
    anonymous.get("/", follow_redirects=False)
    anonymous.get("/no-such-page")
    assert store.db.execute("SELECT COUNT(*) FROM web_sessions WHERE user_name IS NULL").fetchone()[0] == 0
    signed_in(web, "syt")  # a new session prunes the dead ones
    names = {r[0] for r in store.db.execute("SELECT user_name FROM web_sessions")}
    assert "stp" not in names


def test_active_sessions_list_address_and_times(web):
    signed_in(web, "stp")
    signed_in(web, "stp")
    live = sessions.active_sessions(web["store"], "stp")
    assert len(live) == 2
    assert all(s.client for s in live) and all(time.time() - s.last_seen < 60 for s in live)
    assert set(live[0].to_json()) == {"user", "created_at", "last_seen", "client", "user_agent"}


def test_cli_lists_and_ends_sessions(web, cli):
    import json

    client, _ = signed_in(web, "stp")
    result = cli("user", "sessions", "--json")
    assert result.exit_code == 0, result.output
    assert [s["user"] for s in json.loads(result.output)["sessions"]] == ["stp"]
    result = cli("user", "signout", "stp", "--json")
    assert result.exit_code == 0 and json.loads(result.output) == {"user": "stp", "ended": 1}
    assert not opens(client)
    result = cli("user", "signout", "khong-co")
    assert result.exit_code == 2 and "error:" in result.output
