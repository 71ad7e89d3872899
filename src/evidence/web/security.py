"""Who is asking and may they: the server-side session (sessions.py), CSRF tokens, role and object checks.

Every route is wrapped by `page(...)`, which reads a POST body (refusing one too large), then in a worker thread
with a store opened for this request loads the session named by the cookie and its user, CSRF-checks the POST,
refuses roles the route is not for, runs the handler, and writes back what changed in the session. Object checks
(`can_see_unit`, `require_unit`, `require_evidence`) are called by the handlers for every campaign/unit/evidence id
taken from the URL or the form.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import quote
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from . import accounts
from .accounts import User
from . import services, sessions
from ..errors import EvidenceError, InputError, NotFound
from ..store import Store
from .uploads import BadForm, Form, FormTooLarge, read_form

log = logging.getLogger("evidence.web")

ALL_ROLES = ("secretariat", "reviewer", "unit")
STAFF = ("secretariat", "reviewer")


class Forbidden(Exception):
    """The signed-in user may not see or do this."""


class HttpError(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message
        super().__init__(message)


@dataclass
class Ctx:
    """What a handler gets: the request, the user, the parsed form (POST) and an open store."""

    request: Request
    user: User
    store: Store
    form: Form = field(default_factory=Form)

    @property
    def settings(self):
        return self.request.app.state.settings

    def param(self, name: str) -> str:
        return self.request.path_params[name]

    def render(self, template: str, http_status: int = 200, **context) -> Response:
        context.setdefault("flashes", self.request.session.pop("flash", []))
        return self.request.app.state.render(self.request, template, http_status=http_status, user=self.user, **context)

    def redirect(self, url: str, message: str | None = None, kind: str = "ok", where: str | None = None) -> Response:
        """After a successful POST: a message for the next page, then 303 (so reloading does not post again).
        `where`: the id of the page section that shows the message (the one the URL scrolls to), else the top."""
        if message:
            self.request.session.setdefault("flash", []).append({"kind": kind, "text": message, "where": where})
        return RedirectResponse(url, status_code=303)


# ---------------------------------------------------------------- session and CSRF


def open_session(request: Request, store: Store) -> None:
    """Load the server-side session named by the cookie into `request.session` (empty when there is none)."""
    found = sessions.load(store, request.cookies.get(sessions.COOKIE))
    request.scope["session"] = dict(found.data) if found else {}
    request.scope["evidence.session"] = {
        "id_hash": found.id_hash if found else None,
        "saved": json.dumps(found.data, sort_keys=True) if found else "{}",
        "rotate": False,
        "end": False,
    }


def close_session(request: Request, store: Store, response: Response) -> None:
    """Write what changed in `request.session` back to its row; a new or rotated session gets a new cookie; an
    ended one deletes its row and the cookie."""
    state = request.scope.get("evidence.session")
    if state is None:
        return
    data = request.scope.get("session") or {}
    secure = request.app.state.settings.https_only
    if state["end"]:
        if state["id_hash"]:
            sessions.end(store, state["id_hash"])
        response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
        return
    if state["rotate"] or (state["id_hash"] is None and data):
        if state["id_hash"]:
            sessions.end(store, state["id_hash"])
        session_id = sessions.create(
            store, data, client=client_address(request), user_agent=request.headers.get("user-agent")
        )
        response.set_cookie(
            sessions.COOKIE,
            session_id,
            max_age=sessions.absolute_seconds(),
            path="/",
            httponly=True,
            samesite="lax",
            secure=secure,
        )
    elif state["id_hash"] and json.dumps(data, sort_keys=True) != state["saved"]:
        sessions.save(store, state["id_hash"], data)


def csrf_token(request: Request) -> str:
    if "session" not in request.scope:
        return ""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, form: Form) -> bool:
    expected = request.session.get("csrf") or ""
    sent = form.get("csrf") or request.headers.get("x-csrf-token", "")
    return bool(expected) and hmac.compare_digest(expected.encode(), sent.encode())


def sign_in(request: Request, store: Store, user: User) -> None:
    """A new session (new id: an id seen before sign-in is never a signed-in one) for this user."""
    request.session.clear()
    request.session.update({"user": user.name, "csrf": secrets.token_urlsafe(32)})
    request.scope["evidence.session"]["rotate"] = True


def sign_out(request: Request) -> None:
    """End this session: its row is deleted, so a copy of the cookie opens nothing."""
    request.session.clear()
    request.scope["evidence.session"]["end"] = True


def session_user(request: Request, store: Store) -> User | None:
    name = request.session.get("user")
    if not name:
        return None
    user = accounts.find_user(store, name)
    if user is None or user.disabled:
        request.session.clear()
        return None
    return user


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# ---------------------------------------------------------------- object checks


def can_see_unit(user: User, unit_code: str) -> bool:
    return user.role in STAFF or (user.role == "unit" and user.unit == unit_code)


def require_unit(ctx: Ctx, campaign_id: str, unit_code: str):
    """The campaign and unit, if the user may see this unit. Unknown ids and other units' ids answer the same
    404, so ids cannot be probed."""
    if not can_see_unit(ctx.user, unit_code):
        raise NotFound("không tìm thấy")
    try:
        campaign = services.load_campaign(ctx.store, campaign_id)
        unit = campaign.unit(unit_code)
    except NotFound:
        raise NotFound("không tìm thấy") from None
    return campaign, unit


def require_role(ctx: Ctx, *roles: str) -> None:
    if ctx.user.role not in roles:
        raise Forbidden()


def evidence_visible(ctx: Ctx, evidence_id: int) -> bool:
    if ctx.user.role in STAFF:
        return ctx.store.db.execute("SELECT 1 FROM evidence WHERE id = ?", (evidence_id,)).fetchone() is not None
    return (
        ctx.store.db.execute(
            "SELECT 1 FROM links WHERE evidence_id = ? AND unit_code = ?", (evidence_id, ctx.user.unit)
        ).fetchone()
        is not None
    )


def evidence_id_param(ctx: Ctx) -> int:
    """The `{evidence}` of the URL as a number; anything else is a page that does not exist."""
    raw = ctx.param("evidence")
    if not raw.isdigit() or len(raw) > 12:
        raise NotFound("không tìm thấy")
    return int(raw)


def require_evidence(ctx: Ctx, evidence_id: int) -> None:
    if not evidence_visible(ctx, evidence_id):
        raise NotFound("không tìm thấy")


# ---------------------------------------------------------------- the route wrapper


def page(*roles: str, login: bool = True) -> Callable:
    """Wrap a handler `fn(ctx) -> Response` (sync; runs in a worker thread with its own store)."""
    roles = roles or ALL_ROLES

    def decorate(fn: Callable) -> Callable:
        @wraps(fn)
        async def endpoint(request: Request) -> Response:
            settings = request.app.state.settings
            form = Form()
            refused: tuple[int, str] | None = None
            if request.method == "POST":
                try:
                    form = await read_form(request, settings.store_path / "tmp", settings.max_upload_bytes)
                except FormTooLarge:
                    mb = settings.max_upload_bytes // (1024 * 1024)
                    refused = (413, f"Tệp tải lên quá lớn: tối đa {mb} MB mỗi lần gửi. Hãy chia thành nhiều lần gửi.")
                except BadForm as exc:
                    refused = (400, f"Biểu mẫu không hợp lệ ({exc}).")
            try:
                return await run_in_threadpool(_run, fn, request, form, roles, login, refused)
            finally:
                form.close()

        endpoint.roles = roles  # type: ignore[attr-defined]
        endpoint.login_required = login  # type: ignore[attr-defined]
        return endpoint

    return decorate


CSRF_MESSAGE = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (CSRF). Hãy tải lại trang và gửi lại."


def _run(
    fn: Callable, request: Request, form: Form, roles: tuple[str, ...], login: bool, refused: tuple[int, str] | None
) -> Response:
    app_state = request.app.state
    try:
        store = Store.open(app_state.settings.store_path)
    except EvidenceError as exc:
        log.error("cannot open the store: %s", exc)
        return app_state.render_error(request, 500, "Không mở được kho dữ liệu. Báo cho quản trị viên.")
    try:
        open_session(request, store)
        response = _handle(fn, request, store, form, roles, login, refused)
        close_session(request, store, response)
        return response
    except Exception:
        log.exception("error in %s %s", request.method, request.url.path)
        return app_state.render_error(
            request,
            500,
            "Đã có lỗi ở máy chủ; thao tác chưa được thực hiện. Báo cho quản trị viên (chi tiết ở nhật ký máy chủ).",
        )
    finally:
        store.close()


def _handle(
    fn: Callable,
    request: Request,
    store: Store,
    form: Form,
    roles: tuple[str, ...],
    login: bool,
    refused: tuple[int, str] | None,
) -> Response:
    app_state = request.app.state
    user = session_user(request, store)
    request.state.user = user
    if refused is not None:  # the body was refused while it arrived (too large, malformed): say so, with the menu
        return app_state.render_error(request, *refused)
    if request.method == "POST" and not check_csrf(request, form):
        return app_state.render_error(request, 403, CSRF_MESSAGE)
    if login and user is None:
        if request.method == "GET":
            return RedirectResponse(f"/login?next={_safe_next(request.url.path)}", status_code=303)
        return app_state.render_error(request, 401, "Bạn cần đăng nhập lại.")
    if login and user is not None and user.role not in roles:
        return app_state.render_error(request, 403, "Bạn không có quyền truy cập trang này.")
    ctx = Ctx(request=request, user=user, store=store, form=form)  # type: ignore[arg-type]
    try:
        return fn(ctx)
    except Forbidden:
        return app_state.render_error(request, 403, "Bạn không có quyền thực hiện thao tác này.")
    except NotFound:
        return app_state.render_error(request, 404, "Không tìm thấy trang hoặc hồ sơ yêu cầu.")
    except HttpError as exc:
        return app_state.render_error(request, exc.status, exc.message)
    except InputError as exc:
        return app_state.render_error(request, 400, f"Dữ liệu không hợp lệ: {exc}")
    except EvidenceError as exc:
        return app_state.render_error(request, 400, f"Không thực hiện được: {exc}")


def with_session(request: Request, render: Callable[[], Response]) -> Response:
    """For pages outside `page()` (the 404 of an unknown address): the signed-in user, so the page has its menu."""
    try:
        store = Store.open(request.app.state.settings.store_path)
    except EvidenceError:
        return render()
    try:
        open_session(request, store)
        request.state.user = session_user(request, store)
        return render()
    finally:
        store.close()


def _safe_next(path: str) -> str:
    return quote(path if path.startswith("/") and not path.startswith("//") else "/", safe="/")


def safe_redirect_target(value: str | None) -> str:
    """Only local paths: never redirect to another site after login."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"
