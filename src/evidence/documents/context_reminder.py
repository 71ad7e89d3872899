"""Context of the reminder letter (Công văn đôn đốc): one per unit with findings, from `findings.check`.

The letter is written in the language of a công văn from the finding's data (its code, criterion and the cited
document's number, type and date), not from the finding's message, which is meant for the unit's screen: no
internal ids, file names, quotation marks, hedges or software words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from ..errors import NotFound
from ..records import get_evidence
from ..round.campaign import Campaign
from ..round.findings import check
from ..round.findings.model import Finding
from ..store import Store
from ..vn.doctypes import type_name
from .context_common import common_context, council_label, document_date, short_date
from .settings import DocumentSettings

REMINDED_SEVERITIES = ("error", "warning")
MIN_DAYS = 5  # working time a unit gets at least, from the letter's date
# code -> what the letter asks, {doc} being the cited document ("Kế hoạch số 12/KH-UBND ngày 05/3/2026")
ASKS = {
    "MISSING_EVIDENCE": "Chưa có tài liệu kiểm chứng; đề nghị bổ sung văn bản kiểm chứng hoặc giải trình lý do.",
    "SCORE_WITHOUT_EVIDENCE": "Đã tự chấm điểm nhưng chưa có tài liệu kiểm chứng; đề nghị bổ sung văn bản "
    "kiểm chứng hoặc giải trình lý do.",
    "BLANK_SELF_SCORE": "Chưa tự đánh giá, chấm điểm; đề nghị tự chấm điểm tiêu chí này (nếu không đạt thì chấm "
    "0 điểm và giải trình).",
    "UNDATED": "{doc} không thể hiện ngày ban hành; đề nghị gửi bản có đủ ngày, tháng, năm ban hành.",
    "OUT_OF_PERIOD": "{doc} ban hành ngoài thời gian tiêu chí chấp nhận; đề nghị thay bằng văn bản ban hành trong "
    "thời kỳ đánh giá.",
    "LATE_ISSUE": "{doc} ban hành chậm so với thời hạn tiêu chí yêu cầu; đề nghị giải trình lý do.",
    "LATE_SUBMISSION": "{doc} được gửi sau thời hạn tự đánh giá; đề nghị giải trình lý do gửi chậm.",
    "NUMBER_BLANK": "{doc} chưa có số, ký hiệu văn bản; đề nghị gửi bản chính thức đã ban hành.",
    "DUPLICATE": "{doc} được gửi trùng ở nhiều tiêu chí; đề nghị chỉ giữ văn bản ở tiêu chí phù hợp.",
    "UNREADABLE": "{doc} không đọc được nội dung; đề nghị gửi lại bản rõ nét.",
    "TYPE_MISMATCH": "{doc} không đúng loại văn bản tiêu chí yêu cầu; đề nghị bổ sung đúng loại văn bản hoặc "
    "giải trình.",
    "UNKNOWN_CRITERION": "Văn bản hoặc điểm được gắn với mã tiêu chí không có trong Bộ tiêu chí; đề nghị rà soát, "
    "gắn đúng tiêu chí.",
    "SCORE_ABOVE_MAX": "Điểm tự đánh giá vượt điểm tối đa của tiêu chí; đề nghị chấm lại.",
}


def reminder_contexts(
    store: Store, campaign: Campaign, unit: str | None = None, *, draft: bool = False
) -> Iterator[tuple[str, dict]]:
    """(unit code, context) for each unit with findings of severity error/warning, or for `unit` alone."""
    if unit is not None:
        campaign.unit(unit)  # NotFound with a suggestion
    findings = [f for f in check(store, campaign.id, unit) if f.severity in REMINDED_SEVERITIES]
    by_unit: dict[str, list] = {}
    for finding in findings:
        if finding.unit:
            by_unit.setdefault(finding.unit, []).append(finding)
    if unit is not None and unit not in by_unit:
        raise NotFound(f"unit '{unit}' has no findings to remind it of in campaign '{campaign.id}'")
    if not by_unit:
        return
    for code in [u.code for u in campaign.units if u.code in by_unit]:
        yield code, reminder_context(store, campaign, code, by_unit[code], draft=draft)


def new_deadline(campaign: Campaign, when: date, asked: date | None, min_days: int = MIN_DAYS) -> date:
    """The date the letter gives: the plan's own deadline for the self-assessment while it is at least `min_days`
    away (a reminder neither shortens nor extends the plan); after that, the asked date but never earlier than
    `min_days` from the letter."""
    floor = when + timedelta(days=min_days)
    planned = campaign.deadlines.get("self_assessment")
    if planned is not None and planned >= floor:
        return planned
    return max(asked or floor, floor)


def describe(store: Store, evidence_id: int | None) -> str:
    """`Kế hoạch số 12/KH-UBND ngày 05/03/2026`, as a letter cites a document (never its file name)."""
    if evidence_id is None:
        return "Văn bản"
    try:
        meta = get_evidence(store, evidence_id)["metadata"]
    except NotFound:
        return "Văn bản"
    kind = type_name(meta.get("type_code")) or "Văn bản"
    number = str(meta.get("number") or "").strip()
    text = kind
    if number and not number.startswith("/"):
        text += f" số {number}"
    issued = meta.get("issued_on")
    if issued:
        try:
            text += f" ngày {short_date(date.fromisoformat(str(issued)[:10]))}"
        except ValueError:
            pass
    if text == kind and meta.get("summary"):
        text += f" {str(meta['summary']).strip().rstrip('.')}"
    return text


def ask(store: Store, finding: Finding) -> str:
    template = ASKS.get(finding.code)
    if template is None:  # a code added later: its message, cleaned of what a letter must not carry
        return _clean_message(finding.message)
    return template.format(doc=describe(store, finding.evidence_id)) if "{doc}" in template else template


def _clean_message(message: str) -> str:
    text = re.sub(r"\s*\(tài liệu #\d+\)", "", message)
    text = re.sub(r"[«»]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def reminder_context(
    store: Store, campaign: Campaign, unit_code: str, findings: list[Finding], *, draft: bool = False
) -> dict:
    unit = campaign.unit(unit_code)
    context = common_context(
        campaign,
        "reminder",
        brief="đôn đốc hoàn thiện hồ sơ tự đánh giá, tài liệu kiểm chứng",
        store=store,
        draft=draft,
    )
    settings = DocumentSettings(campaign, "reminder")
    when = document_date(store, campaign, "reminder")
    deadline = new_deadline(
        campaign, when, settings.date("new_deadline", None), int(settings.get("min_days", MIN_DAYS))
    )
    titles = campaign.framework_for(unit).by_code
    rows: dict[str, list[str]] = {}
    for finding in findings:
        key = finding.criterion or ""
        line = ask(store, finding)
        if line not in rows.setdefault(key, []):
            rows[key].append(line)
    items = []
    for i, (code, lines) in enumerate(rows.items(), start=1):
        title = titles[code].title if code in titles else "Hồ sơ chung của cơ quan, đơn vị"
        items.append({"no": i, "criterion": code or "Chung", "title": title, "problems": " ".join(lines)})
    planned = campaign.deadlines.get("self_assessment")
    context.update(
        {
            "unit": {"code": unit.code, "name": unit.name},
            "checked_on": short_date(when),
            "new_deadline": short_date(deadline),
            "deadline_note": "theo thời hạn tại Kế hoạch" if planned == deadline else "",
            "council": council_label(campaign)["label"],
            "items_count": len(items),
            "items": items,
        }
    )
    return context
