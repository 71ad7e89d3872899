"""Scores of a round: self-assessment, appraisal, objections (kiến nghị), submission and written agreement.

Every change is one row of `score_events` (append-only: who, when, old and new value); the current state lives in
`scores` (per unit and criterion) and `score_units` (per unit), written in the same transaction as the event.
A write that changes nothing (same score, same text) records nothing, so re-importing a sheet is harmless.

Rules enforced here, each refused with a one-line `InputError`:
- a score is a number from 0 to the criterion's maximum, on a scored (leaf) criterion that applies to the unit;
- once a unit has submitted its self-assessment, its self-scores are locked until the secretariat reopens it;
- an objection needs an appraised score and no other open objection on the criterion; resolving one needs an open
  objection, and either a new score (accepted) or a reason (rejected);
- a written agreement needs appraised scores and no open objection;
- once the campaign is at stage `final` (results approved), scores, objections, submissions and reopenings are
  refused (a written agreement may still be recorded).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date, datetime

from .. import config
from .campaign import Campaign, load_campaign
from ..errors import InputError
from ..frameworks.model import Criterion
from ..store import Store, chain, now_iso
from ..vn.text import nfc, squash_spaces

EVENT_KINDS = ("self", "appraised", "objection", "objection_resolved", "agreement", "submission", "reopen")
EPSILON = 1e-9


@dataclass
class Score:
    """The current state of one unit's criterion."""

    unit: str
    criterion: str
    self_score: float | None = None
    explanation: str | None = None
    appraised_score: float | None = None
    comment: str | None = None
    objection: str | None = None
    objection_status: str | None = None  # open | accepted | rejected
    resolution: str | None = None
    self_event_id: int | None = None
    appraised_event_id: int | None = None
    updated_at: str | None = None

    @property
    def deduction(self) -> float | None:
        """Self minus appraised, when both exist (positive: the council took points off)."""
        if self.self_score is None or self.appraised_score is None:
            return None
        return round(self.self_score - self.appraised_score, 4)

    def to_json(self) -> dict:
        data = asdict(self)
        data["deduction"] = self.deduction
        return data


@dataclass
class UnitStatus:
    """Per unit: whether its self-assessment is submitted (locked) and its written agreement, if any."""

    unit: str
    submitted_at: str | None = None
    submitted_by: str | None = None
    agreed_on: str | None = None
    agreement_reference: str | None = None
    agreement_note: str | None = None
    agreement_event_id: int | None = None

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    def to_json(self) -> dict:
        data = asdict(self)
        data["submitted"] = self.submitted
        return data


# ---------------------------------------------------------------- validation


