"""Survey criteria (scored_by: survey): never self-scored or flagged for the unit; the secretariat imports the
survey points (whole file or nothing); results and findings say when they are missing."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from conftest import small_framework
from evidence.errors import InputError
from evidence.frameworks.model import Criterion, load_framework, save_framework
from evidence.round.campaign import create_campaign
from evidence.round.findings import check
from evidence.round.results import compute_results
from evidence.round.scoring import appraise, current_scores, set_self_score
from evidence.round.survey import import_survey, survey_missing

C = "survey-2025"
CAMPAIGN = """\
id: survey-2025
name: Xác định Chỉ số CCHC năm 2025 (thử nghiệm)
framework: mini-survey
year: 2025
period: {start: 2024-12-16, end: 2025-12-15}
organization: {parent: UBND TỈNH LÂM ĐỒNG, issuer: SỞ NỘI VỤ, place: Lâm Đồng}
units:
  - {code: STP, name: Sở Tư pháp, kind: department}
  - {code: SYT, name: Sở Y tế, kind: department}
  - {code: XDL, name: UBND phường Xuân Hương - Đà Lạt, kind: commune}
"""


@pytest.fixture
def survey_campaign(store, tmp_path):
    framework = small_framework()
    framework.id = "mini-survey"
    framework.criteria.append(
        Criterion(
            code="3",
            title="Tác động của cải cách hành chính",
            children=[
                Criterion("3.1", "Sự hài lòng của người dân, tổ chức", 4, parent_code="3", scored_by="survey"),
                Criterion("3.2", "Đánh giá của công chức", 2, parent_code="3", scored_by="survey"),
            ],
        )
    )
    save_framework(store, framework)
    path = tmp_path / "c.yaml"
    path.write_text(CAMPAIGN, encoding="utf-8")
    return create_campaign(store, path)


def self_score_everything(store):
    for unit in ("STP", "SYT", "XDL"):
        for code in ("1.1", "1.2", "1.3", "2.1"):
            set_self_score(store, C, unit, code, 0)


def write_csv(tmp_path, text, name="survey.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_scored_by_is_stored_and_units_cannot_self_score_survey_criteria(store, survey_campaign):
    assert load_framework(store, "mini-survey").by_code["3.1"].scored_by == "survey"
    with pytest.raises(InputError, match="scored from the sociological survey"):
        set_self_score(store, C, "STP", "3.1", 3)


def test_no_unit_findings_on_survey_criteria_and_one_secretariat_finding(store, survey_campaign):
    self_score_everything(store)
    findings = check(store, C)
    assert not [f for f in findings if f.criterion in ("3.1", "3.2")]
    survey = [f for f in findings if f.code == "SURVEY_MISSING"]
    assert len(survey) == 1 and survey[0].unit is None and survey[0].severity == "warning"
    assert "Còn 6 điểm điều tra xã hội học" in survey[0].message and "3.1" in survey[0].message
    assert not [f for f in check(store, C, "STP") if f.code == "SURVEY_MISSING"]  # not the unit's business


def test_results_say_survey_points_are_missing_instead_of_scoring_zero_silently(store, survey_campaign):
    self_score_everything(store)
    results = compute_results(store, C)
    assert results.unit("STP").survey_missing == ["3.1", "3.2"]
    assert results.provisional
    assert any(
        "Chưa nhập điểm điều tra xã hội học (tiêu chí 3.1, 3.2) của 3 đơn vị" in r for r in results.provisional_reasons
    )


def test_survey_import_applies_a_good_file_as_appraised_points(store, survey_campaign, tmp_path):
    path = write_csv(
        tmp_path,
        'Mã đơn vị,Tiêu chí,Điểm khảo sát,Ghi chú\nSTP,3.1,"3,5",\nSTP,3.2,2,\nSYT,3.1,4,Phiếu khảo sát 2025\n,,,\n',
    )
    report = import_survey(store, C, path, by="snv")
    assert report.to_json()["summary"] == {"rows": 3, "applied": 3, "unchanged": 0, "missing": 3}
    scores = current_scores(store, C)
    assert (
        scores[("STP", "3.1")].appraised_score == 3.5 and scores[("STP", "3.1")].comment == "Điểm điều tra xã hội học"
    )
    assert scores[("SYT", "3.1")].comment == "Phiếu khảo sát 2025"
    assert [(m["unit"], m["criterion"]) for m in survey_missing(store, C)] == [
        ("SYT", "3.2"),
        ("XDL", "3.1"),
        ("XDL", "3.2"),
    ]
    again = import_survey(store, C, path, by="snv")
    assert again.to_json()["summary"]["unchanged"] == 3
    stp = compute_results(store, C).unit("STP")
    assert stp.survey_missing == [] and next(r for r in stp.criteria if r.code == "3.1").score == 3.5


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("XYZ,3.1,2", "row 3: unknown unit 'XYZ'"),
        ("STP,9.1,2", "row 3: unknown criterion '9.1'"),
        ("STP,1.1,2", "row 3: criterion 1.1 is self-assessed"),
        ("STP,3.2,2.5", "row 3: score 2.5 for criterion 3.2 is above its maximum of 2"),
        ("STP,3.2,nhiều", "row 3: score 'nhiều' is not a number"),
        ("STP,3.1,1", "row 3: unit STP, criterion 3.1 already given in row 2"),
        ("STP,3,1", "row 3: criterion 3 is a group"),
    ],
)
def test_a_bad_row_refuses_the_whole_file(store, survey_campaign, tmp_path, row, message):
    path = write_csv(tmp_path, f"unit,criterion,score\nSTP,3.1,2\n{row}\n")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        import_survey(store, C, path)
    assert "\n" not in str(info.value) and "nothing was imported" in str(info.value)
    assert ("STP", "3.1") not in current_scores(store, C)


def test_survey_import_xlsx_and_cli(store, survey_campaign, tmp_path, cli):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã đơn vị", "Tiêu chí", "Điểm điều tra xã hội học"])
    sheet.append(["XDL", 3.1, 3])  # Excel keeps 3.1 as a number
    sheet.append(["XDL", "3.2", 1.5])
    path = tmp_path / "survey.xlsx"
    workbook.save(path)
    store.close()
    result = cli("survey", "import", path, "--campaign", C, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"]["applied"] == 2
    status = cli("survey", "status", "--campaign", C, "--json")
    assert status.exit_code == 1 and len(json.loads(status.output)["missing"]) == 4
    bad = cli("survey", "import", write_csv(tmp_path, "unit,criterion,score\nXDL,1.1,1\n", "b.csv"), "--campaign", C)
    assert bad.exit_code == 2 and bad.output.startswith("error: ") and "row 2" in bad.output


def test_appraising_a_survey_criterion_directly_is_allowed(store, survey_campaign):
    appraise(store, C, "XDL", "3.1", 2)
    assert compute_results(store, C).unit("XDL").survey_missing == ["3.2"]


def test_score_import_refuses_self_scores_on_survey_criteria(store, survey_campaign, tmp_path):
    from evidence.round.score_import import import_scores

    path = write_csv(tmp_path, "unit,criterion,self_score,appraised_score\nSTP,3.1,4,\nSTP,3.2,,1.5\n", "scores.csv")
    report = import_scores(store, C, path)
    assert [e["row"] for e in report.errors] == [2] and "sociological survey" in report.errors[0]["error"]
    assert current_scores(store, C)[("STP", "3.2")].appraised_score == 1.5  # a survey point, as appraised
