"""``pressdocs notify``, ``pressdocs remind`` and ``pressdocs notices``: the outbox.

``remind`` (and ``batch --notify``) queue notices; ``notify`` sends what is queued, each
once; ``notices`` lists the outbox.  All three are thin over :class:`pressdocs.Pressdocs`
(:meth:`~pressdocs.Pressdocs.notify`, :meth:`~pressdocs.Pressdocs.remind`,
:meth:`~pressdocs.Pressdocs.notices`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

import click
from rich.table import Table

from pressdocs._app import Pressdocs
from pressdocs._notify import NOTICE_TYPES, NoticeOutcome, NotifyReport
from pressdocs.cli.common import (
    DAY,
    OneOf,
    common_options,
    pass_app,
    print_json,
    stops_on_sigterm,
    tr,
)
from pressdocs.cli.terminal import Terminal
from pressdocs.store import DeliveryStatus, NoticeRecord
from pressdocs.text.dates import office_time

__all__ = ["notices_command", "notify_command", "remind_command"]


@click.command("notify")
@click.option("--dry-run", is_flag=True,
              help="只列出将要发送的通知，不发送、不写入 / list what would be sent; send nothing.")
@click.option("--channel", default=None,
              help="只发送此渠道的通知（如 email、sms）/ only notices of this channel.")
@click.option("--correction", "corrections", multiple=True, metavar="ID",
              help="先为此提交（有错误的）生成补正通知（编号可只写开头几位，可重复）/ first queue a "
                   "correction request for this submission (id or its first characters).")
@click.option("--json", "as_json", is_flag=True, help="JSON 报告 / JSON report.")
@common_options
@stops_on_sigterm
@pass_app
def notify_command(app: Pressdocs, dry_run: bool, channel: str | None,
                   corrections: tuple[str, ...], as_json: bool) -> None:
    """发送待发送的通知（每条只发一次）/ send the notices waiting in the outbox, each once.

    Failed ones are tried again on a later run, after a growing pause.  Exit code 0 when
    the run completed, whatever the servers answered (see each notice's status).
    """
    report = NotifyReport(dry_run=dry_run)
    for submission_id in corrections:
        queued = app.queue_correction(submission_id, dry_run=dry_run)
        # queued ones are sent below and reported there; a dry run stores nothing
        report.outcomes += [o for o in queued.outcomes if dry_run or o.status != "pending"]
    report.outcomes += app.notify(dry_run=dry_run, channel=channel).outcomes
    _show(app.lang, report, as_json, empty="cli.notify.none")


@click.command("remind")
@click.option("--as-of", "as_of", type=DAY, default=None,
              help="按哪一天判断到期的提醒（默认今天）/ the day reminders are judged for (default "
                   "today).")
@click.option("--digest", is_flag=True,
              help="同时生成给市新闻办的汇总 / also queue the office's digest.")
@click.option("--since", type=DAY, default=None,
              help="汇总从哪一天起（默认上次汇总的次日）/ the digest covers mail from this day "
                   "(default: the day after the last digest).")
@click.option("--dry-run", is_flag=True, help="只列出，不写入 / list only, store nothing.")
@click.option("--json", "as_json", is_flag=True, help="JSON 报告 / JSON report.")
@common_options
@pass_app
def remind_command(app: Pressdocs, as_of: datetime | None, digest: bool,
                   since: datetime | None, dry_run: bool, as_json: bool) -> None:
    """生成到期的提醒（登记、材料、统计表、逾期），由 notify 发送 / queue the reminders due.

    Each reminder is queued once: running remind again the same day adds nothing.
    """
    start = since.replace(tzinfo=app.config.tz) if since is not None else None
    report = app.remind(as_of=as_of.date() if as_of else None, digest=digest, since=start,
                        dry_run=dry_run)
    _show(app.lang, report, as_json, empty="cli.notify.no_reminder")


@click.command("notices")
@click.option("--status", type=OneOf([s.value for s in DeliveryStatus]), default=None,
              help="只列出此状态的通知（pending、sent、failed、abandoned、sending）/ only this "
                   "status.")
@click.option("--unit", default=None, help="只列出发给此单位的通知 / only notices to this unit.")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def notices_command(app: Pressdocs, status: str | None, unit: str | None,
                    as_json: bool) -> None:
    """列出通知记录（发件箱）/ list the outbox: every notice stored and how far it got."""
    records = app.notices(status=status, unit=unit)
    lang = app.lang
    if as_json:
        print_json({"notices": [r.to_dict(lang) for r in records]})
        return
    if not records:
        click.echo(tr(lang, "cli.notify.no_notices"))
        return
    table = _table(lang, updated=True)
    for r in records:
        table.add_row(*_row(lang, r.to_dict(lang), r, app.config.tz))
    Terminal().print(table)


def _show(lang: str, report: NotifyReport, as_json: bool, *, empty: str) -> None:
    if as_json:
        print_json(report.to_dict(lang))
        return
    if not report.outcomes:
        click.echo(tr(lang, empty))
        return
    table = _table(lang)
    for outcome in report.outcomes:
        table.add_row(*_row(lang, outcome.to_dict(lang), outcome))
    Terminal().print(table)
    click.echo(_counts(lang, report.by_status().items(), report.dry_run))


def _table(lang: str, *, updated: bool = False) -> Table:
    table = Table(title=tr(lang, "cli.notify.title"))
    if updated:
        table.add_column(tr(lang, "cli.notify.updated"), no_wrap=True)
    for key in ("type", "channel", "recipients", "unit", "status"):
        table.add_column(tr(lang, f"cli.notify.{key}"), overflow="fold")
    table.add_column(tr(lang, "cli.notify.detail"), overflow="fold", ratio=2)
    return table


def _row(lang: str, data: dict[str, object], item: NoticeOutcome | NoticeRecord,
         tz: tzinfo | None = None) -> list[str]:
    kind = str(data["type"])
    cells = [tr(lang, f"notify.type.{kind}") if kind in NOTICE_TYPES else kind,
             str(data["channel"]), "\n".join(item.notice.recipients) or "-",
             str(data["unit"]) or "-", str(data["status_label"]), str(data["detail"])]
    # the server's words and ours: "[units]" is no markup (Terminal), controls escaped
    if isinstance(item, NoticeRecord) and tz is not None:  # the outbox listing's 更新时间
        cells.insert(0, tr(lang, "cli.notify.when", moment=office_time(item.updated, tz)))
    return cells


def _counts(lang: str, counts: Iterable[tuple[str, int]], dry_run: bool) -> str:
    parts = [tr(lang, "cli.notify.count", status=tr(lang, f"notify.status.{s}"), count=n)
             for s, n in counts]
    line = tr(lang, "cli.notify.summary", counts=parts)
    return line + (tr(lang, "cli.notify.dry_run") if dry_run else "")
