"""What a unit sees of the council's work, and when its forms are open, by the stage of the round
(round/stages.py: collection → self_assessment_closed → appraisal → objections → final).

- Until the secretariat releases the appraisal (stage `objections`), a unit sees its own self-scores only: no
  appraised score, no comment, nothing of the council's in its history.
- From `objections` on, it sees each criterion's appraised score and the council's comments; in `objections` (and
  only then) it may object to a score and record its written agreement.
- From `final` (the secretariat published the results) it sees its total, percentage, band and rank; scores no
  longer change (round/scoring.py refuses them), so no score form is offered to anyone.

The council and the secretariat see everything at every stage (results not yet published are marked so). The
council appraises submitted units; appraising a unit that has not submitted is a deliberate choice (a box to tick).
"""

from __future__ import annotations

from dataclasses import dataclass

RELEASED = ("objections", "final")


@dataclass(frozen=True)
class Shown:
    appraised: bool  # the council's scores and comments
    results: bool  # total, percentage, band, rank
    published: bool  # the results are final and public
    objection_form: bool
    agreement_form: bool
    objections_badge: bool
    council_forms: bool = True  # appraisal and objection answers (closed once the results are approved)

    def __getitem__(self, name: str) -> bool:  # templates and views read it like a dict
        return bool(getattr(self, name))


def shown(role: str, stage: str, *, appraised_any: bool) -> Shown:
    if role != "unit":
        return Shown(
            appraised=True,
            results=appraised_any,
            published=stage == "final",
            objection_form=False,
            agreement_form=False,
            objections_badge=True,
            council_forms=stage != "final",
        )
    return Shown(
        appraised=stage in RELEASED,
        results=stage == "final" and appraised_any,
        published=stage == "final",
        objection_form=stage == "objections",
        agreement_form=stage == "objections" and appraised_any,
        objections_badge=stage in RELEASED,
    )


def unit_note(stage: str, since: str | None) -> str | None:
    """What a unit is told about the council's scores at this stage (None while it is still collecting)."""
    when = f" ngày {since}" if since else ""
    if stage in ("self_assessment_closed", "appraisal"):
        return (
            "Hội đồng đang thẩm định. Điểm thẩm định và nhận xét sẽ hiện khi Văn phòng chuyển sang giai đoạn tiếp "
            "nhận kiến nghị; tổng điểm, xếp loại và xếp hạng chỉ hiện khi kết quả được công bố."
        )
    if stage == "objections":
        return (
            f"Điểm thẩm định đã được gửi để đơn vị xem xét{when}: đơn vị có thể kiến nghị từng tiêu chí và ghi nhận "
            "văn bản đồng ý trong giai đoạn này. Tổng điểm, xếp loại và xếp hạng sẽ hiện khi kết quả được công bố."
        )
    if stage == "final":
        return f"Kết quả đã được công bố{when}."
    return None


OBJECTIONS_CLOSED = "Chỉ gửi được kiến nghị trong giai đoạn tiếp nhận kiến nghị (Văn phòng chưa mở hoặc đã kết thúc)."
AGREEMENT_CLOSED = "Chỉ ghi nhận được văn bản đồng ý trong giai đoạn tiếp nhận kiến nghị."
NOT_SUBMITTED = (
    "Đơn vị chưa gửi bản tự đánh giá. Nếu vẫn thẩm định, đánh dấu ô “Thẩm định dù đơn vị chưa gửi” rồi lưu lại."
)
