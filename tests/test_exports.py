"""The exports of the statistics table (附件3), the plan's status and the submissions
register, from a store built by taking mail in (tests/exports_support.py).

The xlsx files are opened by a real spreadsheet program: LibreOffice headless converts
them to CSV (every sheet) and to PDF, in one call each, and the tests read what it shows.
附件3 is compared cell by cell with the blank form pressdocs writes for units to fill in.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pdfplumber
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openpyxl.worksheet.worksheet import Worksheet
from referencing import Registry, Resource

from docfixtures import SOFFICE
from exports_support import DISTRICT_ROWS, FORMULA_SUBJECT, FORMULA_TOPIC, build_office
from pressdocs import (
    ExportError,
    PlanStatusReport,
    Pressdocs,
    StatisticsSource,
    StatisticsTable,
    SubmissionsRegister,
)
from pressdocs._xlsx_export import FLAG_FILL
from pressdocs.config import Config
from pressdocs.forms import write_statistics_form

TOP_LEVEL_SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
AS_OF = date(2021, 7, 1)
STATISTICS_BUREAU, LABOUR_BUREAU, DISTRICT = "市统计局", "市人社局", "鸠江区人民政府"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_office(tmp_path_factory.mktemp("office"))


def open_office(store: Path, lang: str = "zh") -> Pressdocs:
    return Pressdocs(store=store, config=Config(), lang=lang, load_entry_points=False)


@pytest.fixture(scope="module")
def exported(office: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every report in every format, written once for the module."""
    out = tmp_path_factory.mktemp("exported")
    written = {}
    with open_office(office) as pd:
        stats = pd.statistics_table("2021H1", as_of=AS_OF)
        plan = pd.plan_status(as_of=AS_OF, year=2021)
        register = pd.submissions_register(year=2021)
        for name, subject in (("stats", stats), ("plan", plan), ("register", register),
                              ("plan-month", dataclasses.replace(plan, sheets="month")),
                              ("plan-unit", dataclasses.replace(plan, sheets="unit"))):
            for fmt in ("xlsx", "csv", "json"):
                written[f"{name}.{fmt}"] = pd.export(subject, out / f"{name}.{fmt}")
    return written


