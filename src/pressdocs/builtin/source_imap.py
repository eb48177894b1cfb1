"""Built-in mail source: an IMAP mailbox, by default NetEase 163 over TLS.

Locations look like ``imaps://whxwtg@163.com@imap.163.com:993/INBOX``.  ``imap://`` is
upgraded with STARTTLS (the certificate verified as for ``imaps://``) before the password
is sent; a server that offers no STARTTLS is refused unless the office allows a
clear-text login (``[mail] allow_insecure_login = true``, ``batch --allow-insecure-login``),
which is then warned about each time.  The login is everything before the last
``@`` of the authority; for a 163-family address the host may be left out
(``imaps://whxwtg@163.com/INBOX`` means imap.163.com:993).  The secret — for 163 the
client authorisation code (授权码), not the web password — comes from
``[mail] secret = {env = "…"}`` or the ``PRESSDOCS_IMAP_SECRET`` variable.  IMAP ``LOGIN``
carries ASCII only: a secret with Chinese or full-width characters is sent with
``AUTHENTICATE PLAIN`` (UTF-8) when the server offers it, and otherwise refused with what
to check (a 163 授权码 is letters and digits).

A connection that drops or stalls (``[mail] timeout`` seconds, 60 by default) mid-run is
:class:`~pressdocs.errors.ConnectionLost`: what was taken in is committed, the rest is
taken in by the next run; any other unexpected answer of the server is a
:class:`~pressdocs.errors.SourceError` naming it.  Never a traceback.

163 refuses SELECT with ``NO … Unsafe Login`` unless the client first identifies itself
with the IMAP ``ID`` command (RFC 2971), so ``ID`` is sent after login whenever the server
offers it.  Messages are fetched with ``BODY.PEEK[]`` (never marking them seen), keyed by
UIDVALIDITY and UID; nothing is ever deleted.  After a message is safely stored the
source can mark it seen or copy/move it to a folder (``[mail] after = "seen"`` or
``after = "move:已处理"``).  Folder names are sent in modified UTF-7 (草稿箱 is ``&g0l6P3ux-``).

Memory stays small however large the mail: sizes (``RFC822.SIZE``) are asked first; small
messages are fetched a few MB at a time, and a message larger than
:data:`SPOOL_THRESHOLD` is fetched in pieces (``BODY.PEEK[]<offset.length>``) into a
temporary file (in ``$TMPDIR``), handed over by its path and removed once the intake
moves on to the next message.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import ssl
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pressdocs._redact import remember
from pressdocs._version import __version__
from pressdocs.capabilities import Context, MailSource, RawMessage
from pressdocs.config import Config, as_secret
from pressdocs.errors import ConfigError, ConnectionLost, SourceError
from pressdocs.hookspecs import hookimpl
from pressdocs.models import Message

__all__ = ["ImapLocation", "ImapSource", "MailboxWatch", "allows_insecure_login",
           "parse_location"]


_NETEASE = ("163.com", "126.com", "yeah.net", "188.com")
_FETCH_BATCH = 20
_MiB = 1024 * 1024
#: A message larger than this (bytes) is fetched in pieces into a temporary file.
SPOOL_THRESHOLD = 8 * _MiB
#: The size of each piece of a spooled message.
SPOOL_CHUNK = 4 * _MiB
_BATCH_BYTES = 16 * _MiB  # small messages fetched in one command, at most this much
SECRET_ENV = "PRESSDOCS_IMAP_SECRET"
log = logging.getLogger("pressdocs")


@dataclass(frozen=True)
class ImapLocation:
    """An IMAP mailbox folder, parsed from its URL."""

    user: str
    host: str
    port: int
    folder: str
    tls: bool
    #: A password written in the URL (discouraged: warned about, never printed or stored).
    password: str = field(default="", repr=False, compare=False)

    def source_id(self) -> str:
        """The ledger's name of this folder: no password, ever."""
        scheme = "imaps" if self.tls else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def parse_location(location: str) -> ImapLocation:
    """Read ``imaps://user@host[:port]/FOLDER``; the user may itself contain ``@``."""
    parts = urlsplit(location)
    if parts.scheme not in ("imap", "imaps"):
        raise ConfigError.of("source.imap_not_url", location=location)
    tls = parts.scheme == "imaps"
    authority = parts.netloc
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    if "@" not in authority:
        raise ConfigError.of("source.imap_no_login", location=location)
    user, _, hostport = authority.rpartition("@")
    user, _, password = user.partition(":")
    user, password = unquote(user), unquote(password)
    if password:
        remember(password)  # scrubbed from everything printed from now on
    if "@" not in user and any(hostport.lower().endswith(d) for d in _NETEASE):
        # imaps://whxwtg@163.com/INBOX: the whole authority is the address
        user, hostport = f"{user}@{hostport}", f"imap.{hostport.lower()}"
    host, _, port = hostport.partition(":")
    if not host:
        raise ConfigError.of("source.imap_no_host", location=location)
    try:
        port_number = int(port) if port else (993 if tls else 143)
    except ValueError:
        raise ConfigError.of("source.imap_bad_port", port=port) from None
    if not 0 < port_number < 65536:
        raise ConfigError.of("source.imap_bad_port", port=port)
    return ImapLocation(user=user, host=host, port=port_number, folder=folder, tls=tls,
                        password=password)


