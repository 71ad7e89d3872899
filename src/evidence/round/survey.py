"""Survey points (điểm điều tra xã hội học): the secretariat enters them for the criteria a framework marks
`scored_by: survey`; units never self-score nor prove those criteria.

`import_survey(store, campaign_id, path)` reads a CSV or XLSX table with one row per unit and criterion:

    unit, criterion, score[, comment]      (Vietnamese headers: Mã đơn vị, Tiêu chí, Điểm / Điểm khảo sát, Ghi chú)

Every row is checked first — unknown unit or criterion, a self-assessed criterion, a score that is not a number or
is above the criterion's maximum, the same unit and criterion twice — and any bad row refuses the whole file with a
one-line error naming the row (and counting the others): nothing is half-applied. A good file is applied in one
transaction; survey points are stored as the criterion's appraised score (event kind `appraised`, by the importer,
comment "Điểm điều tra xã hội học" unless the row gives one), so results, history and agreements treat them like
any appraised score. Re-importing the same file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EvidenceError, InputError
from ..store import Store
from ..vn.text import fold, nfc, squash_spaces
from .campaign import Campaign, load_campaign
from .score_import import _cell_text, _code, read_table
from .scoring import appraise, check_range, current_scores, parse_score, scorable

COLUMNS = ("unit", "criterion", "score", "comment")
DEFAULT_COMMENT = "Điểm điều tra xã hội học"
_ALIASES = {
    "unit": ("unit", "ma don vi", "don vi", "unit code"),
    "criterion": ("criterion", "ma tieu chi", "tieu chi", "criterion code"),
    "score": (
        "score",
        "survey score",
        "survey_score",
        "diem",
        "diem khao sat",
        "diem dieu tra",
        "diem dieu tra xa hoi hoc",
        "diem dtxhh",
        "appraised_score",
        "diem tham dinh",
    ),
    "comment": ("comment", "ghi chu", "nhan xet", "nguon"),
}
_HEADER_KEYS = {alias: column for column, aliases in _ALIASES.items() for alias in aliases}
MAX_LISTED = 3


@dataclass
class SurveyReport:
    rows: int = 0
    applied: list[dict] = field(default_factory=list)
    unchanged: int = 0
    missing: list[dict] = field(default_factory=list)  # survey points still missing after the import

    def to_json(self) -> dict:
        return {
            "summary": {
                "rows": self.rows,
                "applied": len(self.applied),
                "unchanged": self.unchanged,
                "missing": len(self.missing),
            },
            "applied": self.applied,
            "missing": self.missing,
        }


def _header_key(value) -> str | None:
    text = squash_spaces(fold(nfc(str(value or "")))).lower().replace("_", " ").strip(" :*")
    text = squash_spaces(text.split("(")[0])
    return _HEADER_KEYS.get(text) or _HEADER_KEYS.get(text.replace(" ", "_"))


def _columns(header: list, path: Path) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, value in enumerate(header):
        key = _header_key(value)
        if key and key not in found:
            found[key] = i
    if "unit" in found and "criterion" in found:
        if "score" not in found:
            raise InputError("no score column (score, Điểm khảo sát)", path=path)
        return found
    return None


@dataclass
class _Row:
    number: int
    unit: str
    criterion: str
    score: float
    comment: str


def _check_row(campaign: Campaign, number: int, raw: dict) -> _Row | None:
    unit, criterion = _cell_text(raw.get("unit")), _code(raw.get("criterion"))
    score_text, comment = _cell_text(raw.get("score")), _cell_text(raw.get("comment"))
    if not unit and not criterion and not score_text and not comment:
        return None
    if not unit:
        raise InputError("unit: missing")
    if not criterion:
        raise InputError("criterion: missing")
    node = scorable(campaign, unit, criterion)
    if not node.is_survey:
        raise InputError(
            f"criterion {criterion} is self-assessed by the unit (scored_by: self), not a survey criterion;"
            " enter its scores with `evidence score`"
        )
    if score_text is None:
        raise InputError("score: missing")
    raw_score = raw.get("score")
    value = parse_score(raw_score if isinstance(raw_score, (int, float)) else score_text, what="score")
    check_range(node, value, what="score")
    return _Row(number, unit, criterion, value, comment or DEFAULT_COMMENT)


def survey_missing(store: Store, campaign: Campaign | str) -> list[dict]:
    """[{unit, name, criterion, title}] for every applicable survey criterion without survey points."""
    campaign = campaign if isinstance(campaign, Campaign) else load_campaign(store, campaign)
    scores = current_scores(store, campaign.id)
    out = []
    for unit in campaign.units:
        for c in campaign.applicable_leaves(unit):
            score = scores.get((unit.code, c.code))
            if c.is_survey and (score is None or score.appraised_score is None):
                out.append({"unit": unit.code, "name": unit.name, "criterion": c.code, "title": c.title})
    return out


def import_survey(store: Store, campaign_id: str, path: Path, *, by: str | None = None) -> SurveyReport:
    """Check every row, then apply them all in one transaction; any bad row refuses the whole file (InputError
    naming the row)."""
    campaign = load_campaign(store, campaign_id)
    path = Path(path)
    rows: list[_Row] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in read_table(path, _columns, COLUMNS):
        try:
            row = _check_row(campaign, number, raw)
        except EvidenceError as exc:
            errors.append(f"row {number}: {exc}")
            continue
        if row is None:
            continue
        key = (row.unit, row.criterion)
        if key in seen:
            errors.append(f"row {number}: unit {row.unit}, criterion {row.criterion} already given in row {seen[key]}")
            continue
        seen[key] = number
        rows.append(row)
    if errors:
        more = f" (and {len(errors) - 1} more bad rows; nothing was imported)" if len(errors) > 1 else ""
        raise InputError(errors[0] + (more or " (nothing was imported)"), path=path)
    report = SurveyReport(rows=len(rows))
    with store.transaction() as conn:
        for row in rows:
            before = conn.execute("SELECT COALESCE(MAX(id), 0) FROM score_events").fetchone()[0]
            try:
                appraise(store, campaign, row.unit, row.criterion, row.score, comment=row.comment, by=by)
            except EvidenceError as exc:  # e.g. an open objection on the criterion: refuse the whole file
                raise InputError(f"row {row.number}: {exc} (nothing was imported)", path=path) from None
            after = conn.execute("SELECT COALESCE(MAX(id), 0) FROM score_events").fetchone()[0]
            if after > before:
                report.applied.append(
                    {"row": row.number, "unit": row.unit, "criterion": row.criterion, "score": row.score}
                )
            else:
                report.unchanged += 1
    report.missing = survey_missing(store, campaign)
    return report
