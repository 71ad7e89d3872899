"""The `evidence` command: click commands only; the work is done by the library.

Each area keeps its commands in its own module (a `COMMANDS` list); they are added to the main group here.
"""

from __future__ import annotations

import importlib
import sys
import traceback

import click

from .. import config
from ..errors import EvidenceError
from .common import AppContext

COMMAND_MODULES = [
    "setup_cmds",  # init, verify, campaign …
    "framework_cmds",  # framework import|list|show
    "evidence_cmds",  # attach, ingest, list, show
    "reading_cmds",  # inspect
    "search_cmds",  # search, index …
    "score_cmds",  # score …, check, results
    "survey_cmds",  # survey import|status
    "documents_cmds",  # generate, templates …, documents lint
    "register_cmds",  # documents register
    "web_cmds",  # serve, user …
    "demo_cmds",  # demo
    "store_cmds",  # audit, backup, restore
]


class EvidenceGroup(click.Group):
    """Turns user-facing errors into one line on stderr and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except EvidenceError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
        except BrokenPipeError:  # `evidence … | head`: the reader went away; not an error of ours
            sys.stderr.close()
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug: say so in one line, the traceback only on request
            if config.setting("EVIDENCE_DEBUG"):
                traceback.print_exc()
            click.echo(f"internal error: {type(exc).__name__}: {exc} (set EVIDENCE_DEBUG=1 for details)", err=True)
            ctx.exit(3)


@click.group(cls=EvidenceGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--store", "store_path", metavar="DIR", help="Store directory (default: $EVIDENCE_STORE or ./store).")
@click.version_option(package_name="evidence")
@click.pass_context
def main(ctx: click.Context, store_path: str | None) -> None:
    """Evidence store and official documents for index assessments (Chỉ số CCHC, PCTN)."""
    ctx.obj = AppContext(store_option=store_path)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    for name in COMMAND_MODULES:
        for command in importlib.import_module(f"{__name__}.{name}").COMMANDS:
            main.add_command(command)


_register()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
