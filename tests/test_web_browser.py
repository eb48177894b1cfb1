"""The review desk in a real browser: Playwright driving Debian's Chromium against
``pressdocs serve`` on loopback, on a store built by a real batch of the demo mailbox.

Screenshots of every page, at a desktop and a phone width, go to the folder named by
``PRESSDOCS_SCREENSHOTS`` (default: the test's temporary folder) to be looked at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the review desk needs pressdocs[web]")
pytest.importorskip("playwright", reason="browser tests need playwright")

from playwright.sync_api import Page, expect

from cli_support import invoke
from pressdocs import Pressdocs
from web_support import (
    MARKUP_FILE,
    MARKUP_SUBJECT,
    REVIEWER,
    REVIEWER_PASSWORD,
    VIEWER,
    VIEWER_PASSWORD,
    build_store,
    copy_store,
    serving,
    submission_ids,
)

RSJ = "市人社局新闻发布会材料"
STATS_REGISTRATION = "【市统计局】2021年一季度全市经济运行情况新闻发布会登记表"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("desk-browser"))


@pytest.fixture
def store(built: Path, tmp_path: Path) -> Path:
    return copy_store(built, tmp_path)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("PRESSDOCS_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_in(page: Page, base: str, name: str, password: str) -> None:
    page.goto(f"{base}/inbox")
    expect(page).to_have_url(f"{base}/login?next=/inbox")
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/inbox")
    expect(page.get_by_role("heading", name="收件箱")).to_be_visible()


def fits(page: Page) -> bool:
    """Whether the page fits the window's width (nothing to scroll sideways)."""
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"))


def test_a_reviewer_returns_a_submission_and_the_ledger_audit_and_outbox_show_it(
        page: Page, store: Path, shots: Path) -> None:
    with serving(store) as base:
        log_in(page, base, REVIEWER, REVIEWER_PASSWORD)
        page.get_by_role("link", name=RSJ).click()
        expect(page.get_by_role("heading", name=RSJ)).to_be_visible()
        sub_url = page.url
        with Pressdocs(store=store) as app:
            sub = app.submission(submission_ids(store)[RSJ])
        error = next(f for f in sub.findings if f.severity.value == "error")
        expect(page.get_by_text(error.text("zh")).first).to_be_visible()
        page.get_by_label("其他原因（每行一条）").fill("请补充加盖公章的登记表")
        page.get_by_role("button", name="退回补正").click()
        expect(page.get_by_role("status")).to_contain_text("已退回补正")
        expect(page.locator("#review")).to_contain_text("已退回")
        expect(page.locator("#review")).to_contain_text(REVIEWER)
        # every page, at a desktop and a phone width: Chinese shown, nothing off the side
        for size, tag in ((DESKTOP, "desktop"), (PHONE, "phone")):
            page.set_viewport_size(size)
            for name, url in (("inbox", f"{base}/inbox"), ("submission", sub_url),
                              ("plan", f"{base}/plan"), ("statistics", f"{base}/statistics"),
                              ("audit", f"{base}/audit")):
                page.goto(url)
                expect(page.locator("header")).to_contain_text("收件箱")
                page.screenshot(path=str(shots / f"{name}-{tag}.png"), full_page=True)
                if tag == "phone":
                    assert fits(page), f"{name} is wider than a phone"
        page.goto(f"{base}/audit")
        expect(page.locator("table")).to_contain_text("退回补正")
        expect(page.locator("table")).to_contain_text("请补充加盖公章的登记表")
    with Pressdocs(store=store) as app:
        review = app.review(sub.id)
        assert review.state.value == "returned" and review.decision is not None
        assert review.decision.by == REVIEWER
        assert "请补充加盖公章的登记表" in review.decision.opinion
        assert app.audit(subject=sub.id)[-1].actor == REVIEWER
    # the correction request goes out through the outbox channel
    sent = invoke(["--store", str(store), "notify"])
    assert sent.exit_code == 0, sent.output
    written = [p.read_text(encoding="utf-8") for p in (store.parent / "outbox").glob("*.json")]
    assert any("请补充加盖公章的登记表" in text for text in written)


def test_a_viewer_sees_no_decisions_and_an_approval_posted_anyway_is_refused(
        page: Page, store: Path) -> None:
    ids = submission_ids(store)
    with serving(store) as base:
        log_in(page, base, VIEWER, VIEWER_PASSWORD)
        page.goto(f"{base}/submissions/{ids[STATS_REGISTRATION]}")
        expect(page.get_by_text("查看者账号只能查看")).to_be_visible()
        expect(page.get_by_role("button", name="审批同意")).to_have_count(0)
        token = page.evaluate("document.cookie")  # HttpOnly: the session is not readable
        assert "pressdocs_session" not in token
        answer = page.request.post(f"{base}/submissions/{ids[STATS_REGISTRATION]}/approve",
                                   form={"csrf_token": page.locator(
                                       "input[name=csrf_token]").first.input_value()})
        assert answer.status == 403 and "查看者账号只能查看" in answer.text()
    with Pressdocs(store=store) as app:
        assert app.review(ids[STATS_REGISTRATION]).state.value == "under_review"


def test_a_form_posted_without_its_csrf_token_is_refused(page: Page, store: Path) -> None:
    ids = submission_ids(store)
    with serving(store) as base:
        log_in(page, base, REVIEWER, REVIEWER_PASSWORD)
        page.goto(f"{base}/submissions/{ids[STATS_REGISTRATION]}")
        # the form as another site would post it: the token taken out
        page.locator("form.decide input[name=csrf_token]").first.evaluate("e => e.remove()")
        page.get_by_role("button", name="审批同意").click()
        expect(page.get_by_role("alert")).to_contain_text("缺少校验码")
    with Pressdocs(store=store) as app:
        assert app.review(ids[STATS_REGISTRATION]).state.value == "under_review"
        assert app.audit(subject=ids[STATS_REGISTRATION]) == []


def test_markup_in_a_subject_and_a_file_name_is_shown_as_text(page: Page, store: Path,
                                                              shots: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serving(store) as base:
        log_in(page, base, REVIEWER, REVIEWER_PASSWORD)
        expect(page.get_by_role("link", name=MARKUP_SUBJECT)).to_be_visible()
        page.get_by_role("link", name=MARKUP_SUBJECT).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(MARKUP_SUBJECT)
        expect(page.get_by_role("link", name=MARKUP_FILE)).to_be_visible()
        assert page.locator("main script, main img[onerror]").count() == 0
        page.screenshot(path=str(shots / "markup.png"), full_page=True)
    assert dialogs == []
