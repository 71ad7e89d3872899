"""The part of every document's context that comes from the campaign alone: header, number, date, signer, names.

Contexts are plain data (str, numbers, lists, dicts) so templates render in the sandbox; see docs/documents.md for
every key.
"""

from __future__ import annotations

from datetime import date

from ..round.campaign import Campaign
from ..round.register import registered
from ..round.stages import DOCUMENT_STAGE, stage_dates
from ..store import Store
from ..vn.dates import format_vn_date
from . import authority, bases
from .authority import sentence_name
from .settings import DocumentSettings

__all__ = ["sentence_name"]

UNIT_KIND_LABELS = {
    "department": "sở, ban, ngành",
    "commune": "UBND xã, phường, đặc khu",
    "district": "UBND cấp huyện",
    "province": "UBND cấp tỉnh",
    "ministry": "bộ, ngành",
}
ROLE_LABELS = {
    "chair": "Chủ tịch Hội đồng",
    "deputy": "Phó Chủ tịch Hội đồng",
    "member": "Thành viên",
    "secretary": "Thư ký",
}
DRAFT_MARK = "DỰ THẢO"


def short_date(value: date) -> str:
    """`05/01/2026`: the short form used inside sentences and tables."""
    return f"{value.day:02d}/{value.month:02d}/{value.year}"


def lower_first(text: str) -> str:
    """`Xác định Chỉ số CCHC …` → `xác định Chỉ số CCHC …` (only the first letter, proper names stay)."""
    if not text:
        return text
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():  # an acronym such as UBND
        return text
    return text[0].lower() + text[1:]


def issue_date(settings: DocumentSettings) -> date:
    return settings.date("date", None) or date.today()


def document_date(store: Store | None, campaign: Campaign, kind: str) -> date:
    """The date printed on a document: `documents.<kind>.date`; else the date it was registered with; else the
    date of the stage it belongs to (minutes: the appraisal meeting; report, submission, announcement: the close
    of the objection window); else today."""
    settings = DocumentSettings(campaign, kind)
    given = settings.date("date", None)
    if given is not None:
        return given
    if store is not None:
        record = registered(store, campaign.id, kind)
        if record is not None:
            return record.issued_on
        stage = DOCUMENT_STAGE.get(kind)  # the stage whose date the document carries (round/stages.py)
        dates = stage_dates(store, campaign.id) if stage and stage != "collection" else {}
        if stage in dates:
            return dates[stage]
    return date.today()


def document_number(store: Store | None, campaign: Campaign, kind: str) -> str:
    """The number in the header: the registered one, else `documents.<kind>.number`, else a blank."""
    record = registered(store, campaign.id, kind) if store is not None else None
    if record is not None:
        head = record.number.split("/", 1)[0]
        return head.zfill(2) if head.isdigit() and len(head) < 2 else head
    return DocumentSettings(campaign, kind).number()


def place_date_line(place: str, value: date) -> str:
    return (
        f"{place}, {format_vn_date(value)}" if place else format_vn_date(value)[0].upper() + format_vn_date(value)[1:]
    )


def symbol_for(campaign: Campaign, kind: str, settings: DocumentSettings | None = None) -> str:
    return bases.expected_symbol(campaign, kind)


def archive_for(campaign: Campaign, kind: str, settings: DocumentSettings) -> str:
    """`VT, CCHC`: the clerical office and the drafting unit (Decree 30: `Lưu: VT, <unit> (n).`)."""
    if settings.own.get("archive"):
        return settings.text("archive")
    role = authority.issuer(campaign, kind).role
    if role == "council":
        return "VT, Hồ sơ"  # Mẫu 1.9
    if role in ("province", "chairman"):
        raw = authority._province_raw(campaign)
        return f"VT, {str(raw.get('drafting_unit') or 'NC')}"
    return f"VT, {settings.text('drafting_unit', 'CCHC')}"


def default_recipients(campaign: Campaign, kind: str) -> list[str]:
    standing = authority.standing_name(campaign)
    leaders = "Lãnh đạo Sở" if standing.startswith("Sở") else f"Lãnh đạo {standing}"
    council = authority.council(campaign).name
    level = authority.province_level(campaign)
    province_leaders = [
        "Thường trực Tỉnh ủy" if level == "tỉnh" else "Thường trực Thành ủy",
        f"Thường trực HĐND {level}",
        f"Chủ tịch, các Phó Chủ tịch UBND {level}",
    ]
    return {
        "plan": ["Bộ Nội vụ" if authority.index_kind(campaign) == "par" else "Thanh tra Chính phủ"]
        + province_leaders
        + ["Các cơ quan, đơn vị được đánh giá", standing],
        "decision": ["Như Điều 3", f"Chủ tịch, các Phó Chủ tịch UBND {level}"],
        "reminder": ["Như trên", leaders],
        "minutes": [f"Thành viên {council}", f"Ủy ban nhân dân {level} (để báo cáo)"],
        "report": ["Như trên", leaders],
        "submission": ["Như trên", leaders],
        "announcement": [
            "Như Điều 3",
            "Bộ Nội vụ" if authority.index_kind(campaign) == "par" else "Thanh tra Chính phủ",
        ]
        + province_leaders,
    }.get(kind, [])


