"""Where each item of the annual plan (计划安排, 附件1) stands on a given day.

Pure functions over the plan, the conferences known (registered with the office or
reported in a statistics table) and an ``as_of`` day, for the rules PD301–PD303 and for
``pressdocs plan status`` and ``pressdocs report annual``.

An item's **deadline** is the last day of the month after its planned month (the notice:
延期一般不超过1个月; ``[deadlines] max_delay_months``): an item planned for 3月 2021 may be
held until 2021年4月30日.  Each item is in one state:

- ``held`` (已召开) — a matching conference took place on or before ``as_of``, in time;
- ``registered`` (已登记) — a matching conference is registered for a later day, in time;
- ``delayed`` (延期超过时限, PD302) — the matching conference is (to be) held after the
  deadline;
- ``due`` (待召开) — nothing yet, and the deadline has not passed;
- ``overdue`` (逾期未登记, PD303) — nothing registered, and the deadline has passed;
- ``cancelled`` (已取消) — the office cancelled it and no conference was held for it.

The office's marks on an item (``pressdocs plan mark``, :class:`PlanMark`) change this:
``held`` on a day counts as a conference held that day when the ledger has none for
the item (when it has one, the ledger's stands and the mark is the office's note);
``delayed`` to a later month moves the deadline to the end of that month, and every
state above is judged against it; ``cancelled`` is neither due nor overdue unless a
conference was held for it after all.

A conference fulfils an item when it names it (``plan_year``/``plan_item``), or else when
it is by one of the item's units and its title is like the item's topic
(:func:`find_plan_match`: units through the unit directory, titles through
:func:`pressdocs.rules.matching.topic_score`, the month to choose among alike items);
each conference fulfils at most one item.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from pressdocs.config import Config
from pressdocs.models import Conference, Labelled, Message, Plan, PlanItem, PlanMatch, Submission
from pressdocs.rules.matching import compared_topic, likeness, same_unit, unit_key
from pressdocs.text.dates import office_day

if TYPE_CHECKING:
    from pressdocs.store.base import PlanMark

__all__ = [
    "PlanItemStatus",
    "PlanState",
    "find_plan_match",
    "item_deadline",
    "match_plan_item",
    "month_deadline",
    "month_label",
    "moved_label",
    "overdue_items",
    "plan_deadline",
    "plan_status",
    "plan_years",
]

#: Titles at least this alike (0..1) are taken to be the same conference.
MATCH_THRESHOLD = 0.5
#: Items whose topics are within this of the likest are as like the title as it is.
NEAR = 0.05
#: An item as like the title is as likely when planned at most this many months further
#: from the conference than the item chosen (PD304).
MONTH_SLACK = 1


class PlanState(Labelled):
    """Where a plan item stands (see the module docstring)."""

    HELD = "held"  # 已召开
    REGISTERED = "registered"  # 已登记
    DUE = "due"  # 待召开
    OVERDUE = "overdue"  # 逾期未登记 (PD303)
    DELAYED = "delayed"  # 延期超过时限 (PD302)
    CANCELLED = "cancelled"  # 已取消: the office cancelled it (pressdocs plan mark/cancel)

@dataclass(frozen=True)
class PlanItemStatus:
    """One plan item, its state on the ``as_of`` day, its deadline and the conference
    that fulfils it (``None`` when there is none); the month the office moved it to and
    the office's mark on it, if any."""

    item: PlanItem
    year: int
    state: PlanState
    deadline: date
    conference: Conference | None = None
    reason: str = ""  # why the office cancelled it
    moved_to: tuple[int, int] | None = None  # (year, month) the office delayed it to
    mark: PlanMark | None = None  # the office's mark (pressdocs plan mark)
    #: what the office should know of the mark it just made (a move beyond the notice's
    #: 延期一般不超过1个月); set by :meth:`pressdocs.Pressdocs.mark_plan_item` only
    warning: Message | None = None

    @property
    def held_on(self) -> date | None:
        """The day it was held: its conference's, else the day the office marked it held."""
        if self.conference is not None:
            return _day(self.conference.held_on)
        if self.mark is not None and self.mark.state == "held" and \
                self.state in (PlanState.HELD, PlanState.DELAYED, PlanState.REGISTERED):
            return self.mark.held_on
        return None

    def state_text(self, lang: str = "zh") -> str:
        """The state as people read it: 待召开, or 待召开（延期至2021年5月） when moved."""
        label = self.state.label(lang)
        if self.moved_to is None or self.state is PlanState.CANCELLED:
            return label
        return Message.of("plan_mark.state_moved", state=label,
                          moved=moved_label(self.moved_to)).text(lang)


