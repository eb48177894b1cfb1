"""``pressdocs export``: the statistics table, the plan, the submissions register, a
conference's 新闻发布会实录 page and the office dashboard, to Excel, HTML, CSV or JSON.

Thin over the library: each report is built by its :class:`pressdocs.Pressdocs` method
(:meth:`~pressdocs.Pressdocs.statistics_table`, :meth:`~pressdocs.Pressdocs.plan_status`,
:meth:`~pressdocs.Pressdocs.submissions_register`,
:meth:`~pressdocs.Pressdocs.conference_record`, :meth:`~pressdocs.Pressdocs.dashboard`)
and written by :meth:`~pressdocs.Pressdocs.export`, which picks the exporter for the
report and the format.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from pressdocs._app import Pressdocs
from pressdocs.cli.common import DAY, ITEM, YEAR, OneOf, common_options, pass_app, tr
from pressdocs.errors import ExportError

__all__ = ["export_command"]

#: What can be exported, and the format each is written in when none is asked for.
REPORTS = {"stats": "xlsx", "plan": "xlsx", "submissions": "xlsx", "record": "html",
           "dashboard": "html"}
FORMATS = ("xlsx", "html", "csv", "json")
#: The formats ``-o -`` writes to stdout.
STREAMED = ("csv", "json")


@click.command("export")
@click.argument("report", type=OneOf(list(REPORTS)), metavar="stats|plan|submissions|record|dashboard")
@click.option("-o", "--output", required=True,
              help="输出文件（- 表示标准输出，仅 CSV、JSON）/ the file to write (- for stdout: CSV "
                   "and JSON only).")
@click.option("--format", "fmt", type=OneOf(list(FORMATS)), default=None,
              help="xlsx、html、csv 或 json（默认按文件扩展名）/ the format (default: the file's "
                   "suffix).")
@click.option("--year", type=YEAR, default=None, help="年份 / the year.")
@click.option("--period", default=None,
              help="统计表的半年，如 2021H1 / the statistics table's half-year, e.g. 2021H1.")
@click.option("--unit", default=None, help="只导出此单位 / only this unit.")
@click.option("--submission", default=None,
              help="实录：提交编号（可只写开头几位）/ record: the submission (id or its first "
                   "characters).")
@click.option("--plan-item", "plan_item", type=ITEM, default=None,
              help="实录：计划安排的序号 / record: the plan item's number.")
@click.option("--as-of", "as_of", type=DAY, default=None,
              help="按哪一天的情况（默认今天）/ as of this day (default today).")
@click.option("--sheets", type=OneOf(["month", "unit"]), default=None,
              help="计划：按月或按单位分工作表 / plan: a sheet per month or per unit.")
@common_options
@pass_app
def export_command(app: Pressdocs, report: str, output: str, fmt: str | None,
                   year: int | None, period: str | None, unit: str | None,
                   submission: str | None, plan_item: int | None,
                   as_of: datetime | None, sheets: str | None) -> None:
    """导出统计表、计划、收件登记、新闻发布会实录或工作台 / export a report.

    stats (统计表, 附件3), plan (计划安排及落实情况), submissions (收件登记),
    record (新闻发布会实录, one conference), dashboard (工作台).
    """
    day = as_of.date() if as_of is not None else None
    fmt = _format(app.lang, report, output, fmt)
    subject = _BUILDERS[report](app, year=year, period=period, unit=unit,
                                submission=submission, plan_item=plan_item, as_of=day,
                                sheets=sheets)
    if output == "-":
        with tempfile.TemporaryDirectory(prefix="pressdocs-export-") as folder:
            written = app.export(subject, Path(folder) / f"{report}.{fmt}")
            with written.open("rb") as data:
                shutil.copyfileobj(data, sys.stdout.buffer)
        return
    target = Path(output)
    if not target.suffix:
        target = target.with_suffix(f".{fmt}")
    written = app.export(subject, target)
    click.echo(tr(app.lang, "cli.export.written", path=str(written)))


def _format(lang: str, report: str, output: str, fmt: str | None) -> str:
    """The format asked for, else the output file's, else the report's own; ``-o -`` only
    for CSV and JSON."""
    suffix = "" if output == "-" else Path(output).suffix.lstrip(".").lower()
    if fmt is not None and suffix and suffix != fmt:
        raise ExportError.of("cli.export.suffix_mismatch", output=output, format=fmt)
    chosen = fmt or suffix or ("json" if output == "-" else REPORTS[report])
    if output == "-" and chosen not in STREAMED:
        raise ExportError.of("cli.export.not_streamed", format=chosen)
    return chosen


def _stats(app: Pressdocs, **options: Any) -> Any:
    return app.statistics_table(options["period"], unit=options["unit"],
                                as_of=options["as_of"])


def _plan(app: Pressdocs, **options: Any) -> Any:
    report = app.plan_status(as_of=options["as_of"], year=options["year"])
    return replace(report, sheets=options["sheets"]) if options["sheets"] else report


def _submissions(app: Pressdocs, **options: Any) -> Any:
    return app.submissions_register(year=options["year"], unit=options["unit"])


def _record(app: Pressdocs, **options: Any) -> Any:
    return app.conference_record(submission_id=options["submission"],
                                 plan_item=options["plan_item"], year=options["year"])


def _dashboard(app: Pressdocs, **options: Any) -> Any:
    return app.dashboard(year=options["year"], as_of=options["as_of"])


_BUILDERS: dict[str, Callable[..., Any]] = {
    "stats": _stats, "plan": _plan, "submissions": _submissions, "record": _record,
    "dashboard": _dashboard,
}
