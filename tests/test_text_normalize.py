"""Full-width folding, form labels, list cells and invisible characters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pressdocs.text import normalize_label, split_list, strip_invisible, to_halfwidth


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("（０５５３）３８３１２３４", "(0553)3831234"),
        ("２０２１年６月３０日", "2021年6月30日"),
        ("ＡＢＣ ｘｙｚ", "ABC xyz"),
        ("电话：１３９", "电话:139"),
        ("甲，乙；丙！", "甲,乙;丙!"),
        ("举办\u3000单位", "举办 单位"),
    ],
)
def test_to_halfwidth_folds_fullwidth_ascii(written: str, expected: str) -> None:
    assert to_halfwidth(written) == expected


def test_to_halfwidth_keeps_cjk_punctuation() -> None:
    text = "市财政局、市农业农村局。《关于改革完善社会救助制度的工作举措》“3·15”〔2013〕……——"
    assert to_halfwidth(text) == text


@given(st.text())
def test_to_halfwidth_is_idempotent(text: str) -> None:
    once = to_halfwidth(text)
    assert to_halfwidth(once) == once


@given(st.text())
def test_to_halfwidth_keeps_length(text: str) -> None:
    assert len(to_halfwidth(text)) == len(text)


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
def test_fullwidth_of_ascii_folds_back(text: str) -> None:
    fullwidth = "".join(chr(ord(char) + 0xFEE0) for char in text)
    assert to_halfwidth(fullwidth) == text


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("举 办\n单 位", "举办单位"),
        ("新闻发布会内容（可以附\n附件）", "新闻发布会内容(可以附附件)"),
        ("序 号", "序号"),
        ("填表单位（公章）：", "填表单位(公章)"),
        ("填表人(联系方式):", "填表人(联系方式)"),
        ("拟邀请\n领导及\n来宾名单", "拟邀请领导及来宾名单"),
        ("\u3000姓\u3000\u3000名\u3000", "姓名"),
        ("负责人\u200b", "负责人"),
        ("举办时间 ：", "举办时间"),
    ],
)
def test_normalize_label(label: str, expected: str) -> None:
    assert normalize_label(label) == expected


def test_normalize_label_spellings_compare_equal() -> None:
    spellings = ["举办单位", "举 办 单 位：", "举办\n单位:", "举\u3000办\r\n单\u3000位 ："]
    assert {normalize_label(s) for s in spellings} == {"举办单位"}


@given(st.text())
def test_normalize_label_has_no_whitespace_and_is_idempotent(label: str) -> None:
    normalized = normalize_label(label)
    assert not any(char.isspace() for char in normalized)
    assert normalize_label(normalized) == normalized


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("新华社、人民日报，芜湖日报；大江晚报", ["新华社", "人民日报", "芜湖日报", "大江晚报"]),
        ("市财政局、市农业农村局", ["市财政局", "市农业农村局"]),
        ("张三\n李四\r\n王五", ["张三", "李四", "王五"]),
        (" 新华社 , 人民日报 ; 安徽日报。", ["新华社", "人民日报", "安徽日报"]),
        ("新华社、、\n\n人民日报、", ["新华社", "人民日报"]),
        ("无", []),
        ("暂无", []),
        ("  ", []),
        ("", []),
        ("新华社、无", ["新华社"]),
    ],
)
def test_split_list(cell: str, expected: list[str]) -> None:
    assert split_list(cell) == expected


def test_split_list_keeps_separators_inside_brackets() -> None:
    cell = "市委宣传部（网信办、新闻办），《关于A、B的通知》起草组、“3·15，消费者”组委会"
    assert split_list(cell) == [
        "市委宣传部（网信办、新闻办）",
        "《关于A、B的通知》起草组",
        "“3·15，消费者”组委会",
    ]


def test_split_list_with_an_unclosed_bracket_still_splits() -> None:
    assert split_list("市委宣传部（网信办、新闻办、新华社") == [
        "市委宣传部（网信办",
        "新闻办",
        "新华社",
    ]


@given(st.lists(st.text(alphabet="新华社人民日报芜湖大江晚报电视台", min_size=1), max_size=6))
def test_split_list_undoes_joining(items: list[str]) -> None:
    assert split_list("、".join(items)) == items


@given(st.text())
def test_split_list_items_are_trimmed_and_not_empty(cell: str) -> None:
    for item in split_list(cell):
        assert item == item.strip()
        assert item
        assert item not in {"无", "暂无"}


def test_strip_invisible() -> None:
    assert strip_invisible("\ufeff新闻\u200b发布\u200c会\u200d登记\u2060表") == "新闻发布会登记表"


def test_strip_invisible_keeps_visible_text_and_spaces() -> None:
    text = "芜市办〔2013〕28号 whxwtg@163.com\u3000（公章）"
    assert strip_invisible(text) == text
