"""The secretariat's pages (dashboard, documents, the score workbook, accounts) and the search page, which the
council uses too."""

from __future__ import annotations

import re
from urllib.parse import urlencode
from datetime import datetime, UTC
from pathlib import Path

from starlette.responses import FileResponse, Response

from . import accounts
from ..errors import EvidenceError, InputError, NotFound
from ..vn.doctypes import TYPE_NAMES
from . import services, weights
from .security import STAFF, Ctx, page, sign_out
from .views_evidence import content_disposition
from .views_unit import tree_context

SECRETARIAT = ("secretariat",)
DOCUMENT_MEDIA = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KIND_LABELS = {
    "plan": "Kế hoạch",
    "decision": "Quyết định thành lập Hội đồng thẩm định",
    "reminder": "Công văn đôn đốc",
    "minutes": "Biên bản họp thẩm định",
    "report": "Báo cáo kết quả",
    "submission": "Tờ trình đề nghị phê duyệt, công bố kết quả",
    "announcement": "Quyết định phê duyệt và công bố kết quả",
}


def _campaign(ctx: Ctx):
    try:
        return services.load_campaign(ctx.store, ctx.param("campaign"))
    except NotFound:
        raise NotFound("không tìm thấy") from None


@page(*SECRETARIAT)
def dashboard(ctx: Ctx) -> Response:
    campaign = _campaign(ctx)
    statuses = services.unit_statuses(ctx.store, campaign.id)
    summaries = services.unit_score_summaries(ctx.store, campaign.id)
    rows = [
        {"progress": p, "status": statuses.get(p["unit"]), **summaries[p["unit"]]}
        for p in services.progress(ctx.store, campaign)
    ]
    found = services.findings(ctx.store, campaign)
    return ctx.render(
        "dashboard.html",
        campaign=campaign,
        rows=rows,
        summary=summarize_dicts(found),
        findings_by_unit=weights.by_unit(found),
        info_lines=weights.info_lines(found),
        stage_label=services.STAGE_LABELS.get(services.current_stage(ctx.store, campaign.id)),
        deadlines=sorted(campaign.deadlines.items(), key=lambda kv: kv[1]),
    )


def summarize_dicts(found: list[dict]) -> dict:
    by_code: dict[str, dict] = {}
    for f in found:
        entry = by_code.setdefault(
            f["code"], {"code": f["code"], "severity": f["severity"], "count": 0, "units": set()}
        )
        entry["count"] += 1
        if f.get("unit"):
            entry["units"].add(f["unit"])
    order = {"error": 0, "warning": 1, "info": 2}
    return {
        "total": len(found),
        "by_severity": {s: sum(1 for f in found if f["severity"] == s) for s in ("error", "warning", "info")},
        "by_code": sorted(by_code.values(), key=lambda e: (order.get(e["severity"], 3), -e["count"])),
    }


@page(*SECRETARIAT)
def reopen(ctx: Ctx) -> Response:
    campaign = _campaign(ctx)
    try:
        unit = campaign.unit(ctx.param("unit"))
    except NotFound:
        raise NotFound("không tìm thấy") from None
    reason = ctx.form.get("reason").strip()
    problem = "Lý do tối đa 2000 ký tự." if len(reason) > 2000 else None
    if problem is None:
        try:
            services.reopen_self_assessment(ctx.store, campaign, unit.code, reason=reason or None, by=ctx.user.name)
        except InputError as exc:
            problem = "Chưa mở lại được: " + (
                "đơn vị chưa gửi bản tự đánh giá nên không có gì để mở lại."
                if "has not submitted" in str(exc)
                else str(exc)
            )
    if problem:
        context = tree_context(ctx, campaign, unit, errors={"reopen": problem}, values={"reason": reason})
        return ctx.render("unit_tree.html", http_status=400, **context)
    return ctx.redirect(f"/c/{campaign.id}/u/{unit.code}", "Đã mở lại bản tự đánh giá; đơn vị có thể sửa điểm.")


# ---------------------------------------------------------------- search


PAGE_SIZE = 50


