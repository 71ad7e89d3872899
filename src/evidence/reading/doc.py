"""Legacy Word (.doc, .rtf, .odt): converted to DOCX by LibreOffice headless, then read as DOCX."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import ReadError
from .docx import read_docx_pages

CONVERT_TIMEOUT = 90


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc_pages(path: Path, *, timeout: float = CONVERT_TIMEOUT) -> tuple[list[str], list[str]]:
    """(pages, warnings). When the file cannot be converted (no LibreOffice, or LibreOffice gives up) the result is
    one empty page and the warning `doc_conversion_failed`, with the reason on stderr: the file can still be stored
    as evidence, only its text is missing."""
    try:
        return _convert_and_read(path, timeout), []
    except ReadError as exc:
        print(f"warning: {exc}", file=sys.stderr)
        return [""], ["doc_conversion_failed"]


def _convert_and_read(path: Path, timeout: float) -> list[str]:
    binary = soffice()
    if binary is None:
        raise ReadError("legacy Word file, and LibreOffice (soffice) is not installed to convert it", path=path)
    with tempfile.TemporaryDirectory(prefix="evidence-doc-") as tmp:
        tmpdir = Path(tmp)
        source = tmpdir / (
            "input" + (path.suffix.lower() if path.suffix.lower() in (".doc", ".rtf", ".odt") else ".doc")
        )
        shutil.copyfile(path, source)
        profile = tmpdir / "profile"
        command = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmpdir / "out"),
            str(source),
        ]
        try:
            subprocess.run(
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=timeout,
                check=False,
                env={**os.environ, "HOME": str(tmpdir)},
                start_new_session=True,
            )
        except subprocess.TimeoutExpired:
            raise ReadError(f"LibreOffice did not convert the file within {timeout:.0f} s", path=path) from None
        converted = tmpdir / "out" / (source.stem + ".docx")
        if not converted.is_file():
            raise ReadError("LibreOffice could not convert this legacy Word file (corrupt or unsupported)", path=path)
        try:
            return read_docx_pages(converted)
        except ReadError as exc:
            raise ReadError(f"converted file unreadable ({exc})", path=path) from None
