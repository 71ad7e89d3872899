"""How long `evidence` takes to start (issue 16): median of 10 runs each of `evidence --help` and `evidence list`
on an empty store, beside a bare `python -c pass` (target ≤ 0.3 s). The machine's load is printed too. src/ is
byte-compiled first, as an installed package is (see benchmarks/ingest.py; `--from-source` skips it).

    python benchmarks/cli_start.py [--runs 10]
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EVIDENCE = str(Path(sys.executable).with_name("evidence"))


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds): on a loaded machine the wall time also counts the wait for a
    core, the CPU time only what the command itself costs."""
    times, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(times), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--from-source", action="store_true", help="do not byte-compile src/ first")
    args = parser.parse_args()
    if not args.from_source:
        compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "src"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run([EVIDENCE, "--store", str(store), "init"], check=True, capture_output=True)
        rows = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("evidence --help", [EVIDENCE, "--help"]),
            ("evidence list", [EVIDENCE, "--store", str(store), "list"]),
            ("evidence list --json", [EVIDENCE, "--store", str(store), "list", "--json"]),
        ]
        print(
            f"median of {args.runs} runs; cores {os.cpu_count()}; load {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        for label, command in rows:
            seconds, cpu = timed(command, args.runs)
            mark = "" if label.startswith("python") else ("  ok (≤ 0.3 s)" if seconds <= 0.3 else "  over 0.3 s")
            print(f"  {label:22} {seconds:.3f} s wall, {cpu:.3f} s CPU{mark}")
        print(f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
