"""Rules on the registration form (登记表, 附件2): PD101–PD106.

- PD101 the form arrived later than 3 days before the conference;
- PD102 a required field is empty (one finding per field);
- PD103 the person in charge's phone is not a valid mobile or landline;
- PD104 the approval opinion (审批意见) is missing or undated;
- PD105 the conference time is written but unreadable or impossible (2月30日), or is
  earlier than the form's receipt (a blank time is PD102's);
- PD106 working-day deadlines were asked for a year the holiday calendar does not know.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from pressdocs.capabilities import Context
from pressdocs.config import Config
from pressdocs.forms.spec import REGISTRATION, Field
from pressdocs.models import DocumentKind, Finding, Message, Registration, Severity, Submission
from pressdocs.rules.catalogue import CLAUSES, Rule, document_name, local
from pressdocs.rules.deadlines import WORKING, due_date, is_on_time
from pressdocs.text import parse_phone, parse_when

__all__ = [
    "ApprovalOpinion",
    "CalendarCoverage",
    "ConferenceTime",
    "PhoneNumber",
    "RegistrationOnTime",
    "RequiredFields",
    "conference_time",
]


def _form(sub: Submission) -> str:
    return document_name(sub, DocumentKind.REGISTRATION)




def conference_time(reg: Registration, config: Config,
                    received: datetime | None = None) -> tuple[datetime | None, bool]:
    """The conference's moment and whether its time of day was written.

    Uses ``reg.time`` (set by the extractor) and reads ``reg.time_text`` again only to
    learn whether a time of day was given; a date-only time is midnight.
    """
    if reg.time is None:
        return None, False
    year = reg.filing_date.year if reg.filing_date else (
        local(received, config).year if received else reg.time.year)
    found = parse_when(reg.time_text, year) if reg.time_text else None
    has_time = found is None or found.time is not None
    return local(reg.time, config), has_time


class RegistrationOnTime(Rule):
    """PD101: 登记表 received on or before the day N days before the conference."""

    code = "PD101"
    severity = Severity.ERROR
    clause = CLAUSES["registration_due"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        reg, received, config = submission.registration, submission.received, context.config
        if reg is None or reg.time is None or received is None:
            return []
        days, mode = config.deadlines.registration_days_before, config.deadlines.days
        verdict = is_on_time(received, reg.time, days, mode, config.tz)
        if verdict.on_time:
            return []
        got = local(received, config).date()
        before = Message.of("PD101.before_working_days" if mode == WORKING
                            else "PD101.before_days", days=days)
        return [self.finding(
            "late", received=got, conference=local(reg.time, config), rule=before,
            due=verdict.due, late=(got - verdict.due).days,
            note=verdict.warning.note if verdict.warning else None,
            document=_form(submission), field="registration.time")]


def _filled(reg: Registration, field: Field) -> bool:
    """Whether ``field`` of the form is filled in (a time written but unreadable counts:
    PD105 says what is wrong with it; one read without its text counts too)."""
    value = field.value(reg)
    if not (isinstance(value, str) and value.strip()) and field.written:
        value = getattr(reg, field.name)
    return value is not None and bool(str(value).strip())


class RequiredFields(Rule):
    """PD102: every required field of 登记表 is filled in."""

    code = "PD102"
    severity = Severity.ERROR
    clause = CLAUSES["registration_form"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        reg = submission.registration
        if reg is None:
            return []
        return [self.finding("empty", label=field.full_label, document=_form(submission),
                             field=field.id)
                for field in REGISTRATION.fields if field.required and not _filled(reg, field)]


_PHONE_SEPARATORS = re.compile(r"[、，,；;/／]|\s{2,}|或")


class PhoneNumber(Rule):
    """PD103: the person in charge's phone is a valid Chinese mobile or landline."""

    code = "PD103"
    severity = Severity.ERROR
    clause = CLAUSES["registration_form"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        reg = submission.registration
        if reg is None:
            return []
        phone = reg.person_in_charge.phone.strip()
        if not phone or _valid_phones(phone):
            return []
        return [self.finding("invalid", phone=phone, document=_form(submission),
                             field="registration.person_in_charge.phone")]


def _valid_phones(text: str) -> bool:
    """One valid number, or several separated by 、 or / that are all valid."""
    if parse_phone(text) is not None:
        return True
    parts = [p for p in _PHONE_SEPARATORS.split(text) if p.strip()]
    return len(parts) > 1 and all(parse_phone(p) is not None for p in parts)


class ApprovalOpinion(Rule):
    """PD104: 审批意见 is filled in and dated."""

    code = "PD104"
    severity = Severity.WARNING
    clause = CLAUSES["approval"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        reg = submission.registration
        if reg is None:
            return []
        where = {"document": _form(submission), "field": "registration.approval_opinion"}
        if not reg.approval_opinion.strip():
            return [self.finding("empty", label=_APPROVAL_LABEL, **where)]
        if reg.approval_date is None:
            return [self.finding("undated", label=_APPROVAL_LABEL, **where)]
        return []


#: The form's label of the approval opinion, which the English message quotes.
_APPROVAL_LABEL = "审批意见"


class ConferenceTime(Rule):
    """PD105: 举办时间 is a real date, and not earlier than the form's receipt."""

    code = "PD105"
    severity = Severity.ERROR
    clause = CLAUSES["registration_due"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        reg, config, received = submission.registration, context.config, submission.received
        if reg is None:
            return []
        where = {"document": _form(submission), "field": "registration.time"}
        if reg.time is None:
            return self._unreadable(reg, config, received, where)
        if received is None:
            return []
        moment, has_time = conference_time(reg, config, received)
        assert moment is not None
        arrived = local(received, config)
        earlier = moment < arrived if has_time else moment.date() < arrived.date()
        if not earlier:
            return []
        return [self.finding("earlier", conference=moment if has_time else moment.date(),
                             received=arrived, **where)]

    def _unreadable(self, reg: Registration, config: Config, received: datetime | None,
                    where: dict[str, str]) -> list[Finding]:
        text = reg.time_text.strip()
        if not text:
            return []
        year = reg.filing_date.year if reg.filing_date else (
            local(received, config).year if received else None)
        found = parse_when(text, year)
        if found is None:
            return [self.finding("no_date", text=text, **where)]
        if found.value is None:
            return [self.finding("wrong", problem=found.problem, **where)]
        return []


class CalendarCoverage(Rule):
    """PD106: working-day deadlines need the holiday calendar of the conference's year."""

    code = "PD106"
    severity = Severity.WARNING
    clause = CLAUSES["registration_due"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        config = context.config
        reg = submission.registration
        if config.deadlines.days != WORKING or reg is None or reg.time is None:
            return []
        day: date = local(reg.time, config).date()
        deadlines = config.deadlines
        longest = max(deadlines.registration_days_before, deadlines.materials_days_before)
        warning = due_date(day, longest, WORKING).warning
        if warning is None:
            return []
        return [self.finding("uncovered", day=day, warning=warning.message,
                             document=_form(submission), field="registration.time")]
