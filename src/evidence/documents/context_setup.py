"""Contexts of the two documents that open a round: the plan (Kế hoạch) and the council decision (Quyết định
thành lập). They need only the campaign and its framework."""

from __future__ import annotations

from ..round.campaign import Campaign
from .context_common import (
    UNIT_KIND_LABELS,
    common_context,
    council_label,
    council_members,
    lower_first,
    plan_reference,
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
    "announcement": ("Công bố kết quả", "{issuer}"),
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
    rows = []
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
                "owner": owner.format(issuer=issuer_name, council=council),
            }
        )
    for i, row in enumerate(rows, start=1):
        row["no"] = i
    return rows


def plan_context(campaign: Campaign) -> dict:
    context = common_context(campaign, "plan", subject=f"Triển khai {lower_first(campaign.name)}")
    settings = DocumentSettings(campaign, "plan")
    issuer = context["org"]["issuer_name"]
    council = council_label(campaign, "plan")["label"]
    framework = campaign.framework
    kinds = []
    for unit in campaign.units:
        label = UNIT_KIND_LABELS.get(unit.kind or "", unit.kind or "")
        if label and label not in kinds:
            kinds.append(label)
    context.update(
        {
            "legal_bases": settings.lines(
                "legal_bases",
                [f"Căn cứ {framework.name} và hướng dẫn của cơ quan có thẩm quyền về {lower_first(campaign.name)};"],
            ),
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
                "name": settings.text("framework_name", framework.name),
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
            "timetable": timetable(campaign, issuer, council),
            "responsibilities": _responsibilities(settings, issuer, council),
            "units": [
                {"no": i, "code": u.code, "name": u.name, "kind": UNIT_KIND_LABELS.get(u.kind or "", u.kind or "")}
                for i, u in enumerate(campaign.units, start=1)
            ],
        }
    )
    if not context["recipients"]:
        context["recipients"] = ["Các cơ quan, đơn vị được đánh giá", "Thành viên " + council]
    return context


def _responsibilities(settings: DocumentSettings, issuer: str, council: str) -> list[dict]:
    raw = settings.get("responsibilities")
    if isinstance(raw, list) and raw:
        items = [{"who": str(r.get("who", "")), "tasks": str(r.get("tasks", ""))} for r in raw if isinstance(r, dict)]
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


def authority_line(issuer_upper: str) -> str:
    """The authority that signs a decision, as its own centred line: `GIÁM ĐỐC SỞ NỘI VỤ`."""
    if issuer_upper.startswith(("ỦY BAN NHÂN DÂN", "UBND")):
        return "CHỦ TỊCH " + issuer_upper.replace("UBND", "ỦY BAN NHÂN DÂN", 1)
    if issuer_upper.startswith("SỞ"):
        return "GIÁM ĐỐC " + issuer_upper
    if issuer_upper.startswith("THANH TRA"):
        return "CHÁNH THANH TRA " + issuer_upper.removeprefix("THANH TRA").strip()
    if issuer_upper.startswith("BỘ"):
        return "BỘ TRƯỞNG " + issuer_upper
    return "THỦ TRƯỞNG " + issuer_upper


def decision_context(campaign: Campaign) -> dict:
    council = council_label(campaign, "decision")
    context = common_context(campaign, "decision", subject=f"Thành lập {council['label']} {lower_first(campaign.name)}")
    settings = DocumentSettings(campaign, "decision")
    bases = settings.lines(
        "legal_bases",
        [
            f"Căn cứ {plan_reference(campaign)} của {context['org']['issuer_name']} "
            f"về triển khai {lower_first(campaign.name)}"
        ],
    )
    context.update(
        {
            "decision": {
                "authority": settings.text("authority", authority_line(campaign.organization.issuer.upper())),
                "proposer": settings.text("proposer", "Chánh Văn phòng"),
                "implementers": settings.text(
                    "implementers", "Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị có liên quan"
                ),
            },
            "legal_bases": _punctuate(bases),
            "council": {
                **council,
                "members": council_members(campaign),
                "tasks": settings.lines(
                    "council_tasks",
                    [
                        "Thẩm định kết quả tự đánh giá, chấm điểm và tài liệu kiểm chứng của các cơ quan, đơn vị;",
                        "Xem xét, giải quyết ý kiến, kiến nghị của các cơ quan, đơn vị về kết quả thẩm định;",
                        "Tổng hợp kết quả, đề xuất công bố theo quy định.",
                    ],
                ),
            },
        }
    )
    if not context["recipients"]:
        context["recipients"] = ["Như Điều 3", "Lãnh đạo " + context["org"]["issuer_name"]]
    return context


def _punctuate(bases: list[str]) -> list[str]:
    """Decree 30: each `Căn cứ` line ends with `;`, the last with `.` — unless followed by `Theo đề nghị`, where the
    template adds its own line; we end every line with `;`."""
    return [b.rstrip(" ;.") + ";" for b in bases]
