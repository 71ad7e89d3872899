"""Results: totals per field, percent of the applicable maximum, bands, ranking with ties, statistics."""

from __future__ import annotations

import pytest

from evidence.round.results import compute_results
from evidence.round.scoring import appraise, set_self_score

C = "test-2025"
# mini: field 1 = 1.1 (4) + 1.2 (3) + 1.3 (3); field 2 = 2.1 (6) + 2.2 (4, districts only)
# STP, SYT (departments): max 16. BLV (district, 1.3 not applicable): 4 + 3 + 6 + 4 = 17.


def score_all(store, unit, values, appraised=None):
    for code, value in values.items():
        set_self_score(store, C, unit, code, value)
    for code, value in (appraised or {}).items():
        appraise(store, C, unit, code, value)


def test_applicable_maximum_percent_band_and_field_totals(store, campaign):
    score_all(store, "STP", {"1.1": 4, "1.2": 3, "1.3": 3, "2.1": 6}, {"1.1": 3, "1.2": 3, "1.3": 2, "2.1": 4})
    score_all(store, "BLV", {"1.1": 4, "1.2": 3, "2.1": 6, "2.2": 4})
    results = compute_results(store, C)
    stp = results.unit("STP")
    assert (stp.max_points, stp.self_total, stp.appraised_total, stp.score) == (16, 16, 12, 12)
    assert (stp.percent, stp.band, stp.basis) == (75.0, "Khá", "appraised")
    assert [(f.code, f.max_points, f.self_total, f.appraised_total) for f in stp.fields] == [
        ("1", 10, 10, 8),
        ("2", 6, 6, 4),
    ]
    blv = results.unit("BLV")
    assert (blv.max_points, blv.score, blv.percent, blv.band, blv.basis) == (17, 17, 100.0, "Tốt", "self")
    assert [f.max_points for f in blv.fields] == [7, 10]
    row13 = next(r for r in blv.criteria if r.code == "1.3")
    assert (row13.applicable, row13.max_points, row13.score) == (False, 0, None)
    syt = results.unit("SYT")
    assert (syt.score, syt.percent, syt.band, syt.self_scored) == (0, 0.0, "Yếu", 0)


def test_not_applicable_scores_do_not_count(store, campaign):
    score_all(store, "BLV", {"1.1": 4, "1.2": 3, "2.1": 6, "2.2": 4})
    with store.transaction() as conn:  # a score on 1.3 that should never have been recorded
        conn.execute(
            "INSERT INTO scores(campaign_id, unit_code, criterion_code, self_score, appraised_score,"
            " updated_at) VALUES (?, 'BLV', '1.3', 3, 3, 'x')",
            (C,),
        )
    blv = compute_results(store, C).unit("BLV")
    assert (blv.score, blv.max_points, blv.percent) == (17, 17, 100.0)


def test_ties_share_a_rank_and_the_next_rank_skips(store, campaign):
    # STP 12/16 = 75 %; SYT 12/16 = 75 %; BLV 12.75/17 = 75 % too -> all equal
    score_all(store, "STP", {"1.1": 4, "1.2": 2, "1.3": 0, "2.1": 6})
    score_all(store, "SYT", {"1.1": 3, "1.2": 3, "1.3": 0, "2.1": 6})
    score_all(store, "BLV", {"1.1": 4, "1.2": 0.75, "2.1": 6, "2.2": 2})
    results = compute_results(store, C)
    assert [(u.code, u.percent, u.rank) for u in results.units] == [
        ("STP", 75.0, 1),
        ("SYT", 75.0, 1),
        ("BLV", 75.0, 1),
    ]
    appraise(store, C, "STP", "1.1", 3.5)  # STP 11.5/16 = 71.88 %
    appraise(store, C, "BLV", "1.1", 4.5 - 0.5)  # unchanged value: BLV stays 75 %
    results = compute_results(store, C)
    # ranked within each group: departments (SYT, STP), then districts (BLV)
    assert [(u.code, u.group, u.rank) for u in results.units] == [
        ("SYT", "so-nganh", 1),
        ("STP", "so-nganh", 2),
        ("BLV", "huyen", 1),
    ]
    assert results.unit("STP").basis == "mixed"


def test_statistics_and_most_deducted(store, campaign):
    score_all(store, "STP", {"1.1": 4, "1.2": 3, "1.3": 3, "2.1": 6}, {"1.1": 2, "1.2": 3, "2.1": 5})
    score_all(store, "SYT", {"1.1": 4, "1.2": 3, "1.3": 1, "2.1": 4}, {"1.1": 3, "2.1": 4})
    score_all(store, "BLV", {"1.1": 2, "1.2": 1, "2.1": 3, "2.2": 0}, {"1.1": 1})
    results = compute_results(store, C)
    percents = {u.code: u.percent for u in results.units}
    assert percents == {"STP": 81.25, "SYT": 68.75, "BLV": 29.41}
    stats = results.statistics
    assert (stats.units, stats.highest, stats.lowest) == (3, 81.25, 29.41)
    assert stats.mean == pytest.approx(round((81.25 + 68.75 + 29.41) / 3, 2))
    assert stats.gap == pytest.approx(51.84)
    assert [(b["band"], b["units"]) for b in stats.per_band] == [("Tốt", 1), ("Khá", 1), ("Trung bình", 0), ("Yếu", 1)]
    deducted = [(d.code, d.units, d.average_deduction) for d in results.most_deducted]
    assert deducted == [("1.1", 3, 1.33), ("2.1", 1, 1.0)]  # 1.1: 2, 1, 1; 2.1: STP 6 -> 5


def test_to_json_is_clean(store, campaign):
    score_all(store, "STP", {"1.1": 4}, {"1.1": 3})
    data = compute_results(store, C).to_json()
    assert set(data) == {
        "campaign",
        "name",
        "year",
        "framework",
        "max_points",
        "units",
        "statistics",
        "most_deducted",
        "groups",
        "provisional",
        "provisional_reasons",
    }
    assert data["provisional"] is True and data["provisional_reasons"][0].startswith(
        "Còn 11 tiêu chí chưa được thẩm định ở 3 đơn vị: Sở Tư pháp (3)"
    )
    assert [g["code"] for g in data["groups"]] == ["so-nganh", "huyen"] and data["units"][0]["group"] == "so-nganh"
    assert "criteria" not in data["units"][0]
    full = compute_results(store, C).to_json(criteria=True)
    stp = next(u for u in full["units"] if u["code"] == "STP")
    assert stp["criteria"][0]["code"] == "1.1" and stp["criteria"][0]["deduction"] == 1
