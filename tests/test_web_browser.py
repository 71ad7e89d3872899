"""End to end in Debian's Chromium (Playwright for Python, never `playwright install`): a unit uploads a PDF and
scores it, a reviewer appraises it, the secretariat finds it by search and downloads the report.
The server is the real app under uvicorn on a free loopback port. Set EVIDENCE_SCREENSHOTS=DIR to keep
screenshots of each step."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from evidence.round.campaign import create_campaign
from evidence.frameworks.model import save_framework
from evidence.store import Store

from conftest import CAMPAIGN_YAML, small_framework
from web_support import PASSWORDS, make_accounts, plan_pdf

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (/usr/bin/chromium)"),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_database):
    import uvicorn

    from evidence.web import create_app

    root = tmp_path_factory.mktemp("browser")
    store = Store.init(root / "store")
    save_framework(store, small_framework())
    (root / "campaign.yaml").write_text(CAMPAIGN_YAML, encoding="utf-8")
    create_campaign(store, root / "campaign.yaml")
    make_accounts(store)
    # the other units were appraised already (the report ranks every unit)
    from evidence.round.scoring import appraise, set_self_score

    for unit, criterion, score in (("SYT", "1.1", 3), ("SYT", "2.1", 5), ("BLV", "1.1", 2), ("BLV", "2.2", 4)):
        set_self_score(store, "test-2025", unit, criterion, score, by="setup")
        appraise(store, "test-2025", unit, criterion, score, by="setup")
    store.close()
    port = free_port()
    app = create_app(root / "store", ocr=False)
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline:
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "root": root}
    uv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def shot(page, name: str) -> None:
    folder = os.environ.get("EVIDENCE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sign_in(browser, server, name: str, viewport=None):
    context = browser.new_context(
        viewport=viewport or {"width": 1366, "height": 900}, accept_downloads=True, locale="vi-VN"
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(server["url"] + "/")
    assert "/login" in page.url
    shot(page, f"00-login-{name}")
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(server["url"] + "/")
    return context, page


def test_a_round_in_the_browser(browser, server, tmp_path):
    url = server["url"]
    pdf = plan_pdf(
        tmp_path / "Kế hoạch CCHC năm 2025.pdf",
        number="12/KH-STP",
        subject="Kế hoạch cải cách hành chính năm 2025 của Sở Tư pháp",
    )

    # 1. the unit: upload a PDF to criterion 1.1, score it
    context, page = sign_in(browser, server, "stp")
    shot(page, "01-unit-home")
    page.click("text=Mở hồ sơ của đơn vị")
    page.wait_for_url(f"{url}/c/test-2025/u/STP")
    shot(page, "02-unit-tree")
    page.click("a:has-text('Ban hành kế hoạch cải cách hành chính năm')")
    page.wait_for_url(f"{url}/c/test-2025/u/STP/k/1.1")
    page.set_input_files("#files", str(pdf))
    page.fill("#pages", "1-2")
    page.fill("#note", "Bản đã ký số")
    page.click("form.upload button[type=submit]")
    page.wait_for_selector(".flash.ok")
    assert "Kế hoạch CCHC năm 2025.pdf" in page.inner_text(".flash.ok")
    assert page.locator("article.evidence").count() == 1
    page.fill("#score", "9")
    page.click("form[action$='self-score'] button[type=submit]")
    page.wait_for_selector("#err-score")
    assert "vượt mức tối đa" in page.inner_text("#err-score")
    shot(page, "03-unit-score-error")
    page.fill("#score", "3,5")
    page.fill("#explanation", "Kế hoạch ban hành đúng hạn.")
    page.click("form[action$='self-score'] button[type=submit]")
    page.wait_for_selector("text=Đã lưu điểm tự chấm")
    shot(page, "04-unit-criterion")
    context.close()

    # 2. the reviewer: sees the self-score, the preview, appraises
    context, page = sign_in(browser, server, "thamdinh")
    page.goto(f"{url}/c/test-2025/units")
    shot(page, "05-reviewer-units")
    page.click("a:has-text('Sở Tư pháp')")
    page.click("a:has-text('Ban hành kế hoạch cải cách hành chính năm')")
    assert page.inner_text("#diem dd.big >> nth=0").strip() == "3,5"
    assert "Kế hoạch ban hành đúng hạn." in page.inner_text("#diem")
    frame = page.locator("details.preview iframe")
    assert frame.get_attribute("src").endswith("/file?inline=1")
    assert page.locator("form[action$='self-score']").count() == 0  # reviewers cannot change self-scores
    assert "Đơn vị chưa gửi bản tự đánh giá" in page.inner_text("#diem")
    page.check("input[name=force]")  # appraising a unit that has not submitted is a deliberate choice
    page.fill("#appraised", "3")
    page.fill("#comment", "Thiếu phụ lục phân công.")
    page.click("form[action$='appraise'] button.primary")
    page.wait_for_selector("text=Đã lưu điểm thẩm định")
    shot(page, "06-reviewer-appraised")
    assert page.inner_text("#diem dd.big >> nth=1").strip() == "3"
    context.close()

    # 3. the secretariat: search, open the evidence, generate and download the report
    context, page = sign_in(browser, server, "thuky")
    page.goto(f"{url}/search")
    page.fill("#q", "cai cach hanh chinh")
    page.click(".search-form button[type=submit]")
    page.wait_for_selector("ol.results li")
    assert page.locator("ol.results mark").count() >= 1
    shot(page, "07-search")
    page.click("ol.results li a.title >> nth=0")
    page.wait_for_url(f"{url}/e/*")
    assert "Kế hoạch CCHC năm 2025.pdf" in page.inner_text("main")
    shot(page, "08-evidence")
    page.goto(f"{url}/c/test-2025/dashboard")
    shot(page, "09-dashboard")
    page.goto(f"{url}/c/test-2025/documents")
    page.check("input[name=kind][value=report]")
    page.click("form[action$='generate'] button.primary")
    page.wait_for_selector(".flash.ok")
    shot(page, "10-documents")
    with page.expect_download() as info:
        page.click("a:has-text('test-2025-report.docx')")
    download = info.value
    assert download.suggested_filename == "test-2025-report.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    import docx

    text = "\n".join(p.text for p in docx.Document(saved).paragraphs)
    assert "BÁO CÁO" in text.upper()
    context.close()


def test_tablet_layout_and_drag_and_drop(browser, server, tmp_path):
    """On a tablet-sized screen the criterion page stacks its columns; a file dropped on the zone is taken."""
    url = server["url"]
    context, page = sign_in(browser, server, "syt", viewport={"width": 820, "height": 1180})
    page.goto(f"{url}/c/test-2025/u/SYT/k/1.2")
    pdf = plan_pdf(tmp_path / "bao-cao.pdf", number="3/BC-SYT", subject="Báo cáo cải cách hành chính quý I")
    data = list(pdf.read_bytes())
    page.evaluate(
        """([bytes]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], 'bao-cao.pdf', {type: 'application/pdf'}));
        const zone = document.querySelector('[data-dropzone]');
        zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""",
        [data],
    )
    assert "bao-cao.pdf" in page.inner_text("[data-chosen]")
    page.click("form.upload button[type=submit]")
    page.wait_for_selector(".flash.ok")
    main_box = page.locator("section.col-main").bounding_box()
    side_box = page.locator("aside.col-side").bounding_box()
    # stacked, not side by side: the scores first, then the documents with their long previews
    assert side_box["y"] + side_box["height"] <= main_box["y"] + 1
    assert main_box["width"] > 700 and side_box["width"] > 700
    shot(page, "11-tablet")
    # the unit takes the file back: the control opens (from the keyboard: a mouse click at the summary's place can
    # land in the PDF viewer that loads above it while the page scrolls), asks for a reason, and empties the criterion
    page.locator("details.detach summary").press("Enter")
    page.fill("details.detach input[name=reason]", "nhầm tiêu chí")
    page.click("details.detach button[type=submit]")
    page.wait_for_selector(".flash.ok")
    assert "Đã gỡ tài liệu «bao-cao.pdf» khỏi tiêu chí 1.2" in page.inner_text(".flash.ok")
    assert "Chưa có tài liệu nào." in page.inner_text("#tai-lieu")
    context.close()
