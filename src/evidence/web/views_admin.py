"""The secretariat's pages (dashboard, documents, the score workbook, accounts) and the search page, which the
council uses too."""

from __future__ import annotations

import re
from datetime import datetime, UTC
from pathlib import Path

from starlette.responses import FileResponse, Response

from . import accounts
from ..errors import EvidenceError, InputError, NotFound
from ..vn.doctypes import TYPE_NAMES
from . import services
from .security import STAFF, Ctx, page
from .views_evidence import content_disposition

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
    "announcement": "Quyết định công bố kết quả",
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
    summary = summarize_dicts(found)
    by_unit: dict[str, int] = {}
    for f in found or []:
        by_unit[f.get("unit") or ""] = by_unit.get(f.get("unit") or "", 0) + 1
    return ctx.render(
        "dashboard.html",
        campaign=campaign,
        rows=rows,
        summary=summary,
        findings_by_unit=by_unit,
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
    unit = ctx.param("unit")
    try:
        campaign.unit(unit)
        services.reopen_self_assessment(
            ctx.store, campaign, unit, reason=ctx.form.get("reason").strip() or None, by=ctx.user.name
        )
    except NotFound:
        raise NotFound("không tìm thấy") from None
    except InputError as exc:
        return ctx.redirect(f"/c/{campaign.id}/u/{unit}", f"Chưa mở lại được: {exc}", "error")
    return ctx.redirect(f"/c/{campaign.id}/u/{unit}", "Đã mở lại bản tự đánh giá; đơn vị có thể sửa điểm.")


# ---------------------------------------------------------------- search


@page(*STAFF)
def search(ctx: Ctx) -> Response:
    q = ctx.request.query_params
    values = {k: (q.get(k) or "").strip() for k in ("q", "campaign", "unit", "criterion", "type", "from", "to")}
    campaigns = services.list_campaigns(ctx.store)
    units = sorted({r[0] for r in ctx.store.db.execute("SELECT code FROM units")})
    outcome, error = None, None
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
                limit=50,
            )
        except InputError as exc:
            error = search_error(str(exc))
    return ctx.render(
        "search.html", values=values, outcome=outcome, error=error, campaigns=campaigns, units=units, types=TYPE_NAMES
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
    campaign = _campaign(ctx)
    return ctx.render(
        "documents.html",
        campaign=campaign,
        kinds=services.document_kinds(),
        kind_labels=KIND_LABELS,
        files=_files(ctx, campaign.id),
        soffice=_soffice_available(),
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
        return ctx.redirect(url, "Chọn loại văn bản cần tạo.", "error")
    folder = services.documents_dir(ctx.store, campaign.id)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        written = services.generate_document(ctx.store, campaign.id, kind, folder, pdf=pdf)
    except EvidenceError as exc:
        return ctx.redirect(url, f"Chưa tạo được {KIND_LABELS.get(kind, kind)}: {exc}", "error")
    names = ", ".join(p.name for p in written) or "không có tệp nào (không có đơn vị cần đôn đốc)"
    return ctx.redirect(url, f"Đã tạo {KIND_LABELS.get(kind, kind)}: {names}.")


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


def _users_page(ctx: Ctx, *, errors: dict | None = None, values: dict | None = None, status: int = 200) -> Response:
    return ctx.render(
        "users.html",
        http_status=status,
        users=accounts.list_users(ctx.store),
        units=accounts.unit_codes(ctx.store),
        roles=accounts.ROLES,
        errors=errors or {},
        values=values or {},
        min_password=accounts.MIN_PASSWORD,
    )


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
    elif role == "unit" and unit not in accounts.unit_codes(ctx.store):
        errors["unit"] = "Tài khoản đơn vị cần chọn mã đơn vị."
    if len(password) < accounts.MIN_PASSWORD:
        errors["password"] = f"Mật khẩu cần ít nhất {accounts.MIN_PASSWORD} ký tự."
    if not errors:
        try:
            accounts.add_user(ctx.store, name, role, password, unit=unit if role == "unit" else None)
        except InputError as exc:
            errors["name" if "already exists" in str(exc) else "role"] = (
                "Tên đăng nhập này đã có." if "already exists" in str(exc) else str(exc)
            )
    if errors:
        return _users_page(ctx, errors=errors, values=values, http_status=400)
    return ctx.redirect("/users", f"Đã tạo tài khoản {name}.")


@page(*SECRETARIAT)
def user_update(ctx: Ctx) -> Response:
    name = ctx.param("name")
    accounts.get_user(ctx.store, name)
    action = ctx.form.get("action")
    if action == "password":
        password = ctx.form.get("password")
        if len(password) < accounts.MIN_PASSWORD:
            return _users_page(
                ctx,
                errors={f"password-{name}": f"Mật khẩu cần ít nhất {accounts.MIN_PASSWORD} ký tự."},
                http_status=400,
            )
        accounts.set_password(ctx.store, name, password)
        return ctx.redirect("/users", f"Đã đặt mật khẩu mới cho {name}.")
    if action in ("disable", "enable"):
        if name == ctx.user.name and action == "disable":
            return ctx.redirect("/users", "Không thể tự khóa tài khoản đang dùng.", "error")
        accounts.set_disabled(ctx.store, name, action == "disable")
        return ctx.redirect("/users", f"Đã {'khóa' if action == 'disable' else 'mở khóa'} tài khoản {name}.")
    raise InputError("thao tác không hợp lệ")
