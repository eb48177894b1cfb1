"""Built-in mail sources on disk: Maildir, mbox, a folder of .eml files, one .eml file.

Each yields every message with a key unique within its source, so the ledger knows a
message it has seen: the Maildir unique name, the mbox message's position and bytes, the
.eml file's path relative to the folder.  ``file_time`` is the file's modification time
(Maildir delivery time); the intake prefers the Date header over it.  Nothing is ever
changed on disk.

Maildir and .eml messages are handed over by their path, not their bytes, so the intake
can stream a large one instead of reading it whole.  An mbox message is read into memory
(the mailbox module knows no other way); a large message belongs in a Maildir.
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

__all__ = ["EmlSource", "MaildirSource", "MboxSource", "looks_like_message"]


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
        box = mailbox.mbox(str(path), factory=None, create=False)
        for index, key in enumerate(box.iterkeys()):
            data = box.get_bytes(key, from_=False)
            digest = hashlib.sha256(data).hexdigest()[:16]
            yield RawMessage(source=f"mbox:{path.resolve()}", key=f"{index}:{digest}",
                             data=data)


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


def looks_like_message(path: Path) -> bool:
    """Whether a file starts like a saved e-mail (header lines), not like a document: a
    .docx given to ``batch`` by mistake must not enter the ledger as a message."""
    with path.open("rb") as f:
        head = f.read(4096)
    if b"\x00" in head:
        return False
    block = head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return len(_HEADER.findall(block)) >= 2


@hookimpl
def register_mail_sources(register: Callable[[MailSource], None]) -> None:
    register(MaildirSource())
    register(MboxSource())
    register(EmlSource())
