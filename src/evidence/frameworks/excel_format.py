"""The Excel form of a framework: one row per criterion, the tree implied by the codes (1 → 1.2 → 1.2.3).

Provinces publish their criteria as tables, so the reader is forgiving about layout:
- the sheet: one named like "Tiêu chí" / "criteria", else the first sheet;
- the header row: found among the first 20 rows by its column names, Vietnamese or English, in any order —
  Mã (code), Tiêu chí / Nội dung (title), Điểm tối đa (max points) are needed; Tài liệu kiểm chứng (evidence),
  Áp dụng (applies to), and optionally Loại văn bản (types), Thời hạn (due), Hướng dẫn (guidance), Bắt buộc
  (evidence required), Chấm bởi (scored by: "khảo sát" / "survey" for survey criteria) are read when present;
- points may use a decimal comma ("2,5"); a row with no code whose title starts with "Tổng" is the total row and
  must agree with the criteria; empty rows are skipped;
- framework id, name …: from the command's options, else a sheet named "Thông tin" / "metadata" (key | value rows),
  else the title line above the header (name) and the file name (id).
A workbook written by `write_excel` reads back to the same framework.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..vn.text import fold, squash_spaces
from .model import Framework
from .validate import RawCriterion, RawFramework, build_framework, text_value

MAX_EXCEL_BYTES = 20 * 1024 * 1024
MAX_ROWS = 10_000
HEADER_SCAN_ROWS = 20

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("ma", "ma tieu chi", "ma so", "code", "criterion code"),
    "title": (
        "tieu chi",
        "ten tieu chi",
        "noi dung",
        "noi dung tieu chi",
        "tieu chi danh gia",
        "linh vuc tieu chi",
        "linh vuc tieu chi thanh phan",
        "title",
        "criterion",
        "name",
    ),
    "points": (
        "diem toi da",
        "diem",
        "diem chuan",
        "thang diem",
        "diem so toi da",
        "max points",
        "max_points",
        "points",
        "maximum points",
    ),
    "evidence": (
        "tai lieu kiem chung",
        "tai lieu",
        "minh chung",
        "tai lieu minh chung",
        "evidence",
        "evidence description",
    ),
    "applies_to": ("ap dung", "ap dung cho", "doi tuong ap dung", "pham vi ap dung", "applies to", "applies_to"),
    "types": ("loai van ban", "loai tai lieu", "loai van ban kiem chung", "types", "document types", "expected types"),
    "due": ("thoi han", "thoi han ban hanh", "due", "due rule"),
    "guidance": ("huong dan", "huong dan cham diem", "huong dan cham", "ghi chu", "guidance"),
    "required": ("bat buoc", "kiem chung bat buoc", "required", "evidence required"),
    "scored_by": ("cham boi", "nguon diem", "hinh thuc cham", "phuong thuc cham", "scored by", "scored_by"),
}
FALLBACK_CODE_COLUMNS = ("stt", "tt", "so tt", "so thu tu")  # used as the code column when no "Mã" column exists
NEEDED = ("code", "title", "points")
META_KEYS = {
    "id": "id",
    "ma": "id",
    "ma bo tieu chi": "id",
    "name": "name",
    "ten": "name",
    "ten bo tieu chi": "name",
    "version": "version",
    "phien ban": "version",
    "description": "description",
    "mo ta": "description",
    "source": "source",
    "can cu": "source",
    "nguon": "source",
    "unit_kinds": "unit_kinds",
    "unit kinds": "unit_kinds",
    "loai don vi": "unit_kinds",
    "sample": "sample",
    "mau": "sample",
}
HEADINGS = {
    "code": "Mã",
    "title": "Tiêu chí",
    "points": "Điểm tối đa",
    "evidence": "Tài liệu kiểm chứng",
    "required": "Bắt buộc",
    "types": "Loại văn bản",
    "due": "Thời hạn",
    "applies_to": "Áp dụng",
    "guidance": "Hướng dẫn",
    "scored_by": "Chấm bởi",
}


def header_key(value: Any) -> str:
    """`Điểm tối đa (điểm)` → `diem toi da`: folded, lower case, no brackets or punctuation."""
    text = re.sub(r"\(.*?\)", " ", fold(text_value(value)).lower())
    return squash_spaces(re.sub(r"[^a-z0-9]+", " ", text))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")[:64] or "framework"


def read_excel(path: Path, *, framework_id: str | None = None, name: str | None = None) -> Framework:
    return build_framework(read_excel_raw(path, framework_id=framework_id, name=name))


def read_excel_raw(path: Path, *, framework_id: str | None = None, name: str | None = None) -> RawFramework:
    import openpyxl  # only the Excel path pays for it

    path = Path(path)
    size = path.stat().st_size
    if size > MAX_EXCEL_BYTES:
        raise InputError(
            f"too large for a framework workbook ({size / 1024 / 1024:.1f} MB; the limit is 20 MB)", path=path
        )
    with path.open("rb") as handle:  # a handle, not the path: openpyxl judges a path by its extension
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise InputError(f"not a readable Excel workbook ({type(exc).__name__}: {exc})", path=path) from None
        try:
            sheet, meta_sheet = _choose_sheets(workbook, path)
            raw = RawFramework(path=str(path))
            if meta_sheet is not None:
                _read_meta_sheet(raw, meta_sheet)
            title_above = _read_criteria_sheet(raw, sheet)
        finally:
            workbook.close()
    if framework_id:
        raw.meta["id"], raw.meta_where["id"] = framework_id, ""
    elif not raw.meta.get("id"):
        raw.meta["id"], raw.meta_where["id"] = _slug(path.stem), ""
    if name:
        raw.meta["name"], raw.meta_where["name"] = name, ""
    elif not raw.meta.get("name"):
        raw.meta["name"], raw.meta_where["name"] = title_above or path.stem, ""
    return raw


def _choose_sheets(workbook, path: Path):
    criteria_sheet = meta_sheet = None
    for ws in workbook.worksheets:
        key = header_key(ws.title)
        if meta_sheet is None and key in ("thong tin", "metadata", "meta", "thong tin chung"):
            meta_sheet = ws
        elif criteria_sheet is None and ("tieu chi" in key or "criteria" in key):
            criteria_sheet = ws
    if criteria_sheet is None:
        criteria_sheet = next((ws for ws in workbook.worksheets if ws is not meta_sheet), None)
    if criteria_sheet is None:
        raise InputError("the workbook has no sheet of criteria", path=path)
    return criteria_sheet, meta_sheet


def _read_meta_sheet(raw: RawFramework, ws) -> None:
    for number, row in enumerate(ws.iter_rows(max_col=2, values_only=True), start=1):
        if number > 200:
            break
        if not row or row[0] is None:
            continue
        key = META_KEYS.get(header_key(row[0]))
        if key and len(row) > 1 and row[1] is not None:
            raw.meta[key] = row[1]
            raw.meta_where[key] = f"sheet '{ws.title}' row {number}"


def _find_columns(cells: tuple) -> dict[str, int]:
    columns: dict[str, int] = {}
    fallback_code = None
    for index, value in enumerate(cells):
        key = header_key(value)
        if not key:
            continue
        for field, aliases in COLUMN_ALIASES.items():
            if key in aliases and field not in columns:
                columns[field] = index
                break
        else:
            if key in FALLBACK_CODE_COLUMNS and fallback_code is None:
                fallback_code = index
    if "code" not in columns and fallback_code is not None:
        columns["code"] = fallback_code
    return columns


def _read_criteria_sheet(raw: RawFramework, ws) -> str:
    """Read the rows into `raw`; return the title text found above the header (a name for the framework)."""
    rows = ws.iter_rows(values_only=True)
    columns: dict[str, int] = {}
    title_above = ""
    best: dict[str, int] = {}
    number = 0
    for number, cells in enumerate(rows, start=1):
        found = _find_columns(cells)
        if all(field in found for field in NEEDED):
            columns = found
            break
        if len(found) > len(best):
            best = found
        texts = [text_value(c) for c in cells if text_value(c)]
        if not title_above and len(texts) == 1 and len(texts[0]) > 10:
            title_above = squash_spaces(texts[0])
        if number >= HEADER_SCAN_ROWS:
            break
    if not columns:
        missing = [HEADINGS[f] for f in NEEDED if f not in best]
        raise InputError(
            f"sheet '{ws.title}': no header row with columns {', '.join(HEADINGS[f] for f in NEEDED)}"
            f" in the first {HEADER_SCAN_ROWS} rows (missing: {', '.join(missing)})",
            path=raw.path,
        )

    def cell(cells: tuple, field: str) -> Any:
        index = columns.get(field)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    first_row = number + 1
    for number, cells in enumerate(rows, start=first_row):
        if number > MAX_ROWS:
            raw.problem(f"row {number}", f"more than {MAX_ROWS} rows; is this the right sheet?")
            break
        if all(text_value(c) == "" for c in cells):
            continue
        where = f"row {number}"
        code, title = cell(cells, "code"), cell(cells, "title")
        if text_value(code) == "":
            if header_key(title).startswith("tong"):
                raw.declared_total = (where, cell(cells, "points"))
            else:
                raw.problem(where, "no code (every criterion row needs one, e.g. 1.2)")
            continue
        raw.criteria.append(
            RawCriterion(
                where=where,
                code=code,
                title=title,
                points=cell(cells, "points"),
                evidence_required=cell(cells, "required") if "required" in columns else None,
                types=cell(cells, "types"),
                evidence_description=cell(cells, "evidence"),
                due=cell(cells, "due"),
                applies_to=cell(cells, "applies_to"),
                guidance=cell(cells, "guidance"),
                scored_by=cell(cells, "scored_by"),
            )
        )
    return title_above


# --- writing ---------------------------------------------------------------------------------------------------


# A text starting with one of these is taken for a formula by a spreadsheet (CSV/formula injection:
# `=cmd|' /C calc'!A0`); every xlsx the project writes stores such text as text, marked with a quote prefix.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def keep_as_text(worksheet) -> int:
    """Make every formula-like text of an openpyxl worksheet plain text (openpyxl writes a str starting with
    "=" as a live formula). Returns how many cells were changed."""
    changed = 0
    for row in worksheet.iter_rows():
        for cell in row:
            if formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
                changed += 1
    return changed


def write_excel(framework: Framework, path: Path) -> None:
    """A workbook a province can edit and import again: sheet "Tiêu chí" plus sheet "Thông tin"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    ws = workbook.active
    ws.title = "Tiêu chí"
    fields = ["code", "title", "points", "evidence", "required", "types", "due", "applies_to", "guidance", "scored_by"]
    ws.append([HEADINGS[f] for f in fields])
    for c in ws[1]:
        c.font = Font(bold=True)
    depth: dict[str | None, int] = {}
    for criterion in framework.walk():
        depth[criterion.code] = depth.get(criterion.parent_code, -1) + 1 if criterion.parent_code else 0
        ws.append(
            [
                criterion.code,
                criterion.title,
                criterion.points,
                criterion.evidence_description or None,
                "có" if criterion.evidence_required else "không",
                ", ".join(criterion.expected_types) or None,
                criterion.due_rule,
                ", ".join(criterion.applies_to) or None,
                criterion.guidance or None,
                "khảo sát" if criterion.scored_by == "survey" else None,
            ]
        )
        row = ws.max_row
        ws.cell(row, 1).number_format = "@"  # keep 1.10 a code, not the number 1.1
        ws.cell(row, 2).alignment = Alignment(indent=depth[criterion.code], wrap_text=True, vertical="top")
        if criterion.children:
            ws.cell(row, 2).font = Font(bold=True)
    ws.append([None, "Tổng cộng", framework.total_points])
    ws.cell(ws.max_row, 2).font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (9, 60, 11, 45, 9, 14, 22, 20, 50, 11)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"

    meta = workbook.create_sheet("Thông tin")
    for key, value in (
        ("id", framework.id),
        ("name", framework.name),
        ("version", framework.version),
        ("description", framework.description),
        ("source", framework.source),
        ("unit_kinds", ", ".join(framework.unit_kinds)),
        ("sample", framework.sample),
    ):
        meta.append([key, value if value not in (None, "") else None])
    meta.column_dimensions["A"].width = 14
    meta.column_dimensions["B"].width = 90
    for sheet in workbook.worksheets:
        keep_as_text(sheet)
    workbook.save(path)
