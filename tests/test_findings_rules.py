"""`check`: every finding code has a case that triggers it and a near miss that must not.

Evidence rows are inserted with SQL and chosen metadata (real rows in a real store), so each case changes exactly
one thing from a clean baseline: a signed PDF plan, issued in the period, linked before the deadline."""

from __future__ import annotations

import hashlib
import itertools
import json

import pytest

from evidence.round.findings import CODES, check, findings_for_evidence, has_errors
from evidence.round.scoring import appraise, set_self_score
from evidence.store import dumps

C = "test-2025"
_counter = itertools.count(1)
SIGNED = [{"signed_at": "2025-01-05T10:00:00+07:00", "signer": "Nguyễn Văn A", "reason": "", "intact": True}]


def add_evidence(
    store,
    *,
    unit="STP",
    criterion="1.1",
    number="12/KH-SNV",
    type_code="KH",
    issuer="SỞ NỘI VỤ",
    issued_on="2025-01-05",
    fmt="pdf",
    text_source="text",
    text="Kế hoạch cải cách hành chính",
    signatures=SIGNED,
    warnings=(),
    linked_at="2025-03-01T02:00:00+00:00",
    filename=None,
    extra=None,
) -> int:
    n = next(_counter)
    sha = hashlib.sha256(f"evidence {n}".encode()).hexdigest()
    metadata = {
        "sha256": sha,
        "format": fmt,
        "number": number,
        "type_code": type_code,
        "issuer": issuer,
        "issued_on": issued_on,
        "signatures": list(signatures),
        "warnings": list(warnings),
        **(extra or {}),
    }
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO evidence(sha256, size, filename, format, pages, text_source, metadata, text, created_at,"
            " updated_at) VALUES (?, 100, ?, ?, 1, ?, ?, ?, ?, ?) RETURNING id",
            (sha, filename or f"file{n}.{fmt}", fmt, text_source, dumps(metadata), text, linked_at, linked_at),
        )
        eid = cur.fetchone()[0]
    link(store, eid, unit, criterion, linked_at)
    return eid


def link(store, evidence_id, unit, criterion, linked_at="2025-03-01T02:00:00+00:00"):
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO links(evidence_id, campaign_id, unit_code, criterion_code, filename, linked_by,"
            " linked_at) VALUES (?, ?, ?, ?, 'f', 'test', ?)",
            (evidence_id, C, unit, criterion, linked_at),
        )


def set_criterion(store, code, **columns):
    """Change a criterion of the stored framework in place (as a newer version of it would)."""
    sets = ", ".join(f"{name} = ?" for name in columns)
    with store.transaction() as conn:
        conn.execute(f"UPDATE criteria SET {sets} WHERE framework_id = 'mini' AND code = ?", (*columns.values(), code))


def codes(store, unit="STP", criterion=None):
    return [f.code for f in check(store, C, unit) if criterion is None or f.criterion == criterion]


def scored(store, unit="STP", **values):
    """Self-score every applicable leaf (so BLANK_SELF_SCORE stays quiet), overriding some."""
    base = {"1.1": 4, "1.2": 0, "1.3": 0, "2.1": 0}
    base.update(values)
    for code, value in base.items():
        set_self_score(store, C, unit, code, value)


def test_clean_baseline_has_no_findings(store, campaign):
    scored(store)
    add_evidence(store)
    assert check(store, C, "STP") == []


def test_all_codes_are_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "findings.md").read_text(encoding="utf-8")
    assert all(f"`{code}`" in doc for code in CODES)


# ---------------------------------------------------------------- scores


def test_blank_self_score(store, campaign):
    scored(store)
    add_evidence(store)
    assert codes(store, "SYT").count("BLANK_SELF_SCORE") == 4  # 1.1, 1.2, 1.3, 2.1 (2.2 is district-only)
    assert "BLANK_SELF_SCORE" not in codes(store, "STP")  # near miss: 0 is a score
    blv = [f for f in check(store, C, "BLV") if f.code == "BLANK_SELF_SCORE"]
    assert sorted(f.criterion for f in blv) == ["1.1", "1.2", "2.1", "2.2"]  # 1.3 not applicable


