"""Built-in exporter ``xlsx``: the statistics table (附件3), the plan and its status, and
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
text (:mod:`pressdocs._cells`).  The writing (and openpyxl) lives in
:mod:`pressdocs._xlsx_export`, imported when a workbook is written, so that loading the
plugins for any command stays light.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pressdocs._register import SubmissionsRegister
from pressdocs._reports import PlanStatusReport
from pressdocs._statistics_table import StatisticsTable
from pressdocs.capabilities import Context, Exporter
from pressdocs.hookspecs import hookimpl

__all__ = ["XlsxExporter"]


class XlsxExporter(Exporter):
    """Writes the statistics table, the plan's status and the register as .xlsx."""

    name = "xlsx"
    description = "Excel 表格（.xlsx）：统计表（附件3）、计划执行情况、收件登记簿"
    formats = ("xlsx",)
    subjects = (StatisticsTable, PlanStatusReport, SubmissionsRegister)

    def export(self, subject: Any, path: Path, context: Context) -> Path:
        from pressdocs._xlsx_export import write_xlsx

        return write_xlsx(subject, path, context.lang)


@hookimpl
def register_exporters(register: Any) -> None:
    register(XlsxExporter())
