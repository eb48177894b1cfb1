"""Rules on the statistics table (统计表, 附件3): PD401–PD405.

- PD401 the table arrived after its filing day (06-30 / 12-30, ``[deadlines]
  statistics_due``).  Which filing it is comes from its rows: the first filing day on or
  after the last conference it lists (or its 填表日期 when no row has a date);
- PD402 a row leaves a column empty (one finding per row, naming the columns);
- PD403 a conference the unit registered with the office in the period is missing from
  the table, or a row of the table was never registered.  The reverse check applies only
  to units that register their conferences (at least one registration in the period):
  counties and development zones organise theirs themselves (自行组织实施) and only
  report them here;
- PD404 with the year's last table: none of the year's conferences in the unit's tables
  and registrations had its head (主要负责同志) among the speakers
  (:mod:`pressdocs.rules.heads` says how a head is recognised);
- PD405 the filer's contact (填表人联系方式) is missing, or is neither a phone number nor
  an email address (syntax only; nothing is looked up).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email

from pressdocs.capabilities import Context
from pressdocs.models import (
    DocumentKind,
    Finding,
    Message,
    Severity,
    StatisticsReport,
    StatisticsRow,
    Submission,
)
from pressdocs.rules.catalogue import CLAUSES, Rule, document_name, local, short
from pressdocs.rules.deadlines import filing_days, reporting_period, statistics_due
from pressdocs.rules.heads import (
    appearances_from_registrations,
    appearances_from_statistics,
    heads_without_conference,
)
from pressdocs.rules.ledger import earlier_submissions
from pressdocs.rules.matching import same_unit
from pressdocs.rules.reconcile import reconcile
from pressdocs.text import find_phones

__all__ = [
    "FilerContact",
    "HeadAttendance",
    "RegisteredVersusReported",
    "StatisticsOnTime",
    "StatisticsRowsComplete",
    "reference_day",
    "valid_contact",
]


def reference_day(report: StatisticsReport) -> date | None:
    """The day that decides which filing a table is: its last conference, else its
    filing date; ``None`` when it gives neither."""
    days = [row.held_on for row in report.rows if row.held_on is not None]
    return max(days) if days else report.filing_date


def _table(sub: Submission) -> str:
    return document_name(sub, DocumentKind.STATISTICS)


class StatisticsOnTime(Rule):
    """PD401: the table arrived by its filing day."""

    code = "PD401"
    severity = Severity.WARNING
    clause = CLAUSES["statistics_due"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        report, received = submission.statistics, submission.received
        if report is None or received is None:
            return []
        day = reference_day(report)
        if day is None:
            return []
        due = statistics_due(day, context.config.deadlines.statistics_due)
        got = local(received, context.config).date()
        if got <= due:
            return []
        return [self.finding("late", received=got, due=due, late=(got - due).days,
                             document=_table(submission), field="statistics.filing_date")]


def _missing_columns(row: StatisticsRow) -> list[Message]:
    """The columns of a row that are empty, each named by its entry of ``[PD402]``."""
    missing = []
    if row.held_on is None:
        missing.append(Message.of("PD402.column_held_on_unreadable", text=row.held_on_text)
                       if row.held_on_text.strip() else Message.of("PD402.column_held_on"))
    for value, column in ((row.venue, "venue"), (row.unit, "unit"), (row.topic, "topic")):
        if not value.strip():
            missing.append(Message.of(f"PD402.column_{column}"))
    if not row.media:
        missing.append(Message.of("PD402.column_media"))
    if not row.speakers:
        missing.append(Message.of("PD402.column_speakers"))
    else:
        if any(not s.name.strip() for s in row.speakers):
            missing.append(Message.of("PD402.column_speaker_name"))
        if any(not s.position.strip() for s in row.speakers):
            missing.append(Message.of("PD402.column_speaker_position"))
    if row.questions_allowed is None:
        missing.append(Message.of("PD402.column_questions_allowed"))
    elif row.questions_allowed and row.question_count is None:
        missing.append(Message.of("PD402.column_question_count"))
    return missing


def _blank(row: StatisticsRow) -> bool:
    return (row.held_on is None and not row.held_on_text.strip() and not row.venue.strip()
            and not row.unit.strip() and not row.topic.strip() and not row.media
            and not row.speakers)


class StatisticsRowsComplete(Rule):
    """PD402: every row of the table is filled in."""

    code = "PD402"
    severity = Severity.ERROR
    clause = CLAUSES["statistics"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        report = submission.statistics
        if report is None:
            return []
        findings = []
        for index, row in enumerate(report.rows, start=1):
            if _blank(row):
                continue
            missing = _missing_columns(row)
            if not missing:
                continue
            numbered = (Message.of("PD402.numbered", number=row.number)
                        if row.number not in (None, index) else None)
            findings.append(self.finding(
                "incomplete" if row.topic.strip() else "incomplete_untitled", row=index,
                numbered=numbered, topic=short(row.topic), missing=missing,
                document=_table(submission), field="statistics.rows"))
        return findings


class RegisteredVersusReported(Rule):
    """PD403: registered conferences and the statistics table agree."""

    code = "PD403"
    severity = Severity.WARNING
    clause = CLAUSES["statistics"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        report, config = submission.statistics, context.config
        if report is None or submission.received is None:
            return []
        day = reference_day(report)
        if day is None or context.store is None or not submission.unit:
            return []
        start, end = reporting_period(day, config.deadlines.statistics_due)
        cutoff = min(end, local(submission.received, config).date())
        # every unit's, compared through the unit directory (a conference registered
        # under 芜湖市统计局 by a plugin is 市统计局's)
        # asked by unit, time and source (indexed), then compared as before
        names = [n for n in context.store.conference_units()
                 if n == submission.unit or same_unit(n, submission.unit, config)]
        known = context.store.conferences(known_by=submission.received, units=names,
                                          held_from=start, source="registration")
        registered = [c for c in known if c.source == "registration"
                      and c.submission_id != submission.id and start <= c.held_on <= cutoff
                      and same_unit(c.unit, submission.unit, config)]
        if not registered:
            return []
        result = reconcile(registered, report.rows, city=config.city)
        document = _table(submission)
        findings = [self.finding("not_reported", title=c.title, held_on=c.held_on,
                                 document=document, field="statistics.rows")
                    for c in result.missing_from_statistics]
        for index in result.unregistered_rows:
            row = report.rows[index]
            assert row.held_on is not None
            findings.append(self.finding(
                "not_registered", row=index + 1, topic=short(row.topic), held_on=row.held_on,
                document=document, field="statistics.rows"))
        return findings


class HeadAttendance(Rule):
    """PD404: with the year's last table, the unit's head attended a conference that year."""

    code = "PD404"
    severity = Severity.WARNING
    clause = CLAUSES["heads"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        report, config = submission.statistics, context.config
        if report is None:
            return []
        day = reference_day(report)
        unit = submission.unit or report.filing_unit
        if day is None or not unit:
            return []
        dues = config.deadlines.statistics_due
        _, end = reporting_period(day, dues)
        if end != max(filing_days(end.year, dues)):
            return []
        # the year's forms: what the unit filed before this year is not this year's
        year_start = datetime(end.year, 1, 1, tzinfo=config.tz)
        earlier = earlier_submissions(context.store, submission, config, forms_only=True,
                                      since=year_start)
        reports = [report, *(s.statistics for s in earlier if s.statistics is not None)]
        # Everything here is the unit's own: rows may name a sub-unit or the county.
        appearances = [replace(a, unit=unit) for a in (
            appearances_from_statistics(reports) + appearances_from_registrations(earlier))]
        if not heads_without_conference([unit], appearances, end.year, config=config):
            return []
        return [self.finding("no_head", year=end.year, unit=unit,
                             document=_table(submission), field="statistics.rows.speakers")]


_EMAIL_LIKE = re.compile(r"[^\s@，,；;:：（）()<>]+@[^\s@，,；;:：（）()<>]+")


def valid_contact(text: str) -> bool:
    """Whether ``text`` holds a valid phone number or a syntactically valid email address
    (checked with email-validator, without any look-up)."""
    if find_phones(text):
        return True
    for candidate in _EMAIL_LIKE.findall(text):
        try:
            validate_email(candidate, check_deliverability=False)
        except EmailNotValidError:
            continue
        return True
    return False


class FilerContact(Rule):
    """PD405: the filer's contact (填表人联系方式) is a phone number or an email address."""

    code = "PD405"
    severity = Severity.WARNING
    clause = CLAUSES["statistics"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        report = submission.statistics
        if report is None:
            return []
        contact = report.filer_contact.strip()
        where = {"document": _table(submission), "field": "statistics.filer_contact"}
        if not contact:
            if valid_contact(report.filer):
                return []
            return [self.finding("missing", **where)]
        if valid_contact(contact):
            return []
        return [self.finding("invalid", contact=contact, **where)]
