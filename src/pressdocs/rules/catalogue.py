"""The pieces every built-in rule shares: the base class, the notice's words, small helpers.

A rule is a :class:`pressdocs.Validator` with a stable code (PD101 …), a default
severity, a title, and the clause of the notice it enforces, quoted word for word from
《关于做好2021年度政府信息公开新闻发布工作的通知》 (the city's name, which the published
copy lost to injected spam, is left out as "…").

Its words are in the message catalogues (``pressdocs/locale/zh.toml`` and ``en.toml``),
in the table named by its code: ``[PD203] title`` is its title, and every finding is an
entry of that table (``[PD203] too_long``) given the facts as parameters — numbers,
dates, names, and, for a clause that is there only sometimes, a nested message or
``None``.  An entry holds words, so where the optional part would be only brackets and a
value (（80.96M）, “标题”) the sentence has a variant instead (``link_only_sized``).
A finding points at the document and at the field concerned by a stable field id
(:data:`pressdocs.forms.spec.FIELD_IDS`: ``registration.time``, ``statistics.rows`` …),
never by a label in one language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pressdocs.capabilities import Context, Validator
from pressdocs.config import Config
from pressdocs.models import (
    DocumentKind,
    Finding,
    Location,
    Message,
    Submission,
    SubmissionKind,
)
from pressdocs.text.dates import office_time

__all__ = [
    "CLAUSES",
    "Rule",
    "document_name",
    "expects_materials",
    "local",
    "short",
]

#: The notice's words each rule enforces, by code.
CLAUSES: dict[str, str] = {
    "registration_form": "并填报《…市新闻发布会登记表》(见附件2)",
    "registration_due": "发布会召开前3天报送市新闻办",
    "approval": "市直各相关单位召开新闻发布会需报经市政府分管负责同志同意",
    "materials_due": "上述内容于发布会召开前1天打包发送至邮箱",
    "release": "提供新闻发布稿电子版(原则上不超过1200字)",
    "questions": "至少提供2个提问问题供参考(附回答内容,每个回答不超过500字)",
    "pictures": "提供与发布内容相关的图片3张、视频(备选)1个",
    "unplanned": "没有安排计划的其他单位,可以根据工作需要适时召开新闻发布会",
    "delay": "若确因工作变动推迟发布时间,延期一般不超过1个月",
    "plan": "请市直各相关单位根据安排,认真组织好本单位的政府信息公开新闻发布会",
    "statistics": "同时填写《…市新闻发布会统计表》(见附件3)",
    # The notice's copy lost the 月 of both dates ("2021630日、1230日"), so they are left
    # out of the quotation; the due days themselves come from configuration.
    "statistics_due": "并于…报市新闻办和市政务公开办备案",
    "heads": "与宏观经济和民生关系密切的相关职能部门,主要负责同志每年应参加一次新闻发布会",
    "publication": "及时将新闻发布会的主要内容、图片、视频等信息按照规范格式发布到本单位信息公开网"
                   "新闻发布会实录栏目",
}


class Rule(Validator):
    """A built-in rule: a :class:`Validator` whose ``name`` is its code and whose title
    and findings come from the table of the message catalogues named by its code."""

    def __init__(self) -> None:
        self.name = self.code
        self.title = Message.of(f"{self.code}.title")
        self.description = self.title.zh

    def finding(self, name: str, /, *, document: str = "", field: str = "",
                **params: Any) -> Finding:
        """A finding of this rule, with its default severity and clause: the catalogue's
        message ``<code>.<name>`` with ``params`` put in, pointing at ``document`` and
        the field id ``field`` (see :mod:`pressdocs.forms.spec`, or "")."""
        return Finding(code=self.code, severity=self.severity,
                       message=Message.of(f"{self.code}.{name}", **params),
                       location=Location(document=document, field=field), clause=self.clause)

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        raise NotImplementedError


def document_name(sub: Submission, *kinds: DocumentKind) -> str:
    """The names of the submission's documents of ``kinds``, joined by 、 ("" if none)."""
    return "、".join(d.name for d in sub.documents if d.kind in kinds)


def expects_materials(sub: Submission) -> bool:
    """Whether the submission is (or includes) a materials package, so that the package
    rules apply.  A registration sent with a scanned picture is not a package."""
    if sub.materials is None:
        return False
    if sub.kind is SubmissionKind.CORRECTION:  # a corrected resend is checked like the first
        return sub.registration is None or bool(
            sub.materials.press_release or sub.materials.qa or sub.materials.linked_files)
    return sub.kind in (SubmissionKind.MATERIALS, SubmissionKind.BOTH)


def local(moment: datetime, config: Config) -> datetime:
    """``moment`` in the office's time zone (a naive time is taken to be in it already)."""
    return office_time(moment, config.tz)


def short(text: str, limit: int = 20) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"
