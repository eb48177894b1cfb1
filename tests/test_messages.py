"""The message catalogues: complete in both languages, and values written each
language's way."""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pressdocs import Message, Severity
from pressdocs._messages import LANGS, catalogue, render_text
from pressdocs.errors import ParseError

SRC = Path(__file__).resolve().parents[1] / "src" / "pressdocs"
CST = ZoneInfo("Asia/Shanghai")


def _fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_catalogues_have_the_same_keys_and_parameters() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    assert sorted(zh) == sorted(en)
    for key in zh:
        assert _fields(zh[key]) == _fields(en[key]), key


def test_english_texts_have_no_chinese_of_their_own() -> None:
    """Chinese in English output comes only from document content put in as a parameter."""
    han = re.compile(r"[\u4e00-\u9fff]")
    for key, text in catalogue("en").items():
        assert not han.search(text), f"{key}: {text}"


def _keys_used_in_the_code() -> set[str]:
    used = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text("utf-8")
        used |= set(re.findall(r"""\.of\(\s*["']([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+)["']""", text))
        # the command line's tr(lang, "cli.…"): cli.value.out_of_range was missing unseen
        used |= set(re.findall(r"""\btr\((?:[^,()]|\([^()]*\))*,\s*["']"""
                               r"""([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+)["']""", text))
    return used


def test_every_key_the_code_names_is_in_the_catalogues() -> None:
    used = _keys_used_in_the_code()
    assert used, "the scan found no Message.of() calls"
    missing = sorted(used - set(catalogue("zh")))
    assert not missing


def test_dates_times_lists_and_nested_messages_are_written_each_languages_way() -> None:
    reason = Message.literal("晚了1天", "1 day late")
    params = {"day": date(2021, 6, 30), "at": datetime(2021, 3, 10, 9, 5, tzinfo=CST),
              "names": ["图1.jpg", "图2.jpg"], "why": reason, "severity": Severity.ERROR,
              "none": None}
    template = "{day}|{at}|{names}|{why}|{severity}|{none}"
    from pressdocs._messages import _Formatter

    assert _Formatter("zh").vformat(template, (), params) == \
        "2021年6月30日|2021年3月10日 9:05|图1.jpg、图2.jpg|晚了1天|错误|"
    assert _Formatter("en").vformat(template, (), params) == \
        "2021-06-30|2021-03-10 09:05|图1.jpg, 图2.jpg|1 day late|error|"


def test_a_message_keeps_its_key_plain_parameters_and_both_texts() -> None:
    message = Message.of("pipeline.failed", reason=Message.literal("邮件为空", "empty"))
    assert message.key == "pipeline.failed"
    assert message.zh == "邮件无法处理：邮件为空"
    assert message.en == "the message could not be processed: empty"
    assert message.params == {"reason": {"key": "", "zh": "邮件为空", "en": "empty",
                                         "params": {}}}
    assert Message.from_dict(message.to_dict()) == message
    assert message.text("en") == message.en and str(message) == message.zh


def test_a_key_missing_from_the_catalogue_says_so_instead_of_failing() -> None:
    assert render_text("no.such.key", {"n": 1}, "zh") == "[no.such.key] n=1"


def test_an_error_from_the_catalogue_names_its_file_in_both_languages() -> None:
    error = ParseError.of("pipeline.failed", reason="x", file="登记表.docx")
    assert str(error) == "登记表.docx：邮件无法处理：x"
    assert error.render("en") == "登记表.docx: the message could not be processed: x"


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_entries_are_single_lines(lang: str) -> None:
    for key, text in catalogue(lang).items():
        assert "\n" not in text.strip(), key