def parse_score(value, *, what: str = "score") -> float:
    """A score from user input: a number (a decimal comma is accepted: `2,5`), finite. Range is checked later."""
    if isinstance(value, bool):
        raise InputError(f"{what} '{value}' is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = squash_spaces(nfc(str(value))).replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise InputError(f"{what} '{value}' is not a number") from None
    if not math.isfinite(number):
        raise InputError(f"{what} '{value}' is not a number")
    return round(number, 4)


def scorable(campaign: Campaign, unit_code: str, criterion_code: str) -> Criterion:
    """The criterion, if a score may be set on it for this unit; otherwise a one-line reason."""
    unit = campaign.unit(unit_code)
    criterion = campaign.criterion(criterion_code, unit=unit)
    if not criterion.is_leaf:
        children = ", ".join(c.code for c in criterion.children)
        raise InputError(f"criterion {criterion_code} is a group; score its sub-criteria ({children})")
    if not campaign.is_applicable(unit, criterion_code):
        raise InputError(
            f"criterion {criterion_code} does not apply to unit {unit_code} (not applicable); it cannot be scored"
        )
    return criterion


def check_range(criterion: Criterion, score: float, *, what: str = "score") -> None:
    if score < 0:
        raise InputError(f"{what} {_fmt(score)} for criterion {criterion.code} is negative")
    if score > criterion.points + EPSILON:
        raise InputError(
            f"{what} {_fmt(score)} for criterion {criterion.code} is above its maximum of {_fmt(criterion.points)}"
        )


def _fmt(number: float) -> str:
    return f"{number:g}"


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    text = nfc(str(value)).strip()
    return text or None


def _by(by: str | None) -> str:
    return _text(by) or config.current_user()


def _date(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = squash_spaces(str(value or ""))
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise InputError(f"date '{text}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)" if text else "missing date")


# ---------------------------------------------------------------- reading state


def _score_from_row(row) -> Score:
    return Score(
        unit=row["unit_code"],
        criterion=row["criterion_code"],
        self_score=row["self_score"],
        explanation=row["explanation"],
        appraised_score=row["appraised_score"],
        comment=row["comment"],
        objection=row["objection"],
        objection_status=row["objection_status"],
        resolution=row["resolution"],
        self_event_id=row["self_event_id"],
        appraised_event_id=row["appraised_event_id"],
        updated_at=row["updated_at"],
    )


def current_scores(store: Store, campaign_id: str, unit: str | None = None) -> dict[tuple[str, str], Score]:
    """The current score of every (unit, criterion) that has one, keyed by (unit code, criterion code)."""
    sql, params = "SELECT * FROM scores WHERE campaign_id = ?", [campaign_id]
    if unit:
        sql += " AND unit_code = ?"
        params.append(unit)
    return {(r["unit_code"], r["criterion_code"]): _score_from_row(r) for r in store.db.execute(sql, params)}


def get_score(store: Store, campaign_id: str, unit: str, criterion: str) -> Score:
    """The current score (an empty one when nothing was recorded yet)."""
    row = store.db.execute(
        "SELECT * FROM scores WHERE campaign_id = ? AND unit_code = ? AND criterion_code = ?",
        (campaign_id, unit, criterion),
    ).fetchone()
    return _score_from_row(row) if row else Score(unit=unit, criterion=criterion)


def unit_score_summaries(store: Store, campaign: Campaign | str) -> dict[str, dict]:
    """Per unit code, what the round's overview pages show: applicable scored criteria (`leaves`) and their
    maximum, how many are self-scored and appraised, both totals, the scores with an open objection, and the survey
    criteria (`survey`: how many; `survey_missing`: codes whose survey points are not entered yet)."""
    campaign = _load(store, campaign)
    scores = current_scores(store, campaign.id)
    out: dict[str, dict] = {}
    for unit in campaign.units:
        leaves = campaign.applicable_leaves(unit)
        own = [s for c in leaves if (s := scores.get((unit.code, c.code)))]
        survey = [c for c in leaves if c.is_survey]
        out[unit.code] = {
            "survey": len(survey),
            "survey_missing": [
                c.code for c in survey if (s := scores.get((unit.code, c.code))) is None or s.appraised_score is None
            ],
            "leaves": len(leaves),
            "max": sum(c.points for c in leaves),
            "self_scored": sum(1 for s in own if s.self_score is not None),
            "appraised": sum(1 for s in own if s.appraised_score is not None),
            "self_total": sum(s.self_score or 0 for s in own),
            "appraised_total": sum(s.appraised_score or 0 for s in own),
            "objections": [s for s in own if s.objection_status == "open"],
        }
    return out


def unit_statuses(store: Store, campaign_id: str) -> dict[str, UnitStatus]:
    """Submission and agreement per unit code (units with nothing recorded are absent)."""
    out = {}
    for r in store.db.execute("SELECT * FROM score_units WHERE campaign_id = ?", (campaign_id,)):
        out[r["unit_code"]] = UnitStatus(
            unit=r["unit_code"],
            submitted_at=r["submitted_at"],
            submitted_by=r["submitted_by"],
            agreed_on=r["agreed_on"],
            agreement_reference=r["agreement_reference"],
            agreement_note=r["agreement_note"],
            agreement_event_id=r["agreement_event_id"],
        )
    return out


def unit_status(store: Store, campaign_id: str, unit: str) -> UnitStatus:
    return unit_statuses(store, campaign_id).get(unit) or UnitStatus(unit=unit)


def agreement_is_current(status: UnitStatus, scores: list[Score]) -> bool:
    """True when the unit agreed in writing and no appraised score changed after that agreement."""
    if status.agreement_event_id is None:
        return False
    return all((s.appraised_event_id or 0) < status.agreement_event_id for s in scores)


def history(store: Store, campaign_id: str, unit: str | None = None, criterion: str | None = None) -> list[dict]:
    """Every recorded change, oldest first: {id, unit, criterion, kind, value, previous_value, text, outcome,
    reference, date, by, at}. With `criterion`, unit-level events (submission, agreement) of the unit are included."""
    sql = "SELECT * FROM score_events WHERE campaign_id = ?"
    params: list = [campaign_id]
    if unit:
        sql += " AND unit_code = ?"
        params.append(unit)
    if criterion:
        sql += " AND (criterion_code = ? OR criterion_code IS NULL)"
        params.append(criterion)
    sql += " ORDER BY id"
    return [
        {
            "id": r["id"],
            "unit": r["unit_code"],
            "criterion": r["criterion_code"],
            "kind": r["kind"],
            "value": r["value"],
            "previous_value": r["previous_value"],
            "text": r["text"],
            "outcome": r["outcome"],
            "reference": r["reference"],
            "date": r["event_date"],
            "by": r["by"],
            "at": r["at"],
        }
        for r in store.db.execute(sql, params)
    ]


# ---------------------------------------------------------------- writing


def _event(
    conn,
    campaign_id: str,
    unit: str,
    criterion: str | None,
    kind: str,
    *,
    by: str,
    at: str,
    value: float | None = None,
    previous: float | None = None,
    text: str | None = None,
    outcome: str | None = None,
    reference: str | None = None,
    event_date: str | None = None,
) -> int:
    cursor = conn.execute(
        "INSERT INTO score_events(campaign_id, unit_code, criterion_code, kind, value, previous_value, text,"
        " outcome, reference, event_date, by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (campaign_id, unit, criterion, kind, value, previous, text, outcome, reference, event_date, by, at),
    )
    event_id = cursor.fetchone()[0]
    chain.record_row_event(conn, chain.SCORE_EVENT, "score_events", event_id, by)
    return event_id


def _ensure_score_row(conn, campaign_id: str, unit: str, criterion: str, at: str) -> None:
    conn.execute(
        "INSERT INTO scores(campaign_id, unit_code, criterion_code, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (campaign_id, unit, criterion, at),
    )


def _ensure_unit_row(conn, campaign_id: str, unit: str) -> None:
    conn.execute(
        "INSERT INTO score_units(campaign_id, unit_code) VALUES (?, ?) ON CONFLICT DO NOTHING", (campaign_id, unit)
    )


def _refuse_when_final(store: Store, campaign: Campaign) -> None:
    """Once the results are approved (stage `final`), scores, objections and submissions no longer change."""
    row = store.db.execute(
        "SELECT stage_date FROM campaign_stages WHERE campaign_id = ? AND stage = 'final'", (campaign.id,)
    ).fetchone()
    if row:
        raise InputError(
            f"campaign '{campaign.id}' is final since {row[0]} (results approved); scores can no longer change"
        )


def _load(store: Store, campaign: Campaign | str) -> Campaign:
    return campaign if isinstance(campaign, Campaign) else load_campaign(store, campaign)


def submitted_on(conn, campaign_id: str, unit: str) -> str | None:
    """When the unit submitted its self-assessment (None: not submitted, or reopened since)."""
    row = conn.execute(
        "SELECT submitted_at FROM score_units WHERE campaign_id = ? AND unit_code = ?", (campaign_id, unit)
    ).fetchone()
    return row["submitted_at"] if row else None


def set_self_score(
    store: Store,
    campaign: Campaign | str,
    unit: str,
    criterion: str,
    score,
    *,
    explanation: str | None = None,
    by: str | None = None,
) -> Score:
    """The unit's own score with its explanation (giải trình). Refused once the self-assessment is submitted.
    `explanation=None` keeps the current explanation; `""` clears it."""
    campaign = _load(store, campaign)
    _refuse_when_final(store, campaign)
    node = scorable(campaign, unit, criterion)
    if node.is_survey:
        raise InputError(
            f"criterion {criterion} is scored from the sociological survey (scored_by: survey): units do not "
            "self-score it; the secretariat imports the survey results (`evidence survey import`)"
        )
    value = parse_score(score, what="self-score")
    check_range(node, value, what="self-score")
    at = now_iso()
    with store.transaction() as conn:
        submitted = submitted_on(conn, campaign.id, unit)
        if submitted:
            raise InputError(
                f"unit {unit} submitted its self-assessment on {submitted[:10]}; self-scores are "
                "locked until the secretariat reopens it (`evidence score reopen`)"
            )
        current = get_score(store, campaign.id, unit, criterion)
        explanation = current.explanation if explanation is None else _text(explanation)
        if current.self_score == value and current.explanation == explanation:
            return current
        event = _event(
            conn,
            campaign.id,
            unit,
            criterion,
            "self",
            by=_by(by),
            at=at,
            value=value,
            previous=current.self_score,
            text=explanation,
        )
        _ensure_score_row(conn, campaign.id, unit, criterion, at)
        conn.execute(
            "UPDATE scores SET self_score = ?, explanation = ?, self_event_id = ?, updated_at = ?"
            " WHERE campaign_id = ? AND unit_code = ? AND criterion_code = ?",
            (value, explanation, event, at, campaign.id, unit, criterion),
        )
    return get_score(store, campaign.id, unit, criterion)


def appraise(
    store: Store,
    campaign: Campaign | str,
    unit: str,
    criterion: str,
    score,
    *,
    comment: str | None = None,
    by: str | None = None,
) -> Score:
    """The council's appraised score (điểm thẩm định) with its comment (`None` keeps the current comment)."""
    campaign = _load(store, campaign)
    _refuse_when_final(store, campaign)
    node = scorable(campaign, unit, criterion)
    value = parse_score(score, what="appraised score")
    check_range(node, value, what="appraised score")
    at = now_iso()
    with store.transaction() as conn:
        current = get_score(store, campaign.id, unit, criterion)
        comment = current.comment if comment is None else _text(comment)
        if current.objection_status == "open":
            raise InputError(
                f"unit {unit} has an open objection on criterion {criterion}; resolve it "
                "(`evidence score resolve`) instead of appraising again"
            )
        if current.appraised_score == value and current.comment == comment:
            return current
        event = _event(
            conn,
            campaign.id,
            unit,
            criterion,
            "appraised",
            by=_by(by),
            at=at,
            value=value,
            previous=current.appraised_score,
            text=comment,
        )
        _ensure_score_row(conn, campaign.id, unit, criterion, at)
        conn.execute(
            "UPDATE scores SET appraised_score = ?, comment = ?, appraised_event_id = ?, updated_at = ?"
            " WHERE campaign_id = ? AND unit_code = ? AND criterion_code = ?",
            (value, comment, event, at, campaign.id, unit, criterion),
        )
    return get_score(store, campaign.id, unit, criterion)


def raise_objection(
    store: Store, campaign: Campaign | str, unit: str, criterion: str, text: str, *, by: str | None = None
) -> Score:
    """A unit's objection (kiến nghị) to the appraised score of one criterion."""
    campaign = _load(store, campaign)
    _refuse_when_final(store, campaign)
    scorable(campaign, unit, criterion)
    objection = _text(text)
    if not objection:
        raise InputError("an objection needs its content (what the unit asks the council to reconsider)")
    at = now_iso()
    with store.transaction() as conn:
        current = get_score(store, campaign.id, unit, criterion)
        if current.appraised_score is None:
            raise InputError(
                f"criterion {criterion} of unit {unit} has no appraised score yet; there is nothing to object to"
            )
        if current.objection_status == "open":
            raise InputError(f"unit {unit} already has an open objection on criterion {criterion}")
        _event(
            conn,
            campaign.id,
            unit,
            criterion,
            "objection",
            by=_by(by),
            at=at,
            value=current.appraised_score,
            text=objection,
        )
        conn.execute(
            "UPDATE scores SET objection = ?, objection_status = 'open', resolution = NULL, updated_at = ?"
            " WHERE campaign_id = ? AND unit_code = ? AND criterion_code = ?",
            (objection, at, campaign.id, unit, criterion),
        )
    return get_score(store, campaign.id, unit, criterion)


def resolve_objection(
    store: Store,
    campaign: Campaign | str,
    unit: str,
    criterion: str,
    *,
    accepted: bool,
    score=None,
    reason: str | None = None,
    by: str | None = None,
) -> Score:
    """The council's decision on an open objection: accepted with a new appraised score, or rejected with a
    reason. Accepting records the new score as the appraised score."""
    campaign = _load(store, campaign)
    _refuse_when_final(store, campaign)
    node = scorable(campaign, unit, criterion)
    reason = _text(reason)
    value = None
    if accepted:
        if score is None or score == "":
            raise InputError("accepting an objection needs the new score (--score)")
        value = parse_score(score, what="new score")
        check_range(node, value, what="new score")
    elif not reason:
        raise InputError("rejecting an objection needs a reason (--reason)")
    at = now_iso()
    with store.transaction() as conn:
        current = get_score(store, campaign.id, unit, criterion)
        if current.objection_status != "open":
            raise InputError(f"unit {unit} has no open objection on criterion {criterion}")
        outcome = "accepted" if accepted else "rejected"
        event = _event(
            conn,
            campaign.id,
            unit,
            criterion,
            "objection_resolved",
            by=_by(by),
            at=at,
            value=value if accepted else current.appraised_score,
            previous=current.appraised_score,
            text=reason,
            outcome=outcome,
        )
        if accepted:
            conn.execute(
                "UPDATE scores SET appraised_score = ?, appraised_event_id = ?, objection_status = ?,"
                " resolution = ?, updated_at = ? WHERE campaign_id = ? AND unit_code = ? AND"
                " criterion_code = ?",
                (value, event, outcome, reason, at, campaign.id, unit, criterion),
            )
        else:
            conn.execute(
                "UPDATE scores SET objection_status = ?, resolution = ?, updated_at = ?"
                " WHERE campaign_id = ? AND unit_code = ? AND criterion_code = ?",
                (outcome, reason, at, campaign.id, unit, criterion),
            )
    return get_score(store, campaign.id, unit, criterion)


def record_agreement(
    store: Store,
    campaign: Campaign | str,
    unit: str,
    *,
    agreed_on,
    reference: str,
    note: str | None = None,
    by: str | None = None,
) -> UnitStatus:
    """The unit's written agreement with its final (appraised) result: the date and number of its document."""
    campaign = _load(store, campaign)
    campaign.unit(unit)
    day = _date(agreed_on)
    cleaned = _text(reference)
    if not cleaned:
        raise InputError("an agreement needs the reference of the unit's document (e.g. 15/CV-STP)")
    note = _text(note)
    at = now_iso()
    with store.transaction() as conn:
        counts = conn.execute(
            "SELECT COUNT(appraised_score) AS appraised, SUM(CASE WHEN objection_status = 'open' THEN 1 ELSE 0 END) AS open"
            " FROM scores WHERE campaign_id = ? AND unit_code = ?",
            (campaign.id, unit),
        ).fetchone()
        if not counts["appraised"]:
            raise InputError(f"unit {unit} has no appraised score yet; it can only agree with an appraised result")
        if counts["open"]:
            raise InputError(
                f"unit {unit} still has {counts['open']} open objection(s); resolve them before recording its agreement"
            )
        event = _event(
            conn,
            campaign.id,
            unit,
            None,
            "agreement",
            by=_by(by),
            at=at,
            text=note,
            reference=cleaned,
            event_date=day,
        )
        _ensure_unit_row(conn, campaign.id, unit)
        conn.execute(
            "UPDATE score_units SET agreed_on = ?, agreement_reference = ?, agreement_note = ?,"
            " agreement_event_id = ? WHERE campaign_id = ? AND unit_code = ?",
            (day, cleaned, note, event, campaign.id, unit),
        )
    return unit_status(store, campaign.id, unit)


def submit_self_assessment(store: Store, campaign: Campaign | str, unit: str, by: str | None = None) -> UnitStatus:
    """Lock the unit's self-scores (the unit has sent its self-assessment). Blank scores are allowed here and
    reported by `check` as BLANK_SELF_SCORE."""
    campaign = _load(store, campaign)
    _refuse_when_final(store, campaign)
    campaign.unit(unit)
    at = now_iso()
    with store.transaction() as conn:
        submitted = submitted_on(conn, campaign.id, unit)
        if submitted:
            raise InputError(f"unit {unit} already submitted its self-assessment on {submitted[:10]}")
        who = _by(by)
        _event(conn, campaign.id, unit, None, "submission", by=who, at=at)
        _ensure_unit_row(conn, campaign.id, unit)
        conn.execute(
            "UPDATE score_units SET submitted_at = ?, submitted_by = ? WHERE campaign_id = ? AND unit_code = ?",
            (at, who, campaign.id, unit),
        )
    return unit_status(store, campaign.id, unit)


def reopen_self_assessment(
    store: Store, campaign: Campaign | str, unit: str, *, reason: str | None = None, by: str | None = None
) -> UnitStatus:
    """Unlock a submitted self-assessment (the secretariat's decision), so the unit can correct its scores."""
    campaign = _load(store, campaign)
    _refuse_when_final(store, campaign)
    campaign.unit(unit)
    at = now_iso()
    with store.transaction() as conn:
        if not submitted_on(conn, campaign.id, unit):
            raise InputError(f"unit {unit} has not submitted its self-assessment; there is nothing to reopen")
        _event(conn, campaign.id, unit, None, "reopen", by=_by(by), at=at, text=_text(reason))
        conn.execute(
            "UPDATE score_units SET submitted_at = NULL, submitted_by = NULL WHERE campaign_id = ? AND unit_code = ?",
            (campaign.id, unit),
        )
    return unit_status(store, campaign.id, unit)
