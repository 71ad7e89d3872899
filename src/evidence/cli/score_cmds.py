"""score set|appraise|object|resolve|agree|submit|reopen|list|history|import|export, check, results.

The tables of findings and of the ranking come from `round.text`, which the demo prints too.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import config
from ..round.campaign import load_campaign, resolve_campaign_id
from ..errors import InputError
from ..round.text import findings_text, points, ranking_text
from .common import AppContext, emit, json_option, pass_app, table

campaign_option = click.option("--campaign", "campaign_id", metavar="ID", help="Campaign (default: the only one).")
unit_option = click.option("--unit", "unit_code", required=True, metavar="CODE", help="Unit code.")
criterion_option = click.option(
    "--criterion", "criterion_code", required=True, metavar="CODE", help="Criterion code (a scored sub-criterion)."
)
by_option = click.option("--by", help="Who makes the change (default: the OS user).")


# ---------------------------------------------------------------- human formatters


def print_findings(findings, campaign=None) -> None:
    click.echo(findings_text(findings, campaign))


def print_ranking(results) -> None:
    click.echo(ranking_text(results))


def print_scores(rows: list[dict]) -> None:
    table(
        [
            [
                r["unit"],
                r["criterion"],
                points(r["self_score"]),
                points(r["appraised_score"]),
                points(r["deduction"]),
                r["objection_status"] or "",
                (r["explanation"] or r["comment"] or "")[:60],
            ]
            for r in rows
        ],
        ["unit", "criterion", "self", "appraised", "deducted", "objection", "explanation/comment"],
    )


def print_history(events: list[dict]) -> None:
    if not events:
        click.echo("no history")
        return
    table(
        [
            [
                e["at"],
                e["by"],
                e["unit"],
                e["criterion"] or "",
                e["kind"] + (f" ({e['outcome']})" if e["outcome"] else ""),
                points(e["previous_value"]),
                points(e["value"]),
                " ".join(x for x in (e["date"], e["reference"], e["text"]) if x)[:70],
            ]
            for e in events
        ],
        ["at", "by", "unit", "criterion", "kind", "old", "new", "text"],
    )


# ---------------------------------------------------------------- score group


@click.group()
def score() -> None:
    """Self-assessment, appraisal, objections, agreement; import and export of score tables."""


def _score_json(s) -> dict:
    return s.to_json()


def _emit_score(s, as_json: bool, what: str) -> None:
    emit(
        _score_json(s),
        as_json,
        lambda d: click.echo(
            f"{d['unit']}/{d['criterion']}: {what} — self {points(d['self_score'])}, appraised "
            f"{points(d['appraised_score'])}"
            + (f", objection {d['objection_status']}" if d["objection_status"] else "")
        ),
    )


@score.command("set")
@campaign_option
@unit_option
@criterion_option
@click.option("--self", "self_score", required=True, metavar="N", help="The unit's own score.")
@click.option("--explanation", help="Giải trình (kept when omitted; --explanation '' clears it).")
@by_option
@json_option
@pass_app
def score_set(app: AppContext, campaign_id, unit_code, criterion_code, self_score, explanation, by, as_json):
    """Record a unit's self-assessment score for one criterion."""
    from ..round.scoring import set_self_score

    store = app.store()
    s = set_self_score(
        store,
        resolve_campaign_id(store, campaign_id),
        unit_code,
        criterion_code,
        self_score,
        explanation=explanation,
        by=by,
    )
    _emit_score(s, as_json, "self-score recorded")


@score.command("appraise")
@campaign_option
@unit_option
@criterion_option
@click.option("--score", "value", required=True, metavar="N", help="The appraised score.")
@click.option("--comment", help="The council's comment (kept when omitted).")
@by_option
@json_option
@pass_app
def score_appraise(app: AppContext, campaign_id, unit_code, criterion_code, value, comment, by, as_json):
    """Record the council's appraised score for one criterion."""
    from ..round.scoring import appraise

    store = app.store()
    s = appraise(
        store, resolve_campaign_id(store, campaign_id), unit_code, criterion_code, value, comment=comment, by=by
    )
    _emit_score(s, as_json, "appraised")


