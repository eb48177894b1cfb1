"""From the files of one message (or folder) to a :class:`Submission`, checked and announced.

:func:`assemble` puts the read documents together: the registration form, the
materials package (release, Q&A, pictures, video, files sent by link), the statistics
table; decides what the submission is; identifies the sending unit.  :func:`finish`
then lets plugins adjust it (``prepare_submission``), runs the validators, sets the
status and announces it (``handle_event``).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from pressdocs.app import Pressdocs
from pressdocs.hookspecs import Event
from pressdocs.models import (
    Document,
    DocumentKind,
    LinkedFile,
    MaterialsPackage,
    Plan,
    PressRelease,
    QAPair,
    Registration,
    Severity,
    StatisticsReport,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)
from pressdocs.reading import ReadResult

if TYPE_CHECKING:
    from pressdocs.store import Store

__all__ = ["assemble", "finish", "status_of"]

T = TypeVar("T")
log = logging.getLogger("pressdocs")

_UNIT_IN_NAME = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,6}市|[\u4e00-\u9fff]{1,6}[县区])?[\u4e00-\u9fff]{1,12}?"
    r"(?:局|委员会|委|办公室|办|中心|管委会|人民政府|政府)")

#: An inline image smaller than this is a logo or an icon, not one of the 3 pictures.
INLINE_PHOTO_MIN_BYTES = 20 * 1024


def assemble(results: Sequence[ReadResult], *, app: Pressdocs, submission_id: str = "",
             source: str = "", received: datetime | None = None, sender: str = "",
             sender_name: str = "", subject: str = "", message_id: str = "",
             linked_files: Iterable[LinkedFile] = ()) -> Submission:
    """Build the submission made of ``results`` (one per file), not yet validated."""
    linked = list(linked_files)
    documents = []
    for r in results:
        if r.error is not None:
            r.document.problem = r.error.message
        documents.append(r.document)
    documents.extend(_linked_document(f) for f in linked)
    sid = submission_id or hashlib.sha256(
        "\n".join(d.sha256 for d in documents).encode()).hexdigest()
    sub = Submission(id=sid, source=source, received=received, sender=sender,
                     sender_name=sender_name, subject=subject, message_id=message_id,
                     documents=documents)
    sub.registration = _first(results, DocumentKind.REGISTRATION, Registration)
    sub.statistics = _first(results, DocumentKind.STATISTICS, StatisticsReport)
    sub.plan = _first(results, DocumentKind.PLAN, Plan)
    sub.materials = _materials(results, linked)
    sub.kind = _kind(sub)
    sub.unit = _unit(sub, app)
    return sub


def finish(sub: Submission, app: Pressdocs, store: Store | None = None) -> list[str]:
    """Let plugins adjust ``sub``, validate it, set its status, and announce it.

    ``store`` lets rules consult the ledger (the plan, earlier submissions).

    Returns Chinese warnings from event listeners that failed (they never stop a batch).
    """
    app.plugins.hook.prepare_submission(submission=sub, config=app.config)
    from pressdocs.validation import validate_submission

    sub.findings = validate_submission(sub, app, store=store)
    sub.status = status_of(sub)
    warnings = []
    for finding in sub.findings:
        warnings += app.plugins.emit(Event("finding_raised",
                                           {"submission": sub, "finding": finding}))
    warnings += app.plugins.emit(Event("submission_processed", {"submission": sub}))
    for warning in warnings:  # a listener's failure never stops a batch, but is not hidden
        log.warning(warning)
    return warnings


def status_of(sub: Submission) -> SubmissionStatus:
    """accepted (no errors), incomplete (errors the unit can fix), rejected (nothing
    usable: every document unreadable, or spam), unrelated."""
    if sub.kind is SubmissionKind.UNRELATED:
        readable = [d for d in sub.documents if not d.problem]
        if sub.documents and not readable:
            return SubmissionStatus.REJECTED
        return SubmissionStatus.UNRELATED
    errors = [f for f in sub.findings if f.severity is Severity.ERROR]
    if any(f.code == "PD501" for f in errors):
        return SubmissionStatus.REJECTED
    return SubmissionStatus.INCOMPLETE if errors else SubmissionStatus.ACCEPTED


def _first(results: Sequence[ReadResult], kind: DocumentKind, cls: type[T]) -> T | None:
    for r in results:
        if r.kind is kind and isinstance(r.data, cls):
            return r.data
    return None


def _materials(results: Sequence[ReadResult], linked: list[LinkedFile]) -> MaterialsPackage | None:
    release: PressRelease | None = None
    qa: list[QAPair] = []
    for r in results:
        if r.kind is DocumentKind.PRESS_RELEASE and isinstance(r.data, PressRelease):
            release = release or r.data
        elif r.kind is DocumentKind.QA and isinstance(r.data, list):
            qa.extend(r.data)
    pictures = [r.document for r in results
                if r.kind is DocumentKind.PICTURE and _is_photo(r.document)]
    videos = [r.document for r in results if r.kind is DocumentKind.VIDEO]
    if release is None and not qa and not pictures and not videos and not linked:
        return None
    return MaterialsPackage(press_release=release, qa=qa, pictures=pictures, videos=videos,
                            linked_files=linked)


def _is_photo(doc: Document) -> bool:
    """An inline image counts as a picture only when it is a named photo (Apple Mail and
    phones show attached photos inline), not a signature logo (image001.png, a few KB)."""
    if doc.origin != "inline":
        return True
    return bool(doc.name) and not doc.name.lower().startswith("image0") and \
        doc.size >= INLINE_PHOTO_MIN_BYTES


def _linked_document(linked: LinkedFile) -> Document:
    """A file that arrived only as a download link: recorded by name and size, its kind
    guessed from the name (its bytes are not here: it is pending material, PD208)."""
    media_type = mimetypes.guess_type(linked.name)[0] or "application/octet-stream"
    kind = (DocumentKind.VIDEO if media_type.startswith("video/") else
            DocumentKind.PICTURE if media_type.startswith("image/") else DocumentKind.OTHER)
    return Document(name=linked.name, media_type=media_type, size=linked.size or 0,
                    kind=kind, confidence=0.3, origin="link")


def _kind(sub: Submission) -> SubmissionKind:
    if sub.statistics is not None:
        return SubmissionKind.STATISTICS
    has_materials = sub.materials is not None and (
        sub.materials.press_release is not None or sub.materials.qa
        or sub.materials.linked_files or (sub.registration is None and sub.materials.pictures))
    if sub.registration is not None:
        return SubmissionKind.BOTH if has_materials else SubmissionKind.REGISTRATION
    if has_materials:
        return SubmissionKind.MATERIALS
    return SubmissionKind.UNRELATED


def _unit(sub: Submission, app: Pressdocs) -> str:
    """The sending unit: named on a form, found in the unit directory, or by address."""
    config = app.config
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
    # the sender's display name: "市生态环境局 <sthjj@…>", "市统计局办公室" → 市统计局
    unit = config.find_unit(sub.sender_name) if sub.sender_name else None
    if unit is not None:
        return unit.name
    found = _UNIT_IN_NAME.search(sub.sender_name or "")
    return found.group(0) if found else ""
