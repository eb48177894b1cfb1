"""The terminal the command line prints tables to: rich's console, made safe for what the
mail brings in (kept apart from :mod:`pressdocs.cli.common` so that ``pressdocs --help``
does not load rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from pressdocs.cli.common import printable

__all__ = ["Terminal"]


class Terminal(Console):
    """rich's console as the command line uses it: what it prints is never read as
    markup (a subject "[red]…" is shown as written; styles are given as ``style=``), and
    control characters are shown escaped (:func:`printable`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(**kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(printable(text, lines=True), **kwargs)
