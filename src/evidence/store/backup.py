"""Backup and restore: a consistent copy of a store taken while it serves, and a store rebuilt from it that is
proved identical.

A backup is one tar file: `manifest.json` (what the store held: counts, a digest of every table that matters,
the head of the history's hash chain, and the SHA-256 of every file in the archive), `evidence.db` (SQLite's
online backup: one consistent snapshot, taken while others write) and `blobs/…` (the originals the snapshot
refers to; they are immutable and written before the row that refers to them, so every one is there). The
search index is not copied: it is derived, and the restore rebuilds it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import tarfile
import tempfile
from pathlib import Path

from ..errors import InputError, StoreError
from . import chain
from .blobs import CHUNK, disk_error
from .core import DB_NAME, Store, database_url, now_iso
from .db import schema_version
from .dialect import Database, table_names, tuples
from .pg import PgConnection
from .transfer import postgres_snapshot_to_sqlite, sqlite_to_postgres
from .verify import other_originals

FORMAT = "evidence-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# tables whose content a restore must give back exactly (sessions, throttles and caches are not among them)
TABLES = (
    "meta",
    "frameworks",
    "criteria",
    "campaigns",
    "units",
    "evidence",
    "links",
    "detached_links",
    "metadata_corrections",
    "score_events",
    "scores",
    "score_units",
    "users",
    "events",
    "campaign_stages",
    "issued_documents",
)
_BLOB_MEMBER = re.compile(r"^blobs/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$")


# PostgreSQL keeps its schema version in `meta` (SQLite in PRAGMA user_version): not part of what a store holds
_SCHEMA_ROW_AWAY = " WHERE key <> 'schema_version'"


def table_digests(conn: Database) -> dict[str, dict]:
    """Per table: rows and a SHA-256 over its rows, whatever their order on disk (the sorted digests of the
    rows; tables this schema lacks are skipped)."""
    present = table_names(conn)
    out = {}
    for table in TABLES:
        if table not in present:
            continue
        rows = sorted(
            hashlib.sha256(json.dumps(list(row), ensure_ascii=False, default=str).encode("utf-8")).hexdigest()
            for row in tuples(conn, f"SELECT * FROM {table}{_SCHEMA_ROW_AWAY if table == 'meta' else ''}")  # noqa: S608
        )
        out[table] = {"rows": len(rows), "sha256": hashlib.sha256("\n".join(rows).encode()).hexdigest()}
    return out


def _sha_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def backup_store(store: Store, out: Path, *, progress=None) -> dict:
    """Write a backup of `store` to `out` (a .tar file, written beside and renamed into place). Returns the
    manifest."""
    out = Path(out)
    if out.exists() and out.is_dir():
        raise InputError("is a directory; give the backup file to write, e.g. backup-2026-12-07.tar", path=out)
    if not out.parent.is_dir():
        raise InputError("the folder does not exist", path=out.parent)
    part = out.with_name(f".{out.name}.{os.getpid()}.part")
    snapshot_dir = Path(tempfile.mkdtemp(prefix="evidence-backup-", dir=out.parent))
    snapshot = snapshot_dir / DB_NAME
    try:
        if isinstance(store.db, PgConnection):  # server mode: the database as of one moment, as a SQLite file
            postgres_snapshot_to_sqlite(store.db.url, snapshot)
        else:
            dest = sqlite3.connect(str(snapshot))
            try:
                store.db.backup(dest)  # one step: a consistent snapshot even while others write
            finally:
                dest.close()
        snap = sqlite3.connect(str(snapshot))
        snap.row_factory = sqlite3.Row
        try:
            shas = [r[0] for r in snap.execute("SELECT sha256 FROM evidence ORDER BY id")]
            records = len(shas)
            shas += other_originals(snap)  # the signed PDFs of registered documents
            head = chain.head(snap)
            manifest: dict = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": now_iso(),
                "store": str(store.root.resolve()),
                "store_id": _meta(snap, "store_id"),
                "schema_version": schema_version(snap),
                "chain_head": head.hash,
                "events": head.events,
                "records": records,
                "originals": len(set(shas)),
                "tables": table_digests(snap),
                "index": "rebuild",  # derived data: the restore rebuilds it from the database
                "files": {},
            }
        finally:
            snap.close()
        with tarfile.open(part, "w") as tar:
            manifest["files"][DB_NAME] = _sha_file(snapshot)
            tar.add(snapshot, arcname=DB_NAME)
            for n, sha in enumerate(sorted(set(shas)), start=1):
                source = store.blobs.path(sha)
                if not source.is_file():
                    raise StoreError(f"original {sha} is missing; run `evidence verify` first", path=source)
                name = f"blobs/{sha[:2]}/{sha[2:4]}/{sha}"
                info = tar.gettarinfo(str(source), arcname=name)
                info.mode, info.uid, info.gid, info.uname, info.gname = 0o444, 0, 0, "", ""
                with open(source, "rb") as handle:
                    tar.addfile(info, handle)
                manifest["files"][name] = sha
                if progress:
                    progress(n)
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o444, int(Path(snapshot).stat().st_mtime)
            tar.addfile(info, io.BytesIO(data))
        with open(part, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(part, out)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise disk_error(exc, out) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        snapshot.unlink(missing_ok=True)
        for leftover in snapshot_dir.glob("*"):
            leftover.unlink(missing_ok=True)
        snapshot_dir.rmdir()
    manifest["file"] = str(out)
    manifest["bytes"] = out.stat().st_size
    return manifest


def _meta(conn: Database, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def read_manifest(tar: tarfile.TarFile, source: Path) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        handle = tar.extractfile(member)
        manifest = json.loads(handle.read(16 * 1024 * 1024)) if handle else None
    except (KeyError, ValueError, tarfile.TarError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError("not an evidence backup (no manifest.json written by `evidence backup`)", path=source)
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise InputError("the backup was written by a newer evidence; upgrade first", path=source)
    return manifest


def restore_store(source: Path, target: Path, *, progress=None) -> dict:
    """Rebuild a store in `target` (new or empty) from a backup, checking every file against the manifest,
    then compare the restored database with the manifest (tables, chain head). Returns the comparison."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise InputError("no such backup file", path=source)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError("exists and is not empty; restore into a new folder", path=target)
    try:
        tar = tarfile.open(source, "r:*")
    except (tarfile.TarError, OSError) as exc:
        raise InputError(f"not a readable backup ({exc})", path=source) from None
    with tar:
        manifest = read_manifest(tar, source)
        expected = manifest.get("files") or {}
        target.mkdir(parents=True, exist_ok=True)
        staging = target / ".restoring"
        staging.mkdir()
        seen: set[str] = set()
        try:
            for n, member in enumerate(tar, start=1):
                name = member.name
                if name == MANIFEST:
                    continue
                if not member.isfile() or not (name == DB_NAME or _BLOB_MEMBER.match(name)):
                    raise InputError(f"unexpected entry '{name}' in the backup (damaged or not ours)", path=source)
                if name not in expected:
                    raise InputError(f"entry '{name}' is not in the backup's manifest", path=source)
                dest = staging / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                handle = tar.extractfile(member)
                with open(dest, "wb") as out:
                    while handle is not None and (chunk := handle.read(CHUNK)):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != expected[name]:
                    raise InputError(f"entry '{name}' does not match its checksum (damaged backup)", path=source)
                if name != DB_NAME:
                    os.chmod(dest, 0o444)
                seen.add(name)
                if progress:
                    progress(n)
            missing = sorted(set(expected) - seen)
            if missing:
                raise InputError(f"{len(missing)} file(s) of the manifest are missing, e.g. {missing[0]}", path=source)
            os.sync()  # once for all the files (an fsync each would cost minutes for 50,000 originals)
            os.replace(staging / DB_NAME, target / DB_NAME)
            if (staging / "blobs").exists():
                os.replace(staging / "blobs", target / "blobs")
            staging.rmdir()
        except OSError as exc:
            _remove_tree(target)
            raise disk_error(exc, target) from None
        except BaseException:
            _remove_tree(target)
            raise
    url = database_url()
    if url:  # server mode: the restored database goes into the (empty) PostgreSQL database
        try:
            sqlite_to_postgres(target, url)
        except BaseException:
            _remove_tree(target)
            raise
        for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm"):
            (target / name).unlink(missing_ok=True)
    restored = Store.open(target)
    try:
        return compare_with_manifest(restored, manifest)
    finally:
        restored.close()


def compare_with_manifest(store: Store, manifest: dict) -> dict:
    """The restored store against what the backup said it held: tables, records, events, chain head."""
    head = chain.head(store.db)
    tables = table_digests(store.db)
    differences = [
        f"table {name}: {'differs' if name in tables else 'missing'}"
        for name, want in (manifest.get("tables") or {}).items()
        if tables.get(name) != want
    ]
    if head.hash != manifest.get("chain_head"):
        differences.append(f"chain head {head.hash} is not the backup's {manifest.get('chain_head')}")
    records = store.db.execute("SELECT COUNT(*) FROM evidence").fetchone()[0]
    return {
        "store": str(store.root),
        "backup_created_at": manifest.get("created_at"),
        "records": records,
        "events": head.events,
        "originals": sum(1 for _ in store.blobs.all_hashes()),
        "chain_head": head.hash,
        "identical": not differences,
        "differences": differences,
    }


def _remove_tree(path: Path) -> None:
    for child in sorted(path.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        try:
            if child.is_dir() and not child.is_symlink():
                child.rmdir()
            else:
                child.chmod(0o644)
                child.unlink()
        except OSError:
            pass
