"""What happens in pressdocs, as typed events for ``handle_event`` listeners.

An event is announced once what it tells is true for good: a submission after the
ledger committed it, a plan after it was saved.  Checking without writing (``pressdocs
validate``, ``batch --dry-run``) announces only :class:`SubmissionChecked`, so a plugin
that notifies units on :class:`SubmissionProcessed` never messages anyone about a dry run.
Every event says whether it was ``committed`` and whether it came from a ``dry_run``.

A listener tells events apart by their class::

    from pressdocs import hookimpl
    from pressdocs.events import SubmissionProcessed

    @hookimpl
    def handle_event(event):
        if isinstance(event, SubmissionProcessed) and event.submission.status == "incomplete":
            ...

A listener that raises never stops a batch: its failure is reported (logged, and
returned by :meth:`pressdocs.Pressdocs.emit`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from pressdocs._intake import BatchReport
    from pressdocs.capabilities import Delivery
    from pressdocs.models import Finding, Notice, Plan, Submission

__all__ = [
    "BatchFinished",
    "Event",
    "FindingRaised",
    "NoticeSent",
    "PlanImported",
    "SubmissionChecked",
    "SubmissionProcessed",
]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every event: its ``name``, when it happened, and whether what it tells was
    written to the ledger (``committed``) or only tried (``dry_run``)."""

    name: ClassVar[str] = "event"
    committed: bool = True
    dry_run: bool = False
    at: datetime = field(default_factory=_now)


@dataclass(frozen=True, kw_only=True)
class SubmissionProcessed(Event):
    """A message was taken in (``pressdocs batch``) or processed again (``pressdocs
    reprocess``, ``reprocessed``), and its submission is committed to the ledger."""

    name: ClassVar[str] = "submission_processed"
    submission: Submission
    reprocessed: bool = False


@dataclass(frozen=True, kw_only=True)
class FindingRaised(Event):
    """One finding of a committed submission (fired after its :class:`SubmissionProcessed`)."""

    name: ClassVar[str] = "finding_raised"
    submission: Submission
    finding: Finding
    reprocessed: bool = False


@dataclass(frozen=True, kw_only=True)
class SubmissionChecked(Event):
    """A submission was checked and nothing was written: ``pressdocs validate`` and
    :meth:`pressdocs.Pressdocs.check` (``dry_run`` false), ``batch --dry-run`` (true)."""

    name: ClassVar[str] = "submission_checked"
    committed: bool = False
    submission: Submission


@dataclass(frozen=True, kw_only=True)
class PlanImported(Event):
    """The annual plan (附件1) of a year was imported, replacing the year's earlier plan."""

    name: ClassVar[str] = "plan_imported"
    plan: Plan


@dataclass(frozen=True, kw_only=True)
class BatchFinished(Event):
    """A batch (or a reprocess) went through its source; ``report`` says what it did."""

    name: ClassVar[str] = "batch_finished"
    report: BatchReport


@dataclass(frozen=True, kw_only=True)
class NoticeSent(Event):
    """A notice went through a channel; ``delivery`` says how it went."""

    name: ClassVar[str] = "notice_sent"
    notice: Notice
    delivery: Delivery
