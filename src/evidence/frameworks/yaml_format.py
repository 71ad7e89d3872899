"""The YAML form of a framework: what a province's clerk edits.

    id: par-department                 # short id: lower case letters, digits, - and _
    name: Chỉ số CCHC của các sở, ban, ngành
    version: "2025.1"                  # quote it, so 2025.10 stays 2025.10
    description: Bộ tiêu chí mẫu …
    sample: true                       # true only for the samples shipped with evidence
    source: Quyết định số 876/QĐ-BNV ngày 10/11/2022 của Bộ Nội vụ
    unit_kinds: [department, commune]  # the kinds applies_to may name
    criteria:
      - code: "1"                      # field (lĩnh vực)
        title: Công tác chỉ đạo, điều hành CCHC
        children:
          - code: "1.1"                # a child's code is its parent's code plus one part
            title: Kế hoạch CCHC năm
            points: 1                  # leaves need points; a parent's points (optional) must equal the sum
            evidence:
              required: true           # default: true when types or a description are given
              types: [KH]              # Decree 30 type codes (QĐ, KH, BC …; CV for công văn)
              description: Kế hoạch CCHC năm của đơn vị
            due: by 31/12 of year-1    # see frameworks.due
            applies_to: [department, commune]    # empty or absent: every kind
            scored_by: self            # self (default): the unit self-scores | survey: điều tra xã hội học
            guidance: Chấm 1 điểm nếu ban hành đúng hạn …

`evidence: false` says no evidence is needed. `scored_by: survey` marks a criterion scored from the sociological
survey: units neither self-score nor prove it, the secretariat imports the survey results (`evidence survey import`).
Text may use `>` or `|` blocks.
Files are read with PyYAML's safe loader (plus line numbers); anchors and aliases (`&name`, `*name`) are refused,
files over 5 MB too.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .model import Criterion, Framework
from .validate import RawCriterion, RawFramework, build_framework, normalize_code

if TYPE_CHECKING:
    from yaml.nodes import MappingNode, Node

MAX_YAML_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 8
TOP_KEYS = ("id", "name", "version", "description", "sample", "source", "unit_kinds", "criteria")
CRITERION_KEYS = (
    "code",
    "title",
    "points",
    "max_points",
    "evidence",
    "due",
    "applies_to",
    "scored_by",
    "guidance",
    "children",
)
EVIDENCE_KEYS = ("required", "types", "description")
RAW_TEXT_KEYS = {"code", "version"}  # keep `1.10` as written, not the float 1.1
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


class LineDict(dict):
    """A mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict
    duplicates: list


@cache
def _line_loader() -> type:
    """safe_load's loader (no Python tags) whose mappings remember their line numbers."""
    import yaml  # on first use: commands that read no framework file (most of them) do not pay its import

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster

    class _LineLoader(base):
        pass

    _LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    return _LineLoader


def _construct_mapping(loader, node: MappingNode) -> LineDict:
    import yaml
    from yaml.nodes import ScalarNode

    loader.flatten_mapping(node)
    data = LineDict()
    data.line, data.key_lines, data.duplicates = node.start_mark.line + 1, {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(None, None, "a key must be plain text", key_node.start_mark)
        if (
            key in RAW_TEXT_KEYS
            and isinstance(value_node, ScalarNode)
            and not value_node.style  # plain: None (Python), "" (libyaml)
            and value_node.tag in _NUMBER_TAGS
        ):
            value = value_node.value
        else:
            value = loader.construct_object(value_node, deep=True)
        if key in data:
            data.duplicates.append((key, key_node.start_mark.line + 1))
        data[key] = value
        data.key_lines[key] = key_node.start_mark.line + 1
    return data


def _refuse_aliases(root: Node) -> None:
    """An alias makes the composer share a node; refuse it (no alias bombs, and a clerk's file never needs one)."""
    import yaml
    from yaml.nodes import MappingNode, SequenceNode

    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed", node.start_mark
            )
        seen.add(id(node))
        if isinstance(node, MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)


def load_yaml_text(text: str, path: str) -> Any:
    loader = _line_loader()(text)
    import yaml  # (imported by _line_loader already)

    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_aliases(node)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark else ""
        raise InputError(f"{where}YAML syntax error: {exc.problem or exc.context}", path=path) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML syntax error: {exc}", path=path) from None
    finally:
        loader.dispose()


def read_yaml(path: Path, *, framework_id: str | None = None, name: str | None = None) -> Framework:
    """Parse and validate a framework YAML file; `framework_id`/`name` replace the file's own."""
    raw = read_yaml_raw(path)
    for key, value in (("id", framework_id), ("name", name)):
        if value:
            raw.meta[key], raw.meta_where[key] = value, ""
    return build_framework(raw)


