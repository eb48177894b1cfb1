"""The store's interface: what the rest of pressdocs may ask of the office's ledger.

The store (数据存储) keeps everything a batch must remember from one run to the next:

- **blobs** — the original bytes of every message and file, addressed by their sha256
  and never modified;
- **the message ledger** (收件登记) — every incoming message taken in exactly once, even
  when a run is killed half-way or two runs overlap;
- **submissions** with their documents and findings;
- **the annual plan** (计划安排, 附件1);
- **notices** and how far their delivery got;
- **conferences** — the conferences units announced (登记表) or reported held (统计表),
  derived from the submissions that tell of them (:meth:`pressdocs.Submission.conferences`)
  and kept with them in the same transaction;
- **reviews**, **waivers** and the append-only **audit trail** (审计记录);
- **staff accounts** — who may sign in, in which role, their password as a scrypt hash.

Callers only see :class:`Store`; :func:`pressdocs.store.open_store` picks the backend
(SQLite today).  A backend for another database implements this class and nothing
else changes.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from pressdocs.models import (
    Conference,
    Document,
    Finding,
    Message,
    Notice,
    Plan,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)
from pressdocs.store.blobs import BlobWriter

__all__ = [
    "AccountRecord",
    "AuditEntry",
    "DeliveryStatus",
    "MessageRecord",
    "MessageState",
    "NoticeRecord",
    "PlanMark",
    "ReviewRecord",
    "Store",
    "SubmissionSummary",
    "SubmissionVersion",
    "Waiver",
]


class MessageState(StrEnum):
    """Where a message stands in the ledger."""

    RECEIVED = "received"  # archived and recorded; not yet (or not completely) processed
    PROCESSED = "processed"  # its submission is saved


class DeliveryStatus(StrEnum):
    """How far the delivery of a notice got.

    ``sending`` is set just before a channel is called, so that after a crash a notice
    whose fate is unknown is not sent twice by a channel that cannot deduplicate (SMS).
    """

    PENDING = "pending"  # recorded, not yet tried
    SENDING = "sending"  # handed to the channel; outcome unknown until set to sent/failed
    SENT = "sent"
    FAILED = "failed"  # tried and failed; will be tried again
    ABANDONED = "abandoned"  # failed for good (bad address); not tried again


@dataclass(frozen=True)
class MessageRecord:
    """One incoming message in the ledger (收件登记).

    ``received`` is when pressdocs took the message in (timezone-aware, UTC), not the
    date the sender wrote.  ``source_keys`` lists every place the message was seen
    (``imaps://u@h/INBOX;UIDVALIDITY=5;UID=7``, a Maildir file name, …).
    """

    id: int
    sha256: str
    message_id: str | None
    source_keys: tuple[str, ...]
    state: MessageState
    received: datetime
    submission_id: str | None
    size: int


@dataclass(frozen=True)
class SubmissionVersion:
    """An earlier result of a submission, replaced when its message was processed again:
    what it was, when it was saved, and when it was replaced."""

    submission: Submission
    saved: datetime
    replaced: datetime


@dataclass(frozen=True)
class SubmissionSummary:
    """What a list of submissions shows of one (收件箱): read from the store's columns
    and the submission's own record, its documents and readings left where they are."""

    id: str
    received: datetime | None
    sender: str
    sender_name: str
    subject: str
    unit: str
    kind: SubmissionKind
    status: SubmissionStatus
    plan_year: int | None
    plan_item: int | None
    findings: int  # how many findings it has
    errors: int  # how many of them are errors
    corrects: str  # the id of the submission it corrects; "" when none

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The submission as ``pressdocs submissions list --json`` lists it (schema
        ``submissions``)."""
        return {"id": self.id,
                "received": self.received.isoformat() if self.received else None,
                "sender": self.sender, "sender_name": self.sender_name,
                "subject": self.subject, "unit": self.unit, "kind": self.kind.value,
                "kind_label": self.kind.label(lang), "status": self.status.value,
                "status_label": self.status.label(lang), "plan_year": self.plan_year,
                "plan_item": self.plan_item, "findings": self.findings,
                "errors": self.errors, "corrects": self.corrects or None}


@dataclass(frozen=True)
class NoticeRecord:
    """A recorded notice and the state of its delivery."""

    notice: Notice
    status: DeliveryStatus
    detail: str
    attempts: int  # how many tries ended, sent, failed or abandoned
    updated: datetime

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The notice as ``pressdocs notices --json`` lists it (schema ``notices``)."""
        return {**self.notice.listing(), "status": self.status.value,
                "status_label": Message.of(f"notify.status.{self.status.value}").text(lang),
                "detail": self.detail, "attempts": self.attempts,
                "updated": self.updated.isoformat(),
                "text": str(self.notice.context.get("text", ""))}


@dataclass(frozen=True)
class AuditEntry:
    """One decision in the audit trail (审计记录), never changed once written: when
    (UTC), who (the account), what (``approve``, ``return``, ``waive``, ``plan_mark``,
    ``plan_cancel``, ``plan_restore`` …), about what (a submission id, ``plan:2021:3``), the state before
    and after, the opinion, reasons or note, and whatever else the action keeps."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    previous: str
    state: str
    text: str
    data: dict[str, Any]

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The entry as ``pressdocs audit --json`` lists it (schema ``audit``)."""
        return {"id": self.id, "at": self.at.isoformat(), "actor": self.actor,
                "action": self.action,
                "action_label": Message.of(f"review.action.{self.action}").text(lang),
                "subject": self.subject, "previous": self.previous, "state": self.state,
                "text": self.text, "data": self.data}


@dataclass(frozen=True)
class ReviewRecord:
    """The review decision standing on a submission: ``approved`` or ``returned``, the
    opinion (审批意见) or reasons, the day it bears, who decided and when."""

    submission_id: str
    state: str
    opinion: str
    decided_on: date | None
    by: str
    at: datetime


@dataclass(frozen=True)
class PlanMark:
    """The office's mark on a plan item (``pressdocs plan mark``): ``held`` on ``held_on``
    (the office knows it took place), ``delayed`` to ``moved_to`` (year, month: the office
    agreed to move it), or ``cancelled``; with the reason given and when it was marked
    (UTC).  Kept apart from the plan: importing the plan again leaves it."""

    state: str  # held | delayed | cancelled
    held_on: date | None = None
    moved_to: tuple[int, int] | None = None
    reason: str = ""
    marked_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        moved = f"{self.moved_to[0]:04d}-{self.moved_to[1]:02d}" if self.moved_to else None
        return {"state": self.state,
                "held_on": self.held_on.isoformat() if self.held_on else None,
                "moved_to": moved, "reason": self.reason,
                "marked_at": self.marked_at.isoformat() if self.marked_at else None}


@dataclass(frozen=True)
class Waiver:
    """A finding a reviewer waived for one submission (原则上: the limit holds in
    principle), with the note saying why, who and when."""

    submission_id: str
    code: str
    note: str
    by: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"note": self.note, "by": self.by, "at": self.at.isoformat()}


