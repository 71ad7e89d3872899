"""Layout rules on text: two documents in one file, joint issuers, minutes dated in the body, công văn without a
type line, number lines that are not the document's."""

from evidence.reading.header import extract_metadata

HEADER = """ỦY BAN NHÂN DÂN       CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI       Độc lập - Tự do - Hạnh phúc
Số: 09/TTr-UBND       Quảng Ngãi, ngày 20 tháng 01 năm 2025
TỜ TRÌNH
Về việc thông qua Nghị quyết về chính sách hỗ trợ
Kính gửi: Hội đồng nhân dân tỉnh
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
"""
DRAFT = """HỘI ĐỒNG NHÂN DÂN       CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI         Độc lập - Tự do - Hạnh phúc
Số:     /2025/NQ-HĐND       Quảng Ngãi, ngày    tháng    năm 2025
NGHỊ QUYẾT
Quy định chính sách hỗ trợ
"""


def test_attached_draft_with_its_own_header_is_flagged_not_read():
    meta = extract_metadata([HEADER, DRAFT])
    assert meta["number"] == "09/TTr-UBND" and meta["issued_on"] == "2025-01-20" and meta["type_code"] == "TTr"
    assert "two_documents" in meta["warnings"]
    assert "two_documents" not in extract_metadata([HEADER, "Điều 2. Tổ chức thực hiện."])["warnings"]


def test_a_number_cited_in_the_body_or_a_register_stamp_is_not_the_number():
    text = """ỦY BAN NHÂN DÂN       CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI       Độc lập - Tự do - Hạnh phúc
ĐẾN Số: 2352/CV
Số:      /CT-UBND       Quảng Ngãi, ngày 20 tháng 3 năm 2018
CHỈ THỊ
Về việc tăng cường công tác thi hành án hành chính
Thực hiện Quyết định số 905/QĐ-UBND ngày 04/5/2018 của Ủy ban nhân dân tỉnh;
"""
    meta = extract_metadata([text])
    assert meta["number"] == "/CT-UBND" and "number_blank" in meta["warnings"]


def test_cong_van_with_a_type_code_looking_issuer_is_a_cong_van():
    text = """BỘ TÀI CHÍNH       CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
CỤC THUẾ       Độc lập - Tự do - Hạnh phúc
Số: 2191/CT-CS       Hà Nội, ngày 08 tháng 4 năm 2026
V/V chính sách thuế TNDN
Kính gửi: Thuế tỉnh Ninh Bình.
"""
    meta = extract_metadata([text])
    assert meta["type_code"] == "CV" and meta["summary"] == "V/v chính sách thuế TNDN"
    assert meta["issuer"] == "CỤC THUẾ" and meta["parent_issuer"] == "BỘ TÀI CHÍNH"


def test_joint_issuers_on_one_line_are_kept_whole():
    text = """BỘ CÔNG AN - BỘ QUỐC PHÒNG - BỘ Y TẾ       CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/HDLN-BCA-BQP-BYT       Hà Nội, ngày 05 tháng 3 năm 2024
HƯỚNG DẪN LIÊN NGÀNH
Thực hiện phối hợp trong công tác cai nghiện ma túy
"""
    meta = extract_metadata([text])
    assert meta["issuer"] == "BỘ CÔNG AN - BỘ QUỐC PHÒNG - BỘ Y TẾ" and meta["parent_issuer"] is None
    assert meta["type_code"] == "HD" and meta["summary"] == "Thực hiện phối hợp trong công tác cai nghiện ma túy"


def test_minutes_without_number_are_dated_in_their_body():
    text = """UBND TỈNH LÂM ĐỒNG       CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ NỘI VỤ       Độc lập - Tự do - Hạnh phúc
BIÊN BẢN
Họp thống nhất đề xuất cho phép thành lập hội
Hôm nay, vào lúc 14 giờ 00 phút, ngày 09 tháng 12 năm 2025 tại Hội trường Sở Nội vụ diễn ra cuộc họp
"""
    meta = extract_metadata([text])
    assert meta["type_code"] == "BB" and meta.get("number") is None
    assert meta["issued_on"] == "2025-12-09" and meta["date_source"] == "body"
    assert meta["sources"]["issued_on"] == "body" and meta["issued_on_estimated"] is False
    assert meta["issuer"] == "SỞ NỘI VỤ" and meta["parent_issuer"] == "UBND TỈNH LÂM ĐỒNG"
