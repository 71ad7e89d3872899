"""Header metadata: every Decree 30 form (generated DOCX and PDF), OCR damage, layout noise, fallbacks."""

from pathlib import Path

import pytest

from evidence.reading import read_document
from evidence.reading.header import extract_metadata
from reading_samples import samples, write_docx, write_pdf

FIELDS = [
    "number",
    "type_code",
    "type_name",
    "issuer",
    "parent_issuer",
    "place",
    "issued_on",
    "summary",
    "signer_title",
    "signer_name",
]


def _expected(sample) -> dict:
    label = sample.label("x")
    label["number"] = label["number"] or None  # minutes without a `Số:` line
    label["parent_issuer"] = label["parent_issuer"] or None
    label["place"] = label["place"] or None
    label["issued_on"] = label["issued_on"] or None
    return {key: label[key] for key in FIELDS}


@pytest.mark.parametrize("sample", samples(), ids=lambda s: s.name)
@pytest.mark.parametrize("writer", [write_docx, write_pdf], ids=["docx", "pdf"])
def test_every_decree_30_form(sample, writer, tmp_path: Path):
    path = writer(sample, tmp_path / (sample.name + (".docx" if writer is write_docx else ".pdf")))
    meta = read_document(path, ocr=False).metadata
    assert {key: meta[key] for key in FIELDS} == _expected(sample)
    if sample.number is None and sample.number_line:
        assert "number_blank" in meta["warnings"] and meta["date_source"] is None
    elif sample.date_in_header:
        assert meta["date_source"] == "header"
    else:
        assert meta["date_source"] == "body"


def test_references_are_the_cited_documents(tmp_path: Path):
    sample = samples()[1]
    meta = read_document(write_docx(sample, tmp_path / "kh.docx")).metadata
    assert {"number": "905/QĐ-UBND", "type_code": "QĐ", "issued_on": "2018-05-04"} in meta["references"]
    assert {"number": "1366/KH-UBND", "type_code": "KH", "issued_on": "2024-03-12"} in meta["references"]
    assert all(ref["number"] != meta["number"] for ref in meta["references"])


OCR_PAGE = """Ký bởi: Ủy ban nhân dân tỉnh Bình Định
Cơ quan: Tỉnh Bình Định
Thời gian ký: 05/02/2025 09:10:11
ỦY BAN NHÂN DÂN CỌNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH BÌNH ĐỊNH Độc lập - Tự do - Hạnh phúc
Số: 125 /QĐÐ-UBND Bình Định, ngày83 tháng 02 năm 2025
QUYÉT ĐỊNH

Về việc phê duyệt Kế hoạch ứng phó sự cố
của Sở Tài nguyên và Môi trường

ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;
Căn cứ Quyết định số 12/2021/QĐ-TTg ngày 24/3/2021 của Thủ tướng Chính phủ;
"""


def test_ocr_damage_and_a_stamp_above_the_header():
    meta = extract_metadata([OCR_PAGE])
    assert meta["number"] == "125/QĐ-UBND"
    assert meta["type_code"] == "QĐ" and meta["type_name"] == "Quyết định"
    assert meta["issuer"] == "ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH" and meta["parent_issuer"] is None
    assert meta["place"] == "Bình Định"
    assert meta["issued_on"] == "2025-02-03" and meta["date_source"] == "header"
    assert "date_repaired" in meta["warnings"]
    assert meta["summary"] == "Về việc phê duyệt Kế hoạch ứng phó sự cố của Sở Tài nguyên và Môi trường"
    assert {"number": "12/2021/QĐ-TTg", "type_code": "QĐ", "issued_on": "2021-03-24"} in meta["references"]


def test_unreadable_handwritten_number_keeps_the_symbol():
    page = OCR_PAGE.replace("Số: 125 /QĐÐ-UBND", "Số: đ# /QĐ-UBND")
    meta = extract_metadata([page])
    assert meta["number"] == "/QĐ-UBND" and "number_unreadable" in meta["warnings"]
    assert "number_blank" not in meta["warnings"]


def test_damaged_type_code_in_symbol_is_corrected_by_the_type_line():
    page = OCR_PAGE.replace("/QĐÐ-UBND", "/TIr-UBND").replace("QUYÉT ĐỊNH", "TỜ TRÌNH")
    assert extract_metadata([page])["number"] == "125/TTr-UBND"


SIGNATURES = [
    {
        "signed_at": "2025-01-09T10:21:11+07:00",
        "signer": "Ủy ban nhân dân tỉnh Quảng Ngãi",
        "reason": None,
        "intact": True,
    }
]


def test_blank_date_falls_back_to_the_first_signature():
    page = """ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI          Độc lập - Tự do - Hạnh phúc
Số:          /TB-UBND             Quảng Ngãi, ngày       tháng 01 năm 2025
THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh tại cuộc họp
Ngày 03/01/2025, Chủ tịch UBND tỉnh chủ trì họp."""
    meta = extract_metadata([page], signatures=SIGNATURES)
    assert meta["number"] == "/TB-UBND" and "number_blank" in meta["warnings"]
    assert meta["issued_on"] == "2025-01-09" and meta["date_source"] == "signature"
    assert meta["summary"] == "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp"
    assert meta["place"] == "Quảng Ngãi"


