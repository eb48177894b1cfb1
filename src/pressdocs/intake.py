"""Taking in a mailbox: every message exactly once, archived before anything else.

:func:`run_batch` reads a location (``imaps://…``, a Maildir, an mbox, a folder of .eml
files) through the first :class:`pressdocs.MailSource` that handles it, and for each
message:

1. looks it up in the ledger by source key, Message-ID and sha256 of its bytes — a
   message already processed is reported ``duplicate`` and left alone;
2. records it, which stores the raw bytes durably *before* the ledger row is committed;
3. parses the MIME message, opens packages, reads every document, stores each
   document's original bytes, assembles the :class:`Submission`, matches the plan item,
   validates it;
4. in one transaction saves the submission and marks the message processed;
5. lets the source acknowledge it (mark seen, move), never delete it.

Memory does not grow with the mailbox, nor with the message: a message on disk is
hashed and archived in pieces, and one larger than :data:`STREAM_THRESHOLD` is taken
apart as it streams past (:mod:`pressdocs.mail.stream`): a large attachment is decoded
straight into the store, a picture or video is recorded from its first bytes, and a
large document is read back from the store on its own.

A run killed at any point leaves messages either unrecorded (taken in next time) or
recorded but unprocessed (processed next time, from the archived bytes); so every
message is processed exactly once.  A second run on the same store at the same time
is refused by the store's lock.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pressdocs.app import Pressdocs
from pressdocs.capabilities import MailSource, RawMessage, source_key
from pressdocs.errors import ParseError, PressdocsError, SourceError
from pressdocs.mail.message import ParsedMessage
from pressdocs.mail.stream import SpilledPart, StreamLimits, parse_bytes, parse_stream
from pressdocs.models import (
    Document,
    DocumentKind,
    Finding,
    Message,
    Severity,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)
from pressdocs.reading import ReadResult, read_document, read_large
from pressdocs.store import MessageRecord, Store
from pressdocs.store.blobs import BlobStore, BlobWriter

__all__ = [
    "LOAD_LIMIT",
    "STREAM_LIMITS",
    "STREAM_THRESHOLD",
    "BatchReport",
    "MessageOutcome",
    "find_source",
    "process_message",
    "run_batch",
]

_MiB = 1024 * 1024
#: A message larger than this (bytes) is taken apart as it streams past, never held whole.
STREAM_THRESHOLD = 32 * _MiB
#: How much of a streamed message stays in memory (see :class:`StreamLimits`).
STREAM_LIMITS = StreamLimits()
#: The largest document or package of a streamed message that is read whole to be understood.
LOAD_LIMIT = 64 * _MiB
_CHUNK = 1 * _MiB
_HEAD = 256 * 1024  # where a message file's Message-ID is looked for

BODY_NAME = "邮件正文"
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
_BODY_KINDS = (DocumentKind.REGISTRATION, DocumentKind.STATISTICS)


@dataclass
class MessageOutcome:
    """One message of a batch, as ``pressdocs batch --json`` reports it."""

    message_id: str
    subject: str = ""
    sender: str = ""
    received: datetime | None = None
    status: str = SubmissionStatus.ACCEPTED.value
    kind: str = ""
    unit: str = ""
    plan_item: int | None = None
    documents: list[dict[str, str]] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)
    submission_id: str = ""
    source_key: str = ""

    @classmethod
    def of(cls, sub: Submission, source_key: str, lang: str,
           status: str | None = None) -> MessageOutcome:
        return cls(
            message_id=sub.message_id, subject=sub.subject, sender=sub.sender,
            received=sub.received, status=status or sub.status.value, kind=sub.kind.value,
            unit=sub.unit, plan_item=sub.plan_item,
            documents=[{"name": d.name, "kind": d.kind.value} for d in sub.documents],
            findings=[{"code": f.code, "severity": f.severity.value, "message": f.text(lang)}
                      for f in sub.findings],
            submission_id=sub.id, source_key=source_key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id, "subject": self.subject, "sender": self.sender,
            "received": self.received.isoformat() if self.received else None,
            "status": self.status, "kind": self.kind, "unit": self.unit,
            "plan_item": self.plan_item, "documents": self.documents,
            "findings": self.findings, "submission_id": self.submission_id,
        }


@dataclass
class BatchReport:
    """What a batch did: one outcome per message seen, and the totals."""

    source: str
    outcomes: list[MessageOutcome] = field(default_factory=list)
    dry_run: bool = False

    @property
    def seen(self) -> int:
        return len(self.outcomes)

    @property
    def new(self) -> int:
        return sum(1 for o in self.outcomes if o.status != "duplicate")

    def by_kind(self) -> Counter[str]:
        return Counter(o.kind for o in self.outcomes if o.status != "duplicate")

    def by_status(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)

    def by_severity(self) -> Counter[str]:
        return Counter(f["severity"] for o in self.outcomes if o.status != "duplicate"
                       for f in o.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "dry_run": self.dry_run, "seen": self.seen, "new": self.new,
            "by_kind": dict(self.by_kind()), "by_status": dict(self.by_status()),
            "by_severity": dict(self.by_severity()),
            "messages": [o.to_dict() for o in self.outcomes],
        }


def find_source(app: Pressdocs, location: str) -> MailSource:
    """The first registered mail source that handles ``location``."""
    for source in app.plugins.registry.of(MailSource):
        if source.handles(location):
            return source
    raise SourceError(f"无法识别的邮件来源：{location}（支持 imaps://…、Maildir 目录、mbox 文件、"
                      ".eml 文件或目录）",
                      f"unknown mail source: {location} (imaps://…, a Maildir, an mbox, "
                      "an .eml file or folder)")


def run_batch(app: Pressdocs, location: str, *, dry_run: bool = False,
              since: date | None = None, limit: int | None = None,
              progress: Callable[[MessageOutcome], None] | None = None) -> BatchReport:
    """Take in every new message of ``location``; see the module docstring.

    ``dry_run`` reads and checks everything but writes nothing to the store and
    acknowledges nothing.  ``since`` skips messages received before that day; ``limit``
    stops after that many new messages.
    """
    source = find_source(app, location)
    report = BatchReport(source=location, dry_run=dry_run)
    store = app.store
    with store.lock():
        def known(source_name: str, key: str) -> bool:
            record = store.find_message(source_key=source_key(source_name, key))
            return record is not None and record.state == "processed"

        for raw in _since(source.messages(location, app.config, since, known), since, app):
            if limit is not None and report.new >= limit:
                break
            outcome = _take_in(app, store, raw, dry_run)
            if outcome.status != "duplicate" and not dry_run:
                source.acknowledge(raw, app.config)
            _report(report, outcome, progress)
        if not dry_run:
            # Left recorded but unprocessed by a run that was killed, and not met again
            # above (those were finished there, with their INTERNALDATE): finish them
            # from the archived bytes.
            for record in store.unprocessed_messages():
                raw = RawMessage(source="", key="", path=store.blob_path(record.sha256))
                outcome = _process_recorded(app, store, record.id, raw, record.sha256,
                                            record.source_keys[0] if record.source_keys else "")
                _report(report, outcome, progress)
    return report


def _report(report: BatchReport, outcome: MessageOutcome,
            progress: Callable[[MessageOutcome], None] | None) -> None:
    report.outcomes.append(outcome)
    if progress is not None:
        progress(outcome)


def _since(messages: Iterator[RawMessage], since: date | None,
           app: Pressdocs) -> Iterator[RawMessage]:
    """Messages received on or after ``since``, by the same received time the rules use:
    the server's, else the Date header, else the file's."""
    for raw in messages:
        if since is not None and not raw.known:
            when = raw.received or _date_header(raw) or raw.file_time
            if when is not None and when.astimezone(app.config.tz).date() < since:
                continue
        yield raw


def _date_header(raw: RawMessage) -> datetime | None:
    """The Date header of a message, read from its header block only."""
    from email.utils import parsedate_to_datetime

    with raw.open() as f:
        head = f.read(_HEAD)
    block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    match = re.search(rb"^date:[ \t]*(.+(?:\r?\n[ \t].*)*)", block,
                      re.IGNORECASE | re.MULTILINE)
    if not match:
        return None
    try:
        when = parsedate_to_datetime(match.group(1).decode("ascii", "replace").strip())
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else None


def _take_in(app: Pressdocs, store: Store, raw: RawMessage, dry_run: bool) -> MessageOutcome:
    if raw.known:  # the source skipped downloading it: report it from the ledger
        record = store.find_message(source_key=raw.source_key)
        return _duplicate(app, store, record, raw.source_key, "")
    sha, message_id = _fingerprint(raw)
    key = raw.source_key or sha
    known = store.find_message(source_key=key, message_id=message_id or None, sha256=sha)
    if known is not None and known.state == "processed":
        if key not in known.source_keys and not dry_run:
            store.add_source_key(known.id, key)
        return _duplicate(app, store, known, key, message_id)
    if dry_run:
        sub = process_message(app, raw, sha, store=None, ledger=store)
        return MessageOutcome.of(sub, key, app.lang)
    if known is not None:
        return _process_recorded(app, store, known.id, raw, sha, key)
    if raw.path is None:
        record = store.record_message(raw.data, source_key=key, message_id=message_id or None)
        return _process_recorded(app, store, record.id, raw, sha, key)
    archived = _archive(store, raw, sha)
    record = store.record_message(blob=archived, source_key=key,
                                  message_id=message_id or None)
    # processed from the archived bytes, the very ones a rerun after a crash would read
    raw = RawMessage(source=raw.source, key=raw.key, received=raw.received, folder=raw.folder,
                     file_time=raw.file_time, path=store.blob_path(archived))
    return _process_recorded(app, store, record.id, raw, archived, key)


def _duplicate(app: Pressdocs, store: Store, record: MessageRecord | None, key: str,
               message_id: str) -> MessageOutcome:
    """A message the ledger already processed, reported as it was taken in."""
    earlier = store.get_submission(record.submission_id) \
        if record is not None and record.submission_id else None
    if earlier is not None:
        return MessageOutcome.of(earlier, key, app.lang, status="duplicate")
    return MessageOutcome(message_id=message_id, status="duplicate", source_key=key)


def _fingerprint(raw: RawMessage) -> tuple[str, str]:
    """The sha256 of the raw message and its Message-ID; a file is read in pieces."""
    if raw.path is None:
        return hashlib.sha256(raw.data).hexdigest(), _message_id(raw.data)
    digest = hashlib.sha256()
    with raw.open() as f:
        head = f.read(_HEAD)
        digest.update(head)
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest(), _message_id(head)


def _archive(store: Store, raw: RawMessage, sha: str) -> str:
    """Stream a message file into the store (hashed while written); returns its sha256."""
    if store.has_blob(sha):
        return sha
    with raw.open() as f, store.blob_writer() as writer:
        shutil.copyfileobj(f, writer, _CHUNK)
    return writer.sha256  # the bytes kept, should the file have changed since it was hashed


def _process_recorded(app: Pressdocs, store: Store, record_id: int, raw: RawMessage,
                      sha: str, source_key: str) -> MessageOutcome:
    try:
        sub = process_message(app, raw, sha, store=store)
    except PressdocsError as exc:
        sub = _failed(raw, sha, Message.of("pipeline.failed", reason=exc.as_message()))
    except Exception as exc:  # a bug must not lose the message: record it as an error
        sub = _failed(raw, sha, Message.of("pipeline.crashed",
                                           error=f"{type(exc).__name__}: {exc}"))
    store.mark_processed(record_id, sub)
    _record_conferences(store, sub)
    return MessageOutcome.of(sub, source_key, app.lang)


def _record_conferences(store: Store, sub: Submission) -> None:
    """Conference records: the one a registration announces, the ones a statistics table
    reports held (the store merges the same unit, day and title)."""
    reg = sub.registration
    if reg is not None and reg.time is not None:
        store.record_conference(unit=sub.unit or reg.organiser, title=reg.title,
                                held_on=reg.time, plan_year=sub.plan_year,
                                plan_item=sub.plan_item, submission_id=sub.id)
    if sub.statistics is not None:
        for row in sub.statistics.rows:
            if row.held_on is not None:
                store.record_conference(unit=row.unit or sub.statistics.filing_unit or sub.unit,
                                        title=row.topic, held_on=row.held_on, plan_year=None,
                                        plan_item=None, submission_id=sub.id)


def _failed(raw: RawMessage, sha: str, message: Message) -> Submission:
    return Submission(id=sha, source=raw.source, received=raw.received or raw.file_time,
                      status=SubmissionStatus.ERROR, kind=SubmissionKind.UNRELATED,
                      findings=[Finding("PD900", Severity.ERROR, message)])


def process_message(app: Pressdocs, raw: RawMessage, sha: str, store: Store | None,
                    ledger: Store | None = None) -> Submission:
    """Everything pressdocs makes of one message.

    Document originals are written to ``store`` when it is given (not in a dry run, not
    by ``validate``); the plan, earlier submissions and the rules that need them are
    looked up in ``ledger`` (default: ``store``), which a dry run or ``validate`` passes
    read-only so that it judges exactly as the batch would.
    """
    ledger = ledger if ledger is not None else store
    from pressdocs.submission import assemble, finish

    with _Originals(store) as originals:
        msg = _parse(raw, originals)
        received = raw.received or msg.date or raw.file_time
        results: list[ReadResult] = []
        for part in msg.parts:
            if part.disposition == "body":
                continue
            name = part.filename or _unnamed(part.content_type, len(results) + 1)
            origin = "inline" if part.inline else "attachment"
            if isinstance(part, SpilledPart):
                results.extend(_read_spilled(app, part, name, origin, received, store,
                                             originals))
            else:
                results.extend(_read_file(app, part.data, name, origin, "", received, store))
    body = msg.text_body or _html_text(msg.html_body)
    if body.strip():
        read = read_document(body.encode("utf-8"), f"{BODY_NAME}.txt", plugins=app.plugins,
                             config=app.config, received=received, origin="body")
        if read.kind in _BODY_KINDS and read.error is None and read.document.confidence >= 0.5:
            read.document.name = BODY_NAME
            if store is not None:
                store.put_blob(body.encode("utf-8"))
            results.append(read)
    sub = assemble(results, app=app, submission_id=sha, source=raw.source, received=received,
                   sender=msg.sender_address, sender_name=msg.sender_name, subject=msg.subject,
                   message_id=msg.message_id, linked_files=msg.linked_files)
    sub.defects = [Message.literal(d) for d in msg.defects]
    _match_plan(app, sub, ledger)
    _detect_correction(sub, ledger)
    finish(sub, app, store=ledger)
    return sub


class _Originals:
    """Where the large parts of a streamed message go: the store, or in a dry run (no
    store) a scratch folder removed afterwards."""

    def __init__(self, store: Store | None) -> None:
        self._store = store
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._blobs: BlobStore | None = None

    def __enter__(self) -> _Originals:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._scratch is not None:
            self._scratch.cleanup()

    def writer(self) -> BlobWriter:
        if self._store is not None:
            return self._store.blob_writer()
        return self._scratch_blobs().writer()

    def get(self, sha256: str) -> bytes:
        if self._store is not None:
            return self._store.get_blob(sha256)
        return self._scratch_blobs().get(sha256)

    def _scratch_blobs(self) -> BlobStore:
        if self._blobs is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="pressdocs-dry-run-")
            self._blobs = BlobStore(Path(self._scratch.name))
        return self._blobs


def _parse(raw: RawMessage, originals: _Originals) -> ParsedMessage:
    """The parsed message: read whole when small (the same front end, decoding in memory:
    :func:`~pressdocs.mail.stream.parse_bytes`), else streamed with large parts spilled."""
    if raw.size <= STREAM_THRESHOLD:
        return parse_bytes(raw.read())
    with raw.open() as f:
        return parse_stream(f, originals.writer, limits=STREAM_LIMITS).message


def _read_spilled(app: Pressdocs, part: SpilledPart, name: str, origin: str,
                  received: datetime | None, store: Store | None,
                  originals: _Originals) -> list[ReadResult]:
    """A large attachment, already in the store: a picture or video is recorded from its
    first bytes; a document or package is read back whole when not too large."""
    read = read_large(part.data, name, size=part.size, sha256=part.sha256, tail=part.tail,
                      origin=origin)
    if read is not None:
        return [read]
    if part.size <= LOAD_LIMIT:
        return _read_file(app, originals.get(part.sha256), name, origin, "", received, store)
    from pressdocs import sniff

    media_type = sniff.sniff_media_type(part.data, name)
    kind = DocumentKind.PACKAGE if media_type in (sniff.ZIP, sniff.SEVEN_ZIP, sniff.RAR) \
        else DocumentKind.OTHER
    size, limit = f"{part.size / _MiB:.0f} MB", f"{LOAD_LIMIT // _MiB} MB"
    document = Document(name=name, media_type=media_type, size=part.size, sha256=part.sha256,
                        kind=kind, origin=origin)
    return [ReadResult(document, error=ParseError(
        f"文件过大（{size}，超过 {limit}），没有打开读取；原件已完整保存，请人工查看",
        f"the file is too large to read here ({size}, over {limit}); the original is kept, "
        "please check it by hand", file=name))]


def _read_file(app: Pressdocs, data: bytes, name: str, origin: str, container: str,
               received: datetime | None, store: Store | None) -> list[ReadResult]:
    """One attachment: a document, or the documents of the package it is."""
    from pressdocs.archives import is_office_zip, open_archive, sniff_archive

    if store is not None:
        store.put_blob(data)
    if sniff_archive(data) and not is_office_zip(data):
        try:
            members = open_archive(data, name)
        except PressdocsError as exc:  # rejected, damaged, or no tool for it: PD902/PD901
            package = read_document(data, name, plugins=app.plugins, config=app.config,
                                    received=received, origin=origin, container=container)
            package.error = exc
            return [package]
        results = []
        for member in members:
            if store is not None:
                store.put_blob(member.data)
            results.append(read_document(member.data, member.path.rsplit("/", 1)[-1],
                                         plugins=app.plugins, config=app.config,
                                         received=received, origin="package",
                                         container=member.container))
        return results
    return [read_document(data, name, plugins=app.plugins, config=app.config,
                          received=received, origin=origin, container=container)]


def _match_plan(app: Pressdocs, sub: Submission, store: Store | None) -> None:
    if store is None or sub.registration is None or sub.registration.time is None:
        return
    from pressdocs.rules.plan_status import match_plan_item

    when = sub.registration.time.astimezone(app.config.tz)
    plan = store.get_plan(when.year)
    if plan is None:
        return
    item = match_plan_item(plan, sub.unit or sub.registration.organiser,
                           sub.registration.title, when=when.date(), config=app.config)
    if item is not None:
        sub.plan_item, sub.plan_year = item.number, plan.year


def _detect_correction(sub: Submission, store: Store | None) -> None:
    """A resend for the same conference by the same unit corrects the earlier one."""
    if store is None or not sub.unit or sub.kind is SubmissionKind.UNRELATED:
        return
    title = sub.registration.title if sub.registration else ""
    for earlier in reversed(store.submissions(unit=sub.unit)):
        if earlier.id == sub.id or earlier.kind is SubmissionKind.UNRELATED:
            continue
        same_item = sub.plan_item is not None and earlier.plan_item == sub.plan_item
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


def _message_id(data: bytes) -> str:
    head = data[: data.find(b"\r\n\r\n") if b"\r\n\r\n" in data else 65536]
    match = _MESSAGE_ID.search(head)
    if not match:
        return ""
    return re.sub(rb"\s+", b"", match.group(1)).decode("ascii", "replace").strip("<>")


def _unnamed(content_type: str, n: int) -> str:
    ext = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(
        content_type, "")
    return f"未命名附件{n}{ext}"


def _html_text(html: str) -> str:
    if not html:
        return ""
    from pressdocs.builtin.parse_text import html_content

    return html_content(html).text

