"""The blank forms (附件1/2/3) look like the notice's, and filled ones read back the same."""

from __future__ import annotations

import copy
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
from docx.enum.section import WD_ORIENT

from pressdocs.builtin.parse_docx import DocxParser
from pressdocs.builtin.parse_xlsx import XlsxParser
from pressdocs.capabilities import Content
from pressdocs.config import Config, Deadlines, MaterialsRules
from pressdocs.errors import ExportError
from pressdocs.extract.plan import extract_plan
from pressdocs.extract.registration import extract_registration
from pressdocs.extract.statistics import extract_statistics
from pressdocs.forms import write_plan_form, write_registration_form, write_statistics_form
from pressdocs.models import Person, Registration

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATISTICS_HEADER = ["序号", "时间", "地点", "单位", "参加发布会的媒体单位", "发布主题",
                     "发布人姓名、职务", "是否设记者提问、记者提问个数"]
PLAN_HEADER = ["序号", "地点", "时间", "发布主题", "责任单位"]

#: A city that configured other limits than the notice's: every number printed on the
#: form must follow it.
OTHER_CITY = Config(
    city="马鞍山市",
    office_mailbox="masxwb@126.com",
    materials=MaterialsRules(press_release_max_chars=1500, min_questions=3,
                             answer_max_chars=600, pictures=4, max_videos=2),
    deadlines=Deadlines(materials_days_before=2),
)


def read(path: Path) -> Content:
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        return XlsxParser().parse(data, path.name)
    return DocxParser().parse(data, path.name)


def filled_registration() -> Registration:
    return Registration(
        title="2021年一季度全市经济运行情况新闻发布会",
        organiser="市统计局",
        person_in_charge=Person(name="王喆", phone="0553-3831234转801", position="副局长"),
        content="通报一季度全市经济运行情况\n解读《关于促进经济高质量发展的若干政策》",
        time=datetime(2021, 4, 20, 9, 30, tzinfo=SHANGHAI),
        venue="市政府新闻发布厅",
        guests=["副市长张三", "市政府副秘书长李四"],
        media=["大江晚报", "市广播电视台", "新华社安徽分社"],
        approval_opinion="同意召开。",
        approval_date=date(2021, 4, 15),
        remarks="发布材料另行报送",
        filing_unit="市统计局",
        filing_date=date(2021, 4, 14),
    )


# --- 附件2 -------------------------------------------------------------------------------------


def test_blank_registration_form_is_laid_out_like_the_notice(tmp_path: Path) -> None:
    content = read(write_registration_form(tmp_path / "登记表.docx"))

    assert content.paragraphs[:2] == ["附件2", "芜湖市新闻发布会登记表"]
    assert "填报单位：" in content.paragraphs[2] and "填表时间：" in content.paragraphs[2]
    [table] = content.tables
    labels = [row[0] for row in table]
    assert labels == ["新闻发布会全称", "举办单位", "负责人", None, None,
                      "新闻发布会内容（可以附附件）", "举办时间", "举办地点",
                      "拟邀请领导及来宾名单", "拟邀请新闻单位名单", "审批意见", "备注"]
    # 负责人 spans three rows with its own sub-labels; other values span two columns.
    assert [row[1] for row in table[2:5]] == ["姓名", "电话", "职务"]
    assert table[0] == ["新闻发布会全称", "", None]
    requirements = table[5][1]
    assert requirements is not None
    assert requirements.splitlines() == [
        "1. 提供新闻发布稿电子版（原则上不超过1200字）。",
        "2. 至少提供2个提问问题供参考（附回答内容，每个回答不超过500字）。",
        "3. 提供与发布内容相关的图片3张、视频（备选）1个。",
        "4. 上述内容于发布会召开前1天打包发送至邮箱：whxwtg@163.com",
    ]
    assert table[10][1] == "年\u3000\u3000月\u3000\u3000日(公章)"


def test_registration_form_prints_the_configured_city_and_limits(tmp_path: Path) -> None:
    content = read(write_registration_form(tmp_path / "登记表.docx", config=OTHER_CITY))

    assert content.paragraphs[1] == "马鞍山市新闻发布会登记表"
    printed = content.tables[0][5][1] or ""
    for expected in ("不超过1500字", "至少提供3个提问问题", "每个回答不超过600字", "图片4张",
                     "视频（备选）2个", "召开前2天", "masxwb@126.com"):
        assert expected in printed
    for default in ("不超过1200字", "不超过500字", "whxwtg@163.com"):
        assert default not in printed


