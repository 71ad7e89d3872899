"""A unit's pages: the criterion tree with its status, one criterion (evidence, scores, objection), uploads,
self-scores, submission and written agreement. Reviewers and the secretariat see the same pages with the
appraisal forms instead of the unit's forms (views_review.py handles those posts)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from starlette.responses import Response

from ..errors import EvidenceError, InputError
from ..vn.text import nfc
from . import publication, services, weights
from .filters import vn_date, vn_number
from .security import Ctx, Forbidden, evidence_id_param, page, require_unit

UNIT = ("unit",)
COUNCIL_EVENTS = ("appraised", "objection_resolved")


def unit_url(campaign_id: str, unit: str, criterion: str | None = None) -> str:
    base = f"/c/{campaign_id}/u/{unit}"
    return f"{base}/k/{criterion}" if criterion else base


def _evidence_counts(ctx: Ctx, campaign_id: str, unit: str) -> dict[str, int]:
    return {
        r["criterion_code"]: r["n"]
        for r in ctx.store.db.execute(
            "SELECT criterion_code, COUNT(*) AS n FROM links WHERE campaign_id = ? AND unit_code = ?"
            " GROUP BY criterion_code",
            (campaign_id, unit),
        )
    }


def _findings_by_criterion(ctx: Ctx, campaign, unit: str) -> tuple[dict[str, list[dict]], list[dict]]:
    found = services.findings(ctx.store, campaign, unit)
    by_criterion: dict[str, list[dict]] = {}
    for f in found:
        by_criterion.setdefault(f.get("criterion") or "", []).append(f)
    return by_criterion, found


def _depth(code: str) -> int:
    return code.count(".")


@page()
def unit_tree(ctx: Ctx) -> Response:
    campaign, unit = require_unit(ctx, ctx.param("campaign"), ctx.param("unit"))
    return ctx.render("unit_tree.html", **tree_context(ctx, campaign, unit))


def tree_context(ctx: Ctx, campaign, unit, **extra) -> dict:
    """Everything the unit's page shows; `extra` carries a form's errors and values back to it."""
    counts = _evidence_counts(ctx, campaign.id, unit.code)
    scores = services.scores(ctx.store, campaign.id, unit.code)
    status = services.unit_status(ctx.store, campaign.id, unit.code)
    findings_by, all_findings = _findings_by_criterion(ctx, campaign, unit.code)
    excluded = campaign.not_applicable_codes(unit)
    rows = []
    totals = {"max": 0.0, "self": 0.0, "appraised": 0.0, "evidence": 0, "leaves": 0, "with_evidence": 0}
    for criterion in campaign.framework_for(unit).walk():
        applicable = criterion.code not in excluded
        score = scores.get(criterion.code)
        n = counts.get(criterion.code, 0)
        rows.append(
            {
                "criterion": criterion,
                "depth": _depth(criterion.code),
                "applicable": applicable,
                "evidence": n,
                "score": score,
                "findings": weights.serious(findings_by.get(criterion.code, [])),
                "due": services.due_text(criterion.due_rule),
            }
        )
        if criterion.is_leaf and applicable:
            totals["leaves"] += 1
            totals["max"] += criterion.points
            totals["evidence"] += n
            totals["with_evidence"] += 1 if n else 0
            if score and score.self_score is not None:
                totals["self"] += score.self_score
            if score and score.appraised_score is not None:
                totals["appraised"] += score.appraised_score
    appraised_any = any(s.appraised_score is not None for s in scores.values())
    result, ranked = None, 0
    if appraised_any:
        everything = services.results(ctx.store, campaign.id)
        try:
            result = everything.unit(unit.code)
        except KeyError:
            pass
        else:
            group = next((g for g in everything.groups if unit.code in {u.code for u in g.units}), None)
            ranked = len(group.units) if group else len(everything.units)
    open_objections = [s for s in scores.values() if s.objection_status == "open"]
    context = {
        "campaign": campaign,
        "unit": unit,
        "rows": rows,
        "totals": totals,
        "status": status,
        "deadline": campaign.deadline("self_assessment"),
        "unit_findings": weights.serious(findings_by.get("", [])),
        "info_lines": weights.info_lines(all_findings),
        "finding_counts": weights.counts(all_findings),
        "check": presubmit_check(campaign, unit, all_findings),
        "appraised_any": appraised_any,
        "open_objections": open_objections,
        "result": result,
        "ranked": ranked,
        "any_due": any(r["due"] for r in rows),
        "agreement_current": services.agreement_is_current(ctx.store, campaign.id, unit.code),
        "today": date.today().isoformat(),
        "errors": {},
        "values": {},
        "confirm_submit": False,
    }
    context.update(what_is_shown(ctx, campaign, status, appraised_any))
    context.update(extra)
    return context


def what_is_shown(ctx: Ctx, campaign, status, appraised_any: bool) -> dict:
    """{"show", "stage", "stage_note"}: which scores, results and forms this user sees at this stage of the round
    (publication.py)."""
    stage = services.current_stage(ctx.store, campaign.id)
    since = services.stage_dates(ctx.store, campaign.id).get(stage)
    return {
        "show": publication.shown(ctx.user.role, stage, appraised_any=appraised_any),
        "stage": stage,
        "stage_label": services.STAGE_LABELS.get(stage, stage),
        "stage_note": publication.unit_note(stage, vn_date(since)) if ctx.user.role == "unit" else None,
    }


def presubmit_check(campaign, unit, found: list[dict]) -> dict:
    """What a unit should look at before submitting, from the findings: criteria without a self-score, required
    criteria with neither evidence nor an explanation, and the other errors. Survey criteria are never asked for
    (the secretariat enters their points)."""
    survey = {c.code for c in campaign.applicable_leaves(unit) if c.is_survey}
    titles = {c.code: c.title for c in campaign.applicable_leaves(unit)}

    def item(f: dict) -> dict:
        code = f.get("criterion") or ""
        return {"criterion": code, "title": titles.get(code, ""), "finding": f}

    blank = [item(f) for f in found if f["code"] == "BLANK_SELF_SCORE" and f.get("criterion") not in survey]
    missing = [item(f) for f in found if f["code"] == "MISSING_EVIDENCE" and f["severity"] == "error"]
    listed = {"BLANK_SELF_SCORE", "MISSING_EVIDENCE"}
    errors = [item(f) for f in found if f["severity"] == "error" and f["code"] not in listed]
    return {"blank": blank, "missing": missing, "errors": errors, "open": len(blank) + len(missing) + len(errors)}


def criterion_context(ctx: Ctx, campaign, unit, criterion_code: str, **extra) -> dict:
    criterion = campaign.criterion(criterion_code, unit=unit)
    evidence = services.list_evidence(
        ctx.store, campaign_id=campaign.id, unit_code=unit.code, criterion_code=criterion.code
    )
    for item in evidence:
        item["findings"] = [
            f
            for f in services.evidence_findings(ctx.store, item["evidence_id"])
            if (f.get("campaign"), f.get("unit"), f.get("criterion")) == (campaign.id, unit.code, criterion.code)
        ]
        item["info"] = [f for f in item["findings"] if f.get("severity") == "info"]
        item["findings"] = weights.serious(item["findings"])
        item["preview"] = preview_kind(item["format"])
        item["estimated"] = _estimated(ctx, item["evidence_id"])
    findings_by, _all = _findings_by_criterion(ctx, campaign, unit.code)
    status = services.unit_status(ctx.store, campaign.id, unit.code)
    score = services.scores(ctx.store, campaign.id, unit.code).get(criterion.code)
    context = {
        "campaign": campaign,
        "unit": unit,
        "criterion": criterion,
        "evidence": evidence,
        "score": score,
        "status": status,
        "applicable": campaign.is_applicable(unit, criterion.code),
        "findings": weights.serious(
            [
                f
                for f in findings_by.get(criterion.code, [])
                if f.get("evidence_id") not in {e["evidence_id"] for e in evidence}
            ]
        ),
        "history": services.score_history(ctx.store, campaign.id, unit.code, criterion.code),
        "due": services.due_text(criterion.due_rule),
        "deadline": campaign.deadline("self_assessment"),
        "errors": {},
        "values": {},
        "upload_errors": [],
        "upload_results": [],
        "max_upload_mb": ctx.settings.max_upload_bytes // (1024 * 1024),
    }
    context.update(what_is_shown(ctx, campaign, status, bool(score and score.appraised_score is not None)))
    if not context["show"]["appraised"]:  # the council's scores are not the unit's to see yet, history included
        context["history"] = [h for h in context["history"] if h.get("kind") not in COUNCIL_EVENTS]
    leaves = [c.code for c in campaign.applicable_leaves(unit)]
    if criterion.code in leaves:
        i = leaves.index(criterion.code)
        context["prev_code"] = leaves[i - 1] if i > 0 else None
        context["next_code"] = leaves[i + 1] if i + 1 < len(leaves) else None
    context.update(extra)
    return context


def _estimated(ctx: Ctx, evidence_id: int) -> str | None:
    """Why the record's issue date is an estimate (shown as "ước tính"), or None."""
    record = services.get_evidence(ctx.store, evidence_id)
    corrected = "issued_on" in services.latest_corrections(ctx.store, evidence_id)
    return services.estimated_issue_date(record["metadata"], corrected)


