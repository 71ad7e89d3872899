"""The architecture stays visible: layers without cycles, imports at the top, thin package faces, one settings table.

The layer order itself is import-linter's contract in pyproject.toml (run by `make test`); these tests check what
a layers contract cannot see."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp

from evidence import config

SRC = Path(__file__).resolve().parents[1] / "src" / "evidence"
ROOT = SRC.parents[1]
MAX_TOP_LEVEL_MODULES = 8


def _python_files():
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def _is_project_import(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "evidence"
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "evidence" for alias in node.names)
    return False


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm; returns the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph("evidence", cache_dir=None)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    # a package's __init__ re-exports its submodules: the edge from a submodule to its own package face is the
    # one Python resolves first, so only edges between modules (not into the importer's ancestors) count
    for module, targets in edges.items():
        edges[module] = {t for t in targets if not module.startswith(t + ".")}
    assert _strongly_connected(edges) == []


def test_project_modules_are_imported_at_the_top_outside_cli():
    """Imports inside functions hide which way dependencies run; cli/ may import lazily to start fast."""
    offenders = []
    for path in _python_files():
        if path.relative_to(SRC).parts[0] == "cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if _is_project_import(node) and id(node) not in top_level:
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []


def test_the_top_level_holds_few_modules():
    modules = [p.name for p in SRC.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, sorted(modules)


def test_package_faces_only_re_export():
    for path in SRC.rglob("__init__.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            all_list = isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__all__"]
            version = isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__version__"]
            assert docstring or all_list or version or isinstance(node, ast.Import | ast.ImportFrom), (
                f"{path.relative_to(SRC)}:{node.lineno} does more than re-export"
            )


ENV_READ = re.compile(r"(os\.environ|getenv|envvar=)")


def test_settings_are_read_only_in_config():
    offenders = []
    for path in _python_files():
        if path.name == "config.py" and path.parent == SRC:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ENV_READ.search(line) and "EVIDENCE_" in line:
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []


def test_every_setting_named_in_the_code_is_declared_and_documented():
    named = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                named |= set(re.findall(r"\bEVIDENCE_[A-Z][A-Z0-9_]*", node.value))
    assert named - set(config.SETTINGS) == set()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in config.SETTINGS if name not in readme] == []


def test_a_setting_is_read_at_call_time(monkeypatch):
    monkeypatch.setenv("EVIDENCE_OCR_MAX_PAGES", "3")
    assert config.int_setting("EVIDENCE_OCR_MAX_PAGES") == 3
    monkeypatch.setenv("EVIDENCE_OCR_MAX_PAGES", "many")
    assert config.int_setting("EVIDENCE_OCR_MAX_PAGES") == int(config.SETTINGS["EVIDENCE_OCR_MAX_PAGES"].default)
