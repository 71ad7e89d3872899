"""The part of every document's context that comes from the campaign alone: header, number, date, signer, names.

Contexts are plain data (str, numbers, lists, dicts) so templates render in the sandbox; see docs/documents.md for
every key.
"""

from __future__ import annotations

from datetime import date

from ..round.campaign import Campaign
from ..vn.dates import format_vn_date
from .settings import KIND_SYMBOL, DocumentSettings

UNIT_KIND_LABELS = {
    "department": "sở, ban, ngành",
    "district": "UBND cấp huyện",
    "commune": "UBND cấp xã",
    "province": "UBND cấp tỉnh",
    "ministry": "bộ, ngành",
}
ROLE_LABELS = {
    "chair": "Chủ tịch Hội đồng",
    "deputy": "Phó Chủ tịch Hội đồng",
    "member": "Thành viên",
    "secretary": "Thư ký",
}


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


def sentence_name(upper_name: str, place: str = "") -> str:
    """`SỞ NỘI VỤ` → `Sở Nội vụ`; `UBND TỈNH QUẢNG NAM` → `UBND tỉnh Quảng Nam`. A best effort for names in
    sentences; `documents.issuer_name` overrides it."""
    words = upper_name.split()
    if not words:
        return ""
    out = []
    place_words = {w.upper(): w for w in place.split()}
    for i, word in enumerate(words):
        if word in ("UBND", "HĐND", "CCHC", "PCTN") or (len(word) <= 4 and word.isupper() and not word.isalpha()):
            out.append(word)
        elif word in place_words:
            out.append(place_words[word])
        elif i == 0 or (i == 1 and words[0] in ("SỞ", "BAN", "BỘ", "CỤC", "VỤ", "PHÒNG")):
            out.append(word[0] + word[1:].lower())
        else:
            out.append(word.lower())
    return " ".join(out)


def issue_date(settings: DocumentSettings) -> date:
    return settings.date("date", None) or date.today()


def place_date_line(place: str, value: date) -> str:
    return (
        f"{place}, {format_vn_date(value)}" if place else format_vn_date(value)[0].upper() + format_vn_date(value)[1:]
    )


def symbol_for(campaign: Campaign, kind: str, settings: DocumentSettings) -> str:
    short = campaign.organization.issuer_short or "CQ"
    if kind == "reminder":  # a công văn: issuer + drafting unit, no type abbreviation
        return f"{short}-{settings.text('drafting_unit', 'VP')}"
    return f"{KIND_SYMBOL[kind]}-{short}"


def common_context(campaign: Campaign, kind: str, *, subject: str = "", brief: str = "") -> dict:
    settings = DocumentSettings(campaign, kind)
    org = campaign.organization
    when = issue_date(settings)
    issuer_name = settings.text("issuer_name", "") or sentence_name(org.issuer, org.place)
    signer = settings.get("signer") or {}
    recipients_default = ["Như trên"] if kind == "reminder" else []
    return {
        "org": {
            "parent": org.parent,
            "issuer": org.issuer,
            "issuer_short": org.issuer_short,
            "place": org.place,
            "issuer_name": issuer_name,
        },
        "doc": {
            "kind": kind,
            "number": settings.number(),
            "symbol": symbol_for(campaign, kind, settings),
            "date": when.isoformat(),
            "date_short": short_date(when),
            "place_date": place_date_line(org.place, when),
            "subject": settings.text("subject", subject),
            "brief": settings.text("brief", brief),
            "archive": f"VT, {settings.text('drafting_unit', 'VP')}",
        },
        "signer": {
            "authority": str(signer.get("authority", org.signer.authority) or "").upper(),
            "title": str(signer.get("title", org.signer.title) or "").upper(),
            "name": str(signer.get("name", org.signer.name) or ""),
        },
        "recipients": settings.lines("recipients", recipients_default),
        "campaign": {
            "id": campaign.id,
            "name": campaign.name,
            "name_lower": lower_first(campaign.name),
            "year": campaign.year,
            "period_start": short_date(campaign.period_start),
            "period_end": short_date(campaign.period_end),
        },
        "refs": {"plan": plan_reference(campaign)},
    }


def plan_reference(campaign: Campaign) -> str:
    """`Kế hoạch số 12/KH-SNV ngày 05/01/2026`, or with the number left blank when the plan has none yet."""
    settings = DocumentSettings(campaign, "plan")
    number = settings.number().strip()
    symbol = symbol_for(campaign, "plan", settings)
    when = settings.date("date", None)
    text = f"Kế hoạch số {number or '…'}/{symbol}"
    return f"{text} ngày {short_date(when)}" if when else text


def council_label(campaign: Campaign, kind: str) -> dict:
    settings = DocumentSettings(campaign, "decision")
    label = settings.text("council_label", "Hội đồng thẩm định")
    short = "Tổ công tác" if label.lower().startswith("tổ công tác") else "Hội đồng"
    return {"label": label, "short": settings.text("council_short", short)}


def council_members(campaign: Campaign) -> list[dict]:
    order = {"chair": 0, "deputy": 1, "member": 2, "secretary": 3}
    members = sorted(campaign.council, key=lambda m: order.get(m.role, 2))
    label = council_label(campaign, "decision")["short"]
    roles = {k: v.replace("Hội đồng", label) for k, v in ROLE_LABELS.items()}
    if label == "Tổ công tác":
        roles.update({"chair": "Tổ trưởng", "deputy": "Tổ phó"})
    return [
        {"no": i, "name": m.name, "title": m.title, "role": roles.get(m.role, m.role), "role_code": m.role}
        for i, m in enumerate(members, start=1)
    ]


def person(campaign: Campaign, role: str) -> dict:
    for member in campaign.council:
        if member.role == role:
            return {"name": member.name, "title": member.title}
    return {"name": "", "title": ""}
