"""Context of the reminder letter (Công văn đôn đốc): one per unit with findings, from `findings.check`."""

from __future__ import annotations

from datetime import timedelta
from collections.abc import Iterator

from ..round.campaign import Campaign
from ..errors import NotFound
from ..round.findings import check
from ..store import Store
from .context_common import common_context, issue_date, short_date
from .settings import DocumentSettings

REMINDED_SEVERITIES = ("error", "warning")


def reminder_contexts(store: Store, campaign: Campaign, unit: str | None = None) -> Iterator[tuple[str, dict]]:
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
        yield code, reminder_context(campaign, code, by_unit[code])


def reminder_context(campaign: Campaign, unit_code: str, findings: list) -> dict:
    unit = campaign.unit(unit_code)
    context = common_context(campaign, "reminder", brief="đôn đốc hoàn thiện hồ sơ tự đánh giá, tài liệu kiểm chứng")
    settings = DocumentSettings(campaign, "reminder")
    when = issue_date(settings)
    deadline = settings.date("new_deadline", None) or when + timedelta(days=int(settings.get("days", 7)))
    titles = campaign.framework_for(unit).by_code
    rows: dict[str, list[str]] = {}
    for finding in findings:
        key = finding.criterion or ""
        if finding.message not in rows.setdefault(key, []):
            rows[key].append(finding.message)
    items = []
    for i, (code, messages) in enumerate(rows.items(), start=1):
        title = titles[code].title if code in titles else "Hồ sơ chung của cơ quan, đơn vị"
        items.append({"no": i, "criterion": code or "—", "title": title, "problems": "; ".join(messages)})
    context.update(
        {
            "unit": {"code": unit.code, "name": unit.name},
            "checked_on": short_date(when),
            "new_deadline": short_date(deadline),
            "items_count": len(items),
            "items": items,
        }
    )
    return context
