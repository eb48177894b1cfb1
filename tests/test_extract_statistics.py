"""附件3: the statistics table read from Word, Excel, their legacy formats and PDF."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docfixtures import statistics_xlsx
from pressdocs import _libreoffice as libreoffice
from pressdocs.builtin.parse_docx import DocxParser
from pressdocs.builtin.parse_legacy import LegacyOfficeParser
from pressdocs.builtin.parse_pdf import PdfParser
from pressdocs.builtin.parse_xlsx import XlsxParser
from pressdocs.capabilities import Content
from pressdocs.errors import ParseError
from pressdocs.extract.statistics import (
    extract_statistics,
    parse_questions,
    parse_speakers,
    split_filer,
)
from pressdocs.extract.tables import split_label_value
from pressdocs.forms import write_statistics_form
from pressdocs.models import Speaker, StatisticsReport, StatisticsRow
from pressdocs.text import format_date_zh
from strategies import statistics_reports

HEADER = ["序号", "时间", "地点", "单位", "参加发布会的媒体单位", "发布主题", "发布人姓名、职务",
          "是否设记者提问、记者提问个数"]


def read(path: Path) -> Content:
    data = path.read_bytes()
    return (XlsxParser() if path.suffix == ".xlsx" else DocxParser()).parse(data, path.name)


# --- cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "expected"), [
    ("是,5个", (True, 5)),
    ("是，5个", (True, 5)),
    ("有 3", (True, 3)),
    ("是（3个）", (True, 3)),
    ("是", (True, None)),
    ("设记者提问，提问3个", (True, 3)),
    ("是，三个", (True, 3)),
    ("5", (True, 5)),
    ("５个", (True, 5)),
    ("否", (False, 0)),
    ("无", (False, 0)),
    ("未设", (False, 0)),
    ("0个", (False, 0)),
    ("", (None, None)),
    ("若干", None),
    ("详见附件", None),
])
def test_questions_cell(written: str, expected: tuple[bool | None, int | None] | None) -> None:
    assert parse_questions(written) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("张三（市财政局局长）、李四 副局长",
     [("张三", "市财政局局长"), ("李四", "副局长")]),
    ("局长张三", [("张三", "局长")]),
    ("张三,局长；李四,副局长", [("张三", "局长"), ("李四", "副局长")]),
    ("张三（党组书记、局长）、王晓东（副区长）",
     [("张三", "党组书记、局长"), ("王晓东", "副区长")]),
    ("张三，党组书记、局长", [("张三", "党组书记、局长")]),
    ("王晓东副局长\n刘秀英管委会副主任", [("王晓东", "副局长"), ("刘秀英", "管委会副主任")]),
    ("市财政局局长王喆", [("王喆", "市财政局局长")]),
    ("张三(局长)", [("张三", "局长")]),
    ("张三、李四", [("张三", ""), ("李四", "")]),
    ("欧阳娜娜 新闻发言人", [("欧阳娜娜", "新闻发言人")]),
    ("", []),
])
def test_speakers_cell(written: str, expected: list[tuple[str, str]]) -> None:
    assert parse_speakers(written) == [Speaker(name, position) for name, position in expected]


@pytest.mark.parametrize(("written", "expected"), [
    ("张三 13905531234", ("张三", "13905531234")),
    ("张三（13905531234）", ("张三", "13905531234")),
    ("张三 （0553）3831234", ("张三", "（0553）3831234")),
    ("王喆 0553-3831234转801", ("王喆", "0553-3831234转801")),
    ("王喆，电话：0553-3831234", ("王喆", "0553-3831234")),
    ("李四 lisi@163.com", ("李四", "lisi@163.com")),
    ("０５５３－３８３１２３４", ("", "０５５３－３８３１２３４")),
    ("张三", ("张三", "")),
])
def test_filer_and_contact_are_split(written: str, expected: tuple[str, str]) -> None:
    assert split_filer(written) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("姓名：张三", ("姓名", "张三")),
    ("举 办 单 位: 市统计局", ("举办单位", "市统计局")),
    ("填表人（联系方式）：赵六 13905531234", ("填表人(联系方式)", "赵六 13905531234")),
    ("张三", None),
    ("时间：3月", None),  # not one of the labels asked for
])
def test_label_and_value_in_one_cell(written: str, expected: tuple[str, str] | None) -> None:
    assert split_label_value(written, {"姓名", "举办单位", "填表人(联系方式)"}) == expected


# --- tables --------------------------------------------------------------------------------------


def test_columns_in_any_order_split_table_blank_and_total_rows(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("2021年新闻发布会统计表")
    document.add_paragraph("填表单位（公章）：鸠江区人民政府　　填表日期：2021年6月30日　　"
                           "填表人（联系方式）：赵六（13905531234）")
    order = [7, 5, 0, 1, 6, 2, 3, 4]  # columns shuffled
    first = document.add_table(rows=4, cols=8)
    second = document.add_table(rows=2, cols=8)
    rows = [
        ["1", "3月15日", "区政府第一会议室", "鸠江区人民政府", "大江晚报、安徽日报",
         "优化营商环境", "张三（副区长）", "是，3个"],
        ["", "", "", "", "", "", "", ""],
        ["2", "2021-05-08", "区政府第一会议室", "鸠江区人民政府", "市广播电视台",
         "《物业管理条例》解读", "李四 局长", "否"],
        ["3", "6月1日 上午9:30", "区融媒体中心", "鸠江区人民政府", "中安在线",
         "长江十年禁渔", "王五,副局长；赵六,科长", "有 5"],
        ["合计", "", "", "", "", "", "", "8"],
    ]
    for j, source in enumerate(order):
        first.cell(0, j).text = HEADER[source].replace("序号", "序 号")
        for i, values in enumerate(rows):
            table = first if i < 3 else second
            table.cell(i + 1 if i < 3 else i - 3, j).text = values[source]
    document.save(str(tmp_path / "统计表.docx"))
    report, warnings = extract_statistics(read(tmp_path / "统计表.docx"))

    assert warnings == []
    assert (report.filing_unit, report.filing_date, report.filer, report.filer_contact,
            report.year) == ("鸠江区人民政府", date(2021, 6, 30), "赵六", "13905531234", 2021)
    assert [(r.number, r.held_on, r.held_on_text) for r in report.rows] == [
        (1, date(2021, 3, 15), "3月15日"), (2, date(2021, 5, 8), "2021-05-08"),
        (3, date(2021, 6, 1), "6月1日 上午9:30")]
    assert [r.speakers for r in report.rows] == [
        [Speaker("张三", "副区长")], [Speaker("李四", "局长")],
        [Speaker("王五", "副局长"), Speaker("赵六", "科长")]]
    assert [(r.questions_allowed, r.question_count) for r in report.rows] == [
        (True, 3), (False, 0), (True, 5)]
    assert report.rows[0].media == ["大江晚报", "安徽日报"]


def test_excel_with_a_two_row_header_and_real_dates() -> None:
    # The parser tests' workbook: 是否设提问 | 提问个数 under one merged label.
    report, warnings = extract_statistics(XlsxParser().parse(statistics_xlsx(), "统计表.xlsx"))
    assert [(r.number, r.held_on, r.questions_allowed, r.question_count)
            for r in report.rows[:2]] == [(1, date(2021, 6, 30), True, 3),
                                          (2, date(2021, 5, 12), False, 0)]
    assert report.rows[0].speakers == [Speaker("张三", "副局长")]
    assert (report.filer, report.filer_contact) == ("赵六", "13905531234")  # another sheet
    assert "统计表序号 3：记者提问个数“2.5”不是整数" in [w.zh for w in warnings]


def test_header_values_in_cells_of_their_own(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["2022年新闻发布会统计表"])
    sheet.append(["填表单位(公章)", "三山经济开发区管委会", "填表日期", "2022/12/30", "填表人",
                  "钱七", "联系电话", "0553-5881234"])
    sheet.append(HEADER)
    sheet.append([1, "12月3日", "管委会新闻发布室", "三山经济开发区管委会", "大江晚报",
                  "营商环境", "钱七（管委会副主任）", 2])
    workbook.save(tmp_path / "统计表.xlsx")
    report, warnings = extract_statistics(read(tmp_path / "统计表.xlsx"))
    assert warnings == []
    assert (report.filing_unit, report.filing_date, report.filer, report.filer_contact) == (
        "三山经济开发区管委会", date(2022, 12, 30), "钱七", "0553-5881234")
    assert report.rows[0].held_on == date(2022, 12, 3)
    assert (report.rows[0].questions_allowed, report.rows[0].question_count) == (True, 2)


def test_unreadable_cells_are_reported_in_chinese() -> None:
    def row(number: str, when: str, topic: str, questions: str) -> list[str | None]:
        return [number, when, "会议室", "鸠江区人民政府", "大江晚报", topic, "张三（局长）",
                questions]

    table: list[list[str | None]] = [
        [*HEADER], row("1", "2021年2月30日", "营商环境", "若干"), row("2", "", "", "否"),
        row("3", "三月中旬", "乡村振兴", "是"), row("4", "2021111日", "乡村振兴", "是")]
    report, warnings = extract_statistics(Content(media_type="text/html", tables=[table]),
                                          year=2021)
    assert [r.held_on for r in report.rows] == [None, None, None, None]
    assert report.rows[0].questions_allowed is None
    assert [w.zh for w in warnings] == [
        "统计表序号 1：时间“2021年2月30日”无法识别为日期（2021年2月30日不是有效日期）",
        "统计表序号 1：是否设记者提问“若干”无法识别（应写“是，3个”或“否”）",
        "统计表序号 2：时间为空",
        "统计表序号 2：发布主题为空",
        "统计表序号 3：时间“三月中旬”无法识别为日期",
        "统计表序号 4：时间“2021111日”无法识别为日期"
        "（“2021111日”有歧义，可能是2021年1月11日或2021年11月1日）",
    ]


def test_a_date_without_a_year_needs_one_from_somewhere() -> None:
    table: list[list[str | None]] = [
        [*HEADER], ["1", "6月3日", "会议室", "鸠江区人民政府", "大江晚报", "营商环境", "张三（局长）", "否"]]
    content = Content(media_type="text/html", tables=[table])
    report, warnings = extract_statistics(content)
    assert report.rows[0].held_on is None
    assert [w.zh for w in warnings] == ["统计表序号 1：时间“6月3日”无法识别为日期（“6月3日”没有写年份）"]
    content.paragraphs = ["填表单位：鸠江区人民政府  填表日期：2022年12月30日"]
    report, warnings = extract_statistics(content)
    assert (report.rows[0].held_on, report.year, warnings) == (date(2022, 6, 3), 2022, [])


def test_no_statistics_table_is_a_clear_error() -> None:
    content = Content(media_type="text/plain", paragraphs=["关于报送新闻发布会材料的函"])
    with pytest.raises(ParseError) as caught:
        extract_statistics(content, source="函.docx")
    assert "未找到新闻发布会统计表" in str(caught.value) and caught.value.file == "函.docx"


# --- filled forms read back ----------------------------------------------------------------------


def title_year(report: StatisticsReport) -> int:
    """The year written in the form's title for ``report``."""
    if report.year is not None:
        return report.year
    if report.filing_date is not None:
        return report.filing_date.year
    return report.rows[0].held_on.year if report.rows and report.rows[0].held_on else 2021


