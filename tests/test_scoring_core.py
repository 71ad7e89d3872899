"""Scores: self-assessment, appraisal, objections, agreement, submission; the append-only history."""

from __future__ import annotations


import pytest
from pg_support import database_errors

from evidence.errors import InputError, NotFound
from evidence.round.scoring import (
    appraise,
    current_scores,
    get_score,
    history,
    raise_objection,
    record_agreement,
    reopen_self_assessment,
    resolve_objection,
    set_self_score,
    submit_self_assessment,
    unit_status,
    unit_statuses,
    agreement_is_current,
)

C = "test-2025"


def test_self_score_with_explanation_and_history(store, campaign):
    set_self_score(store, C, "STP", "1.1", 3, explanation="Đã ban hành kế hoạch", by="stp")
    score = set_self_score(store, C, "STP", "1.1", "3,5", by="stp")  # decimal comma; explanation kept
    assert score.self_score == 3.5
    assert score.explanation == "Đã ban hành kế hoạch"
    events = history(store, C, unit="STP", criterion="1.1")
    assert [(e["kind"], e["previous_value"], e["value"], e["by"]) for e in events] == [
        ("self", None, 3.0, "stp"),
        ("self", 3.0, 3.5, "stp"),
    ]
    assert all(e["at"] for e in events)


def test_unchanged_write_records_nothing(store, campaign):
    set_self_score(store, C, "STP", "1.1", 3, explanation="x")
    set_self_score(store, C, "STP", "1.1", 3.0, explanation="x")
    assert len(history(store, C)) == 1


@pytest.mark.parametrize(
    "value, words",
    [(4.5, "above its maximum of 4"), (-1, "negative"), ("abc", "not a number"), ("nan", "not a number")],
)
def test_bad_scores_are_refused_with_a_clear_message(store, campaign, value, words):
    with pytest.raises(InputError, match=words):
        set_self_score(store, C, "STP", "1.1", value)
    assert history(store, C) == []


def test_maximum_itself_is_accepted(store, campaign):
    assert set_self_score(store, C, "STP", "1.1", 4).self_score == 4


def test_not_applicable_group_and_unknown_codes_are_refused(store, campaign):
    with pytest.raises(InputError, match="does not apply to unit BLV"):
        set_self_score(store, C, "BLV", "1.3", 1)
    with pytest.raises(InputError, match="does not apply to unit STP"):  # 2.2 is for districts only
        appraise(store, C, "STP", "2.2", 1)
    with pytest.raises(InputError, match="is a group; score its sub-criteria"):
        set_self_score(store, C, "STP", "1", 1)
    with pytest.raises(NotFound, match="unknown criterion '9.9'"):
        set_self_score(store, C, "STP", "9.9", 1)
    with pytest.raises(NotFound, match="unknown unit 'XXX'"):
        set_self_score(store, C, "XXX", "1.1", 1)


def test_appraisal_keeps_self_score_and_records_comment(store, campaign):
    set_self_score(store, C, "STP", "1.1", 4)
    score = appraise(store, C, "STP", "1.1", 2.5, comment="Kế hoạch ban hành chậm", by="hđ")
    assert (score.self_score, score.appraised_score, score.comment, score.deduction) == (
        4,
        2.5,
        "Kế hoạch ban hành chậm",
        1.5,
    )
    assert current_scores(store, C)[("STP", "1.1")].appraised_score == 2.5


def test_objection_accepted_changes_the_appraised_score(store, campaign):
    set_self_score(store, C, "SYT", "2.1", 6)
    with pytest.raises(InputError, match="no appraised score yet"):
        raise_objection(store, C, "SYT", "2.1", "Đề nghị xem xét lại")
    appraise(store, C, "SYT", "2.1", 3)
    raise_objection(store, C, "SYT", "2.1", "Đã có Quyết định công bố số 12/QĐ-UBND", by="syt")
    with pytest.raises(InputError, match="already has an open objection"):
        raise_objection(store, C, "SYT", "2.1", "lần nữa")
    with pytest.raises(InputError, match="open objection"):
        appraise(store, C, "SYT", "2.1", 4)
    with pytest.raises(InputError, match="needs the new score"):
        resolve_objection(store, C, "SYT", "2.1", accepted=True)
    with pytest.raises(InputError, match="above its maximum"):
        resolve_objection(store, C, "SYT", "2.1", accepted=True, score=7)
    score = resolve_objection(store, C, "SYT", "2.1", accepted=True, score=5, reason="Bổ sung hợp lệ", by="hđ")
    assert (score.appraised_score, score.objection_status, score.resolution) == (5, "accepted", "Bổ sung hợp lệ")
    kinds = [(e["kind"], e["previous_value"], e["value"], e["outcome"]) for e in history(store, C, "SYT", "2.1")]
    assert kinds == [
        ("self", None, 6, None),
        ("appraised", None, 3, None),
        ("objection", None, 3, None),
        ("objection_resolved", 3, 5, "accepted"),
    ]
    with pytest.raises(InputError, match="no open objection"):
        resolve_objection(store, C, "SYT", "2.1", accepted=False, reason="x")


