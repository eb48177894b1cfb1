"""``pressdocs submissions list`` and ``pressdocs submissions show``: the office's inbox
(收件箱) and one submission in full, thin over :meth:`pressdocs.Pressdocs.submissions` and
:meth:`pressdocs.Pressdocs.submission_detail`."""

from __future__ import annotations

import re
from datetime import tzinfo
from typing import Any

import click
from rich.table import Table

from pressdocs._app import Pressdocs
from pressdocs._messages import render_value
from pressdocs._submissions import SubmissionDetail, SubmissionList
from pressdocs.cli.common import (
    OFFSET,
    PAGE_SIZE,
    YEAR,
    OneOf,
    _lang,
    common_options,
    pass_app,
    print_json,
    tr,
)
from pressdocs.cli.terminal import Terminal
from pressdocs.models import SubmissionStatus
from pressdocs.text.dates import office_day, office_time

__all__ = ["submissions_group"]

#: How many submissions ``list`` shows unless told (``--limit 0``: every one).
PAGE = 50


class Month(click.ParamType[tuple[int, int]]):
    """A month written YYYY-MM, as ``(year, month)``."""

    name = "month"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", str(value))
        if found is None or not 1 <= int(found[2]) <= 12:
            self.fail(tr(_lang(ctx), "cli.value.not_a_month", value=str(value)), param, ctx)
        return YEAR.convert(found[1], param, ctx), int(found[2])  # 2000–2100, as --year


@click.group("submissions")
def submissions_group() -> None:
    """收件箱：列出提交、查看一条提交的全部内容 / the inbox: list submissions, show one."""


@submissions_group.command("list")
@click.option("--status", type=OneOf([s.value for s in SubmissionStatus]), default=None,
              help="只列出此状态的提交（accepted、incomplete、rejected …）/ only this status.")
@click.option("--unit", default=None, help="只列出此单位的提交 / only this unit's submissions.")
@click.option("--month", type=Month(), default=None, metavar="YYYY-MM",
              help="只列出对应此月计划项目的提交 / only those matched to a plan item of this "
                   "month.")
@click.option("--limit", type=PAGE_SIZE, default=PAGE, show_default=True,
              help="最多列出几条（0 为全部）/ how many to list (0: all).")
@click.option("--offset", type=OFFSET, default=0,
              help="跳过最新的几条（翻页）/ skip this many of the newest (paging).")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def submissions_list(app: Pressdocs, status: str | None, unit: str | None,
                     month: tuple[int, int] | None, limit: int, offset: int,
                     as_json: bool) -> None:
    """列出提交，最新的在前 / list submissions, the newest first."""
    page = app.submissions(status=status, unit=unit, month=month, limit=limit or None,
                           offset=offset)
    lang = app.lang
    if as_json:
        print_json(page.to_dict(lang))
        return
    if not page.items:
        click.echo(tr(lang, "cli.submissions.none"))
        if page.total:
            click.echo(tr(lang, "cli.submissions.page", total=page.total, first=0, last=0))
        return
    Terminal().print(_list_table(lang, page, app.config.tz))
    last = offset + len(page.items)
    line = tr(lang, "cli.submissions.page", total=page.total, first=offset + 1, last=last)
    if last < page.total:
        line += tr(lang, "cli.submissions.more", next=last)
    click.echo(line)


def _list_table(lang: str, page: SubmissionList, tz: tzinfo) -> Table:
    def t(key: str, **params: Any) -> str:
        return tr(lang, f"cli.submissions.{key}", **params)

    table = Table(title=t("title"))
    table.add_column(t("received"), no_wrap=True)
    for key in ("sender", "unit", "subject"):
        table.add_column(t(key), overflow="fold", ratio=2 if key == "subject" else 1)
    for key in ("kind", "status", "plan", "findings", "id"):
        table.add_column(t(key), no_wrap=True)
    for s in page.items:
        plan = (t("plan_item", year=s.plan_year, number=s.plan_item)
                if s.plan_year is not None and s.plan_item is not None else "-")
        sender = s.sender_name or s.sender  # the address in full: submissions show
        cells = [render_value(office_time(s.received, tz), lang) if s.received else t("unknown"),
                 sender or "-", s.unit or "-", s.subject or "-", s.kind.label(lang),
                 s.status.label(lang), plan,
                 t("finding_count", count=s.findings, errors=s.errors) if s.findings else "-",
                 s.id[:8]]
        table.add_row(*cells)  # the senders' words: no markup, controls escaped (Terminal)
    return table