def as_written(report: StatisticsReport, year: int) -> StatisticsReport:
    """What a filled statistics form holds (see :mod:`pressdocs.forms`): the title's year,
    a date as its text, and one cell for 是否设记者提问 and the count."""
    expected = copy.deepcopy(report)
    expected.year = year
    for row in expected.rows:
        if not row.held_on_text and row.held_on is not None:
            row.held_on_text = format_date_zh(row.held_on)
        if row.questions_allowed is False:
            row.question_count = 0
        elif row.questions_allowed is None and row.question_count is not None:
            row.questions_allowed = row.question_count > 0
    return expected


FILLED = StatisticsReport(
    filing_unit="鸠江区人民政府", filing_date=date(2021, 6, 30), filer="王喆",
    filer_contact="0553-3831234转801", year=2021, rows=[
        StatisticsRow(1, date(2021, 3, 15), "2021年3月15日", "区政府三楼第一会议室", "鸠江区人民政府",
                      ["新华社安徽分社", "安徽日报", "大江晚报", "市广播电视台"],
                      "2021年优化营商环境工作情况新闻发布会",
                      [Speaker("张三", "党组书记、局长"), Speaker("李四", "副区长")], True, 5),
        StatisticsRow(2, date(2021, 5, 8), "5月8日", "市政府新闻发布厅", "鸠江区人民政府",
                      ["大江晚报"], "《物业管理条例》政策解读", [Speaker("朱镕", "新闻发言人")],
                      False, None),
        StatisticsRow(3, date(2021, 6, 1), "", "开发区管委会新闻发布室", "鸠江区人民政府",
                      ["中安在线", "传媒集团"], "“乡村振兴”专项行动进展情况",
                      [Speaker("刘秀英", "管委会副主任")], None, 2),
    ])


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_filled_statistics_form_reads_back_the_same(tmp_path: Path, suffix: str) -> None:
    path = write_statistics_form(tmp_path / f"统计表{suffix}", FILLED)
    content = read(path)
    cells = [c for t in content.tables for r in t for c in r if c]
    assert "张三（党组书记、局长）、李四（副区长）" in cells and "是，5个" in cells
    assert "2021年6月1日" in cells  # a date without its text written the GB/T 9704 way
    assert extract_statistics(content) == (as_written(FILLED, 2021), [])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=statistics_reports(max_rows=5), suffix=st.sampled_from([".docx", ".xlsx"]))
