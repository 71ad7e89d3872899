"""Search benchmark: generate stores of realistic Vietnamese documents and measure the search index.

    .venv/bin/python benchmarks/search.py                 # 10k and 50k documents
    .venv/bin/python benchmarks/search.py --docs 2000     # quicker

For each size it prints: generation time, rebuild time / throughput / peak RSS (the rebuild runs as
`evidence index rebuild` in a child process so its memory is measured alone), index size, incremental indexing
(attach-sized batches through `index_evidence`), the cost of opening the index, and p50/p95 latency per query
kind with the index already open (as in the web app: parse, search, snippets from the database).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from evidence.search import index_evidence, search
from evidence.store import Store, dumps, now_iso

# ---------------------------------------------------------------- a Vietnamese administrative vocabulary

ISSUERS = [
    ("UBND TỈNH QUẢNG NAM", "SỞ NỘI VỤ", "SNV"),
    ("UBND TỈNH QUẢNG NAM", "SỞ TƯ PHÁP", "STP"),
    ("UBND TỈNH QUẢNG NGÃI", "SỞ Y TẾ", "SYT"),
    ("UBND TỈNH QUẢNG NAM", "SỞ TÀI CHÍNH", "STC"),
    ("UBND HUYỆN BẠCH LONG VỸ", "PHÒNG NỘI VỤ", "PNV"),
    ("TỈNH ỦY QUẢNG NAM", "BAN TỔ CHỨC", "BTC"),
    ("UBND TỈNH QUẢNG NAM", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SGDĐT"),
    ("BỘ NỘI VỤ", "VỤ CẢI CÁCH HÀNH CHÍNH", "CCHC"),
    ("UBND TỈNH QUẢNG NAM", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "SKHĐT"),
    ("UBND TỈNH QUẢNG NAM", "THANH TRA TỈNH", "TTr"),
]
TYPES = [
    ("QĐ", "QUYẾT ĐỊNH", "Quyết định"),
    ("KH", "KẾ HOẠCH", "Kế hoạch"),
    ("BC", "BÁO CÁO", "Báo cáo"),
    ("TB", "THÔNG BÁO", "Thông báo"),
    ("CV", "", "Công văn"),
    ("TTr", "TỜ TRÌNH", "Tờ trình"),
    ("BB", "BIÊN BẢN", "Biên bản"),
    ("HD", "HƯỚNG DẪN", "Hướng dẫn"),
    ("CTr", "CHƯƠNG TRÌNH", "Chương trình"),
]
TOPICS = {
    "cchc": "cải cách hành chính; chỉ số cải cách hành chính; thủ tục hành chính; một cửa; một cửa liên thông; "
    "tài liệu kiểm chứng; tự đánh giá; chấm điểm; thẩm định; Hội đồng thẩm định; tiêu chí; tiêu chí thành phần; "
    "điểm số; xếp hạng; kết quả; cán bộ đầu mối; văn bản quy phạm pháp luật; kiểm soát thủ tục hành chính",
    "pctn": "phòng, chống tham nhũng; kê khai tài sản; thu nhập; minh bạch; công khai; trách nhiệm giải trình; "
    "xung đột lợi ích; tiêu cực; thanh tra; khiếu nại; tố cáo; tiếp công dân; xử lý vi phạm; kỷ luật; "
    "thu hồi tài sản; chuyển đổi vị trí công tác; quà tặng; người đứng đầu",
    "sodoi": "chuyển đổi số; chính quyền số; dịch vụ công trực tuyến; cổng dịch vụ công; hồ sơ điện tử; chữ ký số; "
    "cơ sở dữ liệu; phần mềm; hệ thống thông tin; kết nối; liên thông; an toàn thông tin; hạ tầng; "
    "nền tảng; thanh toán trực tuyến; định danh điện tử; mức độ 4; quản lý văn bản",
    "taichinh": "ngân sách; dự toán; quyết toán; kinh phí; tự chủ tài chính; đơn vị sự nghiệp công lập; "
    "tiết kiệm; chống lãng phí; tài sản công; mua sắm; đầu tư công; giải ngân; chi thường xuyên; "
    "nguồn vốn; kiểm toán; báo cáo tài chính; quỹ lương; cơ chế khoán",
    "tochuc": "tổ chức bộ máy; tinh giản biên chế; vị trí việc làm; công chức; viên chức; đào tạo; bồi dưỡng; "
    "tuyển dụng; đánh giá, xếp loại; kỷ luật, kỷ cương hành chính; văn hóa công vụ; đạo đức công vụ; "
    "sắp xếp; sáp nhập; phòng chuyên môn; đơn vị hành chính; chức danh; bổ nhiệm",
    "phapche": "xây dựng pháp luật; thẩm định dự thảo; rà soát văn bản; hệ thống hóa; kiểm tra văn bản; "
    "phổ biến, giáo dục pháp luật; hòa giải ở cơ sở; trợ giúp pháp lý; hộ tịch; chứng thực; "
    "lý lịch tư pháp; xử lý vi phạm hành chính; theo dõi thi hành pháp luật; tuyên truyền",
    "yte": "khám bệnh, chữa bệnh; bảo hiểm y tế; trạm y tế xã; phòng chống dịch; tiêm chủng; an toàn thực phẩm; "
    "dược phẩm; trang thiết bị y tế; bệnh viện tuyến huyện; y tế dự phòng; chăm sóc sức khỏe; dân số",
    "giaoduc": "giáo dục phổ thông; trường học; học sinh; giáo viên; cơ sở vật chất; chương trình giáo dục; "
    "kiểm định chất lượng; thi tốt nghiệp; phổ cập giáo dục; tuyển sinh; sách giáo khoa; mầm non",
}
COMMON = (
    "triển khai; thực hiện; tổ chức; chỉ đạo; điều hành; theo dõi; đôn đốc; kiểm tra; giám sát; đánh giá; "
    "tổng hợp; báo cáo; đề xuất; kiến nghị; phối hợp; hướng dẫn; ban hành; sửa đổi; bổ sung; quy định; "
    "nhiệm vụ; giải pháp; mục tiêu; yêu cầu; nội dung; kết quả; tồn tại; hạn chế; nguyên nhân; "
    "khó khăn; vướng mắc; năm 2025; quý I; quý II; 6 tháng đầu năm; các cơ quan, đơn vị; địa phương; "
    "cấp tỉnh; cấp huyện; cấp xã; người dân; doanh nghiệp; tổ chức, cá nhân; kịp thời; đầy đủ; "
    "nghiêm túc; hiệu quả; chất lượng; đúng quy định; theo kế hoạch; trên địa bàn tỉnh; Ủy ban nhân dân; "
    "Chủ tịch; Phó Chủ tịch; Giám đốc; Thủ trưởng; Văn phòng; trong thời gian tới; tiếp tục; tăng cường"
)
CONNECT = [
    "về việc",
    "đối với",
    "nhằm",
    "để",
    "theo",
    "trong",
    "và",
    "của",
    "cho",
    "tại",
    "với",
    "đã",
    "sẽ",
    "cần",
    "phải",
    "được",
    "nhằm bảo đảm",
    "góp phần",
    "trên cơ sở",
    "căn cứ",
]


def _terms(text: str) -> list[str]:
    return [t.strip() for t in text.split(";") if t.strip()]


class Writer:
    """Sentences from topic phrases, common phrases and connectives, Zipf-weighted so some phrases are frequent
    and most are rare; each document mixes two topics."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.topics = {k: _terms(v) for k, v in TOPICS.items()}
        self.common = _terms(COMMON)
        self.place_names = [
            "Tam Kỳ",
            "Hội An",
            "Điện Bàn",
            "Núi Thành",
            "Thăng Bình",
            "Duy Xuyên",
            "Quế Sơn",
            "Tiên Phước",
            "Hiệp Đức",
            "Nam Giang",
            "Phước Sơn",
            "Bắc Trà My",
            "Nông Sơn",
        ]

    def sentence(self, vocab: list[str], weights: list[float]) -> str:
        rng = self.rng
        n = rng.randint(3, 7)
        parts = []
        for _ in range(n):
            r = rng.random()
            if r < 0.45:
                parts.append(rng.choices(vocab, weights)[0])
            elif r < 0.75:
                parts.append(rng.choice(self.common))
            elif r < 0.95:
                parts.append(rng.choice(CONNECT))
            else:
                parts.append(
                    f"{rng.choice(['huyện', 'thị xã', 'thành phố'])} {rng.choice(self.place_names)}"
                    if rng.random() < 0.6
                    else f"{rng.randint(2, 98)}%"
                )
        text = " ".join(parts)
        return text[0].upper() + text[1:] + rng.choice([".", ".", ".", ";", ":"])

    def body(self, chars: int, topic_keys: list[str]) -> str:
        vocab = [t for k in topic_keys for t in self.topics[k]]
        order = list(range(len(vocab)))
        self.rng.shuffle(order)
        weights = [1.0 / (1 + rank) for rank in order]  # a different Zipf ranking per document
        paragraphs, size = [], 0
        while size < chars:
            sentences = " ".join(self.sentence(vocab, weights) for _ in range(self.rng.randint(2, 6)))
            heading = f"{self.rng.randint(1, 9)}. " if self.rng.random() < 0.2 else ""
            paragraphs.append(heading + sentences)
            size += len(paragraphs[-1]) + 1
        return "\n".join(paragraphs)[:chars]


