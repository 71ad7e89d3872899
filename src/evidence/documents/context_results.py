"""Contexts of the documents that close a round: minutes, report and announcement, from `results.compute_results`
(totals, percentages, bands, ranking, statistics, most-deducted criteria are computed there, not here)."""

from __future__ import annotations

from datetime import date, datetime

from ..round.campaign import Campaign
from ..round.results import Results, UnitResult, compute_results
from ..round.scoring import current_scores
from ..store import Store
from .chart import percentages_chart
from .context_common import common_context, council_label, issue_date, lower_first, person, plan_reference, short_date
from .context_setup import _punctuate, authority_line
from .render import Image
from .settings import DocumentSettings

TOP_DEDUCTED = 10
NAMED_UNITS_PER_BAND = 12


def vn_number(value: float | None, decimals: int = 2) -> str:
    """`12.5` → `12,5`; `85.0` → `85`; None → `-` (Vietnamese decimal comma, no trailing zeros)."""
    if value is None:
        return "-"
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").replace(".", ",")


def vn_percent(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _signed(value: float) -> str:
    text = vn_number(value)
    return f"+{text}" if value > 0 else text


def _ranking(results: Results) -> list[dict]:
    return [
        {
            "rank": u.rank,
            "code": u.code,
            "name": u.name,
            "self": vn_number(u.self_total),
            "appraised": vn_number(u.score),
            "max": vn_number(u.max_points),
            "percent": vn_percent(u.percent),
            "band": u.band or "",
        }
        for u in results.units
    ]


def _stats(results: Results) -> dict:
    s = results.statistics
    percents = sorted(u.percent for u in results.units)
    median = 0.0
    if percents:
        mid = len(percents) // 2
        median = percents[mid] if len(percents) % 2 else (percents[mid - 1] + percents[mid]) / 2
    summary = "; ".join(f"{b['units']} cơ quan, đơn vị xếp loại {b['band']}" for b in s.per_band if b["units"])
    return {
        "units": s.units,
        "mean": vn_percent(s.mean),
        "median": vn_percent(median),
        "max": vn_percent(s.highest),
        "min": vn_percent(s.lowest),
        "summary": summary,
    }


def _decision_block(campaign: Campaign, kind: str) -> dict:
    settings = DocumentSettings(campaign, kind)
    return {
        "authority": settings.text("authority", authority_line(campaign.organization.issuer.upper())),
        "proposer": settings.text("proposer", "Chánh Văn phòng"),
        "implementers": settings.text("implementers", "Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị có liên quan"),
    }


# --------------------------------------------------------------------------------------------------- minutes


def _clock(value: str, default: str) -> str:
    """`08:00` → `08 giờ 00 phút`."""
    text = (value or default).strip()
    try:
        hours, minutes = text.split(":")[:2]
        return f"{int(hours):02d} giờ {int(minutes):02d} phút"
    except ValueError:
        return text


def _meeting(campaign: Campaign, settings: DocumentSettings, issuer_name: str) -> dict:
    held = settings.get("held_at")
    when: date = campaign.deadlines.get("appraisal") or issue_date(settings)
    start = "08:00"
    if isinstance(held, datetime):
        when, start = held.date(), held.strftime("%H:%M")
    elif isinstance(held, date):
        when = held
    elif isinstance(held, str) and held.strip():
        parts = held.strip().replace("T", " ").split()
        when = date.fromisoformat(parts[0]) if "-" in parts[0] else when
        start = parts[1] if len(parts) > 1 else (parts[0] if ":" in parts[0] else start)
    return {
        "start": _clock(start, "08:00"),
        "end": _clock(str(settings.get("ends_at", "11:30")), "11:30"),
        "date": short_date(when),
        "venue": settings.text("venue", f"phòng họp {issuer_name}"),
    }


def _unit_comment(unit: UnitResult) -> str:
    if unit.appraised == 0:
        return "Chưa thẩm định; kết quả tạm tính theo điểm tự đánh giá."
    lowered = [r for r in unit.criteria if r.applicable and r.deduction is not None and r.deduction > 1e-9]
    raised = [r for r in unit.criteria if r.applicable and r.deduction is not None and r.deduction < -1e-9]
    notes = [f"tiêu chí {r.code}: {r.comment}" for r in unit.criteria if r.applicable and r.comment]
    parts = []
    if not lowered and not raised:
        parts.append("Hội đồng thống nhất với kết quả tự đánh giá")
    if lowered:
        parts.append(
            f"điểm thẩm định thấp hơn điểm tự đánh giá ở {len(lowered)} tiêu chí "
            f"({', '.join(r.code for r in lowered[:8])}{', …' if len(lowered) > 8 else ''})"
        )
    if raised:
        parts.append(f"điểm thẩm định cao hơn điểm tự đánh giá ở {len(raised)} tiêu chí")
    if unit.appraised < unit.applicable_criteria:
        parts.append(f"còn {unit.applicable_criteria - unit.appraised} tiêu chí chưa thẩm định")
    text = "; ".join(parts)
    if notes:
        text += ". Ý kiến cụ thể: " + "; ".join(notes[:6]) + ("; …" if len(notes) > 6 else "")
    return text[0].upper() + text[1:] + "."


def _objections(store: Store, campaign: Campaign) -> list[str]:
    names = {u.code: u.name for u in campaign.units}
    verdict = {"accepted": "Hội đồng chấp nhận", "rejected": "Hội đồng không chấp nhận", "open": "đang xem xét"}
    lines = []
    for (unit_code, criterion), score in current_scores(store, campaign.id).items():
        if not score.objection:
            continue
        line = f"{names.get(unit_code, unit_code)} kiến nghị về tiêu chí {criterion}: {score.objection.rstrip('.')}"
        line += f" — {verdict.get(score.objection_status or 'open', score.objection_status)}"
        if score.resolution:
            line += f" ({score.resolution.rstrip('.')})"
        lines.append(line + ";")
    if lines:
        lines[-1] = lines[-1][:-1] + "."
    return lines or ["Không có ý kiến, kiến nghị."]


def minutes_context(store: Store, campaign: Campaign) -> dict:
    results = compute_results(store, campaign)
    council = council_label(campaign, "minutes")
    context = common_context(
        campaign, "minutes", subject=f"Họp thẩm định kết quả tự đánh giá {lower_first(campaign.name)}"
    )
    settings = DocumentSettings(campaign, "minutes")
    ordered = sorted(results.units, key=lambda u: [x.code for x in campaign.units].index(u.code))
    units = []
    for i, unit in enumerate(ordered, start=1):
        units.append(
            {
                "no": i,
                "code": unit.code,
                "name": unit.name,
                "max": vn_number(unit.max_points),
                "self": vn_number(unit.self_total),
                "appraised": vn_number(unit.score),
                "diff": _signed(unit.score - unit.self_total),
                "percent": vn_percent(unit.percent),
                "band": unit.band or "",
                "comment": _unit_comment(unit),
                "fields": [
                    {
                        "code": f.code,
                        "title": f.title,
                        "max": vn_number(f.max_points),
                        "self": vn_number(f.self_total),
                        "appraised": vn_number(f.score),
                        "diff": _signed(f.score - f.self_total),
                    }
                    for f in unit.fields
                    if f.max_points > 0
                ],
            }
        )
    chair, secretary = person(campaign, "chair"), person(campaign, "secretary")
    stats = results.statistics
    context.update(
        {
            "council": council,
            "meeting": _meeting(campaign, settings, context["org"]["issuer_name"]),
            "chair": chair,
            "secretary": secretary,
            "attendees": [
                {"name": m.name, "title": m.title} for m in campaign.council if m.role not in ("chair", "secretary")
            ],
            "units": units,
            "objections": settings.lines("objections", _objections(store, campaign)),
            "conclusions": settings.lines(
                "conclusions",
                [
                    f"{council['label']} thống nhất kết quả thẩm định của {stats.units} cơ quan, đơn vị như trên; chỉ số bình "
                    f"quân đạt {vn_percent(stats.mean)}%, cao nhất {vn_percent(stats.highest)}%, thấp nhất "
                    f"{vn_percent(stats.lowest)}%.",
                    f"Giao Thư ký tổng hợp, hoàn thiện kết quả, trình {context['org']['issuer_name']} công bố theo quy định.",
                ],
            ),
        }
    )
    return context


# ---------------------------------------------------------------------------------------------------- report


def _field_rates(results: Results) -> list[tuple[str, str, float]]:
    """(code, title, % of the applicable maximum reached) per field over all units."""
    sums: dict[str, list] = {}
    for unit in results.units:
        for f in unit.fields:
            entry = sums.setdefault(f.code, [f.title, 0.0, 0.0])
            entry[1] += f.score
            entry[2] += f.max_points
    return [(code, title, 100 * got / top) for code, (title, got, top) in sums.items() if top > 0]


def _bands(campaign: Campaign, results: Results) -> list[dict]:
    out, upper = [], None
    for band in campaign.bands:
        members = [u.name for u in results.units if u.band == band.name]
        low = vn_number(band.min)
        text = (
            f"từ {low}% trở lên"
            if upper is None
            else f"dưới {vn_number(upper)}%"
            if band.min <= 0
            else f"từ {low}% đến dưới {vn_number(upper)}%"
        )
        upper = band.min
        listed = f": {', '.join(members)}" if members and len(members) <= NAMED_UNITS_PER_BAND else ""
        out.append({"name": band.name, "range": text, "count": len(members), "units_text": listed})
    return out


def report_context(store: Store, campaign: Campaign, *, chart: bool = True) -> dict:
    results = compute_results(store, campaign)
    context = common_context(campaign, "report", subject=f"Kết quả {lower_first(campaign.name)}")
    settings = DocumentSettings(campaign, "report")
    stats = results.statistics
    units = results.units
    overall = [f"Tổng số cơ quan, đơn vị được đánh giá: {stats.units}."]
    if units:
        top, bottom = units[0], units[-1]
        overall.append(
            f"Chỉ số bình quân đạt {vn_percent(stats.mean)}%; cao nhất là {top.name} "
            f"({vn_percent(stats.highest)}%), thấp nhất là {bottom.name} ({vn_percent(stats.lowest)}%); "
            f"chênh lệch {vn_number(stats.gap)} điểm phần trăm."
        )
        agreed = sum(1 for u in units if u.agreed_on)
        overall.append(f"Số cơ quan, đơn vị có văn bản thống nhất kết quả thẩm định: {agreed}/{stats.units}.")
        provisional = sum(1 for u in units if u.basis != "appraised")
        if provisional:
            overall.append(
                f"{provisional} cơ quan, đơn vị chưa được thẩm định đầy đủ; kết quả tạm tính theo điểm "
                "tự đánh giá đối với các tiêu chí chưa thẩm định."
            )
    rates = sorted(_field_rates(results), key=lambda r: -r[2])
    deducted = results.most_deducted
    strengths, limitations = [], []
    if campaign.bands and units:
        best = campaign.bands[0].name
        n_best = sum(1 for u in units if u.band == best)
        strengths.append(
            f"{n_best}/{stats.units} cơ quan, đơn vị xếp loại {best}; chỉ số bình quân đạt {vn_percent(stats.mean)}%."
        )
        worst = campaign.bands[-1].name
        n_worst = sum(1 for u in units if u.band == worst)
        if n_worst and len(campaign.bands) > 1:
            limitations.append(f"Còn {n_worst} cơ quan, đơn vị xếp loại {worst}.")
    if rates:
        strengths.append(
            "Các lĩnh vực có tỷ lệ điểm đạt cao: "
            + ", ".join(f"{title} ({vn_number(rate)}%)" for _, title, rate in rates[:2])
            + "."
        )
        limitations.append(
            "Các lĩnh vực có tỷ lệ điểm đạt thấp: "
            + ", ".join(f"{title} ({vn_number(rate)}%)" for _, title, rate in rates[::-1][:2])
            + "."
        )
    if deducted:
        limitations.append(
            f"{len(deducted)} tiêu chí bị trừ điểm so với điểm tự đánh giá; nhiều nhất là tiêu chí "
            f"{deducted[0].code} ({deducted[0].title}) với {deducted[0].units} cơ quan, đơn vị."
        )
    context.update(
        {
            "overall": overall,
            "stats": _stats(results),
            "ranking": _ranking(results),
            "chart": Image(
                percentages_chart(
                    [u.code for u in units],
                    [u.percent for u in units],
                    [u.band or "" for u in units],
                    [b.name for b in campaign.bands],
                ),
                160,
            )
            if chart
            else "",
            "bands": _bands(campaign, results),
            "most_deducted": [
                {"no": i, "code": d.code, "title": d.title, "units": d.units, "points": vn_number(d.total_deduction)}
                for i, d in enumerate(deducted[:TOP_DEDUCTED], start=1)
            ],
            "strengths": settings.lines(
                "strengths", strengths or ["Các cơ quan, đơn vị hoàn thành tự đánh giá đúng thời hạn."]
            ),
            "limitations": settings.lines("limitations", limitations or ["Không có hạn chế đáng kể."]),
            "recommendations": settings.lines(
                "recommendations",
                [
                    "Các cơ quan, đơn vị nghiêm túc rà soát các tiêu chí bị trừ điểm, xây dựng kế hoạch khắc phục trong năm "
                    "tiếp theo;",
                    "Chú trọng lưu trữ, cập nhật đầy đủ tài liệu kiểm chứng ngay khi ban hành văn bản;",
                    "Người đứng đầu cơ quan, đơn vị chịu trách nhiệm về kết quả tự đánh giá, chấm điểm.",
                ],
            ),
            "appendix": {
                "fields": [f.code for f in results.units[0].fields] if units else [],
                "legend": "; ".join(f"{f.code}: {f.title}" for f in (units[0].fields if units else [])) + ".",
                "rows": [
                    {
                        "no": u.rank,
                        "name": u.name,
                        "fields": [vn_number(f.score) for f in u.fields],
                        "total": vn_number(u.score),
                        "percent": vn_percent(u.percent),
                    }
                    for u in units
                ],
            },
        }
    )
    if not context["recipients"]:
        context["recipients"] = ["Các cơ quan, đơn vị được đánh giá"]
    return context


# ---------------------------------------------------------------------------------------------- announcement


def announcement_context(store: Store, campaign: Campaign) -> dict:
    results = compute_results(store, campaign)
    context = common_context(campaign, "announcement", subject=f"Công bố kết quả {lower_first(campaign.name)}")
    settings = DocumentSettings(campaign, "announcement")
    label = council_label(campaign, "announcement")["label"]
    bases = settings.lines(
        "legal_bases",
        [
            f"Căn cứ {plan_reference(campaign)} của {context['org']['issuer_name']} về triển khai "
            f"{lower_first(campaign.name)}",
            f"Căn cứ kết quả thẩm định của {label}",
        ],
    )
    context.update(
        {
            "decision": _decision_block(campaign, "announcement"),
            "legal_bases": _punctuate(bases),
            "stats": _stats(results),
            "ranking": _ranking(results),
        }
    )
    if not context["recipients"]:
        context["recipients"] = ["Như Điều 3", "Các cơ quan, đơn vị được đánh giá"]
    return context
