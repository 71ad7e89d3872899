"""The score workbook a secretariat hands to its director (`evidence score export`).

Sheets: "Tổng hợp" (ranking within each ranking group — a title row per group when there are several: points per
field, totals, percent, band), "Thống kê" (statistics per group and overall, and the criteria deducted most
often), then one sheet per unit (criterion rows: maximum, self, appraised, difference, explanation, comment,
objection, evidence count, findings; field subtotals and a total row).

Headers are Vietnamese and frozen, columns sized to be read, every number stored as a number. Written by
`evidence.xlsx` (a streaming SpreadsheetML writer: openpyxl spent over ten seconds of CPU on the 200,000 cells of a
150-unit round) to a temporary file renamed into place; read back with openpyxl in the tests.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

from ..errors import InputError
from .campaign import load_campaign
from .findings import CODE_LABELS, Finding, check
from .results import Results, Statistics, UnitResult, compute_results
from ..store import Store
from .xlsx import Sheet, write_workbook

SUMMARY_SHEET = "Tổng hợp"
STATISTICS_SHEET = "Thống kê"
HEADER_ROW = 3  # rows 1-2: title and subtitle; row 3: column headers; data from row 4
UNIT_HEADERS = [
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
UNIT_WIDTHS = [11, 60, 10, 10, 10, 14, 40, 40, 18, 10, 40]
OBJECTION_WORDS = {"open": "Đang xem xét", "accepted": "Đã chấp nhận", "rejected": "Không chấp nhận"}
BASIS_WORDS = {"appraised": "", "mixed": "Chưa thẩm định đủ", "self": "Chưa thẩm định (điểm tự chấm)"}


def export_scores(
    store: Store, campaign_id: str, path: Path, *, results: Results | None = None, findings: list[Finding] | None = None
) -> dict:
    """Write the workbook to `path` (.xlsx); returns {"path", "units", "sheets"}. `results` and `findings` may be
    passed when the caller has them already (they are computed otherwise)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError("the workbook must be an .xlsx file", path=path)
    if not path.parent.is_dir():
        raise InputError("no such directory for the workbook", path=path.parent)
    results = results or compute_results(store, campaign_id)
    findings = findings if findings is not None else check(store, campaign_id)
    by_cell: dict[tuple[str | None, str | None], list[str]] = {}
    for finding in findings:
        by_cell.setdefault((finding.unit, finding.criterion), []).append(finding.code)

    campaign = load_campaign(store, campaign_id)
    sheets = [_summary_sheet(results, campaign), _statistics_sheet(results)]
    names = {SUMMARY_SHEET, STATISTICS_SHEET}
    order = {u.code: i for i, u in enumerate(campaign.units)}
    for unit in sorted(results.units, key=lambda u: order[u.code]):
        sheets.append(_unit_sheet(unit, results, by_cell, _sheet_name(unit.code, names)))
    _save(sheets, path)
    return {"path": str(path), "units": len(results.units), "sheets": len(names)}


