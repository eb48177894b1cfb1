"""The HTML exports rendered by a real browser: Debian's chromium, headless, through
Playwright (pytest-playwright's ``page``; tests/conftest.py points it at the system
browser).  Every request the page makes is recorded: only the page's own files may be
asked for.  Screenshots are kept under the test's tmp_path."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="the browser tests need playwright (the test extra)")

from playwright.sync_api import ConsoleMessage, Page, Request, expect

from html_office import SCRIPT_TITLE, TITLE, build_office
from pressdocs import Pressdocs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The record of plan item 11, the record with a ``<script>`` title and the dashboard."""
    root = tmp_path_factory.mktemp("html")
    store = build_office(root)
    out = root / "site"
    with Pressdocs(store=store, load_entry_points=False) as pd:
        return {"record": pd.export(pd.conference_record(plan_item=11), out / "实录.html"),
                "script": pd.export(pd.conference_record(plan_item=2), out / "人社局.html"),
                "dashboard": pd.export(pd.dashboard(as_of=date(2021, 7, 5)),
                                       out / "看板.html")}


class Watch:
    """What the page told the console and what it asked for (anything not a local file
    or 127.0.0.1 is refused, and recorded)."""

    def __init__(self, page: Page):
        self.console: list[ConsoleMessage] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("console", lambda m: self.console.append(m))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.route("**/*", self._route)

    @staticmethod
    def _route(route: object, request: Request) -> None:
        local = request.url.startswith(("file://", "http://127.0.0.1", "data:"))
        route.continue_() if local else route.abort()  # type: ignore[attr-defined]

    def check(self) -> None:
        assert [m.text for m in self.console if m.type in ("error", "warning")] == []
        assert self.errors == [] and self.dialogs == []
        outside = [u for u in self.requests if not u.startswith(("file://", "data:"))]
        assert outside == []


def test_the_record_page_in_a_browser(page: Page, pages: dict[str, Path],
                                      tmp_path: Path) -> None:
    watch = Watch(page)
    page.set_viewport_size({"width": 1000, "height": 900})
    page.goto(pages["record"].as_uri())
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page).to_have_title(TITLE)
    expect(page.locator("dl.facts")).to_contain_text("2021年4月15日 9:30")
    expect(page.locator("section.qa dt")).to_have_count(2)
    pictures = page.locator("figure img")
    expect(pictures).to_have_count(3)
    for i in range(3):  # each picture was found and decoded beside the page
        assert pictures.nth(i).evaluate("img => img.complete && img.naturalWidth") == 1280
    expect(page.get_by_role("link", name="发布会现场视频.mp4")).to_be_visible()
    page.screenshot(path=tmp_path / "record.png", full_page=True)
    watch.check()
    assert len([u for u in watch.requests if u.endswith(".jpg")]) == 3


def test_the_record_page_on_a_phone_and_in_print(page: Page, pages: dict[str, Path],
                                                 tmp_path: Path) -> None:
    watch = Watch(page)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(pages["record"].as_uri())
    # nothing wider than the phone: no sideways scrolling, pictures fit the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    width = page.locator("figure img").first.evaluate("img => img.getBoundingClientRect().width")
    assert 300 <= width <= 375
    page.screenshot(path=tmp_path / "phone.png", full_page=True)
    page.emulate_media(media="print")
    after = page.locator("section.videos a").evaluate(
        "a => getComputedStyle(a, '::after').content")
    assert "attr(href)" in after or "mail.163.com" in after  # the address printed out
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
    watch.check()


def test_a_script_in_a_title_shows_as_text(page: Page, pages: dict[str, Path],
                                           tmp_path: Path) -> None:
    watch = Watch(page)
    page.goto(pages["script"].as_uri())
    expect(page.locator("h1")).to_have_text(SCRIPT_TITLE)
    expect(page).to_have_title(SCRIPT_TITLE)  # not "pwned": the script never ran
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("script").count() == 0
    page.screenshot(path=tmp_path / "script.png")
    page.set_viewport_size({"width": 375, "height": 740})  # the long title wraps on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    watch.check()


def test_the_dashboard_in_a_browser(page: Page, pages: dict[str, Path],
                                    tmp_path: Path) -> None:
    watch = Watch(page)
    page.set_viewport_size({"width": 1000, "height": 900})
    page.goto(pages["dashboard"].as_uri())
    expect(page.locator("h1")).to_have_text("2021年新闻发布工作看板")
    by_month = page.locator("section#plan table").first
    expect(by_month.locator("tbody tr")).to_have_count(12)
    expect(by_month.locator("tfoot td").last).to_have_text("74")
    expect(page.locator("svg[role=img]")).to_have_count(2)
    # the month chart's bars are drawn: as many coloured segments as non-empty cells
    cells = page.locator("section#plan table").first.locator("tbody tr").evaluate_all(
        "rows => rows.map(tr => [...tr.querySelectorAll('td.n')].slice(0, -1)"  # not the total
        "  .filter(td => td.textContent.trim()).length).reduce((a, b) => a + b, 0)")
    expect(page.locator("svg[aria-labelledby=month-chart-title] rect")).to_have_count(cells)
    box = page.locator("svg[aria-labelledby=month-chart-title]").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    awaiting = page.locator("section#awaiting tbody tr")
    expect(awaiting).to_have_count(2)
    expect(awaiting.first).to_contain_text("<script>")  # the subject, as text
    expect(page.locator("section#statistics")).to_contain_text("2021年上半年")
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    watch.check()
