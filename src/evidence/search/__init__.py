"""Vietnamese full-text search over the evidence store (Whoosh; all Whoosh code stays in this package).

The database is the source of truth; the index in store/index/ is derived from it, kept up to date on every
attach and metadata change (`index_evidence`), and can be checked (`check_index`) and rebuilt
(`rebuild_index`) at any time. See docs/search.md.
"""

from .engine import SearchOutcome, run_search, search
from .index import (
    check_index,
    ensure_index,
    index_evidence,
    needs_merge,
    prepare_document,
    rebuild_index,
    remove_evidence,
    verify_index,
)
from .merge import merge_small, optimize as optimize_index
from .query import parse_date_option
from .schema import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "SearchOutcome",
    "check_index",
    "ensure_index",
    "index_evidence",
    "merge_small",
    "needs_merge",
    "prepare_document",
    "optimize_index",
    "parse_date_option",
    "rebuild_index",
    "remove_evidence",
    "run_search",
    "search",
    "verify_index",
]
