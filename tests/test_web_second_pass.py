"""Issue 15, items 3, 5, 7, 8 and 9 over HTTP: the least-privileged default role, the pre-submit check, plain
Vietnamese labels (codes only in tooltips), findings by weight, and the smaller rough edges (quotes in file names,
error pages with the menu and a way back, the upload message where the page scrolls to, search pages, dates)."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient

import evidence.reading as reading
from evidence.frameworks.model import Criterion, save_framework
from evidence.reading import warnings as reader_warnings
from evidence.round.campaign import create_campaign
from evidence.round.findings.model import CODE_LABELS, CODES
from evidence.round.scoring import set_self_score
from evidence.records import list_evidence
from evidence.search import index_evidence
from evidence.store import Store, dumps, now_iso
from evidence.web import create_app

from conftest import CAMPAIGN_YAML, small_framework
from web_support import attach, login, make_accounts, plan_pdf

C = "/c/test-2025"


@pytest.fixture
def web(store, campaign, tmp_path):
    make_accounts(store)
    app = create_app(store.root, ocr=False, max_upload_bytes=1024 * 1024)
    return {"store": store, "app": app, "tmp": tmp_path}


def client_for(web, name):
    client = TestClient(web["app"])
    return client, login(client, name)


def visible_text(html: str) -> str:
    """What a person reads: no tags, no attributes (tooltips), no scripts."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html))


# ---------------------------------------------------------------- item 3


def test_new_accounts_default_to_the_least_powerful_role_and_ask_for_the_unit(web):
    client, token = client_for(web, "thuky")
    page = client.get("/users").text
    select = re.search(r'<select id="role".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\w+)"', select) == ["unit", "reviewer", "secretariat"]
    assert re.search(r'<option value="unit" selected', select)
    assert "Đơn vị (bắt buộc với tài khoản đơn vị)" in page
    refused = client.post("/users/add", data={"csrf": token, "name": "dv", "role": "unit", "password": "mat-khau-dai"})
    assert refused.status_code == 400 and "cần chọn đơn vị" in refused.text
    made = client.post(
        "/users/add", data={"csrf": token, "name": "dv", "role": "unit", "unit": "SYT", "password": "mat-khau-dai"}
    )
    assert made.status_code == 200 and "Đã tạo tài khoản dv" in made.text


# ---------------------------------------------------------------- item 5


def test_the_pre_submit_check_lists_what_is_missing_with_links(web):
    store = web["store"]
    attach(store, plan_pdf(web["tmp"] / "kh.pdf"), "STP", "1.1")
    set_self_score(store, "test-2025", "STP", "1.1", 4, by="stp")
    client, token = client_for(web, "stp")
    page = client.get(f"{C}/u/STP").text
    top = page.index('id="kiem-tra"')
    assert top < page.index('class="scroll tree-wrap"'), "the check sits above the tree"
    assert 'href="#gui"' in page[:top], "the summary links to the submit box"
    check = page[top : page.index("</section>", top)]
    assert "3 tiêu chí chưa tự chấm" in check  # 1.2, 1.3, 2.1 (2.2 is for districts)
    for code in ("1.2", "1.3", "2.1"):
        assert f'href="{C}/u/STP/k/{code}#diem"' in check
    assert "2 tiêu chí bắt buộc chưa có tài liệu hay giải trình" in check
    assert f'href="{C}/u/STP/k/1.2#tai-lieu"' in check and f'href="{C}/u/STP/k/2.1#tai-lieu"' in check
    assert f"{C}/u/STP/k/1.1#" not in check  # scored and proven: not listed

    asked = client.post(f"{C}/u/STP/submit", data={"csrf": token, "confirm": "yes"})
    assert asked.status_code == 409
    assert "vẫn gửi?" in asked.text and "3 tiêu chí chưa tự chấm" in asked.text
    assert 'name="ack" value="yes"' in asked.text
    status = store.db.execute("SELECT submitted_at FROM score_units WHERE unit_code = 'STP'").fetchone()
    assert status is None or status[0] is None, "nothing submitted before the confirmation"
    done = client.post(f"{C}/u/STP/submit", data={"csrf": token, "confirm": "yes", "ack": "yes"})
    assert done.status_code == 200 and "Đã gửi bản tự đánh giá" in done.text


