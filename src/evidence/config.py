"""Where things are: the store directory, the templates directory, limits."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

DEFAULT_STORE = "store"
PACKAGE_DIR = Path(__file__).resolve().parent
# templates/ sits at the project root in a checkout; an installed copy may set EVIDENCE_TEMPLATES.
PROJECT_TEMPLATES = PACKAGE_DIR.parent.parent / "templates"


def store_dir(option: str | None = None) -> Path:
    """The store chosen by --store, else $EVIDENCE_STORE, else ./store."""
    return Path(option or os.environ.get("EVIDENCE_STORE") or DEFAULT_STORE)


def templates_dir(option: str | None = None) -> Path:
    return Path(option or os.environ.get("EVIDENCE_TEMPLATES") or PROJECT_TEMPLATES)


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER") or "unknown"


# Limits applied to every file a user hands us.
MAX_FILE_BYTES = int(os.environ.get("EVIDENCE_MAX_FILE_MB", "200")) * 1024 * 1024
READ_TIMEOUT_SECONDS = float(os.environ.get("EVIDENCE_READ_TIMEOUT", "120"))
