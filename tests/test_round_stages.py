"""Stages of a round (collection → … → final), provisional results, ranking groups and unit kinds."""

from __future__ import annotations

import json
from datetime import date

import pytest

from evidence.errors import InputError
from evidence.round.campaign import create_campaign, load_campaign
from evidence.round.results import compute_results
from evidence.round.scoring import appraise, raise_objection, resolve_objection, set_self_score
from evidence.round.stages import STAGES, advance, current_stage, provisional_reasons, stage_dates

from conftest import CAMPAIGN_YAML

C = "test-2025"
LEAVES = {"STP": ["1.1", "1.2", "1.3", "2.1"], "SYT": ["1.1", "1.2", "1.3", "2.1"], "BLV": ["1.1", "1.2", "2.1", "2.2"]}


def appraise_all(store, value=1):
    for unit, codes in LEAVES.items():
        for code in codes:
            set_self_score(store, C, unit, code, value)
            appraise(store, C, unit, code, value)


def test_stages_move_forward_one_at_a_time_with_dates(store, campaign):
    assert current_stage(store, C) == "collection"
    advance(store, C, "self_assessment_closed", on=date(2025, 12, 20))
    with pytest.raises(InputError, match="next stage is appraisal, not objections"):
        advance(store, C, "objections", on=date(2026, 1, 5))
    with pytest.raises(InputError, match="before the start of stage self_assessment_closed"):
        advance(store, C, "appraisal", on=date(2025, 12, 1))
    with pytest.raises(InputError, match="already at stage"):
        advance(store, C, "self_assessment_closed", on=date(2025, 12, 21))
    with pytest.raises(InputError, match="is not one of"):
        advance(store, C, "closed")
    advance(store, C, "appraisal", on=date(2026, 1, 10))
    with pytest.raises(InputError, match="only move forward"):
        advance(store, C, "collection", on=date(2026, 1, 10))
    dates = stage_dates(store, C)
    assert list(dates) == ["collection", "self_assessment_closed", "appraisal"]
    assert dates["appraisal"] == date(2026, 1, 10)
    assert current_stage(store, C) == "appraisal"


def test_final_is_refused_while_results_are_provisional(store, campaign):
    for stage, day in zip(STAGES[1:4], (date(2025, 12, 20), date(2026, 1, 10), date(2026, 1, 15))):
        advance(store, C, stage, on=day)
    reasons = provisional_reasons(store, C)
    assert reasons and "chưa được thẩm định" in reasons[0] and "Sở Tư pháp" in reasons[0]
    with pytest.raises(InputError, match="provisional"):
        advance(store, C, "final", on=date(2026, 1, 25))
    appraise_all(store)
    raise_objection(store, C, "STP", "1.1", "Đề nghị xem xét lại")
    results = compute_results(store, C)
    assert results.provisional and "kiến nghị chưa được giải quyết" in results.provisional_reasons[0]
    resolve_objection(store, C, "STP", "1.1", accepted=False, reason="Giữ nguyên")
    assert provisional_reasons(store, C) == []
    assert not compute_results(store, C).provisional
    advance(store, C, "final", on=date(2026, 1, 25))
    assert current_stage(store, C) == "final"
    with pytest.raises(InputError, match="is final since 2026-01-25"):
        appraise(store, C, "STP", "1.1", 0)
    with pytest.raises(InputError, match="is final"):
        set_self_score(store, C, "BLV", "1.1", 0)


def test_ranking_groups_by_kind_rank_within_each_group(store, campaign):
    appraise_all(store)
    set_self_score(store, C, "SYT", "2.1", 6)
    appraise(store, C, "SYT", "2.1", 6)
    results = compute_results(store, C)
    assert [g.code for g in results.groups] == ["so-nganh", "huyen"]
    dept, district = results.groups
    assert [(u.code, u.rank) for u in dept.units] == [("SYT", 1), ("STP", 2)]
    assert [(u.code, u.rank, u.group) for u in district.units] == [("BLV", 1, "huyen")]
    assert dept.statistics.units == 2 and results.statistics.units == 3
    data = results.to_json()
    assert data["groups"][0]["units"] == ["SYT", "STP"] and data["provisional"] is False
    assert load_campaign(store, C).group_of("BLV").name == "Khối huyện, thị xã, thành phố"


