"""From raw rows to a checked `Framework`: one place for every rule, whichever format the rows came from.

The YAML and Excel readers only turn their file into `RawFramework` / `RawCriterion` records that remember where each
value was (`line 12`, `row 7`). `build_framework` checks everything, collects every problem, and raises one
`FrameworkError` listing them all — a clerk fixing a workbook wants the whole list, not one error per attempt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..vn.text import fold, nfc, squash_spaces
from .due import DueRuleError, parse_due
from .model import Criterion, Framework
from .type_codes import normalize_type_code

MAX_LISTED_PROBLEMS = 50
CODE_RE = re.compile(r"^[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
KIND_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")

# Vietnamese names of unit kinds (folded, lower case) → the kind the campaign files use.
KIND_ALIASES = {
    "so": "department",
    "ban": "department",
    "nganh": "department",
    "cap so": "department",
    "huyen": "district",
    "cap huyen": "district",
    "quan": "district",
    "thi xa": "district",
    "ubnd huyen": "district",
    "ubnd cap huyen": "district",
    "xa": "commune",
    "cap xa": "commune",
    "phuong": "commune",
    "thi tran": "commune",
    "dac khu": "commune",
    "ubnd xa": "commune",
    "ubnd phuong": "commune",
    "ubnd dac khu": "commune",
    "ubnd cap xa": "commune",
    "tinh": "province",
    "cap tinh": "province",
}
ALL_KINDS_WORDS = {"", "all", "*", "tat ca", "chung", "tat ca cac don vi"}
TRUE_WORDS = {"true", "yes", "y", "x", "1", "co", "bat buoc", "required"}
FALSE_WORDS = {"false", "no", "n", "0", "khong", "khong bat buoc", "-", ""}
SCORED_BY = ("self", "survey")
# Folded, lower-case words for who scores a criterion → the value stored.
SCORED_BY_ALIASES = {
    "": "self",
    "self": "self",
    "tu cham": "self",
    "tu danh gia": "self",
    "don vi": "self",
    "don vi tu cham": "self",
    "survey": "survey",
    "khao sat": "survey",
    "dieu tra": "survey",
    "dieu tra xa hoi hoc": "survey",
    "dtxhh": "survey",
}
NO_EVIDENCE_WORDS = {"khong", "khong yeu cau", "khong can", "khong bat buoc", "-", "none", "no"}


class FrameworkError(InputError):
    """Every problem found in one framework file. `problems` holds (where, reason) pairs."""

    def __init__(self, path: object, problems: list[tuple[str, str]]):
        self.problems = problems
        count = len(problems)
        lines = [f"{where}: {reason}" if where else reason for where, reason in problems[:MAX_LISTED_PROBLEMS]]
        if count > MAX_LISTED_PROBLEMS:
            lines.append(f"… and {count - MAX_LISTED_PROBLEMS} more")
        summary = f"{count} problem{'s' if count != 1 else ''}"
        super().__init__("\n".join([summary, *lines]), path=path)


@dataclass
class RawCriterion:
    where: str  # "line 12" or "row 7"
    code: Any
    title: Any = None
    points: Any = None
    evidence_required: Any = None  # None: required when types or a description are given
    types: Any = None  # list or "KH, BC"
    evidence_description: Any = None
    due: Any = None
    applies_to: Any = None  # list or "sở, huyện"
    guidance: Any = None
    scored_by: Any = None  # self (default) | survey; Vietnamese words accepted (tự chấm, điều tra xã hội học …)
    nested_under: str | None = None  # YAML: code of the enclosing criterion (None at the top level)
    nested: bool = False  # True when the file states the tree by nesting (YAML)


@dataclass
class RawFramework:
    path: str
    meta: dict[str, Any] = field(default_factory=dict)
    meta_where: dict[str, str] = field(default_factory=dict)
    criteria: list[RawCriterion] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # found while reading
    declared_total: tuple[str, Any] | None = None  # (where, points) of a "Tổng cộng" row, checked against the tree

    def problem(self, where: str, reason: str) -> None:
        self.problems.append((where, reason))


def text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()


def normalize_code(value: Any) -> str:
    """`1.2.` and `1. 2` → `1.2`; numbers from a spreadsheet (2 or 2.0) → `2`."""
    return re.sub(r"\s*\.\s*", ".", text_value(value)).rstrip(".")


def parse_points(value: Any) -> float | None:
    """A number of points: 2, 2.5, "2,5" (Vietnamese decimal comma), "2.5". None when blank. ValueError otherwise."""
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise ValueError(f"points '{value}' is not a number")
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = squash_spaces(nfc(str(value))).removesuffix("điểm").strip()
        if not text:
            return None
        if re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", text) is None:
            raise ValueError(f"points '{value}' is not a number")
        number = float(text.replace(",", "."))
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"points '{value}' is not a number")
    if number < 0:
        raise ValueError(f"points {value} is negative")
    return number


def parse_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = squash_spaces(fold(text_value(value))).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"'{value}' is not yes/no")


def split_list(value: Any) -> list[str]:
    """A YAML list, or text separated by commas, semicolons or new lines."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,;\n]", text_value(value))
    return [text_value(item) for item in items if text_value(item)]


