"""An example plugin: a notification channel ``memory`` that keeps notices in a list.

Plugin authors can copy it as a starting point, and tests use it as a test double for
notification: it records every notice it is asked to send, and refuses to send the same
idempotency key twice (pressdocs itself sends a key once; a channel that can check
again, should).  It is not the built-in ``outbox`` channel (which writes notices to a
folder): a second channel of that name would be refused.  Use it from Python with
``Pressdocs(plugins=[outbox_plugin])``, or install it through an entry point.  Its
settings come from its table in ``pressdocs.toml`` (``context.plugin_config()``):
``[plugins.outbox_plugin]`` when given to ``Pressdocs`` (a plugin object is named after its
module), ``sender`` naming who the notices come from.
"""

from __future__ import annotations

from collections.abc import Callable

from pressdocs import Channel, Context, Delivery, Event, Notice, hookimpl


class Outbox(Channel):
    """A channel that delivers into :attr:`sent` instead of the outside world."""

    name = "memory"
    description = "测试用通知渠道：把通知记在内存里，不真正发送"

    def __init__(self) -> None:
        self.sent: list[Notice] = []

    def send(self, notice: Notice, context: Context) -> Delivery:
        if any(n.key == notice.key for n in self.sent):
            return Delivery("skipped", notice.key)
        self.sent.append(notice)
        sender = context.plugin_config().get("sender", context.config.office)
        return Delivery("sent", f"memory #{len(self.sent)} from {sender}")


OUTBOX = Outbox()
EVENTS: list[str] = []


@hookimpl
def register_channels(register: Callable[[Channel], None]) -> None:
    register(OUTBOX)


@hookimpl
def handle_event(event: Event) -> None:
    EVENTS.append(event.name)
