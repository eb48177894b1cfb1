"""The SMS channel's settings: the ``[notify.sms]`` table of ``pressdocs.toml``.

::

    [notify.sms]
    provider = "aliyun"                                  # or "tencent"
    access_key_id = "LTAI5tExampleKeyId"                 # Aliyun AccessKey ID / Tencent SecretId
    access_key_secret = {env = "PRESSDOCS_SMS_SECRET"}   # AccessKey Secret / SecretKey
    sign_name = "芜湖市新闻办"                            # 签名, as approved by the provider
    # app_id = "1400006666"            # Tencent only: SmsSdkAppId
    # endpoint = "https://dysmsapi.aliyuncs.com/"        # the provider's public endpoint
    # region = "cn-hangzhou"           # Aliyun RegionId; Tencent X-TC-Region (ap-guangzhou)
    # max_variable_length = 35         # characters per template variable (1–500)
    # timeout = 10                     # seconds (1–600)
    # ca_file = "/etc/ssl/office-ca.pem"

    [notify.sms.templates]             # a template code per notice type
    receipt = "SMS_123456"
    remind_register = {code = "SMS_123457", params = ["unit", "date"]}
    digest = {code = "SMS_123458", sign_name = "芜湖发布"}

A template is a code (Aliyun ``SMS_…``, Tencent a numeric ID) or a table with ``code``
and, optionally, ``params``, the template's variables in order, and ``sign_name``, when
this notice type goes out under another approved sign name.  Tencent templates are
filled by position (``{1}``, ``{2}``), so a Tencent template whose variables are named
needs ``params``; variables named ``"1"``, ``"2"`` … are taken in that order without it.

The endpoint is ``https``; plain ``http`` is allowed only on this machine (127.0.0.1, a
test server), since the request carries the numbers and the message.

The secret stays a :class:`pressdocs.config.Secret` here and is revealed only by the
provider module, just before signing.  A setting missing or wrong is a
:class:`pressdocs.ChannelError`: nothing has been sent, and the notice goes out once the
configuration is put right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pressdocs._messages import did_you_mean
from pressdocs.config import Secret, as_secret, check_range, range_of, within
from pressdocs.errors import ChannelError
from pressdocs.models import Message

__all__ = ["PROVIDERS", "SmsSettings", "TemplateSetting", "read_settings"]

#: Per provider: its public endpoint, default region, and the longest template variable
#: (characters) it takes.  Aliyun notice templates: 35 for the longest variable kind
#: ("其他", names, addresses); Tencent: 12 for accounts of individuals, none for those of
#: organisations (set ``max_variable_length`` higher there).
PROVIDERS: dict[str, tuple[str, str, int]] = {
    "aliyun": ("https://dysmsapi.aliyuncs.com/", "cn-hangzhou", 35),
    "tencent": ("https://sms.tencentcloudapi.com/", "ap-guangzhou", 12),
}

_KNOWN = ("provider", "access_key_id", "access_key_secret", "sign_name", "app_id", "endpoint",
          "region", "timeout", "ca_file", "max_variable_length", "templates",
          "per_minute")  # per_minute: read by the core's pacing
_TIMEOUT = 10.0


@dataclass(frozen=True)
class TemplateSetting:
    """The provider's template for one notice type: its code and, when given, the order
    of its variables and a sign name other than ``[notify.sms] sign_name``."""

    code: str
    params: tuple[str, ...] | None = None
    sign_name: str | None = None


@dataclass(frozen=True)
class SmsSettings:
    """``[notify.sms]``, checked, with the provider's defaults filled in."""

    provider: str
    access_key_id: str | Secret
    access_key_secret: Secret
    sign_name: str
    endpoint: str
    region: str
    templates: dict[str, TemplateSetting]
    # characters per template variable (the provider's default): a whole SMS is at most
    # 500 characters at either provider
    max_variable_length: int = within(1, 500)
    app_id: str = ""
    timeout: float = within(1, 600, _TIMEOUT)  # seconds
    ca_file: str | None = None

    def key_id(self) -> str:
        """The access key ID (a secret too, when the office keeps it in the environment)."""
        key = self.access_key_id
        return key.reveal() if isinstance(key, Secret) else key


