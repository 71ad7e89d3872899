"""Legal bases and references, all from data: the shipped list of standing instruments (legal_bases.yaml), the
province's own decision approving its index (campaign `documents.index_decision`), and the documents of the round
itself (the register of issued documents, else `documents.<kind>.number/date` of the campaign).

Every citation gives type, number, date, issuer and subject (Decree 30, appendix I); a number or date not yet known
is a clean blank the clerk fills in by hand, never "…".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from ..errors import InputError
from ..round.campaign import Campaign
from ..store import Store
from ..vn.text import nfc, squash_spaces
from ..yamlfile import load_yaml_file
from . import authority
from .settings import KIND_SYMBOL, DocumentSettings

from ..round.register import default_issuer, registered

BASES_FILE = Path(__file__).with_name("legal_bases.yaml")
BLANK_NUMBER = "\u00a0" * 8  # a gap for the number, written by hand at signing
BLANK_DATE = (
    "ngày\u00a0\u00a0\u00a0\u00a0\u00a0 tháng\u00a0\u00a0\u00a0\u00a0\u00a0 năm\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0"
)
TYPE_NAMES = {
    "plan": "Kế hoạch",
    "decision": "Quyết định",
    "reminder": "Công văn",
    "minutes": "Biên bản",
    "report": "Báo cáo",
    "submission": "Tờ trình",
    "announcement": "Quyết định",
}
_SUBJECT_STARTS = ("về ", "phê duyệt ", "ban hành ", "quy định ", "v/v ", "thành lập ", "công bố ")


@dataclass
class Ref:
    """One cited document. `number` is the full number and symbol (`15/KH-UBND`) or None when not yet known, then
    `symbol` is printed after a blank."""

    type: str
    number: str | None
    symbol: str
    date: date | None
    issuer: str
    subject: str

    @property
    def complete(self) -> bool:
        return bool(self.number) and self.date is not None

    def number_text(self) -> str:
        return self.number if self.number else f"{BLANK_NUMBER}/{self.symbol}"

    def citation(self, *, long_date: bool = True, issuer: bool = True, subject: bool = True) -> str:
        """`Quyết định số 1187/QĐ-BNV ngày 15 tháng 10 năm 2025 của Bộ trưởng Bộ Nội vụ phê duyệt …`."""
        text = f"{self.type} {self.subject_name() if self.type == 'Luật' else ''}".strip()
        text += f" số {self.number_text()}"
        text += f" {date_words(self.date) if long_date else date_short(self.date)}"
        if issuer and self.issuer:
            text += f" của {self.issuer}"
        if subject and self.subject and self.type != "Luật":
            text += " " + _about(self.subject)
        return re.sub(" +", " ", text).strip()  # ASCII spaces only: the no-break blanks are the clerk's

    def subject_name(self) -> str:
        return self.subject


def date_words(value: date | None) -> str:
    if value is None:
        return BLANK_DATE
    return (
        f"ngày {value.day:02d} tháng {value.month:02d} năm {value.year}"
        if value.month <= 2
        else (f"ngày {value.day:02d} tháng {value.month} năm {value.year}")
    )


def date_short(value: date | None) -> str:
    if value is None:
        return "ngày\u00a0\u00a0\u00a0\u00a0\u00a0/\u00a0\u00a0\u00a0\u00a0\u00a0/\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0"
    return f"ngày {value.day:02d}/{value.month:02d}/{value.year}"


def _about(subject: str) -> str:
    text = subject.strip().rstrip(".;")
    low = text[:1].lower() + text[1:]
    if low.lower().startswith(_SUBJECT_STARTS):
        return low
    return "về " + low


# ------------------------------------------------------------------------------------------- the shipped list


@dataclass(frozen=True)
class Instrument:
    id: str
    ref: Ref
    kinds: tuple[str, ...]
    index: str


@cache
def instruments(path: Path = BASES_FILE) -> tuple[Instrument, ...]:
    data = load_yaml_file(path, max_bytes=256 * 1024, what="legal bases file")
    items = data.get("instruments") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise InputError("expected `instruments:` with a list of entries", path=path)
    out = []
    for i, item in enumerate(items):
        where = f"instruments[{i}]"
        if not isinstance(item, dict) or not all(item.get(k) for k in ("id", "type", "number", "date", "subject")):
            raise InputError(f"{where}: needs id, type, number, date and subject", path=path)
        when = item["date"]
        if not isinstance(when, date):
            try:
                when = date.fromisoformat(str(when))
            except ValueError:
                raise InputError(f"{where}.date: '{when}' is not a date (YYYY-MM-DD)", path=path) from None
        ref = Ref(
            _clean(item["type"]),
            _clean(item["number"]),
            "",
            when,
            _clean(item.get("issuer") or ""),
            _clean(item["subject"]),
        )
        out.append(Instrument(_clean(item["id"]), ref, tuple(item.get("kinds") or ()), str(item.get("index", "all"))))
    return tuple(out)


def _clean(value) -> str:
    return squash_spaces(nfc(str(value)))


def standing_bases(campaign: Campaign, kind: str) -> list[Ref]:
    """The shipped instruments a kind cites by default (filtered by the round's index), less `omit_bases`."""
    settings = DocumentSettings(campaign, kind)
    omit = set(settings.lines("omit_bases", []))
    extra = set(settings.lines("add_bases", []))
    index = authority.index_kind(campaign)
    return [
        item.ref
        for item in instruments()
        if item.id not in omit and (item.id in extra or (kind in item.kinds and item.index in ("all", index)))
    ]


def index_decisions(campaign: Campaign) -> list[Ref]:
    """The province's own decision(s) approving its index, one per framework the round uses
    (`documents.index_decision`: a mapping, or a list in the order of `campaign.frameworks()`); number and date
    blank when not given, the subject from the framework's name."""
    raw = (campaign.config.get("documents") or {}).get("index_decision") or []
    given = raw if isinstance(raw, list) else [raw]
    if not all(isinstance(item, dict) for item in given):
        raise InputError("campaign documents.index_decision: expected {number, date, issuer, subject} or a list")
    names = _framework_names(campaign)
    count = max(len(names), len(given))
    return [
        _index_decision(campaign, given[i] if i < len(given) else {}, names[i] if i < len(names) else "")
        for i in range(count)
    ]


def index_decision(campaign: Campaign) -> Ref:
    return index_decisions(campaign)[0]


def _index_decision(campaign: Campaign, raw: dict, framework_name: str) -> Ref:
    province = authority.province(campaign)
    number = _clean(raw.get("number") or "") or None
    when = raw.get("date")
    if when is not None and not isinstance(when, date):
        try:
            when = date.fromisoformat(str(when)[:10])
        except ValueError:
            raise InputError(f"campaign documents.index_decision.date: '{when}' is not a date") from None
    subject = _clean(raw.get("subject") or "") or f"ban hành {framework_name or 'bộ chỉ số đánh giá'}"
    return Ref(
        _clean(raw.get("type") or "Quyết định"),
        number if number is None or "/" in number else f"{number}/QĐ-UBND",
        "QĐ-UBND",
        when,
        _clean(raw.get("issuer") or "") or f"Chủ tịch {province.name}",
        subject,
    )


def framework_title(name: str) -> str:
    """A framework's name as a document cites it: without the sample marker "(mẫu)", as `Bộ Chỉ số …`."""
    text = re.sub(r"\s*\(mẫu\)\s*", " ", name, flags=re.IGNORECASE).strip()
    if text.lower().startswith("chỉ số"):
        text = "Bộ " + text
    return text


def _framework_names(campaign: Campaign) -> list[str]:
    try:
        frameworks = campaign.frameworks()
    except Exception:  # a campaign read without its store (tests): the round's name is enough
        return [framework_title(campaign.name)]
    return [framework_title(f.name) for f in frameworks]


# ---------------------------------------------------------------------------------- documents of this round


def expected_symbol(campaign: Campaign, kind: str) -> str:
    body = authority.issuer(campaign, kind)
    if kind == "reminder":
        return f"{body.short}-{DocumentSettings(campaign, kind).text('drafting_unit', 'CCHC')}"
    return f"{KIND_SYMBOL[kind]}-{body.short}"


def issued(store: Store | None, campaign: Campaign, kind: str, subject: str = "") -> Ref:
    """A document of this round as later documents cite it: from the register when it was registered, else from
    `documents.<kind>.number/date`, else with a blank number and date."""
    body = authority.issuer(campaign, kind)
    symbol = expected_symbol(campaign, kind)
    record = registered(store, campaign.id, kind) if store is not None else None
    if record is not None:
        number = str(record.number).strip()
        return Ref(
            TYPE_NAMES[kind],
            _pad_full(number) if "/" in number else f"{_pad(number)}/{symbol}",
            symbol,
            record.issued_on,
            # the register's generic default gives way to who issues the kind here (the Chairman for the council)
            body.name if record.issuer in ("", default_issuer(campaign, kind)) else _clean(record.issuer),
            _clean(record.subject) or subject,
        )
    settings = DocumentSettings(campaign, kind)
    number = settings.number().strip()
    return Ref(
        TYPE_NAMES[kind],
        f"{number}/{symbol}" if number else None,
        symbol,
        settings.date("date", None) if number or settings.own.get("date") else None,
        body.name,
        subject,
    )


def _pad_full(number: str) -> str:
    """`7/TTr-SNV` → `07/TTr-SNV` (Decree 30: numbers below 10 take a leading zero)."""
    head, _, tail = number.partition("/")
    return f"{_pad(head)}/{tail}"


def _pad(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    return number.zfill(len(number) + 1) if digits and int(digits) < 10 and len(digits) < 2 else number


def basis_lines(refs: list[Ref], extra: list[str] | None = None) -> list[str]:
    """`Căn cứ …;` lines (each ends with `;`; the template ends the block with the proposer line)."""
    lines = [f"Căn cứ {ref.citation()};" for ref in refs]
    lines += [line.rstrip(" ;.") + ";" for line in extra or []]
    return lines
