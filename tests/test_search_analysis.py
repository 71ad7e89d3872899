"""The index's analysers (issue 16): folded words taken word by word give the tokens of the folded text, and a
document analysed ahead of its index write is indexed exactly as one analysed in the write."""

import random
import unicodedata
from pathlib import Path

from evidence.search import analysis
from evidence.search.analysis import VietnameseTokenizer, fold_lower
from evidence.search.schema import make_schema

SENTENCE = (
    "Quyết định số 905/QĐ-UBND ngày 12.3.2026 của Ủy ban nhân dân tỉnh Quảng Ngãi về việc phê duyệt Kế hoạch "
    "cải cách hành chính; tiêu chí 1.1 đạt 2.500 điểm — ĐƯỢC GHI NHẬN. Ωmega Ελλάδα Москва ǅ ß ﬁ 𝒜𝓁𝓅𝒽𝒶 😀"
)


def _whole_text(value: str) -> list[str]:
    """The definition: fold the whole lower-cased text, then take its words."""
    return VietnameseTokenizer().expression.findall(fold_lower(unicodedata.normalize("NFC", value).lower()))


def test_folded_words_word_by_word_are_the_words_of_the_folded_text():
    letters = [chr(code) for code in list(range(0x20, 0x250)) + list(range(0x1E00, 0x1F00))] + list("𝒜😀\u0301\u0323")
    rng = random.Random(16)
    texts = [SENTENCE, SENTENCE.upper(), unicodedata.normalize("NFD", SENTENCE), "a\u0301b c\u0358d", ""]
    texts += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 80))) for _ in range(3000)]
    folded = VietnameseTokenizer(folded=True)
    for text in texts:
        assert folded.words(text) == _whole_text(text), text


def test_a_prepared_analysis_is_the_analysis():
    schema = make_schema()
    for name in ("body_f", "words_f", "words_a", "subject", "issuer"):
        field = schema[name]
        fresh = list(field.index(SENTENCE))
        analysis.prepare(field, SENTENCE)
        try:
            assert list(field.index(SENTENCE)) == fresh
        finally:
            analysis.clear_prepared()


def test_the_ingest_path_does_not_import_numpy(tmp_path: Path):
    """Folding for the index needs no table in numpy: a command that only adds documents does not pay its import."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom evidence.search import analysis\nfrom evidence.search.schema import make_schema\n"
        "from evidence import catalog\n"
        "s = make_schema()\n"
        f"[list(s[n].index({SENTENCE!r} * 50)) for n in ('body_f', 'words_f', 'words_a', 'subject_f')]\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
