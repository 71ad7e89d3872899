"""A framework: a tree of criteria (field → criterion → sub-criterion) with points and evidence rules.

Frameworks are data. The parsers (YAML, Excel) build a `Framework`; `save_framework` puts it in the store and
`load_framework` reads it back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from collections.abc import Iterator

from ..errors import InputError, NotFound
from ..store import Store, dumps, now_iso
from ..store.dialect import Database


@dataclass
class Criterion:
    code: str
    title: str
    max_points: float | None = None
    evidence_required: bool = False
    expected_types: list[str] = field(default_factory=list)  # Decree 30 type codes: KH, QĐ, BC, CV …
    evidence_description: str = ""
    due_rule: str | None = None  # see frameworks.due
    applies_to: list[str] = field(default_factory=list)  # unit kinds; empty = every kind
    guidance: str = ""
    scored_by: str = "self"  # self: the unit self-scores it | survey: the secretariat enters survey results
    parent_code: str | None = None
    children: list[Criterion] = field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def points(self) -> float:
        """Maximum points: the sum of the children's when there are children."""
        if self.children:
            return round(sum(child.points for child in self.children), 4)
        return float(self.max_points or 0)

    @property
    def is_survey(self) -> bool:
        """Scored from the sociological survey (điều tra xã hội học): never self-scored nor proved by the unit."""
        return self.scored_by == "survey"

    def applies_to_kind(self, kind: str | None) -> bool:
        return not self.applies_to or kind is None or kind in self.applies_to

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "title": self.title,
            "max_points": self.points,
            "evidence_required": self.evidence_required,
            "expected_types": list(self.expected_types),
            "evidence_description": self.evidence_description,
            "due_rule": self.due_rule,
            "applies_to": list(self.applies_to),
            "guidance": self.guidance,
            "scored_by": self.scored_by,
            "children": [child.to_json() for child in self.children],
        }


@dataclass
class Framework:
    id: str
    name: str
    version: str = ""
    description: str = ""
    sample: bool = False
    criteria: list[Criterion] = field(default_factory=list)  # roots, in order
    source: str | None = None
    unit_kinds: list[str] = field(default_factory=list)  # kinds applies_to may name; empty = not declared

    def walk(self) -> Iterator[Criterion]:
        """Every criterion, depth first, in document order."""
        stack = list(reversed(self.criteria))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    @property
    def by_code(self) -> dict[str, Criterion]:
        return {c.code: c for c in self.walk()}

    def leaves(self) -> list[Criterion]:
        return [c for c in self.walk() if c.is_leaf]

    @property
    def total_points(self) -> float:
        return round(sum(c.points for c in self.criteria), 4)

    def descendants(self, code: str) -> list[Criterion]:
        """The criterion with this code and everything under it."""
        node = self.by_code[code]
        out, stack = [], [node]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(current.children)
        return out

    def top_level_of(self, code: str) -> Criterion:
        """The field (root criterion) a criterion belongs to."""
        index = self.by_code
        node = index[code]
        while node.parent_code:
            node = index[node.parent_code]
        return node

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "sample": self.sample,
            "source": self.source,
            "unit_kinds": list(self.unit_kinds),
            "max_points": self.total_points,
            "criteria": [c.to_json() for c in self.criteria],
        }


