"""The desk's JSON API under ``/api/``, for other systems: the pages' data, each answer
the JSON the command line's ``--json`` prints, valid against the schema named in its
``Link`` header and served at ``/api/schemas/NAME.json``.

Read-only: decisions are made at the pages (with their CSRF tokens).  A call needs a
session or HTTP Basic credentials of an account (see :mod:`pressdocs.web.security`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pressdocs._app import Pressdocs
from pressdocs.errors import PressdocsError
from pressdocs.models import SubmissionStatus
from pressdocs.web.render import lang_of, text
from pressdocs.web.security import Refused, StaffUser, desk_of

__all__ = ["API_ROUTES"]

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


class _Json(JSONResponse):
    """JSON with Chinese left readable."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _answer(schema: str, content: Any) -> Response:
    return _Json(content, headers={"Link": f'</api/schemas/{schema}.json>; rel="describedby"',
                                   "Cache-Control": "no-store"})


def _api(schema: str) -> Callable[[Callable[[Request], Any]], Callable[[Request], Response]]:
    """An API endpoint answering JSON of ``schema`` for a logged-in account."""

    def decorate(func: Callable[[Request], Any]) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            if not isinstance(request.scope.get("user"), StaffUser):
                raise Refused(401, "web.refused.login")
            return _answer(schema, func(request))

        endpoint.__name__, endpoint.__doc__ = func.__name__, func.__doc__
        return endpoint

    return decorate


def _int(value: str | None, default: int | None) -> int | None:
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise Refused(400, "web.refused.bad_parameter", value=value) from exc


@_api("submissions")
def submissions(request: Request) -> Any:
    """``GET /api/submissions?status=&unit=&month=YYYY-MM&limit=&offset=``"""
    params = request.query_params
    status = params.get("status") or None
    if status is not None and status not in {s.value for s in SubmissionStatus}:
        raise Refused(400, "web.refused.bad_parameter", value=status)
    month = None
    if params.get("month"):
        found = _MONTH.fullmatch(params["month"])
        if found is None or not 1 <= int(found[2]) <= 12:
            raise Refused(400, "web.refused.bad_parameter", value=params["month"])
        month = (int(found[1]), int(found[2]))
    limit = min(_int(params.get("limit"), 100) or 0, 1000)
    offset = max(_int(params.get("offset"), 0) or 0, 0)
    with desk_of(request).open(lang_of(request)) as app:
        listing = app.submissions(status=status, unit=params.get("unit") or None, month=month,
                                  limit=limit, offset=offset)
        return listing.to_dict(app.lang)


def _of_submission(request: Request, answer: Callable[[Pressdocs, str], Any]) -> Any:
    """``answer`` about the submission the path names (its id or first characters), or
    404 when there is none."""
    wanted = request.path_params["id"]
    with desk_of(request).open(lang_of(request)) as app:
        try:
            return answer(app, wanted)
        except PressdocsError as exc:
            raise Refused(404, "web.refused.no_submission", id=wanted[:16]) from exc


@_api("submission-detail")
def submission(request: Request) -> Any:
    """``GET /api/submissions/ID``: everything known of one submission."""
    return _of_submission(request, lambda app, wanted:
                          app.submission_detail(wanted).to_dict(app.lang))


@_api("review")
def review(request: Request) -> Any:
    """``GET /api/submissions/ID/review``: its review state, decision, waivers, history."""
    return _of_submission(request, lambda app, wanted: app.review(wanted).to_dict(app.lang))


@_api("plan-status")
def plan(request: Request) -> Any:
    """``GET /api/plan?year=``: each item of the year's plan and where it stands."""
    with desk_of(request).open(lang_of(request)) as app:
        try:
            return app.plan_status(year=_int(request.query_params.get("year"), None)).to_dict(
                app.lang)
        except PressdocsError as exc:
            raise Refused(404, "web.refused.no_plan") from exc


@_api("statistics-table")
def statistics(request: Request) -> Any:
    """``GET /api/statistics?period=2021H1``: the half-year's statistics table."""
    with desk_of(request).open(lang_of(request)) as app:
        try:
            period = (request.query_params.get("period") or "").upper() or None
            return app.statistics_table(period).to_dict(app.lang)
        except PressdocsError as exc:
            raise Refused(400, "web.refused.bad_parameter",
                          value=request.query_params.get("period")) from exc


@_api("audit")
def audit(request: Request) -> Any:
    """``GET /api/audit?since=YYYY-MM-DD&subject=``: the audit trail, oldest first."""
    params = request.query_params
    since = None
    if params.get("since"):
        try:
            since = datetime.combine(date.fromisoformat(params["since"]), time(), UTC)
        except ValueError as exc:
            raise Refused(400, "web.refused.bad_parameter", value=params["since"]) from exc
    with desk_of(request).open(lang_of(request)) as app:
        entries = app.audit(since, subject=params.get("subject") or None)
        return {"entries": [e.to_dict(app.lang) for e in entries]}


def schema(request: Request) -> Response:
    """``GET /api/schemas/NAME.json``: a JSON Schema of the answers (public)."""
    from pressdocs import schemas

    name = request.path_params["name"]
    if name not in (*schemas.SCHEMA_NAMES, *schemas.OUTPUT_SCHEMA_NAMES):
        raise Refused(404, "web.refused.no_schema", name=name)
    return _Json(schemas.load(name), media_type="application/schema+json")


def index(request: Request) -> Response:
    """``GET /api/``: what the API answers, and the schema of each."""
    return _Json({"endpoints": [
        {"path": path, "schema": f"/api/schemas/{name}.json", "about": text(request, f"api.{key}")}
        for path, name, key in _INDEX]})


_INDEX = (("/api/submissions", "submissions", "submissions"),
          ("/api/submissions/{id}", "submission-detail", "submission"),
          ("/api/submissions/{id}/review", "review", "review"),
          ("/api/plan", "plan-status", "plan"),
          ("/api/statistics", "statistics-table", "statistics"),
          ("/api/audit", "audit", "audit"))

API_ROUTES = [
    Route("/api/", index),
    Route("/api/submissions", submissions),
    Route("/api/submissions/{id}", submission),
    Route("/api/submissions/{id}/review", review),
    Route("/api/plan", plan),
    Route("/api/statistics", statistics),
    Route("/api/audit", audit),
    Route("/api/schemas/{name}.json", schema),
]
