"""Shared set-up for the web tests: a store with the test campaign, one account per role, signed-in clients."""

from __future__ import annotations

import re
from pathlib import Path

from evidence.web import accounts
from evidence.catalog import attach_files
from evidence.round import stages
from evidence.store import Store

PASSWORDS = {"thuky": "thuky-pass-1", "thamdinh": "thamdinh-pass-1", "stp": "stp-pass-1", "syt": "syt-pass-1"}


def make_accounts(store: Store) -> None:
    accounts.add_user(store, "thuky", "secretariat", PASSWORDS["thuky"])
    accounts.add_user(store, "thamdinh", "reviewer", PASSWORDS["thamdinh"])
    accounts.add_user(store, "stp", "unit", PASSWORDS["stp"], unit="STP")
    accounts.add_user(store, "syt", "unit", PASSWORDS["syt"], unit="SYT")


def plan_pdf(
    path: Path, number: str = "12/KH-SNV", subject: str = "Kế hoạch cải cách hành chính năm 2025", type_code: str = "KH"
) -> Path:
    """A born-digital Decree 30 style PDF (the demo's generator: embedded Vietnamese fonts, a real text layer)."""
    from datetime import date

    from evidence.demo.docgen import OfficialDoc, write_pdf

    doc = OfficialDoc(
        issuer="SỞ TƯ PHÁP",
        parent="UBND TỈNH QUẢNG NAM",
        type_code=type_code,
        subject=subject,
        number=number,
        issued_on=date(2025, 1, 5),
        body=[
            "Thực hiện cải cách hành chính năm 2025, Sở Tư pháp ban hành kế hoạch như sau.",
            "Phân công nhiệm vụ cho các phòng, đơn vị thuộc Sở.",
        ],
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn A",
    )
    return write_pdf(doc, path)


def attach(store: Store, path: Path, unit: str, criterion: str, campaign: str = "test-2025") -> int:
    outcome = attach_files(
        store, [path], campaign_id=campaign, unit_code=unit, criterion_code=criterion, by="test", ocr=False
    )[0]
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
    response = client.post(
        "/login",
        data={"csrf": token, "name": name, "password": password or PASSWORDS[name], "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    home = client.get("/")
    return csrf_of(home.text)


def to_stage(store_path: Path, campaign: str, stage: str) -> None:
    """Move the campaign through the round's stages up to `stage` (round/stages.py)."""
    store = Store.open(store_path)
    try:
        order = stages.STAGES
        current = stages.current_stage(store, campaign)
        for name in order[order.index(current) + 1 : order.index(stage) + 1]:
            stages.advance(store, campaign, name, by="test")
    finally:
        store.close()
