"""Notices to units and to the office, through a durable outbox in the store.

What pressdocs tells people (each a :class:`pressdocs.Notice`, rendered from a Jinja2
template in the notice's language, ``pressdocs/templates/<type>.<lang>.j2``, which a
``[notify] templates`` folder may override file by file):

- **receipt** (回执) for each processed submission: what arrived, the findings in plain
  words with the notice's clause, what to do, the deadline that applies;
- **correction** (请补正): a submission with errors, returned to its unit;
- **reminders** (提醒), queued by :meth:`Notifier.reminders` for a day: a planned
  conference whose month is near and not registered (``remind_register``), a registered
  one with no materials by the day before (``remind_materials``), the statistics table
  due on 06-30 and 12-30 (``remind_statistics``), a planned conference past its grace
  month (``remind_delayed``);
- **digest** (汇总) for the office: what arrived, what is incomplete, overdue, delayed.

Every notice is rendered once and **stored before it is sent** (the payload sent is the
payload stored), one per recipient and channel, under an idempotency key (what it is about
+ type + period + channel + recipient): queueing it again changes nothing, and a notice
is sent once even when a run is repeated or killed — one killed while the channel had it
stays ``sending`` for a person to decide, never sent twice.  Transient failures are tried
again later (backoff), permanent ones keep the server's answer; each channel is paced
(``[notify.<channel>] per_minute``).  A unit with no address on a channel is an entry of
its own in the report (``no_recipient``), never a silent skip.

Recipients come from the unit directory (``[units."…"] emails``/``mobiles``), the person
in charge on the registration form (their mobile, for SMS), and for a receipt the address
the message came from.  ``[notify] channels`` names the channels (default: ``outbox``, so
nothing leaves the machine until a real channel is configured).
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pressdocs.errors import ChannelError, ConfigError
from pressdocs.models import (
    DocumentKind,
    Finding,
    Message,
    Notice,
    Severity,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)
from pressdocs.text.dates import office_day, office_time

if TYPE_CHECKING:
    import jinja2

    from pressdocs._app import Pressdocs
    from pressdocs.capabilities import Channel, Delivery

__all__ = ["NOTICE_TYPES", "NoticeOutcome", "Notifier", "NotifyReport"]

#: The kinds of notice, by template name.
NOTICE_TYPES = ("receipt", "correction", "remind_register", "remind_materials",
                "remind_statistics", "remind_delayed", "digest")
#: How long a failed notice waits before its next try: doubling from a minute, at most 6 h.
_BACKOFF = (timedelta(minutes=1), timedelta(hours=6))


@dataclass
class NoticeOutcome:
    """One notice and where it stands: ``pending`` (queued, or would be sent in a dry run),
    ``sent``, ``failed`` (tried again later), ``abandoned``, ``skipped`` (queued or sent
    before under the same key), or ``no_recipient`` (nobody to send it to on that channel)."""

    notice: Notice
    status: str
    detail: str = ""

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """One notice as ``pressdocs notify --json`` lists it (schema ``notify``)."""
        return {**self.notice.listing(), "status": self.status,
                "status_label": Message.of(f"notify.status.{self.status}").text(lang),
                "detail": self.detail}


@dataclass
class NotifyReport:
    """What queueing or sending did: one outcome per notice."""

    outcomes: list[NoticeOutcome] = field(default_factory=list)
    dry_run: bool = False

    def by_status(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        return counts

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The ``pressdocs notify --json`` report (schema ``notify``)."""
        return {"dry_run": self.dry_run, "by_status": self.by_status(),
                "notices": [o.to_dict(lang) for o in self.outcomes]}


