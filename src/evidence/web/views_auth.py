"""Signing in and out, the home page (the campaigns the user works on) and the user's own password."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from . import accounts
from .accounts import LoginThrottled
from ..errors import InputError
from . import services
from .security import Ctx, client_address, page, safe_redirect_target, session_user, sign_in, sign_out


@page(login=False)
def login(ctx: Ctx) -> Response:
    request = ctx.request
    next_url = safe_redirect_target(request.query_params.get("next") or ctx.form.get("next"))
    if request.method == "GET":
        if session_user(request, ctx.store):
            return RedirectResponse(next_url, status_code=303)
        return _login_page(ctx, next_url=next_url)
    name = ctx.form.get("name").strip().lower()
    password = ctx.form.get("password")
    errors = {}
    if not name:
        errors["name"] = "Nhập tên đăng nhập."
    if not password:
        errors["password"] = "Nhập mật khẩu."
    if errors:
        return _login_page(ctx, next_url=next_url, name=name, errors=errors, status=400)
    try:
        user = accounts.authenticate(ctx.store, name, password, client=client_address(request))
    except LoginThrottled as exc:
        return _login_page(
            ctx,
            next_url=next_url,
            name=name,
            status=429,
            message=f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau {exc.retry_after} giây.",
        )
    if user is None:
        return _login_page(
            ctx,
            next_url=next_url,
            name=name,
            status=401,
            message="Tên đăng nhập hoặc mật khẩu không đúng (hoặc tài khoản đã bị khóa).",
        )
    sign_in(request, ctx.store, user)
    return RedirectResponse(next_url, status_code=303)


def _login_page(
    ctx: Ctx, *, next_url: str, name: str = "", errors: dict | None = None, message: str = "", status: int = 200
) -> Response:
    return ctx.request.app.state.render(
        ctx.request,
        "login.html",
        http_status=status,
        next_url=next_url,
        name=name,
        errors=errors or {},
        message=message,
        flashes=[],
    )


@page()
def logout(ctx: Ctx) -> Response:
    sign_out(ctx.request)
    return RedirectResponse("/login", status_code=303)


def visible_campaigns(ctx: Ctx) -> list[dict]:
    rows = services.list_campaigns(ctx.store)
    if ctx.user.role == "unit":
        mine = set(accounts.unit_campaigns(ctx.store, ctx.user.unit or ""))
        rows = [r for r in rows if r["id"] in mine]
    return rows


@page()
def home(ctx: Ctx) -> Response:
    campaigns = []
    for row in visible_campaigns(ctx):
        campaign = services.load_campaign(ctx.store, row["id"])
        entry = {
            "row": row,
            "campaign": campaign,
            "deadline": campaign.deadline("self_assessment"),
            "appraisal": campaign.deadline("appraisal"),
        }
        if ctx.user.role == "unit":
            code = ctx.user.unit or ""
            entry["progress"] = next((p for p in services.progress(ctx.store, campaign) if p["unit"] == code), None)
            entry["unit"] = campaign.unit(code)
            entry["status"] = services.unit_status(ctx.store, campaign.id, code)
        campaigns.append(entry)
    return ctx.render("home.html", campaigns=campaigns)


@page()
def password(ctx: Ctx) -> Response:
    errors, done = {}, False
    if ctx.request.method == "POST":
        current, new, again = ctx.form.get("current"), ctx.form.get("new"), ctx.form.get("again")
        try:
            if accounts.authenticate(ctx.store, ctx.user.name, current, client=client_address(ctx.request)) is None:
                errors["current"] = "Mật khẩu hiện tại không đúng."
        except LoginThrottled as exc:
            errors["current"] = f"Nhập sai quá nhiều lần; thử lại sau {exc.retry_after} giây."
        if len(new) < accounts.MIN_PASSWORD:
            errors["new"] = f"Mật khẩu mới cần ít nhất {accounts.MIN_PASSWORD} ký tự."
        elif len(new) > accounts.MAX_PASSWORD:
            errors["new"] = f"Mật khẩu mới dài tối đa {accounts.MAX_PASSWORD} ký tự."
        elif new != again:
            errors["again"] = "Hai lần nhập mật khẩu mới không khớp."
        if not errors:
            try:
                accounts.set_password(ctx.store, ctx.user.name, new)
            except InputError as exc:
                errors["new"] = f"Chưa đổi được mật khẩu: {exc}"
            else:
                sign_in(ctx.request, ctx.store, ctx.user)
                return ctx.redirect("/", "Đã đổi mật khẩu.")
    return ctx.render("password.html", errors=errors, done=done, http_status=400 if errors else 200)