@dataclass(frozen=True)
class AccountRecord:
    """A staff account as the store keeps it.  ``password_hash`` is the self-describing
    scrypt string (:func:`pressdocs._accounts.hash_password`), never the password; it is
    left out of the record's ``repr`` so that no log or traceback shows it."""

    name: str
    role: str
    password_hash: str = field(repr=False)
    created_at: datetime
    disabled: bool
    password_changed_at: datetime


class Store(abc.ABC):
    """The office's ledger: blobs, messages, submissions, plan, notices, conferences.

    Safe for several processes at once (each opens its own ``Store``); one ``Store``
    object is not meant to be shared between threads.  Use it as a context manager,
    or call :meth:`close`.  Methods raise :class:`pressdocs.errors.StoreError` when
    the store cannot be read or written.
    """

    # --- lifecycle ------------------------------------------------------------------------

    @property
    @abc.abstractmethod
    def path(self) -> Path:
        """The store directory."""

    @property
    @abc.abstractmethod
    def schema_version(self) -> int:
        """The version of the store's schema (see :mod:`pressdocs.store.migrations`)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Close the store; calling it again does nothing."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """Several writes as one, for the length of a ``with`` block: all committed at its
        end, none if it raises (a batch commits a message and the receipts it queues
        together).  The store's own methods inside it join it."""

    @abc.abstractmethod
    def lock(self) -> AbstractContextManager[None]:
        """Exclusive access across processes (and machines, for a shared database), for
        the length of a ``with`` block: for what must run alone, such as ``reprocess``
        (batches share a store by claiming messages: :meth:`claim_message`).

        Does not wait: when another process holds the store, raises
        :class:`pressdocs.errors.StoreLocked` naming it.  A killed holder leaves no
        stale lock.  Nesting on the same ``Store`` is allowed.
        """

    # --- blobs: the original bytes -------------------------------------------------------

    @abc.abstractmethod
    def put_blob(self, data: bytes) -> str:
        """Keep ``data``; return its sha256 (hex).  An existing blob is not rewritten."""

    @abc.abstractmethod
    def put_blob_stream(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Keep the concatenation of ``chunks`` without holding it whole in memory.

        Returns ``(sha256, size)``.  For a 200 MB video part, pass the decoder's output.
        """

    @abc.abstractmethod
    def blob_writer(self) -> BlobWriter:
        """A file-like writer for a new blob (``with store.blob_writer() as w: ...``).

        After the ``with`` block, ``w.sha256`` and ``w.size`` name what was kept; use it
        where data arrives through ``write()`` (``shutil.copyfileobj`` from a zip member).
        """

    def deferred_blobs(self) -> AbstractContextManager[None]:
        """A block whose new blobs are flushed to disk together, before the commit that
        names them (or when the block ends); those of a block that raises are dropped.

        A message's original and attachments cost one flush this way rather than two
        each.  The default writes each blob durably at once."""
        return nullcontext()

    @abc.abstractmethod
    def get_blob(self, sha256: str) -> bytes:
        """The bytes of a blob; :class:`StoreError` if the store does not have it."""

    @abc.abstractmethod
    def blob_path(self, sha256: str) -> Path:
        """Where a blob lives on disk (it may not exist); read large blobs from here."""

    @abc.abstractmethod
    def has_blob(self, sha256: str) -> bool:
        """Whether the store has the blob."""

    # --- the message ledger ------------------------------------------------------------

    @abc.abstractmethod
    def find_message(self, *, source_key: str | None = None, message_id: str | None = None,
                     sha256: str | None = None) -> MessageRecord | None:
        """The message already taken in that matches ANY of the keys given, or ``None``.

        A message is the same message when it has the same bytes (sha256) or was seen at
        the same source key (a folder and UID): a message seen in two folders is found by
        its sha256; with only a source key, a mail source can skip downloading a message
        it already took in.  A Message-ID is a header anyone can write, so it never makes
        two messages one: ``message_id`` is used only when no other key is given, and
        then finds the first message taken in with it (compared without the angle
        brackets); :meth:`messages_with_message_id` lists them all.
        """

    @abc.abstractmethod
    def messages_with_message_id(self, message_id: str) -> list[MessageRecord]:
        """Every message taken in with this Message-ID, oldest first (a different message
        may reuse an earlier one's; each is its own message)."""

    @abc.abstractmethod
    def record_message(self, raw: bytes | None = None, *, blob: str | None = None,
                       source_key: str | None = None,
                       message_id: str | None = None) -> MessageRecord:
        """Take a message in: archive its raw bytes, then record it as ``received``.

        Pass the raw bytes as ``raw``, or, for a message already streamed into a blob,
        its sha256 as ``blob``.  The bytes are durable before the row is committed, so a
        recorded message can always be processed again.  When the message is already
        known (by its sha256 or source key, see :meth:`find_message`) nothing new is
        recorded: the known record is returned, with ``source_key`` added to it.  A
        message with another message's Message-ID but other bytes is a new record.  Safe against concurrent
        runs: two processes recording the same message get the same record.
        """

    @abc.abstractmethod
    def add_source_key(self, record_id: int, source_key: str) -> MessageRecord:
        """Note that a known message was also seen at ``source_key`` (a second folder)."""

    @abc.abstractmethod
    def message(self, record_id: int) -> MessageRecord | None:
        """The ledger record with this id, or ``None``."""

    @abc.abstractmethod
    def mark_processed(self, record_id: int, submission: Submission, *,
                       again: bool = False) -> MessageRecord:
        """In one transaction: save ``submission`` (documents, findings) and mark the
        message ``processed``, ending any claim on it.

        A message pressdocs failed on should still be marked, with a submission of
        status ``error`` whose findings say why; otherwise every run retries it.  A
        message already processed (by another batch whose claim outlived this one's) is
        refused with :class:`~pressdocs.errors.ClaimLost` and nothing is written, unless
        ``again`` (reprocessing a processed message on purpose).
        """

    @abc.abstractmethod
    def claim_message(self, record_id: int, worker: str, *, seconds: float,
                      taking_over: str | None = None) -> bool:
        """Claim the recorded message for ``worker`` for ``seconds`` from now; whether it
        was claimed.  Refused when it is processed or another worker's claim on it is
        still running (a worker that died lets its claims run out), unless that worker is
        ``taking_over`` (known to be gone); ``worker``'s own claim is renewed.  Several
        batches on one store take each message once this way."""

    @abc.abstractmethod
    def claimant(self, record_id: int) -> str | None:
        """The worker whose claim on the message is still running, or ``None``."""

    @abc.abstractmethod
    def release_claims(self, worker: str, record_id: int | None = None) -> None:
        """End ``worker``'s claim on the message ``record_id`` (all its claims when
        ``None``): another worker may take those messages at once."""

    @abc.abstractmethod
    def unprocessed_messages(self) -> list[MessageRecord]:
        """Messages recorded but not processed (a run crashed or was stopped), oldest first."""

    @abc.abstractmethod
    def processed_messages(self) -> list[MessageRecord]:
        """Messages processed, oldest first (``pressdocs reprocess`` chooses among them)."""

    # --- submissions ---------------------------------------------------------------------

    @abc.abstractmethod
    def save_submission(self, submission: Submission) -> None:
        """Insert or replace a submission (by id), replacing its documents, findings and
        conferences; a replaced submission is kept in its history."""

    @abc.abstractmethod
    def submission_history(self, submission_id: str) -> list[SubmissionVersion]:
        """The earlier results of a submission, oldest first (empty if never replaced)."""

    @abc.abstractmethod
    def get_submission(self, submission_id: str) -> Submission | None:
        """The submission with this id, or ``None``."""

    @abc.abstractmethod
    def submissions(self, *, unit: str | None = None,
                    kind: SubmissionKind | str | None = None,
                    status: SubmissionStatus | str | None = None,
                    since: datetime | None = None,
                    until: datetime | None = None,
                    forms_only: bool = False) -> list[Submission]:
        """Submissions matching every filter given, by time received (unknown last).

        ``since`` is inclusive, ``until`` exclusive; both must be timezone-aware, and a
        submission with no ``received`` time matches neither.  ``forms_only`` keeps those
        carrying a registration form or a statistics table (asked of an index: a unit's
        many materials packages are never decoded to find its few forms).
        """

    @abc.abstractmethod
    def submission_summaries(self, *, status: SubmissionStatus | str | None = None,
                             units: Sequence[str] | None = None,
                             plan_month: tuple[int, int] | None = None,
                             limit: int | None = None,
                             offset: int = 0) -> tuple[int, list[SubmissionSummary]]:
        """A page of submissions, the newest received first (unknown times last): how
        many match every filter given, and the summaries of the ``limit`` of them after
        the first ``offset`` (every one when ``limit`` is ``None``).

        ``units`` lists unit names as recorded (any of them matches; an empty list
        matches none); ``plan_month`` is ``(year, month)`` of the plan item a submission
        was matched to.  Asked of the store's indexes: the page's submissions are the
        only ones read.
        """

    @abc.abstractmethod
    def submission_ids(self, prefix: str, *, limit: int = 2) -> list[str]:
        """The ids of up to ``limit`` submissions whose id starts with ``prefix``, sorted."""

    @abc.abstractmethod
    def corrected_by(self, submission_id: str) -> list[str]:
        """The ids of the submissions that correct this one, the first received first."""

    @abc.abstractmethod
    def units(self) -> list[str]:
        """Every unit name submissions are kept under, as recorded (``Submission.unit``),
        sorted; the empty name left out.  Which of them are the same unit is the unit
        directory's to say (:func:`pressdocs.rules.matching.same_unit`)."""

    @abc.abstractmethod
    def conference_units(self) -> list[str]:
        """Every unit name the kept conferences are told under (:meth:`conferences`),
        sorted; like :meth:`units`, one indexed look per name."""

    @abc.abstractmethod
    def use_topic_keys(self, city: str, key: Callable[[str], str]) -> None:
        """Key registration titles with ``key`` (the title as compared for ``city``) for
        :meth:`latest_alike`: submissions written from now on are keyed as they are
        written, ones kept before (or under another city) the first time this is asked."""

    @abc.abstractmethod
    def latest_alike(self, units: Sequence[str], *, until: datetime, exclude: str,
                     plan: tuple[int | None, int] | None = None,
                     topic: str | None = None,
                     statistics_filed: str | None = None) -> str | None:
        """The id of the latest submission of ``units`` received before ``until`` (not
        ``exclude``, not unrelated mail) for the same plan item (``(year, number)``), with
        a registration whose title's key (:meth:`use_topic_keys`) is ``topic``, or a
        statistics table filed on ``statistics_filed`` (ISO date, ``""`` for none) —
        each asked by index; ``None`` when none is."""

    @abc.abstractmethod
    def documents(self, *, submission_id: str | None = None,
                  sha256: str | None = None) -> list[tuple[str, Document]]:
        """``(submission id, document)`` pairs: the documents of a submission, or the
        submissions a blob arrived in."""

    @abc.abstractmethod
    def findings(self, *, submission_id: str | None = None,
                 code: str | None = None) -> list[tuple[str, Finding]]:
        """``(submission id, finding)`` pairs, filtered by submission and/or code (PD101)."""

    # --- the annual plan (附件1) ----------------------------------------------------------

    @abc.abstractmethod
    def save_plan(self, plan: Plan) -> None:
        """Keep ``plan``, replacing the plan (and every item) of the same year."""

    @abc.abstractmethod
    def get_plan(self, year: int) -> Plan | None:
        """The plan of ``year``, or ``None``."""

    @abc.abstractmethod
    def plan_years(self) -> list[int]:
        """The years that have a plan, ascending."""

    @abc.abstractmethod
    def mark_plan_item(self, year: int, number: int, mark: PlanMark) -> None:
        """Put the office's ``mark`` on item ``number`` of ``year``'s plan, replacing an
        earlier one.  Kept apart from the plan: importing the plan again leaves it."""

    @abc.abstractmethod
    def clear_plan_mark(self, year: int, number: int) -> bool:
        """Take the office's mark off an item (it is planned again); whether it had one."""

    @abc.abstractmethod
    def plan_marks(self, year: int) -> dict[int, PlanMark]:
        """The office's marks on ``year``'s plan: item number → its mark."""

    # --- notices ---------------------------------------------------------------------------

    @abc.abstractmethod
    def record_notice(self, notice: Notice) -> bool:
        """Record a notice as ``pending``; ``False`` (and nothing changes) if its key exists.

        This is what makes sending idempotent: a notice is only sent after
        ``record_notice`` returned ``True`` for it, or from :meth:`pending_notices`.
        """

    @abc.abstractmethod
    def set_delivery(self, key: str, status: DeliveryStatus | str, detail: str = "", *,
                     retry_at: datetime | None = None) -> None:
        """Set the delivery state of a recorded notice; ``detail`` says why (server reply).
        A ``failed`` notice waits until ``retry_at`` (default: at once) to be tried again.

        :class:`StoreError` if no notice has this key.
        """

    @abc.abstractmethod
    def take_notice(self, key: str) -> bool:
        """Mark the notice ``sending`` if it is ``pending`` or ``failed``; whether it was
        (``False``: another process took it first, or it is sent).  Two ``notify`` runs on
        one store — on two machines — send each notice once this way."""

    @abc.abstractmethod
    def notice_state(self, key: str) -> str | None:
        """The delivery state of the notice with this key, or ``None`` if never recorded."""

    @abc.abstractmethod
    def notice_record(self, key: str) -> NoticeRecord | None:
        """The notice with this key and the state of its delivery, or ``None``."""

    @abc.abstractmethod
    def notice_records(self, status: DeliveryStatus | str | None = None, *,
                       unit: str | None = None) -> list[NoticeRecord]:
        """Recorded notices (optionally only those in ``status``), oldest first."""

    @abc.abstractmethod
    def pending_notices(self, at: datetime | None = None) -> list[Notice]:
        """Notices still to send: ``pending``, or ``failed`` and due to be tried again by
        ``at`` (default: now), oldest first.

        Notices left ``sending`` by a crash are not included: whether they went out is
        unknown, so a person decides (see :meth:`notice_records`).
        """

    # --- conferences ----------------------------------------------------------------------

    @abc.abstractmethod
    def conferences(self, *, year: int | None = None, unit: str | None = None,
                    known_by: datetime | None = None, units: Sequence[str] | None = None,
                    held_from: date | None = None,
                    source: str | None = None) -> list[Conference]:
        """The conferences the kept submissions tell of, in the order they were (to be)
        held: in ``year``, of ``unit`` (as written) or one of ``units``, held on or after
        ``held_from``, told by ``source``, known by ``known_by`` (from
        submissions received by then; a submission with no received time always counts).
        A conference whose submission was corrected by a later one (received by then) is
        left out: the correction tells of it instead.
        """

    # --- review and audit ------------------------------------------------------------------

    @abc.abstractmethod
    def record_audit(self, *, actor: str, action: str, subject: str, previous: str = "",
                     state: str = "", text: str = "",
                     data: dict[str, Any] | None = None) -> AuditEntry:
        """Append an entry to the audit trail (inside the caller's transaction, if any, so
        that a decision and its entry are kept together or not at all)."""

    @abc.abstractmethod
    def audit(self, *, since: datetime | None = None,
              subject: str | None = None) -> list[AuditEntry]:
        """The audit trail, oldest first: entries at or after ``since`` (timezone-aware),
        about ``subject``."""

    @abc.abstractmethod
    def review(self, submission_id: str) -> ReviewRecord | None:
        """The review decision standing on a submission, or ``None`` (none taken yet)."""

    @abc.abstractmethod
    def set_review(self, record: ReviewRecord) -> None:
        """Record the review decision on a submission, replacing the one before (whose
        trace is the audit entry the caller writes with it)."""

    @abc.abstractmethod
    def add_waiver(self, waiver: Waiver) -> bool:
        """Keep a waiver; ``False`` (and nothing changes) if that code is already waived
        for that submission."""

    @abc.abstractmethod
    def waivers(self, submission_id: str | None = None) -> list[Waiver]:
        """The waivers of a submission (of every submission when ``None``), in the order
        they were given."""

    @abc.abstractmethod
    def corrections_of(self, submission_id: str) -> list[str]:
        """The ids of the submissions that correct this one (it is superseded by them)."""

    # --- staff accounts --------------------------------------------------------------------

    @abc.abstractmethod
    def add_account(self, name: str, role: str, password_hash: str, at: datetime) -> bool:
        """Keep a new account; ``False`` (and nothing changes) if the name is taken,
        compared ignoring the case of ASCII letters."""

    @abc.abstractmethod
    def account(self, name: str) -> AccountRecord | None:
        """The account called ``name`` (ASCII letters in any case), or ``None``."""

    @abc.abstractmethod
    def accounts(self) -> list[AccountRecord]:
        """Every account, by name."""

    @abc.abstractmethod
    def set_account_password(self, name: str, password_hash: str, at: datetime) -> bool:
        """Replace an account's password hash (changed at ``at``); whether it exists."""

    @abc.abstractmethod
    def set_account_disabled(self, name: str, disabled: bool) -> bool:
        """Disable or enable an account; whether it exists."""
