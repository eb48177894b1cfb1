"""The plan (附件1) and the statistics table (附件3) as Excel workbooks (.xlsx).

One sheet laid out like the printed form: 附件N in the first row, the title merged
across the table, the statistics header line (填表单位(公章)… 填表日期… 填表人…) in merged
cells, a bold header row that repeats on every printed page, thin borders and wrapped
text.  Every value is a string except 序号, which is a number as people type it; a
value that looks like a formula is written as text (:mod:`pressdocs._cells`).

:func:`statistics_sheet` lays 附件3 out on any worksheet: the blank form and the
statistics table exported from the store (:mod:`pressdocs.builtin.export_xlsx`, a sheet
per unit) are the same layout, written by the same code.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pressdocs._cells import set_text
from pressdocs.config import Config
from pressdocs.forms import layout
from pressdocs.forms.spec import PLAN, STATISTICS
from pressdocs.models import Plan, StatisticsReport

__all__ = ["STATISTICS_TABLE_TOP", "STATISTICS_WIDTHS", "plan_xlsx", "statistics_sheet",
           "statistics_xlsx"]

BLANK_ROWS = 10
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
#: The row of 附件3's column headers (under 附件3, the title and the 填表单位 line).
STATISTICS_TABLE_TOP = 4
#: 附件3's column widths, in characters.
STATISTICS_WIDTHS: tuple[int, ...] = (6, 16, 18, 18, 26, 30, 26, 18)


def statistics_xlsx(report: StatisticsReport | None, config: Config, city: str,
                    year: int | None) -> Workbook:
    """附件3 as a workbook, blank or filled with ``report``."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    statistics_sheet(ws, report, city, year)
    return wb


def statistics_sheet(ws: Worksheet, report: StatisticsReport | None, city: str,
                     year: int | None, *, title: str | None = None) -> int:
    """Lay 附件3 out on ``ws`` (named ``title``, by default 统计表), blank or filled with
    ``report``; return the last row of the table."""
    _setup(ws, title or STATISTICS.label.zh, landscape=True)
    columns = len(layout.STATISTICS_HEADINGS)
    ws.cell(1, 1, STATISTICS.attachment).font = Font(name="黑体", size=14)
    _title(ws, 2, layout.statistics_title(layout.year_of_report(report, year), city), columns)
    unit, filed, filer = layout.statistics_header(report)
    for first, last, text in ((1, 3, unit), (4, 5, filed), (6, 8, filer)):
        ws.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)
        cell = set_text(ws.cell(3, first), text)
        cell.alignment = _LEFT
        cell.font = Font(name="仿宋_GB2312", size=12)
    rows = [layout.statistics_row(row) for row in report.rows] if report else []
    return _grid(ws, STATISTICS_TABLE_TOP, layout.STATISTICS_HEADINGS, rows, STATISTICS_WIDTHS)


def plan_xlsx(plan: Plan | None, config: Config, city: str, year: int | None) -> Workbook:
    """附件1 as a workbook, blank or filled with ``plan``."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    _setup(ws, PLAN.label.zh, landscape=True)
    columns = len(layout.PLAN_HEADINGS)
    ws.cell(1, 1, PLAN.attachment).font = Font(name="黑体", size=14)
    _title(ws, 2, layout.plan_or_title(plan, year, city), columns)
    rows = [layout.plan_row(item, plan.year) for item in plan.items] if plan else []
    last = _grid(ws, 3, layout.PLAN_HEADINGS, rows, (6, 24, 10, 56, 26))
    note_row = last + 1
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=columns)
    note = ws.cell(note_row, 1, layout.PLAN_NOTE)
    note.alignment = _LEFT
    ws.row_dimensions[note_row].height = 36
    return wb


def _setup(ws: Worksheet, title: str, *, landscape: bool) -> Worksheet:
    ws.title = title
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def _title(ws: Worksheet, row: int, text: str, columns: int) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = ws.cell(row, 1, text)
    cell.font = Font(name="方正小标宋简体", size=20)
    cell.alignment = _CENTER
    ws.row_dimensions[row].height = 36


def _grid(ws: Worksheet, top: int, header: Sequence[str], rows: Sequence[Sequence[str]],
          widths: Sequence[int]) -> int:
    """Write the header row at ``top`` and the rows under it; return the last row used."""
    for j, (label, width) in enumerate(zip(header, widths, strict=True), start=1):
        cell = ws.cell(top, j, label)
        cell.font = Font(name="黑体", size=12, bold=True)
        cell.alignment = _CENTER
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.print_title_rows = f"{top}:{top}"
    body = list(rows) or [[""] * len(header) for _ in range(BLANK_ROWS)]
    for i, values in enumerate(body, start=top + 1):
        for j, value in enumerate(values, start=1):
            typed: str | int | None = value or None
            if j == 1 and value.isdigit():
                typed = int(value)
            cell = set_text(ws.cell(i, j), typed)
            cell.alignment = _CENTER if j <= 4 else _LEFT
            cell.border = _BORDER
            cell.font = Font(name="仿宋_GB2312", size=11)
    return top + len(body)
