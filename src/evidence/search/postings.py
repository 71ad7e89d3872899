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
from functools import lru_cache
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate
from pathlib import Path


from .storage import open_index
from .lazy_numpy import np

FIELDS = ("words_f", "words_a", "subject_f", "subject", "link", "type", "issued")
SUFFIX = ".evpost1"
MAGIC = b"EVPOST1\n"
_HEADER = struct.Struct("<Q")  # length of the JSON header that follows the magic
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
        except (ValueError, KeyError, TypeError, AttributeError, struct.error) as exc:
            self.close()
            raise ValueError(f"{path.name}: {exc}") from None
        self._lookup: dict[str, dict[str, int]] = {}

    def _parse(self, segment_id: str, doc_count: int) -> dict[str, tuple]:
        """field → (terms, starts, ids, weights), after checking that the file is whole and this segment's."""
        buf = self._map
        if buf[: len(MAGIC)] != MAGIC:
            raise ValueError("not a postings file")
        (size,) = _HEADER.unpack_from(buf, len(MAGIC))
        header = json.loads(bytes(buf[len(MAGIC) + _HEADER.size : len(MAGIC) + _HEADER.size + size]))
        if not isinstance(header, dict) or header.get("segment") != segment_id or header.get("doc_count") != doc_count:
            raise ValueError("written for another segment")
        out = {}
        for name, part in header["fields"].items():
            n_terms, n_postings = int(part["terms"]), int(part["postings"])
            raw = bytes(buf[part["terms_at"] : part["terms_at"] + part["terms_bytes"]]).decode("utf-8")
            terms = raw.split("\n") if n_terms else []
            starts = np.frombuffer(buf, dtype=np.int64, count=n_terms + 1, offset=part["starts_at"])
            ids = np.frombuffer(buf, dtype=np.int32, count=n_postings, offset=part["ids_at"])
            weights = np.frombuffer(buf, dtype=np.float32, count=n_postings, offset=part["weights_at"])
            if (
                len(terms) != n_terms
                or starts[0] != 0
                or starts[-1] != n_postings
                or (n_postings and (ids.min() < 0 or ids.max() >= doc_count))
            ):
                raise ValueError(f"field {name} is damaged")
            out[name] = (terms, starts, ids, weights)
        return out

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
            return _empty()
        return ids[starts[i] : starts[i + 1]], weights[starts[i] : starts[i + 1]]

    def range_ids(self, fieldname: str, low: str | None, high: str | None) -> np.ndarray | None:
        """Document numbers of every term from `low` to `high` (both included; None: open). The terms are sorted
        and their postings stored in that order, so a range of terms is one slice."""
        found = self._fields.get(fieldname)
        if found is None:
            return None
        terms, starts, ids, _ = found
        lo = bisect_left(terms, low) if low is not None else 0
        hi = bisect_right(terms, high) if high is not None else len(terms)
        return ids[starts[lo] : starts[hi]] if hi > lo else _empty()[0]

    def close(self) -> None:
        self._fields = {}
        self._lookup = {}
        try:
            self._map.close()
        except BufferError:  # arrays still point into it: the mapping goes when they do
            pass


@lru_cache(maxsize=1)
def _empty() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)


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


def add_missing(index_dir: Path, capture: Capture | None = None) -> int:
    """Write the file of every segment of the index in `index_dir` that lacks a usable one (the caller holds the
    writer lock): the segment the writer of `capture` just committed from its captured postings, the others by
    decoding them. Returns how many were written. Segments are read unmapped (storage.py), which also keeps a
    rebuild's memory bounded."""
    from whoosh.reading import SegmentReader

    ix = open_index(index_dir)
    written = 0
    captured = capture.segment_id() if capture is not None else None
    try:
        schema = ix.schema
        for segment in ix._segments():
            if _written_for(index_dir, segment):
                continue
            if capture is not None and segment.segment_id() == captured:
                capture.write(index_dir, segment)
                written += 1
                continue
            reader = SegmentReader(ix.storage, schema, segment)
            try:
                write(index_dir, reader)
            finally:
                reader.close()
            written += 1
    finally:
        ix.close()
    return written


def segments_without_file(index_dir: Path) -> tuple[int, int]:
    """(segments, segments lacking a usable file) of the index in `index_dir`, for `index check`."""
    ix = open_index(index_dir)
    try:
        segments = ix._segments()
        return len(segments), sum(not _usable(index_dir, s) for s in segments)
    finally:
        ix.close()


def _written_for(index_dir: Path, segment) -> bool:
    """Whether the segment's file is there and says it is this segment's: what a write checks for each segment
    (reading the header only; the whole file is checked when a search maps it, and `index check` checks it).
    A damaged file is then decoded around by the searches and reported by `index check`."""
    try:
        with open(file_for(index_dir, segment.segment_id()), "rb") as f:
            head = f.read(len(MAGIC) + _HEADER.size)
            if head[: len(MAGIC)] != MAGIC:
                return False
            (size,) = _HEADER.unpack_from(head, len(MAGIC))
            header = json.loads(f.read(size))
            length = os.fstat(f.fileno()).st_size
        if not (
            isinstance(header, dict)
            and header.get("segment") == segment.segment_id()
            and header.get("doc_count") == segment.doc_count_all()
        ):
            return False
        ends = [int(part["weights_at"]) + 4 * int(part["postings"]) for part in header["fields"].values()]
        return length >= max(ends, default=0)  # not truncated
    except (OSError, ValueError, KeyError, TypeError, AttributeError, struct.error):
        return False


