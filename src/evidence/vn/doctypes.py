"""Document types: Decree 30/2020/NĐ-CP Appendix III abbreviations, plus công văn (CV), legal types, and the other
kinds evidence files carry: licences (GP) and certificates (GCN), submission slips (PTr), joint documents
(liên tịch / liên ngành: their type is the plain type, `HƯỚNG DẪN LIÊN NGÀNH` is HD).

Case matters: HĐ (Hợp đồng) ≠ HD (Hướng dẫn), ĐA (Đề án) ≠ DA (Dự án).
"""

from __future__ import annotations

import re

from .text import fold, nfc, squash_spaces

# code → name; administrative types of Appendix III first, then công văn, then legal normative types.
TYPE_NAMES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "SY": "Bản sao y",
    "TrS": "Bản trích sao",
    "SL": "Bản sao lục",
    "CV": "Công văn",
    "L": "Luật",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "PL": "Pháp lệnh",
    "NQLT": "Nghị quyết liên tịch",
    "GP": "Giấy phép",
    "GCN": "Giấy chứng nhận",
    "PTr": "Phiếu trình",
}
LEGAL_CODES = frozenset({"L", "NĐ", "TT", "TTLT", "PL", "NQLT"})

_EXTRA_NAMES = {  # spellings seen in real text → code
    "bản thoả thuận": "BTT",
    "giấy uỷ quyền": "GUQ",
    "quyết định (cá biệt)": "QĐ",
    "nghị quyết (cá biệt)": "NQ",
    "thông tư liên tịch": "TTLT",
    "luật": "L",
    "bộ luật": "L",
    # joint documents of several bodies: the type is the plain one
    "hướng dẫn liên ngành": "HD",
    "hướng dẫn liên tịch": "HD",
    "hướng dẫn liên sở": "HD",
    "kế hoạch liên tịch": "KH",
    "kế hoạch liên ngành": "KH",
    "chương trình phối hợp": "CTr",
    "quy chế phối hợp": "QC",
    "thông báo liên tịch": "TB",
    "báo cáo liên ngành": "BC",
    "tờ trình liên ngành": "TTr",
    "thông báo kết luận": "TB",
    "biên bản làm việc": "BB",
    "biên bản họp": "BB",
    "biên bản hội nghị": "BB",
    "biên bản kiểm tra": "BB",
    "biên bản thẩm định": "BB",
    "biên bản bàn giao": "BB",
    "biên bản ghi nhớ": "BGN",
    "giấy phép hoạt động": "GP",
    "giấy phép xây dựng": "GP",
    "giấy phép kinh doanh": "GP",
    "giấy phép lao động": "GP",
    "giấy phép môi trường": "GP",
    "giấy chứng nhận đăng ký": "GCN",
    "giấy chứng nhận đủ điều kiện": "GCN",
    "phiếu trình giải quyết công việc": "PTr",
    "phiếu trình văn bản": "PTr",
    "hợp đồng lao động": "HĐ",
    "hợp đồng kinh tế": "HĐ",
    "hợp đồng dịch vụ": "HĐ",
    "hợp đồng giao khoán": "HĐ",
    "hợp đồng làm việc": "HĐ",
    "hợp đồng mua bán": "HĐ",
    "hợp đồng thuê": "HĐ",
    "hợp đồng thuê khoán": "HĐ",
    "phương án": "PA",
    "đề án": "ĐA",
    "công điện khẩn": "CĐ",
    "công điện hỏa tốc": "CĐ",
}


def _key(name: str) -> str:
    return fold(squash_spaces(nfc(name))).lower()


_BY_NAME = {_key(name): code for code, name in TYPE_NAMES.items()}
_BY_NAME.update({_key(name): code for name, code in _EXTRA_NAMES.items()})
_NAMES_LONGEST_FIRST = sorted(_BY_NAME, key=len, reverse=True)


def type_name(code: str | None) -> str | None:
    return TYPE_NAMES.get(code) if code else None


def type_from_name(name: str | None) -> str | None:
    """The code for a type name in any case, with or without diacritics: 'QUYẾT ĐỊNH' → 'QĐ', 'ke hoach' → 'KH'.

    Only the whole name counts (a heading line); use `find_type_name` to look inside a longer line.
    """
    if not name:
        return None
    return _BY_NAME.get(_key(re.sub(r"[\s:.]+$", "", name)))


def find_type_name(line: str) -> str | None:
    """The code of a type name that starts `line` ('KẾ HOẠCH Thực hiện …' → 'KH'), else None."""
    key = _key(line)
    for name in _NAMES_LONGEST_FIRST:
        if key == name or key.startswith(name + " "):
            return _BY_NAME[name]
    return None
