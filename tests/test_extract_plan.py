"""附件1: the annual plan read from the notice itself, Word, Excel, HTML, PDF and text."""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED
from docfixtures import split_table_docx
from pressdocs import _libreoffice as libreoffice
from pressdocs.builtin.parse_docx import DocxParser
from pressdocs.builtin.parse_pdf import PdfParser
from pressdocs.builtin.parse_text import HtmlParser, TextParser
from pressdocs.builtin.parse_xlsx import XlsxParser
from pressdocs.capabilities import Content
from pressdocs.errors import ParseError
from pressdocs.extract.plan import extract_plan
from pressdocs.forms import write_plan_form
from pressdocs.models import Plan, PlanItem
from strategies import plans

SPAM = "365bet官网注册_o365邮箱_365bet官方网址"


def read(path: Path) -> Content:
    data = path.read_bytes()
    return (XlsxParser() if path.suffix == ".xlsx" else DocxParser()).parse(data, path.name)


def save_docx(document: object, path: Path) -> Content:
    document.save(str(path))  # type: ignore[attr-defined]
    return read(path)


# --- the notice itself ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_plan() -> tuple[Plan, list[str]]:
    seed = SEED
    lines = seed.read_text(encoding="utf-8").splitlines()
    return extract_plan(Content(media_type="text/plain", paragraphs=lines), year=None,
                        source=seed.name)


def test_seed_gives_all_74_items(seed_plan: tuple[Plan, list[str]]) -> None:
    plan, warnings = seed_plan
    assert warnings == []
    assert plan.year == 2021  # from the title "2021年…计划安排"
    assert plan.title == f"2021年{SPAM}市新闻发布会计划安排"
    assert plan.source == SEED.name
    assert [item.number for item in plan.items] == list(range(1, 75))
    assert [item.month for item in plan.items] == sorted(item.month for item in plan.items)
    assert all(item.year == 2021 and item.venue and item.topic and item.units
               for item in plan.items)
    first = plan.items[0]
    assert (first.venue, first.month, first.topic, first.units) == (
        "市政府新闻发布厅", 1, "2020年全市经济运行情况", ["市统计局"])


def test_seed_row_10_has_two_units(seed_plan: tuple[Plan, list[str]]) -> None:
    assert seed_plan[0].items[9].units == ["市财政局", "市农业农村局"]


def test_seed_row_40_month_without_yue(seed_plan: tuple[Plan, list[str]]) -> None:
    row = seed_plan[0].items[39]
    assert (row.number, row.month, row.topic) == (40, 9, "关于加强土地节约集约利用工作")


def test_seed_row_50_topic_joined_across_its_line_break(
        seed_plan: tuple[Plan, list[str]]) -> None:
    row = seed_plan[0].items[49]
    assert row.topic == f"{SPAM}市“十四五”科技创新发展规划解读"  # spam kept as written
    assert (row.month, row.units) == (10, ["市科技局"])
    assert seed_plan[0].items[50].topic == "推进城乡供水一体化建设情况"


def test_seed_quotes_and_brackets_kept(seed_plan: tuple[Plan, list[str]]) -> None:
    topics = [item.topic for item in seed_plan[0].items]
    assert "2021年“3·15”国际消费者权益保护日系列活动" in topics
    assert f"《{SPAM}市城市建设档案管理办法》(修订)解读" in topics
    assert "轨道交通1、2号线一期绿化提升工程" in topics  # a 、 inside a topic does not split it


def test_seed_through_the_text_parser() -> None:
    seed = SEED
    plan, warnings = extract_plan(TextParser().parse(seed.read_bytes(), seed.name),
                                  year=2021)
    assert len(plan.items) == 74 and warnings == []


def test_given_year_wins_over_the_title(seed_plan: tuple[Plan, list[str]]) -> None:
    seed = SEED
    lines = seed.read_text(encoding="utf-8").splitlines()
    plan, _ = extract_plan(Content(media_type="text/plain", paragraphs=lines), year=2022)
    assert plan.year == 2022 and {item.year for item in plan.items} == {2022}


# --- tables ------------------------------------------------------------------------------------


