"""Built-in classifier: what a document is, from its labels, headings and shape.

Each kind has the labels its form prints (登记表: 新闻发布会全称, 举办单位 …; 统计表:
参加发布会的媒体单位, 是否设记者提问 …; 计划安排: 发布主题, 责任单位 …); the share of them
found is the confidence.  Q&A is recognised by question and answer markers, a press
release by being prose of some length.  The file name only nudges (+0.1) a kind it
names; it never decides alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pressdocs.capabilities import Classification, Classifier, Content
from pressdocs.extract.labels import tokens
from pressdocs.hookspecs import hookimpl
from pressdocs.models import DocumentKind
from pressdocs.text import count_zishu, normalize_label

__all__ = ["FormClassifier"]

_LABELS: dict[DocumentKind, tuple[str, ...]] = {
    DocumentKind.REGISTRATION: ("登记表", "新闻发布会全称", "举办单位", "负责人", "举办时间",
                                "举办地点", "拟邀请领导及来宾名单", "拟邀请新闻单位名单",
                                "审批意见"),
    DocumentKind.STATISTICS: ("统计表", "填表单位", "填表人", "参加发布会的媒体单位",
                              "发布人姓名、职务", "是否设记者提问、记者提问个数"),
    DocumentKind.PLAN: ("计划安排", "序号", "地点", "时间", "发布主题", "责任单位"),
}
_NAME_HINTS: dict[DocumentKind, re.Pattern[str]] = {
    DocumentKind.REGISTRATION: re.compile("登记"),
    DocumentKind.STATISTICS: re.compile("统计"),
    DocumentKind.PLAN: re.compile("计划|安排"),
    DocumentKind.PRESS_RELEASE: re.compile("发布稿|通稿|新闻稿|发言稿"),
    DocumentKind.QA: re.compile("问答|答问|答记者问|口径|提问"),
}
_MIN_RELEASE_CHARS = 150


class FormClassifier(Classifier):
    """Tells the notice's forms, Q&A and press releases apart by their content."""

    name = "forms"
    description = "按内容识别登记表、统计表、计划安排、问答和发布稿"

    def classify(self, content: Content, name: str) -> Classification | None:
        items = tokens(content)
        labels = {normalize_label(t) for t in items}
        joined = normalize_label("".join(items[:400]))
        scores: dict[DocumentKind, tuple[float, str]] = {}
        for kind, wanted in _LABELS.items():
            hits = [w for w in wanted if w in labels or (len(w) > 3 and w in joined)]
            if len(hits) >= 2:
                scores[kind] = (len(hits) / len(wanted),
                                f"含有{kind.zh}的栏目：{'、'.join(hits[:4])}")
        from pressdocs.extract.qa import looks_like_qa

        questions, answers = looks_like_qa(content)
        if questions >= 1 and answers >= 1:
            scores[DocumentKind.QA] = (min(0.95, 0.6 + 0.1 * min(questions, answers)),
                                       f"有{questions}处问题标记、{answers}处回答标记")
        chars = count_zishu(content.text).total
        if DocumentKind.QA not in scores and chars >= _MIN_RELEASE_CHARS and not any(
                s[0] >= 0.5 for s in scores.values()):
            scores[DocumentKind.PRESS_RELEASE] = (0.6, f"成段正文，共{chars}字")
        for kind, pattern in _NAME_HINTS.items():
            if pattern.search(name):
                base, reason = scores.get(kind, (0.0, ""))
                if base > 0 or kind in (DocumentKind.PRESS_RELEASE, DocumentKind.QA):
                    note = f"文件名含“{pattern.search(name).group(0)}”"  # type: ignore[union-attr]
                    scores[kind] = (min(1.0, base + (0.1 if base else 0.3)),
                                    f"{reason}；{note}" if reason else note)
        if not scores:
            return None
        kind, (confidence, reason) = max(scores.items(), key=lambda kv: kv[1][0])
        return Classification(kind, round(confidence, 2), reason)


@hookimpl
def register_classifiers(register: Callable[[Classifier], None]) -> None:
    register(FormClassifier())