@pytest.fixture(scope="module")
def libreoffice(exported: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
                ) -> dict[str, Any]:
    """LibreOffice's CSV of every sheet (``{file stem}-{sheet}``) and its PDF of each
    workbook: one conversion call per target for all the workbooks."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    work = tmp_path_factory.mktemp("libreoffice")
    books = [str(p) for n, p in exported.items() if n.endswith(".xlsx")]
    profile = f"-env:UserInstallation={(work / 'profile').as_uri()}"
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    for target, folder in ((every_sheet, "csv"), ("pdf", "pdf")):
        subprocess.run([SOFFICE, "--headless", "--norestore", profile, "--convert-to", target,
                        "--outdir", str(work / folder), *books],
                       check=True, capture_output=True, timeout=240)
    # our CSV files opened the way that is most dangerous: formulas evaluated on import
    subprocess.run([SOFFICE, "--headless", "--norestore", profile,
                    "--infilter=CSV:44,34,76,1,,0,false,true,false,false,true",
                    "--convert-to", "xlsx", "--outdir", str(work / "from-csv"),
                    str(exported["stats.csv"]), str(exported["register.csv"])],
                   check=True, capture_output=True, timeout=240)
    sheets = {p.stem: list(csv.reader(io.StringIO(p.read_text("utf-8"))))
              for p in (work / "csv").glob("*.csv")}
    return {"csv": sheets, "pdf": {p.stem: p for p in (work / "pdf").glob("*.pdf")},
            "from-csv": {p.stem: p for p in (work / "from-csv").glob("*.xlsx")}}


def sheet(book: openpyxl.Workbook, title: str) -> Worksheet:
    ws = book[title]
    assert isinstance(ws, Worksheet)
    return ws


# --- the statistics table: built from the store ---------------------------------------------


def test_statistics_table_merges_the_units_tables_with_their_registrations(
        office: Path) -> None:
    with open_office(office) as pd:
        table = pd.statistics_table("2021H1", as_of=AS_OF)
    assert (table.start, table.end) == (date(2020, 12, 31), date(2021, 6, 30))
    units = {u.unit: u for u in table.units}
    assert sorted(units) == sorted([STATISTICS_BUREAU, LABOUR_BUREAU, DISTRICT])
    # 市统计局: its table dates the registered conference a day late, and lists one never
    # registered
    first, second = units[STATISTICS_BUREAU].lines
    assert first.source is StatisticsSource.BOTH and first.materials
    assert [m.zh for m in first.differences] == [
        "时间不一致：统计表为2021年4月16日，登记表为2021年4月15日"]
    assert second.source is StatisticsSource.REPORTED and second.row.topic == FORMULA_TOPIC
    assert [m.key for m in second.differences] == ["export.stats.not_registered"]
    # 市人社局 held one (registered, with materials) and sent no table
    (held,) = units[LABOUR_BUREAU].lines
    assert held.source is StatisticsSource.HELD and units[LABOUR_BUREAU].filed is None
    assert held.row.held_on == date(2021, 3, 31) and held.row.venue == "市政府新闻发布厅"
    assert [m.zh for m in held.differences] == ["已登记2021年3月31日召开，本单位未报送本期统计表"]
    # a district organises its own: its rows are not expected to be registered
    district = units[DISTRICT]
    assert len(district.lines) == DISTRICT_ROWS and not district.flagged
    assert [line.row.held_on for line in district.lines] == sorted(
        line.row.held_on for line in district.lines if line.row.held_on)
    assert table.flagged == 3


def test_statistics_table_per_unit_and_per_half_year(office: Path) -> None:
    with open_office(office) as pd:
        one = pd.statistics_table("2021H1", unit="芜湖市统计局", as_of=AS_OF)
        assert [u.unit for u in one.units] == [STATISTICS_BUREAU]
        # as known before the table arrived: only the registered conference, unreported
        early = pd.statistics_table("2021H1", unit=STATISTICS_BUREAU, as_of=date(2021, 6, 1))
        (line,) = early.units[0].lines
        assert line.source is StatisticsSource.HELD
        assert line.differences[0].key == "export.stats.no_table"
        second = pd.statistics_table("2021h2", as_of=date(2021, 12, 31))
        assert second.period == "2021H2" and second.units == []
        assert (second.start, second.end) == (date(2021, 7, 1), date(2021, 12, 30))
        assert pd.statistics_table(as_of=date(2021, 8, 1)).period == "2021H2"
        with pytest.raises(ExportError) as bad:
            pd.statistics_table("2021上半年")
        assert "2021H1" in str(bad.value) and "2021上半年" in str(bad.value)


# --- 附件3 in Excel: the blank form's layout, cell by cell ----------------------------------


def _layout(ws: Worksheet, rows: range) -> dict[str, Any]:
    """Everything about a sheet's layout that is not a value a unit fills in."""
    cells = {}
    for r in rows:
        for c in range(1, 9):
            cell = ws.cell(r, c)
            cells[cell.coordinate] = (
                cell.font.name, cell.font.sz, cell.font.b, cell.alignment.horizontal,
                cell.alignment.vertical, cell.alignment.wrap_text, cell.border.left.style,
                cell.border.right.style, cell.border.top.style, cell.border.bottom.style)
    return {
        "cells": cells,
        "merged": sorted(str(m) for m in ws.merged_cells.ranges),
        "widths": [ws.column_dimensions[c].width for c in "ABCDEFGH"],
        "heights": {r: ws.row_dimensions[r].height for r in range(1, 5)},
        "paper": (ws.page_setup.paperSize, ws.page_setup.orientation,
                  ws.page_setup.fitToWidth, ws.page_setup.fitToHeight,
                  ws.sheet_properties.pageSetUpPr.fitToPage),
        "print_titles": ws.print_title_rows,
    }