def preview_kind(fmt: str | None) -> str:
    return {"pdf": "pdf", "image": "image"}.get(fmt or "", "text")


@page()
def criterion_page(ctx: Ctx) -> Response:
    campaign, unit = require_unit(ctx, ctx.param("campaign"), ctx.param("unit"))
    return ctx.render("criterion.html", **criterion_context(ctx, campaign, unit, ctx.param("criterion")))


def _own_unit(ctx: Ctx):
    """For a unit's own actions: the campaign and unit, refused for anyone but that unit's accounts."""
    campaign, unit = require_unit(ctx, ctx.param("campaign"), ctx.param("unit"))
    if ctx.user.role != "unit":
        raise Forbidden()
    return campaign, unit


@page(*UNIT)
def upload(ctx: Ctx) -> Response:
    campaign, unit = _own_unit(ctx)
    criterion = campaign.criterion(ctx.param("criterion"), unit=unit)
    files = ctx.form.uploads("files")
    pages = ctx.form.get("pages").strip()
    note = ctx.form.get("note").strip()
    values = {"pages": pages, "note": note}
    errors = {}
    if not files:
        errors["files"] = "Chọn ít nhất một tệp (PDF, Word, ảnh) để tải lên."
    if len(note) > 2000:
        errors["note"] = "Ghi chú tối đa 2000 ký tự."
    if pages:
        try:
            services.check_pages(pages)
        except InputError:
            errors["pages"] = "Trang ghi như 2 hoặc 2-3 hoặc 1,4-6."
    if errors:
        return ctx.render(
            "criterion.html",
            http_status=400,
            **criterion_context(ctx, campaign, unit, criterion.code, errors=errors, values=values),
        )
    results, problems = attach_uploads(
        ctx, campaign, unit.code, criterion.code, files, pages=pages or None, note=note or None
    )
    if problems:
        return ctx.render(
            "criterion.html",
            http_status=400 if not results else 200,
            **criterion_context(
                ctx, campaign, unit, criterion.code, values=values, upload_errors=problems, upload_results=results
            ),
        )
    return ctx.redirect(
        unit_url(campaign.id, unit.code, criterion.code) + "#tai-lieu",
        f"Đã tải lên {len(results)} tệp: " + ", ".join(r["filename"] for r in results) + ".",
        where="tai-lieu",
    )