def generate(store: Store, n: int, seed: int = 7) -> dict:
    """Insert `n` evidence records with links straight into the database (reading is not what we measure)."""
    rng = random.Random(seed)
    writer = Writer(rng)
    campaign = "bench-2025"
    units = [f"U{i:02d}" for i in range(40)]
    criteria = [f"{a}.{b}" for a in range(1, 9) for b in range(1, 6)]
    start = date(2024, 12, 16)
    samples = []
    total_bytes = 0
    now = now_iso()
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO frameworks(id, name, document, imported_at) VALUES ('bench', 'bench', '{}', ?)",
            (now,),
        )
        conn.execute(
            "INSERT OR IGNORE INTO campaigns(id, name, framework_id, config, created_at) VALUES"
            " (?, 'bench', 'bench', '{}', ?)",
            (campaign, now),
        )
        for i, u in enumerate(units):
            conn.execute(
                "INSERT OR IGNORE INTO units(campaign_id, code, name, position) VALUES (?, ?, ?, ?)",
                (campaign, u, f"Đơn vị {u}", i),
            )
    batch = []
    for i in range(1, n + 1):
        parent, issuer, short = rng.choice(ISSUERS)
        code, heading, type_name = rng.choice(TYPES)
        number = f"{rng.randint(1, 3999)}/{code}-{short}" if code != "CV" else f"{rng.randint(1, 3999)}/{short}-VP"
        issued = start + timedelta(days=rng.randint(0, 364))
        topic_keys = rng.sample(list(TOPICS), 2)
        subject = writer.sentence(
            [t for k in topic_keys for t in writer.topics[k]], [1.0] * sum(len(writer.topics[k]) for k in topic_keys)
        ).rstrip(".;:")
        kb = rng.uniform(2, 20)
        body = writer.body(int(kb * 1000 / 1.3), topic_keys)
        text = (
            f"{parent}\n{issuer}\nSố: {number}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            f"Quảng Nam, ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}\n{heading}\n{subject}\n"
            f"{body}"
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
        links = [(rng.choice(units), rng.choice(criteria)) for _ in range(rng.choice([1, 1, 1, 2]))]
        batch.append((i, meta, text, links))
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
        if len(batch) == 1000 or i == n:
            with store.transaction() as conn:
                for eid, meta, text, links in batch:
                    conn.execute(
                        "INSERT INTO evidence(id, sha256, size, filename, format, pages, text_source,"
                        " metadata, text, created_at, updated_at) VALUES (?, ?, ?, ?, 'pdf', 1, 'text',"
                        " ?, ?, ?, ?)",
                        (eid, f"{eid:064x}", len(text), f"van-ban-{eid}.pdf", dumps(meta), text, now, now),
                    )
                    for unit, criterion in set(links):
                        conn.execute(
                            "INSERT INTO links(evidence_id, campaign_id, unit_code, criterion_code, filename,"
                            " linked_by, linked_at) VALUES (?, ?, ?, ?, ?, 'bench', ?)",
                            (eid, campaign, unit, criterion, f"van-ban-{eid}.pdf", now),
                        )
            batch = []
    return {"campaign": campaign, "samples": samples, "text_bytes": total_bytes}


