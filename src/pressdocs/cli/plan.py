"""``pressdocs plan``: the annual plan (附件1) — import it, show it."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from pressdocs.app import Pressdocs
from pressdocs.cli.common import handle_errors, pass_app, print_json, t

__all__ = ["plan_group"]


@click.group("plan")
def plan_group() -> None:
    """年度新闻发布会计划安排（附件1）/ the annual plan."""


@plan_group.command("import")
@click.argument("file", type=click.Path())
@click.option("--year", type=int, default=None, help="计划年份（标题中没有写明时）/ the plan's year.")
@pass_app
@handle_errors
def plan_import(app: Pressdocs, file: str, year: int | None) -> None:
    """导入计划安排到数据存储 / import the plan into the store (replaces that year's)."""
    from pressdocs.plan_import import read_plan

    plan, warnings, spam = read_plan(Path(file), plugins=app.plugins, config=app.config,
                                     year=year)
    app.store.save_plan(plan)
    lang = app.lang
    click.echo(t(lang, f"已导入 {plan.year} 年计划安排：共 {len(plan.items)} 项（来自 {file}）",
                 f"Imported the {plan.year} plan: {len(plan.items)} items (from {file})"))
    for warning in warnings:
        click.secho(t(lang, "注意：", "Note: ") + warning, fg="yellow", err=True)
    for finding in spam:  # imported as written: the office decides, with the facts in hand
        click.secho(f"{finding.code} {finding.text(lang)}", fg="red", err=True)


@plan_group.command("show")
@click.option("--year", type=int, default=None, help="年份（默认最近一年）/ year (default: latest).")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@pass_app
@handle_errors
def plan_show(app: Pressdocs, year: int | None, as_json: bool) -> None:
    """显示计划安排 / show the plan."""
    from pressdocs.reports import plan_for

    lang = app.lang
    plan = plan_for(app.store, year)
    if as_json:
        print_json(plan.to_dict())
        return
    table = Table(title=t(lang, f"{plan.year}年新闻发布会计划安排（{len(plan.items)}项）",
                          f"{plan.year} press-conference plan ({len(plan.items)} items)"))
    for header in (t(lang, "序号", "No."), t(lang, "地点", "venue"), t(lang, "时间", "month")):
        table.add_column(header, no_wrap=True)
    table.add_column(t(lang, "发布主题", "topic"), overflow="fold", ratio=2)
    table.add_column(t(lang, "责任单位", "units"), overflow="fold", ratio=1)
    for item in plan.items:
        table.add_row(str(item.number), item.venue, t(lang, f"{item.month}月", str(item.month)),
                      item.topic, "、".join(item.units))
    Console().print(table)


# ``plan status`` lives with the other reports; importing them adds it to this group.
from pressdocs.cli import report as _report  # noqa: E402,F401
