"""Built-in mail sources on disk: Maildir, mbox, a folder of .eml files, one .eml file.

Each yields every message with a key unique within its source, so the ledger knows a
message it has seen: the Maildir unique name, the mbox message's position and bytes, the
.eml file's path relative to the folder.  ``file_time`` is the file's modification time
(Maildir delivery time); the intake prefers the Date header over it.  Nothing is ever
changed on disk.  An mbox is split where mutt splits it and unescaped as mboxrd says
(:func:`mbox_messages`).

Maildir and .eml messages are handed over by their path, not their bytes, so the intake
can stream a large one instead of reading it whole.  An mbox message is read one at a
time: a small one into memory, one larger than :data:`SPOOL_THRESHOLD` line by line into
a temporary file (in ``$TMPDIR``), handed over by its path and removed once the intake
moves on — a message carrying a 1 GB package costs no more memory from an mbox than from
a Maildir.
"""

from __future__ import annotations

import contextlib
import hashlib
import mailbox
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePath
from typing import BinaryIO

from pressdocs.capabilities import Context, MailSource, RawMessage
from pressdocs.errors import SourceError
from pressdocs.hookspecs import hookimpl

__all__ = ["SPOOL_THRESHOLD", "EmlSource", "MaildirSource", "MboxSource", "looks_like_message",
           "mbox_messages"]

#: An mbox message larger than this (bytes) is written to a temporary file as it is read,
#: never held whole (the intake streams it as it streams a Maildir message).
SPOOL_THRESHOLD = 8 * 1024 * 1024


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
            file = path / files[key]
            yield RawMessage(source=f"maildir:{path.resolve()}", key=key, path=file.resolve(),
                             file_time=_mtime(file))


def _maildir_files(path: Path) -> dict[str, str]:
    """The message files of a Maildir (``new/…`` or ``cur/…``) by unique name (the file name
    before its ``:2,`` flags), as the mailbox module lists them.  Names, not ``Path``
    objects: a mailbox of thousands is listed for the whole batch."""
    files: dict[str, str] = {}
    for sub in ("new", "cur"):
        folder = path / sub
        if not folder.is_dir():
            continue
        for file in folder.iterdir():
            if not file.name.startswith(".") and file.is_file():
                files[file.name.split(mailbox.Maildir.colon)[0]] = f"{sub}/{file.name}"
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
        for index, entry in enumerate(_mbox_entries(path, SPOOL_THRESHOLD)):
            yield RawMessage(source=f"mbox:{path.resolve()}", key=f"{index}:{entry.sha256[:16]}",
                             data=entry.data, path=entry.path)


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
    for entry in _mbox_entries(path, None):
        yield entry.data


@dataclass
class _MboxEntry:
    """One message of an mbox: its bytes, or (a large one) the temporary file holding them."""

    data: bytes
    path: Path | None
    sha256: str


_BLOCK = 1024 * 1024


def _mbox_entries(path: Path, spool: int | None) -> Iterator[_MboxEntry]:
    """The messages of ``path`` as :func:`mbox_messages` reads them; one larger than
    ``spool`` bytes is written to a temporary file as it is read, which is removed when
    the next message is asked for (or the reading ends).

    The file is read in blocks of whole lines; only the lines that start with ``From ``
    or ``>`` (found with ``bytes.find``) are looked at one by one.  A line longer than a
    block that cannot be one of those is passed on in pieces, never held whole."""
    message: _MboxMessage | None = None
    buf = bytearray()
    line_start = True  # whether buf begins a line
    with path.open("rb") as f:
        while True:
            block = f.read(_BLOCK)
            buf += block
            end = buf.rfind(b"\n") + 1 if block else len(buf)
            if block and end == 0:  # no whole line yet
                if line_start and (len(buf) < 5 or buf.startswith((b"From ", b">"))):
                    continue  # the line decides something: wait for its end
                if message is not None:
                    message.write(bytes(buf))
                buf.clear()
                line_start = False
                continue
            region = bytes(buf[:end])
            del buf[:end]
            pos = 0
            for at in _line_starts(region, line_start):
                line_end = region.find(b"\n", at)
                line = region[at:] if line_end < 0 else region[at:line_end + 1]
                if line.startswith(b"From "):
                    if message is not None and not _FROM_LINE.match(line):
                        continue  # a body line beginning with "From ": not a new message
                    if message is not None:
                        message.write(region[pos:at])
                        yield from message.finish()
                    message = _MboxMessage(spool)
                    pos = at + len(line)
                elif message is not None and _ESCAPED_FROM.match(line):
                    message.write(region[pos:at])  # mboxrd: one ">" less
                    pos = at + 1
            if message is not None:
                message.write(region[pos:])
            line_start = True
            if not block:
                break
    if message is not None:
        yield from message.finish()


def _line_starts(region: bytes, line_start: bool) -> list[int]:
    """Where the lines of ``region`` that start with ``From `` or ``>`` begin, in order
    (its first byte only if it begins a line)."""
    found = [0] if line_start and region.startswith((b"From ", b">")) else []
    for needle in (b"\nFrom ", b"\n>"):
        at = region.find(needle)
        while at >= 0:
            found.append(at + 1)
            at = region.find(needle, at + 1)
    return sorted(found)


class _MboxMessage:
    """A message being read from an mbox.  Its last three bytes are held back: the blank
    line that ends a message in the file is not part of it."""

    def __init__(self, spool: int | None) -> None:
        self._spool = spool
        self._chunks: list[bytes] = []
        self._size = 0
        self._held = b""
        self._digest = hashlib.sha256()
        self._file: BinaryIO | None = None
        self._path: Path | None = None

    def write(self, data: bytes) -> None:
        if not data:
            return
        data = self._held + data
        self._held = data[-3:]
        self._release(data[:-3])

    def _release(self, data: bytes) -> None:
        if not data:
            return
        self._digest.update(data)
        self._size += len(data)
        if self._file is not None:
            self._file.write(data)
            return
        self._chunks.append(data)
        if self._spool is not None and self._size > self._spool:
            fd, name = tempfile.mkstemp(prefix="pressdocs-mbox-", suffix=".eml")
            self._path = Path(name)
            self._file = os.fdopen(fd, "wb")
            self._file.writelines(self._chunks)
            self._chunks = []

    def finish(self) -> Iterator[_MboxEntry]:
        """The message, once; a temporary file is removed when the caller moves on."""
        tail, alone = self._held, self._size == 0
        if tail.endswith(b"\r\n") and (tail[-3:-2] == b"\n" or (alone and len(tail) == 2)):
            tail = tail[:-2]
        elif tail.endswith(b"\n") and (tail[-2:-1] == b"\n" or (alone and len(tail) == 1)):
            tail = tail[:-1]
        self._held = b""
        self._release(tail)
        sha256 = self._digest.hexdigest()
        if self._file is None:
            yield _MboxEntry(b"".join(self._chunks), None, sha256)
            return
        assert self._path is not None
        try:
            self._file.close()
            yield _MboxEntry(b"", self._path, sha256)
        finally:
            with contextlib.suppress(OSError):
                self._path.unlink()


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
        # the names, in the order of their paths (folder by folder), kept as strings: a
        # folder of thousands is listed for the whole batch
        names = sorted((str(file.relative_to(root)) for file in root.rglob("*")
                        if file.suffix.lower() in (".eml", ".msg.eml", ".mht")),
                       key=PurePath)
        for name in names:
            file = root / name
            if file.is_file():
                yield RawMessage(source=f"eml:{root}", key=name, path=file,
                                 file_time=_mtime(file))


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
