"""``pressdocs demo [DIR]``: the main job on the sample that ships with pressdocs.

Thin over :func:`pressdocs.run_demo` (see :mod:`pressdocs._demo`): each step is said on
stderr as it starts, the summary (what was done, the paths written, the command that
opens the review desk) goes to stdout.  It uses a store, a configuration and the
built-in plugins of its own, in DIR: the office's ``--store`` and ``--config`` are left
alone, so they are not options here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from pressdocs.cli.common import OneOf, fail, settings_of, tr
from pressdocs.errors import PressdocsError

if TYPE_CHECKING:
    from pressdocs._demo import DemoReport

__all__ = ["demo_command"]


def _set_lang(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value is not None:
        settings_of(ctx).lang = value


def _set_debug(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value:
        settings_of(ctx).debug = True


@click.command("demo")
@click.argument("folder", default="pressdocs-demo", metavar="[DIR]")
@click.option("--lang", type=OneOf(["zh", "en"]), default=None, expose_value=False,
              is_eager=True, callback=_set_lang,
              help="输出语言 / output language (default: zh, or PRESSDOCS_LANG).")
@click.option("--debug", is_flag=True, default=None, expose_value=False, callback=_set_debug,
              help="出错时显示 Python 调用栈 / show the Python traceback of an error.")
def demo_command(folder: str) -> None:
    """用内置示例演示全部流程（不联网，无需配置）/ the whole job on a built-in sample.

    Writes into DIR (default ./pressdocs-demo): a sample mailbox (Maildir) of mail
    from several units, the store, the outbox and the exported reports; then says how
    to open the review desk on it.  DIR must be empty, new, or an earlier demo's.
    """
    from pressdocs._demo import run_demo
    from pressdocs.models import Message

    lang = settings_of().output_lang()

    def step(message: Message) -> None:
        click.secho(f"== {message.text(lang)}", err=True, dim=True)

    try:
        report = run_demo(folder, lang=lang, step=step)
    except PressdocsError as exc:
        fail(exc, lang)
    for line in summary(report, lang):
        click.echo(line)


def summary(report: DemoReport, lang: str) -> list[str]:
    """The lines the command prints about a :class:`~pressdocs.DemoReport`."""
    from pressdocs._demo import DEMO_DAY
    from pressdocs.models import SubmissionStatus

    lines = [tr(lang, "cli.demo.done", folder=str(report.folder))]
    if report.reused:
        lines.append(tr(lang, "cli.demo.reused"))
    lines.append(tr(lang, "cli.demo.mailbox", count=report.messages, units=report.units,
                    folder=str(report.mail)))
    if not report.legacy_doc:
        lines.append(tr(lang, "cli.note", text=tr(lang, "cli.demo.no_libreoffice")))
    lines.append(tr(lang, "cli.demo.plan", year=report.plan_year, items=report.plan_items,
                    spam=report.plan_findings.count("PD501")))
    statuses = [tr(lang, "cli.demo.status", label=status.label(lang), count=count)
                for status, count in report.statuses.items()
                if status is not SubmissionStatus.UNRELATED]
    lines.append(tr(lang, "cli.demo.intake", count=report.submissions, statuses=statuses,
                    unrelated=report.statuses.get(SubmissionStatus.UNRELATED, 0)))
    lines.append(tr(lang, "cli.demo.notices", receipts=report.notices.get("receipt", 0),
                    corrections=report.notices.get("correction", 0),
                    folder=str(report.outbox)))
    lines.append(tr(lang, "cli.demo.review", reviewer=report.reviewer,
                    approved=report.approved.submission.subject,
                    returned=report.returned.submission.subject))
    lines.append(tr(lang, "cli.demo.exports", day=DEMO_DAY))
    exports = report.exports
    lines += [tr(lang, "cli.demo.stats", period=f"{DEMO_DAY.year}H1", path=str(exports["stats"])),
              tr(lang, "cli.demo.plan_status", path=str(exports["plan"])),
              tr(lang, "cli.demo.submissions", path=str(exports["submissions"])),
              tr(lang, "cli.demo.record", path=str(exports["record"])),
              tr(lang, "cli.demo.dashboard", path=str(exports["dashboard"])),
              tr(lang, "cli.demo.serve", command=report.serve_command),
              tr(lang, "cli.demo.account", name=report.reviewer, password=report.password)]
    if not report.web:
        lines.append(tr(lang, "cli.demo.no_web"))
    return lines
