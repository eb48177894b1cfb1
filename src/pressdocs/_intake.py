"""Taking in a mailbox: every message exactly once, archived before anything else.

:func:`run_batch` reads a location (``imaps://…``, a Maildir, an mbox, a folder of .eml
files) through the first :class:`pressdocs.MailSource` that handles it, and for each
message:

1. looks it up in the ledger by source key and sha256 of its bytes — a message already
   processed is reported ``duplicate`` and left alone.  A different message reusing an
   earlier one's Message-ID is a message of its own (PD904 notes the repeated header);
2. records it, which stores the raw bytes durably *before* the ledger row is committed;
3. makes its submission through the one :class:`~pressdocs._pipeline.Pipeline` (read,
   assemble, prepare, enrich, validate);
4. in one transaction saves the submission, marks the message processed and, when
   receipts are asked for, queues its receipt (回执) in the outbox;
5. announces it (:class:`~pressdocs.events.SubmissionProcessed`), after the commit;
6. lets the source acknowledge it (mark seen, move), never delete it.

A dry run makes every submission the same way, judged against the same ledger, but
writes nothing, acknowledges nothing and announces only
:class:`~pressdocs.events.SubmissionChecked`.

Memory does not grow with the mailbox, nor with the message: a message on disk is
hashed and archived in pieces, and a large one is taken apart as it streams past
(:mod:`pressdocs.mail.stream`).

A failure that is not the message's fault — the disk full or failing while its bytes or
documents are written (``ENOSPC``, ``EIO``), the store refusing a write, the mailbox
connection dropped — is *transient* (:func:`is_transient`): the message is left as it
was (unrecorded, or recorded but unprocessed), listed in :attr:`BatchReport.deferred`
with the reason, and taken up by the next run; ``pressdocs batch`` then exits 3.  Only
what the message itself does wrong becomes a finding, kept for good (PD900 and the rest).

A run killed at any point leaves messages either unrecorded (taken in next time) or
recorded but unprocessed (processed next time, from the archived bytes); so every
message is processed exactly once.  A second run on the same store at the same time
is refused by the store's lock.  :func:`reprocess` runs stored messages through the
pipeline again (after a plugin, configuration or plan change), keeping the earlier
result in the submission's history.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import imaplib
import json
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pressdocs._claims import gone_from_here, worker_name
from pressdocs._pipeline import Pipeline
from pressdocs._readers import Readers
from pressdocs._redact import scrub
from pressdocs.capabilities import MailSource, RawMessage, source_key
from pressdocs.errors import ClaimLost, PressdocsError, SourceError, StoreError
from pressdocs.events import (
    BatchFinished,
    FindingRaised,
    SubmissionChecked,
    SubmissionProcessed,
)
from pressdocs.mail.message import ParsedMessage, parse_headers
from pressdocs.models import (
    Document,
    DocumentKind,
    Finding,
    LinkedFile,
    Message,
    Severity,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)
from pressdocs.store import MessageRecord, Store
from pressdocs.text.dates import office_day, office_time

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs
    from pressdocs._notify import NoticeOutcome

__all__ = ["Admitted", "BatchReport", "DeferredMessage", "MessageOutcome", "ReadFailure",
           "find_source", "is_transient", "reprocess", "run_batch"]

_CHUNK = 1024 * 1024
_HEAD = 256 * 1024  # where a message file's header block is looked for

#: Called with each message's outcome as the batch goes (a progress bar).
Progress = Callable[["MessageOutcome"], None]


class MessageOutcome:
    """One message of a batch: the submission it made (for a duplicate, the one it made
    the first time), and where the message stands (``duplicate`` when it was not new).

    A batch's report must not grow with the mailbox by the whole of every submission
    (documents, forms, findings): once a message is committed and reported to the
    ``progress`` callback, its outcome keeps only the submission's id and what the
    report counts (:attr:`kind`, :attr:`severities`), and :attr:`submission` reads the
    submission back from the store when asked (one lookup by its id).  A dry run stores
    nothing: there the outcome keeps the submission itself.
    """

    __slots__ = ("_id", "_key", "_loader", "_source", "_submission", "kind", "severities",
                 "status")

    def __init__(self, submission: Submission, status: SubmissionStatus,
                 source_key: str = "") -> None:
        self.status = status
        self.source_key = source_key
        self.submission_id = submission.id
        #: What kind of submission it is (counted by :meth:`BatchReport.by_kind`).
        self.kind = submission.kind
        #: The severity of each of its findings, most severe first
        #: (:meth:`BatchReport.by_severity`).
        self.severities = _severities(submission.findings)
        self._submission: Submission | None = submission
        self._loader: Callable[[str], Submission | None] | None = None

    # kept small, for thousands of them: the id as its 32 bytes, the source key as the
    # source (shared by the batch's messages) and the message's own key

    @property
    def submission_id(self) -> str:
        """The submission's id (the sha256 of the message it was made from)."""
        return self._id.hex() if isinstance(self._id, bytes) else self._id

    @submission_id.setter
    def submission_id(self, value: str) -> None:
        self._id = bytes.fromhex(value) if _SHA256.fullmatch(value) else value

    @property
    def source_key(self) -> str:
        """The ledger's key of the message (:attr:`pressdocs.RawMessage.source_key`)."""
        return self._key if self._source is None else f"{self._source};{self._key}"

    @source_key.setter
    def source_key(self, value: str) -> None:
        source, sep, key = value.rpartition(";")
        self._source = _SOURCES.setdefault(source, source) if sep else None
        self._key = key

    @property
    def submission(self) -> Submission:
        """The submission, read back from the store if the outcome no longer holds it."""
        if self._submission is not None:
            return self._submission
        assert self._loader is not None
        found = self._loader(self.submission_id)
        if found is None:  # gone from the store since (a store replaced meanwhile)
            raise StoreError.of("store.no_submission", submission=self.submission_id)
        return found

    def _release(self, loader: Callable[[str], Submission | None]) -> None:
        """Drop the submission; :attr:`submission` asks ``loader`` for it from now on.  A
        duplicate the ledger knew without a submission keeps the little it was given."""
        sub = self._submission
        if sub is not None and sub == Submission(id=sub.id, message_id=sub.message_id):
            return
        self._loader, self._submission = loader, None

    @property
    def new(self) -> bool:
        """Whether the message was taken in by this run (not a duplicate)."""
        return self.status is not SubmissionStatus.DUPLICATE

    def __repr__(self) -> str:
        return (f"MessageOutcome(submission_id={self.submission_id!r}, "
                f"status={self.status.value!r}, source_key={self.source_key!r})")

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The message as ``pressdocs batch --json`` reports it (schema ``batch``): who sent
        it (address and display name), the conference it is about, each document with
        where it came from, and the findings."""
        sub = self.submission
        links = _links_by_name(sub)
        return {
            "message_id": sub.message_id, "subject": sub.subject, "sender": sub.sender,
            "sender_name": sub.sender_name,
            "received": sub.received.isoformat() if sub.received else None,
            "status": self.status.value, "status_label": self.status.label(lang),
            "kind": sub.kind.value, "unit": sub.unit, "plan_year": sub.plan_year,
            "plan_item": sub.plan_item,
            "plan_match": sub.plan_match.to_dict() if sub.plan_match else None,
            "corrects": sub.corrects or None,
            "conference": _conference(sub),
            "documents": [_document(d, links, lang) for d in sub.documents],
            "findings": [f.to_dict() for f in sub.findings],
            "submission_id": sub.id, "source_key": self.source_key,
        }


_SHA256 = re.compile(r"[0-9a-f]{64}")
_SOURCES: dict[str, str] = {}  # one string per mailbox, shared by its messages' outcomes
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_SEVERITY_TUPLES: dict[tuple[Severity, ...], tuple[Severity, ...]] = {}


def _severities(findings: Iterable[Finding]) -> tuple[Severity, ...]:
    """The findings' severities, most severe first: one shared tuple for each mix (a batch
    of thousands keeps a few dozen tuples, not one per message)."""
    found = tuple(sorted((f.severity for f in findings), key=_SEVERITY_ORDER.__getitem__))
    return _SEVERITY_TUPLES.setdefault(found, found)


def _conference(sub: Submission) -> dict[str, Any] | None:
    """The conference the submission registers, as its form (or the mail body it was
    typed into) gives it; ``None`` without a registration."""
    reg = sub.registration
    if reg is None:
        return None
    read_from = next((d.name for d in sub.documents if d.kind is DocumentKind.REGISTRATION),
                     None)
    return {"title": reg.title, "time": reg.time.isoformat() if reg.time else None,
            "time_text": reg.time_text, "venue": reg.venue, "organiser": reg.organiser,
            "document": read_from}


def _links_by_name(sub: Submission) -> dict[str, list[LinkedFile]]:
    """The files the message sent as download links, by name, in order."""
    found: dict[str, list[LinkedFile]] = {}
    for link in sub.materials.linked_files if sub.materials else []:
        found.setdefault(link.name, []).append(link)
    return found


def _document(doc: Document, links: dict[str, list[LinkedFile]], lang: str) -> dict[str, Any]:
    """One document of the report: what it is, and where it came from — the mail (an
    attachment, inline, the body), a package (which one, and the path in it), or a
    download link (its address, size and expiry)."""
    link = links[doc.name].pop(0) if doc.origin == "link" and links.get(doc.name) else None
    packed = doc.origin == "package"
    return {
        "name": doc.name, "kind": doc.kind.value, "kind_label": doc.kind.label(lang),
        "media_type": doc.media_type,
        "size": link.size if link is not None else doc.size,
        "sha256": doc.sha256 or None, "origin": doc.origin,
        "package": (doc.container or None) if packed else None,
        "path": (doc.path or doc.name) if packed else None,
        "problem": doc.problem.text(lang) if doc.problem else None,
        "link": None if link is None else {
            "url": link.url, "provider": link.provider or None, "size_text": link.size_text,
            "expires": link.expires.isoformat() if link.expires else None},
    }


@dataclass
class DeferredMessage:
    """A message this run could not process now, for a reason that is not its own fault
    (:func:`is_transient`); left for the next run."""

    reason: Message
    source_key: str = ""
    subject: str = ""
    sender: str = ""
    message_id: str = ""

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"source_key": self.source_key, "subject": self.subject,
                "sender": self.sender, "message_id": self.message_id,
                "reason": self.reason.text(lang)}

    def line(self, lang: str = "zh") -> Message:
        """One line naming the message and why it waits."""
        what = self.subject or self.message_id or self.source_key
        return Message.of("intake.deferred", message=what, source_key=self.source_key,
                          reason=self.reason)


@dataclass
class BatchReport:
    """What a batch did: one outcome per message seen, and the totals."""

    source: str
    outcomes: list[MessageOutcome] = field(default_factory=list)
    dry_run: bool = False
    #: The receipts queued for the new submissions (``batch --notify``), sent by ``notify``.
    receipts: list[NoticeOutcome] = field(default_factory=list)
    #: Messages left for the next run after a transient failure (a full disk …).
    deferred: list[DeferredMessage] = field(default_factory=list)
    #: Why the mailbox stopped before its end (a dropped connection), if it did.
    interrupted: Message | None = None
    #: Messages another batch on the same store had claimed (it processes and reports them).
    elsewhere: int = 0

    @property
    def complete(self) -> bool:
        """Whether every message was taken care of (nothing deferred, nothing cut off)."""
        return not self.deferred and self.interrupted is None

    @property
    def seen(self) -> int:
        return len(self.outcomes)

    @property
    def new(self) -> int:
        return sum(1 for o in self.outcomes if o.new)

    def by_kind(self) -> Counter[SubmissionKind]:
        return Counter(o.kind for o in self.outcomes if o.new)

    def by_status(self) -> Counter[SubmissionStatus]:
        return Counter(o.status for o in self.outcomes)

    def by_severity(self) -> Counter[Severity]:
        return Counter(severity for o in self.outcomes if o.new for severity in o.severities)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The ``pressdocs batch --json`` report (schema ``batch``)."""
        return self._dict(lang, [o.to_dict(lang) for o in self.outcomes])

    def _dict(self, lang: str, messages: list[Any]) -> dict[str, Any]:
        return {
            "source": self.source, "dry_run": self.dry_run, "seen": self.seen, "new": self.new,
            "by_kind": {k.value: n for k, n in self.by_kind().items()},
            "by_status": {k.value: n for k, n in self.by_status().items()},
            "by_severity": {k.value: n for k, n in self.by_severity().items()},
            "messages": messages,
            "receipts": [o.to_dict(lang) for o in self.receipts],
            "deferred": [d.to_dict(lang) for d in self.deferred],
            "elsewhere": self.elsewhere,
            "interrupted": self.interrupted.text(lang) if self.interrupted else None,
        }

    def json_chunks(self, lang: str = "zh", *, indent: int = 2) -> Iterator[str]:
        """``json.dumps(self.to_dict(lang), ensure_ascii=False, indent=indent)`` in pieces,
        one message at a time: a report of thousands of messages is written without
        holding all of them (each is read back from the store in turn)."""
        if not self.outcomes:
            yield json.dumps(self.to_dict(lang), ensure_ascii=False, indent=indent)
            return
        marker = "\0messages\0"  # a string no report holds: where the messages go
        text = json.dumps(self._dict(lang, [marker]), ensure_ascii=False, indent=indent)
        pad = " " * (2 * indent)  # the list's items sit two levels deep
        before, after = text.split(pad + json.dumps(marker))
        yield before
        for i, outcome in enumerate(self.outcomes):
            item = json.dumps(outcome.to_dict(lang), ensure_ascii=False, indent=indent)
            yield ("" if i == 0 else ",\n") + pad + item.replace("\n", "\n" + pad)
        yield after


