"""Vietnamese evidence records for the search tests, inserted straight into the database (reading is tested
elsewhere) and indexed through `evidence.search.index_evidence`."""

from __future__ import annotations

from evidence.store import Store, dumps, now_iso

# (number, type_code, issued_on, summary, text, links [(unit, criterion)])
DOCS = {
    "plan": (
        "1366/KH-UBND",
        "KH",
        "2025-01-05",
        "Kế hoạch thu thập tài liệu kiểm chứng năm 2025",
        "Kế hoạch thu thập tài liệu kiểm chứng phục vụ xác định chỉ số cải cách hành chính năm 2025. "
        "Các cơ quan chuẩn bị tài liệu kiểm chứng đầy đủ, đúng thời hạn.",
        [("STP", "1.1")],
    ),
    "plain": (
        "25/BC-STP",
        "BC",
        "2025-03-10",
        "Bao cao tai lieu kiem chung (ban khong dau)",
        "Bao cao nay liet ke tai lieu kiem chung cua don vi, go khong dau tu he thong cu. "
        "Can bo dau moi tong hop tai lieu kiem chung.",
        [("STP", "1.2")],
    ),
    "reform": (
        "84/QĐ-UBND",
        "QĐ",
        "2025-06-20",
        "Quyết định công bố chỉ số cải cách hành chính",
        "Quyết định công bố kết quả chỉ số cải cách hành chính năm 2024 của các sở, ban, ngành. "
        "Căn cứ Kế hoạch số 1366/KH-UBND ngày 05/01/2025 của UBND tỉnh.",
        [("SYT", "2.1"), ("STP", "2.1")],
    ),
    "scattered": (
        "12/TB-SYT",
        "TB",
        "2025-09-01",
        "Thông báo lịch kiểm tra",
        "Chỉ số năm nay giảm. Công tác cải cách thủ tục tiếp tục; hành chính công được đánh giá.",
        [("SYT", "1.1")],
    ),
    "health": (
        "30/BC-SYT",
        "BC",
        "2024-12-20",
        "Báo cáo công tác y tế",
        "Báo cáo kết quả tiêm chủng mở rộng và an toàn thực phẩm trên địa bàn tỉnh Quảng Nam.",
        [("SYT", "1.2"), ("BLV", "1.2")],
    ),
}


def insert(store: Store, key: str, *, campaign: str = "test-2025") -> int:
    number, type_code, issued_on, summary, text, links = DOCS[key]
    stamp = now_iso()
    meta = {
        "number": number,
        "type_code": type_code,
        "issued_on": issued_on,
        "summary": summary,
        "issuer": "SỞ NỘI VỤ",
        "parent_issuer": "UBND TỈNH QUẢNG NAM",
    }
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO evidence(sha256, size, filename, format, pages, text_source, metadata, text, created_at,"
            " updated_at) VALUES (?, ?, ?, 'text', 1, 'text', ?, ?, ?, ?) RETURNING id",
            (f"{abs(hash(key)):064x}"[:64], len(text), f"{key}.pdf", dumps(meta), text, stamp, stamp),
        )
        evidence_id = cur.fetchone()[0]
        for unit, criterion in links:
            conn.execute(
                "INSERT INTO links(evidence_id, campaign_id, unit_code, criterion_code, filename, linked_by,"
                " linked_at) VALUES (?, ?, ?, ?, ?, 'test', ?)",
                (evidence_id, campaign, unit, criterion, f"{key}.pdf", stamp),
            )
    return evidence_id


def load_all(store: Store) -> dict[str, int]:
    from evidence.search import index_evidence

    ids = {key: insert(store, key) for key in DOCS}
    index_evidence(store, list(ids.values()))
    return ids
