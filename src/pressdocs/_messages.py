"""The message catalogues: every text pressdocs gives people, once per language.

The wording lives in ``pressdocs/locale/zh.toml`` and ``pressdocs/locale/en.toml``, one
entry per key (``[PD203] too_long = "…"`` is the key ``PD203.too_long``), with
``{name}`` for each parameter.  Code never writes a sentence itself: it names a key and
gives the facts (:meth:`pressdocs.Message.of`), and both languages are rendered here:

- a :class:`~datetime.date` is written 2021年6月30日 in Chinese, 2021-06-30 in English;
  a :class:`~datetime.datetime` 2021年6月30日 9:30 / 2021-06-30 09:30 (in the time zone
  it carries);
- a list is joined with 、 in Chinese and ", " in English;
- a parameter that is itself a :class:`~pressdocs.Message` (an optional clause, a
  reason) is put in in the same language, and ``None`` or ``""`` as nothing;
- a :class:`~enum.Enum` with Chinese names (:class:`pressdocs.Severity`, …) by its
  name in that language.

A key missing from a catalogue never stops a batch: the text says which key is missing
(a test keeps the catalogues complete and alike).
"""

from __future__ import annotations

import logging
import string
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from functools import cache
from importlib import resources
from typing import Any

from pressdocs._redact import scrub, scrub_value
from pressdocs._serialize import to_plain
from pressdocs.models import Message

__all__ = ["LANGS", "catalogue", "did_you_mean", "render", "render_text", "render_value"]

#: The languages pressdocs speaks, the first the default.
LANGS: tuple[str, ...] = ("zh", "en")

log = logging.getLogger("pressdocs")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The catalogue of ``lang`` as a flat mapping of dotted keys to templates."""
    text = resources.files("pressdocs").joinpath("locale", f"{lang}.toml").read_text("utf-8")
    flat: dict[str, str] = {}
    _flatten(tomllib.loads(text), "", flat)
    return flat


def _flatten(table: Mapping[str, Any], prefix: str, out: dict[str, str]) -> None:
    for key, value in table.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(value, dotted, out)
        else:
            out[dotted] = str(value)


def render(key: str, params: Mapping[str, Any]) -> Message:
    """The message ``key`` with ``params`` put in, in every language (see the module)."""
    texts = {lang: render_text(key, params, lang) for lang in LANGS}
    return Message(key=key, zh=texts["zh"], en=texts["en"],
                   params={k: scrub_value(to_plain(v)) for k, v in params.items()})


def render_text(key: str, params: Mapping[str, Any], lang: str) -> str:
    """The text of ``key`` in ``lang`` with ``params`` put in."""
    template = catalogue(lang).get(key)
    if template is None:
        log.warning("message %s missing from the %s catalogue", key, lang)
        return f"[{key}] " + ", ".join(f"{k}={v}" for k, v in params.items())
    try:
        return scrub(_Formatter(lang).vformat(template, (), params))  # never a secret
    except (KeyError, IndexError, ValueError) as exc:
        log.warning("message %s (%s) could not be rendered: %s", key, lang, exc)
        return f"[{key}] {template}"


def did_you_mean(word: str, candidates: Sequence[str]) -> Message | None:
    """" (did you mean X?)" for the candidate nearest ``word``, or ``None`` when none is
    near: a misspelt hook, rule code or plugin name is answered with the right one."""
    import difflib

    close = difflib.get_close_matches(word, candidates, n=1)
    return render("messages.did_you_mean", {"name": close[0]}) if close else None


def render_value(value: Any, lang: str) -> str:
    """One value written the way ``lang`` writes it (a date: 2021年6月30日 / 2021-06-30)."""
    return _Formatter(lang).format_field(value, "")


class _Formatter(string.Formatter):
    """str.format with the values written the way ``lang`` writes them."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        zh = self.lang == "zh"
        if value is None:
            return ""
        if isinstance(value, Message):
            return value.text(self.lang)
        if isinstance(value, date) and zh:  # the date reader's tables load on first use
            from pressdocs.text.dates import format_date_zh, format_datetime_zh

            return format_datetime_zh(value) if isinstance(value, datetime) else \
                format_date_zh(value)
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return ("、" if zh else ", ").join(self.format_field(v, format_spec) for v in value)
        if isinstance(value, Enum):
            label = getattr(value, "label", None)
            return label(self.lang) if callable(label) else str(value.value)
        return str(super().format_field(value, format_spec))