def find_source(app: Pressdocs, location: str) -> MailSource:
    """The first registered mail source that handles ``location``."""
    for source in app.plugins.registry.of(MailSource):
        if source.handles(location):
            return source
    raise SourceError.of("intake.unknown_source", location=location)


def run_batch(app: Pressdocs, location: str | None = None, *, dry_run: bool = False,
              since: date | None = None, limit: int | None = None,
              progress: Progress | None = None, receipts: bool = False,
              workers: int = 1) -> BatchReport:
    """Take in every new message of ``location``; see the module docstring.

    ``dry_run`` reads and checks everything but writes nothing to the store and
    acknowledges nothing.  ``since`` skips messages received before that day; ``limit``
    stops after that many new messages.  Without ``location``, the mailbox configured as
    ``[mail] imap`` is taken in.  ``receipts`` queues a receipt for each new submission
    with its commit (never in a dry run); ``pressdocs notify`` sends them.  ``workers``
    above 1 reads that many messages at once in worker processes
    (:mod:`pressdocs._readers`); they are judged and committed in order all the same.
    """
    location = location or str(app.config.mail.get("imap", "") or "")
    if not location:
        raise SourceError.of("intake.no_source")
    source = find_source(app, location)
    report = BatchReport(source=scrub(location), dry_run=dry_run)  # no URL password
    with _ledger(app, dry_run) as store:
        intake = _Intake(app, store, report, progress, receipts=receipts and not dry_run)

        def known(source_name: str, key: str) -> bool:
            record = store.find_message(source_key=source_key(source_name, key))
            return record is not None and record.state == "processed"

        context = app.context(source, store=store)
        taken = 0
        readers = None if dry_run or workers <= 1 else Readers(app, store, workers)
        try:
            for raw in _since(source.messages(location, context, since, known), since, app):
                if limit is not None and taken >= limit:
                    break
                if dry_run:
                    taken += intake.check(raw)
                    continue
                admitted = intake.admit(raw)
                if admitted is None:
                    continue
                taken += not admitted.copy
                if readers is None:
                    if intake.process(admitted):
                        source.acknowledge(raw, context)
                    continue
                for done, finished, original in readers.read(admitted, raw):
                    if intake.process(finished, read=done):
                        source.acknowledge(original, context)
            for done, finished, original in readers.drain() if readers else ():
                if intake.process(finished, read=done):
                    source.acknowledge(original, context)
        except Exception as exc:
            if not is_transient(exc):
                raise
            # the mailbox went away mid-way: what came in is kept; the rest comes next run
            report.interrupted = Message.of("intake.interrupted", location=location,
                                            reason=_reason(exc))
        finally:
            if readers is not None:
                readers.close()
            if not dry_run:  # what this run claimed and did not finish: free at once
                with contextlib.suppress(StoreError):
                    store.release_claims(intake.worker)
        if not dry_run:
            # Left recorded but unprocessed by a run that was killed, and not met again
            # above (those were finished there, with their INTERNALDATE): finish them
            # from the archived bytes.  Not those this run just deferred: next run.
            for record in store.unprocessed_messages():
                if record.id in intake.deferred_ids:
                    continue
                raw = RawMessage(source="", key="", path=store.blob_path(record.sha256))
                admitted = intake._claimed(Admitted(
                    record.id, raw, record.sha256,
                    record.source_keys[0] if record.source_keys else ""), count=False)
                if admitted is not None:
                    intake.process(admitted)
    app.emit(BatchFinished(report=report, committed=not dry_run, dry_run=dry_run))
    return report


