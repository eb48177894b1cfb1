"""Who may do what at the review desk: logins, sessions, roles and CSRF tokens.

- A login puts the account's name and a fresh CSRF token in the session — a cookie signed
  with the desk's secret (:func:`pressdocs.web.desk.session_secret`), ``HttpOnly``,
  ``SameSite=Strict``, ``Secure`` when the desk is reached over HTTPS.  The account is
  read again from the store on every request, so a disabled account is out at once, and
  so is every session begun before the account's password was changed.
- Every form that changes something carries the session's CSRF token
  (:func:`decision_form`); a post without it, or with another, is refused (403), as is a
  decision by a viewer (查看者).
- Other systems may call the JSON API with HTTP Basic credentials instead of a session.
- Failed logins, by form or by Basic credentials, are rate-limited per account name and per
  client address (:class:`pressdocs.web.desk.LoginLimiter`).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.authentication import (
    AuthCredentials,
    AuthenticationBackend,
    AuthenticationError,
    BaseUser,
)
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request

if TYPE_CHECKING:
    from pressdocs._accounts import Account
    from pressdocs.web.desk import Desk

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "DeskBackend", "Refused", "StaffUser", "csrf_token",
           "decision_form", "desk_of", "log_in", "log_out"]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class Refused(HTTPException):
    """A request the desk refuses, with the catalogue key (``web.refused.*``) saying why."""

    def __init__(self, status_code: int, key: str, **params: Any) -> None:
        super().__init__(status_code, detail=key)
        self.key, self.params = key, params


class StaffUser(BaseUser):
    """The account behind a request (``request.user``)."""

    def __init__(self, account: Account) -> None:
        self.account = account

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.account.name

    @property
    def can_decide(self) -> bool:
        """Whether the account may approve, return, waive and mark (a reviewer)."""
        return self.account.can_decide


def desk_of(conn: HTTPConnection) -> Desk:
    """The desk the app serves."""
    desk: Desk = conn.app.state.desk
    return desk


def client_of(conn: HTTPConnection) -> str:
    """The client's address as the server saw it (behind a proxy: as the proxy said)."""
    return conn.client.host if conn.client else "-"


class DeskBackend(AuthenticationBackend):
    """Reads the account of each request: from the session, or (for ``/api/``) from HTTP
    Basic credentials.  No account: an anonymous request, which the pages send to the
    login page."""

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        desk = desk_of(conn)
        name = conn.session.get("user") if "session" in conn.scope else None
        account = None
        if isinstance(name, str) and name:
            account = await run_in_threadpool(_account, desk, name)
            if account is None or _stale(conn.session.get("at"), account):
                conn.session.clear()  # disabled, removed or its password changed since
                account = None
        elif conn.url.path.startswith("/api/") and "authorization" in conn.headers:
            account = await run_in_threadpool(_basic, desk, conn)
        if account is None:
            return None
        scopes = ["authenticated", "reviewer"] if account.can_decide else ["authenticated"]
        return AuthCredentials(scopes), StaffUser(account)


def _stale(logged_in_at: object, account: Account) -> bool:
    """Whether the session began before the account's password was last set (a changed
    password logs every session of the account out)."""
    changed = account.password_changed_at
    if changed is None:
        return False
    try:
        began = datetime.fromisoformat(str(logged_in_at))
    except ValueError:
        return True
    return began < changed


def _account(desk: Desk, name: str) -> Account | None:
    with desk.open() as app:
        account = app.user(name)
    return account if account is not None and not account.disabled else None


def _basic(desk: Desk, conn: HTTPConnection) -> Account | None:
    scheme, _, encoded = conn.headers["authorization"].partition(" ")
    if scheme.lower() != "basic":
        raise AuthenticationError("web.refused.auth_scheme")
    try:
        name, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise AuthenticationError("web.refused.auth_scheme") from exc
    client = client_of(conn)
    if desk.limiter.wait(name, client):
        raise AuthenticationError("web.refused.too_many")
    with desk.open() as app:
        account = app.authenticate(name, password)
    if account is None:
        desk.limiter.failed(name, client)
        raise AuthenticationError("web.refused.bad_credentials")
    desk.limiter.succeeded(name)
    return account


def log_in(request: Request, account: Account) -> None:
    """Start a session for ``account``: a new session (nothing carried over from before
    the login) with a fresh CSRF token."""
    lang = request.session.get("lang")
    request.session.clear()
    request.session.update({"user": account.name, "csrf": secrets.token_urlsafe(32),
                            "at": datetime.now(UTC).isoformat()})
    if lang:
        request.session["lang"] = lang


def log_out(request: Request) -> None:
    """End the session."""
    request.session.clear()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made when the session has none (the login form)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token is the session's (else :class:`Refused`)."""
    form = await request.form()
    given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = request.session.get("csrf")
    if not (isinstance(given, str) and isinstance(expected, str) and expected
            and hmac.compare_digest(given.encode(), expected.encode())):
        raise Refused(403, "web.refused.csrf")
    return form


async def decision_form(request: Request) -> FormData:
    """The posted form of a decision: the request must come from a logged-in reviewer
    (a viewer is refused, 403) and carry the session's CSRF token."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        raise Refused(401, "web.refused.login")
    if not isinstance(user, StaffUser) or not user.can_decide:
        raise Refused(403, "web.refused.viewer")
    return await checked_form(request)
