"""Plain-text tables of findings and results, shared by the command line and the demo (no terminal code here)."""

from __future__ import annotations

from typing import Any

SEVERITY_WORDS = {"error": "lỗi", "warning": "cảnh báo", "info": "lưu ý"}


def points(value) -> str:
    return "" if value is None else f"{value:g}"


def format_table(rows: list[list[Any]], headers: list[str]) -> str:
    """A plain text table, columns sized to their content."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    lines = ["  ".join(h.ljust(widths[i]) for i, h in enumerate(headers)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(widths[i]) for i, v in enumerate(row)).rstrip() for row in cells]
    return "\n".join(lines)


def findings_text(findings, campaign=None) -> str:
    """Findings as one table per unit, with a count per severity; accepts Finding objects or their JSON."""
    rows = [f if isinstance(f, dict) else f.to_json() for f in findings]
    if not rows:
        return "Không có phát hiện nào."
    out: list[str] = []
    names = {u.code: u.name for u in campaign.units} if campaign else {}
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["unit"] or "", []).append(row)
    for unit, items in groups.items():
        counts = ", ".join(
            f"{n} {SEVERITY_WORDS[s]}"
            for s in ("error", "warning", "info")
            if (n := sum(1 for f in items if f["severity"] == s))
        )
        title = f"{unit} — {names[unit]}" if unit in names else (unit or "(chung)")
        out.append(f"\n{title}: {counts}")
        out.append(
            format_table(
                [
                    [
                        f["criterion"] or "",
                        f["severity"],
                        f["code"],
                        f"#{f['evidence_id']}" if f["evidence_id"] else "",
                        f["message"],
                    ]
                    for f in items
                ],
                ["criterion", "severity", "code", "evidence", "message"],
            )
        )
    totals = {s: sum(1 for f in rows if f["severity"] == s) for s in ("error", "warning", "info")}
    out.append(
        f"\n{len(rows)} finding(s): {totals['error']} error(s), {totals['warning']} warning(s), {totals['info']} info"
    )
    return "\n".join(out)


def _ranking_rows(units: list[dict]) -> list[list]:
    return [
        [
            u["rank"],
            u["code"],
            u["name"],
            points(u["self_total"]),
            points(u["appraised_total"]),
            points(u["score"]),
            points(u["max_points"]),
            f"{u['percent']:.2f}",
            u["band"] or "",
            {"appraised": "", "mixed": "một phần", "self": "tự chấm"}[u["basis"]]
            + (" thiếu ĐTXHH" if u.get("survey_missing") else ""),
            (u["agreed_on"] or "") + ("" if u["agreement_current"] or not u["agreed_on"] else " (cũ)"),
        ]
        for u in units
    ]


RANKING_HEADERS = [
    "hạng",
    "mã",
    "đơn vị",
    "tự chấm",
    "thẩm định",
    "điểm",
    "tối đa",
    "%",
    "xếp loại",
    "chưa thẩm định",
    "đồng ý",
]


def _statistics_lines(stats: dict) -> list[str]:
    if not stats["units"]:
        return []
    return [
        f"Trung bình {stats['mean']:.2f}%, cao nhất {stats['highest']:.2f}%, thấp nhất "
        f"{stats['lowest']:.2f}%, chênh lệch {stats['gap']:.2f} điểm %.",
        "Xếp loại: " + "; ".join(f"{b['band']} {b['units']}" for b in stats["per_band"]),
    ]


def ranking_text(results) -> str:
    """The ranking tables of `evidence results`, one per ranking group (a Results object or its JSON)."""
    data = results if isinstance(results, dict) else results.to_json()
    out: list[str] = []
    out.append(f"{data['name']} ({data['campaign']})")
    if data.get("provisional"):
        out.append("KẾT QUẢ TẠM THỜI (chưa thể phê duyệt):")
        out.extend(f"  - {reason}" for reason in data.get("provisional_reasons", []))
    by_code = {u["code"]: u for u in data["units"]}
    groups = data.get("groups") or [
        {"code": "", "name": "", "units": [u["code"] for u in data["units"]], "statistics": data["statistics"]}
    ]
    for group in groups:
        if group["name"]:
            out.append(f"\n{group['name']} ({len(group['units'])} đơn vị)")
        out.append(format_table(_ranking_rows([by_code[c] for c in group["units"]]), RANKING_HEADERS))
        if len(groups) > 1:
            out.extend(_statistics_lines(group["statistics"]))
    stats = data["statistics"]
    if stats["units"]:
        out.append("\nToàn bộ:" if len(groups) > 1 else "")
        out.extend(_statistics_lines(stats))
    deducted = [("", data["most_deducted"])]
    if len(groups) > 1:
        deducted = [(f" — {g['name']}", g.get("most_deducted", [])) for g in groups]
    for label, items in deducted:
        if not items:
            continue
        out.append(f"\nTiêu chí bị trừ điểm nhiều nhất{label}:")
        out.append(
            format_table(
                [[d["code"], d["title"][:60], d["units"], points(d["average_deduction"])] for d in items[:10]],
                ["tiêu chí", "nội dung", "số đơn vị", "trừ trung bình"],
            )
        )
    return "\n".join(out)
