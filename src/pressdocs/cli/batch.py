"""``pressdocs batch`` and ``pressdocs reprocess``: take in a mailbox, or run stored
messages again, then summarise what came in."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import click
from rich.table import Table

from pressdocs._app import Pressdocs
from pressdocs._intake import BatchReport, MessageOutcome, Progress
from pressdocs._readers import MAX_WORKERS
from pressdocs.cli.common import (
    DAY,
    EXIT_RETRY,
    MESSAGES,
    Number,
    OneOf,
    common_options,
    pass_app,
    printable,
    stops_on_sigterm,
    tr,
)
from pressdocs.cli.terminal import Terminal
from pressdocs.models import Severity, SubmissionStatus

__all__ = ["batch_command", "reprocess_command"]


@click.command("batch")
@click.argument("source", required=False)
@click.option("--json", "as_json", is_flag=True, help="JSON 报告 / JSON report.")
@click.option("--jsonl", "as_jsonl", is_flag=True,
              help="每封邮件一行 JSON（用于日志）/ one JSON line per message, for logs.")
@click.option("--dry-run", is_flag=True, help="只检查，不写入 / check only, write nothing.")
@click.option("--since", type=DAY, default=None,
              help="只处理此日期及以后收到的邮件 / only mail received on or after (YYYY-MM-DD).")
@click.option("--limit", type=MESSAGES, default=None,
              help="最多处理多少封新邮件 / at most this many new messages.")
@click.option("--notify/--no-notify", "receipts", default=None,
              help="为每份新提交生成回执，由 notify 发送（默认按配置 [notify] receipts）/ queue a "
                   "receipt for each new submission (default: [notify] receipts).")
@click.option("--allow-insecure-login", is_flag=True, default=False,
              help="允许在服务器不支持 STARTTLS 时以明文登录 imap://（不安全）/ allow a "
                   "clear-text login over imap:// when the server offers no STARTTLS "
                   "(insecure).")
@click.option("--workers", type=Number(1, MAX_WORKERS), default=1, show_default=True,
              help="同时读取邮件的进程数（多核时更快，结果与顺序不变）/ processes reading "
                   "messages at once (faster on several cores; same results, same order).")
@common_options
@stops_on_sigterm
@pass_app
def batch_command(app: Pressdocs, source: str | None, as_json: bool, as_jsonl: bool,
                  dry_run: bool, since: datetime | None, limit: int | None,
                  receipts: bool | None, allow_insecure_login: bool, workers: int) -> None:
    """批量收取邮箱 / take in a mailbox: IMAP URL, Maildir, mbox, .eml file or folder.

    Without SOURCE, the mailbox configured as ``[mail] imap`` in pressdocs.toml.

    Exit code 0 when the run completed, even if submissions have findings; 3 when some
    messages could not be processed now (a full disk, a dropped connection): they are kept
    and the next run processes them.
    """
    if allow_insecure_login:  # the same as [mail] allow_insecure_login = true, for this run
        app.config.mail["allow_insecure_login"] = True
    day = since.date() if since is not None else None
    with _progress(app.lang, as_json or as_jsonl) as progress:
        report = app.batch(source, dry_run=dry_run, since=day, limit=limit, receipts=receipts,
                           progress=_jsonl(progress, app.lang) if as_jsonl else progress,
                           workers=workers)
    _show(report, app.lang, as_json, as_jsonl)
    _exit_if_incomplete(report, app.lang)


def _exit_if_incomplete(report: BatchReport, lang: str) -> None:
    """One line on stderr per message left for the next run (and for a mailbox cut off),
    then exit 3."""
    if report.complete:
        return
    for deferred in report.deferred:
        click.echo(tr(lang, "cli.error", text=deferred.line().text(lang)), err=True)
    if report.interrupted is not None:
        click.echo(tr(lang, "cli.error", text=report.interrupted.text(lang)), err=True)
    sys.exit(EXIT_RETRY)


@click.command("reprocess")
@click.option("--status", type=OneOf([s.value for s in SubmissionStatus
                                      if s is not SubmissionStatus.DUPLICATE]),
              default=None, help="只处理此状态的提交（如 error）/ only submissions in this status.")
@click.option("--since", type=DAY, default=None,
              help="只处理此日期及以后收到的邮件 / only mail received on or after (YYYY-MM-DD).")
@click.option("--id", "ids", multiple=True,
              help="提交编号（可只写开头几位，可重复）/ submission id or its first characters.")
@click.option("--code", "codes", multiple=True,
              help="只处理有此问题代码的提交（如 PD999，可重复）/ only submissions with this "
                   "finding code.")
@click.option("--json", "as_json", is_flag=True, help="JSON 报告 / JSON report.")
@click.option("--jsonl", "as_jsonl", is_flag=True,
              help="每封邮件一行 JSON / one JSON line per message.")
@common_options
@stops_on_sigterm
@pass_app
def reprocess_command(app: Pressdocs, status: str | None, since: datetime | None,
                      ids: tuple[str, ...], codes: tuple[str, ...], as_json: bool,
                      as_jsonl: bool) -> None:
    """用存档的原始邮件重新处理（插件、配置或计划变更后）/ process stored messages again.

    The earlier result of each submission stays in its history.
    """
    day = since.date() if since is not None else None
    with _progress(app.lang, as_json or as_jsonl) as progress:
        report = app.reprocess(status=status, since=day, ids=ids, codes=codes,
                               progress=_jsonl(progress, app.lang) if as_jsonl else progress)
    _show(report, app.lang, as_json, as_jsonl)
    _exit_if_incomplete(report, app.lang)


def _show(report: BatchReport, lang: str, as_json: bool, as_jsonl: bool) -> None:
    if as_json:  # what print_json(report.to_dict(lang)) prints, one message at a time
        for chunk in report.json_chunks(lang):
            click.echo(chunk, nl=False)
        click.echo()
    elif not as_jsonl:
        _summary(report, lang)


def _jsonl(then: Progress | None, lang: str) -> Progress:
    """Each message as one line of JSON on stdout as soon as it is done."""
    def progress(outcome: MessageOutcome) -> None:
        click.echo(json.dumps(outcome.to_dict(lang), ensure_ascii=False))
        if then is not None:
            then(outcome)
    return progress


@contextmanager
def _progress(lang: str, quiet: bool) -> Iterator[Progress | None]:
    """A progress bar on stderr when stdout is a terminal."""
    if quiet or not sys.stdout.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
               TextColumn(tr(lang, "cli.batch.count", count="{task.completed}")))
    with Progress(*columns, console=Terminal(stderr=True), transient=True) as bar:
        task = bar.add_task(tr(lang, "cli.batch.taking_in"), total=None)

        def advance(outcome: MessageOutcome) -> None:
            sub = outcome.submission
            bar.update(task, advance=1,
                       description=printable(sub.subject[:24] or sub.message_id))

        yield advance


def _summary(report: BatchReport, lang: str) -> None:
    console = Terminal()
    title = tr(lang, "cli.batch.title", source=report.source)
    if report.dry_run:
        title += tr(lang, "cli.batch.dry_run")
    table = Table(title=title, show_header=False)
    table.add_row(tr(lang, "cli.batch.seen"), str(report.seen))
    table.add_row(tr(lang, "cli.batch.new"), str(report.new))
    for kind, n in sorted(report.by_kind().items()):
        table.add_row(f"  {kind.label(lang)}", str(n))
    for status, n in sorted(report.by_status().items()):
        table.add_row(tr(lang, "cli.batch.status", status=status), str(n))
    by_severity = report.by_severity()
    for severity in Severity:
        table.add_row(tr(lang, "cli.batch.findings", severity=severity),
                      str(by_severity.get(severity, 0)))
    console.print(table)
    if report.elsewhere:
        click.echo(tr(lang, "cli.batch.elsewhere", count=report.elsewhere))
    if report.receipts:
        queued = sum(1 for o in report.receipts if o.status == "pending")
        click.echo(tr(lang, "cli.notify.queued", count=queued))
    details = [o for o in report.outcomes if o.new and o.severities]
    if details:
        listing = Table()
        listing.add_column(tr(lang, "cli.batch.message"), overflow="fold", ratio=1)
        listing.add_column(tr(lang, "cli.batch.unit"), no_wrap=True)
        listing.add_column(tr(lang, "cli.batch.state"), no_wrap=True)
        listing.add_column(tr(lang, "cli.batch.problems"), overflow="fold", ratio=3)
        for o in details:
            sub = o.submission
            problems = "\n".join(f"{f.code} {f.text(lang)}" for f in sub.findings)
            listing.add_row(sub.subject or sub.message_id, sub.unit, o.status.label(lang),
                            problems)
        console.print(listing)

