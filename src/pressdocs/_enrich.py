"""What the office knows about a submission beyond its documents: who sent it, which
plan item it fulfils, which earlier submission it corrects.

:func:`enrich` runs after the plugins' ``prepare_submission`` (so a plugin that names the
unit decides the plan match too) and before the rules; each fact is worked out here
once and recorded on the submission, and the rules only read it:

- **unit** (``sub.unit``, unless a plugin set it): the unit named on a form and found in
  the unit directory (``[units]``), else the unit that sends from the sender's address,
  else the name on the form as written, else the sender's display name ("市生态环境局
  <sthjj@…>", "市统计局办公室" → 市统计局);
- **plan item** (``sub.plan_year``/``sub.plan_item``): the item of the annual plan the
  registered conference fulfils — the plan of the conference's year, and in January to
  March also the previous year's (an item of last year held late) — by unit and topic
  (:func:`pressdocs.rules.plan_status.match_plan_item`);
- **correction** (``sub.corrects``, kind ``correction``): a resend by the same unit for
  the same plan item, the same conference title, or the same statistics period.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pressdocs.config import Config
from pressdocs.models import PlanItem, Submission, SubmissionKind

if TYPE_CHECKING:
    from pressdocs.store import Store

__all__ = ["enrich", "identify_unit", "match_plan"]

_UNIT_IN_NAME = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,6}市|[\u4e00-\u9fff]{1,6}[县区])?[\u4e00-\u9fff]{1,12}?"
    r"(?:局|委员会|委|办公室|办|中心|管委会|人民政府|政府)")


def enrich(sub: Submission, config: Config, ledger: Store | None) -> None:
    """Fill in the unit, the plan item and the correction (see the module docstring)."""
    if not sub.unit:
        sub.unit = identify_unit(sub, config)
    if sub.plan_item is None and ledger is not None:
        found = match_plan(sub, config, ledger)
        if found is not None:
            sub.plan_year, item = found
            sub.plan_item = item.number
    if ledger is not None and not sub.corrects:
        _detect_correction(sub, ledger)


def identify_unit(sub: Submission, config: Config) -> str:
    """The sending unit: named on a form, found in the unit directory, or by address."""
    named = [n for n in (
        sub.registration.filing_unit if sub.registration else "",
        sub.registration.organiser if sub.registration else "",
        sub.statistics.filing_unit if sub.statistics else "",
    ) if n]
    for name in named:
        unit = config.find_unit(name)
        if unit is not None:
            return unit.name
    if sub.sender:
        unit = config.unit_by_email(sub.sender)
        if unit is not None:
            return unit.name
    if named:
        return named[0]
    unit = config.find_unit(sub.sender_name) if sub.sender_name else None
    if unit is not None:
        return unit.name
    found = _UNIT_IN_NAME.search(sub.sender_name or "")
    return found.group(0) if found else ""


def match_plan(sub: Submission, config: Config, ledger: Store) -> tuple[int, PlanItem] | None:
    """The plan item (with its plan's year) the submission's conference fulfils, or ``None``."""
    from pressdocs.rules.plan_status import match_plan_item, plan_years

    reg = sub.registration
    if reg is None or reg.time is None:
        return None
    when = reg.time.astimezone(config.tz).date()
    unit = sub.unit or reg.organiser or reg.filing_unit
    for year in plan_years(sub, config):
        plan = ledger.get_plan(year)
        if plan is None:
            continue
        item = match_plan_item(plan, unit, reg.title, when=when, config=config)
        if item is not None:
            return plan.year, item
    return None


def _detect_correction(sub: Submission, ledger: Store) -> None:
    """A resend for the same conference by the same unit corrects the latest earlier one
    (received before it: run again later, or checked against a ledger holding newer
    mail, a submission never corrects one that came after it)."""
    from pressdocs.rules.ledger import earlier_submissions

    if not sub.unit or sub.kind is SubmissionKind.UNRELATED:
        return
    title = sub.registration.title if sub.registration else ""
    for earlier in reversed(earlier_submissions(ledger, sub)):
        if earlier.kind is SubmissionKind.UNRELATED:
            continue
        same_item = sub.plan_item is not None and \
            (earlier.plan_year, earlier.plan_item) == (sub.plan_year, sub.plan_item)
        same_title = bool(title) and earlier.registration is not None and \
            earlier.registration.title == title
        same_stats = sub.kind is SubmissionKind.STATISTICS and \
            earlier.kind is SubmissionKind.STATISTICS and sub.statistics is not None and \
            earlier.statistics is not None and \
            earlier.statistics.filing_date == sub.statistics.filing_date
        if same_item or same_title or same_stats:
            sub.corrects = earlier.id
            sub.kind = SubmissionKind.CORRECTION
            return
