"""The review desk (``pressdocs serve``) through Starlette's test client: who may see and do
what, what each page shows of a store built by a real batch, the decisions it records,
and the JSON API against its schemas.  The browser tests are in test_web_browser.py."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the review desk needs pressdocs[web]")

from starlette.testclient import TestClient

from pressdocs import Pressdocs, schemas
from pressdocs.config import Config
from pressdocs.web.app import create_app
from pressdocs.web.desk import Desk, LoginLimiter
from web_support import (
    MARKUP_FILE,
    MARKUP_SUBJECT,
    REVIEWER,
    REVIEWER_PASSWORD,
    VIEWER,
    VIEWER_PASSWORD,
    build_store,
    copy_store,
    csrf_of,
    submission_ids,
)

STATS_REGISTRATION = "【市统计局】2021年一季度全市经济运行情况新闻发布会登记表"
STATS_MATERIALS = "【市统计局】发布会材料（打包）"
RSJ = "市人社局新闻发布会材料"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("desk"))


@pytest.fixture
def store(built: Path, tmp_path: Path) -> Path:
    return copy_store(built, tmp_path)


def client_of(store: Path, *, lang: str = "zh", https: bool = False) -> TestClient:
    desk = Desk(config=Config(), store=store, lang=lang, https=https)
    base = "https://testserver" if https else "http://testserver"
    return TestClient(create_app(desk), base_url=base)


def logged_in(store: Path, name: str = REVIEWER, password: str = REVIEWER_PASSWORD,
              https: bool = False) -> TestClient:
    client = client_of(store, https=https)
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"name": name, "password": password,
                                         "csrf_token": token, "next": "/inbox"})
    assert answer.status_code == 200 and answer.url.path == "/inbox", answer.text
    return client


def text_of(page: str) -> str:
    """What a person reads: the tags dropped, entities decoded, spaces squeezed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


# --- who may see and do what ----------------------------------------------------------


