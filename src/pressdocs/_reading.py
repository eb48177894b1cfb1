"""Reading one file: sniff it, parse it, say what it is, and extract the form it holds.

:func:`read_document` is the single path every file takes, whether it came from the
command line, a zip package or a mail attachment:

1. the media type is sniffed from the bytes (:mod:`pressdocs._sniff`), never the name
   (a file whose content is not what its name says is read by its content, with a warning);
2. pictures and videos are checked for being whole; a package is opened to say whether
   it can be (:func:`read_package` also hands over its files);
3. the first registered :class:`pressdocs.Parser` that recognises the bytes reads them;
4. every :class:`pressdocs.Classifier` gives its opinion, the most confident wins;
5. the form is extracted into the model of its kind (:mod:`pressdocs.extract`).

Nothing here raises for a bad file: the problem comes back in :attr:`ReadResult.error`
(a :class:`pressdocs.errors.PressdocsError` naming the file), ready to become a finding.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from pressdocs import _sniff as sniff
from pressdocs._archives import Member, MemberStore, open_package, sniff_archive
from pressdocs._names import FORM_KINDS, kind_named
from pressdocs._plugins import Plugins
from pressdocs.capabilities import Classification, Classifier, Content, Parser
from pressdocs.config import Config
from pressdocs.errors import ParseError, PressdocsError, UnsupportedFormat
from pressdocs.models import (
    Document,
    DocumentKind,
    Message,
    Model,
    Plan,
    PressRelease,
    QAPair,
    Registration,
    StatisticsReport,
)
from pressdocs.ocr.confidence import ocr_confidences, read_by_ocr

__all__ = ["ReadResult", "parse_content", "read_document", "read_large", "read_package",
           "read_package_file", "stored_package"]

Extracted = Registration | StatisticsReport | Plan | PressRelease | list[QAPair] | None

_PACKAGES = {sniff.ZIP, sniff.SEVEN_ZIP, sniff.RAR, sniff.TNEF}
_PACKAGE_TYPES = {"zip": sniff.ZIP, "7z": sniff.SEVEN_ZIP, "rar": sniff.RAR, "tnef": sniff.TNEF}
_DOCUMENT_SUFFIXES = {"doc", "docx", "wps", "pdf", "xls", "xlsx", "et", "rtf", "odt", "txt"}
_NEEDS_LIBREOFFICE = {
    sniff.DOC: ".doc/.wps", sniff.XLS: ".xls/.et", sniff.RTF: ".rtf", sniff.ODT: ".odt",
    sniff.ODS: ".ods", sniff.WORDML_2003: "Word 2003 XML", sniff.MS_WORKS: ".wps",
    sniff.SPREADSHEETML_2003: "Excel 2003 XML",
}


@dataclass
class ReadResult:
    """Everything read from one file.

    ``data`` is the extracted model (a :class:`Registration`, :class:`StatisticsReport`,
    :class:`Plan`, :class:`PressRelease` or a list of :class:`QAPair`), ``None`` for
    pictures, videos, packages and unknown documents.  ``warnings`` say (as messages) what
    could not be read; ``error`` is set when the file could not be read at all.
    """

    document: Document
    content: Content | None = None
    classification: Classification | None = None
    data: Extracted = None
    warnings: list[Message] = field(default_factory=list)
    error: PressdocsError | None = None

    @property
    def kind(self) -> DocumentKind:
        return self.document.kind

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The ``pressdocs parse --json`` object: file, kind, confidence, data, warnings."""
        data: Any
        if isinstance(self.data, list):
            data = [q.to_dict() for q in self.data]
        elif isinstance(self.data, Model):
            data = self.data.to_dict()
        else:
            data = None
        warnings = [w.text(lang) for w in self.warnings]
        if self.error is not None:
            warnings.insert(0, self.error.render(lang))
        return {
            "file": self.document.name,
            "kind": self.document.kind.value,
            "confidence": self.document.confidence,
            "media_type": self.document.media_type,
            "reason": self.classification.reason.text(lang) if self.classification else "",
            "data": data,
            "warnings": warnings,
            "error": self.error.render(lang) if self.error else None,
        }


