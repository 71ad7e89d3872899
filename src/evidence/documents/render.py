"""Rendering a .docx template in a sandbox, then finishing the layout the template cannot express.

A template is user input: it is rendered by a Jinja sandbox that allows attribute access and method calls only on
plain data (str, numbers, dates, dicts, lists), so `{{ chart.tpl.save(...) }}` or `{{ ''.__class__ }}` fail with a
one-line error naming the template. A variable the context lacks is an error too (StrictUndefined), never a blank.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from ..errors import InputError
from . import docxkit as kit
from .layout import ELEMENTS, FULL_RULE_RANGE, HEADER_COLUMNS_MM, SHORT_RULE_RATIO, STYLE, TEXT_WIDTH_MM
from .lint import required_parts
from .metrics import longest_line_mm
from .tags import tag_problems

STT_MIN_TWIPS = int(12 * 56.6929)  # 12 mm: "STT" in 10 pt bold with the cell margins
_PLAIN = (str, int, float, bool, date, datetime, dict, list, tuple, Markup, type(None))


@dataclass(frozen=True)
class Image:
    """A picture for the context (e.g. the report's chart): PNG bytes and the width to print it at."""

    png: bytes
    width_mm: float


class DocumentSandbox(SandboxedEnvironment):
    """Attributes and calls only on plain data; everything else (images, Python objects) is opaque."""

    def is_safe_attribute(self, obj, attr, value) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        return isinstance(obj, _PLAIN) or isinstance(obj, LoopContext)

    def is_safe_callable(self, obj) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if isinstance(obj, Macro):
            return True
        owner = getattr(obj, "__self__", None)
        if owner is not None:
            return isinstance(owner, _PLAIN) or isinstance(owner, LoopContext)
        return obj in self.globals.values() or obj in self.filters.values()


def make_environment() -> DocumentSandbox:
    env = DocumentSandbox(undefined=StrictUndefined, autoescape=True)
    return env


def undeclared_variables(template_path: Path) -> set[str]:
    """Top-level names the template uses (docxtpl's own parse of the document, headers and footers)."""
    try:
        return set(DocxTemplate(str(template_path)).get_undeclared_template_variables(make_environment()))
    except TemplateSyntaxError as exc:
        raise InputError(f"template syntax error near line {exc.lineno}: {exc.message}", path=template_path) from None
    except Exception as exc:  # not a .docx at all
        raise InputError(f"cannot read the template ({type(exc).__name__}: {exc})", path=template_path) from None


def render_docx(template_path: Path, context: dict, out_path: Path, *, kind: str | None = None) -> Path:
    """Render `template_path` with `context` into `out_path` (atomic: written beside and renamed).

    Refused, with nothing written: a template whose tags are not closed, and a rendered document that lost its
    section properties, its signature block or Nơi nhận (what a broken tag swallows)."""
    template_path = Path(template_path)
    if not template_path.is_file():
        raise InputError("template not found", path=template_path)
    broken = tag_problems(template_path)
    if broken:
        more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
        raise InputError(f"broken template tag: {broken[0]}{more}", path=template_path)
    missing = sorted(undeclared_variables(template_path) - set(context))
    if missing:
        raise InputError(f"the template uses {_names(missing)} which the context does not provide", path=template_path)
    tpl = DocxTemplate(str(template_path))
    rendered = {key: _images(tpl, value) for key, value in context.items()}
    try:
        tpl.render(rendered, jinja_env=make_environment(), autoescape=True)
    except SecurityError as exc:
        raise InputError(f"unsafe template: {exc}", path=template_path) from None
    except UndefinedError as exc:
        raise InputError(
            f"the template uses a variable the context does not provide: {_undefined(exc)}", path=template_path
        ) from None
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(f"template error{f' near line {line}' if line else ''}: {exc}", path=template_path) from None
    finish_layout(tpl.docx)
    lost = required_parts(tpl.docx, kind)
    if lost:
        raise InputError(f"the rendered document lost {', '.join(lost)}; check the template's tags", path=template_path)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.tmp")
    tpl.save(str(tmp))
    tmp.replace(out_path)
    return out_path


def _names(names: list[str]) -> str:
    quoted = ", ".join(f"'{n}'" for n in names)
    return f"variable{'s' if len(names) > 1 else ''} {quoted}"


def _undefined(exc: UndefinedError) -> str:
    message = str(exc)
    match = re.match(r"'([^']+)' has no attribute '([^']+)'", message)
    if match:
        return f"'{match.group(2)}' (missing attribute of {match.group(1)})"
    match = re.match(r"'([^']+)' is undefined", message)
    return f"'{match.group(1)}'" if match else message


def _images(tpl: DocxTemplate, value):
    if isinstance(value, Image):
        return InlineImage(tpl, io.BytesIO(value.png), width=Mm(value.width_mm))
    if isinstance(value, dict):
        return {k: _images(tpl, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_images(tpl, v) for v in value]
    return value


# ---------------------------------------------------------------------------------------- after rendering


def finish_layout(document) -> None:
    """What a static template cannot do: rule lengths that follow the text above them, table grids after
    dynamic columns, and empty paragraphs left by removed tags."""
    _size_rules(document)
    _fit_table_grids(document)
    _keep_signature_with_text(document)


def _keep_signature_with_text(document) -> None:
    """The last paragraphs before the signature block keep with it, so the signature never stands alone on a
    page (Word and LibreOffice honour keep-with-next from a paragraph to the table after it)."""
    body = document.element.body
    for table in body.iterchildren(qn("w:tbl")):
        first_cell = table.find(f"{qn('w:tr')}/{qn('w:tc')}")
        text = "".join(t.text or "" for t in first_cell.iter(qn("w:t"))) if first_cell is not None else ""
        if not text.strip().startswith(("Nơi nhận", "THƯ KÝ")):
            continue
        node, kept = table.getprevious(), 0
        while node is not None and kept < 2:
            if node.tag == qn("w:p"):
                has_text = any((t.text or "").strip() for t in node.iter(qn("w:t")))
                ppr = node.find(qn("w:pPr"))
                if ppr is None:
                    ppr = node.makeelement(qn("w:pPr"), {})
                    node.insert(0, ppr)
                if ppr.find(qn("w:keepNext")) is None:
                    keep = ppr.makeelement(qn("w:keepNext"), {})
                    style = ppr.find(qn("w:pStyle"))
                    if style is not None:
                        style.addnext(keep)
                    else:
                        ppr.insert(0, keep)
                kept += 1 if has_text else 0
            node = node.getprevious()


def _paragraph_size(paragraph, element: str) -> float:
    for run in paragraph.runs:
        if run.font.size:
            return run.font.size.pt
    style = paragraph.style
    while style is not None:
        if style.font.size:
            return style.font.size.pt
        style = style.base_style
    return ELEMENTS[element].size


def _previous_text_paragraph(paragraph):
    node = paragraph._p.getprevious()
    while node is not None:
        if node.tag == qn("w:p"):
            text = "".join(t.text or "" for t in node.iter(qn("w:t"))).strip()
            if text:
                return node, text
        node = node.getprevious()
    return None, ""


def _size_rules(document) -> None:
    from docx.text.paragraph import Paragraph

    plan = {
        STYLE["issuer_rule"]: ("issuer", SHORT_RULE_RATIO, HEADER_COLUMNS_MM[0]),
        STYLE["motto_rule"]: ("motto", sum(FULL_RULE_RANGE) / 2, HEADER_COLUMNS_MM[1]),
        STYLE["subject_rule"]: ("subject", SHORT_RULE_RATIO, TEXT_WIDTH_MM),
    }
    ids = {document.styles[name].style_id: name for name in plan if name in document.styles}
    for node in list(document.element.body.iter(qn("w:pStyle"))):  # by style id: no per-paragraph style lookup
        style_name = ids.get(node.get(qn("w:val")))
        if style_name is None:
            continue
        paragraph = Paragraph(node.getparent().getparent(), document._body)
        element, ratio, default_width = plan[style_name]
        node, text = _previous_text_paragraph(paragraph)
        if node is None:
            continue
        above = Paragraph(node, paragraph._parent)
        width = container_width_mm(paragraph) or default_width
        size = _paragraph_size(above, element)
        bold = ELEMENTS[element].bold or False
        line = longest_line_mm(text, size, width, bold=bold)
        rule = min(line * ratio, width)
        side = (width - rule) / 2
        kit.set_horizontal_indents_mm(paragraph, side, side)


def _all_paragraphs(document):
    body = document.element.body
    from docx.text.paragraph import Paragraph

    for node in body.iter(qn("w:p")):
        yield Paragraph(node, document._body)


def container_width_mm(paragraph) -> float | None:
    """Text width available to a paragraph: its table cell's width less cell margins, or the page's."""
    cell = next((a for a in paragraph._p.iterancestors() if a.tag == qn("w:tc")), None)
    if cell is None:
        return TEXT_WIDTH_MM
    tc_w = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    if tc_w is None or tc_w.get(qn("w:type")) not in (None, "dxa"):
        return None
    width = int(tc_w.get(qn("w:w"))) / 56.6929  # twips per mm
    table = next(a for a in cell.iterancestors() if a.tag == qn("w:tbl"))
    margins = table.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    side = 0.0
    for edge in ("left", "right"):
        node = margins.find(qn(f"w:{edge}")) if margins is not None else None
        side += (int(node.get(qn("w:w"))) if node is not None else 108) / 56.6929
    return width - side


def _fit_table_grids(document) -> None:
    """Dynamic columns leave grids that do not match the cells: rebuild the grid from the widest row's cell
    widths, scaled to the table width, so Word and LibreOffice draw the same table."""
    for table in document.element.body.iter(qn("w:tbl")):
        grid = table.find(qn("w:tblGrid"))
        rows = table.findall(qn("w:tr"))
        if grid is None or not rows:
            continue
        widest = max(rows, key=lambda r: len(r.findall(qn("w:tc"))))
        cells = widest.findall(qn("w:tc"))
        columns = grid.findall(qn("w:gridCol"))
        if any(_has_grid_span(c) for c in cells):
            continue
        widths = [_cell_twips(c) for c in cells]
        if not all(widths):
            continue
        tbl_w = table.find(f"{qn('w:tblPr')}/{qn('w:tblW')}")
        target = int(tbl_w.get(qn("w:w"))) if tbl_w is not None and tbl_w.get(qn("w:type")) == "dxa" else sum(widths)
        if len(columns) == len(cells) and abs(sum(widths) - target) < 20:
            continue
        # an STT column keeps room for "STT" on one line (≈ 12 mm); the other columns share the rest
        head = "".join(t.text or "" for t in cells[0].iter(qn("w:t"))).strip()
        first = max(widths[0], STT_MIN_TWIPS) if head == "STT" and len(widths) > 2 else 0
        rest = widths[1:] if first else widths
        scale = (target - first) / sum(rest)
        widths = ([first] if first else []) + [int(w * scale) for w in rest]
        for column in columns:
            grid.remove(column)
        for width in widths:
            column = grid.makeelement(qn("w:gridCol"), {qn("w:w"): str(width)})
            grid.append(column)
        for row in rows:
            for cell, width in zip(row.findall(qn("w:tc")), widths):
                tc_w = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
                if tc_w is not None:
                    tc_w.set(qn("w:w"), str(width))
                    tc_w.set(qn("w:type"), "dxa")


def _has_grid_span(cell) -> bool:
    return cell.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}") is not None


def _cell_twips(cell) -> int:
    tc_w = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    if tc_w is None or tc_w.get(qn("w:type")) not in (None, "dxa"):
        return 0
    return int(tc_w.get(qn("w:w")))