def test_a_complete_self_assessment_submits_without_a_question(web):
    store = web["store"]
    for code, n in (("1.1", 4), ("1.2", 3), ("2.1", 6)):
        attach(store, plan_pdf(web["tmp"] / f"{code}.pdf", number=f"{code[0]}{code[2]}/KH-STP"), "STP", code)
        set_self_score(store, "test-2025", "STP", code, n, by="stp")
    set_self_score(store, "test-2025", "STP", "1.3", 0, by="stp")
    client, token = client_for(web, "stp")
    page = client.get(f"{C}/u/STP").text
    if "Không còn vấn đề" in page:
        response = client.post(f"{C}/u/STP/submit", data={"csrf": token, "confirm": "yes"})
        assert response.status_code == 200 and "Đã gửi bản tự đánh giá" in response.text
    else:  # only other errors remain (e.g. dates): they are listed, each with its label
        assert "lỗi khác" in page


# ---------------------------------------------------------------- item 7


def _set_metadata(store, evidence_id, **changes):
    row = store.db.execute("SELECT metadata FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
    meta = json.loads(row[0])
    meta.update(changes)
    with store.transaction() as conn:
        conn.execute("UPDATE evidence SET metadata = ? WHERE id = ?", (dumps(meta), evidence_id))


def test_reader_warnings_and_findings_read_in_vietnamese_and_estimated_dates_say_so(web):
    store = web["store"]
    evidence_id = attach(store, plan_pdf(web["tmp"] / "x.pdf"), "STP", "1.1")
    _set_metadata(
        store,
        evidence_id,
        warnings=["number_blank", "date_blank", "date_day_estimated", "ocr_used"],
        issued_on="2025-02-03",
        date_source="signature",
        issued_on_estimated=True,
    )
    client, _ = client_for(web, "stp")
    for url in (f"/e/{evidence_id}", f"{C}/u/STP/k/1.1", f"{C}/u/STP"):
        html = client.get(url).text
        text = visible_text(html)
        for code in ("number_blank", "date_blank", "date_day_estimated", "ocr_used", "NOT_SIGNED", "OUT_OF_PERIOD"):
            assert code not in text, f"{code} shown as text on {url}"
        assert "<code>NOT_SIGNED" not in html
    page = client.get(f"/e/{evidence_id}").text
    assert "số văn bản để trống" in page and "ngày ban hành để trống" in page
    assert 'title="date_day_estimated"' in page  # the code stays available in the tooltip
    assert "03/02/2025" in page and "ước tính" in page
    criterion = client.get(f"{C}/u/STP/k/1.1").text
    assert "ước tính" in criterion and "thời điểm ký số" in criterion
    # a person's correction is a fact, not an estimate
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    client.post(f"/e/{evidence_id}/correct", data={"csrf": token, "field": "issued_on", "value": "05/02/2025"})
    assert "ước tính" not in visible_text(client.get(f"/e/{evidence_id}").text)


def test_every_reader_warning_code_has_a_label():
    listed = set(re.findall(r"\b([a-z]+(?:_[a-z0-9]+)+)\b", reading.__doc__.split("Warning codes")[1]))
    listed -= {"read_document", "read_many"}
    missing = sorted(code for code in listed if code not in reader_warnings.WARNING_LABELS)
    assert not missing, f"reader warnings without a Vietnamese label: {missing}"
    assert "_" not in reader_warnings.warning_label("a_new_code")


def test_every_finding_code_has_a_label():
    assert set(CODES) <= set(CODE_LABELS)


# ---------------------------------------------------------------- item 8


def test_information_level_findings_are_one_line_per_unit_and_never_a_badge(web):
    store = web["store"]
    for i, code in enumerate(("1.1", "1.2", "2.1")):
        attach(store, plan_pdf(web["tmp"] / f"u{i}.pdf", number=f"{i + 1}/KH-STP"), "STP", code)
    client, _ = client_for(web, "stp")
    tree = client.get(f"{C}/u/STP").text
    rows = tree[tree.index("<tbody>") : tree.index("</tbody>")]
    assert "sev-info" not in rows and "ký số" not in rows
    assert "3 tệp chưa ký số" in tree
    admin, _ = client_for(web, "thuky")
    dash = admin.get(f"{C}/dashboard").text
    head = re.search(r"<thead><tr>(.*?)</tr></thead>", dash[dash.index("Tiến độ các đơn vị") :], re.S).group(1)
    columns = re.findall(r"<th[^>]*>(.*?)</th>", head)
    assert columns[:3] == ["Đơn vị", "Lỗi", "Cảnh báo"]
    assert "3 tệp chưa ký số" in dash
    serious = dash[dash.index("Lỗi và cảnh báo") : dash.index("Tiến độ các đơn vị")]
    assert "sev-info" not in serious.split("Lưu ý (không phải lỗi)")[0]


# ---------------------------------------------------------------- item 9


def test_a_double_quote_in_a_file_name_is_kept(web):
    client, token = client_for(web, "stp")
    pdf = plan_pdf(web["tmp"] / "q.pdf").read_bytes()
    name = 'Kế hoạch "CCHC" 2025.pdf'
    # a browser sends " as %22 in a multipart file name (the HTML form encoding)
    body = (
        b'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n' + token.encode() + b"\r\n"
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="'
        + name.replace('"', "%22").encode()
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        + pdf
        + b"\r\n--b--\r\n"
    )
    response = client.post(
        f"{C}/u/STP/k/1.1/upload", content=body, headers={"content-type": "multipart/form-data; boundary=b"}
    )
    assert response.status_code == 200, response.text[:300]
    assert "%22" not in response.text
    assert list_evidence(web["store"], unit_code="STP")[0]["links"][0]["filename"] == name


def test_the_upload_message_is_where_the_page_scrolls_to(web):
    client, token = client_for(web, "stp")
    pdf = plan_pdf(web["tmp"] / "m.pdf").read_bytes()
    response = client.post(
        f"{C}/u/STP/k/1.1/upload",
        data={"csrf": token},
        files=[("files", ("ke-hoach.pdf", pdf, "application/pdf"))],
        follow_redirects=False,
    )
    assert response.headers["location"].endswith("#tai-lieu")
    page = client.get(response.headers["location"].split("#")[0]).text
    section = page[page.index('id="tai-lieu"') :]
    assert "Đã tải lên 1 tệp: ke-hoach.pdf" in section[: section.index("</h2>") + 400]
    assert "Đã tải lên 1 tệp" not in page[: page.index('id="tai-lieu"')]


def test_error_pages_keep_the_menu_and_the_way_back(web):
    client, token = client_for(web, "stp")
    missing = client.get("/khong-co-trang-nay", headers={"referer": f"http://testserver{C}/u/STP"})
    assert missing.status_code == 404
    assert "Đăng xuất" in missing.text and 'href="/password"' in missing.text
    assert f'href="{C}/u/STP"' in missing.text and "Quay lại trang trước" in missing.text
    big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)
    too_large = client.post(
        f"{C}/u/STP/k/1.1/upload",
        data={"csrf": token},
        files=[("files", ("lon.pdf", big, "application/pdf"))],
        headers={"referer": f"http://testserver{C}/u/STP/k/1.1"},
    )
    assert too_large.status_code == 413 and "tối đa 1 MB" in too_large.text
    assert "Đăng xuất" in too_large.text and f'href="{C}/u/STP/k/1.1"' in too_large.text
    no_referer = client.post(f"{C}/u/STP/k/1.1/upload", data={"csrf": token}, files=[("files", ("l.pdf", big, "x"))])
    assert f'href="{C}/u/STP/k/1.1"' in no_referer.text  # the form's page, from the address posted to
    other_site = client.get("/khong-co", headers={"referer": "https://evil.example/x"})
    assert "evil.example" not in other_site.text


