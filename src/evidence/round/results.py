"""Results of a round: totals per field and per unit, percent of the applicable maximum, band, ranking, statistics
and the criteria the council deducted most often.

The score that counts for a criterion is the appraised score; until the council appraises a criterion the unit's
own score stands in (`basis` says which: "appraised", "mixed" or "self"). Not-applicable criteria are left out of
both the points and the maximum. A recorded score above its criterion's maximum (possible only after a framework
change, reported by `check` as SCORE_ABOVE_MAX) counts at most the maximum.

Survey criteria (`scored_by: survey`) are never self-scored: their points are the survey results the secretariat
enters (stored as appraised scores). Until they are entered they count nothing and the unit lists them in
`survey_missing`; the results say so in `provisional_reasons` instead of scoring them 0 silently.

Ranking: within each ranking group of the campaign (khối sở, ban, ngành; khối xã, phường, đặc khu …), by percent
(rounded to 2 decimals) descending; equal percent, equal rank, and the next rank skips ("1, 2, 2, 4"). Units with an
equal rank are listed in campaign order. `Results.units` lists the groups one after the other, each in rank order.

Results are provisional (`provisional`, with Vietnamese `provisional_reasons`) while an applicable criterion is not
appraised, survey points are missing or an objection is open.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .campaign import Campaign, RankingGroup, load_campaign
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
    scored_by: str = "self"  # self | survey (survey points are entered by the secretariat as appraised scores)


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
    group: str  # code of the unit's ranking group
    max_points: float  # the applicable maximum
    self_total: float
    appraised_total: float
    score: float  # the points that count (see module docstring)
    percent: float  # score / max_points × 100, 2 decimals
    band: str | None
    rank: int  # within the unit's group
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
    not_appraised: list[str] = field(default_factory=list)  # applicable self-scored criteria with no appraised score
    survey_missing: list[str] = field(default_factory=list)  # applicable survey criteria with no survey points yet
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
    framework: str = ""


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
class GroupResult:
    """One ranking group: its units in rank order, its statistics and its most deducted criteria."""

    code: str
    name: str
    kinds: list[str]
    framework: str
    max_points: float  # the group framework's total
    units: list[UnitResult]
    statistics: Statistics
    most_deducted: list[DeductedCriterion]

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "kinds": list(self.kinds),
            "framework": self.framework,
            "max_points": self.max_points,
            "units": [u.code for u in self.units],
            "statistics": asdict(self.statistics),
            "most_deducted": [asdict(d) for d in self.most_deducted],
        }


@dataclass
class Results:
    campaign: str
    name: str
    year: int
    framework: str
    max_points: float  # the framework's total (each unit's applicable maximum may be lower)
    units: list[UnitResult]  # in ranking order
    statistics: Statistics  # over every unit
    most_deducted: list[DeductedCriterion]
    groups: list[GroupResult] = field(default_factory=list)
    provisional: bool = False
    provisional_reasons: list[str] = field(default_factory=list)

    def unit(self, code: str) -> UnitResult:
        for result in self.units:
            if result.code == code:
                return result
        raise KeyError(code)

    def to_json(self, *, criteria: bool = False) -> dict:
        """{campaign, name, year, framework, max_points, units: [...], statistics: {...}, most_deducted: [...],
        groups: [{code, name, kinds, framework, max_points, units: [unit codes in rank order], statistics,
        most_deducted}], provisional, provisional_reasons}; each unit without its criterion rows unless `criteria`."""
        return {
            "campaign": self.campaign,
            "name": self.name,
            "year": self.year,
            "framework": self.framework,
            "max_points": self.max_points,
            "units": [u.to_json(criteria=criteria) for u in self.units],
            "statistics": asdict(self.statistics),
            "most_deducted": [asdict(d) for d in self.most_deducted],
            "groups": [g.to_json() for g in self.groups],
            "provisional": self.provisional,
            "provisional_reasons": list(self.provisional_reasons),
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
    leaves_by_field: dict[str, list] = {}

    units = []
    for unit in campaign.units:
        unit_framework = campaign.framework_for(unit)
        if unit_framework.id not in leaves_by_field:
            leaves_by_field[unit_framework.id] = [
                (root, [c for c in _walk(root) if c.is_leaf]) for root in unit_framework.criteria
            ]
        excluded = campaign.not_applicable_codes(unit)
        fields, rows = [], []
        for root, leaves in leaves_by_field[unit_framework.id]:
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
    groups = [_group_result(campaign, group, units) for group in campaign.groups]
    ordered = [u for g in groups for u in g.units]
    ordered += [u for u in units if u not in ordered]  # none when the groups cover every unit (they must)
    reasons = _provisional_reasons(campaign, units)
    return Results(
        campaign=campaign.id,
        name=campaign.name,
        year=campaign.year,
        framework=framework.id,
        max_points=framework.total_points,
        units=ordered,
        statistics=_statistics(units, campaign),
        most_deducted=_most_deducted(units, campaign),
        groups=groups,
        provisional=bool(reasons),
        provisional_reasons=reasons,
    )


def _group_result(campaign: Campaign, group: RankingGroup, units: list[UnitResult]) -> GroupResult:
    members = [u for u in units if u.group == group.code]
    _rank(members, campaign)
    framework = campaign.framework_for(members[0].code) if members else campaign.framework
    return GroupResult(
        code=group.code,
        name=group.name,
        kinds=list(group.kinds),
        framework=group.framework or campaign.framework_id,
        max_points=framework.total_points,
        units=members,
        statistics=_statistics(members, campaign),
        most_deducted=_most_deducted(members, campaign),
    )


def _names(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" và {len(items) - limit} đơn vị khác" if len(items) > limit else "")


def _provisional_reasons(campaign: Campaign, units: list[UnitResult]) -> list[str]:
    """Vietnamese sentences saying why the results are not final; empty when they are."""
    reasons = []
    by_campaign_order = {u.code: i for i, u in enumerate(campaign.units)}
    ordered = sorted(units, key=lambda u: by_campaign_order[u.code])
    pending = [u for u in ordered if u.not_appraised]
    if pending:
        count = sum(len(u.not_appraised) for u in pending)
        reasons.append(
            f"Còn {count} tiêu chí chưa được thẩm định ở {len(pending)} đơn vị: "
            + _names([f"{u.name} ({len(u.not_appraised)})" for u in pending])
            + "."
        )
    survey = [u for u in ordered if u.survey_missing]
    if survey:
        codes = sorted({c for u in survey for c in u.survey_missing}, key=_code_key)
        reasons.append(
            f"Chưa nhập điểm điều tra xã hội học (tiêu chí {', '.join(codes)}) của {len(survey)} đơn vị: "
            + _names([u.name for u in survey])
            + "."
        )
    objections = [u for u in ordered if u.open_objections]
    if objections:
        count = sum(u.open_objections for u in objections)
        reasons.append(
            f"Còn {count} kiến nghị chưa được giải quyết: "
            + _names([f"{u.name} ({u.open_objections})" for u in objections])
            + "."
        )
    return reasons


def _code_key(code: str) -> list:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split(".")]


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
    survey = leaf.is_survey
    self_score = score.self_score if score and not survey else None
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
        deduction=score.deduction if score and not survey else None,
        evidence_count=evidence_count,
        objection_status=score.objection_status if score else None,
        scored_by=leaf.scored_by,
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
        group=campaign.group_of(unit.code).code,
        max_points=maximum,
        self_total=_r(sum(f.self_total for f in fields)),
        appraised_total=_r(sum(f.appraised_total for f in fields)),
        score=total,
        percent=percent,
        band=campaign.band_for(percent),
        rank=0,
        basis=basis,
        applicable_criteria=len(applicable),
        self_scored=sum(1 for r in applicable if r.self_score is not None and r.scored_by != "survey"),
        appraised=appraised,
        evidence_count=sum(r.evidence_count for r in applicable),
        open_objections=sum(1 for r in rows if r.objection_status == "open"),
        submitted=bool(status and status.submitted),
        agreed_on=status.agreed_on if status else None,
        agreement_reference=status.agreement_reference if status else None,
        agreement_current=bool(status and agreement_is_current(status, unit_scores)),
        not_appraised=[r.code for r in applicable if r.appraised_score is None and r.scored_by != "survey"],
        survey_missing=[r.code for r in applicable if r.appraised_score is None and r.scored_by == "survey"],
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


def _most_deducted(units: list[UnitResult], campaign: Campaign) -> list[DeductedCriterion]:
    deductions: dict[tuple[str, str], list[float]] = {}
    frameworks = {}
    for result in units:
        framework = campaign.framework_for(result.code)
        frameworks[framework.id] = framework
        for row in result.criteria:
            if row.applicable and row.deduction is not None and row.deduction > EPSILON:
                deductions.setdefault((framework.id, row.code), []).append(row.deduction)
    position = {
        (fid, c.code): (n, i) for n, (fid, fw) in enumerate(frameworks.items()) for i, c in enumerate(fw.walk())
    }
    out = []
    for (fid, code), values in deductions.items():
        criterion = frameworks[fid].by_code[code]
        out.append(
            DeductedCriterion(
                code=code,
                title=criterion.title,
                max_points=criterion.points,
                units=len(values),
                average_deduction=round(sum(values) / len(values), 2),
                total_deduction=_r(sum(values)),
                framework=fid,
            )
        )
    out.sort(key=lambda d: (-d.units, -d.average_deduction, position[(d.framework, d.code)]))
    return out