@page(*UNIT)
def detach(ctx: Ctx) -> Response:
    """The unit takes back one of its files from this criterion (kept in the record's history)."""
    campaign, unit = _own_unit(ctx)
    criterion = campaign.criterion(ctx.param("criterion"), unit=unit)
    evidence_id = evidence_id_param(ctx)
    reason = ctx.form.get("reason").strip()
    url = unit_url(campaign.id, unit.code, criterion.code) + "#tai-lieu"
    if len(reason) > 2000:
        context = criterion_context(
            ctx,
            campaign,
            unit,
            criterion.code,
            errors={f"detach-{evidence_id}": "Lý do gỡ tài liệu tối đa 2000 ký tự."},
            values={f"reason-{evidence_id}": reason},
        )
        return ctx.render("criterion.html", http_status=400, **context)
    try:
        result = services.detach_evidence(
            ctx.store,
            evidence_id,
            campaign_id=campaign.id,
            unit_code=unit.code,
            criterion_code=criterion.code,
            by=ctx.user.name,
            reason=reason or None,
        )
    except InputError:  # submitted: the dossier is locked until the secretariat reopens it
        return ctx.redirect(
            url,
            "Đơn vị đã gửi bản tự đánh giá nên không gỡ được tài liệu; đề nghị Văn phòng mở lại hồ sơ nếu cần sửa.",
            kind="error",
            where="tai-lieu",
        )
    return ctx.redirect(
        url,
        f"Đã gỡ tài liệu «{result['filename']}» khỏi tiêu chí {criterion.code}; lịch sử vẫn được lưu.",
        where="tai-lieu",
    )


