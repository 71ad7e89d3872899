"""The web app's behaviour per page: uploads through the reader (bad files, size limit, nothing outside the
store), downloads, sessions and throttling, corrections, escaping, and the CLI commands of the web area."""

from __future__ import annotations

import json
import re

import pytest
from pg_support import database_errors
from starlette.testclient import TestClient

from evidence.web import accounts
from evidence.records import get_evidence, list_evidence
from evidence.demo.accounts import demo_accounts
from evidence.web import create_app

from web_support import PASSWORDS, attach, csrf_of, login, make_accounts, plan_pdf, to_stage

C = "/c/test-2025"


@pytest.fixture
def web(store, campaign, tmp_path):
    make_accounts(store)
    app = create_app(store.root, ocr=False, max_upload_bytes=2 * 1024 * 1024)
    return {"store": store, "app": app, "tmp": tmp_path}


def client_for(web, name):
    client = TestClient(web["app"])
    token = login(client, name)
    return client, token


def _tmp_leftovers(store):
    return [p for p in (store.root / "tmp").rglob("*")]


def test_unit_uploads_a_pdf_with_its_vietnamese_name(web):
    store = web["store"]
    client, token = client_for(web, "stp")
    pdf = plan_pdf(web["tmp"] / "x.pdf").read_bytes()
    response = client.post(
        f"{C}/u/STP/k/1.1/upload",
        data={"csrf": token, "pages": "1", "note": "Bản ký số"},
        files=[("files", ("Kế hoạch CCHC 2025.pdf", pdf, "application/pdf"))],
    )
    assert response.status_code == 200
    assert "Đã tải lên 1 tệp: Kế hoạch CCHC 2025.pdf" in response.text
    rows = list_evidence(store, campaign_id="test-2025", unit_code="STP", criterion_code="1.1")
    assert len(rows) == 1
    link = rows[0]["links"][0]
    assert (link["filename"], link["pages"], link["note"], link["linked_by"]) == (
        "Kế hoạch CCHC 2025.pdf",
        "1",
        "Bản ký số",
        "stp",
    )
    assert _tmp_leftovers(store) == []
    download = client.get(f"/e/{rows[0]['evidence_id']}/file")
    assert download.status_code == 200 and download.content == pdf
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition and "K%E1%BA%BF%20ho%E1%BA%A1ch" in disposition
    inline = client.get(f"/e/{rows[0]['evidence_id']}/file?inline=1")
    assert inline.headers["content-disposition"].startswith("inline;")


def test_bad_files_get_a_message_and_nothing_is_stored(web):
    store = web["store"]
    client, token = client_for(web, "stp")
    good = plan_pdf(web["tmp"] / "g.pdf").read_bytes()
    response = client.post(
        f"{C}/u/STP/k/1.1/upload",
        data={"csrf": token},
        files=[
            ("files", ("hong.pdf", b"%PDF-1.4 this is not really a pdf \x00\x01\x02", "application/pdf")),
            (
                "files",
                ("virus.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" * 50, "application/octet-stream"),
            ),
            ("files", ("tot.pdf", good, "application/pdf")),
        ],
    )
    assert response.status_code == 200
    assert "Không lưu được 2 tệp" in response.text
    errors = re.findall(r"<li>([^<]*)</li>", response.text.split("Không lưu được 2 tệp")[1].split("</ul>")[0])
    assert [e.split(":")[0] for e in errors] == ["hong.pdf", "virus.exe"]
    assert all(len(e.split(":", 1)[1].strip()) > 5 for e in errors)  # a reason for each
    assert "/tmp/" not in response.text and str(store.root) not in response.text  # no server paths leak
    names = [l["filename"] for e in list_evidence(store, unit_code="STP") for l in e["links"]]
    assert names == ["tot.pdf"]
    assert _tmp_leftovers(store) == []


def test_upload_of_bad_files_only_answers_400(web):
    client, token = client_for(web, "stp")
    response = client.post(
        f"{C}/u/STP/k/1.1/upload",
        data={"csrf": token},
        files=[("files", ("hong.pdf", b"%PDF-1.4 not a pdf", "application/pdf"))],
    )
    assert response.status_code == 400 and "Không lưu được 1 tệp" in response.text


