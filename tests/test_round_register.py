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
    council = record_issued(store, C, "decision", number="1689/QĐ-UBND", issued_on="16/10/2025")
    assert council.issuer == "Chủ tịch Ủy ban nhân dân tỉnh Quảng Nam"  # the council is set up by the Chairman
    assert "1689/QĐ-UBND ngày 16/10/2025 của Chủ tịch Ủy ban nhân dân tỉnh Quảng Nam" in council.citation()


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


def signed_pdf(tmp_path, number="15/KH-UBND", day=date(2025, 1, 20)):
    from evidence.demo.docgen import OfficialDoc, write_pdf

    doc = OfficialDoc(
        issuer="ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM",
        type_code="KH",
        number=number,
        place="Quảng Nam",
        issued_on=day,
        subject="Xác định Chỉ số cải cách hành chính năm 2025",
        body=["Ủy ban nhân dân tỉnh ban hành Kế hoạch xác định Chỉ số cải cách hành chính năm 2025."],
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="CHỦ TỊCH",
        signer_name="Trần Văn Bình",
    )
    return write_pdf(doc, tmp_path / f"{number.split('/')[0]}.pdf")


def test_register_with_the_signed_pdf(store, campaign, tmp_path):
    pdf = signed_pdf(tmp_path)
    entry = register_document(store, C, "plan", number="15/KH-UBND", issued_on="20/01/2025", pdf=pdf)
    assert entry.pdf_sha256 and store.blobs.exists(entry.pdf_sha256)
    assert registered(store, C, "plan").pdf_sha256 == entry.pdf_sha256


@pytest.mark.parametrize(
    ("number", "day", "message"),
    [
        ("16/KH-UBND", "2025-01-20", "the PDF shows number 15/KH-UBND, not 16/KH-UBND"),
        ("15/KH-UBND", "2025-01-21", "the PDF is dated 20/01/2025, not 21/01/2025"),
    ],
)
def test_a_pdf_showing_another_number_or_date_is_refused(store, campaign, tmp_path, number, day, message):
    pdf = signed_pdf(tmp_path)
    with pytest.raises(InputError, match=message) as info:
        register_document(store, C, "plan", number=number, issued_on=day, pdf=pdf)
    assert str(pdf) in str(info.value) and "\n" not in str(info.value)
    assert registered(store, C, "plan") is None


def test_register_cli_with_a_wrong_pdf(cli, campaign, tmp_path):
    pdf = signed_pdf(tmp_path)
    result = cli("documents", "register", "plan", "--number", "16/KH-UBND", "--date", "2025-01-20", "--pdf", pdf)
    assert result.exit_code == 2 and "shows number 15/KH-UBND" in result.output
    missing = cli(
        "documents", "register", "plan", "--number", "15/KH-UBND", "--date", "2025-01-20", "--pdf", "nope.pdf"
    )
    assert missing.exit_code == 2 and missing.output.startswith("error: ")
