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

from pressdocs.capabilities import ValidationContext
from pressdocs.config import Config
from pressdocs.models import DocumentKind, Finding, Registration, Severity, Submission
from pressdocs.rules.catalogue import CLAUSES, Rule, document_name, local, when_en, when_zh
from pressdocs.rules.deadlines import WORKING, due_date, is_on_time
from pressdocs.text import format_date_zh, parse_phone, parse_when

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


def _days_rule(days: int, mode: str) -> tuple[str, str]:
    if mode == WORKING:
        return f"召开前{days}个工作日", f"{days} working days before the conference"
    return f"召开前{days}天", f"{days} days before the conference"


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
    title_zh = "登记表未在发布会召开前3天报送"
    title_en = "registration form received less than 3 days before the conference"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        reg, received, config = submission.registration, submission.received, context.config
        if reg is None or reg.time is None or received is None:
            return []
        days, mode = config.deadlines.registration_days_before, config.deadlines.days
        verdict = is_on_time(received, reg.time, days, mode, config.tz)
        if verdict.on_time:
            return []
        got = local(received, config).date()
        late = (got - verdict.due).days
        rule_zh, rule_en = _days_rule(days, mode)
        note_zh = f"（{verdict.warning.zh}）" if verdict.warning else ""
        note_en = f" ({verdict.warning.en})" if verdict.warning else ""
        return [self.finding(
            f"登记表{format_date_zh(got)}收到，发布会定于{when_zh(reg.time, config)}召开，"
            f"按{rule_zh}报送的要求最迟应于{format_date_zh(verdict.due)}报送，晚了{late}天"
            f"{note_zh}",
            f"the registration form was received on {got.isoformat()}; the conference is on "
            f"{when_en(reg.time, config)} and the form was due {rule_en}, by "
            f"{verdict.due.isoformat()}: {late} day(s) late{note_en}",
            document=_form(submission), field="举办时间")]


#: The required fields of the form: label, location field, English name, reader.
_REQUIRED: tuple[tuple[str, str, str], ...] = (
    ("新闻发布会全称", "新闻发布会全称", "the full title of the conference"),
    ("举办单位", "举办单位", "the organising unit"),
    ("负责人姓名", "负责人.姓名", "the name of the person in charge"),
    ("负责人电话", "负责人.电话", "the phone of the person in charge"),
    ("负责人职务", "负责人.职务", "the position of the person in charge"),
    ("举办时间", "举办时间", "the date and time"),
    ("举办地点", "举办地点", "the venue"),
)


def _required_values(reg: Registration) -> list[str]:
    person = reg.person_in_charge
    time = reg.time_text or ("x" if reg.time is not None else "")
    return [reg.title, reg.organiser, person.name, person.phone, person.position, time,
            reg.venue]


class RequiredFields(Rule):
    """PD102: every required field of 登记表 is filled in."""

    code = "PD102"
    severity = Severity.ERROR
    clause = CLAUSES["registration_form"]
    title_zh = "登记表必填项为空（全称、举办单位、负责人姓名电话职务、举办时间、地点）"
    title_en = ("a required registration field is empty (title, organiser, person in "
                "charge's name, phone and position, time, venue)")

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        reg = submission.registration
        if reg is None:
            return []
        findings = []
        for (label, field, english), value in zip(_REQUIRED, _required_values(reg),
                                                   strict=True):
            if not value.strip():
                findings.append(self.finding(
                    f"登记表未填写“{label}”",
                    f"the registration form leaves {english} ({label}) empty",
                    document=_form(submission), field=field))
        return findings


_PHONE_SEPARATORS = re.compile(r"[、，,；;/／]|\s{2,}|或")


class PhoneNumber(Rule):
    """PD103: the person in charge's phone is a valid Chinese mobile or landline."""

    code = "PD103"
    severity = Severity.ERROR
    clause = CLAUSES["registration_form"]
    title_zh = "负责人电话不是有效的手机或座机号码"
    title_en = "the phone of the person in charge is not a valid mobile or landline number"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        reg = submission.registration
        if reg is None:
            return []
        phone = reg.person_in_charge.phone.strip()
        if not phone or _valid_phones(phone):
            return []
        return [self.finding(
            f"负责人电话“{phone}”不是有效的手机号码或座机号码（座机号码应带区号）",
            f"the phone of the person in charge, '{phone}', is not a valid mobile or "
            "landline number (a landline needs its area code)",
            document=_form(submission), field="负责人.电话")]


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
    title_zh = "审批意见缺失或未注明日期"
    title_en = "approval opinion (审批意见) missing or undated"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        reg = submission.registration
        if reg is None:
            return []
        if not reg.approval_opinion.strip():
            return [self.finding(
                "登记表的“审批意见”栏是空的，未见市政府分管负责同志的审批意见",
                "the approval opinion (审批意见) on the registration form is empty",
                document=_form(submission), field="审批意见")]
        if reg.approval_date is None:
            return [self.finding(
                "登记表的审批意见没有注明日期",
                "the approval opinion (审批意见) on the registration form is not dated",
                document=_form(submission), field="审批意见")]
        return []


class ConferenceTime(Rule):
    """PD105: 举办时间 is a real date, and not earlier than the form's receipt."""

    code = "PD105"
    severity = Severity.ERROR
    clause = CLAUSES["registration_due"]
    title_zh = "举办时间无法识别、不存在或早于登记表收到时间"
    title_en = "conference time missing, impossible, or earlier than the form's receipt"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        reg, config, received = submission.registration, context.config, submission.received
        if reg is None:
            return []
        where = {"document": _form(submission), "field": "举办时间"}
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
        shown = when_zh(moment if has_time else moment.date(), config)
        return [self.finding(
            f"举办时间{shown}早于登记表的收到时间{when_zh(arrived, config)}，"
            "请核实举办时间是否填错",
            f"the conference time {when_en(moment if has_time else moment.date(), config)} "
            f"is earlier than the form's receipt ({when_en(arrived, config)}); check the date",
            **where)]

    def _unreadable(self, reg: Registration, config: Config, received: datetime | None,
                    where: dict[str, str]) -> list[Finding]:
        text = reg.time_text.strip()
        if not text:
            return []
        year = reg.filing_date.year if reg.filing_date else (
            local(received, config).year if received else None)
        found = parse_when(text, year)
        if found is None:
            return [self.finding(
                f"登记表的举办时间“{text}”中没有可识别的日期",
                f"the conference time '{text}' holds no date that can be read", **where)]
        if found.value is None:
            return [self.finding(
                f"登记表的举办时间有误：{found.problem}",
                f"the conference time is wrong: {found.problem_en}", **where)]
        return []


class CalendarCoverage(Rule):
    """PD106: working-day deadlines need the holiday calendar of the conference's year."""

    code = "PD106"
    severity = Severity.WARNING
    clause = CLAUSES["registration_due"]
    title_zh = "节假日安排未收录该年份，截止日期按自然日计算"
    title_en = "the holiday calendar does not cover the year; deadlines counted in calendar days"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
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
        return [self.finding(
            f"发布会定于{format_date_zh(day)}召开，{warning.zh}",
            f"the conference is on {day.isoformat()}; {warning.en}",
            document=_form(submission), field="举办时间")]