def test_statistics_xlsx_is_the_blank_forms_layout_cell_by_cell(
        exported: dict[str, Path], tmp_path: Path) -> None:
    blank_path = write_statistics_form(tmp_path / "附件3.xlsx", year=2021, city="芜湖市")
    blank = sheet(openpyxl.load_workbook(blank_path), "统计表")
    book = openpyxl.load_workbook(exported["stats.xlsx"])
    assert book.sheetnames == [LABOUR_BUREAU, STATISTICS_BUREAU, DISTRICT, "核对"]
    for title in (LABOUR_BUREAU, STATISTICS_BUREAU, DISTRICT):
        ws = sheet(book, title)
        rows = ws.max_row - 4
        # the title, the header line's places, the column headers: the blank form's
        for ref in ("A1", "A2", *(f"{c}4" for c in "ABCDEFGH")):
            assert ws[ref].value == blank[ref].value, (title, ref)
        assert ws["A2"].value == "2021年芜湖市新闻发布会统计表"
        assert _layout(ws, range(1, 5)) == _layout(blank, range(1, 5)), title
        # every filled row is laid out like the blank form's first row
        row_layout = _layout(blank, range(5, 6))["cells"]
        for r in range(5, 5 + rows):
            filled = _layout(ws, range(r, r + 1))["cells"]
            assert list(filled.values()) == list(row_layout.values()), (title, r)
        assert ws.print_title_rows == "$4:$4"
        assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape")
    tj = sheet(book, STATISTICS_BUREAU)
    assert [tj.cell(3, c).value for c in (1, 4, 6)] == [
        "填表单位(公章)：市统计局", "填表日期：2021年6月30日", "填表人(联系方式)：王五 13905531234"]
    assert [tj.cell(5, c).value for c in range(1, 9)] == [
        1, "2021年4月16日", "市政府新闻发布厅", "市统计局", "芜湖日报、芜湖广播电视台",
        "2021年一季度全市经济运行情况新闻发布会", "张三（局长）", "是，3个"]
    # the unit sent no table: its sheet is the form with its name as filing unit
    rs = sheet(book, LABOUR_BUREAU)
    assert [rs.cell(3, c).value for c in (1, 4, 6)] == [
        "填表单位(公章)：市人社局", "填表日期：", "填表人(联系方式)："]
    assert rs.cell(5, 2).value == "2021年3月31日"