def test_no_file_chosen_says_so_next_to_the_field(web):
    client, token = client_for(web, "stp")
    response = client.post(f"{C}/u/STP/k/1.1/upload", data={"csrf": token, "pages": "abc"})
    assert response.status_code == 400
    assert 'id="err-files"' in response.text and "Chọn ít nhất một tệp" in response.text
    assert 'id="err-pages"' in response.text


def test_uploads_over_the_limit_are_refused_before_anything_is_stored(web):
    store = web["store"]
    client, token = client_for(web, "stp")
    big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    response = client.post(
        f"{C}/u/STP/k/1.1/upload", data={"csrf": token}, files=[("files", ("lon.pdf", big, "application/pdf"))]
    )
    assert response.status_code == 413
    assert "tối đa 2 MB" in response.text
    assert list_evidence(store, unit_code="STP") == []
    assert _tmp_leftovers(store) == []


def test_session_cookie_flags_and_security_headers(web, store):
    client = TestClient(web["app"])
    page = client.get("/login")
    cookie = page.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    secure_app = create_app(store.root, https_only=True)
    cookie = TestClient(secure_app, base_url="https://testserver").get("/login").headers["set-cookie"]
    assert "secure" in cookie.lower()


def test_login_is_throttled_after_five_failures(web):
    client = TestClient(web["app"])
    token = csrf_of(client.get("/login").text)
    for _ in range(5):
        response = client.post("/login", data={"csrf": token, "name": "stp", "password": "sai-mat-khau"})
        assert response.status_code == 401
        assert "không đúng" in response.text
    response = client.post("/login", data={"csrf": token, "name": "stp", "password": PASSWORDS["stp"]})
    assert response.status_code == 429
    assert "thử lại sau" in response.text
    # another account from the same address is not blocked
    client.post("/login", data={"csrf": token, "name": "syt", "password": PASSWORDS["syt"]})
    assert client.get("/", follow_redirects=False).status_code == 200


def test_login_redirects_only_to_local_pages(web):
    client = TestClient(web["app"])
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"csrf": token, "name": "stp", "password": PASSWORDS["stp"], "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_password_reset_and_disabling_end_sessions(web):
    store = web["store"]
    client, _ = client_for(web, "stp")
    assert client.get("/", follow_redirects=False).status_code == 200
    accounts.set_password(store, "stp", "mat-khau-moi-2")
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")
    client, _ = client_for(web, "syt")
    accounts.set_disabled(store, "syt", True)
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")


def test_correction_wins_everywhere_and_is_kept_in_history(web):
    store = web["store"]
    evidence_id = attach(store, plan_pdf(web["tmp"] / "p.pdf"), "STP", "1.1")
    client, token = client_for(web, "stp")
    bad = client.post(f"/e/{evidence_id}/correct", data={"csrf": token, "field": "number", "value": "không có số"})
    assert bad.status_code == 400 and "Số, ký hiệu không hợp lệ" in bad.text
    bad = client.post(f"/e/{evidence_id}/correct", data={"csrf": token, "field": "issued_on", "value": "31/02/2025"})
    assert bad.status_code == 400 and "Ngày không hợp lệ" in bad.text
    ok = client.post(f"/e/{evidence_id}/correct", data={"csrf": token, "field": "number", "value": "84 / qđ-ubnd"})
    assert ok.status_code == 200 and "Đã sửa “Số, ký hiệu”" in ok.text
    client.post(f"/e/{evidence_id}/correct", data={"csrf": token, "field": "issued_on", "value": "05/01/2025"})
    client.post(f"/e/{evidence_id}/correct", data={"csrf": token, "field": "type_code", "value": "QĐ"})
    meta = get_evidence(store, evidence_id)["metadata"]
    assert (meta["number"], meta["issued_on"], meta["type_code"], meta["type_name"]) == (
        "84/QĐ-UBND",
        "2025-01-05",
        "QĐ",
        "Quyết định",
    )
    assert list_evidence(store, unit_code="STP")[0]["number"] == "84/QĐ-UBND"
    rows = store.db.execute("SELECT field, value, corrected_by FROM metadata_corrections ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [
        ("number", "84/QĐ-UBND", "stp"),
        ("issued_on", "2025-01-05", "stp"),
        ("type_code", "QĐ", "stp"),
    ]
    with pytest.raises(database_errors(), match="append-only"):
        with store.transaction() as conn:
            conn.execute("UPDATE metadata_corrections SET value = 'x'")
    from evidence.search import search

    hits = search(store, "84/QĐ-UBND")
    assert [h["evidence_id"] for h in hits["results"]] == [evidence_id]


