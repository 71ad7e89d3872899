"""`evidence verify`: prove the store is whole — the database is sound, every record's original is present and
still hashes to its name, and nothing is left half-done (orphan blobs, temporary files)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import Store

STALE_TEMP_SECONDS = 3600  # a temporary file younger than this may belong to an attach still running


@dataclass
class VerifyReport:
    database_ok: bool = True
    database_messages: list[str] = field(default_factory=list)
    evidence_checked: int = 0
    missing_blobs: list[str] = field(default_factory=list)
    corrupt_blobs: list[str] = field(default_factory=list)
    orphan_blobs: list[str] = field(default_factory=list)
    stray_temporaries: list[str] = field(default_factory=list)
    dangling_links: list[int] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.database_ok and not self.missing_blobs and not self.corrupt_blobs and not self.dangling_links

    def to_json(self) -> dict:
        data = dict(vars(self))
        data["ok"] = self.ok
        return data


def verify_store(store: Store, *, rehash: bool = True, repair: bool = False, progress=None) -> VerifyReport:
    report = VerifyReport()
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
    report.orphan_blobs = sorted(sha for sha in store.blobs.all_hashes() if sha not in known)
    now = time.time()
    report.stray_temporaries = [
        str(p) for p in store.blobs.stray_temporaries() if now - p.stat().st_mtime > STALE_TEMP_SECONDS
    ]
    if repair:
        for path in report.stray_temporaries:
            store.blobs.tmp.joinpath(path).unlink(missing_ok=True)
            report.repaired.append(f"removed temporary {path}")
        for sha in report.orphan_blobs:
            blob = store.blobs.path(sha)
            if now - blob.stat().st_mtime > STALE_TEMP_SECONDS:
                blob.unlink()
                report.repaired.append(f"removed orphan blob {sha}")
    return report