def test_any_filled_statistics_reads_back(tmp_path_factory: pytest.TempPathFactory,
                                          report: StatisticsReport, suffix: str) -> None:
    year = title_year(report)
    path = write_statistics_form(tmp_path_factory.mktemp("stat") / f"统计表{suffix}", report,
                                 year=year)
    assert extract_statistics(read(path)) == (as_written(report, year), [])


@settings(max_examples=25, deadline=None)
@given(report=statistics_reports(max_rows=5))
def test_any_report_with_one_row_per_line(report: StatisticsReport) -> None:
    """Rows as a PDF gives them when no cell wraps: one line each, cells between spaces."""
    from pressdocs.forms.layout import statistics_header, statistics_row

    year = title_year(report)
    lines = [f"{year}年芜湖市新闻发布会统计表", "  ".join(statistics_header(report)),
             " ".join(HEADER), *(" ".join(statistics_row(row)) for row in report.rows)]
    extracted, warnings = extract_statistics(Content(media_type="application/pdf",
                                                     paragraphs=lines))
    assert (extracted, warnings) == (as_written(report, year), [])


# --- through LibreOffice: .doc, .xls and PDF --------------------------------------------------------

needs_soffice = pytest.mark.skipif(libreoffice.find_soffice() is None,
                                   reason="LibreOffice (soffice) is not installed")

