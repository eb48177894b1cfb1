"""The desk's pages and the actions of their forms.

Pages (GET) are plain functions Starlette runs in its thread pool: each opens the
office's :class:`pressdocs.Pressdocs` for the request, asks it, and renders a template.
Actions (POST) read their form (checked by :func:`pressdocs.web.security.decision_form`),
call the same API the command line calls, with the logged-in account as the one who
decides, and redirect to the page they came from with a flash message (post/redirect/get:
a reload never decides twice).  An error of the library (approving with an error standing,
returning without a reason) comes back as that message, in the page's language.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, time
from threading import Lock
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from pressdocs._app import Pressdocs
from pressdocs._review import state_of
from pressdocs.builtin.export_html import safe_url
from pressdocs.errors import PressdocsError
from pressdocs.models import SubmissionStatus
from pressdocs.web.render import flash, lang_of, page, text
from pressdocs.web.security import (
    Refused,
    StaffUser,
    checked_form,
    client_of,
    decision_form,
    desk_of,
    log_in,
    log_out,
)

__all__ = ["PAGE_SIZE", "login_required"]

#: Submissions on one page of the inbox.
PAGE_SIZE = 25
#: Audit entries shown at most on one page of the audit trail.
AUDIT_LIMIT = 200
#: The longest side of a picture's thumbnail on a submission's page, in pixels.
THUMB_PX = 360

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def login_required(func: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """A page for logged-in staff: anyone else is sent to the login page first."""

    def wrapper(request: Request) -> Response:
        if not isinstance(request.scope.get("user"), StaffUser):
            raise Refused(401, "web.refused.login")
        return func(request)

    wrapper.__name__, wrapper.__doc__ = func.__name__, func.__doc__
    return wrapper


def _user(request: Request) -> StaffUser:
    user = request.user
    assert isinstance(user, StaffUser)
    return user


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _open(request: Request) -> Any:
    return desk_of(request).open(lang_of(request))


# --- logging in and out -----------------------------------------------------------------


def login_page(request: Request) -> Response:
    """登录 (the login form)."""
    return page(request, "login.html.j2", next=_safe_next(request.query_params.get("next")),
                failed=None)


async def login(request: Request) -> Response:
    """Check the name and password; a success starts a session and goes where the user
    was going."""
    form = await checked_form(request)
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "")))
    desk, client = desk_of(request), client_of(request)
    wait = desk.limiter.wait(name, client)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        return page(request, "login.html.j2", status_code=429, next=target,
                    failed=text(request, "login.too_many", minutes=minutes))

    def check() -> Any:
        with desk.open() as app:
            return app.authenticate(name, password)

    account = await run_in_threadpool(check) if name and password else None
    if account is None:
        desk.limiter.failed(name, client)
        return page(request, "login.html.j2", status_code=401, next=target,
                    failed=text(request, "login.failed"))
    desk.limiter.succeeded(name)
    log_in(request, account)
    return _back(target)


async def logout(request: Request) -> Response:
    """End the session."""
    await checked_form(request)
    log_out(request)
    return _back("/login")


def choose_language(request: Request) -> Response:
    """Switch the pages to Chinese or English for this session."""
    lang = request.path_params["lang"]
    if lang in ("zh", "en"):
        request.session["lang"] = lang
    return _back(_safe_next(request.query_params.get("next")))


def _safe_next(target: str | None) -> str:
    """Only a path on this site (``/inbox?…``), never another site (``//evil``)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/inbox"


# --- 收件箱 -------------------------------------------------------------------------------


@login_required
def inbox(request: Request) -> Response:
    """收件箱: a page of submissions, the newest first, filtered by status, unit and plan
    month, with how many there are of each status."""
    params = request.query_params
    status = params.get("status") or None
    if status not in {s.value for s in SubmissionStatus}:
        status = None
    unit = (params.get("unit") or "").strip() or None
    month_text = (params.get("month") or "").strip()
    found = _MONTH.fullmatch(month_text)
    month = (int(found[1]), int(found[2])) if found and 1 <= int(found[2]) <= 12 else None
    number = max(1, _int(params.get("page"), 1))
    with _open(request) as app:
        listing = app.submissions(status=status, unit=unit, month=month, limit=PAGE_SIZE,
                                  offset=(number - 1) * PAGE_SIZE)
        counts = {s: app.submissions(status=s, unit=unit, month=month, limit=0).total
                  for s in SubmissionStatus}
        states = {s.id: state_of(app.store, s.id, s.status) for s in listing.items}
        units = app.store.units()
    pages = max(1, -(-listing.total // PAGE_SIZE))
    return page(request, "inbox.html.j2", listing=listing, counts=counts, states=states,
                statuses=list(SubmissionStatus), status=status, unit=unit or "",
                month=month_text if month else "", number=number, pages=pages, units=units)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


# --- one submission -----------------------------------------------------------------------


@login_required
def submission(request: Request) -> Response:
    """A submission in full: the mail, the documents, what was read, the findings, the
    plan item, the review and its history; the reviewer's forms."""
    with _open(request) as app:
        detail = _detail(app, request.path_params["id"])
        review = app.review(detail.submission.id)
    sub = detail.submission
    pictures = sub.materials.pictures if sub.materials else []
    return page(request, "submission.html.j2", detail=detail, sub=sub, review=review,
                pictures=pictures, waived=review.waivers, safe_url=safe_url)


def _detail(app: Pressdocs, wanted: str) -> Any:
    try:
        return app.submission_detail(wanted)
    except PressdocsError as exc:
        raise Refused(404, "web.refused.no_submission", id=wanted[:16]) from exc


@login_required
def original(request: Request) -> Response:
    """The message as it arrived (.eml), for the reviewer's own mail program."""
    with _open(request) as app:
        detail = _detail(app, request.path_params["id"])
        if detail.message is None or not app.store.has_blob(detail.message.sha256):
            raise Refused(404, "web.refused.no_original", id=detail.submission.id[:12])
        data = app.store.get_blob(detail.message.sha256)
    name = f"{detail.submission.id[:12]}.eml"
    return Response(data, media_type="message/rfc822",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@login_required
def document(request: Request) -> Response:
    """One of the submission's files, downloaded as it arrived (never shown in the page:
    a file a stranger sent is not run by the browser)."""
    with _open(request) as app:
        sub, doc = _document(app, request)
        data = app.store.get_blob(doc.sha256)
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(doc.name or sub.id[:12])}"})


_THUMBS: OrderedDict[str, bytes | None] = OrderedDict()
_THUMBS_LOCK = Lock()


@login_required
def thumbnail(request: Request) -> Response:
    """A picture of the submission, scaled down (JPEG or PNG made afresh by Pillow, so
    nothing the sender put in the file reaches the browser)."""
    from pressdocs.builtin.export_html import scale_picture

    with _open(request) as app:
        _, doc = _document(app, request)
        with _THUMBS_LOCK:
            known = doc.sha256 in _THUMBS
            scaled = _THUMBS.get(doc.sha256)
        if not known:
            made = scale_picture(app.store.get_blob(doc.sha256), THUMB_PX)
            scaled = made[0] if made else None
            with _THUMBS_LOCK:
                _THUMBS[doc.sha256] = scaled
                while len(_THUMBS) > 64:
                    _THUMBS.popitem(last=False)
    if scaled is None:
        raise Refused(404, "web.refused.no_picture", name=doc.name)
    kind = "image/png" if scaled.startswith(b"\x89PNG") else "image/jpeg"
    return Response(scaled, media_type=kind, headers={"Cache-Control": "private, max-age=3600"})


def _document(app: Pressdocs, request: Request) -> Any:
    sub = _detail(app, request.path_params["id"]).submission
    digest = request.path_params["sha256"]
    for doc in [*sub.documents, *(sub.materials.pictures if sub.materials else [])]:
        if doc.sha256 == digest and app.store.has_blob(digest):
            return sub, doc
    raise Refused(404, "web.refused.no_document", id=sub.id[:12])


async def approve(request: Request) -> Response:
    """审批同意 with the 审批意见 written in the form."""
    form = await decision_form(request)
    wanted, by = request.path_params["id"], _user(request).account.name
    opinion = str(form.get("opinion", "")).strip() or None

    def act(app: Pressdocs) -> str:
        review = app.approve(wanted, opinion=opinion, by=by)
        assert review.decision is not None
        return text(request, "done.approved", opinion=review.decision.opinion)

    return await _decide(request, act, f"/submissions/{wanted}")


async def return_submission(request: Request) -> Response:
    """退回补正: the reasons are the free text (a line each) and the findings picked; a
    correction request carrying them is queued for the unit."""
    form = await decision_form(request)
    wanted, by = request.path_params["id"], _user(request).account.name
    picked = [str(c) for c in form.getlist("finding") if str(c).strip()]
    written = [line.strip() for line in str(form.get("reasons", "")).splitlines()
               if line.strip()]

    def act(app: Pressdocs) -> str:
        sub = app.submission(wanted)
        texts = {f.code: f.text(app.lang) for f in sub.findings}
        reasons = written + [texts[c] for c in dict.fromkeys(picked) if c in texts]
        review = app.return_submission(wanted, reasons=reasons, keep_findings=picked, by=by)
        queued = len(review.notices.outcomes) if review.notices else 0
        return text(request, "done.returned", count=queued)

    return await _decide(request, act, f"/submissions/{wanted}")


async def waive(request: Request) -> Response:
    """豁免 one finding for this submission, with the note saying why."""
    form = await decision_form(request)
    wanted, by = request.path_params["id"], _user(request).account.name
    code, note = str(form.get("code", "")), str(form.get("note", ""))

    def act(app: Pressdocs) -> str:
        app.waive(wanted, code, note=note, by=by)
        return text(request, "done.waived", code=code.strip().upper())

    return await _decide(request, act, f"/submissions/{wanted}")


async def _decide(request: Request, act: Callable[[Pressdocs], str], back: str) -> Response:
    """Run a decision in the thread pool; its outcome (or the library's refusal) becomes
    the flash message of the page it returns to."""
    lang = lang_of(request)

    def run() -> tuple[str, str]:
        with _open(request) as app:
            try:
                return "ok", act(app)
            except PressdocsError as exc:
                return "error", exc.render(lang)

    kind, message = await run_in_threadpool(run)
    flash(request, kind, message)
    return _back(back)


# --- 计划安排 -----------------------------------------------------------------------------


@login_required
def plan(request: Request) -> Response:
    """计划安排: the year's plan by month, each item's state; reviewers mark items."""
    with _open(request) as app:
        years = app.store.plan_years()
        year = _int(request.query_params.get("year"), max(years) if years else 0)
        report = app.plan_status(year=year) if year in years else None
        city = app.config.city
    by_unit = request.query_params.get("by") == "unit"
    groups: dict[Any, list[Any]] = {}
    for status in report.items if report else []:
        keys = status.item.units if by_unit else [status.item.month]
        for key in keys or [""]:  # an item of two units is under each
            groups.setdefault(key, []).append(status)
    ordered = sorted(groups.items(), key=lambda g: (-len(g[1]), str(g[0]))) if by_unit \
        else sorted(groups.items())
    return page(request, "plan.html.j2", report=report, years=sorted(years), year=year,
                groups=ordered, by_unit=by_unit, spam=_spam_items(report, city))


def _spam_items(report: Any, city: str) -> set[int]:
    """The items whose topic carries injected spam (PD501: the notice the plan came from
    was on a compromised page): the page flags them rather than pass the spam on."""
    from pressdocs.rules.spam import looks_like_spam, spam_signs

    if report is None:
        return set()
    return {s.item.number for s in report.items
            if looks_like_spam(spam_signs(s.item.topic, city))}


async def mark_plan(request: Request) -> Response:
    """Mark a plan item held (on a day), delayed (to a month), cancelled (with a reason)
    or back to planned."""
    form = await decision_form(request)
    year, number = int(request.path_params["year"]), int(request.path_params["number"])
    by = _user(request).account.name
    state = str(form.get("state", ""))
    held_on, month = str(form.get("date", "")).strip(), str(form.get("month", "")).strip()
    reason = str(form.get("reason", ""))

    def act(app: Pressdocs) -> str:
        status = app.mark_plan_item(number, state, held_on=held_on or None, month=month or None,
                                    reason=reason, year=year, by=by)
        done = text(request, "done.marked", number=number, state=status.state_text(app.lang))
        if status.warning is not None:
            done += text(request, "colon") + status.warning.text(app.lang)
        return done

    return await _decide(request, act, f"/plan?year={year}#item-{number}")


# --- 统计表 -------------------------------------------------------------------------------


@login_required
def statistics(request: Request) -> Response:
    """统计表: which units filed for the half-year, and where their tables differ from
    what the ledger knows."""
    wanted = (request.query_params.get("period") or "").strip().upper() or None
    with _open(request) as app:
        try:
            table = app.statistics_table(wanted)
        except PressdocsError as exc:
            flash(request, "error", exc.render(lang_of(request)))
            table = app.statistics_table()
    year = table.year
    periods = [f"{y}H{h}" for y in (year - 1, year, year + 1) for h in (1, 2)]
    return page(request, "statistics.html.j2", table=table, periods=periods)


# --- 审计记录 -----------------------------------------------------------------------------


@login_required
def audit(request: Request) -> Response:
    """审计记录: the audit trail, the newest first, by day, action, account and subject."""
    params = request.query_params
    since_text = (params.get("since") or "").strip()
    try:
        since = datetime.combine(date.fromisoformat(since_text), time(), UTC) if since_text else None
    except ValueError:
        since, since_text = None, ""
    action = (params.get("action") or "").strip()
    actor = (params.get("actor") or "").strip()
    subject = (params.get("subject") or "").strip()
    with _open(request) as app:
        if subject and not subject.startswith(("plan:", "user:")) and len(subject) < 64:
            with suppress(PressdocsError):  # the first characters of a submission's id
                subject = app.submission(subject).id
        entries = app.audit(since, subject=subject or None)
        tz = app.config.tz
    entries = [e for e in reversed(entries)
               if (not action or e.action == action) and (not actor or e.actor == actor)]
    shown = entries[:AUDIT_LIMIT]
    return page(request, "audit.html.j2", entries=shown, total=len(entries), tz=tz,
                since=since_text, action=action, actor=actor, subject=subject,
                actions=_AUDIT_ACTIONS, state_label=_state_label(lang_of(request)))


def _state_label(lang: str) -> Callable[[str], str]:
    """The name of a state an audit entry records: a submission's review state, a plan
    item's state or mark; the value itself for anything else."""
    from pressdocs._messages import render_text
    from pressdocs._review import ReviewState
    from pressdocs.rules.plan_status import PlanState

    def name(value: str) -> str:
        if value == "planned":
            return render_text("web.plan.marks.planned", {}, lang)
        if value in ("active", "disabled"):  # an account's
            return render_text(f"cli.users.{'inactive' if value == 'disabled' else value}",
                               {}, lang)
        for kind in (ReviewState, PlanState):
            if value in {m.value for m in kind}:
                return kind(value).label(lang)
        return value or "—"

    return name


_AUDIT_ACTIONS = ("approve", "return", "waive", "plan_mark", "plan_cancel", "plan_restore",
                  "user_add", "user_password", "user_disable", "user_enable")


def home(request: Request) -> Response:
    """The desk opens on the inbox."""
    return _back("/inbox")


def favicon(request: Request) -> Response:
    """No icon (and no error in the log for its absence)."""
    return Response(status_code=204)