def test_explicit_city_wins_over_configuration(tmp_path: Path) -> None:
    content = read(write_registration_form(tmp_path / "登记表.docx", city="宣城市",
                                           config=OTHER_CITY))
    assert content.paragraphs[1] == "宣城市新闻发布会登记表"


def test_blank_registration_form_reads_back_empty(tmp_path: Path) -> None:
    content = read(write_registration_form(tmp_path / "登记表.docx"))
    registration, _ = extract_registration(content, tz=SHANGHAI)
    assert registration == Registration()


def test_filled_registration_form_reads_back_the_same(tmp_path: Path) -> None:
    original = filled_registration()
    content = read(write_registration_form(tmp_path / "登记表.docx", original))

    table = content.tables[0]
    assert table[6][1] == "2021年4月20日 9:30"  # 举办时间 as people write it
    assert table[8][1] == "副市长张三、市政府副秘书长李四"
    assert (table[10][1] or "").splitlines() == ["同意召开。", "2021年4月15日(公章)"]
    registration, warnings = extract_registration(content, tz=SHANGHAI)
    assert warnings == []
    expected = copy.deepcopy(original)
    expected.time_text = "2021年4月20日 9:30"
    assert registration == expected


# --- 附件3 and 附件1 ----------------------------------------------------------------------------


def test_blank_statistics_docx_is_laid_out_like_the_notice(tmp_path: Path) -> None:
    path = write_statistics_form(tmp_path / "统计表.docx", year=2021)
    content = read(path)

    assert content.paragraphs[:2] == ["附件3", "2021年芜湖市新闻发布会统计表"]
    header_line = content.paragraphs[2]
    for label in ("填表单位(公章)：", "填表日期：", "填表人(联系方式)："):
        assert label in header_line
    [table] = content.tables
    assert table[0] == STATISTICS_HEADER
    assert len(table) == 11 and all(cell == "" for row in table[1:] for cell in row)
    document = docx.Document(str(path))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width is not None and section.page_height is not None
    assert section.page_width > section.page_height
    # The header row repeats on every page of a long table.
    assert document.tables[0].rows[0]._tr.xpath("./w:trPr/w:tblHeader")


def test_blank_statistics_form_without_a_year_leaves_it_for_the_hand(tmp_path: Path) -> None:
    content = read(write_statistics_form(tmp_path / "统计表.docx"))
    assert content.paragraphs[1] == "年芜湖市新闻发布会统计表"  # the blank before 年 trimmed
    report, warnings = extract_statistics(content)
    assert report.rows == [] and report.year is None and warnings == []


def test_blank_statistics_xlsx_is_laid_out_like_the_notice(tmp_path: Path) -> None:
    path = write_statistics_form(tmp_path / "统计表.xlsx", year=2021, city="马鞍山市")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    assert sheet["A1"].value == "附件3"
    assert sheet["A2"].value == "2021年马鞍山市新闻发布会统计表"
    assert "A2:H2" in {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet.cell(4, j).value for j in range(1, 9)] == STATISTICS_HEADER
    assert sheet.print_title_rows == "$4:$4"
    report, warnings = extract_statistics(read(path))
    assert report.year == 2021 and report.rows == [] and warnings == []


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_blank_plan_form(tmp_path: Path, suffix: str) -> None:
    content = read(write_plan_form(tmp_path / f"计划安排{suffix}", year=2022))
    lines = [*content.paragraphs, *(c for t in content.tables for r in t for c in r if c)]
    assert "附件1" in lines and "2022年芜湖市新闻发布会计划安排" in lines
    assert any(line.startswith("说明：各责任单位根据工作推进情况") for line in lines)
    assert any(row == PLAN_HEADER for table in content.tables for row in table)
    plan, warnings = extract_plan(content)
    assert plan.year == 2022 and plan.items == [] and warnings == []


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("writer", "name", "allowed"), [
    (write_registration_form, "登记表.xlsx", ".docx"),
    (write_statistics_form, "统计表.pdf", ".docx、.xlsx"),
    (write_plan_form, "计划安排", ".docx、.xlsx"),
])
def test_unsupported_format_is_a_clear_error(tmp_path: Path, writer: object, name: str,
                                             allowed: str) -> None:
    with pytest.raises(ExportError) as caught:
        writer(tmp_path / name)  # type: ignore[operator]
    assert "不支持的文件格式" in str(caught.value) and allowed in str(caught.value)
    assert caught.value.file == str(tmp_path / name)
    assert not (tmp_path / name).exists()


def test_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "不存在的目录" / "统计表.xlsx"
    with pytest.raises(ExportError) as caught:
        write_statistics_form(target, year=2021)
    assert "无法写入文件" in str(caught.value) and caught.value.file == str(target)
