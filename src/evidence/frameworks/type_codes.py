"""Document type codes a criterion may expect, checked against the shared table in `evidence.vn.doctypes`
(Decree 30/2020/NĐ-CP Appendix III, CV for công văn, the legal normative types).

A framework file is typed by people, so a code is matched case-insensitively ("kh", "Qđ") — safe because codes
differ from one another through the letter Đ, never through case alone (HĐ ≠ HD, ĐA ≠ DA) — but never with the
accents folded: "QD" is refused with a hint, not read as QĐ. A type name ("Kế hoạch", even "ke hoach") is accepted
for its code.
"""

from __future__ import annotations

from ..vn.doctypes import TYPE_NAMES, type_from_name
from ..vn.text import fold, nfc, squash_spaces

_BY_CODE = {code.casefold(): code for code in TYPE_NAMES}


def normalize_type_code(value: str) -> str:
    """The canonical code for a code or a type name; ValueError naming the value (with a hint) otherwise."""
    text = squash_spaces(nfc(str(value)))
    key = text.casefold()
    code = _BY_CODE.get(key) or type_from_name(text)
    if code:
        return code
    near = sorted(c for c in TYPE_NAMES if fold(c).casefold() == key)
    hint = f" (did you mean {' or '.join(near)}?)" if near else ""
    raise ValueError(f"unknown document type '{text}'{hint}")
