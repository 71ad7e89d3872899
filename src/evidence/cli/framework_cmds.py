"""framework import|list|show|export."""

from __future__ import annotations

from pathlib import Path

import click

from ..frameworks import export_framework, list_frameworks, load_framework, parse_framework_file, save_framework
from ..frameworks.model import Criterion, Framework
from .common import AppContext, emit, json_option, pass_app, table

REQUIRED_MARK, OPTIONAL_MARK, NONE_MARK = "●", "○", "–"


def _fmt(points: float) -> str:
    return f"{points:g}"


def import_summary(framework: Framework) -> dict:
    return {
        "id": framework.id,
        "name": framework.name,
        "version": framework.version,
        "criteria_count": sum(1 for _ in framework.walk()),
        "scored_criteria": len(framework.leaves()),
        "max_points": framework.total_points,
        "sample": framework.sample,
    }


@click.group()
def framework() -> None:
    """Criterion trees (frameworks) that campaigns are scored against."""


@framework.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Load a new version of a framework id that is already loaded.")
@click.option("--id", "framework_id", metavar="ID", help="Framework id (default: from the file; for Excel its name).")
@click.option("--name", metavar="TEXT", help="Framework name (default: from the file).")
@json_option
@pass_app
def import_cmd(
    app: AppContext, file: Path, replace: bool, framework_id: str | None, name: str | None, as_json: bool
) -> None:
    """Load a framework from YAML (.yaml/.yml) or an Excel workbook (.xlsx); every problem is listed at once."""
    store = app.store()  # first: without a store the user needs `evidence init`, not a list of file problems
    loaded = parse_framework_file(file, framework_id=framework_id, name=name)
    existed = store.db.execute("SELECT 1 FROM frameworks WHERE id = ?", (loaded.id,)).fetchone() is not None
    save_framework(store, loaded, replace=replace)
    data = import_summary(loaded)
    data["replaced"] = existed

    def human(d: dict) -> None:
        verb = "replaced" if d["replaced"] else "imported"
        click.echo(
            f"{verb} {d['id']} (version {d['version'] or '-'}): {d['criteria_count']} criteria,"
            f" {d['scored_criteria']} scored, {_fmt(d['max_points'])} points"
        )
        if d["sample"]:
            click.echo("  this is a sample framework: replace it with your province's own before real use")

    emit(data, as_json, human)


@framework.command("list")
@json_option
@pass_app
def list_cmd(app: AppContext, as_json: bool) -> None:
    """The frameworks loaded in the store."""
    items = list_frameworks(app.store())

    def human(rows: list[dict]) -> None:
        if not rows:
            click.echo("no frameworks loaded; `evidence framework import FILE` loads one")
            return
        table(
            [
                [
                    r["id"],
                    r["version"],
                    r["criteria"],
                    r["scored_criteria"],
                    _fmt(r["max_points"]),
                    "yes" if r["sample"] else "",
                    r["name"],
                ]
                for r in rows
            ],
            ["id", "version", "criteria", "scored", "points", "sample", "name"],
        )

    emit(items, as_json, human)


@framework.command("show")
@click.argument("framework_id", metavar="ID")
@click.option("--depth", type=click.IntRange(min=1), help="Show only this many levels of the tree.")
@json_option
@pass_app
def show_cmd(app: AppContext, framework_id: str, depth: int | None, as_json: bool) -> None:
    """The criterion tree with points, expected evidence and due rules."""
    loaded = load_framework(app.store(), framework_id)
    if as_json:
        emit(loaded.to_json(), True, lambda _: None)
        return
    summary = import_summary(loaded)
    click.echo(f"{loaded.id}  {loaded.name}")
    click.echo(
        f"version {loaded.version or '-'}{' · sample' if loaded.sample else ''} · "
        f"{_fmt(loaded.total_points)} points · {summary['criteria_count']} criteria,"
        f" {summary['scored_criteria']} scored"
    )
    if loaded.unit_kinds:
        click.echo(f"unit kinds: {', '.join(loaded.unit_kinds)}")
    click.echo("")
    for root in loaded.criteria:
        _echo_tree(root, 0, depth)
    click.echo("")
    click.echo(
        f"{REQUIRED_MARK} evidence required  {OPTIONAL_MARK} evidence optional  {NONE_MARK} no evidence"
        "   [kinds] applies only to those unit kinds   {survey} scored from the survey (not self-scored)"
    )


def _echo_tree(node: Criterion, level: int, depth: int | None) -> None:
    line = f"{'  ' * level}{node.code}  {node.title}  ({_fmt(node.points)})"
    if node.is_leaf:
        mark = (
            REQUIRED_MARK
            if node.evidence_required
            else (OPTIONAL_MARK if node.expected_types or node.evidence_description else NONE_MARK)
        )
        line += f"  {mark}"
        if node.expected_types:
            line += " " + ", ".join(node.expected_types)
        if node.due_rule:
            line += f" · due {node.due_rule}"
    if node.applies_to:
        line += f"  [{', '.join(node.applies_to)}]"
    if node.is_survey:
        line += "  {survey}"
    click.echo(line)
    if depth is None or level + 1 < depth:
        for child in node.children:
            _echo_tree(child, level + 1, depth)


@framework.command("export")
@click.argument("framework_id", metavar="ID")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Where to write: .yaml/.yml or .xlsx (a copy a province can edit and import again).",
)
@json_option
@pass_app
def export_cmd(app: AppContext, framework_id: str, out: Path, as_json: bool) -> None:
    """Write a loaded framework as YAML or Excel."""
    loaded = load_framework(app.store(), framework_id)
    path = export_framework(loaded, out)
    data = {"id": loaded.id, "path": str(path), "format": "xlsx" if path.suffix.lower() == ".xlsx" else "yaml"}
    emit(data, as_json, lambda d: click.echo(d["path"]))


COMMANDS = [framework]
