"""pressdocs-apprise: a pressdocs channel for every service Apprise supports.

DingTalk (钉钉) and WeCom (企业微信) group robots, Feishu (飞书), Telegram and the rest of
Apprise's list: a notice whose channel is ``"apprise"`` is sent to Apprise URLs taken from
``[plugins.apprise]`` in ``pressdocs.toml`` (README.md has the settings).  The notice's
``subject`` is the message's title and its ``text`` the body.

It is a group channel (``reaches = "group"``): a notice's recipients are the groups
``[notify.apprise] recipients`` names, each group's URLs set under
``[plugins.apprise.groups]``; a notice without recipients is routed by the plugin's own
settings (the URLs of its unit, of its notice type, else ``urls``).

Outcomes, as pressdocs' channel contract has them:

- ``sent``: every URL accepted the message;
- ``failed`` (pressdocs tries again later): a URL did not accept it (an HTTP error, no
  connection) or a URL's secret is not set in the environment;
- ``abandoned`` (never tried again): a URL Apprise cannot use, a group with no URL, a
  setting of the wrong shape, no URL for the notice at all, or a notice without text.

Robots take about 20 messages a minute: ``per_minute = 20`` makes ``pressdocs notify``
pace the channel (``[notify.apprise] per_minute`` changes it).

This module is the example to copy for a channel of your own: one ``Channel`` subclass,
one ``register_channels`` hook, its settings read from ``context.plugin_config()``, and its
own small catalogue of messages in Chinese and English (:data:`MESSAGES`), since a plugin
cannot add keys to pressdocs' catalogue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pressdocs import Channel, ConfigError, Context, Delivery, Message, Notice, Secret, hookimpl

__all__ = ["MESSAGES", "AppriseChannel", "message", "register_channels"]
__version__ = "0.1.0"

#: The plugin's messages for people, Chinese first (the default) and English: the
#: ``detail`` of a delivery is written in the notice's language (``notice.context["lang"]``).
MESSAGES: dict[str, tuple[str, str]] = {
    "delivered": ("已送达 {targets}", "delivered to {targets}"),
    "not_delivered": ("{target} 未送达：{reason}", "{target}: not delivered: {reason}"),
    "no_reason": ("服务未说明原因", "the service gave no reason"),
    "bad_url": ("{where} 不是可用的 Apprise 地址：{url}{reason}。各服务地址的写法见 "
                "https://github.com/caronc/apprise/wiki",
                "{where} is not a usable Apprise URL: {url}{reason}. How to write each "
                "service's URL: https://github.com/caronc/apprise/wiki"),
    "bad_setting": ("[plugins.{plugin}] 中的 {key} 应为 Apprise 地址（字符串，或 "
                    "{{env = \"变量名\"}} 从环境变量读取）或地址的列表",
                    "{key} in [plugins.{plugin}] must be an Apprise URL (a string, or "
                    "{{env = \"VARIABLE\"}} to read it from the environment) or a list of them"),
    "bad_table": ("[plugins.{plugin}] 中的 {key} 应为表：名称 = Apprise 地址",
                  "{key} in [plugins.{plugin}] must be a table: name = Apprise URL"),
    "no_group": ("没有名为“{name}”的群：请在 [plugins.{plugin}.groups] 中设置它的 Apprise 地址",
                 "no group named “{name}”: set its Apprise URL under [plugins.{plugin}.groups]"),
    "no_target": ("通知（{template}，单位：{unit}）没有可发送的 Apprise 地址：请在 "
                  "[plugins.{plugin}] 中设置 urls，或在 units、notices 中为该单位或通知类型设置地址",
                  "no Apprise URL to send the notice ({template}, unit: {unit}) to: set urls "
                  "in [plugins.{plugin}], or a URL for its unit or notice type under units "
                  "or notices"),
    "no_unit": ("无", "none"),
    "no_text": ("通知没有正文（text），无法发送", "the notice has no text to send"),
}

_SEPARATOR = {"zh": "；", "en": "; "}
_APPRISE_LOGGER = "apprise"


def message(name: str, /, **params: Any) -> Message:
    """The plugin's message ``name`` (a key of :data:`MESSAGES`) in both languages; a
    parameter that is itself a :class:`Message` is put in in the same language."""
    zh, en = MESSAGES[name]

    def fill(template: str, lang: str) -> str:
        return template.format(**{k: v.text(lang) if isinstance(v, Message) else v
                                  for k, v in params.items()})

    return Message.literal(fill(zh, "zh"), fill(en, "en"), key=f"apprise.{name}")


@dataclass
class _Target:
    """One URL to send to: where it was set (for messages), as written, and its value."""

    where: str
    written: str | Secret

    def shown(self, lang: str) -> str:
        """The URL as it may be shown: a secret is named by its variable, never revealed."""
        return self.written.note(lang) if isinstance(self.written, Secret) else self.written


class _Refused(Exception):
    """The notice can never be sent as the settings stand: abandoned with ``message``."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.zh)
        self.message = message


