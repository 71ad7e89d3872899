"""serve, user add|list|passwd|disable|enable, correct."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

import click

from .. import config
from ..catalog import celery_queue, corrections
from ..web import accounts, sessions
from ..errors import InputError
from .common import AppContext, emit, json_option, pass_app, table

if TYPE_CHECKING:  # the web app's type only: `evidence --help` does not import Starlette
    from starlette.applications import Starlette


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback by default; put a TLS proxy in front for a network).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--max-upload-mb",
    type=click.IntRange(1, 2048),
    default=None,
    help="Largest upload per request (default: $EVIDENCE_WEB_MAX_UPLOAD_MB or 50).",
)
@click.option("--https-only", is_flag=True, help="Send the session cookie over HTTPS only (behind a TLS proxy).")
@click.option("--no-ocr", is_flag=True, help="Do not OCR uploaded scans (faster; scans get no text).")
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    help="Web processes (gunicorn with uvicorn workers); any of them serves any user.",
)
@pass_app
def serve(app: AppContext, host, port, max_upload_mb, https_only, no_ocr, workers):
    """Run the web app for units, reviewers and the secretariat on this store."""
    import uvicorn

    from ..web import create_app

    store_path = app.store_path
    users = len(accounts.list_users(app.store()))  # the store exists and is migrated
    app.close()  # the web app opens its own store per request
    queue_url = celery_queue.queue_url()
    problem = celery_queue.unreachable(celery_queue.check_url(queue_url)) if queue_url else None

    def make() -> Starlette:
        return create_app(
            store_path,
            max_upload_bytes=max_upload_mb * 1024 * 1024 if max_upload_mb else None,
            https_only=https_only,
            ocr=not no_ocr,
        )

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    shown = f"[{host}]" if ":" in host else host
    reading = f"queue {celery_queue.shown_url(queue_url)}" if queue_url else "reader of the server"
    click.echo(
        f"evidence web: listening on http://{shown}:{port}/ (store {store_path}, {workers} process(es),"
        f" uploads read by the {reading}); Ctrl+C to stop",
        err=True,
    )
    if problem:
        click.echo(f"warning: {problem}; uploads are kept and read once the queue answers", err=True)
    if not users:
        click.echo(
            "evidence web: no accounts yet; create one with `evidence user add NAME --role secretariat`", err=True
        )
    if host not in ("127.0.0.1", "localhost", "::1") and not https_only:
        click.echo("warning: listening beyond this machine without --https-only; use a TLS proxy", err=True)
    if workers > 1:
        from ..web.processes import run_processes

        run_processes(make, host=host, port=port, workers=workers)
        return
    uvicorn.run(make(), host=host, port=port, log_level="info", proxy_headers=False, server_header=False)


@click.group("user")
def user_group():
    """Web accounts: secretariat, reviewers (council), unit accounts."""


def _password(password: str | None, confirm: bool = True) -> str:
    if password is not None:
        return password
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise InputError("no password given (type it, or pipe it on stdin)")
        return line.rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=confirm)


@user_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(accounts.ROLES))
@click.option("--unit", "unit", metavar="CODE", help="For role unit: the unit's code.")
@click.option(
    "--password",
    "password",
    envvar=config.PASSWORD_VARIABLE,
    help="The password (default: prompt, or a "
    "line on stdin; or $EVIDENCE_PASSWORD). Avoid passing it on the command line on shared machines.",
)
@json_option
@pass_app
def user_add(app: AppContext, name, role, unit, password, as_json):
    """Create an account."""
    user = accounts.add_user(app.store(), name, role, _password(password), unit=unit)
    emit(
        user.to_json(),
        as_json,
        lambda d: click.echo(f"created {d['name']} ({d['role']}" + (f", unit {d['unit']}" if d["unit"] else "") + ")"),
    )


@user_group.command("list")
@json_option
@pass_app
def user_list(app: AppContext, as_json):
    """Accounts, without their passwords."""
    users = [u.to_json() for u in accounts.list_users(app.store())]

    def human(d):
        if not d["users"]:
            click.echo("no accounts")
            return
        table(
            [
                [u["name"], u["role"], u["unit"] or "", "disabled" if u["disabled"] else "", u["created_at"]]
                for u in d["users"]
            ],
            ["name", "role", "unit", "state", "created"],
        )

    emit({"users": users}, as_json, human)


@user_group.command("passwd")
@click.argument("name")
@click.option(
    "--password",
    "password",
    envvar=config.PASSWORD_VARIABLE,
    help="The new password (default: prompt).",
)
@pass_app
def user_passwd(app: AppContext, name, password):
    """Set a new password (ends that user's open sessions)."""
    store = app.store()
    accounts.get_user(store, name)
    accounts.set_password(store, name, _password(password))
    click.echo(f"password of {name} changed")


@user_group.command("disable")
@click.argument("name")
@pass_app
def user_disable(app: AppContext, name):
    """Block an account from signing in (its sessions end)."""
    accounts.set_disabled(app.store(), name, True)
    click.echo(f"{name} disabled")


@user_group.command("enable")
@click.argument("name")
@pass_app
def user_enable(app: AppContext, name):
    """Allow a disabled account to sign in again."""
    accounts.set_disabled(app.store(), name, False)
    click.echo(f"{name} enabled")


@user_group.command("sessions")
@click.argument("name", required=False)
@json_option
@pass_app
def user_sessions(app: AppContext, name, as_json):
    """The live web sessions (of one account, or of all): address, browser, sign-in and last request times."""
    store = app.store()
    if name:
        accounts.get_user(store, name)
    live = [s.to_json() for s in sessions.active_sessions(store, name)]

    def human(d):
        if not d["sessions"]:
            click.echo("no live sessions")
            return
        table(
            [[s["user"], s["client"] or "", s["created_at"], s["last_seen"]] for s in d["sessions"]],
            ["user", "address", "signed in", "last request"],
        )

    emit({"sessions": live}, as_json, human)


@user_group.command("signout")
@click.argument("name")
@json_option
@pass_app
def user_signout(app: AppContext, name, as_json):
    """End every web session of an account at once (sign out everywhere)."""
    store = app.store()
    accounts.get_user(store, name)
    ended = sessions.end_user_sessions(store, name)
    emit({"user": name, "ended": ended}, as_json, lambda d: click.echo(f"{d['user']}: {d['ended']} session(s) ended"))


@click.command()
@click.argument("evidence_id", type=int)
@click.option(
    "--field", required=True, type=click.Choice(list(corrections.FIELDS)), help="The metadata field to correct."
)
@click.option(
    "--value",
    required=True,
    help="The right value ('' = unknown): number 84/QĐ-UBND, date YYYY-MM-DD or DD/MM/YYYY, type code QĐ/KH/BC…",
)
@click.option("--by", help="Who corrects (default: the OS user).")
@json_option
@pass_app
def correct(app: AppContext, evidence_id, field, value, by, as_json):
    """Correct a metadata field the reader got wrong; the correction wins everywhere (show, list, search,
    findings) and the history is kept."""
    result = corrections.correct_metadata(app.store(), evidence_id, field, value, by or config.current_user())
    emit(
        result,
        as_json,
        lambda d: click.echo(
            f"evidence #{d['evidence_id']}: {d['field']} = {d['value'] if d['value'] is not None else '(unknown)'}"
            + ("" if d["index_updated"] else "  (search index not updated; run `evidence index check`)")
        ),
    )


COMMANDS = [serve, user_group, correct]
