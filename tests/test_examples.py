"""The examples in examples/ work as documented."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from pressdocs import Channel, Event, Notice, load_plugins

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_outbox_plugin_registers_a_channel_that_never_sends_twice() -> None:
    outbox_plugin = _load("outbox_plugin")
    plugins = load_plugins(builtins=(), entry_points=False, extra=[("outbox", outbox_plugin)])
    channel = plugins.registry.get(Channel, "outbox")
    assert channel is not None
    notice = Notice("receipt:abc", "outbox", ["tjj@wuhu.gov.cn"], "receipt", {"unit": "市统计局"})
    assert channel.send(notice).status == "sent"
    assert channel.send(notice).status == "skipped"
    assert [n.key for n in outbox_plugin.OUTBOX.sent] == ["receipt:abc"]
    plugins.emit(Event("notice_sent"))
    assert outbox_plugin.EVENTS == ["notice_sent"]
