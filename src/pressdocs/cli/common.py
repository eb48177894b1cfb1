"""Shared pieces of the CLI: the app object, bilingual text, errors to exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from pressdocs.app import Pressdocs, resolve_lang
from pressdocs.errors import PressdocsError

__all__ = [
    "EXIT_CANNOT_RUN",
    "EXIT_FINDINGS",
    "fail",
    "handle_errors",
    "pass_app",
    "print_json",
    "safe_lang",
    "t",
]

EXIT_FINDINGS = 1
EXIT_CANNOT_RUN = 2

F = TypeVar("F", bound=Callable[..., Any])

pass_app = click.make_pass_decorator(Pressdocs)


def t(lang: str, zh: str, en: str) -> str:
    """The text in the output language."""
    return en if lang == "en" else zh


def fail(exc: PressdocsError, lang: str, code: int = EXIT_CANNOT_RUN) -> NoReturn:
    """Print ``exc`` the way users should see it (no traceback) and exit with ``code``."""
    prefix = t(lang, "错误：", "Error: ")
    click.secho(prefix + exc.render(lang), fg="red", err=True)
    sys.exit(code)


def safe_lang(app: Pressdocs | None) -> str:
    """The output language, even when the configuration itself is broken."""
    if app is None:
        return resolve_lang()
    try:
        return app.lang
    except PressdocsError:
        return resolve_lang(app._lang_arg)


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, Chinese left readable."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def handle_errors(func: F) -> F:
    """Turn a :class:`PressdocsError` raised by a command into a clear message and exit 2."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PressdocsError as exc:
            ctx = click.get_current_context(silent=True)
            app = ctx.find_object(Pressdocs) if ctx else None
            fail(exc, safe_lang(app))

    return wrapper  # type: ignore[return-value]