class ImapSource(MailSource):
    """Messages of one IMAP folder, newest UIDs last, never deleted."""

    name = "imap"
    schemes = ("imap", "imaps")
    description = "IMAP 邮箱（默认网易163，自动发送 ID 命令）"

    def __init__(self) -> None:
        self._clients: dict[str, Any] = {}

    def handles(self, location: str) -> bool:
        return location.startswith(("imap://", "imaps://"))

    def messages(self, location: str, context: Context, since: date | None = None,
                 known: Callable[[str, str], bool] | None = None) -> Iterator[RawMessage]:
        loc = parse_location(location)
        client = self._connect(loc, context.config)
        source = loc.source_id()
        try:
            with _connection_of(loc):
                uidvalidity = self._select(client, loc)
                criteria: list[Any] = ["SINCE", since] if since is not None else ["ALL"]
                uids = sorted(client.search(criteria))
            for start in range(0, len(uids), _FETCH_BATCH):
                batch = uids[start:start + _FETCH_BATCH]
                key_of = _key_of(uidvalidity)
                taken = [uid for uid in batch if known is not None and known(source, key_of(uid))]
                for uid in taken:  # incremental: what the ledger holds is not downloaded again
                    yield RawMessage(source=source, key=key_of(uid), folder=loc.folder, known=True)
                new = [uid for uid in batch if uid not in taken]
                if new:
                    yield from self._batch(client, new, source, uidvalidity, loc)
        finally:
            self._clients.pop(source, None)
            with contextlib.suppress(Exception):  # the connection may be gone; nothing to save
                client.logout()

    def _batch(self, client: Any, batch: list[int], source: str, uidvalidity: int,
               loc: ImapLocation) -> Iterator[RawMessage]:
        """The messages of ``batch``: small ones fetched together, large ones spooled."""
        folder = loc.folder
        with _connection_of(loc):
            info = client.fetch(batch, ["RFC822.SIZE", "INTERNALDATE"])
            small = [uid for uid in batch if uid in info and _size(info[uid]) <= SPOOL_THRESHOLD]
            bodies: dict[int, Any] = {}
            for group in _groups(small, [_size(info[uid]) for uid in small]):
                bodies.update(client.fetch(group, ["BODY.PEEK[]"]))
        for uid in batch:
            item = info.get(uid)
            if item is None:  # expunged by someone else meanwhile
                continue
            internal = item.get(b"INTERNALDATE")
            if isinstance(internal, datetime) and internal.tzinfo is None:
                internal = internal.replace(tzinfo=UTC)
            key = _key_of(uidvalidity)(uid)
            if uid in bodies or uid in small:
                data = bodies.get(uid, {}).get(b"BODY[]")
                if data is not None:
                    yield RawMessage(source=source, key=key, data=data, received=internal,
                                     folder=folder)
                continue
            with _connection_of(loc):
                path = _spool(client, uid)
            if path is None:
                continue
            try:
                yield RawMessage(source=source, key=key, path=path, received=internal,
                                 folder=folder)
            finally:
                path.unlink(missing_ok=True)

    def acknowledge(self, message: RawMessage, context: Context) -> None:
        """Mark seen or copy/move to a folder, per ``[mail] after``; never delete."""
        after = str(context.config.mail.get("after", ""))
        client = self._clients.get(message.source)
        if not after or client is None:
            return
        uid = int(message.key.rsplit("UID=", 1)[1])
        with _connection_of(parse_location(message.source)):
            self._after(client, uid, after)

    @staticmethod
    def _after(client: Any, uid: int, after: str) -> None:
        if after == "seen":
            client.add_flags([uid], [b"\\Seen"])
        elif after.startswith("move:"):
            target = after[5:]
            if not client.folder_exists(target):
                client.create_folder(target)
            if client.has_capability("MOVE"):
                client.move([uid], target)
            else:  # without MOVE, copying is the most we do: deleting is never ours
                client.copy([uid], target)

    def _connect(self, loc: ImapLocation, config: Config) -> Any:
        from imapclient import IMAPClient
        if loc.password:
            from pressdocs._app import resolve_lang

            log.warning("%s", Message.of("source.imap_url_password", user=loc.user,
                                         host=loc.host).text(resolve_lang(None, config)))
        secret = loc.password or _secret(config)
        context = _tls_context(config)
        try:
            client = IMAPClient(loc.host, port=loc.port, ssl=loc.tls,
                                ssl_context=context if loc.tls else None,
                                timeout=_timeout(config))
            client.normalise_times = False  # keep INTERNALDATE's own offset: aware datetimes
            if not loc.tls:
                _secure_plain_connection(client, loc, config, context)
        except ssl.SSLCertVerificationError as exc:
            raise SourceError.of("source.imap_certificate", host=loc.host,
                                 reason=exc.verify_message) from None
        except OSError as exc:
            raise SourceError.of("source.imap_connect", host=loc.host, port=loc.port,
                                 error=str(exc)) from None
        with _connection_of(loc):
            _login(client, loc, secret)
            if client.has_capability("ID"):
                client.id_({"name": "pressdocs", "version": __version__, "vendor": "pressdocs",
                            "support-email": config.office_mailbox})
        self._clients[loc.source_id()] = client
        return client

    def _select(self, client: Any, loc: ImapLocation, *, readonly: bool = False) -> int:
        return int(_selected(client, loc, readonly=readonly).get(b"UIDVALIDITY", 0))


