"""Deadlines (截止日期): when a form is due, and whether it arrived in time.

Pure functions, free of the clock: every judgement is made against the time a submission
was received, so an archive of past years validates today as it did then.

**"N days before" (召开前N天).**  A form is on time when it is received on or before the
day that is N days before the conference's day, both days taken in the office's time
zone (Asia/Shanghai); the time of day does not matter.  For a conference on
2021年3月10日 9:30 and N = 3 the registration form is due on 2021年3月7日: received at
2021年3月7日 23:59 it is on time, at 2021年3月8日 0:00 it is late.  This is how the office
reads 前3天 (DOMAIN.md: "submitted on or before the conference date minus 3").

**Calendar or working days.**  ``mode="calendar"`` (the default) counts calendar days.
``mode="working"`` counts working days back from the conference day: the due day is the
N-th working day before it, by the official calendar of ``chinese_calendar`` — weekends
and public holidays are skipped, and the weekend days made working days by 调休 (such as
Sunday 2021年2月7日) count.  ``chinese_calendar`` knows only the years it was released
for (2004 to the year after its release) and raises ``NotImplementedError`` beyond them;
then the due day is counted in calendar days and a :class:`CalendarWarning` says so.

**Statistics (统计表).**  The table is filed on fixed days of the year (06-30 and 12-30 by
default, ``[deadlines] statistics_due``).  Each filing covers the conferences held since
the previous filing day: the period ending 06-30 starts the day after the previous 12-30.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from pressdocs.config import Config
from pressdocs.models import Message
from pressdocs.text.dates import office_day

__all__ = [
    "CALENDAR",
    "WORKING",
    "CalendarWarning",
    "DueDate",
    "Timeliness",
    "due_date",
    "filing_days",
    "is_on_time",
    "materials_due",
    "registration_due",
    "reporting_period",
    "statistics_due",
]

CALENDAR = "calendar"
WORKING = "working"


@dataclass(frozen=True)
class CalendarWarning:
    """Working days could not be counted for ``year``: the calendar does not cover it."""

    year: int

    @property
    def message(self) -> Message:
        """The warning as a sentence (``rules.calendar_gap``)."""
        return Message.of("rules.calendar_gap", year=self.year)

    @property
    def note(self) -> Message:
        """The warning as a note in brackets after a finding (``rules.calendar_gap_note``)."""
        return Message.of("rules.calendar_gap_note", year=self.year)

    @property
    def zh(self) -> str:
        return self.message.zh

    @property
    def en(self) -> str:
        return self.message.en


@dataclass(frozen=True)
class DueDate:
    """A due day, the way it was counted (``calendar`` or ``working``), and the warning
    when working days were asked for and could not be counted."""

    day: date
    mode: str
    warning: CalendarWarning | None = None


class Timeliness(NamedTuple):
    """Whether a form came in time: ``(on_time, due, warning)``."""

    on_time: bool
    due: date
    warning: CalendarWarning | None


def due_date(conference: date, days_before: int, mode: str = CALENDAR) -> DueDate:
    """The last day a form for a conference on ``conference`` may arrive.

    ``days_before`` calendar days before it, or ``days_before`` working days before it
    (``mode="working"``; see the module docstring).  Never raises for a year the holiday
    calendar does not know: falls back to calendar days with a warning.
    """
    if mode not in (CALENDAR, WORKING):
        raise ValueError(f"mode must be {CALENDAR!r} or {WORKING!r}, not {mode!r}")
    if mode == WORKING:
        try:
            return DueDate(_working_days_before(conference, days_before), WORKING)
        except NotImplementedError:
            gap = _first_unknown_year(conference, days_before)
            return DueDate(conference - timedelta(days=days_before), CALENDAR,
                           CalendarWarning(gap))
    return DueDate(conference - timedelta(days=days_before), CALENDAR)


def is_on_time(received: datetime, conference: datetime, days_before: int,
               mode: str = CALENDAR, tz: ZoneInfo | None = None) -> Timeliness:
    """Whether a form ``received`` at that moment is on time for ``conference``.

    Both moments are compared as days in ``tz`` (default Asia/Shanghai); a naive datetime
    is taken to be in ``tz`` already.
    """
    zone = tz or ZoneInfo("Asia/Shanghai")
    due = due_date(_day(conference, zone), days_before, mode)
    return Timeliness(_day(received, zone) <= due.day, due.day, due.warning)


def registration_due(conference: date, config: Config) -> date:
    """The day the registration form (登记表) for a conference on ``conference`` is due."""
    deadlines = config.deadlines
    return due_date(conference, deadlines.registration_days_before, deadlines.days).day


def materials_due(conference: date, config: Config) -> date:
    """The day the materials package (发布材料) for a conference on ``conference`` is due."""
    deadlines = config.deadlines
    return due_date(conference, deadlines.materials_days_before, deadlines.days).day


def statistics_due(day: date, due_days: list[str]) -> date:
    """The filing day of the statistics table that reports a conference held on ``day``:
    the first of ``due_days`` ("MM-DD") on or after it."""
    candidates = sorted(filing_days(day.year, due_days) + filing_days(day.year + 1, due_days))
    return next(d for d in candidates if d >= day)


def reporting_period(day: date, due_days: list[str]) -> tuple[date, date]:
    """The first and last day of the statistics period that ``day`` falls in."""
    end = statistics_due(day, due_days)
    before = sorted(filing_days(end.year - 1, due_days) + filing_days(end.year, due_days))
    previous = max(d for d in before if d < end)
    return previous + timedelta(days=1), end


def filing_days(year: int, due_days: list[str]) -> list[date]:
    """The statistics filing days of ``year`` (``due_days`` as "MM-DD"; a day past the end
    of its month, such as 02-30, is that month's last day)."""
    days = []
    for text in due_days or ["06-30", "12-30"]:
        month, day = (int(x) for x in text.split("-"))
        days.append(date(year, month, min(day, calendar.monthrange(year, month)[1])))
    return days


def _day(moment: datetime, zone: ZoneInfo) -> date:
    return office_day(moment, zone)  # a naive moment is taken to be in ``zone`` already


def _working_days_before(day: date, n: int) -> date:
    found = 0
    current = day
    while found < n:
        current -= timedelta(days=1)
        if _calendar().is_workday(current):
            found += 1
    return current


def _first_unknown_year(day: date, n: int) -> int:
    """The year the holiday calendar failed on, between the due day and the conference."""
    for year in range(day.year, day.year - n // 200 - 2, -1):
        try:
            _calendar().is_workday(date(year, 1, 1))
            _calendar().is_workday(date(year, 12, 31))
        except NotImplementedError:
            return year
    return day.year


def _calendar() -> Any:
    """chinese_calendar, imported when working days are first asked for."""
    import chinese_calendar

    return chinese_calendar