def read_document(data: bytes, name: str, *, plugins: Plugins, config: Config,
                  received: datetime | None = None, origin: str = "file",
                  container: str = "", open_package: bool = True,
                  deadline: float | None = None) -> ReadResult:
    """Read one file (its whole bytes, its name as sent) into a :class:`ReadResult`.

    ``received`` supplies the year for dates written without one.  A package is opened
    to see whether it can be (its ``error`` says why not, as a batch's PD902 would), unless
    ``open_package`` is false: the caller opens it, or already has.  The document is parsed
    under ``config.limits`` (a worker process; :mod:`pressdocs._budget`) and before
    ``deadline`` (a :func:`time.monotonic` time: the end of its message's budget).
    """
    result = _read_start(data, name, origin, container)
    document, media_type = result.document, result.document.media_type
    if media_type == sniff.EMPTY:
        result.error = _empty(name)
        return result
    scan = media_type.startswith("image/") and _is_scan(data, name, plugins)
    if media_type.startswith(("image/", "video/")) and not scan:
        _media(result, data)
        return result
    if media_type in _PACKAGES:
        document.kind, document.confidence = DocumentKind.PACKAGE, 1.0
        if open_package:
            _open_package(result, data)
        return result

    try:
        result.content = _parse(data, name, media_type, plugins, config, deadline)
    except PressdocsError as exc:
        result.error = exc
        if scan or exc.message.key.startswith("parse.scan_"):  # a scan of a form, not a picture
            document.kind = kind_named(name, FORM_KINDS) or DocumentKind.OTHER
            document.confidence = 0.5
        return result
    except Exception as exc:  # a parser's bug must not lose the file or stop a batch
        result.error = ParseError.of("read.crashed", error=f"{type(exc).__name__}: {exc}",
                                     file=name)
        return result
    # a third-party parser may still say what it could not read as plain text
    result.warnings.extend(map(_as_message, result.content.warnings))
    result.classification = _classify(result.content, name, plugins)
    if result.classification is not None:
        document.kind = result.classification.kind
        document.confidence = result.classification.confidence
    if scan and document.kind not in FORM_KINDS:
        named = kind_named(name, FORM_KINDS)
        if named is None:  # ruled like a form, but none of the forms: a picture after all
            result.content, result.classification = None, None
            _media(result, data)
            return result
        # named as a form, but none could be read in it: say so rather than list every
        # field of the form as missing
        document.kind, document.confidence = named, 0.5
        result.error = ParseError.of("parse.scan_unrecognised", what=named, file=name)
        return result
    year = received.astimezone(config.tz).year if received else None
    try:
        result.data, warnings = _extract(document.kind, result.content, name, config, year)
    except PressdocsError as exc:  # the form is not complete enough to read (a blank plan)
        result.warnings.append(exc.message)
    except Exception as exc:  # an extractor's bug: keep the content, say what failed
        result.warnings.append(Message.of("read.extract_crashed",
                                          error=f"{type(exc).__name__}: {exc}"))
    else:
        result.warnings.extend(warnings)
    if result.content.ocr_scores and result.data is not None:
        document.ocr = ocr_confidences(result.data, result.content.ocr_scores)
        result.warnings.append(read_by_ocr(document.kind, document.ocr))
    return result


def read_package(data: bytes, name: str, *, origin: str = "file", container: str = "",
                 store: MemberStore | None = None) -> tuple[ReadResult, list[Member]]:
    """A package (zip, 7z, rar; Outlook's winmail.dat) as a document of kind ``package``, and the files in it.

    The files come in order, a package found inside listed (``Member.package``) before
    its own files.  A package that cannot be opened — refused (an unsafe name, a password,
    too large), damaged, or needing a tool that is missing — comes back with ``error`` set
    and no files; the links left out are named in ``warnings``.  With a ``store``, large
    files go to it as they are taken out (:func:`pressdocs._archives.open_package`).
    """
    result = _read_start(data, name, origin, container)
    result.document.kind, result.document.confidence = DocumentKind.PACKAGE, 1.0
    return result, _open_package(result, data, store)


def read_package_file(path: Path, name: str, *, size: int, sha256: str, origin: str = "file",
                      store: MemberStore | None = None) -> tuple[ReadResult, list[Member]]:
    """:func:`read_package` for a package too large to hold in memory, read from ``path``
    (its blob ``sha256`` of ``size`` bytes)."""
    with path.open("rb") as f:
        head = f.read(64 * 1024)
    result = stored_package(head, name, size=size, sha256=sha256, origin=origin)
    return result, _open_package(result, path, store)


