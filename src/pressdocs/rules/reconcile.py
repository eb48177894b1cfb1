"""Reconciling the conferences registered with the office and those in a unit's
statistics table (统计表, 附件3): PD403.

A registered conference and a statistics row are the same conference when they are on
the same day and their titles are alike, or they are the only two on that day; or, to
forgive a mistyped date, when their titles are very alike and at most 7 days apart.
Each row matches at most one conference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from pressdocs.models import Conference, StatisticsRow
from pressdocs.rules.matching import topic_score

__all__ = ["Reconciliation", "reconcile"]

_SAME_DAY_SCORE = 0.4
_NEAR_DAY_SCORE = 0.8
_NEAR_DAYS = 7


@dataclass
class Reconciliation:
    """What does not agree: registered conferences absent from the statistics, and
    statistics rows (by index) with no registered conference; and what does: each
    registered conference found in the statistics with the index of its row."""

    missing_from_statistics: list[Conference] = field(default_factory=list)
    unregistered_rows: list[int] = field(default_factory=list)
    matched: list[tuple[Conference, int]] = field(default_factory=list)


def reconcile(registered: Sequence[Conference], rows: Sequence[StatisticsRow], *,
              city: str = "") -> Reconciliation:
    """Compare ``registered`` with the dated ``rows`` of a statistics table.

    Rows without a date cannot be compared and are left out of ``unregistered_rows``
    (PD402 reports them as incomplete).
    """
    free = {i for i, row in enumerate(rows) if row.held_on is not None}
    result = Reconciliation()
    pending = []
    for conference in registered:
        day = _day(conference.held_on)
        same_day = [i for i in free if rows[i].held_on == day]
        scored = sorted(((topic_score(conference.title, rows[i].topic, city), i)
                         for i in same_day), reverse=True)
        if scored and (scored[0][0] >= _SAME_DAY_SCORE or len(same_day) == 1):
            free.discard(scored[0][1])
            result.matched.append((conference, scored[0][1]))
        else:
            pending.append(conference)
    for conference in pending:
        day = _day(conference.held_on)
        near = sorted((topic_score(conference.title, rows[i].topic, city), i) for i in free
                      if abs((_row_day(rows[i]) - day).days) <= _NEAR_DAYS)
        if near and near[-1][0] >= _NEAR_DAY_SCORE:
            free.discard(near[-1][1])
            result.matched.append((conference, near[-1][1]))
        else:
            result.missing_from_statistics.append(conference)
    result.unregistered_rows = sorted(free)
    return result


def _row_day(row: StatisticsRow) -> date:
    assert row.held_on is not None
    return row.held_on


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value