def _selected(client: Any, loc: ImapLocation, *, readonly: bool) -> dict[bytes, Any]:
    """SELECT (EXAMINE when ``readonly``) the folder: the server's answer, or one clear
    error (163's *Unsafe Login*, a folder that does not exist)."""
    from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

    try:
        info: dict[bytes, Any] = client.select_folder(loc.folder, readonly=readonly)
    except IMAPClientAbortError:
        raise  # the connection dropped: said by _connection_of
    except IMAPClientError as exc:
        text = _text(exc)
        if "unsafe login" in text.lower():
            raise SourceError.of("source.imap_unsafe_login", folder=loc.folder) from None
        raise SourceError.of("source.imap_folder", folder=loc.folder, error=text) from None
    return info


class MailboxWatch:
    """A connection of its own to an IMAP folder that waits for new mail, for
    ``pressdocs watch``: the folder is EXAMINEd (read-only: it never changes a flag) and
    watched with IDLE (RFC 2177) when the server offers it — 163 offers it only after
    ``ID``, so the capabilities are asked again after ``ID`` — and otherwise polled.  The
    batch keeps using its own connection; this one only says when to run it again.

    New mail is mail with a UID at or above the folder's UIDNEXT as last seen here
    (``UID SEARCH UID n:*``): a message that arrived while no IDLE was running (during a
    batch) is found all the same.  A dropped, stalled or closed connection (``BYE``) is
    :class:`~pressdocs.errors.ConnectionLost`.
    """

    def __init__(self, location: str, config: Config) -> None:
        self.location = parse_location(location)
        source = ImapSource()
        self._client = source._connect(self.location, config)
        try:
            with _connection_of(self.location):
                self.idle = _fresh_capability(self._client, "IDLE")
                info = _selected(self._client, self.location, readonly=True)
                next_uid = info.get(b"UIDNEXT")
                if not isinstance(next_uid, int):  # not said: one past the highest UID
                    next_uid = max(self._client.search(["ALL"]), default=0) + 1
                self._next_uid: int = next_uid
        except BaseException:
            self.close()
            raise

    def newer(self) -> bool:
        """Whether mail came since the last call (or since the folder was selected)."""
        with _connection_of(self.location):
            self._client.noop()
            uids = [u for u in self._client.search(["UID", f"{self._next_uid}:*"])
                    if u >= self._next_uid]
        if not uids:
            return False
        self._next_uid = max(uids) + 1
        return True

    def wait(self, seconds: float, stop: Callable[[], bool]) -> None:
        """Wait up to ``seconds``: in IDLE until the server announces mail (or closes the
        connection), else simply the time (a poll); a second at most after ``stop()``
        turns true.  Then :meth:`newer` says whether mail came."""
        deadline = time.monotonic() + seconds
        if not self.idle:
            while not stop() and (left := deadline - time.monotonic()) > 0:
                time.sleep(min(1.0, left))
            return
        client = self._client
        with _connection_of(self.location):
            client.idle()
            try:
                while not stop() and (left := deadline - time.monotonic()) > 0:
                    step = min(1.0, left)
                    began = time.monotonic()
                    answers = client.idle_check(timeout=step)
                    if any(_says(a, b"BYE") for a in answers):
                        raise ConnectionLost.of("source.imap_lost", host=self.location.host,
                                                port=self.location.port, error="BYE")
                    if any(_says(a, b"EXISTS") or _says(a, b"RECENT") for a in answers):
                        return
                    if not answers and time.monotonic() - began < step / 2:
                        return  # readable, yet nothing said: the end of the connection?
            finally:  # DONE, and the server's answer: a connection gone shows here
                client.idle_done()

    def close(self) -> None:
        """Log out (in a few seconds at most); a connection already gone is simply closed."""
        with contextlib.suppress(Exception):
            sock = self._client.socket()
            sock.settimeout(5)
            self._client.logout()
        with contextlib.suppress(Exception):
            self._client.shutdown()


