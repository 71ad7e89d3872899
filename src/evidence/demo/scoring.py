"""The scoring part of `evidence demo`: every unit scores itself, the council appraises, one objection is accepted
and one rejected, one unit agrees in writing. Works on any campaign; deterministic (no randomness).

Deliberate problems, so `check` has something to say:
- the second unit claims full points everywhere, also where it linked no evidence (MISSING_EVIDENCE,
  SCORE_WITHOUT_EVIDENCE), with an explanation on one of them (a warning instead of an error);
- the third unit leaves its last two criteria blank (BLANK_SELF_SCORE) and does not submit;
- the council deducts where evidence is missing or, on a fixed pattern, judged insufficient.
"""

from __future__ import annotations

import hashlib
from datetime import date

from ..round.campaign import load_campaign
from ..round.scoring import (
    appraise,
    raise_objection,
    record_agreement,
    resolve_objection,
    set_self_score,
    submit_self_assessment,
)
from ..store import Store

COUNCIL = "Hội đồng thẩm định"


def _quarter(value: float) -> float:
    """Scores in steps of 0.25, as councils write them."""
    return round(value * 4) / 4


def _pattern(unit: str, code: str) -> int:
    """A stable number 0-99 per unit and criterion (the same every run)."""
    return int(hashlib.sha256(f"{unit}/{code}".encode()).hexdigest()[:8], 16) % 100


def run(store: Store, campaign_id: str) -> dict:
    """Score, appraise, object, resolve and agree on the demo campaign. Returns what was done, for the demo's
    summary: {"self_scores", "appraised", "submitted", "objections": [...], "agreements": [...], "problems": [...]}"""
    campaign = load_campaign(store, campaign_id)
    linked = {
        (r[0], r[1])
        for r in store.db.execute(
            "SELECT DISTINCT unit_code, criterion_code FROM links WHERE campaign_id = ?", (campaign.id,)
        )
    }
    summary = {"self_scores": 0, "appraised": 0, "submitted": [], "objections": [], "agreements": [], "problems": []}
    deductions: list[tuple[str, str, float, float]] = []
    for index, unit in enumerate(campaign.units):
        leaves = campaign.applicable_leaves(unit)
        blanks = {c.code for c in leaves[-2:]} if index == 2 else set()
        explained = None
        for criterion in leaves:
            has_evidence = (unit.code, criterion.code) in linked
            if criterion.code in blanks:
                continue
            if has_evidence:
                self_score = (
                    criterion.points if _pattern(unit.code, criterion.code) >= 20 else _quarter(criterion.points * 0.75)
                )
                explanation = None
            elif index == 1:  # over-claims without evidence; explains only the first such criterion
                self_score = criterion.points
                explanation = None
                if explained is None:
                    explanation = "Đơn vị đã triển khai thực hiện; văn bản đang được số hóa, sẽ bổ sung sau."
                    explained = criterion.code
            else:
                self_score = 0.0
                explanation = None
            set_self_score(
                store,
                campaign,
                unit.code,
                criterion.code,
                self_score,
                explanation=explanation,
                by=f"{unit.code} (demo)",
            )
            summary["self_scores"] += 1
            appraised, comment = _appraisal(unit.code, criterion, self_score, has_evidence)
            appraise(store, campaign, unit.code, criterion.code, appraised, comment=comment, by=COUNCIL)
            summary["appraised"] += 1
            if appraised < self_score:
                deductions.append((unit.code, criterion.code, self_score, appraised))
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
    _objections(store, campaign, deductions, summary)
    _agreement(store, campaign, deductions, summary)
    return summary


def _appraisal(unit: str, criterion, self_score: float, has_evidence: bool) -> tuple[float, str | None]:
    if not has_evidence and self_score > 0:
        return 0.0, "Không có tài liệu kiểm chứng; không tính điểm."
    if has_evidence and self_score > 0 and _pattern(unit, criterion.code) % 4 == 0:
        return _quarter(self_score / 2), "Tài liệu kiểm chứng chưa đầy đủ, chỉ chứng minh được một phần nội dung."
    return self_score, None


def _objections(store: Store, campaign, deductions, summary: dict) -> None:
    """The first deduction: the unit objects and the council accepts; the next one (another unit's when there is
    one): the unit objects and the council rejects."""
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
            summary["objections"].append(
                {"unit": unit, "criterion": code, "outcome": "accepted", "from": appraised, "to": new_score}
            )
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
            summary["objections"].append(
                {"unit": unit, "criterion": code, "outcome": "rejected", "from": appraised, "to": appraised}
            )


def _agreement(store: Store, campaign, deductions, summary: dict) -> None:
    unit = campaign.units[0].code
    reference = f"15/{unit}-VP"
    record_agreement(
        store,
        campaign,
        unit,
        agreed_on=date.today(),
        reference=reference,
        note="Thống nhất với kết quả thẩm định.",
        by=f"{unit} (demo)",
    )
    summary["agreements"].append({"unit": unit, "reference": reference, "date": date.today().isoformat()})
