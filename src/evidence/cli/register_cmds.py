"""documents register: the number and date a document of the round got when it was signed and issued."""

from __future__ import annotations

from pathlib import Path

import click

from .common import AppContext, emit, json_option, pass_app, table
from .documents_cmds import documents_group

KINDS = ("plan", "decision", "reminder", "minutes", "report", "submission", "announcement")


@documents_group.command("register")
@click.argument("kind", required=False, type=click.Choice(KINDS))
@click.option("--campaign", "campaign_id", metavar="ID", help="The campaign (default: the only one).")
@click.option("--number", metavar="N", help="The number as issued, e.g. 15/KH-UBND.")
@click.option("--date", "issued_on", metavar="DATE", help="The issue date (YYYY-MM-DD or DD/MM/YYYY).")
@click.option(
    "--pdf", "--file", "pdf", type=click.Path(path_type=Path), help="The signed PDF: read to confirm number and date."
)
@click.option("--issuer", help="Who issued it, as cited in a sentence (default: from the campaign).")
@click.option("--subject", help="Its subject (trích yếu), as cited after 'về' (default: from the campaign).")
@click.option("--signer", help="Who signed it.")
@click.option("--list", "show_list", is_flag=True, help="List the registered documents instead.")
@click.option("--by", help="Who registers it (default: the login name).")
@json_option
@pass_app
def register_cmd(
    app: AppContext, kind, campaign_id, number, issued_on, pdf, issuer, subject, signer, show_list, by, as_json
):
    """Record the number and date of a signed document (KIND: plan, decision, reminder, minutes, report,
    submission, announcement) so later documents cite it in full; --list shows the register."""
    from ..catalog.register import register_document
    from ..errors import InputError
    from ..round.campaign import resolve_campaign_id
    from ..round.register import register_list

    store = app.store()
    if show_list:
        cid = resolve_campaign_id(store, campaign_id) if campaign_id or kind else campaign_id
        items = register_list(store, cid)
        data = {"documents": [d.to_json() for d in items]}

        def human(d):
            if not d["documents"]:
                click.echo("no document registered yet")
                return
            table(
                [[x["campaign"], x["kind"], x["number"], x["issued_on"], x["citation"]] for x in d["documents"]],
                ["campaign", "kind", "number", "date", "citation"],
            )

        emit(data, as_json, human)
        return
    if not kind:
        raise InputError("KIND is required (plan, decision, reminder, minutes, report, submission, announcement)")
    if not number or not issued_on:
        raise InputError("--number and --date are required")
    cid = resolve_campaign_id(store, campaign_id)
    entry = register_document(
        store,
        cid,
        kind,
        number=number,
        issued_on=issued_on,
        pdf=pdf,
        by=by,
        issuer=issuer,
        subject=subject,
        signer=signer,
    )
    emit(entry.to_json(), as_json, lambda d: click.echo(f"registered: {d['citation']}"))


COMMANDS: list = []  # `register` is a subcommand of `documents` (documents_cmds)
