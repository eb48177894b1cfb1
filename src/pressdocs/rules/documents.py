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
from pressdocs.models import Document, DocumentKind, Finding, Model, Severity, Submission
from pressdocs.rules.catalogue import CLAUSES, Rule, document_name, expects_materials
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
    title_zh = "文件无法读取（损坏、加密或格式不支持）"
    title_en = "a document could not be read (damaged, encrypted, unsupported)"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        pictures_checked = expects_materials(submission)
        findings = []
        for doc in submission.documents:
            if not doc.problem or is_package(doc) or (pictures_checked and is_picture_like(doc)):
                continue
            zh, en = doc.problem.zh, doc.problem.en
            findings.append(self.finding(f"文件“{doc.name}”无法读取：{zh}",
                                         f"the file '{doc.name}' could not be read: {en}",
                                         document=doc.name))
        return findings


class PackageRejected(Rule):
    """PD902: every package could be opened."""

    code = "PD902"
    severity = Severity.ERROR
    clause = CLAUSES["materials_due"]
    title_zh = "压缩包被拒收（过大、文件名不安全或设有密码）"
    title_en = "a package was rejected (too large, unsafe names, password)"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        findings = []
        for doc in submission.documents:
            if not doc.problem or not is_package(doc):
                continue
            zh, en = doc.problem.zh, doc.problem.en
            findings.append(self.finding(f"压缩包“{doc.name}”未能解开：{zh}",
                                         f"the package '{doc.name}' was rejected: {en}",
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


class ExtractedDataShape(Rule):
    """PD903: what was read out of each form fits its JSON Schema."""

    code = "PD903"
    severity = Severity.WARNING
    clause = CLAUSES["registration_form"]
    title_zh = "从表格读出的内容不符合数据格式"
    title_en = "data read from a form does not fit its schema"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        parts: list[tuple[str, str, str, Model | None, DocumentKind]] = [
            ("registration", "登记表", "registration form", submission.registration,
             DocumentKind.REGISTRATION),
            ("materials", "发布材料", "materials", submission.materials,
             DocumentKind.PRESS_RELEASE),
            ("statistics", "统计表", "statistics table", submission.statistics,
             DocumentKind.STATISTICS),
        ]
        findings = []
        for schema, label_zh, label_en, model, kind in parts:
            if model is None:
                continue
            try:
                validate(schema, model.to_dict())
            except SchemaError as exc:
                where = _path_zh(exc.path)
                reason = exc.message.zh.rsplit("：", 1)[-1].split("（结构见")[0]
                findings.append(self.finding(
                    f"{label_zh}中“{where}”一项的内容不符合数据格式：{reason}",
                    f"the {label_en}'s field {exc.path} does not fit its schema: "
                    f"{exc.message.en}",
                    document=document_name(submission, kind), field=where))
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
    title_zh = "邮件本身格式有问题（可能被截断，附件可能不完整）"
    title_en = "the message itself is malformed (possibly cut off)"

    def check(self, submission: Submission, context: ValidationContext) -> list[Finding]:
        from pressdocs.mail.defects import is_harmless
        from pressdocs.models import Location, Message

        document = submission.subject or submission.message_id
        return [Finding(code=self.code, severity=self.severity,
                        message=Message.of("PD904.malformed", defect=defect),
                        location=Location(document=document, field="邮件"), clause=self.clause)
                for defect in submission.defects if not is_harmless(defect)]