class AppriseChannel(Channel):
    """Sends a notice's subject and text to Apprise URLs (group robots and the like)."""

    name = "apprise"
    description = "Apprise：钉钉、企业微信、飞书群机器人，Telegram 等"
    #: Recipients are groups (``[notify.apprise] recipients``), not addresses or mobiles.
    reaches = "group"
    #: ``pressdocs notify`` sends at most this many notices a minute on the channel:
    #: DingTalk and WeCom robots take 20 messages a minute (DingTalk blocks a robot for
    #: 10 minutes past that).  ``[notify.apprise] per_minute`` changes it.
    per_minute = 20.0

    def send(self, notice: Notice, context: Context) -> Delivery:
        lang = _language(notice, context)
        plugin = context.plugin or self.name
        settings = context.plugin_config()
        try:
            targets = _targets(notice, settings, context, plugin)
            if not str(notice.context.get("text") or "").strip():
                raise _Refused(message("no_text"))
        except _Refused as refused:
            return Delivery("abandoned", refused.message.text(lang))

        import apprise

        services: list[Any] = []  # Apprise's service objects, one per URL
        for target in targets:
            try:
                url = target.written.reveal() if isinstance(target.written, Secret) \
                    else target.written
            except ConfigError as exc:  # a variable not set: sent once it is
                return Delivery("failed", exc.message.text(lang))
            with _apprise_warnings() as said:
                service = apprise.Apprise.instantiate(url) if "://" in url else None
            if service is None:
                # Apprise's reason quotes the URL: never for one that holds a secret
                secret = isinstance(target.written, Secret)
                reason = _reason(said, lang) if said and not secret else ""
                return Delivery("abandoned", message(
                    "bad_url", where=target.where, url=target.shown(lang),
                    reason=reason).text(lang))
            services.append(service)

        title = str(notice.context.get("subject") or "")
        body = str(notice.context["text"])
        delivered: list[str] = []
        problems: list[str] = []
        for service in services:
            url_of: Callable[..., Any] = service.url  # typed in some Apprise versions only
            shown = str(url_of(privacy=True)).split("?")[0]  # tokens masked, no options
            with _apprise_warnings() as said:
                try:
                    ok = bool(service.notify(body=body, title=title,
                                             notify_type=apprise.NotifyType.INFO,
                                             body_format=apprise.NotifyFormat.TEXT))
                except Exception as exc:  # a service's bug must not stop the run
                    ok = False
                    said.append(f"{type(exc).__name__}: {exc}")
            if ok:
                delivered.append(shown)
            else:
                problems.append(message("not_delivered", target=shown, reason=(
                    " ".join(said) or message("no_reason").text(lang))).text(lang))
        if delivered:
            done = message("delivered", targets=", ".join(delivered)).text(lang)
            if not problems:
                return Delivery("sent", done)
            problems.append(done)
        return Delivery("failed", _SEPARATOR[lang].join(problems))


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(AppriseChannel())


# --- settings ------------------------------------------------------------------------------


def _language(notice: Notice, context: Context) -> str:
    lang = notice.context.get("lang") or notice.lang or context.lang
    return lang if lang in _SEPARATOR else "zh"


def _targets(notice: Notice, settings: dict[str, Any], context: Context,
             plugin: str) -> list[_Target]:
    """Where ``notice`` goes: the URLs of its recipients, groups named under ``groups`` (a
    recipient is stored with the notice, so it is a name, never a URL with a token); a
    notice without recipients, to the URLs of its unit and of its notice type, and when
    neither gives one, to ``urls``."""
    groups = _table(settings, "groups", plugin)
    chosen: list[_Target] = []
    for recipient in notice.recipients:
        if recipient in groups:
            chosen += _urls(groups[recipient], f"[plugins.{plugin}.groups] {recipient}",
                            plugin, f"groups.{recipient}")
        else:
            raise _Refused(message("no_group", name=recipient, plugin=plugin))
    if not notice.recipients:
        for key, name in (("units", notice.unit), ("notices", notice.template)):
            for entry, value in _table(settings, key, plugin).items():
                if name and _same(key, entry, name, context):
                    chosen += _urls(value, f"[plugins.{plugin}.{key}] {entry}", plugin,
                                    f"{key}.{entry}")
        if not chosen:
            chosen = _urls(settings.get("urls", []), f"[plugins.{plugin}] urls", plugin,
                           "urls")
    if not chosen:
        raise _Refused(message("no_target", plugin=plugin, template=notice.template,
                               unit=notice.unit or message("no_unit")))
    unique: dict[str, _Target] = {}
    for target in chosen:  # the same URL named twice gets the notice once
        unique.setdefault(repr(target.written), target)
    return list(unique.values())


def _table(settings: dict[str, Any], key: str, plugin: str) -> dict[str, Any]:
    table = settings.get(key, {})
    if not isinstance(table, dict):
        raise _Refused(message("bad_table", plugin=plugin, key=key))
    return table


def _same(key: str, entry: str, name: str, context: Context) -> bool:
    """Whether table entry ``entry`` is ``name``: a notice type exactly, a unit as the unit
    directory compares names (芜湖市统计局, 市统计局 and the unit's aliases are one unit)."""
    if entry == name:
        return True
    if key == "notices":
        return False
    config = context.config
    unit = config.find_unit(name)
    if unit is not None and unit is config.find_unit(entry):
        return True
    return bool(config.unit_key(entry)) and config.unit_key(entry) == config.unit_key(name)


def _urls(value: Any, where: str, plugin: str, key: str) -> list[_Target]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str | Secret) for v in values):
        raise _Refused(message("bad_setting", plugin=plugin, key=key))
    if len(values) == 1:
        return [_Target(where, values[0])]
    return [_Target(f"{where}[{i}]", v) for i, v in enumerate(values)]


# --- Apprise's own words ----------------------------------------------------------------------


@contextmanager
def _apprise_warnings() -> Iterator[list[str]]:
    """Collect what Apprise logs at warning level or above while the block runs: why a
    URL was refused, or the service's answer when a message was not accepted.  It goes
    into the delivery's detail only, not to the terminal (it may quote a URL's secret)."""
    said: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(" ".join(record.getMessage().split()))

    logger = logging.getLogger(_APPRISE_LOGGER)
    handler = Collect(logging.WARNING)
    level, propagate = logger.level, logger.propagate
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield said
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _reason(said: list[str], lang: str) -> str:
    text = " ".join(said)
    return f"（{text}）" if lang == "zh" else f" ({text})"