def test_user_text_is_escaped(web):
    client, token = client_for(web, "stp")
    pdf = plan_pdf(web["tmp"] / "x.pdf").read_bytes()
    client.post(
        f"{C}/u/STP/k/1.1/upload",
        data={"csrf": token, "note": "<script>alert(1)</script>"},
        files=[("files", ("<img src=x onerror=alert(1)>.pdf", pdf, "application/pdf"))],
    )
    page = client.get(f"{C}/u/STP/k/1.1").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page


def test_self_score_errors_are_shown_next_to_the_field_and_reviewers_cannot_set_them(web):
    store = web["store"]
    client, token = client_for(web, "stp")
    response = client.post(f"{C}/u/STP/k/1.1/self-score", data={"csrf": token, "score": "9"})
    assert response.status_code == 400 and 'id="err-score"' in response.text and "vượt mức tối đa 4" in response.text
    response = client.post(f"{C}/u/STP/k/1.1/self-score", data={"csrf": token, "score": "hai"})
    assert "phải là một số" in response.text
    response = client.post(
        f"{C}/u/STP/k/1.1/self-score", data={"csrf": token, "score": "3,5", "explanation": "Đủ"}, follow_redirects=True
    )
    assert "Đã lưu điểm tự chấm" in response.text
    reviewer, rtoken = client_for(web, "thamdinh")
    refused = reviewer.post(f"{C}/u/STP/k/1.1/self-score", data={"csrf": rtoken, "score": "0"})
    assert refused.status_code == 403
    from evidence.round.scoring import get_score

    assert get_score(store, "test-2025", "STP", "1.1").self_score == 3.5
    # submitted: locked
    client.post(f"{C}/u/STP/submit", data={"csrf": token, "confirm": "yes", "ack": "yes"})
    locked = client.post(f"{C}/u/STP/k/1.1/self-score", data={"csrf": token, "score": "1"})
    assert locked.status_code == 400 and "điểm tự chấm đã bị khóa" in locked.text


def test_demo_accounts_are_idempotent(store, campaign):
    first = demo_accounts(store)
    second = demo_accounts(store)
    assert first == second
    names = {a["name"]: a for a in first}
    assert names["thuky"]["role"] == "secretariat" and names["thamdinh"]["role"] == "reviewer"
    assert names["don-vi-stp"]["unit"] == "STP"
    for account in first:
        assert accounts.authenticate(store, account["name"], account["password"]) is not None


