"""Every form's error paths (issue 15, item 1): a table of bad inputs per form; each is answered 400 on the form's
own page with a Vietnamese message, the values typed kept, and never a server error."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from evidence.round.campaign import create_campaign
from evidence.round.scoring import appraise, raise_objection, set_self_score
from evidence.frameworks.model import save_framework
from evidence.store import Store
from evidence.web import create_app

from conftest import CAMPAIGN_YAML, small_framework
from web_support import attach, csrf_of, login, make_accounts, plan_pdf, to_stage

C = "/c/test-2025"
K = f"{C}/u/STP/k/1.1"
LONG = "x" * 2001


@pytest.fixture(scope="module")
def world(tmp_path_factory, module_database):
    root = tmp_path_factory.mktemp("forms")
    store = Store.init(root / "store")
    save_framework(store, small_framework())
    (root / "campaign.yaml").write_text(CAMPAIGN_YAML, encoding="utf-8")
    create_campaign(store, root / "campaign.yaml")
    make_accounts(store)
    evidence_id = attach(store, plan_pdf(root / "stp.pdf", number="12/KH-STP"), "STP", "1.1")
    for unit in ("STP", "SYT"):
        set_self_score(store, "test-2025", unit, "1.1", 3, by="setup")
        appraise(store, "test-2025", unit, "1.1", 2, by="setup")
    raise_objection(store, "test-2025", "SYT", "1.1", "Đề nghị xem xét lại", by="setup")
    store.close()
    open_window(root / "store")
    app = create_app(root / "store", ocr=False)
    return {"app": app, "evidence": evidence_id, "root": root, "pdf": plan_pdf(root / "up.pdf").read_bytes()}


def open_window(store_path):
    """The objection and agreement forms are open (see test_web_publication.py)."""
    to_stage(store_path, "test-2025", "objections")


def client_as(world, name):
    client = TestClient(world["app"])
    return client, login(client, name)


# (who, url, data, message expected on the page, values that must still be in the form)
CASES = [
    # the accounts page (the 500 of issue 15)
    ("thuky", "/users/add", {"name": "moi", "role": "reviewer", "password": "1234567"}, "ít nhất 8 ký tự", ["moi"]),
    (
        "thuky",
        "/users/add",
        {"name": "Tên Có Dấu", "role": "reviewer", "password": "mat-khau-dai"},
        "chữ thường không dấu",
        ["Tên Có Dấu".lower()],
    ),
    ("thuky", "/users/add", {"name": "moi2", "role": "admin", "password": "mat-khau-dai"}, "Chọn vai trò", ["moi2"]),
    (
        "thuky",
        "/users/add",
        {"name": "moi3", "role": "unit", "unit": "", "password": "mat-khau-dai"},
        "cần chọn đơn vị",
        ["moi3"],
    ),
    (
        "thuky",
        "/users/add",
        {"name": "moi4", "role": "unit", "unit": "XYZ", "password": "mat-khau-dai"},
        "Không có đơn vị mã «XYZ»",
        ["moi4"],
    ),
    (
        "thuky",
        "/users/add",
        {"name": "stp", "role": "unit", "unit": "STP", "password": "mat-khau-dai"},
        "Tên đăng nhập này đã có",
        ["stp"],
    ),
    ("thuky", "/users/add", {"name": "moi5", "role": "reviewer", "password": "p" * 257}, "tối đa 256 ký tự", ["moi5"]),
    ("thuky", "/users/stp", {"action": "password", "password": "x"}, "ít nhất 8 ký tự", []),
    ("thuky", "/users/stp", {"action": "password", "password": "p" * 300}, "tối đa 256 ký tự", []),
    ("thuky", "/users/stp", {"action": "xoa"}, "Thao tác không hợp lệ", []),
    ("thuky", "/users/thuky", {"action": "disable"}, "Không thể tự khóa", []),
    # signing in and the user's own password
    ("anonymous", "/login", {"name": "", "password": "x"}, "Nhập tên đăng nhập", []),
    ("anonymous", "/login", {"name": "stp", "password": ""}, "Nhập mật khẩu", ['value="stp"']),
    (
        "stp",
        "/password",
        {"current": "sai", "new": "mat-khau-moi-1", "again": "mat-khau-moi-1"},
        "Mật khẩu hiện tại không đúng",
        [],
    ),
    ("syt", "/password", {"current": "syt-pass-1", "new": "ngan", "again": "ngan"}, "ít nhất 8 ký tự", []),
    ("syt", "/password", {"current": "syt-pass-1", "new": "mat-khau-moi-1", "again": "khac-nhau-1"}, "không khớp", []),
    ("syt", "/password", {"current": "syt-pass-1", "new": "p" * 300, "again": "p" * 300}, "tối đa 256 ký tự", []),
    # the unit's forms
    ("stp", f"{K}/upload", {"pages": "2-3", "note": "ghi chú giữ lại"}, "Chọn ít nhất một tệp", ["ghi chú giữ lại"]),
    (
        "stp",
        f"{K}/upload",
        {"pages": "hai", "note": "ghi chú 2", "files": True},
        "Trang ghi như",
        ["ghi chú 2", 'value="hai"'],
    ),
    ("stp", f"{K}/upload", {"note": LONG, "files": True}, "tối đa 2000 ký tự", []),
    (
        "stp",
        f"{C}/u/STP/k/1.2/self-score",
        {"score": "", "explanation": "giải trình giữ lại"},
        "Nhập điểm tự chấm",
        ["giải trình giữ lại"],
    ),
    ("stp", f"{C}/u/STP/k/1.2/self-score", {"score": "hai", "explanation": "gt"}, "phải là một số", ['value="hai"']),
    ("stp", f"{C}/u/STP/k/1.2/self-score", {"score": "99"}, "vượt mức tối đa 3", ['value="99"']),
    ("stp", f"{C}/u/STP/k/1.2/self-score", {"score": "-1"}, "không được âm", ['value="-1"']),
    ("stp", f"{K}/objection", {"text": ""}, "Nêu nội dung kiến nghị", []),
    ("stp", f"{K}/detach/EVIDENCE", {"reason": LONG}, "tối đa 2000 ký tự", []),
    (
        "stp",
        f"{C}/u/STP/agreement",
        {"reference": "", "agreed_on": "05/01/2026", "note": "ghi chú ĐY"},
        "Nhập số văn bản",
        ["05/01/2026", "ghi chú ĐY"],
    ),
    (
        "stp",
        f"{C}/u/STP/agreement",
        {"reference": "15/STP-VP", "agreed_on": "31/02/2026"},
        "Ngày ghi như",
        ["15/STP-VP", "31/02/2026"],
    ),
    (
        "stp",
        f"{C}/u/STP/agreement",
        {"reference": "15/STP-VP", "agreed_on": ""},
        "Nhập ngày của văn bản",
        ["15/STP-VP"],
    ),
    ("stp", f"{C}/u/STP/submit", {}, "đánh dấu ô xác nhận", []),
    ("stp", "/e/EVIDENCE/correct", {"field": "number", "value": "không có số"}, "không hợp lệ", ["không có số"]),
    ("stp", "/e/EVIDENCE/correct", {"field": "issued_on", "value": "31/02/2025"}, "Ngày không hợp lệ", ["31/02/2025"]),
    # the council's forms
    (
        "thamdinh",
        f"{C}/u/STP/k/1.2/appraise",
        {"score": "", "comment": "nhận xét giữ lại"},
        "Nhập điểm thẩm định",
        ["nhận xét giữ lại"],
    ),
    (
        "thamdinh",
        f"{C}/u/STP/k/1.2/appraise",
        {"score": "ba", "comment": "nx", "force": "yes"},
        "phải là một số",
        ['value="ba"'],
    ),
    ("thamdinh", f"{C}/u/STP/k/1.2/appraise", {"score": "7", "force": "yes"}, "vượt mức tối đa 3", ['value="7"']),
    (
        "thamdinh",
        f"{C}/u/SYT/k/1.1/resolve",
        {"decision": "", "reason": "lý do giữ lại"},
        "Chọn chấp nhận hoặc không",
        ["lý do giữ lại"],
    ),
    ("thamdinh", f"{C}/u/SYT/k/1.1/resolve", {"decision": "accept", "score": ""}, "cần điểm thẩm định mới", []),
    ("thamdinh", f"{C}/u/SYT/k/1.1/resolve", {"decision": "reject", "reason": ""}, "cần nêu lý do", []),
    # the secretariat's forms
    ("thuky", f"{C}/u/STP/reopen", {"reason": "bổ sung"}, "Chưa mở lại được", ["bổ sung"]),
    ("thuky", f"{C}/documents/generate", {"kind": "khong-co"}, "Chọn loại văn bản", []),
]


@pytest.mark.parametrize("who, url, data, message, kept", CASES, ids=[f"{c[1]}:{c[3]}" for c in CASES])
def test_bad_input_is_a_400_on_the_form_with_a_vietnamese_message(world, who, url, data, message, kept):
    if who == "anonymous":
        client = TestClient(world["app"])
        token = csrf_of(client.get("/login").text)
    else:
        client, token = client_as(world, who)
    url = url.replace("EVIDENCE", str(world["evidence"]))
    fields = {k: v for k, v in data.items() if k != "files"}
    files = [("files", ("ke-hoach.pdf", world["pdf"], "application/pdf"))] if data.get("files") else None
    response = client.post(url, data={"csrf": token, **fields}, files=files, follow_redirects=False)
    assert response.status_code == 400, (response.status_code, response.text[:300])
    text = response.text
    assert message in text
    assert "Lỗi máy chủ" not in text and "Traceback" not in text
    assert '<form method="post"' in text  # the form is on the page again, to correct and resend
    for value in kept:
        assert value in text, f"{value!r} was not kept in the form"