def attach_uploads(ctx: Ctx, campaign, unit: str, criterion: str, files, *, pages, note):
    """Each uploaded file is stored and linked at once (the checks that need no reader included) and read in the
    background by the server's reader (catalog/jobs.py): the page says "đang đọc" until it is read. It is moved
    into a private folder with a generated name under store/tmp and keeps the user's file name (cleaned) inside
    it, which is the name the catalogue records; the folder is removed afterwards."""
    results, problems = [], []
    queue = ctx.request.app.state.read_queue
    for upload in files:
        folder = upload.path.with_suffix("")  # store/tmp/web-<random>
        named = folder / fs_name(upload.filename)
        try:
            folder.mkdir(mode=0o700)
            upload.path.rename(named)
            upload.path = named
            outcome = services.store_upload(
                ctx.store,
                named,
                campaign_id=campaign.id,
                campaign=campaign,
                unit_code=unit,
                criterion_code=criterion,
                pages=pages,
                note=note,
                by=ctx.user.name,
            )
        except EvidenceError as exc:
            problems.append({"filename": upload.filename, "error": _vi_error(_strip_path(str(exc), named))})
            continue
        finally:
            named.unlink(missing_ok=True)
            if folder.is_dir():
                folder.rmdir()
        if outcome.error:
            problems.append({"filename": upload.filename, "error": _vi_error(_strip_path(outcome.error, named))})
            continue
        queue.enqueue_read(outcome.evidence_id)  # wakes the reader (a record read before needs nothing)
        results.append(
            {
                "filename": upload.filename,
                "evidence_id": outcome.evidence_id,
                "linked": outcome.linked,
                "warnings": outcome.warnings,
            }
        )
    return results, problems


def fs_name(filename: str) -> str:
    """A file name the file system takes (at most 200 bytes of UTF-8), keeping the extension."""
    name = nfc(filename)
    suffix = Path(name).suffix if len(Path(name).suffix.encode()) <= 16 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    while len((stem + suffix).encode()) > 200:
        stem = stem[:-1]
    return (stem + suffix) or "tep"