def normalize_kinds(value: Any) -> list[str]:
    """Unit kinds, accepting the Vietnamese words (sở, huyện, xã …); [] means every kind. ValueError if unreadable."""
    kinds: list[str] = []
    for item in split_list(value):
        word = squash_spaces(fold(item)).lower()
        if word in ALL_KINDS_WORDS:
            return []
        kind = KIND_ALIASES.get(word, word)
        if not KIND_RE.match(kind):
            raise ValueError(f"unit kind '{item}' is not a kind name (e.g. department, district, commune)")
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def parse_scored_by(value: Any) -> str:
    """Who scores a criterion: `self` (default) or `survey`. ValueError otherwise."""
    word = squash_spaces(fold(text_value(value))).lower()
    if word in SCORED_BY_ALIASES:
        return SCORED_BY_ALIASES[word]
    raise ValueError(f"scored_by '{value}' is not one of {', '.join(SCORED_BY)}")


def _parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def build_framework(raw: RawFramework) -> Framework:
    """Check a raw framework and build it; raise FrameworkError listing every problem."""
    problems = list(raw.problems)
    add = problems.append
    framework = _build_meta(raw, add)

    nodes: dict[str, Criterion] = {}
    where_of: dict[str, str] = {}
    declared: dict[str, float | None] = {}
    order: list[tuple[RawCriterion, Criterion]] = []
    bad_points: set[str] = set()  # already reported: no "has no points" on top
    for item in raw.criteria:
        node = _build_criterion(item, framework, add, bad_points)
        if node is None:
            continue
        if node.code in nodes:
            add((item.where, f"duplicate code {node.code} (first at {where_of[node.code]})" + _excel_number_hint(item)))
            continue
        nodes[node.code] = node
        where_of[node.code] = item.where
        declared[node.code] = node.max_points
        order.append((item, node))

    for item, node in order:
        parent = _parent_code(node.code)
        if item.nested and item.nested_under != parent:
            add((item.where, _misplaced(node.code, item.nested_under, parent, parent in nodes)))
            continue
        if parent is None:
            framework.criteria.append(node)
        elif parent in nodes:
            node.parent_code = parent
            nodes[parent].children.append(node)
        else:
            add((item.where, f"criterion {node.code} has no parent: there is no criterion {parent}"))

    if not raw.criteria and not problems:
        add(("", "no criteria"))
    totals = [_check_points(root, declared, where_of, add, bad_points) for root in framework.criteria]
    known = [t for t in totals if t is not None]
    if raw.declared_total and totals and len(known) == len(totals):
        _check_declared_total(raw.declared_total, round(sum(known), 4), add)

    if problems:
        problems.sort(key=lambda p: _where_number(p[0]))
        raise FrameworkError(raw.path, problems)
    return framework


def _misplaced(code: str, nested_under: str | None, parent: str | None, parent_exists: bool) -> str:
    """Why a YAML criterion sits in the wrong place of the tree."""
    if nested_under is not None:
        return f"criterion {code} does not fit under {nested_under} (its code says {parent or 'top level'})"
    if parent_exists:
        return f"criterion {code} is at the top level but its code puts it under {parent}"
    return f"criterion {code} has no parent: there is no criterion {parent}"


def _check_declared_total(declared_total: tuple[str, Any], total: float, add) -> None:
    where, value = declared_total
    try:
        stated = parse_points(value)
    except ValueError as exc:
        add((where, f"total row: {exc}"))
        return
    if stated is not None and abs(stated - total) > 1e-6:
        add((where, f"the total row says {_fmt(stated)} but the criteria add up to {_fmt(total)}"))


def _excel_number_hint(item: RawCriterion) -> str:
    if isinstance(item.code, float):
        return "; Excel stored the code as a number (1.10 becomes 1.1): format the code column as Text"
    return ""


def _where_number(where: str) -> int:
    match = re.search(r"\d+", where)
    return int(match.group()) if match else 0


