"""What the rules ask of the office's ledger (the store), asked safely.

Rules that need more than the submission — the annual plan, a unit's earlier
registration — read the store through these helpers.  Without a store
(``context.store is None``: ``pressdocs validate`` on loose files), or with a store that
lacks a method, they return nothing and the rule stays silent rather than guess.
Only what had arrived by the submission's own received time is used.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pressdocs.models import Plan, Submission

__all__ = ["earlier_submissions", "plan_of", "recorded_conferences"]


def _call(store: Any, method: str, /, **kwargs: Any) -> Any:
    function = getattr(store, method, None) if store is not None else None
    return function(**kwargs) if callable(function) else None


def plan_of(store: Any, year: int) -> Plan | None:
    """The plan of ``year`` (附件1) kept in the store, or ``None``."""
    plan = _call(store, "get_plan", year=year)
    return plan if isinstance(plan, Plan) else None


def earlier_submissions(store: Any, sub: Submission) -> list[Submission]:
    """The same unit's other submissions that had arrived by the time ``sub`` did.

    Empty without a store, without a known unit, or when ``sub`` has no received time
    (there is then no "earlier" to speak of).
    """
    if not sub.unit or sub.received is None:
        return []
    found = _call(store, "submissions", unit=sub.unit) or []
    return [s for s in found if isinstance(s, Submission) and s.id != sub.id
            and s.received is not None and _aware(s.received) <= _aware(sub.received)]


def recorded_conferences(store: Any, unit: str) -> list[Any]:
    """The conferences the store records for ``unit`` (:class:`ConferenceRecord`)."""
    if not unit:
        return []
    return list(_call(store, "conferences", unit=unit) or [])


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