def stored_package(head: bytes, name: str, *, size: int, sha256: str, origin: str = "file",
                   container: str = "") -> ReadResult:
    """A package known by its first bytes, ``size`` and ``sha256`` (kept in the store), as
    a document of kind ``package``."""
    media_type = _PACKAGE_TYPES[sniff_archive(head, name) or "zip"]
    document = Document(name=name, media_type=media_type, size=size, sha256=sha256,
                        origin=origin, container=container, kind=DocumentKind.PACKAGE,
                        confidence=1.0)
    return ReadResult(document, warnings=_misnamed(name, media_type))


def _read_start(data: bytes, name: str, origin: str, container: str) -> ReadResult:
    """The document of ``data``: sniffed, hashed, and misnamed or not."""
    media_type = sniff.sniff_media_type(data, name)
    document = Document(name=name, media_type=media_type, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), origin=origin,
                        container=container)
    return ReadResult(document, warnings=_misnamed(name, media_type))


def _open_package(result: ReadResult, data: bytes | Path,
                  store: MemberStore | None = None) -> list[Member]:
    """Open the package ``result`` is about; say in ``result`` why it could not be, or
    which links were left out."""
    try:
        opened = open_package(data, result.document.name, store=store)
    except PressdocsError as exc:
        result.error = exc
        return []
    result.warnings.extend(Message.of("read.link_skipped", name=path, package=container)
                           for container, path in opened.links)
    return opened.members


