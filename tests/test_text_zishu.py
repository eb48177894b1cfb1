"""字数 counted the way Word counts it: the press release's 1200 字 and each answer's 500 字."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pressdocs.text import ZishuCount, count_zishu


def test_word_calibration_hello_world() -> None:
    """Measured in real Word: ``Hello “世界”`` is 5 字."""
    assert count_zishu("Hello “世界”") == ZishuCount(east_asian=4, words=1)
    assert count_zishu("Hello “世界”").total == 5


def test_word_calibration_mixed_sentence() -> None:
    """Measured in real Word: this sentence is 12 字."""
    count = count_zishu("Let's say ‘你好’ 100 times per day, 勤勉")
    assert count == ZishuCount(east_asian=6, words=6)
    assert count.total == 12


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("新闻发布会", 5),
        ("你好，世界。", 6),
        ("2021年", 2),
        ("原则上不超过1200字", 8),
        ("芜市办〔2013〕28号", 8),
        ("联系邮箱：whxwtg@163.com", 6),
        ("e-mail and Let’s go", 4),
        ("“hello” world", 2),
        ("他说“OK”。", 6),
        ("等等……——", 6),
        ("2021年“3·15”国际消费者权益保护日", 17),
        ("１２００字", 5),
        ("한국어 단어", 2),
        ("ひらがなカタカナ", 8),
        ("𠀀𪚥", 2),
        (", - ; ", 0),
        ("新闻\u200b发布会", 5),
    ],
)
def test_count_zishu_examples(text: str, total: int) -> None:
    assert count_zishu(text).total == total


def test_limit_boundary_is_exact() -> None:
    """不超过1200字 includes 1200: the count must be exact at the boundary."""
    paragraph = "发" * 1199 + "。"
    assert count_zishu(paragraph).total == 1200
    assert count_zishu(paragraph + "A").total == 1201
    assert count_zishu(paragraph + " ").total == 1200


def test_counts_add() -> None:
    assert count_zishu("你好") + count_zishu("hi there") == ZishuCount(2, 2)


_mixed_text = st.text(
    alphabet=st.sampled_from(
        list("新闻发布会芜湖，。、《》“”‘’…—·（）：abcXYZ019'-.,@ \t\u3000\n한글かな１２")
    )
)


@given(_mixed_text, _mixed_text)
def test_total_is_additive_over_lines(first: str, second: str) -> None:
    assert count_zishu(first + "\n" + second) == count_zishu(first) + count_zishu(second)


@given(st.text(), st.text())
def test_total_is_additive_over_lines_for_any_text(first: str, second: str) -> None:
    assert count_zishu(first + "\n" + second) == count_zishu(first) + count_zishu(second)


@given(st.text())
def test_count_is_never_negative(text: str) -> None:
    count = count_zishu(text)
    assert count.east_asian >= 0
    assert count.words >= 0
    assert count.total == count.east_asian + count.words


@given(_mixed_text, st.text(alphabet=" \t\u3000\n\r", min_size=1))
def test_surrounding_whitespace_adds_nothing(text: str, space: str) -> None:
    assert count_zishu(space + text + space) == count_zishu(text)


@given(st.text(alphabet=" \t\u3000\n\r\u00a0\u2028"))
def test_whitespace_alone_counts_zero(space: str) -> None:
    assert count_zishu(space).total == 0


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)))
def test_each_han_character_is_one(text: str) -> None:
    assert count_zishu(text) == ZishuCount(east_asian=len(text), words=0)


_latin_word = st.text(alphabet="abcxyzABCXYZ0129", min_size=1, max_size=8)


@given(st.lists(_latin_word, max_size=20))
def test_each_latin_word_is_one(words: list[str]) -> None:
    assert count_zishu(" ".join(words)) == ZishuCount(east_asian=0, words=len(words))


@given(st.text(max_size=40))
def test_count_does_not_depend_on_what_was_counted_before(text: str) -> None:
    """Characters' kinds are remembered between counts; a fresh count says the same."""
    from pressdocs.text import zishu

    remembered = count_zishu(text)
    zishu._KINDS.clear()
    assert count_zishu(text) == remembered


def test_korean_line_counts_its_ambiguous_marks_as_east_asian() -> None:
    """A line of hangul is East-Asian text: a “…” in it counts as a character each, as
    in Chinese text (a run of hangul is one word)."""
    assert count_zishu("한국어 “좋다”").total == 4
    assert count_zishu("Korean “ok”").total == 2