# ---------------------------------------------------------------- measuring


def query_mix(info: dict) -> dict[str, list[tuple[str, dict]]]:
    from evidence.vn.text import fold

    s = info["samples"]
    c = info["campaign"]
    return {
        "single word": [
            (w, {})
            for w in [
                "thanh tra",
                "ngân sách",
                "tiêm chủng",
                "hộ tịch",
                "biên chế",
                "khiếu nại",
                "phần mềm",
                "kiểm định",
            ]
        ][:8],
        "several words": [
            (q, {})
            for q in [
                "tài liệu kiểm chứng",
                "kê khai tài sản thu nhập",
                "dịch vụ công trực tuyến",
                "tinh giản biên chế vị trí việc làm",
                "phổ biến giáo dục pháp luật",
                "an toàn thực phẩm bệnh viện",
                "quyết toán kinh phí",
                "cải cách hành chính",
            ]
        ],
        "unaccented": [
            (q, {})
            for q in [
                "tai lieu kiem chung",
                "ke khai tai san",
                "chuyen doi so",
                "thu tuc hanh chinh mot cua",
                "hoa giai o co so",
                "dao duc cong vu",
                "tiet kiem chong lang phi",
                "phong chong dich",
            ]
        ],
        "phrase": [
            (f'"{q}"', {})
            for q in [
                "chỉ số cải cách hành chính",
                "trách nhiệm giải trình",
                "đơn vị sự nghiệp công lập",
                "văn hóa công vụ",
                "cơ sở dữ liệu",
                "thi tốt nghiệp",
                "xung đột lợi ích",
                "chữ ký số",
            ]
        ],
        "number": [(x["number"].lower().replace("/", " / "), {}) for x in s[:8]],
        "filtered": [
            (
                fold(x["subject"].split()[0]) if i % 2 else "kế hoạch",
                {"campaign": c, "unit": x["unit"], "criterion": x["criterion"]}
                if i % 2
                else {"campaign": c, "type_code": x["type"], "date_from": "01/03/2025", "date_to": "2025-09-30"},
            )
            for i, x in enumerate(s[8:16])
        ],
    }


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def measure_open(store: Store, times: int = 5) -> dict:
    """Opening the index (what the first search in a process pays; later ones reuse the open searcher)."""
    from evidence.search.searchers import close_all, open_searcher

    ms = []
    for _ in range(times):
        close_all()
        t = time.perf_counter()
        with open_searcher(store) as (searcher, _fast):
            segments = len(searcher.subsearchers or [searcher])
        ms.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(percentile(ms, 0.5), 1), "max_ms": round(max(ms), 1), "segments": segments}


