"""``pressdocs plan status`` and ``pressdocs report annual``: the office's reports."""

from __future__ import annotations

from collections import Counter
from datetime import date

import click
from rich.console import Console
from rich.table import Table

from pressdocs.app import Pressdocs
from pressdocs.cli.common import handle_errors, pass_app, print_json, t
from pressdocs.cli.plan import plan_group
from pressdocs.reports import annual_report, plan_report, status_dict
from pressdocs.text import format_date_zh

__all__ = ["plan_status_command", "report_group"]

_DATE = click.DateTime(["%Y-%m-%d"])


def _day(value: object) -> date:
    return value.date() if value is not None else date.today()  # type: ignore[attr-defined]


@plan_group.command("status")
@click.option("--as-of", "as_of", type=_DATE, default=None,
              help="按哪一天的情况（默认今天）/ as of this day (YYYY-MM-DD, default today).")
@click.option("--year", type=int, default=None, help="计划年份 / plan year.")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@pass_app
@handle_errors
def plan_status_command(app: Pressdocs, as_of: object, year: int | None, as_json: bool) -> None:
    """计划执行情况：已召开、已登记、待召开、逾期、延期 / each plan item's state."""
    day = _day(as_of)
    plan, statuses = plan_report(app.store, app.config, as_of=day, year=year)
    if as_json:
        months: dict[str, Counter[str]] = {}
        units: dict[str, Counter[str]] = {}
        for s in statuses:
            months.setdefault(str(s.item.month), Counter())[s.state.value] += 1
            for unit in s.item.units:
                units.setdefault(unit, Counter())[s.state.value] += 1
        print_json({"year": plan.year, "as_of": day.isoformat(),
                    "items": [status_dict(s) for s in statuses],
                    "by_month": {k: dict(v) for k, v in months.items()},
                    "by_unit": {k: dict(v) for k, v in units.items()}})
        return
    lang = app.lang
    console = Console()
    table = Table(title=t(lang, f"{plan.year}年计划执行情况（截至{format_date_zh(day)}）",
                          f"{plan.year} plan status as of {day.isoformat()}"))
    for header in (t(lang, "序号", "No."), t(lang, "月份", "month"), t(lang, "状态", "state"),
                   t(lang, "最迟", "deadline")):
        table.add_column(header, no_wrap=True)
    table.add_column(t(lang, "发布主题", "topic"), overflow="fold", ratio=2)
    table.add_column(t(lang, "责任单位", "units"), overflow="fold", ratio=1)
    for s in statuses:
        state = s.state.zh if lang == "zh" else s.state.value
        deadline = format_date_zh(s.deadline) if lang == "zh" else s.deadline.isoformat()
        table.add_row(str(s.item.number), str(s.item.month), state, deadline, s.item.topic,
                      "、".join(s.item.units))
    console.print(table)
    by_month: dict[int, Counter[str]] = {}
    by_unit: dict[str, Counter[str]] = {}
    for s in statuses:
        label = s.state.zh if lang == "zh" else s.state.value
        by_month.setdefault(s.item.month, Counter())[label] += 1
        for unit in s.item.units:
            by_unit.setdefault(unit, Counter())[label] += 1
    for title, groups in ((t(lang, "按月份", "by month"), by_month),
                          (t(lang, "按单位", "by unit"), by_unit)):
        summary = Table(title=title)
        summary.add_column(t(lang, "分组", "group"))
        summary.add_column(t(lang, "情况", "states"), overflow="fold")
        for key, counts in groups.items():
            name = t(lang, f"{key}月", str(key)) if isinstance(key, int) else key
            summary.add_row(name, "，".join(f"{k}{v}项" if lang == "zh" else f"{k} {v}"
                                           for k, v in counts.items()))
        console.print(summary)


@click.group("report")
def report_group() -> None:
    """报表 / reports."""


@report_group.command("annual")
@click.argument("year", type=int)
@click.option("--as-of", "as_of", type=_DATE, default=None,
              help="按哪一天的情况（默认今天）/ as of this day (default today).")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@pass_app
@handle_errors
def report_annual(app: Pressdocs, year: int, as_of: object, as_json: bool) -> None:
    """年度检查：主要负责同志出席情况（PD404）与计划落实情况（PD303）/ the annual check."""
    day = _day(as_of)
    report = annual_report(app.store, app.config, year, as_of=day)
    if as_json:
        print_json(report.to_dict())
        return
    lang = app.lang
    echo = click.echo
    echo(t(lang, f"{year}年度新闻发布工作检查（截至{format_date_zh(day)}）",
           f"Annual check {year} (as of {day.isoformat()})"))
    echo(t(lang, f"计划 {report.planned} 场，已召开 {report.held} 场。",
           f"{report.planned} planned, {report.held} held."))
    echo("")
    echo(t(lang, "PD404 主要负责同志全年未参加新闻发布会的单位：",
           "PD404 units whose head attended no conference this year:"))
    if not report.year_over:
        echo(t(lang, f"  （{year}年尚未结束，年底后再判断）", f"  (the year {year} is not over yet)"))
    else:
        for unit in report.heads_missing or [t(lang, "（无）", "(none)")]:
            echo(f"  {unit}")
    echo("")
    echo(t(lang, "PD303 计划内未按期登记的新闻发布会：",
           "PD303 planned conferences never registered in time:"))
    for s in report.overdue or []:
        echo(t(lang, f"  {s.item.number}. {s.item.topic}（{'、'.join(s.item.units)}，"
                     f"计划{s.item.month}月，最迟{format_date_zh(s.deadline)}）",
               f"  {s.item.number}. {s.item.topic} ({', '.join(s.item.units)}, month "
               f"{s.item.month}, due {s.deadline.isoformat()})"))
    if not report.overdue:
        echo(t(lang, "  （无）", "  (none)"))
