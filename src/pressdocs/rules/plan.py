"""Rules on the annual plan (计划安排, 附件1): PD301–PD304.

They need the plan of the conference's year from the store (``get_plan(year)``); with no
store, or no plan for that year, they are silent.

- PD301 (info) the registered conference is not in the plan: allowed (没有安排计划的其他
  单位,可以根据工作需要适时召开), recorded for the office;
- PD302 the conference is held after its item's deadline, the end of the month after the
  planned month (延期一般不超过1个月), or of the month the office moved it to
  (``pressdocs plan mark N delayed``);
- PD303 a plan item of the sending unit has no registration although its deadline passed
  before this submission arrived: a reminder in the unit's receipt.  The same judgement
  over the whole plan is :func:`pressdocs.rules.plan_status.overdue_items`, which
  ``pressdocs plan status`` and ``pressdocs report annual`` use;
- PD304 the conference is as like another item of the plan as the one it was matched to
  (:func:`pressdocs.rules.plan_status.find_plan_match`): a warning naming them, so that
  the office confirms which, never a silent pick.

A plan's topics are shown with the spam of the published plan put back to the city's
name (:func:`pressdocs.rules.matching.readable_topic`).
"""

from __future__ import annotations

from datetime import date

from pressdocs.capabilities import Context
from pressdocs.config import Config
from pressdocs.models import (
    Conference,
    DocumentKind,
    Finding,
    Message,
    Plan,
    PlanItem,
    Severity,
    Submission,
)
from pressdocs.rules.catalogue import CLAUSES, Rule, document_name, local
from pressdocs.rules.ledger import plan_of
from pressdocs.rules.matching import readable_topic, same_unit
from pressdocs.rules.plan_status import item_deadline, moved_label, overdue_items, plan_years

__all__ = ["AmbiguousPlanMatch", "DelayedConference", "OverduePlanItems",
           "UnplannedConference", "planned_item"]


def planned_item(sub: Submission, plan: Plan) -> PlanItem | None:
    """The item of ``plan`` the submission's conference fulfils: the one the pipeline
    matched and recorded (``sub.plan_year``/``sub.plan_item``, :mod:`pressdocs._enrich`),
    never matched again here."""
    if sub.plan_item is None or sub.plan_year != plan.year:
        return None
    return next((item for item in plan.items if item.number == sub.plan_item), None)


def _plans(sub: Submission, context: Context) -> list[Plan]:
    """The plans the conference may belong to, as the pipeline looked for them: its own
    year's first, in the first quarter also the previous year's."""
    found = (plan_of(context.store, y) for y in plan_years(sub, context.config))
    return [p for p in found if p is not None]


