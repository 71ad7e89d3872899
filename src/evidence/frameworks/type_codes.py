"""Document type codes a criterion may expect: Decree 30/2020/NĐ-CP Appendix III, plus CV for công văn and the
legal normative types evidence sometimes cites (NĐ, TT, L).

Kept here, small, until evidence.vn has the shared document-type table; then this module should read from it.
Case matters between codes (HĐ ≠ HD, ĐA ≠ DA) only through the letter Đ, so a code is matched case-insensitively
but never with accents folded (QD is refused with a hint, not read as QĐ); a full name ("Kế hoạch", even
"ke hoach") is accepted for its code.
"""

from __future__ import annotations

from ..vn.text import fold, nfc, squash_spaces

TYPE_NAMES: dict[str, str] = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
    "HĐ": "Hợp đồng", "CĐ": "Công điện", "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận", "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời", "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép", "PG": "Phiếu gửi", "PC": "Phiếu chuyển",
    "PB": "Phiếu báo", "CV": "Công văn",
    "NĐ": "Nghị định", "TT": "Thông tư", "L": "Luật",
}

_BY_CODE = {code.casefold(): code for code in TYPE_NAMES}
_BY_NAME = {fold(name).casefold(): code for code, name in TYPE_NAMES.items()}


def normalize_type_code(value: str) -> str:
    """The canonical code for a code or a type name; ValueError naming the value (with a hint) otherwise."""
    text = squash_spaces(nfc(str(value)))
    key = text.casefold()
    if key in _BY_CODE:
        return _BY_CODE[key]
    by_name = _BY_NAME.get(fold(text).casefold())  # names stay distinct without accents
    if by_name:
        return by_name
    near = sorted(code for code in TYPE_NAMES if fold(code).casefold() == key)
    hint = f" (did you mean {' or '.join(near)}?)" if near else ""
    raise ValueError(f"unknown document type '{text}'{hint}")
