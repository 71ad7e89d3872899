"""Who issues and signs each kind of document (domain.md, "Who issues and signs what"), right by default.

- plan, announcement: the provincial People's Committee (UBND tỉnh), `TM. ỦY BAN NHÂN DÂN` / `KT. CHỦ TỊCH`;
- decision (the council or working group): the Chairman of UBND tỉnh, `KT. CHỦ TỊCH` / `PHÓ CHỦ TỊCH`;
- reminder, report, submission: the standing body (the campaign's `organization`: Sở Nội vụ, or Thanh tra tỉnh for
  an anti-corruption round);
- minutes: the council (or working group), signed by its secretary (left) and chair (right).

Everything can be overridden in the campaign (`documents.province`, `documents.<kind>.signer`, see
docs/documents.md); names that are not known stay blank for the clerk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..round.campaign import Campaign
from ..vn.text import nfc, squash_spaces
from .settings import DocumentSettings

ROLE_OF_KIND = {
    "plan": "province",
    "decision": "chairman",
    "announcement": "province",
    "reminder": "standing",
    "report": "standing",
    "submission": "standing",
    "minutes": "council",
}


@dataclass
class Issuer:
    role: str  # province | chairman | standing | council
    parent: str  # the parent body's header line (upper case), or ""
    lines: list[str]  # the issuing body's header lines (upper case, bold)
    short: str  # its part of the symbol: UBND, SNV, HĐTĐ
    name: str  # in sentences: "Ủy ban nhân dân tỉnh Quảng Nam", "Sở Nội vụ"


@dataclass
class SignerBlock:
    lines: list[str]  # authority and title lines, upper case: ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    name: str
    extra: dict = field(default_factory=dict)


def _text(value) -> str:
    return squash_spaces(nfc(str(value))) if value not in (None, "") else ""


def index_kind(campaign: Campaign) -> str:
    """`pctn` for an anti-corruption round (Thanh tra tỉnh, a working group), else `par`."""
    raw = campaign.config.get("documents") or {}
    chosen = str(raw.get("index", "") if isinstance(raw, dict) else "").lower()
    if chosen in ("par", "pctn"):
        return chosen
    blob = f"{campaign.framework_id} {campaign.name}".lower()
    return "pctn" if "pctn" in blob or "tham nhũng" in blob else "par"


def _province_raw(campaign: Campaign) -> dict:
    raw = campaign.config.get("documents") or {}
    value = raw.get("province") if isinstance(raw, dict) else None
    return value if isinstance(value, dict) else {}


def province_level(campaign: Campaign) -> str:
    """`tỉnh` or `thành phố` (a centrally run city), from the parent body's name."""
    parent = campaign.organization.parent.upper()
    return "thành phố" if "THÀNH PHỐ" in parent or parent.startswith("UBND TP") else "tỉnh"


def province(campaign: Campaign) -> Issuer:
    """The provincial People's Committee: `ỦY BAN NHÂN DÂN` / `TỈNH QUẢNG NAM`, symbol UBND."""
    raw = _province_raw(campaign)
    place = campaign.organization.place
    level = province_level(campaign)
    name = _text(raw.get("name")) or f"Ủy ban nhân dân {level} {place}".strip()
    upper = name.upper()
    if upper.startswith("ỦY BAN NHÂN DÂN "):
        lines = ["ỦY BAN NHÂN DÂN", upper.removeprefix("ỦY BAN NHÂN DÂN ").strip()]
    else:
        lines = [upper]
    return Issuer("province", "", lines, "UBND", name)


def province_short_upper(campaign: Campaign) -> str:
    """`UBND TỈNH QUẢNG NAM`: how a body under the province writes its parent in the header."""
    if campaign.organization.parent:
        return campaign.organization.parent
    return f"UBND {province_level(campaign).upper()} {campaign.organization.place.upper()}".strip()


def standing_name(campaign: Campaign) -> str:
    """The standing body in sentences: `Sở Nội vụ`, `Thanh tra tỉnh`."""
    raw = campaign.config.get("documents") or {}
    given = _text(raw.get("issuer_name")) if isinstance(raw, dict) else ""
    return given or sentence_name(campaign.organization.issuer, campaign.organization.place)


