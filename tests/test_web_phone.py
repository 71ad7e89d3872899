"""Every page at a phone's size (390×844) and a laptop's (1366×768) in Debian's Chromium (issue 15, item 6): no page
is wider than the screen unless the wide part sits in its own scroll box; the criterion tree stacks its rows so the
scores and findings are on screen; the dashboard's progress table scrolls sideways with the unit column fixed.
Set EVIDENCE_SCREENSHOTS=DIR to keep a screenshot of each page at both sizes."""

from __future__ import annotations

import pytest

from test_web_browser import CHROMIUM, browser, server, shot, sign_in  # noqa: F401 - fixtures and helpers
from web_support import attach, plan_pdf

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (/usr/bin/chromium)"),
]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
C = "/c/test-2025"

# a page overflows when the document is wider than the window; an element wider than the screen is fine inside
# a box that scrolls sideways (overflow-x auto/scroll), and wrong anywhere else
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll('main *, header *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let p = el.parentElement, contained = false;
    while (p && p !== document.body) {
      const o = getComputedStyle(p).overflowX;
      const scrolls = o === 'auto' || o === 'scroll' || o === 'hidden';
      if (scrolls && p.getBoundingClientRect().right <= width + 1) { contained = true; break; }
      p = p.parentElement;
    }
    if (!contained) wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' + Math.round(box.right));
  }
  // a table squeezed into the screen is as bad as one running off it: no column narrower than a short word
  const narrow = [];
  for (const th of document.querySelectorAll('main table:not(.tree) thead th')) {
    const w = th.getBoundingClientRect().width;
    if (w > 0 && w < 28) narrow.push(th.textContent.trim() + ' ' + Math.round(w));
  }
  return {doc: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5), narrow: narrow.slice(0, 5)};
}"""


@pytest.fixture(scope="module")
def evidence_ids(server):  # noqa: F811
    from evidence.round.scoring import set_self_score
    from evidence.store import Store

    store = Store.open(server["root"] / "store")
    try:
        ids = []
        for i, code in enumerate(("1.1", "1.2", "2.1")):
            path = plan_pdf(server["root"] / f"phone-{i}.pdf", number=f"{i + 5}/KH-STP")
            ids.append(attach(store, path, "STP", code))
        set_self_score(store, "test-2025", "STP", "1.1", 4, by="stp")
    finally:
        store.close()
    return ids


def check_fits(page, name: str) -> None:
    found = page.evaluate(OVERFLOW)
    assert found["doc"] <= found["width"], f"{name}: the page is {found['doc']} px wide on a {found['width']} px screen"
    assert not found["wide"], f"{name}: wider than the screen outside a scroll box: {found['wide']}"
    assert not found["narrow"], f"{name}: columns squeezed to a few pixels: {found['narrow']}"


PAGES = {
    "stp": ["/", f"{C}/u/STP", f"{C}/u/STP/k/1.1", "/e/{e}", "/password", "/khong-co-trang-nay"],
    "thamdinh": [f"{C}/units", f"{C}/u/STP/k/1.1", "/search?q=k%E1%BA%BF+ho%E1%BA%A1ch"],
    "thuky": [f"{C}/dashboard", f"{C}/documents", "/users", f"{C}/u/STP"],
}


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_every_page_fits_the_screen(browser, server, evidence_ids, size):  # noqa: F811
    viewport = PHONE if size == "phone" else LAPTOP
    for name, urls in PAGES.items():
        context, page = sign_in(browser, server, name, viewport=viewport)
        for url in urls:
            url = url.replace("{e}", str(evidence_ids[0]))
            page.goto(server["url"] + url)
            slug = url.strip("/").replace("/", "-").split("?")[0] or "home"
            shot(page, f"{size}-{name}-{slug}")
            check_fits(page, f"{size} {name} {url}")
        context.close()
    anonymous = browser.new_context(viewport=viewport, locale="en-US")
    page = anonymous.new_page()
    page.goto(server["url"] + "/login")
    shot(page, f"{size}-login")
    check_fits(page, f"{size} /login")
    anonymous.close()


def test_the_tree_on_a_phone_shows_scores_and_findings_on_screen(browser, server, evidence_ids):  # noqa: F811
    context, page = sign_in(browser, server, "stp", viewport=PHONE)
    page.goto(f"{server['url']}{C}/u/STP")
    row = page.locator("tr#tc-1\\.1")
    for cell in ("td[data-label='Tự chấm']", "td[data-label='Thẩm định']", "td[data-label='Tài liệu']"):
        box = row.locator(cell).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], cell
    cell = row.locator("td[data-label='Tự chấm']")
    assert cell.inner_text().strip() == "4"
    assert "Tự chấm" in cell.evaluate("el => getComputedStyle(el, '::before').content")  # labelled on a phone
    check_fits(page, "phone tree")
    context.close()


def test_the_dashboard_on_a_phone_scrolls_sideways_with_the_unit_column_fixed(browser, server, evidence_ids):  # noqa: F811
    context, page = sign_in(browser, server, "thuky", viewport=PHONE)
    page.goto(f"{server['url']}{C}/dashboard")
    box = page.locator(".scroll.sticky-first")
    sizes = box.evaluate("el => ({scroll: el.scrollWidth, client: el.clientWidth, x: getComputedStyle(el).overflowX})")
    assert sizes["scroll"] > sizes["client"] and sizes["x"] == "auto"  # wide table, in its own scroll box
    assert page.locator(".scroll-hint").first.is_visible()  # and the page says it scrolls
    first = page.locator(".progress-table tbody tr td.sticky").first
    before = first.bounding_box()
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_timeout(100)
    after = first.bounding_box()
    assert abs(after["x"] - before["x"]) < 2, "the unit column stays in view"
    last = page.locator(".progress-table tbody tr:first-child td:last-child").bounding_box()
    assert last["x"] < PHONE["width"], "scrolled: the last columns come into view"
    shot(page, "phone-dashboard-scrolled")
    check_fits(page, "phone dashboard")
    context.close()


def test_a_unit_submits_from_a_phone_through_the_pre_submit_check(browser, server):  # noqa: F811
    context, page = sign_in(browser, server, "syt", viewport=PHONE)
    page.goto(f"{server['url']}{C}/u/SYT")
    check = page.locator("#kiem-tra")
    assert "chưa tự chấm" in check.inner_text()
    assert check.bounding_box()["y"] < PHONE["height"], "the check is on the first screen"
    page.click("a[href='#gui']")
    page.wait_for_timeout(200)
    assert page.locator("#gui").bounding_box()["y"] < PHONE["height"]  # the link takes the unit to the submit box
    page.check("#gui input[name=confirm]")
    page.click("#gui button[type=submit]")
    page.wait_for_selector("#xac-nhan")
    box = page.locator("#xac-nhan")
    assert "vẫn gửi?" in box.inner_text() and box.locator("a").count() >= 1
    shot(page, "phone-submit-confirm")
    check_fits(page, "phone submit confirmation")
    box.locator("button[type=submit]").click()
    page.wait_for_selector(".flash.ok")
    assert "Đã gửi bản tự đánh giá" in page.inner_text(".flash.ok")
    context.close()