def test_objection_rejected_needs_a_reason_and_keeps_the_score(store, campaign):
    appraise(store, C, "STP", "1.2", 1)
    raise_objection(store, C, "STP", "1.2", "Báo cáo đã gửi đúng hạn")
    with pytest.raises(InputError, match="needs a reason"):
        resolve_objection(store, C, "STP", "1.2", accepted=False)
    score = resolve_objection(store, C, "STP", "1.2", accepted=False, reason="Không có văn bản chứng minh")
    assert (score.appraised_score, score.objection_status) == (1, "rejected")
    assert history(store, C, "STP", "1.2")[-1]["text"] == "Không có văn bản chứng minh"


def test_agreement_is_recorded_and_goes_stale_when_the_result_changes(store, campaign):
    with pytest.raises(InputError, match="no appraised score"):
        record_agreement(store, C, "STP", agreed_on="2026-01-20", reference="15/STP-VP")
    appraise(store, C, "STP", "1.1", 3)
    raise_objection(store, C, "STP", "1.1", "xin xem lại")
    with pytest.raises(InputError, match="open objection"):
        record_agreement(store, C, "STP", agreed_on="2026-01-20", reference="15/STP-VP")
    resolve_objection(store, C, "STP", "1.1", accepted=False, reason="giữ nguyên")
    with pytest.raises(InputError, match="is not a date"):
        record_agreement(store, C, "STP", agreed_on="hôm qua", reference="15/STP-VP")
    status = record_agreement(store, C, "STP", agreed_on="20/01/2026", reference="15/STP-VP", by="stp")
    assert (status.agreed_on, status.agreement_reference) == ("2026-01-20", "15/STP-VP")
    scores = [s for (u, _), s in current_scores(store, C).items() if u == "STP"]
    assert agreement_is_current(status, scores)
    appraise(store, C, "STP", "1.1", 2)
    scores = [s for (u, _), s in current_scores(store, C).items() if u == "STP"]
    assert not agreement_is_current(unit_status(store, C, "STP"), scores)
    agreement = [e for e in history(store, C, unit="STP") if e["kind"] == "agreement"]
    assert agreement[0]["reference"] == "15/STP-VP" and agreement[0]["date"] == "2026-01-20"
    assert agreement[0]["criterion"] is None


def test_submission_locks_self_scores_until_reopened(store, campaign):
    set_self_score(store, C, "STP", "1.1", 2)
    status = submit_self_assessment(store, C, "STP", by="stp")
    assert status.submitted and unit_statuses(store, C)["STP"].submitted_by == "stp"
    with pytest.raises(InputError, match="self-scores are locked until the secretariat reopens it"):
        set_self_score(store, C, "STP", "1.1", 3)
    with pytest.raises(InputError, match="already submitted"):
        submit_self_assessment(store, C, "STP")
    appraise(store, C, "STP", "1.1", 1)  # the council still appraises
    reopen_self_assessment(store, C, "STP", reason="Đơn vị xin bổ sung", by="snv")
    assert set_self_score(store, C, "STP", "1.1", 3).self_score == 3
    with pytest.raises(InputError, match="nothing to reopen"):
        reopen_self_assessment(store, C, "STP")
    kinds = [e["kind"] for e in history(store, C, unit="STP")]
    assert kinds == ["self", "submission", "appraised", "reopen", "self"]


def test_history_is_append_only_in_the_database(store, campaign):
    set_self_score(store, C, "STP", "1.1", 2)
    with pytest.raises(database_errors(), match="append-only"):
        store.db.execute("UPDATE score_events SET value = 4")
    with pytest.raises(database_errors(), match="append-only"):
        store.db.execute("DELETE FROM score_events")
    assert get_score(store, C, "STP", "1.1").self_score == 2


def test_unit_score_summaries_count_applicable_criteria_only(store, campaign):
    from evidence.round.scoring import unit_score_summaries

    set_self_score(store, campaign, "BLV", "1.1", 4)
    set_self_score(store, campaign, "BLV", "2.2", 3)
    appraise(store, campaign, "BLV", "1.1", 3)
    raise_objection(store, campaign, "BLV", "1.1", "Đề nghị xem xét lại")
    summaries = unit_score_summaries(store, "test-2025")
    blv = summaries["BLV"]
    assert (blv["leaves"], blv["max"]) == (4, 17.0)  # 1.3 not applicable; 2.2 for districts only
    assert (blv["self_scored"], blv["appraised"], blv["self_total"], blv["appraised_total"]) == (2, 1, 7, 3)
    assert [s.criterion for s in blv["objections"]] == ["1.1"]
    assert summaries["STP"]["leaves"] == 4 and summaries["STP"]["self_scored"] == 0
