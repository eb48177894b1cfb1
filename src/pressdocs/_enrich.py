"""What the office knows about a submission beyond its documents: who sent it, which
plan item it fulfils, which earlier submission it corrects.

:func:`enrich` runs after the plugins' ``prepare_submission`` (so a plugin that names the
unit decides the plan match too) and before the rules; each fact is worked out here
once and recorded on the submission, and the rules only read it:

- **unit** (``sub.unit``, unless a plugin set it): the unit named on a form and found in
  the unit directory (:mod:`pressdocs._units`: shipped with pressdocs, extended by
  ``[units]``), by the name the directory records it by (芜湖市人力资源和社会保障局 →
  市人社局); else the unit that sends from the sender's address; else the name on the
  form as written; else the sender's display name ("市生态环境局 <sthjj@…>",
  "市统计局办公室" → 市统计局);
- **plan item** (``sub.plan_year``/``sub.plan_item``, and why: ``sub.plan_match``): the
  item of the annual plan the registered conference fulfils — the plan of the
  conference's year, and in January to March also the previous year's (an item of last
  year held late) — by unit, topic and month
  (:func:`pressdocs.rules.plan_status.find_plan_match`);
- **correction** (``sub.corrects``, kind ``correction``): a resend by the same unit for
  the same plan item, the same conference title, or the same statistics period.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pressdocs.config import Config
from pressdocs.models import PlanItem, PlanMatch, Submission, SubmissionKind
from pressdocs.text.dates import office_day

if TYPE_CHECKING:
    from pressdocs.store import Store

__all__ = ["enrich", "find_match", "identify_unit", "match_plan"]

_UNIT_IN_NAME = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,6}市|[\u4e00-\u9fff]{1,6}[县区])?[\u4e00-\u9fff]{1,12}?"
    r"(?:局|委员会|委|办公室|办|中心|管委会|人民政府|政府)")


def enrich(sub: Submission, config: Config, ledger: Store | None) -> None:
    """Fill in the unit, the plan item and the correction (see the module docstring)."""
    if not sub.unit:
        sub.unit = identify_unit(sub, config)
    if sub.plan_item is None and ledger is not None:
        found = find_match(sub, config, ledger)
        if found is not None:
            sub.plan_year, sub.plan_item, sub.plan_match = found.year, found.item, found
    if ledger is not None and not sub.corrects:
        _detect_correction(sub, ledger, config)


def identify_unit(sub: Submission, config: Config) -> str:
    """The sending unit, as the unit directory names it: named on a form, else by the
    sender's address, else as the form writes it, else the sender's display name."""
    directory = config.directory
    named = [n for n in (
        sub.registration.filing_unit if sub.registration else "",
        sub.registration.organiser if sub.registration else "",
        sub.statistics.filing_unit if sub.statistics else "",
    ) if n]
    for name in named:
        unit = directory.find(name)
        if unit is not None:
            return unit.name
    if sub.sender:
        unit = directory.by_email(sub.sender)
        if unit is not None:
            return unit.name
    if named:
        return named[0]
    if not sub.sender_name:
        return ""
    unit = directory.find(sub.sender_name)
    if unit is not None:
        return unit.name
    found = _UNIT_IN_NAME.search(sub.sender_name)
    if found is None:
        return ""
    unit = directory.find(found.group(0))
    return unit.name if unit is not None else found.group(0)


def find_match(sub: Submission, config: Config, ledger: Store) -> PlanMatch | None:
    """The plan item the submission's registered conference fulfils and why, or ``None``:
    by its unit, title and day (:func:`pressdocs.rules.plan_status.find_plan_match`), in
    the plan of the conference's year, then in January to March the previous year's."""
    from pressdocs.rules.plan_status import find_plan_match, plan_years

    reg = sub.registration
    if reg is None or reg.time is None:
        return None
    when = office_day(reg.time, config.tz)
    unit = sub.unit or reg.organiser or reg.filing_unit
    for year in plan_years(sub, config):
        plan = ledger.get_plan(year)
        if plan is None:
            continue
        found = find_plan_match(plan, unit, reg.title, when=when, config=config)
        if found is not None:
            return found
    return None


def match_plan(sub: Submission, config: Config, ledger: Store) -> tuple[int, PlanItem] | None:
    """The plan item (with its plan's year) the submission's conference fulfils, or
    ``None`` (:func:`find_match` without the reasons)."""
    found = find_match(sub, config, ledger)
    if found is None:
        return None
    plan = ledger.get_plan(found.year)
    assert plan is not None
    return found.year, next(item for item in plan.items if item.number == found.item)


def _detect_correction(sub: Submission, ledger: Store, config: Config) -> None:
    """A resend for the same conference by the same unit corrects the latest earlier one
    (received before it: run again later, or checked against a ledger holding newer
    mail, a submission never corrects one that came after it).  The unit is the same as
    the unit directory tells, the title the same once compared
    (:func:`pressdocs.rules.matching.compared_topic`: 《》, the city's name and
    新闻发布会 aside)."""
    from pressdocs.rules.ledger import corrected_submission

    if not sub.unit or sub.kind is SubmissionKind.UNRELATED:
        return
    earlier = corrected_submission(ledger, sub, config)
    if earlier is not None:
        sub.corrects = earlier
        sub.kind = SubmissionKind.CORRECTION
