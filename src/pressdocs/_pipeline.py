"""One path from a message (or a folder of files) to a checked :class:`Submission`.

Whoever asks — ``pressdocs batch``, ``pressdocs validate``, :meth:`Pressdocs.check`,
:meth:`Pressdocs.reprocess` — a submission is made by :class:`Pipeline` in this order:

1. **read** — the message's parts are taken apart (a large one streamed into the store),
   packages opened, every file read (:mod:`pressdocs._reading`), and a form typed into
   the mail body read too;
2. **assemble** — the registration form, the materials package, the statistics table,
   and what kind of submission it is (:func:`pressdocs._submission.assemble`);
3. **prepare** — plugins adjust it (the ``prepare_submission`` hook; e.g. fill in the unit
   from another directory);
4. **enrich** — what the office knows beyond the documents: the sending unit unless a
   plugin named it, the plan item it fulfils, the earlier submission it corrects
   (:mod:`pressdocs._enrich`);
5. **validate** — every enabled rule (:mod:`pressdocs._validation`);
6. **status** — accepted, incomplete, rejected or unrelated.

The pipeline reads the office's ledger (the plan, earlier submissions) but never writes
it: committing the submission, and firing the events that announce it, is the caller's
job, after the commit.  Document originals are kept in ``originals`` when one is given
(a batch); a dry run and ``validate`` keep nothing.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from pressdocs import _sniff as sniff
from pressdocs._archives import Member
from pressdocs._reading import (
    ReadResult,
    read_document,
    read_large,
    read_package,
    read_package_file,
    stored_package,
)
from pressdocs.capabilities import RawMessage
from pressdocs.errors import ParseError
from pressdocs.mail.message import ParsedMessage
from pressdocs.mail.stream import SpilledPart, StreamLimits, parse_bytes, parse_stream
from pressdocs.models import Document, DocumentKind, Message, Submission
from pressdocs.store.blobs import BlobStore, BlobWriter
from pressdocs.text.dates import office_time

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs
    from pressdocs.store import Store

__all__ = ["BODY_NAME", "LOAD_LIMIT", "STREAM_LIMITS", "STREAM_THRESHOLD", "Pipeline"]

_MiB = 1024 * 1024
#: A message larger than this (bytes) is taken apart as it streams past, never held whole.
#: Held whole, a message costs about nine times its size at its peak (raw, base64 text,
#: decoded parts, the documents read): a 27 MB message peaked at 237 MB of Python memory
#: under the old 32 MiB threshold and at 9 MB streamed (bench/bench_intake.py --video-mb 20).
STREAM_THRESHOLD = 8 * _MiB
#: How much of a streamed message stays in memory (see :class:`StreamLimits`).
STREAM_LIMITS = StreamLimits()
#: The largest document or package of a streamed message that is read whole to be understood.
LOAD_LIMIT = 64 * _MiB

#: The name a form typed into the mail body goes by.
BODY_NAME = "邮件正文"
_BODY_KINDS = (DocumentKind.REGISTRATION, DocumentKind.STATISTICS)
_PACKAGES = (sniff.ZIP, sniff.SEVEN_ZIP, sniff.RAR, sniff.TNEF)


@dataclass
class Pipeline:
    """Makes submissions for ``app``, judging them against ``ledger`` (read only) and
    keeping document originals in ``originals`` (``None``: keep nothing)."""

    app: Pressdocs
    ledger: Store | None = None
    originals: Store | None = None
    #: When the documents of the message being read must be read by (time.monotonic()).
    _deadline: float | None = None

    # --- the ways in -------------------------------------------------------------------

    def message(self, raw: RawMessage, submission_id: str) -> Submission:
        """The submission one raw message makes (``submission_id``: its sha256).

        Its documents together are read within ``[limits] message_seconds``; a document
        whose turn comes after that is not read (PD907)."""
        return self.judge(self.read(raw, submission_id))

    def read(self, raw: RawMessage, submission_id: str) -> Submission:
        """Steps 1–2 for one message: what it holds, read and assembled, not yet judged.

        Asks nothing of the ledger, so messages can be read in any order, on several
        cores (``batch --workers``); :meth:`judge` then takes them in order."""
        self._deadline = time.monotonic() + self.app.config.limits.message_seconds
        with _Originals(self.originals) as originals:
            msg = _parse(raw, originals, self.app.config.tz)
            received = raw.received or msg.date or raw.file_time
            # the instant kept as the office's clock shows it (+08:00), whatever zone the
            # Date header wrote (+0000 from Exchange, -0500): what JSON and the store keep
            received = office_time(received, self.app.config.tz) if received else None
            results: list[ReadResult] = []
            for part in msg.parts:
                if part.disposition == "body":
                    continue
                name = part.filename or _unnamed(part.content_type, len(results) + 1)
                origin = "inline" if part.inline else "attachment"
                if isinstance(part, SpilledPart):
                    results += self._spilled(part, name, origin, received, originals)
                else:
                    results += self._file(part.data, name, origin, received, originals)
        results += self._body(msg, received)
        from pressdocs._submission import assemble

        sub = assemble(results, submission_id=submission_id, source=raw.source,
                       received=received, sender=msg.sender_address,
                       sender_name=msg.sender_name, subject=msg.subject,
                       message_id=msg.message_id, linked_files=msg.linked_files)
        sub.defects = list(msg.defects)
        return sub

    def judge(self, sub: Submission) -> Submission:
        """Steps 3–6 for a message :meth:`read` has read: against the ledger as it is now."""
        sub.defects += self._reused_message_id(sub.message_id, sub.id)
        return self._finish(sub)

    def _reused_message_id(self, message_id: str, sha256: str) -> list[Message]:
        """A note when the ledger already took in a *different* message (other bytes) with
        this Message-ID: the message is its own all the same (a duplicate is the same
        bytes), but the office should know the header repeats an earlier message's."""
        if self.ledger is None or not message_id:
            return []
        records = self.ledger.messages_with_message_id(message_id)
        mine = next((r.id for r in records if r.sha256 == sha256), None)
        earlier = [r for r in records if r.sha256 != sha256 and (mine is None or r.id < mine)]
        if not earlier:
            return []
        first = earlier[0]
        return [Message.of("mail.defect.reused_message_id", message_id=message_id,
                           received=office_time(first.received, self.app.config.tz),
                           submission=(first.submission_id or first.sha256)[:12])]

    def files(self, files: Iterable[tuple[str, bytes]], *, source: str,
              received: datetime | None) -> Submission:
        """The submission a set of files makes (a folder unpacked, a single form), each
        given as ``(name, bytes)``."""
        results: list[ReadResult] = []
        self._deadline = time.monotonic() + self.app.config.limits.message_seconds
        received = office_time(received, self.app.config.tz) if received else None
        for name, data in files:
            results += self._file(data, name, "file", received)
        from pressdocs._submission import assemble

        return self._finish(assemble(results, source=source, received=received))

    # --- the steps after reading ---------------------------------------------------------

    def _finish(self, sub: Submission) -> Submission:
        """prepare → enrich → validate → status (see the module docstring)."""
        from pressdocs._enrich import enrich
        from pressdocs._submission import status_of
        from pressdocs._validation import validate_submission

        app = self.app
        app.plugins.hook.prepare_submission(submission=sub, config=app.config)
        enrich(sub, app.config, self.ledger)
        sub.findings = validate_submission(sub, app, store=self.ledger)
        sub.status = status_of(sub, app.plugins.registry)
        return sub

    # --- reading -----------------------------------------------------------------------

    def _file(self, data: bytes, name: str, origin: str, received: datetime | None,
              originals: _Originals | None = None) -> list[ReadResult]:
        """One attachment or file: a document; or a package, listed as a document of its
        own (kind ``package``) followed by the documents in it, each naming the package it
        came out of (``container``) and its path there (``path``).  A zip that is an Office
        document — even a damaged one, cut off before its central directory — is a
        document (:func:`~pressdocs._archives.is_office_zip`).  With ``originals``, a
        package's large files go there as they are taken out, not into memory."""
        from pressdocs._archives import is_office_zip, sniff_archive

        app, kept = self.app, self.originals
        if kept is not None:
            kept.put_blob(data)
        if not sniff_archive(data, name) or is_office_zip(data, name):
            return [read_document(data, name, plugins=app.plugins, config=app.config,
                                  received=received, origin=origin, open_package=False,
                                  deadline=self._deadline)]
        package, members = read_package(data, name, origin=origin, store=originals)
        return [package, *(self._member(m, received, originals) for m in members)]

    def _member(self, member: Member, received: datetime | None,
                originals: _Originals | None) -> ReadResult:
        """One file out of a package: read from its bytes, or — taken out into the store
        (:attr:`Member.stored`) — as a large attachment is (:meth:`_stored`)."""
        name = member.path.rsplit("/", 1)[-1]
        if member.stored:
            assert originals is not None
            read = self._stored(member.data, name, "package", received, originals,
                                size=member.size, sha256=member.sha256, tail=member.tail,
                                container=member.container, package=member.package)
        else:
            if self.originals is not None:
                self.originals.put_blob(member.data)
            read = read_document(member.data, name, plugins=self.app.plugins,
                                 config=self.app.config, received=received, origin="package",
                                 container=member.container, open_package=False,
                                 deadline=self._deadline)
        read.document.path = member.path
        return read

    def _spilled(self, part: SpilledPart, name: str, origin: str, received: datetime | None,
                 originals: _Originals) -> list[ReadResult]:
        """A large attachment, already in the store: a picture or video is recorded from its
        first bytes; a package is opened from its file, whatever its size, its large files
        taken out into the store; a document is read back whole when not too large."""
        from pressdocs._archives import is_office_zip, sniff_archive

        read = read_large(part.data, name, size=part.size, sha256=part.sha256, tail=part.tail,
                          origin=origin)
        if read is not None:
            return [read]
        path = originals.path(part.sha256)
        if sniff_archive(part.data, name) and not is_office_zip(path, name):
            package, members = read_package_file(path, name, size=part.size,
                                                 sha256=part.sha256, origin=origin,
                                                 store=originals)
            return [package, *(self._member(m, received, originals) for m in members)]
        if part.size <= LOAD_LIMIT:
            return self._file(originals.get(part.sha256), name, origin, received, originals)
        return [_too_large(part.data, name, size=part.size, sha256=part.sha256, origin=origin)]

    def _stored(self, head: bytes, name: str, origin: str, received: datetime | None,
                originals: _Originals, *, size: int, sha256: str, tail: bytes,
                container: str, package: bool) -> ReadResult:
        """A file taken out of a package into the store (``head``: its first bytes): a
        picture or video recorded from its first bytes, a package inside listed (it was
        opened in turn), a document read back whole when not too large."""
        read = read_large(head, name, size=size, sha256=sha256, tail=tail, origin=origin,
                          container=container)
        if read is not None:
            return read
        if package:
            return stored_package(head, name, size=size, sha256=sha256, origin=origin,
                                  container=container)
        if size <= LOAD_LIMIT:
            return read_document(originals.get(sha256), name, plugins=self.app.plugins,
                                 config=self.app.config, received=received, origin=origin,
                                 container=container, open_package=False,
                                 deadline=self._deadline)
        return _too_large(head, name, size=size, sha256=sha256, origin=origin,
                          container=container)

    def _body(self, msg: ParsedMessage, received: datetime | None) -> list[ReadResult]:
        """A registration form or statistics table typed into the mail body, if any."""
        body = msg.text_body or _html_text(msg.html_body)
        if not body.strip():
            return []
        app, data = self.app, body.encode("utf-8")
        read = read_document(data, f"{BODY_NAME}.txt", plugins=app.plugins, config=app.config,
                             received=received, origin="body")
        if read.kind not in _BODY_KINDS or read.error is not None or \
                read.document.confidence < 0.5:
            return []
        read.document.name = BODY_NAME
        if self.originals is not None:
            self.originals.put_blob(data)
        return [read]


