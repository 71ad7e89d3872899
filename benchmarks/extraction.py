"""Extraction accuracy and speed of the reader on labelled folders.

    python benchmarks/extraction.py                      # every folder of ../shared/corpus with labels.csv + generated set
    python benchmarks/extraction.py --corpus DIR         # one folder with labels.csv, or a folder of such folders
    python benchmarks/extraction.py --generated-only     # only the born-digital documents the tests generate
    python benchmarks/extraction.py --cache DIR          # keep the readings (page texts, signatures) and reuse them:
                                                         # re-scores header parsing without OCRing again

Prints per-field accuracy (number exact, symbol = the part after the first '/', type_code, issuer, issued_on exact
and within the right month, summary, place, signer) per folder, per document kind (doc_kind of labels.csv:
born-digital-signed, scan-signed, scan, docx, doc …) and over the whole corpus; seconds per page for text-layer
pages and OCR pages (the second OCR engine on header zones included); peak memory of one reader process.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from evidence.errors import ReadError  # noqa: E402
from evidence.reading import read_many  # noqa: E402
from evidence.reading.header import extract_metadata  # noqa: E402
from evidence.vn.text import fold, nfc, squash_spaces  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
HEADER_KEYS = {
    "number",
    "type_code",
    "type_name",
    "issuer",
    "parent_issuer",
    "place",
    "issued_on",
    "date_source",
    "summary",
    "signer_title",
    "signer_name",
    "issued_on_estimated",
    "sources",
    "confidence",
    "candidates",
}
FIELDS = ["number", "symbol", "type_code", "issuer", "issued_on", "issued_month", "summary", "place", "signer_name"]


def _norm(value) -> str:
    return squash_spaces(nfc(str(value or ""))).strip()


def _loose(value) -> str:
    return fold(_norm(value)).lower().replace("–", "-").replace("“", '"').replace("”", '"').strip(" .")


def compare(field: str, got: dict, want: dict) -> bool:
    if field == "symbol":
        g, w = _norm(got.get("number")), _norm(want.get("number"))
        return g.split("/", 1)[-1] == w.split("/", 1)[-1]
    if field == "issued_month":
        return (got.get("issued_on") or "")[:7] == (want.get("issued_on") or "")[:7]
    if field == "summary":
        return _loose(got.get("summary")) == _loose(want.get("summary"))
    if field in ("issuer", "place", "signer_name"):
        return _loose(got.get(field)) == _loose(want.get(field))
    return _norm(got.get(field)) == _norm(want.get(field))


def read_labels(folder: Path) -> dict[str, dict]:
    with open(folder / "labels.csv", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def run(
    folder: Path, labels: dict[str, dict], *, cache: Path | None, jobs: int | None, ocr: bool, title: str, verbose: bool
) -> dict:
    files = [folder / name for name in labels]
    readings: dict[str, dict] = {}
    todo = []
    for path in files:
        cached = cache / (path.name + ".json") if cache else None
        if cached and cached.is_file():
            readings[path.name] = json.loads(cached.read_text(encoding="utf-8"))
        else:
            todo.append(path)
    started = time.monotonic()
    for path, result in read_many(todo, ocr=ocr, jobs=jobs, timeout=900):
        if isinstance(result, ReadError):
            print(f"  {path.name}: {result}", file=sys.stderr)
            readings[path.name] = {"error": str(result)}
            continue
        record = {
            "page_texts": result.page_texts,
            "signatures": result.metadata["signatures"],
            "metadata": result.metadata,
            "seconds": result.seconds,
            "ocr_seconds": result.ocr_seconds,
            "ocr_pages": result.ocr_pages,
            "pages": result.pages,
            "sources": result.text_source,
            "zones": result.zones,
            "page_sources": _page_sources(result),
        }
        readings[path.name] = record
        if cache:
            cache.mkdir(parents=True, exist_ok=True)
            (cache / (path.name + ".json")).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        print(f"  read {path.name}: {result.pages} p, {result.seconds:.1f} s", file=sys.stderr)
    wall = time.monotonic() - started

    hits = {field: 0 for field in FIELDS}
    by_kind: dict[str, dict[str, int]] = {}
    all_pages = other_seconds = ocr_pages = ocr_seconds = 0.0
    failures: list[str] = []
    for name, want in labels.items():
        record = readings.get(name, {})
        if "error" in record or not record:
            failures.append(f"{name}: unreadable")
            continue
        # re-run the header parser on the stored texts (fast; picks up parser changes when --cache is used)
        # the stored header keys are dropped first: a key the parser no longer sets must not survive from the cache
        base = {key: value for key, value in record["metadata"].items() if key not in HEADER_KEYS}
        base.update(
            extract_metadata(
                record["page_texts"],
                signatures=record["signatures"],
                zones=record.get("zones") or (),
                page_sources=record.get("page_sources") or (),
            )
        )
        kind = by_kind.setdefault(want.get("doc_kind") or "?", {"n": 0, **{f: 0 for f in FIELDS}})
        kind["n"] += 1
        for field in FIELDS:
            ok = compare(field, base, want)
            hits[field] += ok
            kind[field] += ok
            if not ok and verbose:
                shown = "number" if field == "symbol" else ("issued_on" if field == "issued_month" else field)
                failures.append(f"{name} {field}: got {base.get(shown)!r} want {want.get(shown)!r}")
        ocr_pages += record["ocr_pages"]
        ocr_seconds += record["ocr_seconds"]
        all_pages += record["pages"]
        other_seconds += record["seconds"] - record["ocr_seconds"]
    total = len(labels)
    print(f"\n{title}: {total} documents" + (f", read in {wall:.0f} s wall" if todo else " (cached readings)"))
    print(f"{'field':<14}{'correct':>9}{'accuracy':>10}")
    for field in FIELDS:
        print(f"{field:<14}{hits[field]:>9}{100 * hits[field] / max(total, 1):>9.1f}%")
    if all_pages:
        print(
            f"seconds per page for everything but OCR (text layer, widgets, signatures, header): "
            f"{other_seconds / all_pages:.3f}  ({int(all_pages)} pages)"
        )
    if ocr_pages:
        print(
            f"seconds per OCR page (render + Tesseract, wall time inside one reader): "
            f"{ocr_seconds / ocr_pages:.2f}  ({int(ocr_pages)} pages OCRed)"
        )
    if todo and all_pages:
        print(f"throughput: {wall / all_pages:.2f} s of wall time per page with {jobs or 'all'} readers in parallel")
    if by_kind:
        print("per kind: " + "  ".join(f"{k}" for k in ("n",) + tuple(FIELDS)))
        for kind, row in sorted(by_kind.items()):
            print(
                f"  {kind:<20}" + " ".join(f"{f}={100 * row[f] / row['n']:.0f}%" for f in FIELDS) + f"  (n={row['n']})"
            )
    if verbose and failures:
        print("misses:")
        for line in failures:
            print("  " + line)
    return {"n": total, "hits": hits, "by_kind": by_kind, "ocr_pages": ocr_pages, "ocr_seconds": ocr_seconds}


def _page_sources(result) -> list[str]:
    """'text' or 'ocr' for page 1 (enough for the header fields' sources)."""
    return ["ocr" if result.text_source in ("ocr", "mixed") and result.ocr_pages else "text"]


def folders_of(path: Path) -> list[Path]:
    """The labelled folders: `path` itself when it has labels.csv, else its sub-folders that have one."""
    if (path / "labels.csv").is_file():
        return [path]
    return sorted(p for p in path.iterdir() if (p / "labels.csv").is_file()) if path.is_dir() else []


def print_total(results: dict[str, dict]) -> None:
    total = sum(r["n"] for r in results.values())
    if not total:
        return
    print(f"\nwhole corpus ({', '.join(results)}): {total} documents")
    for field in FIELDS:
        hit = sum(r["hits"][field] for r in results.values())
        print(f"{field:<14}{hit:>9}{100 * hit / total:>9.1f}%")
    kinds: dict[str, dict[str, int]] = {}
    for r in results.values():
        for kind, row in r["by_kind"].items():
            into = kinds.setdefault(kind, {"n": 0, **{f: 0 for f in FIELDS}})
            for key, value in row.items():
                into[key] += value
    print("per kind over the whole corpus:")
    for kind, row in sorted(kinds.items()):
        print(f"  {kind:<20}" + " ".join(f"{f}={100 * row[f] / row['n']:.0f}%" for f in FIELDS) + f"  (n={row['n']})")
    pages = sum(r["ocr_pages"] for r in results.values())
    if pages:
        print(
            f"seconds per OCR page over the corpus: {sum(r['ocr_seconds'] for r in results.values()) / pages:.2f}"
            f"  ({int(pages)} pages)"
        )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if peak:
        print(f"peak memory of one child process (max RSS over readers, Tesseract, LibreOffice): {peak:.0f} MB")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--generated-only", action="store_true")
    parser.add_argument("--corpus-only", action="store_true")
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--no-ocr", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if not args.generated_only:
        folders = folders_of(args.corpus)
        if not folders:
            print(f"no labelled corpus at {args.corpus}; skipped", file=sys.stderr)
        results = {}
        for folder in folders:
            cache = (args.cache / folder.name) if args.cache and len(folders) > 1 else args.cache
            results[folder.name] = run(
                folder,
                read_labels(folder),
                cache=cache,
                jobs=args.jobs,
                ocr=not args.no_ocr,
                title=f"corpus {folder.name}",
                verbose=args.verbose,
            )
        if len(results) > 1:
            print_total(results)
    if not args.corpus_only:
        from reading_samples import write_labelled_set

        with tempfile.TemporaryDirectory(prefix="evidence-bench-") as tmp:
            folder = Path(tmp)
            labels = write_labelled_set(folder)
            run(
                folder,
                labels,
                cache=None,
                jobs=args.jobs,
                ocr=not args.no_ocr,
                title="generated born-digital set",
                verbose=args.verbose,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
