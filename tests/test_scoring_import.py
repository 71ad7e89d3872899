"""`score import`: good rows kept, bad rows reported by row number, nothing half-applied within a row."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from evidence.errors import InputError
from evidence.round.score_import import import_scores
from evidence.round.scoring import appraise, current_scores, history, raise_objection

C = "test-2025"


def write_csv(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_bad_rows(store, campaign, tmp_path):
    path = write_csv(
        tmp_path / "scores.csv",
        (
            "unit,criterion,self_score,explanation,appraised_score,comment\n"
            "STP,1.1,4,Kế hoạch 12/KH-SNV,3,Ban hành chậm\n"  # row 2: good
            'STP,1.2,"2,5",,,\n'  # row 3: good, decimal comma
            "STP,1.3,5,,,\n"  # row 4: above max 3
            "BLV,1.3,1,,,\n"  # row 5: not applicable
            "STP,9.9,1,,,\n"  # row 6: unknown criterion
            "XYZ,1.1,1,,,\n"  # row 7: unknown unit
            ",,,,,\n"  # row 8: blank, skipped
            "SYT,2.1,abc,,,\n"  # row 9: not a number
            "SYT,2.1,,giải trình,,\n"  # row 10: explanation without a score
            "SYT,1.1,3,,9,\n"  # row 11: self fine, appraised too high
        ),
    )
    report = import_scores(store, C, path, by="import")
    assert [(e["row"]) for e in report.errors] == [4, 5, 6, 7, 9, 10, 11]
    messages = {e["row"]: e["error"] for e in report.errors}
    assert "above its maximum of 3" in messages[4]
    assert "does not apply to unit BLV" in messages[5]
    assert "unknown criterion '9.9'" in messages[6]
    assert "unknown unit 'XYZ'" in messages[7]
    assert "not a number" in messages[9]
    assert "appraised_score 9" in messages[11]
    scores = current_scores(store, C)
    assert (scores[("STP", "1.1")].self_score, scores[("STP", "1.1")].appraised_score) == (4, 3)
    assert scores[("STP", "1.1")].comment == "Ban hành chậm"
    assert scores[("STP", "1.2")].self_score == 2.5
    assert ("SYT", "1.1") not in scores  # row 11: nothing half-applied
    assert report.to_json()["summary"] == {"rows": 9, "applied": 2, "unchanged": 0, "errors": 7}
    again = import_scores(store, C, path)
    assert again.to_json()["summary"]["unchanged"] == 2 and len(history(store, C)) == 3


def test_a_row_failing_while_applied_changes_nothing(store, campaign, tmp_path):
    appraise(store, C, "STP", "2.1", 3)
    raise_objection(store, C, "STP", "2.1", "xin xem lại")
    path = write_csv(tmp_path / "s.csv", "unit;criterion;self_score;appraised_score\nSTP;2.1;6;4\n")
    report = import_scores(store, C, path)
    assert report.errors[0]["row"] == 2 and "open objection" in report.errors[0]["error"]
    assert current_scores(store, C)[("STP", "2.1")].self_score is None  # the self-score was rolled back


def test_xlsx_with_vietnamese_headers_title_row_and_numeric_codes(store, campaign, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["BẢNG ĐIỂM TỰ ĐÁNH GIÁ"])
    ws.append(["Mã đơn vị", "Mã tiêu chí", "Tự chấm", "Giải trình", "Thẩm định", "Nhận xét"])
    ws.append(["SYT", 1.1, 3.5, None, None, None])  # row 3: 1.1 typed as a number
    ws.append(["SYT", "2.1", 7, None, None, None])  # row 4: above max 6
    ws.append(["SYT", "1.2", 2, "Đã gửi báo cáo", 1.5, "Thiếu báo cáo quý"])
    path = tmp_path / "diem.xlsx"
    wb.save(path)
    report = import_scores(store, C, path)
    assert report.errors == [{"row": 4, "error": "self_score 7 for criterion 2.1 is above its maximum of 6"}]
    scores = current_scores(store, C)
    assert scores[("SYT", "1.1")].self_score == 3.5
    assert (scores[("SYT", "1.2")].appraised_score, scores[("SYT", "1.2")].explanation) == (1.5, "Đã gửi báo cáo")


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("a.pdf", b"%PDF", "expected a .csv or .xlsx"),
        ("a.csv", "Mã,Tên\nSTP,1\n".encode(), "the first row must name the columns"),
        ("a.csv", b"unit,criterion,explanation\n", "no score column"),
        ("a.csv", "unit,criterion,self_score\nSTP,1.1,\xe9\n".encode("latin-1"), "not UTF-8"),
        ("a.xlsx", b"not a zip", "cannot read the workbook"),
    ],
)
def test_unreadable_files_are_one_line_errors(store, campaign, tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=words):
        import_scores(store, C, path)
    assert history(store, C) == []


def test_import_command_reports_rows_and_exits_2(cli, campaign, tmp_path):
    path = write_csv(tmp_path / "s.csv", "unit,criterion,self_score\nSTP,1.1,4\nSTP,1.1,x\n")
    result = cli("score", "import", path, "--json")
    assert result.exit_code == 2
    assert '"applied": 1' in result.stdout
    assert f"error: {path}: row 3: self_score 'x' is not a number" in result.stderr
