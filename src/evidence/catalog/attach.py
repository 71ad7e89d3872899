"""Attaching evidence: store each original once (content-addressed), read it, and link it to a criterion of a
unit in a campaign, one file at a time or a whole folder (ingest).

Order of writes, so a crash never leaves a link to a missing or half-written blob: the blob is written
atomically first, then the evidence row and its link are inserted in one transaction. A crash in between
leaves at most an orphan blob, which `evidence verify` reports.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterable

from .. import config, reading, search
from ..store.blobs import sha256_of
from ..round.campaign import Campaign, load_campaign
from ..errors import EvidenceError, InputError
from ..reading import Reading, read_many
from ..records import METADATA_KEYS, empty_metadata
from ..store import Store, dumps, now_iso
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
    if not path.exists():
        raise InputError("no such file", path=path)
    if path.is_dir():
        raise InputError("is a directory, expected a file", path=path)
    if not path.is_file():
        raise InputError("not a regular file", path=path)
    size = path.stat().st_size
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


def plan_ingest(campaign: Campaign, root: Path) -> tuple[list[_Item], list[Outcome]]:
    """Files under DIR/<unit code>/<criterion code>/ (sub-folders below the criterion count for it)."""
    if not root.exists():
        raise InputError("no such directory", path=root)
    if not root.is_dir():
        raise InputError("not a directory (expected DIR/<unit>/<criterion>/<files>)", path=root)
    items: list[_Item] = []
    rejected: list[Outcome] = []
    unit_codes = [u.code for u in campaign.units]
    for unit_dir in sorted(root.iterdir()):
        if unit_dir.name.startswith("."):
            continue
        if not unit_dir.is_dir():
            rejected.append(Outcome(file=str(unit_dir), error="not inside a <unit>/<criterion>/ folder"))
            continue
        unit_code = nfc(unit_dir.name)
        if unit_code not in unit_codes:
            rejected.append(
                Outcome(file=str(unit_dir), error=f"unknown unit '{unit_code}'; " + did_you_mean(unit_code, unit_codes))
            )
            continue
        for criterion_dir in sorted(unit_dir.iterdir()):
            if criterion_dir.name.startswith("."):
                continue
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
            for path in sorted(p for p in criterion_dir.rglob("*") if not _hidden(p, criterion_dir)):
                if path.is_file():
                    items.append(_Item(path, target, Outcome(file=str(path), unit=unit_code, criterion=code)))
    return items, rejected


def _hidden(path: Path, base: Path) -> bool:
    return any(part.startswith((".", "~$")) for part in path.relative_to(base).parts)


def ingest_dir(
    store: Store,
    root: Path,
    *,
    campaign_id: str,
    by: str | None = None,
    ocr: bool = True,
    jobs: int | None = None,
    progress: ProgressFn | None = None,
) -> list[Outcome]:
    campaign = load_campaign(store, campaign_id)
    items, rejected = plan_ingest(campaign, Path(root))
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

    # 2. read new content in parallel (each file once, however often it appears in the batch)
    readings: dict[str, Reading | EvidenceError] = {}
    if to_read:
        by_path = {path: sha for sha, path in to_read.items()}
        for path, result in read_many(list(to_read.values()), ocr=ocr, jobs=jobs):
            readings[by_path[path]] = result
            if progress:
                progress(str(path))

    # 3. store and link, one transaction per file
    touched: set[int] = set()
    for item in items:
        if item.outcome.error:
            continue
        result = readings.get(item.sha256)
        if isinstance(result, EvidenceError):
            item.outcome.error = str(result)
            continue
        try:
            _store_and_link(store, campaign.id, item, result, pages=pages, note=note, by=by)
        except EvidenceError as exc:
            item.outcome.error = str(exc)
            continue
        touched.add(item.outcome.evidence_id)
    if touched:
        _reindex(store, sorted(touched), items)


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
    outcome = item.outcome
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
    filename = nfc(item.path.name)
    stamp = now_iso()
    with store.transaction() as conn:
        row = conn.execute("SELECT id FROM evidence WHERE sha256 = ?", (item.sha256,)).fetchone()
        if row is None and reading is None and pending is not None:
            metadata = empty_metadata()
            metadata.update({"sha256": item.sha256, "format": pending[0], "pages": pending[1]})
            cursor = conn.execute(
                "INSERT INTO evidence(sha256, size, filename, format, pages, metadata, read_status, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
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
            evidence_id = cursor.lastrowid
        elif row is None:
            if reading is None:  # raced with a delete; nothing sensible to link
                raise InputError("the stored copy disappeared; attach again", path=item.path)
            metadata = empty_metadata()
            metadata.update({k: reading.metadata.get(k) for k in METADATA_KEYS if k in reading.metadata})
            metadata["sha256"] = item.sha256
            cursor = conn.execute(
                "INSERT INTO evidence(sha256, size, filename, format, pages, text_source, metadata, text,"
                " reader_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            evidence_id = cursor.lastrowid
        else:
            evidence_id = row["id"]
        cursor = conn.execute(
            "INSERT OR IGNORE INTO links(evidence_id, campaign_id, unit_code, criterion_code, filename, pages,"
            " note, linked_by, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    outcome.evidence_id = evidence_id
    outcome.sha256 = item.sha256
    outcome.link_id = link["id"]
    if not outcome.linked:
        outcome.warnings.append("already_linked")


def _reader_version() -> int | None:
    return getattr(reading, "READER_VERSION", None)


def _reindex(store: Store, evidence_ids: list[int], items: list[_Item]) -> None:
    """Bring the search index up to date for these records. The database is the source of truth: when the
    index cannot be updated, say so; `evidence index check` finds and `index rebuild` repairs it."""
    try:
        search.index_evidence(store, evidence_ids)
    except EvidenceError as exc:
        for item in items:
            if item.outcome.evidence_id in evidence_ids:
                item.outcome.warnings.append(f"index_not_updated: {exc}")
