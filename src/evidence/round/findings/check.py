"""Findings: what is wrong with a round, computed from the scores and the evidence (`evidence check`).

Each finding names a code and a severity, the unit, the criterion, the evidence when there is one, and a message in
Vietnamese telling the unit what to do. Nothing is stored: findings are recomputed from the data every time, so
they follow every correction. The rules live in `rules`, the data they read is loaded by `load`.
"""

from __future__ import annotations

from ...store import Store
from ..campaign import Campaign, load_campaign
from .load import load_round
from .model import CODES, Finding
from .rules import run_rules


def check(store: Store, campaign_id: str, unit: str | None = None) -> list[Finding]:
    """All findings of a campaign (or of one unit), ordered by unit, criterion (framework order) and code."""
    campaign = load_campaign(store, campaign_id)
    data = load_round(store, campaign, unit)
    return _ordered(campaign, run_rules(data))


def findings_for_evidence(store: Store, evidence_id: int) -> list[dict]:
    """The findings about one evidence record, in every campaign and unit it is linked to (for `evidence show`)."""
    targets = store.db.execute(
        "SELECT DISTINCT campaign_id, unit_code FROM links WHERE evidence_id = ? ORDER BY campaign_id, unit_code",
        (evidence_id,),
    ).fetchall()
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


def _ordered(campaign: Campaign, findings: list[Finding]) -> list[Finding]:
    unit_pos = {u.code: i for i, u in enumerate(campaign.units)}
    crit_pos: dict[str, int] = {}
    for framework in campaign.frameworks():
        for c in framework.walk():
            crit_pos.setdefault(c.code, len(crit_pos))
    code_pos = {c: i for i, c in enumerate(CODES)}
    return sorted(
        findings,
        key=lambda f: (
            unit_pos.get(f.unit or "", len(unit_pos)),
            crit_pos.get(f.criterion or "", len(crit_pos)),
            f.criterion or "",
            code_pos[f.code],
            f.evidence_id or 0,
        ),
    )