def _strip_path(message: str, path: Path) -> str:
    return message.replace(f"{path}: ", "").replace(str(path), path.name)


_VI_ERRORS = [
    ("unsupported file type", "loại tệp không được hỗ trợ (chỉ nhận PDF, Word, ảnh, văn bản)"),
    ("empty file", "tệp rỗng"),
    ("encrypted", "tệp được đặt mật khẩu, không đọc được"),
    ("corrupt", "tệp bị hỏng, không đọc được"),
    ("larger than", "tệp quá lớn"),
    ("does not apply", "tiêu chí này không áp dụng cho đơn vị"),
    ("crashed", "không đọc được tệp"),
    ("timed out", "đọc tệp quá thời gian cho phép"),
    ("time limit", "đọc tệp quá thời gian cho phép"),
    ("password", "tệp được đặt mật khẩu, không đọc được"),
]


def _vi_error(message: str) -> str:
    for needle, text in _VI_ERRORS:
        if needle in message.lower():
            return f"{text} ({message.strip()})"
    return message.strip()


@page(*UNIT)
def self_score(ctx: Ctx) -> Response:
    campaign, unit = _own_unit(ctx)
    criterion = campaign.criterion(ctx.param("criterion"), unit=unit)
    value, explanation = ctx.form.get("score").strip(), ctx.form.get("explanation").strip()
    values = {"score": value, "explanation": explanation}
    errors = {}
    if not value:
        errors["score"] = "Nhập điểm tự chấm (có thể là 0)."
    else:
        try:
            services.set_self_score(
                ctx.store, campaign, unit.code, criterion.code, value, explanation=explanation or None, by=ctx.user.name
            )
        except InputError as exc:
            errors["score"] = score_error(str(exc), criterion)
    if errors:
        return ctx.render(
            "criterion.html",
            http_status=400,
            **criterion_context(ctx, campaign, unit, criterion.code, errors=errors, values=values),
        )
    return ctx.redirect(unit_url(campaign.id, unit.code, criterion.code) + "#diem", "Đã lưu điểm tự chấm.")


def score_error(message: str, criterion) -> str:
    if "is not a number" in message:
        return "Điểm phải là một số, ví dụ 2 hoặc 2,5."
    if "above its maximum" in message:
        return f"Điểm vượt mức tối đa {vn_number(criterion.points)} của tiêu chí."
    if "is negative" in message:
        return "Điểm không được âm."
    if "submitted its self-assessment" in message:
        return "Đơn vị đã gửi bản tự đánh giá; điểm tự chấm đã bị khóa."
    if "open objection" in message:
        return "Tiêu chí đang có kiến nghị chưa xử lý; hãy xử lý kiến nghị trước."
    if "does not apply" in message or "not applicable" in message:
        return "Tiêu chí này không áp dụng cho đơn vị."
    if "is final since" in message:
        return "Kết quả đã được phê duyệt, công bố; điểm không còn thay đổi được."
    if "is a group" in message:
        return "Đây là nhóm tiêu chí; hãy chấm từng tiêu chí thành phần."
    return message


@page(*UNIT)
def submit(ctx: Ctx) -> Response:
    """Submit the self-assessment. With open problems (blank self-scores, required criteria without evidence or
    explanation, errors) the page first lists them and asks to confirm (`ack=yes`)."""
    campaign, unit = _own_unit(ctx)
    if ctx.form.get("confirm") != "yes":
        return ctx.render(
            "unit_tree.html",
            http_status=400,
            **tree_context(ctx, campaign, unit, errors={"confirm": "Hãy đánh dấu ô xác nhận trước khi gửi."}),
        )
    context = tree_context(ctx, campaign, unit)
    if context["check"]["open"] and ctx.form.get("ack") != "yes" and not context["status"].submitted:
        context["confirm_submit"] = True
        return ctx.render("unit_tree.html", http_status=409, **context)
    try:
        services.submit_self_assessment(ctx.store, campaign, unit.code, by=ctx.user.name)
    except InputError as exc:
        context["errors"] = {"confirm": f"Chưa gửi được: {exc}"}
        return ctx.render("unit_tree.html", http_status=400, **context)
    return ctx.redirect(unit_url(campaign.id, unit.code), "Đã gửi bản tự đánh giá. Điểm tự chấm đã được khóa.")


