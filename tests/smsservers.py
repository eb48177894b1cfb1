"""Loopback stand-ins for the SMS providers, checking every request's signature.

Each server is an :mod:`http.server` on 127.0.0.1 in a thread.  It checks the signature
of each request with its own implementation of the provider's documented algorithm —
written here from the documentation, deliberately not importing pressdocs — records
what it received, and answers in the provider's own JSON shapes: success, or the next
scripted answer (throttling, a refused template, a server fault …).  A request whose
signature does not verify gets the provider's real refusal, never a success.

- :class:`AliyunServer` — Aliyun ``SendSms`` (RPC, signature version 1.0, HMAC-SHA1):
  form fields, ``StringToSign = METHOD&%2F&encode(sorted, encoded query)``, key
  ``AccessKeySecret&`` (阿里云短信服务 › 签名机制).
- :class:`TencentServer` — Tencent Cloud ``SendSms`` 2021-01-11 (TC3-HMAC-SHA256):
  canonical request, string to sign with ``date/service/tc3_request``, derived key,
  ``Authorization`` header (腾讯云 API › 签名方法 v3).

Neither ever contacts anything outside loopback.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import ssl
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from smtpservers import make_certificate  # one throwaway CA for every loopback server

__all__ = ["AliyunServer", "Received", "TencentServer", "aliyun_expected_signature",
           "closed_port_url", "make_certificate", "tc3_expected_signature"]

Reply = tuple[int, dict[str, Any]]
Script = Reply | Callable[["Received"], Reply]


@dataclass
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    fields: dict[str, Any] = field(default_factory=dict)  # form fields or the JSON body
    signature_ok: bool = False
    problem: str = ""  # why the signature was refused


class _Server:
    """The HTTP server, the record of requests and the script of answers; HTTPS with
    ``cert`` (a certificate and its key, see :func:`make_certificate`)."""

    def __init__(self, secrets: dict[str, str], cert: tuple[Path, Path] | None = None) -> None:
        self.secrets = dict(secrets)
        self.received: list[Received] = []
        self.script: list[Script] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.tls = cert is not None
        if cert is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert[0]), str(cert[1]))
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host!s}:{port}/"

    def then(self, *answers: Script) -> None:
        """Answer the next requests (whose signature verifies) with these, in order."""
        self.script.extend(answers)

    def __enter__(self) -> _Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)

    def handle(self, request: Received) -> Reply:
        raise NotImplementedError

    def _scripted(self, request: Received) -> Reply | None:
        if not self.script:
            return None
        answer = self.script.pop(0)
        return answer(request) if callable(answer) else answer


def _handler(server: _Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            request = Received("POST", self.path, {k.lower(): v for k, v in self.headers.items()},
                               body)
            server.received.append(request)
            status, doc = server.handle(request)
            data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    return Handler


def closed_port_url() -> str:
    """An http URL on loopback where nothing listens (a connection is refused)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def _request_id() -> str:
    return str(uuid.uuid4()).upper()


# --- Aliyun ------------------------------------------------------------------------------


