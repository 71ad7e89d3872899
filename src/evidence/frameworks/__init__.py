"""Frameworks as data: criterion trees read from YAML or Excel, validated, stored, exported.

    parse_framework_file(path)          → Framework (validated; FrameworkError lists every problem)
    import_framework(store, path)       → Framework (parsed and saved; --replace to load a new version)
    export_framework(framework, path)   → .yaml/.yml or .xlsx a province can edit and import again
    load_samples(store), sample_paths() → the shipped samples (par-department, par-commune, pctn-province)
    due_window(rule, …), describe_due(rule) → due rules (frameworks.due)

The YAML shape is documented in `frameworks.yaml_format`, the Excel layout in `frameworks.excel_format`, and both in
docs/frameworks.md.
"""

from .due import DueRuleError, describe_due, due_window, parse_due
from .files import export_framework, import_framework, parse_framework_file
from .model import Criterion, Framework, list_frameworks, load_framework, save_framework
from .samples import load_samples, sample_paths
from .validate import FrameworkError

__all__ = [
    "Criterion",
    "DueRuleError",
    "Framework",
    "FrameworkError",
    "describe_due",
    "due_window",
    "export_framework",
    "import_framework",
    "list_frameworks",
    "load_framework",
    "load_samples",
    "parse_due",
    "parse_framework_file",
    "sample_paths",
    "save_framework",
]