def save_framework(store: Store, framework: Framework, *, replace: bool = False) -> None:
    """Store a validated framework. An existing id is refused unless `replace` (and never while a campaign uses
    criteria the new version drops)."""
    with store.transaction() as conn:
        existing = conn.execute("SELECT 1 FROM frameworks WHERE id = ?", (framework.id,)).fetchone()
        if existing and not replace:
            raise InputError(f"framework '{framework.id}' is already loaded; use --replace to load a new version")
        if existing:
            _check_replacement_keeps_used_codes(conn, framework)
            conn.execute("DELETE FROM criteria WHERE framework_id = ?", (framework.id,))
        # An upsert, not delete + insert: campaigns reference the framework row (foreign key).
        conn.execute(
            "INSERT INTO frameworks(id, name, version, description, sample, source, document, imported_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
            " version = excluded.version, description = excluded.description, sample = excluded.sample,"
            " source = excluded.source, document = excluded.document, imported_at = excluded.imported_at",
            (
                framework.id,
                framework.name,
                framework.version,
                framework.description,
                int(framework.sample),
                framework.source,
                dumps(framework.to_json()),
                now_iso(),
            ),
        )
        for position, c in enumerate(framework.walk()):
            conn.execute(
                "INSERT INTO criteria(framework_id, code, parent_code, position, title, max_points,"
                " evidence_required, expected_types, evidence_description, due_rule, applies_to, guidance, scored_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    framework.id,
                    c.code,
                    c.parent_code,
                    position,
                    c.title,
                    c.points,
                    int(c.evidence_required),
                    dumps(c.expected_types),
                    c.evidence_description,
                    c.due_rule,
                    dumps(c.applies_to),
                    c.guidance,
                    c.scored_by,
                ),
            )


def _check_replacement_keeps_used_codes(conn: Database, framework: Framework) -> None:
    codes = set(framework.by_code)
    used = conn.execute(
        "SELECT DISTINCT l.criterion_code FROM links l JOIN campaigns c ON c.id = l.campaign_id"
        " WHERE c.framework_id = ?",
        (framework.id,),
    ).fetchall()
    dropped = sorted(row[0] for row in used if row[0] not in codes)
    if dropped:
        raise InputError(
            f"framework '{framework.id}': the new version drops criteria that have evidence: " + ", ".join(dropped)
        )


def load_framework(store: Store, framework_id: str) -> Framework:
    row = store.db.execute("SELECT * FROM frameworks WHERE id = ?", (framework_id,)).fetchone()
    if row is None:
        known = [r[0] for r in store.db.execute("SELECT id FROM frameworks ORDER BY id")]
        hint = f" (loaded: {', '.join(known)})" if known else " (none loaded; use `evidence framework import`)"
        raise NotFound(f"unknown framework '{framework_id}'{hint}")
    framework = Framework(
        id=row["id"],
        name=row["name"],
        version=row["version"] or "",
        description=row["description"] or "",
        sample=bool(row["sample"]),
        source=row["source"],
        unit_kinds=json.loads(row["document"]).get("unit_kinds", []),
    )
    nodes: dict[str, Criterion] = {}
    for r in store.db.execute("SELECT * FROM criteria WHERE framework_id = ? ORDER BY position", (framework_id,)):
        node = Criterion(
            code=r["code"],
            title=r["title"],
            max_points=r["max_points"],
            evidence_required=bool(r["evidence_required"]),
            expected_types=json.loads(r["expected_types"]),
            evidence_description=r["evidence_description"] or "",
            due_rule=r["due_rule"],
            applies_to=json.loads(r["applies_to"]),
            guidance=r["guidance"] or "",
            scored_by=r["scored_by"] or "self",
            parent_code=r["parent_code"],
        )
        nodes[node.code] = node
        if node.parent_code:
            nodes[node.parent_code].children.append(node)
        else:
            framework.criteria.append(node)
    return framework


def list_frameworks(store: Store) -> list[dict]:
    rows = store.db.execute(
        "SELECT f.id, f.name, f.version, f.sample, f.imported_at,"
        " (SELECT COUNT(*) FROM criteria c WHERE c.framework_id = f.id) AS criteria"
        " FROM frameworks f ORDER BY f.id"
    ).fetchall()
    out = []
    for r in rows:
        fw = load_framework(store, r["id"])
        out.append(
            {
                "id": r["id"],
                "name": r["name"],
                "version": r["version"],
                "sample": bool(r["sample"]),
                "criteria": r["criteria"],
                "scored_criteria": len(fw.leaves()),
                "max_points": fw.total_points,
                "imported_at": r["imported_at"],
            }
        )
    return out
