"""What a file really is, from its first bytes, whatever its extension says."""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError

# extension → the format it claims
EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".doc": "doc",
    ".rtf": "doc",
    ".odt": "doc",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".tif": "image",
    ".tiff": "image",
    ".bmp": "image",
    ".gif": "image",
    ".webp": "image",
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".csv": "text",
}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGICS = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",  # PNG
    b"II*\x00",
    b"MM\x00*",  # TIFF
    b"BM",  # BMP
    b"GIF87a",
    b"GIF89a",
)


def sniff_bytes(head: bytes) -> str | None:
    """The format of content starting with `head` (a few KB), or None when unknown."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(OLE_MAGIC) or head.startswith(b"{\\rtf"):
        return "doc"
    if any(head.startswith(m) for m in IMAGE_MAGICS) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if _looks_like_text(head):
        return "text"
    return None


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return True  # an empty file is an empty text
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with BOM
    sample = head[:4096]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a multi-byte character cut at the end of the sample
            # legacy 8-bit (cp1258, TCVN3 …): accept when control bytes are rare
            controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
            return controls == 0 and b"\x00" not in sample
        text = sample[: exc.start].decode("utf-8", "ignore")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls <= max(1, len(text) // 200)


def sniff(path: Path) -> tuple[str, list[str]]:
    """(format, warnings) for the file at `path`: pdf, docx, doc, image or text.

    Raises ReadError for content that none of the readers handle. A warning `extension_mismatch` is given when the
    extension claims another format than the content has.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise ReadError(f"cannot open: {exc.strerror or exc}", path=path) from None
    kind = sniff_bytes(head)
    if kind == "zip":
        kind = _zip_kind(path)
    if kind is None:
        raise ReadError("unsupported file type (not a PDF, Word document, image or text)", path=path)
    warnings = []
    claimed = EXTENSIONS.get(path.suffix.lower())
    if claimed and claimed != kind:
        warnings.append("extension_mismatch")
    return kind, warnings


def _zip_kind(path: Path) -> str:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"corrupt or truncated zip/DOCX file ({exc})", path=path) from None
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names and "mimetype" in names:
        return "doc"  # OpenDocument text: converted like .doc
    raise ReadError("a zip archive that is not a Word document", path=path)