def measure_queries(store: Store, info: dict, rounds: int) -> dict:
    """p50/p95 per kind with the index open. Decoded postings are cleared before each query (`cold`: as if
    no earlier query had used its words); `all_warm` keeps them (a busy web app's steady state)."""
    from evidence.search.searchers import clear_caches

    mix = query_mix(info)
    for q, f in [x for v in mix.values() for x in v]:  # warm-up: OS cache; the index stays open from here on
        search(store, q, **f)
    out, all_ms = {}, []
    number_first = 0
    for kind, queries in mix.items():
        times = []
        for _ in range(rounds):
            for q, f in queries:
                clear_caches()
                t = time.perf_counter()
                search(store, q, **f)
                times.append((time.perf_counter() - t) * 1000)
        if kind == "number":
            for (q, f), sample in zip(queries, info["samples"][:8]):
                top = search(store, q, **f)["results"]
                number_first += bool(top) and top[0]["number"] == sample["number"]
        all_ms += times
        out[kind] = {
            "p50_ms": round(percentile(times, 0.5), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "queries": len(times),
        }
    out["all"] = {
        "p50_ms": round(percentile(all_ms, 0.5), 1),
        "p95_ms": round(percentile(all_ms, 0.95), 1),
        "queries": len(all_ms),
    }
    warm = []
    for _ in range(rounds):
        for q, f in [x for v in mix.values() for x in v]:
            t = time.perf_counter()
            search(store, q, **f)
            warm.append((time.perf_counter() - t) * 1000)
    out["all_warm"] = {
        "p50_ms": round(percentile(warm, 0.5), 1),
        "p95_ms": round(percentile(warm, 0.95), 1),
        "queries": len(warm),
    }
    out["number_query_top_hit_correct"] = f"{number_first}/{len(mix['number'])}"
    return out


def _tree_rss_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants (the rebuild's sub-writers included)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            parents[int(entry)] = int(fields["PPid"])
            rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0])
        except (OSError, KeyError, ValueError):
            continue
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(rss.get(p, 0) for p in tree) / 1024


