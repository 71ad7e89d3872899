"""Downloads of a unit's own documents: its self-assessment report (.docx) and its dossier (.zip). The unit sees
its own; the council (reviewers) and the secretariat see every unit's. Each is made on request into a private
temporary folder that is removed once the response is sent."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from ..errors import EvidenceError
from . import services
from .security import Ctx, page, require_unit
from .views_evidence import content_disposition
from .views_unit import unit_url

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(path: Path, media_type: str, folder: Path) -> Response:
    return FileResponse(
        path,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(path.name, inline=False),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@page()
def self_report(ctx: Ctx) -> Response:
    campaign, unit = require_unit(ctx, ctx.param("campaign"), ctx.param("unit"))
    folder = Path(tempfile.mkdtemp(prefix="evidence-web-"))
    try:
        path = services.self_report_docx(ctx.store, campaign.id, unit.code, folder)
    except EvidenceError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return ctx.redirect(unit_url(campaign.id, unit.code), f"Chưa tạo được báo cáo tự đánh giá: {exc}", "error")
    return _download(path, DOCX, folder)


@page()
def dossier(ctx: Ctx) -> Response:
    campaign, unit = require_unit(ctx, ctx.param("campaign"), ctx.param("unit"))
    folder = Path(tempfile.mkdtemp(prefix="evidence-web-"))
    try:
        path = services.unit_dossier(ctx.store, campaign.id, unit.code, folder)
    except EvidenceError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return ctx.redirect(unit_url(campaign.id, unit.code), f"Chưa lập được hồ sơ: {exc}", "error")
    return _download(path, "application/zip", folder)
