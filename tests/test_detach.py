"""Taking a link back: the link leaves the criterion (checks, search, listings) but is kept as history; refused
once the unit has submitted; the original stays in the store."""

from __future__ import annotations

import json

import pytest
from pg_support import database_errors

from evidence.catalog import attach_files, detach_evidence
from evidence.records import get_evidence, list_evidence
from evidence.errors import InputError, NotFound
from evidence.round.findings import check
from evidence.round.scoring import reopen_self_assessment, set_self_score, submit_self_assessment
from evidence.search import check_index, search
from conftest import make_docx

C = "test-2025"


@pytest.fixture
def attached(store, campaign, tmp_path):
    path = make_docx(
        tmp_path / "ke-hoach.docx", number="1366/KH-UBND", subject="Kế hoạch tuyên truyền tiêm chủng mở rộng"
    )
    first = attach_files(store, [path], campaign_id=C, unit_code="STP", criterion_code="1.1", by="stp")[0]
    attach_files(store, [path], campaign_id=C, unit_code="STP", criterion_code="1.2", by="stp")
    return first.evidence_id


def criteria_of(store, evidence_id):
    return [(l["unit"], l["criterion"]) for l in get_evidence(store, evidence_id)["links"]]


def test_detach_takes_the_link_back_and_keeps_it_as_history(store, attached):
    set_self_score(store, C, "STP", "1.1", 1, by="stp")
    assert not [f for f in check(store, C, "STP") if f.code == "MISSING_EVIDENCE" and f.criterion == "1.1"]
    result = detach_evidence(
        store, attached, campaign_id=C, unit_code="STP", criterion_code="1.1", by="stp", reason="nhầm tiêu chí"
    )
    assert result["warnings"] == [] and result["filename"] == "ke-hoach.docx"
    assert criteria_of(store, attached) == [("STP", "1.2")]
    history = get_evidence(store, attached)["detached_links"]
    assert [(h["criterion"], h["detached_by"], h["reason"], h["linked_by"]) for h in history] == [
        ("1.1", "stp", "nhầm tiêu chí", "stp")
    ]
    assert list_evidence(store, campaign_id=C, unit_code="STP", criterion_code="1.1") == []
    # the criterion lost its proof: the check says so, the search no longer finds it there
    assert [f for f in check(store, C, "STP") if f.code == "MISSING_EVIDENCE" and f.criterion == "1.1"]
    assert search(store, "tiêm chủng", unit="STP", criterion="1.1")["total"] == 0
    assert search(store, "tiêm chủng", unit="STP", criterion="1.2")["total"] == 1
    assert check_index(store)["ok"]


def test_history_cannot_be_rewritten(store, attached):
    detach_evidence(store, attached, campaign_id=C, unit_code="STP", criterion_code="1.1", by="stp")
    for statement in ("UPDATE detached_links SET reason = 'x'", "DELETE FROM detached_links"):
        with pytest.raises(database_errors(), match="append-only"):
            with store.transaction() as conn:
                conn.execute(statement)
    assert len(get_evidence(store, attached)["detached_links"]) == 1


def test_refused_once_submitted_until_reopened(store, attached):
    submit_self_assessment(store, C, "STP", by="stp")
    with pytest.raises(InputError, match="submitted its self-assessment"):
        detach_evidence(store, attached, campaign_id=C, unit_code="STP", criterion_code="1.1", by="stp")
    assert criteria_of(store, attached) == [("STP", "1.1"), ("STP", "1.2")]
    reopen_self_assessment(store, C, "STP", reason="bổ sung", by="thuky")
    detach_evidence(store, attached, campaign_id=C, unit_code="STP", criterion_code="1.1", by="stp")
    assert criteria_of(store, attached) == [("STP", "1.2")]


def test_unknown_link_names_where_the_record_is_linked(store, attached):
    with pytest.raises(NotFound, match=r"not linked to SYT/1\.1 .*linked to test-2025 STP/1\.1, test-2025 STP/1\.2"):
        detach_evidence(store, attached, campaign_id=C, unit_code="SYT", criterion_code="1.1")
    with pytest.raises(NotFound, match="no such evidence"):
        detach_evidence(store, 999, campaign_id=C, unit_code="STP", criterion_code="1.1")


def test_reattach_and_detach_again(store, attached, tmp_path):
    detach_evidence(store, attached, campaign_id=C, unit_code="STP", criterion_code="1.1", by="stp")
    path = tmp_path / "ke-hoach.docx"  # the very file of the fixture (a new one would differ in its timestamps)
    again = attach_files(store, [path], campaign_id=C, unit_code="STP", criterion_code="1.1", by="stp")[0]
    assert again.evidence_id == attached and again.linked and not again.stored
    detach_evidence(store, attached, campaign_id=C, unit_code="STP", criterion_code="1.1", by="stp")
    assert [h["criterion"] for h in get_evidence(store, attached)["detached_links"]] == ["1.1", "1.1"]


def test_cli_detach(cli, store, campaign, tmp_path):
    doc = make_docx(tmp_path / "bao-cao.docx", number="12/BC-STP", type_name="BÁO CÁO")
    attached = json.loads(cli("attach", doc, "--unit", "STP", "--criterion", "1.1", "--json").stdout)
    evidence_id = attached["attached"][0]["evidence_id"]
    out = cli("detach", evidence_id, "--unit", "STP", "--criterion", "1.1", "--reason", "sai tệp", "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["criterion"] == "1.1"
    shown = cli("show", evidence_id)
    assert "detached from test-2025 STP/1.1" in shown.stdout and "sai tệp" in shown.stdout
    again = cli("detach", evidence_id, "--unit", "STP", "--criterion", "1.1")
    assert again.exit_code == 2 and again.stderr.count("\n") == 1 and "it has no links" in again.stderr
