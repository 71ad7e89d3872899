"""The dossier's index.html: one self-contained Vietnamese page (inline CSS, no script, relative links only) that
opens offline from the unzipped folder and links every criterion to its files and its findings."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from ..round.findings import CODE_LABELS, Finding
from .context_results import vn_number
from .evidence_list import CriterionEntry

SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Lưu ý"}

CSS = """
body{font-family:"Times New Roman",Times,serif;font-size:16px;line-height:1.45;margin:0 auto;max-width:60em;
padding:1.5em;color:#111;background:#fff}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:1px solid #999}
h3{font-size:1.05em;margin:1.2em 0 .3em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #999;padding:.25em .4em;
vertical-align:top;text-align:left}th{background:#eef3f8}td.n{text-align:center;white-space:nowrap}
tr.g td{font-weight:bold;background:#f6f6f6}a{color:#0645ad}.muted{color:#555}
.error{color:#a00000}.warning{color:#8a5300}.info{color:#555}ul{margin:.2em 0 .6em;padding-left:1.4em}
nav ul{columns:2;list-style:none;padding-left:0}section{break-inside:avoid}
@media print{a{color:#000;text-decoration:none}nav{display:none}}
"""


@dataclass
class IndexFile:
    """A file of the dossier as the index lists it."""

    path: str  # inside the zip, '/'-separated
    label: str


def href(path: str) -> str:
    """A relative URL for a path inside the zip (each part percent-encoded, '/' kept)."""
    return "/".join(quote(part) for part in path.split("/"))


def anchor(code: str) -> str:
    return "k-" + quote(code, safe="")


def _link(path: str, text: str) -> str:
    return f'<a href="{escape(href(path))}">{escape(text)}</a>'


def _points(value: float | None) -> str:
    return vn_number(value) if value is not None else "-"


def _finding(f: Finding, documents: dict[int, str]) -> str:
    label = CODE_LABELS.get(f.code, f.code)
    where = ""
    if f.evidence_id is not None and f.evidence_id in documents:
        where = f" — {_link(documents[f.evidence_id], 'tệp')}"
    return (
        f'<li class="{escape(f.severity)}"><b>{escape(SEVERITY_LABELS.get(f.severity, f.severity))}</b> '
        f"({escape(f.code)}, {escape(label)}): {escape(f.message)}{where}</li>"
    )


def index_html(
    *,
    title: str,
    unit_name: str,
    campaign_name: str,
    period: str,
    created: str,
    summary: list[str],
    documents: list[IndexFile],
    entries: list[CriterionEntry],
    files_by_link: dict[int, str],
    findings: list[Finding],
    notes: list[str],
) -> str:
    """The page. `files_by_link`: link id → the original's path in the zip."""
    by_criterion: dict[str, list[Finding]] = {}
    for f in findings:
        by_criterion.setdefault(f.criterion or "", []).append(f)
    evidence_paths = {
        d.evidence_id: files_by_link[d.link_id] for e in entries for d in e.documents if d.link_id in files_by_link
    }
    out = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p>{escape(campaign_name)}<br><span class="muted">Thời kỳ đánh giá: {escape(period)}. '
        f"Hồ sơ lập lúc {escape(created)}.</span></p>",
        "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in summary) + "</ul>",
        "<h2>Văn bản của hồ sơ</h2><ul>",
        *(f"<li>{_link(d.path, d.label)}</li>" for d in documents),
        "</ul>",
    ]
    if notes:
        out.append("<ul>" + "".join(f'<li class="muted">{escape(n)}</li>' for n in notes) + "</ul>")
    out.append("<h2>Bảng điểm tự đánh giá</h2><table><thead><tr><th>Tiêu chí</th><th>Nội dung</th>")
    out.append("<th>Điểm tối đa</th><th>Tự đánh giá</th><th>Thẩm định</th><th>Tài liệu</th><th>Phát hiện</th>")
    out.append("</tr></thead><tbody>")
    for e in entries:
        if not e.applicable:
            continue
        found = by_criterion.get(e.code, [])
        row_class = ' class="g"' if not e.is_leaf else ""
        self_text = "Điều tra XHH" if e.is_leaf and e.survey else _points(e.self_score)
        out.append(
            f'<tr{row_class}><td class="n"><a href="#{anchor(e.code)}">{escape(e.code)}</a></td>'
            f"<td>{escape(e.title)}</td><td class=n>{_points(e.max_points)}</td><td class=n>{self_text}</td>"
            f"<td class=n>{_points(e.appraised_score)}</td><td class=n>{len(e.documents) if e.is_leaf else ''}</td>"
            f"<td class=n>{len(found) or ''}</td></tr>"
        )
    out.append("</tbody></table>")
    out.append("<h2>Tài liệu kiểm chứng và phát hiện theo tiêu chí</h2>")
    general = by_criterion.get("", [])
    if general:
        out.append("<h3>Chung cho cả đơn vị</h3><ul>")
        out.extend(_finding(f, evidence_paths) for f in general)
        out.append("</ul>")
    for e in entries:
        if not e.is_leaf:
            out.append(f'<h3 id="{anchor(e.code)}">{escape(e.code)}. {escape(e.title)}</h3>')
            continue
        out.append(f'<section id="{anchor(e.code)}"><h3>{escape(e.code)}. {escape(e.title)}</h3>')
        if not e.applicable:
            out.append('<p class="muted">Không áp dụng đối với đơn vị.</p></section>')
            continue
        facts = [f"Điểm tối đa {_points(e.max_points)}"]
        if e.survey:
            facts.append("đánh giá qua điều tra xã hội học (đơn vị không tự chấm, không cung cấp tài liệu)")
        else:
            facts.append(f"tự đánh giá {_points(e.self_score)}")
        if e.appraised_score is not None:
            facts.append(f"thẩm định {_points(e.appraised_score)}")
        out.append(f"<p>{escape('; '.join(facts))}.</p>")
        if e.explanation:
            out.append(f"<p><b>Giải trình của đơn vị:</b> {escape(e.explanation)}</p>")
        if e.comment:
            out.append(f"<p><b>Nhận xét thẩm định:</b> {escape(e.comment)}</p>")
        if e.documents:
            out.append("<p><b>Tài liệu kiểm chứng:</b></p><ol>")
            for d in e.documents:
                path = files_by_link.get(d.link_id)
                text = escape(d.cited)
                out.append(f"<li>{_link(path, d.cited) if path else text}</li>")
            out.append("</ol>")
        elif not e.survey:
            out.append('<p class="muted">Không có tài liệu kiểm chứng.</p>')
        found = by_criterion.get(e.code, [])
        if found:
            out.append("<p><b>Phát hiện khi kiểm tra:</b></p><ul>")
            out.extend(_finding(f, evidence_paths) for f in found)
            out.append("</ul>")
        out.append("</section>")
    out.append('<p class="muted">Tệp manifest.json ghi mã SHA-256 của từng tệp trong hồ sơ.</p>')
    out.append("</body></html>")
    return "\n".join(out)
