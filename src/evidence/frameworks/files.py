"""Framework files: parse and validate YAML or Excel, import into a store, export for editing."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..store import Store
from .excel_format import read_excel, write_excel
from .model import Framework, save_framework
from .yaml_format import read_yaml, write_yaml

YAML_SUFFIXES = {".yaml", ".yml"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


def parse_framework_file(path: Path | str, *, framework_id: str | None = None, name: str | None = None) -> Framework:
    """Read and validate a framework from .yaml/.yml or .xlsx; `framework_id`/`name` override the file's."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file" if not path.exists() else "not a file", path=path)
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_OLE_MAGIC):
        raise InputError("an old .xls workbook; open it in Excel or LibreOffice and save it as .xlsx", path=path)
    if suffix in EXCEL_SUFFIXES or (suffix in YAML_SUFFIXES and head.startswith(_ZIP_MAGIC)):
        if not head.startswith(_ZIP_MAGIC):
            raise InputError("not an Excel workbook (.xlsx files are zip archives)", path=path)
        return read_excel(path, framework_id=framework_id, name=name)
    if suffix in YAML_SUFFIXES:
        return read_yaml(path, framework_id=framework_id, name=name)
    raise InputError(f"unsupported file type '{suffix or path.name}': use .yaml, .yml or .xlsx", path=path)


def import_framework(
    store: Store, path: Path | str, replace: bool = False, *, framework_id: str | None = None, name: str | None = None
) -> Framework:
    """Parse, validate and store a framework. An id already loaded is refused unless `replace`."""
    framework = parse_framework_file(path, framework_id=framework_id, name=name)
    save_framework(store, framework, replace=replace)
    return framework


def export_framework(framework: Framework, path: Path | str) -> Path:
    """Write a framework as YAML or Excel (by the extension) so a province can edit a copy and import it again."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        write_yaml(framework, path)
    elif suffix == ".xlsx":
        write_excel(framework, path)
    else:
        raise InputError(f"cannot export to '{suffix or path.name}': use .yaml, .yml or .xlsx", path=path)
    return path
