"""The web application: settings, templates, middleware and the route table."""

from __future__ import annotations

import logging
import os
import secrets
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from .. import config
from ..errors import StoreError
from ..store import Store
from . import filters
from .routes import ROUTES
from .services import make_read_queue
from .security import csrf_token

WEB_DIR = Path(__file__).resolve().parent
SECRET_FILE = "web-secret"
SESSION_HOURS = 10
log = logging.getLogger("evidence.web")


@dataclass
class Settings:
    store_path: Path
    max_upload_bytes: int = 50 * 1024 * 1024
    https_only: bool = False
    ocr: bool = True


def default_max_upload_bytes() -> int:
    return config.int_setting("EVIDENCE_WEB_MAX_UPLOAD_MB") * 1024 * 1024


def secret_key(store_root: Path) -> str:
    """The session signing key, kept in the store (mode 0600), created on first use."""
    path = Path(store_root) / SECRET_FILE
    if not path.exists():
        # written whole under a private name, then linked into place: several web processes starting at once
        # all read the same complete key (never an empty file another process has just created)
        draft = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
                handle.flush()
                os.fsync(handle.fileno())
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink(missing_ok=True)
    key = path.read_text().strip()
    if len(key) < 32:
        raise StoreError("the web secret is too short; delete it to have a new one made", path=path)
    return key


class SecurityHeaders:
    """Headers every response carries: no sniffing, no framing by other sites, no caching of pages."""

    CSP = (
        "default-src 'self'; img-src 'self' data:; object-src 'self'; frame-src 'self'; "
        "frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
    )

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                content_type = dict((k.lower(), v) for k, v in headers).get(b"content-type", b"")
                extra = {
                    b"x-content-type-options": b"nosniff",
                    b"x-frame-options": b"SAMEORIGIN",
                    b"referrer-policy": b"same-origin",
                }
                if content_type.startswith(b"text/html"):
                    # pages only: a policy on a PDF response can stop the browser's own PDF viewer
                    extra[b"content-security-policy"] = self.CSP.encode()
                if not scope["path"].startswith("/static/"):
                    extra[b"cache-control"] = b"no-store"
                headers += [(k, v) for k, v in extra.items() if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def make_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(WEB_DIR / "templates")),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters.install(env)
    return env


def create_app(
    store_path: Path, *, max_upload_bytes: int | None = None, https_only: bool = False, ocr: bool = True
) -> Starlette:
    store_path = Path(store_path)
    Store.open(store_path).close()  # fail early (and migrate) when the store is missing
    settings = Settings(
        store_path=store_path,
        max_upload_bytes=max_upload_bytes or default_max_upload_bytes(),
        https_only=https_only,
        ocr=ocr,
    )
    env = make_env()
    # uploads are stored in the request and read by a reader process of the server (catalog/jobs.py), started
    # with the server (it resumes what a restart left pending) or by the first upload; in server mode
    # (EVIDENCE_QUEUE_URL) by `evidence worker` processes through Celery (catalog/celery_queue.py)
    read_queue = make_read_queue(store_path, ocr=ocr)

    @asynccontextmanager
    async def lifespan(_app):
        read_queue.start()
        try:
            yield
        finally:
            await run_in_threadpool(read_queue.stop)

    app = Starlette(
        lifespan=lifespan,
        routes=[*ROUTES, Mount("/static", app=StaticFiles(directory=str(WEB_DIR / "static")), name="static")],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=secret_key(store_path),
                session_cookie="evidence_session",
                max_age=SESSION_HOURS * 3600,
                same_site="lax",
                https_only=https_only,
            ),
        ],
        exception_handlers={404: _not_found, 405: _not_allowed},
    )
    app.state.settings = settings
    app.state.env = env
    app.state.read_queue = read_queue

    def render(request: Request, template: str, http_status: int = 200, **context) -> HTMLResponse:
        context.setdefault("user", None)
        context["request"] = request
        context["csrf"] = csrf_token(request)
        html = env.get_template(template).render(**context)
        return HTMLResponse(html, status_code=http_status)

    def render_error(request: Request, status: int, message: str) -> Response:
        return render(
            request,
            "error.html",
            http_status=status,
            message=message,
            status_code=status,
            user=getattr(request.state, "user", None),
        )

    app.state.render = render
    app.state.render_error = render_error
    return app


async def _not_found(request: Request, exc) -> Response:
    return request.app.state.render_error(request, 404, "Không tìm thấy trang yêu cầu.")


async def _not_allowed(request: Request, exc) -> Response:
    return request.app.state.render_error(request, 405, "Phương thức không được hỗ trợ cho địa chỉ này.")