def test_pages_send_an_anonymous_visitor_to_log_in_and_the_api_answers_401(store: Path) -> None:
    client = client_of(store)
    for path in ("/inbox", "/plan", "/statistics", "/audit", "/submissions/abc"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=" + path)
    api = client.get("/api/submissions")
    assert api.status_code == 401 and api.json() == {"error": "请先登录"}
    assert "Basic" in api.headers["www-authenticate"]


def test_a_login_goes_where_the_user_was_going_and_sets_a_safe_cookie(store: Path) -> None:
    client = client_of(store)
    page = client.get("/login?next=/plan")
    assert 'name="next" value="/plan"' in page.text
    answer = client.post("/login", follow_redirects=False, data={
        "name": REVIEWER, "password": REVIEWER_PASSWORD, "csrf_token": csrf_of(page.text),
        "next": "/plan"})
    assert answer.status_code == 303 and answer.headers["location"] == "/plan"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    # another site as the target is not followed
    other = client.post("/login", follow_redirects=False, data={
        "name": REVIEWER, "password": REVIEWER_PASSWORD,
        "csrf_token": csrf_of(client.get("/login").text), "next": "//evil.example/"})
    assert other.headers["location"] == "/inbox"


def test_behind_https_the_session_cookie_is_secure(store: Path) -> None:
    client = client_of(store, https=True)
    page = client.get("/login")
    answer = client.post("/login", follow_redirects=False, data={
        "name": REVIEWER, "password": REVIEWER_PASSWORD, "csrf_token": csrf_of(page.text)})
    assert "secure" in answer.headers["set-cookie"].lower()


def test_a_wrong_password_is_refused_and_repeated_failures_are_rate_limited(store: Path) -> None:
    client = client_of(store)
    for _ in range(5):
        answer = client.post("/login", data={"name": REVIEWER, "password": "wrong-password",
                                             "csrf_token": csrf_of(client.get("/login").text)})
        assert answer.status_code == 401
        assert "账号或密码不正确" in answer.text
    # now even the right password waits
    answer = client.post("/login", data={"name": REVIEWER, "password": REVIEWER_PASSWORD,
                                         "csrf_token": csrf_of(client.get("/login").text)})
    assert answer.status_code == 429
    assert re.search(r"登录失败次数过多，请 \d+ 分钟后再试", answer.text)
    # another account is not locked out by them
    other = client.post("/login", data={"name": VIEWER, "password": VIEWER_PASSWORD,
                                        "csrf_token": csrf_of(client.get("/login").text)})
    assert other.status_code == 200 and other.url.path == "/inbox"


def test_the_limiter_forgets_failures_after_its_window() -> None:
    now = [1000.0]
    limiter = LoginLimiter(per_name=3, per_client=10, window=60, clock=lambda: now[0])
    for _ in range(3):
        limiter.failed("Wang", "10.0.0.1")
    assert 0 < limiter.wait("wang", "10.0.0.2") <= 60  # the name, whatever the case
    now[0] += 61
    assert limiter.wait("wang", "10.0.0.1") == 0


def test_a_login_form_without_its_token_is_refused(store: Path) -> None:
    client = client_of(store)
    answer = client.post("/login", data={"name": REVIEWER, "password": REVIEWER_PASSWORD})
    assert answer.status_code == 403
    assert "缺少校验码" in text_of(answer.text)


def test_a_changed_password_ends_the_accounts_sessions(store: Path) -> None:
    client = logged_in(store)
    assert client.get("/inbox", follow_redirects=False).status_code == 200
    with Pressdocs(store=store) as app:
        app.set_password(REVIEWER, "a-new-password-2021", by="admin")
    answer = client.get("/inbox", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_a_disabled_account_is_out_at_once(store: Path) -> None:
    client = logged_in(store, VIEWER, VIEWER_PASSWORD)
    with Pressdocs(store=store) as app:
        app.disable_user(VIEWER, by="admin")
    answer = client.get("/inbox", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


# --- the pages ------------------------------------------------------------------------


def test_the_inbox_lists_the_batch_newest_first_with_counts_by_status(store: Path) -> None:
    client = logged_in(store)
    page = client.get("/inbox")
    seen = text_of(page.text)
    assert "全部 6" in seen and "已受理 2" in seen and "待补正 2" in seen
    subjects = [html.unescape(s) for s in re.findall(r'href="/submissions/[0-9a-f]{64}">([^<]+)<',
                                                     page.text)]
    assert subjects[:2] == [MARKUP_SUBJECT, STATS_MATERIALS]
    assert "2021年4月13日 16:40" in seen  # received, in the office's time
    assert "待审核" in seen and "待补正" in seen  # review states
    incomplete = text_of(client.get("/inbox?status=incomplete").text)
    assert RSJ in incomplete and STATS_MATERIALS not in incomplete
    by_unit = text_of(client.get("/inbox", params={"unit": "芜湖市统计局"}).text)
    assert "共 2 件" in by_unit and STATS_REGISTRATION in by_unit and RSJ not in by_unit


def test_the_inbox_pages(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pressdocs.web import pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 4)
    client = logged_in(store)
    first, second = client.get("/inbox").text, client.get("/inbox?page=2").text
    assert "第 1 / 2 页" in text_of(first) and "第 2 / 2 页" in text_of(second)
    ids = lambda page: set(re.findall(r'href="/submissions/([0-9a-f]{64})"', page))  # noqa: E731
    assert len(ids(first)) == 4 and len(ids(second)) == 2 and not ids(first) & ids(second)


def test_a_submission_page_shows_the_mail_documents_reading_and_findings(store: Path) -> None:
    ids = submission_ids(store)
    client = logged_in(store)
    seen = text_of(client.get(f"/submissions/{ids[RSJ][:10]}").text)
    assert "市人社局 <rsj@wuhu.gov.cn>" in seen and "2021年3月29日 17:05" in seen
    assert "登记表.docx" in seen and "市人才一体化服务平台上线新闻发布会" in seen
    assert "市政府新闻发布厅" in seen  # a field of the form
    with Pressdocs(store=store) as app:
        sub = app.submission(ids[RSJ])
    for finding in sub.findings:  # each finding with its code, its text and its clause
        assert finding.code in seen and finding.text("zh") in seen
        assert html.unescape(finding.clause) in seen
    materials = text_of(client.get(f"/submissions/{ids[STATS_MATERIALS]}").text)
    assert "980 字" in materials and "30 字" in materials  # 字数 of the release and answers
    assert "市统计局发布材料.zip/发布材料/发布稿.docx" in materials  # provenance
    assert "图片（3 张）" in materials


def test_the_original_message_and_files_download_as_archived(store: Path) -> None:
    ids = submission_ids(store)
    client = logged_in(store)
    original = client.get(f"/submissions/{ids[RSJ]}/original.eml")
    assert original.status_code == 200
    assert hashlib.sha256(original.content).hexdigest() == ids[RSJ]
    assert original.headers["content-disposition"].startswith("attachment")
    with Pressdocs(store=store) as app:
        docs = app.submission(ids[STATS_MATERIALS]).documents
        picture = next(d for d in docs if d.name == "图片1.png")
        archived = app.store.get_blob(picture.sha256)
    download = client.get(f"/submissions/{ids[STATS_MATERIALS]}/files/{picture.sha256}")
    assert download.content == archived
    assert download.headers["content-type"] == "application/octet-stream"
    thumb = client.get(f"/submissions/{ids[STATS_MATERIALS]}/pictures/{picture.sha256}")
    assert thumb.status_code == 200 and thumb.headers["content-type"] in ("image/png",
                                                                          "image/jpeg")
    # a file of another submission is not served through this one
    other = client.get(f"/submissions/{ids[RSJ]}/files/{picture.sha256}")
    assert other.status_code == 404 and "没有这个文件" in text_of(other.text)


def test_markup_in_a_subject_or_file_name_is_shown_as_text(store: Path) -> None:
    ids = submission_ids(store)
    client = logged_in(store)
    for page in (client.get("/inbox").text, client.get(f"/submissions/{ids[MARKUP_SUBJECT]}").text):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert MARKUP_SUBJECT in text_of(page)
    detail = client.get(f"/submissions/{ids[MARKUP_SUBJECT]}").text
    assert MARKUP_FILE in text_of(detail)
    answer = client.get("/inbox")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_plan_statistics_and_audit_pages(store: Path) -> None:
    client = logged_in(store)
    plan = text_of(client.get("/plan").text)
    assert "2021年" in plan and "市统计局" in plan and "最迟召开" in plan
    # the seed's plan carries injected gambling spam: flagged, not passed on silently
    assert plan.count("含疑似注入的广告（PD501）") >= 1
    by_unit = text_of(client.get("/plan?by=unit").text)
    assert re.search(r"市统计局 （\d+ 项）", by_unit)
    stats = text_of(client.get("/statistics?period=2021H1").text)
    assert "2020年12月31日至2021年6月30日" in stats and "2021年上半年" in stats
    bad = client.get("/statistics?period=nonsense")
    assert bad.status_code == 200 and "统计表" in text_of(bad.text)
    audit = text_of(client.get("/audit").text)
    assert "共 2 条" in audit  # the two accounts added


def test_english_on_request(store: Path) -> None:
    client = logged_in(store)
    client.get("/lang/en?next=/inbox")
    seen = text_of(client.get("/inbox").text)
    assert "Inbox" in seen and "the newest first" in seen and "收件箱" not in seen


# --- decisions ------------------------------------------------------------------------


def test_approving_records_the_opinion_and_who_decided(store: Path) -> None:
    ids = submission_ids(store)
    client = logged_in(store)
    wanted = ids[STATS_REGISTRATION]
    page = client.get(f"/submissions/{wanted}")
    answer = client.post(f"/submissions/{wanted}/approve", data={
        "opinion": "同意召开", "csrf_token": csrf_of(page.text)})
    assert answer.url.path == f"/submissions/{wanted}"
    assert "已审批同意：同意召开" in text_of(answer.text)
    with Pressdocs(store=store) as app:
        review = app.review(wanted)
        entries = app.audit(subject=wanted)
    assert review.state.value == "approved" and review.decision is not None
    assert review.decision.opinion == "同意召开" and review.decision.by == REVIEWER
    assert [(e.action, e.actor, e.text) for e in entries] == [("approve", REVIEWER, "同意召开")]


def test_a_refused_decision_comes_back_as_the_librarys_message(store: Path) -> None:
    ids = submission_ids(store)
    client = logged_in(store)
    wanted = ids[RSJ]  # errors stand: approval is refused until fixed or waived
    page = client.get(f"/submissions/{wanted}")
    answer = client.post(f"/submissions/{wanted}/approve", data={"csrf_token": csrf_of(page.text)})
    assert "还有未解决的错误" in text_of(answer.text)
    with Pressdocs(store=store) as app:
        assert app.review(wanted).state.value == "incomplete"
        assert app.audit(subject=wanted) == []


def test_returning_queues_a_correction_notice_with_the_reasons(store: Path) -> None:
    ids = submission_ids(store)
    client = logged_in(store)
    wanted = ids[RSJ]
    with Pressdocs(store=store) as app:
        sub = app.submission(wanted)
        before = len(app.notices())
    error = next(f for f in sub.findings if f.severity.value == "error")
    page = client.get(f"/submissions/{wanted}")
    answer = client.post(f"/submissions/{wanted}/return", data={
        "finding": [error.code], "reasons": "请补充加盖公章的登记表",
        "csrf_token": csrf_of(page.text)})
    assert "已退回补正" in text_of(answer.text)
    with Pressdocs(store=store) as app:
        review = app.review(wanted)
        notices = app.notices()
        entry = app.audit(subject=wanted)[-1]
    assert review.state.value == "returned"
    assert entry.actor == REVIEWER and entry.data["reasons"][0] == "请补充加盖公章的登记表"
    assert error.text("zh") in entry.data["reasons"] and entry.data["findings"] == [error.code]
    assert len(notices) == before + 1
    assert "请补充加盖公章的登记表" in str(notices[-1].notice.context["text"])


def test_waiving_a_finding_from_the_page(store: Path) -> None:
    ids = submission_ids(store)
    client = logged_in(store)
    wanted = ids[STATS_MATERIALS]
    with Pressdocs(store=store) as app:
        code = app.submission(wanted).findings[0].code
    page = client.get(f"/submissions/{wanted}")
    answer = client.post(f"/submissions/{wanted}/waive", data={
        "code": code, "note": "经电话确认，计划已调整", "csrf_token": csrf_of(page.text)})
    seen = text_of(answer.text)
    assert f"已豁免 {code}" in seen and "经电话确认，计划已调整" in seen
    with Pressdocs(store=store) as app:
        assert code in app.review(wanted).waivers


def test_a_viewer_cannot_decide(store: Path) -> None:
    ids = submission_ids(store)
    client = logged_in(store, VIEWER, VIEWER_PASSWORD)
    wanted = ids[STATS_REGISTRATION]
    page = client.get(f"/submissions/{wanted}")
    assert "/approve" not in page.text and "查看者账号只能查看" in text_of(page.text)
    answer = client.post(f"/submissions/{wanted}/approve", data={"csrf_token": csrf_of(page.text)})
    assert answer.status_code == 403 and "查看者账号只能查看，不能审核或修改" in text_of(answer.text)
    with Pressdocs(store=store) as app:
        assert app.review(wanted).state.value == "under_review"


def test_a_decision_without_the_sessions_token_is_refused(store: Path) -> None:
    ids = submission_ids(store)
    client = logged_in(store)
    wanted = ids[STATS_REGISTRATION]
    for data in ({}, {"csrf_token": "forged"}):
        answer = client.post(f"/submissions/{wanted}/approve", data=data)
        assert answer.status_code == 403 and "缺少校验码" in text_of(answer.text)
    with Pressdocs(store=store) as app:
        assert app.review(wanted).state.value == "under_review"


def test_marking_a_plan_item_from_the_page(store: Path) -> None:
    client = logged_in(store)
    page = client.get("/plan")
    answer = client.post("/plan/2021/5/mark", data={
        "state": "cancelled", "reason": "因疫情取消", "csrf_token": csrf_of(page.text)})
    assert "计划第5项已标记为：已取消" in text_of(answer.text)
    with Pressdocs(store=store) as app:
        status = next(s for s in app.plan_status(year=2021).items if s.item.number == 5)
        entry = app.audit(subject="plan:2021:5")[-1]
    assert status.state.value == "cancelled" and entry.actor == REVIEWER


# --- the JSON API ---------------------------------------------------------------------


def test_the_api_answers_valid_json_of_its_schemas(store: Path) -> None:
    ids = submission_ids(store)
    client = logged_in(store)
    for path, schema in (("/api/submissions", "submissions"),
                         (f"/api/submissions/{ids[RSJ]}", "submission-detail"),
                         (f"/api/submissions/{ids[RSJ]}/review", "review"),
                         ("/api/plan", "plan-status"),
                         ("/api/statistics?period=2021H1", "statistics-table"),
                         ("/api/audit", "audit")):
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text)
        assert f"/api/schemas/{schema}.json" in answer.headers["link"]
        schemas.validate(schema, answer.json())
        assert client.get(f"/api/schemas/{schema}.json").json() == schemas.load(schema)
    listing = client.get("/api/submissions", params={"status": "incomplete"}).json()
    assert listing["total"] == 2 and {s["status"] for s in listing["submissions"]} == {"incomplete"}
    assert client.get("/api/submissions", params={"month": "2021-13"}).status_code == 400
    for path in ("/api/submissions/ffff0000", "/api/submissions/ffff0000/review"):
        missing = client.get(path)
        assert missing.status_code == 404 and missing.json() == {"error": "找不到提交 ffff0000"}


def test_other_systems_call_the_api_with_basic_credentials(store: Path) -> None:
    client = client_of(store)
    good = base64.b64encode(f"{VIEWER}:{VIEWER_PASSWORD}".encode()).decode()
    answer = client.get("/api/submissions", headers={"Authorization": f"Basic {good}"})
    assert answer.status_code == 200 and answer.json()["total"] == 6
    bad = base64.b64encode(f"{VIEWER}:nope".encode()).decode()
    refused = client.get("/api/submissions", headers={"Authorization": f"Basic {bad}"})
    assert refused.status_code == 401 and refused.json() == {"error": "账号或密码不正确"}


# --- pressdocs serve ------------------------------------------------------------------


def test_serve_says_plainly_when_its_port_is_taken(store: Path) -> None:
    import socket

    from cli_support import invoke

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke(["--store", str(store), "serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"无法在 127.0.0.1:{port} 上启动审核台" in result.output
    assert "Traceback" not in result.output


def test_serve_warns_when_nobody_can_log_in_or_it_listens_beyond_this_machine(
        tmp_path: Path) -> None:
    import socket

    from cli_support import run_pressdocs

    with socket.socket() as taken:  # so that serve stops after its warnings
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_pressdocs(["--store", str(tmp_path / "empty"), "serve", "--host",
                                "0.0.0.0", "--port", str(port)])
    assert result.returncode == 2
    assert "尚无账号，无法登录：先运行 pressdocs users add" in result.stderr
    assert "局域网内均可访问" in result.stderr
