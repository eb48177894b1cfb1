"""``pressdocs watch``: take in a mailbox as mail arrives, until stopped (a service)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from dataclasses import replace

import click

from pressdocs._app import Pressdocs
from pressdocs._intake import MessageOutcome, Progress
from pressdocs._watch import IDLE_TIMEOUT, POLL, WatchEvent
from pressdocs.cli.common import (
    EXIT_INTERRUPTED,
    Number,
    Terminated,
    common_options,
    pass_app,
    printable,
    sigterm_raises,
    tr,
)

__all__ = ["watch_command"]


@click.command("watch")
@click.argument("source", required=False)
@click.option("--notify/--no-notify", "receipts", default=None,
              help="为每份新提交生成回执，由 notify 发送（默认按配置 [notify] receipts）/ queue a "
                   "receipt for each new submission (default: [notify] receipts).")
@click.option("--idle-timeout", type=Number(1, 29 * 60), default=int(IDLE_TIMEOUT),
              show_default=True,
              help="IDLE 每隔多少秒重新发出（RFC 2177 建议不超过 29 分钟）/ seconds before an "
                   "IDLE is renewed (RFC 2177: under 29 minutes).")
@click.option("--poll", type=Number(1, 3600), default=int(POLL), show_default=True,
              help="不支持 IDLE 时，每隔多少秒查看一次新邮件 / seconds between two looks at a "
                   "mailbox without IDLE.")
@click.option("--health", type=Number(1, 24 * 3600), default=600, show_default=True,
              help="每隔多少秒在日志中写一行运行状况 / seconds between two health lines in "
                   "the log.")
@click.option("--json-lines", "--jsonl", "as_jsonl", is_flag=True,
              help="每封新邮件一行 JSON（与 batch --jsonl 相同）/ one JSON line per new "
                   "message, as batch --jsonl writes them.")
@click.option("--allow-insecure-login", is_flag=True, default=False,
              help="允许在服务器不支持 STARTTLS 时以明文登录 imap://（不安全）/ allow a "
                   "clear-text login over imap:// when the server offers no STARTTLS "
                   "(insecure).")
@common_options
@pass_app
def watch_command(app: Pressdocs, source: str | None, receipts: bool | None,
                  idle_timeout: int, poll: int, health: int, as_jsonl: bool,
                  allow_insecure_login: bool) -> None:
    """监视邮箱，新邮件一到即收取 / watch a mailbox, taking in new mail as it arrives.

    Without SOURCE, the mailbox configured as ``[mail] imap`` in pressdocs.toml.  Runs
    until stopped: SIGTERM (``systemctl stop``) stops it cleanly with exit code 0, Ctrl-C
    with 130.  What it does is logged on stderr, one line each; each new message is one
    line on stdout (one JSON line with ``--json-lines``).
    """
    if allow_insecure_login:  # the same as [mail] allow_insecure_login = true, for this run
        app.config.mail["allow_insecure_login"] = True
    lang = app.lang
    committed: list[MessageOutcome] = []  # new messages, as each is committed
    events = app.watch(source, receipts=receipts, idle_timeout=idle_timeout, poll=poll,
                       health=health, progress=_progress(lang, as_jsonl, committed.append))
    last: WatchEvent | None = None
    stopped_by = ""
    with sigterm_raises(), contextlib.closing(events):
        try:
            for event in events:
                last = event
                _log(event, lang)
        except Terminated:
            stopped_by = "SIGTERM"
        except KeyboardInterrupt:
            stopped_by = "SIGINT"
    if not stopped_by:
        return
    # the watch has unwound by now: the message in hand rolled back, the connection closed
    click.echo(tr(lang, "watch.signal", signal=stopped_by), err=True)
    if last is not None:
        # counted here: a message committed just before the signal is in no event yet
        _log(WatchEvent("stopped", replace(last.health, state="stopped",
                                           processed=len(committed))), lang)
    if stopped_by == "SIGINT":  # a service stopped (SIGTERM) is a normal end: exit 0
        sys.exit(EXIT_INTERRUPTED)


def _log(event: WatchEvent, lang: str) -> None:
    """One line on stderr (the journal) for each event; a batch with no new mail says
    nothing beyond its messages' lines."""
    if event.kind == "batch" and event.report is not None and not event.report.new \
            and event.report.complete:
        return
    click.echo(printable(event.line().text(lang)), err=True)


def _progress(lang: str, as_jsonl: bool, then: Callable[[MessageOutcome], None]) -> Progress:
    """Each new message on stdout as soon as it is committed (duplicates say nothing)."""
    def progress(outcome: MessageOutcome) -> None:
        if not outcome.new:
            return
        then(outcome)
        if as_jsonl:
            click.echo(json.dumps(outcome.to_dict(lang), ensure_ascii=False))
            return
        sub = outcome.submission
        click.echo(tr(lang, "watch.message", subject=sub.subject or sub.message_id,
                      unit=sub.unit or "-", status=outcome.status.label(lang)))
    return progress
