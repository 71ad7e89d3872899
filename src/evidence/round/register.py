"""The register of issued documents: the number and date a document of the round got when it was signed.

After signing, the secretariat records them (`evidence documents register KIND --campaign C --number N --date D`);
every later document cites the registered one in full (`IssuedDocument.citation()`), and an unregistered one is
left as a clean blank for handwriting. With the signed PDF (`catalog.register.register_document`, which reads it),
the number and date the PDF shows must agree with what is registered.

One entry per campaign and kind; registering a kind again corrects it (the last entry wins).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime

from .. import config
from ..errors import InputError
from ..store import Store, chain, now_iso
from ..vn.numbers import normalize_number, parse_number
from ..vn.text import nfc, squash_spaces
from .campaign import Campaign, load_campaign

# kind → (Vietnamese type name, Decree 30 type code of the number's symbol; None: công văn, no type code)
DOCUMENT_KINDS: dict[str, tuple[str, str | None]] = {
    "plan": ("Kế hoạch", "KH"),
    "decision": ("Quyết định", "QĐ"),
    "reminder": ("Công văn", None),
    "minutes": ("Biên bản", "BB"),
    "report": ("Báo cáo", "BC"),
    "submission": ("Tờ trình", "TTr"),
    "announcement": ("Quyết định", "QĐ"),
}
# who issues a kind by default: the province (organization.parent), its Chairman (the council is set up by the
# Chairman's decision), the secretariat (organization.issuer), the council
_ISSUED_BY = {
    "plan": "province",
    "decision": "chairman",
    "announcement": "province",
    "reminder": "secretariat",
    "report": "secretariat",
    "submission": "secretariat",
    "minutes": "council",
}


@dataclass
class IssuedDocument:
    kind: str
    number: str  # canonical, e.g. 15/KH-UBND
    issued_on: date
    issuer: str  # in a sentence: "Ủy ban nhân dân tỉnh Lâm Đồng"
    subject: str  # trích yếu, lower-case start: "triển khai xác định Chỉ số CCHC năm 2026 …"
    signer: str = ""
    campaign: str = ""
    pdf_sha256: str | None = None
    registered_by: str = ""
    registered_at: str = ""

    @property
    def type_name(self) -> str:
        return DOCUMENT_KINDS[self.kind][0]

    def citation(self) -> str:
        """`Kế hoạch số 15/KH-UBND ngày 20/01/2026 của Ủy ban nhân dân tỉnh Lâm Đồng về …`"""
        text = f"{self.type_name} số {self.number} ngày {self.issued_on.strftime('%d/%m/%Y')}"
        if self.issuer:
            text += f" của {self.issuer}"
        if self.subject:
            text += f" về {self.subject}" if self.kind != "reminder" else f" về việc {self.subject}"
        return text

    def short_citation(self) -> str:
        """`Kế hoạch số 15/KH-UBND ngày 20/01/2026`"""
        return f"{self.type_name} số {self.number} ngày {self.issued_on.strftime('%d/%m/%Y')}"

    def to_json(self) -> dict:
        data = asdict(self)
        data["issued_on"] = self.issued_on.isoformat()
        data["type_name"] = self.type_name
        data["citation"] = self.citation()
        return data


# ---------------------------------------------------------------- defaults from the campaign


def sentence_name(upper: str, place: str = "") -> str:
    """`UBND TỈNH LÂM ĐỒNG` → `Ủy ban nhân dân tỉnh Lâm Đồng`; `SỞ NỘI VỤ` → `Sở Nội vụ` (for use inside a
    sentence). Text already in mixed case is kept."""
    text = squash_spaces(nfc(upper))
    if not text or text != text.upper():
        return text
    text = re.sub(r"^UBND\b", "ỦY BAN NHÂN DÂN", text)
    lowered = text.lower()
    lowered = lowered[:1].upper() + lowered[1:]
    if place and place.lower() in lowered:
        lowered = lowered.replace(place.lower(), place)
    return re.sub(r"^(Sở|Ban|Thanh tra|Văn phòng) (\w)", lambda m: f"{m.group(1)} {m.group(2).upper()}", lowered)


def default_issuer(campaign: Campaign, kind: str) -> str:
    org = campaign.organization
    by = _ISSUED_BY.get(kind, "secretariat")
    if by == "province":
        return sentence_name(org.parent or org.issuer, org.place)
    if by == "chairman":
        return "Chủ tịch " + sentence_name(org.parent or org.issuer, org.place)
    if by == "council":
        return "Hội đồng thẩm định"
    return sentence_name(org.issuer, org.place)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def default_subject(campaign: Campaign, kind: str) -> str:
    """The subject (trích yếu) of a kind of document of this round, to follow "về" in a citation."""
    round_name = _lower_first(campaign.name)
    return {
        "plan": f"triển khai {round_name}" if not round_name.startswith("triển khai") else round_name,
        "decision": f"thành lập Hội đồng thẩm định kết quả {round_name}",
        "reminder": f"đôn đốc thực hiện {round_name}",
        "minutes": f"họp Hội đồng thẩm định kết quả {round_name}",
        "report": f"kết quả {round_name}",
        "submission": f"đề nghị phê duyệt và công bố kết quả {round_name}",
        "announcement": f"phê duyệt và công bố kết quả {round_name}",
    }[kind]


# ---------------------------------------------------------------- checking and recording


def check_kind(kind: str) -> str:
    if kind not in DOCUMENT_KINDS:
        raise InputError(f"document kind '{kind}' is not one of {', '.join(DOCUMENT_KINDS)}")
    return kind


def check_number(kind: str, number: str) -> str:
    """The canonical number, if it is a number of this kind of document; else a one-line reason."""
    canonical = normalize_number(number)
    parsed = parse_number(canonical) if canonical else None
    if canonical is None or parsed is None or parsed.blank:
        raise InputError(f"--number '{number}' is not a document number like 15/KH-UBND")
    name, code = DOCUMENT_KINDS[kind]
    found = parsed.type_code
    if code is not None and found != code:
        raise InputError(
            f"--number '{number}': a {kind} ({name}) has the symbol {code}, e.g. 15/{code}-UBND"
            + (f", not {found}" if found else "")
        )
    if code is None and found is not None:
        raise InputError(f"--number '{number}': a công văn has no type code in its symbol, e.g. 125/SNV-CCHC")
    return canonical


def check_date(campaign: Campaign, issued_on: date | str) -> date:
    if isinstance(issued_on, str):
        text = squash_spaces(issued_on)
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                issued_on = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise InputError(f"--date '{text}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
    assert isinstance(issued_on, date)
    if not campaign.year - 1 <= issued_on.year <= campaign.year + 1:
        raise InputError(
            f"--date {issued_on.isoformat()} is outside the round of {campaign.year}"
            f" ({campaign.year - 1}–{campaign.year + 1})"
        )
    return issued_on


def record_issued(
    store: Store,
    campaign_id: str,
    kind: str,
    *,
    number: str,
    issued_on: date | str,
    issuer: str | None = None,
    subject: str | None = None,
    signer: str | None = None,
    pdf_sha256: str | None = None,
    by: str | None = None,
) -> IssuedDocument:
    """Check and record a document's number and date (no PDF reading here: see catalog.register)."""
    campaign = load_campaign(store, campaign_id)
    check_kind(kind)
    canonical = check_number(kind, number)
    day = check_date(campaign, issued_on)
    entry = IssuedDocument(
        kind=kind,
        number=canonical,
        issued_on=day,
        issuer=squash_spaces(nfc(issuer)) if issuer else default_issuer(campaign, kind),
        subject=squash_spaces(nfc(subject)) if subject else default_subject(campaign, kind),
        signer=squash_spaces(nfc(signer)) if signer else _default_signer(campaign, kind),
        campaign=campaign.id,
        pdf_sha256=pdf_sha256,
        registered_by=by or config.current_user(),
        registered_at=now_iso(),
    )
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO issued_documents(campaign_id, kind, number, issued_on, issuer, subject, signer, pdf_sha256,"
            " registered_by, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(campaign_id, kind) DO UPDATE SET number = excluded.number, issued_on = excluded.issued_on,"
            " issuer = excluded.issuer, subject = excluded.subject, signer = excluded.signer,"
            " pdf_sha256 = excluded.pdf_sha256, registered_by = excluded.registered_by,"
            " registered_at = excluded.registered_at",
            (
                campaign.id,
                kind,
                entry.number,
                day.isoformat(),
                entry.issuer,
                entry.subject,
                entry.signer,
                pdf_sha256,
                entry.registered_by,
                entry.registered_at,
            ),
        )
        chain.record_registration(conn, campaign.id, kind, entry.registered_by)
    return entry