@contextmanager
def _ledger(app: Pressdocs, dry_run: bool) -> Iterator[Store]:
    """The store a batch works on: the office's (several batches may share it, each
    message claimed by one: :meth:`_Intake.admit`); for a dry run the office's as it is,
    if there is one (read, never written), else an empty scratch store thrown away
    afterwards — a dry run leaves nothing behind."""
    if not dry_run:
        yield app.store
        return
    existing = app.existing_store()
    if existing is not None:
        yield existing
        return
    from pressdocs.store import open_store

    with tempfile.TemporaryDirectory(prefix="pressdocs-dry-run-") as scratch, \
            open_store(Path(scratch)) as store:
        yield store


def reprocess(app: Pressdocs, *, status: SubmissionStatus | str | None = None,
              since: date | None = None, ids: Iterable[str] = (), codes: Iterable[str] = (),
              progress: Progress | None = None) -> BatchReport:
    """Run stored messages through the pipeline again, from their archived originals.

    Chooses the processed messages whose submission has ``status`` (e.g. ``error``: a
    plugin that crashed has been fixed), was received on or after ``since``, whose
    submission id starts with one of ``ids``, or that has a finding with one of ``codes``
    (``PD999``: a rule that misbehaved) — every filter given must hold; none given: every
    message.  The new result replaces the submission; the earlier one stays in its
    history (:meth:`pressdocs.store.Store.submission_history`).
    """
    report = BatchReport(source="reprocess")
    store = app.store
    chosen = _chosen(app, store, status=status, since=since, ids=ids, codes=codes)
    with store.lock():
        intake = _Intake(app, store, report, progress)
        for record in store.processed_messages():
            if chosen is not None and record.submission_id not in chosen:
                continue
            earlier = store.get_submission(record.submission_id) \
                if record.submission_id else None
            raw = RawMessage(source=earlier.source if earlier else "", key="",
                             path=store.blob_path(record.sha256),
                             received=earlier.received if earlier else None)
            intake.process(Admitted(record.id, raw, record.sha256,
                                    record.source_keys[0] if record.source_keys else ""),
                           reprocessed=True)
    app.emit(BatchFinished(report=report))
    return report


