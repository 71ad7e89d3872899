"""`score import`: scores from a CSV or XLSX table with the columns
`unit, criterion, self_score, explanation, appraised_score, comment` (Vietnamese headers such as "Mã đơn vị",
"Tiêu chí", "Tự chấm", "Giải trình", "Thẩm định", "Nhận xét" are accepted too).

Each row is checked completely, then applied atomically (a savepoint per row inside one transaction): a bad row is
reported with its row number and reason and changes nothing; good rows are kept. Blank rows are skipped. A row
equal to what is stored records nothing, so importing the same sheet twice is harmless.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterator

from .campaign import Campaign, load_campaign
from ..errors import EvidenceError, InputError
from .scoring import appraise, check_range, parse_score, scorable, set_self_score
from ..store import Store
from ..vn.text import fold, nfc, squash_spaces

MAX_BYTES = 20 * 1024 * 1024
COLUMNS = ("unit", "criterion", "self_score", "explanation", "appraised_score", "comment")
_ALIASES = {
    "unit": ("unit", "ma don vi", "don vi", "unit code"),
    "criterion": ("criterion", "ma tieu chi", "tieu chi", "criterion code"),
    "self_score": ("self_score", "self", "tu cham", "diem tu cham", "diem tu danh gia"),
    "explanation": ("explanation", "giai trinh", "giai trinh cua don vi"),
    "appraised_score": ("appraised_score", "appraised", "tham dinh", "diem tham dinh"),
    "comment": ("comment", "nhan xet", "nhan xet tham dinh", "y kien tham dinh"),
}
_HEADER_KEYS = {alias: column for column, aliases in _ALIASES.items() for alias in aliases}


@dataclass
class ImportReport:
    rows: int = 0
    applied: list[dict] = field(default_factory=list)  # rows that changed something
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row": n, "error": "..."}

    def to_json(self) -> dict:
        return {
            "summary": {
                "rows": self.rows,
                "applied": len(self.applied),
                "unchanged": self.unchanged,
                "errors": len(self.errors),
            },
            "applied": self.applied,
            "errors": self.errors,
        }


# ---------------------------------------------------------------- reading the table


def _header_key(value) -> str | None:
    text = squash_spaces(fold(nfc(str(value or "")))).lower().replace("_", " ").strip(" :*")
    return _HEADER_KEYS.get(text) or _HEADER_KEYS.get(text.replace(" ", "_"))


def _columns(header: list, path: Path) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, value in enumerate(header):
        key = _header_key(value)
        if key and key not in found:
            found[key] = i
    if "unit" in found and "criterion" in found:
        if "self_score" not in found and "appraised_score" not in found:
            raise InputError("no score column (self_score or appraised_score)", path=path)
        return found
    return None


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = squash_spaces(nfc(str(value)))
    return text or None


def _code(value) -> str | None:
    """A code as typed; Excel turns `1.1` into the number 1.1, which reads back as '1.1'."""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return _cell_text(value)


ColumnsFn = Callable[[list, Path], "dict[str, int] | None"]


def read_table(path: Path, columns: ColumnsFn | None = None, names: tuple = COLUMNS) -> Iterator[tuple[int, dict]]:
    """(row number as the user sees it, {column: raw value}) for every data row. `columns` finds the header row
    (default: the score columns); `names` are the columns an error message asks for."""
    columns = columns or _columns
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", path=path)
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MB", path=path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path, columns, names)
    elif suffix in (".csv", ".txt"):
        yield from _read_csv(path, columns, names)
    else:
        raise InputError("expected a .csv or .xlsx file", path=path)


def _read_csv(path: Path, find_columns: ColumnsFn, names: tuple) -> Iterator[tuple[int, dict]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text; save the table as 'CSV UTF-8'", path=path) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    columns = None
    for record in reader:
        if columns is None:
            columns = find_columns(record, path)
            if columns is None and any(c.strip() for c in record):
                raise InputError("the first row must name the columns: " + ", ".join(names), path=path)
            continue
        yield reader.line_num, {k: (record[i] if i < len(record) else None) for k, i in columns.items()}
    if columns is None:
        raise InputError("empty table", path=path)


def _read_xlsx(path: Path, find_columns: ColumnsFn, names: tuple) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError(f"cannot read the workbook ({type(exc).__name__}: {exc})", path=path) from None
    try:
        sheet = workbook.worksheets[0]
        columns = None
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if columns is None:
                columns = find_columns(list(row), path)
                if columns is None and number >= 10:
                    break
                continue
            yield number, {k: (row[i] if i < len(row) else None) for k, i in columns.items()}
        if columns is None:
            raise InputError(
                "no header row naming the columns " + ", ".join(names) + " in the first 10 rows", path=path
            )
    finally:
        workbook.close()


# ---------------------------------------------------------------- checking and applying


@dataclass
class _Row:
    unit: str
    criterion: str
    self_score: float | None
    explanation: str | None
    appraised_score: float | None
    comment: str | None


def _check_row(campaign: Campaign, raw: dict) -> _Row | None:
    unit, criterion = _cell_text(raw.get("unit")), _code(raw.get("criterion"))
    texts = {k: _cell_text(raw.get(k)) for k in ("self_score", "explanation", "appraised_score", "comment")}
    if not unit and not criterion and not any(texts.values()):
        return None  # a blank row
    if not unit:
        raise InputError("unit: missing")
    if not criterion:
        raise InputError("criterion: missing")
    node = scorable(campaign, unit, criterion)
    values: dict[str, float | None] = {}
    for column in ("self_score", "appraised_score"):
        raw_value = raw.get(column)
        if texts[column] is None:
            values[column] = None
            continue
        value = parse_score(raw_value if isinstance(raw_value, (int, float)) else texts[column], what=column)
        check_range(node, value, what=column)
        values[column] = value
    if values["self_score"] is None and values["appraised_score"] is None:
        raise InputError("no score: fill self_score or appraised_score")
    if texts["explanation"] and values["self_score"] is None:
        raise InputError("explanation without self_score")
    if texts["comment"] and values["appraised_score"] is None:
        raise InputError("comment without appraised_score")
    # a present but empty text column clears the text; an absent column keeps what is stored
    explanation = texts["explanation"] or ("" if "explanation" in raw else None)
    comment = texts["comment"] or ("" if "comment" in raw else None)
    return _Row(unit, criterion, values["self_score"], explanation, values["appraised_score"], comment)


def import_scores(store: Store, campaign_id: str, path: Path, *, by: str | None = None) -> ImportReport:
    """Apply every good row of the table; report the bad ones by row number. Raises InputError only when the
    file as a whole cannot be read (missing, wrong format, no header)."""
    campaign = load_campaign(store, campaign_id)
    report = ImportReport()
    rows = list(read_table(Path(path)))  # read everything first: a broken file changes nothing
    with store.transaction() as conn:
        for number, raw in rows:
            try:
                row = _check_row(campaign, raw)
            except EvidenceError as exc:
                report.rows += 1
                report.errors.append({"row": number, "error": str(exc)})
                continue
            if row is None:
                continue
            report.rows += 1
            before = conn.execute("SELECT COALESCE(MAX(id), 0) FROM score_events").fetchone()[0]
            conn.execute("SAVEPOINT import_row")
            try:
                if row.self_score is not None:
                    set_self_score(
                        store, campaign, row.unit, row.criterion, row.self_score, explanation=row.explanation, by=by
                    )
                if row.appraised_score is not None:
                    appraise(store, campaign, row.unit, row.criterion, row.appraised_score, comment=row.comment, by=by)
            except EvidenceError as exc:
                conn.execute("ROLLBACK TO import_row")
                conn.execute("RELEASE import_row")
                report.errors.append({"row": number, "error": str(exc)})
                continue
            conn.execute("RELEASE import_row")
            after = conn.execute("SELECT COALESCE(MAX(id), 0) FROM score_events").fetchone()[0]
            if after > before:
                report.applied.append(
                    {
                        "row": number,
                        "unit": row.unit,
                        "criterion": row.criterion,
                        "self_score": row.self_score,
                        "appraised_score": row.appraised_score,
                    }
                )
            else:
                report.unchanged += 1
    return report
