"""Telling whether two names mean the same unit, and two titles the same conference.

**Units** are compared through the unit directory (:mod:`pressdocs._units`), the one
normaliser of unit names: 芜湖市人力资源和社会保障局, 市人社局 and 人社局 are the same
unit.  :func:`unit_key` and :func:`same_unit` are that comparison for the rules.

**Titles** differ between the plan, the registration form and the statistics table in
ways that say nothing about the conference:

- the published plan carries injected spam where the city's name belongs
  (``365bet官网注册_o365邮箱_365bet官方网址市第十四届运动会情况介绍``), found by PD501's own
  detection (:func:`pressdocs.rules.spam.spam_signs`) and put back to the city's name;
- the city's name itself (芜湖市第十四届运动会), quotes and book-title marks
  (《…》“…”), punctuation and spaces;
- the words that make a topic a conference's title, at the end: 新闻发布会, 发布会,
  新闻发布, 情况介绍, 专题; and words that many topics end with and so tell nothing
  (工作, 进展, 情况, 通报, 发布, 解读: 老旧小区改造工作进展情况 is not 房地产领域工作进展情况);
  关于 and 召开 at the start.

:func:`compared_topic` is a title with those set aside, and :func:`topic_score` says how
alike two titles are, from 0 to 1: 1.0 when they are the same once compared, a little
less when one holds the other (2021年上半年全市经济运行情况 holds 上半年全市经济运行情况), else
the better of two measures of shared characters — in order (difflib's ratio) and in
pairs in any order (the Dice coefficient of character bigrams, which forgives a reordered
title: 质量监管、质量发展、特种设备安全 and 特种设备安全和质量监管工作).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from functools import lru_cache

from pressdocs.config import Config
from pressdocs.text import strip_invisible, to_halfwidth

__all__ = [
    "compared_topic",
    "likeness",
    "readable_topic",
    "replace_injected_spam",
    "same_unit",
    "topic_score",
    "unit_key",
]

_PUNCTUATION = re.compile(r"[\s《》〈〉“”‘’\"'「」『』()（）【】\[\]、，,。.:：;；!！?？·•—\-_/]+")
_CONFERENCE_WORDS = re.compile(
    r"(?:新闻发布会|发布会|新闻发布|情况介绍|专题|的|情况|进展|工作|通报|发布|解读|有关)$")
_LEADING_WORDS = re.compile(r"^(?:关于|召开)")
#: A title holding another scores at least this (and 1.0 only when they are the same).
_HOLDS = 0.9
#: The shortest title that counts as held in another (shorter ones are only compared).
_HOLDS_MIN = 4
#: The sign kinds whose text is injected spam to set aside (the strong ones, PD501).
_INJECTED = ("brand", "chain", "domain", "hidden", "keyword")


def unit_key(name: str, config: Config | None = None) -> str:
    """The comparable key of a unit's name: the name the unit directory records it by
    (市人社局 for 芜湖市人力资源和社会保障局), else the name without the city's name, its
    level (市) and spaces."""
    return (config or Config()).directory.key(name)


def same_unit(a: str, b: str, config: Config | None = None) -> bool:
    """Whether ``a`` and ``b`` name the same unit (see :func:`unit_key`)."""
    return (config or Config()).directory.same(a, b)


def replace_injected_spam(text: str, city: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` (made half-width, lower case, without invisible characters) with the spam
    PD501 finds in it set aside, and what was set aside: ``(spam, what it became)``.

    Spam standing where the city's name belongs, with the 市 after it
    (``365bet官网注册_o365邮箱_365bet官方网址市``), becomes ``city``; other strong signs
    (a betting brand, a chain of words, a betting domain, a gambling term) are removed.
    Text that does not look like spam comes back only made half-width and lower case.
    """
    from pressdocs.rules.spam import looks_like_spam, spam_signs

    text = to_halfwidth(strip_invisible(text)).lower()
    signs = spam_signs(text, city)
    if not looks_like_spam(signs):
        return text, []
    level = city[-1:] or "市"
    found = []
    for sign in sorted((s for s in signs if s.kind == "city"), key=lambda s: -len(s.evidence)):
        if sign.evidence + level in text:
            text = text.replace(sign.evidence + level, city)
            found.append((sign.evidence + level, city))
    for sign in sorted((s for s in signs if s.strong and s.kind in _INJECTED),
                       key=lambda s: -len(s.evidence)):
        if sign.evidence in text:
            text = text.replace(sign.evidence, "")
            found.append((sign.evidence, ""))
    return text, found


#: Plan items' titles and a unit's resends come back; most of a batch's titles are new, so
#: the cache fills with one per message (~270 bytes each: 8192 of them were 2.2 MB that a
#: long batch's memory grew by).
@lru_cache(maxsize=2048)
def compared_topic(text: str, city: str = "") -> str:
    """A conference title as it is compared (see the module docstring): spam, the city's
    name, quotes, punctuation and the words of a conference set aside, in lower case.

    ``365bet官网注册_o365邮箱_365bet官方网址市第十四届运动会情况介绍`` and
    ``芜湖市第十四届运动会情况介绍新闻发布会`` are both ``第十四届运动会``.
    """
    flat, _ = replace_injected_spam(text, city)
    flat = _PUNCTUATION.sub("", flat)
    for name in (city, city.removesuffix("市")):
        if name:
            flat = flat.replace(name.lower(), "")
    before = None
    while before != flat:
        before = flat
        flat = _CONFERENCE_WORDS.sub("", _LEADING_WORDS.sub("", flat))
    level = city[-1:] if city else "市"
    return flat.removeprefix(level) if len(flat) > 1 else flat


def readable_topic(text: str, city: str) -> str:
    """``text`` as it can be shown to people: the spam standing for the city's name
    replaced by ``city`` and other spam removed, the rest as written (a plan's topic in a
    finding: 第15项“芜湖市第十四届运动会情况介绍”)."""
    _, found = replace_injected_spam(text, city)
    result = strip_invisible(text) if found else text
    for spam, replacement in found:
        pattern = re.compile(re.escape(spam), re.IGNORECASE)
        if not pattern.search(result):  # written with full-width letters
            result = to_halfwidth(result)
        result = pattern.sub(replacement, result)
    return result


def topic_score(a: str, b: str, city: str = "") -> float:
    """How alike two conference titles are, from 0 to 1 (see the module docstring)."""
    return likeness(compared_topic(a, city), compared_topic(b, city))


def likeness(left: str, right: str) -> float:
    """How alike two titles already reduced by :func:`compared_topic` are, 0 to 1."""
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    shorter, longer = sorted((left, right), key=len)
    if len(shorter) >= _HOLDS_MIN and shorter in longer:
        return _HOLDS + (1 - _HOLDS) * len(shorter) / len(longer) - 1e-9
    ratio = difflib.SequenceMatcher(None, left, right, autojunk=False).ratio()
    return max(ratio, _bigram_dice(left, right))


def _bigram_dice(left: str, right: str) -> float:
    """The Dice coefficient of the two texts' character pairs (repeats counted)."""
    a, b = _bigrams(left), _bigrams(right)
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


def _bigrams(text: str) -> Counter[str]:
    return Counter(text[i:i + 2] for i in range(len(text) - 1)) if len(text) > 1 \
        else Counter([text])
