"""Context of the unit's self-assessment report (báo cáo kết quả tự đánh giá, chấm điểm): issued by the unit,
signed by its head, addressed to the standing body (the campaign's organisation: Sở Nội vụ for the PAR index,
Thanh tra tỉnh for PCTN).

The unit's own words come from its entry in the campaign YAML (docs/dossier.md):
`head_title`, `head_name`, `head_authority`, `symbol`, `place`, `parent`, `issuer` and a `self_report:` block
(`number`, `date`, `organisation`, `difficulties`, `proposals`, `recipients`, `drafting_unit`). Keys the round
module defines on `Unit` (issue 12) win over the raw entry; without a `difficulties` list the report quotes the
unit's own explanations of the criteria it did not prove or scored below the maximum.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ..errors import InputError
from ..round.campaign import Campaign, Unit
from ..round.register import registered
from ..round.scoring import unit_status
from ..store import Store
from ..vn.text import fold, nfc, squash_spaces
from .context_common import common_context, place_date_line, short_date
from .context_results import vn_number
from .evidence_list import CriterionEntry, unit_entries
from .settings import DocumentSettings

KIND = "self-report"
LOCAL_GOVERNMENT_KINDS = ("commune", "district", "province")
NO_HEAD_NAME = "(họ và tên người ký)"  # a visible blank when the campaign does not name the unit's head


# ---------------------------------------------------------------------------------------------- the unit entry


def unit_entry(campaign: Campaign, unit_code: str) -> dict:
    """The unit's mapping as written in the campaign YAML (keys the `Unit` dataclass may not carry yet)."""
    for item in campaign.config.get("units") or []:
        if isinstance(item, dict) and squash_spaces(nfc(str(item.get("code", "")))) == unit_code:
            return item
    return {}


def unit_value(unit: Unit, entry: dict, key: str) -> str:
    """`unit.<key>` when the round module defines it, else the raw entry's value; NFC, single spaces."""
    value = getattr(unit, key, None)
    if value in (None, ""):
        value = entry.get(key)
    return squash_spaces(nfc(str(value))) if value not in (None, "") else ""


def _lines(block: dict, key: str, unit_code: str) -> list[str]:
    value = block.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise InputError(f"campaign units[{unit_code}].self_report.{key}: expected a list of lines")
    return [squash_spaces(nfc(str(v))) for v in value if str(v).strip()]


def _block(entry: dict, unit_code: str) -> dict:
    block = entry.get("self_report") or {}
    if not isinstance(block, dict):
        raise InputError(f"campaign units[{unit_code}].self_report: expected a mapping (see docs/dossier.md)")
    return block


def _number(block: dict, unit_code: str) -> str:
    value = block.get("number")
    if value in (None, ""):
        return "      "
    text = str(value).strip()
    match = re.fullmatch(r"(\d{1,6})([a-z]?)", text)
    if not match:
        raise InputError(f"campaign units[{unit_code}].self_report.number: '{text}' is not a document number")
    return match.group(1).zfill(2) + match.group(2)


