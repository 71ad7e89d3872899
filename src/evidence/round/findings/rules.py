"""The rules behind `evidence check`: one function per concern, each yielding `Finding`s with a Vietnamese
message that tells the unit what to do. Severities are explained in docs/findings.md."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from collections.abc import Iterator

from ...frameworks.due import DueRuleError, describe_due, due_window
from ...frameworks.model import Criterion
from ...vn.doctypes import TYPE_NAMES
from ...vn.text import fold
from .model import Finding, LinkedEvidence, RoundData

SIGNABLE_FORMATS = ("pdf", "docx", "doc")  # formats where a digital signature is expected or worth asking for


def run_rules(data: RoundData) -> list[Finding]:
    findings: list[Finding] = []
    for rule in (score_rules, link_rules, duplicate_rules, survey_rules):
        findings.extend(rule(data))
    return findings


def _vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _points(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _type_label(code: str) -> str:
    name = TYPE_NAMES.get(code)
    return f"{name} ({code})" if name else code


# ---------------------------------------------------------------- scores and missing evidence


def score_rules(data: RoundData) -> Iterator[Finding]:
    campaign = data.campaign
    linked: dict[tuple[str, str], int] = {}
    for link in data.links:
        key = (link.unit, link.criterion)
        linked[key] = linked.get(key, 0) + 1
    for unit in data.units:
        # survey criteria (scored_by: survey) are neither self-scored nor proved by the unit: see survey_rules
        for criterion in campaign.self_scored_leaves(unit):
            score = data.scores.get((unit.code, criterion.code))
            self_score = score.self_score if score else None
            explanation = score.explanation if score else None
            evidence = linked.get((unit.code, criterion.code), 0)
            if self_score is None:
                yield Finding(
                    "BLANK_SELF_SCORE",
                    "error",
                    unit.code,
                    criterion.code,
                    None,
                    f"Chưa tự chấm điểm tiêu chí {criterion.code} ({criterion.title}, tối đa "
                    f"{_points(criterion.points)} điểm). Đề nghị nhập điểm tự đánh giá (ghi 0 nếu "
                    "không đạt).",
                )
            if evidence == 0 and criterion.evidence_required and self_score != 0:
                yield _missing_evidence(unit.code, criterion, self_score, explanation)
            elif evidence == 0 and not criterion.evidence_required and (self_score or 0) > 0 and not explanation:
                yield Finding(
                    "SCORE_WITHOUT_EVIDENCE",
                    "warning",
                    unit.code,
                    criterion.code,
                    None,
                    f"Tự chấm {_points(self_score or 0)} điểm ở tiêu chí {criterion.code} nhưng không có tài "
                    "liệu kiểm chứng và không có giải trình. Đề nghị đính kèm tài liệu kiểm chứng hoặc "
                    "ghi rõ giải trình.",
                )
    yield from _score_values(data)


def _missing_evidence(unit: str, criterion: Criterion, self_score: float | None, explanation: str | None) -> Finding:
    wanted = criterion.evidence_description or "văn bản chứng minh kết quả thực hiện"
    claimed = f" dù tự chấm {_points(self_score)} điểm" if self_score else ""
    if explanation:
        return Finding(
            "MISSING_EVIDENCE",
            "warning",
            unit,
            criterion.code,
            None,
            f"Tiêu chí {criterion.code} yêu cầu tài liệu kiểm chứng ({wanted}) nhưng chưa có tài liệu "
            f"nào{claimed}; đơn vị đã có giải trình. Đề nghị bổ sung tài liệu nếu có; Hội đồng thẩm "
            "định sẽ xem xét nội dung giải trình.",
        )
    return Finding(
        "MISSING_EVIDENCE",
        "error",
        unit,
        criterion.code,
        None,
        f"Tiêu chí {criterion.code} yêu cầu tài liệu kiểm chứng ({wanted}) nhưng chưa có tài liệu nào"
        f"{claimed}. Đề nghị đính kèm tài liệu kiểm chứng hoặc giải trình lý do không có.",
    )


def _score_values(data: RoundData) -> Iterator[Finding]:
    """Recorded scores that no longer fit the framework (it changed after scoring) or the unit."""
    campaign = data.campaign
    units = {u.code: u for u in campaign.units}
    for (unit_code, code), score in data.scores.items():
        if unit_code not in units or (score.self_score is None and score.appraised_score is None):
            continue
        criterion = data.criteria_for(unit_code).get(code)
        if criterion is None or not criterion.is_leaf:
            what = "không có trong" if criterion is None else "là nhóm tiêu chí (không chấm trực tiếp) của"
            yield Finding(
                "UNKNOWN_CRITERION",
                "error",
                unit_code,
                code,
                None,
                f"Điểm được ghi cho tiêu chí {code}, nhưng mã này {what} bộ tiêu chí "
                f"{campaign.framework_id}. Đề nghị chấm lại theo đúng mã tiêu chí; điểm này không được "
                "tính.",
            )
            continue
        applicable = campaign.is_applicable(units[unit_code], code)
        for label, value in (("tự chấm", score.self_score), ("thẩm định", score.appraised_score)):
            if value is None:
                continue
            if not applicable:
                yield Finding(
                    "SCORE_ABOVE_MAX",
                    "error",
                    unit_code,
                    code,
                    None,
                    f"Tiêu chí {code} không áp dụng với đơn vị (tối đa 0 điểm) nhưng có điểm {label} "
                    f"{_points(value)}. Điểm này không được tính; đề nghị rà soát lại.",
                )
            elif value > criterion.points + 1e-9:
                yield Finding(
                    "SCORE_ABOVE_MAX",
                    "error",
                    unit_code,
                    code,
                    None,
                    f"Điểm {label} {_points(value)} của tiêu chí {code} vượt điểm tối đa "
                    f"{_points(criterion.points)}. Đề nghị chấm lại không quá điểm tối đa.",
                )


# ---------------------------------------------------------------- one link at a time


def link_rules(data: RoundData) -> Iterator[Finding]:
    campaign = data.campaign
    deadline = campaign.deadline("self_assessment")
    windows: dict[str, tuple[date | None, date | None] | None] = {}
    for link in data.links:
        criterion = data.criteria_for(link.unit).get(link.criterion)
        if criterion is None:
            yield Finding(
                "UNKNOWN_CRITERION",
                "error",
                link.unit,
                link.criterion,
                link.evidence_id,
                f"Tài liệu {link.label} được gắn với tiêu chí {link.criterion}, nhưng mã này không có "
                f"trong bộ tiêu chí {campaign.framework_id}. Đề nghị gắn lại tài liệu vào đúng tiêu chí.",
            )
            continue
        unread = link.read_status in ("pending", "reading")
        if unread:  # no text or metadata yet: the content checks come once it is read
            yield from _not_read_yet(link)
        else:
            yield from _readability(link)
            yield from _number(link)
            yield from _dates(link, criterion, data, windows)
            yield from _type(link, criterion)
        if deadline and (linked_on := link.linked_on) and linked_on > deadline:
            yield Finding(
                "LATE_SUBMISSION",
                "warning",
                link.unit,
                link.criterion,
                link.evidence_id,
                f"Tài liệu {link.label} được nộp ngày {_vn_date(linked_on)}, sau hạn tự đánh giá "
                f"({_vn_date(deadline)}). Đề nghị giải trình lý do nộp chậm; Hội đồng có thể không xem "
                "xét tài liệu nộp sau hạn.",
            )
        if unread:
            continue
        yield from _signature(link)
        if link.active_content:
            yield Finding(
                "ACTIVE_CONTENT",
                "info",
                link.unit,
                link.criterion,
                link.evidence_id,
                f"Tệp {link.label} có chứa mã chạy (JavaScript, lệnh tự chạy khi mở) hoặc tệp đính kèm bên trong. "
                "Tài liệu kiểm chứng không cần những nội dung này; đề nghị nộp lại bản PDF xuất trực tiếp từ văn "
                "bản (không kèm mã, không đính kèm tệp) và mở tệp hiện có một cách thận trọng.",
            )


def _not_read_yet(link: LinkedEvidence) -> Iterator[Finding]:
    yield Finding(
        "NOT_READ_YET",
        "info",
        link.unit,
        link.criterion,
        link.evidence_id,
        f"Tài liệu {link.label} đã được lưu nhưng đang chờ đọc (trích xuất số, ngày ban hành, loại văn bản); "
        "các kiểm tra về số, ngày, loại văn bản và chữ ký số của tài liệu này sẽ có sau khi đọc xong. "
        "Đề nghị chạy lại kiểm tra sau ít phút.",
    )


def _readability(link: LinkedEvidence) -> Iterator[Finding]:
    if link.text_source == "none" or not link.has_text:
        yield Finding(
            "UNREADABLE",
            "warning",
            link.unit,
            link.criterion,
            link.evidence_id,
            f"Không đọc được nội dung tài liệu {link.label} (không có lớp chữ và không nhận dạng được "
            "bằng OCR), nên không kiểm tra được số, ngày ban hành. Đề nghị nộp bản PDF xuất trực tiếp từ "
            "văn bản hoặc bản quét rõ nét hơn.",
        )


def _number(link: LinkedEvidence) -> Iterator[Finding]:
    number = link.number
    if (number and number.startswith("/")) or (not number and link.number_blank_warning):
        shown = f" (số ký hiệu «{number}»)" if number else ""
        yield Finding(
            "NUMBER_BLANK",
            "warning",
            link.unit,
            link.criterion,
            link.evidence_id,
            f"Tài liệu {link.label} chưa có số văn bản{shown}, có thể là bản dự thảo. Đề nghị nộp bản "
            "chính thức đã ban hành (có số, ngày tháng và chữ ký).",
        )


def _window(criterion: Criterion, data: RoundData, cache: dict):
    if not criterion.due_rule:
        return None
    if criterion.code not in cache:
        campaign = data.campaign
        try:
            cache[criterion.code] = due_window(
                criterion.due_rule,
                year=campaign.year,
                period_start=campaign.period_start,
                period_end=campaign.period_end,
            )
        except DueRuleError:  # validated on import; an unreadable rule is treated as none
            cache[criterion.code] = None
    return cache[criterion.code]


ESTIMATED_NOTE = (
    " Lưu ý: ngày ban hành này là ngày ước tính theo thời điểm ký số (không đọc được ngày ghi trên văn bản);"
    " đề nghị kiểm tra lại ngày trên văn bản."
)


def _estimated(link: LinkedEvidence) -> str:
    """The suffix of a date finding built on a date the reader estimated from the signing time."""
    return ESTIMATED_NOTE if link.issued_on_estimated else ""


def _dates(link: LinkedEvidence, criterion: Criterion, data: RoundData, windows: dict) -> Iterator[Finding]:
    campaign = data.campaign
    issued = link.issued_on
    if issued is None:
        yield Finding(
            "UNDATED",
            "warning",
            link.unit,
            link.criterion,
            link.evidence_id,
            f"Không xác định được ngày ban hành của tài liệu {link.label}. Đề nghị kiểm tra văn bản có "
            "ghi ngày tháng năm ban hành, hoặc nộp bản đã ký số/đóng dấu có ghi ngày.",
        )
        return
    window = _window(criterion, data, windows)
    if window is None:
        if not campaign.period_start <= issued <= campaign.period_end:
            yield Finding(
                "OUT_OF_PERIOD",
                "error",
                link.unit,
                link.criterion,
                link.evidence_id,
                f"Tài liệu {link.label} ban hành ngày {_vn_date(issued)}, ngoài kỳ đánh giá (từ "
                f"{_vn_date(campaign.period_start)} đến {_vn_date(campaign.period_end)}). Đề nghị thay "
                "bằng tài liệu ban hành trong kỳ đánh giá." + _estimated(link),
            )
        return
    earliest, latest = window
    rule = describe_due(criterion.due_rule or "")
    if latest is not None and issued > latest:
        yield Finding(
            "LATE_ISSUE",
            "warning",
            link.unit,
            link.criterion,
            link.evidence_id,
            f"Tài liệu {link.label} ban hành ngày {_vn_date(issued)}, chậm so với yêu cầu của tiêu chí "
            f"{criterion.code} ({rule}; hạn cuối {_vn_date(latest)}). Đề nghị giải trình lý do ban hành "
            "chậm; tiêu chí có thể bị trừ điểm." + _estimated(link),
        )
    elif earliest is not None and issued < earliest:
        yield Finding(
            "OUT_OF_PERIOD",
            "error",
            link.unit,
            link.criterion,
            link.evidence_id,
            f"Tài liệu {link.label} ban hành ngày {_vn_date(issued)}, trước thời gian tiêu chí "
            f"{criterion.code} chấp nhận ({rule}; từ ngày {_vn_date(earliest)}). Đề nghị thay bằng tài "
            "liệu ban hành trong thời gian quy định." + _estimated(link),
        )


def _type(link: LinkedEvidence, criterion: Criterion) -> Iterator[Finding]:
    type_code = link.type_code
    expected = list(criterion.expected_types or [])
    if type_code and expected and type_code not in expected:
        wanted = " hoặc ".join(_type_label(c) for c in expected)
        yield Finding(
            "TYPE_MISMATCH",
            "warning",
            link.unit,
            link.criterion,
            link.evidence_id,
            f"Tiêu chí {criterion.code} cần {wanted}, nhưng tài liệu {link.label} là "
            f"{_type_label(type_code)}. Đề nghị đính kèm đúng loại văn bản, hoặc giải trình vì sao văn "
            "bản này chứng minh được tiêu chí.",
        )


def _signature(link: LinkedEvidence) -> Iterator[Finding]:
    if link.format not in SIGNABLE_FORMATS or link.signed:
        return
    if link.format == "pdf":
        text = (
            f"Tài liệu {link.label} (PDF) không có chữ ký số. Nếu văn bản được ban hành trên hệ thống quản lý "
            "văn bản điện tử, đề nghị nộp bản PDF đã ký số."
        )
    else:
        text = (
            f"Tài liệu {link.label} là tệp Word, không mang được chữ ký số và thường là bản dự thảo. Đề nghị "
            "nộp bản PDF đã ký số (hoặc bản quét có chữ ký, đóng dấu) của văn bản đã ban hành."
        )
    yield Finding("NOT_SIGNED", "info", link.unit, link.criterion, link.evidence_id, text)


# ---------------------------------------------------------------- duplicates inside a unit


def _duplicate_key(link: LinkedEvidence) -> tuple | None:
    """The same document: same number, same issuer, same year (numbers restart every year and per issuer)."""
    number, issued = link.number, link.issued_on
    if not number or number.startswith("/") or issued is None:
        return None
    return (number, _issuer_key(link.issuer or ""), issued.year)


@lru_cache(maxsize=4096)
def _issuer_key(issuer: str) -> str:
    return fold(str(issuer)).casefold().strip()


def duplicate_rules(data: RoundData) -> Iterator[Finding]:
    by_unit: dict[str, list[LinkedEvidence]] = {}
    for link in data.links:
        if link.criterion in data.criteria_for(link.unit):
            by_unit.setdefault(link.unit, []).append(link)
    for unit, links in by_unit.items():
        positions = {code: i for i, code in enumerate(data.criteria_for(unit))}
        links.sort(key=lambda l: (positions[l.criterion], l.evidence_id))
        yield from _same_document(unit, links)
        yield from _unrelated_criteria(unit, links, data)


def _same_document(unit: str, links: list[LinkedEvidence]) -> Iterator[Finding]:
    first: dict[tuple, LinkedEvidence] = {}
    for link in links:
        key = _duplicate_key(link)
        if key is None:
            continue
        original = first.setdefault(key, link)
        if original.evidence_id != link.evidence_id:
            where = (
                f"ở tiêu chí {original.criterion}" if original.criterion != link.criterion else "ở cùng tiêu chí này"
            )
            yield Finding(
                "DUPLICATE",
                "warning",
                unit,
                link.criterion,
                link.evidence_id,
                f"Tài liệu {link.label} trùng văn bản với tài liệu #{original.evidence_id} "
                f"(«{original.filename}») đã nộp {where} (cùng số {key[0]}, cùng cơ quan ban hành, năm "
                f"{key[2]}). Đề nghị chỉ giữ một bản của mỗi văn bản.",
            )


def _unrelated_criteria(unit: str, links: list[LinkedEvidence], data: RoundData) -> Iterator[Finding]:
    """One file used as proof in different fields: usually a mistake (a plan proving a procedure criterion)."""
    field_of = data.field_of(unit)
    fields: dict[int, tuple[str, str]] = {}  # evidence id -> (field code, first criterion)
    for link in links:
        field = field_of[link.criterion]
        seen = fields.setdefault(link.evidence_id, (field, link.criterion))
        if seen[0] != field:
            yield Finding(
                "DUPLICATE",
                "warning",
                unit,
                link.criterion,
                link.evidence_id,
                f"Cùng một tệp {link.label} được dùng cho tiêu chí {link.criterion} và tiêu chí {seen[1]} "
                f"thuộc lĩnh vực khác. Đề nghị kiểm tra lại: mỗi tiêu chí cần tài liệu kiểm chứng đúng nội "
                "dung của tiêu chí đó.",
            )


# ---------------------------------------------------------------- survey points (for the secretariat)


def survey_rules(data: RoundData) -> Iterator[Finding]:
    """One finding for the secretariat (unit None) listing the survey points not entered yet, per criterion."""
    if len(data.units) != len(data.campaign.units):
        return  # a check of one unit: survey points are the secretariat's business, not the unit's
    campaign = data.campaign
    missing: dict[tuple[str, str], list[str]] = {}  # (framework, criterion) → unit codes
    titles: dict[tuple[str, str], str] = {}
    for unit in data.units:
        framework_id = campaign.framework_for(unit).id
        for criterion in campaign.applicable_leaves(unit):
            if not criterion.is_survey:
                continue
            score = data.scores.get((unit.code, criterion.code))
            if score is None or score.appraised_score is None:
                key = (framework_id, criterion.code)
                missing.setdefault(key, []).append(unit.code)
                titles.setdefault(key, criterion.title)
    if not missing:
        return
    total = sum(len(units) for units in missing.values())
    parts = [
        f"tiêu chí {key[1]} ({titles[key]}): {len(units)} đơn vị"
        + (f" ({', '.join(units[:8])}{', …' if len(units) > 8 else ''})" if units else "")
        for key, units in missing.items()
    ]
    yield Finding(
        "SURVEY_MISSING",
        "warning",
        None,
        None,
        None,
        f"Còn {total} điểm điều tra xã hội học chưa được nhập: " + "; ".join(parts) + ". Đề nghị Cơ quan "
        "thường trực nhập kết quả điều tra (`evidence survey import`); trước khi nhập đủ, kết quả chỉ là tạm thời.",
    )