def test_signature_in_a_later_month_does_not_move_the_printed_month():
    page = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI Độc lập - Tự do - Hạnh phúc
Số: 660 /TB-UBND Quảng Ngãi, ngày   tháng 12 năm 2024
THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh"""
    sigs = [dict(SIGNATURES[0], signed_at="2025-01-17T08:56:09+07:00")]
    meta = extract_metadata([page], signatures=sigs)
    assert meta["issued_on"] == "2024-12-31" and meta["date_source"] == "signature"
    assert "date_day_estimated" in meta["warnings"]


def test_impossible_printed_date_is_a_warning_not_a_crash():
    page = OCR_PAGE.replace("ngày83 tháng 02", "ngày 31 tháng 02")
    meta = extract_metadata([page], signatures=SIGNATURES)
    assert "date_invalid" in meta["warnings"]
    assert meta["date_source"] == "signature"


def test_incoming_register_stamp_and_attached_draft_are_ignored():
    first = """CV ĐẾN Số: 2352 Ngày: 21/3/18
ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI Độc lập - Tự do - Hạnh phúc
Số: 22 /TTr-UBND Quảng Ngãi, ngày 05 tháng 02 năm 2025
TỜ TRÌNH
Về việc đề nghị giao dự toán năm 2025
Kính gửi: Hội đồng nhân dân tỉnh
Ủy ban nhân dân tỉnh kính trình.
Nơi nhận: TM. ỦY BAN NHÂN DÂN
- Như trên; CHỦ TỊCH
- Lưu: VT.
Nguyễn Văn Giang"""
    draft = """HỘI ĐỒNG NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI Độc lập - Tự do - Hạnh phúc
Số: /NQ-HĐND Quảng Ngãi, ngày tháng năm 2025
DỰ THẢO
NGHỊ QUYẾT
Về giao dự toán năm 2025
CHỦ TỊCH
Bùi Thị Vân"""
    meta = extract_metadata([first, draft])
    assert meta["number"] == "22/TTr-UBND" and meta["type_code"] == "TTr"
    assert meta["issued_on"] == "2025-02-05"
    assert meta["summary"] == "Về việc đề nghị giao dự toán năm 2025"
    assert meta["signer_title"] == "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"
    assert meta["signer_name"] == "Nguyễn Văn Giang"


def test_cong_van_subject_spans_lines_beside_the_date():
    page = """UBND TỈNH QUẢNG NAM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc
Số: 2231/SNV-CCHC&PC
V/v đôn đốc gửi hồ sơ tự đánh giá        Quảng Nam, ngày 22 tháng 12 năm 2025
Chỉ số cải cách hành chính năm 2025

Kính gửi: Các sở, ban, ngành tỉnh."""
    meta = extract_metadata([page])
    assert meta["number"] == "2231/SNV-CCHC&PC" and meta["type_code"] == "CV" and meta["type_name"] == "Công văn"
    assert (meta["parent_issuer"], meta["issuer"]) == ("UBND TỈNH QUẢNG NAM", "SỞ NỘI VỤ")
    assert meta["summary"] == "V/v đôn đốc gửi hồ sơ tự đánh giá Chỉ số cải cách hành chính năm 2025"
    assert meta["issued_on"] == "2025-12-22"


def test_text_without_a_header_yields_no_guesses():
    meta = extract_metadata(["Một ghi chú ngắn không có tiêu đề văn bản."])
    assert meta.get("number") is None and meta.get("type_code") is None and meta.get("issued_on") is None


def test_stamp_test_is_the_whole_stamp_pattern():
    """`_stamp_in` (the fast yes/no, issue 16) answers as `_STAMP.search` does on stamp and ordinary lines."""
    from evidence.reading.header import _STAMP, _fold, _stamp_in

    lines = [
        "Người ký: Sở Nội vụ tỉnh Quảng Ngãi",
        "Email: snv@quangngai.gov.vn",
        "a@b.c",
        "Thời gian ký: 12.03.2026 09:41:07 +07:00",
        "12/03/2026  09:41",
        "12/03/2026 lúc 9 giờ",
        "Cơ quan: Ủy ban nhân dân tỉnh",
        "CV ĐẾN số 12",
        "  Đến ngày 5",
        "Chuyển: phòng Tổ chức",
        "Trung tâm Công báo và Tin học tỉnh",
        "Đã ký lên",
        "Thực hiện công tác cải cách hành chính năm 2026: kết quả đạt được, tồn tại (10:30)",
        "liên hệ qua địa chỉ @ trang thông tin",
        "",
    ]
    for line in lines:
        folded = _fold(line)
        assert _stamp_in(folded) == bool(_STAMP.search(folded)), line
