"""demo."""

from __future__ import annotations

from pathlib import Path

import click

from ..demo.run import run_demo
from .common import AppContext, print_json, pass_app


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder for the generated evidence files and official documents.",
)
@click.option("--no-ocr", is_flag=True, help="Skip OCR of the scanned demo document.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary at the end (stdout), the log on stderr.")
@pass_app
def demo(app: AppContext, out_dir: Path, no_ocr: bool, as_json: bool) -> None:
    """Build a demo store from scratch and run a whole round: ingest, check, search, score, generate."""
    echo = (lambda line: click.echo(line, err=True)) if as_json else click.echo
    summary = run_demo(app.store_path, out_dir, echo=echo, ocr=not no_ocr)
    if as_json:
        print_json(summary)


COMMANDS = [demo]