class Notifier:
    """Builds, queues and sends the notices of one office (see the module docstring)."""

    def __init__(self, app: Pressdocs) -> None:
        self.app = app

    # --- settings ------------------------------------------------------------------------

    @cached_property
    def settings(self) -> dict[str, Any]:
        """The ``[notify]`` table of the configuration."""
        return dict(self.app.config.notify)

    @cached_property
    def channels(self) -> list[str]:
        """The channels notices go out by: ``[notify] channels``, by default the outbox, so
        that nothing leaves the machine until a real channel is chosen.

        :class:`pressdocs.ConfigError` for a value that names no channel, or a channel
        no loaded plugin has (with the nearest one)."""
        from pressdocs._messages import did_you_mean
        from pressdocs.builtin.channel_outbox import DEFAULT_CHANNEL
        from pressdocs.capabilities import Channel

        value = self.settings.get("channels", [DEFAULT_CHANNEL])
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or \
                not all(isinstance(n, str) and n.strip() for n in names):
            raise ConfigError.of("notify.bad_channels", value=str(value))
        known = sorted(c.name for c in self.app.plugins.registry.of(Channel))
        for name in names:
            if name.strip() not in known:
                raise ConfigError.of("notify.unknown_channel", channel=name, known=known,
                                     suggestion=did_you_mean(name, known))
        return list(dict.fromkeys(n.strip() for n in names))

    @property
    def lang(self) -> str:
        """The language notices are written in (``[notify] lang``, default Chinese)."""
        return "en" if str(self.settings.get("lang", "zh")).startswith("en") else "zh"

    @cached_property
    def templates(self) -> jinja2.Environment:
        """Jinja2 templates: the ``[notify] templates`` folder first, then the built-in ones."""
        import jinja2

        loaders: list[jinja2.BaseLoader] = []
        folder = self.settings.get("templates")
        if folder:
            loaders.append(jinja2.FileSystemLoader(str(folder)))
        loaders.append(jinja2.PackageLoader("pressdocs", "templates"))
        return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=False,
                                  keep_trailing_newline=True, trim_blocks=True,
                                  lstrip_blocks=True, undefined=jinja2.StrictUndefined)

    # --- what to tell --------------------------------------------------------------------

    def receipts(self, submissions: Iterable[Submission]) -> list[Notice]:
        """A receipt for each submission (mail that is not a submission gets none)."""
        return [n for sub in submissions if sub.kind is not SubmissionKind.UNRELATED
                for n in self._about(sub, "receipt", self._submission_context(sub))]

    def correction(self, submission: Submission) -> list[Notice]:
        """A correction request for a submission with errors (none when it has none)."""
        if not any(f.severity is Severity.ERROR for f in submission.findings):
            return []
        return self._about(submission, "correction", self._submission_context(submission))

    def returned(self, submission: Submission, reasons: list[str], findings: list[Finding],
                 *, period: str) -> list[Notice]:
        """The correction request of a submission a reviewer returned: the reasons given,
        then the findings kept (``period`` tells one return from a later one)."""
        context = self._submission_context(submission)
        context["reasons"] = reasons
        context["findings"] = [{"code": f.code, "severity": f.severity.label(self.lang),
                                "text": f.text(self.lang), "clause": f.clause}
                               for f in findings]
        fallback = [submission.sender] if submission.sender else []
        person = submission.registration.person_in_charge.phone \
            if submission.registration else ""
        sms = {"unit": _short(submission.unit), "status": submission.status.label(self.lang),
               "count": str(len(reasons) + len(findings))}
        return self._notices("correction", submission.id[:16], submission.unit, context,
                             period=period, submission_id=submission.id, fallback=fallback,
                             mobile=person, sms=sms)

    def reminders(self, as_of: date) -> list[Notice]:
        """The reminders due on ``as_of`` (see the module docstring)."""
        from pressdocs._reminders import due_reminders

        found = []
        for reminder in due_reminders(self.app, as_of):
            context = self._base() | {"unit": reminder.unit,
                                      "what": reminder.what.text(self.lang),
                                      "text": reminder.text.text(self.lang),
                                      "due": _day(reminder.due, self.lang)}
            found += self._notices(reminder.type, reminder.ref, reminder.unit, context,
                                   period=reminder.period,
                                   sms={"unit": _short(reminder.unit),
                                        "date": _sms_day(reminder.due, self.lang)})
        return found

    def digest(self, since: datetime | None, as_of: date) -> list[Notice]:
        """The office's digest of what arrived from ``since`` to the end of ``as_of``;
        without ``since``, from the day after the last digest's (else a week back)."""
        from pressdocs._reports import plan_report
        from pressdocs.rules.plan_status import PlanState

        store, lang, tz = self.app.store, self.lang, self.app.config.tz
        if since is None:
            last = self.last_digest()
            start = last + timedelta(days=1) if last is not None else as_of - timedelta(days=7)
            since = datetime.combine(min(start, as_of), datetime.min.time(), tzinfo=tz)
        end = datetime.combine(as_of, datetime.max.time(), tzinfo=tz)
        arrived = store.submissions(since=since, until=end)
        statuses = []
        if store.plan_years():
            statuses = plan_report(store, self.app.config, as_of=as_of).items
        items = [{"number": s.item.number, "topic": s.item.topic,
                  "units": "、".join(s.item.units) if lang == "zh" else ", ".join(s.item.units),
                  "state": s.state_text(lang), "deadline": _day(s.deadline, lang)}
                 for s in statuses]
        context = self._base() | {
            "since": _day(office_day(since, tz), lang), "as_of": _day(as_of, lang),
            "arrived": [self._brief(s) for s in arrived],
            "incomplete": [self._brief(s) for s in arrived
                           if s.status is SubmissionStatus.INCOMPLETE],
            "overdue": [i for i, s in zip(items, statuses, strict=True)
                        if s.state is PlanState.OVERDUE],
            "delayed": [i for i, s in zip(items, statuses, strict=True)
                        if s.state is PlanState.DELAYED],
        }
        office = self.settings.get("office", [self.app.config.office_mailbox])
        recipients = [office] if isinstance(office, str) else [str(a) for a in office]
        period = f"{office_day(since, tz).isoformat()}..{as_of.isoformat()}"
        by_mail = [c for c in self.channels if self._reaches(c) == "email"] or ["outbox"]
        return self._notices("digest", "office", self.app.config.office, context,
                             period=period, to=recipients, channels=by_mail[:1])

    # --- the outbox ----------------------------------------------------------------------

    def queue(self, notices: Iterable[Notice]) -> NotifyReport:
        """Store each notice before anything is sent; one already stored is ``skipped``,
        one with nobody to send to is stored as abandoned and reported ``no_recipient``."""
        from pressdocs.store import DeliveryStatus

        report = NotifyReport()
        store = self.app.store
        for notice in notices:
            with store.transaction():
                if not store.record_notice(notice):
                    report.outcomes.append(NoticeOutcome(notice, "skipped"))
                elif not notice.recipients and self._reaches(notice.channel) != "group":
                    reason = Message.of("notify.no_recipient", unit=notice.unit or "-",
                                        channel=notice.channel)
                    store.set_delivery(notice.key, DeliveryStatus.ABANDONED, reason.zh)
                    report.outcomes.append(NoticeOutcome(notice, "no_recipient",
                                                         reason.text(self.app.lang)))
                else:
                    report.outcomes.append(NoticeOutcome(notice, "pending"))
        return report

    def preview(self, notices: Iterable[Notice]) -> NotifyReport:
        """What :meth:`queue` would do with ``notices``, storing nothing (a dry run)."""
        report = NotifyReport(dry_run=True)
        for notice in notices:
            if self.app.store.notice_record(notice.key) is not None:
                report.outcomes.append(NoticeOutcome(notice, "skipped"))
            elif not notice.recipients and self._reaches(notice.channel) != "group":
                reason = Message.of("notify.no_recipient", unit=notice.unit or "-",
                                    channel=notice.channel)
                report.outcomes.append(NoticeOutcome(notice, "no_recipient",
                                                     reason.text(self.app.lang)))
            else:
                report.outcomes.append(NoticeOutcome(notice, "pending"))
        return report

    def last_digest(self) -> date | None:
        """The last day covered by the office's latest digest, if one was queued."""
        ends = [r.notice.key.split(":")[2].rpartition("..")[2]
                for r in self.app.store.notice_records(unit=self.app.config.office)
                if r.notice.template == "digest"]
        return date.fromisoformat(max(ends)) if ends else None

    def send_pending(self, *, dry_run: bool = False, channel: str | None = None) -> NotifyReport:
        """Send what is pending (or due again after a failure); a dry run lists it and
        changes nothing."""
        from pressdocs.capabilities import Channel
        from pressdocs.events import NoticeSent

        app, store = self.app, self.app.store
        report = NotifyReport(dry_run=dry_run)
        paced: dict[str, float] = {}
        for notice in store.pending_notices():
            if channel is not None and notice.channel != channel:
                continue
            if dry_run:
                report.outcomes.append(NoticeOutcome(notice, "pending"))
                continue
            found = app.plugins.registry.get(Channel, notice.channel)
            if found is None:
                why = Message.of("app.no_channel", channel=notice.channel)
                report.outcomes.append(NoticeOutcome(notice, "failed", why.text(app.lang)))
                continue
            if not store.take_notice(notice.key):
                continue  # another notify run on the store took it meanwhile
            self._pace(found, paced)
            delivery = self._send(found, notice)
            attempts = self._attempts(notice.key)
            retry = datetime.now(UTC) + min(_BACKOFF[0] * 2 ** max(attempts, 0), _BACKOFF[1])
            store.set_delivery(notice.key, delivery.status, delivery.detail,
                               retry_at=retry if delivery.status == "failed" else None)
            app.emit(NoticeSent(notice=notice, delivery=delivery))
            report.outcomes.append(NoticeOutcome(notice, delivery.status, delivery.detail))
        return report

    def send_now(self, notice: Notice) -> Delivery:
        """Queue ``notice`` and send it at once (:meth:`pressdocs.Pressdocs.send`)."""
        from pressdocs.capabilities import Channel, Delivery
        from pressdocs.events import NoticeSent

        app, store = self.app, self.app.store
        found = app.plugins.registry.get(Channel, notice.channel)
        if found is None:
            raise ChannelError.of("app.no_channel", channel=notice.channel)
        store.record_notice(notice)
        if not store.take_notice(notice.key):  # sent, or being sent by another process
            return Delivery("skipped")
        delivery = self._send(found, notice)
        store.set_delivery(notice.key, delivery.status, delivery.detail)
        app.emit(NoticeSent(notice=notice, delivery=delivery))
        return delivery

    # --- inside ----------------------------------------------------------------------------

    def _send(self, channel: Any, notice: Notice) -> Delivery:
        """The channel's answer; an error it raises is a failure worth trying again."""
        from pressdocs.capabilities import Delivery

        try:
            delivery: Delivery = channel.send(notice, self.app.context(channel,
                                                                       store=self.app.store))
        except ChannelError as exc:
            return Delivery("failed", exc.render("zh"))
        if delivery.status not in ("sent", "failed", "abandoned"):
            return Delivery("failed", f"channel answered {delivery.status!r}")
        return delivery

    def _attempts(self, key: str) -> int:
        record = self.app.store.notice_record(key)
        return record.attempts if record is not None else 0

    def _pace(self, channel: Channel, last: dict[str, float]) -> None:
        """Keep to ``[notify.<channel>] per_minute``, else the channel's own ``per_minute``
        (163 limits a mailbox's sending; group bots take about 20 a minute)."""
        table = self.settings.get(channel.name, {})
        rate = table.get("per_minute") if isinstance(table, dict) else None
        rate = rate if rate is not None else channel.per_minute
        if rate:
            wait = last.get(channel.name, -1e9) + 60.0 / float(rate) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        last[channel.name] = time.monotonic()

    def _about(self, sub: Submission, kind: str, context: dict[str, Any]) -> list[Notice]:
        """The notices about ``sub``: to its unit's addresses, else (for a receipt) to the
        address it came from; the person in charge's mobile for SMS."""
        fallback = [sub.sender] if sub.sender else []
        person = sub.registration.person_in_charge.phone if sub.registration else ""
        sms = {"unit": _short(sub.unit), "status": sub.status.label(self.lang),
               "count": str(sum(1 for f in sub.findings if f.severity is Severity.ERROR))}
        return self._notices(kind, sub.id[:16], sub.unit, context, period="-",
                             submission_id=sub.id, fallback=fallback,
                             mobile=person, sms=sms)

    def _notices(self, kind: str, ref: str, unit: str, context: dict[str, Any], *,
                 period: str, submission_id: str = "", fallback: list[str] | None = None,
                 mobile: str = "", to: list[str] | None = None,
                 channels: list[str] | None = None,
                 sms: dict[str, str] | None = None) -> list[Notice]:
        """One rendered notice per channel and recipient (one with no recipient, so that
        the gap is reported)."""
        payload = self._render(kind, context)
        if sms is not None:
            payload["sms"] = sms
        notices = []
        for channel in channels or self.channels:
            recipients = to if to is not None else \
                self._recipients(unit, channel, fallback or [], mobile)
            for recipient in recipients or [""]:
                notices.append(Notice(
                    key=":".join((kind, ref, period, channel, recipient or unit)), channel=channel,
                    recipients=[recipient] if recipient else [], template=kind,
                    context=payload, unit=unit, submission_id=submission_id, lang=self.lang))
        return notices

    def _recipients(self, unit: str, channel: str, fallback: list[str],
                    mobile: str) -> list[str]:
        """The unit's addresses on ``channel`` (normalised, invalid ones left out)."""
        found = self.app.config.find_unit(unit) if unit else None
        reaches = self._reaches(channel)
        if reaches == "email":
            raw = (found.all_emails() if found is not None else []) or fallback
            return list(dict.fromkeys(a for a in (_email(x) for x in raw) if a))
        if reaches == "mobile":
            raw = [*(found.all_mobiles() if found is not None else []),
                   *([mobile] if mobile else [])]
            return list(dict.fromkeys(m for m in (_mobile(x) for x in raw) if m))
        # a group channel: the groups [notify.<channel>] recipients names; none, and the
        # channel routes the notice by its own settings (an Apprise plugin's URLs)
        table = self.settings.get(channel, {})
        groups = table.get("recipients", []) if isinstance(table, dict) else []
        return [str(g) for g in groups]

    def _reaches(self, channel: str) -> str:
        """What the channel's recipients are (:attr:`pressdocs.Channel.reaches`)."""
        from pressdocs.capabilities import Channel

        found = self.app.plugins.registry.get(Channel, channel)
        return found.reaches if found is not None else "group"

    def _render(self, kind: str, context: dict[str, Any]) -> dict[str, Any]:
        """The payload: subject, text and HTML, from the notice type's template."""
        import jinja2

        name = "reminder" if kind.startswith("remind_") else kind
        try:
            template = self.templates.get_template(f"{name}.{self.lang}.j2")
            ctx = template.new_context(context)
            subject = "".join(template.blocks["subject"](ctx)).strip()
            text = "".join(template.blocks["text"](ctx)).strip() + "\n"
            html_blocks = template.blocks.get("html")
            body = "".join(html_blocks(ctx)) if html_blocks else _html(text)
        except (jinja2.TemplateError, KeyError) as exc:
            raise ConfigError.of("notify.bad_template", template=f"{name}.{self.lang}.j2",
                                 error=str(exc)) from exc
        return {"subject": subject, "text": text, "html": body}

    def _base(self) -> dict[str, Any]:
        config = self.app.config
        return {"office": config.office, "mailbox": config.office_mailbox, "city": config.city}

    def _submission_context(self, sub: Submission) -> dict[str, Any]:
        lang, config = self.lang, self.app.config
        by_kind: dict[str, list[str]] = {}
        for doc in sub.documents:
            if doc.kind is not DocumentKind.PACKAGE:
                by_kind.setdefault(doc.kind.label(lang), []).append(doc.name)
        findings = [{"code": f.code, "severity": f.severity.label(lang), "text": f.text(lang),
                     "clause": f.clause} for f in sub.findings]
        errors = [f for f in sub.findings if f.severity is Severity.ERROR]
        todo = [Message.of("notify.todo_correct", mailbox=config.office_mailbox).text(lang)] \
            if errors else []
        deadline = self._deadline(sub)
        return self._base() | {
            "unit": sub.unit,
            "submission": {"subject": sub.subject, "kind": sub.kind.label(lang),
                           "status": sub.status.label(lang),
                           "received": _moment(sub.received, config.tz, lang)},
            "documents": sorted(by_kind.items()), "findings": findings, "todo": todo,
            "deadline": deadline.text(lang) if deadline is not None else "",
            "reasons": [],
        }

    def _deadline(self, sub: Submission) -> Message | None:
        """The deadline that applies next: the materials' for a registration, the
        conference for a package, the next filing day for a statistics table."""
        from pressdocs.rules.deadlines import materials_due, statistics_due

        config = self.app.config
        reg = sub.registration
        if reg is not None and reg.time is not None:
            day = office_day(reg.time, config.tz)
            if sub.materials is None:
                return Message.of("notify.deadline_materials",
                                  due=materials_due(day, config), conference=reg.time)
            return Message.of("notify.deadline_conference", conference=reg.time)
        if sub.statistics is not None and sub.received is not None:
            due = statistics_due(office_day(sub.received, config.tz),
                                 config.deadlines.statistics_due)
            return Message.of("notify.deadline_statistics", due=due)
        return None

    def _brief(self, sub: Submission) -> dict[str, Any]:
        lang = self.lang
        return {"received": _moment(sub.received, self.app.config.tz, lang), "unit": sub.unit,
                "kind": sub.kind.label(lang), "status": sub.status.label(lang),
                "subject": sub.subject, "codes": sorted({f.code for f in sub.findings})}


