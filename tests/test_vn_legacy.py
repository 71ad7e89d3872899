"""Legacy 8-bit Vietnamese encodings (TCVN3/ABC, VNI), font glyph substitutions, agency-name repairs."""

import unicodedata

import pytest

from evidence.reading.repair import fix_glyphs, repair_text
from evidence.vn.agency_words import fix_agency_name
from evidence.vn.legacy import detect_legacy, repair_legacy, tcvn3_to_unicode, to_tcvn3, to_vni, vni_to_unicode

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
LOWER = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]
UPPER = [letter.upper() for letter in LOWER]
SENTENCE = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc. Quyết định về việc ban hành hướng dẫn "
    "thực hiện kế hoạch cải cách hành chính năm 2025 của Ủy ban nhân dân tỉnh Quảng Ngãi."
)


def test_every_lower_case_letter_goes_through_tcvn3():
    assert len(LOWER) == 73  # 12 vowels × (no tone + 5 tones) + đ
    for letter in LOWER:
        encoded = to_tcvn3(letter)
        assert len(encoded) == 1 and (encoded == letter) == (letter == "ý" or letter in "aeiouy"), letter
        assert tcvn3_to_unicode(encoded) == letter


def test_tcvn3_capitals_of_its_lower_font():
    assert tcvn3_to_unicode("\u00a1\u00a2\u00a7\u00a3\u00a4\u00a5\u00a6") == "ĂÂĐÊÔƠƯ"


@pytest.mark.parametrize("letter", LOWER + UPPER)
def test_every_letter_goes_through_vni(letter):
    assert vni_to_unicode(to_vni(letter)) == letter


def test_known_vni_and_tcvn3_spellings():
    assert tcvn3_to_unicode("QuyÕt ®Þnh") == "Quyết định"
    assert tcvn3_to_unicode("h\u00adíng dÉn") == "hướng dẫn"
    assert vni_to_unicode("Quyeát ñònh") == "Quyết định"
    assert vni_to_unicode("UÛY BAN NHAÂN DAÂN") == "ỦY BAN NHÂN DÂN"
    assert vni_to_unicode("Töï do - Haïnh phuùc") == "Tự do - Hạnh phúc"
    assert vni_to_unicode("naêm, thaùng, ngaøy, ñoàng") == "năm, tháng, ngày, đồng"


@pytest.mark.parametrize("encoder, name", [(to_tcvn3, "tcvn3"), (to_vni, "vni")])
def test_detection_and_round_trip_of_a_sentence(encoder, name):
    legacy = encoder(SENTENCE)
    assert legacy != SENTENCE
    assert detect_legacy(legacy) == name
    converted, found = repair_legacy(legacy)
    assert found == name
    if name == "vni":
        assert converted == SENTENCE
    else:  # TCVN3 has no capitals with tones in its lower font: they come back in lower case
        assert converted.lower() == SENTENCE.lower()


@pytest.mark.parametrize(
    "text",
    [
        SENTENCE,
        "The quick brown fox jumps over the lazy dog, twice a day.",
        "Café, résumé, naïve, über, Ångström and façade are loan words.",
        "",
        "Số: 12",
    ],
)
def test_unicode_and_other_languages_are_left_alone(text):
    assert detect_legacy(text) is None
    assert repair_legacy(text) == (text, None)


def test_pdf_font_glyph_substitutions():
    assert fix_glyphs("Hƣớng dẫn thực hiện Ƣu tiên") == "Hướng dẫn thực hiện Ưu tiên"
    assert fix_glyphs("ðiều 1. Ðộc lập") == "điều 1. Độc lập"
    assert fix_glyphs("ﬁle") == "file"
    assert fix_glyphs("Hu\u0301ng") == "Húng"  # decomposed marks composed
    text, warnings = repair_text("Hƣớng dẫn")
    assert text == "Hướng dẫn" and warnings == ["text_glyphs_repaired"]
    assert repair_text("Hướng dẫn") == ("Hướng dẫn", [])


def test_legacy_page_repair_says_which_encoding():
    text, warnings = repair_text(to_vni(SENTENCE))
    assert text == SENTENCE and warnings == ["legacy_encoding_vni"]


@pytest.mark.parametrize(
    "damaged, repaired",
    [
        ("TÒA ÁN NHÂN DÂN TÓI CÁO", "TÒA ÁN NHÂN DÂN TỐI CAO"),
        ("CỤC HÓA CHÁT", "CỤC HÓA CHẤT"),
        ("SỞ NỘI VU", "SỞ NỘI VỤ"),
        # alone QUÁNG could be QUẢNG or QUANG (Tuyên Quang), TĨNH is only Hà Tĩnh: the neighbour settles it
        ("ỦY BAN NHÂN DÂN TĨNH QUÁNG NGÃI", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"),
        ("ỦY BAN NHÂN DÂN TỈNH HẢÁI DƯƠNG", "ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG"),  # a vowel read twice
        ("ỦY BAN NHÂN DÂN TÍNH PHỦ THỌ", "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ"),
        ("VIỆN KIÊM SÁT NHÂN DÂN", "VIỆN KIỂM SÁT NHÂN DÂN"),
    ],
)
def test_agency_words_repair_ocr_confusions(damaged, repaired):
    assert fix_agency_name(damaged) == repaired


@pytest.mark.parametrize(
    "name",
    [
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
        "HỘI ĐỒNG THẨM ĐỊNH",
        "BỘ CÔNG AN - BỘ QUỐC PHÒNG",
        "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
        "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG",
        "VĂN PHÒNG CHÍNH PHỦ",
        "CÔNG TY TNHH XYZ",
        "BỘ CÔNG THUONG",  # THƯƠNG or THƯỜNG
    ],
)
def test_agency_words_leave_valid_or_ambiguous_words(name):
    assert fix_agency_name(name) == name


def test_foreign_word_count_is_the_per_character_rule():
    """The one-regex count (issue 16) counts exactly the words the per-character rule counts."""
    import random
    import re

    from evidence.vn import legacy

    def by_character(text: str) -> int:
        count = 0
        for word in re.findall(r"\S+", text):
            if any(ord(ch) > 0x7F and ch not in legacy._VIETNAMESE for ch in word):
                count += 1
            elif re.search(r"[aeiouyAEIOUY][ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË]", word):
                count += 1
        return count

    rng = random.Random(16)
    alphabet = list("ab aeiouyAEIOU\t\n\xa0\u2003.,;ñöÕ®Þ–“”€😀\u0301") + list(legacy._LEGACY_MARKS)
    alphabet += sorted(legacy._VIETNAMESE)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    sentence = "Quyết định về việc phê duyệt kế hoạch cải cách hành chính năm 2026 của Ủy ban nhân dân tỉnh"
    texts += [sentence, legacy.to_vni(sentence), legacy.to_tcvn3(sentence)]
    for text in texts:
        assert legacy._foreign_words(text) == by_character(text), text
