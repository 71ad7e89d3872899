"""Findings by weight, for the pages: errors and warnings are shown one by one (badges, lists); information-level
findings are never a fault by themselves, so they are grouped into one line per unit ("14 tệp chưa ký số")."""

from __future__ import annotations

from .filters import FINDING_LABELS

SERIOUS = ("error", "warning")
# one line per code for information-level findings: {n} is the number of distinct files (or criteria)
INFO_LINES = {"NOT_SIGNED": "{n} tệp chưa ký số"}


def serious(found: list[dict]) -> list[dict]:
    """Errors first, then warnings; information-level findings left out."""
    order = {"error": 0, "warning": 1}
    return sorted((f for f in found if f.get("severity") in SERIOUS), key=lambda f: order[f["severity"]])


def info_lines(found: list[dict]) -> list[dict]:
    """[{"code", "count", "text"}] for the information-level findings, one per code; a file linked to two criteria
    counts once."""
    by_code: dict[str, set] = {}
    for f in found:
        if f.get("severity") == "info":
            by_code.setdefault(f["code"], set()).add(f.get("evidence_id") or (f.get("criterion"), f.get("message")))
    out = []
    for code, items in sorted(by_code.items()):
        template = INFO_LINES.get(code, "{n} tệp: " + FINDING_LABELS.get(code, "lưu ý khác").lower())
        out.append({"code": code, "count": len(items), "text": template.format(n=len(items))})
    return out


def counts(found: list[dict]) -> dict[str, int]:
    return {s: sum(1 for f in found if f.get("severity") == s) for s in ("error", "warning", "info")}


def by_unit(found: list[dict]) -> dict[str, dict]:
    """{unit: {"error": n, "warning": n, "info": [info lines]}} for the dashboard."""
    grouped: dict[str, list[dict]] = {}
    for f in found:
        grouped.setdefault(f.get("unit") or "", []).append(f)
    return {unit: {**counts(items), "info_lines": info_lines(items)} for unit, items in grouped.items()}
