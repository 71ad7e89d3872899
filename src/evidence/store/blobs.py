"""Content-addressed originals: blobs/ab/cd/<sha256>, immutable, written atomically.

A blob is first written to tmp/ on the same file system, fsynced, then renamed into place, so a crash can
leave at most a stray temporary file, never a half-written blob. A temporary is named after its writer's pid
and that writer holds a lock while it lives (writers.py): the next write removes a dead writer's temporaries,
`evidence verify` lists them and `verify --repair` removes them, whatever their age.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from collections.abc import Iterator

from ..errors import DiskFull, InputError, StoreError
from . import writers

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    created: bool  # False when the same content was already stored


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobStore:
    def __init__(self, root: Path):
        self.root = root / "blobs"
        self.tmp = root / "tmp"
        self.locks = root / "locks"

    def ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_file(self, source: Path, *, max_bytes: int | None = None) -> StoredBlob:
        with open(source, "rb") as handle:
            return self.put_stream(handle, max_bytes=max_bytes, name=str(source))

    def put_stream(self, stream: BinaryIO, *, max_bytes: int | None = None, name: str = "upload") -> StoredBlob:
        self.ensure()
        pid = writers.hold_writer_lock(self.locks)
        self.remove_stray_temporaries()
        digest = hashlib.sha256()
        size = 0
        try:
            fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix=f"blob-{pid}-", suffix=".part")
        except OSError as exc:
            raise StoreError(f"cannot write into the store ({exc.strerror or exc})", path=self.tmp) from None
        tmp_path = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise InputError(f"file is larger than {max_bytes // (1024 * 1024)} MB", path=name)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            dest = self.path(sha)
            if dest.is_file():
                tmp_path.unlink()
                return StoredBlob(sha, size, created=False)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp_path, 0o444)
            os.replace(tmp_path, dest)
            _fsync_dir(dest.parent)
            return StoredBlob(sha, size, created=True)
        except OSError as exc:
            tmp_path.unlink(missing_ok=True)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise disk_error(exc, name) from None
            raise
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise

    def hash_file(self, sha256: str) -> str:
        digest = hashlib.sha256()
        with open(self.path(sha256), "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def all_hashes(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/??/*"):
            if path.is_file():
                yield path.name

    def temporaries(self) -> list[Path]:
        return sorted(self.tmp.glob("*.part")) if self.tmp.is_dir() else []

    def stray_temporaries(self) -> list[Path]:
        """Temporaries whose writer is gone (killed, crashed): nothing will ever finish them."""
        return [p for p in self.temporaries() if writers.is_leftover(self.locks, p)]

    def remove_stray_temporaries(self) -> list[Path]:
        removed = []
        for path in self.stray_temporaries():
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError:
                continue  # a read-only store: verify reports it
            removed.append(path)
        return removed


def disk_error(exc: OSError, name: object) -> StoreError:
    """A write into the store that failed: one line naming the file and what to do."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(
            "the store's disk is full; nothing of this file was stored — free some space "
            "(or move the store to a larger disk) and run the command again",
            path=name,
        )
    return StoreError(
        f"cannot write into the store ({exc.strerror or exc}); nothing of this file was stored", path=name
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
