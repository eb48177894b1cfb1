"""Normalising text as it comes out of Chinese forms: full-width characters, labels, lists.

Chinese input methods produce full-width ASCII (２０２１, （０５５３）, ：) next to the
half-width forms, and forms put spaces and line breaks inside labels ("举 办\\n单 位") to
fit table cells.  These functions make such text comparable without changing what it
says; the text users see is kept as written elsewhere.
"""

from __future__ import annotations

import re

__all__ = ["normalize_label", "split_list", "strip_invisible", "to_halfwidth"]

_FULLWIDTH_OFFSET = 0xFEE0
"""Distance between a full-width form (U+FF01..U+FF5E) and its ASCII character."""

_HALFWIDTH_TABLE: dict[int, int] = {
    code: code - _FULLWIDTH_OFFSET for code in range(0xFF01, 0xFF5F)
}
_HALFWIDTH_TABLE[0x3000] = 0x20  # ideographic space

_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
"""Soft hyphen, zero-width space/non-joiner/joiner, direction marks, word joiner, BOM."""

_INVISIBLE_TABLE: dict[int, None] = dict.fromkeys(map(ord, _INVISIBLE))

_LABEL_TRAILING = ":：*＊"

_LIST_SEPARATORS = frozenset("、，,；;\n\r\u2028\u2029")
_OPENING_BRACKETS = {
    "(": ")",
    "（": "）",
    "《": "》",
    "〈": "〉",
    "【": "】",
    "[": "]",
    "〔": "〕",
    "“": "”",
    "‘": "’",
    "「": "」",
    "『": "』",
}
_CLOSING_BRACKETS = frozenset(_OPENING_BRACKETS.values())
_EMPTY_ITEMS = frozenset({"无", "暂无", "没有", "/", "-", "—", "——"})
_ITEM_STRIP = " \t\u3000\u00a0。."
_WHITESPACE = re.compile(r"\s+")


def to_halfwidth(s: str) -> str:
    """Turn full-width ASCII (Ａ-Ｚ, ０-９, （）：，etc.) into ASCII and U+3000 into a space.

    CJK punctuation that has no ASCII twin (、。《》“”…) is kept as it is, so the text still
    reads the same; only characters typed full-width by an input method are folded.
    The result is idempotent: ``to_halfwidth(to_halfwidth(s)) == to_halfwidth(s)``.
    """
    return s.translate(_HALFWIDTH_TABLE)


def strip_invisible(s: str) -> str:
    """Remove zero-width and other invisible characters (U+200B..U+200D, U+FEFF, U+2060,
    plus soft hyphens and direction marks) that web pages and Word leave inside words."""
    return s.translate(_INVISIBLE_TABLE)


def normalize_label(s: str) -> str:
    """A form label in the one spelling used for matching.

    Drops every kind of whitespace (spaces put in to spread a label over a cell, line
    breaks, full-width spaces), invisible characters and trailing colons or asterisks, and
    folds full-width ASCII, so ``"举 办\\n单 位："`` and ``"举办单位"`` compare equal and
    ``"新闻发布会内容（可以附\\n附件）"`` becomes ``"新闻发布会内容(可以附附件)"``.
    """
    label = _WHITESPACE.sub("", to_halfwidth(strip_invisible(s)))
    return label.rstrip(_LABEL_TRAILING)


def split_list(s: str) -> list[str]:
    """Split a list cell (guests, media, units) into its items.

    Items are separated by 、，,；; or line breaks; separators inside brackets or quotes
    ("《关于A、B的通知》", "市委宣传部（网信办、新闻办）") do not split.  Items are trimmed
    (including a trailing 。), empty items and placeholders such as "无" and "暂无" are
    dropped.
    """
    items = _split_outside_brackets(strip_invisible(s))
    cleaned = (item.strip().strip(_ITEM_STRIP) for item in items)
    return [item for item in cleaned if item and item not in _EMPTY_ITEMS]


def _split_outside_brackets(s: str) -> list[str]:
    """Split on list separators that are not inside brackets; if a bracket is never closed,
    brackets are not trusted and every separator splits."""
    items: list[str] = []
    current: list[str] = []
    expected_closers: list[str] = []
    for char in s:
        if char in _LIST_SEPARATORS and not expected_closers:
            items.append("".join(current))
            current = []
            continue
        current.append(char)
        if expected_closers and char == expected_closers[-1]:
            expected_closers.pop()
        elif char in _OPENING_BRACKETS:
            expected_closers.append(_OPENING_BRACKETS[char])
        elif char in _CLOSING_BRACKETS and char in expected_closers:
            # Closed out of order: unwind to it rather than never splitting again.
            del expected_closers[expected_closers.index(char) :]
    if expected_closers:
        return re.split("[" + re.escape("".join(sorted(_LIST_SEPARATORS))) + "]", s)
    items.append("".join(current))
    return items
