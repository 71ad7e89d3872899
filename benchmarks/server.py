"""Server mode at a deadline (issue 17): 2 web processes and 1 or 2 reading workers on a real Redis, loopback only.

    python benchmarks/server.py                        # 60 born-digital PDFs + 6 scans, 100 units, 10 clients, 1 then 2 workers
    python benchmarks/server.py --pdfs 100 --scans 10 --clients 20 --workers 2
    python benchmarks/server.py --database postgresql  # the metadata (and search) in a private PostgreSQL

For each worker count: a fresh store whose campaign has `--units` communes, each with its own web account; a private
redis-server on a free port, `evidence serve --workers 2`, `evidence worker --concurrency 1` × W; every unit signs
in, and each client uploads the files of its share of the units, one file per request. Prints the
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
from web_uploads import CSRF, PASSWORD, load, make_pdfs, percentile  # noqa: E402

from evidence.demo.campaign import campaign_data  # noqa: E402
from evidence.frameworks import load_samples  # noqa: E402
from evidence.round.campaign import create_campaign  # noqa: E402
from evidence.store import Store  # noqa: E402
from evidence.web import accounts  # noqa: E402
import yaml  # noqa: E402

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


def units_store(path: Path, units: int) -> tuple[str, list[tuple[str, str, str]]]:
    """A fresh store whose campaign has `units` communes (the demo round's framework and groups), each with its own
    web account: [(unit code, account, first criterion it may attach to)]."""
    if path.exists():
        shutil.rmtree(path)
    data = campaign_data()
    data["units"] = [
        {"code": f"X{i:03d}", "name": f"UBND xã Thử Nghiệm {i:03d}", "kind": "commune", "symbol": "UBND"}
        for i in range(1, units + 1)
    ]
    campaign_file = path.parent / f"{path.name}-campaign.yaml"
    campaign_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with Store.init(path) as store:
        load_samples(store)
        campaign = create_campaign(store, campaign_file)
        out = []
        for unit in campaign.units:
            name = f"dv-{unit.code.lower()}"
            accounts.add_user(store, name, "unit", PASSWORD, unit=unit.code)
            out.append((unit.code, name, campaign.applicable_leaves(unit)[0].code))
    return campaign.id, out


def sign_in(base: str, name: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=120)
    token = CSRF.search(client.get("/login").text).group(1)
    response = client.post("/login", data={"csrf": token, "name": name, "password": PASSWORD, "next": "/"})
    assert response.status_code == 303, response.text[:300]
    return client, CSRF.search(client.get("/").text).group(1)


def run(
    files: list[Path], workers: int, clients: int, work: Path, limit: float, postgres=None, units: int = 100
) -> dict:
    store_dir = work / f"store-{workers}w"
    if postgres is not None:  # a fresh database for this run; every process of the run uses it
        os.environ["EVIDENCE_DATABASE_URL"] = postgres.empty_database()
    campaign_id, unit_accounts = units_store(store_dir, units)
    redis = Redis(work / f"redis-{workers}w").start()
    env = environment(redis.url)
    procs: list[subprocess.Popen] = []
    logs = work / f"logs-{workers}w"
    shutil.rmtree(logs, ignore_errors=True)  # a reused --workdir: the logs (task times) are this run's only
    logs.mkdir()
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
        sessions = {code: sign_in(base, name) for code, name, _ in unit_accounts}  # one per unit, signed in first
        times: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()

        # file n goes to unit n mod units; client c uploads for units c, c + clients, … (a unit's files, one by one)
        def upload(c: int) -> None:
            for n, path in enumerate(files):
                code, _, criterion = unit_accounts[n % len(unit_accounts)]
                if (n % len(unit_accounts)) % clients != c:
                    continue
                client, token = sessions[code]
                url = f"/c/{campaign_id}/u/{code}/k/{criterion}/upload"
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
        threads = [threading.Thread(target=upload, args=(c,)) for c in range(clients)]
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
        for client, _ in sessions.values():
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
        "units": len(unit_accounts),
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
    parser.add_argument("--units", type=int, default=100, help="communes uploading, each with its own account")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        print("redis-server is not installed (scripts/setup-system.sh installs it)", file=sys.stderr)
        sys.exit(2)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-server-"))
    work.mkdir(parents=True, exist_ok=True)
    files = make_pdfs(work / "files", args.pdfs) + make_scans(work / "scans", args.scans)
    files = files[: args.pdfs] + files[args.pdfs :]
    print(
        f"{args.pdfs} born-digital PDFs + {args.scans} scans (PNG, OCR), {args.units} units, {args.clients} clients;"
        f" cores {os.cpu_count()}; load {load()}"
    )
    postgres = None
    if args.database == "postgresql":
        from pg_support import Postgres

        postgres = Postgres().start()
    results = []
    try:
        for workers in args.workers:
            result = run(files, workers, args.clients, work, args.limit, postgres, args.units)
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
