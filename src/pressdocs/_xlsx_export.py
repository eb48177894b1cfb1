"""How the built-in exporter ``xlsx`` (:mod:`pressdocs.builtin.export_xlsx`) writes the statistics table (附件3), the plan and its status, and
the submissions register as Excel workbooks.

- :class:`pressdocs.StatisticsTable` — a sheet per unit laid out exactly as the blank
  附件3 pressdocs writes (:func:`pressdocs.forms.excel.statistics_sheet`: the title, the
  填表单位(公章)/填表日期/填表人(联系方式) line, the headers, borders, widths, wrapped
  text, A4 landscape with the header row repeated, dates 2021年6月30日).  A row where the
  unit's table and the registrations disagree is shaded, the differences in a comment
  on its 序号; a last sheet (核对) lists every row with its source and differences.
- :class:`pressdocs.PlanStatusReport` — each item with its units, month, topic, status,
  deadline, registration and conference dates and findings; the header frozen, filters
  on; one sheet, or one per month or per unit as the report's ``sheets`` asks
  (``dataclasses.replace(report, sheets="month")``).
- :class:`pressdocs.SubmissionsRegister` — one row per submission, written with a
  write-only workbook: rows stream to the file, memory stays flat however many there are.

Every text from a submission that a spreadsheet would take for a formula is written as
text (:mod:`pressdocs._cells`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pressdocs._cells import looks_like_formula, set_text
from pressdocs._export_tables import Cell, Table, plan_tables, register_table, text, write_file
from pressdocs._register import SubmissionsRegister
from pressdocs._reports import PlanStatusReport
from pressdocs._statistics_table import StatisticsTable, UnitStatistics
from pressdocs.forms import layout
from pressdocs.forms.excel import STATISTICS_TABLE_TOP, statistics_sheet
from pressdocs.forms.spec import STATISTICS

__all__ = ["FLAG_FILL", "sheet_title", "write_xlsx"]

#: The shade of a row where the table and the registrations disagree.
FLAG_FILL = PatternFill(fill_type="solid", start_color="FFFFF2CC", end_color="FFFFF2CC")
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FONT = Font(name="黑体", bold=True)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_NOT_IN_TITLE = re.compile(r"[\[\]:*?/\\]")
_TITLE_CHARS = 31



def _discard(workbook: Workbook) -> None:
    """Close the rows a write-only workbook that was never saved still holds open."""
    if workbook.write_only and not getattr(workbook, "_archive", None):
        for sheet in workbook.worksheets:
            with contextlib.suppress(Exception):
                sheet.close()



def write_xlsx(subject: Any, path: Path, lang: str) -> Path:
    """Write ``subject`` (a statistics table, the plan's status, the register) to ``path``."""
    if isinstance(subject, StatisticsTable):
        workbook = statistics_workbook(subject, lang)
    elif isinstance(subject, PlanStatusReport):
        workbook = tables_workbook(plan_tables(subject, lang))
    else:
        assert isinstance(subject, SubmissionsRegister)
        workbook = register_workbook(subject, lang)
    try:
        return write_file(path, lambda target: workbook.save(str(target)))
    except BaseException:
        _discard(workbook)
        raise


def sheet_title(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters, unique in the
    workbook (``市统计局``, ``市统计局 (2)``)."""
    base = _NOT_IN_TITLE.sub("_", name).strip("' ") or "_"
    title, n = base[:_TITLE_CHARS], 1
    while title.lower() in taken:
        n += 1
        suffix = f" ({n})"
        title = base[:_TITLE_CHARS - len(suffix)] + suffix
    taken.add(title.lower())
    return title


# --- 附件3 -------------------------------------------------------------------------------


def statistics_workbook(table: StatisticsTable, lang: str) -> Workbook:
    """A sheet per unit laid out as 附件3, disagreements shaded; then the 核对 sheet."""
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)
    taken: set[str] = set()
    sheets: list[UnitStatistics | None] = [*table.units] or [None]
    for index, unit in enumerate(sheets):
        ws = first if index == 0 else wb.create_sheet()
        if unit is None:
            statistics_sheet(ws, None, table.city, table.year,
                             title=sheet_title(STATISTICS.label.zh, taken))
            continue
        statistics_sheet(ws, unit.report(table.year), table.city, table.year,
                         title=sheet_title(unit.unit, taken))
        for i, line in enumerate(unit.lines):
            if not line.differences:
                continue
            row = STATISTICS_TABLE_TOP + 1 + i
            for j in range(1, len(layout.STATISTICS_HEADINGS) + 1):
                ws.cell(row, j).fill = FLAG_FILL
            note = "\n".join(m.text(lang) for m in line.differences)
            ws.cell(row, 1).comment = Comment(note, "pressdocs", width=320, height=120)
    check = wb.create_sheet(sheet_title(text("sheet.check", lang), taken))
    headers = [text(f"column.{k}", lang) for k in (
        "unit", "number", "held_on", "topic", "source", "differences")]
    rows: list[list[Cell]] = []
    for unit in table.units:
        for i, line in enumerate(unit.lines, start=1):
            written = layout.statistics_row(line.row)
            rows.append([unit.unit, i, written[1], line.row.topic, line.source.label(lang),
                         "\n".join(m.text(lang) for m in line.differences)])
    _table_sheet(check, Table(check.title, headers, [18, 6, 16, 40, 14, 60], rows))
    return wb


# --- the plan and other tables ------------------------------------------------------------


def tables_workbook(tables: Iterable[Table]) -> Workbook:
    """One sheet per table: bold header frozen, filters on, wrapped cells, A4 landscape."""
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)
    taken: set[str] = set()
    for index, table in enumerate(tables):
        ws = first if index == 0 else wb.create_sheet()
        ws.title = sheet_title(table.title, taken)
        _table_sheet(ws, table)
    return wb


def _table_sheet(ws: Worksheet, table: Table) -> None:
    for j, (label, width) in enumerate(zip(table.headers, table.widths, strict=True), start=1):
        cell = ws.cell(1, j, label)
        cell.font, cell.alignment, cell.border = _HEADER_FONT, _HEADER_ALIGN, _BORDER
        ws.column_dimensions[get_column_letter(j)].width = width
    last = 1
    for i, values in enumerate(table.rows, start=2):
        for j, value in enumerate(values, start=1):
            cell = set_text(ws.cell(i, j), value if value != "" else None)
            cell.alignment, cell.border = _WRAP, _BORDER
        last = i
    _frame(ws, len(table.headers), last)


def _frame(ws: Any, columns: int, last: int) -> None:
    """Frozen header, filters over the table, A4 landscape with the header on each page."""
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(last, 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# --- the register -------------------------------------------------------------------------


def register_workbook(register: SubmissionsRegister, lang: str) -> Workbook:
    """The register in a write-only workbook: each row goes to the file as it is made."""
    table = register_table(register, lang)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(table.title, set()))
    for j, width in enumerate(table.widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    _frame(ws, len(table.headers), len(register.entries) + 1)
    header = []
    for label in table.headers:
        cell = WriteOnlyCell(ws, label)
        cell.font, cell.alignment = _HEADER_FONT, _HEADER_ALIGN
        header.append(cell)
    ws.append(header)
    for values in table.rows:
        ws.append([_streamed(ws, v) for v in values])
    return wb


def _streamed(ws: Any, value: Cell) -> Any:
    """A register value as the write-only sheet takes it: plain when safe, else a cell
    that holds it as text; several lines wrapped."""
    if value == "":
        return None
    if isinstance(value, str) and (looks_like_formula(value) or "\n" in value):
        cell = set_text(WriteOnlyCell(ws), value)
        cell.alignment = _WRAP
        return cell
    return value
