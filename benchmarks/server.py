"""Server mode at a deadline (issue 17): 2 web processes and 1 or 2 reading workers on a real Redis, loopback only.

    python benchmarks/server.py                        # 60 born-digital PDFs + 6 scans from 10 clients, 1 then 2 workers
    python benchmarks/server.py --pdfs 100 --scans 10 --clients 20 --workers 2
    python benchmarks/server.py --database postgresql  # the metadata (and search) in a private PostgreSQL

For each worker count: a fresh store, a private redis-server on a free port, `evidence serve --workers 2`,
`evidence worker --concurrency 1` × W; the clients sign in and upload their share one file per request. Prints the
upload response times (p50, p95, max: the upload returns before reading), the time until every file is read
(from the first upload), lost or duplicated records (records = links = files, distinct contents, each read
once: read_attempts = 1), `evidence verify` and `evidence index check`, the worker-seconds per file of each kind
(from Celery's task times) and a projection to 50 cores. Bounded: `--limit` seconds per run (default 900).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import httpx  # noqa: E402

from reading_samples import render_scan  # noqa: E402
from server_support import EVIDENCE, Redis, environment, free_port, start, stop, wait_http, wait_log  # noqa: E402
from web_uploads import fresh_store, load, make_pdfs, percentile, sign_in  # noqa: E402

from evidence.store import Store  # noqa: E402

TASK_TIME = re.compile(r"Task evidence\.read\[[^\]]+\] succeeded in ([0-9.]+)s")


def make_scans(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        path = folder / f"quet-{i:03d}.png"
        if not path.exists():
            lines = ["ỦY BAN NHÂN DÂN XÃ ĐỨC TRỌNG", f"Số: {i + 1}/BC-UBND", "BÁO CÁO", f"mã QUET{i:04d}"]
            lines += [f"Kết quả thực hiện nhiệm vụ cải cách hành chính, mục {k}, trên địa bàn xã." for k in range(24)]
            render_scan(lines, path, dpi=200)
        out.append(path)
    return out


def run(files: list[Path], workers: int, clients: int, work: Path, limit: float, postgres=None) -> dict:
    store_dir = work / f"store-{workers}w"
    if postgres is not None:  # a fresh database for this run; every process of the run uses it
        os.environ["EVIDENCE_DATABASE_URL"] = postgres.empty_database()
    campaign_id, unit, criterion = fresh_store(store_dir)
    redis = Redis(work / f"redis-{workers}w").start()
    env = environment(redis.url)
    procs: list[subprocess.Popen] = []
    logs = work / f"logs-{workers}w"
    logs.mkdir(exist_ok=True)
    try:
        port = free_port()
        web = start(["--store", str(store_dir), "serve", "--port", str(port), "--workers", "2"], env, logs / "web.log")
        procs.append(web)
        base = f"http://127.0.0.1:{port}"
        wait_http(base, web, logs / "web.log")
        for w in range(workers):
            log = logs / f"worker{w}.log"
            proc = start(["worker", "--store", str(store_dir), "--concurrency", "1", "--sweep", "30"], env, log)
            procs.append(proc)
            wait_log(log, " ready.", proc)
        sessions = [sign_in(base) for _ in range(clients)]
        url = f"/c/{campaign_id}/u/{unit}/k/{criterion}/upload"
        times: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()

        def upload(i: int, client: httpx.Client, token: str) -> None:
            for path in files[i::clients]:
                kind = "application/pdf" if path.suffix == ".pdf" else "image/png"
                began = time.perf_counter()
                try:
                    response = client.post(
                        url, data={"csrf": token}, files=[("files", (path.name, path.read_bytes(), kind))]
                    )
                    status = response.status_code
                except httpx.HTTPError as exc:
                    status = f"{type(exc).__name__}"
                seconds = time.perf_counter() - began
                with lock:
                    times.append(seconds)
                    if status != 303:
                        failures.append(f"{path.name}: {status}")

        started = time.perf_counter()
        threads = [threading.Thread(target=upload, args=(i, *sessions[i])) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        uploads_s = time.perf_counter() - started
        while time.perf_counter() - started < limit:
            with Store.open(store_dir) as store:
                total = store.db.execute("SELECT COUNT(*) FROM evidence").fetchone()[0]
                waiting = store.db.execute(
                    "SELECT COUNT(*) FROM evidence WHERE read_status IN ('pending', 'reading')"
                ).fetchone()[0]
            if total >= len(files) - len(failures) and not waiting:
                break
            time.sleep(0.1)
        read_s = time.perf_counter() - started
        for client, _ in sessions:
            client.close()
    finally:
        for proc in procs:
            stop(proc, timeout=60)
        redis.stop()
    verify = subprocess.run([*EVIDENCE, "--store", str(store_dir), "verify", "--json"], capture_output=True, text=True)
    check = subprocess.run([*EVIDENCE, "--store", str(store_dir), "index", "check", "--json"], capture_output=True)
    with Store.open(store_dir) as store:
        conn = store.db
        records = conn.execute("SELECT COUNT(*) FROM evidence").fetchone()[0]
        distinct = conn.execute("SELECT COUNT(DISTINCT sha256) FROM evidence").fetchone()[0]
        read = conn.execute("SELECT COUNT(*) FROM evidence WHERE read_status = 'read'").fetchone()[0]
        once = conn.execute("SELECT COUNT(*) FROM evidence WHERE read_attempts = 1").fetchone()[0]
        links = conn.execute("SELECT COUNT(*) FROM links").fetchone()[0]
        kinds = {r[0]: r[1] for r in conn.execute("SELECT format, COUNT(*) FROM evidence GROUP BY format")}
    task_seconds = []
    for w in range(workers):
        task_seconds += [float(x) for x in TASK_TIME.findall((logs / f"worker{w}.log").read_text(errors="replace"))]
    verify_doc = json.loads(verify.stdout) if verify.stdout.strip().startswith("{") else {}
    return {
        "workers": workers,
        "web_processes": 2,
        "files": len(files),
        "uploads": len(times),
        "failures": failures,
        "p50_ms": round(percentile(times, 50) * 1000),
        "p95_ms": round(percentile(times, 95) * 1000),
        "max_ms": round(max(times) * 1000) if times else 0,
        "uploads_seconds": round(uploads_s, 2),
        "all_read_seconds": round(read_s, 2),
        "records": records,
        "distinct_contents": distinct,
        "links": links,
        "read": read,
        "read_once": once,
        "formats": kinds,
        "tasks": len(task_seconds),
        "task_seconds_sum": round(sum(task_seconds), 1),
        "verify_exit": verify.returncode,
        "verify_orphans": len(verify_doc.get("orphan_blobs", [])),
        "index_check_exit": check.returncode,
        "load": load(),
        "database": "postgresql" if postgres is not None else "sqlite",
    }


def show(r: dict) -> None:
    lost = r["records"] != r["files"] or r["links"] != r["files"] or r["distinct_contents"] != r["records"]
    print(
        f"{r['workers']} worker(s), {r['web_processes']} web processes: upload p50 {r['p50_ms']} ms,"
        f" p95 {r['p95_ms']} ms, max {r['max_ms']} ms; {len(r['failures'])} failed; uploads done"
        f" {r['uploads_seconds']} s, all read {r['all_read_seconds']} s after the first upload"
    )
    print(
        f"   records {r['records']}, links {r['links']}, read {r['read']}, read once {r['read_once']}:"
        f" {'LOST OR DUPLICATED' if lost else 'nothing lost or duplicated'}; tasks {r['tasks']}"
        f" ({r['task_seconds_sum']} worker-s); verify exit {r['verify_exit']}, index check exit"
        f" {r['index_check_exit']}; database {r['database']}; load {r['load']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=60)
    parser.add_argument("--scans", type=int, default=6)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--limit", type=float, default=900, help="seconds at most per run")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        print("redis-server is not installed (scripts/setup-system.sh installs it)", file=sys.stderr)
        sys.exit(2)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-server-"))
    work.mkdir(parents=True, exist_ok=True)
    files = make_pdfs(work / "files", args.pdfs) + make_scans(work / "scans", args.scans)
    files = files[: args.pdfs] + files[args.pdfs :]
    print(
        f"{args.pdfs} born-digital PDFs + {args.scans} scans (PNG, OCR), {args.clients} clients; cores"
        f" {os.cpu_count()}; load {load()}"
    )
    postgres = None
    if args.database == "postgresql":
        from pg_support import Postgres

        postgres = Postgres().start()
    results = []
    try:
        for workers in args.workers:
            result = run(files, workers, args.clients, work, args.limit, postgres)
            show(result)
            results.append(result)
    finally:
        if postgres is not None:
            postgres.stop()
    if len(results) >= 2 and results[0]["all_read_seconds"] and results[-1]["all_read_seconds"]:
        a, b = results[0], results[-1]
        speedup = a["all_read_seconds"] / b["all_read_seconds"]
        print(f"{a['workers']} → {b['workers']} workers: all read {speedup:.2f}× faster")
    base = results[0]
    per_file = base["task_seconds_sum"] / max(1, base["tasks"])
    print(
        f"projection: {per_file:.2f} worker-s per file on this mix ({args.scans} scans in {len(files)} files);"
        f" 50 cores ≈ {50 / per_file:.0f} files/s ≈ {50 * 3600 / per_file:,.0f} files/hour if reading were all"
        + (
            " (each record's write holds PostgreSQL's one writer lock for milliseconds; see docs/deploy.md)"
            if args.database == "postgresql"
            else " (one SQLite writer and one Whoosh writer bound it; see docs/deploy.md)"
        )
    )
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
