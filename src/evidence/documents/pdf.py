"""PDF through LibreOffice headless: one soffice run for a batch, a private profile so parallel runs do not clash."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import EvidenceError

TIMEOUT_SECONDS = 180


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx_files: list[Path], out_dir: Path | None = None) -> list[Path]:
    """Convert each .docx to a .pdf beside it (or in `out_dir`); returns the PDFs in the same order."""
    binary = soffice()
    if binary is None:
        raise EvidenceError("LibreOffice (soffice) is not installed; run `make setup` or scripts/setup-system.sh")
    docx_files = [Path(p) for p in docx_files]
    by_dir: dict[Path, list[Path]] = {}
    for path in docx_files:
        by_dir.setdefault(Path(out_dir) if out_dir else path.parent, []).append(path)
    with tempfile.TemporaryDirectory(prefix="evidence-lo-") as profile:
        for target, files in by_dir.items():
            target.mkdir(parents=True, exist_ok=True)
            command = [
                binary,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(target),
                *map(str, files),
            ]
            try:
                result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                raise EvidenceError(f"LibreOffice did not finish converting within {TIMEOUT_SECONDS} s") from None
            if result.returncode != 0:
                raise EvidenceError(f"LibreOffice failed: {(result.stderr or result.stdout).strip()[:200]}")
    pdfs = [(Path(out_dir) if out_dir else p.parent) / (p.stem + ".pdf") for p in docx_files]
    missing = [str(p) for p in pdfs if not p.is_file()]
    if missing:
        raise EvidenceError(f"LibreOffice wrote no PDF for {', '.join(missing)}")
    return pdfs