def _chosen(app: Pressdocs, store: Store, *, status: SubmissionStatus | str | None,
            since: date | None, ids: Iterable[str],
            codes: Iterable[str]) -> set[str] | None:
    """The ids of the submissions every given filter chooses, asked of the store's
    indexes (``None``: no filter, every message)."""
    chosen: set[str] | None = None

    def keep(found: set[str]) -> None:
        nonlocal chosen
        chosen = found if chosen is None else chosen & found

    if status is not None or since is not None:
        start = datetime.combine(since, time.min, tzinfo=app.config.tz) if since else None
        keep({s.id for s in store.submissions(status=status, since=start)})
    prefixes = tuple(i.lower() for i in ids)
    if prefixes:
        keep({r.submission_id for r in store.processed_messages()
              if r.submission_id and r.submission_id.startswith(prefixes)})
    codes = list(codes)
    if codes:
        keep({sid for code in codes for sid, _ in store.findings(code=code)})
    return chosen


def _since(messages: Iterator[RawMessage], since: date | None,
           app: Pressdocs) -> Iterator[RawMessage]:
    """Messages received on or after ``since``, by the same received time the pipeline
    gives the submission: the server's, else the Date header (read by the mail reader),
    else the file's."""
    for raw in messages:
        if since is not None and not raw.known:
            when = raw.received or _headers(raw, app).date or raw.file_time
            if when is not None and office_day(when, app.config.tz) < since:
                continue
        yield raw


