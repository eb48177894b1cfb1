"""What a file's name says it is: 登记表.docx, 统计表.xls, 新闻发布稿.doc, 问答口径.docx.

A name never decides a document's kind on its own — the content does — but it nudges the
classifier, and it is all there is to go by when the content cannot be read (a scanned
form without the OCR extra).
"""

from __future__ import annotations

import re

from pressdocs.models import DocumentKind

__all__ = ["FORM_KINDS", "NAME_HINTS", "kind_named"]

#: The word in a name that says which kind of document it is.
NAME_HINTS: dict[DocumentKind, re.Pattern[str]] = {
    DocumentKind.REGISTRATION: re.compile("登记"),
    DocumentKind.STATISTICS: re.compile("统计"),
    DocumentKind.PLAN: re.compile("计划|安排"),
    DocumentKind.PRESS_RELEASE: re.compile("发布稿|通稿|新闻稿|发言稿"),
    DocumentKind.QA: re.compile("问答|答问|答记者问|口径|提问"),
}
#: The notice's three forms.
FORM_KINDS = (DocumentKind.REGISTRATION, DocumentKind.STATISTICS, DocumentKind.PLAN)


def kind_named(name: str, kinds: tuple[DocumentKind, ...] = tuple(NAME_HINTS)
               ) -> DocumentKind | None:
    """The first of ``kinds`` that ``name`` (its last path part) names, or ``None``."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return next((kind for kind in kinds if NAME_HINTS[kind].search(base)), None)
