"""Aliyun SMS (阿里云短信服务): the RPC action ``SendSms`` of API version 2017-05-25.

A request is a set of parameters — the common ones (``AccessKeyId``, ``Format``,
``SignatureMethod=HMAC-SHA1``, ``SignatureVersion=1.0``, ``SignatureNonce``, ``Timestamp``
in UTC ISO 8601, ``Version``) and the action's (``PhoneNumbers``, ``SignName``,
``TemplateCode``, ``TemplateParam`` as JSON) — signed as Aliyun's 签名机制 describes:

1. percent-encode each name and value as RFC 3986 says (UTF-8; ``A–Z a–z 0–9 - _ . ~``
   kept, a space as ``%20``, never ``+``), sort by name, join as ``name=value`` with
   ``&``: the canonicalized query string;
2. ``StringToSign = METHOD + "&" + encode("/") + "&" + encode(canonicalized query)``;
3. ``Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))``.

The parameters are POSTed as a form, so the phone numbers stay out of URLs and logs.
The answer is JSON: ``Code`` ``OK`` with a ``BizId`` is sent; throttling
(``isv.BUSINESS_LIMIT_CONTROL``), quotas, balance, server errors and the account's own
setup (a key, the clock, a permission: nothing was sent) are tried again later; every
other code (template, sign name, parameters, number) is final, kept with its message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote

from pressdocs._version import __version__
from pressdocs.builtin.channel_sms.payload import SmsRequest
from pressdocs.builtin.channel_sms.settings import SmsSettings
from pressdocs.builtin.channel_sms.transport import Answer, Endpoint, post
from pressdocs.capabilities import Delivery
from pressdocs.errors import ChannelError
from pressdocs.models import Message

__all__ = ["canonicalized_query", "percent_encode", "send_sms", "signature", "string_to_sign"]

VERSION = "2017-05-25"

#: Codes that say "not now" rather than "never": throttling and quotas, the account's
#: balance or service state, Aliyun's own faults, and the office's credentials, clock
#: or permissions (nothing was sent; once put right, the notice goes out).
_RETRY_CODES = frozenset({
    "isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL",
    "isv.AMOUNT_NOT_ENOUGH", "isv.OUT_OF_SERVICE", "isv.SYSTEM_ERROR", "isp.SYSTEM_ERROR",
    "isp.RAM_PERMISSION_DENY", "SignatureDoesNotMatch", "SignatureNonceUsed",
    "IncompleteSignature", "ServiceUnavailable", "InternalError",
})
_RETRY_PREFIXES = ("Throttling", "InvalidAccessKeyId", "InvalidTimeStamp", "Forbidden")


def provider_name() -> Message:
    """阿里云 / Aliyun, for messages."""
    return Message.of("sms.aliyun")


def percent_encode(text: str) -> str:
    """RFC 3986 percent-encoding of UTF-8 text, as the signature wants it."""
    return quote(text, safe="-_.~")


def canonicalized_query(params: Mapping[str, str]) -> str:
    """The parameters, encoded, sorted by name and joined with ``&``."""
    return "&".join(f"{percent_encode(name)}={percent_encode(params[name])}"
                    for name in sorted(params))


def string_to_sign(method: str, params: Mapping[str, str]) -> str:
    """``METHOD&%2F&<the canonicalized query, encoded once more>``."""
    return f"{method}&{percent_encode('/')}&{percent_encode(canonicalized_query(params))}"


def signature(secret: str, method: str, params: Mapping[str, str]) -> str:
    """Base64 of HMAC-SHA1 over the string to sign, keyed with ``secret + "&"``."""
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(method, params).encode(),
                      hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def send_sms(settings: SmsSettings, endpoint: Endpoint, request: SmsRequest) -> Delivery:
    """Send ``request`` once (SendSms is not idempotent: never retried here)."""
    params = {
        "AccessKeyId": settings.key_id(),
        "Action": "SendSms",
        "Format": "JSON",
        "PhoneNumbers": ",".join(_number(p.e164) for p in request.numbers),
        "RegionId": settings.region,
        "SignName": request.sign_name,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": str(uuid.uuid4()),
        "SignatureVersion": "1.0",
        "TemplateCode": request.template,
        "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": VERSION,
    }
    if request.variables:
        params["TemplateParam"] = json.dumps(dict(request.variables), ensure_ascii=False,
                                             separators=(",", ":"))
    sign = signature(settings.access_key_secret.reveal(), "POST", params)
    body = f"{canonicalized_query(params)}&Signature={percent_encode(sign)}".encode("ascii")
    headers = {"Host": endpoint.host, "Accept": "application/json",
               "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
               "User-Agent": f"pressdocs/{__version__}"}
    answer = post(endpoint, body, headers, timeout=settings.timeout, ca_file=settings.ca_file,
                  provider=provider_name())
    return judge(answer)


def judge(answer: Answer) -> Delivery:
    """What Aliyun's answer means for the notice (see the module's docstring)."""
    try:
        doc = json.loads(answer.body)
    except ValueError:
        doc = None
    if not isinstance(doc, dict) or "Code" not in doc:
        key = "sms.unavailable" if answer.status >= 500 else "sms.bad_answer"
        raise ChannelError.of(key, provider=provider_name(), status=answer.status,
                              body=answer.snippet())
    code = str(doc["Code"])
    if answer.status == 200 and code == "OK":
        return Delivery("sent", str(doc.get("BizId", "")))
    detail = Message.of("sms.answer", provider=provider_name(), code=code,
                        message=str(doc.get("Message", "")),
                        request_id=str(doc.get("RequestId", "")))
    later = answer.status >= 500 or code in _RETRY_CODES or code.startswith(_RETRY_PREFIXES)
    return Delivery("failed" if later else "abandoned", detail.zh)


def _number(e164: str) -> str:
    """A number as SendSms takes it: 11 digits in mainland China, else with the country
    code and no ``+``."""
    return e164.removeprefix("+86") if e164.startswith("+86") else e164.lstrip("+")
