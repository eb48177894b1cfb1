"""Exceptions raised by pressdocs.

A broken *rule of the notice* (a late form, a press release over 1200 字) is never an
exception: it is a :class:`pressdocs.Finding`, which is data.  Exceptions are for
things that stop pressdocs from doing its work: a file it cannot read, a mailbox it
cannot reach, a plugin that clashes with another.

The tree::

    PressdocsError                    anything pressdocs raises on purpose
    ├── ConfigError                   bad or missing configuration (pressdocs.toml)
    ├── PluginError                   a plugin failed to load, or clashes with another
    ├── ParseError                    a document could not be read (damaged, encrypted, empty)
    │   └── UnsupportedFormat         a kind of file pressdocs cannot read here
    ├── ArchiveRejected               a package (zip/7z/rar) refused: too large, unsafe, password
    ├── SourceError                   a mail source (IMAP, Maildir, mbox) failed
    │   └── ConnectionLost            the mail server's connection dropped or timed out midway
    ├── ChannelError                  a notification could not be sent
    ├── ExportError                   a report could not be written
    ├── StoreError                    the store (ledger) could not be opened or written
    │   ├── StoreLocked               another batch holds the store's lock
    │   └── ClaimLost                 another batch processed a message meanwhile
    └── SchemaError                   a dict does not match its JSON Schema (names the field)

Every exception carries a :class:`pressdocs.Message` (``exc.message``): Chinese
(``str(exc)``, what users see by default) and English, and, where it concerns one file, that file's
name (``exc.file``).  Messages say what went wrong *and what to do*.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from pressdocs.models import Message

__all__ = [
    "ArchiveRejected",
    "ChannelError",
    "ClaimLost",
    "ConfigError",
    "ConnectionLost",
    "ExportError",
    "ParseError",
    "PluginError",
    "PressdocsError",
    "SchemaError",
    "SourceError",
    "StoreError",
    "StoreLocked",
    "UnsupportedFormat",
]


class PressdocsError(Exception):
    """Base of every exception pressdocs raises on purpose.

    ``message`` is a :class:`pressdocs.Message`: the text in Chinese (``str(exc)``, shown
    by default) and English, with the catalogue key and parameters it came from.  Raise
    one from the catalogue with :meth:`of`.  ``file`` names the file concerned, when
    there is one; it is prefixed to the text in both languages.
    """

    def __init__(self, message: Message | str, message_en: str | None = None, *,
                 file: str | None = None):
        from pressdocs.models import Message

        self.file = file
        self.message = message if isinstance(message, Message) else \
            Message.literal(message, message_en or message)
        super().__init__(self.render("zh"))

    @classmethod
    def of(cls, key: str, /, *, file: str | None = None, **params: Any) -> Self:
        """The exception with the catalogues' message ``key`` (see :meth:`Message.of`)."""
        from pressdocs.models import Message

        return cls(Message.of(key, **params), file=file)

    def render(self, lang: str = "zh") -> str:
        """The message in ``lang`` ("zh" or "en"), prefixed with the file name if any."""
        from pressdocs._redact import scrub

        text = scrub(self.message.text(lang))
        if self.file:
            sep = ": " if lang == "en" else "："
            return f"{self.file}{sep}{text}"
        return text

    def as_message(self) -> Message:
        """The message with the file name put in front, as a document's problem shows it."""
        from pressdocs.models import Message

        if not self.file:
            return self.message
        return Message(key=self.message.key, zh=self.render("zh"), en=self.render("en"),
                       params={**self.message.params, "file": self.file})


class ConfigError(PressdocsError):
    """The configuration is invalid or names a secret that is not set."""


class PluginError(PressdocsError):
    """A plugin could not be loaded, misspelt a hook, or registered a duplicate name."""


class ParseError(PressdocsError):
    """A document could not be read: damaged, truncated, encrypted, empty or too large."""


class UnsupportedFormat(ParseError):
    """pressdocs cannot read this kind of file here (for example .doc without LibreOffice)."""


class ArchiveRejected(PressdocsError):
    """A package (zip, 7z, rar) was refused: too large, too deep, unsafe names, or a password."""


class SourceError(PressdocsError):
    """A mail source could not be read: login refused, folder missing, mailbox damaged."""


class ConnectionLost(SourceError):
    """The connection to the mail server dropped or timed out in the middle of a run.

    Nothing is lost: what was taken in before is committed, the message being fetched is
    taken in by the next run (the command line exits 3: run it again)."""


class ChannelError(PressdocsError):
    """A notification could not be delivered through its channel."""


class ExportError(PressdocsError):
    """A report or export could not be written."""


class StoreError(PressdocsError):
    """The store (the office's ledger) could not be opened, migrated or written."""


class StoreLocked(StoreError):
    """Another pressdocs batch is running on the same store."""


class ClaimLost(StoreError):
    """Another batch on the same store processed the message first (this batch's claim on
    it ran out): nothing of this batch's result was kept."""


class SchemaError(PressdocsError):
    """A plain dict does not match its JSON Schema.

    ``path`` is the field path, for example ``"person_in_charge.phone"``.
    """

    def __init__(self, message: Message | str, message_en: str | None = None, *,
                 path: str = "", file: str | None = None):
        self.path = path
        super().__init__(message, message_en, file=file)
