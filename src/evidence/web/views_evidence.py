"""One evidence record: metadata (extracted and corrected), its links, findings, a preview; the original file;
metadata corrections."""

from __future__ import annotations

import json
import mimetypes
from urllib.parse import quote

from starlette.responses import FileResponse, Response

from ..errors import InputError, NotFound
from ..vn.doctypes import TYPE_NAMES
from . import services, weights
from .security import Ctx, Forbidden, can_see_unit, evidence_id_param, page, require_evidence

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text": "text/plain; charset=utf-8",
}
PREVIEW_TEXT_CHARS = 20000


def may_correct(ctx: Ctx, record: dict) -> bool:
    if ctx.user.role == "secretariat":
        return True
    return ctx.user.role == "unit" and any(l["unit"] == ctx.user.unit for l in record["links"])


def evidence_context(ctx: Ctx, evidence_id: int, **extra) -> dict:
    record = services.get_evidence(ctx.store, evidence_id)
    extracted = _extracted(ctx, evidence_id)
    record["links"] = [l for l in record["links"] if can_see_unit(ctx.user, l["unit"])]
    found = [
        f
        for f in services.evidence_findings(ctx.store, evidence_id)
        if not f.get("unit") or can_see_unit(ctx.user, f["unit"])
    ]
    corrected = "issued_on" in services.latest_corrections(ctx.store, evidence_id)
    text = ""
    if record["format"] not in ("pdf", "image"):
        text = services.evidence_text(ctx.store, evidence_id)
    context = {
        "record": record,
        "extracted": extracted,
        "findings": weights.serious(found),
        "info_findings": [f for f in found if f.get("severity") == "info"],
        "estimated": services.estimated_issue_date(record["metadata"], corrected),
        "warnings": [
            {"code": w, "label": services.warning_label(w)}
            for w in record["metadata"].get("warnings") or []
            if not (w == "date_day_estimated" and corrected)
        ],
        "history": services.correction_history(ctx.store, evidence_id),
        "fields": services.CORRECTABLE_FIELDS,
        "may_correct": may_correct(ctx, record),
        "type_names": TYPE_NAMES,
        "text": text[:PREVIEW_TEXT_CHARS],
        "text_cut": len(text) > PREVIEW_TEXT_CHARS,
        "errors": {},
        "values": {},
    }
    context.update(extra)
    return context


def _extracted(ctx: Ctx, evidence_id: int) -> dict:
    row = ctx.store.db.execute("SELECT metadata FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
    return json.loads(row["metadata"]) if row else {}


@page()
def evidence_page(ctx: Ctx) -> Response:
    evidence_id = evidence_id_param(ctx)
    require_evidence(ctx, evidence_id)
    return ctx.render("evidence.html", **evidence_context(ctx, evidence_id))


@page()
def evidence_file(ctx: Ctx) -> Response:
    """The stored original. PDFs and images are sent inline (for the preview), everything else as an
    attachment; the name is the one the user gave the file (RFC 5987 for Vietnamese names)."""
    evidence_id = evidence_id_param(ctx)
    require_evidence(ctx, evidence_id)
    row = ctx.store.db.execute("SELECT sha256, filename, format FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
    path = ctx.store.blobs.path(row["sha256"])
    if not path.is_file():
        raise NotFound("bản gốc không còn trong kho")
    fmt = row["format"]
    media_type = MEDIA_TYPES.get(fmt)
    if fmt == "image":
        media_type = mimetypes.guess_type(row["filename"])[0] or "application/octet-stream"
        if not media_type.startswith("image/"):
            media_type = "application/octet-stream"
    media_type = media_type or "application/octet-stream"
    inline = ctx.request.query_params.get("inline") == "1" and fmt in ("pdf", "image")
    return FileResponse(
        path,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(row["filename"], inline=inline),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def content_disposition(filename: str, *, inline: bool = False) -> str:
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in filename)
    return (
        f'{"inline" if inline else "attachment"}; filename="{fallback or "tep"}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )


@page("unit", "secretariat")
def correct(ctx: Ctx) -> Response:
    evidence_id = evidence_id_param(ctx)
    require_evidence(ctx, evidence_id)
    record = services.get_evidence(ctx.store, evidence_id)
    if not may_correct(ctx, record):
        raise Forbidden()
    field, value = ctx.form.get("field"), ctx.form.get("value").strip()
    if field not in services.CORRECTABLE_FIELDS:
        raise InputError("trường cần sửa không hợp lệ")
    try:
        services.correct_metadata(ctx.store, evidence_id, field, value, by=ctx.user.name)
    except InputError as exc:
        return ctx.render(
            "evidence.html",
            http_status=400,
            **evidence_context(
                ctx, evidence_id, errors={field: correction_error(field, str(exc))}, values={field: value}
            ),
        )
    label = services.CORRECTABLE_FIELDS[field]
    return ctx.redirect(
        f"/e/{evidence_id}#thong-tin", f"Đã sửa “{label}”." if value else f"Đã ghi nhận “{label}” là không xác định."
    )


def correction_error(field: str, message: str) -> str:
    if field == "number":
        return "Số, ký hiệu không hợp lệ: ghi như 84/QĐ-UBND hoặc 30/2020/NĐ-CP."
    if field == "issued_on":
        if "future" in message:
            return "Ngày ban hành không thể ở tương lai."
        return "Ngày không hợp lệ: ghi như 05/01/2025 (ngày/tháng/năm) hoặc 2025-01-05."
    if field == "type_code":
        return "Loại văn bản không hợp lệ: chọn một loại theo Nghị định 30 (QĐ, KH, BC, CV …)."
    if "at most" in message:
        return f"Tối đa {services.MAX_CORRECTION_TEXT} ký tự."
    return message