def _headers(raw: RawMessage, app: Pressdocs) -> ParsedMessage:
    """The message's header block, read by the mail reader (the one reading of Date and
    Message-ID there is)."""
    with raw.open() as f:
        head = f.read(_HEAD)
    return parse_headers(head, tz=app.config.tz)


class _Intake:
    """The ledger loop of one run: archive, record, process, commit, announce."""

    def __init__(self, app: Pressdocs, store: Store, report: BatchReport,
                 progress: Progress | None, *, receipts: bool = False) -> None:
        self.app, self.store, self.report, self.progress = app, store, report, progress
        self.receipts = receipts
        #: Who this run is to the other batches on the store: its claims carry it.
        self.worker = worker_name()
        self.lease = app.config.limits.lease_seconds
        #: Ledger records this run deferred (left unprocessed for the next run).
        self.deferred_ids: set[int] = set()
        #: Ledger records admitted and not yet processed (being read, with ``--workers``).
        self.in_flight: set[int] = set()
        self._load = _loader(app)  # how a reported outcome reads its submission back

    def check(self, raw: RawMessage) -> bool:
        """A dry run's message: made and judged, stored nowhere; whether it was new."""
        found = self._look_up(raw, remember=False)
        if found is None:
            return False
        sha, _, key, _ = found
        try:
            sub = self._make(Pipeline(self.app, ledger=self.store), raw, sha)
        except _Deferred as deferred:
            self._defer(raw, key, deferred.reason)
            return False
        self.app.emit(SubmissionChecked(submission=sub, dry_run=True))
        self._report(MessageOutcome(sub, sub.status, key))
        return True

    def admit(self, raw: RawMessage) -> Admitted | None:
        """Archive and record ``raw`` unless the ledger has it: what to process next, or
        ``None`` (a duplicate, reported; or deferred by a transient failure)."""
        store = self.store
        found = self._look_up(raw, remember=True)
        if found is None:
            return None
        sha, message_id, key, known = found
        if known is not None:  # recorded by a killed run, another batch, or this one
            if known.id in self.in_flight:
                return Admitted(known.id, raw, sha, key, copy=True)
            return self._claimed(Admitted(known.id, raw, sha, key))
        try:
            if raw.path is None:
                record = store.record_message(raw.data, source_key=key,
                                              message_id=message_id or None)
            else:
                with store.deferred_blobs():  # on disk when the record commits
                    archived = _archive(store, raw, sha)
                    record = store.record_message(blob=archived, source_key=key,
                                                  message_id=message_id or None)
                # processed from the archived bytes, the very ones a rerun after a crash reads
                raw = RawMessage(source=raw.source, key=raw.key, received=raw.received,
                                 folder=raw.folder, file_time=raw.file_time,
                                 path=store.blob_path(archived))
                sha = archived
        except Exception as exc:  # not even recorded: the source keeps it for next run
            if not is_transient(exc):
                raise
            self._defer(raw, key, _reason(exc))
            return None
        return self._claimed(Admitted(record.id, raw, sha, key))

    def _claimed(self, admitted: Admitted, *, count: bool = True) -> Admitted | None:
        """``admitted`` once this batch holds the message's claim; ``None`` when another
        batch on the store holds it (that one processes and reports it; counted in the
        report when ``count``)."""
        store, record_id = self.store, admitted.record_id
        if not store.claim_message(record_id, self.worker, seconds=self.lease):
            holder = store.claimant(record_id)  # a batch of this machine killed mid-way?
            if holder is None or not gone_from_here(holder) or not store.claim_message(
                    record_id, self.worker, seconds=self.lease, taking_over=holder):
                self.report.elsewhere += count
                return None
        self.in_flight.add(admitted.record_id)
        return admitted

    def _look_up(self, raw: RawMessage, *,
                 remember: bool) -> tuple[str, str, str, MessageRecord | None] | None:
        """``raw``'s sha256, Message-ID, ledger key and its record if one was made but not
        processed; ``None`` when the ledger already processed it (reported as a duplicate,
        its source key remembered when ``remember``).  The same message is the same bytes
        (or the same place in the source), never just the same Message-ID: a header anyone
        can write must not drop a message."""
        store = self.store
        if raw.known:  # the source skipped downloading it: report it from the ledger
            record = store.find_message(source_key=raw.source_key)
            self._report(self._duplicate(record, raw.source_key, ""))
            return None
        sha, head = _fingerprint(raw)
        message_id = _message_id(head, self.app)
        key = raw.source_key or sha
        known = store.find_message(source_key=key, sha256=sha)
        if known is not None and known.state == "processed":
            if remember and key not in known.source_keys:
                store.add_source_key(known.id, key)
            self._report(self._duplicate(known, key, message_id))
            return None
        return sha, message_id, key, known

    def process(self, admitted: Admitted, *, read: Submission | ReadFailure | None = None,
                reprocessed: bool = False) -> bool:
        """Make the submission (from what a reader read, when one did), commit it with the
        ledger's mark (and its receipt, when asked for), then announce it; whether it was
        done (not deferred: a transient failure leaves the message recorded but
        unprocessed, for the next run)."""
        if admitted.copy:
            return self._copy(admitted)
        self.in_flight.discard(admitted.record_id)
        raw, sha, key = admitted.raw, admitted.sha256, admitted.source_key
        try:
            # the attachments' blobs reach the disk together, just before the commit
            with self.store.deferred_blobs():
                sub = self._make(Pipeline(self.app, ledger=self.store,
                                          originals=self.store), raw, sha, read)
                notifier = self.app.notifier
                receipts = notifier.receipts([sub]) if self.receipts else []
                with self.store.transaction():
                    self.store.mark_processed(admitted.record_id, sub, again=reprocessed)
                    self.report.receipts += notifier.queue(receipts).outcomes
        except ClaimLost:  # another batch took it over when this one's claim ran out
            self._report(self._duplicate(self.store.message(admitted.record_id), key, ""))
            return False
        except _Deferred as deferred:
            self._defer(raw, key, deferred.reason, admitted.record_id)
            return False
        except Exception as exc:  # the commit itself (a full disk under the database)
            if not is_transient(exc):
                raise
            self._defer(raw, key, _reason(exc), admitted.record_id)
            return False
        self.app.emit(SubmissionProcessed(submission=sub, reprocessed=reprocessed))
        for finding in sub.findings:
            self.app.emit(FindingRaised(submission=sub, finding=finding,
                                        reprocessed=reprocessed))
        self._report(MessageOutcome(sub, sub.status, key))
        return True

    def _copy(self, admitted: Admitted) -> bool:
        """A second copy of a message still being read when it came (``--workers``): a
        duplicate once the first is processed, as it would have been one at once."""
        record = self.store.message(admitted.record_id)
        if record is None or record.state != "processed":  # the first was deferred
            return False
        if admitted.source_key not in record.source_keys:
            self.store.add_source_key(record.id, admitted.source_key)
        self._report(self._duplicate(record, admitted.source_key, ""))
        return False

    def _defer(self, raw: RawMessage, key: str, reason: Message,
               record_id: int | None = None) -> None:
        """Leave the message for the next run, saying which one and why."""
        if record_id is not None:
            self.deferred_ids.add(record_id)
            with contextlib.suppress(StoreError):  # the store itself may be what failed
                self.store.release_claims(self.worker, record_id)
        try:
            head = _headers(raw, self.app)
            subject, sender, mid = head.subject, head.sender_address, head.message_id
        except Exception:  # the bytes may be what could not be read
            subject = sender = mid = ""
        self.report.deferred.append(DeferredMessage(reason=reason, source_key=key,
                                                    subject=subject, sender=sender,
                                                    message_id=mid))

    def _make(self, pipeline: Pipeline, raw: RawMessage, sha: str,
              read: Submission | ReadFailure | None = None) -> Submission:
        """The pipeline's submission (judging what a reader already read, if given); a
        message it fails on is kept as an ``error`` submission (PD900) saying why, never
        lost."""
        try:
            if isinstance(read, ReadFailure):
                failure = read
            else:
                return pipeline.judge(read if read is not None else pipeline.read(raw, sha))
        except Exception as exc:
            failure = ReadFailure.of(exc)
        if failure.transient:  # not the message's fault: left for the next run
            raise _Deferred(failure.reason)
        # what the office needs to find the message again: its headers, and the same
        # received time the pipeline would have given it
        head = _headers(raw, self.app)
        received = raw.received or head.date or raw.file_time
        return Submission(id=sha, source=raw.source, message_id=head.message_id,
                          subject=head.subject, sender=head.sender_address,
                          sender_name=head.sender_name,
                          received=office_time(received, self.app.config.tz)
                          if received else None,
                          status=SubmissionStatus.ERROR, kind=SubmissionKind.UNRELATED,
                          findings=[Finding("PD900", Severity.ERROR, failure.reason)])

    def _duplicate(self, record: MessageRecord | None, key: str,
                   message_id: str) -> MessageOutcome:
        """A message the ledger already processed, reported as it was taken in."""
        earlier = self.store.get_submission(record.submission_id) \
            if record is not None and record.submission_id else None
        if earlier is None:
            earlier = Submission(id=record.sha256 if record else "", message_id=message_id)
        elif earlier.received is not None:  # one stored before with its header's zone
            earlier.received = office_time(earlier.received, self.app.config.tz)
        return MessageOutcome(earlier, SubmissionStatus.DUPLICATE, key)

    def _report(self, outcome: MessageOutcome) -> None:
        self.report.outcomes.append(outcome)
        if self.progress is not None:
            self.progress(outcome)
        if not self.report.dry_run:  # committed: the store has it, the report need not
            outcome._release(self._load)


