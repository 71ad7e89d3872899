"""The web application: settings, templates, middleware and the route table."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from .. import config
from ..store import Store
from . import filters
from .routes import ROUTES
from .security import csrf_token, safe_redirect_target, with_session
from .services import make_read_queue

WEB_DIR = Path(__file__).resolve().parent
log = logging.getLogger("evidence.web")


@dataclass
class Settings:
    store_path: Path
    max_upload_bytes: int = 50 * 1024 * 1024
    https_only: bool = False
    ocr: bool = True


def default_max_upload_bytes() -> int:
    return config.int_setting("EVIDENCE_WEB_MAX_UPLOAD_MB") * 1024 * 1024


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
        ],
        exception_handlers={404: _not_found, 405: _not_allowed},
    )
    app.state.settings = settings
    app.state.env = env
    app.state.read_queue = read_queue

    def render(request: Request, template: str, http_status: int = 200, **context) -> HTMLResponse:
        context.setdefault("user", None)
        context["request"] = request
        # a token (and so a stored session) only where a form needs one: signed-in pages and the login form
        context["csrf"] = csrf_token(request) if context["user"] or template == "login.html" else ""
        html = env.get_template(template).render(**context)
        return HTMLResponse(html, status_code=http_status)

    def render_error(request: Request, status: int, message: str) -> Response:
        return render(
            request,
            "error.html",
            http_status=status,
            message=message,
            status_code=status,
            back=came_from(request),
            user=getattr(request.state, "user", None),
        )

    app.state.render = render
    app.state.render_error = render_error
    return app


def came_from(request: Request) -> str | None:
    """The page to go back to from an error: the page the user was on (same site only), else for a form post the
    page the form belongs to (`…/k/1.1/upload` → `…/k/1.1`)."""
    referer = request.headers.get("referer") or ""
    origin = f"{request.url.scheme}://{request.url.netloc}"
    if referer.startswith(origin + "/"):
        target = safe_redirect_target(referer[len(origin) :])
        if target != request.url.path or request.method != "GET":
            return target
    if request.method == "POST" and request.url.path.count("/") > 1:
        return request.url.path.rsplit("/", 1)[0]
    return None


async def _not_found(request: Request, exc) -> Response:
    message = "Không tìm thấy trang yêu cầu."
    return await run_in_threadpool(with_session, request, lambda: request.app.state.render_error(request, 404, message))


async def _not_allowed(request: Request, exc) -> Response:
    message = "Phương thức không được hỗ trợ cho địa chỉ này."
    return await run_in_threadpool(with_session, request, lambda: request.app.state.render_error(request, 405, message))