def _usable(index_dir: Path, segment) -> bool:
    try:
        SegmentPostings(
            file_for(index_dir, segment.segment_id()), segment.segment_id(), segment.doc_count_all()
        ).close()
        return True
    except (OSError, ValueError):
        return False


def write(index_dir: Path, reader) -> Path:
    """Decode FIELDS of one segment and write its file (temporary name, fsync, rename), one field at a time so
    only one field's postings are in memory."""
    names = [name for name in FIELDS if name in reader.schema]
    fields = ((name, _decoded_terms(reader, name)) for name in names)
    return _write_file(index_dir, reader.segment().segment_id(), reader.doc_count_all(), fields)


def _write_file(index_dir: Path, segment_id: str, doc_count: int, fields) -> Path:
    """The file of a segment from (field, its (term, ids, weights) in term order) pairs."""
    path = file_for(index_dir, segment_id)
    header: dict = {"segment": segment_id, "doc_count": doc_count, "fields": {}}
    slot = 256 + 256 * len(FIELDS)  # room for the header, written last (its offsets are known by then)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(b"\0" * _align(len(MAGIC) + _HEADER.size + slot))
            for name, terms in fields:
                header["fields"][name] = _write_field(f, name, terms)
            head = json.dumps(header).encode("utf-8")
            if len(head) > slot:
                raise ValueError("postings file header too long")  # cannot happen with FIELDS as they are
            f.seek(0)
            f.write(MAGIC + _HEADER.pack(len(head)) + head)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _decoded_terms(reader, name: str):
    for raw in reader.lexicon(name):
        term = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        yield (term, *decode_term(reader, name, term))


def _write_field(f, name: str, items) -> dict:
    terms, starts, ids, weights = [], array("q", [0]), array("i"), array("f")
    for term, term_ids, term_weights in items:
        if "\n" in term:  # the separator of the terms list; no analyzer of FIELDS makes one
            raise ValueError(f"field {name}: a term holds a line break")
        terms.append(term)
        ids.extend(term_ids)
        weights.extend(term_weights)
        starts.append(len(ids))
    entry = {"terms": len(terms), "postings": len(ids)}
    blob = "\n".join(terms).encode("utf-8")
    entry["terms_bytes"] = len(blob)
    for key, data in (("terms", blob), ("starts", starts), ("ids", ids), ("weights", weights)):
        at = _align(f.tell())
        f.write(b"\0" * (at - f.tell()))
        entry[f"{key}_at"] = at
        if isinstance(data, array):
            data.tofile(f)
        else:
            f.write(data)
    return entry


class Capture:
    """The postings of FIELDS as a Whoosh segment writer adds them (its pool's `add`), so that the new segment's
    file is written from them after the commit instead of decoding the segment just written (the same bytes;
    a third of the cost of a small write). Gives up, and leaves the file to `add_missing`, past MAX_CAPTURED
    postings (memory stays bounded) or when the writer is not a plain single-process segment writer."""

    MAX_CAPTURED = 2_000_000

    def __init__(self, writer):
        self.writer = writer
        self.terms: dict[str, dict[bytes, tuple[array, array]]] | None = None
        self.count = 0
        pool = getattr(writer, "pool", None)
        if pool is None or getattr(writer, "docbase", None) != 0 or not hasattr(writer, "newsegment"):
            return
        self.terms = {name: {} for name in FIELDS if name in writer.schema}
        add = pool.add
        wanted = self.terms

        def capture(item):
            add(item)
            fieldname, tbytes, docnum, weight, _vbytes = item
            found = wanted.get(fieldname) if self.terms is not None else None
            if found is None:
                return
            entry = found.get(tbytes)
            if entry is None:
                entry = found[tbytes] = (array("i"), array("f"))
            entry[0].append(docnum)
            entry[1].append(weight)
            self.count += 1
            if self.count > self.MAX_CAPTURED:
                self.terms = None
                wanted.clear()

        pool.add = capture

    def segment_id(self) -> str | None:
        return self.writer.newsegment.segment_id() if self.terms is not None else None

    def write(self, index_dir: Path, segment) -> Path:
        """After the commit: the file of the new segment (`segment`, as the committed index lists it)."""
        assert self.terms is not None
        fields = (
            (name, ((raw.decode("utf-8"), ids, ws) for raw, (ids, ws) in sorted(terms.items())))
            for name, terms in self.terms.items()
        )
        return _write_file(index_dir, segment.segment_id(), segment.doc_count_all(), fields)


def _align(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN


def decode_term(reader, fieldname: str, text: str) -> tuple[array, array]:
    """All (ids, weights) of a term in one segment, deleted documents included (the fast path masks them): the
    segment's own matcher, not `reader.postings()`, whose deletion filter has already stepped past the first
    deleted postings when it is made."""
    terms = getattr(reader, "_terms", None)
    if terms is not None and hasattr(reader, "_text_to_bytes"):
        matcher = terms.matcher(fieldname, reader._text_to_bytes(fieldname, text), reader.schema[fieldname].format)
    else:
        matcher = reader.postings(fieldname, text)
    return decode(matcher)


def decode(m) -> tuple[array, array]:
    """All (ids, weights) of a term's Whoosh matcher, a whole block at a time when it is Whoosh's on-disk
    matcher (about 40 µs a block of 128; the slow path this module exists to avoid at search time)."""
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
