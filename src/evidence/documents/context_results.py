"""Contexts of the documents that close a round: minutes, report, submission and announcement, from
`results.compute_results` (totals, percentages, bands, ranking, statistics, most-deducted criteria are computed
there, not here). The groups (departments, communes) each rank on their own."""

from __future__ import annotations

from datetime import date, datetime

from ..round.campaign import Campaign
from ..round.results import GroupResult, Results, UnitResult, compute_results
from ..round.stages import stage_dates
from ..round.scoring import history
from ..store import Store, chain_head
from . import authority, bases
from .chart import percentages_chart
from .context_common import (
    common_context,
    council_label,
    council_members,
    issue_date,
    lower_first,
    plan_ref,
    short_date,
)
from .render import Image
from .settings import DocumentSettings

TOP_DEDUCTED = 10
NAMED_UNITS_PER_BAND = 12
DEDUCTIONS_IN_TEXT = 6  # per unit in the minutes' body; more go to the appendix, in full


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


def sentence(text: str) -> str:
    """A council's comment as a full sentence: capital first letter, one final period, no `.;`."""
    text = " ".join((text or "").split()).rstrip(" .;,")
    return (text[:1].upper() + text[1:] + ".") if text else ""


# ------------------------------------------------------------------------------------------ groups, state


def provisional_reasons(store: Store, campaign: Campaign, results: Results) -> list[str]:
    """Why the results cannot be final yet (empty: they can), as the round states them."""
    return list(results.provisional_reasons)


def _groups(results: Results) -> list[GroupResult]:
    if results.groups:
        return results.groups
    return [
        GroupResult("all", "Các cơ quan, đơn vị", [], "", results.max_points, results.units, results.statistics, [])
    ]


def _ranking(results: Results, campaign: Campaign) -> list[dict]:
    rows = []
    for group in _groups(results):
        for u in group.units:
            rows.append(
                {
                    "group": group.name,
                    "rank": u.rank,
                    "code": u.code,
                    "name": u.name,
                    "self": vn_number(u.self_total),
                    "appraised": vn_number(u.score),
                    "max": vn_number(u.max_points),
                    "percent": vn_percent(u.percent),
                    "band": u.band or "",
                }
            )
    return rows


def _group_rows(results: Results, campaign: Campaign) -> list[dict]:
    out = []
    for group in _groups(results):
        out.append(
            {
                "name": group.name,
                "count": len(group.units),
                "mean": vn_percent(group.statistics.mean),
                "best": f"{group.units[0].name} ({vn_percent(group.units[0].percent)}%)" if group.units else "",
                "worst": f"{group.units[-1].name} ({vn_percent(group.units[-1].percent)}%)" if group.units else "",
                "rows": [
                    {
                        "rank": u.rank,
                        "name": u.name,
                        "appraised": vn_number(u.score),
                        "max": vn_number(u.max_points),
                        "percent": vn_percent(u.percent),
                        "band": u.band or "",
                    }
                    for u in group.units
                ],
            }
        )
    return out


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


