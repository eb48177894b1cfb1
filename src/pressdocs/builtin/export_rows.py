"""Built-in exporters ``csv`` and ``json``: the statistics table (附件3), the plan and its
status, and the submissions register as rows or as one JSON document.

- ``csv`` — UTF-8 with a byte order mark, so that Excel on Chinese Windows opens it
  without mojibake; CRLF line ends; the same columns as the xlsx export
  (:mod:`pressdocs._export_tables`).  A text that a spreadsheet would take for a formula
  (``=``, ``+``, ``-``, ``@``, tab, CR first) gets an apostrophe in front
  (:func:`pressdocs._cells.csv_text`).
- ``json`` — the report's ``to_dict(lang)``, checked against its published schema
  (``statistics-table``, ``plan-status``, ``register``) before anything is written.

:func:`write_csv` and :func:`json_document` write to any text stream, so that the
command line can print to standard output.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from pressdocs._cells import csv_text
from pressdocs._export_tables import (
    Table,
    plan_tables,
    register_table,
    statistics_rows_table,
    write_file,
)
from pressdocs._register import SubmissionsRegister
from pressdocs._reports import PlanStatusReport
from pressdocs._statistics_table import StatisticsTable
from pressdocs.capabilities import Context, Exporter
from pressdocs.hookspecs import hookimpl

__all__ = ["SCHEMAS", "CsvExporter", "JsonExporter", "csv_table", "json_document", "write_csv"]

#: The schema each subject's JSON validates against.
SCHEMAS: dict[type, str] = {
    StatisticsTable: "statistics-table",
    PlanStatusReport: "plan-status",
    SubmissionsRegister: "register",
}


def csv_table(subject: Any, lang: str) -> Table:
    """The one table a subject's CSV holds: the plan (all items, whatever sheets the
    report asks of a workbook: the month and units are columns), the register, or
    附件3's merged rows with the unit each belongs to."""
    if isinstance(subject, StatisticsTable):
        return statistics_rows_table(subject, lang)
    if isinstance(subject, SubmissionsRegister):
        return register_table(subject, lang)
    return plan_tables(replace(subject, sheets=""), lang)[0]


def write_csv(subject: Any, stream: IO[str], lang: str = "zh") -> None:
    """The subject as CSV on ``stream`` (open it with ``newline=""``), without the BOM:
    the exporter writes that into the file."""
    table = csv_table(subject, lang)
    out = csv.writer(stream, lineterminator="\r\n")
    out.writerow(table.headers)
    for row in table.rows:
        out.writerow([csv_text(v) for v in row])


def json_document(subject: Any, lang: str = "zh") -> dict[str, Any]:
    """The subject's JSON object, validated against its schema (a
    :class:`pressdocs.errors.SchemaError` naming the field if it does not fit)."""
    from pressdocs.schemas import validate

    data: dict[str, Any] = subject.to_dict(lang)
    validate(SCHEMAS[type(subject)], data)
    return data


class CsvExporter(Exporter):
    """Writes the reports as CSV (UTF-8 with BOM)."""

    name = "csv"
    description = "CSV（UTF-8 带 BOM，Excel 可直接打开）：统计表、计划执行情况、收件登记簿"
    formats = ("csv",)
    subjects = (StatisticsTable, PlanStatusReport, SubmissionsRegister)

    def export(self, subject: Any, path: Path, context: Context) -> Path:
        def write(target: Path) -> None:
            with target.open("w", encoding="utf-8-sig", newline="") as stream:
                write_csv(subject, stream, context.lang)

        return write_file(path, write)


class JsonExporter(Exporter):
    """Writes the reports as JSON, validated against their schemas."""

    name = "json"
    description = "JSON（按 schemas/ 中的模式校验）：统计表、计划执行情况、收件登记簿"
    formats = ("json",)
    subjects = (StatisticsTable, PlanStatusReport, SubmissionsRegister)

    def export(self, subject: Any, path: Path, context: Context) -> Path:
        data = json_document(subject, context.lang)

        def write(target: Path) -> None:
            with target.open("w", encoding="utf-8") as stream:
                json.dump(data, stream, ensure_ascii=False, indent=2)
                stream.write("\n")

        return write_file(path, write)


@hookimpl
def register_exporters(register: Any) -> None:
    register(CsvExporter())
    register(JsonExporter())
