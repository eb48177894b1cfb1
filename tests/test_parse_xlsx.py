"""Reading .xlsx files: the statistics table (附件3) as a person reads it."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from docfixtures import encrypted_ooxml, registration_docx, statistics_xlsx, with_member
from pressdocs.builtin.parse_xlsx import XlsxParser, format_cell
from pressdocs.capabilities import Content
from pressdocs.errors import ParseError

parser = XlsxParser()

HEADER = ["序号", "时间", "地点", "单位", "参加发布会的媒体单位", "发布主题",
          "发布人姓名、职务", "是否设记者提问、记者提问个数", None]


@pytest.fixture(scope="module")
def statistics() -> Content:
    return parser.parse(statistics_xlsx(), "统计表.xlsx")


def test_sniff() -> None:
    assert parser.sniff(statistics_xlsx(), "统计表.xlsx")
    assert not parser.sniff(registration_docx(), "统计表.xlsx")


def test_title_row_and_merged_header_cells(statistics: Content) -> None:
    table = statistics.tables[0]
    assert table[0] == ["新闻发布会统计表"] + [None] * 8
    assert table[1] == HEADER
    assert table[2] == [None] * 7 + ["是否设提问", "提问个数"]


def test_values_read_as_on_screen(statistics: Content) -> None:
    table = statistics.tables[0]
    assert table[3] == ["1", "2021-06-30", "市政府新闻发布厅", "市生态环境局",
                        "市广播电视台、大江晚报", "上半年生态环境质量", "张三 副局长", "是", "3"]
    assert table[4][:2] == ["2", "2021-05-12 09:30"]
    assert table[4][8] == "0"
    assert table[5] == ["3", "", "", "", "", "", "", "", "2.5"]


def test_every_sheet_with_content_is_a_table_and_empty_sheets_are_not(
    statistics: Content,
) -> None:
    assert len(statistics.tables) == 2  # 统计表 and 说明; the empty Sheet2 gives nothing
    assert statistics.tables[1] == [["填表人：赵六（13905531234）"]]


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (datetime(2021, 6, 30), "yyyy\"年\"m\"月\"d\"日\"", "2021-06-30"),
        (datetime(2021, 7, 2, 9, 30), "General", "2021-07-02 09:30"),
        (date(2021, 2, 7), "General", "2021-02-07"),
        (time(14, 30), "h:mm", "14:30"),
        (3.0, "General", "3"),
        (13905531234.0, "General", "13905531234"),
        (0.1 + 0.2, "General", "0.3"),
        (0.125, "0.0%", "12.5%"),
        (0.5, "0%", "50%"),
        (2.5, "0", "3"),  # Excel rounds half away from zero
        (1234.5, "#,##0.00", "1234.50"),
        (True, "General", "TRUE"),
        ("  市财政局\r\n市农业农村局 ", "@", "市财政局\n市农业农村局"),
        (None, "General", ""),
    ],
)
def test_format_cell(value: object, number_format: str, shown: str) -> None:
    assert format_cell(value, number_format) == shown


def test_damaged_and_disguised() -> None:
    data = statistics_xlsx()
    with pytest.raises(ParseError, match="文件已损坏或不完整（不是有效的 Excel 表格）"):
        parser.parse(data[: len(data) // 2], "统计表.xlsx")
    with pytest.raises(ParseError, match="文件已损坏"):
        parser.parse(with_member(data, "xl/workbook.xml", b"<workbook"), "统计表.xlsx")
    with pytest.raises(ParseError, match="不是 Excel 表格（内容是 Word 文档"):
        parser.parse(registration_docx(), "统计表.xlsx")
    with pytest.raises(ParseError, match="文件是空的"):
        parser.parse(b"", "统计表.xlsx")


def test_damaged_and_disguised_in_english() -> None:
    data = statistics_xlsx()
    with pytest.raises(ParseError) as caught:
        parser.parse(with_member(data, "xl/workbook.xml", b"<workbook"), "统计表.xlsx")
    assert "cannot be opened as an Excel workbook" in caught.value.render("en")
    with pytest.raises(ParseError) as caught:
        parser.parse(registration_docx(), "统计表.xlsx")
    assert "not an Excel workbook (what it holds: Word document (.docx))" in \
        caught.value.render("en")
    with pytest.raises(ParseError) as caught:
        parser.parse(b"", "统计表.xlsx")
    assert caught.value.render("en") == "统计表.xlsx: the file is empty (0 bytes); resend it"


def test_password_protected_xlsx() -> None:
    assert parser.sniff(encrypted_ooxml(), "统计表.xlsx")
    with pytest.raises(ParseError, match="文件设置了打开密码，无法读取"):
        parser.parse(encrypted_ooxml(), "统计表.xlsx")


def test_too_large_is_refused() -> None:
    data = statistics_xlsx()
    small = XlsxParser(max_workbook_bytes=1000)
    with pytest.raises(ParseError, match="表格内容过大"):
        small.parse(data, "统计表.xlsx")
