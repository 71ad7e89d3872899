"""Contexts of the two documents that open a round: the plan (Kế hoạch) and the council decision (Quyết định
thành lập). They need only the campaign and its framework."""

from __future__ import annotations

from datetime import date

from ..errors import InputError
from ..round.campaign import Campaign
from ..store import Store
from . import authority, bases
from .context_common import (
    UNIT_KIND_LABELS,
    common_context,
    council_label,
    council_members,
    lower_first,
    plan_ref,
    short_date,
)
from .settings import DocumentSettings

DEADLINE_TASKS = {
    "self_assessment": (
        "Các cơ quan, đơn vị tự đánh giá, chấm điểm; cập nhật tài liệu kiểm chứng và giải trình",
        "Các cơ quan, đơn vị được đánh giá",
    ),
    "reminder": ("Rà soát hồ sơ, đôn đốc các cơ quan, đơn vị bổ sung tài liệu kiểm chứng", "{issuer}"),
    "appraisal": ("Thẩm định kết quả tự đánh giá, chấm điểm của các cơ quan, đơn vị", "{council}"),
    "objections": (
        "Các cơ quan, đơn vị có ý kiến, kiến nghị về kết quả thẩm định",
        "Các cơ quan, đơn vị được đánh giá",
    ),
    "report": ("Tổng hợp, báo cáo kết quả", "{issuer}"),
    "announcement": ("Phê duyệt, công bố kết quả", "{province}"),
}