def test_missing_evidence_error_warning_and_near_misses(store, campaign):
    scored(store, **{"1.2": 2})
    add_evidence(store)
    [f] = [f for f in check(store, C, "STP") if f.code == "MISSING_EVIDENCE"]
    assert (f.criterion, f.severity) == ("1.2", "error")
    assert "yêu cầu tài liệu kiểm chứng" in f.message and "tự chấm 2 điểm" in f.message
    set_self_score(store, C, "STP", "1.2", 2, explanation="Báo cáo gửi qua hệ thống, chưa lưu bản giấy")
    [f] = [f for f in check(store, C, "STP") if f.code == "MISSING_EVIDENCE"]
    assert f.severity == "warning" and "đã có giải trình" in f.message
    set_self_score(store, C, "STP", "1.2", 0)  # near miss: nothing claimed, nothing to prove
    assert "MISSING_EVIDENCE" not in codes(store)
    set_self_score(store, C, "STP", "1.2", 2)
    add_evidence(store, criterion="1.2", number="3/BC-SNV", type_code="BC")  # near miss: evidence linked
    assert "MISSING_EVIDENCE" not in codes(store)


def test_score_without_evidence_only_where_evidence_is_optional(store, campaign):
    scored(store, **{"1.3": 2})
    add_evidence(store)
    [f] = [f for f in check(store, C, "STP") if f.code == "SCORE_WITHOUT_EVIDENCE"]
    assert (f.criterion, f.severity) == ("1.3", "warning")
    set_self_score(store, C, "STP", "1.3", 2, explanation="Đã kiểm tra 3 đơn vị trực thuộc")
    assert "SCORE_WITHOUT_EVIDENCE" not in codes(store)  # near miss: explained


def test_score_above_max_after_the_framework_lowered_a_maximum(store, campaign):
    scored(store)
    add_evidence(store)
    appraise(store, C, "STP", "1.1", 3.5)
    set_criterion(store, "1.1", max_points=3.5)  # the framework now gives 1.1 3.5 points instead of 4
    found = [f for f in check(store, C, "STP") if f.code == "SCORE_ABOVE_MAX"]
    assert [(f.criterion, f.severity) for f in found] == [("1.1", "error")]  # self 4 > 3.5; appraised 3.5 is fine
    assert "vượt điểm tối đa 3,5" in found[0].message


def test_unknown_criterion_for_links_and_scores_left_by_a_framework_change(store, campaign):
    scored(store)
    add_evidence(store)
    with store.transaction() as conn:  # rows surviving a framework change (or written by an older version)
        conn.execute(
            "INSERT INTO scores(campaign_id, unit_code, criterion_code, self_score, updated_at)"
            " VALUES (?, 'STP', '3.1', 2, 'x')",
            (C,),
        )
    eid = add_evidence(store, criterion="1.9", number="5/KH-SNV")
    found = [(f.criterion, f.evidence_id, f.severity) for f in check(store, C, "STP") if f.code == "UNKNOWN_CRITERION"]
    assert sorted(found, key=str) == sorted([("3.1", None, "error"), ("1.9", eid, "error")], key=str)
    assert "UNKNOWN_CRITERION" not in codes(store, "SYT")  # near miss: another unit is untouched


# ---------------------------------------------------------------- one document


@pytest.mark.parametrize(
    "change, code, severity",
    [
        ({"issued_on": None}, "UNDATED", "warning"),
        ({"issued_on": "2024-12-15"}, "OUT_OF_PERIOD", "error"),
        ({"issued_on": "2025-12-16"}, "OUT_OF_PERIOD", "error"),
        ({"linked_at": "2025-12-20T17:30:00+00:00"}, "LATE_SUBMISSION", "warning"),  # 21/12 00:30 in Vietnam
        ({"number": "/KH-SNV"}, "NUMBER_BLANK", "warning"),
        ({"number": None, "warnings": ["number_blank"]}, "NUMBER_BLANK", "warning"),
        ({"text_source": "none", "text": ""}, "UNREADABLE", "warning"),
        ({"type_code": "CV", "number": "40/SNV-CCHC"}, "TYPE_MISMATCH", "warning"),
        ({"signatures": []}, "NOT_SIGNED", "info"),
        ({"fmt": "docx", "signatures": []}, "NOT_SIGNED", "info"),
    ],
)
def test_document_findings(store, campaign, change, code, severity):
    scored(store)
    eid = add_evidence(store, **change)
    found = [f for f in check(store, C, "STP") if f.code == code]
    assert [(f.severity, f.evidence_id, f.criterion) for f in found] == [(severity, eid, "1.1")]
    assert found[0].message and found[0].message[0].isupper()