def _decision_block(store: Store | None, campaign: Campaign, kind: str, proposal: bases.Ref | None) -> dict:
    settings = DocumentSettings(campaign, kind)
    head = authority.standing_head(campaign)
    level = authority.province_level(campaign)
    proposer = f"{head} tại {proposal.citation(issuer=False, subject=False)}" if proposal else head
    return {
        "authority": settings.text("authority", authority.authority_line(campaign, kind)),
        "proposer": settings.text("proposer") if settings.get("proposer") else proposer,
        "implementers": settings.text(
            "implementers", f"Chánh Văn phòng UBND {level}, {head}, Thủ trưởng các cơ quan, đơn vị có liên quan"
        ),
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


def meeting_date(campaign: Campaign, store: Store | None = None) -> date:
    """The appraisal meeting's day: `documents.minutes.held_at`, else the day the round entered its appraisal
    stage, else the appraisal deadline, else the issue date."""
    settings = DocumentSettings(campaign, "minutes")
    held = settings.get("held_at")
    if isinstance(held, datetime):
        return held.date()
    if isinstance(held, date):
        return held
    if isinstance(held, str) and held.strip() and "-" in held:
        try:
            return date.fromisoformat(held.strip().replace("T", " ").split()[0])
        except ValueError:
            pass
    stages = stage_dates(store, campaign.id) if store is not None else {}
    return stages.get("appraisal") or campaign.deadlines.get("appraisal") or issue_date(settings)


def _meeting(store: Store, campaign: Campaign, settings: DocumentSettings, venue_default: str) -> dict:
    held = settings.get("held_at")
    start = "08:00"
    if isinstance(held, datetime):
        start = held.strftime("%H:%M")
    elif isinstance(held, str) and held.strip():
        parts = held.strip().replace("T", " ").split()
        start = parts[1] if len(parts) > 1 else (parts[0] if ":" in parts[0] else start)
    return {
        "start": _clock(start, "08:00"),
        "end": _clock(str(settings.get("ends_at", "11:30")), "11:30"),
        "date": short_date(meeting_date(campaign, store)),
        "venue": settings.text("venue", venue_default),
    }


def _deductions(unit: UnitResult) -> list[dict]:
    out = []
    for r in unit.criteria:
        if not r.applicable or r.deduction is None or abs(r.deduction) < 1e-9:
            continue
        reason = sentence(r.comment or "") or "Tài liệu kiểm chứng chưa đáp ứng đầy đủ yêu cầu của tiêu chí."
        out.append(
            {
                "unit": unit.name,
                "code": r.code,
                "title": r.title,
                "self": vn_number(r.self_score),
                "appraised": vn_number(r.appraised_score),
                "reason": reason,
                "text": f"Tiêu chí {r.code} ({r.title}): tự chấm {vn_number(r.self_score)} điểm, thẩm định "
                f"{vn_number(r.appraised_score)} điểm. {reason}",
            }
        )
    return out


def _survey_codes(campaign: Campaign, unit: UnitResult) -> set[str]:
    framework = campaign.framework_for(unit.code)
    return {c.code for c in framework.leaves() if c.is_survey}


def _survey_points(unit: UnitResult, survey: set[str]) -> tuple[float, float]:
    """(points entered, maximum) of the unit's survey criteria: they are not self-scored."""
    rows = [r for r in unit.criteria if r.applicable and r.code in survey]
    return sum(r.score or 0 for r in rows), sum(r.max_points for r in rows)


def _unit_summary(unit: UnitResult, label: str, survey: set[str]) -> str:
    got, top = _survey_points(unit, survey)
    if top:
        text = (
            f"Tự đánh giá {vn_number(unit.self_total)}/{vn_number(unit.max_points - top)} điểm các tiêu chí tự chấm; "
            f"điểm điều tra xã hội học {vn_number(got)}/{vn_number(top)} điểm; {label} thẩm định tổng cộng "
            f"{vn_number(unit.score)}/{vn_number(unit.max_points)} điểm, đạt {vn_percent(unit.percent)}%, xếp loại "
            f"{unit.band or 'chưa xếp loại'}."
        )
    else:
        text = (
            f"Tự đánh giá {vn_number(unit.self_total)}/{vn_number(unit.max_points)} điểm; {label} thẩm định "
            f"{vn_number(unit.score)} điểm, đạt {vn_percent(unit.percent)}%, xếp loại {unit.band or 'chưa xếp loại'}."
        )
    if unit.appraised < unit.applicable_criteria:
        text += (
            f" {label} chưa thẩm định {unit.applicable_criteria - unit.appraised}/{unit.applicable_criteria} tiêu "
            "chí; điểm các tiêu chí này tạm tính theo điểm tự đánh giá."
        )
    return text


def _objections(store: Store, campaign: Campaign, label: str) -> list[str]:
    names = {u.code: u.name for u in campaign.units}
    raised: dict[tuple[str, str], str] = {}
    lines: list[str] = []
    for event in history(store, campaign.id):
        key = (event["unit"], event["criterion"])
        if event["kind"] == "objection":
            raised[key] = event["text"] or ""
        elif event["kind"] == "objection_resolved":
            what = raised.pop(key, "") or ""
            line = f"{names.get(key[0], key[0])} kiến nghị về tiêu chí {key[1]}"
            line += f": {sentence(what)}" if what else "."
            if event["outcome"] == "accepted":
                line += (
                    f" {label} chấp nhận, điều chỉnh điểm thẩm định từ {vn_number(event['previous_value'])} điểm "
                    f"thành {vn_number(event['value'])} điểm"
                )
            else:
                line += f" {label} không chấp nhận, giữ nguyên {vn_number(event['previous_value'])} điểm"
            reason = sentence(event["text"] or "")
            line += f"; lý do: {reason[:1].lower() + reason[1:]}" if reason else "."
            lines.append(line)
    for (unit, criterion), what in raised.items():
        lines.append(
            f"{names.get(unit, unit)} kiến nghị về tiêu chí {criterion}: {sentence(what)} {label} đang xem xét."
        )
    return lines or ["Không có cơ quan, đơn vị nào có ý kiến, kiến nghị về kết quả thẩm định."]


def _attendance(campaign: Campaign, settings: DocumentSettings) -> dict:
    members = council_members(campaign)
    absent_names = set(settings.lines("absent", []))
    present = [m for m in members if m["name"] not in absent_names]
    absent = [m for m in members if m["name"] in absent_names]
    total = len(members)
    quorum = len(present) * 2 > total
    return {
        "present": _listed([f"{m['salutation']} {m['name']}, {m['title']}, {m['role']}" for m in present]),
        "absent": _listed([f"{m['salutation']} {m['name']}, {m['title']}" for m in absent]),
        "count": f"{len(present)}/{total}",
        "quorum": (
            f"Có mặt {len(present)}/{total} thành viên, bảo đảm số lượng thành viên dự họp theo quy định."
            if quorum
            else f"Có mặt {len(present)}/{total} thành viên, chưa đủ quá nửa số thành viên theo quy định."
        ),
    }


def _listed(lines: list[str]) -> list[str]:
    """`- a;` … `- z.`: a list inside a sentence."""
    return [line + (";" if i < len(lines) - 1 else ".") for i, line in enumerate(lines)]


def _representatives(campaign: Campaign, settings: DocumentSettings) -> list[str]:
    raw = settings.get("representatives")
    names = {u.code: u.name for u in campaign.units}
    if isinstance(raw, list) and raw:
        lines = []
        for item in raw:
            if isinstance(item, dict):
                unit = names.get(str(item.get("unit", "")), str(item.get("unit", "")))
                who = ", ".join(x for x in (str(item.get("name", "")), str(item.get("title", ""))) if x.strip())
                lines.append(f"{unit}: {who}" if who else unit)
        return lines
    return [f"Đại diện lãnh đạo {len(campaign.units)} cơ quan, đơn vị được đánh giá (danh sách ký tên kèm theo)."]


def minutes_context(store: Store, campaign: Campaign, *, draft: bool = False) -> dict:
    results = compute_results(store, campaign)
    council = council_label(campaign, "minutes")
    context = common_context(
        campaign,
        "minutes",
        subject=f"Họp thẩm định kết quả tự đánh giá {lower_first(campaign.name)}",
        store=store,
        draft=draft,
    )
    settings = DocumentSettings(campaign, "minutes")
    position = {u.code: i for i, u in enumerate(campaign.units)}
    ordered = sorted(results.units, key=lambda u: position.get(u.code, 0))
    label = council["short"]
    units, appendix = [], []
    for i, unit in enumerate(ordered, start=1):
        deductions = _deductions(unit)
        survey = _survey_codes(campaign, unit)
        survey_fields = {
            f.code
            for f in unit.fields
            if (rows := [r for r in unit.criteria if r.field == f.code and r.applicable])
            and all(r.code in survey for r in rows)
        }
        survey_got, _ = _survey_points(unit, survey)
        in_text = deductions if len(deductions) <= DEDUCTIONS_IN_TEXT else []
        note = ""
        if deductions and not in_text:
            note = f"{len(deductions)} tiêu chí bị trừ điểm, chi tiết và lý do tại Phụ lục kèm theo Biên bản."
        elif not deductions:
            note = f"{label} thống nhất với kết quả tự đánh giá của đơn vị."
        appendix.extend(deductions if not in_text else [])
        units.append(
            {
                "no": i,
                "code": unit.code,
                "name": unit.name,
                "max": vn_number(unit.max_points),
                "self": vn_number(unit.self_total),
                "appraised": vn_number(unit.score),
                "diff": _signed(unit.score - survey_got - unit.self_total),
                "percent": vn_percent(unit.percent),
                "band": unit.band or "",
                "summary": _unit_summary(unit, label, survey),
                "deductions": [d["text"] for d in in_text],
                "note": note,
                "fields": [
                    {
                        "code": f.code,
                        "title": f.title,
                        "max": vn_number(f.max_points),
                        "self": "-" if f.code in survey_fields else vn_number(f.self_total),
                        "appraised": vn_number(f.score),
                        "diff": "-" if f.code in survey_fields else _signed(f.score - f.self_total),
                    }
                    for f in unit.fields
                    if f.max_points > 0
                ],
            }
        )
    for n, row in enumerate(appendix, start=1):
        row["no"] = n
    chair = next((m for m in council_members(campaign) if m["role_code"] == "chair"), None)
    secretary = next((m for m in council_members(campaign) if m["role_code"] == "secretary"), None)
    reasons = provisional_reasons(store, campaign, results)
    stats = results.statistics
    level = authority.province_level(campaign)
    standing = context["org"]["standing"]
    if reasons:
        conclusions = [
            f"Kết quả thẩm định trên là kết quả bước đầu, chưa phải kết quả cuối cùng do: {'; '.join(reasons)}.",
            f"Giao {standing} đôn đốc hoàn thiện các nội dung còn lại, tổng hợp trình {label} xem xét, thống nhất "
            "trước khi báo cáo kết quả.",
        ]
    else:
        conclusions = [
            f"{label} thống nhất kết quả thẩm định của {stats.units} cơ quan, đơn vị như trên; chỉ số bình quân đạt "
            f"{vn_percent(stats.mean)}%, cao nhất {vn_percent(stats.highest)}%, thấp nhất {vn_percent(stats.lowest)}%.",
            f"Giao {standing} tổng hợp, hoàn thiện báo cáo kết quả, trình Ủy ban nhân dân {level} phê duyệt và công bố.",
        ]
    copies = int(settings.get("copies", 3))
    context.update(
        {
            "data_code": data_code(store),
            "council": council,
            "meeting": _meeting(store, campaign, settings, f"trụ sở {standing}"),
            "chair": _who(chair),
            "secretary": _who(secretary),
            "attendance": _attendance(campaign, settings),
            "representatives": _representatives(campaign, settings),
            "units": units,
            "final": [
                {
                    "no": i,
                    "name": u.name,
                    "self": vn_number(u.self_total),
                    "appraised": vn_number(u.score),
                    "max": vn_number(u.max_points),
                    "percent": vn_percent(u.percent),
                    "band": u.band or "",
                }
                for i, u in enumerate(ordered, start=1)
            ],
            "appendix": {"rows": appendix},
            "objections": settings.lines("objections", _objections(store, campaign, label)),
            "conclusions": settings.lines("conclusions", conclusions),
            "copies": f"{copies:02d}",
        }
    )
    return context


def _who(member: dict | None) -> dict:
    if member is None:
        return {"name": "", "title": "", "salutation": "", "role": ""}
    return {k: member[k] for k in ("name", "title", "salutation", "role")}


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


def _conduct(store: Store, campaign: Campaign, results: Results, label: str) -> list[str]:
    """Section I: how the round was run, from the campaign's dates and the units' state."""
    deadlines = campaign.deadlines
    submitted = sum(1 for u in results.units if u.submitted)
    total = len(results.units)
    council = bases.issued(store, campaign, "decision")
    lines = [
        f"{label} được thành lập theo {council.citation(long_date=False, subject=False)} để thẩm định kết quả "
        f"tự đánh giá của {total} cơ quan, đơn vị theo Kế hoạch; thời kỳ đánh giá từ ngày "
        f"{short_date(campaign.period_start)} đến ngày {short_date(campaign.period_end)}."
    ]
    if "self_assessment" in deadlines:
        lines.append(
            f"Tự đánh giá: các cơ quan, đơn vị tự chấm điểm và gửi tài liệu kiểm chứng đến ngày "
            f"{short_date(deadlines['self_assessment'])}; {submitted}/{total} cơ quan, đơn vị đã gửi hồ sơ tự đánh giá."
        )
    appraised_full = sum(1 for u in results.units if u.appraised >= u.applicable_criteria)
    when = f" ngày {short_date(meeting_date(campaign, store))}"
    lines.append(
        f"Thẩm định: {label} họp thẩm định{when}; {appraised_full}/{total} cơ quan, đơn vị được thẩm định đầy đủ "
        "các tiêu chí."
    )
    survey = {
        (framework.id, c.code)
        for framework in campaign.frameworks()
        for c in framework.leaves()
        if getattr(c, "scored_by", "self") == "survey"
    }
    if survey:
        lines.append(
            f"Điều tra xã hội học: {len(survey)} tiêu chí được chấm theo kết quả khảo sát, điều tra xã hội học; "
            "các cơ quan, đơn vị không tự chấm điểm các tiêu chí này."
        )
    if "objections" in deadlines:
        agreed = sum(1 for u in results.units if u.agreed_on)
        lines.append(
            f"Tiếp nhận ý kiến, kiến nghị về kết quả thẩm định đến ngày {short_date(deadlines['objections'])}; "
            f"{agreed}/{total} cơ quan, đơn vị có văn bản thống nhất kết quả thẩm định."
        )
    return lines


def _deducted_title(deducted, group_of_framework: dict[str, str]) -> str:
    group = group_of_framework.get(deducted.framework)
    return f"{deducted.title} ({group.lower()})" if group else deducted.title


def report_context(store: Store, campaign: Campaign, *, chart: bool = True, draft: bool = False) -> dict:
    results = compute_results(store, campaign)
    context = common_context(
        campaign, "report", subject=f"Kết quả {lower_first(campaign.name)}", store=store, draft=draft
    )
    settings = DocumentSettings(campaign, "report")
    label = council_label(campaign, "report")["label"]
    stats = results.statistics
    units = results.units
    overall = [f"Tổng số cơ quan, đơn vị được đánh giá: {stats.units}."]
    if units:
        top = max(units, key=lambda u: u.percent)  # units come group by group: the extremes over all of them
        bottom = min(units, key=lambda u: u.percent)
        overall.append(
            f"Chỉ số bình quân đạt {vn_percent(stats.mean)}%; cao nhất là {top.name} "
            f"({vn_percent(stats.highest)}%), thấp nhất là {bottom.name} ({vn_percent(stats.lowest)}%); "
            f"chênh lệch {vn_number(stats.gap)} điểm phần trăm."
        )
    not_full = [u for u in units if u.appraised < u.applicable_criteria]
    for unit in not_full:
        overall.append(
            f"{unit.name} chưa được thẩm định đầy đủ ({unit.appraised}/{unit.applicable_criteria} tiêu chí); "
            "kết quả của đơn vị tạm tính theo điểm tự đánh giá đối với các tiêu chí chưa thẩm định."
        )
    rates = sorted(_field_rates(results), key=lambda r: -r[2])
    deducted = results.most_deducted
    strengths, limitations, causes = [], [], []
    if campaign.bands and units:
        best = campaign.bands[0].name
        n_best = sum(1 for u in units if u.band == best)
        if n_best * 2 >= len(units):  # a strength only when it is one
            strengths.append(f"{n_best}/{stats.units} cơ quan, đơn vị xếp loại {best}.")
        elif n_best == 0:
            limitations.append(f"Không có cơ quan, đơn vị nào xếp loại {best}.")
        worst = campaign.bands[-1].name
        n_worst = sum(1 for u in units if u.band == worst)
        if n_worst and len(campaign.bands) > 1:
            limitations.append(f"Còn {n_worst} cơ quan, đơn vị xếp loại {worst}.")
    good = [r for r in rates if r[2] >= 80]
    weak = [r for r in rates[::-1] if r[2] < 80]
    if good:
        strengths.append(
            "Các lĩnh vực có tỷ lệ điểm đạt cao: "
            + ", ".join(f"{title} ({vn_number(rate)}%)" for _, title, rate in good[:3])
            + "."
        )
    if weak:
        limitations.append(
            "Các lĩnh vực có tỷ lệ điểm đạt thấp: "
            + ", ".join(f"{title} ({vn_number(rate)}%)" for _, title, rate in weak[:3])
            + "."
        )
    # a round on several indexes (departments, communes) reuses codes: name the group with the criterion
    group_of_framework = {g.framework: g.name for g in results.groups} if len(campaign.frameworks()) > 1 else {}
    if deducted:
        limitations.append(
            f"{len(deducted)} tiêu chí bị trừ điểm so với điểm tự đánh giá; nhiều nhất là tiêu chí "
            f"{deducted[0].code} ({_deducted_title(deducted[0], group_of_framework)}) với {deducted[0].units} "
            "cơ quan, đơn vị."
        )
        causes.append(
            "Một số cơ quan, đơn vị tự chấm điểm chưa sát với yêu cầu của tiêu chí; tài liệu kiểm chứng chưa đầy đủ, "
            "chưa đúng thời kỳ đánh giá hoặc chưa đúng loại văn bản theo hướng dẫn."
        )
    if not_full:
        causes.append(
            "Hồ sơ tự đánh giá của một số cơ quan, đơn vị gửi chậm, chưa đủ thời gian để thẩm định đầy đủ các tiêu chí."
        )
    if limitations and not causes:
        causes.append(
            "Việc theo dõi, cập nhật tài liệu kiểm chứng trong năm của một số cơ quan, đơn vị chưa thường xuyên."
        )
    by_percent = sorted(units, key=lambda u: -u.percent)  # the chart ranks every unit, across groups
    context.update(
        {
            "conduct": settings.lines("conduct", _conduct(store, campaign, results, label)),
            "overall": overall,
            "stats": _stats(results),
            "groups": _group_rows(results, campaign),
            "fields": [
                {"no": i, "title": title, "rate": vn_number(rate)} for i, (_, title, rate) in enumerate(rates, start=1)
            ],
            "ranking": _ranking(results, campaign),
            "chart": Image(
                percentages_chart(
                    [u.name for u in by_percent],
                    [u.percent for u in by_percent],
                    [u.band or "" for u in by_percent],
                    [b.name for b in campaign.bands],
                    height_mm=100,
                ),
                160,
            )
            if chart
            else "",
            "bands": _bands(campaign, results),
            "most_deducted": [
                {
                    "no": i,
                    "code": d.code,
                    "title": _deducted_title(d, group_of_framework),
                    "units": d.units,
                    "points": vn_number(d.total_deduction),
                }
                for i, d in enumerate(deducted[:TOP_DEDUCTED], start=1)
            ],
            "strengths": settings.lines("strengths", strengths),
            "limitations": settings.lines("limitations", limitations or ["Không có hạn chế đáng kể."]),
            "causes": settings.lines("causes", causes),
            "recommendations": settings.lines(
                "recommendations",
                [
                    "Các cơ quan, đơn vị nghiêm túc rà soát các tiêu chí bị trừ điểm, xây dựng kế hoạch khắc phục trong năm "
                    "tiếp theo;",
                    "Chú trọng lưu trữ, cập nhật đầy đủ tài liệu kiểm chứng ngay khi ban hành văn bản;",
                    "Người đứng đầu cơ quan, đơn vị chịu trách nhiệm về kết quả tự đánh giá, chấm điểm.",
                ],
            ),
            "addressee": f"Ủy ban nhân dân {authority.province_level(campaign)}",
            "appendix": {
                "fields": [f.code for f in results.units[0].fields] if units else [],
                "legend": "; ".join(f"{f.code}: {f.title}" for f in (units[0].fields if units else [])) + ".",
                "rows": [
                    {
                        "no": i,
                        "name": u.name,
                        "fields": [vn_number(f.score) for f in u.fields],
                        "total": vn_number(u.score),
                        "percent": vn_percent(u.percent),
                    }
                    for i, u in enumerate(units, start=1)
                ],
            },
        }
    )
    return context


# ------------------------------------------------------------------------------------------------ submission


def submission_context(store: Store, campaign: Campaign, *, draft: bool = False) -> dict:
    results = compute_results(store, campaign)
    context = common_context(
        campaign,
        "submission",
        subject=f"Đề nghị phê duyệt và công bố kết quả {lower_first(campaign.name)}",
        store=store,
        draft=draft,
    )
    label = council_label(campaign, "submission")["label"]
    minutes = bases.issued(store, campaign, "minutes", f"họp thẩm định của {label}")
    report = bases.issued(store, campaign, "report", f"kết quả {lower_first(campaign.name)}")
    level = authority.province_level(campaign)
    context.update(
        {
            "addressee": f"Ủy ban nhân dân {level}",
            "grounds": [
                f"Thực hiện {plan_ref(campaign, store).citation(long_date=False)};",
                f"Căn cứ {minutes.citation(long_date=False, subject=False)} và {report.citation(long_date=False)}.",
            ],
            "stats": _stats(results),
            "groups": _group_rows(results, campaign),
            "proposals": [
                f"Phê duyệt và công bố kết quả {lower_first(campaign.name)} (có dự thảo Quyết định kèm theo);",
                "Giao các cơ quan, đơn vị căn cứ kết quả được công bố, xây dựng kế hoạch khắc phục các hạn chế, "
                "tồn tại trong năm tiếp theo.",
            ],
        }
    )
    return context


# ---------------------------------------------------------------------------------------------- announcement


def announcement_context(store: Store, campaign: Campaign, *, draft: bool = False) -> dict:
    results = compute_results(store, campaign)
    context = common_context(
        campaign,
        "announcement",
        subject=f"Phê duyệt và công bố kết quả {lower_first(campaign.name)}",
        store=store,
        draft=draft,
    )
    settings = DocumentSettings(campaign, "announcement")
    proposal = bases.issued(
        store, campaign, "submission", f"đề nghị phê duyệt và công bố kết quả {lower_first(campaign.name)}"
    )
    refs = (
        bases.standing_bases(campaign, "announcement") + bases.index_decisions(campaign) + [plan_ref(campaign, store)]
    )
    context.update(
        {
            "decision": _decision_block(store, campaign, "announcement", proposal),
            "legal_bases": bases.basis_lines(refs, settings.lines("legal_bases", [])),
            "stats": _stats(results),
            "groups": _group_rows(results, campaign),
            "ranking": _ranking(results, campaign),
            "data_code": data_code(store),
        }
    )
    return context


def data_code(store: Store) -> str:
    """The head of the store's hash-chained history ("Mã kiểm chứng dữ liệu"), in groups of eight: printed on the
    minutes and the announcement, it lets anyone check later (`evidence audit --head`) that the data the council
    signed on has not been rewritten since."""
    head = chain_head(store)
    return " ".join(head[i : i + 8] for i in range(0, len(head), 8))


# ------------------------------------------------------------------------------------------ stage ordering


def earliest_date(store: Store, campaign: Campaign, kind: str) -> tuple[date | None, str]:
    """The earliest date a document of `kind` may carry, and the event it must follow (one line for an error):
    the minutes not before the self-assessment closed; the report, submission and announcement not before the
    objection window closed (the `final` stage, else the objections deadline), nor before what they cite."""
    stages = stage_dates(store, campaign.id)
    deadlines = campaign.deadlines
    floor: tuple[date | None, str] = (None, "")
    if kind == "minutes":
        if "self_assessment_closed" in stages:
            floor = (stages["self_assessment_closed"], "the end of the self-assessment")
        elif "self_assessment" in deadlines:
            floor = (deadlines["self_assessment"], "the self-assessment deadline")
    elif kind in ("report", "submission", "announcement"):
        if "final" in stages:
            floor = (stages["final"], "the close of the objection window (stage final)")
        elif "objections" in deadlines:
            floor = (deadlines["objections"], "the end of the objection window")
        elif "appraisal" in stages:
            floor = (stages["appraisal"], "the appraisal meeting")
        previous = {"submission": ("report", "minutes"), "announcement": ("submission",), "report": ("minutes",)}
        for other in previous.get(kind, ()):
            ref = bases.issued(store, campaign, other)
            if ref.date and ref.number and (floor[0] is None or ref.date > floor[0]):
                floor = (ref.date, f"the {other} it cites")
    elif kind == "decision":
        ref = plan_ref(campaign, store)
        if ref.date and ref.number:
            floor = (ref.date, "the plan it cites")
    return floor