@submissions_group.command("show")
@click.argument("submission_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def submissions_show(app: Pressdocs, submission_id: str, as_json: bool) -> None:
    """显示一条提交的全部内容（编号可只写开头几位）/ show everything about one submission
    (its id or the first characters of it)."""
    detail = app.submission_detail(submission_id)
    lang = app.lang
    if as_json:
        print_json(detail.to_dict(lang))
        return
    _show(lang, detail, app.config.tz)


def _show(lang: str, detail: SubmissionDetail, tz: tzinfo) -> None:
    def t(key: str, **params: Any) -> str:
        return tr(lang, f"cli.submissions.{key}", **params)

    def say(text: str = "", **style: Any) -> None:
        click.secho(text, **style)

    sub = detail.submission
    say(t("heading", id=sub.id), bold=True)
    say(t("subject_line", subject=sub.subject or "-"))
    sender = f"{sub.sender_name} <{sub.sender}>" if sub.sender_name else sub.sender
    say(t("from", sender=sender or "-"))
    moment = render_value(office_time(sub.received, tz), lang) if sub.received else t("unknown")
    say(t("when", moment=moment))
    if sub.source:
        say(t("source", source=sub.source))
    if detail.message is not None:
        m = detail.message
        say(t("ledger", ledger=m.id, size=m.size, sha256=m.sha256))
    say(t("what", unit=sub.unit or "-", kind=sub.kind.label(lang),
          status=sub.status.label(lang)))
    item = detail.plan_item
    if item is not None:
        line = t("matched", year=sub.plan_year, number=item.number, month=item.month,
                 topic=item.topic, venue=item.venue)
        if detail.plan_cancelled is not None:
            line += t("cancelled", reason=detail.plan_cancelled)
        say(line)
    else:
        say(t("no_plan"))
    if sub.corrects:
        say(t("corrects", id=sub.corrects))
    for later in detail.corrected_by:
        say(t("corrected_by", id=later), fg="yellow")

    if sub.documents:
        table = Table(title=t("documents"))
        for key in ("doc_name", "doc_kind", "doc_origin", "doc_size"):
            table.add_column(t(key), overflow="fold")
        for d in sub.documents:
            name = f"{d.path}" if d.path else d.name
            if d.problem is not None:
                name += "\n" + t("doc_problem", text=d.problem.text(lang))
            origin = tr(lang, f"cli.submissions.origin.{d.origin}", container=d.container) \
                if d.origin in _ORIGINS else d.origin
            table.add_row(name, d.kind.label(lang), origin, str(d.size))
        Terminal().print(table)

    reg = sub.registration
    if reg is not None:
        say(t("registration"), bold=True)
        person = " ".join(p for p in (reg.person_in_charge.name, reg.person_in_charge.position,
                                      reg.person_in_charge.phone) if p)
        when = render_value(office_time(reg.time, tz), lang) if reg.time else reg.time_text
        opinion = reg.approval_opinion
        if reg.approval_date is not None:
            opinion = f"{opinion} {render_value(reg.approval_date, lang)}".strip()
        for key, value in (("reg_title", reg.title), ("reg_organiser", reg.organiser),
                           ("reg_time", when), ("reg_venue", reg.venue),
                           ("reg_person", person), ("reg_opinion", opinion)):
            say("  " + t(key, value=value or "-"))
    if detail.release_chars is not None or detail.answer_chars:
        say(t("zishu"), bold=True)
        if detail.release_chars is not None:
            say("  " + t("release_chars", count=detail.release_chars))
        for number, count in enumerate(detail.answer_chars, 1):
            say("  " + t("answer_chars", number=number,
                         count=count if count is not None else "-"))
    if sub.statistics is not None:
        say(t("statistics", unit=sub.statistics.filing_unit or sub.unit or "-",
              rows=len(sub.statistics.rows)), bold=True)

    say(t("finding_list"), bold=True)
    if not sub.findings:
        say("  " + t("no_findings"))
    waived = {w.code: w for w in detail.waivers}
    for f in sub.findings:
        colour = {"error": "red", "warning": "yellow"}.get(f.severity.value)
        say(f"  {f.code} [{f.severity.label(lang)}] {f.text(lang)}", fg=colour)
        if f.clause:
            say("    " + t("clause", clause=f.clause))
        if f.code in waived:
            w = waived[f.code]
            say(tr(lang, "cli.review.waived_mark", note=w.note, by=w.by,
                   date=render_value(office_day(w.at, tz), lang)))

    if detail.history:
        say(t("history"), bold=True)
        for v in detail.history:
            codes = ", ".join(f.code for f in v.submission.findings) or "-"
            say("  " + t("version", saved=render_value(office_time(v.saved, tz), lang),
                         replaced=render_value(office_time(v.replaced, tz), lang),
                         status=v.submission.status.label(lang), codes=codes))


_ORIGINS = ("attachment", "inline", "body", "package", "link", "file")
