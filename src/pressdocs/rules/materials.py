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

from pathlib import PurePath
from typing import Any

from pressdocs import sniff
from pressdocs.capabilities import ValidationContext
from pressdocs.config import Config
from pressdocs.models import (
    Document,
    DocumentKind,
    Finding,
    LinkedFile,
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
    when_en,
    when_zh,
)
from pressdocs.rules.deadlines import WORKING, is_on_time
from pressdocs.rules.ledger import earlier_submissions
from pressdocs.rules.matching import topic_score
from pressdocs.text import count_zishu, format_date_zh

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
    inline image among the materials' pictures only when it is a real photo.
    """
    if doc.origin in ("link", "inline"):
        return False
    return doc.kind is DocumentKind.PICTURE or PurePath(doc.name).suffix.lower() in \
        PICTURE_SUFFIXES


def _linked_of(files: list[LinkedFile], suffixes: frozenset[str]) -> list[LinkedFile]:
    return [f for f in files if PurePath(f.name).suffix.lower() in suffixes]


def registration_for(sub: Submission, store: Any,
                     config: Config) -> tuple[Registration, Submission | None] | None:
    """The registration form a materials package belongs to, and the earlier submission
    it came in (``None`` when it is in ``sub`` itself).

    Among the same unit's earlier registrations: the one for the same plan item, else one
    whose title is like the press release's, else the first conference still to come on
    the day the package arrived, else the latest one past.
    """
    if sub.registration is not None and sub.registration.time is not None:
        return sub.registration, None
    earlier = [s for s in earlier_submissions(store, sub)
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
    title_zh = "发布材料未在发布会召开前1天报送"
    title_en = "materials package received less than 1 day before the conference"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
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
        late = (got - verdict.due).days
        unit_zh = "个工作日" if mode == WORKING else "天"
        unit_en = "working day(s)" if mode == WORKING else "day(s)"
        basis_zh = basis_en = ""
        if source is not None and source.received is not None:
            basis_zh = f"（据{format_date_zh(local(source.received, config).date())}收到的登记表）"
            basis_en = (f" (from the registration form received "
                        f"{local(source.received, config).date().isoformat()})")
        note_zh = f"（{verdict.warning.zh}）" if verdict.warning else ""
        note_en = f" ({verdict.warning.en})" if verdict.warning else ""
        return [self.finding(
            f"发布材料{format_date_zh(got)}收到，发布会定于{when_zh(reg.time, config)}召开"
            f"{basis_zh}，按召开前{days}{unit_zh}报送的要求最迟应于"
            f"{format_date_zh(verdict.due)}发送，晚了{late}天{note_zh}",
            f"the materials were received on {got.isoformat()}; the conference is on "
            f"{when_en(reg.time, config)}{basis_en} and they were due {days} {unit_en} "
            f"before, by {verdict.due.isoformat()}: {late} day(s) late{note_en}",
            document=document_name(submission, DocumentKind.PRESS_RELEASE, DocumentKind.QA),
            field="收到时间")]


class PressReleasePresent(Rule):
    """PD202: the package holds a press release (发布稿) with a body."""

    code = "PD202"
    severity = Severity.ERROR
    clause = CLAUSES["release"]
    title_zh = "缺少新闻发布稿"
    title_en = "press release missing"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        if not expects_materials(submission):
            return []
        assert submission.materials is not None
        release = submission.materials.press_release
        if release is not None and release.body.strip():
            return []
        if release is not None:
            return [self.finding(
                "发布稿只有标题，没有正文", "the press release has a title but no body",
                document=document_name(submission, DocumentKind.PRESS_RELEASE),
                field="发布稿正文")]
        links = submission.materials.linked_files
        if links:
            names = "、".join(f"“{f.name}”" for f in links[:3])
            return [self.finding(
                f"发布材料中没有新闻发布稿的电子版附件，只收到下载链接{names}，无法读取其内容",
                "the materials hold no press release as an attachment, only download links "
                f"({', '.join(f.name for f in links[:3])}) that cannot be read",
                field="发布稿")]
        return [self.finding("发布材料中没有新闻发布稿", "the materials hold no press release",
                             field="发布稿")]


class PressReleaseLength(Rule):
    """PD203: the press release is at most 1200 字 (Word's count; 原则上, a warning)."""

    code = "PD203"
    severity = Severity.WARNING
    clause = CLAUSES["release"]
    title_zh = "新闻发布稿超过1200字"
    title_en = "press release longer than 1200 字"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
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
        return [self.finding(
            f"发布稿共{count.total}字，超过{limit}字（原则上不超过{limit}字）",
            f"the press release has {count.total} characters (字, Word's count: "
            f"{count.east_asian} East-Asian characters and {count.words} other words), over "
            f"the limit of {limit}",
            document=document_name(submission, DocumentKind.PRESS_RELEASE), field="发布稿正文")]


class Questions(Rule):
    """PD204: at least 2 questions with answers."""

    code = "PD204"
    severity = Severity.ERROR
    clause = CLAUSES["questions"]
    title_zh = "附回答的提问问题少于2个"
    title_en = "fewer than 2 questions with answers"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        if not expects_materials(submission):
            return []
        assert submission.materials is not None
        pairs = submission.materials.qa
        answered = sum(1 for q in pairs if q.answer.strip())
        wanted = context.config.materials.min_questions
        if answered >= wanted:
            return []
        unanswered = len(pairs) - answered
        extra_zh = f"（另有{unanswered}个问题没有回答）" if unanswered else ""
        extra_en = f" ({unanswered} more without an answer)" if unanswered else ""
        got_zh = (f"附有回答的提问问题只有{answered}个" if answered
                  else "没有附回答的提问问题")
        return [self.finding(
            f"发布材料中{got_zh}{extra_zh}，至少应提供{wanted}个",
            f"the materials hold {answered} question(s) with an answer{extra_en}; at least "
            f"{wanted} are required",
            document=document_name(submission, DocumentKind.QA), field="问答")]


class AnswerLength(Rule):
    """PD205: every answer is at most 500 字 (each on its own)."""

    code = "PD205"
    severity = Severity.WARNING
    clause = CLAUSES["questions"]
    title_zh = "回答超过500字"
    title_en = "an answer longer than 500 字"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
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
                    f"第{number}个问题（“{short(pair.question)}”）的回答共{count}字，"
                    f"超过{limit}字（每个回答不超过{limit}字）",
                    f"the answer to question {number} has {count} characters (字), over the "
                    f"limit of {limit}",
                    document=document, field=f"问答.第{number}问"))
        return findings