def rebuild_in_child(store_dir: Path) -> dict:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.monotonic()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from evidence.cli import main; sys.exit(main())",
            "--store",
            str(store_dir),
            "index",
            "rebuild",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.25)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"rebuild failed: {err.strip()[-500:]}")
    report = json.loads(out)
    report["wall_seconds"] = round(time.monotonic() - started, 1)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime - cpu_before, 1)  # all rebuild processes
    report["peak_rss_mb"] = round(peak, 1)  # sum over the process tree, sampled every 0.25 s
    return report


def measure_incremental(store: Store, n_docs: int, batch: int = 10, calls: int = 20) -> dict:
    """Re-index existing records in attach-sized batches (update_document under the writer lock)."""
    rng = random.Random(3)
    times = []
    for _ in range(calls):
        ids = rng.sample(range(1, n_docs + 1), batch)
        t = time.perf_counter()
        index_evidence(store, ids)
        times.append(time.perf_counter() - t)
    return {
        "batch": batch,
        "calls": calls,
        "p50_ms": round(percentile(times, 0.5) * 1000),
        "p95_ms": round(percentile(times, 0.95) * 1000),
        "docs_per_s": round(batch * calls / sum(times), 1),
    }


def prepare_store(n: int, workdir: Path, reuse: bool) -> tuple[Store, dict]:
    """A store of `n` generated documents; with `reuse`, the one a previous run left in `workdir`."""
    store_dir = workdir / f"store-{n}"
    info_file = workdir / f"store-{n}.json"
    if reuse and info_file.exists() and store_dir.exists():
        info = json.loads(info_file.read_text(encoding="utf-8"))
        print(f"[{n}] reusing {store_dir} (generated in {info['generate_s']} s)", file=sys.stderr, flush=True)
        return Store.open(store_dir), info
    shutil.rmtree(store_dir, ignore_errors=True)
    info_file.unlink(missing_ok=True)
    store = Store.init(store_dir)
    t = time.monotonic()
    info = generate(store, n)
    info["generate_s"] = round(time.monotonic() - t, 1)
    info_file.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    print(
        f"[{n}] generated {n} documents, {info['text_bytes'] / 1e6:.0f} MB of text in {info['generate_s']} s",
        file=sys.stderr,
        flush=True,
    )
    return store, info