def _fresh_capability(client: Any, name: str) -> bool:
    """Whether the server offers ``name`` now, asked again: 163 adds IDLE to what it offers
    only once the client has identified itself (``ID``), after the capabilities imapclient
    remembered from the login."""
    client._cached_capabilities = None  # imapclient keeps them; no public way to forget
    return bool(client.has_capability(name))


def _says(answer: Any, word: bytes) -> bool:
    """Whether an untagged answer in IDLE (``(3, b'EXISTS')``, ``(b'BYE', …)``) is ``word``."""
    return isinstance(answer, tuple) and any(
        isinstance(part, bytes) and part.upper() == word for part in answer[:2])


def _login(client: Any, loc: ImapLocation, secret: str) -> None:
    """Log in.  IMAP ``LOGIN`` carries ASCII only; a secret with other characters (Chinese,
    full-width) goes by ``AUTHENTICATE PLAIN``, UTF-8 as RFC 4616 says, when the server
    offers it, and is otherwise refused with what to check."""
    from imapclient.exceptions import LoginError

    try:
        if secret.isascii() and loc.user.isascii():
            client.login(loc.user, secret)
        elif client.has_capability("AUTH=PLAIN"):
            client.plain_login(loc.user, secret)
        else:
            raise SourceError.of("source.imap_secret_not_ascii", user=loc.user, host=loc.host)
    except LoginError as exc:
        raise SourceError.of("source.imap_login", user=loc.user, error=_text(exc)) from None


@contextlib.contextmanager
def _connection_of(loc: ImapLocation) -> Iterator[None]:
    """Say in one line what went wrong with the server's connection: dropped or timed out
    (:class:`ConnectionLost`, run again), or an answer the source did not expect."""
    from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

    try:
        yield
    except (IMAPClientAbortError, OSError) as exc:  # EOF, reset, timeout (socket errors)
        raise ConnectionLost.of("source.imap_lost", host=loc.host, port=loc.port,
                                error=_text(exc) or type(exc).__name__) from exc
    except IMAPClientError as exc:
        raise SourceError.of("source.imap_failed", host=loc.host, port=loc.port,
                             error=_text(exc)) from exc