def _loader(app: Pressdocs) -> Callable[[str], Submission | None]:
    """Reads a submission back from the office's store by its id (reopened if the
    application was closed meanwhile)."""
    def load(submission_id: str) -> Submission | None:
        return app.store.get_submission(submission_id)
    return load


@dataclass(frozen=True)
class Admitted:
    """A message recorded in the ledger and waiting to be processed: its record, its
    bytes (the archived ones), their sha256 and its source key."""

    record_id: int
    raw: RawMessage
    sha256: str
    source_key: str
    #: Another copy of a message admitted earlier in this run and not yet processed.
    copy: bool = False


@dataclass(frozen=True)
class ReadFailure:
    """Why a message could not be made into a submission: ``transient`` (the machine's
    fault: left for the next run) or the message's own (kept as a PD900 error)."""

    transient: bool
    reason: Message

    @classmethod
    def of(cls, exc: Exception) -> ReadFailure:
        if is_transient(exc):
            return cls(True, _reason(exc))
        if isinstance(exc, PressdocsError):
            return cls(False, Message.of("pipeline.failed", reason=exc.as_message()))
        # a bug must not lose the message: record it as an error
        return cls(False, Message.of("pipeline.crashed",
                                     error=f"{type(exc).__name__}: {exc}"))


def _message_id(head: bytes, app: Pressdocs) -> str:
    return parse_headers(head, tz=app.config.tz).message_id


