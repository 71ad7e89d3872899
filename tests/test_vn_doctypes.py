"""The Decree 30 type table."""

from evidence.vn.doctypes import TYPE_NAMES, find_type_name, type_from_name


def test_appendix_iii_codes_and_case():
    assert TYPE_NAMES["QĐ"] == "Quyết định" and TYPE_NAMES["KH"] == "Kế hoạch" and TYPE_NAMES["CV"] == "Công văn"
    assert TYPE_NAMES["HĐ"] == "Hợp đồng" and TYPE_NAMES["HD"] == "Hướng dẫn"
    assert TYPE_NAMES["ĐA"] == "Đề án" and TYPE_NAMES["DA"] == "Dự án"
    assert {"TT", "NĐ", "L"} <= set(TYPE_NAMES)


def test_type_from_name_any_case_and_without_diacritics():
    assert type_from_name("QUYẾT ĐỊNH") == "QĐ"
    assert type_from_name("ke hoach") == "KH"
    assert type_from_name("TỜ TRÌNH") == "TTr"
    assert type_from_name("HƯỚNG DẪN") == "HD"
    assert type_from_name("HỢP ĐỒNG") == "HĐ"
    assert type_from_name("Quyết định của") is None
    assert find_type_name("KẾ HOẠCH Triển khai") == "KH"
