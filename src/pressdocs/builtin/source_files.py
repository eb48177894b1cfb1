"""Built-in mail sources on disk: Maildir, mbox, a folder of .eml files, one .eml file.

Each yields every message with a key unique within its source, so the ledger knows a
message it has seen: the Maildir unique name, the mbox message's position and bytes, the
.eml file's path relative to the folder.  ``file_time`` is the file's modification time
(Maildir delivery time); the intake prefers the Date header over it.  Nothing is ever
changed on disk.  An mbox is split where mutt splits it and unescaped as mboxrd says
(:func:`mbox_messages`).

Maildir and .eml messages are handed over by their path, not their bytes, so the intake
can stream a large one instead of reading it whole.  An mbox message is read into memory
(one at a time); a large message belongs in a Maildir.
"""

from __future__ import annotations

import hashlib
import mailbox
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from pressdocs.capabilities import Context, MailSource, RawMessage
from pressdocs.errors import SourceError
from pressdocs.hookspecs import hookimpl

__all__ = ["EmlSource", "MaildirSource", "MboxSource", "looks_like_message", "mbox_messages"]


def _path(location: str) -> Path:
    for prefix in ("maildir:", "mbox:", "file://"):
        if location.startswith(prefix):
            location = location[len(prefix):]
    return Path(location).expanduser()


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


class MaildirSource(MailSource):
    """A Maildir folder (``cur/``, ``new/``, ``tmp/``): ``maildir:/path`` or just the path."""

    name = "maildir"
    schemes = ("maildir",)
    description = "Maildir 邮件目录"

    def handles(self, location: str) -> bool:
        path = _path(location)
        return location.startswith("maildir:") or (path.is_dir() and (path / "cur").is_dir()
                                                    and (path / "new").is_dir())

    def messages(self, location: str, context: Context, since: date | None = None,
                 known: Callable[[str, str], bool] | None = None) -> Iterator[RawMessage]:
        path = _path(location)
        if not path.is_dir():
            raise SourceError.of("source.no_maildir", path=str(path))
        files = _maildir_files(path)
        for key in sorted(files):
            file = files[key]
            yield RawMessage(source=f"maildir:{path.resolve()}", key=key, path=file.resolve(),
                             file_time=_mtime(file))


def _maildir_files(path: Path) -> dict[str, Path]:
    """The message files of a Maildir by unique name (the file name before its ``:2,`` flags),
    as the mailbox module lists them."""
    files: dict[str, Path] = {}
    for sub in ("new", "cur"):
        folder = path / sub
        if not folder.is_dir():
            continue
        for file in folder.iterdir():
            if not file.name.startswith(".") and file.is_file():
                files[file.name.split(mailbox.Maildir.colon)[0]] = file
    return files


class MboxSource(MailSource):
    """An mbox file (as Thunderbird or ``mail`` keep them): ``mbox:/path`` or a path whose
    first line starts with ``From ``."""

    name = "mbox"
    schemes = ("mbox",)
    description = "mbox 邮箱文件"

    def handles(self, location: str) -> bool:
        if location.startswith("mbox:"):
            return True
        path = _path(location)
        if not path.is_file():
            return False
        with path.open("rb") as f:
            return f.read(5) == b"From "

    def messages(self, location: str, context: Context, since: date | None = None,
                 known: Callable[[str, str], bool] | None = None) -> Iterator[RawMessage]:
        path = _path(location)
        if not path.is_file():
            raise SourceError.of("source.no_mbox", path=str(path))
        for index, data in enumerate(mbox_messages(path)):
            digest = hashlib.sha256(data).hexdigest()[:16]
            yield RawMessage(source=f"mbox:{path.resolve()}", key=f"{index}:{digest}",
                             data=data)


#: A ``From_`` line that starts a message, as mutt's ``is_from`` knows one: ``From``, the
#: envelope sender (``-`` for Thunderbird, ``MAILER-DAEMON`` for Python's mailbox module),
#: and the time the message was delivered — asctime (``Mon Apr 12 10:00:00 2021``, maybe
#: with a zone before the year) or RFC 5322 (``Mon, 12 Apr 2021 10:00:00 +0800``).
_FROM_LINE = re.compile(
    rb"From \S+\s+"
    rb"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s+)?"
    rb"(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{1,2}"
    rb"\s+\d{1,2}:\d{2}(?::\d{2})?\s+(?:[A-Za-z]{1,5}\s+|[+-]\d{4}\s+)?\d{4}"
    rb"|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{4}"
    rb"\s+\d{1,2}:\d{2}(?::\d{2})?)"
    rb"(?:\s.*)?\r?\n?$", re.ASCII)
