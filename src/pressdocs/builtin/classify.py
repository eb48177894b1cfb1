"""Built-in classifier: what a document is, from its labels, headings and shape.

Each form has the fields that tell it apart (its signature in :mod:`pressdocs.forms.spec`:
登记表: 新闻发布会全称, 举办单位 …; 统计表: 参加发布会的媒体单位, 是否设记者提问、记者提问个数 …;
计划安排: 发布主题, 责任单位 …); the share of them found, with the form's name, is the
confidence, and the reason names what was found.  Q&A is recognised by question and
answer markers, a press release by being prose of some length.  The file name only
nudges (+0.1) a kind it names; it never decides alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from pressdocs._names import NAME_HINTS
from pressdocs.capabilities import Classification, Classifier, Content
from pressdocs.extract.labels import tokens
from pressdocs.forms.spec import PLAN, REGISTRATION, STATISTICS, Form
from pressdocs.hookspecs import hookimpl
from pressdocs.models import DocumentKind, Message
from pressdocs.text import count_zishu, normalize_label

__all__ = ["FormClassifier"]

_FORMS: dict[DocumentKind, Form] = {
    DocumentKind.REGISTRATION: REGISTRATION,
    DocumentKind.STATISTICS: STATISTICS,
    DocumentKind.PLAN: PLAN,
}
_MIN_RELEASE_CHARS = 150


@cache
def _wanted(form: Form) -> tuple[tuple[str, ...], ...]:
    """What tells ``form`` apart: its name (登记表), then each field of its signature, by
    the labels the form prints and units write (填表单位(公章), 填表单位), normalized — the
    form's own words, never the catalogue's names for people, which may be reworded."""
    named: list[tuple[str, ...]] = [(form.label.zh,)]
    for name in form.signature:
        found = form.field(name)
        texts = found.labels or (found.label.zh,)  # a split column has no printed label
        named.append(tuple(dict.fromkeys(normalize_label(text) for text in texts)))
    return tuple(named)


def _found(texts: tuple[str, ...], labels: set[str], joined: str) -> str | None:
    """The first of ``texts`` that is one of the document's labels, or (for one longer
    than three characters) anywhere in its text."""
    return next((w for w in texts if w in labels or (len(w) > 3 and w in joined)), None)


@cache
def _shared() -> frozenset[str]:
    """The labels more than one form prints (序号, 时间, 地点, 单位, 发布主题 …): a hit on
    one of them says little about which form a table is."""
    seen: dict[str, int] = {}
    for form in _FORMS.values():
        own = {normalize_label(t) for f in form.fields for t in (f.labels or (f.label.zh,))}
        for label in own:
            seen[label] = seen.get(label, 0) + 1
    return frozenset(label for label, n in seen.items() if n > 1)


class FormClassifier(Classifier):
    """Tells the notice's forms, Q&A and press releases apart by their content."""

    name = "forms"
    description = "按内容识别登记表、统计表、计划安排、问答和发布稿"

    def classify(self, content: Content, name: str) -> Classification | None:
        items = tokens(content)
        labels = {normalize_label(t) for t in items}
        joined = normalize_label("".join(items[:400]))
        scores: dict[DocumentKind, tuple[float, Message | None]] = {}
        own: dict[DocumentKind, int] = {}  # hits on labels only that form prints
        for kind, form in _FORMS.items():
            (form_name,), *fields = _wanted(form)
            # the form's name stands in its title: 新闻发布会统计表, 2021年…计划安排
            titled = form_name if any(form_name in label for label in labels) else None
            hits = [hit for hit in (titled, *(_found(texts, labels, joined)
                                              for texts in fields)) if hit]
            own[kind] = sum(1 for hit in hits if hit not in _shared())
            if len(hits) >= 2:
                scores[kind] = (len(hits) / (len(fields) + 1),
                                Message.of("classify.form_fields", form=form.label,
                                           labels=hits[:4]))
        if max(own.values()) >= 2:  # columns only one form has outweigh shared ones
            scores = {k: v for k, v in scores.items() if own[k] > 0}
        from pressdocs.extract.qa import looks_like_qa

        questions, answers = looks_like_qa(content)
        if questions >= 1 and answers >= 1:
            scores[DocumentKind.QA] = (min(0.95, 0.6 + 0.1 * min(questions, answers)),
                                       Message.of("classify.qa_markers", questions=questions,
                                                  answers=answers))
        chars = count_zishu(content.text).total
        if DocumentKind.QA not in scores and chars >= _MIN_RELEASE_CHARS and not any(
                s[0] >= 0.5 for s in scores.values()):
            scores[DocumentKind.PRESS_RELEASE] = (0.6, Message.of("classify.prose", chars=chars))
        for kind, pattern in NAME_HINTS.items():
            hint = pattern.search(name)
            if hint:
                base, reason = scores.get(kind, (0.0, None))
                if base > 0 or kind in (DocumentKind.PRESS_RELEASE, DocumentKind.QA):
                    note = (Message.of("classify.with_name_hint", reason=reason,
                                       word=hint.group(0)) if reason else
                            Message.of("classify.name_hint", word=hint.group(0)))
                    scores[kind] = (min(1.0, base + (0.1 if base else 0.3)), note)
        if not scores:
            return None
        kind, (confidence, why) = max(scores.items(), key=lambda kv: kv[1][0])
        return Classification(kind, round(confidence, 2), why or Message())


@hookimpl
def register_classifiers(register: Callable[[Classifier], None]) -> None:
    register(FormClassifier())