def _fingerprint(raw: RawMessage) -> tuple[str, bytes]:
    """The sha256 of the raw message and its first bytes (where its header block is),
    in one reading; a file is read in pieces."""
    if raw.path is None:
        return hashlib.sha256(raw.data).hexdigest(), raw.data[:_HEAD]
    digest = hashlib.sha256()
    with raw.open() as f:
        head = f.read(_HEAD)
        digest.update(head)
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest(), head


def _archive(store: Store, raw: RawMessage, sha: str) -> str:
    """Stream a message file into the store (hashed while written); returns its sha256."""
    if store.has_blob(sha):
        return sha
    with raw.open() as f, store.blob_writer() as writer:
        shutil.copyfileobj(f, writer, _CHUNK)
    return writer.sha256  # the bytes kept, should the file have changed since it was hashed




class _Deferred(Exception):
    """A transient failure while making a submission: the message waits for the next run."""

    def __init__(self, reason: Message):
        super().__init__(reason.zh)
        self.reason = reason


#: ``errno`` values that say the machine or the network failed, not the message: a full or
#: failing disk, no memory or file handles to spare, a connection that went away.
TRANSIENT_ERRNOS = frozenset(
    getattr(errno, name) for name in (
        "ENOSPC", "EDQUOT", "EIO", "EROFS", "ENOMEM", "EMFILE", "ENFILE", "EAGAIN", "EBUSY",
        "ETIMEDOUT", "ECONNRESET", "ECONNABORTED", "ECONNREFUSED", "EPIPE", "ENETDOWN",
        "ENETUNREACH", "ENETRESET", "EHOSTUNREACH", "EHOSTDOWN", "ESTALE")
    if hasattr(errno, name))


