"""Secrets never printed: what is shown instead of a password wherever text leaves pressdocs.

Two things are redacted, both to ``***``:

- the password of a URL (``imaps://user:SECRET@host`` → ``imaps://user:***@host``), in
  any text, so that a location written with one is safe to print, log or store;
- every secret pressdocs knows of: a value written literally in the configuration or in a
  URL (known as soon as the configuration is read), and a value read from the environment,
  a file or the keyring (known once revealed), as written and percent-encoded.

The catalogues' rendering (:mod:`pressdocs._messages`: errors, findings, notices, reports),
``config show``, the command line's error lines and the library's log records pass
through :func:`scrub`.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any
from urllib.parse import quote, unquote

__all__ = ["MASK", "RedactingFilter", "forget", "known", "remember", "scrub", "scrub_value",
           "url_password"]

#: What is shown instead of a secret.
MASK = "***"
#: Shorter values are not scrubbed from free text: replacing a short or common word
#: ("secret", "admin") everywhere would mangle what is printed.  Real authorisation codes
#: and keys are 16 characters and more; a URL's password is masked whatever its length.
_MIN_LENGTH = 8

_known: set[str] = set()
_lock = threading.Lock()
# scheme://userinfo@ — userinfo up to the authority's last @ (a login may hold an @ itself)
_URL = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/\s?#\"'<>]*)@")


def remember(value: str) -> None:
    """Know ``value`` as a secret from now on: :func:`scrub` hides it."""
    if len(value) < _MIN_LENGTH:
        return
    with _lock:
        _known.update({value, quote(value, safe=""), quote(value, safe="@")})


def forget() -> None:
    """Know no secret any more (a test's end: the next test has its own configuration)."""
    with _lock:
        _known.clear()


def known() -> frozenset[str]:
    """The secrets known so far (for tests)."""
    with _lock:
        return frozenset(_known)


def url_password(url: str) -> str:
    """The password of ``url`` (percent-decoded), or ``""``."""
    match = _URL.search(url)
    if match is None or ":" not in match["userinfo"]:
        return ""
    return unquote(match["userinfo"].partition(":")[2])


def _url(match: re.Match[str]) -> str:
    user, colon, password = match["userinfo"].partition(":")
    if not colon or not password:
        return match[0]
    return f"{match['scheme']}{user}:{MASK}@"


def scrub(text: str) -> str:
    """``text`` with URL passwords and every known secret replaced by ``***``."""
    if "://" in text:
        text = _URL.sub(_url, text)
    with _lock:
        secrets = sorted(_known, key=len, reverse=True) if _known else ()
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def scrub_value(value: Any) -> Any:
    """``value`` with :func:`scrub` applied to every string in it (dicts, lists)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_value(v) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """A logging filter that scrubs each record's message before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
