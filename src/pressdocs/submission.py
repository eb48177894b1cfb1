"""From the files of one message (or folder) to a :class:`Submission`, checked and announced.

:func:`assemble` puts the read documents together: the registration form, the
materials package (release, Q&A, pictures, video, files sent by link), the statistics
table; decides what the submission is; identifies the sending unit.  :func:`finish`
then lets plugins adjust it (``prepare_submission``), runs the validators, sets the
status and announces it (``handle_event``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from pressdocs.app import Pressdocs
from pressdocs.hookspecs import Event
from pressdocs.models import (
    DocumentKind,
    LinkedFile,
    MaterialsPackage,
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


def assemble(results: Sequence[ReadResult], *, app: Pressdocs, submission_id: str = "",
             source: str = "", received: datetime | None = None, sender: str = "",
             sender_name: str = "", subject: str = "", message_id: str = "",
             linked_files: Iterable[LinkedFile] = ()) -> Submission:
    """Build the submission made of ``results`` (one per file), not yet validated."""
    documents = []
    for r in results:
        if r.error is not None:
            r.document.problem = r.error.render("zh")
            r.document.problem_en = r.error.render("en")
        documents.append(r.document)
    sid = submission_id or hashlib.sha256(
        "\n".join(d.sha256 for d in documents).encode()).hexdigest()
    sub = Submission(id=sid, source=source, received=received, sender=sender,
                     sender_name=sender_name, subject=subject, message_id=message_id,
                     documents=documents)
    sub.registration = _first(results, DocumentKind.REGISTRATION, Registration)
    sub.statistics = _first(results, DocumentKind.STATISTICS, StatisticsReport)
    sub.materials = _materials(results, list(linked_files))
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
    # An inline image (a signature logo shown in the body) is not one of the 3 pictures.
    pictures = [r.document for r in results
                if r.kind is DocumentKind.PICTURE and r.document.origin != "inline"]
    videos = [r.document for r in results if r.kind is DocumentKind.VIDEO]
    if release is None and not qa and not pictures and not videos and not linked:
        return None
    return MaterialsPackage(press_release=release, qa=qa, pictures=pictures, videos=videos,
                            linked_files=linked)


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
    return named[0] if named else ""