def read_settings(notify: dict[str, Any]) -> SmsSettings:
    """Read ``[notify.sms]`` from the ``[notify]`` table; :class:`ChannelError` naming the
    setting when one is missing or wrong."""
    table = notify.get("sms")
    if not isinstance(table, dict) or not table:
        raise ChannelError.of("sms.not_configured")
    for key in table:
        if key not in _KNOWN:
            raise ChannelError.of("sms.unknown_key", key=key,
                                  suggestion=did_you_mean(key, _KNOWN), known=list(_KNOWN))
    provider = _text(table, "provider")
    if provider not in PROVIDERS:
        raise ChannelError.of("sms.bad_provider", value=provider)
    endpoint, region, limit = PROVIDERS[provider]
    if table.get("access_key_secret") is None:
        raise ChannelError.of("sms.missing", key="access_key_secret")
    secret = as_secret(table.get("access_key_secret"))
    if secret is None:
        raise ChannelError.of("sms.secret_in_file", key="access_key_secret")
    key_id = table.get("access_key_id")
    if not isinstance(key_id, Secret):
        key_id = _text(table, "access_key_id")
    return SmsSettings(
        provider=provider,
        access_key_id=key_id,
        access_key_secret=secret,
        sign_name=_text(table, "sign_name"),
        app_id=_text(table, "app_id") if provider == "tencent" else "",
        endpoint=_text(table, "endpoint", endpoint),
        region=_text(table, "region", region),
        timeout=float(_number(table, "timeout", _TIMEOUT)),
        ca_file=_text(table, "ca_file") if "ca_file" in table else None,
        max_variable_length=int(_number(table, "max_variable_length", limit, whole=True)),
        templates=_templates(table.get("templates", {})),
    )


def _templates(value: Any) -> dict[str, TemplateSetting]:
    if not isinstance(value, dict):
        raise _wrong_type("templates", value, "config.type_dict")
    templates = {}
    for notice, setting in value.items():
        key = f"templates.{notice}"
        if isinstance(setting, str | int) and not isinstance(setting, bool):
            templates[notice] = TemplateSetting(str(setting))
        elif isinstance(setting, dict):
            known = ["code", "params", "sign_name"]
            unknown = sorted(set(setting) - set(known))
            if unknown:
                raise ChannelError.of("sms.unknown_key", key=f"{key}.{unknown[0]}",
                                      suggestion=did_you_mean(unknown[0], known), known=known)
            params = setting.get("params")
            if params is not None and not (isinstance(params, list)
                                           and all(isinstance(p, str) for p in params)):
                raise _wrong_type(f"{key}.params", params, "config.type_list")
            templates[notice] = TemplateSetting(
                _text(setting, "code", where=key),
                tuple(params) if params is not None else None,
                _text(setting, "sign_name", where=key) if "sign_name" in setting else None)
        else:
            raise _wrong_type(key, setting, "config.type_str")
    return templates


def _text(table: dict[str, Any], key: str, default: str | None = None, where: str = "") -> str:
    """A text setting (a number is taken as its digits: ``app_id = 1400006666``)."""
    name = f"{where}.{key}" if where else key
    value = table.get(key, default)
    if value is None or value == "":
        raise ChannelError.of("sms.missing", key=name)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise _wrong_type(name, value, "config.type_str")
    return value.strip()


def _number(table: dict[str, Any], key: str, default: float, *, whole: bool = False) -> float:
    """A numeric setting, within the range :class:`SmsSettings` declares for it."""
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int if whole else int | float):
        raise _wrong_type(key, value, "config.type_int" if whole else "config.type_number")
    check_range(f"notify.sms.{key}", value, *range_of(SmsSettings, key), error=ChannelError)
    return value


def _wrong_type(key: str, value: Any, expected: str) -> ChannelError:
    return ChannelError.of("config.wrong_type", key=f"notify.sms.{key}",
                           expected=Message.of(expected), value=value)
