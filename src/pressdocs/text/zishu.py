"""字数: counting a text's length the way Word and WPS count 字数.

The notice limits the press release to 1200 字 and each answer to 500 字, and staff check
with Word's 字数 dialog, so the count must be Word's:

- every East-Asian character is one: Han characters (all CJK blocks), kana, full-width
  forms (including full-width letters and digits) and CJK punctuation (、。，《》【】…);
- a run of Korean (hangul) is one word, as in Word's "中文字符和朝鲜语单词";
- a non-East-Asian word is a run of non-space characters holding at least one letter or
  digit: "Hello", "2021", "Let's", "e-mail", "day," each count one; a lone "," or "-"
  counts nothing;
- punctuation that Unicode calls ambiguous in width (“ ” ‘ ’ — … · ° ① and the like) is
  East-Asian when it stands in Chinese text, that is in a line that holds any East-Asian
  character; elsewhere it belongs to the word it touches.  A ’ between two letters is an
  apostrophe (Let’s) and stays in its word;
- whitespace, including the full-width space, counts nothing.

Calibrated against real Word: ``Hello “世界”`` is 5, ``Let's say ‘你好’ 100 times per day,
勤勉`` is 12.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from pressdocs.text.normalize import strip_invisible

__all__ = ["ZishuCount", "count_zishu"]

_WIDE = frozenset({"W", "F", "H"})
_APOSTROPHES = frozenset("\u2018\u2019")
_HANGUL_RANGES = (
    (0x1100, 0x11FF),  # jamo
    (0x3130, 0x318F),  # compatibility jamo
    (0xA960, 0xA97F),  # jamo extended-A
    (0xAC00, 0xD7FF),  # syllables, jamo extended-B
    (0xFFA0, 0xFFDC),  # half-width hangul
)


@dataclass(frozen=True)
class ZishuCount:
    """A 字数 as Word reports it: East-Asian characters plus non-East-Asian words."""

    east_asian: int
    """East-Asian characters (and Korean words): Word's "中文字符和朝鲜语单词"."""
    words: int
    """Non-East-Asian words: Word's "非中文单词"."""

    @property
    def total(self) -> int:
        """The 字数: what Word shows as 字数 and what the 1200/500 字 limits are about."""
        return self.east_asian + self.words

    def __add__(self, other: ZishuCount) -> ZishuCount:
        return ZishuCount(self.east_asian + other.east_asian, self.words + other.words)


def count_zishu(text: str) -> ZishuCount:
    """Count ``text`` the way Word counts 字数 (see the module docstring for the rules).

    Lines are counted separately, so the count of two texts joined by a line break is the
    sum of their counts.
    """
    total = ZishuCount(0, 0)
    for line in strip_invisible(text).splitlines():
        total += _count_line(line)
    return total


# What a character is, for counting (see :func:`_kind`).
_SPACE, _HANGUL, _WIDE_CHAR, _AMBIGUOUS, _ALNUM, _OTHER = range(6)
#: Each character's kind, remembered: a text is mostly a few thousand distinct characters,
#: so counting costs a dictionary lookup per character rather than Unicode look-ups.
_KINDS: dict[str, int] = {}
_KINDS_MAX = 1 << 16


def _kind(char: str) -> int:
    """The kind of ``char`` out of context: whitespace, hangul, East-Asian wide,
    ambiguous-width punctuation (East-Asian only in Chinese text), or part of a word (a
    letter or digit, or something else)."""
    kind = _KINDS.get(char)
    if kind is None:
        if char.isspace():
            kind = _SPACE
        elif _is_hangul(char):
            kind = _HANGUL
        elif _is_wide(char):
            kind = _WIDE_CHAR
        elif _is_ambiguous(char):
            kind = _AMBIGUOUS
        else:
            kind = _ALNUM if char.isalnum() else _OTHER
        if len(_KINDS) >= _KINDS_MAX:
            _KINDS.clear()
        _KINDS[char] = kind
    return kind


def _count_line(line: str) -> ZishuCount:
    kinds = [_kind(char) for char in line]
    chinese = _WIDE_CHAR in kinds or (
        _HANGUL in kinds and any(_is_wide(c) for c, k in zip(line, kinds, strict=True)
                                 if k == _HANGUL))
    east_asian = 0
    words = 0
    in_word = False
    word_has_alnum = False
    in_hangul = False
    for index, kind in enumerate(kinds):
        if kind == _AMBIGUOUS:
            kind = _WIDE_CHAR if chinese and not _is_apostrophe(line, index) else \
                (_ALNUM if line[index].isalnum() else _OTHER)
        if kind < _ALNUM and in_word:
            words += word_has_alnum
            in_word = word_has_alnum = False
        if kind != _HANGUL:
            in_hangul = False
        if kind == _WIDE_CHAR:
            east_asian += 1
        elif kind == _HANGUL:
            east_asian += not in_hangul
            in_hangul = True
        elif kind >= _ALNUM:
            in_word = True
            word_has_alnum = word_has_alnum or kind == _ALNUM
    if in_word:
        words += word_has_alnum
    return ZishuCount(east_asian, words)


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in _WIDE


def _is_hangul(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _HANGUL_RANGES)


def _is_ambiguous(char: str) -> bool:
    """Ambiguous-width punctuation or symbols (not letters), which Word renders with the
    East-Asian font in Chinese text."""
    if char.isascii() or unicodedata.east_asian_width(char) != "A":
        return False
    return unicodedata.category(char)[0] != "L"


def _is_apostrophe(line: str, index: int) -> bool:
    """Whether the ambiguous mark at ``index`` is an apostrophe inside a word (Let’s)."""
    if line[index] in _APOSTROPHES and 0 < index < len(line) - 1:
        return _is_latin_alnum(line[index - 1]) and _is_latin_alnum(line[index + 1])
    return False


def _is_latin_alnum(char: str) -> bool:
    return char.isalnum() and not _is_wide(char)