class _Originals:
    """Where the large parts of a streamed message go: the store, or (a dry run, ``validate``)
    a scratch folder removed afterwards."""

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

    def path(self, sha256: str) -> Path:
        if self._store is not None:
            return self._store.blob_path(sha256)
        return self._scratch_blobs().path(sha256)

    def _scratch_blobs(self) -> BlobStore:
        if self._blobs is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="pressdocs-dry-run-")
            self._blobs = BlobStore(Path(self._scratch.name))
        return self._blobs


def _parse(raw: RawMessage, originals: _Originals, tz: tzinfo) -> ParsedMessage:
    """The parsed message: read whole when small (the same front end, decoding in memory:
    :func:`~pressdocs.mail.stream.parse_bytes`), else streamed with large parts spilled.
    ``tz`` is the office's, for a Date header written without a zone."""
    if raw.size <= STREAM_THRESHOLD:
        return parse_bytes(raw.read(), tz=tz)
    with raw.open() as f:
        return parse_stream(f, originals.writer, limits=STREAM_LIMITS, tz=tz).message


def _too_large(head: bytes, name: str, *, size: int, sha256: str, origin: str,
               container: str = "") -> ReadResult:
    """A document too large to read whole (over :data:`LOAD_LIMIT`), kept unread."""
    media_type = sniff.sniff_media_type(head, name)
    kind = DocumentKind.PACKAGE if media_type in _PACKAGES else DocumentKind.OTHER
    document = Document(name=name, media_type=media_type, size=size, sha256=sha256,
                        kind=kind, origin=origin, container=container)
    return ReadResult(document, error=ParseError.of(
        "read.too_large", size=round(size / _MiB), limit=LOAD_LIMIT // _MiB, file=name))


def _unnamed(content_type: str, n: int) -> str:
    ext = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(
        content_type, "")
    return f"未命名附件{n}{ext}"


def _html_text(html: str) -> str:
    if not html:
        return ""
    from pressdocs.builtin.parse_text import html_content

    return html_content(html).text
