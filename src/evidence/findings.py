"""Findings: what is wrong with a round, computed from the scores and the evidence (`evidence check`).

Each finding names a code and a severity (see docs/findings.md for the table and the reasons behind each
severity), the unit, the criterion, the evidence when there is one, and a message in Vietnamese telling the unit
what to do. Nothing is stored: findings are recomputed from the data every time, so they follow every correction.

The rules live in `finding_rules`; this module gathers the data once per call and orders the results.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cached_property

from .campaign import Campaign, Unit, load_campaign
from .catalog import effective_metadata
from .frameworks.model import Criterion
from .scoring import Score, current_scores
from .store import Store

CODES = ("MISSING_EVIDENCE", "SCORE_WITHOUT_EVIDENCE", "UNDATED", "OUT_OF_PERIOD", "LATE_ISSUE", "LATE_SUBMISSION",
         "NUMBER_BLANK", "DUPLICATE", "UNREADABLE", "TYPE_MISMATCH", "UNKNOWN_CRITERION", "SCORE_ABOVE_MAX",
         "BLANK_SELF_SCORE", "NOT_SIGNED")
SEVERITIES = ("error", "warning", "info")
# Short Vietnamese names for tables and workbooks (the full message says what to do).
CODE_LABELS = {
    "MISSING_EVIDENCE": "Thiếu tài liệu kiểm chứng", "SCORE_WITHOUT_EVIDENCE": "Chấm điểm không có tài liệu",
    "UNDATED": "Không rõ ngày ban hành", "OUT_OF_PERIOD": "Ngoài kỳ đánh giá", "LATE_ISSUE": "Ban hành chậm",
    "LATE_SUBMISSION": "Nộp sau hạn", "NUMBER_BLANK": "Chưa có số văn bản", "DUPLICATE": "Tài liệu trùng",
    "UNREADABLE": "Không đọc được", "TYPE_MISMATCH": "Sai loại văn bản", "UNKNOWN_CRITERION": "Sai mã tiêu chí",
    "SCORE_ABOVE_MAX": "Điểm vượt tối đa", "BLANK_SELF_SCORE": "Chưa tự chấm", "NOT_SIGNED": "Không có chữ ký số",
}
# Deadlines are local dates; link times are stored in UTC. Vietnam has one time zone and no daylight saving.
LOCAL_TZ = timezone(timedelta(hours=7))


@dataclass
class Finding:
    code: str            # one of CODES
    severity: str        # error | warning | info
    unit: str | None
    criterion: str | None
    evidence_id: int | None
    message: str         # Vietnamese, says what to do

    def to_json(self) -> dict:
        """The contract's keys: code, severity, unit, criterion, evidence_id, message."""
        return {"code": self.code, "severity": self.severity, "unit": self.unit, "criterion": self.criterion,
                "evidence_id": self.evidence_id, "message": self.message}


@dataclass(slots=True)
class LinkedEvidence:
    """One link of a unit's criterion to an evidence record, with the metadata the checks read (parsed once:
    a round has tens of thousands of links)."""
    link_id: int
    evidence_id: int
    unit: str
    criterion: str
    linked_at: str
    filename: str
    format: str | None
    text_source: str | None
    has_text: bool
    number: str | None
    type_code: str | None
    issuer: str | None
    issued_on: date | None
    signed: bool                       # at least one digital signature
    number_blank_warning: bool         # the reader warned `number_blank`
    linked_on: date | None             # the local (Vietnam) date the link was made

    @property
    def label(self) -> str:
        """How a message names the document: its number when it has a real one, else its file name."""
        if self.number and not self.number.startswith("/"):
            return f"«{self.number}» (tài liệu #{self.evidence_id})"
        return f"«{self.filename}» (tài liệu #{self.evidence_id})"


def _iso_date(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _local_date(stamp: str | None) -> date | None:
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LOCAL_TZ).date()


def _corrected_ids(store: Store, campaign_id: str) -> set[int]:
    """Evidence of the campaign that people corrected (the others' metadata is what was extracted)."""
    try:
        return {r[0] for r in store.db.execute(
            "SELECT DISTINCT c.evidence_id FROM metadata_corrections c JOIN links l ON l.evidence_id = c.evidence_id"
            " WHERE l.campaign_id = ?", (campaign_id,))}
    except sqlite3.OperationalError as exc:  # a store without the corrections table
        if "no such table" in str(exc):
            return set()
        raise


@dataclass
class RoundData:
    """Everything the rules read, loaded once."""
    campaign: Campaign
    units: list[Unit]
    criteria: dict[str, Criterion]
    scores: dict[tuple[str, str], Score]
    links: list[LinkedEvidence]

    @cached_property
    def field_of(self) -> dict[str, str]:
        """Criterion code -> the code of its field (top-level criterion)."""
        out: dict[str, str] = {}
        for root in self.campaign.framework.criteria:
            stack = [root]
            while stack:
                node = stack.pop()
                out[node.code] = root.code
                stack.extend(node.children)
        return out


