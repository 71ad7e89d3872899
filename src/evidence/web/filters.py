"""Formatting for the pages: Vietnamese numbers and dates, labels for codes, safe search snippets."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from markupsafe import Markup, escape

from . import services
from .accounts import ROLE_LABELS

LOCAL_TZ = timezone(timedelta(hours=7))  # Vietnam (no daylight saving); the store keeps UTC

SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Lưu ý"}
FINDING_LABELS = services.FINDING_LABELS
FORMAT_LABELS = {"pdf": "PDF", "docx": "Word (DOCX)", "doc": "Word (DOC)", "image": "Ảnh", "text": "Văn bản"}
OBJECTION_LABELS = {"open": "Đang chờ xem xét", "accepted": "Đã chấp nhận", "rejected": "Không chấp nhận"}
DEADLINE_LABELS = {
    "self_assessment": "Tự đánh giá",
    "appraisal": "Thẩm định",
    "objections": "Kiến nghị",
    "announcement": "Công bố kết quả",
    "agreement": "Đồng ý kết quả",
}
EVENT_LABELS = {
    "self": "Tự chấm",
    "appraised": "Thẩm định",
    "objection": "Kiến nghị",
    "objection_resolved": "Xử lý kiến nghị",
    "agreement": "Đồng ý kết quả",
    "submission": "Gửi tự đánh giá",
    "reopen": "Mở lại tự đánh giá",
}
WARNING_LABELS = services.WARNING_LABELS


def vn_number(value) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def vn_date(value) -> str:
    if not value:
        return "—"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LOCAL_TZ)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    try:
        if "T" in text:
            return vn_date(datetime.fromisoformat(text))
        return date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return text


def vn_time(value) -> str:
    """Unix seconds (a session's times) as local date and time."""
    if value is None or value == "":
        return "—"
    return datetime.fromtimestamp(float(value), LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def days_left(value) -> int | None:
    if not value:
        return None
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return (day - date.today()).days


def days_text(value) -> str:
    n = days_left(value)
    if n is None:
        return "chưa đặt hạn"
    if n > 0:
        return f"còn {n} ngày"
    if n == 0:
        return "hạn chót hôm nay"
    return f"quá hạn {-n} ngày"


def size_text(value) -> str:
    if not value:
        return "—"
    value = float(value)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}".replace(".", ",")
        value /= 1024
    return str(value)


_MARK = re.compile(r"<(/?)(?:b|strong|em|mark)(?:\s+class=\"[^\"]*\")?>", re.IGNORECASE)


def snippet(value) -> Markup:
    """A search snippet: everything escaped, then the engine's highlight tags turned into <mark>."""
    if not value:
        return Markup("")
    parts, last = [], 0
    for m in _MARK.finditer(str(value)):
        parts.append(str(escape(value[last : m.start()])))
        parts.append("</mark>" if m.group(1) else "<mark>")
        last = m.end()
    parts.append(str(escape(str(value)[last:])))
    html = "".join(parts)
    # balance: never let an unclosed <mark> leak into the page
    opened = html.count("<mark>") - html.count("</mark>")
    return Markup(html + "</mark>" * max(0, opened))


def install(env) -> None:
    env.filters.update(
        {
            "vn_number": vn_number,
            "vn_date": vn_date,
            "vn_time": vn_time,
            "days_text": days_text,
            "days_left": days_left,
            "size_text": size_text,
            "snippet": snippet,
        }
    )
    env.globals.update(
        {
            "ROLE_LABELS": ROLE_LABELS,
            "SEVERITY_LABELS": SEVERITY_LABELS,
            "FINDING_LABELS": FINDING_LABELS,
            "FORMAT_LABELS": FORMAT_LABELS,
            "OBJECTION_LABELS": OBJECTION_LABELS,
            "EVENT_LABELS": EVENT_LABELS,
            "DEADLINE_LABELS": DEADLINE_LABELS,
            "WARNING_LABELS": WARNING_LABELS,
        }
    )
