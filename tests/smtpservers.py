"""A real SMTP server on loopback for tests: aiosmtpd, with STARTTLS, implicit TLS and AUTH.

:class:`SmtpServer` keeps what it received (envelope and raw bytes) and can be told what
to answer: a reply to the message's DATA (``data_reply``) and refusals for given
recipients (``refuse``), as bytes when a test needs a GBK reply.
:func:`make_certificate` makes a throwaway self-signed certificate for 127.0.0.1 with
``openssl`` (skipping the test when openssl is absent; scripts/setup installs it).
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from imapservers import free_port

__all__ = ["PASSWORD", "USER", "Received", "SmtpServer", "make_certificate"]

USER = "whxwtg@163.com"
PASSWORD = "SMTP-AUTH-CODE-163"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate and key for 127.0.0.1 (the certificate is its own CA)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed (scripts/setup installs it)")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@dataclass
class Received:
    """One message the server accepted: envelope and the bytes of DATA."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    login: str | None

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class _Handler:
    data_reply: str | bytes = "250 Mail OK queued as smtp7,C8CowAB1"
    refuse: dict[str, str | bytes] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str | bytes:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str | bytes:
        if self.data_reply.startswith(b"250" if isinstance(self.data_reply, bytes) else "250"):
            data = session.auth_data if session.authenticated else None
            login = data.login.decode() if isinstance(data, LoginPassword) else None
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          bytes(envelope.original_content), login))
        return self.data_reply


class SmtpServer:
    """aiosmtpd on 127.0.0.1: ``mode`` ``"plain"``, ``"starttls"`` or ``"ssl"`` (implicit
    TLS, with ``cert``); with ``auth``, AUTH is required, as :data:`USER` / :data:`PASSWORD`."""

    def __init__(self, mode: str = "plain", cert: tuple[Path, Path] | None = None,
                 auth: bool = False):
        self.handler = _Handler()
        self.port = free_port()
        self.logins: list[tuple[str, bool]] = []
        kwargs: dict[str, Any] = {}
        if mode != "plain":
            assert cert is not None
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert[0]), str(cert[1]))
            if mode == "ssl":
                kwargs["ssl_context"] = context
            else:
                kwargs.update(tls_context=context, require_starttls=True)
        if auth:
            kwargs.update(authenticator=self._authenticate, auth_required=True,
                          auth_require_tls=mode == "starttls")
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     **kwargs)

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and \
            (auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD)
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login.decode(), ok))
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
