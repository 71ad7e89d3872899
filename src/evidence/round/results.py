"""Results of a round: totals per field and per unit, percent of the applicable maximum, band, ranking, statistics
and the criteria the council deducted most often.

The score that counts for a criterion is the appraised score; until the council appraises a criterion the unit's
own score stands in (`basis` says which: "appraised", "mixed" or "self"). Not-applicable criteria are left out of
both the points and the maximum. A recorded score above its criterion's maximum (possible only after a framework
change, reported by `check` as SCORE_ABOVE_MAX) counts at most the maximum.

Ranking: by percent (rounded to 2 decimals) descending; equal percent, equal rank, and the next rank skips
("1, 2, 2, 4"). Units with an equal rank are listed in campaign order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .campaign import Campaign, load_campaign
from .scoring import Score, agreement_is_current, current_scores, unit_statuses
from ..store import Store

EPSILON = 1e-9


@dataclass
class CriterionRow:
    """One scored criterion of one unit."""

    code: str
    title: str
    field: str  # code of the field (top-level criterion)
    max_points: float  # 0 when not applicable
    applicable: bool
    self_score: float | None
    explanation: str | None
    appraised_score: float | None
    comment: str | None
    score: float | None  # what counts: appraised, else self, else None
    deduction: float | None  # self - appraised when both exist
    evidence_count: int
    objection_status: str | None  # open | accepted | rejected


@dataclass
class FieldTotal:
    """A field (lĩnh vực) of one unit: points over its applicable maximum."""

    code: str
    title: str
    max_points: float
    self_total: float
    appraised_total: float
    score: float


@dataclass
class UnitResult:
    code: str
    name: str
    kind: str | None
    max_points: float  # the applicable maximum
    self_total: float
    appraised_total: float
    score: float  # the points that count (see module docstring)
    percent: float  # score / max_points × 100, 2 decimals
    band: str | None
    rank: int
    basis: str  # appraised | mixed | self
    applicable_criteria: int
    self_scored: int  # criteria with a self-score
    appraised: int  # criteria with an appraised score
    evidence_count: int
    open_objections: int
    submitted: bool
    agreed_on: str | None
    agreement_reference: str | None
    agreement_current: bool  # agreed, and no appraised score changed since
    fields: list[FieldTotal] = field(default_factory=list)
    criteria: list[CriterionRow] = field(default_factory=list)

    def to_json(self, *, criteria: bool = False) -> dict:
        data = asdict(self)
        if not criteria:
            data.pop("criteria")
        return data


@dataclass
class DeductedCriterion:
    """A criterion the council scored below the unit's own score: in how many units, by how much."""

    code: str
    title: str
    max_points: float
    units: int
    average_deduction: float
    total_deduction: float


@dataclass
class Statistics:
    units: int
    mean: float  # of percent
    highest: float
    lowest: float
    gap: float  # highest - lowest
    mean_score: float  # of points
    per_band: list[dict]  # [{"band", "min", "units"}] in the campaign's order, highest first


@dataclass
class Results:
    campaign: str
    name: str
    year: int
    framework: str
    max_points: float  # the framework's total (each unit's applicable maximum may be lower)
    units: list[UnitResult]  # in ranking order
    statistics: Statistics
    most_deducted: list[DeductedCriterion]

    def unit(self, code: str) -> UnitResult:
        for result in self.units:
            if result.code == code:
                return result
        raise KeyError(code)

    def to_json(self, *, criteria: bool = False) -> dict:
        """{campaign, name, year, framework, max_points, units: [...], statistics: {...}, most_deducted: [...]};
        each unit without its criterion rows unless `criteria`."""
        return {
            "campaign": self.campaign,
            "name": self.name,
            "year": self.year,
            "framework": self.framework,
            "max_points": self.max_points,
            "units": [u.to_json(criteria=criteria) for u in self.units],
            "statistics": asdict(self.statistics),
            "most_deducted": [asdict(d) for d in self.most_deducted],
        }


def _r(value: float) -> float:
    return round(value + 0.0, 4)


def compute_results(store: Store, campaign_id: str | Campaign) -> Results:
    campaign = campaign_id if isinstance(campaign_id, Campaign) else load_campaign(store, campaign_id)
    framework = campaign.framework
    scores = current_scores(store, campaign.id)
    statuses = unit_statuses(store, campaign.id)
    evidence: dict[tuple[str, str], int] = {
        (r[0], r[1]): r[2]
        for r in store.db.execute(
            "SELECT unit_code, criterion_code, COUNT(*) FROM links WHERE campaign_id = ?"
            " GROUP BY unit_code, criterion_code",
            (campaign.id,),
        )
    }
    by_unit: dict[str, list[Score]] = {}
    for (unit_code, _), score in scores.items():
        by_unit.setdefault(unit_code, []).append(score)
    leaves_by_field = [(root, [c for c in _walk(root) if c.is_leaf]) for root in framework.criteria]

    units = []
    for unit in campaign.units:
        excluded = campaign.not_applicable_codes(unit)
        fields, rows = [], []
        for root, leaves in leaves_by_field:
            totals = FieldTotal(root.code, root.title, 0.0, 0.0, 0.0, 0.0)
            for leaf in leaves:
                row = _row(
                    leaf,
                    root.code,
                    leaf.code not in excluded,
                    scores.get((unit.code, leaf.code)),
                    evidence.get((unit.code, leaf.code), 0),
                )
                rows.append(row)
                if not row.applicable:
                    continue
                totals.max_points += row.max_points
                totals.self_total += row.self_score or 0
                totals.appraised_total += row.appraised_score or 0
                totals.score += row.score or 0
            fields.append(
                FieldTotal(
                    root.code,
                    root.title,
                    _r(totals.max_points),
                    _r(totals.self_total),
                    _r(totals.appraised_total),
                    _r(totals.score),
                )
            )
        units.append(_unit_result(campaign, unit, fields, rows, statuses.get(unit.code), by_unit.get(unit.code, [])))
    _rank(units, campaign)
    return Results(
        campaign=campaign.id,
        name=campaign.name,
        year=campaign.year,
        framework=framework.id,
        max_points=framework.total_points,
        units=units,
        statistics=_statistics(units, campaign),
        most_deducted=_most_deducted(units, framework),
    )


