"""The score workbook a secretariat hands to its director (`evidence score export`).

Sheets: "Tổng hợp" (ranking: points per field, totals, percent, band), "Thống kê" (round statistics and the
criteria deducted most often), then one sheet per unit (criterion rows: maximum, self, appraised, difference,
explanation, comment, objection, evidence count, findings; field subtotals and a total row).

Headers are Vietnamese and frozen, columns sized to be read, every number stored as a number. Written in openpyxl's
write-only mode (fast and light for 150 units × 100 criteria) to a temporary file renamed into place.
"""

from __future__ import annotations

import os
from copy import copy
import re
import tempfile
import weakref
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from .errors import InputError
from .findings import CODE_LABELS, Finding, check
from .results import Results, UnitResult, compute_results
from .store import Store

SUMMARY_SHEET = "Tổng hợp"
STATISTICS_SHEET = "Thống kê"
HEADER_ROW = 3  # rows 1-2: title and subtitle; row 3: column headers; data from row 4
UNIT_HEADERS = ["Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Tự chấm", "Thẩm định",
                "Chênh lệch (thẩm định − tự chấm)", "Giải trình của đơn vị", "Nhận xét thẩm định", "Kiến nghị",
                "Số tài liệu", "Phát hiện"]
UNIT_WIDTHS = [11, 60, 10, 10, 10, 14, 40, 40, 18, 10, 40]
OBJECTION_WORDS = {"open": "Đang xem xét", "accepted": "Đã chấp nhận", "rejected": "Không chấp nhận"}
BASIS_WORDS = {"appraised": "", "mixed": "Chưa thẩm định đủ", "self": "Chưa thẩm định (điểm tự chấm)"}

