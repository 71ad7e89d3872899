"""A unit's evidence list (danh mục tài liệu kiểm chứng): per applicable criterion, its score and every linked
document cited in full — "Kế hoạch số 15/KH-SYT ngày 20/01/2026 của Sở Y tế về …", with the pages when only
some pages prove the point. The self-report, the dossier's workbook and its index.html all read this one list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..frameworks.model import Criterion, Framework
from ..records import get_evidence
from ..round.campaign import Campaign, Unit
from ..round.scoring import Score, current_scores
from ..store import Store
from ..vn.doctypes import type_name
from ..vn.text import nfc, squash_spaces
from .bases import BLANK_NUMBER
from .context_common import lower_first, sentence_name, short_date

SURVEY = "survey"


@dataclass
class Document:
    """One linked document of one criterion."""

    evidence_id: int
    link_id: int
    criterion: str
    sha256: str
    filename: str
    format: str | None
    size: int
    number: str | None
    type_code: str | None
    type_name: str | None
    issuer: str | None
    issued_on: str | None  # YYYY-MM-DD
    summary: str | None
    pages: str | None  # the link's pages ("2-3") when only some pages prove the point
    note: str | None
    citation: str  # the full citation, without the pages
    cited: str  # the citation with the pages, as the self-report prints it


@dataclass
class CriterionEntry:
    """One criterion of the unit's framework, in document order (fields and groups included)."""

    criterion: Criterion
    depth: int
    applicable: bool
    survey: bool  # scored by the secretariat from a sociological survey, not by the unit
    max_points: float  # applicable maximum (a group: the sum of its applicable scored criteria)
    self_score: float | None  # a group: the sum of its self-scores (None when none is scored)
    explanation: str | None
    appraised_score: float | None
    comment: str | None
    documents: list[Document] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def title(self) -> str:
        return self.criterion.title

    @property
    def is_leaf(self) -> bool:
        return self.criterion.is_leaf

    @property
    def missing_evidence(self) -> bool:
        """A scored criterion the unit must prove (required, or given points) with no document linked."""
        if not self.is_leaf or not self.applicable or self.survey or self.documents:
            return False
        return self.criterion.evidence_required or bool(self.self_score)


def unit_framework(campaign: Campaign, unit: Unit) -> Framework:
    """The framework the unit is scored on (its ranking group's when the round defines `framework_for`)."""
    framework_for = getattr(campaign, "framework_for", None)
    return framework_for(unit) if framework_for is not None else campaign.framework


def is_survey(criterion: Criterion) -> bool:
    """Survey-scored criteria (`scored_by: survey`) are neither self-scored nor proved by the unit."""
    return getattr(criterion, "scored_by", None) == SURVEY


def _subject(summary: str) -> str:
    text = squash_spaces(summary).rstrip(" .;")
    lowered = text.lower()
    for prefix in ("v/v ", "v/v. ", "về việc "):
        if lowered.startswith(prefix):
            return "về việc " + text[len(prefix) :].lstrip()
    if lowered.startswith("về "):
        return "về " + text[3:]
    return "về " + lower_first(text)


def citation(meta: dict, filename: str) -> str:
    """`Kế hoạch số 15/KH-SYT ngày 20/01/2026 của Sở Y tế về cải cách hành chính năm 2026`; what is unknown is
    left out, a blank number is a gap of no-break spaces (`số        /KH-SYT`), a document with neither type nor
    number is named by its file (`Tài liệu (tệp scan-01.pdf)`)."""
    code = meta.get("type_code")
    name = meta.get("type_name") or (type_name(code) if code else None)
    number = (meta.get("number") or "").strip()
    if not name and not number:
        head = f"Tài liệu (tệp {nfc(filename)})"
    else:
        head = name or "Văn bản"
        if number:  # a draft's blank number is a clean gap, as in every generated document
            head += f" số {BLANK_NUMBER + number if number.startswith('/') else number}"
    issued = meta.get("issued_on")
    if issued:
        try:
            head += f" ngày {short_date(date.fromisoformat(str(issued)[:10]))}"
        except ValueError:
            pass
    issuer = squash_spaces(nfc(meta.get("issuer") or ""))
    if issuer:
        head += f" của {sentence_name(issuer.upper(), meta.get('place') or '') if issuer.isupper() else issuer}"
    summary = squash_spaces(nfc(meta.get("summary") or ""))
    if name and summary.lower().startswith(name.lower() + " "):  # "Kế hoạch số … về kế hoạch CCHC": once is enough
        summary = summary[len(name) + 1 :]
    if summary:
        head += f" {_subject(summary)}"
    return head