def _timeout(config: Config) -> float:
    """Seconds to wait for the server (``[mail] timeout``, default 60)."""
    value = config.mail.get("timeout", 60)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ConfigError.of("source.imap_bad_timeout", value=str(value)) from None
    if not 0 < seconds <= 3600:
        raise ConfigError.of("source.imap_bad_timeout", value=str(value))
    return seconds


def _tls_context(config: Config) -> ssl.SSLContext:
    """A context that verifies the server's certificate (against ``[mail] ca_file`` when
    the office has its own certificate authority, else the system's)."""
    ca_file = config.mail.get("ca_file")  # a private CA, e.g. an office mail gateway
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


def allows_insecure_login(config: Config) -> bool:
    """Whether the office allowed sending the password over a plain connection
    (``[mail] allow_insecure_login = true`` or ``batch --allow-insecure-login``)."""
    return config.mail.get("allow_insecure_login") is True


def _secure_plain_connection(client: Any, loc: ImapLocation, config: Config,
                             context: ssl.SSLContext) -> None:
    """An ``imap://`` connection before login: upgraded with STARTTLS (certificate
    verified) when the server offers it; without it, the password would travel in clear,
    which is refused unless the office opted in (then a warning says so)."""
    if client.has_capability("STARTTLS"):
        from imapclient.exceptions import IMAPClientError

        try:
            client.starttls(context)
        except IMAPClientError as exc:  # offered but failed: never fall back to clear text
            raise SourceError.of("source.imap_starttls", host=loc.host, port=loc.port,
                                 error=_text(exc)) from None
        return
    if allows_insecure_login(config):
        from pressdocs._app import resolve_lang

        log.warning("%s", Message.of("source.imap_insecure_login", host=loc.host,
                                     port=loc.port).text(resolve_lang(None, config)))
        return
    with contextlib.suppress(Exception):
        client.shutdown()
    raise SourceError.of("source.imap_cleartext", host=loc.host, port=loc.port)


def _size(item: dict[bytes, Any]) -> int:
    """RFC822.SIZE; 0 when the server does not say (the message is then fetched whole)."""
    size = item.get(b"RFC822.SIZE")
    return size if isinstance(size, int) else 0


def _groups(uids: list[int], sizes: list[int]) -> Iterator[list[int]]:
    """``uids`` in runs of at most :data:`_BATCH_BYTES` together (one message at least)."""
    group: list[int] = []
    total = 0
    for uid, size in zip(uids, sizes, strict=True):
        if group and total + size > _BATCH_BYTES:
            yield group
            group, total = [], 0
        group.append(uid)
        total += size
    if group:
        yield group


def _spool(client: Any, uid: int) -> Path | None:
    """Fetch message ``uid`` piece by piece into a temporary file; ``None`` if it is gone."""
    fd, name = tempfile.mkstemp(prefix="pressdocs-imap-", suffix=".eml")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            offset = 0
            while True:
                fetched = client.fetch([uid], [f"BODY.PEEK[]<{offset}.{SPOOL_CHUNK}>"])
                item = fetched.get(uid)
                if item is None:
                    path.unlink(missing_ok=True)
                    return None
                piece = next((v for k, v in item.items()
                              if isinstance(k, bytes) and k.startswith(b"BODY[]")), None) or b""
                f.write(piece)
                offset += len(piece)
                if len(piece) < SPOOL_CHUNK:
                    return path
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def _key_of(uidvalidity: int) -> Callable[[int], str]:
    """The ledger key of a message: UIDVALIDITY with UID, unique as long as the folder is."""
    return lambda uid: f"UIDVALIDITY={uidvalidity};UID={uid}"


def _secret(config: Config) -> str:
    secret = as_secret(config.mail.get("secret"))
    if secret is not None:
        return secret.reveal()
    value = os.environ.get(SECRET_ENV)
    if value:
        remember(value)
        return value
    raise ConfigError.of("source.imap_no_secret", variable=SECRET_ENV)


def _text(exc: BaseException) -> str:
    text = str(exc)
    match = re.match(r"^b?['\"](.*)['\"]$", text)
    return match.group(1) if match else text


@hookimpl
def register_mail_sources(register: Callable[[MailSource], None]) -> None:
    register(ImapSource())