@pytest.mark.parametrize(
    "change, code",
    [
        ({"issued_on": "2024-12-16"}, "OUT_OF_PERIOD"),  # first day of the period
        ({"issued_on": "2025-12-15"}, "OUT_OF_PERIOD"),  # last day
        ({"linked_at": "2025-12-20T16:59:59+00:00"}, "LATE_SUBMISSION"),  # 23:59:59 on the deadline, Vietnam time
        ({"number": "01/KH-SNV"}, "NUMBER_BLANK"),
        ({"text_source": "ocr"}, "UNREADABLE"),  # a scan that OCR read is readable
        ({"type_code": None}, "TYPE_MISMATCH"),  # type unknown: nothing to compare
        ({"fmt": "image", "signatures": []}, "NOT_SIGNED"),  # a photo cannot carry a digital signature
        ({"issued_on": "2025-06-30"}, "UNDATED"),
    ],
)
def test_document_near_misses(store, campaign, change, code):
    scored(store)
    add_evidence(store, **change)
    assert code not in codes(store)


def test_a_date_finding_on_an_estimated_date_says_so(store, campaign):
    scored(store)
    estimated = add_evidence(
        store, issued_on="2024-12-15", extra={"issued_on_estimated": True, "date_source": "signature"}
    )
    printed = add_evidence(store, issued_on="2024-12-14", number="13/KH-SNV")
    found = {f.evidence_id: f.message for f in check(store, C, "STP") if f.code == "OUT_OF_PERIOD"}
    assert "ước tính" in found[estimated] and "thời điểm ký số" in found[estimated]
    assert "ước tính" not in found[printed]
    # older records say it through date_source alone
    old = add_evidence(store, issued_on="2024-12-13", number="14/KH-SNV", extra={"date_source": "signature"})
    assert "ước tính" in next(f.message for f in check(store, C, "STP") if f.evidence_id == old)


def test_late_issue_follows_the_criterion_due_rule(store, campaign):
    set_criterion(store, "1.1", due_rule="by 31/01")  # the plan: by 31 January of the campaign year
    scored(store)
    on_time = add_evidence(store, issued_on="2025-01-31", number="1/KH-SNV")
    late = add_evidence(store, issued_on="2025-02-01", number="2/KH-SNV")
    found = [f for f in check(store, C, "STP") if f.code == "LATE_ISSUE"]
    assert [(f.evidence_id, f.severity) for f in found] == [(late, "warning")]
    assert "31/01/2025" in found[0].message and "ban hành" in found[0].message
    assert on_time != late


def test_due_rule_before_the_period_replaces_the_period_check(store, campaign):
    set_criterion(store, "1.1", due_rule="by 31/12 of year-1")
    scored(store)
    add_evidence(store, issued_on="2024-11-20")  # before the period, allowed by the rule
    assert codes(store) == []


# ---------------------------------------------------------------- duplicates


def test_duplicate_same_number_issuer_year_as_different_evidence(store, campaign):
    scored(store, **{"1.2": 1})
    first = add_evidence(store, number="12/KH-SNV")
    second = add_evidence(store, number="12/KH-SNV", fmt="docx", filename="ban-word.docx")  # the Word copy
    add_evidence(store, criterion="1.2", number="3/BC-SNV", type_code="BC")
    found = [f for f in check(store, C, "STP") if f.code == "DUPLICATE"]
    assert [(f.evidence_id, f.criterion) for f in found] == [(second, "1.1")]
    assert f"#{first}" in found[0].message