def with_pages(text: str, pages: str | None) -> str:
    return f"{text} (trang {pages})" if pages else text


def unit_documents(store: Store, campaign: Campaign, unit: Unit) -> dict[str, list[Document]]:
    """criterion code → the documents linked to it for this unit, in the order they were linked."""
    rows = store.db.execute(
        "SELECT id, evidence_id, criterion_code, pages, note FROM links"
        " WHERE campaign_id = ? AND unit_code = ? ORDER BY linked_at, id",
        (campaign.id, unit.code),
    ).fetchall()
    records: dict[int, dict] = {}
    out: dict[str, list[Document]] = {}
    for row in rows:
        evidence_id = row["evidence_id"]
        if evidence_id not in records:
            records[evidence_id] = get_evidence(store, evidence_id)
        record = records[evidence_id]
        meta = record["metadata"]
        text = citation(meta, record["filename"])
        out.setdefault(row["criterion_code"], []).append(
            Document(
                evidence_id=evidence_id,
                link_id=row["id"],
                criterion=row["criterion_code"],
                sha256=record["sha256"],
                filename=record["filename"],
                format=record["format"],
                size=record["size"] or 0,
                number=meta.get("number"),
                type_code=meta.get("type_code"),
                type_name=meta.get("type_name"),
                issuer=meta.get("issuer"),
                issued_on=meta.get("issued_on"),
                summary=meta.get("summary"),
                pages=row["pages"],
                note=row["note"],
                citation=text,
                cited=with_pages(text, row["pages"]),
            )
        )
    return out


def unit_entries(store: Store, campaign: Campaign, unit: Unit) -> list[CriterionEntry]:
    """Every criterion of the framework for this unit, depth first, with scores and documents."""
    scores: dict[tuple[str, str], Score] = current_scores(store, campaign.id, unit.code)
    documents = unit_documents(store, campaign, unit)
    excluded = campaign.not_applicable_codes(unit)
    entries: list[CriterionEntry] = []

    def visit(criterion: Criterion, depth: int) -> CriterionEntry:
        applicable = criterion.code not in excluded
        survey = is_survey(criterion)
        if criterion.is_leaf:
            score = scores.get((unit.code, criterion.code))
            entry = CriterionEntry(
                criterion=criterion,
                depth=depth,
                applicable=applicable,
                survey=survey,
                max_points=criterion.points if applicable else 0.0,
                self_score=score.self_score if score and applicable else None,
                explanation=score.explanation if score else None,
                appraised_score=score.appraised_score if score and applicable else None,
                comment=score.comment if score else None,
                documents=documents.get(criterion.code, []),
            )
            entries.append(entry)
            return entry
        entry = CriterionEntry(criterion, depth, applicable, survey, 0.0, None, None, None, None)
        entries.append(entry)
        children = [visit(child, depth + 1) for child in criterion.children]
        leaves = [c for c in children if c.applicable]
        entry.max_points = round(sum(c.max_points for c in leaves), 4)
        own = [c.self_score for c in leaves if c.self_score is not None]
        entry.self_score = round(sum(own), 4) if own else None
        appraised = [c.appraised_score for c in leaves if c.appraised_score is not None]
        entry.appraised_score = round(sum(appraised), 4) if appraised else None
        entry.survey = bool(leaves) and all(c.survey for c in leaves)
        entry.documents = documents.get(criterion.code, [])  # rare: a document linked to a group
        return entry

    for root in unit_framework(campaign, unit).criteria:
        visit(root, 0)
    return entries
