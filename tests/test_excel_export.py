"""`score export`: read the workbook back and compare values with the results."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from evidence.errors import InputError
from evidence.round.workbook import HEADER_ROW, export_scores
from evidence.round.results import compute_results
from evidence.round.scoring import appraise, raise_objection, set_self_score

from test_findings_rules import add_evidence

C = "test-2025"


@pytest.fixture
def scored_round(store, campaign):
    for code, value in {"1.1": 4, "1.2": 3, "1.3": 2, "2.1": 6}.items():
        set_self_score(store, C, "STP", code, value, explanation="Giải trình " + code if code == "1.3" else None)
    for code, value in {"1.1": 3, "1.2": 3, "1.3": 2, "2.1": 5.5}.items():
        appraise(store, C, "STP", code, value, comment="Trừ do ban hành chậm" if code == "1.1" else None)
    raise_objection(store, C, "STP", "2.1", "Đã công khai đủ")
    for code, value in {"1.1": 2, "1.2": 1, "2.1": 3, "2.2": 4}.items():
        set_self_score(store, C, "BLV", code, value)
    add_evidence(store, unit="STP", criterion="1.1")
    add_evidence(store, unit="STP", criterion="1.1", number="/KH-SNV")
    return store


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(min_row=HEADER_ROW, values_only=True)]


def test_workbook_content_matches_the_results(scored_round, tmp_path):
    store = scored_round
    out = tmp_path / "diem.xlsx"
    info = export_scores(store, C, out)
    assert info == {"path": str(out), "units": 3, "sheets": 5}
    wb = load_workbook(out)
    assert wb.sheetnames == ["Tổng hợp", "Thống kê", "STP", "SYT", "BLV"]

    summary = wb["Tổng hợp"]
    assert summary.freeze_panes == f"D{HEADER_ROW + 1}"
    header, *data = rows_of(summary)
    assert header[:3] == ["Xếp hạng", "Mã đơn vị", "Tên đơn vị"] and "Tỷ lệ (%)" in header
    # one title row per ranking group, then its units ranked within the group
    titles = [r[2] for r in data if r[1] is None]
    assert titles == ["Khối sở, ban, ngành (2 đơn vị)", "Khối huyện, thị xã, thành phố (1 đơn vị)"]
    data = [r for r in data if r[1] is not None]
    results = compute_results(store, C)
    col = {name: i for i, name in enumerate(header)}
    for row, unit in zip(data, results.units):
        assert row[col["Mã đơn vị"]] == unit.code and row[col["Xếp hạng"]] == unit.rank
        assert row[col["Tỷ lệ (%)"]] == unit.percent and isinstance(row[col["Tỷ lệ (%)"]], (int, float))
        assert row[col["Điểm đạt"]] == unit.score and row[col["Xếp loại"]] == unit.band
        assert row[col["Điểm tối đa áp dụng"]] == unit.max_points
    assert [(r[0], r[1]) for r in data] == [(1, "STP"), (2, "SYT"), (1, "BLV")]  # STP 13.5/16, SYT 0; BLV 10/17
    assert data[0][col["Tỷ lệ (%)"]] == pytest.approx(84.38)
    assert summary.column_dimensions["C"].width >= 30

    stp = wb["STP"]
    assert stp.freeze_panes == f"C{HEADER_ROW + 1}"
    header, *rows = rows_of(stp)
    assert header == [
        "Mã tiêu chí",
        "Nội dung tiêu chí",
        "Điểm tối đa",
        "Tự chấm",
        "Thẩm định",
        "Chênh lệch (thẩm định − tự chấm)",
        "Giải trình của đơn vị",
        "Nhận xét thẩm định",
        "Kiến nghị",
        "Số tài liệu",
        "Phát hiện",
    ]
    by_code = {r[0]: r for r in rows}
    assert by_code["1.1"][2:6] == [4, 4, 3, -1]
    assert by_code["1.1"][7] == "Trừ do ban hành chậm" and by_code["1.1"][9] == 2
    assert "Chưa có số văn bản" in by_code["1.1"][10]
    assert by_code["1.3"][6] == "Giải trình 1.3"
    assert by_code["2.1"][8] == "Đang xem xét" and by_code["2.1"][5] == -0.5
    assert "Thiếu tài liệu kiểm chứng" in by_code["2.1"][10]
    assert by_code["1"][2:6] == [10, 9, 8, -1]  # field subtotal
    assert by_code["Tổng cộng"][2:6] == [16, 15, 13.5, -1.5]
    assert all(isinstance(v, (int, float)) for v in by_code["1.2"][2:6])

    blv = {r[0]: r for r in rows_of(wb["BLV"])[1:]}
    assert blv["1.3"][10] == "Không áp dụng" and blv["1.3"][2] is None
    assert blv["Tổng cộng"][2] == 17

    stats = {r[0]: r[1] for r in rows_of(wb["Thống kê"]) if r[0]}
    assert stats["Số đơn vị"] == 3 and stats["Cao nhất (%)"] == pytest.approx(84.38)
    assert "1.1" in stats  # most deducted criteria listed with their title


def test_export_refuses_bad_paths(store, campaign, tmp_path):
    with pytest.raises(InputError, match=r"\.xlsx"):
        export_scores(store, C, tmp_path / "out.csv")
    with pytest.raises(InputError, match="no such directory"):
        export_scores(store, C, tmp_path / "missing" / "out.xlsx")


def test_export_command(cli, scored_round, tmp_path):
    out = tmp_path / "round.xlsx"
    result = cli("score", "export", "--out", out, "--json")
    assert result.exit_code == 0 and '"units": 3' in result.stdout
    assert load_workbook(out, read_only=True).sheetnames[0] == "Tổng hợp"