def common_context(
    campaign: Campaign,
    kind: str,
    *,
    subject: str = "",
    brief: str = "",
    store: Store | None = None,
    draft: bool = False,
) -> dict:
    settings = DocumentSettings(campaign, kind)
    org = campaign.organization
    body = authority.issuer(campaign, kind)
    sign = authority.signer(campaign, kind)
    when = document_date(store, campaign, kind)
    return {
        "org": {
            "parent": body.parent,
            "issuer": " ".join(body.lines),
            "issuer_lines": body.lines,
            "issuer_short": body.short,
            "place": org.place,
            "issuer_name": body.name,
            "standing": authority.standing_name(campaign),
            "standing_head": authority.standing_head(campaign),
            "province": authority.province(campaign).name,
        },
        "doc": {
            "kind": kind,
            "number": document_number(store, campaign, kind),
            "symbol": symbol_for(campaign, kind),
            "date": when.isoformat(),
            "date_short": short_date(when),
            "place_date": place_date_line(org.place, when),
            "subject": settings.text("subject", subject),
            "brief": settings.text("brief", brief),
            "archive": archive_for(campaign, kind, settings),
            "draft": DRAFT_MARK if draft else "",
        },
        "signer": {
            "authority": sign.lines[0] if len(sign.lines) > 1 else "",
            "title": sign.lines[-1] if sign.lines else "",
            "lines": sign.lines,
            "name": sign.name,
        },
        "recipients": settings.lines("recipients", default_recipients(campaign, kind)),
        "campaign": {
            "id": campaign.id,
            "name": campaign.name,
            "name_lower": lower_first(campaign.name),
            "year": campaign.year,
            "period_start": short_date(campaign.period_start),
            "period_end": short_date(campaign.period_end),
        },
        "refs": {"plan": plan_reference(campaign, store)},
    }


def plan_ref(campaign: Campaign, store: Store | None) -> bases.Ref:
    return bases.issued(store, campaign, "plan", f"triển khai {lower_first(campaign.name)}")


def plan_reference(campaign: Campaign, store: Store | None = None) -> str:
    """`Kế hoạch số 12/KH-UBND ngày 05/01/2026 của Ủy ban nhân dân tỉnh Quảng Nam` (blank number/date when the
    plan has not been registered yet)."""
    return plan_ref(campaign, store).citation(long_date=False, subject=False)


def council_label(campaign: Campaign, kind: str = "decision") -> dict:
    settings = DocumentSettings(campaign, "decision")
    label = settings.text("council_label", authority.default_council_label(campaign))
    short = "Tổ công tác" if label.lower().startswith("tổ công tác") else "Hội đồng"
    return {"label": label, "short": settings.text("council_short", short)}


def council_members(campaign: Campaign) -> list[dict]:
    order = {"chair": 0, "deputy": 1, "member": 2, "secretary": 3}
    members = sorted(campaign.council, key=lambda m: order.get(m.role, 2))
    label = council_label(campaign, "decision")["short"]
    roles = {k: v.replace("Hội đồng", label) for k, v in ROLE_LABELS.items()}
    if label == "Tổ công tác":
        roles.update({"chair": "Tổ trưởng", "deputy": "Tổ phó"})
    honorifics = DocumentSettings(campaign, "decision").get("honorifics") or {}
    return [
        {
            "no": i,
            "name": m.name,
            "salutation": _salutation(m.name, honorifics),
            "title": m.title,
            "role": roles.get(m.role, m.role),
            "role_code": m.role,
        }
        for i, m in enumerate(members, start=1)
    ]


def _salutation(name: str, honorifics: dict) -> str:
    """`Ông`/`Bà` before a member's name: as the campaign says (`documents.decision.honorifics: {name: Bà}`), else
    from the middle name (Thị: Bà, Văn: Ông), else `Ông/Bà`, which the clerk corrects."""
    value = str(honorifics.get(name, "")).strip() if isinstance(honorifics, dict) else ""
    if value in ("Ông", "Bà"):
        return value
    middle = name.split()[1:-1]
    if "Thị" in middle:
        return "Bà"
    if "Văn" in middle:
        return "Ông"
    return "Ông/Bà"


def person(campaign: Campaign, role: str) -> dict:
    for member in campaign.council:
        if member.role == role:
            return {"name": member.name, "title": member.title}
    return {"name": "", "title": ""}