def test_statistics_xlsx_flags_the_differences(exported: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(exported["stats.xlsx"])
    tj = sheet(book, STATISTICS_BUREAU)
    for r in (5, 6):
        assert [tj.cell(r, c).fill.fgColor.rgb for c in range(1, 9)] == [FLAG_FILL.fgColor.rgb] * 8
    assert tj["A5"].comment is not None and "时间不一致" in tj["A5"].comment.text
    assert tj["A6"].comment is not None and "未向市政务公开办登记" in tj["A6"].comment.text
    district = sheet(book, DISTRICT)
    assert all(district.cell(r, 1).fill.fill_type is None and district.cell(r, 1).comment is None
               for r in range(5, 5 + DISTRICT_ROWS))
    check = sheet(book, "核对")
    rows = [[c.value for c in row] for row in check.iter_rows(min_row=2)]
    assert len(rows) == 3 + DISTRICT_ROWS
    assert [STATISTICS_BUREAU, 1, "2021年4月16日", "2021年一季度全市经济运行情况新闻发布会",
            "统计表、登记表", "时间不一致：统计表为2021年4月16日，登记表为2021年4月15日"] in rows
    assert check.freeze_panes == "A2" and check.auto_filter.ref == f"A1:F{len(rows) + 1}"


def test_libreoffice_reads_the_statistics_table(libreoffice: dict[str, Any]) -> None:
    sheets = libreoffice["csv"]
    tj = sheets[f"stats-{STATISTICS_BUREAU}"]
    assert tj[0][0] == "附件3" and tj[1][0] == "2021年芜湖市新闻发布会统计表"
    assert tj[2][0] == "填表单位(公章)：市统计局" and tj[2][3] == "填表日期：2021年6月30日"
    assert tj[3] == ["序号", "时间", "地点", "单位", "参加发布会的媒体单位", "发布主题",
                     "发布人姓名、职务", "是否设记者提问、记者提问个数"]
    # the formula a unit wrote is shown as written, never evaluated
    assert tj[5][5] == FORMULA_TOPIC
    assert len(sheets[f"stats-{DISTRICT}"]) == 4 + DISTRICT_ROWS


def test_libreoffice_prints_the_statistics_table_on_a4_landscape_headers_repeated(
        libreoffice: dict[str, Any]) -> None:
    with pdfplumber.open(libreoffice["pdf"]["stats"]) as pdf:
        sizes = {(round(p.width), round(p.height)) for p in pdf.pages}
        texts = [p.extract_text() or "" for p in pdf.pages]
    assert sizes == {(842, 595)}  # A4 landscape, in points
    district = [t for t in texts if "鸠江区政务服务中心" in t]  # the venue: not on 核对
    assert len(district) >= 2, "the district's rows fit on one page: make them more"
    for page in district:  # the column headers on every page of the sheet
        assert "序号" in page and "发布人姓名、职务" in page
    assert "2021年芜湖市新闻发布会统计表" in texts[0]
    assert "填表单位(公章)：" in texts[0] and "2021年3月31日" in texts[0]


# --- the plan and its status ------------------------------------------------------------------


def test_plan_xlsx_one_sheet_frozen_header_filters(exported: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(exported["plan.xlsx"])
    (ws,) = book.worksheets
    assert ws.title == "2021年计划执行情况"
    assert [c.value for c in ws[1]] == ["序号", "月份", "责任单位", "发布主题", "地点", "状态",
                                        "最迟召开日期", "登记日期", "召开日期", "问题"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:J{ws.max_row}"
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    labour = rows[2]
    assert labour[1:4] == ("3月", "市人社局", "市人才一体化服务平台上线")
    assert labour[5:9] == ("已召开", "2021年4月30日", "2021年3月29日", "2021年3月31日")
    assert "PD101" in labour[9] and "PD203" in labour[9]
    assert rows[1][5] == "逾期未登记" and rows[1][7] is None


def test_plan_xlsx_a_sheet_per_month_or_per_unit(exported: dict[str, Path], office: Path
                                                 ) -> None:
    by_month = openpyxl.load_workbook(exported["plan-month.xlsx"])
    by_unit = openpyxl.load_workbook(exported["plan-unit.xlsx"])
    with open_office(office) as pd:
        report = pd.plan_status(as_of=AS_OF, year=2021)
    months = sorted({s.item.month for s in report.items})
    assert by_month.sheetnames == [f"{m}月" for m in months]
    for ws in by_month.worksheets:
        month = ws.title
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
        assert {r[1] for r in ws.iter_rows(min_row=2, values_only=True)} == {month}
    assert sum(ws.max_row - 1 for ws in by_month.worksheets) == len(report.items)
    assert set(by_unit.sheetnames) == set(report.by_unit())
    labour = sheet(by_unit, LABOUR_BUREAU)
    assert all(LABOUR_BUREAU in r[2] for r in labour.iter_rows(min_row=2, values_only=True))
    with open_office(office) as pd, pytest.raises(ExportError) as bad:
        pd.export(dataclasses.replace(report, sheets="week"), "计划.xlsx")
    assert "week" in str(bad.value) and "month" in str(bad.value)


# --- the submissions register -------------------------------------------------------------------


def test_register_xlsx_lists_every_submission(exported: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(exported["register.xlsx"])
    (ws,) = book.worksheets
    assert ws.title == "收件登记簿" and ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:L9"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 8
    assert rows[0][:7] == ("2021年3月18日 9:00", "市生态环境局", "sthjj@wuhu.gov.cn",
                           "市生态环境局", "生态环境局 发布会图片和视频", "发布材料", "待补正")
    formula = next(r for r in ws.iter_rows(min_row=2) if r[4].value == FORMULA_SUBJECT)
    assert formula[4].data_type == "s" and formula[4].quotePrefix
    assert formula[1].value == "=2+3" and formula[1].data_type == "s"
    labour = next(r for r in rows if r[3] == LABOUR_BUREAU)
    assert labour[7] == "2021年第2项" and "发布稿.docx" in labour[8].splitlines()


def test_libreoffice_reads_the_register_and_the_plan(libreoffice: dict[str, Any]) -> None:
    register = libreoffice["csv"]["register-收件登记簿"]
    assert register[0][:5] == ["收到时间", "发件人", "邮箱地址", "单位", "邮件主题"]
    formula = next(r for r in register if r[2] == "someone@example.com")
    assert formula[1] == "=2+3" and formula[4] == FORMULA_SUBJECT  # shown, not evaluated
    assert any(r[3] == "市统计局" and r[6] == "已受理" for r in register)
    plan = libreoffice["csv"]["plan-2021年计划执行情况"]
    assert plan[0][0] == "序号" and any(r[5] == "已召开" for r in plan)
    assert {f"plan-month-{m}月" for m in (1, 3)} <= set(libreoffice["csv"])
    with pdfplumber.open(libreoffice["pdf"]["register"]) as pdf:
        assert "邮件主题" in (pdf.pages[0].extract_text() or "")


# --- CSV and JSON --------------------------------------------------------------------------------


def test_csv_has_a_bom_and_no_formula(exported: dict[str, Path]) -> None:
    for name in ("stats.csv", "plan.csv", "register.csv"):
        assert exported[name].read_bytes().startswith(b"\xef\xbb\xbf"), name
    stats = list(csv.reader(io.StringIO(exported["stats.csv"].read_text("utf-8-sig"))))
    assert stats[0] == ["填报单位", "序号", "时间", "地点", "单位", "参加发布会的媒体单位",
                        "发布主题", "发布人姓名、职务", "是否设记者提问、记者提问个数", "来源",
                        "差异说明"]
    assert len(stats) == 1 + 3 + DISTRICT_ROWS
    formula = next(r for r in stats if "统计开放日" in r[6])
    assert formula[6] == "'" + FORMULA_TOPIC and formula[9] == "统计表"
    register = list(csv.reader(io.StringIO(exported["register.csv"].read_text("utf-8-sig"))))
    row = next(r for r in register if r[2] == "someone@example.com")
    assert row[1] == "'=2+3" and row[4] == "'" + FORMULA_SUBJECT
    # every cell of every CSV: nothing a spreadsheet would evaluate
    for name in ("stats.csv", "plan.csv", "register.csv", "plan-month.csv"):
        for r in csv.reader(io.StringIO(exported[name].read_text("utf-8-sig"))):
            assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in r), (name, r)


def test_libreoffice_evaluates_no_formula_from_our_csv(libreoffice: dict[str, Any]) -> None:
    """Even told to evaluate formulas while importing, LibreOffice finds none in the CSV
    files: the formula-like texts come in as text."""
    books = libreoffice["from-csv"]
    assert set(books) == {"stats", "register"}
    texts = []
    for book in books.values():
        ws = openpyxl.load_workbook(book).worksheets[0]
        cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        texts += [c.value for c in cells]
    assert "'" + FORMULA_TOPIC in texts and "'" + FORMULA_SUBJECT in texts
    assert "鸠江区人民政府" in texts  # Chinese intact through the BOM


def test_json_validates_against_the_published_schemas(exported: dict[str, Path]) -> None:
    registry: Registry[Any] = Registry().with_resources(
        (f"https://pressdocs.invalid/schemas/{p.name}",
         Resource.from_contents(json.loads(p.read_text("utf-8"))))
        for p in TOP_LEVEL_SCHEMAS.glob("*.json"))
    for name, schema in (("stats", "statistics-table"), ("plan", "plan-status"),
                         ("register", "register")):
        data = json.loads(exported[f"{name}.json"].read_text("utf-8"))
        validator = Draft202012Validator(
            json.loads((TOP_LEVEL_SCHEMAS / f"{schema}.json").read_text("utf-8")),
            registry=registry, format_checker=FormatChecker())
        assert not list(validator.iter_errors(data)), name
    stats = json.loads(exported["stats.json"].read_text("utf-8"))
    assert stats["period"] == "2021H1" and stats["flagged"] == 3
    tj = next(u for u in stats["units"] if u["unit"] == STATISTICS_BUREAU)
    assert tj["filing_date"] == "2021-06-30" and tj["rows"][1]["row"]["topic"] == FORMULA_TOPIC
    register = json.loads(exported["register.json"].read_text("utf-8"))
    assert register["count"] == 8 and register["year"] == 2021


def test_english_exports(office: Path, tmp_path: Path) -> None:
    with open_office(office, lang="en") as pd:
        stats = pd.statistics_table("2021H1", as_of=AS_OF)
        pd.export(stats, tmp_path / "stats.csv")
        pd.export(pd.submissions_register(), tmp_path / "register.xlsx")
    rows = list(csv.reader(io.StringIO((tmp_path / "stats.csv").read_text("utf-8-sig"))))
    assert rows[0][0] == "Filing unit" and rows[0][-2:] == ["Source", "Differences"]
    assert any("date differs" in r[-1] and "2021-04-16" in r[-1] for r in rows)
    ws = openpyxl.load_workbook(tmp_path / "register.xlsx").worksheets[0]
    assert ws.title == "Register" and ws["A1"].value == "Received"


# --- the library's side ----------------------------------------------------------------------


def test_subjects_are_public_and_exporters_are_built_in(office: Path) -> None:
    with open_office(office) as pd:
        from pressdocs import Exporter

        names = {e.name: e for e in pd.plugins.registry.of(Exporter)}
        for fmt in ("xlsx", "csv", "json"):
            assert set(names[fmt].subjects) == {StatisticsTable, PlanStatusReport,
                                                SubmissionsRegister}
        register = pd.submissions_register(unit="芜湖市统计局")
        assert {e.unit for e in register.entries} == {STATISTICS_BUREAU}
        assert len(register.entries) == 3
        assert pd.submissions_register(year=2020).entries == []


def test_an_unwritable_place_is_a_clear_error(office: Path, tmp_path: Path) -> None:
    target = tmp_path / "不存在的目录" / "统计表.xlsx"
    with open_office(office) as pd, pytest.raises(ExportError) as bad:
        pd.export(pd.submissions_register(), target)
    assert str(target) in str(bad.value) and "目录不存在" in str(bad.value)
    assert not list(tmp_path.iterdir())



def test_dates_are_written_the_notices_way_and_sheet_names_are_valid(tmp_path: Path) -> None:
    """A date a unit wrote as 2021.4.16 is 2021年4月16日 in the export; a unit whose name
    Excel refuses as a sheet name gets one it accepts."""
    from pressdocs import StatisticsLine, StatisticsRow, UnitStatistics

    line = StatisticsLine(StatisticsRow(held_on=date(2021, 4, 16), held_on_text="2021.4.16",
                                        topic="-1 发布会"), StatisticsSource.REPORTED)
    units = [UnitStatistics(unit=name, lines=[line]) for name in (
        "经开区[管委会]/办公室", "经开区[管委会]/办公室", "某" * 40)]
    table = StatisticsTable(period="2021H1", start=date(2020, 12, 31), end=date(2021, 6, 30),
                            as_of=AS_OF, units=units, city="芜湖市")
    with Pressdocs(store=tmp_path / "store", config=Config(), load_entry_points=False) as pd:
        book = openpyxl.load_workbook(pd.export(table, tmp_path / "表.xlsx"))
    assert book.sheetnames == ["经开区_管委会__办公室", "经开区_管委会__办公室 (2)", "某" * 31, "核对"]
    ws = book.worksheets[0]
    assert ws["B5"].value == "2021年4月16日"
    assert ws["F5"].value == "-1 发布会" and ws["F5"].data_type == "s" and ws["F5"].quotePrefix
