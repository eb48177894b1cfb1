"""Built-in channel ``email``: notices sent over SMTP, by default from a NetEase 163 mailbox.

Settings are the ``[notify.email]`` table of ``pressdocs.toml`` (all optional; see
:class:`EmailSettings` and docs/channels.md)::

    [notify.email]
    user = "whxwtg@163.com"                      # default: office_mailbox
    secret = {env = "PRESSDOCS_SMTP_SECRET"}     # the 163 client authorisation code (授权码)
    from_name = "芜湖市新闻办"                     # default: office

With nothing else set, mail goes to smtp.163.com:465 over implicit TLS, with the
certificate verified (``ca_file`` for a private certificate authority), and AUTH as
``user``.  163 refuses (553) a From that is not the login, so for NetEase servers such a
From is refused before connecting.

One builder, :func:`build_message`, makes the message from a notice, for this channel and
for the ``outbox`` channel alike: subject, From, To, a plain text body with the HTML
alternative when the notice has one, attachments.  Headers are UTF-8 encoded words
(readable by old GBK-era clients as well); bodies are base64, so the message is plain
ASCII and needs no 8BITMIME.  A line break or control character in any header value
(subject, names, addresses, attachment names) refuses the notice — header injection is
impossible whatever a template renders.  The Message-ID and the MIME boundaries derive
from the notice key, so the message sent again after a failure is the same message.

Outcomes follow the channel contract: the server's final answer is the ``detail`` of a
``sent`` delivery; ``554 DT:SPM`` (163's spam verdict), the daily sending limits and every
4xx are ``failed`` (tried again later); other 5xx answers to the message or its
recipients are ``abandoned`` with the server's reply (decoded when it is GBK).  Problems
with the connection, the certificate, the login or the settings concern the mailbox, not
the notice: they raise :class:`pressdocs.ChannelError` (tried again once fixed).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import os
import re
import smtplib
import ssl
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from pressdocs._messages import did_you_mean
from pressdocs._redact import remember
from pressdocs.capabilities import Channel, Context, Delivery
from pressdocs.config import Config, Secret, as_secret, check_range, range_of, within
from pressdocs.errors import ChannelError, ConfigError
from pressdocs.hookspecs import hookimpl
from pressdocs.models import Message, Notice

__all__ = [
    "POLICY",
    "BuiltMessage",
    "EmailChannel",
    "EmailSettings",
    "NoticeRefused",
    "build_message",
    "decode_reply",
    "outcome",
]

#: The environment variable read for the secret when ``[notify.email] secret`` is not set.
SECRET_ENV = "PRESSDOCS_SMTP_SECRET"
#: How messages are written: CRLF lines of at most 78 characters, 7-bit (base64 bodies).
POLICY = email_policy.SMTP.clone(cte_type="7bit")
#: Markers of 5xx answers that are really "not now": 163's spam verdict (DT:SPM) and its
#: daily limits on messages (MI:STC) and recipients (RP:TRC) of one sender.
RETRY_LATER = ("DT:SPM", "MI:STC", "RP:TRC")

_NETEASE = ("163.com", "126.com", "yeah.net", "188.com")
_SECURITY_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
_KEYS = ("host", "port", "security", "user", "secret", "from_address", "from_name",
         "ca_file", "timeout", "per_minute")  # per_minute: read by the core's pacing
_NAMED = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<address>[^<>]*)>\s*$")
_CONTENT_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$")


class NoticeRefused(ChannelError):
    """The notice cannot be sent as it is, now or later: a header with a line break, no
    subject or body, a broken attachment.  Channels answer it with ``abandoned``."""


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailSettings:
    """The ``[notify.email]`` table, with 163's defaults filled in.

    ``security`` is ``"ssl"`` (implicit TLS, port 465), ``"starttls"`` (587) or ``"none"``
    (no encryption: only for a test server on this machine).  ``user`` is the login (empty:
    no AUTH); ``from_address`` defaults to it.  ``secret`` is read only when sending.
    """

    host: str = "smtp.163.com"
    port: int = within(1, 65535, 465)
    security: str = "ssl"
    user: str = ""
    secret: Secret | None = None
    from_address: str = ""
    from_name: str = ""
    ca_file: str = ""
    timeout: float = within(1, 600, 30.0)  # seconds: a notice is small

    @classmethod
    def from_config(cls, config: Config) -> EmailSettings:
        """The settings of ``config``; :class:`pressdocs.ConfigError` naming what is wrong.

        Nothing is contacted and no secret is read, so the core can check the settings
        before a run.
        """
        table = config.notify.get("email", {})
        if not isinstance(table, dict):
            raise ConfigError.of("email.not_a_table")
        for key in table:
            if key not in _KEYS:
                raise ConfigError.of("email.unknown_key", key=key, known=list(_KEYS),
                                     suggestion=did_you_mean(key, _KEYS))
        security = _text(table, "security", "ssl").lower()
        if security not in _SECURITY_PORTS:
            raise ConfigError.of("email.bad_security", value=security)
        host = _text(table, "host", "smtp.163.com")
        if not host:
            raise ConfigError.of("email.no_host")
        port = table.get("port", _SECURITY_PORTS[security])
        if not isinstance(port, int) or isinstance(port, bool):
            raise ConfigError.of("config.wrong_type", key="notify.email.port",
                                 expected=Message.of("config.type_int"), value=port)
        check_range("notify.email.port", port, *range_of(cls, "port"))
        timeout = table.get("timeout", 30)
        if not isinstance(timeout, int | float) or isinstance(timeout, bool):
            raise ConfigError.of("config.wrong_type", key="notify.email.timeout",
                                 expected=Message.of("config.type_number"), value=timeout)
        check_range("notify.email.timeout", timeout, *range_of(cls, "timeout"))
        if security == "none" and not _is_loopback(host):
            raise ConfigError.of("email.plain_not_local", host=host)
        user = _text(table, "user", config.office_mailbox)
        secret = as_secret(table.get("secret"))
        if table.get("secret") is not None and secret is None:
            raise ConfigError.of("email.secret_not_env", variable=SECRET_ENV)
        from_address = _text(table, "from_address", user)
        if not from_address:
            raise ConfigError.of("email.no_from")
        settings = cls(host=host, port=port, security=security, user=user, secret=secret,
                       from_address=from_address,
                       from_name=_text(table, "from_name", config.office),
                       ca_file=_text(table, "ca_file", ""), timeout=float(timeout))
        settings.sender()  # the From must be a valid address and a safe name
        if settings.netease and user and from_address.lower() != user.lower():
            raise ConfigError.of("email.from_not_login", sender=from_address, user=user)
        return settings

    @property
    def netease(self) -> bool:
        """Whether the server is NetEase's (163, 126, yeah.net): From must be the login."""
        host = self.host.lower()
        return any(host == d or host.endswith("." + d) for d in _NETEASE)

    def sender(self) -> Address:
        """The From address with its display name; :class:`ConfigError` when it is not a
        valid address or the name holds a line break."""
        try:
            _check_header(self.from_name, "email.part_sender_name")
            _check_header(self.from_address, "email.part_sender")
        except NoticeRefused as exc:
            raise ConfigError(exc.message) from None
        from email_validator import EmailNotValidError

        try:
            address = _valid_address(self.from_address)
        except EmailNotValidError as exc:
            raise ConfigError.of("email.bad_from", address=self.from_address,
                                 reason=str(exc)) from None
        return Address(display_name=self.from_name, addr_spec=address)

    def reveal_secret(self) -> str:
        """The password (授权码) for AUTH: ``secret``, else ``$PRESSDOCS_SMTP_SECRET``."""
        if self.secret is not None:
            return self.secret.reveal()
        value = os.environ.get(SECRET_ENV)
        if value:
            remember(value)  # never printed, whatever the server answers
            return value
        raise ConfigError.of("email.no_secret", user=self.user, variable=SECRET_ENV)