def test_table_in_any_column_order_with_merged_cells_and_blank_rows(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("附件1")
    table = document.add_table(rows=7, cols=5)
    title = table.cell(0, 0).merge(table.cell(0, 4))
    title.text = "2023年新闻发布会计划安排"
    for j, label in enumerate(["责任\n单位", "发布主题", "时 间", "序 号", "地　点"]):
        table.cell(1, j).text = label
    rows = [
        ("市统计局", "全市经济运行情况", "3月", "1", "市政府新闻发布厅"),
        ("市财政局、\n市农业农村局", "特色农业保险", None, "2", "市政府新闻发布厅"),
        ("", "", "", "", ""),
        ("市教育局", "义务教育招生政策", "", "3", "市企业服务中心"),
    ]
    for i, values in enumerate(rows, start=2):
        for j, value in enumerate(values):
            if value is not None:
                table.cell(i, j).text = value
    table.cell(2, 2).merge(table.cell(3, 2))  # 3月 spans rows 1 and 2
    table.cell(5, 2).text = "4月中旬"
    table.cell(6, 0).merge(table.cell(6, 4)).text = "说明：各责任单位可以适当调整时间"
    plan, warnings = extract_plan(save_docx(document, tmp_path / "plan.docx"))

    assert warnings == []
    assert plan.year == 2023 and plan.title == "2023年新闻发布会计划安排"
    assert plan.items == [
        PlanItem(1, "市政府新闻发布厅", 3, "全市经济运行情况", ["市统计局"], 2023),
        PlanItem(2, "市政府新闻发布厅", 3, "特色农业保险", ["市财政局", "市农业农村局"], 2023),
        PlanItem(3, "市企业服务中心", 4, "义务教育招生政策", ["市教育局"], 2023),
    ]


def test_table_split_across_pages_is_joined(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("2021年新闻发布会计划安排")
    first = document.add_table(rows=2, cols=5)
    for j, label in enumerate(["序号", "地点", "时间", "发布主题", "责任单位"]):
        first.cell(0, j).text = label
    for j, value in enumerate(["1", "市政府新闻发布厅", "1月", "经济运行情况", "市统计局"]):
        first.cell(1, j).text = value
    document.add_paragraph("")
    second = document.add_table(rows=2, cols=5)
    for i, values in enumerate([["2", "市公安局会议室", "2月", "社会治安情况", "市公安局"],
                                ["3", "市政府新闻发布厅", "3月", "城市更新", "市住建局"]]):
        for j, value in enumerate(values):
            second.cell(i, j).text = value
    plan, warnings = extract_plan(save_docx(document, tmp_path / "plan.docx"))
    assert warnings == []
    assert [(i.number, i.month, i.units) for i in plan.items] == [
        (1, 1, ["市统计局"]), (2, 2, ["市公安局"]), (3, 3, ["市住建局"])]


def test_rows_without_a_month_are_left_out_with_a_warning() -> None:
    # The parser tests' split table: its rows name no 时间.
    plan, warnings = extract_plan(DocxParser().parse(split_table_docx(), "split.docx"))
    assert plan.year == 2021 and plan.items == []
    assert [w.zh for w in warnings] == [f"计划安排序号 {n}：时间为空，无法识别为月份，此行未导入" for n in (1, 2, 3, 4)]


def test_unreadable_rows_are_reported_in_chinese(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["2021年市直单位新闻发布会计划安排"])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "时间", "地点", "发布主题", "责任单位"])
    sheet.append([1, "3月", "市政府新闻发布厅", "优化营商环境", "市发改委"])
    sheet.append([2, "待定", "市政府新闻发布厅", "文明城市创建", "市文明办"])
    sheet.append(["三", "十二月", "市民服务中心", "", ""])
    sheet.append([2, "5月", "市政府新闻发布厅", "乡村振兴", "市农业农村局"])
    sheet.append(["说明：各责任单位可以适当调整新闻发布会时间"])  # typed into A, not merged
    workbook.save(tmp_path / "plan.xlsx")
    plan, warnings = extract_plan(read(tmp_path / "plan.xlsx"))

    assert [(i.number, i.month) for i in plan.items] == [(1, 3), (2, 12), (2, 5)]
    assert [w.zh for w in warnings] == [
        "计划安排序号 2：时间“待定”，无法识别为月份，此行未导入",
        "序号“三”不是数字，按顺序记为 2",
        "计划安排序号 2：发布主题为空",
        "计划安排序号 2：责任单位为空",
        "序号 2 出现了不止一次，请核对计划安排",
    ]


