"""The office's reports from the store: plan status on a day, and the annual check.

- :func:`plan_report` — each item of the year's plan as held, registered, due, overdue
  (PD303) or delayed (PD302) on ``as_of``, judged from what had been received by then.
- :func:`annual_report` — over a year: the units whose head attended no conference
  (PD404) and the plan items never registered (PD303).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from pressdocs.config import Config
from pressdocs.errors import StoreError
from pressdocs.models import Plan, Submission
from pressdocs.rules.plan_status import (
    Conference,
    PlanItemStatus,
    PlanState,
    conferences_from_submissions,
    plan_status,
)
from pressdocs.store import Store

__all__ = ["AnnualReport", "annual_report", "plan_for", "plan_report", "status_dict"]


def _known_by(store: Store, as_of: date, config: Config) -> list[Submission]:
    end = datetime.combine(as_of, time.max, tzinfo=config.tz)
    return [s for s in store.submissions() if s.received is None or s.received <= end]


def _conferences(subs: Iterable[Submission], config: Config) -> list[Conference]:
    subs = list(subs)
    found = conferences_from_submissions(subs, config)
    for sub in subs:
        if sub.statistics is None:
            continue
        for row in sub.statistics.rows:
            if row.held_on is not None:
                found.append(Conference(unit=row.unit or sub.statistics.filing_unit or sub.unit,
                                        title=row.topic, held_on=row.held_on))
    return found


def plan_for(store: Store, year: int | None) -> Plan:
    """The plan of ``year`` (default: the latest imported); a clear error when absent."""
    years = store.plan_years()
    chosen = year or (max(years) if years else None)
    plan = store.get_plan(chosen) if chosen else None
    if plan is None:
        which = f"{chosen}年的" if chosen else ""
        raise StoreError(f"数据存储中还没有{which}计划安排，请先运行 pressdocs plan import 导入",
                         f"no {chosen or ''} plan in the store; run pressdocs plan import first")
    return plan


def plan_report(store: Store, config: Config, *, as_of: date,
                year: int | None = None) -> tuple[Plan, list[PlanItemStatus]]:
    """The plan of ``year`` (default: the latest) and each item's state on ``as_of``."""
    plan = plan_for(store, year)
    conferences = _conferences(_known_by(store, as_of, config), config)
    return plan, plan_status(plan, conferences, as_of,
                             max_delay_months=config.deadlines.max_delay_months, config=config)


def status_dict(status: PlanItemStatus) -> dict[str, Any]:
    """One plan item's status as JSON: item fields, state, deadline, conference date."""
    item = status.item
    held = status.conference.held_on if status.conference is not None else None
    return {"number": item.number, "month": item.month, "topic": item.topic,
            "units": item.units, "venue": item.venue, "state": status.state.value,
            "state_zh": status.state.zh, "deadline": status.deadline.isoformat(),
            "held_on": held.isoformat() if held is not None else None}


@dataclass
class AnnualReport:
    """The annual check of one year."""

    year: int
    as_of: date
    heads_missing: list[str] = field(default_factory=list)  # PD404
    overdue: list[PlanItemStatus] = field(default_factory=list)  # PD303
    delayed: list[PlanItemStatus] = field(default_factory=list)  # PD302
    held: int = 0
    planned: int = 0
    year_over: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "as_of": self.as_of.isoformat(), "planned": self.planned,
                "held": self.held, "year_over": self.year_over,
                "PD404": self.heads_missing if self.year_over else None,
                "PD303": [status_dict(s) for s in self.overdue],
                "PD302": [status_dict(s) for s in self.delayed]}


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

    plan, statuses = plan_report(store, config, as_of=as_of, year=year)
    subs = _known_by(store, as_of, config)
    reports = [s.statistics for s in subs if s.statistics is not None]
    appearances = appearances_from_statistics(reports) + appearances_from_registrations(subs)
    units = list(dict.fromkeys(u for item in plan.items for u in item.units))
    report = AnnualReport(year=year, as_of=as_of, planned=len(plan.items))
    report.year_over = as_of >= date(year, 12, 31)
    if report.year_over:  # "每年应参加一次": judged once the year is over, not in March
        report.heads_missing = heads_without_conference(units, appearances, year, config=config)
    report.overdue = [s for s in statuses if s.state is PlanState.OVERDUE]
    report.delayed = [s for s in statuses if s.state is PlanState.DELAYED]
    report.held = sum(1 for s in statuses if s.state is PlanState.HELD)
    return report
