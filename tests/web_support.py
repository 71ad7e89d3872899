"""Shared set-up for the web tests: a store with the test campaign, one account per role, signed-in clients."""

from __future__ import annotations

import re
from pathlib import Path

from evidence import accounts
from evidence.catalog import attach_files
from evidence.store import Store

PASSWORDS = {"thuky": "thuky-pass-1", "thamdinh": "thamdinh-pass-1", "stp": "stp-pass-1", "syt": "syt-pass-1"}


def make_accounts(store: Store) -> None:
    accounts.add_user(store, "thuky", "secretariat", PASSWORDS["thuky"])
    accounts.add_user(store, "thamdinh", "reviewer", PASSWORDS["thamdinh"])
    accounts.add_user(store, "stp", "unit", PASSWORDS["stp"], unit="STP")
    accounts.add_user(store, "syt", "unit", PASSWORDS["syt"], unit="SYT")


def make_pdf(path: Path, lines: list[str]) -> Path:
    """A born-digital PDF with a text layer (reportlab, a font with Vietnamese glyphs when one is installed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    font = "Helvetica"
    for candidate in ("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
                      "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        if Path(candidate).exists():
            pdfmetrics.registerFont(TTFont("VN", candidate))
            font = "VN"
            break
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(font, 13)
    y = 800
    for line in lines:
        c.drawString(60, y, line)
        y -= 22
    c.save()
    return path


def plan_pdf(path: Path, number: str = "12/KH-SNV", subject: str = "Kế hoạch cải cách hành chính năm 2025") -> Path:
    return make_pdf(path, ["UBND TỈNH QUẢNG NAM", "SỞ NỘI VỤ", f"Số: {number}",
                           "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                           "Quảng Nam, ngày 05 tháng 01 năm 2025", "KẾ HOẠCH", subject,
                           "Nội dung kế hoạch cải cách hành chính của Sở Tư pháp."])


def attach(store: Store, path: Path, unit: str, criterion: str, campaign: str = "test-2025") -> int:
    outcome = attach_files(store, [path], campaign_id=campaign, unit_code=unit, criterion_code=criterion,
                           by="test", ocr=False)[0]
    assert outcome.error is None, outcome.error
    return outcome.evidence_id


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def login(client, name: str, password: str | None = None):
    page = client.get("/login")
    token = csrf_of(page.text)
    response = client.post("/login", data={"csrf": token, "name": name, "password": password or PASSWORDS[name],
                                           "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    home = client.get("/")
    return csrf_of(home.text)
