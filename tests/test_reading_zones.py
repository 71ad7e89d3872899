"""The second OCR engine on the header zone, combined with Tesseract: handwritten numbers and days, incoming
stamps, the signing time as a bound, the estimated-date flag, and a missing or failing engine."""

import importlib.util
import shutil
from pathlib import Path

import pytest

from evidence.reading import read_document, read_many
from evidence.reading import ocr_zones
from evidence.reading.combine import combine_zones, field_sources
from evidence.reading.header import extract_metadata
from evidence.records import shown_issued_on, sources_line
from reading_samples import render_header_scan

needs_ocr = pytest.mark.skipif(
    shutil.which("tesseract") is None or shutil.which("pdftoppm") is None, reason="Tesseract or poppler not installed"
)
needs_rapid = pytest.mark.skipif(
    importlib.util.find_spec("rapidocr_onnxruntime") is None, reason="rapidocr-onnxruntime not installed"
)


def _line(text, x0, x1, y0, confidence=0.95):
    return {
        "text": text,
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y0 + 0.015,
        "confidence": confidence,
        "source": "ocr-rapid",
    }


ZONES = [
    _line("UY BAN NHAN DAN", 0.16, 0.35, 0.06),
    _line("CONG HOA XA HOI CHU NGHIA VIET NAM", 0.46, 0.88, 0.06),
    _line("TINH QUANG NGAI", 0.16, 0.35, 0.08),
    _line("Doc lap - Tu do - Hanh phuc", 0.54, 0.8, 0.08),
    _line("DEN So: 2352 Ngay: 21/3", 0.03, 0.2, 0.10),
    _line("S6: O1/TTr-UBND", 0.17, 0.38, 0.12),
    _line("Quang Ngai, ngay06 thang 01 nam 2025", 0.48, 0.88, 0.12),
    _line("TO TRINH", 0.43, 0.57, 0.16),
]
TESSERACT = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI Độc lập - Tự do - Hạnh phúc
Số: 04 /TTr-UBND Quảng Ngãi, ngày07 tháng 01 năm 2025
TỜ TRÌNH
Về việc miễn nhiệm chức danh Ủy viên Ủy ban nhân dân tỉnh
Kính gửi: Hội đồng nhân dân tỉnh
"""
SIGNED = [{"signed_at": "2025-01-07T16:02:11+07:00", "signer": "Trần Hoàng Tuấn"}]


def test_second_engine_digits_win_when_tesseract_misreads_a_handwritten_number():
    meta = extract_metadata([TESSERACT], signatures=SIGNED, zones=ZONES, page_sources=["ocr"])
    assert meta["number"] == "01/TTr-UBND"  # symbol with its letters as printed, digits from RapidOCR
    assert meta["sources"]["number"] == "ocr-rapid" and 0 < meta["confidence"]["number"] < 1
    assert {c["source"] for c in meta["candidates"]["number"]} == {"ocr-tesseract", "ocr-rapid"}
    assert meta["issued_on"] == "2025-01-06" and meta["sources"]["issued_on"] == "ocr-rapid"
    assert meta["issued_on_estimated"] is False
    assert meta["issuer"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" and meta["sources"]["issuer"] == "ocr-tesseract"


def test_a_printed_day_after_the_first_signature_is_impossible():
    late = [_line("Quang Ngai, ngay 26 thang 01 nam 2025", 0.48, 0.88, 0.12, 0.99)]
    tess = TESSERACT.replace("ngày07", "ngày 29")
    meta = extract_metadata([tess], signatures=SIGNED, zones=late, page_sources=["ocr"])
    # both days fall after the document was signed on 7 January: neither is believed, the signing day is used
    assert meta["issued_on"] == "2025-01-07" and meta["date_source"] == "signature"
    assert meta["issued_on_estimated"] is True and meta["sources"]["issued_on"] == "signature"
    assert shown_issued_on(meta) == "2025-01-07 (ước tính)"
    assert "issued_on: signature" in sources_line(meta) and "ước tính" in sources_line(meta)


def test_engines_that_agree_are_surer_than_either():
    meta = extract_metadata(
        [TESSERACT.replace("04 /TTr", "01 /TTr").replace("ngày07", "ngày06")],
        signatures=SIGNED,
        zones=ZONES,
        page_sources=["ocr"],
    )
    assert meta["number"] == "01/TTr-UBND" and meta["sources"]["number"] == "ocr-both"
    assert meta["confidence"]["number"] >= 0.9 and meta["sources"]["issued_on"] == "ocr-both"


def test_text_layer_fields_are_marked_as_text():
    meta = extract_metadata([TESSERACT.replace("04 /TTr", "12/TTr").replace("ngày07", "ngày 06")])
    assert meta["sources"]["number"] == "text" and meta["confidence"]["number"] > 0.9
    assert meta["issued_on_estimated"] is False and meta["candidates"] == {}


def test_incoming_stamp_box_is_not_the_number():
    meta = {"number": None, "warnings": []}
    combine_zones(meta, [z for z in ZONES if "So:" in z["text"] and "DEN" in z["text"]], SIGNED)
    assert meta["number"] is None


@needs_ocr
@needs_rapid
@pytest.mark.slow
def test_handwritten_number_and_day_of_a_scanned_header_are_read(tmp_path: Path):
    path = render_header_scan(tmp_path / "scan.pdf", number="27", day="16", month="01", year="2025")
    reading = read_document(path)
    meta = reading.metadata
    assert meta["number"] == "27/QĐ-UBND" and meta["issued_on"] == "2025-01-16"
    assert meta["sources"]["number"] in ("ocr-rapid", "ocr-both")
    assert meta["sources"]["issued_on"] in ("ocr-rapid", "ocr-both")
    assert meta["type_code"] == "QĐ" and meta["issuer"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM"
    # both engines' header lines, with boxes and confidences (Tesseract's from its word boxes, TSV)
    assert {z["source"] for z in reading.zones} == {"ocr-rapid", "ocr-tesseract"}
    assert all(0 <= z["x0"] < z["x1"] <= 1 and 0 < z["confidence"] <= 1 for z in reading.zones)
    assert 0 < meta["confidence"]["number"] <= 1


@needs_ocr
@needs_rapid
@pytest.mark.slow
def test_stamped_scan_keeps_the_document_number_not_the_register_or_a_cited_one(tmp_path: Path):
    path = render_header_scan(tmp_path / "stamped.pdf", number="105", day="08", month="3", stamp="2352")
    meta = read_document(path).metadata
    assert meta["number"] == "105/QĐ-UBND"  # not 2352 (register) nor 905 (cited in the body)
    assert meta["issued_on"] == "2025-03-08"


@needs_ocr
def test_missing_second_engine_is_said_once_and_tesseract_carries_on(tmp_path: Path, monkeypatch, capfd):
    monkeypatch.setattr(
        ocr_zones, "_state", {"engine": None, "problem": "rapidocr-onnxruntime is not installed", "warned": False}
    )
    paths = [render_header_scan(tmp_path / f"scan{i}.pdf", number="27", day="16") for i in range(2)]
    readings = [read_document(p) for p in paths]
    for reading in readings:
        assert "ocr_second_engine_unavailable" in reading.metadata["warnings"]
        assert reading.metadata["type_code"] == "QĐ"
        assert reading.zones and all(z["source"] == "ocr-tesseract" for z in reading.zones)
    assert capfd.readouterr().err.count("rapidocr-onnxruntime is not installed") == 1


class _Broken:
    def __call__(self, *args, **kwargs):
        raise RuntimeError("onnxruntime: bad model")


@needs_ocr
def test_failing_second_engine_does_not_stop_the_read(tmp_path: Path, monkeypatch, capfd):
    monkeypatch.setattr(ocr_zones, "_state", {"engine": _Broken(), "problem": None, "warned": False})
    path = render_header_scan(tmp_path / "scan.pdf", number="27", day="16")
    meta = read_document(path).metadata
    assert "ocr_second_engine_failed" in meta["warnings"] and meta["type_code"] == "QĐ"
    assert "bad model" in capfd.readouterr().err


@needs_ocr
def test_batch_goes_on_when_the_second_engine_fails(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ocr_zones, "_state", {"engine": _Broken(), "problem": None, "warned": False})
    paths = [render_header_scan(tmp_path / f"scan{i}.pdf", number=str(10 + i), day="16") for i in range(2)]
    results = dict(read_many(paths, jobs=1))
    assert all(not isinstance(r, Exception) for r in results.values())


def test_tesseract_word_boxes_become_header_lines_with_confidences():
    tsv = "\n".join(
        [
            "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
            "1\t1\t0\t0\t0\t0\t0\t0\t1000\t2000\t-1\t",
            "5\t1\t1\t1\t1\t1\t100\t200\t40\t20\t96.0\tSố:",
            "5\t1\t1\t1\t1\t2\t150\t200\t120\t20\t60.0\t04/TTr-UBND",
            "5\t1\t2\t1\t1\t1\t100\t1500\t200\t20\t90.0\tbody",
        ]
    )
    [line] = ocr_zones.tsv_lines(tsv)  # the body line is below the header zone
    assert line.text == "Số: 04/TTr-UBND" and line.source == "ocr-tesseract" and line.confidence == 0.78
    assert (line.x0, line.y0, line.x1, line.y1) == (0.1, 0.1, 0.27, 0.11)


def test_absurd_or_tiny_zone_images_are_handled(tmp_path: Path):
    from PIL import Image

    tiny = tmp_path / "tiny.png"
    Image.new("L", (40, 40), 255).save(tiny)
    assert ocr_zones.header_zone(tiny) is None
    wide = tmp_path / "wide.png"
    Image.new("L", (12000, 3000), 255).save(wide)
    array, _ = ocr_zones.header_zone(wide)
    assert array.shape[1] <= ocr_zones.MAX_ZONE_WIDTH


def test_field_sources_mark_signature_dates_as_estimated():
    meta = {"issued_on": "2025-01-09", "date_source": "signature", "number": "/TB-UBND", "warnings": []}
    field_sources(meta, "ocr-tesseract")
    assert meta["issued_on_estimated"] is True and meta["sources"]["issued_on"] == "signature"
    assert meta["confidence"]["number"] < meta["confidence"].get("issued_on", 1) + 0.5


def test_per_character_merge_fills_what_one_engine_could_not_read():
    from evidence.reading.combine import merge_digits

    assert merge_digits("J93", "}492") == "493"  # RapidOCR's digits where it has them, Tesseract's elsewhere
    assert merge_digits("1M", "41") == "11"
    assert merge_digits("1+1", "A†1") is None  # a position nobody read
    assert merge_digits("12", "123") is None  # different lengths: no alignment to trust


def test_the_tesseract_token_completes_a_partly_read_handwritten_number():
    zones = [_line("S6:J93/TB-UBND", 0.17, 0.37, 0.12), _line("Lam Dong, ngay 13 thang 11 nam 2025", 0.48, 0.85, 0.12)]
    tess = TESSERACT.replace("Số: 04 /TTr-UBND", "Só:}492 /TB-UBND").replace("TỜ TRÌNH", "THÔNG BÁO")
    meta = extract_metadata([tess], zones=zones, page_sources=["ocr"])
    assert meta["number"] == "493/TB-UBND" and "number_raw" not in meta


def _chars(text, unsure=None):
    """Per-character readings of a number line: every character sure, except `unsure` {index: (p, runners-up)}."""
    out = [[ch, 0.99, {}] for ch in text]
    for index, (probability, runners) in (unsure or {}).items():
        out[index] = [text[index], probability, runners]
    return out


def test_a_tesseract_dagger_is_a_crossed_seven_when_rapidocr_is_unsure_of_its_four():
    from evidence.reading.combine import crossed_sevens

    # "Số: 47": RapidOCR reads the crossed 7 as a 4 it is unsure of, with 7 as a runner-up; Tesseract as "‡"
    assert crossed_sevens("4‡", _chars("44", {1: (0.26, {"+": 0.14, "7": 0.1})})) == "47"
    # Tesseract lost the leading 5 of 574: both readings end at the slash, so they are right-aligned
    assert crossed_sevens("†4", _chars("544", {1: (0.54, {"7": 0.17, "1": 0.13})})) == "574"
    # a 1 with 7 second (the bar missed) is a crossed 7 too
    assert crossed_sevens("8†", _chars("81", {1: (0.36, {"7": 0.22})})) == "87"
    # a sure 4 drawn with a bar stays a 4 ("4@†" for 464)
    assert crossed_sevens("4@†", _chars("464")) == "464"
    # undecided (an unsure 4 with no 7 behind it), no dagger, or Tesseract saw more than RapidOCR: no opinion
    assert crossed_sevens("‡6", _chars("46", {0: (0.7, {"M": 0.07})})) is None
    assert crossed_sevens("44", _chars("44")) is None
    assert crossed_sevens("A†1#", _chars("A+7")) is None


def test_two_rapidocr_reads_of_a_number_are_voted_per_digit():
    from evidence.reading.combine import vote_reads

    assert vote_reads("69", "69", "6", _chars("6")) == "69"  # the crop lost a digit the zone read has
    assert vote_reads("8", "8", "87", _chars("87")) == "87"  # and the other way round
    # same length: the zone's 7 (repaired from a T) is the crop's runner-up, two reads support it
    assert vote_reads("575", "575", "515", _chars("515", {1: (0.64, {"7": 0.11, "3": 0.04})})) == "575"
    # a digit the crop is sure of wins over the zone's; an unsure one does not
    assert vote_reads("126", "126", "128", _chars("128")) == "128"
    assert vote_reads("126", "126", "128", _chars("128", {2: (0.5, {})})) == "126"
    # the zone read unreadable ("L75"): the crop's digits, unless it lost characters another read saw
    assert vote_reads(None, "L75", "275", _chars("275")) == "275"
    assert vote_reads(None, "M", "1", _chars("1"), other="44") is None
    assert vote_reads(None, "A3J", "3", _chars("3")) is None


def test_a_crossed_seven_read_as_a_dagger_and_a_four_is_a_seven_from_both_engines():
    number = dict(_line("S6: 44 /QD-UBND", 0.19, 0.38, 0.12), chars=_chars("S6: 44 /QD-UBND"))
    number["chars"][5] = ["4", 0.26, {"+": 0.14, "7": 0.1}]
    zones = [number, _line("Quang Ngai, ngay 07 thang 01 nam 2025", 0.48, 0.88, 0.12)]
    tess = TESSERACT.replace("Số: 04 /TTr-UBND", "Số: 4‡ /QĐ-UBND").replace("TỜ TRÌNH", "QUYẾT ĐỊNH")
    meta = extract_metadata([tess], signatures=SIGNED, zones=zones, page_sources=["ocr"])
    assert meta["number"] == "47/QĐ-UBND" and meta["sources"]["number"] == "ocr-both"
    assert 0.5 < meta["confidence"]["number"] < 0.95  # surer than one engine, less than two that read alike
    seen = {c["value"] for c in meta["candidates"]["number"]}
    assert {"4‡/QĐ-UBND", "44/QĐ-UBND"} <= seen  # what each engine saw, before they were combined


def test_number_crop_read_again_fills_a_number_the_zone_read_could_not():
    number = dict(_line("S6: L7S /STTTT-CNTT", 0.10, 0.33, 0.12), chars=_chars("S6: 275 /STTTT-CNTT"))
    zones = [number, _line("Phu Tho, ngay 16 thang 12 nam 2011", 0.48, 0.82, 0.12)]
    tess = TESSERACT.replace("Số: 04 /TTr-UBND", "Số: JT{/STTTT-CNTT").replace("TỜ TRÌNH", "")
    meta = extract_metadata([tess], zones=zones, page_sources=["ocr"])
    assert meta["number"] == "275/STTTT-CNTT" and meta["sources"]["number"] == "ocr-rapid"
    assert {"value": "275/STTTT-CNTT", "source": "ocr-rapid", "read": "number crop", "confidence": 0.99} in meta[
        "candidates"
    ]["number"]


def test_char_readings_give_up_quietly_on_an_engine_without_a_recogniser():
    import numpy as np

    assert ocr_zones.char_readings(object(), np.zeros((50, 200, 3), dtype=np.uint8), [0, 200], [0, 50]) is None


@needs_ocr
@needs_rapid
@pytest.mark.slow
def test_a_handwritten_crossed_seven_is_read_as_seven(tmp_path: Path):
    # Vietnamese handwriting crosses the 7; Tesseract takes the bar for another stroke (87 → "827")
    path = render_header_scan(tmp_path / "crossed.pdf", number="87", day="16", crossed_sevens=True)
    reading = read_document(path)
    assert reading.metadata["number"] == "87/QĐ-UBND"
    [line] = [z for z in reading.zones if z.get("chars")]  # the number line, read again with per-character readings
    assert "/" in line["text"] and all(0 < c[1] <= 1 and isinstance(c[2], dict) for c in line["chars"])
    assert any(c[0] == "7" for c in line["chars"])
