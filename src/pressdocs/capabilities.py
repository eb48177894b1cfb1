"""The small base classes that plugins subclass to add what pressdocs can do.

A plugin registers instances of these through the ``register_*`` hooks
(:mod:`pressdocs.hookspecs`).  Each class has a ``name`` (unique within its kind: the
registry refuses a second capability of the same kind and name) and one main method
with a written contract.

- :class:`Parser` — reads one kind of file into :class:`Content`.
- :class:`Classifier` — says what a document is (登记表, 统计表, …).
- :class:`Validator` — checks a submission against one rule of the notice.
- :class:`Channel` — delivers a :class:`pressdocs.Notice` (email, SMS, group bot).
- :class:`Exporter` — writes a report (Excel, HTML, …).
- :class:`MailSource` — yields raw messages from a mailbox (IMAP, Maildir, mbox, .eml).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar

from pressdocs.models import DocumentKind, Finding, Message, Notice, Severity

if TYPE_CHECKING:
    from pressdocs.config import Config
    from pressdocs.models import Submission
    from pressdocs.store import Store

__all__ = [
    "CAPABILITY_KINDS",
    "BlobBucket",
    "Capability",
    "Channel",
    "Classification",
    "Classifier",
    "Content",
    "Context",
    "Delivery",
    "Exporter",
    "MailSource",
    "Parser",
    "RawMessage",
    "Validator",
]


class Capability:
    """Base of every capability: a ``name`` unique within its kind, and a description."""

    kind: ClassVar[str] = ""
    name: str = ""
    description: str = ""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


# --- parsing and classification ---------------------------------------------------------


@dataclass
class Content:
    """What a parser read out of one file, in reading order.

    ``tables`` are lists of rows of cell texts; a merged cell appears once (its other
    grid positions hold ``None``).  ``fields`` holds form fields (PDF AcroForm values,
    Word content controls) by their name.  ``warnings`` say what could not be read, as
    messages in both languages (the built-in parsers' keys are in ``[parse]``).
    """

    media_type: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[list[list[str | None]]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    warnings: list[Message] = field(default_factory=list)
    ocr_scores: dict[str, float] = field(default_factory=dict)
    """For a scan read by OCR: the engine's confidence (0..1) in each paragraph line and
    table cell, by its text; empty for a document with text."""
    scanned_pages: list[int] = field(default_factory=list)
    """Pages (from 1) that are pictures without text — scans, for OCR to read; the reading
    adds what it reads of them to this content (:mod:`pressdocs.builtin.parse_scan`)."""

    @property
    def text(self) -> str:
        """All paragraphs and table cells as one text, in reading order."""
        parts = list(self.paragraphs)
        for table in self.tables:
            for row in table:
                parts.append("\t".join(c for c in row if c))
        return "\n".join(parts)


class Parser(Capability):
    """Reads one kind of file.

    ``sniff`` looks at the bytes (never the name alone) and says whether this parser
    can read them; ``parse`` reads them into :class:`Content` or raises
    :class:`pressdocs.errors.ParseError` naming the problem.  ``priority`` orders
    parsers that sniff the same bytes (higher first).
    """

    kind: ClassVar[str] = "parser"
    media_types: tuple[str, ...] = ()
    priority: int = 0

    def sniff(self, data: bytes, name: str) -> bool:
        """Whether ``data`` (the whole file) is something this parser reads."""
        raise NotImplementedError

    def parse(self, data: bytes, name: str) -> Content:
        """Read ``data``; raise ``ParseError(..., file=name)`` if it cannot be read."""
        raise NotImplementedError


@dataclass
class Classification:
    """What a document is, how sure we are (0..1), and why, in both languages
    (``Message.literal("含有…", "has …")`` from a plugin without catalogue entries)."""

    kind: DocumentKind
    confidence: float
    reason: Message = field(default_factory=Message)


class Classifier(Capability):
    """Says what a document is from its content; the name is only a hint.

    Return ``None`` when this classifier has no opinion; the most confident answer of
    all classifiers wins.
    """

    kind: ClassVar[str] = "classifier"

    def classify(self, content: Content, name: str) -> Classification | None:
        raise NotImplementedError


# --- validation --------------------------------------------------------------------------


@dataclass
class Context:
    """What a capability is given besides its subject: the configuration, the office's
    ledger when one is open (plan, earlier submissions), the output language, and the
    settings of the plugin that registered it (``[plugins.NAME]`` in ``pressdocs.toml``,
    through :meth:`plugin_config`)."""

    config: Config
    store: Store | None = None
    lang: str = "zh"
    plugin: str = ""  # the plugin whose capability is called

    def plugin_config(self, name: str | None = None) -> dict[str, Any]:
        """The ``[plugins.NAME]`` table of plugin ``name`` (default: the capability's own
        plugin); empty when the configuration has none."""
        table = self.config.plugins.get(name or self.plugin, {})
        return dict(table) if isinstance(table, dict) else {}


class Validator(Capability):
    """Checks one rule of the notice.

    ``code`` is stable (PD101 …), ``severity`` the default (config may change it),
    ``clause`` quotes the notice.  ``check`` returns the findings (none when the rule
    holds); it judges against the submission's own received time, never the clock.
    """

    kind: ClassVar[str] = "validator"
    code: str = ""
    severity: Severity = Severity.ERROR
    #: An error of this rule means nothing in the submission is usable (spam, PD501):
    #: the submission is ``rejected``, not ``incomplete``.
    rejects: bool = False
    clause: str = ""
    title: Message = Message()  # in both languages; a plugin's: Message.literal("中文", "English")

    def check(self, submission: Submission, context: Context) -> Iterable[Finding]:
        raise NotImplementedError


# --- notification and export --------------------------------------------------------------


@dataclass
class Delivery:
    """The outcome of sending one notice: ``sent``, ``failed`` (tried again later),
    ``abandoned`` (never tried again) or, from :meth:`pressdocs.Pressdocs.send`,
    ``skipped`` (sent before under the same key); ``detail`` is the channel's reference
    or the server's answer."""

    status: str
    detail: str = ""


class Channel(Capability):
    """Delivers notices by one means (email, SMS, group bot); ``name`` is the channel a
    :class:`pressdocs.Notice` names.

    ``send`` gets the notice (its rendered payload in ``notice.context``: ``subject``,
    ``text``, ``html``, ``sms``) and the context (settings through ``context.config.notify``
    or ``context.plugin_config()``) and answers with a :class:`Delivery`: ``sent``,
    ``failed`` (tried again later; raising :class:`pressdocs.errors.ChannelError` means
    the same) or ``abandoned`` (never tried again; the detail keeps the server's answer).
    The caller records the delivery state under the notice's key, so a notice is sent
    once.  ``per_minute`` paces the channel (at most that many notices a minute) unless
    ``[notify.<name>] per_minute`` says otherwise; ``None``: no pause.
    """

    kind: ClassVar[str] = "channel"
    #: What its recipients are: ``"email"`` (the unit's addresses, else the sender's),
    #: ``"mobile"`` (the unit's and the form's mobiles, E.164), or ``"group"`` (the
    #: groups ``[notify.<name>] recipients`` names; without any, the notice has no
    #: recipient and the channel routes it by its own settings, as a robot plugin does).
    reaches: str = "group"
    per_minute: float | None = None

    def send(self, notice: Notice, context: Context) -> Delivery:
        raise NotImplementedError


class Exporter(Capability):
    """Writes a report to a file.

    ``subjects`` are the classes of the reports it takes
    (:class:`pressdocs.PlanStatusReport`, :class:`pressdocs.AnnualReport`, …);
    ``formats`` the file suffixes it writes ("xlsx", "html").  ``export`` writes
    ``subject`` (an instance of one of ``subjects``) to ``path`` and returns the path
    written; its settings come through ``context.plugin_config()``.
    """

    kind: ClassVar[str] = "exporter"
    formats: tuple[str, ...] = ()
    subjects: tuple[type, ...] = ()

    def export(self, subject: Any, path: Path, context: Context) -> Path:
        raise NotImplementedError


# --- mail sources ---------------------------------------------------------------------------


@dataclass
class RawMessage:
    """One message as a mail source hands it over: its raw bytes and where they came from.

    The bytes are either in ``data`` or, for a message on disk (a Maildir or .eml file,
    or a large IMAP message spooled to a temporary file), in the file ``path``; then
    ``data`` is empty and the message is read through :meth:`open`, so that a message
    carrying a 200 MB video is never held whole.  A source that spools to a temporary
    file removes it once the intake asks for the next message.

    ``key`` is unique within the source (``"UIDVALIDITY=…;UID=…"`` for IMAP, the unique
    name for Maildir).  ``received`` is the server's arrival time (IMAP INTERNALDATE) when
    the source knows one; ``file_time`` the file's modification time for sources on disk.
    The intake takes the received time from ``received``, else the Date header, else
    ``file_time``.  ``known`` marks a message the source did not download because the
    ledger already holds it (see :meth:`MailSource.messages`); its bytes are empty.
    """

    source: str
    key: str
    data: bytes = b""
    received: datetime | None = None
    folder: str = ""
    file_time: datetime | None = None
    path: Path | None = None
    known: bool = False

    @property
    def source_key(self) -> str:
        """The ledger's key for this message: source and key, e.g.
        ``"imaps://…/INBOX;UIDVALIDITY=5;UID=7"`` ("" for a message with no source)."""
        return source_key(self.source, self.key) if self.source else ""

    @property
    def size(self) -> int:
        """The size of the raw message in bytes."""
        return self.path.stat().st_size if self.path is not None else len(self.data)

    def open(self) -> BinaryIO:
        """The raw message as a binary file, from its start (close it after use)."""
        if self.path is not None:
            return self.path.open("rb")
        return io.BytesIO(self.data)

    def read(self) -> bytes:
        """The whole raw message; for a large one prefer :meth:`open`."""
        return self.path.read_bytes() if self.path is not None else self.data


def source_key(source: str, key: str) -> str:
    """The ledger's key of message ``key`` in ``source`` (see :attr:`RawMessage.source_key`)."""
    return f"{source};{key}"


class MailSource(Capability):
    """Yields messages from one kind of mailbox.

    ``handles(location)`` says whether a location (``imaps://…``, a path) is for this
    source; ``messages`` yields every message not yet acknowledged; ``acknowledge`` is
    called once a message is safely stored (mark seen, move); it must never delete.
    Both get the context: the configuration (``context.config.mail``) and the source's
    own settings (``context.plugin_config()``).
    """

    kind: ClassVar[str] = "mail_source"
    schemes: tuple[str, ...] = ()

    def handles(self, location: str) -> bool:
        raise NotImplementedError

    def messages(self, location: str, context: Context, since: date | None = None,
                 known: Callable[[str, str], bool] | None = None) -> Iterator[RawMessage]:
        """Every message of ``location`` (from ``since`` on, when the source can filter;
        the intake filters again by received time).

        ``known(source, key)`` tells whether the ledger already processed a message; a
        source for which downloading is costly (IMAP) may then yield it as
        ``RawMessage(source, key, known=True)`` without its bytes.
        """
        raise NotImplementedError

    def acknowledge(self, message: RawMessage, context: Context) -> None:
        """Optional: mark the message seen or move it. The default does nothing."""


class BlobBucket(Capability):
    """Keeps a store's original files where several machines share them — an
    S3-compatible bucket, a WebDAV share — besides each machine's ``blobs`` folder.

    ``handles(location)`` says whether a location (``[store] bucket``, e.g.
    ``s3://press/originals``) is for this bucket; ``put`` keeps the file at ``path`` as
    blob ``sha256`` (called before the row naming it commits; keeping it twice must do no
    harm); ``get`` writes blob ``sha256`` into the file ``target`` and says whether the
    bucket had it (pressdocs checks the bytes against the sha256); ``has`` says whether
    the bucket has it.  A failure raised by any of them leaves the message for the next
    run.  Credentials come from the plugin's own settings (``context.plugin_config()``)
    or the environment, never from the location.
    """

    kind: ClassVar[str] = "blob_bucket"

    def handles(self, location: str) -> bool:
        raise NotImplementedError

    def put(self, location: str, sha256: str, path: Path, context: Context) -> None:
        raise NotImplementedError

    def get(self, location: str, sha256: str, target: Path, context: Context) -> bool:
        raise NotImplementedError

    def has(self, location: str, sha256: str, context: Context) -> bool:
        raise NotImplementedError


#: The kinds of capability, by the ``register_*`` hook that registers them.
CAPABILITY_KINDS: dict[str, type[Capability]] = {
    "parser": Parser,
    "classifier": Classifier,
    "validator": Validator,
    "channel": Channel,
    "exporter": Exporter,
    "mail_source": MailSource,
    "blob_bucket": BlobBucket,
}