#: A body line the writer escaped (mboxrd: one ``>`` more before ``From ``).
_ESCAPED_FROM = re.compile(rb">+From ")


def mbox_messages(path: Path) -> Iterator[bytes]:
    """The messages of an mbox file, read the way mutt reads one, unescaped as mboxrd says.

    A message starts at a ``From_`` line: the file's first line, or a line that is
    ``From``, a sender and a delivery time (:data:`_FROM_LINE`).  A body line merely
    beginning with ``From `` ("From the office's point of view…") that a writer left
    unescaped does not split its message.  A body line the writer escaped, ``>From `` (or
    ``>>From `` for one that already had a ``>``), loses one ``>``: mboxrd, which reads
    the mboxo files of Python's mailbox module, Thunderbird and mutt the same way for every
    line they escaped.  The blank line that ends each message in the file is not part of it.
    Messages are read one at a time, never the whole file.
    """
    lines: list[bytes] = []
    started = False
    with path.open("rb") as f:
        for line in f:
            if line.startswith(b"From ") and (not started or _FROM_LINE.match(line)):
                if started:
                    yield _mbox_message(lines)
                lines, started = [], True
                continue
            if _ESCAPED_FROM.match(line):
                line = line[1:]
            lines.append(line)
    if started:
        yield _mbox_message(lines)


def _mbox_message(lines: list[bytes]) -> bytes:
    """A message's lines without the blank line the mbox put after it."""
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]
    return b"".join(lines)


class EmlSource(MailSource):
    """One ``.eml`` file, or a folder holding ``.eml`` files (searched recursively)."""

    name = "eml"
    schemes = ("eml",)
    description = ".eml 邮件文件或目录"

    def handles(self, location: str) -> bool:
        path = _path(location)
        return path.is_dir() or (path.is_file() and looks_like_message(path))

    def messages(self, location: str, context: Context, since: date | None = None,
                 known: Callable[[str, str], bool] | None = None) -> Iterator[RawMessage]:
        path = _path(location)
        if path.is_file():
            yield RawMessage(source=f"eml:{path.resolve()}", key=path.name, path=path.resolve(),
                             file_time=_mtime(path))
            return
        if not path.is_dir():
            raise SourceError.of("source.no_eml", path=str(path))
        root = path.resolve()
        for file in sorted(root.rglob("*")):
            if file.is_file() and file.suffix.lower() in (".eml", ".msg.eml", ".mht"):
                yield RawMessage(source=f"eml:{root}", key=str(file.relative_to(root)),
                                 path=file, file_time=_mtime(file))


_HEADER = re.compile(rb"^(Received|Return-Path|From|To|Subject|Date|Message-ID|MIME-Version|"
                     rb"X-[\w-]+|Delivered-To|Content-Type):", re.IGNORECASE | re.MULTILINE)
_FOLDED = re.compile(rb"[ \t]|[\x21-\x39\x3b-\x7e]+:")  # a continuation line or a header


def looks_like_message(path: Path) -> bool:
    """Whether a file starts like a saved e-mail (header lines), not like a document: a
    .docx given to ``batch`` by mistake must not enter the ledger as a message."""
    with path.open("rb") as f:
        head = f.read(4096)
    if b"\x00" in head:
        return False
    block = head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    if len(_HEADER.findall(block)) >= 2:
        return True
    # one header folded past the first 4 KB (a From or Subject of megabytes): every line
    # read so far belongs to the header block
    lines = block.splitlines()
    return (len(block) == len(head) and len(lines) > 1 and _HEADER.match(lines[0]) is not None
            and all(_FOLDED.match(line) for line in lines[1:]))


@hookimpl
def register_mail_sources(register: Callable[[MailSource], None]) -> None:
    register(MaildirSource())
    register(MboxSource())
    register(EmlSource())
