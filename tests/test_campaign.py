"""Campaign files: creation, validation errors, progress."""

from __future__ import annotations

import pytest

from evidence.round.campaign import create_campaign, load_campaign, progress
from evidence.errors import InputError
from evidence.frameworks.model import save_framework

from conftest import CAMPAIGN_YAML, small_framework


def test_create_and_load(campaign, store):
    loaded = load_campaign(store, "test-2025")
    assert loaded.name.startswith("Xác định Chỉ số CCHC")
    assert [u.code for u in loaded.units] == ["STP", "SYT", "BLV"]
    assert loaded.period_start.isoformat() == "2024-12-16"
    assert loaded.deadlines["self_assessment"].isoformat() == "2025-12-20"
    assert loaded.organization.signer.authority == "KT. GIÁM ĐỐC"
    assert [m.role for m in loaded.council] == ["chair", "deputy", "secretary"]
    assert loaded.band_for(81) == "Tốt" and loaded.band_for(64.9) == "Trung bình" and loaded.band_for(3) == "Yếu"


def test_applicability_by_kind_and_by_list(campaign):
    department = campaign.unit("STP")
    district = campaign.unit("BLV")
    assert [c.code for c in campaign.applicable_leaves(department)] == ["1.1", "1.2", "1.3", "2.1"]
    assert [c.code for c in campaign.applicable_leaves(district)] == ["1.1", "1.2", "2.1", "2.2"]


def test_progress_counts_applicable_criteria(campaign, store):
    rows = {r["unit"]: r for r in progress(store, campaign)}
    assert rows["STP"]["applicable_criteria"] == 4 and rows["STP"]["criteria_with_evidence"] == 0
    assert rows["BLV"]["required_without_evidence"] == 4


@pytest.mark.parametrize(
    "change, message",
    [
        (("framework: mini", "framework: khong-co"), "unknown framework 'khong-co'"),
        (('not_applicable: ["1.3"]', 'not_applicable: ["9.9"]'), "unknown criterion '9.9'"),
        (("{code: SYT, name: Sở Y tế", "{code: STP, name: Sở Y tế"), "duplicate unit code 'STP'"),
        (("start: 2024-12-16", "start: 2024-31-16"), "is not a date"),
        (("role: chair", "role: boss"), "role 'boss'"),
        (("{name: Khá, min: 65}", "{name: Khá, min: 95}"), "highest first"),
    ],
)
def test_validation_errors_name_the_file_and_key(store, tmp_path, change, message):
    save_framework(store, small_framework())
    path = tmp_path / "c.yaml"
    path.write_text(CAMPAIGN_YAML.replace(*change), encoding="utf-8")
    with pytest.raises(InputError) as error:
        create_campaign(store, path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_bad_yaml_reports_the_line(store, tmp_path):
    save_framework(store, small_framework())
    path = tmp_path / "c.yaml"
    path.write_text("id: x\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3"):
        create_campaign(store, path)


def test_duplicate_campaign_is_refused(campaign, store, campaign_file):
    with pytest.raises(InputError, match="already exists"):
        create_campaign(store, campaign_file)


def test_cli_campaign_create_list_show(cli, campaign_file):
    from evidence.store import Store

    assert cli("init", "--no-samples").exit_code == 0
    with Store.open(cli.store_dir) as s:
        save_framework(s, small_framework())
    result = cli("campaign", "create", campaign_file)
    assert result.exit_code == 0 and result.output.strip() == "test-2025"
    import json

    listed = json.loads(cli("campaign", "list", "--json").output)
    assert listed["campaigns"][0]["id"] == "test-2025"
    shown = json.loads(cli("campaign", "show", "test-2025", "--json").output)
    assert {p["unit"]: p["applicable_criteria"] for p in shown["progress"]} == {"STP": 4, "SYT": 4, "BLV": 4}
    missing = cli("campaign", "create", campaign_file.parent / "nope.yaml")
    assert missing.exit_code == 2 and "no such file" in missing.output
