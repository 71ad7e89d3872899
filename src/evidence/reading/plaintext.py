"""Plain text files: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258."""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from ..vn.text import nfc

MAX_TEXT_BYTES = 50 * 1024 * 1024


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", "replace")


def read_text_pages(path: Path) -> list[str]:
    """The file's text, split into pages at form feeds."""
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise ReadError(f"text file larger than {MAX_TEXT_BYTES // 2**20} MB", path=path)
    text = nfc(decode_text(path.read_bytes())).replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\f") if text else [""]