@page(*UNIT)
def objection(ctx: Ctx) -> Response:
    campaign, unit = _own_unit(ctx)
    criterion = campaign.criterion(ctx.param("criterion"), unit=unit)
    text = ctx.form.get("text").strip()
    errors = {}
    if not text:
        errors["objection"] = "Nêu nội dung kiến nghị (đề nghị Hội đồng xem xét lại điều gì, vì sao)."
    elif not publication.shown("unit", services.current_stage(ctx.store, campaign.id), appraised_any=True)[
        "objection_form"
    ]:
        errors["objection"] = publication.OBJECTIONS_CLOSED
    else:
        try:
            services.raise_objection(ctx.store, campaign, unit.code, criterion.code, text, by=ctx.user.name)
        except InputError as exc:
            msg = str(exc)
            errors["objection"] = (
                "Tiêu chí chưa có điểm thẩm định."
                if "no appraised score" in msg
                else "Đã có một kiến nghị đang chờ xử lý."
                if "already has an open" in msg
                else msg
            )
    if errors:
        return ctx.render(
            "criterion.html",
            http_status=400,
            **criterion_context(ctx, campaign, unit, criterion.code, errors=errors, values={"objection": text}),
        )
    return ctx.redirect(unit_url(campaign.id, unit.code, criterion.code) + "#diem", "Đã gửi kiến nghị.")


@page(*UNIT)
def agreement(ctx: Ctx) -> Response:
    campaign, unit = _own_unit(ctx)
    reference, agreed_on, note = (
        ctx.form.get("reference").strip(),
        ctx.form.get("agreed_on").strip(),
        ctx.form.get("note").strip(),
    )
    values = {"reference": reference, "agreed_on": agreed_on, "note": note}
    errors = {}
    if not reference:
        errors["reference"] = "Nhập số văn bản đồng ý của đơn vị (ví dụ 15/STP-VP)."
    elif len(reference) > 100:
        errors["reference"] = "Số văn bản tối đa 100 ký tự."
    if not agreed_on:
        errors["agreed_on"] = "Nhập ngày của văn bản đồng ý (ngày/tháng/năm, ví dụ 05/01/2026)."
    elif not services.valid_day(agreed_on):
        errors["agreed_on"] = "Ngày ghi như 05/01/2026 (ngày/tháng/năm)."
    if len(note) > 2000:
        errors["note"] = "Ghi chú tối đa 2000 ký tự."
    stage = services.current_stage(ctx.store, campaign.id)
    if not errors and not publication.shown("unit", stage, appraised_any=True)["agreement_form"]:
        errors["agreement"] = publication.AGREEMENT_CLOSED
    if not errors:
        try:
            services.record_agreement(
                ctx.store,
                campaign,
                unit.code,
                agreed_on=agreed_on,
                reference=reference,
                note=note or None,
                by=ctx.user.name,
            )
        except InputError as exc:
            errors["agreement"] = "Chưa ghi nhận được: " + (
                "đơn vị còn kiến nghị chưa được xử lý; khi Hội đồng trả lời xong mới ghi nhận được văn bản đồng ý."
                if "open objection" in str(exc)
                else str(exc)
            )
    if errors:
        return ctx.render(
            "unit_tree.html", http_status=400, **tree_context(ctx, campaign, unit, errors=errors, values=values)
        )
    return ctx.redirect(unit_url(campaign.id, unit.code) + "#ket-qua", "Đã ghi nhận văn bản đồng ý kết quả.")
