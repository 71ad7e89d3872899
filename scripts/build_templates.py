"""Rebuild templates/*.docx from evidence.documents.template_builder (run after changing the layout)."""

import sys
from pathlib import Path

from evidence.documents.template_builder import build_all

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "templates"
    for path in build_all(target):
        print(path)
