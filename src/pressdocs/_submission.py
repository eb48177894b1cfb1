"""From the files read out of one message (or folder) to a :class:`Submission`.

:func:`assemble` puts the read documents together: the registration form, the
materials package (release, Q&A, pictures, video, files sent by link), the statistics
table, and decides what kind of submission it is.  :func:`status_of` says where it
stands once the rules have run.  :mod:`pressdocs._pipeline` runs both, in order.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from pressdocs import _sniff as sniff
from pressdocs._reading import ReadResult
from pressdocs._registry import Registry
from pressdocs.capabilities import Validator
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

__all__ = ["INLINE_PHOTO_MIN_BYTES", "assemble", "status_of"]

T = TypeVar("T")

#: An inline image smaller than this is a logo or an icon, not one of the 3 pictures.
INLINE_PHOTO_MIN_BYTES = 20 * 1024
#: The names of packages sent as links (their bytes are not here to sniff).
_PACKAGE_SUFFIXES = (".zip", ".7z", ".rar")


def assemble(results: Sequence[ReadResult], *, submission_id: str = "", source: str = "",
             received: datetime | None = None, sender: str = "", sender_name: str = "",
             subject: str = "", message_id: str = "",
             linked_files: Iterable[LinkedFile] = ()) -> Submission:
    """Build the submission made of ``results`` (one per file): not yet enriched (the unit
    is left to :mod:`pressdocs._enrich`, after the plugins had their say) nor validated."""
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
    return sub


def status_of(sub: Submission, registry: Registry) -> SubmissionStatus:
    """accepted (no errors), incomplete (errors the unit can fix), rejected (nothing
    usable: every document unreadable, or an error of a rule that rejects — spam),
    unrelated."""
    if sub.kind is SubmissionKind.UNRELATED:
        # a package that opened is judged by the files in it, not counted as one itself
        files = [d for d in sub.documents
                 if d.kind is not DocumentKind.PACKAGE or d.problem is not None]
        if any(d.media_type == sniff.TNEF and d.problem is not None for d in files):
            # Outlook's winmail.dat unread: files were sent, and the unit can resend them
            # as 纯文本/HTML (PD902 says how) — a correction, not a rejection
            return SubmissionStatus.INCOMPLETE
        if files and all(d.problem is not None for d in files):
            return SubmissionStatus.REJECTED
        return SubmissionStatus.UNRELATED
    errors = {f.code for f in sub.findings if f.severity is Severity.ERROR}
    rejecting = {v.code for v in registry.of(Validator) if v.rejects}
    if errors & rejecting:
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
    guessed from the name (its bytes are not here: it is pending material, PD208); a
    package (图片.zip) is a document of kind ``package``, as an attached one is."""
    media_type = mimetypes.guess_type(linked.name)[0] or "application/octet-stream"
    kind = (DocumentKind.VIDEO if media_type.startswith("video/") else
            DocumentKind.PICTURE if media_type.startswith("image/") else
            DocumentKind.PACKAGE if linked.name.lower().endswith(_PACKAGE_SUFFIXES) else
            DocumentKind.OTHER)
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
    if any(d.kind is DocumentKind.REGISTRATION for d in sub.documents):
        # a registration that could not be read (a scan without OCR): the unit sent one,
        # and is told what to do about it (PD901), rather than the message set aside
        return SubmissionKind.REGISTRATION
    return SubmissionKind.UNRELATED