def run(n: int, workdir: Path, rounds: int, reuse: bool = False, skip_rebuild: bool = False) -> dict:
    store, info = prepare_store(n, workdir, reuse)
    store_dir = workdir / f"store-{n}"
    gen_s = info["generate_s"]
    rebuild_file = workdir / f"store-{n}.rebuild.json"
    if skip_rebuild and rebuild_file.exists():
        rebuild = json.loads(rebuild_file.read_text(encoding="utf-8"))
        print(f"[{n}] index kept; rebuild figures from the run that built it", file=sys.stderr, flush=True)
    else:
        rebuild = rebuild_in_child(store_dir)
        rebuild_file.write_text(json.dumps(rebuild), encoding="utf-8")
    print(f"[{n}] rebuild: {rebuild}", file=sys.stderr, flush=True)
    incremental = measure_incremental(store, n)
    opening = measure_open(store)
    queries = measure_queries(store, info, rounds)
    store.close()
    return {
        "documents": n,
        "text_mb": round(info["text_bytes"] / 1e6, 1),
        "generate_s": round(gen_s, 1),
        "rebuild_s": rebuild["wall_seconds"],
        "rebuild_cpu_s": rebuild["cpu_seconds"],
        "load_average": os.getloadavg()[0],
        "rebuild_docs_per_s": round(n / rebuild["seconds"], 1),
        "rebuild_text_mb_per_s": round(info["text_bytes"] / 1e6 / rebuild["seconds"], 2),
        "rebuild_peak_rss_mb": rebuild["peak_rss_mb"],
        "index_mb": round(rebuild["index_bytes"] / 1e6, 1),
        "incremental": incremental,
        "open": opening,
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default="10000,50000", help="comma-separated store sizes (default 10000,50000)")
    parser.add_argument("--rounds", type=int, default=3, help="times each query of the mix is run")
    parser.add_argument("--workdir", type=Path, help="where to build the stores (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the generated stores")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse stores a previous run generated in --workdir (the rebuild is still measured)",
    )
    parser.add_argument(
        "--skip-rebuild",
        action="store_true",
        help="with --reuse: keep the index a previous run built (and report that run's rebuild)",
    )
    parser.add_argument("--generate-only", action="store_true", help="only generate the stores (into --workdir)")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="evidence-search-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [int(x) for x in args.docs.split(",") if x.strip()]
    if args.generate_only:
        for n in sizes:
            prepare_store(n, workdir, args.reuse)[0].close()
        return
    results = []
    try:
        for n in sizes:
            started = time.monotonic()
            r = run(n, workdir, args.rounds, args.reuse, args.skip_rebuild)
            r["benchmark_s"] = round(time.monotonic() - started, 1)
            results.append(r)
            print(json.dumps(r, ensure_ascii=False, indent=2), flush=True)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(
        "\nsize    text MB  rebuild s  docs/s  peak RSS MB  index MB  "
        + "  ".join(f"{k[:12]:>12}" for k in results[0]["queries"] if k != "number_query_top_hit_correct")
    )
    for r in results:
        cells = "  ".join(
            f"{v['p50_ms']:>5.0f}/{v['p95_ms']:<6.0f}"
            for k, v in r["queries"].items()
            if k != "number_query_top_hit_correct"
        )
        print(
            f"{r['documents']:<7} {r['text_mb']:>7} {r['rebuild_s']:>10} {r['rebuild_docs_per_s']:>7} "
            f"{r['rebuild_peak_rss_mb']!s:>12} {r['index_mb']:>9}  {cells}"
        )
    print("(query columns: p50/p95 ms)")


if __name__ == "__main__":
    main()