_BOLD = Font(name="Times New Roman", bold=True)
_NORMAL = Font(name="Times New Roman")
_TITLE = Font(name="Times New Roman", bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_FIELD_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def export_scores(store: Store, campaign_id: str, path: Path, *, results: Results | None = None,
                  findings: list[Finding] | None = None) -> dict:
    """Write the workbook to `path` (.xlsx); returns {"path", "units", "sheets"}. `results` and `findings` may be
    passed when the caller has them already (they are computed otherwise)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError("the workbook must be an .xlsx file", path=path)
    if not path.parent.is_dir():
        raise InputError("no such directory for the workbook", path=path.parent)
    results = results or compute_results(store, campaign_id)
    findings = findings if findings is not None else check(store, campaign_id)
    by_cell: dict[tuple[str, str], list[str]] = {}
    for finding in findings:
        by_cell.setdefault((finding.unit, finding.criterion), []).append(finding.code)

    from .campaign import load_campaign
    campaign = load_campaign(store, campaign_id)
    workbook = Workbook(write_only=True)
    _summary_sheet(workbook, results, campaign)
    _statistics_sheet(workbook, results)
    names = {SUMMARY_SHEET, STATISTICS_SHEET}
    order = {u.code: i for i, u in enumerate(campaign.units)}
    for unit in sorted(results.units, key=lambda u: order[u.code]):
        _unit_sheet(workbook, unit, results, campaign, by_cell, _sheet_name(unit.code, names))
    _save(workbook, path)
    return {"path": str(path), "units": len(results.units), "sheets": len(names)}


def _save(workbook: Workbook, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        workbook.save(tmp)
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
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


_TEMPLATES: "weakref.WeakKeyDictionary[Workbook, dict]" = weakref.WeakKeyDictionary()  # per workbook


def _cell(ws, value, *, font=_NORMAL, fill=None, align=None, fmt=None, border=True):
    """A styled write-only cell. Setting styles one by one costs a hash of every style object per cell; a cell
    per distinct style is made once per workbook and its style array copied instead."""
    templates = _TEMPLATES.setdefault(ws.parent, {})
    key = (id(font), id(fill), id(align), fmt, border)
    template = templates.get(key)
    if template is None:
        template = WriteOnlyCell(ws)
        template.font = font
        if fill:
            template.fill = fill
        if align:
            template.alignment = align
        if fmt:
            template.number_format = fmt
        if border:
            template.border = _BORDER
        templates[key] = template
    cell = WriteOnlyCell(ws, value=value)
    cell._style = copy(template._style)
    return cell


def _title_rows(ws, title: str, subtitle: str) -> None:
    ws.append([_cell(ws, title, font=_TITLE, border=False)])
    ws.append([_cell(ws, subtitle, border=False)])


def _header(ws, headers: list[str]) -> None:
    ws.append([_cell(ws, h, font=_BOLD, fill=_HEADER_FILL, align=_CENTER) for h in headers])


def _widths(ws, widths: list[float]) -> None:
    from openpyxl.utils import get_column_letter
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _number(value):
    return None if value is None else float(value)


# ---------------------------------------------------------------- sheets

def _summary_sheet(workbook: Workbook, results: Results, campaign) -> None:
    ws = workbook.create_sheet(SUMMARY_SHEET)
    fields = results.units[0].fields if results.units else []
    headers = (["Xếp hạng", "Mã đơn vị", "Tên đơn vị"] + [f"{f.code}. {f.title}" for f in fields]
               + ["Tự chấm", "Thẩm định", "Điểm đạt", "Điểm tối đa áp dụng", "Tỷ lệ (%)", "Xếp loại", "Ghi chú"])
    _widths(ws, [9, 11, 38] + [16] * len(fields) + [10, 10, 10, 12, 10, 13, 30])
    ws.freeze_panes = f"D{HEADER_ROW + 1}"
    _title_rows(ws, f"KẾT QUẢ {results.name.upper()}",
                f"Bộ tiêu chí: {campaign.framework.name}; tỷ lệ tính trên điểm tối đa các tiêu chí áp dụng; "
                f"lập ngày {datetime.now():%d/%m/%Y}.")
    _header(ws, headers)
    for unit in results.units:
        notes = [BASIS_WORDS[unit.basis]] if BASIS_WORDS[unit.basis] else []
        if unit.open_objections:
            notes.append(f"{unit.open_objections} kiến nghị đang xem xét")
        if unit.agreed_on:
            notes.append(f"Đồng ý: {unit.agreement_reference}" + ("" if unit.agreement_current else " (trước khi "
                                                                                                   "điều chỉnh)"))
        row = [_cell(ws, unit.rank, align=_CENTER), _cell(ws, unit.code), _cell(ws, unit.name, align=_WRAP)]
        row += [_cell(ws, f.score) for f in unit.fields]
        row += [_cell(ws, unit.self_total), _cell(ws, unit.appraised_total), _cell(ws, unit.score, font=_BOLD),
                _cell(ws, unit.max_points), _cell(ws, unit.percent, fmt="0.00", font=_BOLD),
                _cell(ws, unit.band or ""), _cell(ws, "; ".join(notes), align=_WRAP)]
        ws.append(row)


def _statistics_sheet(workbook: Workbook, results: Results) -> None:
    ws = workbook.create_sheet(STATISTICS_SHEET)
    _widths(ws, [34, 60, 14, 16, 16])
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    stats = results.statistics
    _title_rows(ws, "THỐNG KÊ KẾT QUẢ", results.name)
    _header(ws, ["Chỉ tiêu", "Giá trị", "", "", ""])
    for label, value, fmt in (("Số đơn vị", stats.units, None), ("Tỷ lệ trung bình (%)", stats.mean, "0.00"),
                              ("Cao nhất (%)", stats.highest, "0.00"), ("Thấp nhất (%)", stats.lowest, "0.00"),
                              ("Chênh lệch cao nhất − thấp nhất (điểm %)", stats.gap, "0.00"),
                              ("Điểm đạt trung bình", stats.mean_score, None)):
        ws.append([_cell(ws, label), _cell(ws, value, fmt=fmt)])
    for band in stats.per_band:
        ws.append([_cell(ws, f"Xếp loại {band['band']} (từ {band['min']:g}%)"), _cell(ws, band["units"])])
    ws.append([])
    ws.append([_cell(ws, "TIÊU CHÍ BỊ TRỪ ĐIỂM NHIỀU NHẤT", font=_BOLD, border=False)])
    _header(ws, ["Mã tiêu chí", "Nội dung tiêu chí", "Số đơn vị bị trừ", "Điểm trừ trung bình",
                 "Tổng điểm bị trừ"])
    for d in results.most_deducted:
        ws.append([_cell(ws, d.code), _cell(ws, d.title, align=_WRAP), _cell(ws, d.units),
                   _cell(ws, d.average_deduction), _cell(ws, d.total_deduction)])


def _findings_text(codes: list[str]) -> str:
    counts: dict[str, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    return "; ".join(CODE_LABELS[c] + (f" ({n})" if n > 1 else "") for c, n in counts.items())


def _difference(rows) -> float | None:
    """Appraised minus self over the rows that have both (None when none has)."""
    pairs = [(r.appraised_score, r.self_score) for r in rows
             if r.applicable and r.appraised_score is not None and r.self_score is not None]
    return round(sum(a - s for a, s in pairs), 4) if pairs else None


def _unit_sheet(workbook: Workbook, unit: UnitResult, results: Results, campaign, by_cell: dict,
                name: str) -> None:
    ws = workbook.create_sheet(name)
    _widths(ws, UNIT_WIDTHS)
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    band = f", xếp loại {unit.band}" if unit.band else ""
    _title_rows(ws, f"{unit.code} — {unit.name}",
                f"Điểm đạt {unit.score:g}/{unit.max_points:g} ({unit.percent:.2f}%){band}, xếp hạng {unit.rank}/"
                f"{len(results.units)}")
    _header(ws, UNIT_HEADERS)
    rows_by_field: dict[str, list] = {}
    for row in unit.criteria:
        rows_by_field.setdefault(row.field, []).append(row)
    unit_difference = _difference(unit.criteria)
    for total in unit.fields:
        ws.append([_cell(ws, total.code, font=_BOLD, fill=_FIELD_FILL),
                   _cell(ws, total.title, font=_BOLD, fill=_FIELD_FILL, align=_WRAP),
                   _cell(ws, total.max_points, font=_BOLD, fill=_FIELD_FILL),
                   _cell(ws, total.self_total, font=_BOLD, fill=_FIELD_FILL),
                   _cell(ws, total.appraised_total, font=_BOLD, fill=_FIELD_FILL),
                   _cell(ws, _difference(rows_by_field.get(total.code, [])), font=_BOLD, fill=_FIELD_FILL)]
                  + [_cell(ws, None, fill=_FIELD_FILL) for _ in range(5)])
        for row in rows_by_field.get(total.code, []):
            difference = (None if row.self_score is None or row.appraised_score is None
                          else round(row.appraised_score - row.self_score, 4))
            findings = "Không áp dụng" if not row.applicable else _findings_text(by_cell.get((unit.code, row.code),
                                                                                             []))
            ws.append([_cell(ws, row.code), _cell(ws, row.title, align=_WRAP),
                       _cell(ws, row.max_points if row.applicable else None), _cell(ws, _number(row.self_score)),
                       _cell(ws, _number(row.appraised_score)), _cell(ws, difference),
                       _cell(ws, row.explanation, align=_WRAP), _cell(ws, row.comment, align=_WRAP),
                       _cell(ws, OBJECTION_WORDS.get(row.objection_status or "", "")),
                       _cell(ws, row.evidence_count), _cell(ws, findings, align=_WRAP)])
    ws.append([_cell(ws, "Tổng cộng", font=_BOLD), _cell(ws, None), _cell(ws, unit.max_points, font=_BOLD),
               _cell(ws, unit.self_total, font=_BOLD), _cell(ws, unit.appraised_total, font=_BOLD),
               _cell(ws, unit_difference, font=_BOLD), _cell(ws, None),
               _cell(ws, None), _cell(ws, None), _cell(ws, unit.evidence_count, font=_BOLD), _cell(ws, None)])
