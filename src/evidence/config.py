"""Every setting of evidence in one table: the `EVIDENCE_*` environment variables, their defaults and help.

Only this module reads the environment for them; the rest of the code calls `setting(name)` (read at call time,
so a test or a server can change a value without reloading modules) or the helpers below. README.md lists them
all (a test keeps the list and this table in step).
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# templates/ sits at the project root in a checkout; an installed copy may set EVIDENCE_TEMPLATES.
PROJECT_TEMPLATES = PACKAGE_DIR.parent.parent / "templates"


@dataclass(frozen=True)
class Setting:
    name: str  # the environment variable
    default: str
    help: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("EVIDENCE_STORE", "store", "The store directory when --store is not given."),
        Setting(
            "EVIDENCE_TEMPLATES", str(PROJECT_TEMPLATES), "The folder of the Word templates (templates/ of a checkout)."
        ),
        Setting("EVIDENCE_MAX_FILE_MB", "200", "Largest file accepted for attach, ingest and inspect, in MB."),
        Setting(
            "EVIDENCE_READ_TIMEOUT", "120", "Seconds one file may take to read (OCR included) before it is stopped."
        ),
        Setting("EVIDENCE_READ_MEMORY_MB", "8192", "Memory cap of each reader process, in MB."),
        Setting("EVIDENCE_OCR_LANG", "vie", "Tesseract language(s) for scans."),
        Setting(
            "EVIDENCE_OCR_MAX_PAGES", "12", "Pages of one file to OCR at most (first and last pages first); 0: all."
        ),
        Setting("EVIDENCE_INDEX_LOCK_TIMEOUT", "600", "Seconds a writer waits for the search index lock."),
        Setting(
            "EVIDENCE_INDEX_BACKGROUND_MERGE",
            "1",
            "Merge small index segments in a detached process after a write (0: only `evidence index optimize`).",
        ),
        Setting("EVIDENCE_INDEX_PROCS", "0", "Processes for an index rebuild (0: up to two for a large store)."),
        Setting("EVIDENCE_WEB_MAX_UPLOAD_MB", "50", "Largest upload per web request, in MB (serve --max-upload-mb)."),
        Setting(
            "EVIDENCE_DATABASE_URL",
            "",
            "Server mode: the metadata and search in PostgreSQL (postgresql://USER@HOST:PORT/DB); empty: the store's"
            " own SQLite file. The originals stay in the store directory (a path every machine mounts).",
        ),
        Setting(
            "EVIDENCE_QUEUE_URL",
            "",
            "Server mode: the Redis queue uploads are read from (redis://HOST:PORT/DB) by `evidence worker`;"
            " empty: the web server's own reader.",
        ),
        Setting(
            "EVIDENCE_WEB_SESSION_IDLE_MINUTES",
            "60",
            "A web session ends after this many minutes without a request (the user signs in again).",
        ),
        Setting("EVIDENCE_WEB_SESSION_HOURS", "10", "A web session ends this many hours after sign-in, in any case."),
        Setting("EVIDENCE_PASSWORD", "", "The password for `user add` / `user passwd` without a prompt."),
        Setting("EVIDENCE_DEBUG", "", "Set to 1 to print the traceback of an internal error."),
    )
}


PASSWORD_VARIABLE = "EVIDENCE_PASSWORD"  # read by click for `user add` / `user passwd`


def setting(name: str) -> str:
    """The value of a declared setting: the environment's, else the default."""
    return os.environ.get(name) or SETTINGS[name].default


def int_setting(name: str) -> int:
    """A whole-number setting; a value that is not a number falls back to the default."""
    try:
        return int(setting(name))
    except ValueError:
        return int(SETTINGS[name].default)


def float_setting(name: str) -> float:
    try:
        return float(setting(name))
    except ValueError:
        return float(SETTINGS[name].default)


def store_dir(option: str | None = None) -> Path:
    """The store chosen by --store, else $EVIDENCE_STORE, else ./store."""
    return Path(option or setting("EVIDENCE_STORE"))


def templates_dir(option: str | None = None) -> Path:
    return Path(option or setting("EVIDENCE_TEMPLATES"))


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER") or "unknown"


# Limits applied to every file a user hands us.
MAX_FILE_BYTES = int_setting("EVIDENCE_MAX_FILE_MB") * 1024 * 1024
READ_TIMEOUT_SECONDS = float_setting("EVIDENCE_READ_TIMEOUT")