class UnplannedConference(Rule):
    """PD301: the conference is not in the annual plan (allowed; recorded)."""

    code = "PD301"
    severity = Severity.INFO
    clause = CLAUSES["unplanned"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        plans = _plans(submission, context)
        reg = submission.registration
        if not plans or reg is None or reg.time is None:
            return []
        if plans[0].year != local(reg.time, context.config).year:
            return []  # without the plan of the conference's own year there is no judging
        if any(planned_item(submission, p) for p in plans):
            return []
        return [self.finding(
            "unplanned", title=reg.title, year=plans[0].year,
            document=document_name(submission, DocumentKind.REGISTRATION),
            field="registration.title")]


class DelayedConference(Rule):
    """PD302: held more than 1 month after its planned month."""

    code = "PD302"
    severity = Severity.WARNING
    clause = CLAUSES["delay"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        config = context.config
        reg = submission.registration
        for plan in _plans(submission, context):
            item = planned_item(submission, plan)
            if item is None:
                continue
            assert reg is not None and reg.time is not None
            months = config.deadlines.max_delay_months
            marks = context.store.plan_marks(plan.year) if context.store is not None else {}
            mark = marks.get(item.number)
            deadline = item_deadline(plan.year, item, mark, months)
            held = local(reg.time, config)
            if held.date() <= deadline:
                return []
            if mark is not None and mark.state == "delayed" and mark.moved_to is not None:
                return [self.finding(
                    "delayed_moved", topic=readable_topic(item.topic, config.city),
                    number=item.number, year=plan.year, month=item.month, held=held,
                    moved=moved_label(mark.moved_to), deadline=deadline,
                    document=document_name(submission, DocumentKind.REGISTRATION),
                    field="registration.time")]
            return [self.finding(
                "delayed", topic=readable_topic(item.topic, config.city), number=item.number,
                year=plan.year,
                month=item.month, held=held, months=months, deadline=deadline,
                document=document_name(submission, DocumentKind.REGISTRATION),
                field="registration.time")]
        return []


class OverduePlanItems(Rule):
    """PD303: a planned item of the unit has no registration by the end of the month after
    its planned month, as of this submission's receipt."""

    code = "PD303"
    severity = Severity.WARNING
    clause = CLAUSES["delay"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        config = context.config
        if not submission.unit or submission.received is None:
            return []
        as_of = local(submission.received, config).date()
        findings = []
        for year in (as_of.year - 1, as_of.year):
            plan = plan_of(context.store, year)
            if plan is None:
                continue
            partners = _partners(plan, submission.unit, config)
            known = self._known(submission, context, as_of, partners)
            theirs = [c for c in known if any(same_unit(c.unit, u, config) for u in partners)]
            marks = context.store.plan_marks(year) if context.store is not None else {}
            for status in overdue_items(plan, theirs, as_of,
                                        max_delay_months=config.deadlines.max_delay_months,
                                        config=config, unit=submission.unit,
                                        marks=marks):
                item = status.item
                findings.append(self.finding(
                    "overdue", year=year, number=item.number,
                    topic=readable_topic(item.topic, config.city),
                    month=item.month, deadline=status.deadline, as_of=as_of,
                    field="submission.plan_item"))
        return findings

    @staticmethod
    def _known(sub: Submission, context: Context, as_of: date,
               partners: list[str]) -> list[Conference]:
        """The conferences of ``partners`` the office knew of when ``sub`` arrived: those
        registered by then and those reported held by then (the store's, from submissions
        received by then), and the ones ``sub`` itself tells of.  Asked of the store by
        unit (indexed), not by reading every unit's conferences."""
        if context.store is None:
            return sub.conferences()
        assert sub.received is not None
        config = context.config
        names = [n for n in context.store.conference_units()
                 if any(n == u or same_unit(n, u, config) for u in partners)]
        kept = context.store.conferences(known_by=sub.received, units=names)
        return [c for c in kept if c.submission_id != sub.id
                and (c.source == "registration" or c.held_on <= as_of)] + sub.conferences()


def _partners(plan: Plan, unit: str, config: Config) -> list[str]:
    """The units whose conferences can fulfil an item of ``unit``: ``unit`` and the units
    named with it on an item (市财政局、市农业农村局: either one's registration fulfils
    it), as the plan writes them.  Units are compared through the unit directory (a
    statistics table may name 芜湖市人力资源和社会保障局 where the plan says 市人社局)."""
    found = [unit]
    for item in plan.items:
        if any(same_unit(unit, u, config) for u in item.units):
            found += [u for u in item.units if u not in found]
    return found


class AmbiguousPlanMatch(Rule):
    """PD304: the conference is as like another item of the plan as the item it was
    matched to; the office confirms which."""

    code = "PD304"
    severity = Severity.WARNING
    clause = CLAUSES["plan"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        match = submission.plan_match
        reg = submission.registration
        if match is None or not match.candidates or reg is None \
                or (submission.plan_year, submission.plan_item) != (match.year, match.item):
            return []
        plan = plan_of(context.store, match.year)
        topics = {item.number: item.topic for item in plan.items} if plan is not None else {}
        items = [Message.of("PD304.item", number=number,
                            topic=readable_topic(topics.get(number, ""), context.config.city))
                 for number in sorted([match.item, *match.candidates])]
        where = {"document": document_name(submission, DocumentKind.REGISTRATION),
                 "field": "submission.plan_item"}
        if len(items) == 2:
            return [self.finding("ambiguous", title=reg.title, year=match.year, first=items[0],
                                 second=items[1], chosen=match.item, **where)]
        return [self.finding("ambiguous_many", title=reg.title, year=match.year, items=items,
                             chosen=match.item, **where)]
