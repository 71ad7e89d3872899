"""Shared pieces of the command line: the store, JSON output, progress on stderr."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

import click

from .. import config
from ..round.text import format_table
from ..progress import Progress, iter_progress  # noqa: F401 - re-exported for the commands
from ..store import Store


@dataclass
class AppContext:
    store_option: str | None = None
    _store: Store | None = field(default=None, repr=False)

    @property
    def store_path(self):
        return config.store_dir(self.store_option)

    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.store_path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_app = click.make_pass_decorator(AppContext)

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def emit(data: Any, as_json: bool, human: Callable[[Any], None]) -> None:
    """Print `data` as JSON, or hand it to `human` for the readable form."""
    if as_json:
        print_json(data)
    else:
        human(data)


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def table(rows: list[list[Any]], headers: list[str]) -> None:
    """A plain text table on stdout, columns sized to their content."""
    click.echo(format_table(rows, headers))