def test_html_table_with_rowspan() -> None:
    html = """<html><body><p>2021年新闻发布会计划安排</p><table>
      <tr><th>序 号</th><th>责任单位</th><th>时间</th><th>发布主题</th><th>地点</th></tr>
      <tr><td>1</td><td>市统计局</td><td rowspan="2">3月</td><td>经济运行</td>
          <td>市政府新闻发布厅</td></tr>
      <tr><td>2</td><td>市财政局、市农业农村局</td><td>农业保险</td><td>市政府新闻发布厅</td></tr>
    </table></body></html>"""
    plan, warnings = extract_plan(HtmlParser().parse(html.encode(), "plan.html"))
    assert warnings == []
    assert [(i.number, i.month, i.units) for i in plan.items] == [
        (1, 3, ["市统计局"]), (2, 3, ["市财政局", "市农业农村局"])]


def test_rows_on_one_line_each() -> None:
    lines = [
        "2021年新闻发布会计划安排",
        "序号 地点 时间 发布主题 责任单位",
        "1 市政府新闻发布厅 1 月 2020 年全市经济运行情况 市统计局",
        "2 市企业服务中心 3月 关于支持民营企业改革发展的若干措施 市经信局",
        "3 市政府新闻发布厅 9 推进特色农业保险 市财政局、市农业农村局",
        "说明：各责任单位可以适当调整新闻发布会时间",
    ]
    plan, warnings = extract_plan(Content(media_type="application/pdf", paragraphs=lines))
    assert warnings == []
    assert plan.items == [
        PlanItem(1, "市政府新闻发布厅", 1, "2020年全市经济运行情况", ["市统计局"], 2021),
        PlanItem(2, "市企业服务中心", 3, "关于支持民营企业改革发展的若干措施", ["市经信局"], 2021),
        PlanItem(3, "市政府新闻发布厅", 9, "推进特色农业保险", ["市财政局", "市农业农村局"], 2021),
    ]


def test_year_from_the_file_name_when_the_title_has_none() -> None:
    lines = ["新闻发布会计划安排", "序号", "地点", "时间", "发布主题", "责任单位",
             "1", "市政府新闻发布厅", "5月", "教育服务综合改革", "市教育局"]
    plan, _ = extract_plan(Content(media_type="text/plain", paragraphs=lines),
                           source="附件1：2024年新闻发布会计划安排.txt")
    assert plan.year == 2024 and len(plan.items) == 1


def test_no_year_at_all_is_a_clear_error() -> None:
    lines = ["新闻发布会计划安排", "序号", "地点", "时间", "发布主题", "责任单位",
             "1", "市政府新闻发布厅", "5月", "教育服务综合改革", "市教育局"]
    with pytest.raises(ParseError) as caught:
        extract_plan(Content(media_type="text/plain", paragraphs=lines), source="计划.txt")
    assert "无法确定计划安排的年份" in str(caught.value) and caught.value.file == "计划.txt"


def test_no_plan_table_is_a_clear_error() -> None:
    content = Content(media_type="text/plain", paragraphs=["关于报送新闻发布会材料的函", "各单位："])
    with pytest.raises(ParseError) as caught:
        extract_plan(content, year=2021, source="函.docx")
    assert "未找到计划安排表" in str(caught.value) and caught.value.file == "函.docx"


# --- filled forms read back ----------------------------------------------------------------------


def as_written(plan: Plan, source: str) -> Plan:
    """What a filled plan form holds: the standard title when the plan has none, each
    item's year the plan's unless written."""
    expected = copy.deepcopy(plan)
    expected.title = plan.title or f"{plan.year}年芜湖市新闻发布会计划安排"
    expected.source = source
    for item in expected.items:
        item.year = item.year or plan.year
    return expected


