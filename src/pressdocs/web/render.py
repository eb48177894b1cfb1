"""Rendering the desk's pages: one Jinja2 environment with autoescape (every text that
came from a submission — a subject, a file name — is shown as text, never as markup), the
catalogue's texts in the request's language, and the flash messages a decision leaves
for the page it redirects to."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse

from pressdocs._messages import render_text, render_value
from pressdocs.text.dates import office_time

if TYPE_CHECKING:
    import jinja2

__all__ = ["flash", "lang_of", "page", "text"]


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("pressdocs.web", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def lang_of(request: Request) -> str:
    """The language of this request's pages: the one the user chose, else the desk's."""
    chosen = request.session.get("lang") if "session" in request.scope else None
    if chosen in ("zh", "en"):
        return str(chosen)
    return str(request.app.state.desk.lang)


def text(request: Request, key: str, **params: Any) -> str:
    """The catalogue's text ``web.<key>`` in the request's language."""
    return render_text(f"web.{key}", params, lang_of(request))


def flash(request: Request, kind: str, message: str) -> None:
    """Leave ``message`` (kind "ok" or "error") for the next page this session sees."""
    request.session.setdefault("flash", []).append([kind, message])


def page(request: Request, template: str, *, status_code: int = 200,
         **context: Any) -> HTMLResponse:
    """``template`` rendered for ``request``, with the helpers every page uses."""
    from pressdocs.web.security import CSRF_FIELD, StaffUser, csrf_token

    lang = lang_of(request)

    def t(key: str, **params: Any) -> str:
        return render_text(f"web.{key}", params, lang)

    tz = request.app.state.desk.config.tz

    def when(value: date | datetime | None) -> str:
        """A day or a time as the office reads it (its own time zone)."""
        if isinstance(value, datetime):
            value = office_time(value, tz)
        return render_value(value, lang) if value is not None else ""

    def message(key: str, **params: Any) -> str:
        """Any catalogue text (an audit action's label: ``review.action.approve``)."""
        return render_text(key, params, lang)

    def label(value: Any) -> str:
        return str(value.label(lang)) if value is not None else ""

    def query(**changes: Any) -> str:
        """This page's query string with ``changes`` (a value of None drops it)."""
        params = dict(request.query_params)
        params.update({k: v for k, v in changes.items() if v is not None})
        for k in [k for k, v in changes.items() if v is None]:
            params.pop(k, None)
        return "?" + urlencode(params) if params else "?"

    user = request.user if isinstance(request.scope.get("user"), StaffUser) else None
    messages = request.session.pop("flash", []) if "session" in request.scope else []
    body = _environment().get_template(template).render(
        request=request, t=t, when=when, message=message, label=label, query=query, lang=lang,
        html_lang="zh-CN" if lang == "zh" else "en", user=user, flashes=messages,
        csrf_field=CSRF_FIELD, csrf=csrf_token(request), path=request.url.path, **context)
    return HTMLResponse(body, status_code=status_code,
                        headers={"Cache-Control": "no-store"})