def test_cli_user_and_correct(cli, store, campaign, tmp_path):
    result = cli("user", "add", "thuky", "--role", "secretariat", "--password", "mat-khau-dai")
    assert result.exit_code == 0, result.output
    result = cli("user", "add", "stp", "--role", "unit", "--unit", "STX", "--password", "mat-khau-dai")
    assert result.exit_code == 2 and "unknown unit 'STX'" in result.output
    result = cli("user", "add", "ab", "--role", "reviewer", "--password", "ngan")
    assert result.exit_code == 2 and "at least 8" in result.output
    result = cli("user", "add", "stp", "--role", "unit", "--unit", "STP", input="mat-khau-stp\n")
    assert result.exit_code == 0, result.output
    result = cli("user", "list", "--json")
    users = json.loads(result.output)["users"]
    assert [(u["name"], u["role"], u["unit"]) for u in users] == [
        ("thuky", "secretariat", None),
        ("stp", "unit", "STP"),
    ]
    assert "hash" not in result.output
    result = cli("user", "passwd", "stp", "--password", "mat-khau-moi")
    assert result.exit_code == 0
    assert accounts.authenticate(store, "stp", "mat-khau-moi") is not None
    evidence_id = attach(store, plan_pdf(tmp_path / "p.pdf"), "STP", "1.1")
    result = cli("correct", evidence_id, "--field", "number", "--value", "84/QĐ-UBND", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["value"] == "84/QĐ-UBND"
    result = cli("show", evidence_id, "--json")
    assert json.loads(result.output)["metadata"]["number"] == "84/QĐ-UBND"
    result = cli("correct", evidence_id, "--field", "issued_on", "--value", "2025-13-40")
    assert result.exit_code == 2 and "issued_on" in result.output
    result = cli("correct", "999", "--field", "number", "--value", "1/QĐ-UBND")
    assert result.exit_code == 2 and "no evidence with id 999" in result.output


def test_objection_resolution_agreement_and_results(web):
    store = web["store"]
    attach(store, plan_pdf(web["tmp"] / "kh.pdf"), "STP", "1.1")
    unit, token = client_for(web, "stp")
    reviewer, rtoken = client_for(web, "thamdinh")
    unit.post(f"{C}/u/STP/k/1.1/self-score", data={"csrf": token, "score": "4"})
    early = unit.post(f"{C}/u/STP/k/1.1/objection", data={"csrf": token, "text": "Xem lại"})
    assert early.status_code == 400 and "giai đoạn tiếp nhận kiến nghị" in early.text
    reviewer.post(
        f"{C}/u/STP/k/1.1/appraise", data={"csrf": rtoken, "score": "2", "comment": "Thiếu phụ lục", "force": "yes"}
    )
    to_stage(store.root, "test-2025", "objections")
    empty = unit.post(f"{C}/u/STP/k/1.1/objection", data={"csrf": token, "text": " "})
    assert 'id="err-objection"' in empty.text
    unit.post(f"{C}/u/STP/k/1.1/objection", data={"csrf": token, "text": "Phụ lục đã có ở trang 3"})
    page = reviewer.get(f"{C}/u/STP/k/1.1").text
    assert "Xử lý kiến nghị" in page and "Phụ lục đã có ở trang 3" in page
    missing = reviewer.post(f"{C}/u/STP/k/1.1/resolve", data={"csrf": rtoken, "decision": "accept"})
    assert missing.status_code == 400 and "cần điểm thẩm định mới" in missing.text
    done = reviewer.post(
        f"{C}/u/STP/k/1.1/resolve",
        data={"csrf": rtoken, "decision": "accept", "score": "4", "reason": "Đúng"},
        follow_redirects=True,
    )
    assert "Đã xử lý kiến nghị" in done.text
    from evidence.round.scoring import get_score, unit_status

    score = get_score(store, "test-2025", "STP", "1.1")
    assert (score.appraised_score, score.objection_status) == (4.0, "accepted")
    tree = unit.get(f"{C}/u/STP").text
    assert "Xếp hạng" not in tree, "not published yet: no rank for the unit"
    assert "Ghi nhận đồng ý kết quả" in tree
    unit.post(f"{C}/u/STP/agreement", data={"csrf": token, "reference": "15/STP-VP", "agreed_on": "01/12/2025"})
    status = unit_status(store, "test-2025", "STP")
    assert (status.agreement_reference, status.agreed_on) == ("15/STP-VP", "2025-12-01")


def test_secretariat_generates_and_downloads_documents_and_the_workbook(web):
    client, token = client_for(web, "thuky")
    page = client.post(f"{C}/documents/generate", data={"csrf": token, "kind": "plan"}, follow_redirects=True)
    assert "Đã tạo Kế hoạch: test-2025-plan.docx" in page.text
    page = client.post(f"{C}/documents/workbook", data={"csrf": token}, follow_redirects=True)
    assert "test-2025-bang-diem.xlsx" in page.text
    docx = client.get(f"{C}/documents/test-2025-plan.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert docx.headers["content-disposition"].startswith("attachment;")
    xlsx = client.get(f"{C}/documents/test-2025-bang-diem.xlsx")
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert client.get(f"{C}/documents/..%2Fevidence.db").status_code == 404
    assert client.get(f"{C}/documents/evidence.db").status_code == 404
    bad = client.post(f"{C}/documents/generate", data={"csrf": token, "kind": "x"}, follow_redirects=True)
    assert "Chọn loại văn bản" in bad.text


def test_reader_errors_are_said_in_vietnamese():
    from evidence.web.views_unit import _vi_error

    assert _vi_error("unsupported file type (not a PDF, Word document, image or text)").startswith(
        "loại tệp không được hỗ trợ"
    )
    assert _vi_error("corrupt or truncated PDF (PdfStreamError)").startswith("tệp bị hỏng")
    assert _vi_error("something else") == "something else"


def test_a_correction_settles_the_finding_it_was_about(web):
    from evidence.round.findings import findings_for_evidence

    store = web["store"]
    evidence_id = attach(store, plan_pdf(web["tmp"] / "draft.pdf", number="/KH-SNV"), "STP", "1.1")
    assert "NUMBER_BLANK" in {f["code"] for f in findings_for_evidence(store, evidence_id)}
    client, token = client_for(web, "stp")
    page = client.get(f"{C}/u/STP/k/1.1").text
    assert "Chưa có số văn bản" in page
    client.post(f"/e/{evidence_id}/correct", data={"csrf": token, "field": "number", "value": "15/KH-SNV"})
    assert "NUMBER_BLANK" not in {f["code"] for f in findings_for_evidence(store, evidence_id)}
    page = client.get(f"/e/{evidence_id}").text
    assert "15/KH-SNV" in page and "đã sửa" in page and "/KH-SNV" in page  # the extracted value stays visible


def test_criterion_page_shows_only_the_findings_of_that_criterion(web):
    """One file linked to 1.1 (expects KH) and to 2.1 (expects QĐ): the type mismatch belongs to 2.1's page only."""
    store, tmp = web["store"], web["tmp"]
    pdf = plan_pdf(tmp / "kh.pdf")
    attach(store, pdf, "STP", "1.1")
    attach(store, pdf, "STP", "2.1")
    client, _token = client_for(web, "stp")
    plan_page = client.get("/c/test-2025/u/STP/k/1.1").text
    decision_page = client.get("/c/test-2025/u/STP/k/2.1").text
    assert "TYPE_MISMATCH" not in plan_page
    assert "TYPE_MISMATCH" in decision_page


def test_unit_takes_a_file_back_until_it_submits(web):
    store = web["store"]
    client, token = client_for(web, "stp")
    pdf = plan_pdf(web["tmp"] / "x.pdf").read_bytes()
    for criterion in ("1.1", "1.2"):
        client.post(
            f"{C}/u/STP/k/{criterion}/upload",
            data={"csrf": token},
            files=[("files", ("Kế hoạch.pdf", pdf, "application/pdf"))],
        )
    evidence_id = list_evidence(store, campaign_id="test-2025", unit_code="STP")[0]["evidence_id"]
    page = client.get(f"{C}/u/STP/k/1.1")
    assert "Gỡ khỏi tiêu chí này" in page.text and f"/k/1.1/detach/{evidence_id}" in page.text
    done = client.post(f"{C}/u/STP/k/1.1/detach/{evidence_id}", data={"csrf": token, "reason": "nhầm tiêu chí"})
    assert done.status_code == 200 and "Đã gỡ tài liệu «Kế hoạch.pdf» khỏi tiêu chí 1.1" in done.text
    assert "Chưa có tài liệu nào." in done.text
    record = get_evidence(store, evidence_id)
    assert [(l["criterion"]) for l in record["links"]] == ["1.2"]
    assert [(d["criterion"], d["detached_by"], d["reason"]) for d in record["detached_links"]] == [
        ("1.1", "stp", "nhầm tiêu chí")
    ]
    detail = client.get(f"/e/{evidence_id}")
    assert "Đã gỡ khỏi tiêu chí" in detail.text and "nhầm tiêu chí" in detail.text
    # once submitted, the form is gone and a forged post is refused with a message
    client.post(f"{C}/u/STP/submit", data={"csrf": token, "confirm": "yes", "ack": "yes"})
    page = client.get(f"{C}/u/STP/k/1.2")
    assert "Gỡ khỏi tiêu chí này" not in page.text
    refused = client.post(f"{C}/u/STP/k/1.2/detach/{evidence_id}", data={"csrf": token})
    assert "không gỡ được tài liệu" in refused.text
    assert [(l["criterion"]) for l in get_evidence(store, evidence_id)["links"]] == ["1.2"]