#: The store's errors that say it could not write or read just now (a message whose
#: original is missing is not one: processing it again would not help).
_TRANSIENT_STORE_ERRORS = frozenset({
    "store.file_error", "store.disk_full", "store.busy", "store.read_only",
    "store.driver_error", "store.cannot_create", "store.lock_file", "store.bucket_failed"})


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is a failure of the machine, the store or the
    network rather than of the message: an OSError with one of :data:`TRANSIENT_ERRNOS`,
    a dropped or timed-out connection, the IMAP connection aborted, the store unable to
    write.  A parser's own OSError ("image file is truncated": no errno) is not."""
    from pressdocs.errors import StoreError, StoreLocked

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, StoreLocked):
            return False
        if isinstance(current, StoreError):
            if current.message.key in _TRANSIENT_STORE_ERRORS:
                return True
        elif isinstance(current, (ConnectionError, TimeoutError, imaplib.IMAP4.abort)):
            return True
        if isinstance(current, OSError) and current.errno in TRANSIENT_ERRNOS:
            return True
        current = current.__cause__ or current.__context__
    return False


def _reason(exc: BaseException) -> Message:
    """A transient failure in words: the store's own message, or the system's."""
    found: BaseException | None = exc
    while found is not None:
        if isinstance(found, PressdocsError):
            return found.as_message()
        if isinstance(found, OSError) and found.errno is not None:
            where = f"{found.filename}: " if found.filename else ""
            return Message.of("intake.transient", error=f"{where}{found.strerror or found}")
        found = found.__cause__ or found.__context__
    return Message.of("intake.transient", error=f"{type(exc).__name__}: {exc}")
