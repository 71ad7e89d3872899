"""The scoring part of `evidence demo`, stage by stage: units score themselves (collection), the council appraises
(appraisal), the survey points are imported and late criteria appraised, one objection is accepted and one
rejected, one unit agrees in writing (objections). Works on any campaign; deterministic (no randomness).

Deliberate problems, so `check` has something to say:
- the second unit claims full points everywhere, also where it linked no evidence (MISSING_EVIDENCE,
  SCORE_WITHOUT_EVIDENCE), with an explanation on one of them (a warning instead of an error);
- the third unit leaves its last two criteria blank (BLANK_SELF_SCORE) and does not submit: the council appraises
  them later (0 points), and until then the results are provisional;
- the council deducts where evidence is missing or, on a fixed pattern, judged insufficient;
- survey criteria (scored_by: survey) are never self-scored: their points come from the survey file.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import date
from pathlib import Path

from ..round.campaign import Campaign, load_campaign
from ..round.scoring import (
    appraise,
    current_scores,
    raise_objection,
    record_agreement,
    resolve_objection,
    set_self_score,
    submit_self_assessment,
)
from ..store import Store

COUNCIL = "Hội đồng thẩm định"
BLANK_COMMENT = "Đơn vị không tự chấm, không có tài liệu kiểm chứng: không tính điểm."


def _quarter(value: float) -> float:
    """Scores in steps of 0.25, as councils write them."""
    return round(value * 4) / 4


def _pattern(unit: str, code: str) -> int:
    """A stable number 0-99 per unit and criterion (the same every run)."""
    return int(hashlib.sha256(f"{unit}/{code}".encode()).hexdigest()[:8], 16) % 100


def _linked(store: Store, campaign: Campaign) -> set[tuple[str, str]]:
    return {
        (r[0], r[1])
        for r in store.db.execute(
            "SELECT DISTINCT unit_code, criterion_code FROM links WHERE campaign_id = ?", (campaign.id,)
        )
    }


def _late_unit(campaign: Campaign) -> int:
    return 2 if len(campaign.units) > 2 else -1


def self_assessment(store: Store, campaign_id: str) -> dict:
    """Every unit self-scores its self-assessed criteria and submits, except the late one.
    Returns {"self_scores", "submitted": [...], "problems": [...]}."""
    campaign = load_campaign(store, campaign_id)
    linked = _linked(store, campaign)
    summary: dict = {"self_scores": 0, "submitted": [], "problems": []}
    for index, unit in enumerate(campaign.units):
        leaves = campaign.self_scored_leaves(unit)
        blanks = {c.code for c in leaves[-2:]} if index == _late_unit(campaign) else set()
        explained = None
        for criterion in leaves:
            if criterion.code in blanks:
                continue
            has_evidence = (unit.code, criterion.code) in linked
            explanation = None
            if has_evidence:
                full = _pattern(unit.code, criterion.code) >= 20
                self_score = criterion.points if full else _quarter(criterion.points * 0.75)
            elif index == 1:  # over-claims without evidence; explains only the first such criterion
                self_score = criterion.points
                if explained is None:
                    explanation = "Đơn vị đã triển khai thực hiện; văn bản đang được số hóa, sẽ bổ sung sau."
                    explained = criterion.code
            else:
                self_score = 0.0
            by = f"{unit.code} (demo)"
            set_self_score(store, campaign, unit.code, criterion.code, self_score, explanation=explanation, by=by)
            summary["self_scores"] += 1
        if index == 1:
            summary["problems"].append(f"{unit.code}: tự chấm điểm tối đa cả ở tiêu chí chưa có tài liệu kiểm chứng")
        if blanks:
            summary["problems"].append(
                f"{unit.code}: bỏ trống {len(blanks)} tiêu chí ({', '.join(sorted(blanks))})"
                " và chưa gửi hồ sơ tự đánh giá"
            )
        else:
            submit_self_assessment(store, campaign, unit.code, by=f"{unit.code} (demo)")
            summary["submitted"].append(unit.code)
    return summary


def appraisal(store: Store, campaign_id: str) -> dict:
    """The council appraises every self-scored criterion (blank ones wait). Returns {"appraised", "deductions"}."""
    campaign = load_campaign(store, campaign_id)
    linked = _linked(store, campaign)
    scores = current_scores(store, campaign.id)
    summary: dict = {"appraised": 0, "deductions": []}
    for unit in campaign.units:
        for criterion in campaign.self_scored_leaves(unit):
            score = scores.get((unit.code, criterion.code))
            if score is None or score.self_score is None:
                continue
            has_evidence = (unit.code, criterion.code) in linked
            appraised, comment = _appraisal(unit.code, criterion, score.self_score, has_evidence)
            appraise(store, campaign, unit.code, criterion.code, appraised, comment=comment, by=COUNCIL)
            summary["appraised"] += 1
            if appraised < score.self_score:
                summary["deductions"].append((unit.code, criterion.code, score.self_score, appraised))
    return summary


def appraise_blanks(store: Store, campaign_id: str) -> list[str]:
    """The council scores the criteria a unit left blank (0 points, with the reason); returns "UNIT/code" items."""
    campaign = load_campaign(store, campaign_id)
    scores = current_scores(store, campaign.id)
    done = []
    for unit in campaign.units:
        for criterion in campaign.self_scored_leaves(unit):
            score = scores.get((unit.code, criterion.code))
            if score is None or score.appraised_score is None:
                appraise(store, campaign, unit.code, criterion.code, 0, comment=BLANK_COMMENT, by=COUNCIL)
                done.append(f"{unit.code}/{criterion.code}")
    return done


def write_survey_file(store: Store, campaign_id: str, path: Path) -> Path:
    """The survey results as the secretariat receives them: one row per unit and survey criterion."""
    campaign = load_campaign(store, campaign_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Mã đơn vị", "Tiêu chí", "Điểm khảo sát", "Ghi chú"])
        for unit in campaign.units:
            for criterion in campaign.applicable_leaves(unit):
                if criterion.is_survey:
                    share = 0.62 + (_pattern(unit.code, criterion.code) % 36) / 100  # 62 % … 97 % of the maximum
                    points = _quarter(criterion.points * share)
                    writer.writerow([unit.code, criterion.code, f"{points:g}".replace(".", ","), "Điều tra xã hội học"])
    return path


def _appraisal(unit: str, criterion, self_score: float, has_evidence: bool) -> tuple[float, str | None]:
    if not has_evidence and self_score > 0:
        return 0.0, "Không có tài liệu kiểm chứng; không tính điểm."
    if has_evidence and self_score > 0 and _pattern(unit, criterion.code) % 4 == 0:
        return _quarter(self_score / 2), "Tài liệu kiểm chứng chưa đầy đủ, chỉ chứng minh được một phần nội dung."
    return self_score, None


def objections(store: Store, campaign_id: str, deductions: list[tuple[str, str, float, float]]) -> list[dict]:
    """The first deduction: the unit objects and the council accepts; the next one (another unit's when there is
    one): the unit objects and the council rejects."""
    campaign = load_campaign(store, campaign_id)
    out: list[dict] = []
    first_per_unit = list({unit: (unit, code, s, a) for unit, code, s, a in reversed(deductions)}.values())[::-1]
    chosen = first_per_unit[:2] if len(first_per_unit) >= 2 else deductions[:2]
    for n, (unit, code, self_score, appraised) in enumerate(chosen):
        raise_objection(
            store,
            campaign,
            unit,
            code,
            "Đơn vị đề nghị Hội đồng xem xét lại: tài liệu kiểm chứng đã thể hiện đầy đủ nội dung tiêu chí.",
            by=f"{unit} (demo)",
        )
        if n == 0:
            new_score = _quarter((self_score + appraised) / 2)
            resolve_objection(
                store,
                campaign,
                unit,
                code,
                accepted=True,
                score=new_score,
                reason="Đơn vị bổ sung minh chứng hợp lệ; điều chỉnh điểm.",
                by=COUNCIL,
            )
            out.append({"unit": unit, "criterion": code, "outcome": "accepted", "from": appraised, "to": new_score})
        else:
            resolve_objection(
                store,
                campaign,
                unit,
                code,
                accepted=False,
                reason="Tài liệu bổ sung ban hành sau kỳ đánh giá; giữ nguyên điểm.",
                by=COUNCIL,
            )
            out.append({"unit": unit, "criterion": code, "outcome": "rejected", "from": appraised, "to": appraised})
    return out


def agreement(store: Store, campaign_id: str, on: date) -> dict:
    """The first unit agrees in writing with its appraised result."""
    campaign = load_campaign(store, campaign_id)
    unit = campaign.units[0]
    reference = f"15/{unit.symbol or unit.code}-VP"
    record_agreement(
        store,
        campaign,
        unit.code,
        agreed_on=on,
        reference=reference,
        note="Thống nhất với kết quả thẩm định.",
        by=f"{unit.code} (demo)",
    )
    return {"unit": unit.code, "reference": reference, "date": on.isoformat()}
