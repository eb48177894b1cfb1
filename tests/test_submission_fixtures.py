"""tests/submissions.py's Word files come from a template python-docx made once, with the
values put into its XML: what it returns must be what python-docx itself writes for the
same values, member by member (else every intake test would read a document no program
wrote)."""

from __future__ import annotations

import io
import zipfile

import pytest

import submissions


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        return {info.filename: package.read(info) for info in package.infolist()}


@pytest.mark.parametrize("values", [
    {"title": "2021年一季度全市经济运行情况新闻发布会", "unit": "市统计局",
     "when": "2021年4月20日上午9:30"},
    # characters XML escapes, a value with a line break, one empty, one with a space at an end
    {"title": "“R&D” <投入> 发布会 'A' & \"B\"", "unit": "市科技局", "when": "4月20日 9:30",
     "approval": "同意。\n2021年3月31日", "venue": "", "name": " 张三", "city": "芜湖市\t"},
])
def test_a_registration_form_is_what_python_docx_writes(values: dict[str, str]) -> None:
    made = members(submissions.registration_docx(**values))
    defaults = {"venue": "市政府新闻发布厅", "name": "张三", "phone": "13905531234",
                "position": "办公室主任", "filed": "2021年4月1日",
                "approval": "同意。\n2021年3月31日（公章）", "city": "芜湖市"}
    written = members(submissions._registration_docx(**{**defaults, **values}))
    assert list(made) == list(written)
    assert made == written
    assert "\u2983" not in made["word/document.xml"].decode("utf-8")


@pytest.mark.parametrize(("title", "paragraphs"), [("第1场发布稿 <A&B>", 2), ("发布稿", 4)])
def test_a_press_release_is_what_python_docx_writes(title: str, paragraphs: int) -> None:
    assert members(submissions.press_release_docx(title, paragraphs)) == members(
        submissions._press_release_docx(title, paragraphs))