def test_filled_plan_form_reads_back_the_same(tmp_path: Path) -> None:
    plan = Plan(year=2021, items=[
        PlanItem(1, "市政府新闻发布厅", 1, "2020年全市经济运行情况", ["市统计局"]),
        PlanItem(2, "市政府新闻发布厅", 3, "推进特色农业保险高质量发展情况",
                 ["市财政局", "市农业农村局"]),
        PlanItem(3, "市公安局会议室", 12, f"2021年度{SPAM}市社会治安情况", ["市公安局"]),
        PlanItem(4, "市企业服务中心", 1, "“十四五”工业信息化发展规划", ["市经信局"], year=2022),
    ])
    for suffix in (".docx", ".xlsx"):
        path = write_plan_form(tmp_path / f"计划安排{suffix}", plan)
        assert extract_plan(read(path), source=path.name) == (as_written(plan, path.name), [])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans(max_items=8), suffix=st.sampled_from([".docx", ".xlsx"]))
def test_any_filled_plan_reads_back(tmp_path_factory: pytest.TempPathFactory, plan: Plan,
                                    suffix: str) -> None:
    path = write_plan_form(tmp_path_factory.mktemp("plan") / f"计划安排{suffix}", plan)
    extracted, warnings = extract_plan(read(path), year=None, source=path.name)
    assert warnings == []
    assert extracted == as_written(plan, path.name)


@settings(max_examples=25, deadline=None)
@given(plan=plans(max_items=8), data=st.data())
def test_any_plan_laid_out_like_the_notices_text(plan: Plan, data: st.DataObject) -> None:
    """One value per line with blank lines between, as in the notice's web copy; some
    topics broken over two lines where a Chinese character meets the break."""
    lines = [f"{plan.year}年芜湖市新闻发布会计划安排", "", "芜湖市", ""]
    lines += [x for label in ("序号", "地点", "时间", "发布主题", "责任单位") for x in (label, "")]
    for item in plan.items:
        topic = [item.topic]
        breaks = [i for i in range(1, len(item.topic))
                  if not (item.topic[i - 1].isascii() and item.topic[i].isascii())]
        wrapped: bool = data.draw(st.booleans())
        if breaks and wrapped:
            cut = data.draw(st.sampled_from(breaks))
            topic = [item.topic[:cut], item.topic[cut:]]
        values = [str(item.number), item.venue, f"{item.month}月", *topic, "、".join(item.units)]
        lines += [x for value in values for x in (value, "")]
    lines.append("说明：各责任单位根据工作推进情况，可以适当调整新闻发布会时间。")
    extracted, warnings = extract_plan(Content(media_type="text/plain", paragraphs=lines))
    assert warnings == []
    assert extracted.items == as_written(plan, "").items


# --- through LibreOffice -------------------------------------------------------------------------

needs_soffice = pytest.mark.skipif(libreoffice.find_soffice() is None,
                                   reason="LibreOffice (soffice) is not installed")

SHORT_PLAN = Plan(year=2021, items=[
    PlanItem(1, "市政府新闻发布厅", 1, "全市经济运行情况", ["市统计局"]),
    PlanItem(2, "市公安局会议室", 3, "社会治安情况", ["市公安局"]),
    PlanItem(3, "市政府新闻发布厅", 10, "农业保险", ["市财政局", "市农业农村局"]),
])


@pytest.fixture(scope="session")
def plan_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = write_plan_form(tmp_path_factory.mktemp("plan-pdf") / "计划安排.docx", SHORT_PLAN)
    return libreoffice.convert(path.read_bytes(), suffix=".docx", target="pdf")


@needs_soffice
def test_plan_printed_to_pdf_reads_back(plan_pdf: bytes) -> None:
    plan, warnings = extract_plan(PdfParser().parse(plan_pdf, "计划安排.pdf"))
    assert warnings == []
    assert plan.year == 2021
    assert plan.items == as_written(SHORT_PLAN, "").items