def _walk(root):
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _capped(value: float | None, maximum: float) -> float | None:
    return None if value is None else min(value, maximum)


def _row(leaf, field_code: str, applicable: bool, score: Score | None, evidence_count: int) -> CriterionRow:
    maximum = leaf.points if applicable else 0.0
    self_score = score.self_score if score else None
    appraised = score.appraised_score if score else None
    counted = appraised if appraised is not None else self_score
    return CriterionRow(
        code=leaf.code,
        title=leaf.title,
        field=field_code,
        max_points=maximum,
        applicable=applicable,
        self_score=self_score,
        explanation=score.explanation if score else None,
        appraised_score=appraised,
        comment=score.comment if score else None,
        score=_capped(counted, maximum) if applicable else None,
        deduction=score.deduction if score else None,
        evidence_count=evidence_count,
        objection_status=score.objection_status if score else None,
    )


def _unit_result(campaign: Campaign, unit, fields, rows, status, unit_scores: list[Score]) -> UnitResult:
    applicable = [r for r in rows if r.applicable]
    maximum = _r(sum(r.max_points for r in applicable))
    total = _r(sum(f.score for f in fields))
    appraised = sum(1 for r in applicable if r.appraised_score is not None)
    percent = round(100 * total / maximum, 2) if maximum > 0 else 0.0
    basis = "appraised" if appraised == len(applicable) and applicable else ("self" if appraised == 0 else "mixed")
    return UnitResult(
        code=unit.code,
        name=unit.name,
        kind=unit.kind,
        max_points=maximum,
        self_total=_r(sum(f.self_total for f in fields)),
        appraised_total=_r(sum(f.appraised_total for f in fields)),
        score=total,
        percent=percent,
        band=campaign.band_for(percent),
        rank=0,
        basis=basis,
        applicable_criteria=len(applicable),
        self_scored=sum(1 for r in applicable if r.self_score is not None),
        appraised=appraised,
        evidence_count=sum(r.evidence_count for r in applicable),
        open_objections=sum(1 for r in rows if r.objection_status == "open"),
        submitted=bool(status and status.submitted),
        agreed_on=status.agreed_on if status else None,
        agreement_reference=status.agreement_reference if status else None,
        agreement_current=bool(status and agreement_is_current(status, unit_scores)),
        fields=fields,
        criteria=rows,
    )


def _rank(units: list[UnitResult], campaign: Campaign) -> None:
    order = {u.code: i for i, u in enumerate(campaign.units)}
    units.sort(key=lambda u: (-u.percent, order[u.code]))
    for i, result in enumerate(units):
        if i and result.percent == units[i - 1].percent:
            result.rank = units[i - 1].rank
        else:
            result.rank = i + 1


def _statistics(units: list[UnitResult], campaign: Campaign) -> Statistics:
    percents = [u.percent for u in units]
    per_band = [
        {"band": b.name, "min": b.min, "units": sum(1 for u in units if u.band == b.name)} for b in campaign.bands
    ]
    if not percents:
        return Statistics(0, 0.0, 0.0, 0.0, 0.0, 0.0, per_band)
    return Statistics(
        units=len(units),
        mean=round(sum(percents) / len(percents), 2),
        highest=max(percents),
        lowest=min(percents),
        gap=round(max(percents) - min(percents), 2),
        mean_score=round(sum(u.score for u in units) / len(units), 2),
        per_band=per_band,
    )


def _most_deducted(units: list[UnitResult], framework) -> list[DeductedCriterion]:
    deductions: dict[str, list[float]] = {}
    for result in units:
        for row in result.criteria:
            if row.applicable and row.deduction is not None and row.deduction > EPSILON:
                deductions.setdefault(row.code, []).append(row.deduction)
    position = {c.code: i for i, c in enumerate(framework.walk())}
    index = framework.by_code
    out = [
        DeductedCriterion(
            code=code,
            title=index[code].title,
            max_points=index[code].points,
            units=len(values),
            average_deduction=round(sum(values) / len(values), 2),
            total_deduction=_r(sum(values)),
        )
        for code, values in deductions.items()
    ]
    out.sort(key=lambda d: (-d.units, -d.average_deduction, position[d.code]))
    return out