def _aliyun_encode(text: str) -> str:
    """The documentation's recipe: encode as a form (java.net.URLEncoder, UTF-8), then
    turn ``+`` into ``%20``, ``*`` into ``%2A`` and ``%7E`` back into ``~``."""
    encoded = urllib.parse.quote_plus(text, safe="", encoding="utf-8")
    return encoded.replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def aliyun_expected_signature(method: str, fields: dict[str, str], secret: str) -> str:
    """The signature Aliyun computes for these request fields (all but ``Signature``)."""
    pairs = sorted((k, v) for k, v in fields.items() if k != "Signature")
    query = "&".join(f"{_aliyun_encode(k)}={_aliyun_encode(v)}" for k, v in pairs)
    to_sign = method + "&" + _aliyun_encode("/") + "&" + _aliyun_encode(query)
    mac = hmac.new((secret + "&").encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


class AliyunServer(_Server):
    """Aliyun's ``dysmsapi`` endpoint: SendSms by POSTed form."""

    THROTTLED: Reply = (200, {"Message": "触发小时级流控Permits:5", "RequestId":
                              "A1B2C3D4-0000-4000-8000-000000000001",
                              "Code": "isv.BUSINESS_LIMIT_CONTROL"})
    BAD_TEMPLATE: Reply = (200, {"Message": "模板不合法(不存在或被拉黑)", "RequestId":
                                 "A1B2C3D4-0000-4000-8000-000000000002",
                                 "Code": "isv.SMS_TEMPLATE_ILLEGAL"})
    BAD_SIGN: Reply = (200, {"Message": "签名不合法(不存在或被拉黑)", "RequestId":
                             "A1B2C3D4-0000-4000-8000-000000000003",
                             "Code": "isv.SMS_SIGNATURE_ILLEGAL"})
    UNAVAILABLE: Reply = (503, {"RequestId": "A1B2C3D4-0000-4000-8000-000000000004",
                                "HostId": "dysmsapi.aliyuncs.com", "Code": "ServiceUnavailable",
                                "Message": "The request has failed due to a temporary "
                                           "failure of the server."})

    def __init__(self, secrets: dict[str, str], cert: tuple[Path, Path] | None = None) -> None:
        super().__init__(secrets, cert)
        self.nonces: set[str] = set()
        self.sent = 0

    def handle(self, request: Received) -> Reply:
        try:
            pairs = urllib.parse.parse_qsl(request.body.decode("ascii"), keep_blank_values=True,
                                           strict_parsing=True)
        except (UnicodeDecodeError, ValueError):
            return 400, self._error("InvalidParameter", "the body is not a form")
        request.fields = dict(pairs)
        refusal = self._verify(request)
        if refusal is not None:
            request.problem = refusal[1]["Code"]
            return refusal
        request.signature_ok = True
        scripted = self._scripted(request)
        if scripted is not None:
            return scripted
        self.sent += 1
        return 200, {"Message": "OK", "RequestId": _request_id(), "Code": "OK",
                     "BizId": f"90061974693649844{self.sent:02d}^0"}

    def _verify(self, request: Received) -> Reply | None:
        f = request.fields
        secret = self.secrets.get(f.get("AccessKeyId", ""))
        if secret is None:
            return 404, self._error("InvalidAccessKeyId.NotFound", "Specified access key is "
                                                                   "not found.")
        for name, value in (("SignatureMethod", "HMAC-SHA1"), ("SignatureVersion", "1.0"),
                            ("Action", "SendSms"), ("Version", "2017-05-25")):
            if f.get(name) != value:
                return 400, self._error("InvalidParameter", f"{name} must be {value}")
        try:
            stamp = datetime.strptime(f.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return 400, self._error("InvalidTimeStamp.Format", "Specified time stamp or date "
                                                               "value is not well formatted.")
        if abs(stamp.replace(tzinfo=UTC).timestamp() - time.time()) > 15 * 60:
            return 400, self._error("InvalidTimeStamp.Expired", "Specified time stamp or date "
                                                                "value is expired.")
        if f.get("Signature") != aliyun_expected_signature(request.method, f, secret):
            return 400, self._error("SignatureDoesNotMatch", "Specified signature is not "
                                                             "matched with our calculation.")
        nonce = f.get("SignatureNonce", "")
        if not nonce or nonce in self.nonces:
            return 400, self._error("SignatureNonceUsed", "Specified signature nonce was used "
                                                          "already.")
        self.nonces.add(nonce)
        return None

    @staticmethod
    def _error(code: str, message: str) -> dict[str, Any]:
        return {"RequestId": _request_id(), "HostId": "dysmsapi.aliyuncs.com", "Code": code,
                "Message": message, "Recommend": "https://api.aliyun.com/troubleshoot"}


# --- Tencent ------------------------------------------------------------------------------

_AUTH = re.compile(r"TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d\d-\d\d)/"
                   r"(?P<service>[a-z]+)/tc3_request, SignedHeaders=(?P<signed>[a-z0-9;-]+), "
                   r"Signature=(?P<signature>[0-9a-f]{64})")


def tc3_expected_signature(secret_key: str, date: str, service: str,
                           canonical_request: str, timestamp: str) -> str:
    """The signature of a canonical request, derived as the documentation's pseudo-code
    says: SecretDate, SecretService, SecretSigning, then HexEncode(HMAC_SHA256(…))."""
    def sign(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()

    hashed = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    to_sign = "\n".join(["TC3-HMAC-SHA256", timestamp, f"{date}/{service}/tc3_request", hashed])
    secret_date = sign(("TC3" + secret_key).encode("utf-8"), date)
    secret_service = sign(secret_date, service)
    secret_signing = sign(secret_service, "tc3_request")
    return hmac.new(secret_signing, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


class TencentServer(_Server):
    """Tencent Cloud's ``sms.tencentcloudapi.com``: SendSms by POSTed JSON."""

    def __init__(self, secrets: dict[str, str], cert: tuple[Path, Path] | None = None) -> None:
        super().__init__(secrets, cert)
        self.sent = 0

    @staticmethod
    def error(code: str, message: str) -> Reply:
        """A whole request refused: ``{"Response": {"Error": …, "RequestId": …}}``."""
        return 200, {"Response": {"Error": {"Code": code, "Message": message},
                                  "RequestId": _request_id()}}

    @staticmethod
    def per_number(codes: dict[str, tuple[str, str]]) -> Callable[[Received], Reply]:
        """Answer each number with its (Code, Message) from ``codes``, others ``Ok``."""
        def answer(request: Received) -> Reply:
            statuses = []
            for n, number in enumerate(request.fields["PhoneNumberSet"]):
                code, message = codes.get(number, ("Ok", "send success"))
                statuses.append({"SerialNo": f"2645:13231654761168704979{n:05d}" if code == "Ok"
                                 else "", "PhoneNumber": number, "Fee": 1 if code == "Ok" else 0,
                                 "SessionContext": "", "Code": code, "Message": message,
                                 "IsoCode": "CN"})
            return 200, {"Response": {"SendStatusSet": statuses, "RequestId": _request_id()}}
        return answer

    def handle(self, request: Received) -> Reply:
        refusal = self._verify(request)
        if refusal is not None:
            request.problem = refusal[1]["Response"]["Error"]["Code"]
            return refusal
        request.signature_ok = True
        try:
            request.fields = json.loads(request.body)
        except ValueError:
            return self.error("InvalidParameter", "the body is not JSON")
        scripted = self._scripted(request)
        if scripted is not None:
            return scripted
        self.sent += 1
        return self.per_number({})(request)

    def _verify(self, request: Received) -> Reply | None:
        h = request.headers
        match = _AUTH.fullmatch(h.get("authorization", ""))
        if match is None:
            return self.error("AuthFailure.SignatureFailure", "The provided credentials could "
                              "not be validated. Please check your signature is correct.")
        secret = self.secrets.get(match["id"])
        if secret is None:
            return self.error("AuthFailure.SecretIdNotFound", "The SecretId is not found, "
                              "please ensure that your SecretId is correct.")
        if h.get("x-tc-action") != "SendSms" or h.get("x-tc-version") != "2021-01-11":
            return self.error("InvalidAction", "the action or its version is not SendSms "
                              "2021-01-11")
        timestamp = h.get("x-tc-timestamp", "")
        if not timestamp.isdigit() or abs(int(timestamp) - time.time()) > 300:
            return self.error("AuthFailure.SignatureExpire", "Signature expired.")
        day = datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%d")
        signed = match["signed"].split(";")
        if match["date"] != day or match["service"] != "sms" or \
                not {"content-type", "host"} <= set(signed) or signed != sorted(signed):
            return self.error("AuthFailure.SignatureFailure", "The credential scope or the "
                              "signed headers are wrong.")
        canonical_headers = "".join(f"{name}:{h.get(name, '').strip().lower()}\n"
                                    for name in signed)
        path, _, query = request.path.partition("?")
        canonical = "\n".join([request.method, path, query, canonical_headers,
                               match["signed"], hashlib.sha256(request.body).hexdigest()])
        expected = tc3_expected_signature(secret, day, "sms", canonical, timestamp)
        if not hmac.compare_digest(expected, match["signature"]):
            return self.error("AuthFailure.SignatureFailure", "The provided credentials could "
                              "not be validated. Please check your signature is correct.")
        return None
