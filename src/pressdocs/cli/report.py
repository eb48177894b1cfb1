"""``pressdocs report annual``: the office's annual check."""

from __future__ import annotations

from datetime import datetime

import click

from pressdocs._app import Pressdocs
from pressdocs.cli.common import DAY, YEAR, common_options, pass_app, print_json, tr

__all__ = ["report_group"]


@click.group("report")
def report_group() -> None:
    """报表 / reports."""


@report_group.command("annual")
@click.argument("year", type=YEAR)
@click.option("--as-of", "as_of", type=DAY, default=None,
              help="按哪一天的情况（默认今天）/ as of this day (default today).")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def report_annual(app: Pressdocs, year: int, as_of: datetime | None, as_json: bool) -> None:
    """年度检查：主要负责同志出席情况（PD404）与计划落实情况（PD303）/ the annual check."""
    report = app.annual(year, as_of=as_of.date() if as_of else None)
    if as_json:
        print_json(report.to_dict(app.lang))
        return
    lang, echo = app.lang, click.echo
    echo(tr(lang, "cli.annual.title", year=year, day=report.as_of))
    echo(tr(lang, "cli.annual.held", planned=report.planned, held=report.held))
    echo("")
    echo(tr(lang, "cli.annual.heads"))
    if not report.year_over:
        echo(tr(lang, "cli.annual.not_over", year=year))
    else:
        for unit in report.heads_missing:
            echo(f"  {unit}")
        if not report.heads_missing:
            echo(tr(lang, "cli.none"))
    echo("")
    echo(tr(lang, "cli.annual.overdue"))
    for s in report.overdue:
        echo(tr(lang, "cli.annual.overdue_item", number=s.item.number, topic=s.item.topic,
                units=s.item.units, month=s.item.month, deadline=s.deadline))
    if not report.overdue:
        echo(tr(lang, "cli.none"))