def _date(value, unit_code: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(
            f"campaign units[{unit_code}].self_report.date: '{value}' is not a date (YYYY-MM-DD)"
        ) from None


def default_symbol(unit: Unit) -> str:
    """The unit's abbreviation in document symbols (`BC-SYT`): its code, upper case, ASCII letters and digits."""
    return re.sub(r"[^A-Z0-9]", "", fold(unit.code).upper()) or "DV"


def issuer_lines(unit: Unit, entry: dict) -> list[str]:
    """The issuing body in the header, upper case, one item per line: [`SỞ Y TẾ`], [`ỦY BAN NHÂN DÂN`,
    `XÃ ĐỨC TRỌNG`] (a people's committee over its place, the place name never split)."""
    given = unit_value(unit, entry, "issuer")
    name = re.sub(r"^UBND\b", "Ủy ban nhân dân", given or unit.name).upper()
    committee = "ỦY BAN NHÂN DÂN"
    if name.startswith(committee + " "):
        return [committee, name[len(committee) + 1 :].replace(" ", "\u00a0")]
    return [name]


def index_name(campaign: Campaign) -> str:
    """`Xác định Chỉ số CCHC năm 2025 của các sở, ban, ngành` → `Chỉ số CCHC năm 2025` (what the unit assessed)."""
    name = re.sub(r"^(xác định|đánh giá)\s+", "", campaign.name, flags=re.IGNORECASE)
    name = re.split(r"\s+(của|đối với|tại)\s+", name, maxsplit=1)[0]
    return name.strip(" .") or campaign.name


# ---------------------------------------------------------------------------------------------- the context


def _points(value: float | None) -> str:
    return vn_number(value) if value is not None else "-"


def _note(entry: CriterionEntry) -> str:
    if not entry.applicable:
        return "Không áp dụng"
    if entry.survey:
        return "Điều tra xã hội học"
    if not entry.is_leaf:
        return ""
    if entry.missing_evidence:
        if entry.explanation:
            return f"Giải trình: {entry.explanation}"
        return "Chưa có tài liệu kiểm chứng, chưa giải trình"
    n = len(entry.documents)
    return f"{n} tài liệu" if n else ""


def score_rows(entries: list[CriterionEntry]) -> list[dict]:
    rows = []
    for entry in entries:
        leaf = entry.is_leaf
        self_text = "-"
        if entry.applicable and not (leaf and entry.survey):
            self_text = _points(entry.self_score) if entry.self_score is not None else ("Chưa chấm" if leaf else "-")
        rows.append(
            {
                "code": entry.code,
                "title": entry.title,
                "group": not leaf,
                "max": _points(entry.max_points) if entry.applicable else "-",
                "self": self_text,
                "note": _note(entry),
            }
        )
    return rows


def evidence_sections(entries: list[CriterionEntry]) -> list[dict]:
    """Per applicable scored criterion: its documents cited in full, or why there are none."""
    out = []
    for entry in entries:
        if not entry.is_leaf or not entry.applicable:
            continue
        items = [f"{doc.cited};" for doc in entry.documents]
        if entry.survey:
            items = ["Tiêu chí đánh giá qua điều tra xã hội học: đơn vị không tự chấm điểm, không cung cấp tài liệu."]
        elif not items:
            if entry.explanation:
                items = [f"Không có tài liệu kiểm chứng. Giải trình: {entry.explanation.rstrip('.')}."]
            elif entry.missing_evidence:
                items = ["Chưa có tài liệu kiểm chứng."]
            else:
                items = ["Tiêu chí không bắt buộc tài liệu kiểm chứng; đơn vị không đính kèm tài liệu."]
        elif items:
            items[-1] = items[-1][:-1] + "."
        out.append({"code": entry.code, "title": entry.title, "lines": items})
    return out


def _difficulties_from_explanations(entries: list[CriterionEntry]) -> list[str]:
    lines = []
    for entry in entries:
        if not entry.is_leaf or not entry.applicable or entry.survey or not entry.explanation:
            continue
        short_of_max = entry.self_score is not None and entry.self_score < entry.max_points
        if entry.missing_evidence or short_of_max:
            lines.append(f"Tiêu chí {entry.code}: {entry.explanation.rstrip('.')}.")
    return lines


def _submitted_on(store: Store, campaign: Campaign, unit: Unit) -> date | None:
    status = unit_status(store, campaign.id, unit.code)
    if not status.submitted_at:
        return None
    try:
        return datetime.fromisoformat(status.submitted_at).date()
    except ValueError:
        return None


def self_report_context(store: Store, campaign: Campaign, unit_code: str, *, draft: bool = False) -> dict:
    unit = campaign.unit(unit_code)
    entry = unit_entry(campaign, unit.code)
    block = _block(entry, unit.code)
    settings = DocumentSettings(campaign, KIND)
    org = campaign.organization
    context = common_context(campaign, "report", draft=draft)  # campaign, refs: the unit cites the plan like every kind
    standing = settings.text("addressee", "") or context["org"].get("standing") or context["org"]["issuer_name"]
    plan = registered(store, campaign.id, "plan")  # cited in full once its number and date are registered
    if plan is not None:
        plan_citation = plan.citation()
    else:  # the number left blank for the clerk
        plan_citation = context["refs"]["plan"]
        if " của " not in plan_citation:
            plan_citation += f" của {context['org']['issuer_name']}"
        plan_citation += f" về {context['campaign']['name_lower']}"

    entries = unit_entries(store, campaign, unit)
    submitted = _submitted_on(store, campaign, unit)
    when = _date(block.get("date"), unit.code) or submitted or date.today()
    place = unit_value(unit, entry, "place") or org.place
    symbol = unit_value(unit, entry, "symbol") or default_symbol(unit)
    local_government = unit.kind in LOCAL_GOVERNMENT_KINDS
    parent = unit_value(unit, entry, "parent")
    if not parent and not local_government:
        parent = org.parent
    authority = unit_value(unit, entry, "head_authority") or ("TM. ỦY BAN NHÂN DÂN" if local_government else "")
    title = unit_value(unit, entry, "head_title") or ("CHỦ TỊCH" if local_government else "GIÁM ĐỐC")
    if authority.upper() == "TM. ỦY BAN NHÂN DÂN" and title.upper().startswith("CHỦ TỊCH"):
        title = "CHỦ TỊCH"  # "Chủ tịch UBND" signs as TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH
    index = index_name(campaign)
    subject = settings.text("subject", "") or f"Kết quả tự đánh giá, chấm điểm {index}"

    leaves = [e for e in entries if e.is_leaf and e.applicable]
    own = [e for e in leaves if not e.survey]
    survey = [e for e in leaves if e.survey]
    self_max = round(sum(e.max_points for e in own), 4)
    self_total = round(sum(e.self_score or 0 for e in own), 4)
    scored = sum(1 for e in own if e.self_score is not None)
    documents = {d.evidence_id for e in entries for d in e.documents}
    links = sum(len(e.documents) for e in entries)
    not_applicable = [e.code for e in entries if e.is_leaf and not e.applicable]
    fields = sum(1 for e in entries if e.depth == 0)

    facts = (
        f"{unit.name} đã tự đánh giá, chấm điểm {scored}/{len(own)} tiêu chí, tiêu chí thành phần thuộc "
        f"{fields} lĩnh vực và đính kèm {len(documents)} tài liệu kiểm chứng"
    )
    if links != len(documents):  # a document proving several criteria
        facts += f" ({links} lượt gắn với tiêu chí)"
    facts += f"; kết quả tự đánh giá được gửi ngày {short_date(submitted)}." if submitted else "."
    organisation = _lines(block, "organisation", unit.code) or _lines(block, "organization", unit.code)
    difficulties = _lines(block, "difficulties", unit.code) or _difficulties_from_explanations(entries)
    proposals = _lines(block, "proposals", unit.code)

    summary = [
        f"Tổng điểm tự đánh giá: {vn_number(self_total)}/{vn_number(self_max)} điểm"
        + (f", đạt {vn_number(100 * self_total / self_max)}%" if self_max else "")
        + "."
    ]
    if survey:
        summary.append(
            f"{len(survey)} tiêu chí ({vn_number(sum(e.max_points for e in survey))} điểm) đánh giá qua điều tra xã "
            f"hội học do cơ quan thường trực tổng hợp, đơn vị không tự chấm: {', '.join(e.code for e in survey)}."
        )
    if not_applicable:
        summary.append(f"Tiêu chí không áp dụng đối với đơn vị: {', '.join(not_applicable)}.")
    missing = [e.code for e in own if e.missing_evidence]
    if missing:
        summary.append(f"Tiêu chí chưa có tài liệu kiểm chứng: {', '.join(missing)} (giải trình tại bảng điểm).")

    # the unit issues and its head signs: the common keys are kept (whatever the templates' version has) and the
    # unit's values put in
    lines = issuer_lines(unit, entry)
    context["org"].update({"parent": parent.upper(), "issuer": " ".join(lines), "issuer_short": symbol, "place": place})
    context["org"]["issuer_name"] = unit.name
    if "issuer_lines" in context["org"]:
        context["org"]["issuer_lines"] = lines
    name = unit_value(unit, entry, "head_name") or NO_HEAD_NAME
    context["signer"].update({"authority": authority.upper(), "title": title.upper(), "name": name})
    if "lines" in context["signer"]:
        context["signer"]["lines"] = [line.upper() for line in (authority, title) if line]
    context["doc"].update(
        {
            "kind": KIND,
            "number": _number(block, unit.code),
            "symbol": f"BC-{symbol}",
            "date": when.isoformat(),
            "date_short": short_date(when),
            "place_date": place_date_line(place, when),
            "subject": subject,
            "brief": "",
            "archive": f"VT, {squash_spaces(nfc(str(block.get('drafting_unit') or 'VP')))}",
        }
    )
    context.update(
        {
            "recipients": _lines(block, "recipients", unit.code) or ["Như trên"],
            "unit": {"code": unit.code, "name": unit.name},
            "addressee": standing,
            "plan_citation": plan_citation,
            "index_name": index,
            "facts": facts,
            "organisation": organisation,
            "summary": summary,
            "scores": score_rows(entries),
            "total": {"max": vn_number(self_max), "self": vn_number(self_total)},
            "evidence": evidence_sections(entries),
            "difficulties": difficulties or ["Không có."],
            "proposals": proposals or ["Không có."],
        }
    )
    return context
