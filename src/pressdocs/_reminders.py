"""Which reminders are due on a day: pure judgements over the store and the configuration.

- ``remind_register`` — a planned conference (附件1) whose month has come, or comes within
  ``[notify] remind_days`` (7), and that no registration fulfils yet: the unit registers
  3 days before it is held;
- ``remind_materials`` — a registered conference whose materials are due today (1 day
  before) and have not come;
- ``remind_statistics`` — a filing day of the statistics table (06-30, 12-30) within
  ``remind_days``, for the units that file it (those that filed one before, and
  ``[notify] statistics_units``) and have not filed for that period yet;
- ``remind_delayed`` — a planned conference overdue (PD303) or held past its grace month
  (PD302).

Each reminder names its ``period`` so that the outbox sends it once (the key of the notice
holds it): a plan item is reminded once per state, a filing once per filing day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from pressdocs.models import Message, SubmissionKind
from pressdocs.text.dates import office_day

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs

__all__ = ["Reminder", "due_reminders"]


@dataclass(frozen=True)
class Reminder:
    """One reminder to one unit: its type, what it is about (``ref``, ``period``), the line
    that says what (``what``) and the sentence that explains (``text``), the day due."""

    type: str
    ref: str
    unit: str
    period: str
    what: Message
    text: Message
    due: date | None = None


def due_reminders(app: Pressdocs, as_of: date) -> list[Reminder]:
    """Every reminder due on ``as_of`` (see the module docstring)."""
    settings = app.config.notify
    days = int(settings.get("remind_days", 7))
    return [*_plan(app, as_of, days), *_materials(app, as_of), *_statistics(app, as_of, days)]


def _plan(app: Pressdocs, as_of: date, days: int) -> list[Reminder]:
    """Planned conferences to register, and those overdue or delayed."""
    from pressdocs._reports import plan_report
    from pressdocs.rules.plan_status import PlanState

    store, config = app.store, app.config
    if as_of.year not in store.plan_years():
        return []
    found = []
    soon = as_of + timedelta(days=days)
    for status in plan_report(store, config, as_of=as_of, year=as_of.year).items:
        item, year = status.item, status.year
        ref = f"plan-{year}-{item.number}"
        month_starts = date(year, item.month, 1)
        if status.state is PlanState.DUE and month_starts <= soon:
            what = Message.of("notify.remind_register.what", topic=item.topic)
            text = Message.of("notify.remind_register.text", topic=item.topic, year=year,
                              month=item.month, number=item.number,
                              days=config.deadlines.registration_days_before,
                              deadline=status.deadline)
            found += [Reminder("remind_register", ref, unit, "register", what, text,
                               status.deadline) for unit in item.units]
        elif status.state in (PlanState.OVERDUE, PlanState.DELAYED):
            what = Message.of("notify.remind_delayed.what", topic=item.topic)
            text = Message.of(f"notify.remind_delayed.{status.state.value}", topic=item.topic,
                              year=year, month=item.month, number=item.number,
                              deadline=status.deadline)
            found += [Reminder("remind_delayed", ref, unit, status.state.value, what, text,
                               status.deadline) for unit in item.units]
    return found


def _materials(app: Pressdocs, as_of: date) -> list[Reminder]:
    """Registered conferences whose materials are due today and have not come."""
    from pressdocs.rules.deadlines import materials_due

    store, config = app.store, app.config
    found = []
    ahead = as_of + timedelta(days=config.deadlines.materials_days_before + 10)
    for conference in store.conferences(year=as_of.year):
        if conference.source != "registration" or not as_of <= conference.held_on <= ahead:
            continue
        if materials_due(conference.held_on, config) != as_of:
            continue
        registration = store.get_submission(conference.submission_id)
        if registration is None or registration.received is None or \
                _has_materials(app, registration.unit or conference.unit, registration):
            continue
        what = Message.of("notify.remind_materials.what", title=conference.title)
        text = Message.of("notify.remind_materials.text", title=conference.title,
                          held_on=conference.held_on,
                          days=config.deadlines.materials_days_before)
        found.append(Reminder("remind_materials", conference.submission_id[:16],
                              conference.unit, as_of.isoformat(), what, text, as_of))
    return found


def _has_materials(app: Pressdocs, unit: str, registration: object) -> bool:
    """Whether the registration came with materials, or the same unit (as the unit
    directory tells) sent them since."""
    from pressdocs.models import Submission
    from pressdocs.rules.matching import same_unit

    assert isinstance(registration, Submission) and registration.received is not None
    if registration.materials is not None and (registration.materials.press_release
                                                or registration.materials.qa):
        return True
    store, config = app.store, app.config
    names = [n for n in store.units() if n == unit or same_unit(n, unit, config)]
    later = [s for name in names for s in store.submissions(unit=name,
                                                            since=registration.received)]
    return any(s.materials is not None and (s.materials.press_release or s.materials.qa)
               for s in later)


def _statistics(app: Pressdocs, as_of: date, days: int) -> list[Reminder]:
    """Filing days of the statistics table near, for the units that file it."""
    from pressdocs.rules.deadlines import filing_days, reporting_period
    from pressdocs.rules.matching import unit_key

    store, config = app.store, app.config
    filed = [*store.submissions(kind=SubmissionKind.STATISTICS),  # a table sent again
             *(s for s in store.submissions(kind=SubmissionKind.CORRECTION)
               if s.statistics is not None)]
    extra = config.notify.get("statistics_units", [])
    named = [*(s.unit for s in filed if s.unit),
             *(str(u) for u in (extra if isinstance(extra, list) else [extra]))]
    units: dict[str, str] = {}  # one unit once, however it was written: key -> a name
    for name in named:
        units.setdefault(unit_key(name, config), name)
    found = []
    for due in filing_days(as_of.year, config.deadlines.statistics_due):
        if not 0 <= (due - as_of).days <= days:
            continue
        start, end = reporting_period(due, config.deadlines.statistics_due)
        for key, unit in sorted(units.items()):
            if any(s.unit and unit_key(s.unit, config) == key and s.received is not None
                   and start <= office_day(s.received, config.tz) <= due for s in filed):
                continue
            what = Message.of("notify.remind_statistics.what", due=due)
            text = Message.of("notify.remind_statistics.text", due=due, start=start, end=end)
            found.append(Reminder("remind_statistics", f"statistics-{due.isoformat()}", unit,
                                  due.isoformat(), what, text, due))
    return found
