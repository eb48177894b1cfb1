"""Deadlines: "3 days before" to the minute, calendar and working days, 调休, statistics."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pressdocs.config import Config, Deadlines
from pressdocs.rules.deadlines import (
    due_date,
    is_on_time,
    materials_due,
    registration_due,
    reporting_period,
    statistics_due,
)
from rules_support import TZ, at


def test_exactly_three_days_before_at_2359_is_on_time() -> None:
    verdict = is_on_time(at(2021, 3, 7, 23, 59), at(2021, 3, 10, 9, 30), 3, "calendar", TZ)
    assert verdict == (True, date(2021, 3, 7), None)


def test_the_next_day_at_midnight_is_late() -> None:
    verdict = is_on_time(at(2021, 3, 8, 0, 0), at(2021, 3, 10, 9, 30), 3, "calendar", TZ)
    assert verdict.on_time is False
    assert verdict.due == date(2021, 3, 7)


def test_days_are_taken_in_shanghai_time_not_utc() -> None:
    from datetime import UTC

    # 16:30 UTC on the 7th is 00:30 on the 8th in Shanghai: late.
    received = datetime(2021, 3, 7, 16, 30, tzinfo=UTC)
    assert not is_on_time(received, at(2021, 3, 10, 9, 30), 3, "calendar", TZ).on_time
    # 15:59 UTC is 23:59 in Shanghai: still on time.
    received = datetime(2021, 3, 7, 15, 59, tzinfo=UTC)
    assert is_on_time(received, at(2021, 3, 10, 9, 30), 3, "calendar", TZ).on_time


def test_working_days_skip_the_weekend() -> None:
    # Monday 2021-03-15: Fri 12th, Thu 11th, Wed 10th.
    assert due_date(date(2021, 3, 15), 3, "working").day == date(2021, 3, 10)


def test_working_days_count_the_sunday_made_a_working_day_by_tiaoxiu() -> None:
    # Sunday 2021-02-07, the notice's own date, was a working day (Spring Festival swap).
    assert due_date(date(2021, 2, 8), 1, "working").day == date(2021, 2, 7)
    assert due_date(date(2021, 9, 27), 1, "working").day == date(2021, 9, 26)


def test_working_days_skip_the_national_day_holiday() -> None:
    assert due_date(date(2021, 10, 8), 3, "working").day == date(2021, 9, 28)
    assert due_date(date(2021, 2, 18), 3, "working").day == date(2021, 2, 8)


def test_a_year_the_calendar_does_not_know_falls_back_to_calendar_days_with_a_warning() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2035, 3, 1))
    due = due_date(date(2035, 3, 10), 3, "working")
    assert due.day == date(2035, 3, 7)
    assert due.mode == "calendar"
    assert due.warning is not None and due.warning.year == 2035
    assert "2035年" in due.warning.zh and "自然日" in due.warning.zh
    verdict = is_on_time(at(2035, 3, 8), at(2035, 3, 10, 9), 3, "working", TZ)
    assert verdict.on_time is False and verdict.warning == due.warning


def test_counting_back_into_an_unknown_year_names_that_year() -> None:
    due = due_date(date(2004, 1, 2), 3, "working")
    assert due.warning is not None and due.warning.year == 2003


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="calendar"):
        due_date(date(2021, 3, 10), 3, "weekdays")


def test_registration_and_materials_due_follow_the_configuration() -> None:
    config = Config()
    assert registration_due(date(2021, 3, 15), config) == date(2021, 3, 12)
    assert materials_due(date(2021, 3, 15), config) == date(2021, 3, 14)
    working = Config(deadlines=Deadlines(days="working", registration_days_before=2))
    assert registration_due(date(2021, 3, 15), working) == date(2021, 3, 11)
    assert materials_due(date(2021, 3, 15), working) == date(2021, 3, 12)


@pytest.mark.parametrize(("held", "due"), [
    (date(2021, 1, 5), date(2021, 6, 30)), (date(2021, 6, 30), date(2021, 6, 30)),
    (date(2021, 7, 1), date(2021, 12, 30)), (date(2021, 12, 30), date(2021, 12, 30)),
    (date(2021, 12, 31), date(2022, 6, 30)),
])
def test_statistics_filing_day(held: date, due: date) -> None:
    assert statistics_due(held, ["06-30", "12-30"]) == due


def test_reporting_periods_follow_each_other_without_gaps() -> None:
    assert reporting_period(date(2021, 3, 1), ["06-30", "12-30"]) == (date(2020, 12, 31),
                                                                     date(2021, 6, 30))
    assert reporting_period(date(2021, 8, 1), ["06-30", "12-30"]) == (date(2021, 7, 1),
                                                                     date(2021, 12, 30))


def test_a_filing_day_past_the_end_of_its_month_is_the_last_day() -> None:
    assert statistics_due(date(2021, 2, 1), ["02-30"]) == date(2021, 2, 28)


days = st.dates(min_value=date(2005, 1, 1), max_value=date(2025, 12, 31))


@given(conference=days, n=st.integers(min_value=0, max_value=10),
       at_time=st.times())
def test_calendar_boundary_holds_for_any_day(conference: date, n: int, at_time: time) -> None:
    start = datetime.combine(conference, at_time, tzinfo=TZ)
    due = conference - timedelta(days=n)
    last_minute = datetime.combine(due, time(23, 59, 59), tzinfo=TZ)
    assert is_on_time(last_minute, start, n, "calendar", TZ).on_time
    assert not is_on_time(last_minute + timedelta(seconds=1), start, n, "calendar", TZ).on_time


@given(conference=days, n=st.integers(min_value=1, max_value=10))
def test_working_due_day_is_a_working_day_no_later_than_the_calendar_one(
        conference: date, n: int) -> None:
    due = due_date(conference, n, "working")
    assert due.warning is None
    assert chinese_calendar.is_workday(due.day)
    assert due.day <= conference - timedelta(days=n)
    between = [due.day + timedelta(days=i) for i in range(1, (conference - due.day).days)]
    assert sum(chinese_calendar.is_workday(d) for d in between) == n - 1