#: Short values, so that no cell wraps when printed: PDF text keeps no table, and a
#: wrapped cell's lines cannot be told apart from its neighbours'.
SHORT = StatisticsReport(
    filing_unit="鸠江区人民政府", filing_date=date(2021, 6, 30), filer="王喆",
    filer_contact="13905531234", year=2021, rows=[
        StatisticsRow(1, date(2021, 3, 15), "3月15日", "区政府会议室", "鸠江区政府",
                      ["大江晚报", "安徽日报"], "优化营商环境", [Speaker("张三", "副区长")], True, 5),
        StatisticsRow(2, date(2021, 5, 8), "5月8日", "市政府新闻发布厅", "鸠江区政府",
                      ["大江晚报"], "物业管理条例解读", [Speaker("朱镕", "局长")], False, 0),
        StatisticsRow(3, date(2021, 6, 1), "6月1日", "区政府会议室", "鸠江区政府",
                      ["中安在线"], "乡村振兴", [Speaker("刘秀英", "主任")], True, 3),
    ])


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The filled forms as units send them: .doc and .xls saved by LibreOffice, and a
    PDF printed from Word's .docx."""
    folder = tmp_path_factory.mktemp("stat-lo")
    docx_bytes = write_statistics_form(folder / "统计表.docx", FILLED).read_bytes()
    xlsx_bytes = write_statistics_form(folder / "统计表.xlsx", FILLED).read_bytes()
    short_docx = write_statistics_form(folder / "short.docx", SHORT).read_bytes()
    return {
        "doc": libreoffice.convert(docx_bytes, suffix=".docx", target="doc"),
        "xls": libreoffice.convert(xlsx_bytes, suffix=".xlsx", target="xls"),
        "pdf": libreoffice.convert(short_docx, suffix=".docx", target="pdf"),
    }


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("kind", ["doc", "xls"])
def test_legacy_office_formats_read_back(converted: dict[str, bytes], kind: str) -> None:
    content = LegacyOfficeParser().parse(converted[kind], f"统计表.{kind}")
    assert extract_statistics(content) == (as_written(FILLED, 2021), [])


@needs_soffice
@pytest.mark.slow
def test_pdf_reads_back_when_no_cell_wraps(converted: dict[str, bytes]) -> None:
    content = PdfParser().parse(converted["pdf"], "统计表.pdf")
    assert len(content.tables) == 1  # the table, recovered from the page's ruling lines
    assert extract_statistics(content) == (as_written(SHORT, 2021), [])