def _day(value: date | None, lang: str) -> str:
    from pressdocs._messages import render_value

    return render_value(value, lang) if value is not None else ""


def _moment(value: datetime | None, tz: Any, lang: str) -> str:
    from pressdocs._messages import render_value

    return render_value(office_time(value, tz), lang) if value is not None else ""


def _sms_day(value: date | None, lang: str) -> str:
    """A day as an SMS variable, short: ``6月30日`` (``30 June``)."""
    from pressdocs._messages import render_text

    if value is None:
        return ""
    return render_text("notify.sms_day", {"month": value.month, "day": value.day}, lang)


def _short(text: str, limit: int = 12) -> str:
    """An SMS variable: on one line, within the shorter provider limit (Tencent: 12)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _html(text: str) -> str:
    """The plain text as simple HTML, for mail clients that show only HTML."""
    paragraphs = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>"
                         for p in text.split("\n\n") if p.strip())
    return f'<html><body style="font-family: sans-serif">{paragraphs}</body></html>'


def _email(address: str) -> str:
    """The address normalised, or "" when it is not a deliverable address's form."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return str(validate_email(address.strip(), check_deliverability=False).normalized)
    except EmailNotValidError:
        return ""


def _mobile(number: str) -> str:
    """A mainland mobile number in E.164 (+8613905531234), or "" for anything else."""
    from pressdocs.text import parse_phone

    try:
        phone = parse_phone(number)
    except ValueError:
        return ""
    return phone.e164 if phone is not None and phone.kind == "mobile" else ""

