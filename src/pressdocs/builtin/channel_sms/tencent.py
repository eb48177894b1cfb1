"""Tencent Cloud SMS (腾讯云短信): API 3.0 action ``SendSms``, version 2021-01-11.

The request is a JSON body POSTed with the common parameters in headers (``X-TC-Action``,
``X-TC-Version``, ``X-TC-Timestamp``, ``X-TC-Region``) and signed with TC3-HMAC-SHA256
(签名方法 v3):

1. ``CanonicalRequest = METHOD\\n URI\\n QUERY\\n CanonicalHeaders\\n SignedHeaders\\n
   hex(SHA256(body))``, where the signed headers (at least ``content-type`` and ``host``)
   are written ``name:value\\n``, names and values lower-cased and trimmed, sorted;
2. ``StringToSign = "TC3-HMAC-SHA256"\\n timestamp\\n date/service/tc3_request\\n
   hex(SHA256(CanonicalRequest))``, the date being the timestamp's UTC date;
3. the signing key is derived ``HMAC("TC3" + SecretKey, date)`` → ``HMAC(·, service)``
   → ``HMAC(·, "tc3_request")``, and the signature is ``hex(HMAC(key, StringToSign))``;
4. ``Authorization: TC3-HMAC-SHA256 Credential=SecretId/scope, SignedHeaders=…,
   Signature=…``.

The body carries ``PhoneNumberSet`` (E.164: ``+8613905531234``), ``SmsSdkAppId``,
``SignName``, ``TemplateId`` and ``TemplateParamSet`` (the variables in the template's
order).  The answer is ``{"Response": …}``: an ``Error`` for the whole request, or a
``SendStatusSet`` with a ``Code`` per number (``Ok`` when sent, with its ``SerialNo``).
Throttling (``RequestLimitExceeded``, ``LimitExceeded.*``), Tencent's faults, the
balance and the account's own credentials or app ID are tried again later; anything else
is final.  When some numbers got the message and others did not, trying again would
send it twice to the first: the notice is abandoned with what went where.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pressdocs._version import __version__
from pressdocs.builtin.channel_sms.payload import SmsRequest
from pressdocs.builtin.channel_sms.settings import SmsSettings
from pressdocs.builtin.channel_sms.transport import Answer, Endpoint, post
from pressdocs.capabilities import Delivery
from pressdocs.errors import ChannelError
from pressdocs.models import Message

__all__ = ["authorization", "canonical_request", "send_sms", "signature", "string_to_sign"]

ALGORITHM = "TC3-HMAC-SHA256"
SERVICE = "sms"
VERSION = "2021-01-11"
CONTENT_TYPE = "application/json; charset=utf-8"

_RETRY_PREFIXES = ("RequestLimitExceeded", "LimitExceeded", "InternalError", "AuthFailure",
                   "ResourceUnavailable")
_RETRY_CODES = frozenset({
    "FailedOperation.InsufficientBalanceInSmsPackage",
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
    "UnauthorizedOperation.ServiceSuspendDueToArrears",
    "UnauthorizedOperation.RequestIpNotInWhitelist",
    "UnauthorizedOperation.RequestPermissionDeny",
})


def provider_name() -> Message:
    """腾讯云 / Tencent Cloud, for messages."""
    return Message.of("sms.tencent")


def canonical_request(method: str, path: str, query: str, headers: Mapping[str, str],
                      payload: bytes) -> tuple[str, str]:
    """The canonical request and the signed headers' names (``content-type;host``):
    every header in ``headers`` is signed."""
    signed = {name.strip().lower(): value.strip().lower() for name, value in headers.items()}
    names = sorted(signed)
    canonical_headers = "".join(f"{name}:{signed[name]}\n" for name in names)
    signed_headers = ";".join(names)
    payload_hash = hashlib.sha256(payload).hexdigest()
    return (f"{method}\n{path}\n{query}\n{canonical_headers}\n{signed_headers}\n"
            f"{payload_hash}"), signed_headers


def credential_scope(timestamp: int, service: str) -> str:
    """``2019-02-25/cvm/tc3_request``: the timestamp's UTC date, the service, the end."""
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    return f"{day}/{service}/tc3_request"


def string_to_sign(timestamp: int, service: str, canonical: str) -> str:
    hashed = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{timestamp}\n{credential_scope(timestamp, service)}\n{hashed}"