def test_search_has_pages_and_date_filters_that_do_not_look_filled(web):
    store = web["store"]
    ids = []
    stamp = now_iso()
    with store.transaction() as conn:
        for i in range(80):
            text = f"Kế hoạch cải cách hành chính số {i + 1} của đơn vị"
            meta = {"number": f"{i + 1}/KH-STP", "type_code": "KH", "issued_on": "2025-03-01", "summary": text}
            cur = conn.execute(
                "INSERT INTO evidence(sha256, size, filename, format, pages, text_source, metadata, text, created_at,"
                " updated_at) VALUES (?, ?, ?, 'text', 1, 'text', ?, ?, ?, ?) RETURNING id",
                (f"{i:064x}", len(text), f"kh-{i}.txt", dumps(meta), text, stamp, stamp),
            )
            ids.append(cur.fetchone()[0])
            conn.execute(
                "INSERT INTO links(evidence_id, campaign_id, unit_code, criterion_code, filename, linked_by,"
                " linked_at) VALUES (?, 'test-2025', 'STP', '1.1', ?, 'test', ?)",
                (ids[-1], f"kh-{i}.txt", stamp),
            )
    index_evidence(store, ids)
    client, _ = client_for(web, "thamdinh")
    first = client.get("/search", params={"q": "cải cách", "unit": "STP"}).text
    assert "80 kết quả; đang xem 1–50" in first
    assert first.count('class="title"') == 50
    following = re.search(r'href="(/search\?[^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "unit=STP" in following and "page=2" in following
    second = client.get(following).text
    assert "đang xem 51–80" in second and second.count('class="title"') == 30
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert 'placeholder="dd/mm/yyyy"' in first and 'placeholder="01/01/2025"' not in first


def test_no_page_has_a_browser_date_field_and_the_agreement_takes_dd_mm_yyyy(web):
    client, _ = client_for(web, "thuky")
    for url in ("/", "/users", f"{C}/dashboard", f"{C}/documents", f"{C}/units", f"{C}/u/STP", "/search?q=a"):
        assert 'type="date"' not in client.get(url).text, url


def test_survey_criteria_are_never_asked_of_the_unit(tmp_path):
    framework = small_framework()
    framework.criteria[1].children.append(
        Criterion(code="2.3", title="Mức độ hài lòng của người dân", max_points=5, parent_code="2", scored_by="survey")
    )
    store = Store.init(tmp_path / "store")
    save_framework(store, framework)
    (tmp_path / "campaign.yaml").write_text(CAMPAIGN_YAML, encoding="utf-8")
    create_campaign(store, tmp_path / "campaign.yaml")
    make_accounts(store)
    client = TestClient(create_app(store.root, ocr=False))
    login(client, "stp")
    tree = client.get(f"{C}/u/STP").text
    check = tree[tree.index('id="kiem-tra"') : tree.index("</section>", tree.index('id="kiem-tra"'))]
    assert "/k/1.2#diem" in check and "/k/2.3" not in check
    assert "Điều tra XHH" in tree
    page = client.get(f"{C}/u/STP/k/2.3").text
    assert "kết quả điều tra xã hội học" in page and 'action="/c/test-2025/u/STP/k/2.3/self-score"' not in page
    store.close()


def test_a_group_criterion_page_lists_its_sub_criteria_and_has_no_forms(web):
    client, _ = client_for(web, "stp")
    page = client.get(f"{C}/u/STP/k/1").text
    assert "Nhóm tiêu chí" in page and f'href="{C}/u/STP/k/1.1"' in page
    assert "/upload" not in page and "/self-score" not in page