def _text(table: dict[str, Any], key: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise ConfigError.of("email.not_text", key=key, value=str(value))
    return value.strip()


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- the message ------------------------------------------------------------------------------


@dataclass
class BuiltMessage:
    """A notice as an email: the message, the addresses it goes to (``To``), and the
    recipients left out because they are not valid addresses (each with the reason)."""

    message: EmailMessage
    recipients: list[str]
    invalid: list[tuple[str, str]] = field(default_factory=list)

    def as_bytes(self) -> bytes:
        """The message as sent: ASCII, CRLF line ends."""
        return self.message.as_bytes(policy=POLICY)


def build_message(notice: Notice, sender: Address, *, tz: tzinfo | None = None,
                  now: datetime | None = None) -> BuiltMessage:
    """The email for ``notice`` from ``sender`` — the one builder of the ``email`` and
    ``outbox`` channels.

    Takes ``subject``, ``text``, ``html`` and ``attachments`` from the notice's rendered
    context.  Raises :class:`NoticeRefused` (never retried) for a header value with a
    line break or control character, a missing subject or body, or a broken attachment.
    Recipients may be ``addr`` or ``名称 <addr>``; those that are not valid addresses are
    left out of ``To`` and listed in :attr:`BuiltMessage.invalid`.
    """
    payload = notice.context
    subject = payload.get("subject")
    if not isinstance(subject, str) or not subject.strip():
        raise NoticeRefused.of("email.no_subject", template=notice.template)
    _check_header(subject, "email.part_subject")
    text, html = payload.get("text"), payload.get("html")
    if not (isinstance(text, str) and text.strip()) and not (isinstance(html, str) and html.strip()):
        raise NoticeRefused.of("email.no_body", template=notice.template)
    to, invalid = _recipients(notice.recipients)
    attachments = _attachments(payload.get("attachments"), notice.template)

    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = subject.strip()
    msg["From"] = sender
    if to:
        msg["To"] = to
    msg["Date"] = format_datetime(now or (datetime.now(tz) if tz else datetime.now().astimezone()))
    digest = hashlib.sha256(notice.key.encode("utf-8")).hexdigest()
    msg["Message-ID"] = f"<{digest[:32]}@{sender.domain}>"
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to it
    if isinstance(text, str) and text.strip():
        msg.set_content(text, cte="base64")
        if isinstance(html, str) and html.strip():
            msg.add_alternative(html, subtype="html", cte="base64")
    else:
        assert isinstance(html, str)
        msg.set_content(html, subtype="html", cte="base64")
    for name, content_type, data in attachments:
        maintype, _, subtype = content_type.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    # every body is base64, in which "=_" cannot occur: these boundaries are safe
    for n, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_pressdocs_{digest[:16]}_{n}")
    return BuiltMessage(msg, [a.addr_spec for a in to], invalid)


def _check_header(value: str, part: str) -> None:
    """Refuse a header value holding a line break or another control character."""
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        raise NoticeRefused.of("email.header_break", part=Message.of(part), value=_visible(value))


def _visible(value: str) -> str:
    """``value`` with its control characters written as escapes (\\r, \\n, \\x00)."""
    shown = "".join(c.encode("unicode_escape").decode("ascii")
                    if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in value)
    return shown if len(shown) <= 80 else shown[:77] + "…"


def _valid_address(address: str) -> str:
    """The address in its normal ASCII form; :class:`EmailNotValidError` when invalid."""
    from email_validator import validate_email  # on sending, not when plugins load

    valid = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    return valid.ascii_email or valid.normalized


def _recipients(recipients: Iterable[str]) -> tuple[list[Address], list[tuple[str, str]]]:
    """The valid recipients as addresses (each once) and the invalid ones with the reason;
    a line break anywhere refuses the notice."""
    from email_validator import EmailNotValidError

    valid: list[Address] = []
    invalid: list[tuple[str, str]] = []
    seen: set[str] = set()
    for recipient in recipients:
        if not isinstance(recipient, str):
            invalid.append((str(recipient), "not text"))
            continue
        _check_header(recipient, "email.part_recipient")
        match = _NAMED.match(recipient)
        name, address = (match["name"].strip().strip('"').strip(), match["address"].strip()) \
            if match else ("", recipient.strip())
        try:
            normal = _valid_address(address)
        except EmailNotValidError as exc:
            invalid.append((recipient, str(exc)))
            continue
        if normal.lower() not in seen:
            seen.add(normal.lower())
            valid.append(Address(display_name=name, addr_spec=normal))
    return valid, invalid


def _attachments(value: Any, template: str) -> list[tuple[str, str, bytes]]:
    """``context["attachments"]`` as (name, content type, bytes); :class:`NoticeRefused`
    for an entry that is not a well-formed ``{"name", "content_type", "data_b64"}``."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise NoticeRefused.of("email.bad_attachment", number=1, template=template)
    found = []
    for number, item in enumerate(value, 1):
        try:
            name, content_type, data = item["name"], item["content_type"], item["data_b64"]
            if not (isinstance(name, str) and name and isinstance(content_type, str)
                    and _CONTENT_TYPE.match(content_type) and isinstance(data, str)):
                raise TypeError
            raw = base64.b64decode(data, validate=True)
        except (KeyError, TypeError, binascii.Error):
            raise NoticeRefused.of("email.bad_attachment", number=number,
                                   template=template) from None
        _check_header(name, "email.part_attachment")
        found.append((name, content_type.lower(), raw))
    return found


# --- the server's answers --------------------------------------------------------------------


def decode_reply(reply: bytes | str) -> str:
    """A server's reply as text: UTF-8, else GBK (GB18030, as 163 and many Chinese
    servers write), lines joined by spaces."""
    text = reply
    if isinstance(reply, bytes):
        try:
            text = reply.decode("utf-8")
        except UnicodeDecodeError:
            text = reply.decode("gb18030", errors="replace")
    assert isinstance(text, str)
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def outcome(code: int, reply: str) -> str:
    """``failed`` (try again later) or ``abandoned`` (never) for a refusal: every 4xx and
    the 5xx answers marked :data:`RETRY_LATER` are temporary, other 5xx permanent."""
    if 400 <= code < 500 or any(mark in reply for mark in RETRY_LATER):
        return "failed"
    return "abandoned"


def _answer(code: int, reply: bytes | str) -> str:
    return f"{code} {decode_reply(reply)}".strip()


# --- the channel ----------------------------------------------------------------------------


class EmailChannel(Channel):
    """Sends a notice to its recipients over SMTP (see the module for the settings)."""

    name = "email"
    reaches = "email"
    description = "电子邮件（SMTP，默认网易163邮箱）"

    def send(self, notice: Notice, context: Context) -> Delivery:
        try:
            settings = EmailSettings.from_config(context.config)
            sender = settings.sender()
        except ConfigError as exc:
            raise ChannelError(exc.message) from None
        try:
            built = build_message(notice, sender, tz=context.config.tz)
        except NoticeRefused as exc:
            return Delivery("abandoned", exc.render("zh"))
        if not built.recipients:
            return Delivery("abandoned", _invalid_note(built.invalid, "email.no_recipient"))
        smtp = _connect(settings)
        try:
            delivery = _deliver(smtp, settings, built)
        except smtplib.SMTPServerDisconnected as exc:
            raise ChannelError.of("email.lost", host=settings.host, error=str(exc)) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelError.of("email.lost", host=settings.host,
                                  error=str(exc) or type(exc).__name__) from None
        finally:
            _quit(smtp)
        if built.invalid and delivery.status == "sent":
            delivery = Delivery("sent", f"{delivery.detail}; "
                                        f"{_invalid_note(built.invalid, 'email.left_out')}")
        return delivery


def _invalid_note(invalid: list[tuple[str, str]], key: str) -> str:
    listed = [f"{recipient}（{reason}）" for recipient, reason in invalid]
    return Message.of(key, recipients=listed).text("zh")


def _connect(settings: EmailSettings) -> smtplib.SMTP:
    """An open, encrypted (unless ``none``), logged-in connection; :class:`ChannelError`
    saying what went wrong and what to do."""
    context = ssl.create_default_context(cafile=settings.ca_file or None) \
        if settings.security != "none" else None
    smtp: smtplib.SMTP | None = None
    try:
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                    context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        smtp.ehlo()
        if settings.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise ChannelError.of("email.no_starttls", host=settings.host,
                                      port=settings.port)
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            _login(smtp, settings)
        return smtp
    except ChannelError:
        _quit(smtp)
        raise
    except ssl.SSLCertVerificationError as exc:
        _quit(smtp)
        raise ChannelError.of("email.certificate", host=settings.host,
                              reason=exc.verify_message or str(exc)) from None
    except smtplib.SMTPResponseException as exc:
        _quit(smtp)
        raise ChannelError.of("email.refused", host=settings.host,
                              reply=_answer(exc.smtp_code, exc.smtp_error)) from None
    except (OSError, smtplib.SMTPException) as exc:
        _quit(smtp)
        raise ChannelError.of("email.connect", host=settings.host, port=settings.port,
                              error=str(exc) or type(exc).__name__) from None


def _login(smtp: smtplib.SMTP, settings: EmailSettings) -> None:
    try:
        secret = settings.reveal_secret()
    except ConfigError as exc:
        raise ChannelError(exc.message) from None
    if not smtp.has_extn("auth"):
        raise ChannelError.of("email.no_auth", host=settings.host)
    try:
        smtp.login(settings.user, secret)
    except smtplib.SMTPAuthenticationError as exc:
        raise ChannelError.of("email.login", user=settings.user,
                              reply=_answer(exc.smtp_code, exc.smtp_error)) from None


def _deliver(smtp: smtplib.SMTP, settings: EmailSettings, built: BuiltMessage) -> Delivery:
    """MAIL, RCPT for each recipient, DATA: the delivery as the server answered."""
    code, reply = smtp.mail(settings.from_address)
    if code != 250:
        if 400 <= code < 500:
            return Delivery("failed", _answer(code, reply))
        raise ChannelError.of("email.sender_refused", sender=settings.from_address,
                              reply=_answer(code, reply))
    refused: dict[str, tuple[int, str]] = {}
    for address in built.recipients:
        code, reply = smtp.rcpt(address)
        if code not in (250, 251):
            refused[address] = (code, _answer(code, reply))
    if len(refused) == len(built.recipients):
        temporary = any(outcome(c, r) == "failed" for c, r in refused.values())
        return Delivery("failed" if temporary else "abandoned", _refused_note(refused))
    try:
        code, answer = smtp.data(built.as_bytes())
        detail = _answer(code, answer)
    except smtplib.SMTPDataError as exc:  # DATA itself refused
        code, detail = exc.smtp_code, _answer(exc.smtp_code, exc.smtp_error)
    if code != 250:
        return Delivery(outcome(code, detail), detail)
    if refused:
        detail = f"{detail}; {_refused_note(refused)}"
    return Delivery("sent", detail)


def _refused_note(refused: dict[str, tuple[int, str]]) -> str:
    listed = [f"{address}（{answer}）" for address, (_, answer) in refused.items()]
    return Message.of("email.recipients_refused", recipients=listed).text("zh")


def _quit(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(EmailChannel())
