"""The quick CLI: commands are imported when they run, `--help` is printed from the command table, and the table
says what the command modules hold."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import click

from evidence import cli


def test_table_matches_the_command_modules():
    found = {}
    for module in cli.COMMAND_MODULES:
        for command in importlib.import_module(f"evidence.cli.{module}").COMMANDS:
            found[command.name] = (module, command.get_short_help_str(limit=1000))
    assert found == {name: (module, text) for name, (module, text) in cli.COMMAND_TABLE.items()}


def test_every_command_resolves_through_the_lazy_group():
    ctx = click.Context(cli.main, info_name="evidence")
    for name in cli.COMMAND_TABLE:
        command = cli.main.get_command(ctx, name)
        assert command is not None and command.name == name
    assert cli.main.get_command(ctx, "no-such-command") is None


def _modules_after(args: list[str], tmp_path) -> set[str]:
    code = (
        "import sys, json\n"
        "from evidence.cli import main\n"
        "try:\n"
        f"    main({args!r}, standalone_mode=False)\n"
        "finally:\n"
        "    print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_and_list_import_neither_the_index_nor_the_readers(tmp_path):
    heavy = {"whoosh", "numpy", "pypdf", "docx", "argon2", "starlette", "evidence.search", "evidence.reading"}
    assert not heavy & _modules_after(["--help"], tmp_path)
    store = tmp_path / "store"
    subprocess.run(
        [sys.executable, "-m", "evidence.cli", "--store", str(store), "init"], check=True, capture_output=True
    )
    assert not heavy & _modules_after(["--store", str(store), "list", "--json"], tmp_path)


def test_unknown_command_is_a_usage_error(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "evidence.cli", "no-such-command"], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 2 and "No such command" in done.stderr


LAZY_TREE = """
import json, click
from evidence.cli import main, COMMAND_TABLE

def tree(group, ctx):
    out = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        out[name] = tree(command, ctx) if isinstance(command, click.Group) else None
    return out

ctx = click.Context(main, info_name="evidence")
lazy = {name: None for name in COMMAND_TABLE}
for name in COMMAND_TABLE:  # each command as the lazy group finds it, in a process that loaded nothing else
    command = main.get_command(ctx, name)
    lazy[name] = tree(command, ctx) if isinstance(command, click.Group) else None
    break
print(json.dumps(lazy))
"""


def test_each_command_alone_has_all_its_sub_commands(tmp_path):
    """A command run alone imports its module and the modules that extend its groups (documents register)."""
    import json

    from evidence.cli import load_all

    load_all()
    ctx = click.Context(cli.main, info_name="evidence")

    def tree(group):
        return {
            name: tree(cmd) if isinstance(cmd, click.Group) else None
            for name in group.list_commands(ctx)
            if (cmd := group.get_command(ctx, name)) is not None
        }

    full = tree(cli.main)
    for name in [name for name in cli.COMMAND_TABLE if full[name] is not None]:  # the groups
        code = LAZY_TREE.replace("for name in COMMAND_TABLE:", f"for name in [{name!r}]:")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)[name] == full[name], name
