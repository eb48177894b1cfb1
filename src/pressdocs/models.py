"""The domain model: the notice's three forms, the mail that carries them, and what we find.

Every model is a typed dataclass that round-trips through a plain dict
(:meth:`Model.to_dict` / :meth:`Model.from_dict`); the dicts of the models that leave
the library validate against the JSON Schemas in ``pressdocs/schemas/``.

- :class:`Plan` / :class:`PlanItem` — 附件1, the annual plan (新闻发布会计划安排).
- :class:`Registration` — 附件2, the registration form (新闻发布会登记表).
- :class:`MaterialsPackage` — the materials package (发布材料): press release (发布稿),
  questions and answers (问答), pictures, video, and files sent as download links.
- :class:`StatisticsReport` / :class:`StatisticsRow` — 附件3, the statistics table (统计表).
- :class:`Document` — one file as it arrived.
- :class:`Submission` — one incoming message (or folder) and everything found in it.
- :class:`Finding` — one broken rule of the notice, with the facts, in Chinese and English.
- :class:`Notice` — a notification to send to a unit (email, SMS, group bot).

Times are timezone-aware (Asia/Shanghai unless configured otherwise); dates are
:class:`datetime.date`.  Text is kept as written, apart from trimming.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Self

__all__ = [
    "Conference",
    "Document",
    "DocumentKind",
    "Finding",
    "Labelled",
    "LinkedFile",
    "Location",
    "MaterialsPackage",
    "Message",
    "Model",
    "Notice",
    "Person",
    "Plan",
    "PlanItem",
    "PressRelease",
    "QAPair",
    "Registration",
    "Severity",
    "Speaker",
    "StatisticsReport",
    "StatisticsRow",
    "Submission",
    "SubmissionKind",
    "SubmissionStatus",
]


class Labelled(StrEnum):
    """An enum whose members have a name for people in each language (``label(lang)``,
    ``.zh``), from the message catalogues (``[enum.<EnumName>]``)."""

    @property
    def zh(self) -> str:
        """The Chinese name users say (错误, 登记表, 已受理 …)."""
        return self.label("zh")

    def label(self, lang: str) -> str:
        """The member's name in ``lang``."""
        from pressdocs._messages import render_text

        return render_text(f"enum.{type(self).__name__}.{self.value}", {}, lang)


