"""The shipped sample frameworks (department index, commune index, PCTN): they load, validate and have the
published structure."""

from __future__ import annotations

import unicodedata

import pytest

from evidence.frameworks import load_framework, load_samples, parse_framework_file, sample_paths
from evidence.vn.doctypes import TYPE_NAMES


def sample(sample_id: str):
    return parse_framework_file(sample_paths()[sample_id])


def test_sample_paths_are_package_data():
    paths = sample_paths()
    assert set(paths) == {"par-department", "par-commune", "pctn-province"}
    assert all(path.is_file() and path.suffix == ".yaml" for path in paths.values())


def test_par_department_structure():
    fw = sample("par-department")
    assert fw.sample is True and "mẫu" in fw.description.lower() and "thay" in fw.description
    assert fw.total_points == 100
    assert [(c.code, c.points) for c in fw.criteria] == [
        ("1", 10),
        ("2", 10),
        ("3", 14.5),
        ("4", 11),
        ("5", 16),
        ("6", 7),
        ("7", 16),
        ("8", 15.5),
    ]
    assert len(fw.leaves()) >= 30
    plan = fw.by_code["1.1.1"]
    assert plan.expected_types == ["KH"] and plan.due_rule == "by 31/12 of year-1" and plan.evidence_required
    assert fw.unit_kinds == ["department"] and not [c for c in fw.walk() if c.applies_to]
    assert "1187/QĐ-BNV ngày 15/10/2025" in fw.source
    # field 8 (tác động) is scored from the sociological survey: no self-score, no evidence
    survey = [c for c in fw.leaves() if c.is_survey]
    assert [c.code for c in survey] == ["8.1", "8.2", "8.3", "8.4"]
    assert all(not c.evidence_required for c in survey) and sum(c.points for c in survey) == 15.5
    assert "huyện" not in fw.name and "cấp huyện" not in fw.description


def test_par_commune_structure():
    fw = sample("par-commune")
    assert fw.sample is True and "mẫu" in fw.name and fw.total_points == 100
    assert fw.unit_kinds == ["commune"] and "đặc khu" in fw.name
    assert "1187/QĐ-BNV ngày 15/10/2025" in fw.source
    assert [c.code for c in fw.criteria] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert all(c.is_survey for c in fw.descendants("8") if c.is_leaf)
    assert not [c for c in fw.leaves() if not c.is_survey and not c.evidence_required]
    assert len(fw.leaves()) >= 30


def test_pctn_province_structure():
    fw = sample("pctn-province")
    assert fw.sample is True and "mẫu" in fw.description.lower()
    assert [(c.code, c.points) for c in fw.criteria] == [("A", 20), ("B", 30), ("C", 25), ("D", 25)]
    assert fw.total_points == 100
    assert "A.1.1" in fw.by_code
    assert all(leaf.code.count(".") == 2 for leaf in fw.leaves())


@pytest.mark.parametrize("sample_id", ["par-department", "par-commune", "pctn-province"])
def test_every_scored_criterion_is_complete(sample_id):
    fw = sample(sample_id)
    for leaf in fw.leaves():
        assert leaf.max_points and leaf.max_points > 0, leaf.code
        assert leaf.guidance, leaf.code
        if leaf.evidence_required:
            assert leaf.evidence_description, leaf.code
        assert all(code in TYPE_NAMES for code in leaf.expected_types), leaf.code
    for c in fw.walk():
        assert unicodedata.is_normalized("NFC", c.title + c.guidance + c.evidence_description)


def test_load_samples_once(store):
    assert load_samples(store) == ["par-department", "par-commune", "pctn-province"]
    assert load_samples(store) == []
    stored = load_framework(store, "par-department")
    assert stored.to_json() == sample("par-department").to_json()
    assert stored.unit_kinds == ["department"]
    assert load_framework(store, "par-commune").by_code["8.1"].scored_by == "survey"