def read_path(path: Path) -> bytes:
    """The bytes of a file named on the command line; a :class:`ParseError` in Chinese
    (the system's own wording only in the English message) when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ParseError.of("read.missing", file=str(path)) from None
    except IsADirectoryError:
        raise ParseError.of("read.is_folder", file=str(path)) from None
    except PermissionError:
        raise ParseError.of("read.permission", file=str(path)) from None
    except OSError as exc:
        raise ParseError.of("read.unreadable", reason=exc.strerror or str(exc),
                            file=str(path)) from None


def parse_content(data: bytes, name: str, plugins: Plugins,
                  config: Config | None = None) -> Content:
    """Parse a file into :class:`Content` with the first parser that recognises it
    (under ``config.limits``, default limits without one).

    Raises :class:`ParseError` / :class:`UnsupportedFormat` naming the file.
    """
    media_type = sniff.sniff_media_type(data, name)
    if media_type == sniff.EMPTY:
        raise _empty(name)
    return _parse(data, name, media_type, plugins, config or Config(), None)


def read_large(head: bytes, name: str, *, size: int, sha256: str, tail: bytes = b"",
               origin: str = "file", container: str = "") -> ReadResult | None:
    """A picture or video too large to hold whole, known by its first bytes (``head``),
    last bytes (``tail``), ``size`` and ``sha256``: recorded without reading the rest.

    Returns ``None`` for anything else: a document or package must be read whole.
    """
    media_type = sniff.sniff_media_type(head, name)
    if not media_type.startswith(("image/", "video/")):
        return None
    result = ReadResult(Document(name=name, media_type=media_type, size=size, sha256=sha256,
                                 origin=origin, container=container))
    _media(result, tail or head)
    return result


def _media(result: ReadResult, data: bytes) -> None:
    """A picture (checked for being whole from its last bytes) or a video."""
    document = result.document
    if document.media_type.startswith("video/"):
        document.kind, document.confidence = DocumentKind.VIDEO, 1.0
        return
    document.kind, document.confidence = DocumentKind.PICTURE, 1.0
    if _broken_image(data, document.media_type):
        kind = "JPEG" if document.media_type == sniff.JPEG else "PNG"
        result.error = ParseError.of("read.broken_picture", format=kind, file=document.name)


def _misnamed(name: str, media_type: str) -> list[Message]:
    """A file read by its content although its name says otherwise (a photo named
    登记表.docx) says so; :func:`pressdocs._sniff.misnamed` leaves the harmless pairs out."""
    ext = sniff.misnamed(name, media_type)
    if ext is None:
        return []
    return [Message.of("read.misnamed", name=name, ext=ext,
                       actual=sniff.describe_media_type(media_type))]


def _empty(name: str) -> ParseError:
    return ParseError.of("parse.empty", file=name)


def _parse(data: bytes, name: str, media_type: str, plugins: Plugins, config: Config,
           deadline: float | None) -> Content:
    parsers = sorted(plugins.registry.of(Parser), key=lambda p: -p.priority)
    for parser in parsers:
        if parser.sniff(data, name):
            content = _parse_within(parser, data, name, config, deadline)
            if content.scanned_pages:
                _read_scanned(content, data, name, plugins, config, deadline)
            return content
    what = sniff.describe_media_type(media_type)
    if media_type in _NEEDS_LIBREOFFICE:  # the LibreOffice parser was left out: not installed
        from pressdocs._libreoffice import install_hint

        raise UnsupportedFormat.of("libreoffice.not_installed",
                                   suffix=_NEEDS_LIBREOFFICE[media_type], hint=install_hint(),
                                   file=name)
    if media_type == sniff.ENCRYPTED_OOXML:
        raise ParseError.of("parse.password", file=name)
    raise UnsupportedFormat.of("read.unsupported", what=what, media_type=media_type, file=name)


def _parse_within(parser: Parser, data: bytes, name: str, config: Config,
                  deadline: float | None) -> Content:
    """``parser.parse`` under the document's budget (a scan read by OCR: with
    ``ocr_memory_mb`` of memory)."""
    from pressdocs._budget import parse_within

    limits = config.limits
    if getattr(parser, "ocr", False):
        limits = replace(limits, document_memory_mb=limits.ocr_memory_mb)
    return parse_within(parser, data, name, limits, deadline)


def _read_scanned(content: Content, data: bytes, name: str, plugins: Plugins, config: Config,
                  deadline: float | None) -> None:
    """Add what OCR reads of a PDF's scanned pages to ``content``; without OCR, a PDF that
    is nothing but a scan is named as one, and scanned pages among text are warned of."""
    from pressdocs.ocr.engine import available

    if not available() or not any(p.name == "scan" for p in plugins.registry.of(Parser)):
        from pressdocs.ocr.scan import needs_ocr

        if not (content.paragraphs or content.tables or any(content.fields.values())):
            raise needs_ocr(name)
        content.warnings.append(Message.of(
            "parse.scan_pages_unread", pages="、".join(map(str, content.scanned_pages))))
        return
    from pressdocs.builtin.parse_scan import ScannedPages

    scanned = _parse_within(ScannedPages(content.scanned_pages), data, name, config, deadline)
    content.paragraphs.extend(scanned.paragraphs)
    content.tables.extend(scanned.tables)
    content.ocr_scores.update(scanned.ocr_scores)
    content.warnings.extend(scanned.warnings)
    if not (content.paragraphs or content.tables or any(content.fields.values())):
        raise ParseError.of("parse.scan_no_text", file=name)


def _is_scan(data: bytes, name: str, plugins: Plugins) -> bool:
    """Whether a picture is a document to read (a scanned or photographed form): a parser
    of pictures claims it (the built-in scan parser: by its name, or a ruled page)."""
    media_type = sniff.sniff_media_type(data, name)
    for parser in plugins.registry.of(Parser):
        try:
            if media_type in parser.media_types and parser.sniff(data, name):
                return True
        except Exception:  # a plugin's broken sniff: the picture stays a picture
            continue
    return False


def _classify(content: Content, name: str, plugins: Plugins) -> Classification | None:
    best: Classification | None = None
    for classifier in plugins.registry.of(Classifier):
        try:
            opinion = classifier.classify(content, name)
        except Exception:  # one classifier's bug does not hide the others' opinions
            continue
        if opinion is not None and (best is None or opinion.confidence > best.confidence):
            best = opinion
    return best


def _extract(kind: DocumentKind, content: Content, name: str, config: Config,
             year: int | None) -> tuple[Extracted, list[Message]]:
    if kind is DocumentKind.REGISTRATION:
        from pressdocs.extract.registration import extract_registration

        return extract_registration(content, tz=config.tz, default_year=year)
    if kind is DocumentKind.STATISTICS:
        from pressdocs.extract.statistics import extract_statistics

        return extract_statistics(content, year=year, source=name)
    if kind is DocumentKind.PLAN:
        from pressdocs.extract.plan import extract_plan

        return extract_plan(content, year=year, source=name)
    if kind is DocumentKind.PRESS_RELEASE:
        from pressdocs.extract.release import extract_press_release

        return extract_press_release(content, name)
    if kind is DocumentKind.QA:
        from pressdocs.extract.qa import extract_qa

        return extract_qa(content)
    return None, []


def _broken_image(data: bytes, media_type: str) -> bool:
    """Whether a picture was cut off (a cut-off download is common)."""
    tail = data.rstrip(b"\x00")
    if media_type == sniff.JPEG:
        return not tail.endswith(b"\xff\xd9")
    return media_type == sniff.PNG and b"IEND" not in data[-32:]


def _as_message(warning: Message | str) -> Message:
    return warning if isinstance(warning, Message) else Message.literal(warning)
