"""The demo campaign: a PAR-index round of five units of a province, dated around today so nothing is late
by accident (deliberate problems are made on purpose, see demo.evidence)."""

from __future__ import annotations

from datetime import date

import yaml

UNITS = [
    {"code": "STP", "name": "Sở Tư pháp", "kind": "department"},
    {"code": "SYT", "name": "Sở Y tế", "kind": "department"},
    {"code": "STC", "name": "Sở Tài chính", "kind": "department"},
    {"code": "SGDDT", "name": "Sở Giáo dục và Đào tạo", "kind": "department"},
    {"code": "HBS", "name": "UBND huyện Bình Sơn", "kind": "district"},
]

COUNCIL = [
    {"name": "Trần Văn Bình", "title": "Phó Chủ tịch UBND tỉnh", "role": "chair"},
    {"name": "Lê Thị Cúc", "title": "Giám đốc Sở Nội vụ", "role": "deputy"},
    {"name": "Võ Minh Đức", "title": "Chánh Văn phòng UBND tỉnh", "role": "member"},
    {"name": "Nguyễn Thị Hoa", "title": "Phó Giám đốc Sở Tư pháp", "role": "member"},
    {"name": "Phạm Văn Dũng", "title": "Trưởng phòng CCHC, Sở Nội vụ", "role": "secretary"},
]


def assessment_year(today: date) -> int:
    """The round whose period (16/12 of the previous year to 15/12) contains today."""
    return today.year + 1 if (today.month, today.day) > (12, 15) else today.year


def campaign_data(today: date | None = None) -> dict:
    today = today or date.today()
    year = assessment_year(today)
    return {
        "id": f"cchc-{year}",
        "name": f"Xác định Chỉ số cải cách hành chính năm {year} của các sở, ban, ngành và UBND cấp huyện",
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
            "parent": "UBND TỈNH QUẢNG NAM",
            "issuer": "SỞ NỘI VỤ",
            "issuer_short": "SNV",
            "place": "Quảng Nam",
            "signer": {"authority": "KT. GIÁM ĐỐC", "title": "PHÓ GIÁM ĐỐC", "name": "Nguyễn Văn An"},
        },
        "units": UNITS,
        "council": COUNCIL,
        "bands": [
            {"name": "Tốt", "min": 80},
            {"name": "Khá", "min": 65},
            {"name": "Trung bình", "min": 50},
            {"name": "Yếu", "min": 0},
        ],
    }


def campaign_yaml(today: date | None = None) -> str:
    return yaml.safe_dump(campaign_data(today), allow_unicode=True, sort_keys=False)