@pytest.mark.parametrize(
    "change",
    [
        {"number": "12/KH-SNV", "issued_on": "2024-12-20"},  # same number, another year (numbers restart)
        {"number": "12/KH-SNV", "issuer": "SỞ TƯ PHÁP"},  # same number, another issuer
        {"number": "13/KH-SNV"},
        {"number": "/KH-SNV"},  # blank numbers are not duplicates of each other
    ],
)
def test_duplicate_near_misses(store, campaign, change):
    scored(store)
    add_evidence(store, number="/KH-SNV" if change["number"] == "/KH-SNV" else "12/KH-SNV")
    add_evidence(store, **change)
    assert "DUPLICATE" not in codes(store)


def test_one_file_used_in_unrelated_fields_is_a_duplicate_but_not_within_a_field(store, campaign):
    scored(store, **{"1.2": 1, "2.1": 2})
    eid = add_evidence(store)
    link(store, eid, "STP", "1.2")  # same field: a plan that also proves reporting is plausible
    assert "DUPLICATE" not in codes(store)
    link(store, eid, "STP", "2.1")  # another field
    found = [f for f in check(store, C, "STP") if f.code == "DUPLICATE"]
    assert [(f.criterion, f.evidence_id) for f in found] == [("2.1", eid)]
    assert "lĩnh vực khác" in found[0].message


def test_same_document_in_two_units_is_not_a_duplicate(store, campaign):
    scored(store)
    scored(store, "SYT")
    eid = add_evidence(store)
    link(store, eid, "SYT", "1.1")
    assert "DUPLICATE" not in [f.code for f in check(store, C)]


# ---------------------------------------------------------------- the whole


def test_order_errors_and_findings_for_one_evidence(store, campaign):
    scored(store)
    eid = add_evidence(store, signatures=[], issued_on="2023-05-01")
    findings = check(store, C)
    assert has_errors(findings)
    units = [f.unit for f in findings]
    assert units == sorted(units, key=["STP", "SYT", "BLV"].index)
    mine = findings_for_evidence(store, eid)
    assert {f["code"] for f in mine} == {"OUT_OF_PERIOD", "NOT_SIGNED"}
    assert all(set(f) == {"campaign", "code", "severity", "unit", "criterion", "evidence_id", "message"} for f in mine)
    only_syt = check(store, C, "SYT")
    assert {f.unit for f in only_syt} == {"SYT"}


def test_messages_are_nfc_vietnamese(store, campaign):
    import unicodedata

    scored(store, **{"1.2": 2})
    add_evidence(store, number="/KH-SNV", issued_on=None, signatures=[], type_code="CV")
    for f in check(store, C):
        assert unicodedata.is_normalized("NFC", f.message)
        assert "Đề nghị" in f.message or "đề nghị" in f.message
    assert json.dumps([f.to_json() for f in check(store, C)], ensure_ascii=False)


def test_corrected_metadata_wins(store, campaign):
    from evidence.catalog.corrections import correct_metadata

    scored(store)
    eid = add_evidence(store, number="/KH-SNV", issued_on=None)
    assert {"NUMBER_BLANK", "UNDATED"} <= set(codes(store))
    correct_metadata(store, eid, "number", "12/KH-SNV", by="snv")
    correct_metadata(store, eid, "issued_on", "2025-01-05", by="snv")
    assert codes(store) == []


def test_a_record_waiting_for_its_reading_is_not_called_undated_or_unreadable(store, campaign, tmp_path):
    """An upload in the web (or `ingest` in server mode) is stored and linked before it is read: until then its
    empty text and metadata prove nothing, so only NOT_READ_YET is said of it; once read, the usual checks run."""
    from evidence.catalog.jobs import read_pending, store_upload

    from conftest import make_docx

    scored(store)
    doc = make_docx(tmp_path / "kh.docx", number="", date_line="Quảng Nam, ngày   tháng 01 năm 2025")
    outcome = store_upload(store, doc, campaign_id=C, unit_code="STP", criterion_code="1.1", by="stp")
    assert not outcome.error
    found = [f for f in check(store, C, "STP") if f.code != "LATE_SUBMISSION"]  # linked today, after the 2025 deadline
    assert [f.code for f in found] == ["NOT_READ_YET"] and found[0].severity == "info"
    assert "đang chờ đọc" in found[0].message
    read_pending(store, ids=[outcome.evidence_id], ocr=False)
    after = codes(store)
    assert "NOT_READ_YET" not in after and "UNDATED" in after and "NOT_SIGNED" in after
