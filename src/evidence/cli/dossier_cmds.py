"""dossier: a unit's whole file as one zip (or one zip per unit with --all)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import json_option, pass_app, print_json


@click.command("dossier")
@click.option("--campaign", "campaign_id", metavar="ID", help="Campaign (default: the only one in the store).")
@click.option("--unit", metavar="CODE", help="The unit whose dossier to write.")
@click.option("--all", "all_units", is_flag=True, help="Every unit of the campaign: one zip per unit in --out DIR.")
@click.option(
    "--out",
    metavar="PATH",
    required=True,
    type=click.Path(path_type=Path),
    help="FILE.zip for one unit; a folder with --all.",
)
@click.option("--no-pdf", is_flag=True, help="Do not convert the self-report to PDF (no LibreOffice run).")
@click.option("--templates", metavar="DIR", type=click.Path(path_type=Path), help="Your own templates folder.")
@json_option
@pass_app
def dossier_cmd(app, campaign_id, unit, all_units, out, no_pdf, templates, as_json):
    """Write a unit's dossier: originals per criterion, self-report, evidence list, offline index.html, manifest.

    Exit 0 written; 1 with --all when some units could not have one (listed); 2 bad input (unknown unit, no
    evidence, an original missing from the store, over 2 GB)."""
    from ..documents.dossier import build_campaign_dossiers, write_dossier
    from ..errors import InputError
    from ..round.campaign import resolve_campaign_id

    if bool(unit) == bool(all_units):
        raise InputError("give either --unit CODE (one zip) or --all (one zip per unit)")
    store = app.store()
    campaign_id = resolve_campaign_id(store, campaign_id)
    if unit:
        result = write_dossier(store, campaign_id, unit, out, pdf=not no_pdf, templates=templates)
        if as_json:
            print_json(result.to_json())
        else:
            _echo(result)
        return
    results, errors = build_campaign_dossiers(store, campaign_id, out, pdf=not no_pdf, templates=templates)
    if as_json:
        print_json({"dossiers": [r.to_json() for r in results], "errors": errors})
    else:
        for result in results:
            _echo(result)
        for error in errors:
            click.echo(f"error: {error['error']}", err=True)
    if errors:
        raise SystemExit(1)


def _echo(result) -> None:
    size = f"{result.bytes / 1024 / 1024:.1f} MB"
    click.echo(f"{result.path}  ({result.documents} file(s) under {result.criteria} criteria, {size})")
    for note in result.notes:
        click.echo(f"  note: {note}", err=True)


COMMANDS = [dossier_cmd]