def _check_points(node: Criterion, declared: dict, where_of: dict, add, bad_points: set) -> float | None:
    """Check a subtree's points; return its total, or None when a leaf has no valid points."""
    own = declared.get(node.code)
    if node.is_leaf:
        if own is None and node.code not in bad_points:
            add((where_of[node.code], f"criterion {node.code} has no points (a scored criterion needs them)"))
        return own
    totals = [_check_points(child, declared, where_of, add, bad_points) for child in node.children]
    known = [t for t in totals if t is not None]
    if len(known) != len(totals):
        return own
    total = round(sum(known), 4)
    if own is not None and abs(own - total) > 1e-6:
        relation = "exceed" if total > own else "add up to less than"
        add(
            (
                where_of[node.code],
                f"criterion {node.code}: its children's points ({_fmt(total)}) {relation} its points ({_fmt(own)})",
            )
        )
    node.max_points = total
    return total


def _fmt(number: float) -> str:
    return f"{number:g}"


def _build_meta(raw: RawFramework, add) -> Framework:
    meta, where = raw.meta, raw.meta_where
    framework_id = text_value(meta.get("id"))
    if not framework_id:
        add((where.get("id", ""), "missing framework id"))
    elif not ID_RE.match(framework_id):
        add((where.get("id", ""), f"framework id '{framework_id}' must be short, lower case letters, digits, - or _"))
    name = squash_spaces(text_value(meta.get("name")))
    if not name:
        add((where.get("name", ""), "missing framework name"))
    sample = False
    if meta.get("sample") is not None:
        try:
            sample = parse_flag(meta["sample"])
        except ValueError as exc:
            add((where.get("sample", ""), f"sample: {exc}"))
    kinds: list[str] = []
    try:
        kinds = normalize_kinds(meta.get("unit_kinds"))
    except ValueError as exc:
        add((where.get("unit_kinds", ""), f"unit_kinds: {exc}"))
    return Framework(
        id=framework_id,
        name=name,
        version=text_value(meta.get("version")),
        description=text_value(meta.get("description")),
        sample=sample,
        source=text_value(meta.get("source")) or None,
        unit_kinds=kinds,
    )


def _build_criterion(item: RawCriterion, framework: Framework, add, bad_points: set) -> Criterion | None:
    where = item.where
    code = normalize_code(item.code)
    if not code:
        add((where, "missing code"))
        return None
    if not CODE_RE.match(code):
        add((where, f"code '{code}' is not like 1, 1.2, 1.2.3 or A.1.1"))
        return None
    label = f"criterion {code}"
    title = squash_spaces(text_value(item.title))
    if not title:
        add((where, f"{label} has an empty title"))
    node = Criterion(code=code, title=title)

    try:
        node.max_points = parse_points(item.points)
    except ValueError as exc:
        add((where, f"{label}: {exc}"))
        bad_points.add(code)

    types: list[str] = []
    for value in split_list(item.types):
        try:
            code_ = normalize_type_code(value)
        except ValueError as exc:
            add((where, f"{label}: {exc}"))
            continue
        if code_ not in types:
            types.append(code_)
    node.expected_types = types

    description = text_value(item.evidence_description)
    if squash_spaces(fold(description)).lower() in NO_EVIDENCE_WORDS:
        description, no_evidence = "", True
    else:
        no_evidence = False
    node.evidence_description = description
    if item.evidence_required is None:
        node.evidence_required = bool(types or description) and not no_evidence
    else:
        try:
            node.evidence_required = parse_flag(item.evidence_required)
        except ValueError as exc:
            add((where, f"{label}: evidence required: {exc}"))

    due = text_value(item.due)
    if due:
        try:
            node.due_rule = parse_due(due)
        except DueRuleError as exc:
            add((where, f"{label}: {exc}"))

    try:
        node.applies_to = normalize_kinds(item.applies_to)
    except ValueError as exc:
        add((where, f"{label}: applies_to: {exc}"))
    known = framework.unit_kinds
    unknown = [kind for kind in node.applies_to if known and kind not in known]
    if unknown:
        add(
            (
                where,
                f"{label}: applies_to names unknown unit kind {', '.join(unknown)}"
                f" (the framework declares {', '.join(known)})",
            )
        )

    node.guidance = text_value(item.guidance)
    try:
        node.scored_by = parse_scored_by(item.scored_by)
    except ValueError as exc:
        add((where, f"{label}: {exc}"))
    if node.scored_by == "survey" and node.evidence_required:
        add((where, f"{label}: a survey criterion (scored_by: survey) cannot require evidence from the unit"))
    return node
