"""The review desk (审核台): ``pressdocs serve``, a web app for the press office on its own
machine.

Staff log in with the accounts of :mod:`pressdocs._accounts` and see the inbox (收件箱),
one submission in full, the year's plan (计划安排), the statistics table (统计表) and the
audit trail (审计记录); reviewers approve, return and waive, and mark plan items.  Every
page and every decision goes through the :class:`pressdocs.Pressdocs` API the command
line uses; the web layer only reads requests and renders answers.

- :mod:`pressdocs.web.desk` — what the app serves (the office's configuration and store)
  and the rate limit on failed logins;
- :mod:`pressdocs.web.security` — sessions, accounts and roles, CSRF tokens;
- :mod:`pressdocs.web.pages` — the HTML pages and the forms' actions;
- :mod:`pressdocs.web.api` — the JSON API under ``/api/``;
- :mod:`pressdocs.web.app` — :func:`create_app`, the Starlette application.

Starlette, uvicorn, python-multipart and itsdangerous come with ``pressdocs[web]``; htmx
is served from the package (an office intranet has no internet, so no CDN).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pressdocs.web.app import create_app
    from pressdocs.web.desk import Desk

__all__ = ["Desk", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from pressdocs.web.app import create_app

        return create_app
    if name == "Desk":
        from pressdocs.web.desk import Desk

        return Desk
    raise AttributeError(name)