def month_label(month: tuple[int, int]) -> Message:
    """2021年5月 / May 2021."""
    return Message.of("plan_mark.month_label", year=month[0],
                      month_name=Message.of(f"plan_mark.month.m{month[1]}"))


def moved_label(month: tuple[int, int]) -> Message:
    """延期至2021年5月 / moved to May 2021."""
    return Message.of("plan_mark.moved_to", month=month_label(month))


def month_deadline(year: int, month: int) -> date:
    """The last day of ``month`` of ``year``: the deadline of an item moved there."""
    return date(year, month, calendar.monthrange(year, month)[1])


def item_deadline(year: int, item: PlanItem, mark: PlanMark | None = None,
                  max_delay_months: int = 1) -> date:
    """The deadline of ``item`` of ``year``'s plan: the end of the month the office moved it
    to (a ``delayed`` mark), else :func:`plan_deadline`."""
    if mark is not None and mark.state == "delayed" and mark.moved_to is not None:
        return month_deadline(*mark.moved_to)
    return plan_deadline(year, item.month, max_delay_months)

def plan_deadline(year: int, month: int, max_delay_months: int = 1) -> date:
    """The last day an item planned for ``month`` of ``year`` may be held: the end of the
    month ``max_delay_months`` after it (2021, 3, 1 → 2021-04-30; 2021, 12, 1 → 2022-01-31)."""
    index = year * 12 + (month - 1) + max_delay_months
    end_year, end_month = divmod(index, 12)
    end_month += 1
    return date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])

def plan_years(sub: Submission, config: Config) -> list[int]:
    """The years whose plan the registered conference may belong to: its own year, and in
    January to March also the previous one.  Empty without a conference time."""
    reg = sub.registration
    if reg is None or reg.time is None:
        return []
    day = office_day(reg.time, config.tz)
    return [day.year, day.year - 1] if day.month <= 3 else [day.year]


def find_plan_match(plan: Plan, unit: str, title: str, *, when: date | None = None,
                    config: Config | None = None,
                    exclude: Iterable[int] = ()) -> PlanMatch | None:
    """The plan item a conference of ``unit`` titled ``title`` held on ``when`` fulfils,
    and why (a :class:`PlanMatch`), or ``None``.

    An item counts when ``unit`` is one of its units (as the unit directory tells, so
    芜湖市市场监督管理局 is the plan's 市市场监管局) and its topic is like the title
    (:func:`pressdocs.rules.matching.topic_score` at least :data:`MATCH_THRESHOLD`, once
    spam, the city's name and 新闻发布会… are set aside).  Of the items whose likeness is
    within :data:`NEAR` of the best, the one planned closest to ``when`` is chosen (a
    unit may plan four alike economy briefings a year), then the likest, then the first.
    The others of them planned at most :data:`MONTH_SLACK` months further from ``when``
    than the chosen one are as likely: they are the match's ``candidates``, which PD304
    reports.  Items numbered in ``exclude`` are already taken.
    """
    config = config or Config()
    directory, city = config.directory, config.city
    compared = compared_topic(title, city)
    if not compared:
        return None
    taken = set(exclude)
    conference = when.year * 12 + when.month - 1 if when is not None else None
    found: list[tuple[float, int, PlanItem, str]] = []
    for item in plan.items:
        if item.number in taken or not any(directory.same(unit, u) for u in item.units):
            continue
        topic = compared_topic(item.topic, city)
        score = likeness(compared, topic)
        if score < MATCH_THRESHOLD:
            continue
        planned = plan.year * 12 + item.month - 1
        months = abs(conference - planned) if conference is not None else 0
        found.append((score, months, item, topic))
    if not found:
        return None
    best = max(score for score, *_ in found)
    near = [f for f in found if f[0] >= best - NEAR]
    score, months, item, topic = min(near, key=lambda f: (f[1], -f[0], f[2].number))
    rivals = sorted(f[2].number for f in near
                    if f[2] is not item and f[1] <= months + MONTH_SLACK)
    return PlanMatch(year=plan.year, item=item.number, score=round(score, 3),
                     title=compared, topic=topic, unit=directory.key(unit), months=months,
                     candidates=rivals)


def match_plan_item(plan: Plan, unit: str, title: str, *, when: date | None = None,
                    config: Config | None = None,
                    exclude: Iterable[int] = ()) -> PlanItem | None:
    """The plan item a conference of ``unit`` titled ``title`` fulfils, or ``None``
    (:func:`find_plan_match` without the reasons)."""
    found = find_plan_match(plan, unit, title, when=when, config=config, exclude=exclude)
    if found is None:
        return None
    return next(item for item in plan.items if item.number == found.item)


