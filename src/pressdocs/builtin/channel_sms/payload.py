"""What one SMS request carries, checked before anything is sent.

An SMS is a provider template filled with short variables (``notice.context["sms"]``):
the providers refuse, after review or at sending time, a variable that is too long or
that carries a link (links may only stand in the template's fixed text, where they
were reviewed).  The recipients are mobile numbers, normalised with the project's phone
reader (:func:`pressdocs.text.phones.parse_phone`, Google's ``phonenumbers`` with region
CN).  The payload sent is the payload stored, so none of these problems goes away by
trying again: each is a :class:`Refusal`, and the notice is abandoned with a message
naming the notice type, the variable or the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pressdocs.builtin.channel_sms.settings import TemplateSetting
from pressdocs.errors import ChannelError
from pressdocs.models import Message
from pressdocs.text.phones import Phone, parse_phone

__all__ = ["Refusal", "SmsRequest", "find_link", "mobile_numbers", "template_variables"]

#: A web address: a scheme, ``www.``, or a host ending in a top-level domain seen in
#: links sent by SMS (short links included: ``t.cn/…``, ``dwz.cn/…``, ``url.cn/…``).
#: Its edges are ASCII ones: a link glued to Chinese text (``点t.cn/…查看``) is found,
#: where ``\b`` would take 汉字 for letters of the host.
_LINK = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.|"
    r"(?<![a-z0-9.-])(?:[a-z0-9-]+\.)+(?:com|cn|net|org|gov|edu|info|biz|io|co|cc|me|tv|"
    r"top|xyz|vip|site|online|ltd|link|ly|gl|to|app|shop|club|mobi|wang|ren|tech|icu|fun|"
    r"ink|pub|中国|公司|网络)(?![a-z0-9-]))", re.IGNORECASE | re.ASCII)


class Refusal(Exception):
    """The notice cannot be sent as stored; :attr:`message` says why (permanent)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.zh)
        self.message = message


@dataclass(frozen=True)
class SmsRequest:
    """One request to a provider: the numbers, the sign name, the template, the variables
    in order."""

    numbers: tuple[Phone, ...]
    sign_name: str
    template: str
    variables: tuple[tuple[str, str], ...]


def mobile_numbers(recipients: list[str]) -> tuple[Phone, ...]:
    """The recipients as mobile numbers, each once; :class:`Refusal` naming the first one
    that is not a mobile number."""
    numbers: list[Phone] = []
    for recipient in recipients:
        phone = parse_phone(recipient)
        if phone is None:
            raise Refusal(Message.of("sms.bad_number", number=recipient))
        if phone.kind != "mobile" or phone.extension:
            raise Refusal(Message.of("sms.not_mobile", number=recipient))
        if phone not in numbers:
            numbers.append(phone)
    if not numbers:
        raise Refusal(Message.of("sms.no_recipient"))
    return tuple(numbers)


def template_variables(notice_type: str, variables: Any, template: TemplateSetting, *,
                       by_position: bool, limit: int,
                       provider: Message) -> tuple[tuple[str, str], ...]:
    """The variables to fill ``template`` with, in the template's order.

    ``variables`` is ``notice.context["sms"]``.  The order is ``template.params`` when the
    configuration gives it; otherwise the variables' own order, or, for a provider that
    fills by position (``by_position``: Tencent), the numbers ``"1"``, ``"2"`` … — named
    variables without ``params`` are a :class:`ChannelError` (the configuration lacks the
    order).  A value that is not text, is longer than ``limit`` characters or holds a
    link is a :class:`Refusal`.
    """
    if variables is None:
        variables = {}
    if not isinstance(variables, dict):
        raise Refusal(Message.of("sms.not_variables", notice=notice_type))
    if template.params is not None:
        missing = [name for name in template.params if name not in variables]
        if missing:
            raise Refusal(Message.of("sms.missing_variable", notice=notice_type,
                                     name=missing[0]))
        names = list(template.params)
    elif by_position and variables:
        if not all(str(name).isdigit() for name in variables):
            raise ChannelError.of("sms.order_needed", notice=notice_type, provider=provider,
                                  names=list(variables))
        names = sorted(variables, key=lambda name: int(name))
    else:
        names = list(variables)
    return tuple((str(name), _checked(notice_type, str(name), variables[name], limit, provider))
                 for name in names)


def find_link(value: str) -> str | None:
    """The first web address in ``value`` (``None`` when there is none)."""
    match = _LINK.search(value)
    return match.group(0) if match else None


def _checked(notice_type: str, name: str, value: Any, limit: int, provider: Message) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Refusal(Message.of("sms.not_text", notice=notice_type, name=name, value=value))
    text = str(value)
    # every character counts as one: 汉字, letters, digits, punctuation, spaces alike
    if len(text) > limit:
        raise Refusal(Message.of("sms.too_long", notice=notice_type, name=name, value=text,
                                 length=len(text), limit=limit, provider=provider))
    link = find_link(text)
    if link is not None:
        raise Refusal(Message.of("sms.has_link", notice=notice_type, name=name, link=link))
    return text