@page(*STAFF)
def search(ctx: Ctx) -> Response:
    q = ctx.request.query_params
    values = {k: (q.get(k) or "").strip() for k in ("q", "campaign", "unit", "criterion", "type", "from", "to")}
    raw_page = (q.get("page") or "1").strip()
    page_no = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) <= 200 else 1
    campaigns = services.list_campaigns(ctx.store)
    units = sorted({r[0] for r in ctx.store.db.execute("SELECT code FROM units")})
    outcome, error, hits = None, None, []
    if values["q"]:
        try:
            outcome = services.search(
                ctx.store,
                values["q"],
                campaign=values["campaign"] or None,
                unit=values["unit"] or None,
                criterion=values["criterion"] or None,
                type_code=values["type"] or None,
                date_from=values["from"] or None,
                date_to=values["to"] or None,
                limit=PAGE_SIZE * page_no,
            )
            hits = outcome.hits[PAGE_SIZE * (page_no - 1) :]
        except InputError as exc:
            error = search_error(str(exc))
    kept = {k: v for k, v in values.items() if v}
    pages = {}
    if outcome is not None:
        if page_no > 1:
            pages["prev"] = "/search?" + urlencode({**kept, "page": page_no - 1})
        if outcome.total > PAGE_SIZE * page_no:
            pages["next"] = "/search?" + urlencode({**kept, "page": page_no + 1})
    return ctx.render(
        "search.html",
        values=values,
        outcome=outcome,
        hits=hits,
        first=PAGE_SIZE * (page_no - 1) + 1,
        pages=pages,
        error=error,
        campaigns=campaigns,
        units=units,
        types=TYPE_NAMES,
    )


def search_error(message: str) -> str:
    if "--from" in message or "--to" in message or "date" in message:
        return f"Ngày lọc không hợp lệ (ghi như 05/01/2025 hoặc 2025-01-05). Chi tiết: {message}"
    return f"Câu tìm kiếm không hợp lệ: {message}"


# ---------------------------------------------------------------- documents and the workbook


def _files(ctx: Ctx, campaign_id: str) -> list[dict]:
    folder = services.documents_dir(ctx.store, campaign_id)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.is_file() and path.suffix in DOCUMENT_MEDIA:
            stat = path.stat()
            out.append(
                {
                    "name": path.name,
                    "size": stat.st_size,
                    "at": datetime.fromtimestamp(stat.st_mtime, UTC).astimezone().isoformat(),
                }
            )
    return out


@page(*SECRETARIAT)
def documents(ctx: Ctx) -> Response:
    return _documents_page(ctx, _campaign(ctx))


def _documents_page(ctx: Ctx, campaign, *, errors: dict | None = None, values: dict | None = None, status: int = 200):
    return ctx.render(
        "documents.html",
        http_status=status,
        campaign=campaign,
        kinds=services.document_kinds(),
        kind_labels=KIND_LABELS,
        files=_files(ctx, campaign.id),
        soffice=_soffice_available(),
        errors=errors or {},
        values=values or {},
    )


def _soffice_available() -> bool:
    return services.soffice() is not None


@page(*SECRETARIAT)
def generate(ctx: Ctx) -> Response:
    campaign = _campaign(ctx)
    kind = ctx.form.get("kind")
    pdf = ctx.form.get("pdf") == "yes"
    url = f"/c/{campaign.id}/documents"
    if kind not in services.document_kinds():
        return _documents_page(
            ctx, campaign, errors={"kind": "Chọn loại văn bản cần tạo."}, values={"kind": kind}, status=400
        )
    folder = services.documents_dir(ctx.store, campaign.id)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        written, draft = services.generate_document(ctx.store, campaign.id, kind, folder, pdf=pdf)
    except EvidenceError as exc:
        return ctx.redirect(url, f"Chưa tạo được {KIND_LABELS.get(kind, kind)}: {exc}", "error")
    names = ", ".join(p.name for p in written) or "không có tệp nào (không có đơn vị cần đôn đốc)"
    note = " (bản DỰ THẢO: kết quả còn tạm tính hoặc chưa đến thời điểm ban hành)" if draft else ""
    return ctx.redirect(url, f"Đã tạo {KIND_LABELS.get(kind, kind)}{note}: {names}.")


@page(*SECRETARIAT)
def workbook(ctx: Ctx) -> Response:
    campaign = _campaign(ctx)
    folder = services.documents_dir(ctx.store, campaign.id)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        services.export_workbook(ctx.store, campaign.id, folder / f"{campaign.id}-bang-diem.xlsx")
    except EvidenceError as exc:
        return ctx.redirect(f"/c/{campaign.id}/documents", f"Chưa xuất được bảng điểm: {exc}", "error")
    return ctx.redirect(f"/c/{campaign.id}/documents", f"Đã xuất bảng điểm {campaign.id}-bang-diem.xlsx.")


_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


