"""Rules on the files themselves: PD901–PD903.

- PD901 a document could not be read (damaged, encrypted, unsupported): one finding per
  document, in the reader's own words.  Packages are PD902's; pictures in a materials
  package are PD206's, so a broken picture is reported once;
- PD902 a package (zip, 7z, rar) was rejected: too large, unsafe names, a password;
- PD903 what was read out of a form does not fit its JSON Schema (a negative count, a
  row numbered 0): the field path says where.
"""

from __future__ import annotations

import re

from pressdocs import sniff
from pressdocs.capabilities import ValidationContext
from pressdocs.errors import SchemaError
from pressdocs.mail.defects import is_harmless
from pressdocs.models import (
    Document,
    DocumentKind,
    Finding,
    Message,
    Model,
    Severity,
    Submission,
)
from pressdocs.rules.catalogue import CLAUSES, FIELDS, Rule, document_name, expects_materials
from pressdocs.rules.materials import is_picture_like
from pressdocs.schemas import validate

__all__ = [
    "ExtractedDataShape",
    "MalformedMessage",
    "PackageRejected",
    "UnreadableDocument",
    "is_package",
]

_PACKAGE_TYPES = frozenset({sniff.ZIP, sniff.SEVEN_ZIP, sniff.RAR})


def is_package(doc: Document) -> bool:
    """A zip, 7z or rar package, by its sniffed type or its kind."""
    return doc.kind is DocumentKind.PACKAGE or doc.media_type in _PACKAGE_TYPES


class UnreadableDocument(Rule):
    """PD901: every document could be read."""

    code = "PD901"
    severity = Severity.ERROR
    clause = CLAUSES["materials_due"]

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        pictures_checked = expects_materials(submission)
        findings = []
        for doc in submission.documents:
            if not doc.problem or is_package(doc) or (pictures_checked and is_picture_like(doc)):
                continue
            findings.append(self.finding("unreadable", name=doc.name, problem=doc.problem,
                                         document=doc.name))
        return findings


class PackageRejected(Rule):
    """PD902: every package could be opened."""

    code = "PD902"
    severity = Severity.ERROR
    clause = CLAUSES["materials_due"]

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        findings = []
        for doc in submission.documents:
            if not doc.problem or not is_package(doc):
                continue
            findings.append(self.finding("rejected", name=doc.name, problem=doc.problem,
                                         document=doc.name))
        return findings


#: Field names of the models, in the words of the forms.
_FIELDS_ZH = {
    "title": "标题", "organiser": "举办单位", "person_in_charge": "负责人", "name": "姓名",
    "phone": "电话", "position": "职务", "content": "内容", "time": "举办时间",
    "time_text": "举办时间", "venue": "地点", "guests": "拟邀请领导及来宾名单",
    "media": "媒体单位", "approval_opinion": "审批意见", "approval_date": "审批日期",
    "remarks": "备注", "filing_unit": "填表单位", "filing_date": "填表日期", "filer": "填表人",
    "filer_contact": "联系方式", "rows": "行", "number": "序号", "held_on": "时间",
    "held_on_text": "时间", "unit": "单位", "topic": "发布主题", "speakers": "发布人",
    "questions_allowed": "是否设记者提问", "question_count": "记者提问个数", "year": "年度",
    "press_release": "发布稿", "body": "正文", "chars": "字数", "qa": "问答",
    "question": "问题", "answer": "回答", "answer_chars": "回答字数", "pictures": "图片",
    "videos": "视频", "linked_files": "下载链接", "url": "链接地址", "size": "大小",
    "expires": "到期时间",
}


def _path_zh(path: str) -> str:
    """``rows[2].question_count`` → ``行第3项.记者提问个数``."""

    def part(text: str) -> str:
        name, _, rest = text.partition("[")
        label = _FIELDS_ZH.get(name, name)
        for index in re.findall(r"(\d+)\]", "[" + rest if rest else ""):
            label += f"第{int(index) + 1}项"
        return label

    return ".".join(part(p) for p in path.split(".")) if path else ""


def _field_id(schema: str, path: str) -> str:
    """``statistics``, ``rows[2].question_count`` → ``statistics.rows.question_count``:
    the field id of a schema path (the nearest one that is a field id, else "")."""
    parts = [_ABOUT.get(p, p) for p in re.sub(r"\[\d+\]", "", path).split(".") if p]
    while parts:
        field = ".".join([schema, *parts])
        if field in FIELDS:
            return field
        parts.pop()
    return ""


#: Fields that only describe another (as written, its 字数): the id is the other's.
_ABOUT = {"time_text": "time", "held_on_text": "held_on", "answer_chars": "answer",
          "chars": "body"}


class ExtractedDataShape(Rule):
    """PD903: what was read out of each form fits its JSON Schema."""

    code = "PD903"
    severity = Severity.WARNING
    clause = CLAUSES["registration_form"]

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        parts: list[tuple[str, Model | None, DocumentKind]] = [
            ("registration", submission.registration, DocumentKind.REGISTRATION),
            ("materials", submission.materials, DocumentKind.PRESS_RELEASE),
            ("statistics", submission.statistics, DocumentKind.STATISTICS),
        ]
        findings = []
        for schema, model, kind in parts:
            if model is None:
                continue
            try:
                validate(schema, model.to_dict())
            except SchemaError as exc:
                # The field and the reason as the schema check words them: the path in the
                # forms' words in Chinese, as it is in English.
                reason = exc.message.zh.rsplit("：", 1)[-1].split("（结构见")[0]
                findings.append(self.finding(
                    "mismatch", form=Message.of(f"PD903.form_{schema}"),
                    path=Message.literal(_path_zh(exc.path), exc.path),
                    reason=Message.literal(reason, exc.message.en),
                    document=document_name(submission, kind),
                    field=_field_id(schema, exc.path)))
        return findings


class MalformedMessage(Rule):
    """PD904: the message itself is malformed (cut off, no boundary, no Date header).

    One finding per defect of the message, except those that cost the office nothing
    (:func:`pressdocs.mail.is_harmless` decides by the defect's key); the finding
    carries the defect itself, so each language names it in its own words.
    """

    code = "PD904"
    severity = Severity.WARNING
    clause = CLAUSES["materials_due"]

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        document = submission.subject or submission.message_id
        return [self.finding("malformed", defect=defect, document=document,
                             field="submission.message")
                for defect in submission.defects if not is_harmless(defect)]