def _fmt_points(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def bands_text(campaign: Campaign) -> str:
    parts, upper = [], None
    for band in campaign.bands:  # highest first
        low = _fmt_points(band.min)
        if upper is None:
            parts.append(f"{band.name}: từ {low}% trở lên")
        elif band.min <= 0:
            parts.append(f"{band.name}: dưới {_fmt_points(upper)}%")
        else:
            parts.append(f"{band.name}: từ {low}% đến dưới {_fmt_points(upper)}%")
        upper = band.min
    return "; ".join(parts)


def timetable(campaign: Campaign, issuer_name: str, council: str) -> list[dict]:
    settings = DocumentSettings(campaign, "plan")
    labels = settings.get("timetable_labels") or {}
    rows: list[dict] = []
    for name, when in sorted(campaign.deadlines.items(), key=lambda item: item[1]):
        task, owner = DEADLINE_TASKS.get(name, (name.replace("_", " ").capitalize(), "{issuer}"))
        if isinstance(labels.get(name), dict):
            task = labels[name].get("task", task)
            owner = labels[name].get("owner", owner)
        elif isinstance(labels.get(name), str):
            task = labels[name]
        rows.append(
            {
                "task": task,
                "deadline": f"Trước ngày {short_date(when)}",
                "owner": owner.format(issuer=issuer_name, council=council, province=authority.province(campaign).name),
            }
        )
    for i, row in enumerate(rows, start=1):
        row["no"] = i
    return rows


def plan_context(store: Store | None, campaign: Campaign, *, draft: bool = False) -> dict:
    context = common_context(
        campaign, "plan", subject=f"Triển khai {lower_first(campaign.name)}", store=store, draft=draft
    )
    settings = DocumentSettings(campaign, "plan")
    standing = context["org"]["standing"]
    council = council_label(campaign, "plan")["label"]
    framework = campaign.framework
    kinds = []
    for unit in campaign.units:
        label = UNIT_KIND_LABELS.get(unit.kind or "", unit.kind or "")
        if label and label not in kinds:
            kinds.append(label)
    refs = bases.standing_bases(campaign, "plan") + bases.index_decisions(campaign)
    context.update(
        {
            "legal_bases": _end_bases(bases.basis_lines(refs, settings.lines("legal_bases", []))),
            "purposes": settings.lines(
                "purposes",
                [
                    "Đánh giá khách quan, chính xác kết quả thực hiện nhiệm vụ của các cơ quan, đơn vị theo bộ tiêu chí;",
                    "Kịp thời phát hiện hạn chế, tồn tại để có giải pháp khắc phục, nâng cao chất lượng, hiệu quả thực hiện.",
                ],
            ),
            "requirements": settings.lines(
                "requirements",
                [
                    "Việc tự đánh giá, chấm điểm phải trung thực, đúng hướng dẫn; mỗi tiêu chí chấm điểm có tài liệu kiểm "
                    "chứng là văn bản do cơ quan có thẩm quyền ban hành;",
                    "Tiêu chí chấm điểm không có hoặc không đầy đủ tài liệu kiểm chứng phải có giải trình cụ thể;",
                    "Bảo đảm đúng thời gian, tiến độ theo Kế hoạch.",
                ],
            ),
            "scope": {"unit_count": len(campaign.units), "kinds_text": ", ".join(kinds) or "các cơ quan, đơn vị"},
            "framework": {
                "name": settings.text("framework_name", bases.framework_title(framework.name)),
                "field_count": len(framework.criteria),
                "criterion_count": len(framework.leaves()),
                "max_points": _fmt_points(framework.total_points),
                "fields": [
                    {"code": f.code, "title": f.title, "points": _fmt_points(f.points)} for f in framework.criteria
                ],
            },
            "methods": settings.lines(
                "methods",
                [
                    "Các cơ quan, đơn vị tự đánh giá, chấm điểm từng tiêu chí, tiêu chí thành phần và cập nhật tài liệu "
                    "kiểm chứng trên hệ thống;",
                    f"{council} thẩm định kết quả tự đánh giá, chấm điểm; xem xét ý kiến, kiến nghị của các cơ quan, đơn vị;",
                    "Chỉ số được tính bằng tỷ lệ phần trăm giữa tổng điểm đạt được và tổng điểm tối đa của các tiêu chí áp "
                    "dụng đối với từng cơ quan, đơn vị.",
                ],
            ),
            "bands_text": bands_text(campaign),
            "timetable": timetable(campaign, standing, council),
            "responsibilities": _responsibilities(settings, standing, council),
            "units": [
                {"no": i, "code": u.code, "name": u.name, "kind": UNIT_KIND_LABELS.get(u.kind or "", u.kind or "")}
                for i, u in enumerate(campaign.units, start=1)
            ],
        }
    )
    return context


def _end_bases(lines: list[str], *, last: str = ".") -> list[str]:
    """A plan's bases end with `.` (no proposer line follows); a decision's with `;`."""
    if lines and last == ".":
        lines[-1] = lines[-1].rstrip(";") + "."
    return lines


def _responsibilities(settings: DocumentSettings, issuer: str, council: str) -> list[dict]:
    raw = settings.get("responsibilities")
    if isinstance(raw, list) and raw:
        items: list[dict] = [
            {"who": str(r.get("who", "")), "tasks": str(r.get("tasks", ""))} for r in raw if isinstance(r, dict)
        ]
    else:
        items = [
            {
                "who": issuer,
                "tasks": "Chủ trì, hướng dẫn, theo dõi, đôn đốc các cơ quan, đơn vị thực hiện Kế hoạch; "
                "tổng hợp kết quả, báo cáo cấp có thẩm quyền.",
            },
            {
                "who": council,
                "tasks": "Thẩm định kết quả tự đánh giá, chấm điểm của các cơ quan, đơn vị bảo đảm "
                "khách quan, đúng quy định.",
            },
            {
                "who": "Các cơ quan, đơn vị được đánh giá",
                "tasks": "Tự đánh giá, chấm điểm, cung cấp đầy đủ tài liệu kiểm chứng và giải trình đúng thời hạn; "
                "phân công công chức theo dõi, phối hợp thực hiện.",
            },
        ]
    for i, item in enumerate(items, start=1):
        item["no"] = i
    return items


def proposal_ref(store: Store | None, campaign: Campaign) -> bases.Ref:
    """The standing body's Tờ trình proposing the council (`documents.decision.proposal: {number, date}`), else a
    blank number and date."""
    settings = DocumentSettings(campaign, "decision")
    raw = settings.get("proposal") or {}
    symbol = f"TTr-{campaign.organization.issuer_short or 'CQ'}"
    number = str(raw.get("number", "")).strip() if isinstance(raw, dict) else ""
    when = raw.get("date") if isinstance(raw, dict) else None
    if when is not None and not isinstance(when, date):  # a stored campaign keeps dates as ISO text
        try:
            when = date.fromisoformat(str(when)[:10])
        except ValueError:
            raise InputError(f"campaign documents.decision.proposal.date: '{when}' is not a date") from None
    return bases.Ref(
        "Tờ trình",
        (number if "/" in number else f"{number.zfill(2)}/{symbol}") if number else None,
        symbol,
        when,
        "",
        "",
    )


def decision_context(store: Store | None, campaign: Campaign, *, draft: bool = False) -> dict:
    council = council_label(campaign, "decision")
    context = common_context(
        campaign,
        "decision",
        subject=f"Thành lập {council['label']} {lower_first(campaign.name)}",
        store=store,
        draft=draft,
    )
    settings = DocumentSettings(campaign, "decision")
    refs = bases.standing_bases(campaign, "decision") + bases.index_decisions(campaign) + [plan_ref(campaign, store)]
    standing, head = context["org"]["standing"], context["org"]["standing_head"]
    level = authority.province_level(campaign)
    support = (
        [
            f"{council['short']} được sử dụng Tổ giúp việc do {head} quyết định thành lập để tham mưu, giúp việc "
            "trong công tác thẩm định."
        ]
        if council["short"] == "Hội đồng"
        else []
    )
    context.update(
        {
            "decision": {
                "authority": settings.text("authority", authority.authority_line(campaign, "decision")),
                "proposer": settings.text("proposer")
                if settings.get("proposer")
                else f"{head} tại {proposal_ref(store, campaign).citation(long_date=True, issuer=False)}",
                "implementers": settings.text(
                    "implementers",
                    f"Chánh Văn phòng UBND {level}, {head}, Thủ trưởng các cơ quan, đơn vị có liên quan",
                ),
            },
            "legal_bases": bases.basis_lines(refs, settings.lines("legal_bases", [])),
            "council": {
                **council,
                "members": council_members(campaign),
                "tasks": settings.lines(
                    "council_tasks",
                    [
                        "Thẩm định kết quả tự đánh giá, chấm điểm và tài liệu kiểm chứng của các cơ quan, đơn vị;",
                        "Xem xét, giải quyết ý kiến, kiến nghị của các cơ quan, đơn vị về kết quả thẩm định;",
                        f"Tổng hợp kết quả, báo cáo Chủ tịch Ủy ban nhân dân {level} xem xét, phê duyệt và công bố.",
                    ],
                ),
                "standing": settings.lines(
                    "standing_note", [f"{standing} là cơ quan thường trực của {council['short']}.", *support]
                ),
            },
        }
    )
    return context