class Pictures(Rule):
    """PD206: exactly 3 pictures that can be opened."""

    code = "PD206"
    severity = Severity.ERROR
    clause = CLAUSES["pictures"]
    title_zh = "图片不是3张，或图片无法打开"
    title_en = "not exactly 3 pictures, or a picture that cannot be opened"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
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
            problem_zh, problem_en = _picture_problem(doc)
            if not problem_zh:
                usable += 1
                continue
            findings.append(self.finding(
                f"图片“{doc.name}”无法使用：{problem_zh}",
                f"the picture '{doc.name}' cannot be used: {problem_en}",
                document=doc.name, field="图片"))
        if usable != wanted:
            bad = len(candidates) - usable
            linked = _linked_of(submission.materials.linked_files, PICTURE_SUFFIXES)
            notes_zh = []
            notes_en = []
            if bad:
                notes_zh.append(f"另有{bad}张无法使用")
                notes_en.append(f"{bad} more cannot be used")
            if linked:
                notes_zh.append(f"另有{len(linked)}张只以下载链接发送，未计入")
                notes_en.append(f"{len(linked)} more came only as download links")
            note_zh = f"（{'，'.join(notes_zh)}）" if notes_zh else ""
            note_en = f" ({'; '.join(notes_en)})" if notes_en else ""
            got = f"有{usable}张可用的图片" if usable else "没有可用的图片"
            findings.insert(0, self.finding(
                f"发布材料中{got}{note_zh}，应提供{wanted}张",
                f"the materials hold {usable} usable picture(s){note_en}; {wanted} are required",
                field="图片"))
        return findings


def _picture_problem(doc: Document) -> tuple[str, str]:
    """Why a picture cannot be used, in Chinese and English ("" when it can)."""
    if doc.problem:
        return doc.problem.zh, doc.problem.en
    if doc.kind is not DocumentKind.PICTURE and not doc.media_type.startswith("image/"):
        what = sniff.describe_media_type(doc.media_type)
        return (f"文件名像图片，实际是{what}，不是图片",
                f"named like a picture, but it is {doc.media_type}")
    return "", ""


class Videos(Rule):
    """PD207: at most 1 video (视频(备选)1个)."""

    code = "PD207"
    severity = Severity.WARNING
    clause = CLAUSES["pictures"]
    title_zh = "视频超过1个"
    title_en = "more than 1 video"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
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
        note_zh = f"（其中{len(linked)}个以下载链接发送）" if linked else ""
        note_en = f" ({len(linked)} of them as download links)" if linked else ""
        return [self.finding(
            f"发布材料中有{total}个视频{note_zh}，视频为备选材料，最多{limit}个",
            f"the materials hold {total} videos{note_en}; at most {limit} (optional) is asked for",
            document="、".join([v.name for v in videos] + [f.name for f in linked]),
            field="视频")]


class DownloadLinks(Rule):
    """PD208: a file that came only as a download link, which will expire."""

    code = "PD208"
    severity = Severity.WARNING
    clause = CLAUSES["materials_due"]
    title_zh = "材料只以会过期的下载链接发送"
    title_en = "material that arrived only as an expiring download link"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        materials = submission.materials
        if materials is None:
            return []
        attached = {d.name for d in submission.documents if d.origin != "link"}
        findings = []
        for link in materials.linked_files:
            if link.name in attached:
                continue
            size_zh = f"（{link.size_text}）" if link.size_text else ""
            if link.expires is not None:
                when_zh_ = f"链接{when_zh(link.expires, context.config)}到期，请在到期前下载保存"
                when_en_ = f"the link expires on {when_en(link.expires, context.config)}; " \
                           "download it before then"
            else:
                when_zh_ = "链接有效期不明，请尽快下载保存"
                when_en_ = "the link's expiry is unknown; download it soon"
            findings.append(self.finding(
                f"“{link.name}”{size_zh}只以下载链接发送，没有作为附件，{when_zh_}",
                f"'{link.name}' came only as a download link, not as an attachment; {when_en_}",
                document=link.name, field="下载链接"))
        return findings
