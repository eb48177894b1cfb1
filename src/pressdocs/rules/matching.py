"""Telling whether two names mean the same unit, and two titles the same conference.

Units are written many ways: 市财政局, 芜湖市财政局, 财政局, or an alias from the unit
directory (``[units."市财政局"] aliases``).  :func:`unit_key` reduces each to one key.
Conference titles differ in small ways between the plan, the registration form and the
statistics table ("2021年一季度全市经济运行情况" and "2021年一季度全市经济运行情况新闻发布会");
:func:`topic_score` says how alike two titles are, from 0 to 1.
"""

from __future__ import annotations

import difflib
import re

from pressdocs.config import Config
from pressdocs.text import strip_invisible, to_halfwidth

__all__ = ["same_unit", "topic_score", "unit_key"]

_PUNCTUATION = re.compile(r"[\s《》〈〉“”‘’\"'「」『』()（）【】\[\]、，,。.:：;；!！?？·—\-_/]+")
_CONFERENCE_WORDS = re.compile(r"(新闻发布会|发布会|专题|情况介绍)$")


def unit_key(name: str, config: Config | None = None) -> str:
    """The comparable key of a unit's name: the directory's name for an alias, without
    spaces, without the city's name and without a leading 市."""
    if config is None:
        return re.sub(r"\s+", "", to_halfwidth(strip_invisible(name))).removeprefix("市")
    unit = config.find_unit(name)
    return config.unit_key(unit.name if unit is not None else name)


def same_unit(a: str, b: str, config: Config | None = None) -> bool:
    """Whether ``a`` and ``b`` name the same unit (see :func:`unit_key`)."""
    key_a, key_b = unit_key(a, config), unit_key(b, config)
    return bool(key_a) and key_a == key_b


def topic_score(a: str, b: str, city: str = "") -> float:
    """How alike two conference titles are: 1.0 when one contains the other once
    punctuation, the city's name and words like 新闻发布会 are set aside; otherwise the
    share of characters they have in common, in order (difflib's ratio)."""
    left, right = _topic(a, city), _topic(b, city)
    if not left or not right:
        return 0.0
    if left in right or right in left:
        return 1.0
    return difflib.SequenceMatcher(None, left, right).ratio()


def _topic(text: str, city: str) -> str:
    flat = _PUNCTUATION.sub("", to_halfwidth(strip_invisible(text)))
    for name in (city, city.removesuffix("市")):
        if name:
            flat = flat.replace(name, "")
    return _CONFERENCE_WORDS.sub("", flat)