@page(*SECRETARIAT)
def document_file(ctx: Ctx) -> Response:
    campaign = _campaign(ctx)
    name = ctx.param("name")
    if not _SAFE_NAME.match(name) or name not in {f["name"] for f in _files(ctx, campaign.id)}:
        raise NotFound("không tìm thấy")
    path = services.documents_dir(ctx.store, campaign.id) / name
    suffix = Path(name).suffix
    return FileResponse(
        path,
        media_type=DOCUMENT_MEDIA[suffix],
        headers={"Content-Disposition": content_disposition(name, inline=False), "X-Content-Type-Options": "nosniff"},
    )


# ---------------------------------------------------------------- accounts


@page(*SECRETARIAT)
def users(ctx: Ctx) -> Response:
    return _users_page(ctx)


ROLE_ORDER = ("unit", "reviewer", "secretariat")  # the least powerful first: the form's default is a unit account


def _users_page(ctx: Ctx, *, errors: dict | None = None, values: dict | None = None, status: int = 200) -> Response:
    live = services.active_sessions(ctx.store)
    by_user: dict[str, list] = {}
    for session in live:
        by_user.setdefault(session.user_name or "", []).append(session)
    return ctx.render(
        "users.html",
        http_status=status,
        users=accounts.list_users(ctx.store),
        units=accounts.unit_codes(ctx.store),
        roles=ROLE_ORDER,
        errors=errors or {},
        values=values or {"role": "unit"},
        min_password=accounts.MIN_PASSWORD,
        max_password=accounts.MAX_PASSWORD,
        sessions=by_user,
    )


def _password_error(password: str) -> str | None:
    if len(password) < accounts.MIN_PASSWORD:
        return f"Mật khẩu cần ít nhất {accounts.MIN_PASSWORD} ký tự."
    if len(password) > accounts.MAX_PASSWORD:
        return f"Mật khẩu dài tối đa {accounts.MAX_PASSWORD} ký tự."
    return None


@page(*SECRETARIAT)
def user_add(ctx: Ctx) -> Response:
    name, role, unit = ctx.form.get("name").strip().lower(), ctx.form.get("role"), ctx.form.get("unit").strip()
    password = ctx.form.get("password")
    values = {"name": name, "role": role, "unit": unit}
    errors = {}
    try:
        accounts.check_name(name)
    except InputError:
        errors["name"] = "Tên đăng nhập 2–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới."
    if role not in accounts.ROLES:
        errors["role"] = "Chọn vai trò."
    elif role == "unit" and not unit:
        errors["unit"] = "Tài khoản đơn vị cần chọn đơn vị."
    elif role == "unit" and unit not in accounts.unit_codes(ctx.store):
        errors["unit"] = f"Không có đơn vị mã «{unit}» trong các đợt đánh giá."
    problem = _password_error(password)
    if problem:
        errors["password"] = problem
    if not errors and accounts.find_user(ctx.store, name):
        errors["name"] = "Tên đăng nhập này đã có."
    if not errors:
        try:
            accounts.add_user(ctx.store, name, role, password, unit=unit if role == "unit" else None)
        except InputError as exc:
            errors["name"] = f"Chưa tạo được tài khoản: {exc}"
    if errors:
        return _users_page(ctx, errors=errors, values=values, status=400)
    return ctx.redirect("/users", f"Đã tạo tài khoản {name}.")


@page(*SECRETARIAT)
def user_update(ctx: Ctx) -> Response:
    name = ctx.param("name")
    if accounts.find_user(ctx.store, name) is None:
        raise NotFound("không tìm thấy")
    action = ctx.form.get("action")
    if action == "password":
        problem = _password_error(ctx.form.get("password"))
        if problem:
            return _users_page(ctx, errors={f"password-{name}": problem}, status=400)
        accounts.set_password(ctx.store, name, ctx.form.get("password"))
        return ctx.redirect("/users", f"Đã đặt mật khẩu mới cho {name}; các phiên đăng nhập của tài khoản đã kết thúc.")
    if action in ("disable", "enable"):
        if name == ctx.user.name and action == "disable":
            return _users_page(ctx, errors={f"action-{name}": "Không thể tự khóa tài khoản đang dùng."}, status=400)
        accounts.set_disabled(ctx.store, name, action == "disable")
        return ctx.redirect("/users", f"Đã {'khóa' if action == 'disable' else 'mở khóa'} tài khoản {name}.")
    if action == "signout":
        ended = services.end_user_sessions(ctx.store, name)
        if name == ctx.user.name:
            sign_out(ctx.request)
            return ctx.redirect("/login")
        return ctx.redirect("/users", f"Đã đăng xuất {name} trên mọi thiết bị ({ended} phiên).")
    return _users_page(ctx, errors={f"action-{name}": "Thao tác không hợp lệ."}, status=400)
