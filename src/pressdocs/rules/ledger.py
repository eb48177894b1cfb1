"""What the rules ask of the office's ledger (the store), asked safely.

Rules that need more than the submission — the annual plan, a unit's earlier
registration — read the store through these helpers.  Without a store
(``context.store is None``: ``pressdocs validate`` with no store yet) they return
nothing and the rule stays silent rather than guess.
Only what had arrived by the submission's own received time is used.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pressdocs.models import Plan, Submission

if TYPE_CHECKING:
    from pressdocs.config import Config
    from pressdocs.store import Store

__all__ = ["corrected_submission", "earlier_submissions", "plan_of", "unit_names"]


def plan_of(store: Store | None, year: int) -> Plan | None:
    """The plan of ``year`` (附件1) kept in the store, or ``None``."""
    return store.get_plan(year) if store is not None else None


def earlier_submissions(store: Store | None, sub: Submission,
                        config: Config | None = None, *, forms_only: bool = False,
                        since: datetime | None = None) -> list[Submission]:
    """The same unit's other submissions that had arrived by the time ``sub`` did (and
    not before ``since``, when given).  With ``forms_only``, only those carrying a
    registration form or a statistics table: what the rules look for, asked of an index,
    never by decoding the unit's packages.  A rule gives ``since`` so that what it reads
    does not grow with the years of history the store keeps.

    "The same unit" as the unit directory tells (:func:`pressdocs.rules.matching.same_unit`):
    a submission kept under 芜湖市统计局 (a plugin's name, or one recorded before the
    office added the unit to ``[units]``) is 市统计局's too.  Empty without a store,
    without a known unit, or when ``sub`` has no received time (there is then no
    "earlier" to speak of).
    """
    if store is None or not sub.unit or sub.received is None:
        return []
    # asked of the store by unit and time (indexed): only what had arrived is decoded
    until = _aware(sub.received) + timedelta(microseconds=1)
    names = unit_names(store, sub.unit, config)
    found = [s for name in names
             for s in store.submissions(unit=name, since=since, until=until,
                                        forms_only=forms_only)
             if s.id != sub.id]
    if len(names) > 1:
        found.sort(key=lambda s: (_aware(s.received) if s.received else until, s.id))
    return found


def unit_names(store: Store, unit: str, config: Config | None = None) -> list[str]:
    """The names the store keeps submissions under that are ``unit``'s, as the unit
    directory tells (:func:`pressdocs.rules.matching.same_unit`); one indexed look per
    distinct name, however many submissions the store keeps."""
    from pressdocs.rules.matching import same_unit

    return [n for n in store.units() if n == unit or same_unit(n, unit, config)]


def corrected_submission(store: Store | None, sub: Submission,
                         config: Config) -> str | None:
    """The id of the submission ``sub`` corrects: the same unit's latest earlier one
    (received by the time ``sub`` was, unrelated mail aside) for the same plan item, with
    the same conference title once compared
    (:func:`pressdocs.rules.matching.compared_topic`), or a statistics table of the same
    filing date.  Three indexed questions to the store; nothing earlier is decoded."""
    from functools import partial

    from pressdocs.models import SubmissionKind
    from pressdocs.rules.matching import compared_topic

    if store is None or not sub.unit or sub.received is None:
        return None
    # called as the store calls it (city by keyword): one cache entry per title, not two
    title = compared_topic(sub.registration.title, city=config.city) if sub.registration else ""
    plan = (sub.plan_year, sub.plan_item) if sub.plan_item is not None else None
    stats = None
    if sub.kind is SubmissionKind.STATISTICS and sub.statistics is not None:
        filed = sub.statistics.filing_date
        stats = filed.isoformat() if filed is not None else ""
    if plan is None and not title and stats is None:
        return None
    store.use_topic_keys(config.city, partial(compared_topic, city=config.city))
    until = _aware(sub.received) + timedelta(microseconds=1)
    return store.latest_alike(unit_names(store, sub.unit, config), until=until,
                              exclude=sub.id, plan=plan, topic=title or None,
                              statistics_filed=stats)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
