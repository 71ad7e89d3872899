"""`evidence verify`: prove the store is whole — the database is sound, every record's original is present and
still hashes to its name, the hash chain of the history is unbroken and the current-state tables are what its
events say, and nothing is left half-done (orphan blobs, temporaries of a dead writer)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import Store, chain, history, writers
from .dialect import table_names

ORPHAN_GRACE_SECONDS = 3600  # an orphan original younger than this may belong to an attach still running


def other_originals(conn) -> list[str]:
    """Originals kept that are not evidence records: the signed PDFs of registered documents."""
    tables = table_names(conn)
    if "issued_documents" not in tables:
        return []
    return [r[0] for r in conn.execute("SELECT DISTINCT pdf_sha256 FROM issued_documents WHERE pdf_sha256 IS NOT NULL")]


@dataclass
class VerifyReport:
    database_ok: bool = True
    database_messages: list[str] = field(default_factory=list)
    evidence_checked: int = 0
    missing_blobs: list[str] = field(default_factory=list)
    corrupt_blobs: list[str] = field(default_factory=list)
    orphan_blobs: list[str] = field(default_factory=list)
    stray_temporaries: list[str] = field(default_factory=list)
    live_temporaries: int = 0  # of writers still running (recognised by their lock)
    dangling_links: list[int] = field(default_factory=list)
    chain_events: int = 0
    chain_head: str = chain.GENESIS
    chain_broken: str | None = None  # the first broken link of the hash chain
    history_problems: list[str] = field(default_factory=list)
    missing_triggers: list[str] = field(default_factory=list)
    index: dict = field(default_factory=dict)  # filled by the caller that may use the search package
    repaired: list[str] = field(default_factory=list)

    @property
    def index_ok(self) -> bool:
        return not self.index or (
            not self.index.get("leftovers") and not self.index.get("drift") and not self.index.get("pending")
        )

    @property
    def ok(self) -> bool:
        return (
            self.database_ok
            and not self.missing_blobs
            and not self.corrupt_blobs
            and not self.dangling_links
            and not self.stray_temporaries
            and self.chain_broken is None
            and not self.history_problems
            and not self.missing_triggers
            and self.index_ok
        )

    def to_json(self) -> dict:
        data = dict(vars(self))
        data["ok"] = self.ok
        return data


def verify_store(store: Store, *, rehash: bool = True, repair: bool = False, progress=None) -> VerifyReport:
    report = VerifyReport()
    if store.dialect == "sqlite":  # PostgreSQL checks its pages and always enforces its foreign keys itself
        messages = [r[0] for r in store.db.execute("PRAGMA integrity_check")]
        if messages != ["ok"]:
            report.database_ok = False
            report.database_messages.extend(messages)
        fk = store.db.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            report.database_ok = False
            report.database_messages.extend(f"foreign key: {tuple(r)}" for r in fk)
    report.dangling_links = [
        r[0]
        for r in store.db.execute(
            "SELECT l.id FROM links l LEFT JOIN evidence e ON e.id = l.evidence_id WHERE e.id IS NULL"
        )
    ]

    # the history: the chain, then every current-state table against the events it comes from
    report.chain_events, report.chain_broken = chain.walk_chain(store.db)
    report.chain_head = chain.head(store.db).hash
    report.history_problems = history.check_history(store.db)
    report.missing_triggers = history.missing_triggers(store.db)

    known = set()
    for row in store.db.execute("SELECT sha256 FROM evidence ORDER BY id"):
        sha = row[0]
        known.add(sha)
        report.evidence_checked += 1
        if not store.blobs.exists(sha):
            report.missing_blobs.append(sha)
        elif rehash and store.blobs.hash_file(sha) != sha:
            report.corrupt_blobs.append(sha)
        if progress:
            progress(sha[:12])
    for sha in other_originals(store.db):  # signed PDFs of registered documents: originals too
        if sha in known:
            continue
        known.add(sha)
        if not store.blobs.exists(sha):
            report.missing_blobs.append(sha)
        elif rehash and store.blobs.hash_file(sha) != sha:
            report.corrupt_blobs.append(sha)
    report.orphan_blobs = sorted(sha for sha in store.blobs.all_hashes() if sha not in known)
    everything = store.blobs.temporaries()
    stray = store.blobs.stray_temporaries()
    report.stray_temporaries = [str(p) for p in stray]
    report.live_temporaries = len(everything) - len(stray)
    if repair:
        for path in store.blobs.remove_stray_temporaries():
            report.repaired.append(f"removed temporary {path}")
        report.stray_temporaries = [str(p) for p in store.blobs.stray_temporaries()]
        now = time.time()
        for sha in report.orphan_blobs:
            blob = store.blobs.path(sha)
            if now - blob.stat().st_mtime > ORPHAN_GRACE_SECONDS:
                blob.unlink()
                report.repaired.append(f"removed orphan blob {sha}")
        writers.remove_dead_locks(store.locks_dir)
    return report
