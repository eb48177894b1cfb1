"""``pressdocs batch``: take in a mailbox, then summarise what came in."""

from __future__ import annotations

import sys
from datetime import date

import click
from rich.console import Console
from rich.table import Table

from pressdocs.app import Pressdocs
from pressdocs.cli.common import handle_errors, pass_app, print_json, t
from pressdocs.intake import BatchReport, MessageOutcome, run_batch
from pressdocs.models import Severity, SubmissionKind, SubmissionStatus

__all__ = ["batch_command"]



@click.command("batch")
@click.argument("source")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), default=None,
              help="数据存储目录 / store directory.")
@click.option("--json", "as_json", is_flag=True, help="JSON 报告 / JSON report.")
@click.option("--dry-run", is_flag=True, help="只检查，不写入 / check only, write nothing.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="只处理此日期及以后收到的邮件 / only mail received on or after (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="最多处理多少封新邮件 / at most this many new messages.")
@pass_app
@handle_errors
def batch_command(app: Pressdocs, source: str, store_dir: str | None, as_json: bool,
                  dry_run: bool, since: object, limit: int | None) -> None:
    """批量收取邮箱 / take in a mailbox: IMAP URL, Maildir, mbox, .eml file or folder.

    Exit code 0 when the run completed, even if submissions have findings.
    """
    if store_dir:
        app._store_arg = store_dir
    since_date: date | None = since.date() if since is not None else None  # type: ignore[attr-defined]
    lang = app.lang
    console = Console(stderr=True)
    if sys.stdout.isatty() and not as_json:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   TextColumn("{task.completed} 封" if lang == "zh" else "{task.completed}"))
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(t(lang, "正在收取邮件", "Taking in mail"), total=None)

            def progress(outcome: MessageOutcome) -> None:
                bar.update(task, advance=1, description=outcome.subject[:24] or outcome.message_id)

            report = run_batch(app, source, dry_run=dry_run, since=since_date, limit=limit,
                               progress=progress)
    else:
        report = run_batch(app, source, dry_run=dry_run, since=since_date, limit=limit)
    if as_json:
        print_json(report.to_dict())
    else:
        _summary(report, lang)


def _summary(report: BatchReport, lang: str) -> None:
    console = Console()
    title = t(lang, f"收取结果：{report.source}", f"Batch: {report.source}")
    if report.dry_run:
        title += t(lang, "（试运行，未写入）", " (dry run, nothing written)")
    table = Table(title=title, show_header=False)
    table.add_row(t(lang, "邮件总数", "messages seen"), str(report.seen))
    table.add_row(t(lang, "新邮件", "new"), str(report.new))
    for kind, n in sorted(report.by_kind().items()):
        table.add_row(f"  {SubmissionKind(kind).label(lang) if kind else '—'}", str(n))
    for status, n in sorted(report.by_status().items()):
        table.add_row(t(lang, "状态：", "status: ") + SubmissionStatus(status).label(lang), str(n))
    for severity in ("error", "warning", "info"):
        n = report.by_severity().get(severity, 0)
        table.add_row(t(lang, f"问题（{Severity(severity).zh}）", f"findings ({severity})"),
                      str(n))
    console.print(table)
    details = [o for o in report.outcomes if o.status not in ("duplicate",) and o.findings]
    if details:
        listing = Table()
        listing.add_column(t(lang, "邮件", "message"), overflow="fold", ratio=1)
        listing.add_column(t(lang, "单位", "unit"), no_wrap=True)
        listing.add_column(t(lang, "状态", "status"), no_wrap=True)
        listing.add_column(t(lang, "问题", "findings"), overflow="fold", ratio=3)
        for o in details:
            problems = "\n".join(f"{f['code']} {f['message']}" for f in o.findings)
            listing.add_row(o.subject or o.message_id, o.unit,
                            SubmissionStatus(o.status).label(lang), problems)
        console.print(listing)
