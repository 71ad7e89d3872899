"""Content-addressed originals: blobs/ab/cd/<sha256>, immutable, written atomically.

A blob is first written to tmp/ on the same file system, fsynced, then renamed into place, so a crash can
leave at most a stray temporary file (removed by `evidence verify --repair`), never a half-written blob.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from collections.abc import Iterator

from ..errors import InputError

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
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="blob-", suffix=".part")
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

    def stray_temporaries(self) -> list[Path]:
        return sorted(self.tmp.glob("*.part")) if self.tmp.is_dir() else []


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
