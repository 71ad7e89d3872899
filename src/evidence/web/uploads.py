"""Reading a form from a request: url-encoded or multipart, with uploads streamed straight into the store.

Starlette's own parser spools uploads to the system temporary directory; this one writes each uploaded file to
`store/tmp/web-<pid>-<random>.part` (a name we choose, never the client's; the pid and the server's writer lock
mark it live, store/writers.py), counts bytes as they arrive and stops at the size limit, so nothing a browser
sends is ever written outside the store. The caller deletes the files (`close`).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from ..store import writers
from ..vn.text import nfc

MAX_FIELDS = 50
MAX_FIELD_BYTES = 64 * 1024
MAX_FILES = 20


class FormTooLarge(Exception):
    """The request body is larger than the limit."""


class BadForm(Exception):
    """A body that is not a well-formed form."""


@dataclass
class Upload:
    filename: str  # as the browser sent it (NFC, path parts removed); for display and the link's name
    path: Path  # where its bytes are, under store/tmp
    size: int = 0
    content_type: str = ""


@dataclass
class Form:
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[Upload]] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[0] if values else default

    def uploads(self, name: str) -> list[Upload]:
        return [u for u in self.files.get(name, []) if u.filename and u.size > 0]

    def close(self) -> None:
        for uploads in self.files.values():
            for upload in uploads:
                upload.path.unlink(missing_ok=True)


def browser_filename(raw: bytes) -> str:
    """The file name as the user sees it: browsers send `"`, CR and LF in a multipart file name as %22, %0D and
    %0A (HTML's form encoding), and nothing else percent-encoded, so only those three are turned back."""
    text = raw.decode("utf-8", "replace")
    return text.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")


def safe_filename(name: str) -> str:
    """The last path component of a client's file name, NFC, without control characters."""
    name = nfc(name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200] or "tep-tai-len"


async def read_form(request: Request, tmp_dir: Path, max_bytes: int) -> Form:
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + 64 * 1024:
        raise FormTooLarge()
    if content_type == b"application/x-www-form-urlencoded":
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FIELDS * MAX_FIELD_BYTES:
                raise FormTooLarge()
        form = Form()
        for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            form.fields.setdefault(key, []).append(nfc(value))
        return form
    if content_type == b"multipart/form-data":
        boundary = params.get(b"boundary")
        if not boundary:
            raise BadForm("multipart without boundary")
        return await _multipart(request, boundary, tmp_dir, max_bytes)
    return Form()


async def _multipart(request: Request, boundary: bytes, tmp_dir: Path, max_bytes: int) -> Form:
    form = Form()
    state: dict = {"headers": {}, "name": b"", "value": b"", "part": None, "total": 0}

    def on_part_begin():
        state["headers"] = {}
        state["part"] = None

    def on_header_field(data, start, end):
        state["name"] += data[start:end]

    def on_header_value(data, start, end):
        state["value"] += data[start:end]

    def on_header_end():
        state["headers"][state["name"].lower()] = state["value"]
        state["name"], state["value"] = b"", b""

    def on_headers_finished():
        _, options = parse_options_header(state["headers"].get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            if sum(len(v) for v in form.files.values()) >= MAX_FILES:
                raise BadForm(f"more than {MAX_FILES} files")
            tmp_dir.mkdir(parents=True, exist_ok=True)
            pid = writers.hold_writer_lock(tmp_dir.parent / "locks")  # a live server's uploads are left alone
            path = tmp_dir / f"web-{pid}-{secrets.token_hex(12)}.part"
            handle = open(path, "xb")
            os.chmod(path, 0o600)
            upload = Upload(
                filename=safe_filename(browser_filename(options[b"filename"])),
                path=path,
                content_type=state["headers"].get(b"content-type", b"").decode("latin-1"),
            )
            form.files.setdefault(name, []).append(upload)
            state["part"] = ("file", name, upload, handle)
        else:
            if sum(len(v) for v in form.fields.values()) >= MAX_FIELDS:
                raise BadForm("too many fields")
            state["part"] = ("field", name, bytearray(), None)

    def on_part_data(data, start, end):
        kind, _name, target, handle = state["part"]
        chunk = data[start:end]
        state["total"] += len(chunk)
        if state["total"] > max_bytes:
            raise FormTooLarge()
        if kind == "file":
            handle.write(chunk)
            target.size += len(chunk)
        else:
            if len(target) + len(chunk) > MAX_FIELD_BYTES:
                raise BadForm("field too long")
            target.extend(chunk)

    def on_part_end():
        kind, name, target, handle = state["part"]
        if kind == "file":
            handle.close()
        else:
            form.fields.setdefault(name, []).append(nfc(bytes(target).decode("utf-8", "replace")))
        state["part"] = None

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except BaseException as exc:
        if state["part"] and state["part"][0] == "file":
            state["part"][3].close()
        form.close()
        if isinstance(exc, (FormTooLarge, BadForm)):
            raise
        if isinstance(exc, Exception) and type(exc).__module__.startswith("python_multipart"):
            raise BadForm(str(exc)) from None
        raise
    return form
