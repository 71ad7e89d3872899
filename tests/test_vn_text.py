"""Folding at C speed gives exactly the results of the definition (NFD, drop non-spacing marks, NFC), and the
metadata read from documents is the same with either."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from evidence.reading import header, quality, read_document
from evidence.vn import dates, doctypes, text
from evidence.vn.text import fold, fold_aligned

from reading_samples import samples, write_docx, write_pdf

_D = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def fold_reference(value: str) -> str:
    """fold as it was: three normalisations of the whole string."""
    decomposed = unicodedata.normalize("NFD", (value or "").translate(_D))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped)


def fold_aligned_reference(value: str) -> str:
    out = []
    for ch in value or "":
        folded = fold_reference(ch)
        out.append((folded if len(folded) == 1 else ch).lower())
    return "".join(out)


BASES = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]  # none, huyền, sắc, ngã, hỏi, nặng


def vietnamese_letters() -> list[str]:
    letters = []
    for base in BASES:
        for tone in TONES:
            letter = unicodedata.normalize("NFC", base + tone)
            letters += [letter, letter.upper()]
    return letters + ["đ", "Đ"] + list("bcdghklmnpqrstvx") + list("BCDGHKLMNPQRSTVX")


def test_every_vietnamese_letter_upper_and_lower_with_every_tone():
    letters = vietnamese_letters()
    assert len(letters) == 12 * 6 * 2 + 2 + 32
    for letter in letters:
        assert fold(letter) == fold_reference(letter), letter
        assert fold_aligned(letter) == fold_aligned_reference(letter), letter
        assert len(fold(letter)) == 1 and fold(letter).isascii()
        decomposed = unicodedata.normalize("NFD", letter)  # the same letter typed with combining marks
        assert fold(decomposed) == fold_reference(decomposed)
        assert fold_aligned(decomposed) == fold_aligned_reference(decomposed)
    assert fold("Quyết định số 12/QĐ-UBND") == "Quyet dinh so 12/QD-UBND"
    assert fold_aligned("ĐỘC LẬP") == "doc lap"


def test_every_character_of_the_basic_plane():
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    for ch in chars:
        assert fold(ch) == fold_reference(ch), hex(ord(ch))
        assert fold_aligned(ch) == fold_aligned_reference(ch), hex(ord(ch))


def test_random_strings_whole_string_equal():
    rng = random.Random(16)
    pool = vietnamese_letters() + list(" .,-/0123456789\n") + ["\u0301", "\u0323", "\u0302", "ð", "Ð", "İ", "ß"]
    pool += ["\u1100", "\u1161", "\u11a8", "한", "Å", "\u212b", "ﬁ", "\u0bcd", "\u0915", "\u093f"]
    for _ in range(3000):
        value = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        assert fold(value) == fold_reference(value), repr(value)
        assert fold_aligned(value) == fold_aligned_reference(value), repr(value)
    assert fold("") == "" and fold(None) == "" and fold_aligned("") == "" and fold_aligned(None) == ""


def _metadata(paths: list[Path]) -> dict[str, dict]:
    out = {}
    for path in paths:
        meta = read_document(path, ocr=False).metadata
        out[path.name] = {k: v for k, v in meta.items() if k != "sha256"}
    return out


def _with_reference_folding(monkeypatch) -> None:
    for module in (header, quality, doctypes, text):
        if hasattr(module, "fold"):
            monkeypatch.setattr(module, "fold", fold_reference)
    for module in (header, dates, text):
        if hasattr(module, "fold_aligned"):
            monkeypatch.setattr(module, "fold_aligned", fold_aligned_reference)


def test_identical_metadata_on_generated_documents(tmp_path, monkeypatch):
    paths = []
    for sample in samples():
        paths.append(write_docx(sample, tmp_path / f"{sample.name}.docx"))
        paths.append(write_pdf(sample, tmp_path / f"{sample.name}.pdf"))
    fast = _metadata(paths)
    _with_reference_folding(monkeypatch)
    assert _metadata(paths) == fast


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_identical_metadata_on_the_corpus(monkeypatch):
    paths = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".pdf", ".docx"))[:60]
    fast = _metadata(paths)
    _with_reference_folding(monkeypatch)
    assert _metadata(paths) == fast
