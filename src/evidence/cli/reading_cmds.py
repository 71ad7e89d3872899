"""`evidence inspect FILE`: read one file without storing it and show what was extracted."""

from __future__ import annotations

from pathlib import Path

import click

from .. import config
from ..errors import ReadError
from ..reading import METADATA_KEYS, read_many
from ..records import candidates_lines, shown_issued_on, sources_line
from .common import json_option, print_json

LABELS = {
    "sha256": "SHA-256",
    "format": "Format",
    "pages": "Pages",
    "text_source": "Text from",
    "number": "Number",
    "type_code": "Type code",
    "type_name": "Type",
    "issuer": "Issuer",
    "parent_issuer": "Parent issuer",
    "place": "Place",
    "issued_on": "Issued on",
    "date_source": "Date from",
    "summary": "Subject",
    "signer_title": "Signer title",
    "signer_name": "Signer",
    "signatures": "Signatures",
    "references": "References",
    "warnings": "Warnings",
    "sources": "Read from",
    "candidates": "Candidates",
}
HIDDEN = ("issued_on_estimated", "confidence")  # shown with issued_on and sources


def _human_value(key: str, value) -> list[str]:
    if value is None or value == []:
        return ["-"]
    if key == "signatures":
        lines = []
        for i, sig in enumerate(value, 1):
            state = {True: "intact", False: "ALTERED", None: "not checked"}[sig.get("intact")]
            lines.append(f"{i}. {sig.get('signed_at') or '?'}  {sig.get('signer') or '?'}  [{state}]")
            if sig.get("reason"):
                lines.append(f"   {sig['reason']}")
        return lines
    if key == "references":
        return [
            " ".join(filter(None, [r.get("number"), r.get("type_code") and f"({r['type_code']})", r.get("issued_on")]))
            for r in value
        ]
    if key == "warnings":
        return [", ".join(value)]
    if key in ("sources", "candidates") and not value:
        return ["-"]
    return [str(value)]


def print_metadata_table(metadata: dict, *, seconds: float | None = None) -> None:
    width = max(len(label) for label in LABELS.values())
    for key in METADATA_KEYS:
        if key in HIDDEN:
            continue
        if key == "issued_on":
            lines = [shown_issued_on(metadata) or "-"]
        elif key == "sources":
            lines = [sources_line(metadata) or "-"]
        elif key == "candidates":
            lines = candidates_lines(metadata) or ["-"]
        else:
            lines = _human_value(key, metadata.get(key))
        click.echo(f"{LABELS.get(key, key).ljust(width)}  {lines[0]}")
        for line in lines[1:]:
            click.echo(f"{' ' * width}  {line}")
    if seconds is not None:
        click.echo(f"{'Read in'.ljust(width)}  {seconds:.1f} s")


@click.command("inspect")
@click.argument("file", type=click.Path(path_type=Path))
@json_option
@click.option("--no-ocr", is_flag=True, help="Do not OCR pages without a text layer.")
@click.option(
    "--timeout",
    type=float,
    default=config.READ_TIMEOUT_SECONDS,
    show_default=True,
    help="Give up on the file after this many seconds.",
)
def inspect(file: Path, as_json: bool, no_ocr: bool, timeout: float) -> None:
    """Read FILE (PDF, Word, image, text) without storing it; print the metadata extracted."""
    try:
        size = file.stat().st_size
    except FileNotFoundError:
        raise ReadError("no such file", path=file) from None
    except OSError as exc:  # a name too long, a loop of links, no permission …
        raise ReadError(f"cannot open ({exc.strerror or exc})", path=file) from None
    if size == 0 and file.is_file():
        raise ReadError("empty file (0 bytes)", path=file)
    [(_, result)] = list(read_many([file], ocr=not no_ocr, jobs=1, timeout=timeout))
    if isinstance(result, ReadError):
        raise result
    metadata = {key: result.metadata.get(key) for key in METADATA_KEYS}
    if as_json:
        print_json(metadata)
    else:
        print_metadata_table(metadata, seconds=result.seconds)


COMMANDS = [inspect]
