"""``pressdocs review`` and ``pressdocs audit``: the review desk (审核) on the command
line — approve, return or waive, and read the audit trail (审计记录)."""

from __future__ import annotations

from datetime import datetime

import click
from rich.table import Table

from pressdocs._app import Pressdocs
from pressdocs._messages import render_value
from pressdocs._review import Review
from pressdocs.cli.common import DAY, common_options, pass_app, print_json, tr
from pressdocs.cli.terminal import Terminal
from pressdocs.store import AuditEntry
from pressdocs.text.dates import office_day, office_time

__all__ = ["audit_command", "review_group"]

_AS = click.option("--as", "by", default=None, metavar="NAME",
                   help="以谁的名义（默认当前系统用户）/ the account deciding (default: the OS user).")


@click.group("review")
def review_group() -> None:
    """审核提交：审批同意、退回补正、豁免核查结果 / approve, return, waive."""


@review_group.command("approve")
@click.argument("submission")
@click.option("--opinion", default=None, help="审批意见（默认“同意”）/ the opinion (default: approved).")
@_AS
@common_options
@pass_app
def review_approve(app: Pressdocs, submission: str, opinion: str | None, by: str | None) -> None:
    """审批同意一条提交（编号可只写前几位）/ approve a submission (id or its first characters)."""
    review = app.approve(submission, opinion=opinion, by=by)
    decision = review.decision
    assert decision is not None
    click.echo(tr(app.lang, "cli.review.approved", submission=review.submission.id[:12],
                  unit=review.submission.unit or "-", opinion=decision.opinion,
                  date=render_value(decision.decided_on, app.lang), by=decision.by))


@review_group.command("return")
@click.argument("submission")
@click.option("--reason", "reasons", multiple=True,
              help="退回原因（必填，可写多条）/ why it is returned (required, repeatable).")
@click.option("--no-findings", is_flag=True,
              help="补正通知中不列核查结果 / leave the findings out of the notice.")
@_AS
@common_options
@pass_app
def review_return(app: Pressdocs, submission: str, reasons: tuple[str, ...], no_findings: bool,
                  by: str | None) -> None:
    """退回补正，并排队补正通知 / return a submission and queue its correction request."""
    review = app.return_submission(submission, reasons=reasons, keep_findings=not no_findings,
                                   by=by)
    decision = review.decision
    assert decision is not None
    click.echo(tr(app.lang, "cli.review.returned", submission=review.submission.id[:12],
                  unit=review.submission.unit or "-", reasons=decision.opinion))
    queued = len(review.notices.outcomes) if review.notices else 0
    click.echo(tr(app.lang, "cli.review.queued", count=queued))


@review_group.command("waive")
@click.argument("submission")
@click.argument("code")
@click.option("--note", default="", help="豁免理由（必填）/ why it is waived (required).")
@_AS
@common_options
@pass_app
def review_waive(app: Pressdocs, submission: str, code: str, note: str, by: str | None) -> None:
    """对一条提交豁免某项核查结果（原则上的限制）/ waive a finding for one submission."""
    review = app.waive(submission, code, note=note, by=by)
    waiver = review.waivers[code.strip().upper()]
    click.echo(tr(app.lang, "cli.review.waived", submission=review.submission.id[:12],
                  code=waiver.code, note=waiver.note, by=waiver.by))


@review_group.command("show")
@click.argument("submission")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def review_show(app: Pressdocs, submission: str, as_json: bool) -> None:
    """一条提交的审核状态、核查结果（含豁免）和审核记录 / a submission's review state."""
    review = app.review(submission)
    if as_json:
        print_json(review.to_dict(app.lang))
    else:
        _show(review, app)


def _show(review: Review, app: Pressdocs) -> None:
    lang, sub = app.lang, review.submission
    click.echo(tr(lang, "cli.review.state", submission=sub.id[:12], unit=sub.unit or "-",
                  state=review.state.label(lang)))
    if review.decision is not None:
        d = review.decision
        click.echo(tr(lang, "cli.review.decision", opinion=d.opinion,
                      date=render_value(d.decided_on, lang), by=d.by))
    for finding in sub.findings:
        click.echo(tr(lang, "cli.review.finding", code=finding.code, text=finding.text(lang)))
        waiver = review.waivers.get(finding.code)
        if waiver is not None:
            click.echo(tr(lang, "cli.review.waived_mark", note=waiver.note, by=waiver.by,
                          date=render_value(office_day(waiver.at, app.config.tz), lang)))
    if review.history:
        click.echo(tr(lang, "cli.review.history"))
        _audit_table(review.history, app)


@click.command("audit")
@click.option("--since", type=DAY, default=None,
              help="从哪一天起（YYYY-MM-DD）/ from this day on.")
@click.option("--subject", default=None, help="只看某条提交或计划项（plan:2021:3）/ about this.")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def audit_command(app: Pressdocs, since: datetime | None, subject: str | None,
                  as_json: bool) -> None:
    """审计记录：谁在何时做了什么决定 / the audit trail: who decided what, when."""
    start = since.replace(tzinfo=app.config.tz) if since is not None else None
    entries = app.audit(start, subject=subject)
    if as_json:
        print_json({"entries": [e.to_dict(app.lang) for e in entries]})
        return
    _audit_table(entries, app)


def _audit_table(entries: list[AuditEntry], app: Pressdocs) -> None:
    lang = app.lang
    table = Table(title=tr(lang, "cli.audit.title", count=len(entries)))
    for key in ("cli.audit.at", "cli.audit.actor", "cli.audit.action", "cli.audit.subject",
                "cli.audit.change"):
        table.add_column(tr(lang, key), no_wrap=True)
    table.add_column(tr(lang, "cli.audit.text"), overflow="fold")
    for e in entries:
        subject = e.subject[:12] if len(e.subject) == 64 else e.subject
        change = f"{e.previous} → {e.state}" if e.previous != e.state else e.state
        table.add_row(render_value(office_time(e.at, app.config.tz), lang), e.actor,
                      e.to_dict(lang)["action_label"], subject, change, e.text)
    Terminal().print(table)
