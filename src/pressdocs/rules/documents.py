"""Rules on the files themselves: PD901–PD908.

- PD901 a document could not be read (damaged, encrypted, unsupported): one finding per
  document, in the reader's own words.  Packages are PD902's; pictures in a materials
  package are PD206's, so a broken picture is reported once;
- PD902 a package (zip, 7z, rar, Outlook's winmail.dat) was rejected: too large, unsafe
  names, a password, a damaged winmail.dat (the unit is asked to send as 纯文本/HTML);
- PD903 what was read out of a form does not fit its JSON Schema (a negative count, a
  row numbered 0): the field path says where;
- PD904 the message itself is malformed;
- PD905 a file's content is not what its name says (a photo named 登记表.docx, a web page
  named .doc): it was read by its content, and the unit is told what it really sent.
  Harmless pairs are left out (:func:`pressdocs._sniff.misnamed` lists them), and so are
  files named like pictures in a materials package, which PD206 already names;
- PD906 a document was refused unread as unsafe: a DTD (entity declarations) in any part
  of an Office package, or a part in an encoding that could hide one
  (:mod:`pressdocs._ooxml_guard`);
- PD907 reading a document went over its budget: time or memory (the reading runs in a
  worker process, :mod:`pressdocs._budget`), the worker died, or the message's total
  reading time was used up before the document's turn.

- PD908 (info) a form that came as a scan or phone photo was read by OCR: the office
  checks it against the original (the fields read with less confidence are named).

A document reported by PD906 or PD907 is not reported again by PD901.
"""

from __future__ import annotations

import re

from pressdocs import _sniff as sniff
from pressdocs.capabilities import Context
from pressdocs.errors import SchemaError
from pressdocs.forms.spec import FORMS, describe_path, find_field
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
from pressdocs.rules.catalogue import CLAUSES, Rule, document_name, expects_materials
from pressdocs.rules.materials import is_picture_like
from pressdocs.schemas import validate

__all__ = [
    "DocumentOverBudget",
    "ExtractedDataShape",
    "MalformedMessage",
    "MisnamedDocument",
    "PackageRejected",
    "ReadByOcr",
    "UnreadableDocument",
    "UnsafeDocument",
    "is_package",
]

_PACKAGE_TYPES = frozenset({sniff.ZIP, sniff.SEVEN_ZIP, sniff.RAR, sniff.TNEF})
#: The problems PD906 reports (the catalogue keys of the reader's error).
UNSAFE_PROBLEMS = frozenset({"parse.unsafe_dtd", "parse.unsafe_encoding"})
#: The problems PD907 reports.
BUDGET_PROBLEMS = frozenset({"read.timeout", "read.memory", "read.worker_died",
                             "read.message_budget"})


def is_package(doc: Document) -> bool:
    """A zip, 7z, rar or TNEF (winmail.dat) package, by its sniffed type or its kind."""
    return doc.kind is DocumentKind.PACKAGE or doc.media_type in _PACKAGE_TYPES


class UnreadableDocument(Rule):
    """PD901: every document could be read."""

    code = "PD901"
    severity = Severity.ERROR
    clause = CLAUSES["materials_due"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        pictures_checked = expects_materials(submission)
        findings = []
        for doc in submission.documents:
            if not doc.problem or is_package(doc) or (pictures_checked and is_picture_like(doc)):
                continue
            if doc.problem.key in UNSAFE_PROBLEMS or doc.problem.key in BUDGET_PROBLEMS:
                continue  # PD906's, PD907's
            findings.append(self.finding("unreadable", name=doc.name, problem=doc.problem,
                                         document=doc.name))
        return findings


class PackageRejected(Rule):
    """PD902: every package could be opened."""

    code = "PD902"
    severity = Severity.ERROR
    clause = CLAUSES["materials_due"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        findings = []
        for doc in submission.documents:
            if not doc.problem or not is_package(doc):
                continue
            findings.append(self.finding("rejected", name=doc.name, problem=doc.problem,
                                         document=doc.name))
        return findings


def _field_id(form: str, path: str) -> str:
    """``statistics``, ``rows[2].question_count`` → ``statistics.rows.question_count``:
    the id of the nearest field of the form that holds the path ("" if none)."""
    parts = [p for p in re.sub(r"\[\d+\]", "", path).split(".") if p]
    while parts:
        field = find_field(".".join([form, *parts]))
        if field is not None:
            return field.id
        parts.pop()
    return ""


class ExtractedDataShape(Rule):
    """PD903: what was read out of each form fits its JSON Schema."""

    code = "PD903"
    severity = Severity.WARNING
    clause = CLAUSES["registration_form"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
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
                path = Message.literal(describe_path(schema, exc.path, "zh"),
                                       describe_path(schema, exc.path, "en"))
                reason = Message.from_dict(exc.message.params["reason"], validate=False)
                findings.append(self.finding(
                    "mismatch", form=FORMS[schema].label, path=path, reason=reason,
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

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        document = submission.subject or submission.message_id
        return [self.finding("malformed", defect=defect, document=document,
                             field="submission.message")
                for defect in submission.defects if not is_harmless(defect)]


class MisnamedDocument(Rule):
    """PD905: every file is what its extension says it is."""

    code = "PD905"
    severity = Severity.WARNING
    clause = CLAUSES["materials_due"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        pictures_checked = expects_materials(submission)
        findings = []
        for doc in submission.documents:
            if doc.origin in ("link", "body"):  # no bytes of its own / no name of its own
                continue
            ext = sniff.misnamed(doc.name, doc.media_type)
            if ext is None or (pictures_checked and is_picture_like(doc)
                               and not doc.media_type.startswith("image/")):
                continue
            findings.append(self.finding(
                "misnamed", name=doc.name, ext=ext,
                actual=sniff.describe_media_type(doc.media_type), document=doc.name))
        return findings


class UnsafeDocument(Rule):
    """PD906: no document was refused unread as unsafe (a DTD, a hiding encoding)."""

    code = "PD906"
    severity = Severity.ERROR
    clause = CLAUSES["materials_due"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        return [self.finding("unsafe", name=doc.name, problem=doc.problem, document=doc.name)
                for doc in submission.documents
                if doc.problem is not None and doc.problem.key in UNSAFE_PROBLEMS]


class DocumentOverBudget(Rule):
    """PD907: every document was read within its time and memory budget."""

    code = "PD907"
    severity = Severity.ERROR
    clause = CLAUSES["materials_due"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        return [self.finding("over_budget", name=doc.name, problem=doc.problem,
                             document=doc.name)
                for doc in submission.documents
                if doc.problem is not None and doc.problem.key in BUDGET_PROBLEMS]


class ReadByOcr(Rule):
    """PD908: a form that arrived as a scan or photo was read by OCR — for the office to
    check against the original, naming the fields read with less confidence."""

    code = "PD908"
    severity = Severity.INFO
    clause = CLAUSES["registration_form"]

    def check(self, submission: Submission, context: Context) -> list[Finding]:
        from pressdocs.ocr.confidence import read_by_ocr

        return [self.finding("scanned", name=doc.name, note=read_by_ocr(doc.kind, doc.ocr),
                             document=doc.name)
                for doc in submission.documents if doc.ocr]
