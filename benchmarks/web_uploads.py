"""Web uploads at a deadline (issue 16): many one-page PDFs from concurrent clients against `evidence serve`.

    python benchmarks/web_uploads.py                     # 100 uploads from 10 clients
    python benchmarks/web_uploads.py --files 50 --clients 10

Runs, back to back on the same generated files: `evidence ingest` of all of them into a fresh store (the
reference time), then a real server (`evidence serve`, uvicorn) on another fresh store, 10 signed-in clients
each uploading their share one file per request. Prints the response times (p50, p95, max; target p95 ≤ 300 ms),
the time until every record is read and searchable (target ≤ ingest time + 5 s, counted from the first upload),
whether anything was lost, and `evidence verify` / `evidence index check` — with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import httpx  # noqa: E402

from evidence.demo.campaign import campaign_yaml  # noqa: E402
from evidence.demo.docgen import OfficialDoc, write_pdf  # noqa: E402
from evidence.frameworks import load_samples  # noqa: E402
from evidence.round.campaign import create_campaign  # noqa: E402
from evidence.store import Store  # noqa: E402
from evidence.web import accounts  # noqa: E402

EVIDENCE = [sys.executable, "-m", "evidence.cli"]
PASSWORD = "bench-pass-16"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def make_pdfs(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        path = folder / f"bao-cao-{i:03d}.pdf"
        if not path.exists():
            write_pdf(
                OfficialDoc(
                    issuer="Sở Tư pháp",
                    parent="UBND tỉnh Quảng Ngãi",
                    type_code="BC",
                    subject=f"Báo cáo kết quả cải cách hành chính đợt {i} mã BC{i:04d}",
                    number=f"{i + 1}/BC-STP",
                    place="Quảng Ngãi",
                    issued_on=date(2026, 1 + i % 12, 1 + i % 28),
                    body=[f"Kết quả thực hiện nhiệm vụ số {i}: hoàn thành đúng hạn, đạt yêu cầu."],
                    signer_title="GIÁM ĐỐC",
                    signer_name="Nguyễn Văn An",
                ),
                path,
            )
        out.append(path)
    return out


def fresh_store(path: Path) -> tuple[str, str, str]:
    if path.exists():
        shutil.rmtree(path)
    store = Store.init(path)
    load_samples(store)
    campaign_file = path.parent / f"{path.name}-campaign.yaml"
    campaign_file.write_text(campaign_yaml(date(2026, 6, 1)), encoding="utf-8")
    campaign = create_campaign(store, campaign_file)
    unit = campaign.units[0]
    criterion = campaign.applicable_leaves(unit)[0].code
    accounts.add_user(store, "donvi", "unit", PASSWORD, unit=unit.code)
    store.close()
    return campaign.id, unit.code, criterion


def ingest_seconds(files: list[Path], work: Path) -> float:
    campaign_id, unit, criterion = fresh_store(work / "store-ingest")
    tree = work / "tree"
    shutil.rmtree(tree, ignore_errors=True)
    (tree / unit / criterion).mkdir(parents=True)
    for f in files:
        shutil.copy(f, tree / unit / criterion / f.name)
    started = time.perf_counter()
    subprocess.run(
        [*EVIDENCE, "--store", str(work / "store-ingest"), "ingest", str(tree), "--campaign", campaign_id, "--json"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=120)
    token = CSRF.search(client.get("/login").text).group(1)
    response = client.post("/login", data={"csrf": token, "name": "donvi", "password": PASSWORD, "next": "/"})
    assert response.status_code == 303, response.text[:300]
    return client, CSRF.search(client.get("/").text).group(1)


def unread(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        total = conn.execute("SELECT COUNT(*) FROM evidence").fetchone()[0]
        waiting = conn.execute("SELECT COUNT(*) FROM evidence WHERE read_status IN ('pending', 'reading')").fetchone()[
            0
        ]
    return total, waiting


SERVER_WITHOUT_READER = (
    "import sys, uvicorn\nfrom evidence.web import create_app\n"
    "app = create_app(sys.argv[1], ocr=False)\napp.state.read_queue.start = lambda **_: None\n"
    "uvicorn.run(app, host='127.0.0.1', port=int(sys.argv[2]), log_level='warning')\n"
)


def run(n: int, clients: int, work: Path, reader: bool = True) -> dict:
    files = make_pdfs(work / "files", n)
    print(f"{n} one-page PDFs, {clients} clients; cores {os.cpu_count()}; load {load()}")
    ingest_s = ingest_seconds(files, work)
    print(f"evidence ingest of the same files: {ingest_s:.2f} s   load {load()}")

    store_dir = work / "store-web"
    campaign_id, unit, criterion = fresh_store(store_dir)
    port = free_port()
    command = [*EVIDENCE, "--store", str(store_dir), "serve", "--port", str(port), "--no-ocr"]
    if not reader:  # to tell the request's own time from the background reader's pressure on it
        command = [sys.executable, "-c", SERVER_WITHOUT_READER, str(store_dir), str(port)]
    server = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "server.log", "w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        sessions = [sign_in(base) for _ in range(clients)]
        url = f"/c/{campaign_id}/u/{unit}/k/{criterion}/upload"
        times: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()

        def upload(i: int, client: httpx.Client, token: str) -> None:
            for path in files[i::clients]:
                started = time.perf_counter()
                response = client.post(
                    url,
                    data={"csrf": token},
                    files=[("files", (path.name, path.read_bytes(), "application/pdf"))],
                )
                seconds = time.perf_counter() - started
                with lock:
                    times.append(seconds)
                    if response.status_code != 303:
                        failures.append(f"{path.name}: HTTP {response.status_code}")

        started = time.perf_counter()
        threads = [threading.Thread(target=upload, args=(i, *sessions[i])) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        uploads_s = time.perf_counter() - started
        db = store_dir / "evidence.db"
        while reader:
            total, waiting = unread(db)
            if total >= n and not waiting:
                break
            if time.perf_counter() - started > 600:
                break
            time.sleep(0.05)
        read_s = time.perf_counter() - started
        # searchable: the last upload's number is found (the batch's index commit follows its 'read' status)
        while True:
            found = subprocess.run(
                [*EVIDENCE, "--store", str(store_dir), "search", f"BC{n - 1:04d}", "--json"],
                capture_output=True,
                text=True,
            )
            if not reader or found.returncode != 0 or json.loads(found.stdout)["total"]:
                break
            if time.perf_counter() - started > 600:
                break
        searchable_s = time.perf_counter() - started
        hits = json.loads(found.stdout)["total"] if found.returncode == 0 else 0
    finally:
        server.terminate()
        server.wait(30)
    verify = subprocess.run([*EVIDENCE, "--store", str(store_dir), "verify", "--json"], capture_output=True)
    check = subprocess.run([*EVIDENCE, "--store", str(store_dir), "index", "check", "--json"], capture_output=True)
    with sqlite3.connect(store_dir / "evidence.db") as conn:
        records = conn.execute("SELECT COUNT(*) FROM evidence").fetchone()[0]
        read = conn.execute("SELECT COUNT(*) FROM evidence WHERE read_status = 'read'").fetchone()[0]
        links = conn.execute("SELECT COUNT(*) FROM links").fetchone()[0]
    result = {
        "uploads": len(times),
        "http_failures": failures,
        "p50_ms": round(percentile(times, 50) * 1000),
        "p95_ms": round(percentile(times, 95) * 1000),
        "max_ms": round(max(times) * 1000),
        "uploads_seconds": round(uploads_s, 2),
        "all_read_seconds": round(read_s, 2),
        "searchable_seconds": round(searchable_s, 2),
        "ingest_seconds": round(ingest_s, 2),
        "records": records,
        "read": read,
        "links": links,
        "last_found": hits,
        "verify_exit": verify.returncode,
        "index_check_exit": check.returncode,
        "load": load(),
    }
    print(
        f"responses: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms "
        f"(target p95 ≤ 300 ms); {len(failures)} failed"
    )
    print(
        f"uploads done in {uploads_s:.2f} s; all read {read_s:.2f} s, searchable {searchable_s:.2f} s after the first"
        f" upload (target ≤ ingest {ingest_s:.2f} s + 5 s = {ingest_s + 5:.2f} s)"
    )
    print(
        f"records {records} ({read} read), links {links}: {'nothing lost' if records == links == n else 'LOST'};"
        f" last upload found: {hits}; verify exit {verify.returncode}, index check exit {check.returncode}"
        f"   load {load()}"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--workdir", type=Path, help="keep files and stores here")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--no-reader", action="store_true", help="measure the requests alone (nothing is read)")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-web-"))
    work.mkdir(parents=True, exist_ok=True)
    result = run(args.files, args.clients, work, reader=not args.no_reader)
    if args.json:
        print(json.dumps(result, indent=2))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
