"""The council's pages: every unit of a campaign, the appraisal of a criterion, objections to resolve."""

from __future__ import annotations

from starlette.responses import Response

from ..errors import InputError, NotFound
from . import publication, services
from .security import STAFF, Ctx, page, require_unit
from .views_unit import criterion_context, score_error, unit_url


@page(*STAFF)
def units(ctx: Ctx) -> Response:
    try:
        campaign = services.load_campaign(ctx.store, ctx.param("campaign"))
    except NotFound:
        raise NotFound("không tìm thấy") from None
    statuses = services.unit_statuses(ctx.store, campaign.id)
    summaries = services.unit_score_summaries(ctx.store, campaign.id)
    rows = [
        {"progress": p, "status": statuses.get(p["unit"]), **summaries[p["unit"]]}
        for p in services.progress(ctx.store, campaign)
    ]
    return ctx.render("units.html", campaign=campaign, rows=rows)


@page(*STAFF)
def appraise(ctx: Ctx) -> Response:
    campaign, unit = require_unit(ctx, ctx.param("campaign"), ctx.param("unit"))
    criterion = campaign.criterion(ctx.param("criterion"), unit=unit)
    value, comment = ctx.form.get("score").strip(), ctx.form.get("comment").strip()
    errors = {}
    submitted = services.unit_status(ctx.store, campaign.id, unit.code).submitted
    if not value:
        errors["appraised"] = "Nhập điểm thẩm định (có thể là 0)."
    elif not submitted and ctx.form.get("force") != "yes":
        errors["appraised"] = publication.NOT_SUBMITTED
    else:
        try:
            services.appraise(
                ctx.store, campaign, unit.code, criterion.code, value, comment=comment or None, by=ctx.user.name
            )
        except InputError as exc:
            errors["appraised"] = score_error(str(exc), criterion)
    if errors:
        return ctx.render(
            "criterion.html",
            http_status=400,
            **criterion_context(
                ctx,
                campaign,
                unit,
                criterion.code,
                errors=errors,
                values={"appraised": value, "comment": comment, "force": ctx.form.get("force")},
            ),
        )
    return ctx.redirect(
        _next_url(ctx, campaign, unit, criterion.code),
        f"Đã lưu điểm thẩm định tiêu chí {criterion.code} của {unit.name}.",
    )


def _next_url(ctx: Ctx, campaign, unit, code: str) -> str:
    """After appraising, the next applicable criterion of the unit (the council works down the list)."""
    if ctx.form.get("then") == "next":
        leaves = [c.code for c in campaign.applicable_leaves(unit)]
        if code in leaves and leaves.index(code) + 1 < len(leaves):
            return unit_url(campaign.id, unit.code, leaves[leaves.index(code) + 1])
    return unit_url(campaign.id, unit.code, code) + "#diem"


@page(*STAFF)
def resolve(ctx: Ctx) -> Response:
    campaign, unit = require_unit(ctx, ctx.param("campaign"), ctx.param("unit"))
    criterion = campaign.criterion(ctx.param("criterion"), unit=unit)
    decision, value, reason = ctx.form.get("decision"), ctx.form.get("score").strip(), ctx.form.get("reason").strip()
    errors = {}
    if decision not in ("accept", "reject"):
        errors["resolve"] = "Chọn chấp nhận hoặc không chấp nhận kiến nghị."
    elif decision == "accept" and not value:
        errors["resolve"] = "Chấp nhận kiến nghị cần điểm thẩm định mới."
    elif decision == "reject" and not reason:
        errors["resolve"] = "Không chấp nhận kiến nghị cần nêu lý do."
    if not errors:
        try:
            services.resolve_objection(
                ctx.store,
                campaign,
                unit.code,
                criterion.code,
                accepted=decision == "accept",
                score=value or None,
                reason=reason or None,
                by=ctx.user.name,
            )
        except InputError as exc:
            errors["resolve"] = score_error(str(exc), criterion)
    if errors:
        return ctx.render(
            "criterion.html",
            http_status=400,
            **criterion_context(
                ctx,
                campaign,
                unit,
                criterion.code,
                errors=errors,
                values={"resolve_score": value, "reason": reason, "decision": decision},
            ),
        )
    return ctx.redirect(unit_url(campaign.id, unit.code, criterion.code) + "#diem", "Đã xử lý kiến nghị.")
