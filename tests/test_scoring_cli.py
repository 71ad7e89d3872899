"""The score, check and results commands: JSON on stdout, exit 0/1/2, one-line errors."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def ready(cli, campaign):
    return cli


def run_json(cli, *args):
    result = cli(*args, "--json")
    return result, (json.loads(result.stdout) if result.stdout.strip() else None)


def test_score_lifecycle_through_the_cli(ready):
    cli = ready
    result, data = run_json(
        cli,
        "score",
        "set",
        "--unit",
        "STP",
        "--criterion",
        "1.1",
        "--self",
        "4",
        "--explanation",
        "Kế hoạch số 12/KH-SNV",
        "--by",
        "stp",
    )
    assert result.exit_code == 0 and data["self_score"] == 4 and data["explanation"] == "Kế hoạch số 12/KH-SNV"
    result, data = run_json(
        cli, "score", "appraise", "--unit", "STP", "--criterion", "1.1", "--score", "3", "--comment", "Ban hành chậm"
    )
    assert data["appraised_score"] == 3 and data["deduction"] == 1
    result, data = run_json(cli, "score", "object", "--unit", "STP", "--criterion", "1.1", "--text", "Đúng hạn")
    assert data["objection_status"] == "open"
    result, data = run_json(
        cli,
        "score",
        "resolve",
        "--unit",
        "STP",
        "--criterion",
        "1.1",
        "--accept",
        "--score",
        "4",
        "--reason",
        "Có văn bản",
    )
    assert data["appraised_score"] == 4 and data["objection_status"] == "accepted"
    result, data = run_json(cli, "score", "agree", "--unit", "STP", "--date", "2026-01-20", "--reference", "15/STP-VP")
    assert data["agreed_on"] == "2026-01-20"
    result, data = run_json(cli, "score", "history", "--unit", "STP")
    assert [e["kind"] for e in data["events"]] == ["self", "appraised", "objection", "objection_resolved", "agreement"]
    assert cli("score", "history", "--unit", "STP").exit_code == 0
    result, data = run_json(cli, "score", "list")
    assert data["scores"][0]["criterion"] == "1.1"
    result, data = run_json(cli, "score", "submit", "--unit", "SYT")
    assert data["submitted"] is True
    result = cli("score", "set", "--unit", "SYT", "--criterion", "1.1", "--self", "1")
    assert result.exit_code == 2 and "locked" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "args, words",
    [
        (["score", "set", "--unit", "STP", "--criterion", "1.1", "--self", "9"], "above its maximum of 4"),
        (["score", "set", "--unit", "STP", "--criterion", "1.1", "--self", "-1"], "negative"),
        (["score", "set", "--unit", "BLV", "--criterion", "1.3", "--self", "1"], "does not apply to unit BLV"),
        (["score", "appraise", "--unit", "STP", "--criterion", "7.7", "--score", "1"], "unknown criterion '7.7'"),
        (["score", "resolve", "--unit", "STP", "--criterion", "1.1"], "--accept"),
        (["check", "--unit", "NOPE"], "unknown unit 'NOPE'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(ready, args, words):
    result = ready(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and words in result.stderr
    assert result.stdout == ""


def test_check_json_contract_and_exit_status(ready, store):
    result, data = run_json(ready, "check")
    assert result.exit_code == 1  # blank self-scores are errors
    assert data["findings"] and set(data["findings"][0]) == {
        "code",
        "severity",
        "unit",
        "criterion",
        "evidence_id",
        "message",
    }
    for code, value in {"1.1": 0, "1.2": 0, "1.3": 0, "2.1": 0}.items():
        ready("score", "set", "--unit", "STP", "--criterion", code, "--self", value)
    result, data = run_json(ready, "check", "--unit", "STP")
    assert result.exit_code == 0 and data == {"findings": []}
    human = ready("check")
    assert human.exit_code == 1 and "SYT — Sở Y tế" in human.stdout and "BLANK_SELF_SCORE" in human.stdout


def test_results_json_and_table(ready):
    ready("score", "set", "--unit", "STP", "--criterion", "1.1", "--self", "4")
    result, data = run_json(ready, "results")
    assert result.exit_code == 0
    assert [u["code"] for u in data["units"]][0] == "STP" and data["units"][0]["rank"] == 1
    assert data["statistics"]["units"] == 3
    human = ready("results")
    assert "Sở Tư pháp" in human.stdout and "xếp loại" in human.stdout