@score.command("object")
@campaign_option
@unit_option
@criterion_option
@click.option("--text", required=True, help="The objection (kiến nghị): what the unit asks to reconsider.")
@by_option
@json_option
@pass_app
def score_object(app: AppContext, campaign_id, unit_code, criterion_code, text, by, as_json):
    """Record a unit's objection to an appraised score."""
    from ..round.scoring import raise_objection

    store = app.store()
    s = raise_objection(store, resolve_campaign_id(store, campaign_id), unit_code, criterion_code, text, by=by)
    _emit_score(s, as_json, "objection recorded")


@score.command("resolve")
@campaign_option
@unit_option
@criterion_option
@click.option("--accept", "decision", flag_value="accept", help="Accept, with the new score (--score).")
@click.option("--reject", "decision", flag_value="reject", help="Reject, with a reason (--reason).")
@click.option("--score", "value", metavar="N", help="The new appraised score when accepting.")
@click.option("--reason", help="The council's reason.")
@by_option
@json_option
@pass_app
def score_resolve(app: AppContext, campaign_id, unit_code, criterion_code, decision, value, reason, by, as_json):
    """Resolve an open objection: --accept --score N, or --reject --reason TEXT."""
    from ..round.scoring import resolve_objection

    if decision is None:
        raise InputError("say --accept (with --score) or --reject (with --reason)")
    store = app.store()
    s = resolve_objection(
        store,
        resolve_campaign_id(store, campaign_id),
        unit_code,
        criterion_code,
        accepted=decision == "accept",
        score=value,
        reason=reason,
        by=by,
    )
    _emit_score(s, as_json, f"objection {s.objection_status}")


def _emit_status(status, as_json: bool, what: str) -> None:
    emit(status.to_json(), as_json, lambda d: click.echo(f"{d['unit']}: {what}"))


@score.command("agree")
@campaign_option
@unit_option
@click.option("--date", "agreed_on", required=True, help="Date of the unit's written agreement (YYYY-MM-DD).")
@click.option("--reference", required=True, help="Number of the unit's document, e.g. 15/STP-VP.")
@click.option("--note", help="A note.")
@by_option
@json_option
@pass_app
def score_agree(app: AppContext, campaign_id, unit_code, agreed_on, reference, note, by, as_json):
    """Record the unit's written agreement with its appraised result."""
    from ..round.scoring import record_agreement

    store = app.store()
    status = record_agreement(
        store,
        resolve_campaign_id(store, campaign_id),
        unit_code,
        agreed_on=agreed_on,
        reference=reference,
        note=note,
        by=by,
    )
    _emit_status(status, as_json, f"agreement {status.agreement_reference} of {status.agreed_on} recorded")


@score.command("submit")
@campaign_option
@unit_option
@by_option
@json_option
@pass_app
def score_submit(app: AppContext, campaign_id, unit_code, by, as_json):
    """Submit (lock) a unit's self-assessment."""
    from ..round.scoring import submit_self_assessment

    store = app.store()
    status = submit_self_assessment(store, resolve_campaign_id(store, campaign_id), unit_code, by=by)
    _emit_status(status, as_json, "self-assessment submitted; self-scores are locked")


@score.command("reopen")
@campaign_option
@unit_option
@click.option("--reason", help="Why the secretariat reopens it.")
@by_option
@json_option
@pass_app
def score_reopen(app: AppContext, campaign_id, unit_code, reason, by, as_json):
    """Reopen a submitted self-assessment (secretariat)."""
    from ..round.scoring import reopen_self_assessment

    store = app.store()
    status = reopen_self_assessment(store, resolve_campaign_id(store, campaign_id), unit_code, reason=reason, by=by)
    _emit_status(status, as_json, "self-assessment reopened")


