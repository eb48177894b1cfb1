"""The submissions register (收件登记簿): what arrived when, from whom, and what became of it.

One entry per stored submission, in the order received: the time, the sender (name and
address), the unit, the subject line, what it is, its status, the plan item it was
matched to, its documents and its findings.  A corrected resend is listed as what it is
(类别 更正) beside the submission it corrects.

Each entry keeps only what the register shows, so that a register of a large store
stays small in memory; exporters stream it row by row
(:mod:`pressdocs.builtin.export_xlsx` writes a write-only workbook).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from pressdocs.config import Config
from pressdocs.models import Finding, Submission, SubmissionKind, SubmissionStatus
from pressdocs.store import Store
from pressdocs.text.dates import office_time

__all__ = ["RegisterEntry", "SubmissionsRegister", "register_entry", "submissions_register"]


@dataclass
class RegisterEntry:
    """One submission as the register lists it."""

    id: str
    received: datetime | None
    sender_name: str
    sender: str
    unit: str
    subject: str
    kind: SubmissionKind
    status: SubmissionStatus
    plan_year: int | None = None
    plan_item: int | None = None
    documents: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    corrects: str = ""
    #: the findings a reviewer waived for this submission: code → the note
    waived: dict[str, str] = field(default_factory=dict)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"id": self.id, "received": self.received.isoformat() if self.received else None,
                "sender_name": self.sender_name, "sender": self.sender, "unit": self.unit,
                "subject": self.subject, "kind": self.kind.value,
                "kind_label": self.kind.label(lang), "status": self.status.value,
                "status_label": self.status.label(lang), "plan_year": self.plan_year,
                "plan_item": self.plan_item, "documents": self.documents,
                "findings": [f.to_dict() for f in self.findings],
                "corrects": self.corrects or None,
                "waived": [{"code": c, "note": n} for c, n in self.waived.items()]}


@dataclass
class SubmissionsRegister:
    """The submissions register (:meth:`pressdocs.Pressdocs.submissions_register`): the
    entries of ``year`` (received that year; every year when ``None``) and of ``unit``
    (every unit when ``None``), in the order received."""

    entries: list[RegisterEntry] = field(default_factory=list)
    year: int | None = None
    unit: str | None = None
    #: the office's time zone, in which times are shown (Asia/Shanghai without one)
    config: Config | None = field(default=None, repr=False, compare=False)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The JSON export (schema ``register``)."""
        return {"year": self.year, "unit": self.unit, "count": len(self.entries),
                "submissions": [e.to_dict(lang) for e in self.entries]}


def register_entry(sub: Submission, waived: dict[str, str] | None = None, *,
                   tz: tzinfo | None = None) -> RegisterEntry:
    """What the register keeps of ``sub``: each document by its name (inside its package:
    ``材料.zip/发布稿.docx``), and the findings waived for it (code → note); with ``tz``,
    the time received as the office's clock shows it."""
    documents = [f"{d.container}/{d.path or d.name}" if d.container else d.name
                 for d in sub.documents]
    received = office_time(sub.received, tz) if sub.received and tz else sub.received
    return RegisterEntry(id=sub.id, received=received, sender_name=sub.sender_name,
                         sender=sub.sender, unit=sub.unit, subject=sub.subject, kind=sub.kind,
                         status=sub.status, plan_year=sub.plan_year, plan_item=sub.plan_item,
                         documents=documents, findings=list(sub.findings),
                         corrects=sub.corrects, waived=dict(waived or {}))


def submissions_register(store: Store, config: Config, *, year: int | None = None,
                         unit: str | None = None) -> SubmissionsRegister:
    """The register of the store's submissions received in ``year`` (office time), of
    ``unit`` (as the unit directory tells units apart)."""
    from pressdocs.rules.matching import unit_key

    since = until = None
    if year is not None:
        since = datetime(year, 1, 1, tzinfo=config.tz)
        until = datetime(year + 1, 1, 1, tzinfo=config.tz)
    wanted = unit_key(unit, config) if unit else None
    subs: Iterable[Submission] = store.submissions(since=since, until=until)
    waivers: dict[str, dict[str, str]] = {}
    for w in store.waivers():
        waivers.setdefault(w.submission_id, {})[w.code] = w.note
    entries = [register_entry(s, waivers.get(s.id), tz=config.tz) for s in subs
               if wanted is None or unit_key(s.unit, config) == wanted]
    return SubmissionsRegister(entries=entries, year=year, unit=unit, config=config)
