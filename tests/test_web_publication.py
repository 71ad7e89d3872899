"""Publication (issue 15, item 4): a unit sees the council's scores and comments only once the secretariat releases
the appraisal for objections, its total, band and rank only once the results are published; the objection and
agreement forms appear (and are accepted) only in their window; the council appraises submitted units, and
appraising one that has not submitted is a deliberate choice."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from evidence.round import stages
from evidence.round.campaign import create_campaign
from evidence.round.scoring import appraise, set_self_score, submit_self_assessment
from evidence.frameworks.model import save_framework
from evidence.store import Store
from evidence.web import create_app

from conftest import CAMPAIGN_YAML, small_framework
from web_support import attach, login, make_accounts, plan_pdf

C = "/c/test-2025"
COMMENT = "Kế hoạch thiếu phụ lục phân công"


@pytest.fixture
def world(tmp_path):
    store = Store.init(tmp_path / "store")
    save_framework(store, small_framework())
    (tmp_path / "campaign.yaml").write_text(CAMPAIGN_YAML, encoding="utf-8")
    create_campaign(store, tmp_path / "campaign.yaml")
    make_accounts(store)
    attach(store, plan_pdf(tmp_path / "kh.pdf"), "STP", "1.1")
    scores = {"STP": {"1.1": 4, "1.2": 3, "1.3": 2, "2.1": 5}, "SYT": {"1.1": 3, "1.2": 2, "1.3": 1, "2.1": 6}}
    scores["BLV"] = {"1.1": 2, "1.2": 3, "2.1": 4, "2.2": 4}
    for unit, by_code in scores.items():
        for code, value in by_code.items():
            set_self_score(store, "test-2025", unit, code, value, by="setup")
    submit_self_assessment(store, "test-2025", "STP", by="stp")
    submit_self_assessment(store, "test-2025", "BLV", by="setup")
    for unit, by_code in scores.items():
        for code, value in by_code.items():
            appraise(store, "test-2025", unit, code, value - 1, comment=COMMENT if code == "1.1" else None, by="hd")
    app = create_app(store.root, ocr=False)
    unit = TestClient(app)
    token = login(unit, "stp")
    yield {"store": store, "app": app, "unit": unit, "token": token}
    store.close()


def advance(world, stage):
    stages.advance(world["store"], "test-2025", stage, by="thuky")


def cells(html: str, label: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(rf'data-label="{label}">(.*?)</td>', html, re.S)]


def test_before_release_the_unit_sees_only_its_own_scores(world):
    unit = world["unit"]
    for stage in (None, "self_assessment_closed", "appraisal"):
        if stage:
            advance(world, stage)
        tree = unit.get(f"{C}/u/STP").text
        assert cells(tree, "Tự chấm")[:2] == ["4", "3"]
        assert set(cells(tree, "Thẩm định")) == {"—"}, stage
        assert "Điểm đạt" not in tree and "Xếp hạng" not in tree and "Xếp loại" not in tree
        assert 'action="/c/test-2025/u/STP/agreement"' not in tree
        page = unit.get(f"{C}/u/STP/k/1.1").text
        assert COMMENT not in page and "/objection" not in page
        history = page[page.index("Lịch sử") :] if "Lịch sử" in page else ""
        assert "Thẩm định:" not in history
    assert "Hội đồng đang thẩm định" in unit.get(f"{C}/u/STP").text
    refused = unit.post(f"{C}/u/STP/k/1.1/objection", data={"csrf": world["token"], "text": "Xem lại"})
    assert refused.status_code == 400 and "giai đoạn tiếp nhận kiến nghị" in refused.text
    refused = unit.post(
        f"{C}/u/STP/agreement", data={"csrf": world["token"], "reference": "15/STP-VP", "agreed_on": "01/02/2026"}
    )
    assert refused.status_code == 400 and "Chỉ ghi nhận được văn bản đồng ý" in refused.text
    # the council and the secretariat see everything all along
    reviewer = TestClient(world["app"])
    login(reviewer, "thamdinh")
    assert cells(reviewer.get(f"{C}/u/STP").text, "Thẩm định")[0] == "3"


def test_released_for_objections_the_unit_sees_scores_and_comments_and_may_object_and_agree(world):
    for stage in ("self_assessment_closed", "appraisal", "objections"):
        advance(world, stage)
    unit, token = world["unit"], world["token"]
    tree = unit.get(f"{C}/u/STP").text
    assert cells(tree, "Thẩm định")[:2] == ["3", "2"]
    assert "Điểm đạt" not in tree and "Xếp hạng" not in tree, "the total, band and rank wait for publication"
    assert 'action="/c/test-2025/u/STP/agreement"' in tree
    page = unit.get(f"{C}/u/STP/k/1.1").text
    assert COMMENT in page and 'action="/c/test-2025/u/STP/k/1.1/objection"' in page
    agreed = unit.post(
        f"{C}/u/STP/agreement", data={"csrf": token, "reference": "15/STP-VP", "agreed_on": "01/02/2026"}
    )
    assert agreed.status_code == 200 and "Đã ghi nhận văn bản đồng ý" in agreed.text
    sent = unit.post(f"{C}/u/STP/k/1.1/objection", data={"csrf": token, "text": "Phụ lục ở trang 3"})
    assert sent.status_code == 200 and "Đã gửi kiến nghị" in sent.text
    again = unit.post(f"{C}/u/STP/agreement", data={"csrf": token, "reference": "16/STP-VP", "agreed_on": "02/02/2026"})
    assert again.status_code == 400 and "kiến nghị chưa được xử lý" in again.text


def test_published_results_show_total_band_and_rank_and_close_the_forms(world):
    for stage in ("self_assessment_closed", "appraisal", "objections", "final"):
        advance(world, stage)
    unit, token = world["unit"], world["token"]
    tree = unit.get(f"{C}/u/STP").text
    assert "Điểm đạt" in tree and re.search(r"Xếp hạng \d/\d", tree)
    assert "Kết quả đã được công bố" in tree
    assert 'action="/c/test-2025/u/STP/agreement"' not in tree
    page = unit.get(f"{C}/u/STP/k/1.1").text
    assert "/objection" not in page
    late = unit.post(f"{C}/u/STP/k/1.1/objection", data={"csrf": token, "text": "Xem lại"})
    assert late.status_code == 400


def test_the_council_appraises_submitted_units_and_an_unsubmitted_one_only_deliberately(world):
    reviewer = TestClient(world["app"])
    token = login(reviewer, "thamdinh")
    units = reviewer.get(f"{C}/units").text
    syt_row = units[units.index("Sở Y tế") : units.index("</tr>", units.index("Sở Y tế"))]
    assert "Chưa gửi" in syt_row
    assert re.search(r'<tr class="unsubmitted">\s*<td class="sticky"><a href="/c/test-2025/u/SYT"', units)
    page = reviewer.get(f"{C}/u/SYT/k/1.2").text
    assert "Thẩm định dù đơn vị chưa gửi" in page
    refused = reviewer.post(f"{C}/u/SYT/k/1.2/appraise", data={"csrf": token, "score": "2", "comment": "nx"})
    assert refused.status_code == 400 and "Đơn vị chưa gửi bản tự đánh giá" in refused.text
    assert 'value="2"' in refused.text and "nx" in refused.text
    chosen = reviewer.post(
        f"{C}/u/SYT/k/1.2/appraise", data={"csrf": token, "score": "2", "force": "yes"}, follow_redirects=False
    )
    assert chosen.status_code == 303
    submitted = reviewer.post(f"{C}/u/STP/k/1.2/appraise", data={"csrf": token, "score": "2"}, follow_redirects=False)
    assert submitted.status_code == 303
    assert "Thẩm định dù đơn vị chưa gửi" not in reviewer.get(f"{C}/u/STP/k/1.2").text


def test_once_published_the_council_and_the_unit_are_told_scores_no_longer_change(world):
    for stage in ("self_assessment_closed", "appraisal", "objections", "final"):
        advance(world, stage)
    reviewer = TestClient(world["app"])
    token = login(reviewer, "thamdinh")
    late = reviewer.post(f"{C}/u/STP/k/1.2/appraise", data={"csrf": token, "score": "1"})
    assert late.status_code == 400 and "điểm không còn thay đổi được" in late.text
    assert "/appraise" not in reviewer.get(f"{C}/u/STP/k/1.2").text