def read_yaml_raw(path: Path) -> RawFramework:
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise InputError(f"too large for a framework file ({size / 1024 / 1024:.1f} MB; the limit is 5 MB)", path=path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", path=path) from None
    document = load_yaml_text(text, str(path))
    raw = RawFramework(path=str(path))
    if not isinstance(document, LineDict):
        raise InputError("a framework file is a mapping with id, name and criteria (see docs/frameworks.md)", path=path)
    _note_key_problems(raw, document, TOP_KEYS, "")
    for key in TOP_KEYS:
        if key != "criteria":
            raw.meta[key] = document.get(key)
            raw.meta_where[key] = f"line {document.key_lines.get(key, document.line)}"
    criteria = document.get("criteria")
    where = f"line {document.key_lines.get('criteria', document.line)}"
    if criteria is None:
        raw.problem(where, "missing criteria")
    elif not isinstance(criteria, list):
        raw.problem(where, "criteria must be a list (items starting with '- code: …')")
    else:
        _read_criteria(raw, criteria, None, where, 1)
    return raw


def _note_key_problems(raw: RawFramework, mapping: LineDict, allowed: tuple, label: str) -> None:
    for key, line in mapping.duplicates:
        raw.problem(f"line {line}", f"{label}key '{key}' appears twice")
    for key, line in mapping.key_lines.items():
        if key not in allowed:
            raw.problem(f"line {line}", f"{label}unknown key '{key}' (expected one of: {', '.join(allowed)})")


def _read_criteria(raw: RawFramework, items: list, parent: str | None, where: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raw.problem(where, f"criteria nested more than {MAX_DEPTH} levels deep")
        return
    for item in items:
        if not isinstance(item, LineDict):
            raw.problem(where, "each criterion is a mapping with code, title, points …")
            continue
        line = f"line {item.line}"
        code = item.get("code")
        label = f"criterion {code}: " if code is not None else ""
        _note_key_problems(raw, item, CRITERION_KEYS, label)
        if "points" in item and "max_points" in item:
            raw.problem(line, f"{label}give points or max_points, not both")
        entry = RawCriterion(
            where=line,
            code=code,
            title=item.get("title"),
            points=item.get("points", item.get("max_points")),
            due=item.get("due"),
            applies_to=item.get("applies_to"),
            guidance=item.get("guidance"),
            scored_by=item.get("scored_by"),
            nested_under=parent,
            nested=True,
        )
        _read_evidence(raw, entry, item.get("evidence"), label)
        raw.criteria.append(entry)
        children = item.get("children")
        if children is None:
            continue
        child_where = f"line {item.key_lines.get('children', item.line)}"
        if not isinstance(children, list):
            raw.problem(child_where, f"{label}children must be a list")
        elif entry.code is not None:
            _read_criteria(raw, children, normalize_code(entry.code), child_where, depth + 1)


def _read_evidence(raw: RawFramework, entry: RawCriterion, value: Any, label: str) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        entry.evidence_required = value
    elif isinstance(value, str):
        entry.evidence_description = value
    elif isinstance(value, LineDict):
        _note_key_problems(raw, value, EVIDENCE_KEYS, label)
        entry.evidence_required = value.get("required")
        entry.types = value.get("types")
        entry.evidence_description = value.get("description")
    else:
        raw.problem(entry.where, f"{label}evidence must be a mapping (required, types, description), true or false")


# --- writing ---------------------------------------------------------------------------------------------------


@cache
def _dumper() -> type:
    import yaml  # on first use, as for reading

    class _Dumper(yaml.SafeDumper):
        pass

    _Dumper.add_representer(str, _represent_str)
    return _Dumper


def _represent_str(dumper, value: str):
    style = "|" if "\n" in value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value.strip() + ("\n" if style else ""), style=style)


def _points(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def criterion_to_yaml(c: Criterion) -> dict:
    out: dict[str, Any] = {"code": c.code, "title": c.title, "points": _points(c.points)}
    if c.evidence_required or c.expected_types or c.evidence_description:
        evidence: dict[str, Any] = {"required": c.evidence_required}
        if c.expected_types:
            evidence["types"] = list(c.expected_types)
        if c.evidence_description:
            evidence["description"] = c.evidence_description
        out["evidence"] = evidence
    elif c.is_leaf:
        out["evidence"] = False
    if c.due_rule:
        out["due"] = c.due_rule
    if c.applies_to:
        out["applies_to"] = list(c.applies_to)
    if c.scored_by != "self":
        out["scored_by"] = c.scored_by
    if c.guidance:
        out["guidance"] = c.guidance
    if c.children:
        out["children"] = [criterion_to_yaml(child) for child in c.children]
    return out


def framework_to_yaml(framework: Framework) -> str:
    document: dict[str, Any] = {"id": framework.id, "name": framework.name, "version": framework.version}
    if framework.description:
        document["description"] = framework.description
    document["sample"] = framework.sample
    if framework.source:
        document["source"] = framework.source
    if framework.unit_kinds:
        document["unit_kinds"] = list(framework.unit_kinds)
    document["criteria"] = [criterion_to_yaml(c) for c in framework.criteria]
    header = (
        f"# Framework {framework.id}, exported by evidence. Edit it and load it again with\n"
        f"#   evidence framework import FILE --replace\n"
    )
    import yaml  # (see _dumper)

    body = yaml.dump(document, Dumper=_dumper(), allow_unicode=True, sort_keys=False, width=110, indent=2)
    return header + body


def write_yaml(framework: Framework, path: Path) -> None:
    Path(path).write_text(framework_to_yaml(framework), encoding="utf-8")
