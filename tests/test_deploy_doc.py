"""docs/deploy.md stays true: every `evidence …` command its systemd units and its by-hand recipe run is a real
command with real options, and every setting it names is declared."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click

from evidence import cli, config

DOC = Path(__file__).resolve().parents[1] / "docs" / "deploy.md"


def _commands() -> list[list[str]]:
    found = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        line = line.strip().rstrip("&").strip()
        match = re.match(r"(?:ExecStart=\S*/)?evidence ([a-z].+)$", line)
        if match and not line.startswith(("#", "|", "-", "`")) and "bin/sh" not in line:
            found.append(shlex.split(match.group(1)))
    return found


def _rest(ctx: click.Context) -> list[str]:
    """The words a group left for its subcommand (click 8.2 renamed where it keeps them)."""
    protected = ctx._protected_args if hasattr(ctx, "_protected_args") else ctx.protected_args
    return [*protected, *ctx.args]


def _parse(args: list[str]) -> None:
    ctx = cli.main.make_context("evidence", list(args), resilient_parsing=False)
    rest = _rest(ctx)
    command: click.Command = cli.main
    while isinstance(command, click.Group) and rest:
        sub = command.get_command(ctx, rest[0])
        assert sub is not None, f"no command {rest[0]!r} in {args}"
        ctx = sub.make_context(rest[0], list(rest[1:]), parent=ctx, resilient_parsing=False)
        rest = _rest(ctx) if isinstance(sub, click.Group) else []
        command = sub


def test_the_deploy_commands_are_real():
    commands = _commands()
    assert {c[0] for c in commands} >= {"serve", "worker", "init"}
    for args in commands:
        _parse(args)


def test_the_settings_named_are_declared():
    named = set(re.findall(r"EVIDENCE_[A-Z_]+", DOC.read_text(encoding="utf-8")))
    assert named and named <= set(config.SETTINGS)
