"""The role × route matrix: every route of the web app, for every role (and anonymous), allowed or refused on
the server — including ids of other units' objects typed into URLs — and CSRF on every POST."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from evidence.round.campaign import create_campaign
from evidence.frameworks.model import save_framework
from evidence.store import Store
from evidence.web import create_app
from evidence.web.routes import ROUTES
from evidence.web.services import documents_dir

from conftest import CAMPAIGN_YAML, small_framework
from web_support import attach, login, make_accounts, plan_pdf

ROLES = ("anonymous", "thuky", "thamdinh", "stp", "syt")
C = "/c/test-2025"


@pytest.fixture(scope="module")
def world(tmp_path_factory, module_database):
    root = tmp_path_factory.mktemp("authz")
    store = Store.init(root / "store")
    save_framework(store, small_framework())
    (root / "campaign.yaml").write_text(CAMPAIGN_YAML, encoding="utf-8")
    create_campaign(store, root / "campaign.yaml")
    make_accounts(store)
    e_stp = attach(store, plan_pdf(root / "stp.pdf", number="12/KH-STP"), "STP", "1.1")
    e_syt = attach(store, plan_pdf(root / "syt.pdf", number="7/KH-SYT"), "SYT", "1.1")
    folder = documents_dir(store, "test-2025")
    folder.mkdir(parents=True)
    (folder / "test-2025-plan.docx").write_bytes(b"PK\x03\x04 docx")
    store.close()
    app = create_app(root / "store", ocr=False)
    clients, tokens = {}, {}
    for role in ROLES:
        client = TestClient(app)
        if role == "anonymous":
            tokens[role] = ""
        else:
            tokens[role] = login(client, role)
        clients[role] = client
    upload = plan_pdf(root / "upload.pdf", number="20/BC-STP", subject="Báo cáo cải cách hành chính quý I")
    return {
        "root": root,
        "app": app,
        "clients": clients,
        "tokens": tokens,
        "e_stp": e_stp,
        "e_syt": e_syt,
        "upload": upload.read_bytes(),
    }


SEC, REV, STP, SYT = "thuky", "thamdinh", "stp", "syt"
STAFF = {SEC, REV}
ALL = {SEC, REV, STP, SYT}


def cases(w):
    """(method, url, data, roles allowed). Ordered so that earlier allowed writes make later ones possible
    (appraise before objection before resolve; submit last)."""
    e, other = w["e_stp"], w["e_syt"]
    K = f"{C}/u/STP/k/1.1"
    return [
        ("GET", "/", None, ALL),
        ("GET", "/password", None, ALL),
        ("GET", "/login", None, ALL | {"anonymous"}),
        ("POST", "/password", {"current": "wrong", "new": "x", "again": "y"}, ALL),  # reaches the form check
        ("GET", f"{C}/u/STP", None, {SEC, REV, STP}),
        ("GET", f"{C}/u/SYT", None, {SEC, REV, SYT}),
        ("GET", K, None, {SEC, REV, STP}),
        ("GET", f"{C}/u/SYT/k/1.1", None, {SEC, REV, SYT}),
        ("GET", f"{C}/u/STP/self-report", None, {SEC, REV, STP}),
        ("GET", f"{C}/u/SYT/dossier", None, {SEC, REV, SYT}),
        ("GET", f"/e/{e}", None, {SEC, REV, STP}),
        ("GET", f"/e/{e}/file", None, {SEC, REV, STP}),
        ("GET", f"/e/{other}", None, {SEC, REV, SYT}),
        ("GET", f"/e/{other}/file?inline=1", None, {SEC, REV, SYT}),
        ("GET", f"{C}/units", None, STAFF),
        ("GET", "/search?q=k%E1%BA%BF+ho%E1%BA%A1ch", None, STAFF),
        ("GET", f"{C}/dashboard", None, {SEC}),
        ("GET", f"{C}/documents", None, {SEC}),
        ("GET", f"{C}/documents/test-2025-plan.docx", None, {SEC}),
        ("GET", "/users", None, {SEC}),
        ("POST", f"{C}/u/STP/k/1.2/upload", {"files": ("bao-cao.pdf", w["upload"], "application/pdf")}, {STP}),
        ("POST", f"{K}/self-score", {"score": "3", "explanation": "Đã ban hành kế hoạch"}, {STP}),
        ("POST", f"/e/{e}/correct", {"field": "number", "value": "12/KH-STP"}, {SEC, STP}),
        ("POST", f"/e/{other}/correct", {"field": "number", "value": "7/KH-SYT"}, {SEC, SYT}),
        ("POST", f"{K}/detach/{other}", {"reason": "nhầm"}, set()),  # another unit's file: nobody
        ("POST", f"{K}/detach/{e}", {"reason": "nhầm tiêu chí"}, {STP}),
        ("POST", f"{K}/appraise", {"score": "2", "comment": "Thiếu phụ lục", "force": "yes"}, STAFF),
        ("POST", f"{K}/objection", {"text": "Đề nghị xem xét lại"}, {STP}),
        ("POST", f"{K}/resolve", {"decision": "reject", "reason": "Giữ nguyên"}, STAFF),
        ("POST", f"{C}/u/STP/agreement", {"reference": "15/STP-VP", "agreed_on": "2025-12-01"}, {STP}),
        ("POST", f"{C}/documents/workbook", {}, {SEC}),
        ("POST", f"{C}/documents/generate", {"kind": "plan"}, {SEC}),
        ("POST", "/users/add", {"name": "moi", "role": "reviewer", "password": "mat-khau-moi"}, {SEC}),
        ("POST", "/users/moi", {"action": "disable"}, {SEC}),
        ("POST", f"{C}/u/STP/submit", {"confirm": "yes", "ack": "yes"}, {STP}),
        ("POST", f"{C}/u/STP/reopen", {"reason": "bổ sung"}, {SEC}),
        ("POST", "/login", {"name": "x", "password": "y"}, ALL),  # reaches the login check (wrong password)
        ("POST", "/logout", {}, ALL),
    ]


def _send(client, method, url, data, token):
    if method == "GET":
        return client.get(url, follow_redirects=False)
    fields = {k: v for k, v in (data or {}).items() if not isinstance(v, tuple)}
    files = [(k, v) for k, v in (data or {}).items() if isinstance(v, tuple)]
    if token is not None:
        fields["csrf"] = token
    return client.post(url, data=fields, files=files or None, follow_redirects=False)


def _refused(role, response) -> bool:
    if role == "anonymous":
        return (
            response.status_code == 303 and response.headers["location"].startswith("/login")
        ) or response.status_code in (401, 403)
    return response.status_code in (403, 404)


def test_every_route_is_in_the_matrix(world):
    covered = {(m, url.split("?")[0]) for m, url, _d, _r in cases(world)}
    templates = set()
    for route in ROUTES:
        for method in sorted(route.methods - {"HEAD"}):
            templates.add((method, route.path))
    import re

    def matches(template, url):
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        return re.match(pattern, url) is not None

    missing = [t for t in templates if not any(m == t[0] and matches(t[1], u) for m, u in covered)]
    assert not missing, f"routes without a matrix case: {missing}"


def test_role_route_matrix(world):
    clients, tokens = world["clients"], world["tokens"]
    all_cases = cases(world)
    # 1. every refusal first (they must change nothing), 2. then the allowed calls in order
    for method, url, data, allowed in all_cases:
        if url == "/logout" or url == "/login":
            continue
        for role in ROLES:
            if role in allowed:
                continue
            response = _send(clients[role], method, url, data, tokens[role])
            assert _refused(role, response), f"{role} {method} {url}: {response.status_code} should be refused"
    for method, url, data, allowed in all_cases:
        if url == "/logout":
            continue
        for role in sorted(allowed):
            response = _send(clients[role], method, url, data, tokens[role])
            assert response.status_code in (200, 303, 400, 401), f"{role} {method} {url}: {response.status_code}"
            if response.status_code == 303:
                assert not response.headers["location"].startswith("/login"), f"{role} {method} {url}"
            # allowed: the request reached the library (a 400 is the library's own refusal, e.g. resolving an
            # objection the other reviewer has just resolved), never an authorization or CSRF refusal
            assert response.status_code not in (403, 404), f"{role} {method} {url}"
            assert "CSRF" not in response.text
    for role in ("thuky", "stp"):
        assert _send(clients[role], "POST", "/logout", {}, tokens[role]).status_code == 303
        assert clients[role].get("/", follow_redirects=False).headers["location"].startswith("/login")


def test_refused_writes_changed_nothing(world):
    store = Store.open(world["root"] / "store")
    try:
        # only the unit itself ever set a self-score; nobody but STP attached to STP 1.2
        who = {r["by"] for r in store.db.execute("SELECT by FROM score_events WHERE kind = 'self'")}
        assert who <= {"stp"}
        linkers = {
            r[0]
            for r in store.db.execute("SELECT linked_by FROM links WHERE unit_code = 'STP' AND criterion_code = '1.2'")
        }
        assert linkers <= {"stp"}
        correctors = {r[0] for r in store.db.execute("SELECT corrected_by FROM metadata_corrections")}
        assert "thamdinh" not in correctors
        by_evidence = {
            (r[0], r[1]) for r in store.db.execute("SELECT evidence_id, corrected_by FROM metadata_corrections")
        }
        assert (world["e_syt"], "stp") not in by_evidence and (world["e_stp"], "syt") not in by_evidence
        assert {r[0] for r in store.db.execute("SELECT name FROM users")} >= {"moi"}
        # only STP took back a link, and only its own
        assert {(r[0], r[1]) for r in store.db.execute("SELECT detached_by, unit_code FROM detached_links")} == {
            ("stp", "STP")
        }
    finally:
        store.close()


def test_post_without_csrf_is_refused(world, tmp_path):
    app = world["app"]
    client = TestClient(app)
    login(client, "syt")
    before = _self_scores(world)
    response = client.post(f"{C}/u/SYT/k/1.1/self-score", data={"score": "1"}, follow_redirects=False)
    assert response.status_code == 403
    assert "CSRF" in response.text
    response = client.post(f"{C}/u/SYT/k/1.1/self-score", data={"score": "1", "csrf": "forged"}, follow_redirects=False)
    assert response.status_code == 403
    assert _self_scores(world) == before


def _self_scores(world):
    store = Store.open(world["root"] / "store")
    try:
        return store.db.execute("SELECT COUNT(*) FROM score_events").fetchone()[0]
    finally:
        store.close()


def test_guessed_ids_answer_like_missing_ones(world):
    client = TestClient(world["app"])
    login(client, "stp")
    other = client.get(f"/e/{world['e_syt']}")
    missing = client.get("/e/999999")
    assert other.status_code == missing.status_code == 404
    assert client.get("/e/abc").status_code == 404
    assert client.get(f"{C}/u/SYT/k/1.1").status_code == 404
    assert client.get("/c/no-such/u/STP").status_code == 404
    # the unit's own pages do not list other units' evidence
    assert "7/KH-SYT" not in client.get(f"{C}/u/STP/k/1.1").text
