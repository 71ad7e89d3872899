"""Documentation that cannot drift: every command has help and is documented; README's layout is the tree."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from evidence.cli import main

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "evidence"
INTERFACE = ROOT.parent / "shared" / "docs" / "interface.md"


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        out.append((path, command))
        if isinstance(command, click.Group):
            out.extend(_commands(command, path + " "))
    return out


COMMANDS = _commands(main)


def _mentioned(path: str, text: str) -> bool:
    """`evidence score set` is mentioned as such, or as its group and leaf on one line (`score set|appraise`)."""
    if f"evidence {path}" in text:
        return True
    *groups, leaf = path.split()
    if not groups:
        return False
    group = " ".join(groups)
    return any(f"evidence {group}" in line and re.search(rf"\b{re.escape(leaf)}\b", line) for line in text.splitlines())


def test_every_command_has_help():
    assert [path for path, command in COMMANDS if not (command.help or command.short_help)] == []


LEAVES = [path for path, command in COMMANDS if not isinstance(command, click.Group)]
PROPOSED = "*(not yet in the contract)*"


def _reference_rows() -> dict[str, str]:
    """docs/cli.md: `evidence PATH` -> its row."""
    rows = {}
    for line in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8").splitlines():
        if found := re.match(r"\| `evidence ([a-z -]+)` \|", line):
            rows[found.group(1)] = line
    return rows


def test_every_command_is_in_the_command_reference():
    assert sorted(_reference_rows()) == sorted(LEAVES)


@pytest.mark.skipif(not INTERFACE.is_file(), reason="../shared/docs/interface.md is not beside the repository")
def test_every_command_is_in_the_public_contract_or_proposed_for_it():
    """A command the shared contract does not list yet is marked as proposed in docs/cli.md, and only then."""
    text = INTERFACE.read_text(encoding="utf-8")
    rows = _reference_rows()
    assert [path for path in LEAVES if _mentioned(path, text) == (PROPOSED in rows.get(path, ""))] == []


def _layout_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout", 1)[1]
    return section.split("```", 2)[1]


def test_readme_layout_names_every_package_and_top_level_module():
    block = _layout_block()
    names = [p.name + "/" for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    names += [p.name for p in SRC.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert [name for name in names if not re.search(rf"(^|\s){re.escape(name)}(\s|$)", block, re.M)] == []


def test_readme_layout_names_only_what_exists():
    block = _layout_block()
    missing = []
    for line in block.splitlines():
        if not line.startswith("  "):
            continue
        for token in line.split("   ")[0].split():
            if token.endswith("/") or token.endswith(".py"):
                if not (SRC / token.rstrip("/")).exists():
                    missing.append(token)
    assert missing == []