def signature(secret_key: str, timestamp: int, service: str, to_sign: str) -> str:
    """``hex(HMAC-SHA256(signing key, to_sign))`` with the key derived from the date."""
    day = credential_scope(timestamp, service).split("/", 1)[0]
    key = _hmac(f"TC3{secret_key}".encode(), day)
    key = _hmac(key, service)
    key = _hmac(key, "tc3_request")
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(secret_id: str, secret_key: str, *, service: str, timestamp: int,
                  headers: Mapping[str, str], payload: bytes, method: str = "POST",
                  path: str = "/", query: str = "") -> str:
    """The ``Authorization`` header for a request whose signed headers are ``headers``."""
    canonical, signed_headers = canonical_request(method, path, query, headers, payload)
    sign = signature(secret_key, timestamp, service,
                     string_to_sign(timestamp, service, canonical))
    return (f"{ALGORITHM} Credential={secret_id}/{credential_scope(timestamp, service)}, "
            f"SignedHeaders={signed_headers}, Signature={sign}")


def send_sms(settings: SmsSettings, endpoint: Endpoint, request: SmsRequest) -> Delivery:
    """Send ``request`` once (SendSms is not idempotent: never retried here)."""
    body = json.dumps({
        "PhoneNumberSet": [p.e164 for p in request.numbers],
        "SmsSdkAppId": settings.app_id,
        "SignName": request.sign_name,
        "TemplateId": request.template,
        "TemplateParamSet": [value for _, value in request.variables],
    }, ensure_ascii=False).encode("utf-8")
    timestamp = int(time.time())
    signed = {"Content-Type": CONTENT_TYPE, "Host": endpoint.host}
    auth = authorization(settings.key_id(), settings.access_key_secret.reveal(),
                         service=SERVICE, timestamp=timestamp, headers=signed, payload=body,
                         path=endpoint.path)
    headers = {**signed, "Authorization": auth, "X-TC-Action": "SendSms",
               "X-TC-Version": VERSION, "X-TC-Timestamp": str(timestamp),
               "X-TC-Region": settings.region, "User-Agent": f"pressdocs/{__version__}"}
    answer = post(endpoint, body, headers, timeout=settings.timeout, ca_file=settings.ca_file,
                  provider=provider_name())
    return judge(answer)


def judge(answer: Answer) -> Delivery:
    """What Tencent's answer means for the notice (see the module's docstring)."""
    try:
        doc = json.loads(answer.body)
    except ValueError:
        doc = None
    response = doc.get("Response") if isinstance(doc, dict) else None
    if not isinstance(response, dict):
        key = "sms.unavailable" if answer.status >= 500 else "sms.bad_answer"
        raise ChannelError.of(key, provider=provider_name(), status=answer.status,
                              body=answer.snippet())
    request_id = str(response.get("RequestId", ""))
    error = response.get("Error")
    if isinstance(error, dict):
        code = str(error.get("Code", ""))
        detail = Message.of("sms.answer", provider=provider_name(), code=code,
                            message=str(error.get("Message", "")), request_id=request_id)
        later = answer.status >= 500 or _later(code)
        return Delivery("failed" if later else "abandoned", detail.zh)
    statuses = [s for s in response.get("SendStatusSet") or [] if isinstance(s, dict)]
    if not statuses:
        raise ChannelError.of("sms.bad_answer", provider=provider_name(), status=answer.status,
                              body=answer.snippet())
    sent = [s for s in statuses if s.get("Code") == "Ok"]
    if len(sent) == len(statuses):
        return Delivery("sent", ", ".join(str(s.get("SerialNo", "")) for s in sent))
    failed = [_number_answer(s) for s in statuses if s.get("Code") != "Ok"]
    if sent:
        detail = Message.of("sms.partial", provider=provider_name(), request_id=request_id,
                            sent=[str(s.get("PhoneNumber", "")) for s in sent], failed=failed)
        return Delivery("abandoned", detail.zh)
    detail = Message.of("sms.numbers_answer", provider=provider_name(), request_id=request_id,
                        failed=failed)
    later = all(_later(str(s.get("Code", ""))) for s in statuses)
    return Delivery("failed" if later else "abandoned", detail.zh)


def _later(code: str) -> bool:
    return code in _RETRY_CODES or code.startswith(_RETRY_PREFIXES)


def _number_answer(status: dict[str, Any]) -> Message:
    return Message.of("sms.number_answer", number=str(status.get("PhoneNumber", "")),
                      code=str(status.get("Code", "")), message=str(status.get("Message", "")))


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()
