"""`templates check`: the variables each template uses that its kind's context does not provide.

The template's Jinja code is walked with the context's shape (`schema.SCHEMA`): top-level names, attributes
(`unit.name`) and loop variables (`{% for row in ranking %}{{ row.rank }}`) are all checked, without rendering.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, nodes

from ..errors import InputError
from .generate import KINDS, template_path
from .render import make_environment
from .schema import ANY, SCHEMA
from .tags import tag_problems


def template_source(path: Path) -> str:
    """The Jinja source docxtpl renders: body, headers and footers after its tag clean-up."""
    tpl = DocxTemplate(str(path))
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise InputError(f"not a readable .docx ({type(exc).__name__})", path=path) from None
    xml = tpl.patch_xml(tpl.xml_to_string(document._element.body))
    for rel in document.part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI) and rel.target_part.blob:
            xml += tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob)))
    return xml


def missing_variables(path: Path, kind: str) -> list[str]:
    env = make_environment()
    try:
        tree = env.parse(template_source(path))
    except TemplateSyntaxError as exc:
        raise InputError(f"template syntax error near line {exc.lineno}: {exc.message}", path=path) from None
    walker = _Walker(set(env.globals))
    walker.visit(tree, dict(SCHEMA[kind]))
    return sorted(walker.missing)


def check_templates(templates: Path | str | None = None) -> list[dict]:
    """One entry per kind: `{kind, template, missing: [...], tags: [...], error}` (`tags`: tags left open or
    closing nothing, which would swallow part of the document)."""
    report: list[dict] = []
    for kind in KINDS:
        entry: dict = {"kind": kind, "template": None, "missing": [], "tags": [], "error": None}
        try:
            path = template_path(kind, templates)
            entry["template"] = str(path)
            entry["tags"] = tag_problems(path)
            entry["missing"] = missing_variables(path, kind)
        except InputError as exc:
            entry["error"] = str(exc)
        report.append(entry)
    return report


class _Walker:
    def __init__(self, globals_: set[str]):
        self.globals = globals_
        self.missing: set[str] = set()

    def visit(self, node, scope: dict) -> None:
        if isinstance(node, nodes.For):
            self._resolve(node.iter, scope)
            element = self._element(node.iter, scope)
            inner = dict(scope)
            self._bind(node.target, element, inner)
            inner["loop"] = ANY
            if node.test is not None:
                self.visit(node.test, inner)
            for child in node.body:
                self.visit(child, inner)
            for child in node.else_:
                self.visit(child, scope)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = dict(scope)
            for arg in getattr(node, "args", []):
                inner[arg.name] = ANY
            inner.update({"caller": ANY, "varargs": ANY, "kwargs": ANY})
            for child in node.body:
                self.visit(child, inner)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node, scope)
            self._bind(node.target, ANY, scope)
            return
        if isinstance(node, nodes.AssignBlock):
            for child in node.body:
                self.visit(child, scope)
            self._bind(node.target, ANY, scope)
            return
        if isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                self.visit(value, scope)
                self._bind(target, ANY, inner)
            for child in node.body:
                self.visit(child, inner)
            return
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            self._resolve(node, scope)
            if isinstance(node, nodes.Getitem):
                self.visit(node.arg, scope)
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)

    def _bind(self, target, schema, scope: dict) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = schema
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self._bind(item, ANY, scope)

    def _element(self, expr, scope):
        schema = self._resolve(expr, scope, report=False)
        if isinstance(schema, list) and schema:
            return schema[0]
        return ANY

    def _resolve(self, expr, scope, report: bool = True):
        """The schema node an expression points at; records what is missing."""
        if isinstance(expr, nodes.Name):
            if expr.name in scope:
                return scope[expr.name]
            if expr.name not in self.globals and report:
                self.missing.add(expr.name)
            return ANY
        if isinstance(expr, (nodes.Getattr, nodes.Getitem)):
            key = (
                expr.attr
                if isinstance(expr, nodes.Getattr)
                else (expr.arg.value if isinstance(expr.arg, nodes.Const) and isinstance(expr.arg.value, str) else None)
            )
            parent = self._resolve(expr.node, scope, report)
            if key is None or not isinstance(parent, dict):
                return ANY
            if key in parent:
                return parent[key]
            if report:
                self.missing.add(f"{_path(expr.node)}.{key}")
            return ANY
        for child in expr.iter_child_nodes():
            self.visit(child, scope)
        return ANY


def _path(expr) -> str:
    if isinstance(expr, nodes.Name):
        return expr.name
    if isinstance(expr, nodes.Getattr):
        return f"{_path(expr.node)}.{expr.attr}"
    if isinstance(expr, nodes.Getitem) and isinstance(expr.arg, nodes.Const):
        return f"{_path(expr.node)}.{expr.arg.value}"
    return "…"
