"""The office's reports from the store: plan status on a day, and the annual check.

- :func:`plan_report` — each item of the year's plan as held, registered, due, overdue
  (PD303) or delayed (PD302) on ``as_of``, judged from what had been received by then.
- :func:`annual_report` — over a year: the units whose head attended no conference
  (PD404) and the plan items never registered (PD303).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from pressdocs.config import Config
from pressdocs.errors import StoreError
from pressdocs.models import Plan, Submission, SubmissionKind
from pressdocs.rules.plan_status import PlanItemStatus, PlanState, plan_status
from pressdocs.store import Store
from pressdocs.text.dates import office_time

__all__ = ["AnnualReport", "PlanStatusReport", "annual_report", "plan_for", "plan_report",
           "status_dict"]


def _end_of(day: date, config: Config) -> datetime:
    return datetime.combine(day, time.max, tzinfo=config.tz)


def _known_by(store: Store, as_of: date, config: Config) -> list[Submission]:
    """The submissions received by the end of ``as_of`` (and those with no received time),
    without the ones a correction received by then replaced — as the store's
    conferences are counted."""
    end = _end_of(as_of, config)
    known = [s for s in store.submissions() if s.received is None or s.received <= end]
    corrected = {s.corrects for s in known if s.corrects}
    return [s for s in known if s.id not in corrected]


def plan_for(store: Store, year: int | None) -> Plan:
    """The plan of ``year`` (default: the latest imported); a clear error when absent."""
    years = store.plan_years()
    chosen = year or (max(years) if years else None)
    plan = store.get_plan(chosen) if chosen else None
    if plan is None:
        if chosen:
            raise StoreError.of("store.no_plan_of", year=chosen)
        raise StoreError.of("store.no_plan")
    return plan


@dataclass
class PlanStatusReport:
    """Each item of a year's plan and where it stands on ``as_of`` (``pressdocs plan status``)."""

    plan: Plan
    as_of: date
    items: list[PlanItemStatus] = field(default_factory=list)
    #: compares the units (through its unit directory); the notice's defaults without it
    config: Config | None = field(default=None, repr=False, compare=False)
    #: the submissions behind the items, by id: each conference's registration and the
    #: materials matched to an item (exports show when each was registered and its findings)
    submissions: dict[str, Submission] = field(default_factory=dict, repr=False,
                                               compare=False)
    #: how an export lays the items out: "" one sheet, "month" or "unit" a sheet each
    #: (``dataclasses.replace(report, sheets="unit")``)
    sheets: str = ""

    def submissions_of(self, status: PlanItemStatus) -> list[Submission]:
        """The submissions behind ``status``: its conference's registration first, then
        the other submissions matched to the item (materials, corrections), by time."""
        first = status.conference.submission_id if status.conference is not None else ""
        found = [s for s in self.submissions.values() if s.id != first
                 and (s.plan_year, s.plan_item) == (status.year, status.item.number)]
        found.sort(key=lambda s: (s.received is None,
                                  s.received.timestamp() if s.received else 0.0))
        head = [self.submissions[first]] if first in self.submissions else []
        return head + found

    @property
    def year(self) -> int:
        return self.plan.year

    def by_month(self) -> dict[int, Counter[PlanState]]:
        """How many items of each planned month are in each state."""
        months: dict[int, Counter[PlanState]] = {}
        for s in self.items:
            months.setdefault(s.item.month, Counter())[s.state] += 1
        return months

    def by_unit(self) -> dict[str, Counter[PlanState]]:
        """How many items of each responsible unit are in each state: the units as the
        unit directory tells them apart (a plan writing 市人社局 in one row and
        市人力资源和社会保障局 in another counts one unit), each under the name the plan
        first gives it."""
        units: dict[str, Counter[PlanState]] = {}
        for unit, statuses in _by_unit(self.items, self.config).items():
            for s in statuses:
                units.setdefault(unit, Counter())[s.state] += 1
        return units

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The ``pressdocs plan status --json`` object (schema ``plan-status``)."""
        return {"year": self.year, "as_of": self.as_of.isoformat(),
                "items": [status_dict(s, lang) for s in self.items],
                "by_month": {str(k): {s.value: n for s, n in v.items()}
                             for k, v in self.by_month().items()},
                "by_unit": {k: {s.value: n for s, n in v.items()}
                            for k, v in self.by_unit().items()}}


def plan_report(store: Store, config: Config, *, as_of: date,
                year: int | None = None, details: bool = False) -> PlanStatusReport:
    """The plan of ``year`` (default: the latest) and each item's state on ``as_of``; with
    ``details``, the submissions behind the items too (for exports: when each item was
    registered, its findings), which costs reading them from the store."""
    plan = plan_for(store, year)
    conferences = store.conferences(known_by=_end_of(as_of, config))
    statuses = plan_status(plan, conferences, as_of,
                           max_delay_months=config.deadlines.max_delay_months, config=config,
                           marks={n: replace(m, marked_at=office_time(m.marked_at, config.tz)
                                             if m.marked_at else None)
                                  for n, m in store.plan_marks(plan.year).items()})
    report = PlanStatusReport(plan, as_of, statuses, config=config)
    if details:
        report.submissions = _behind(store, report, _end_of(as_of, config))
    return report


def _behind(store: Store, report: PlanStatusReport, end: datetime) -> dict[str, Submission]:
    """The submissions behind the items: each conference's, and those matched to an item
    of the plan (materials, registrations with materials, corrections) received by ``end``."""
    behind: dict[str, Submission] = {}
    for s in report.items:
        if s.conference is not None and s.conference.submission_id:
            found = store.get_submission(s.conference.submission_id)
            if found is not None:
                behind[found.id] = found
    for kind in (SubmissionKind.MATERIALS, SubmissionKind.BOTH, SubmissionKind.CORRECTION):
        for sub in store.submissions(kind=kind):
            if sub.plan_year == report.year and sub.plan_item is not None and (
                    sub.received is None or sub.received <= end):
                behind[sub.id] = sub
    return behind


def _by_unit(statuses: list[PlanItemStatus],
             config: Config | None) -> dict[str, list[PlanItemStatus]]:
    """The items of each unit named in the plan, one entry per unit as the unit directory
    tells them apart, under the name the plan first gives it; in plan order."""
    from pressdocs.rules.matching import unit_key

    names: dict[str, str] = {}
    found: dict[str, list[PlanItemStatus]] = {}
    for s in statuses:
        for unit in s.item.units:
            name = names.setdefault(unit_key(unit, config), unit)
            if s not in found.setdefault(name, []):
                found[name].append(s)
    return found


def status_dict(status: PlanItemStatus, lang: str = "zh") -> dict[str, Any]:
    """One plan item's status as JSON: item fields, state, deadline, the day it was held
    (its conference's, or the one the office marked), the month the office moved it to,
    the office's mark."""
    from pressdocs.rules.plan_status import moved_label

    item = status.item
    held = status.held_on
    moved = status.moved_to
    return {"number": item.number, "month": item.month, "topic": item.topic,
            "units": item.units, "venue": item.venue, "state": status.state.value,
            "state_label": status.state.label(lang), "deadline": status.deadline.isoformat(),
            "held_on": held.isoformat() if held is not None else None,
            "reason": status.reason or None,
            "moved_to": f"{moved[0]:04d}-{moved[1]:02d}" if moved is not None else None,
            "moved_label": moved_label(moved).text(lang) if moved is not None else None,
            "mark": status.mark.to_dict() if status.mark is not None else None}


@dataclass
class AnnualReport:
    """The annual check of one year (``pressdocs report annual``)."""

    year: int
    as_of: date
    heads_missing: list[str] = field(default_factory=list)  # PD404
    overdue: list[PlanItemStatus] = field(default_factory=list)  # PD303
    delayed: list[PlanItemStatus] = field(default_factory=list)  # PD302
    held: int = 0
    planned: int = 0
    year_over: bool = False

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The ``pressdocs report annual --json`` object (schema ``annual``)."""
        return {"year": self.year, "as_of": self.as_of.isoformat(), "planned": self.planned,
                "held": self.held, "year_over": self.year_over,
                "PD404": self.heads_missing if self.year_over else None,
                "PD303": [status_dict(s, lang) for s in self.overdue],
                "PD302": [status_dict(s, lang) for s in self.delayed]}


def annual_report(store: Store, config: Config, year: int, *, as_of: date) -> AnnualReport:
    """PD404 and PD303 (with PD302) over ``year``, judged on ``as_of``.

    The departments PD404 applies to are the units named in the year's plan: the notice
    asks it of departments close to the economy and people's livelihood, which are the
    ones the plan gives conferences to.
    """
    from pressdocs.rules.heads import (
        appearances_from_registrations,
        appearances_from_statistics,
        heads_without_conference,
    )

    status = plan_report(store, config, as_of=as_of, year=year)
    plan, statuses = status.plan, status.items
    subs = _known_by(store, as_of, config)
    reports = [s.statistics for s in subs if s.statistics is not None]
    appearances = appearances_from_statistics(reports) + appearances_from_registrations(subs)
    units = list(_by_unit(statuses, config))
    report = AnnualReport(year=year, as_of=as_of, planned=len(plan.items))
    report.year_over = as_of >= date(year, 12, 31)
    if report.year_over:  # "每年应参加一次": judged once the year is over, not in March
        report.heads_missing = heads_without_conference(units, appearances, year, config=config)
    report.overdue = [s for s in statuses if s.state is PlanState.OVERDUE]
    report.delayed = [s for s in statuses if s.state is PlanState.DELAYED]
    report.held = sum(1 for s in statuses if s.state is PlanState.HELD)
    return report
