"""The demo campaign: the PAR-index round of a merged province as it runs since local government has two levels
(1 July 2025) — tỉnh Lâm Đồng after the merger with Đắk Nông and Bình Thuận: departments (sở) ranked in one group
on the department index, and communes, wards and a special zone (xã, phường, đặc khu) in another on the commune
index. No districts.

The round is the one whose assessment period (16/12 of the previous year to 15/12) contains today; its stages and
its issued documents follow `timeline(year)`, in event order. Person names are made up.
"""

from __future__ import annotations

from datetime import date

import yaml

PROVINCE = "Lâm Đồng"

DEPARTMENTS = [
    {"code": "STP", "name": "Sở Tư pháp", "head_title": "Giám đốc", "head_name": "Nguyễn Văn Hùng"},
    {"code": "SYT", "name": "Sở Y tế", "head_title": "Giám đốc", "head_name": "Trần Thị Mai"},
    {"code": "STC", "name": "Sở Tài chính", "head_title": "Giám đốc", "head_name": "Lê Quang Minh"},
    {"code": "SGDDT", "name": "Sở Giáo dục và Đào tạo", "head_title": "Giám đốc", "head_name": "Phạm Thị Lan"},
]
# real communes, wards and the special zone of Lâm Đồng since 1 July 2025 (former Lâm Đồng, Đắk Nông, Bình Thuận);
# the heads' names are invented for the demo
COMMUNES = [
    {
        "code": "XHDL",
        "name": "UBND phường Xuân Hương - Đà Lạt",
        "place": "Xuân Hương - Đà Lạt",
        "head_name": "Đỗ Văn Nam",
    },
    {"code": "BACGN", "name": "UBND phường Bắc Gia Nghĩa", "place": "Bắc Gia Nghĩa", "head_name": "Hồ Thị Thu"},
    {"code": "PTH", "name": "UBND phường Phan Thiết", "place": "Phan Thiết", "head_name": "Bùi Văn Phúc"},
    {"code": "DTR", "name": "UBND xã Đức Trọng", "place": "Đức Trọng", "head_name": "Ngô Văn Tài"},
    {"code": "PQY", "name": "UBND đặc khu Phú Quý", "place": "Phú Quý", "head_name": "Võ Thị Hạnh"},
]
UNITS = [{**u, "kind": "department", "symbol": u["code"], "place": PROVINCE} for u in DEPARTMENTS] + [
    {**u, "kind": "commune", "symbol": "UBND", "head_title": "Chủ tịch UBND"} for u in COMMUNES
]

COUNCIL = [
    {"name": "Trần Văn Bình", "title": "Phó Chủ tịch UBND tỉnh", "role": "chair"},
    {"name": "Lê Thị Cúc", "title": "Giám đốc Sở Nội vụ", "role": "deputy"},
    {"name": "Võ Minh Đức", "title": "Phó Chánh Văn phòng UBND tỉnh", "role": "member"},
    {"name": "Nguyễn Thị Hoa", "title": "Phó Giám đốc Sở Tư pháp", "role": "member"},
    {"name": "Hoàng Minh Tâm", "title": "Phó Giám đốc Sở Khoa học và Công nghệ", "role": "member"},
    {"name": "Phạm Văn Dũng", "title": "Trưởng phòng Cải cách hành chính, Sở Nội vụ", "role": "secretary"},
]


def assessment_year(today: date) -> int:
    """The round whose period (16/12 of the previous year to 15/12) contains today."""
    return today.year + 1 if (today.month, today.day) > (12, 15) else today.year


def timeline(year: int) -> dict:
    """The round's events in order: stage dates, and the issued documents (number, date) the demo registers.

    collection from the period start; the plan in January, the council in October, a reminder before the
    self-assessment deadline (20/12); the appraisal meeting in mid-January of the next year, the objection window
    until 25/01, the results final on 28/01; then the report, the submission and the announcement.
    """
    nxt = year + 1
    return {
        "stages": {
            "self_assessment_closed": date(year, 12, 21),
            "appraisal": date(nxt, 1, 12),
            "objections": date(nxt, 1, 16),
            "final": date(nxt, 1, 28),
        },
        "agreement": date(nxt, 1, 22),
        "documents": [  # kind, number, date — in the order they are signed
            ("plan", "15/KH-UBND", date(year, 1, 20)),
            ("decision", "1689/QĐ-UBND", date(year, 10, 16)),
            ("reminder", "2775/SNV-CCHC", date(year, 12, 10)),
            ("minutes", "01/BB-HĐTĐ", date(nxt, 1, 12)),
            ("report", "42/BC-SNV", date(nxt, 1, 29)),
            ("submission", "95/TTr-SNV", date(nxt, 1, 30)),
            ("announcement", "305/QĐ-UBND", date(nxt, 2, 5)),
        ],
    }


def campaign_data(today: date | None = None) -> dict:
    today = today or date.today()
    year = assessment_year(today)
    return {
        "id": f"cchc-{year}",
        "name": (
            f"Xác định Chỉ số cải cách hành chính năm {year} của các sở, ban, ngành và UBND các xã, phường, "
            "đặc khu tỉnh Lâm Đồng"
        ),
        "framework": "par-department",
        "year": year,
        "period": {"start": f"{year - 1}-12-16", "end": f"{year}-12-15"},
        "deadlines": {
            "self_assessment": f"{year}-12-20",
            "appraisal": f"{year + 1}-01-15",
            "objections": f"{year + 1}-01-25",
            "announcement": f"{year + 1}-02-10",
        },
        "organization": {
            "parent": "UBND TỈNH LÂM ĐỒNG",
            "issuer": "SỞ NỘI VỤ",
            "issuer_short": "SNV",
            "place": PROVINCE,
            "signer": {"authority": "KT. GIÁM ĐỐC", "title": "PHÓ GIÁM ĐỐC", "name": "Nguyễn Văn An"},
        },
        "units": UNITS,
        "groups": [
            {"code": "so-nganh", "name": "Khối sở, ban, ngành", "kinds": ["department"], "framework": "par-department"},
            {"code": "xa-phuong", "name": "Khối xã, phường, đặc khu", "kinds": ["commune"], "framework": "par-commune"},
        ],
        "council": COUNCIL,
        "documents": {
            # the province's own indexes, approved after Decision 1187/QĐ-BNV (15/10/2025), before the round
            "index_decision": [
                {"number": "2318/QĐ-UBND", "date": date(year - 1, 11, 14)},
                {"number": "2319/QĐ-UBND", "date": date(year - 1, 11, 14)},
            ],
            "decision": {
                "proposal": {"number": "1520/TTr-SNV", "date": date(year, 10, 9)},  # the council's Tờ trình
                "honorifics": {"Võ Minh Đức": "Ông", "Hoàng Minh Tâm": "Ông"},
            },
        },
        "bands": [
            {"name": "Tốt", "min": 80},
            {"name": "Khá", "min": 65},
            {"name": "Trung bình", "min": 50},
            {"name": "Yếu", "min": 0},
        ],
    }


def campaign_yaml(today: date | None = None) -> str:
    return yaml.safe_dump(campaign_data(today), allow_unicode=True, sort_keys=False)
