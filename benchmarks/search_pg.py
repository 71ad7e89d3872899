"""Search on PostgreSQL (server mode, issue 17): build time and p50/p95/max of a query mix at 50k and 200k
documents.

    EVIDENCE_DATABASE_URL=postgresql://… .venv/bin/python benchmarks/search_pg.py [--docs 50000,200000]
        [--workdir DIR] [--reuse] [--repeat 3]

For each size it creates the database `<name>_<size>` beside the one of the URL (or reuses it with --reuse),
generates the documents of benchmarks/search.py (the same vocabulary and sizes, ~11.7 KB of text on average)
straight into the evidence and links tables with COPY, builds the search table (`index rebuild`, timed), and
runs the query mix of benchmarks/search.py through `evidence.search.search` (parse, match, rank, snippets from
the database) `--repeat` times. The machine's load average is printed with the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import ISSUERS, TOPICS, TYPES, Writer, percentile, query_mix  # noqa: E402  (benchmarks/search.py)

from evidence.search import rebuild_index, search  # noqa: E402
from evidence.store import Store, dumps, now_iso  # noqa: E402


def database_url(base: str, size: int) -> str:
    parts = urlsplit(base)
    name = (parts.path.lstrip("/") or "evidence") + f"_bench_{size}"
    return urlunsplit(parts._replace(path="/" + name))


def create_database(base: str, url: str, *, reuse: bool) -> bool:
    """Create the database of `url` (dropping it first unless `reuse`); True when it already had documents."""
    import psycopg  # only the benchmark talks to the server directly (CREATE DATABASE, COPY)

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(base)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None
        if exists and reuse:
            return True
        if exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return False


def open_store(root: Path, url: str) -> Store:
    os.environ["EVIDENCE_DATABASE_URL"] = url
    return Store.init(root)


def generate(url: str, store: Store, n: int, seed: int = 7) -> dict:
    """`n` evidence records with their links, written with COPY (what benchmarks/search.py generates)."""
    import psycopg

    rng = random.Random(seed)
    writer = Writer(rng)
    campaign = "bench-2025"
    units = [f"U{i:02d}" for i in range(40)]
    criteria = [f"{a}.{b}" for a in range(1, 9) for b in range(1, 6)]
    start = date(2024, 12, 16)
    now = now_iso()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO frameworks(id, name, document, imported_at) VALUES ('bench', 'bench', '{}', ?)"
            " ON CONFLICT DO NOTHING",
            (now,),
        )
        conn.execute(
            "INSERT INTO campaigns(id, name, framework_id, config, created_at) VALUES (?, 'bench', 'bench', '{}', ?)"
            " ON CONFLICT DO NOTHING",
            (campaign, now),
        )
        for i, u in enumerate(units):
            conn.execute(
                "INSERT INTO units(campaign_id, code, name, position) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (campaign, u, f"Đơn vị {u}", i),
            )
    samples, total_bytes = [], 0
    with psycopg.connect(url) as conn:
        with conn.cursor() as cur:
            with cur.copy(
                "COPY evidence(id, sha256, size, filename, format, pages, text_source, metadata, text, created_at,"
                " updated_at) FROM STDIN"
            ) as ev:
                links_rows = []
                for i in range(1, n + 1):
                    parent, issuer, short = rng.choice(ISSUERS)
                    code, heading, type_name = rng.choice(TYPES)
                    number = (
                        f"{rng.randint(1, 3999)}/{code}-{short}"
                        if code != "CV"
                        else f"{rng.randint(1, 3999)}/{short}-VP"
                    )
                    issued = start + timedelta(days=rng.randint(0, 364))
                    topic_keys = rng.sample(list(TOPICS), 2)
                    subject = writer.sentence(
                        [t for k in topic_keys for t in writer.topics[k]],
                        [1.0] * sum(len(writer.topics[k]) for k in topic_keys),
                    ).rstrip(".;:")
                    body = writer.body(int(rng.uniform(2, 20) * 1000 / 1.3), topic_keys)
                    text = (
                        f"{parent}\n{issuer}\nSố: {number}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                        f"Độc lập - Tự do - Hạnh phúc\nQuảng Nam, ngày {issued.day:02d} tháng {issued.month:02d}"
                        f" năm {issued.year}\n{heading}\n{subject}\n{body}"
                    )
                    total_bytes += len(text.encode("utf-8"))
                    meta = {
                        "number": number,
                        "type_code": code,
                        "type_name": type_name,
                        "issuer": issuer,
                        "parent_issuer": parent,
                        "issued_on": issued.isoformat(),
                        "summary": subject,
                    }
                    ev.write_row(
                        (i, f"{i:064x}", len(text), f"van-ban-{i}.pdf", "pdf", 1, "text", dumps(meta), text, now, now)
                    )
                    links = sorted({(rng.choice(units), rng.choice(criteria)) for _ in range(rng.choice([1, 1, 1, 2]))})
                    links_rows.extend((i, campaign, u, k, f"van-ban-{i}.pdf", "bench", now) for u, k in links)
                    if i <= 2000 and i % 97 == 0:
                        samples.append(
                            {
                                "id": i,
                                "number": number,
                                "subject": subject,
                                "unit": links[0][0],
                                "criterion": links[0][1],
                                "type": code,
                            }
                        )
            with cur.copy(
                "COPY links(evidence_id, campaign_id, unit_code, criterion_code, filename, linked_by, linked_at)"
                " FROM STDIN"
            ) as lk:
                for row in links_rows:
                    lk.write_row(row)
            # the identity/serial sequences follow the ids written by hand
            for table in ("evidence", "links"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
    return {"campaign": campaign, "samples": samples, "text_bytes": total_bytes}


def run_mix(store: Store, info: dict, repeat: int) -> dict:
    mix = query_mix(info)
    per_kind: dict[str, list[float]] = {k: [] for k in mix}
    totals: dict[str, int] = {}
    for q, kw in [x for qs in mix.values() for x in qs][:3]:  # warm the connection and the buffer cache a little
        search(store, q, **kw)
    for _ in range(repeat):
        for kind, queries in mix.items():
            for q, kw in queries:
                started = time.perf_counter()
                result = search(store, q, **kw)
                per_kind[kind].append((time.perf_counter() - started) * 1000)
                totals[q] = result["total"]
    out = {}
    everything = [ms for v in per_kind.values() for ms in v]
    for kind, values in [*per_kind.items(), ("whole mix", everything)]:
        out[kind] = {
            "p50": round(percentile(values, 0.5), 1),
            "p95": round(percentile(values, 0.95), 1),
            "max": round(max(values), 1),
        }
    out["_totals"] = totals
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", default="50000,200000")
    parser.add_argument("--workdir", type=Path, default=None, help="store directories (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="keep a database generated by an earlier run")
    parser.add_argument("--skip-rebuild", action="store_true", help="with --reuse: search the table as it is")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    base = os.environ.get("EVIDENCE_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        print("error: set EVIDENCE_DATABASE_URL=postgresql://… (a server where this user may create databases)")
        return 2
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="search-pg-"))
    for n in [int(x) for x in args.docs.split(",") if x.strip()]:
        url = database_url(base, n)
        had = create_database(base, url, reuse=args.reuse)
        store = open_store(workdir / f"store-{n}", url)
        report: dict = {"documents": n, "load_before": os.getloadavg()}
        info_file = workdir / f"store-{n}.samples.json"
        if had and info_file.exists():
            info = json.loads(info_file.read_text(encoding="utf-8"))
        else:
            started = time.monotonic()
            info = generate(url, store, n)
            info_file.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
            report["generate_seconds"] = round(time.monotonic() - started, 1)
        if not (args.reuse and args.skip_rebuild):
            started, cpu = time.monotonic(), time.process_time()
            built = rebuild_index(store)
            report["build_seconds"] = round(time.monotonic() - started, 1)
            report["build_cpu_seconds_client"] = round(time.process_time() - cpu, 1)
            report["index_bytes"] = built["index_bytes"]
            store.db.execute("VACUUM ANALYZE search_documents")
        report["load_during_queries"] = os.getloadavg()
        report["queries_ms"] = run_mix(store, info, args.repeat)
        report["load_after"] = os.getloadavg()
        print(json.dumps(report, ensure_ascii=False), flush=True)
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
