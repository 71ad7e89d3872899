"""survey import|status: survey points (điều tra xã hội học) for the criteria scored by survey."""

from __future__ import annotations

from pathlib import Path

import click

from .. import config
from .common import AppContext, emit, json_option, pass_app, table

campaign_option = click.option("--campaign", "campaign_id", metavar="ID", help="Campaign (default: the only one).")


@click.group("survey")
def survey() -> None:
    """Survey points (điểm điều tra xã hội học) for criteria with scored_by: survey."""


@survey.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@campaign_option
@click.option("--by", help="Who imports (default: the login name).")
@json_option
@pass_app
def survey_import(app: AppContext, file, campaign_id, by, as_json):
    """Import survey points from CSV or XLSX: unit, criterion, score[, comment]. Any bad row refuses the whole
    file (exit 2, the row named); nothing is half-applied."""
    from ..round.campaign import resolve_campaign_id
    from ..round.survey import import_survey

    store = app.store()
    report = import_survey(store, resolve_campaign_id(store, campaign_id), file, by=by or config.current_user())

    def human(d):
        s = d["summary"]
        click.echo(f"{file}: {s['rows']} row(s): {s['applied']} applied, {s['unchanged']} unchanged")
        if s["missing"]:
            click.echo(f"survey points still missing: {s['missing']}")

    emit(report.to_json(), as_json, human)


@survey.command("status")
@campaign_option
@json_option
@pass_app
def survey_status(app: AppContext, campaign_id, as_json):
    """The survey points still missing, per unit and criterion (exit 1 when some are missing)."""
    from ..round.campaign import resolve_campaign_id
    from ..round.survey import survey_missing

    store = app.store()
    missing = survey_missing(store, resolve_campaign_id(store, campaign_id))

    def human(d):
        if not d["missing"]:
            click.echo("every survey point is entered")
            return
        table(
            [[m["unit"], m["name"], m["criterion"], m["title"]] for m in d["missing"]],
            ["unit", "name", "criterion", "title"],
        )

    emit({"missing": missing}, as_json, human)
    if missing:
        raise SystemExit(1)


COMMANDS = [survey]