def write(tmp_path, text, name="c.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_districts_only_in_past_rounds_and_groups_cover_every_unit(store, campaign, tmp_path):
    text = CAMPAIGN_YAML.replace("id: test-2025", "id: t-2026").replace("year: 2025", "year: 2026")
    with pytest.raises(InputError, match="kind 'district' only exists in rounds up to 2025"):
        create_campaign(store, write(tmp_path, text))
    text = text.replace("UBND huyện Bạch Long Vỹ, kind: district", "UBND đặc khu Bạch Long Vĩ, kind: commune")
    grouped = text + "groups:\n  - {code: so, name: Khối sở, kinds: [department]}\n"
    with pytest.raises(InputError, match="unit 'BLV' .kind commune. is in none of the groups"):
        create_campaign(store, write(tmp_path, grouped))
    created = create_campaign(store, write(tmp_path, text))
    assert [(g.code, g.name) for g in created.groups] == [
        ("so-nganh", "Khối sở, ban, ngành"),
        ("xa-phuong", "Khối xã, phường, đặc khu"),
    ]
    bad_kind = text.replace("kind: commune", "kind: province")
    with pytest.raises(InputError, match="unknown kind 'province'"):
        create_campaign(store, write(tmp_path, bad_kind.replace("id: t-2026", "id: t-2026b")))


def test_campaign_stage_cli(cli, campaign):
    result = cli("campaign", "stage", C, "appraisal", "--date", "2026-01-10")
    assert result.exit_code == 2 and "next stage is self_assessment_closed" in result.output
    result = cli("campaign", "stage", C, "self_assessment_closed", "--date", "20/12/2025", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["stage"] == "self_assessment_closed" and data["provisional"] is True
    assert data["stages"][1] == {
        "stage": "self_assessment_closed",
        "label": "Kết thúc tự đánh giá",
        "date": "2025-12-20",
    }


GROUPED = """\
id: grouped-2026
name: Xác định Chỉ số CCHC năm 2026
framework: mini
year: 2026
period: {start: 2025-12-16, end: 2026-12-15}
organization: {parent: UBND TỈNH LÂM ĐỒNG, issuer: SỞ NỘI VỤ, place: Lâm Đồng}
units:
  - {code: STP, name: Sở Tư pháp, kind: department, head_title: Giám đốc, symbol: STP}
  - {code: DTR, name: UBND xã Đức Trọng, kind: commune, place: Đức Trọng}
groups:
  - {code: so-nganh, name: Khối sở, ban, ngành, kinds: [department]}
  - {code: xa-phuong, name: Khối xã, phường, đặc khu, kinds: [commune], framework: mini-xa}
"""


def commune_framework():
    from evidence.frameworks.model import Criterion, Framework

    field = Criterion(
        code="1",
        title="Cải cách thủ tục hành chính cấp xã",
        children=[
            Criterion("1.1", "Tiếp nhận hồ sơ qua Trung tâm phục vụ hành chính công", 8, parent_code="1"),
            Criterion("1.2", "Giải quyết hồ sơ đúng hạn", 2, parent_code="1"),
        ],
    )
    return Framework(id="mini-xa", name="Chỉ số CCHC cấp xã (thử nghiệm)", criteria=[field])


def test_a_group_may_be_scored_on_its_own_framework(store, tmp_path):
    from conftest import small_framework
    from evidence.frameworks.model import save_framework
    from evidence.round.findings import check

    save_framework(store, small_framework())
    path = write(tmp_path, GROUPED)
    with pytest.raises(InputError, match="groups.2..framework: unknown framework 'mini-xa'"):
        create_campaign(store, path)
    save_framework(store, commune_framework())
    campaign = create_campaign(store, path)
    cid = campaign.id
    assert campaign.framework_for("DTR").id == "mini-xa" and campaign.framework_for("STP").id == "mini"
    assert campaign.criterion("1.1", unit="DTR").points == 8 and campaign.criterion("1.1").points == 4
    assert [f.id for f in campaign.frameworks()] == ["mini", "mini-xa"]
    assert campaign.unit("STP").head_title == "Giám đốc" and campaign.unit("DTR").place == "Đức Trọng"
    with pytest.raises(InputError, match="above its maximum of 4"):
        set_self_score(store, cid, "STP", "1.1", 8)
    set_self_score(store, cid, "DTR", "1.1", 8)  # 8 is the commune index's maximum
    with pytest.raises(Exception, match="unknown criterion '2.1' in framework 'mini-xa'"):
        set_self_score(store, cid, "DTR", "2.1", 1)
    results = compute_results(store, cid)
    dtr = results.unit("DTR")
    assert (dtr.max_points, dtr.score, [f.code for f in dtr.fields]) == (10, 8, ["1"])
    assert results.unit("STP").max_points == 16  # 2.2 is for districts only
    assert [(g.framework, g.max_points) for g in results.groups] == [("mini", 20), ("mini-xa", 10)]
    blanks = {(f.unit, f.criterion) for f in check(store, cid) if f.code == "BLANK_SELF_SCORE"}
    assert ("DTR", "1.2") in blanks and ("DTR", "2.1") not in blanks and ("STP", "2.2") not in blanks


def test_a_stored_campaign_created_under_older_rules_still_loads(store, campaign, tmp_path):
    """A 2026 campaign stored before the two-level rules (a district, a kind of another name) loads and ranks."""
    import json as _json

    config = _json.loads(store.db.execute("SELECT config FROM campaigns WHERE id = ?", (C,)).fetchone()[0])
    config["year"] = 2026
    config["units"].append({"code": "XYZ", "name": "Đơn vị khác", "kind": "province"})
    config["units"].append({"code": "NOK", "name": "Đơn vị chưa phân loại"})
    with store.transaction() as conn:
        conn.execute("UPDATE campaigns SET config = ? WHERE id = ?", (_json.dumps(config, ensure_ascii=False), C))
        for position, code in ((3, "XYZ"), (4, "NOK")):
            conn.execute(
                "INSERT INTO units(campaign_id, code, name, kind, not_applicable, position) VALUES (?, ?, ?, NULL, '[]', ?)",
                (C, code, code, position),
            )
    loaded = load_campaign(store, C)
    assert [(g.code, g.kinds) for g in loaded.groups] == [
        ("so-nganh", ["department"]),
        ("huyen", ["district"]),
        ("khac", ["province"]),
    ]
    assert loaded.group_of("XYZ").code == "khac" and loaded.group_of("NOK").code == "khac"
    assert [g.code for g in compute_results(store, C).groups] == ["so-nganh", "huyen", "khac"]


def test_document_dates_follow_the_stages(store, campaign):
    from evidence.round.stages import check_document_date, document_dates

    with pytest.raises(InputError, match="a minutes records the appraisal stage, which campaign 'test-2025' has not"):
        check_document_date(store, C, "minutes", date(2026, 1, 10))
    advance(store, C, "self_assessment_closed", on=date(2025, 12, 20))
    advance(store, C, "appraisal", on=date(2026, 1, 10))
    dates = document_dates(store, C)
    assert dates["minutes"] == {"earliest": date(2026, 1, 10), "default": date(2026, 1, 10)}
    assert dates["report"]["default"] is None and dates["plan"]["earliest"] == date(2024, 12, 16)
    check_document_date(store, C, "minutes", date(2026, 1, 10))
    with pytest.raises(InputError, match="before the appraisal stage .2026-01-10. that a minutes records"):
        check_document_date(store, C, "minutes", date(2026, 1, 9))
