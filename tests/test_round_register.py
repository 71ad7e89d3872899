"""The register of issued documents: numbers and dates of signed documents, cited in full by later documents."""

from __future__ import annotations

import json
from datetime import date

import pytest

from evidence.catalog.register import register_document
from evidence.errors import InputError
from evidence.round.register import record_issued, register_list, registered, sentence_name

C = "test-2025"


def test_register_and_cite_in_full(store, campaign):
    assert registered(store, C, "plan") is None
    entry = register_document(store, C, "plan", number="15/kh-ubnd", issued_on=date(2025, 1, 20))
    assert entry.number == "15/KH-UBND"
    assert entry.citation() == (
        "Kế hoạch số 15/KH-UBND ngày 20/01/2025 của Ủy ban nhân dân tỉnh Quảng Nam về triển khai xác định "
        "Chỉ số CCHC năm 2025 (thử nghiệm)"
    )
    again = registered(store, C, "plan")
    assert again is not None and again.citation() == entry.citation() and again.issued_on == date(2025, 1, 20)
    report = record_issued(store, C, "report", number="12/BC-SNV", issued_on="05/02/2026")
    assert report.issuer == "Sở Nội vụ" and report.signer == "Nguyễn Văn A"
    assert [d.kind for d in register_list(store, C)] == ["plan", "report"]


@pytest.mark.parametrize(
    ("kind", "number", "day", "message"),
    [
        ("plan", "15/QĐ-UBND", "2025-01-20", "a plan .Kế hoạch. has the symbol KH"),
        ("reminder", "15/KH-SNV", "2025-01-20", "công văn has no type code"),
        ("plan", "KH-UBND", "2025-01-20", "not a document number"),
        ("plan", "15/KH-UBND", "2019-01-20", "outside the round of 2025"),
        ("plan", "15/KH-UBND", "32/01/2025", "not a date"),
        ("memo", "15/KH-UBND", "2025-01-20", "not one of"),
    ],
)
def test_bad_register_entries_are_refused_and_record_nothing(store, campaign, kind, number, day, message):
    with pytest.raises(InputError, match=message):
        register_document(store, C, kind, number=number, issued_on=day)
    assert register_list(store, C) == []


def test_sentence_name():
    assert sentence_name("UBND TỈNH LÂM ĐỒNG", "Lâm Đồng") == "Ủy ban nhân dân tỉnh Lâm Đồng"
    assert sentence_name("SỞ NỘI VỤ") == "Sở Nội vụ"
    assert sentence_name("Sở Nội vụ tỉnh Lâm Đồng") == "Sở Nội vụ tỉnh Lâm Đồng"


def test_register_cli(cli, campaign):
    result = cli(
        "documents", "register", "decision", "--campaign", C, "--number", "905/QĐ-UBND", "--date", "2025-03-04"
    )
    assert result.exit_code == 0, result.output
    assert "Quyết định số 905/QĐ-UBND ngày 04/03/2025" in result.output
    bad = cli("documents", "register", "decision", "--campaign", C, "--number", "905/KH-UBND", "--date", "2025-03-04")
    assert bad.exit_code == 2 and bad.output.count("\n") == 1 and "error: --number" in bad.output
    listing = json.loads(cli("documents", "register", "--list", "--campaign", C, "--json").output)
    assert [(d["kind"], d["number"], d["issued_on"]) for d in listing["documents"]] == [
        ("decision", "905/QĐ-UBND", "2025-03-04")
    ]
