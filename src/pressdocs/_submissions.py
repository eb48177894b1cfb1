"""The office's look at its submissions: a page of them (收件箱), and one in full.

:func:`submission_list` asks the store for one page, the newest first, filtered by status,
unit and plan month, without reading any other submission
(:meth:`pressdocs.store.Store.submission_summaries`): the inbox of a store of ten thousand
submissions is as quick as that of ten.  :func:`submission_detail` gathers everything
known of one submission: the mail it came in (sender, ledger record, original message),
its documents and where each came from, what was read out of them (the registration form,
the materials with their 字数, the statistics table), its findings with the notice's
clauses, the plan item it was matched to, its earlier results and its corrections.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import tzinfo
from typing import Any

from pressdocs.config import Config
from pressdocs.models import PlanItem, Submission, SubmissionStatus
from pressdocs.store import MessageRecord, Store, SubmissionSummary, SubmissionVersion, Waiver
from pressdocs.text.dates import office_time

__all__ = ["SubmissionDetail", "SubmissionList", "submission_detail", "submission_list"]


@dataclass
class SubmissionList:
    """A page of submissions (:meth:`pressdocs.Pressdocs.submissions`): ``total`` match the
    filters, ``items`` are the ``limit`` of them after the first ``offset``, the newest
    received first."""

    total: int
    items: list[SubmissionSummary] = field(default_factory=list)
    status: SubmissionStatus | None = None
    unit: str | None = None
    month: tuple[int, int] | None = None  # (year, month) of the plan item
    limit: int | None = None
    offset: int = 0

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The JSON output (schema ``submissions``)."""
        return {"total": self.total, "offset": self.offset, "limit": self.limit,
                "status": self.status.value if self.status else None, "unit": self.unit,
                "month": f"{self.month[0]:04d}-{self.month[1]:02d}" if self.month else None,
                "submissions": [s.to_dict(lang) for s in self.items]}


@dataclass
class SubmissionDetail:
    """Everything known of one submission (:meth:`pressdocs.Pressdocs.submission_detail`)."""

    submission: Submission
    message: MessageRecord | None = None  # its record in the message ledger
    plan_item: PlanItem | None = None  # the plan item it was matched to
    plan_cancelled: str | None = None  # the reason, when the office cancelled that item
    history: list[SubmissionVersion] = field(default_factory=list)  # earlier results
    corrected_by: list[str] = field(default_factory=list)  # corrections that came later
    waivers: list[Waiver] = field(default_factory=list)  # findings a reviewer waived

    @property
    def release_chars(self) -> int | None:
        """字数 of the press release's body, as Word counts."""
        m = self.submission.materials
        return m.press_release.chars if m is not None and m.press_release is not None else None

    @property
    def answer_chars(self) -> list[int | None]:
        """字数 of each prepared answer, in the order of the questions."""
        m = self.submission.materials
        return [qa.answer_chars for qa in m.qa] if m is not None else []

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The JSON output (schema ``submission-detail``)."""
        sub = self.submission
        message = None
        if self.message is not None:
            message = {"ledger": self.message.id, "sha256": self.message.sha256,
                       "size": self.message.size, "message_id": self.message.message_id,
                       "taken_in": self.message.received.isoformat(),
                       "source_keys": list(self.message.source_keys)}
        plan = None
        if self.plan_item is not None:
            item = self.plan_item
            plan = {"year": sub.plan_year, "number": item.number, "month": item.month,
                    "topic": item.topic, "venue": item.venue, "units": list(item.units),
                    "cancelled": self.plan_cancelled}
        return {
            "id": sub.id,
            "received": sub.received.isoformat() if sub.received else None,
            "sender": sub.sender, "sender_name": sub.sender_name, "subject": sub.subject,
            "source": sub.source, "message_id": sub.message_id, "unit": sub.unit,
            "kind": sub.kind.value, "kind_label": sub.kind.label(lang),
            "status": sub.status.value, "status_label": sub.status.label(lang),
            "message": message, "plan_item": plan,
            "documents": [d.to_dict() for d in sub.documents],
            "registration": sub.registration.to_dict() if sub.registration else None,
            "materials": sub.materials.to_dict() if sub.materials else None,
            "statistics": sub.statistics.to_dict() if sub.statistics else None,
            "zishu": {"release": self.release_chars, "answers": self.answer_chars},
            "findings": [f.to_dict() for f in sub.findings],
            "waivers": [{"code": w.code, **w.to_dict()} for w in self.waivers],
            "defects": [d.to_dict() for d in sub.defects],
            "corrects": sub.corrects or None,
            "corrected_by": list(self.corrected_by),
            "history": [{"saved": v.saved.isoformat(), "replaced": v.replaced.isoformat(),
                         "status": v.submission.status.value,
                         "status_label": v.submission.status.label(lang),
                         "findings": [f.code for f in v.submission.findings]}
                        for v in self.history],
        }


def submission_list(store: Store, config: Config, *, status: SubmissionStatus | str | None = None,
                    unit: str | None = None, month: tuple[int, int] | None = None,
                    limit: int | None = None, offset: int = 0) -> SubmissionList:
    """A page of the store's submissions, the newest first: of ``status``, of ``unit`` (as
    the unit directory tells units apart: every name it was recorded under), matched to
    a plan item of ``month`` (year, month)."""
    from pressdocs.rules.matching import unit_key

    wanted = SubmissionStatus(status) if status is not None else None
    names = None
    if unit is not None:
        key = unit_key(unit, config)
        names = [n for n in store.units() if unit_key(n, config) == key]
    total, items = store.submission_summaries(status=wanted, units=names, plan_month=month,
                                              limit=limit, offset=offset)
    # the store keeps UTC; the office reads its own time
    items = [replace(s, received=office_time(s.received, config.tz)) if s.received else s
             for s in items]
    return SubmissionList(total=total, items=items, status=wanted, unit=unit, month=month,
                          limit=limit, offset=offset)


def submission_detail(store: Store, sub: Submission, tz: tzinfo) -> SubmissionDetail:
    """Everything the store knows of ``sub``, its times in the office's zone ``tz`` (the
    store keeps UTC, and a submission the zone its Date header wrote)."""
    record = store.find_message(sha256=sub.id) if len(sub.id) == 64 else None
    if record is not None and record.submission_id != sub.id:
        record = None
    item, cancelled = None, None
    if sub.plan_year is not None and sub.plan_item is not None:
        plan = store.get_plan(sub.plan_year)
        item = next((i for i in plan.items if i.number == sub.plan_item), None) if plan else None
        if item is not None:
            mark = store.plan_marks(sub.plan_year).get(item.number)
            cancelled = mark.reason if mark is not None and mark.state == "cancelled" else None
    if sub.received is not None:
        sub = replace(sub, received=office_time(sub.received, tz))
    if record is not None:
        record = replace(record, received=office_time(record.received, tz))
    history = [replace(v, saved=office_time(v.saved, tz), replaced=office_time(v.replaced, tz))
               for v in store.submission_history(sub.id)]
    waivers = [replace(w, at=office_time(w.at, tz)) for w in store.waivers(sub.id)]
    return SubmissionDetail(submission=sub, message=record, plan_item=item,
                            plan_cancelled=cancelled, history=history,
                            corrected_by=store.corrected_by(sub.id), waivers=waivers)
