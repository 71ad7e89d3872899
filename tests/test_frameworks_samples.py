"""The two shipped sample frameworks: they load, validate and have the published structure."""

from __future__ import annotations

import unicodedata

import pytest

from evidence.frameworks import load_framework, load_samples, parse_framework_file, sample_paths
from evidence.vn.doctypes import TYPE_NAMES


def sample(sample_id: str):
    return parse_framework_file(sample_paths()[sample_id])


def test_sample_paths_are_package_data():
    paths = sample_paths()
    assert set(paths) == {"par-department", "pctn-province"}
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
    # criteria the interface's example campaign marks not applicable for an island district exist
    assert fw.by_code["5.2"].applies_to == ["district"]
    assert fw.by_code["7.1.3"].applies_to == ["district"]


def test_pctn_province_structure():
    fw = sample("pctn-province")
    assert fw.sample is True and "mẫu" in fw.description.lower()
    assert [(c.code, c.points) for c in fw.criteria] == [("A", 20), ("B", 30), ("C", 25), ("D", 25)]
    assert fw.total_points == 100
    assert "A.1.1" in fw.by_code
    assert all(leaf.code.count(".") == 2 for leaf in fw.leaves())


@pytest.mark.parametrize("sample_id", ["par-department", "pctn-province"])
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
    assert load_samples(store) == ["par-department", "pctn-province"]
    assert load_samples(store) == []
    stored = load_framework(store, "par-department")
    assert stored.to_json() == sample("par-department").to_json()
    assert stored.unit_kinds == ["department", "district", "commune"]
