"""Built-in channel ``outbox``: each notice written to a folder for review, nothing sent.

Every notice becomes two files named after its key (``receipt:3f2a…`` →
``receipt_3f2a….eml`` and ``.json``): the ``.eml`` is the message the ``email`` channel
would send (the same builder, :func:`pressdocs.builtin.channel_email.build_message`, with
the same From), to open in any mail client; the ``.json`` is the notice as stored.  It
is the channel notices go to while no real channel is configured, so nothing leaves the
machine until one is: ``[notify] channels`` names the channels, ``["outbox"]`` unless set
(read by the core when it queues notices, :mod:`pressdocs._notify`).

The folder is ``[notify.outbox] folder`` (``~`` expanded, relative to the current
directory), by default ``outbox/`` beside the store (``./outbox`` without one).  Files are
written atomically (a temporary file, then a hard link that fails if the name is taken)
and never replace anything: a name already used by a different notice gets a ``-2``,
``-3`` … suffix, and the same notice written again is left as it is.  A notice the
email builder refuses (a line break in a header, no subject) is ``abandoned`` as it would
be by email; recipients that are not email addresses (mobiles of an SMS notice) are kept
in the ``.json``, left out of the ``.eml`` and named in the delivery's detail.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from pressdocs.builtin.channel_email import EmailSettings, NoticeRefused, build_message
from pressdocs.capabilities import Channel, Context, Delivery
from pressdocs.errors import ChannelError, ConfigError
from pressdocs.hookspecs import hookimpl
from pressdocs.models import Message, Notice

__all__ = ["DEFAULT_CHANNEL", "OutboxChannel", "file_stem", "outbox_folder"]

#: The channel notices go through while ``[notify] channel`` is not set.
DEFAULT_CHANNEL = "outbox"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_STEM_LENGTH = 120


class OutboxChannel(Channel):
    """Writes each notice as ``.eml`` and ``.json`` into the outbox folder."""

    name = "outbox"
    reaches = "email"
    description = "待发目录：把通知写成 .eml 和 .json 供审阅，不真正发送"

    def send(self, notice: Notice, context: Context) -> Delivery:
        try:
            folder = outbox_folder(context)
            sender = EmailSettings.from_config(context.config).sender()
        except ConfigError as exc:
            raise ChannelError(exc.message) from None
        try:
            built = build_message(notice, sender, tz=context.config.tz)
        except NoticeRefused as exc:
            return Delivery("abandoned", exc.render("zh"))
        stored = (json.dumps(notice.to_dict(), ensure_ascii=False, indent=2) + "\n").encode()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            eml = _write_pair(folder, file_stem(notice.key), stored, built.as_bytes())
        except OSError as exc:
            raise ChannelError.of("outbox.cannot_write", folder=str(folder),
                                  error=exc.strerror or str(exc)) from None
        detail = str(eml)
        if built.invalid:
            note = Message.of("outbox.not_in_eml", recipients=[r for r, _ in built.invalid])
            detail = f"{detail}; {note.text('zh')}"
        return Delivery("sent", detail)


def outbox_folder(context: Context) -> Path:
    """``[notify.outbox] folder``, else ``outbox/`` beside the store, else ``./outbox``."""
    table = context.config.notify.get("outbox", {})
    if not isinstance(table, dict):
        raise ConfigError.of("outbox.not_a_table")
    for key in table:
        if key not in ("folder", "per_minute"):  # per_minute: read by the core's pacing
            raise ConfigError.of("outbox.unknown_key", key=key)
    folder = table.get("folder")
    if folder is not None:
        if not isinstance(folder, str) or not folder.strip():
            raise ConfigError.of("outbox.bad_folder", value=str(folder))
        return Path(folder.strip()).expanduser()
    if context.store is not None:
        return context.store.path.parent / "outbox"
    return Path("outbox")


def file_stem(key: str) -> str:
    """The file name (without suffix) for notice ``key``: letters, digits, ``.``, ``_`` and
    ``-`` only, every other run of characters one ``_``, never hidden, at most 120."""
    stem = _UNSAFE.sub("_", key).strip("._-")[:_STEM_LENGTH].rstrip("._-")
    return stem or "notice"


def _write_pair(folder: Path, stem: str, stored: bytes, eml: bytes) -> Path:
    """Write ``stem.json`` then ``stem.eml`` under the first free name; the path of the
    ``.eml``.  The ``.json`` claims the name: a name whose ``.json`` holds the same notice
    is this notice's (its missing ``.eml``, after a crash, is written), any other is
    taken."""
    for n in range(1, 10_000):
        name = stem if n == 1 else f"{stem}-{n}"
        json_path, eml_path = folder / f"{name}.json", folder / f"{name}.eml"
        if _create(json_path, stored):
            if _create(eml_path, eml):
                return eml_path
            json_path.unlink()  # a stray .eml holds this name: leave it, use the next
            continue
        if _same(json_path, stored) and (eml_path.exists() or _create(eml_path, eml)):
            return eml_path
    raise OSError(errno.ENOSPC, f"no free name for {stem} in {folder}")


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except FileNotFoundError:
        return False


def _create(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically, only if ``path`` does not exist: whole or not
    at all, never over another file.  False when the name is taken."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".outbox-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        except OSError as exc:  # no hard links (FAT, some shares): claim, then replace
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return False
            os.replace(temporary, path)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(OutboxChannel())
