"""Decoded postings beside each index segment, for the fast search path (fast.py).

Whoosh keeps a term's postings in pickled, compressed blocks of 128 and decodes them in Python, about half a
microsecond a posting. A common Vietnamese syllable has a posting in nearly every document, so at 50,000
documents one word of a query cost some 25 ms before anything was matched. So, when a writer commits, the
postings of the fields the fast path reads (FIELDS) are decoded once per segment and written beside it as flat
arrays, which a search maps into memory and slices: no decoding at all.

The file is derived data, checked on load. A segment never changes once written (deletions are kept apart and
masked by the fast path), so its file stays right as long as the segment exists, and Whoosh's own clean-up
deletes it with the segment: the name, `<segment id>.evpost1`, matches Whoosh's segment file pattern. A segment
without a usable file (say a write stopped between its commit and this step) is decoded the slow way; the next
write or rebuild adds the file.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate
from pathlib import Path

import numpy as np

FIELDS = ("words_f", "words_a", "subject_f", "subject", "link", "type", "issued")
SUFFIX = ".evpost1"
MAGIC = b"EVPOST1\n"
_HEADER = struct.Struct("<Q")   # length of the JSON header that follows the magic
_ALIGN = 8


def file_for(index_dir: Path, segment_id: str) -> Path:
    return Path(index_dir) / f"{segment_id}{SUFFIX}"


class SegmentPostings:
    """One segment's file, mapped read-only: per field, the sorted terms and each term's slice of two flat
    arrays (document numbers within the segment, int32; weights, float32)."""

    def __init__(self, path: Path, segment_id: str, doc_count: int):
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            self._fields = self._parse(segment_id, doc_count)
        except (ValueError, KeyError, TypeError, struct.error) as exc:
            self.close()
            raise ValueError(f"{path.name}: {exc}") from None
        self._lookup = {}

    def _parse(self, segment_id: str, doc_count: int) -> dict[str, tuple[list[str], np.ndarray, np.ndarray, np.ndarray]]:
        buf = self._map
        if buf[:len(MAGIC)] != MAGIC:
            raise ValueError("not a postings file")
        (size,) = _HEADER.unpack_from(buf, len(MAGIC))
        header = json.loads(bytes(buf[len(MAGIC) + _HEADER.size:len(MAGIC) + _HEADER.size + size]))
        if header.get("segment") != segment_id or header.get("doc_count") != doc_count:
            raise ValueError("written for another segment")
        out = {}
        for name, part in header["fields"].items():
            n_terms, n_postings = int(part["terms"]), int(part["postings"])
            terms = bytes(buf[part["terms_at"]:part["terms_at"] + part["terms_bytes"]]).decode("utf-8")
            terms = terms.split("\n") if n_terms else []
            starts = np.frombuffer(buf, dtype=np.int64, count=n_terms + 1, offset=part["starts_at"])
            ids = np.frombuffer(buf, dtype=np.int32, count=n_postings, offset=part["ids_at"])
            weights = np.frombuffer(buf, dtype=np.float32, count=n_postings, offset=part["weights_at"])
            if len(terms) != n_terms or starts[0] != 0 or starts[-1] != n_postings or (
                    n_postings and (ids.min() < 0 or ids.max() >= doc_count)):
                raise ValueError(f"field {name} is damaged")
            out[name] = (terms, starts, ids, weights)
        return out

    def has(self, fieldname: str) -> bool:
        return fieldname in self._fields

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(document numbers, weights) of a term; None when the field is not in the file."""
        found = self._fields.get(fieldname)
        if found is None:
            return None
        terms, starts, ids, weights = found
        lookup = self._lookup.get(fieldname)
        if lookup is None:
            lookup = self._lookup[fieldname] = {t: i for i, t in enumerate(terms)}
        i = lookup.get(text)
        if i is None:
            return _EMPTY
        return ids[starts[i]:starts[i + 1]], weights[starts[i]:starts[i + 1]]

    def range_ids(self, fieldname: str, low: str | None, high: str | None) -> np.ndarray | None:
        """Document numbers of every term from `low` to `high` (both included; None: open). The terms are sorted
        and their postings stored in that order, so a range of terms is one slice."""
        found = self._fields.get(fieldname)
        if found is None:
            return None
        terms, starts, ids, _ = found
        lo = bisect_left(terms, low) if low is not None else 0
        hi = bisect_right(terms, high) if high is not None else len(terms)
        return ids[starts[lo]:starts[hi]] if hi > lo else _EMPTY[0]

    def close(self) -> None:
        self._fields = {}
        self._lookup: dict[str, dict[str, int]] = {}
        try:
            self._map.close()
        except BufferError:  # arrays still point into it: the mapping goes when they do
            pass


_EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


def load(index_dir: Path, reader) -> SegmentPostings | None:
    """The file of a segment reader, or None when it has none (or a damaged one: the caller decodes instead)."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:
        return None
    path = file_for(index_dir, segment.segment_id())
    try:
        return SegmentPostings(path, segment.segment_id(), reader.doc_count_all())
    except (OSError, ValueError):
        return None


def add_missing(index_dir: Path) -> int:
    """Write the file of every segment of the index in `index_dir` that lacks a usable one (the caller holds the
    writer lock). Returns how many were written."""
    from whoosh import index as windex
    ix = windex.open_dir(str(index_dir))
    written = 0
    top = ix.reader()
    try:
        for reader, _ in top.leaf_readers():
            if getattr(reader, "segment", lambda: None)() is None:  # an empty index
                continue
            existing = load(index_dir, reader)
            if existing is not None:
                existing.close()
                continue
            write(index_dir, reader)
            written += 1
    finally:
        top.close()
        ix.close()
    return written


def write(index_dir: Path, reader) -> Path:
    """Decode FIELDS of one segment and write its file (temporary name, fsync, rename)."""
    segment_id = reader.segment().segment_id()
    path = file_for(index_dir, segment_id)
    parts = []
    for name in FIELDS:
        if name not in reader.schema:
            continue
        terms, starts, ids, weights = [], array("q", [0]), array("i"), array("f")
        for raw in reader.lexicon(name):
            term = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            if "\n" in term:  # the separator of the terms list; no analyzer of FIELDS makes one
                raise ValueError(f"field {name}: a term holds a line break")
            term_ids, term_weights = decode(reader.postings(name, term))
            terms.append(term)
            ids.extend(term_ids)
            weights.extend(term_weights)
            starts.append(len(ids))
        parts.append((name, "\n".join(terms).encode("utf-8"), len(terms), starts, ids, weights))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    header: dict = {"segment": segment_id, "doc_count": reader.doc_count_all(), "fields": {}}
    # the header's offsets depend on its own length: lay the data out after a generous fixed-size header slot
    slot = 256 + 256 * len(parts)
    at = _align(len(MAGIC) + _HEADER.size + slot)
    blobs = []
    for name, terms_blob, n_terms, starts, ids, weights in parts:
        entry = {"terms": n_terms, "postings": len(ids)}
        for key, blob in (("terms", terms_blob), ("starts", starts.tobytes()), ("ids", ids.tobytes()),
                          ("weights", weights.tobytes())):
            entry[f"{key}_at"] = at
            if key == "terms":
                entry["terms_bytes"] = len(blob)
            blobs.append((at, blob))
            at = _align(at + len(blob))
        header["fields"][name] = entry
    head = json.dumps(header).encode("utf-8")
    if len(head) > slot:
        raise ValueError("postings file header too long")  # cannot happen with FIELDS as they are
    try:
        with open(tmp, "wb") as f:
            f.write(MAGIC + _HEADER.pack(len(head)) + head)
            for offset, blob in blobs:
                f.write(b"\0" * (offset - f.tell()))
                f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _align(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN


def decode(m) -> tuple[array, array]:
    """All (ids, weights) of a term's Whoosh matcher, a whole block at a time when it is Whoosh's on-disk
    matcher (about 40 µs a block of 128; the slow path this module exists to avoid at search time)."""
    while not hasattr(m, "_read_data") and hasattr(m, "child"):  # a deletion filter: deletions are masked later
        m = m.child
    ids = array("i")
    ws = array("f")
    if not hasattr(m, "_read_data"):
        while m.is_active():
            ids.append(m.id())
            ws.append(m.weight())
            m.next()
        return ids, ws
    while m.is_active():
        m._read_data()
        block_ids, block_ws = m._data[0], m._data[1]
        ids.extend(accumulate(block_ids))
        if block_ws is None:
            ws.extend([1.0] * len(block_ids))
        elif isinstance(block_ws, (int, float)):
            ws.extend([float(block_ws)] * len(block_ids))
        else:
            ws.extend(block_ws)
        m._next_block()
    return ids, ws