# The fields the rules need, read by SQLite's JSON functions (much faster than parsing every record in Python).
_LINK_SQL = """
    SELECT l.id, l.evidence_id, l.unit_code, l.criterion_code, l.linked_at, l.filename, e.format, e.text_source,
           e.text != '', json_extract(e.metadata, '$.number'), json_extract(e.metadata, '$.type_code'),
           json_extract(e.metadata, '$.issuer'), json_extract(e.metadata, '$.issued_on'),
           COALESCE(json_array_length(e.metadata, '$.signatures'), 0) > 0,
           instr(COALESCE(json_extract(e.metadata, '$.warnings'), ''), '"number_blank"') > 0
    FROM links l JOIN evidence e ON e.id = l.evidence_id
    WHERE l.campaign_id = ?"""


def load_round(store: Store, campaign: Campaign, unit: str | None = None,
               evidence_id: int | None = None) -> RoundData:
    units = [campaign.unit(unit)] if unit else list(campaign.units)
    scores = current_scores(store, campaign.id, unit)
    sql, params = _LINK_SQL, [campaign.id]
    if unit:
        sql += " AND l.unit_code = ?"
        params.append(unit)
    if evidence_id is not None:
        sql += " AND l.evidence_id = ?"
        params.append(evidence_id)
    sql += " ORDER BY l.id"
    corrected = _corrected_ids(store, campaign.id)
    local_dates: dict[str, date | None] = {}
    links = []
    cursor = store.db.cursor()
    cursor.row_factory = None  # plain tuples
    for (link_id, eid, unit_code, code, stamp, filename, fmt, text_source, has_text, number, type_code, issuer,
         issued_on, signed, blank_warning) in cursor.execute(sql, params):
        if eid in corrected:
            number, type_code, issuer, issued_on, signed, blank_warning = _corrected(store, eid)
        if stamp not in local_dates:
            local_dates[stamp] = _local_date(stamp)
        links.append(LinkedEvidence(
            link_id, eid, unit_code, code, stamp, filename, fmt, text_source, bool(has_text),
            None if number is None else str(number), type_code, None if issuer is None else str(issuer),
            _iso_date(issued_on), bool(signed), bool(blank_warning), local_dates[stamp]))
    return RoundData(campaign=campaign, units=units, criteria=campaign.framework.by_code, scores=scores,
                     links=links)


def _corrected(store: Store, evidence_id: int) -> tuple:
    """The rule fields of a record people corrected, through `catalog.effective_metadata`."""
    row = store.db.execute("SELECT metadata FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
    meta = effective_metadata(store, evidence_id, json.loads(row[0] or "{}")) or {}
    return (meta.get("number"), meta.get("type_code"), meta.get("issuer"), meta.get("issued_on"),
            bool(meta.get("signatures")), "number_blank" in (meta.get("warnings") or []))


def check(store: Store, campaign_id: str, unit: str | None = None) -> list[Finding]:
    """All findings of a campaign (or of one unit), ordered by unit, criterion (framework order) and code."""
    from .finding_rules import run_rules
    campaign = load_campaign(store, campaign_id)
    data = load_round(store, campaign, unit)
    return _ordered(campaign, run_rules(data))


def findings_for_evidence(store: Store, evidence_id: int) -> list[dict]:
    """The findings about one evidence record, in every campaign and unit it is linked to (for `evidence show`)."""
    from .finding_rules import run_rules
    targets = store.db.execute("SELECT DISTINCT campaign_id, unit_code FROM links WHERE evidence_id = ?"
                               " ORDER BY campaign_id, unit_code", (evidence_id,)).fetchall()
    out: list[dict] = []
    campaigns: dict[str, Campaign] = {}
    for row in targets:
        campaign = campaigns.get(row["campaign_id"]) or load_campaign(store, row["campaign_id"])
        campaigns[campaign.id] = campaign
        data = load_round(store, campaign, row["unit_code"])  # the whole unit: duplicates need the others
        for finding in _ordered(campaign, run_rules(data)):
            if finding.evidence_id == evidence_id:
                out.append({"campaign": campaign.id, **finding.to_json()})
    return out


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def summarize(findings: list[Finding]) -> dict:
    """Counts by severity and by code (codes in contract order, only those present)."""
    by_severity = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    by_code = {c: n for c in CODES if (n := sum(1 for f in findings if f.code == c))}
    return {"total": len(findings), "by_severity": by_severity, "by_code": by_code}


def _ordered(campaign: Campaign, findings: list[Finding]) -> list[Finding]:
    unit_pos = {u.code: i for i, u in enumerate(campaign.units)}
    crit_pos = {c.code: i for i, c in enumerate(campaign.framework.walk())}
    code_pos = {c: i for i, c in enumerate(CODES)}
    return sorted(findings, key=lambda f: (unit_pos.get(f.unit, len(unit_pos)),
                                           crit_pos.get(f.criterion, len(crit_pos)), f.criterion or "",
                                           code_pos[f.code], f.evidence_id or 0))
