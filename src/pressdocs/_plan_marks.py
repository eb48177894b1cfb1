"""The office's marks on plan items (``pressdocs plan mark``): held, delayed, cancelled.

The notice's workflow has a plan item held, delayed (延期一般不超过1个月) or cancelled.
The office marks what it knows that the ledger does not:

- ``held`` on a day (default today; never a day to come): the conference took place
  (registered by phone, say).  When no conference in the ledger fulfils the item it
  counts as held that day; when one does, the ledger's stands and the mark is a note;
- ``delayed`` to a month (``2021-05``, or ``5``: that month of the plan's year), after
  the planned month and at most 12 months after it: the item's deadline becomes the end
  of that month.  A move beyond ``[deadlines] max_delay_months`` is accepted (the office
  decides) and said (:attr:`MarkResult.beyond_notice`);
- ``cancelled`` with a reason: neither due nor overdue, unless a conference is held
  for it after all;
- ``planned``: the mark is taken off.

Each mark and each clearing is one entry in the audit trail, in the same transaction
(``plan_mark``, ``plan_cancel``, ``plan_restore``; subject ``plan:YEAR:N``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from pressdocs.errors import StoreError
from pressdocs.models import Message, PlanItem

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs
    from pressdocs.rules.plan_status import PlanItemStatus

__all__ = ["MARK_STATES", "mark_plan_item", "parse_month"]

#: What ``pressdocs plan mark`` accepts: the marks, and ``planned`` to clear one.
MARK_STATES = ("held", "delayed", "cancelled", "planned")
#: The furthest the office may move an item, in months after its planned month.
MAX_MOVE_MONTHS = 12

_MONTH = re.compile(r"^\s*(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*月?\s*$")


def parse_month(text: str, year: int) -> tuple[int, int] | None:
    """``2021-05`` / ``2021年5月`` → (2021, 5); ``5`` or ``5月`` → (``year``, 5); else None."""
    found = _MONTH.match(text)
    if found is None:
        return None
    month = int(found.group(2))
    if not 1 <= month <= 12:
        return None
    return (int(found.group(1)) if found.group(1) else year, month)


def _parse_day(value: date | str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from pressdocs.text.dates import parse_date_strict

    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        pass
    try:  # 2021年6月30日, 2021.6.30 …
        return parse_date_strict(value)
    except ValueError:  # InvalidDate: impossible, ambiguous, no year
        return None


def mark_plan_item(app: Pressdocs, number: int, state: str, *,
                   held_on: date | str | None = None, month: str | tuple[int, int] | None = None,
                   reason: str = "", year: int | None = None,
                   by: str | None = None) -> PlanItemStatus:
    """Put the office's mark on item ``number`` of ``year``'s plan (default: the latest),
    or take it off (``planned``), with its audit entry; the item's status today after it.
    :class:`StoreError` with a clear message when the mark cannot be made."""
    from pressdocs._review import current_actor
    from pressdocs.rules.plan_status import item_deadline
    from pressdocs.store import PlanMark

    plan = app.plan(year)
    item = next((i for i in plan.items if i.number == number), None)
    where: dict[str, Any] = {"year": plan.year, "number": number}
    if item is None:
        raise StoreError.of("store.no_plan_item", **where, count=len(plan.items))
    if state not in MARK_STATES:
        raise StoreError.of("plan_mark.bad_state", **where, state=state,
                            choices=list(MARK_STATES))
    reason = reason.strip()
    store, today = app.store, app.today()
    earlier = store.plan_marks(plan.year).get(number)
    subject = f"plan:{plan.year}:{number}"
    if state == "planned":
        with store.transaction():
            if store.clear_plan_mark(plan.year, number) and earlier is not None:
                store.record_audit(actor=current_actor(by), action="plan_restore",
                                   subject=subject, previous=earlier.state, state="planned",
                                   text=reason or earlier.reason,
                                   data={**where, "held_on": None, "moved_to": None,
                                         "reason": reason, "earlier": earlier.to_dict()})
        return _status(app, plan.year, number, today)
    mark = PlanMark(state=state, reason=reason, marked_at=datetime.now(UTC))
    beyond = False
    if state == "held":
        day = today if held_on is None else _parse_day(held_on)
        if day is None:
            raise StoreError.of("plan_mark.bad_date", **where, value=str(held_on))
        if day > today:
            raise StoreError.of("plan_mark.future", **where, day=day, today=today)
        mark = replace(mark, held_on=day)
    elif state == "delayed":
        moved = _moved_to(month, plan.year, item, where)
        mark = replace(mark, moved_to=moved)
        months = app.config.deadlines.max_delay_months
        beyond = item_deadline(plan.year, item, mark) > item_deadline(plan.year, item,
                                                                      None, months)
    elif not reason:
        raise StoreError.of("store.no_cancel_reason", **where)
    action = "plan_cancel" if state == "cancelled" else "plan_mark"
    data = {**where, **{k: v for k, v in mark.to_dict().items()
                        if k in ("held_on", "moved_to", "reason")},
            "earlier": earlier.to_dict() if earlier is not None else None}
    with store.transaction():
        store.mark_plan_item(plan.year, number, mark)
        store.record_audit(actor=current_actor(by), action=action, subject=subject,
                           previous=earlier.state if earlier is not None else "planned",
                           state=state, text=reason, data=data)
    status = _status(app, plan.year, number, today)
    if beyond:
        status = replace(status, warning=Message.of(
            "plan_mark.beyond_notice", **where, months=app.config.deadlines.max_delay_months,
            planned=item.month))
    return status


def _moved_to(month: str | tuple[int, int] | None, year: int, item: PlanItem,
              where: dict[str, Any]) -> tuple[int, int]:
    if month is None or (isinstance(month, str) and not month.strip()):
        raise StoreError.of("plan_mark.no_month", **where)
    moved = parse_month(month, year) if isinstance(month, str) else month
    if moved is None or not 1 <= moved[1] <= 12:
        raise StoreError.of("plan_mark.bad_month", **where, value=str(month))
    after = (moved[0] * 12 + moved[1]) - (year * 12 + item.month)
    if after < 1:
        raise StoreError.of("plan_mark.not_later", **where, planned=item.month,
                            moved=_label(moved))
    if after > MAX_MOVE_MONTHS:
        raise StoreError.of("plan_mark.too_far", **where, planned=item.month,
                            moved=_label(moved), most=MAX_MOVE_MONTHS)
    return moved


def _label(month: tuple[int, int]) -> Message:
    from pressdocs.rules.plan_status import month_label

    return month_label(month)


def _status(app: Pressdocs, year: int, number: int, as_of: date) -> PlanItemStatus:
    from pressdocs._reports import plan_report

    report = plan_report(app.store, app.config, as_of=as_of, year=year)
    return next(s for s in report.items if s.item.number == number)
