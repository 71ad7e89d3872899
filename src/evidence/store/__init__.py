"""The store: one directory holding the database (schema versioned and migrated), the content-addressed
originals and the search index; `verify` proves it whole."""

from .chain import chain_head, record_event
from .core import DB_NAME, Store, dumps, now_iso

__all__ = ["DB_NAME", "Store", "chain_head", "dumps", "now_iso", "record_event"]