class Severity(Labelled):
    """How serious a finding is: ``error`` blocks acceptance, ``warning`` is a soft limit
    (原则上), ``info`` is recorded for the office."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class DocumentKind(Labelled):
    """What a document is, decided from its content (the file name is only a hint)."""

    REGISTRATION = "registration"  # 登记表
    STATISTICS = "statistics"  # 统计表
    PLAN = "plan"  # 计划安排
    PRESS_RELEASE = "press_release"  # 发布稿
    QA = "qa"  # 问答
    PICTURE = "picture"  # 图片
    VIDEO = "video"  # 视频
    PACKAGE = "package"  # 压缩包 (zip, 7z, rar)
    OTHER = "other"


class SubmissionKind(Labelled):
    """What an incoming message is, as far as the office is concerned."""

    REGISTRATION = "registration"  # 登记表 only
    MATERIALS = "materials"  # 发布材料 only
    BOTH = "registration_and_materials"
    STATISTICS = "statistics"  # 统计表
    CORRECTION = "correction"  # a corrected resend of an earlier submission
    UNRELATED = "unrelated"  # recorded, not processed further


class SubmissionStatus(Labelled):
    """Where a submission stands after processing."""

    ACCEPTED = "accepted"  # no errors
    INCOMPLETE = "incomplete"  # errors the unit can fix (missing material, late)
    REJECTED = "rejected"  # nothing usable (unreadable, spam)
    DUPLICATE = "duplicate"  # already taken in
    UNRELATED = "unrelated"  # not press-conference mail
    ERROR = "error"  # pressdocs failed on it; see the findings




class Model:
    """Base of every model: conversion to and from plain, JSON-ready dicts.

    ``SCHEMA`` names the JSON Schema (in ``pressdocs/schemas/``) that the dict of a
    model leaving the library validates against; nested parts leave it empty.
    """

    SCHEMA: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        """A plain dict: dates as ISO 8601 strings, enums as their values."""
        from pressdocs._serialize import to_plain

        result = to_plain(self)
        assert isinstance(result, dict)
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, validate: bool = True) -> Self:
        """Build the model from a plain dict.

        With ``validate`` (the default) the dict is first checked against the model's
        JSON Schema; a mismatch raises :class:`pressdocs.errors.SchemaError` naming the
        field.
        """
        from pressdocs._serialize import from_plain

        if validate and cls.SCHEMA:
            from pressdocs.schemas import validate as validate_schema

            validate_schema(cls.SCHEMA, data)
        return from_plain(cls, data)


# --- texts for people ------------------------------------------------------------------


@dataclass
class Message(Model):
    """A text for people — a finding, a warning, a problem with a file — in both languages.

    ``key`` names the entry of the message catalogues (``pressdocs/locale/zh.toml`` and
    ``en.toml``) it was rendered from, ``params`` the values put into it (plain, JSON-ready),
    ``zh`` and ``en`` the text in each language.  The library keeps messages whole; whoever
    shows one picks the language (:meth:`text`).  Make one with :meth:`of` (from the
    catalogues) or :meth:`literal` (a plugin's own wording, no catalogue entry).
    """

    SCHEMA: ClassVar[str] = "message"

    key: str = ""
    zh: str = ""
    en: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        """The text in ``lang`` ("zh" default, "en"); Chinese when there is no English."""
        return self.en if lang == "en" and self.en else self.zh

    def __str__(self) -> str:
        return self.zh

    @classmethod
    def of(cls, key: str, /, **params: Any) -> Message:
        """The catalogues' message ``key`` with ``params`` put in, in both languages.

        Dates, times and lists are written the way each language writes them
        (2021年6月30日 / 2021-06-30; 、 / ", "); a parameter that is itself a
        :class:`Message` is put in in the same language.
        """
        from pressdocs._messages import render

        return render(key, params)

    @classmethod
    def literal(cls, zh: str, en: str = "", *, key: str = "") -> Message:
        """A message given as its two texts (English falls back to the Chinese)."""
        return cls(key=key, zh=zh, en=en or zh)


# --- 附件1: the annual plan -------------------------------------------------------------


@dataclass
class PlanItem(Model):
    """One row of 附件1 (计划安排): a planned press conference."""

    number: int  # 序号
    venue: str  # 地点
    month: int  # 时间 (planned month, 1..12)
    topic: str  # 发布主题
    units: list[str]  # 责任单位 (one or more)
    year: int | None = None


@dataclass
class Plan(Model):
    """附件1: the year's plan of press conferences (新闻发布会计划安排)."""

    SCHEMA: ClassVar[str] = "plan"

    year: int
    items: list[PlanItem] = field(default_factory=list)
    title: str = ""
    source: str = ""  # file it was imported from


# --- 附件2: the registration form ------------------------------------------------------


@dataclass
class Person(Model):
    """负责人: the person in charge of a conference."""

    name: str = ""  # 姓名
    phone: str = ""  # 电话, as written
    position: str = ""  # 职务


@dataclass
class Registration(Model):
    """附件2: the registration form (新闻发布会登记表), every field of it."""

    SCHEMA: ClassVar[str] = "registration"

    title: str = ""  # 新闻发布会全称
    organiser: str = ""  # 举办单位
    person_in_charge: Person = field(default_factory=Person)  # 负责人
    content: str = ""  # 新闻发布会内容
    time: datetime | None = None  # 举办时间, timezone-aware
    time_text: str = ""  # 举办时间 as written
    venue: str = ""  # 举办地点
    guests: list[str] = field(default_factory=list)  # 拟邀请领导及来宾名单
    media: list[str] = field(default_factory=list)  # 拟邀请新闻单位名单
    approval_opinion: str = ""  # 审批意见
    approval_date: date | None = None  # 审批意见的日期
    remarks: str = ""  # 备注
    filing_unit: str = ""  # 填报单位
    filing_date: date | None = None  # 填表时间


# --- the materials package ---------------------------------------------------------------


@dataclass
class QAPair(Model):
    """One question for reporters with its prepared answer (提问问题及回答)."""

    question: str
    answer: str = ""
    answer_chars: int | None = None  # 字数 of the answer, Word's method


@dataclass
class PressRelease(Model):
    """发布稿: the press release, title and body apart."""

    title: str = ""
    body: str = ""
    chars: int | None = None  # 字数 of the body, Word's method


@dataclass
class LinkedFile(Model):
    """A file that arrived as a download link (163 超大附件, QQ 中转站), not as a part."""

    name: str
    url: str
    size: int | None = None  # bytes, from the note beside the link
    size_text: str = ""  # as written, e.g. "80.96M"
    expires: datetime | None = None  # 到期
    provider: str = ""  # "163", "qq", ...


@dataclass
class MaterialsPackage(Model):
    """The materials package sent 1 day before: release, Q&A, 3 pictures, optional video."""

    SCHEMA: ClassVar[str] = "materials"

    press_release: PressRelease | None = None
    qa: list[QAPair] = field(default_factory=list)
    pictures: list[Document] = field(default_factory=list)
    videos: list[Document] = field(default_factory=list)
    linked_files: list[LinkedFile] = field(default_factory=list)


# --- 附件3: the statistics table -------------------------------------------------------


@dataclass
class Speaker(Model):
    """发布人: a speaker at a conference, name and position."""

    name: str
    position: str = ""


@dataclass
class StatisticsRow(Model):
    """One row of 附件3: a conference a county, district or zone held."""

    number: int | None = None  # 序号
    held_on: date | None = None  # 时间 (the day it was held)
    held_on_text: str = ""  # 时间 as written
    venue: str = ""  # 地点
    unit: str = ""  # 单位
    media: list[str] = field(default_factory=list)  # 参加发布会的媒体单位
    topic: str = ""  # 发布主题
    speakers: list[Speaker] = field(default_factory=list)  # 发布人姓名、职务
    questions_allowed: bool | None = None  # 是否设记者提问
    question_count: int | None = None  # 记者提问个数


@dataclass
class StatisticsReport(Model):
    """附件3: the statistics table (新闻发布会统计表), filed June 30 and December 30."""

    SCHEMA: ClassVar[str] = "statistics"

    filing_unit: str = ""  # 填表单位(公章)
    filing_date: date | None = None  # 填表日期
    filer: str = ""  # 填表人
    filer_contact: str = ""  # 联系方式
    rows: list[StatisticsRow] = field(default_factory=list)
    year: int | None = None


# --- documents, findings, submissions, notices -------------------------------------------


@dataclass
class Document(Model):
    """One file as it arrived: an attachment, a package member, a body, or a link.

    ``media_type`` is sniffed from the content, never taken from the name or the
    sender's Content-Type.  ``sha256`` addresses the original bytes in the store.  A file
    that came out of a package names the package (``container``; a package inside another
    is ``外层.zip/材料/内层.zip``) and its path there (``path``), while ``name`` is the
    file's own name, as the rules and findings call it.
    """

    SCHEMA: ClassVar[str] = "document"

    name: str  # as sent, decoded
    media_type: str = "application/octet-stream"
    size: int = 0
    sha256: str = ""
    kind: DocumentKind = DocumentKind.OTHER
    confidence: float = 0.0  # of the kind, 0..1
    origin: str = "attachment"  # attachment | inline | body | package | link | file
    container: str = ""  # the package it came out of, if any
    path: str = ""  # its path inside that package (发布会材料/登记表.docx); "" when none
    problem: Message | None = None  # why it could not be read; None when it was read
    #: read by OCR (a scan, a photo): each field read, by its path (person_in_charge.phone),
    #: with the engine's confidence in it, 0..1; empty for a document with text
    ocr: dict[str, float] = field(default_factory=dict)


@dataclass
class Location(Model):
    """Where a finding points: a document and a field in it (either may be empty)."""

    document: str = ""
    field: str = ""


@dataclass
class Finding(Model):
    """A rule of the notice that a submission breaks, with the facts that show it.

    ``code`` is stable (PD101 …); ``clause`` quotes the part of the notice enforced.
    """

    SCHEMA: ClassVar[str] = "finding"

    code: str
    severity: Severity
    message: Message
    location: Location = field(default_factory=Location)
    clause: str = ""

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` ("zh" default, "en")."""
        return self.message.text(lang)


@dataclass(frozen=True)
class Conference(Model):
    """A press conference known to the office: announced by a registration form (登记表,
    ``source`` "registration") or reported held in a statistics table (统计表,
    ``source`` "statistics").  ``plan_year``/``plan_item`` name the item of the annual
    plan it fulfils (``None``: unplanned, which is legitimate)."""

    unit: str
    title: str
    held_on: date
    plan_year: int | None = None
    plan_item: int | None = None
    source: str = "registration"
    submission_id: str = ""


@dataclass
class PlanMatch(Model):
    """Why a submission's conference was taken to be an item of the annual plan
    (``Submission.plan_year``/``plan_item``): the item chosen, how alike its topic and
    the conference's title are once spam, the city's name and words like 新闻发布会 are
    set aside (both as compared), the unit they share, how many months lie between the
    planned month and the conference, and the other items that were as likely (PD304)."""

    year: int  # the plan's year
    item: int  # 序号 of the item chosen
    score: float  # how alike the title and the topic are, 0..1 (1: the same once compared)
    title: str  # the conference's title as compared
    topic: str  # the item's topic as compared
    unit: str  # the unit, as the unit directory names it, that is one of the item's 责任单位
    months: int  # months between the planned month and the conference (0: that month)
    candidates: list[int] = field(default_factory=list)  # other items as likely (PD304)

    def reason(self) -> Message:
        """The match in a sentence: 按2021年计划安排第15项登记：责任单位市体育局，主题比对
        “第十四届运动会”与“第十四届运动会”，相似度1.00，在计划月份召开."""
        when = Message.of("plan_match.same_month") if self.months == 0 else \
            Message.of("plan_match.months_off", months=self.months)
        return Message.of("plan_match.reason", year=self.year, item=self.item, unit=self.unit,
                          title=self.title, topic=self.topic, score=f"{self.score:.2f}",
                          when=when)


@dataclass
class Submission(Model):
    """One incoming message or folder, and everything pressdocs made of it."""

    SCHEMA: ClassVar[str] = "submission"

    id: str  # stable: sha256 of the raw message
    source: str = ""  # where it came from (imaps://…/INBOX, a path)
    message_id: str = ""
    subject: str = ""
    sender: str = ""  # address
    sender_name: str = ""
    received: datetime | None = None  # INTERNALDATE, else Date header, else file time
    kind: SubmissionKind = SubmissionKind.UNRELATED
    status: SubmissionStatus = SubmissionStatus.ACCEPTED
    unit: str = ""  # the sending unit, as named in the unit directory
    plan_item: int | None = None  # 序号 of the matched plan item
    plan_year: int | None = None
    plan_match: PlanMatch | None = None  # why plan_item was chosen (None: by a plugin, or none)
    documents: list[Document] = field(default_factory=list)
    registration: Registration | None = None
    materials: MaterialsPackage | None = None
    statistics: StatisticsReport | None = None
    plan: Plan | None = None  # a plan (附件1) that came in, e.g. a unit's own
    findings: list[Finding] = field(default_factory=list)
    corrects: str = ""  # id of the earlier submission this one corrects
    defects: list[Message] = field(default_factory=list)  # what is wrong with the message

    def conferences(self) -> list[Conference]:
        """The conferences this submission tells of: the one its registration form
        announces (on the day of its 举办时间), and each dated row of its statistics table.
        The store keeps them, so the plan's status and the rules ask it, not the forms."""
        found = []
        reg = self.registration
        if reg is not None and reg.time is not None:
            found.append(Conference(unit=self.unit or reg.organiser or reg.filing_unit,
                                    title=reg.title, held_on=reg.time.date(),
                                    plan_year=self.plan_year, plan_item=self.plan_item,
                                    submission_id=self.id))
        if self.statistics is not None:
            for row in self.statistics.rows:
                if row.held_on is not None:
                    found.append(Conference(
                        unit=row.unit or self.statistics.filing_unit or self.unit,
                        title=row.topic, held_on=row.held_on, source="statistics",
                        submission_id=self.id))
        return found


@dataclass
class Notice(Model):
    """A notification to send: who, by which channel, with which template and context.

    ``key`` makes sending idempotent: a channel never sends the same key twice.
    """

    SCHEMA: ClassVar[str] = "notice"

    key: str
    channel: str  # "email", "sms", ...
    recipients: list[str]
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    unit: str = ""
    submission_id: str = ""
    lang: str = "zh"

    def listing(self) -> dict[str, Any]:
        """What a list of notices shows of it (``notify --json``, ``notices --json``)."""
        return {"key": self.key, "type": self.template, "channel": self.channel,
                "recipients": self.recipients, "unit": self.unit,
                "submission_id": self.submission_id,
                "subject": str(self.context.get("subject", ""))}