def _default_signer(campaign: Campaign, kind: str) -> str:
    if _ISSUED_BY.get(kind) == "secretariat":
        return campaign.organization.signer.name
    return ""


def _from_row(row) -> IssuedDocument:
    return IssuedDocument(
        kind=row["kind"],
        number=row["number"],
        issued_on=date.fromisoformat(row["issued_on"]),
        issuer=row["issuer"],
        subject=row["subject"],
        signer=row["signer"],
        campaign=row["campaign_id"],
        pdf_sha256=row["pdf_sha256"],
        registered_by=row["registered_by"],
        registered_at=row["registered_at"],
    )


def registered(store: Store, campaign_id: str, kind: str) -> IssuedDocument | None:
    """The registered document of this kind, or None (cite it as a blank to fill in by hand)."""
    check_kind(kind)
    row = store.db.execute(
        "SELECT * FROM issued_documents WHERE campaign_id = ? AND kind = ?", (campaign_id, kind)
    ).fetchone()
    return _from_row(row) if row else None


def register_list(store: Store, campaign_id: str | None = None) -> list[IssuedDocument]:
    """Every registered document (of one campaign), by date then kind order."""
    sql, params = "SELECT * FROM issued_documents", []
    if campaign_id:
        sql += " WHERE campaign_id = ?"
        params.append(campaign_id)
    order = list(DOCUMENT_KINDS)
    items = [_from_row(r) for r in store.db.execute(sql, params)]
    items.sort(key=lambda d: (d.campaign, d.issued_on, order.index(d.kind)))
    return items
