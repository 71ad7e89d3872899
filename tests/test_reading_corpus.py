"""Two real e-office PDFs from ../shared/corpus (skipped when absent). Born-digital ones: no OCR needed, so the
test stays fast; the full corpus, OCR included, is measured by benchmarks/extraction.py."""

import csv
from pathlib import Path

import pytest

from evidence.reading import read_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "quangngai"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not (CORPUS / "labels.csv").is_file(), reason="../shared/corpus is absent"),
]


def _labels() -> dict:
    with open(CORPUS / "labels.csv", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


@pytest.mark.parametrize("name", ["05.pdf", "vht507.pdf"])
def test_number_and_day_drawn_by_signature_widgets(name):
    label = _labels()[name]
    meta = read_document(CORPUS / name, ocr=False).metadata
    assert meta["number"] == label["number"]  # absent from the page text, drawn by a widget
    assert meta["issued_on"] == label["issued_on"] and meta["date_source"] == "header"
    assert meta["type_code"] == label["type_code"] and meta["issuer"] == label["issuer"]
    assert meta["summary"] == label["summary"]
    assert meta["signer_name"] == label["signer_name"]
    assert [s["signed_at"] for s in meta["signatures"]] == label["signature_times"].split(";")
    assert all(s["intact"] for s in meta["signatures"])