def _save(sheets: list[Sheet], path: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        write_workbook(tmp, sheets)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write the workbook ({exc.strerror or exc})", path=path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sheet_name(code: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique regardless of case."""
    base = re.sub(r"[\[\]:*?/\\]", "-", code)[:31] or "Đơn vị"
    name, n = base, 2
    while name.casefold() in {u.casefold() for u in used}:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _title_rows(sheet: Sheet, title: str, subtitle: str) -> None:
    sheet.append([(title, "title")])
    sheet.append([(subtitle, "plain")])


def _header(sheet: Sheet, headers: list[str]) -> None:
    sheet.append([(h, "header") for h in headers])


def _number(value):
    return None if value is None else float(value)


# ---------------------------------------------------------------- sheets


def _field_headers(fields) -> list[str]:
    return [f"{f.code}. {f.title}" for f in fields]


def _summary_sheet(results: Results, campaign) -> Sheet:
    fields = results.units[0].fields if results.units else []
    width = max((len(u.fields) for u in results.units), default=0)
    sheet = Sheet(
        SUMMARY_SHEET,
        widths=[9, 11, 38] + [16] * width + [10, 10, 10, 12, 10, 13, 30],
        freeze=f"D{HEADER_ROW + 1}",
    )
    frameworks = ", ".join(f.name for f in campaign.frameworks())
    _title_rows(
        sheet,
        f"KẾT QUẢ {results.name.upper()}" + (" (TẠM THỜI)" if results.provisional else ""),
        f"Bộ tiêu chí: {frameworks}; xếp hạng trong từng khối; tỷ lệ tính trên điểm tối đa các tiêu chí áp dụng; "
        f"lập ngày {datetime.now():%d/%m/%Y}.",
    )
    tail = ["Tự chấm", "Thẩm định", "Điểm đạt", "Điểm tối đa áp dụng", "Tỷ lệ (%)", "Xếp loại", "Ghi chú"]
    _header(sheet, ["Xếp hạng", "Mã đơn vị", "Tên đơn vị"] + _field_headers(fields) + tail)
    shown = _field_headers(fields)
    groups = results.groups or []
    for group in groups:
        if len(groups) > 1:
            sheet.append(
                [(None, "field"), (None, "field"), (f"{group.name} ({len(group.units)} đơn vị)", "field_wrap")]
            )
        group_fields = _field_headers(group.units[0].fields) if group.units else shown
        if group_fields != shown:  # a group scored on another framework: its own header row
            _header(sheet, ["Xếp hạng", "Mã đơn vị", "Tên đơn vị"] + group_fields + tail)
            shown = group_fields
        for unit in group.units:
            _summary_row(sheet, unit)
    if not groups:
        for unit in results.units:
            _summary_row(sheet, unit)
    return sheet


def _summary_row(sheet: Sheet, unit: UnitResult) -> None:
    notes = [BASIS_WORDS[unit.basis]] if BASIS_WORDS[unit.basis] else []
    if unit.survey_missing:
        notes.append("Chưa có điểm điều tra xã hội học (tiêu chí " + ", ".join(unit.survey_missing) + ")")
    if unit.open_objections:
        notes.append(f"{unit.open_objections} kiến nghị đang xem xét")
    if unit.agreed_on:
        notes.append(
            f"Đồng ý: {unit.agreement_reference}" + ("" if unit.agreement_current else " (trước khi điều chỉnh)")
        )
    sheet.append(
        [(unit.rank, "center"), (unit.code, "cell"), (unit.name, "wrap")]
        + [(f.score, "cell") for f in unit.fields]
        + [
            (unit.self_total, "cell"),
            (unit.appraised_total, "cell"),
            (unit.score, "bold"),
            (unit.max_points, "cell"),
            (unit.percent, "percent_bold"),
            (unit.band or "", "cell"),
            ("; ".join(notes), "wrap"),
        ]
    )


def _statistics_sheet(results: Results) -> Sheet:
    sheet = Sheet(STATISTICS_SHEET, widths=[34, 60, 14, 16, 16], freeze=f"A{HEADER_ROW + 1}")
    _title_rows(sheet, "THỐNG KÊ KẾT QUẢ", results.name)
    _header(sheet, ["Chỉ tiêu", "Giá trị", "", "", ""])
    blocks: list[tuple[str | None, Statistics]] = [(None, results.statistics)]
    if len(results.groups) > 1:
        blocks = [(g.name, g.statistics) for g in results.groups]
        blocks.append(("Toàn bộ các đơn vị", results.statistics))
    for title, stats in blocks:
        if title:
            sheet.append([(title, "field"), (None, "field")])
        _statistics_rows(sheet, stats)
    sheet.append([])
    sheet.append([("TIÊU CHÍ BỊ TRỪ ĐIỂM NHIỀU NHẤT", "title")])
    _header(sheet, ["Mã tiêu chí", "Nội dung tiêu chí", "Số đơn vị bị trừ", "Điểm trừ trung bình", "Tổng điểm bị trừ"])
    for d in results.most_deducted:
        sheet.append(
            [
                (d.code, "cell"),
                (d.title, "wrap"),
                (d.units, "cell"),
                (d.average_deduction, "cell"),
                (d.total_deduction, "cell"),
            ]
        )
    return sheet


def _statistics_rows(sheet: Sheet, stats) -> None:
    for label, value, style in (
        ("Số đơn vị", stats.units, "cell"),
        ("Tỷ lệ trung bình (%)", stats.mean, "percent"),
        ("Cao nhất (%)", stats.highest, "percent"),
        ("Thấp nhất (%)", stats.lowest, "percent"),
        ("Chênh lệch cao nhất − thấp nhất (điểm %)", stats.gap, "percent"),
        ("Điểm đạt trung bình", stats.mean_score, "cell"),
    ):
        sheet.append([(label, "cell"), (value, style)])
    for band in stats.per_band:
        sheet.append([(f"Xếp loại {band['band']} (từ {band['min']:g}%)", "cell"), (band["units"], "cell")])


def _findings_text(codes: list[str]) -> str:
    counts: dict[str, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    return "; ".join(CODE_LABELS[c] + (f" ({n})" if n > 1 else "") for c, n in counts.items())


def _difference(rows) -> float | None:
    """Appraised minus self over the rows that have both (None when none has)."""
    pairs = [
        (r.appraised_score, r.self_score)
        for r in rows
        if r.applicable and r.appraised_score is not None and r.self_score is not None
    ]
    return round(sum(a - s for a, s in pairs), 4) if pairs else None


def _unit_sheet(unit: UnitResult, results: Results, by_cell: dict, name: str) -> Sheet:
    sheet = Sheet(name, widths=UNIT_WIDTHS, freeze=f"C{HEADER_ROW + 1}")
    band = f", xếp loại {unit.band}" if unit.band else ""
    group = next((g for g in results.groups if g.code == unit.group), None)
    of = f"{len(group.units)} ({group.name})" if group else f"{len(results.units)}"
    _title_rows(
        sheet,
        f"{unit.code} — {unit.name}",
        f"Điểm đạt {unit.score:g}/{unit.max_points:g} ({unit.percent:.2f}%){band}, xếp hạng {unit.rank}/{of}",
    )
    _header(sheet, UNIT_HEADERS)
    rows_by_field: dict[str, list] = {}
    for row in unit.criteria:
        rows_by_field.setdefault(row.field, []).append(row)
    for total in unit.fields:
        field_rows = rows_by_field.get(total.code, [])
        sheet.append(
            [
                (total.code, "field"),
                (total.title, "field_wrap"),
                (total.max_points, "field"),
                (total.self_total, "field"),
                (total.appraised_total, "field"),
                (_difference(field_rows), "field"),
            ]
            + [(None, "field")] * 5
        )
        for row in field_rows:
            difference = (
                None
                if row.self_score is None or row.appraised_score is None
                else round(row.appraised_score - row.self_score, 4)
            )
            findings = "Không áp dụng" if not row.applicable else _findings_text(by_cell.get((unit.code, row.code), []))
            sheet.append(
                [
                    (row.code, "cell"),
                    (row.title, "wrap"),
                    (row.max_points if row.applicable else None, "cell"),
                    (_number(row.self_score), "cell"),
                    (_number(row.appraised_score), "cell"),
                    (difference, "cell"),
                    (row.explanation, "wrap"),
                    (row.comment, "wrap"),
                    (OBJECTION_WORDS.get(row.objection_status or "", ""), "cell"),
                    (row.evidence_count, "cell"),
                    (findings, "wrap"),
                ]
            )
    sheet.append(
        [
            ("Tổng cộng", "bold"),
            (None, "cell"),
            (unit.max_points, "bold"),
            (unit.self_total, "bold"),
            (unit.appraised_total, "bold"),
            (_difference(unit.criteria), "bold"),
            (None, "cell"),
            (None, "cell"),
            (None, "cell"),
            (unit.evidence_count, "bold"),
            (None, "cell"),
        ]
    )
    return sheet
