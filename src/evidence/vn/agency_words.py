"""Words of Vietnamese agency names, to repair OCR-damaged diacritics in an issuer line.

OCR of a bold upper-case header often gets a tone mark wrong (`TÒA ÁN NHÂN DÂN TÓI CÁO`, `CỤC HÓA CHÁT`). A word
that is not an agency-name word is replaced by the one agency-name word with the same letters (accents removed),
and only when exactly one such word exists (`TÓI` → `TỐI`, `CHÁT` → `CHẤT`); a word that is itself in the list,
or whose folded form matches two words (`ĐỊNH`/`ĐÌNH`), is left as printed.

    fix_agency_name("TÒA ÁN NHÂN DÂN TÓI CÁO") -> "TÒA ÁN NHÂN DÂN TỐI CAO"
"""

from __future__ import annotations

import re
import unicodedata

from .text import fold

# bodies, ministries, departments, sectors and common place-name words of Vietnamese issuers (upper case)
AGENCY_WORDS = frozenset(
    unicodedata.normalize("NFC", w)
    for w in """
ỦY UỶ BAN NHÂN DÂN HỘI ĐỒNG TỈNH THÀNH PHỐ HUYỆN QUẬN THỊ XÃ PHƯỜNG TRẤN ĐẶC KHU SỞ BỘ CHỈ ĐẠO CHỈ HUY VĂN PHÒNG
CHÍNH PHỦ THỦ TƯỚNG NỘI VỤ TƯ PHÁP CÔNG AN QUỐC PHÒNG TÀI CHÍNH KẾ HOẠCH ĐẦU GIÁO DỤC ĐÀO TẠO Y TẾ THƯƠNG
NÔNG NGHIỆP PHÁT TRIỂN THÔN NGUYÊN MÔI TRƯỜNG XÂY DỰNG GIAO VẬN TẢI TIN TRUYỀN LAO ĐỘNG BINH HÓA HOÁ THỂ THAO DU LỊCH
KHOA HỌC NGHỆ NGOẠI NGÂN HÀNG NHÀ NƯỚC THANH TRA KIỂM TOÁN TÒA TOÀ ÁN VIỆN SÁT TỐI CAO CỤC TỔNG CHI TRUNG TÂM CHẤT
THUẾ HẢI QUAN KHO BẠC QUẢN LÝ ĐẢNG ĐOÀN MẶT TRẬN TỔ VIỆT NAM LIÊN HIỆP PHỤ NỮ CỰU CHIẾN NIÊN CỘNG SẢN HỒ MINH
ĐẠI HỌC BỆNH CẢNH CHÁY CHỮA CỨU NẠN HỘ CHỐNG THAM NHŨNG TIÊU CỰC CẢI CÁCH HÀNH TỘC TÔN BẦU CỬ KINH HẠ TẦNG
ĐÔ DỊCH NHIỆM THƯỜNG TRỰC ĐIỆN LỰC THỦY THUỶ SẢN LÂM KIỂM BẢO VỆ HIỂM XUẤT NHẬP KHẨU CẢNG HÀNG KHÔNG ĐƯỜNG SẮT
BỘ ĐỘI BIÊN QUÂN SỰ HẬU CẦN KỸ THUẬT TIÊU CHUẨN ĐO LƯỜNG LƯỢNG PHÁT THANH TRUYỀN HÌNH BÁO ĐIỆN TỬ CÔNG BÁO
ĐIỀU HÀNH SỐ HÓA CHUYỂN ĐỔI TỔNG HỢP PHỐI HỢP HỖ TRỢ DOANH NGHIỆP HỢP TÁC XÃ LIÊN MINH TƯ VẤN PHÁP LUẬT TRỢ GIÚP
THI THI HÀNH ÁN DÂN SỰ ĐĂNG KÝ ĐẤT ĐAI BẤT ĐỘNG KHU CÔNG NGHIỆP KINH TẾ MỞ BẢO TỒN BẢO TÀNG DI TÍCH THƯ VIỆN
ĐÀI KHÍ TƯỢNG THỦY VĂN VIỄN THÔNG BƯU CHÍNH CHẤT LƯỢNG AN TOÀN THỰC PHẨM DƯỢC MỸ PHẨM DÂN SỐ GIA ĐÌNH TRẺ EM
NGƯỜI CAO TUỔI KHUYẾT TẬT CHẤT ĐỘC DA CAM KHUYẾN HỌC CHỮ THẬP ĐỎ NHÀ BÁO VĂN NGHỆ SĨ LUẬT SƯ CÔNG CHỨNG
HỌC SINH SINH VIÊN CĐ CAO ĐẲNG TRUNG HỌC PHỔ THÔNG CƠ SỞ TIỂU MẦM NON QUỐC GIA QUỐC TẾ
HÀ NỘI HỒ CHÍ MINH HẢI PHÒNG ĐÀ NẴNG CẦN THƠ HUẾ QUẢNG NGÃI NINH BÌNH ĐỊNH TRỊ LÂM ĐỒNG KHÁNH HÒA HOÀ
GIANG LÀO CAI ĐIỆN BIÊN LAI CHÂU SƠN LA TUYÊN QUANG THÁI NGUYÊN PHÚ THỌ BẮC HƯNG YÊN HẢI DƯƠNG THANH
NGHỆ HÀ TĨNH TÂY GIA LAI ĐẮK LẮK NÔNG ĐỒNG NAI TIỀN BẾN TRE VĨNH LONG TRÀ VINH SÓC TRĂNG BẠC LIÊU CÀ MAU
KIÊN AN THUẬN PHƯỚC DƯƠNG RỊA VŨNG TÀU KON TUM CAO LẠNG HÒA BÌNH YÊN BÁI HÀ NAM ĐỊNH THÁP
THẨM PHÁN CHỦ TỊCH PHÓ GIÁM ĐỐC TRƯỞNG CHÁNH THƯ KÝ BÍ ĐỂ VỀ CỦA VÀ CÁC NHỮNG TRÊN DƯỚI TRONG NGOÀI
""".split()
)

