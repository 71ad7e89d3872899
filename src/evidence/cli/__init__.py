"""The `evidence` command: click commands only; the work is done by the library (see `group` for how the
commands are found and loaded)."""

from .group import COMMAND_MODULES, COMMAND_TABLE, EXTENDS, load_all, main

__all__ = ["COMMAND_MODULES", "COMMAND_TABLE", "EXTENDS", "load_all", "main"]