@score.command("list")
@campaign_option
@click.option("--unit", "unit_code", metavar="CODE")
@json_option
@pass_app
def score_list(app: AppContext, campaign_id, unit_code, as_json):
    """Current scores (self, appraised, objection) per unit and criterion."""
    from ..round.scoring import current_scores

    store = app.store()
    campaign = load_campaign(store, resolve_campaign_id(store, campaign_id))
    if unit_code:
        campaign.unit(unit_code)
    scores = current_scores(store, campaign.id, unit_code)
    unit_pos = {u.code: i for i, u in enumerate(campaign.units)}
    crit_pos = {c.code: i for i, c in enumerate(campaign.framework.walk())}
    ordered = sorted(scores.values(), key=lambda s: (unit_pos.get(s.unit, 0), crit_pos.get(s.criterion, 10**6)))
    emit({"scores": [s.to_json() for s in ordered]}, as_json, lambda d: print_scores(d["scores"]))


@score.command("history")
@campaign_option
@click.option("--unit", "unit_code", metavar="CODE")
@click.option("--criterion", "criterion_code", metavar="CODE")
@json_option
@pass_app
def score_history(app: AppContext, campaign_id, unit_code, criterion_code, as_json):
    """Every recorded change (who, when, old and new value), oldest first."""
    from ..round.scoring import history

    store = app.store()
    events = history(store, resolve_campaign_id(store, campaign_id), unit_code, criterion_code)
    emit({"events": events}, as_json, lambda d: print_history(d["events"]))


@score.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@campaign_option
@by_option
@json_option
@pass_app
def score_import(app: AppContext, file, campaign_id, by, as_json):
    """Import scores from CSV or XLSX: unit, criterion, self_score, explanation, appraised_score, comment.
    Bad rows are reported by row number (exit 2); good rows are kept."""
    from ..round.score_import import import_scores

    store = app.store()
    report = import_scores(store, resolve_campaign_id(store, campaign_id), file, by=by or config.current_user())

    def human(d):
        s = d["summary"]
        click.echo(f"{file}: {s['rows']} row(s): {s['applied']} applied, {s['unchanged']} unchanged, {s['errors']} bad")

    emit(report.to_json(), as_json, human)
    for error in report.errors:
        click.echo(f"error: {file}: row {error['row']}: {error['error']}", err=True)
    if report.errors:
        raise SystemExit(2)


@score.command("export")
@campaign_option
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="The workbook to write (.xlsx).")
@json_option
@pass_app
def score_export(app: AppContext, campaign_id, out, as_json):
    """Write the score workbook: summary with ranking, one sheet per unit."""
    from ..round.workbook import export_scores

    store = app.store()
    info = export_scores(store, resolve_campaign_id(store, campaign_id), out)
    emit(info, as_json, lambda d: click.echo(f"{d['path']}: {d['units']} unit sheet(s)"))


# ---------------------------------------------------------------- check, results


@click.command("check")
@campaign_option
@click.option("--unit", "unit_code", metavar="CODE", help="Only this unit.")
@json_option
@pass_app
def check_command(app: AppContext, campaign_id, unit_code, as_json):
    """Findings: what is wrong with scores and evidence (exit 1 when there are errors)."""
    from ..round.findings import check, has_errors

    store = app.store()
    campaign = load_campaign(store, resolve_campaign_id(store, campaign_id))
    if unit_code:
        campaign.unit(unit_code)
    findings = check(store, campaign.id, unit_code)
    emit({"findings": [f.to_json() for f in findings]}, as_json, lambda d: print_findings(d["findings"], campaign))
    if has_errors(findings):
        raise SystemExit(1)


@click.command("results")
@campaign_option
@click.option("--criteria", "with_criteria", is_flag=True, help="With --json: include each unit's criterion rows.")
@json_option
@pass_app
def results_command(app: AppContext, campaign_id, with_criteria, as_json):
    """Totals, percent of the applicable maximum, bands, ranking and round statistics."""
    from ..round.results import compute_results

    store = app.store()
    results = compute_results(store, resolve_campaign_id(store, campaign_id))
    emit(results.to_json(criteria=with_criteria), as_json, print_ranking)


COMMANDS = [score, check_command, results_command]