# place names of provinces and cities (two words): they settle words that are ambiguous alone (TỈNH/TĨNH,
# QUẢNG/QUANG) by their neighbour, and their second words are agency words too
PLACES = [
    unicodedata.normalize("NFC", p)
    for p in """
HÀ NỘI|HỒ CHÍ MINH|HẢI PHÒNG|ĐÀ NẴNG|CẦN THƠ|QUẢNG NGÃI|QUẢNG NAM|QUẢNG NINH|QUẢNG BÌNH|QUẢNG TRỊ|NINH BÌNH|
BÌNH ĐỊNH|BÌNH DƯƠNG|BÌNH PHƯỚC|BÌNH THUẬN|NINH THUẬN|LÂM ĐỒNG|KHÁNH HÒA|HÀ GIANG|TUYÊN QUANG|LÀO CAI|ĐIỆN BIÊN|
LAI CHÂU|SƠN LA|YÊN BÁI|HÒA BÌNH|THÁI NGUYÊN|LẠNG SƠN|BẮC GIANG|PHÚ THỌ|VĨNH PHÚC|BẮC NINH|HẢI DƯƠNG|HƯNG YÊN|
THÁI BÌNH|HÀ NAM|NAM ĐỊNH|THANH HÓA|NGHỆ AN|HÀ TĨNH|THỪA THIÊN|PHÚ YÊN|KON TUM|GIA LAI|ĐẮK LẮK|ĐẮK NÔNG|
ĐỒNG NAI|TÂY NINH|BÀ RỊA|VŨNG TÀU|LONG AN|TIỀN GIANG|BẾN TRE|TRÀ VINH|VĨNH LONG|ĐỒNG THÁP|AN GIANG|KIÊN GIANG|
HẬU GIANG|SÓC TRĂNG|BẠC LIÊU|CÀ MAU|CAO BẰNG|BẮC KẠN""".replace("\n", "").split("|")
]
_PAIRS = {tuple(p.split()) for p in PLACES if len(p.split()) == 2}
# words that only occur inside a place name (TĨNH only in HÀ TĨNH)
_BOUND = {"TĨNH"}

_BY_FOLD: dict[str, set[str]] = {}
for _word in AGENCY_WORDS:
    _BY_FOLD.setdefault(re.sub(r"([AEIOUY])\1+", r"\1", fold(_word).upper()), set()).add(_word)
# two spellings of one word (HÓA/HOÁ, THỦY/THUỶ, TÒA/TOÀ) are one choice: prefer the first that Decree 30 texts use
_PREFERRED = {"HOA": "HÓA", "THUY": "THỦY", "TOA": "TÒA", "UY": "ỦY"}


def _choice(folded: str) -> str | None:
    words = _BY_FOLD.get(folded)
    if not words:
        return None
    if len(words) == 1:
        return next(iter(words))
    if words <= {"HÓA", "HOÁ"} or words <= {"THỦY", "THUỶ"} or words <= {"TÒA", "TOÀ"} or words <= {"ỦY", "UỶ"}:
        return _PREFERRED.get(folded)
    return None  # ambiguous (ĐỊNH/ĐÌNH, HÒA/HOÀ/HÓA …): keep the print


def _folded_key(word: str) -> str:
    """Folded, upper-case, with a vowel OCR doubled collapsed: `HẢÁI` → `HAI`, `NGÁÀI` → `NGAI`."""
    return re.sub(r"([AEIOUY])\1+", r"\1", fold(word).upper())


def fix_agency_word(word: str, before: str = "", after: str = "") -> str:
    """One upper-case word: itself when it is an agency word or cannot be placed, else the unique agency word with
    the same letters (its neighbours settle a place name: `DÂN TĨNH` → `TỈNH`, `QUANG NGÃI` → `QUẢNG`)."""
    core = word.strip(".,;:-–()")
    if not core or not core.isupper() or len(core) < 2:
        return word
    key = _folded_key(core)
    words = set(_BY_FOLD.get(key, ()))
    if core in AGENCY_WORDS:
        if (before, core) in _PAIRS or (core, after) in _PAIRS:
            return word
        # a valid word that a neighbour shows is misread: QUANG before NGÃI is QUẢNG, PHỦ before THỌ is PHÚ
        paired = {w for w in words if w != core and ((before, w) in _PAIRS or (w, after) in _PAIRS)}
        if len(paired) == 1:
            return word.replace(core, paired.pop())
        if core not in _BOUND:
            return word
    if len(words) > 1:
        paired = {w for w in words if (before, w) in _PAIRS or (w, after) in _PAIRS}
        if len(paired) == 1:
            words = paired
        else:
            words = {w for w in words if w not in _BOUND} or words
    choice = _choice(key) if len(words) != 1 else next(iter(words))
    if choice is None or choice == core:
        return word
    return word.replace(core, choice)


def fix_agency_name(name: str | None) -> str | None:
    """An upper-case issuer name with each OCR-damaged agency word repaired where the repair is unambiguous."""
    if not name:
        return name
    words = unicodedata.normalize("NFC", name).split(" ")
    out: list[str] = []
    for i, word in enumerate(words):
        before = out[-1].strip(".,;:-–()") if out else ""
        after = _choice(_folded_key(words[i + 1])) or words[i + 1] if i + 1 < len(words) else ""
        out.append(fix_agency_word(word, before, after))
    return " ".join(out)
