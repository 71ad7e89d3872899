"""What a finding is, and the round data the rules read (see docs/findings.md for every code and severity)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, timezone
from functools import cached_property

from ...frameworks.model import Criterion
from ..campaign import Campaign, Unit
from ..scoring import Score

CODES = (
    "MISSING_EVIDENCE",
    "SCORE_WITHOUT_EVIDENCE",
    "UNDATED",
    "OUT_OF_PERIOD",
    "LATE_ISSUE",
    "LATE_SUBMISSION",
    "NUMBER_BLANK",
    "DUPLICATE",
    "UNREADABLE",
    "TYPE_MISMATCH",
    "UNKNOWN_CRITERION",
    "SCORE_ABOVE_MAX",
    "BLANK_SELF_SCORE",
    "NOT_SIGNED",
    "ACTIVE_CONTENT",
    "SURVEY_MISSING",
    "NOT_READ_YET",
)
SEVERITIES = ("error", "warning", "info")
# Short Vietnamese names for tables and workbooks (the full message says what to do).
CODE_LABELS = {
    "MISSING_EVIDENCE": "Thiếu tài liệu kiểm chứng",
    "SCORE_WITHOUT_EVIDENCE": "Chấm điểm không có tài liệu",
    "UNDATED": "Không rõ ngày ban hành",
    "OUT_OF_PERIOD": "Ngoài kỳ đánh giá",
    "LATE_ISSUE": "Ban hành chậm",
    "LATE_SUBMISSION": "Nộp sau hạn",
    "NUMBER_BLANK": "Chưa có số văn bản",
    "DUPLICATE": "Tài liệu trùng",
    "UNREADABLE": "Không đọc được",
    "TYPE_MISMATCH": "Sai loại văn bản",
    "UNKNOWN_CRITERION": "Sai mã tiêu chí",
    "SCORE_ABOVE_MAX": "Điểm vượt tối đa",
    "BLANK_SELF_SCORE": "Chưa tự chấm",
    "NOT_SIGNED": "Không có chữ ký số",
    "ACTIVE_CONTENT": "Tệp có mã chạy hoặc tệp đính kèm",
    "SURVEY_MISSING": "Chưa nhập điểm điều tra xã hội học",
    "NOT_READ_YET": "Đang đọc tài liệu",
}
# Deadlines are local dates; link times are stored in UTC. Vietnam has one time zone and no daylight saving.
LOCAL_TZ = timezone(timedelta(hours=7))


@dataclass
class Finding:
    code: str  # one of CODES
    severity: str  # error | warning | info
    unit: str | None
    criterion: str | None
    evidence_id: int | None
    message: str  # Vietnamese, says what to do

    def to_json(self) -> dict:
        """The contract's keys: code, severity, unit, criterion, evidence_id, message."""
        return {
            "code": self.code,
            "severity": self.severity,
            "unit": self.unit,
            "criterion": self.criterion,
            "evidence_id": self.evidence_id,
            "message": self.message,
        }


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
    signed: bool  # at least one digital signature
    number_blank_warning: bool  # the reader warned `number_blank`
    linked_on: date | None  # the local (Vietnam) date the link was made
    issued_on_estimated: bool = False  # the issue date is the signing day (no printed date could be read)
    active_content: bool = False  # the reader warned pdf_active_content or pdf_embedded_file
    read_status: str = "read"  # pending | reading: stored and linked, its text and metadata not read yet

    @property
    def label(self) -> str:
        """How a message names the document: its number when it has a real one, else its file name."""
        if self.number and not self.number.startswith("/"):
            return f"«{self.number}» (tài liệu #{self.evidence_id})"
        return f"«{self.filename}» (tài liệu #{self.evidence_id})"


@dataclass
class RoundData:
    """Everything the rules read, loaded once."""

    campaign: Campaign
    units: list[Unit]
    criteria: dict[str, Criterion]
    scores: dict[tuple[str, str], Score]
    links: list[LinkedEvidence]

    def criteria_for(self, unit_code: str) -> dict[str, Criterion]:
        """The criteria of the framework the unit is scored on (its group's, else the campaign's)."""
        cached = self._criteria_by_unit.get(unit_code)
        if cached is None:
            if unit_code in self._unit_codes:
                framework = self.campaign.framework_for(unit_code)
                cached = self.criteria if framework.id == self.campaign.framework_id else framework.by_code
            else:
                cached = self.criteria
            self._criteria_by_unit[unit_code] = cached
        return cached

    @cached_property
    def _unit_codes(self) -> frozenset[str]:
        return frozenset(u.code for u in self.campaign.units)

    @cached_property
    def _criteria_by_unit(self) -> dict[str, dict[str, Criterion]]:
        return {}

    def field_of(self, unit_code: str) -> dict[str, str]:
        """Criterion code -> the code of its field (top-level criterion), in the unit's framework."""
        framework = self.campaign.framework_for(unit_code)
        cached = self._fields.get(framework.id)
        if cached is not None:
            return cached
        out: dict[str, str] = {}
        for root in framework.criteria:
            stack = [root]
            while stack:
                node = stack.pop()
                out[node.code] = root.code
                stack.extend(node.children)
        self._fields[framework.id] = out
        return out

    @cached_property
    def _fields(self) -> dict[str, dict[str, str]]:
        return {}
