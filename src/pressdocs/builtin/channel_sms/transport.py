"""One HTTPS POST to an SMS provider, and what came back.

The providers' APIs are single JSON-answering endpoints, so :mod:`http.client` is all
that is needed: no SDK, no proxy taken from the environment (the endpoint is exactly the
one configured, which keeps tests on loopback), certificates always verified (a private
CA through ``ca_file``).  What cannot reach the provider — no connection, a timeout, a
certificate that does not verify — is a :class:`pressdocs.ChannelError`: the core tries
the notice again later.  Whatever the provider answers, status and body, is handed back
for the provider module to judge.
"""

from __future__ import annotations

import http.client
import ipaddress
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from pressdocs.errors import ChannelError
from pressdocs.models import Message

__all__ = ["Answer", "Endpoint", "is_loopback", "parse_endpoint", "post"]

#: How much of an answer that is not the provider's JSON is kept in a message.
SNIPPET = 200


@dataclass(frozen=True)
class Endpoint:
    """Where requests go: ``https://dysmsapi.aliyuncs.com/`` split into its parts."""

    url: str
    tls: bool
    host: str  # as sent in the Host header: with the port when it is not the default
    hostname: str
    port: int
    path: str


@dataclass(frozen=True)
class Answer:
    """The provider's HTTP answer: status and body."""

    status: int
    body: bytes

    def snippet(self) -> str:
        """The start of the body as text, for a message about an answer not understood."""
        text = self.body[:SNIPPET].decode("utf-8", errors="replace")
        return " ".join(text.split())


def parse_endpoint(url: str) -> Endpoint | None:
    """``url`` as an :class:`Endpoint`, or ``None`` when it is not an http(s) URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    tls = parts.scheme == "https"
    try:
        port = parts.port or (443 if tls else 80)
    except ValueError:
        return None
    default = 443 if tls else 80
    host = parts.hostname if port == default else f"{parts.hostname}:{port}"
    return Endpoint(url=url, tls=tls, host=host, hostname=parts.hostname, port=port,
                    path=parts.path or "/")


def is_loopback(hostname: str) -> bool:
    """Whether ``hostname`` is this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if hostname.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def post(endpoint: Endpoint, body: bytes, headers: dict[str, str], *, timeout: float,
         ca_file: str | None, provider: Message) -> Answer:
    """POST ``body`` with ``headers`` (``Host`` included) to ``endpoint``.

    Raises :class:`ChannelError` when the provider cannot be reached; any HTTP answer,
    5xx included, is returned.
    """
    connection: http.client.HTTPConnection
    if endpoint.tls:
        context = ssl.create_default_context(cafile=ca_file)
        connection = http.client.HTTPSConnection(endpoint.hostname, endpoint.port,
                                                 timeout=timeout, context=context)
    else:
        connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port,
                                                timeout=timeout)
    try:
        connection.request("POST", endpoint.path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.read())
    except ssl.SSLCertVerificationError as exc:
        raise ChannelError.of("sms.certificate", provider=provider, host=endpoint.host,
                              reason=exc.verify_message or str(exc)) from None
    except (OSError, http.client.HTTPException) as exc:
        raise ChannelError.of("sms.unreachable", provider=provider, host=endpoint.host,
                              error=str(exc) or type(exc).__name__) from None
    finally:
        connection.close()
