"""Attaching evidence: store each original once (content-addressed), read it, and link it to a criterion of a
unit in a campaign, one file at a time or a whole folder (ingest).

Order of writes, so a crash never leaves a link to a missing or half-written blob: the blob is written
atomically first, then the evidence row and its link are inserted in one transaction. A crash in between
leaves at most an orphan blob, which `evidence verify` reports.
"""

from __future__ import annotations

import re
import stat
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterable

from .. import config, reading, search
from ..store.blobs import disk_error, sha256_of
from ..round.campaign import Campaign, load_campaign
from ..errors import DiskFull, EvidenceError, InputError
from ..reading import Reading, read_many
from ..records import METADATA_KEYS, empty_metadata
from ..store import Store, dumps, now_iso
from ..store import chain, writers
from ..suggest import did_you_mean
from ..vn.text import nfc

PAGES_PATTERN = re.compile(r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$")


@dataclass
class Outcome:
    """What happened to one file of a batch."""

    file: str
    unit: str | None = None
    criterion: str | None = None
    evidence_id: int | None = None
    sha256: str | None = None
    link_id: int | None = None
    stored: bool = False  # a new original was stored
    linked: bool = False  # a new link was made (False: it was linked already)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    skipped: str | None = None  # hidden | fifo | device | socket: not read, reported (SKIP_REASONS)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Target:
    unit: str
    criterion: str


ProgressFn = Callable[[str], None]


# ---------------------------------------------------------------- checks


def check_target(campaign: Campaign, unit_code: str, criterion_code: str) -> Target:
    unit = campaign.unit(unit_code)
    campaign.criterion(criterion_code, unit=unit)
    if not campaign.is_applicable(unit, criterion_code):
        raise InputError(
            f"criterion {criterion_code} does not apply to unit {unit_code} "
            f"(not applicable in campaign '{campaign.id}')"
        )
    return Target(unit.code, criterion_code)


def check_pages(pages: str | None) -> str | None:
    if pages is None or pages == "":
        return None
    if not PAGES_PATTERN.match(pages):
        raise InputError(f"--pages '{pages}': expected pages like '2', '2-3' or '1,4-6'")
    return re.sub(r"\s+", "", pages)


def preflight(path: Path) -> None:
    """Cheap checks before reading: the path is a non-empty regular file within the size limit."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as exc:  # a name too long, a loop of links, no permission …
        raise InputError(f"cannot open ({exc.strerror or exc})", path=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory, expected a file", path=path)
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file", path=path)
    size = info.st_size
    if size == 0:
        raise InputError("empty file", path=path)
    if size > config.MAX_FILE_BYTES:
        raise InputError(f"file is larger than {config.MAX_FILE_BYTES // (1024 * 1024)} MB", path=path)


# ---------------------------------------------------------------- the batch


@dataclass
class _Item:
    path: Path
    target: Target
    outcome: Outcome
    sha256: str | None = None


def attach_files(
    store: Store,
    files: Iterable[Path],
    *,
    campaign_id: str,
    unit_code: str,
    criterion_code: str,
    pages: str | None = None,
    note: str | None = None,
    by: str | None = None,
    ocr: bool = True,
    jobs: int | None = None,
    progress: ProgressFn | None = None,
) -> list[Outcome]:
    """Store and link several files to one criterion of one unit. Bad files are reported, the rest goes on."""
    campaign = load_campaign(store, campaign_id)
    target = check_target(campaign, unit_code, criterion_code)
    pages = check_pages(pages)
    items = [_Item(Path(f), target, Outcome(file=str(f), unit=target.unit, criterion=target.criterion)) for f in files]
    _run(
        store,
        campaign,
        items,
        pages=pages,
        note=note,
        by=by or config.current_user(),
        ocr=ocr,
        jobs=jobs,
        progress=progress,
    )
    return [item.outcome for item in items]


def plan_ingest(campaign: Campaign, root: Path, *, follow_links: bool = False) -> tuple[list[_Item], list[Outcome]]:
    """Files under DIR/<unit code>/<criterion code>/ (sub-folders below the criterion count for it).

    Ingest never leaves its folder: a symbolic link is refused (with `follow_links`, one whose target stays
    inside the folder is followed); FIFOs, devices, sockets and hidden names (starting with "." or "~$") are
    skipped — each one reported, none silently."""
    if not root.exists():
        raise InputError("no such directory", path=root)
    if not root.is_dir():
        raise InputError("not a directory (expected DIR/<unit>/<criterion>/<files>)", path=root)
    items: list[_Item] = []
    rejected: list[Outcome] = []
    unit_codes = [u.code for u in campaign.units]
    inside = root.resolve()
    for unit_dir in _entries(root, inside, follow_links, rejected):
        if not unit_dir.is_dir():
            rejected.append(Outcome(file=str(unit_dir), error="not inside a <unit>/<criterion>/ folder"))
            continue
        unit_code = nfc(unit_dir.name)
        if unit_code not in unit_codes:
            rejected.append(
                Outcome(file=str(unit_dir), error=f"unknown unit '{unit_code}'; " + did_you_mean(unit_code, unit_codes))
            )
            continue
        for criterion_dir in _entries(unit_dir, inside, follow_links, rejected, unit=unit_code):
            if not criterion_dir.is_dir():
                rejected.append(
                    Outcome(file=str(criterion_dir), unit=unit_code, error="not inside a <criterion>/ folder")
                )
                continue
            code = nfc(criterion_dir.name)
            try:
                target = check_target(campaign, unit_code, code)
            except EvidenceError as exc:
                rejected.append(Outcome(file=str(criterion_dir), unit=unit_code, criterion=code, error=str(exc)))
                continue
            for path in _files_below(criterion_dir, inside, follow_links, rejected, unit_code, code):
                items.append(_Item(path, target, Outcome(file=str(path), unit=unit_code, criterion=code)))
    return items, rejected


# what is skipped (reported, not an error) and what is refused (an error), by kind of entry
SKIP_REASONS = {
    "hidden": "hidden name (starts with '.' or '~$'), skipped",
    "fifo": "a named pipe (FIFO), not a file; skipped",
    "device": "a device, not a file; skipped",
    "socket": "a socket, not a file; skipped",
}


def _kind(path: Path) -> str:
    try:
        mode = path.lstat().st_mode
    except OSError:
        return "unreadable"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def _entries(folder: Path, inside: Path, follow_links: bool, rejected: list[Outcome], **where) -> list[Path]:
    """The entries of `folder` that ingest may use (plain files, folders, links allowed by `follow_links`);
    the others go into `rejected`, each with its reason."""
    out: list[Path] = []
    try:
        children = sorted(folder.iterdir())
    except OSError as exc:
        rejected.append(Outcome(file=str(folder), error=f"{folder}: cannot list ({exc.strerror or exc})", **where))
        return out
    for path in children:
        if path.name.startswith((".", "~$")):
            rejected.append(Outcome(file=str(path), skipped="hidden", error=None, **where))
            continue
        kind = _kind(path)
        if kind == "symlink":
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                rejected.append(Outcome(file=str(path), error=f"{path}: symbolic link to nothing; refused", **where))
                continue
            if not follow_links:
                rejected.append(
                    Outcome(
                        file=str(path),
                        error=f"{path}: symbolic link (to {target}); refused — copy the file into the folder",
                        **where,
                    )
                )
                continue
            if not target.is_relative_to(inside):
                rejected.append(
                    Outcome(file=str(path), error=f"{path}: symbolic link leads outside the folder; refused", **where)
                )
                continue
            kind = _kind(target)
        if kind in ("dir", "file"):
            out.append(path)
        elif kind in SKIP_REASONS:
            rejected.append(Outcome(file=str(path), skipped=kind, **where))
        else:
            rejected.append(Outcome(file=str(path), error=f"{path}: cannot read its type", **where))
    return out


def _files_below(
    folder: Path, inside: Path, follow_links: bool, rejected: list[Outcome], unit: str, criterion: str, depth: int = 0
) -> list[Path]:
    files = []
    for path in _entries(folder, inside, follow_links, rejected, unit=unit, criterion=criterion):
        if path.is_dir():
            if depth >= MAX_DEPTH:
                rejected.append(
                    Outcome(file=str(path), unit=unit, criterion=criterion, error=f"{path}: folders nested too deep")
                )
                continue
            files.extend(_files_below(path, inside, follow_links, rejected, unit, criterion, depth + 1))
        else:
            files.append(path)
    return files


MAX_DEPTH = 16  # folders below a criterion folder (a link loop cannot recurse further)


def ingest_dir(
    store: Store,
    root: Path,
    *,
    campaign_id: str,
    by: str | None = None,
    ocr: bool = True,
    jobs: int | None = None,
    progress: ProgressFn | None = None,
    follow_links: bool = False,
) -> list[Outcome]:
    campaign = load_campaign(store, campaign_id)
    items, rejected = plan_ingest(campaign, Path(root), follow_links=follow_links)
    _run(
        store,
        campaign,
        items,
        pages=None,
        note=None,
        by=by or config.current_user(),
        ocr=ocr,
        jobs=jobs,
        progress=progress,
    )
    return rejected + [item.outcome for item in items]


def _run(
    store: Store, campaign: Campaign, items: list[_Item], *, pages, note, by, ocr, jobs, progress: ProgressFn | None
) -> None:
    # 1. cheap checks and hashing; content already stored is linked without reading it again
    to_read: dict[str, Path] = {}
    for item in items:
        try:
            preflight(item.path)
            item.sha256 = sha256_of(item.path)
        except EvidenceError as exc:
            item.outcome.error = str(exc)
            continue
        except OSError as exc:
            item.outcome.error = f"{item.path}: cannot read ({exc.strerror or exc})"
            continue
        if not store.db.execute("SELECT 1 FROM evidence WHERE sha256 = ?", (item.sha256,)).fetchone():
            to_read.setdefault(item.sha256, item.path)
    if not any(not i.outcome.error for i in items):
        return

    # 2. read new content in parallel (each file once, however often it appears in the batch) and, as each
    # reading comes back, store its files and analyse its index document while the workers read on (_Batch).
    # The index is promised the change first (writers.py), so a kill before the index has it is made good by
    # the next index write; it is updated once, at the end, in one commit that merges nothing.
    with ThreadPoolExecutor(max_workers=BLOB_WRITERS, thread_name_prefix="evidence-blob") as pool:
        batch = _Batch(store, campaign.id, items, pool, pages=pages, note=note, by=by)
        try:
            batch.add(sha for sha in dict.fromkeys(i.sha256 for i in items if i.sha256) if sha not in to_read)
            if to_read:
                by_path = {path: sha for sha, path in to_read.items()}
                for path, result in read_many(list(to_read.values()), ocr=ocr, jobs=jobs):
                    batch.add([by_path[path]], result)
                    batch.link_ready()
                    if progress:
                        progress(str(path))
            batch.link_ready(wait=True)
        except DiskFull:
            batch.finish()  # what was linked before the disk filled up is indexed
            raise
        batch.finish()


BLOB_WRITERS = 4  # threads writing and fsyncing originals while the parent links and the workers read
LINK_EVERY_SECONDS = 1.0  # a long batch commits what is stored this often (a short one: once, at the end)


class _Batch:
    """The store-and-link side of one batch. As each reading comes back, the originals of its files are written
    by a thread of `pool` (write, fsync, rename, fsync of the folder: the fsyncs overlap each other and the
    reading) and its index document is analysed; the files whose originals are on disk are linked together, one
    transaction with a savepoint per file (a file that fails is rolled back alone), at most once a second and
    at the end. Every original is on disk before the commit that refers to it."""

    def __init__(self, store: Store, campaign_id: str, items: list[_Item], pool: ThreadPoolExecutor, **options):
        self.store_ = store
        self.campaign_id = campaign_id
        self.pool = pool
        self.by_sha: dict[str, list[_Item]] = {}
        for item in items:
            if item.sha256 and not item.outcome.error:
                self.by_sha.setdefault(item.sha256, []).append(item)
        self.items = items
        self.options = options
        self.waiting: list[tuple[list[_Item], Reading | None, Future]] = []
        self.touched: set[int] = set()
        self.promise: Path | None = None
        self.linked_at = time.monotonic()

    def add(self, shas: Iterable[str], read_result: Reading | EvidenceError | None = None) -> None:
        """Start storing the files of this content (`read_result`: its reading; None: content stored before)."""
        for sha in shas:
            group = [item for item in self.by_sha.get(sha, []) if not item.outcome.error]
            if not group:
                continue
            if isinstance(read_result, EvidenceError):
                for item in group:
                    item.outcome.error = str(read_result)
                continue
            if self.promise is None:  # the index is promised the change before the first one is made
                try:
                    self.promise = writers.note_pending(self.store_.locks_dir, None)
                except OSError as exc:
                    raise disk_error(exc, self.store_.locks_dir) from None
            self.waiting.append((group, read_result, self.pool.submit(self._put_blobs, group, read_result)))
            if read_result is not None:  # analysed for the index now, while the workers read on
                search.prepare_document(nfc(group[0].path.name), _new_metadata(read_result, sha), nfc(read_result.text))

    def _put_blobs(self, group: list[_Item], reading: Reading | None) -> list[BaseException | None]:
        """(in a thread) The originals of files of the same content, one after the other; per file, what failed."""
        failures: list[BaseException | None] = []
        for item in group:
            try:
                _put_blob(self.store_, item, reading)
                failures.append(None)
            except (EvidenceError, OSError) as exc:
                failures.append(exc)
        return failures

    def link_ready(self, *, wait: bool = False) -> None:
        """Link the files whose originals are on disk, at most once every LINK_EVERY_SECONDS (one commit, so one
        fsync of the database, for all of them); with `wait`, all of them now, once their writes are done."""
        if not wait and time.monotonic() - self.linked_at < LINK_EVERY_SECONDS:
            return
        ready = [entry for entry in self.waiting if wait or entry[2].done()]
        if not ready:
            return
        self.linked_at = time.monotonic()
        self.waiting = [entry for entry in self.waiting if entry not in ready]
        disk_full: DiskFull | None = None
        linked: list[_Item] = []
        try:
            with self.store_.transaction() as conn:
                for group, reading, future in ready:
                    for item, failure in zip(group, future.result()):
                        if isinstance(failure, DiskFull):
                            disk_full = disk_full or DiskFull(str(failure).split(": ", 1)[-1], path=item.path)
                        if failure is not None:
                            item.outcome.error = _store_error(item, failure)
                            continue
                        conn.execute("SAVEPOINT link_file")
                        try:
                            _link(self.store_, self.campaign_id, item, reading, **self.options)
                        except (EvidenceError, OSError) as exc:
                            conn.execute("ROLLBACK TO link_file")  # this file's rows only
                            conn.execute("RELEASE link_file")
                            item.outcome.error = _store_error(item, exc)
                        else:
                            conn.execute("RELEASE link_file")
                            linked.append(item)
        except BaseException:  # the transaction was rolled back (a disk full, a database error): nothing linked
            for item in linked:
                item.outcome.evidence_id, item.outcome.link_id, item.outcome.linked = None, None, False
                item.outcome.error = f"{item.path}: not stored (the batch stopped)"
            raise
        self.touched.update(i.outcome.evidence_id for i in linked if i.outcome.evidence_id is not None)
        if disk_full is not None:  # every later file would fail the same way: stop the batch, say it in one line
            raise disk_full

    def finish(self) -> None:
        """Update the index for everything linked (also when the batch stopped early), then drop the promise."""
        if self.promise is None:
            return
        if not self.touched or _reindex(self.store_, sorted(self.touched), self.items):
            writers.clear_pending(self.promise)


def _store_error(item: _Item, exc: BaseException) -> str:
    if isinstance(exc, EvidenceError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{item.path}: cannot store ({exc.strerror or exc})"
    return f"{item.path}: cannot store ({type(exc).__name__}: {exc})"


def _store_and_link(
    store: Store,
    campaign_id: str,
    item: _Item,
    reading: Reading | None,
    *,
    pages,
    note,
    by,
    pending: tuple[str, int | None] | None = None,
) -> None:
    """Store the original (when new) and link it. `pending` = (format, pages): a record not read yet, inserted
    as such for the background reader (catalog/jobs.py)."""
    _put_blob(store, item, reading, pending=pending)
    _link(store, campaign_id, item, reading, pages=pages, note=note, by=by, pending=pending)


def _put_blob(store: Store, item: _Item, reading: Reading | None, *, pending=None) -> None:
    """The original on disk (written, fsynced, renamed into place, its folder fsynced), when it is new or its
    copy is missing: what must hold before the transaction that refers to it (_link)."""
    outcome = item.outcome
    assert item.sha256 is not None  # hashed by the preflight of _run
    if reading is not None or pending is not None:
        stored = store.blobs.put_file(item.path, max_bytes=config.MAX_FILE_BYTES)
        if stored.sha256 != item.sha256:
            raise InputError("the file changed while it was being read; try again", path=item.path)
        outcome.stored = stored.created
        outcome.warnings = list(reading.metadata.get("warnings") or []) if reading is not None else []
    elif not store.blobs.exists(item.sha256):
        # known in the database but its original is gone: restore it from this upload
        store.blobs.put_file(item.path, max_bytes=config.MAX_FILE_BYTES)
        outcome.stored = True


def _link(
    store: Store,
    campaign_id: str,
    item: _Item,
    reading: Reading | None,
    *,
    pages,
    note,
    by,
    pending: tuple[str, int | None] | None = None,
) -> None:
    """The record (when new) and its link, in one transaction (joined to the caller's when it has one open),
    with their events. The original is on disk already (_put_blob)."""
    outcome = item.outcome
    assert item.sha256 is not None
    filename = nfc(item.path.name)
    stamp = now_iso()
    with store.transaction() as conn:
        row = conn.execute("SELECT id FROM evidence WHERE sha256 = ?", (item.sha256,)).fetchone()
        if row is None and reading is None and pending is not None:
            metadata = empty_metadata()
            metadata.update({"sha256": item.sha256, "format": pending[0], "pages": pending[1]})
            cursor = conn.execute(
                "INSERT INTO evidence(sha256, size, filename, format, pages, metadata, read_status, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id",
                (
                    item.sha256,
                    item.path.stat().st_size,
                    filename,
                    pending[0],
                    pending[1],
                    dumps(metadata),
                    stamp,
                    stamp,
                ),
            )
            evidence_id = cursor.fetchone()[0]
        elif row is None:
            if reading is None:  # raced with a delete; nothing sensible to link
                raise InputError("the stored copy disappeared; attach again", path=item.path)
            metadata = _new_metadata(reading, item.sha256)
            cursor = conn.execute(
                "INSERT INTO evidence(sha256, size, filename, format, pages, text_source, metadata, text,"
                " reader_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    item.sha256,
                    item.path.stat().st_size,
                    filename,
                    reading.format,
                    reading.pages,
                    reading.text_source,
                    dumps(metadata),
                    nfc(reading.text),
                    _reader_version(),
                    stamp,
                    stamp,
                ),
            )
            evidence_id = cursor.fetchone()[0]
        else:
            evidence_id = row["id"]
        if row is None:  # a new record (read, or pending its reading): its event, in the same transaction
            chain.record_row_event(conn, chain.EVIDENCE_STORED, "evidence", evidence_id, by)
        cursor = conn.execute(
            "INSERT INTO links(evidence_id, campaign_id, unit_code, criterion_code, filename, pages,"
            " note, linked_by, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                evidence_id,
                campaign_id,
                item.target.unit,
                item.target.criterion,
                filename,
                pages,
                nfc(note) if note else None,
                by,
                stamp,
            ),
        )
        outcome.linked = cursor.rowcount == 1
        link = conn.execute(
            "SELECT id FROM links WHERE evidence_id = ? AND campaign_id = ? AND unit_code = ? AND criterion_code = ?",
            (evidence_id, campaign_id, item.target.unit, item.target.criterion),
        ).fetchone()
        if outcome.linked:
            chain.record_row_event(conn, chain.LINK, "links", link["id"], by)
    outcome.evidence_id = evidence_id
    outcome.sha256 = item.sha256
    outcome.link_id = link["id"]
    if not outcome.linked:
        outcome.warnings.append("already_linked")


def _new_metadata(reading: Reading, sha256: str) -> dict:
    """The metadata column of a record made from this reading."""
    metadata = empty_metadata()
    metadata.update({k: reading.metadata.get(k) for k in METADATA_KEYS if k in reading.metadata})
    metadata["sha256"] = sha256
    return metadata


def _reader_version() -> int | None:
    return getattr(reading, "READER_VERSION", None)


def _reindex(store: Store, evidence_ids: list[int], items: list[_Item]) -> bool:
    """Bring the search index up to date for these records. The database is the source of truth: when the
    index cannot be updated, say so; the next index write, `verify --repair` or `index rebuild` repairs it."""
    try:
        search.index_evidence(store, evidence_ids)
    except EvidenceError as exc:
        for item in items:
            if item.outcome.evidence_id in evidence_ids:
                item.outcome.warnings.append(f"index_not_updated: {exc}")
        return False
    return True