def standing_head(campaign: Campaign) -> str:
    """The head of the standing body, who proposes: `Giám đốc Sở Nội vụ`, `Chánh Thanh tra tỉnh`."""
    raw = campaign.config.get("documents") or {}
    given = _text(raw.get("head_title")) if isinstance(raw, dict) else ""
    if given:
        return given
    name = standing_name(campaign)
    if name.lower().startswith("thanh tra"):
        return "Chánh " + name
    if name.startswith("Sở"):
        return "Giám đốc " + name
    return "Thủ trưởng " + name


def standing(campaign: Campaign) -> Issuer:
    org = campaign.organization
    return Issuer("standing", org.parent, [org.issuer], org.issuer_short or "CQ", standing_name(campaign))


def council(campaign: Campaign) -> Issuer:
    settings = DocumentSettings(campaign, "decision")
    label = settings.text("council_label", default_council_label(campaign))
    short = "TCT" if label.lower().startswith("tổ công tác") else "HĐTĐ"
    minutes = DocumentSettings(campaign, "minutes")
    return Issuer(
        "council",
        province_short_upper(campaign),
        [minutes.text("issuer", label.upper())],
        minutes.text("issuer_short", short),
        label,
    )


def default_council_label(campaign: Campaign) -> str:
    return "Tổ công tác" if index_kind(campaign) == "pctn" else "Hội đồng thẩm định"


def issuer(campaign: Campaign, kind: str) -> Issuer:
    settings = DocumentSettings(campaign, kind)
    role = settings.text("issued_by", ROLE_OF_KIND.get(kind, "standing"))
    if role in ("province", "chairman"):
        body = province(campaign)
        body.role = role
        if role == "chairman":
            body.name = "Chủ tịch " + body.name
        return body
    if role == "council":
        return council(campaign)
    return standing(campaign)


def _chair_names(campaign: Campaign) -> tuple[str, str]:
    """(chairman, vice-chairman in charge) of UBND tỉnh: from `documents.province`, else the council's chair when
    they are a Vice-Chairman of the province."""
    raw = _province_raw(campaign)
    chair, vice = _text(raw.get("chair")), _text(raw.get("vice_chair"))
    if not vice and "vice_chair" not in raw:
        for member in campaign.council:
            title = member.title.lower()
            if member.role == "chair" and title.startswith("phó chủ tịch") and ("ubnd" in title or "ủy ban" in title):
                vice = member.name
    return chair, vice


def signer(campaign: Campaign, kind: str) -> SignerBlock:
    settings = DocumentSettings(campaign, kind)
    given = settings.own.get("signer")
    if isinstance(given, dict):
        lines = [_text(given.get("authority")).upper(), _text(given.get("title")).upper()]
        return SignerBlock([line for line in lines if line], _text(given.get("name")))
    role = issuer(campaign, kind).role
    if role in ("province", "chairman"):
        chair, vice = _chair_names(campaign)
        raw = _province_raw(campaign)
        by_vice = bool(vice) if raw.get("signs") not in ("chair", "vice_chair") else raw.get("signs") == "vice_chair"
        lines = ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] if by_vice else ["CHỦ TỊCH"]
        if role == "province":
            lines = ["TM. ỦY BAN NHÂN DÂN", *lines]
        return SignerBlock(lines, vice if by_vice else chair)
    if role == "council":
        return SignerBlock(["CHỦ TỌA"], person(campaign, "chair"))
    org_signer = campaign.organization.signer
    lines = [org_signer.authority.upper(), org_signer.title.upper()]
    return SignerBlock([line for line in lines if line], org_signer.name)


def person(campaign: Campaign, role: str) -> str:
    return next((m.name for m in campaign.council if m.role == role), "")


def authority_line(campaign: Campaign, kind: str) -> str:
    """The centred line above the legal bases of a decision: `CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM` for the
    Chairman's decision, `ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM` for the Committee's."""
    body = issuer(campaign, kind)
    full = " ".join(body.lines)
    if body.role == "chairman":
        return "CHỦ TỊCH " + full
    if body.role == "standing":
        return standing_head(campaign).upper()
    return full


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
