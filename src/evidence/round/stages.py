"""The stages of a round and the date each began:

    collection → self_assessment_closed → appraisal → objections → final

A campaign starts in `collection` (units attach evidence and self-score). The secretariat moves it one stage at a
time (`evidence campaign stage C STAGE --date D`); a move out of order, to a date earlier than the stage before, or to
`final` while the results are still provisional is refused with a one-line reason. Results are provisional until
every applicable criterion is appraised (survey points entered) and every objection is resolved
(`provisional_reasons`).

The dates are what the documents are dated by: the plan and decision in collection, reminders before
self_assessment_closed, the minutes on the appraisal meeting day (the `appraisal` stage date), the report after the
objection window (on or after the `final` stage date), the announcement on or after `final`.
"""

from __future__ import annotations

from datetime import date, datetime

from .. import config
from ..errors import InputError
from ..store import Store, chain, now_iso
from .campaign import load_campaign
from .results import compute_results

STAGES = ("collection", "self_assessment_closed", "appraisal", "objections", "final")
STAGE_LABELS = {
    "collection": "Thu thập tài liệu, tự đánh giá",
    "self_assessment_closed": "Kết thúc tự đánh giá",
    "appraisal": "Thẩm định",
    "objections": "Tiếp nhận kiến nghị",
    "final": "Kết quả chính thức",
}


def parse_day(value: str | date, what: str = "date") -> date:
    """A day typed by a user: YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InputError(f"{what} '{text}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def _date_of(row_value: str) -> date:
    return date.fromisoformat(row_value)


def stage_dates(store: Store, campaign_id: str) -> dict[str, date]:
    """{stage: the date it began} for every stage reached, in stage order. `collection` begins with the assessment
    period unless another date was recorded for it."""
    campaign = load_campaign(store, campaign_id)
    recorded = {
        r["stage"]: _date_of(r["stage_date"])
        for r in store.db.execute("SELECT stage, stage_date FROM campaign_stages WHERE campaign_id = ?", (campaign.id,))
    }
    if "collection" not in recorded:
        recorded["collection"] = campaign.period_start
    return {stage: recorded[stage] for stage in STAGES if stage in recorded}


def current_stage(store: Store, campaign_id: str) -> str:
    """The last stage reached."""
    return list(stage_dates(store, campaign_id))[-1]


def provisional_reasons(store: Store, campaign_id: str) -> list[str]:
    """Why the results are not yet final, as Vietnamese sentences; empty when they can be approved."""
    return compute_results(store, campaign_id).provisional_reasons


def advance(store: Store, campaign_id: str, stage: str, *, on: date | None = None, by: str | None = None) -> date:
    """Move the campaign to `stage` (the next one only), effective `on` (default today); returns the date."""
    campaign = load_campaign(store, campaign_id)
    if stage not in STAGES:
        raise InputError(f"stage '{stage}' is not one of {', '.join(STAGES)}")
    dates = stage_dates(store, campaign.id)
    current = list(dates)[-1]
    on = on or date.today()
    if stage == "collection":
        if len(dates) > 1:
            raise InputError(f"campaign '{campaign.id}' is past collection (now {current}); stages only move forward")
        previous: date | None = None
    else:
        wanted = STAGES[STAGES.index(current) + 1] if current != STAGES[-1] else None
        if stage == current:
            raise InputError(f"campaign '{campaign.id}' is already at stage {stage} (since {dates[stage].isoformat()})")
        if wanted is None or STAGES.index(stage) < STAGES.index(current):
            raise InputError(f"campaign '{campaign.id}' is at stage {current}; stages only move forward")
        if stage != wanted:
            raise InputError(f"campaign '{campaign.id}' is at stage {current}: the next stage is {wanted}, not {stage}")
        previous = dates[current]
    if previous is not None and on < previous:
        raise InputError(f"--date {on.isoformat()} is before the start of stage {current} ({previous.isoformat()})")
    if stage == "final":
        reasons = provisional_reasons(store, campaign.id)
        if reasons:
            raise InputError("results are still provisional: " + " ".join(reasons))
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO campaign_stages(campaign_id, stage, stage_date, by, at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(campaign_id, stage) DO UPDATE SET stage_date = excluded.stage_date, by = excluded.by,"
            " at = excluded.at",
            (campaign.id, stage, on.isoformat(), by or config.current_user(), now_iso()),
        )
        chain.record_stage(conn, campaign.id, stage, by)
    return on


def stages_json(store: Store, campaign_id: str) -> dict:
    """{campaign, stage, stages: [{stage, label, date|null}], provisional, provisional_reasons}."""
    dates = stage_dates(store, campaign_id)
    reasons = provisional_reasons(store, campaign_id)
    return {
        "campaign": campaign_id,
        "stage": list(dates)[-1],
        "stages": [
            {"stage": s, "label": STAGE_LABELS[s], "date": dates[s].isoformat() if s in dates else None} for s in STAGES
        ],
        "provisional": bool(reasons),
        "provisional_reasons": reasons,
    }


# The stage whose date a document of each kind records (its earliest possible date and its default date).
DOCUMENT_STAGE = {
    "plan": "collection",
    "decision": "collection",
    "reminder": "collection",
    "minutes": "appraisal",
    "report": "final",
    "submission": "final",
    "announcement": "final",
}


def document_dates(store: Store, campaign_id: str) -> dict[str, dict[str, date | None]]:
    """Per document kind: `earliest`, the date of the stage it records (a document dated before it would report
    events that have not happened: the minutes before the meeting, the report before the objection window closed),
    and `default`, the date to print when none is given — the stage date, or None while that stage is not reached."""
    dates = stage_dates(store, campaign_id)
    return {kind: {"earliest": dates.get(stage), "default": dates.get(stage)} for kind, stage in DOCUMENT_STAGE.items()}


def check_document_date(store: Store, campaign_id: str, kind: str, on: date) -> None:
    """Refuse (one line) a date earlier than the events a document of this kind records."""
    if kind not in DOCUMENT_STAGE:
        return
    stage = DOCUMENT_STAGE[kind]
    earliest = stage_dates(store, campaign_id).get(stage)
    if stage != "collection" and earliest is None:
        raise InputError(
            f"a {kind} records the {stage} stage, which campaign '{campaign_id}' has not reached"
            f" (`evidence campaign stage {campaign_id} …`)"
        )
    if earliest is not None and on < earliest:
        raise InputError(
            f"--date {on.isoformat()} is before the {stage} stage ({earliest.isoformat()}) that a {kind} records"
        )
