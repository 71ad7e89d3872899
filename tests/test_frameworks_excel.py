"""Reading frameworks from Excel workbooks (generated here with openpyxl): layout detection, errors by row."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from evidence.errors import InputError
from evidence.frameworks import FrameworkError, export_framework, parse_framework_file, sample_paths

HEADER = [
    "Mã tiêu chí",
    "Nội dung tiêu chí",
    "Điểm tối đa (điểm)",
    "Tài liệu kiểm chứng",
    "Áp dụng",
    "Loại văn bản",
    "Thời hạn",
    "Hướng dẫn chấm điểm",
]


def workbook(path: Path, rows: list[list], *, header=HEADER, above=(), meta=None, sheet="Tiêu chí") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in above:
        ws.append(row)
    ws.append(header)
    for row in rows:
        ws.append(row)
    if meta:
        info = wb.create_sheet("Thông tin")
        for key, value in meta.items():
            info.append([key, value])
    wb.save(path)
    return path


GOOD_ROWS = [
    [1, "Công tác chỉ đạo, điều hành CCHC", 4.5, None, None, None, None, None],
    [
        1.1,
        "Kế hoạch CCHC năm",
        "2,5",
        "Kế hoạch CCHC năm của đơn vị",
        "Sở, ban, ngành; huyện",
        "KH",
        "by 31/12 of year-1",
        "Ban hành đúng hạn: 2,5 điểm",
    ],
    ["1.2.", "Báo cáo CCHC định kỳ", 2, "Báo cáo quý, năm", None, "BC, CV", "within_period", None],
    [None, None, None, None, None, None, None, None],
    ["2", "Tác động của CCHC", None, None, None, None, None, None],
    ["2.1", "Khảo sát sự hài lòng", 5, "Không", "Tất cả", None, None, "Điểm từ khảo sát SIPAS"],
    [None, "Tổng cộng", 9.5, None, None, None, None, None],
]


def test_good_workbook(tmp_path):
    path = workbook(
        tmp_path / "Bo chi so CCHC 2025.xlsx", GOOD_ROWS, above=[["BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CCHC NĂM 2025"], []]
    )
    fw = parse_framework_file(path)
    assert fw.id == "bo-chi-so-cchc-2025"
    assert fw.name == "BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CCHC NĂM 2025"
    assert [c.code for c in fw.walk()] == ["1", "1.1", "1.2", "2", "2.1"]
    assert fw.total_points == 9.5
    plan = fw.by_code["1.1"]
    assert (plan.max_points, plan.expected_types, plan.due_rule) == (2.5, ["KH"], "by 31/12 of year-1")
    assert plan.applies_to == ["department", "district"]
    assert plan.evidence_required and plan.evidence_description == "Kế hoạch CCHC năm của đơn vị"
    assert plan.guidance == "Ban hành đúng hạn: 2,5 điểm"
    assert fw.by_code["1.2"].expected_types == ["BC", "CV"]
    survey = fw.by_code["2.1"]
    assert survey.evidence_required is False and survey.applies_to == [] and survey.evidence_description == ""
    assert fw.by_code["2"].points == 5


def test_metadata_sheet_english_headers_and_options(tmp_path):
    path = workbook(
        tmp_path / "criteria.xlsx",
        [
            ["A", "Quản lý nhà nước về PCTN", 2, None, None, None],
            ["A.1", "Kế hoạch PCTN", 2, "Kế hoạch PCTN năm", "province", "yes"],
        ],
        header=["Code", "Title", "Max points", "Evidence", "Applies to", "Required"],
        sheet="Sheet1",
        meta={
            "id": "pctn-qn",
            "Tên": "Chỉ số PCTN Quảng Nam",
            "Phiên bản": 2025,
            "unit_kinds": "province, department",
            "sample": "no",
        },
    )
    fw = parse_framework_file(path)
    assert (fw.id, fw.name, fw.version, fw.unit_kinds) == (
        "pctn-qn",
        "Chỉ số PCTN Quảng Nam",
        "2025",
        ["province", "department"],
    )
    assert fw.by_code["A.1"].evidence_required is True and fw.by_code["A.1"].applies_to == ["province"]
    again = parse_framework_file(path, framework_id="pctn-2026", name="Chỉ số PCTN 2026")
    assert (again.id, again.name) == ("pctn-2026", "Chỉ số PCTN 2026")


def excel_problems(tmp_path: Path, rows: list[list], **kw) -> str:
    path = workbook(tmp_path / "bang.xlsx", rows, **kw)
    with pytest.raises(FrameworkError) as caught:
        parse_framework_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    return message


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([["1", "A", 1], ["1", "B", 1]], "row 3: duplicate code 1 (first at row 2)"),
        ([["1", "A", 1], ["2.1", "B", 1]], "row 3: criterion 2.1 has no parent: there is no criterion 2"),
        ([["1", "A", 2], ["1.1", "B", 1.5], ["1.2", "C", 1]], "row 2: criterion 1: its children's points (2.5) exceed"),
        ([["1", "A", 4], ["1.1", "B", 1.5]], "row 2: criterion 1: its children's points (1.5) add up to less than"),
        ([["1", "A", "abc"]], "row 2: criterion 1: points 'abc' is not a number"),
        ([["1", "A", "-1"]], "row 2: criterion 1: points -1 is negative"),
        ([["1", None, 1]], "row 2: criterion 1 has an empty title"),
        ([["1", "A", None]], "row 2: criterion 1 has no points"),
        ([["1", "A", 1, "Kết luận", None, "KL"]], "row 2: criterion 1: unknown document type 'KL'"),
        ([["1", "A", 1, None, None, None, "cuối năm"]], "row 2: criterion 1: cannot read due rule 'cuối năm'"),
        ([["1", "A", 1], [None, "Tổng cộng", 2]], "row 3: the total row says 2 but the criteria add up to 1"),
        ([["1", "A", 1], [None, "Ghi chú thêm", None]], "row 3: no code"),
        ([[1.1, "A", 1]], "row 2: criterion 1.1 has no parent"),
    ],
)
def test_each_error_names_its_row(tmp_path, rows, expected):
    assert expected in excel_problems(tmp_path, rows)


def test_unknown_unit_kind_against_declared_kinds(tmp_path):
    message = excel_problems(tmp_path, [["1", "A", 1, None, "xã"]], meta={"id": "x", "unit_kinds": "sở, huyện"})
    assert "row 2: criterion 1: applies_to names unknown unit kind commune" in message


def test_excel_number_codes_colliding_get_a_hint(tmp_path):
    message = excel_problems(tmp_path, [["1", "A", 2], [1.1, "B", 1], [1.10, "C", 1]])
    assert "row 4: duplicate code 1.1 (first at row 3); Excel stored the code as a number" in message


def test_no_header_row(tmp_path):
    path = workbook(tmp_path / "x.xlsx", [["1", "A", 1]], header=["Mã", "Tiêu chí", "Ghi chú"])
    with pytest.raises(InputError, match=r"x.xlsx: sheet 'Tiêu chí': no header row .* \(missing: Điểm tối đa\)"):
        parse_framework_file(path)


def test_files_that_are_not_workbooks(tmp_path):
    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InputError, match="old .xls workbook"):
        parse_framework_file(tmp_path / "old.xlsx")
    (tmp_path / "text.xlsx").write_text("code,title\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an Excel workbook"):
        parse_framework_file(tmp_path / "text.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 50)
    with pytest.raises(InputError, match="not a readable Excel workbook"):
        parse_framework_file(tmp_path / "broken.xlsx")


def test_sniffing_a_workbook_named_yaml(tmp_path):
    path = workbook(tmp_path / "misnamed.yaml", [["1", "A", 1]])
    assert parse_framework_file(path).by_code["1"].points == 1


@pytest.mark.parametrize("sample_id", ["par-department", "par-commune", "pctn-province"])
def test_samples_round_trip_through_excel(tmp_path, sample_id):
    fw = parse_framework_file(sample_paths()[sample_id])
    out = export_framework(fw, tmp_path / f"{sample_id}.xlsx")
    again = parse_framework_file(out)
    assert again.to_json() == fw.to_json()


def test_scored_by_column(tmp_path):
    rows = [["Mã", "Tiêu chí", "Điểm tối đa", "Chấm bởi"], ["1", "Tác động", None, None]]
    rows += [["1.1", "Sự hài lòng của người dân", 5, "Điều tra xã hội học"], ["1.2", "Tự đánh giá", 2, "tự chấm"]]
    path = tmp_path / "fw.xlsx"
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    fw = parse_framework_file(path)
    assert (fw.by_code["1.1"].scored_by, fw.by_code["1.2"].scored_by) == ("survey", "self")
    wb.active.append(["1.3", "Khác", 1, "ai đó"])
    wb.save(path)
    with pytest.raises(InputError, match="scored_by 'ai đó' is not one of self, survey"):
        parse_framework_file(path)
