"""The channel inside pressdocs' notifications: the demo mailbox taken in with receipts,
then ``notify`` delivering each receipt to a loopback JSON webhook — to the groups named
in ``[notify.apprise] recipients``, or, with none named, where the plugin's own settings
route each unit — paced at the channel's 20 a minute."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import pressdocs_apprise
from apprise_support import Webhook, clean_env, serve
from pressdocs import Pressdocs, load_plugins

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env(monkeypatch, tmp_path)


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    """A JSON webhook on 127.0.0.1 (``json://127.0.0.1:PORT/PATH`` in Apprise's words)."""
    with serve() as hook:
        yield hook


@pytest.fixture
def demo_mail(tmp_path: Path) -> Path:
    """The repository's demo mailbox (examples/demo_mailbox.py): four units and a spammer."""
    spec = importlib.util.spec_from_file_location("demo_mailbox",
                                                  REPO / "examples" / "demo_mailbox.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_mailbox(tmp_path / "mail")
    return tmp_path / "mail"


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses pressdocs makes between notices, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def app(tmp_path: Path, toml: str) -> Pressdocs:
    (tmp_path / "pressdocs.toml").write_text(toml, encoding="utf-8")
    plugins = load_plugins(entry_points=False, strict=True,
                           extra=[("apprise", pressdocs_apprise)])
    return Pressdocs(config=tmp_path / "pressdocs.toml", store=tmp_path / "store",
                     plugins=plugins)


def test_receipts_reach_the_groups_named_and_are_paced(
        tmp_path: Path, webhook: Webhook, demo_mail: Path, pauses: list[float]) -> None:
    toml = f"""
[notify]
channels = ["apprise"]

[notify.apprise]
recipients = ["办公室群"]

[plugins.apprise.groups]
"办公室群" = "{webhook.url("/office")}"
"""
    with app(tmp_path, toml) as pd:
        queued = pd.batch(str(demo_mail), receipts=True).receipts
        report = pd.notify()
        again = pd.notify()

    assert len(queued) >= 3 and all(q.notice.recipients == ["办公室群"] for q in queued)
    assert [o.status for o in report.outcomes] == ["sent"] * len(queued)
    assert again.outcomes == []  # each sent once
    titles = [r.body["title"] for r in webhook.received]
    assert sorted(titles) == sorted(q.notice.context["subject"] for q in queued)
    assert any("市统计局" in t for t in titles) and any("市人社局" in t for t in titles)
    assert all(r.body["message"].strip() for r in webhook.received)
    # 20 a minute: about 3 seconds between two notices (less the time sending took)
    assert len(pauses) == len(queued) - 1 and all(2 < p <= 3 for p in pauses)


def test_with_no_group_named_each_unit_goes_where_the_plugin_routes_it(
        tmp_path: Path, webhook: Webhook, demo_mail: Path, pauses: list[float]) -> None:
    toml = f"""
[notify]
channels = ["apprise"]

[plugins.apprise]
urls = ["{webhook.url("/office")}"]

[plugins.apprise.units]
"市统计局" = "{webhook.url("/tjj")}"
"""
    with app(tmp_path, toml) as pd:
        queued = pd.batch(str(demo_mail), receipts=True).receipts
        report = pd.notify()

    assert all(q.notice.recipients == [] for q in queued)
    assert [o.status for o in report.outcomes] == ["sent"] * len(queued)
    by_path = {(r.path, r.body["title"]) for r in webhook.received}
    tjj = [q.notice.context["subject"] for q in queued if "统计局" in q.notice.unit]
    others = [q.notice.context["subject"] for q in queued if "统计局" not in q.notice.unit]
    assert tjj and others
    assert by_path == {("/tjj", t) for t in tjj} | {("/office", t) for t in others}
