"""``pressdocs plan``: the annual plan (附件1) — import it, show it, and where it stands."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import click
from rich.table import Table

from pressdocs._app import Pressdocs
from pressdocs._messages import render_value
from pressdocs._reports import PlanStatusReport, status_dict
from pressdocs.cli.common import (
    DAY,
    ITEM,
    YEAR,
    common_options,
    pass_app,
    print_json,
    tr,
)
from pressdocs.cli.terminal import Terminal
from pressdocs.models import Message
from pressdocs.rules.plan_status import PlanState, moved_label
from pressdocs.store import PlanMark

__all__ = ["plan_group"]


@click.group("plan")
def plan_group() -> None:
    """年度新闻发布会计划安排（附件1）/ the annual plan."""


@plan_group.command("import")
@click.argument("file", type=click.Path())
@click.option("--year", type=YEAR, default=None, help="计划年份（标题中没有写明时）/ the plan's year.")
@common_options
@pass_app
def plan_import(app: Pressdocs, file: str, year: int | None) -> None:
    """导入计划安排到数据存储 / import the plan into the store (replaces that year's)."""
    found = app.import_plan(file, year=year)
    lang = app.lang
    click.echo(tr(lang, "cli.plan.imported", year=found.plan.year, count=len(found.plan.items),
                  file=file))
    for warning in found.warnings:
        click.secho(tr(lang, "cli.note", text=warning.text(lang)), fg="yellow", err=True)
    for finding in found.findings:  # imported as written: the office decides, facts in hand
        click.secho(f"{finding.code} {finding.text(lang)}", fg="red", err=True)


@plan_group.command("show")
@click.option("--year", type=YEAR, default=None, help="年份（默认最近一年）/ year (default: latest).")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def plan_show(app: Pressdocs, year: int | None, as_json: bool) -> None:
    """显示计划安排 / show the plan."""
    plan = app.plan(year)
    if as_json:
        print_json(plan.to_dict())
        return
    lang = app.lang
    table = Table(title=tr(lang, "cli.plan.title", year=plan.year, count=len(plan.items)))
    for key in ("cli.plan.number", "cli.plan.venue", "cli.plan.month"):
        table.add_column(tr(lang, key), no_wrap=True)
    table.add_column(tr(lang, "cli.plan.topic"), overflow="fold", ratio=2)
    table.add_column(tr(lang, "cli.plan.units"), overflow="fold", ratio=1)
    for item in plan.items:
        table.add_row(str(item.number), item.venue, tr(lang, "cli.plan.month_n", month=item.month),
                      item.topic, render_value(item.units, lang))
    Terminal().print(table)


@plan_group.command("cancel")
@click.argument("number", type=ITEM)
@click.option("--reason", default=None, help="取消的原因（必填）/ why it is cancelled (required).")
@click.option("--undo", is_flag=True, help="撤销取消 / undo the cancellation.")
@click.option("--year", type=YEAR, default=None, help="年份（默认最近一年）/ year (default: latest).")
@click.option("--as", "by", default=None, metavar="NAME",
              help="以谁的名义（默认当前系统用户）/ the account deciding (default: the OS user).")
@common_options
@pass_app
def plan_cancel(app: Pressdocs, number: int, reason: str | None, undo: bool,
                year: int | None, by: str | None) -> None:
    """取消计划中的一项（不再视为逾期、不再提醒）/ cancel a plan item (no PD303, no reminder)."""
    lang = app.lang
    if undo:
        restored = app.restore_plan_item(number, year=year, by=by)
        click.echo(tr(lang, "cli.plan.restored" if restored else "cli.plan.not_cancelled",
                      year=app.plan(year).year, number=number))
        return
    item = app.cancel_plan_item(number, reason=reason or "", year=year, by=by)
    click.echo(tr(lang, "cli.plan.cancelled", year=app.plan(year).year, number=number,
                  topic=item.topic, reason=(reason or "").strip()))


@plan_group.command("mark")
@click.argument("number", type=ITEM)
@click.argument("state", metavar="held|delayed|cancelled|planned")
@click.option("--date", "held_on", default=None, metavar="YYYY-MM-DD",
              help="召开日期（held，默认今天）/ the day it was held (held; default today).")
@click.option("--month", default=None, metavar="YYYY-MM",
              help="延期到的月份（delayed，必填；或只写月份数字）/ the month it is moved to "
                   "(delayed; required).")
@click.option("--reason", default="", help="原因或备注（cancelled 必填）/ why (required for "
                                          "cancelled).")
@click.option("--year", type=YEAR, default=None, help="年份（默认最近一年）/ year (default: latest).")
@click.option("--as", "by", default=None, metavar="NAME",
              help="以谁的名义（默认当前系统用户）/ the account deciding (default: the OS user).")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def plan_mark(app: Pressdocs, number: int, state: str, held_on: str | None, month: str | None,
              reason: str, year: int | None, by: str | None, as_json: bool) -> None:
    """标记计划项：已召开、延期到某月、取消，或恢复为计划 / mark a plan item held, delayed,
    cancelled, or planned again (the mark taken off)."""
    lang = app.lang
    plan = app.plan(year)
    earlier = app.store.plan_marks(plan.year).get(number)
    status = app.mark_plan_item(number, state.strip().lower(), held_on=held_on, month=month,
                                reason=reason, year=plan.year, by=by)
    if as_json:
        print_json(status_dict(status, lang))
        return
    where = {"year": plan.year, "number": number, "topic": status.item.topic}
    mark = status.mark
    if mark is None:
        if earlier is None:
            click.echo(tr(lang, "cli.plan.not_marked", **where))
        else:
            click.echo(tr(lang, "cli.plan.cleared", **where, earlier=_mark_text(earlier)))
    elif mark.state == "held":
        click.echo(tr(lang, "cli.plan.marked_held", **where, day=mark.held_on))
        if status.conference is not None:
            click.echo(tr(lang, "cli.plan.ledger_stands", day=status.conference.held_on))
    elif mark.state == "delayed" and mark.moved_to is not None:
        click.echo(tr(lang, "cli.plan.marked_delayed", **where, moved=moved_label(mark.moved_to),
                      deadline=status.deadline))
    else:
        click.echo(tr(lang, "cli.plan.cancelled", **where, reason=mark.reason))
    if status.warning is not None:
        click.secho(status.warning.text(lang), fg="yellow", err=True)
    click.echo(tr(lang, "cli.plan.state_now", state=status.state_text(lang),
                  deadline=status.deadline))


def _mark_text(mark: PlanMark) -> Message:
    if mark.state == "delayed" and mark.moved_to is not None:
        return moved_label(mark.moved_to)
    if mark.state == "held":
        return Message.of("enum.PlanState.held")
    return Message.of("enum.PlanState.cancelled")


@plan_group.command("status")
@click.option("--as-of", "as_of", type=DAY, default=None,
              help="按哪一天的情况（默认今天）/ as of this day (YYYY-MM-DD, default today).")
@click.option("--year", type=YEAR, default=None, help="计划年份 / plan year.")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def plan_status_command(app: Pressdocs, as_of: datetime | None, year: int | None,
                        as_json: bool) -> None:
    """计划执行情况：已召开、已登记、待召开、逾期、延期 / each plan item's state."""
    report = app.plan_status(as_of=as_of.date() if as_of else None, year=year)
    if as_json:
        print_json(report.to_dict(app.lang))
    else:
        _status_tables(report, app.lang)


def _status_tables(report: PlanStatusReport, lang: str) -> None:
    console = Terminal()
    table = Table(title=tr(lang, "cli.plan.status_title", year=report.year, day=report.as_of))
    for key in ("cli.plan.number", "cli.plan.month", "cli.plan.state", "cli.plan.deadline"):
        table.add_column(tr(lang, key), no_wrap=True)
    table.add_column(tr(lang, "cli.plan.topic"), overflow="fold", ratio=2)
    table.add_column(tr(lang, "cli.plan.units"), overflow="fold", ratio=1)
    for s in report.items:
        table.add_row(str(s.item.number), str(s.item.month), s.state_text(lang),
                      render_value(s.deadline, lang), s.item.topic,
                      render_value(s.item.units, lang))
    console.print(table)
    months = {tr(lang, "cli.plan.month_n", month=m): c for m, c in report.by_month().items()}
    for title, groups in ((tr(lang, "cli.plan.by_month"), months),
                          (tr(lang, "cli.plan.by_unit"), report.by_unit())):
        summary = Table(title=title)
        summary.add_column(tr(lang, "cli.plan.group"))
        summary.add_column(tr(lang, "cli.plan.states"), overflow="fold")
        for name, counts in groups.items():
            summary.add_row(name, _counts(counts, lang))
        console.print(summary)


def _counts(counts: Counter[PlanState], lang: str) -> str:
    return tr(lang, "cli.plan.count_sep").join(
        tr(lang, "cli.plan.state_count", state=state, count=n) for state, n in counts.items())
