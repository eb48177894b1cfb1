"""Built-in channel ``sms``: text messages through Aliyun or Tencent Cloud SMS.

Chinese providers send only reviewed templates: the office has a sign name (签名, shown
as 【芜湖市新闻办】) and, per notice type, a template with a few short variables.  The
notice brings the variables (``notice.context["sms"]``) and the mobiles
(``notice.recipients``); ``[notify.sms]`` brings the provider, the keys, the sign name
and the template per notice type (see :mod:`.settings` and docs/sms.md).

How a notice ends (the core stores it and decides about trying again):

- ``Delivery("sent", id)`` — the provider accepted it (Aliyun's ``BizId``, Tencent's
  ``SerialNo``);
- ``Delivery("failed", …)`` or :class:`pressdocs.ChannelError` — not now: throttling,
  the provider's faults, an unreachable endpoint, or a setting that is missing or wrong
  (nothing was sent);
- ``Delivery("abandoned", …)`` — never: a number that is not a mobile, a variable too
  long or holding a link, or the provider refusing the template, sign name, parameters
  or number; the provider's code and message are kept.

``SendSms`` is not idempotent, so :meth:`SmsChannel.send` makes exactly one request
and never retries; the core sends each notice key once.

Modules: :mod:`.settings` (``[notify.sms]``), :mod:`.payload` (numbers and variables),
:mod:`.aliyun` and :mod:`.tencent` (signing and answers), :mod:`.transport` (the POST).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pressdocs.builtin.channel_sms import aliyun, tencent
from pressdocs.builtin.channel_sms.payload import (
    Refusal,
    SmsRequest,
    mobile_numbers,
    template_variables,
)
from pressdocs.builtin.channel_sms.settings import SmsSettings, read_settings
from pressdocs.builtin.channel_sms.transport import Endpoint, is_loopback, parse_endpoint
from pressdocs.capabilities import Channel, Context, Delivery
from pressdocs.errors import ChannelError, ConfigError
from pressdocs.hookspecs import hookimpl
from pressdocs.models import Message, Notice

__all__ = ["SmsChannel"]


@dataclass(frozen=True)
class _Provider:
    name: Callable[[], Message]
    send: Callable[[SmsSettings, Endpoint, SmsRequest], Delivery]
    by_position: bool  # template variables filled by position ({1}, {2}), not by name


_PROVIDERS = {
    "aliyun": _Provider(aliyun.provider_name, aliyun.send_sms, by_position=False),
    "tencent": _Provider(tencent.provider_name, tencent.send_sms, by_position=True),
}


class SmsChannel(Channel):
    """Sends a notice as one templated SMS to its recipients' mobiles."""

    name = "sms"
    reaches = "mobile"
    description = "短信（阿里云、腾讯云短信模板）"

    def send(self, notice: Notice, context: Context) -> Delivery:
        settings = read_settings(context.config.notify)
        provider = _PROVIDERS[settings.provider]
        endpoint = parse_endpoint(settings.endpoint)
        if endpoint is None:
            raise ChannelError.of("sms.bad_endpoint", value=settings.endpoint)
        if not endpoint.tls and not is_loopback(endpoint.hostname):
            raise ChannelError.of("sms.plain_not_local", value=settings.endpoint)
        template = settings.templates.get(notice.template)
        if template is None:
            raise ChannelError.of("sms.no_template", notice=notice.template)
        try:
            request = SmsRequest(
                numbers=mobile_numbers(notice.recipients),
                sign_name=template.sign_name or settings.sign_name,
                template=template.code,
                variables=template_variables(
                    notice.template, notice.context.get("sms"), template,
                    by_position=provider.by_position, limit=settings.max_variable_length,
                    provider=provider.name()))
        except Refusal as refusal:
            return Delivery("abandoned", refusal.message.zh)
        try:
            return provider.send(settings, endpoint, request)
        except ConfigError as exc:  # a key in the environment is not set: nothing was sent
            raise ChannelError(exc.message) from None


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(SmsChannel())
