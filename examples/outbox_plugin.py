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

Run as a script, it takes in a mailbox (default: the demo mailbox) with a receipt
queued for each new submission, sends them through this channel and prints them:

    python examples/outbox_plugin.py [MAILBOX]
"""

from __future__ import annotations

from collections.abc import Callable

from pressdocs import Channel, Context, Delivery, Event, Notice, hookimpl


class Outbox(Channel):
    """A channel that delivers into :attr:`sent` instead of the outside world."""

    name = "memory"
    description = "测试用通知渠道：把通知记在内存里，不真正发送"
    reaches = "email"  # its recipients are the units' addresses, as for the email channel

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


if __name__ == "__main__":
    import sys
    import tempfile
    from pathlib import Path

    import outbox_plugin  # this file as a module of its own name: the plugin "outbox_plugin"
    from demo_mailbox import write_mailbox

    from pressdocs import Pressdocs
    from pressdocs.config import config_from_dict

    # what pressdocs.toml would say: [notify] channels = ["memory"], and the plugin's table
    config = config_from_dict({"notify": {"channels": ["memory"]},
                               "plugins": {"outbox_plugin": {"sender": "市新闻办值班室"}}})
    with tempfile.TemporaryDirectory() as work, \
            Pressdocs(store=Path(work) / "store", config=config, plugins=[outbox_plugin]) as pd:
        mailbox = sys.argv[1] if len(sys.argv) > 1 else str(Path(work) / "mail")
        if len(sys.argv) == 1:
            write_mailbox(Path(mailbox))
        pd.batch(mailbox, receipts=True)   # a receipt (回执) queued for each new submission
        sent = pd.notify()                 # each queued notice through its channel, once
    for outcome in sent.outcomes:          # what the channel answered: its Delivery
        notice = outcome.notice
        print(f"{outcome.to_dict()['status_label']}（{outcome.detail}）："
              f"{'、'.join(notice.recipients)}《{notice.context['subject']}》")
    print(f"通道 memory 收到 {len(outbox_plugin.OUTBOX.sent)} 条通知，"
          f"NoticeSent 事件 {outbox_plugin.EVENTS.count('notice_sent')} 次")