def plan_status(plan: Plan, conferences: Iterable[Conference], as_of: date, *,
                max_delay_months: int = 1, config: Config | None = None,
                marks: Mapping[int, PlanMark] | None = None) -> list[PlanItemStatus]:
    """The state of every item of ``plan`` on ``as_of``, in plan order.

    ``conferences`` are those known on ``as_of`` (registered or reported); the caller
    leaves out what arrived later, so a past day is judged as it stood then.
    ``marks`` (number → :class:`PlanMark`) are the office's marks (see the module
    docstring): a cancelled item is neither due nor overdue — unless a conference was
    held for it after all, which counts; a delayed one is judged against the end of the
    month it was moved to; one marked held counts as held that day when no conference
    fulfils it.
    """
    marks = marks or {}
    claimed = _claim(plan, list(conferences), config, max_delay_months, marks)
    result = []
    for item in plan.items:
        mark = marks.get(item.number)
        moved = mark.moved_to if mark is not None and mark.state == "delayed" else None
        deadline = item_deadline(plan.year, item, mark, max_delay_months)
        conference = claimed.get(item.number)
        if conference is None and mark is not None and mark.state == "cancelled":
            result.append(PlanItemStatus(item, plan.year, PlanState.CANCELLED, deadline,
                                         reason=mark.reason, mark=mark))
            continue
        day: date | None = None
        if conference is not None:
            day = _day(conference.held_on)
        elif mark is not None and mark.state == "held" and mark.held_on is not None:
            day = mark.held_on
        if day is not None:
            if day > deadline:
                state = PlanState.DELAYED
            elif day <= as_of:
                state = PlanState.HELD
            else:
                state = PlanState.REGISTERED
        else:
            state = PlanState.OVERDUE if as_of > deadline else PlanState.DUE
        result.append(PlanItemStatus(item, plan.year, state, deadline, conference,
                                     moved_to=moved, mark=mark))
    return result

def overdue_items(plan: Plan, conferences: Iterable[Conference], as_of: date, *,
                  max_delay_months: int = 1, config: Config | None = None,
                  unit: str | None = None,
                  marks: Mapping[int, PlanMark] | None = None) -> list[PlanItemStatus]:
    """PD303: the items with no conference registered by their deadline (the end of the
    month after their planned month, or of the month the office moved them to), as of
    ``as_of`` (only ``unit``'s items when given); the office's cancelled items are not
    overdue, nor those it marked held."""
    return [s for s in plan_status(plan, conferences, as_of, max_delay_months=max_delay_months,
                                   config=config, marks=marks)
            if s.state is PlanState.OVERDUE
            and (unit is None or any(same_unit(unit, u, config) for u in s.item.units))]

def _claim(plan: Plan, conferences: Sequence[Conference], config: Config | None,
           max_delay_months: int, marks: Mapping[int, PlanMark]) -> dict[int, Conference]:
    """Which conference fulfils which item: those naming an item first, then by likeness.

    Likeness is only tried for conferences held in the plan's year or in the months of
    the next year that a December item may still be delayed (or the office moved an
    item) into.
    """
    numbers = {item.number for item in plan.items}
    claimed: dict[int, Conference] = {}
    rest = []
    start = date(plan.year, 1, 1)
    last = max([plan_deadline(plan.year, 12, max_delay_months),
                *(month_deadline(*m.moved_to) for m in marks.values()
                  if m.state == "delayed" and m.moved_to is not None)])
    for conference in sorted(conferences, key=lambda c: _day(c.held_on)):
        day = _day(conference.held_on)
        if conference.plan_item is not None and conference.plan_year == plan.year \
                and conference.plan_item in numbers:
            claimed.setdefault(conference.plan_item, conference)
        elif conference.plan_year not in (None, plan.year):
            continue
        elif start <= day <= last:
            rest.append(conference)
    # one conference told of twice (its registration, and a row of the unit's statistics
    # table) fulfils one item: the same unit, the same day and an alike title
    city = config.city if config is not None else ""
    held: dict[tuple[str, date], list[str]] = {}

    def told(c: Conference) -> tuple[tuple[str, date], str]:
        return (unit_key(c.unit, config), _day(c.held_on)), compared_topic(c.title, city)

    for c in claimed.values():
        key, title = told(c)
        held.setdefault(key, []).append(title)
    for conference in rest:
        key, title = told(conference)
        if any(not title or not t or likeness(title, t) >= 0.5 for t in held.get(key, [])):
            continue
        item = match_plan_item(plan, conference.unit, conference.title,
                               when=_day(conference.held_on), config=config, exclude=claimed)
        if item is not None:
            claimed[item.number] = conference
            held.setdefault(key, []).append(title)
    return claimed

def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value
