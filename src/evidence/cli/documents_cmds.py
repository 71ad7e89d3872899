"""generate KIND, templates check, documents lint."""

from __future__ import annotations

from pathlib import Path

import click

from ..documents.generate import KINDS
from .common import emit, json_option, pass_app, print_json, table


@click.command("generate")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--campaign", "campaign_id", metavar="ID", help="Campaign (default: the only one in the store).")
@click.option("--unit", metavar="CODE", help="reminder: only this unit.")
@click.option(
    "--out",
    metavar="PATH",
    type=click.Path(path_type=Path),
    help="A .docx file, or a directory (default: the current directory).",
)
@click.option("--templates", metavar="DIR", type=click.Path(path_type=Path), help="Your own templates folder.")
@click.option("--pdf", is_flag=True, help="Also convert to PDF with LibreOffice.")
@click.option("--xlsx", "workbook", is_flag=True, help="report: also write the score workbook beside the .docx.")
@click.option("--draft", is_flag=True, help="Write it even if results are provisional or dates early, marked DỰ THẢO.")
@json_option
@pass_app
def generate_cmd(app, kind, campaign_id, unit, out, templates, pdf, workbook, draft, as_json):
    """Write an official document of the round as a Decree 30 Word file."""
    from ..round.campaign import resolve_campaign_id
    from ..documents.generate import generate

    store = app.store()
    paths = generate(
        store,
        resolve_campaign_id(store, campaign_id),
        kind,
        out=out,
        unit=unit,
        templates=templates,
        pdf=pdf,
        workbook=workbook,
        draft=draft,
    )
    emit({"files": [str(p) for p in paths]}, as_json, lambda data: [click.echo(p) for p in data["files"]])


@click.group("templates")
def templates_group():
    """The Word templates of the documents."""


@templates_group.command("check")
@click.option("--templates", metavar="DIR", type=click.Path(path_type=Path), help="Templates folder to check.")
@json_option
def templates_check(templates, as_json):
    """List, per template, the variables it uses that its context does not provide (exit 1 if any)."""
    from ..documents.check import check_templates

    report = check_templates(templates)
    if as_json:
        print_json({"templates": report})
    else:
        table(
            [
                [e["kind"], e["template"] or "-", e["error"] or ("; ".join(e["tags"] + e["missing"]) or "ok")]
                for e in report
            ],
            ["kind", "template", "problems (unclosed tags, missing variables)"],
        )
    if any(e["missing"] or e["tags"] or e["error"] for e in report):
        raise SystemExit(1)


@click.group("documents")
def documents_group():
    """Checks on generated documents."""


@documents_group.command("lint")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
def documents_lint(files, as_json):
    """Check .docx files against the Decree 30 layout rules and the parts each kind must have (exit 1 on
    violations, 2 when a file cannot be read; the batch goes on past it)."""
    from ..documents.lint import lint_docx, violations_json
    from ..errors import EvidenceError

    results = []
    for f in files:
        try:
            results.append({"file": str(f), "violations": violations_json(lint_docx(f)), "error": None})
        except EvidenceError as exc:
            results.append({"file": str(f), "violations": [], "error": str(exc)})
    if as_json:
        print_json({"files": results})
    else:
        for result in results:
            if result["error"]:
                click.echo(f"error: {result['error']}", err=True)
            elif not result["violations"]:
                click.echo(f"{result['file']}: ok")
            for v in result["violations"]:
                where = f" ({v['where']})" if v["where"] else ""
                click.echo(f"{result['file']}: {v['rule']}: {v['message']}{where}")
    if any(r["error"] for r in results):
        raise SystemExit(2)
    if any(r["violations"] for r in results):
        raise SystemExit(1)


COMMANDS = [generate_cmd, templates_group, documents_group]
