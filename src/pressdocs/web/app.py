"""The desk's Starlette application: its routes, its middleware, and the answers to what
it refuses.

:func:`create_app` builds it for one :class:`~pressdocs.web.desk.Desk`; ``pressdocs serve``
runs it with uvicorn, and tests call it through Starlette's test client or a real browser.
Plugins add pages with the ``register_routes`` hook (as Datasette's plugins do): the
routes they register are Starlette routes, served behind the same login, whose endpoints
reach the office through :func:`pressdocs.web.security.desk_of` (``desk.open()``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.authentication import AuthenticationError
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pressdocs._messages import render_text
from pressdocs.web import api, pages
from pressdocs.web.desk import Desk, session_secret
from pressdocs.web.render import lang_of, page
from pressdocs.web.security import DeskBackend, Refused

__all__ = ["SESSION_COOKIE", "create_app"]

log = logging.getLogger("pressdocs.web")

SESSION_COOKIE = "pressdocs_session"
#: How long a login lasts without being used again (seconds): a working day.
SESSION_SECONDS = 10 * 3600

#: Sent with every answer: nothing is loaded from elsewhere, no script but the desk's own
#: files, no framing by another site, no guessing of content types.
SECURITY_HEADERS = {
    b"content-security-policy": b"default-src 'self'; script-src 'self'; style-src 'self'; "
                                b"img-src 'self' data:; frame-ancestors 'none'; "
                                b"form-action 'self'; base-uri 'none'",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"x-frame-options": b"DENY",
}


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in SECURITY_HEADERS]
                message["headers"] = headers + list(SECURITY_HEADERS.items())
            await send(message)

        await self.app(scope, receive, sending)


def create_app(desk: Desk, *, secret: str | None = None) -> Starlette:
    """The review desk for ``desk`` (its office, store, language and plugins).  ``secret``
    signs the session cookies (default: :func:`pressdocs.web.desk.session_secret`)."""
    routes: list[BaseRoute] = [
        Route("/", pages.home),
        Route("/favicon.ico", pages.favicon),
        Route("/login", pages.login_page, methods=["GET"]),
        Route("/login", pages.login, methods=["POST"]),
        Route("/logout", pages.logout, methods=["POST"]),
        Route("/lang/{lang}", pages.choose_language),
        Route("/inbox", pages.inbox),
        Route("/submissions/{id}", pages.submission),
        Route("/submissions/{id}/original.eml", pages.original),
        Route("/submissions/{id}/files/{sha256}", pages.document),
        Route("/submissions/{id}/pictures/{sha256}", pages.thumbnail),
        Route("/submissions/{id}/approve", pages.approve, methods=["POST"]),
        Route("/submissions/{id}/return", pages.return_submission, methods=["POST"]),
        Route("/submissions/{id}/waive", pages.waive, methods=["POST"]),
        Route("/plan", pages.plan),
        Route("/plan/{year:int}/{number:int}/mark", pages.mark_plan, methods=["POST"]),
        Route("/statistics", pages.statistics),
        Route("/audit", pages.audit),
        *api.API_ROUTES,
        Mount("/static", StaticFiles(packages=[("pressdocs.web", "static")]), name="static"),
    ]
    routes[:0] = _plugin_routes(desk)  # before the desk's own, as a plugin's page may refine one
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=secret or session_secret(desk.files),
                   session_cookie=SESSION_COOKIE, max_age=SESSION_SECONDS,
                   same_site="strict", https_only=desk.https),
        Middleware(AuthenticationMiddleware, backend=DeskBackend(), on_error=_auth_error),
    ]
    handlers: dict[Any, Callable[..., Any]] = {HTTPException: _refused}
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)
    app.state.desk = desk
    return app


def _plugin_routes(desk: Desk) -> list[BaseRoute]:
    """The routes plugins register (``register_routes``); a plugin whose hook fails adds
    none, with a note in the log."""
    if desk.plugins is None:
        return []
    found: list[BaseRoute] = []
    for impl in desk.plugins.pm.hook.register_routes.get_hookimpls():
        added: list[BaseRoute] = []
        try:
            impl.function(register=added.append)
        except Exception as exc:  # a plugin's mistake leaves its pages out, not the desk
            log.warning("%s", render_text("web.plugin_failed", {
                "plugin": impl.plugin_name, "error": f"{type(exc).__name__}: {exc}"}, desk.lang))
            continue
        found.extend(added)
    return found


def _auth_error(conn: HTTPConnection, exc: AuthenticationError) -> Response:
    """Basic credentials that did not work (the API): 401, said in JSON."""
    key = str(exc) or "web.refused.bad_credentials"
    lang = conn.app.state.desk.lang
    return JSONResponse({"error": render_text(key, {}, lang)}, status_code=401,
                        headers={"WWW-Authenticate": 'Basic realm="pressdocs", charset="UTF-8"'})


async def _refused(request: Request, exc: Exception) -> Response:
    """What the desk refuses, said in the page's language: a page for people, JSON for
    the API; an anonymous visitor of a page is sent to log in."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    key = exc.key if isinstance(exc, Refused) else (
        f"web.refused.http_{status}" if status in (400, 404, 405) else "web.refused.http")
    params = exc.params if isinstance(exc, Refused) else {}
    is_api = request.url.path.startswith("/api/")
    if status == 401 and not is_api:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
    message = render_text(key, {"status": status, **params}, lang_of(request))
    if is_api:
        headers = {"WWW-Authenticate": 'Basic realm="pressdocs", charset="UTF-8"'} \
            if status == 401 else None
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    return page(request, "refused.html.j2", status_code=status, refusal=message,
                status=status)
