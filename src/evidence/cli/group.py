"""The `evidence` command: click commands only; the work is done by the library.

Each area keeps its commands in its own module (a `COMMANDS` list). The main group knows them by name from
`COMMAND_TABLE` and imports a command's module only when that command runs, so `evidence --help` and a light
command such as `evidence list` do not pay for the search index, the readers or the web app
(tests/test_cli_start.py checks that the table matches the modules).
"""

from __future__ import annotations

import importlib
import sys

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
    "dossier_cmds",  # dossier
    "web_cmds",  # serve, user …
    "server_cmds",  # worker
    "demo_cmds",  # demo
    "store_cmds",  # audit, backup, restore, migrate-store
]

# command name → (module, the short help `evidence --help` shows), in the order of the help
COMMAND_TABLE: dict[str, tuple[str, str]] = {
    "init": ("setup_cmds", "Create an empty store (idempotent) and load the sample frameworks."),
    "verify": (
        "setup_cmds",
        "Prove the store is whole: database, originals, the history's hash chain, no leftovers, the index in step.",
    ),
    "audit": ("store_cmds", "The hash-chained history of the store and the head of its chain (Mã kiểm chứng dữ liệu)."),
    "backup": ("store_cmds", "Write a consistent backup of the store (also while the web app serves)."),
    "restore": ("store_cmds", "Rebuild a store in a new folder from a backup and prove it identical."),
    "migrate-store": (
        "store_cmds",
        "Copy the store's database into PostgreSQL (server mode) or back, verified record by record.",
    ),
    "campaign": ("setup_cmds", "Assessment campaigns (rounds)."),
    "framework": ("framework_cmds", "Criterion trees (frameworks) that campaigns are scored against."),
    "attach": ("evidence_cmds", "Store files (once, by content) and link them to a criterion of a unit."),
    "detach": (
        "evidence_cmds",
        "Take back the link of an evidence record to a criterion of a unit (a wrong file, a wrong criterion).",
    ),
    "ingest": ("evidence_cmds", "Bulk-attach a folder laid out as DIR/<unit code>/<criterion code>/<files>."),
    "list": ("evidence_cmds", "Evidence and its links."),
    "show": ("evidence_cmds", "One evidence record: metadata, links, findings."),
    "inspect": ("reading_cmds", "Read FILE (PDF, Word, image, text) without storing it; print the metadata extracted."),
    "search": (
        "search_cmds",
        'Full-text search: words with or without diacritics, "a phrase", a document number (1366/KH-UBND).',
    ),
    "index": (
        "search_cmds",
        "The full-text search index: rebuild it from the database, check it against the database, merge it.",
    ),
    "score": (
        "score_cmds",
        "Self-assessment, appraisal, objections, agreement; import and export of score tables.",
    ),
    "check": ("score_cmds", "Findings: what is wrong with scores and evidence (exit 1 when there are errors)."),
    "results": ("score_cmds", "Totals, percent of the applicable maximum, bands, ranking and round statistics."),
    "survey": ("survey_cmds", "Survey points (điểm điều tra xã hội học) for criteria with scored_by: survey."),
    "generate": ("documents_cmds", "Write an official document of the round as a Decree 30 Word file."),
    "templates": ("documents_cmds", "The Word templates of the documents."),
    "documents": ("documents_cmds", "Checks on generated documents."),
    "dossier": (
        "dossier_cmds",
        "Write a unit's dossier: originals per criterion, self-report, evidence list, offline index.html, manifest.",
    ),
    "serve": ("web_cmds", "Run the web app for units, reviewers and the secretariat on this store."),
    "user": ("web_cmds", "Web accounts: secretariat, reviewers (council), unit accounts."),
    "correct": (
        "web_cmds",
        "Correct a metadata field the reader got wrong; the correction wins everywhere (show, list, search,"
        " findings) and the history is kept.",
    ),
    "worker": (
        "server_cmds",
        "Read uploads from the Redis queue of EVIDENCE_QUEUE_URL (server mode); runs until stopped (SIGTERM, Ctrl+C).",
    ),
    "demo": (
        "demo_cmds",
        "Build a demo store from scratch and run a whole round: ingest, check, search, score, generate.",
    ),
}

# modules that add sub-commands to a group of another module: imported with it
EXTENDS: dict[str, tuple[str, ...]] = {"documents_cmds": ("register_cmds",)}


class EvidenceGroup(click.Group):
    """Turns user-facing errors into one line on stderr and exit status 2, never a traceback. Commands are
    imported on first use (COMMAND_TABLE)."""

    # click keeps a group's commands in `self.commands`; here they live in `_registered`, filled on demand, and
    # `commands` (read by tools that walk the whole tree) imports every module first
    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        load_all()
        return self._registered

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._registered = dict(value)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self._registered[name] = cmd

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_TABLE) + [name for name in self._registered if name not in COMMAND_TABLE]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self._registered and cmd_name in COMMAND_TABLE:
            _load(COMMAND_TABLE[cmd_name][0])
        return self._registered.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of `--help` from the table: no command module is imported to print it."""
        rows = [(name, COMMAND_TABLE[name][1]) for name in COMMAND_TABLE]
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        rows = [(name, _shorten(text, limit)) for name, text in rows]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
                import traceback  # only here: 6 ms every command would otherwise pay at start

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


def _shorten(text: str, limit: int) -> str:
    """click's own shortening of a help text: the first sentence, cut at a word with "..." when too long."""
    return click.Command(None, help=text).get_short_help_str(max(limit, 45))


_loaded: set[str] = set()


def _load(module: str) -> None:
    if module in _loaded:
        return
    for command in importlib.import_module(f"{__package__}.{module}").COMMANDS:
        main.add_command(command)
    _loaded.add(module)
    for extension in EXTENDS.get(module, ()):
        _load(extension)


def load_all() -> None:
    """Import every command module (for tests and documentation tools that walk the whole command tree)."""
    for module in COMMAND_MODULES:
        _load(module)
