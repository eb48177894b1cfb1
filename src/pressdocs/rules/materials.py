"""Rules on the materials package (发布材料): PD201–PD208.

They apply to a submission that is, or includes, a materials package
(:func:`pressdocs.rules.catalogue.expects_materials`); a registration form sent alone is
not expected to carry a press release.

- PD201 the package arrived later than 1 day before the conference.  The conference's
  time comes from the registration form in the same submission or, through the store,
  the same unit's registration received earlier; without either the rule is silent;
- PD202 no press release; PD203 a release over 1200 字 (Word's count, 1200 passes);
- PD204 fewer than 2 questions with answers; PD205 an answer over 500 字 (each apart);
- PD206 not exactly 3 usable pictures, or a "picture" that cannot be opened;
- PD207 more than 1 video; PD208 a file that came only as an expiring download link.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import PurePath
from typing import Any

from pressdocs import _sniff as sniff
from pressdocs._names import FORM_KINDS
from pressdocs.capabilities import Context
from pressdocs.config import Config
from pressdocs.models import (
    Document,
    DocumentKind,
    Finding,
    LinkedFile,
    Message,
    Registration,
    Severity,
    Submission,
)
from pressdocs.rules.catalogue import (
    CLAUSES,
    Rule,
    document_name,
    expects_materials,
    local,
    short,
)
from pressdocs.rules.deadlines import WORKING, is_on_time
from pressdocs.rules.ledger import earlier_submissions
from pressdocs.rules.matching import topic_score
from pressdocs.text import count_zishu

__all__ = [
    "PICTURE_SUFFIXES",
    "VIDEO_SUFFIXES",
    "AnswerLength",
    "DownloadLinks",
    "MaterialsOnTime",
    "Pictures",
    "PressReleaseLength",
    "PressReleasePresent",
    "Questions",
    "Videos",
    "is_picture_like",
    "registration_for",
]

PICTURE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".heic",
                              ".heif", ".tif", ".tiff"})
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".wmv", ".flv", ".mkv", ".webm", ".m4v",
                            ".mpg", ".mpeg", ".3gp"})


def is_picture_like(doc: Document) -> bool:
    """An attached picture, or a file named like one (图1.jpg that is really a web page).

    Pictures only linked (not attached) and inline images are not: the assembly puts an
    inline image among the materials' pictures only when it is a real photo.  Nor is a
    picture read as a document: a photo or scan of the stamped registration form.
    """
    if doc.origin in ("link", "inline") or doc.kind in _READ_AS_DOCUMENTS:
        return False
    return doc.kind is DocumentKind.PICTURE or PurePath(doc.name).suffix.lower() in \
        PICTURE_SUFFIXES


#: Kinds a file named like a picture may turn out to be (a photographed form): not pictures.
_READ_AS_DOCUMENTS = frozenset({*FORM_KINDS, DocumentKind.PRESS_RELEASE, DocumentKind.QA})


def _linked_of(files: list[LinkedFile], suffixes: frozenset[str]) -> list[LinkedFile]:
    return [f for f in files if PurePath(f.name).suffix.lower() in suffixes]


#: How far back a materials package's registration is looked for (see
#: :func:`registration_for`).
REGISTRATION_WINDOW = timedelta(days=92)


def registration_for(sub: Submission, store: Any,
                     config: Config) -> tuple[Registration, Submission | None] | None:
    """The registration form a materials package belongs to, and the earlier submission
    it came in (``None`` when it is in ``sub`` itself).

    Among the same unit's registrations received in the :data:`REGISTRATION_WINDOW`
    before the package (a form comes 3 days before its conference, the package 1 day
    before: one older than that window belongs to another conference): the one for the
    same plan item, else one whose title is like the press release's, else the first
    conference still to come on the day the package arrived, else the latest one past.
    """
    if sub.registration is not None and sub.registration.time is not None:
        return sub.registration, None
    since = sub.received - REGISTRATION_WINDOW if sub.received is not None else None
    earlier = [s for s in earlier_submissions(store, sub, config, forms_only=True, since=since)
               if s.registration is not None and s.registration.time is not None]
    if not earlier:
        return None

    def pick(s: Submission) -> tuple[Registration, Submission]:
        assert s.registration is not None
        return s.registration, s

    if sub.plan_item is not None:
        for s in earlier:
            if (s.plan_year, s.plan_item) == (sub.plan_year, sub.plan_item):
                return pick(s)
    release = sub.materials.press_release if sub.materials else None
    if release is not None and release.title:
        alike = [(topic_score(release.title, s.registration.title, config.city), s)
                 for s in earlier if s.registration is not None]
        best = max(alike, key=lambda pair: pair[0])
        if best[0] >= 0.6:
            return pick(best[1])
    assert sub.received is not None
    arrived = local(sub.received, config).date()

    def day(s: Submission) -> Any:
        assert s.registration is not None and s.registration.time is not None
        return local(s.registration.time, config)

    coming = [s for s in earlier if day(s).date() >= arrived]
    if coming:
        return pick(min(coming, key=day))
    return pick(max(earlier, key=day))


class MaterialsOnTime(Rule):
    """PD201: the materials package received on or before the day before the conference."""

    code = "PD201"
    severity = Severity.ERROR
    clause = CLAUSES["materials_due"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        config, received = context.config, submission.received
        if not expects_materials(submission) or received is None:
            return []
        found = registration_for(submission, context.store, config)
        if found is None:
            return []
        reg, source = found
        assert reg.time is not None
        days, mode = config.deadlines.materials_days_before, config.deadlines.days
        verdict = is_on_time(received, reg.time, days, mode, config.tz)
        if verdict.on_time:
            return []
        got = local(received, config).date()
        basis = None
        if source is not None and source.received is not None:
            basis = Message.of("PD201.basis", received=local(source.received, config).date())
        return [self.finding(
            "late", received=got, conference=local(reg.time, config), basis=basis,
            days=days, unit=Message.of("PD201.working_days" if mode == WORKING
                                       else "PD201.days"),
            due=verdict.due, late=(got - verdict.due).days,
            note=verdict.warning.note if verdict.warning else None,
            document=document_name(submission, DocumentKind.PRESS_RELEASE, DocumentKind.QA),
            field="submission.received")]


class PressReleasePresent(Rule):
    """PD202: the package holds a press release (发布稿) with a body."""

    code = "PD202"
    severity = Severity.ERROR
    clause = CLAUSES["release"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        if not expects_materials(submission):
            return []
        assert submission.materials is not None
        release = submission.materials.press_release
        if release is not None and release.body.strip():
            return []
        if release is not None:
            return [self.finding(
                "no_body", document=document_name(submission, DocumentKind.PRESS_RELEASE),
                field="materials.press_release.body")]
        links = submission.materials.linked_files
        if links:
            # Each name quoted the way each language quotes: “新闻发布稿.docx” / plain.
            names = [Message.literal(f"“{f.name}”", f.name) for f in links[:3]]
            return [self.finding("only_links", names=names, field="materials.press_release")]
        return [self.finding("missing", field="materials.press_release")]


class PressReleaseLength(Rule):
    """PD203: the press release is at most 1200 字 (Word's count; 原则上, a warning)."""

    code = "PD203"
    severity = Severity.WARNING
    clause = CLAUSES["release"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        if not expects_materials(submission):
            return []
        assert submission.materials is not None
        release = submission.materials.press_release
        if release is None:
            return []
        count = count_zishu(release.body)
        limit = context.config.materials.press_release_max_chars
        if count.total <= limit:
            return []
        # The parts of Word's count are kept with the message, for whoever wants them.
        return [self.finding(
            "too_long", total=count.total, east_asian=count.east_asian, words=count.words,
            limit=limit, document=document_name(submission, DocumentKind.PRESS_RELEASE),
            field="materials.press_release.body")]


class Questions(Rule):
    """PD204: at least 2 questions with answers."""

    code = "PD204"
    severity = Severity.ERROR
    clause = CLAUSES["questions"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        if not expects_materials(submission):
            return []
        assert submission.materials is not None
        pairs = submission.materials.qa
        answered = sum(1 for q in pairs if q.answer.strip())
        wanted = context.config.materials.min_questions
        if answered >= wanted:
            return []
        unanswered = len(pairs) - answered
        return [self.finding(
            "too_few",
            answered=Message.of("PD204.answered", count=answered) if answered
            else Message.of("PD204.none_answered"),
            unanswered=Message.of("PD204.unanswered", count=unanswered) if unanswered
            else None,
            wanted=wanted, document=document_name(submission, DocumentKind.QA),
            field="materials.qa")]


class AnswerLength(Rule):
    """PD205: every answer is at most 500 字 (each on its own)."""

    code = "PD205"
    severity = Severity.WARNING
    clause = CLAUSES["questions"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        if not expects_materials(submission):
            return []
        assert submission.materials is not None
        limit = context.config.materials.answer_max_chars
        document = document_name(submission, DocumentKind.QA)
        findings = []
        for number, pair in enumerate(submission.materials.qa, start=1):
            count = count_zishu(pair.answer).total
            if count > limit:
                findings.append(self.finding(
                    "too_long", number=number, question=short(pair.question), count=count,
                    limit=limit, document=document, field="materials.qa.answer"))
        return findings


class Pictures(Rule):
    """PD206: exactly 3 pictures that can be opened."""

    code = "PD206"
    severity = Severity.ERROR
    clause = CLAUSES["pictures"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        if not expects_materials(submission):
            return []
        assert submission.materials is not None
        wanted = context.config.materials.pictures
        candidates = [d for d in submission.documents if is_picture_like(d)]
        for picture in submission.materials.pictures:
            if picture not in candidates:
                candidates.append(picture)
        findings = []
        usable = 0
        for doc in candidates:
            problem = _picture_problem(doc)
            if problem is None:
                usable += 1
                continue
            findings.append(self.finding("unusable", name=doc.name, problem=problem,
                                         document=doc.name, field="materials.pictures"))
        if usable != wanted:
            bad = len(candidates) - usable
            linked = len(_linked_of(submission.materials.linked_files, PICTURE_SUFFIXES))
            findings.insert(0, self.finding(
                "wrong_count",
                usable=Message.of("PD206.usable", count=usable) if usable
                else Message.of("PD206.none_usable"),
                note=_pictures_note(bad, linked), wanted=wanted, field="materials.pictures"))
        return findings


def _pictures_note(bad: int, linked: int) -> Message | None:
    """The note on pictures not counted: unusable ones, ones only linked, or both."""
    if bad and linked:
        return Message.of("PD206.note_unusable_linked", bad=bad, linked=linked)
    if bad:
        return Message.of("PD206.note_unusable", bad=bad)
    if linked:
        return Message.of("PD206.note_linked", linked=linked)
    return None


def _picture_problem(doc: Document) -> Message | None:
    """Why a picture cannot be used (``None`` when it can)."""
    if doc.problem:
        return doc.problem
    if doc.kind is not DocumentKind.PICTURE and not doc.media_type.startswith("image/"):
        return Message.of("PD206.not_a_picture", what=sniff.describe_media_type(doc.media_type))
    return None


class Videos(Rule):
    """PD207: at most 1 video (视频(备选)1个)."""

    code = "PD207"
    severity = Severity.WARNING
    clause = CLAUSES["pictures"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        if not expects_materials(submission):
            return []
        assert submission.materials is not None
        limit = context.config.materials.max_videos
        videos = submission.materials.videos
        attached = {v.name for v in videos}
        linked = [f for f in _linked_of(submission.materials.linked_files, VIDEO_SUFFIXES)
                  if f.name not in attached]
        total = len(videos) + len(linked)
        if total <= limit:
            return []
        return [self.finding(
            "too_many", count=total,
            linked=Message.of("PD207.linked", count=len(linked)) if linked else None,
            limit=limit, document="、".join([v.name for v in videos] + [f.name for f in linked]),
            field="materials.videos")]


class DownloadLinks(Rule):
    """PD208: a file that came only as a download link, which will expire."""

    code = "PD208"
    severity = Severity.WARNING
    clause = CLAUSES["materials_due"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        materials = submission.materials
        if materials is None:
            return []
        attached = {d.name for d in submission.documents if d.origin != "link"}
        findings = []
        for link in materials.linked_files:
            if link.name in attached:
                continue
            expiry = (Message.of("PD208.expires", expires=local(link.expires, context.config))
                      if link.expires is not None else Message.of("PD208.expiry_unknown"))
            findings.append(self.finding(
                "link_only_sized" if link.size_text else "link_only", name=link.name,
                size=link.size_text, expiry=expiry, document=link.name,
                field="materials.linked_files"))
        return findings
