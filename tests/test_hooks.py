"""One test per hook: pressdocs calls it at the documented moment with the documented arguments.

``tests/test_meta.py`` fails when a hook in ``hookspecs.py`` has no ``test_hook_<name>`` here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from pressdocs import (
    Channel,
    Classification,
    Classifier,
    Config,
    Content,
    Context,
    Delivery,
    DocumentKind,
    Event,
    Exporter,
    MailSource,
    Message,
    Notice,
    Parser,
    Plan,
    PlanImported,
    PlanItem,
    Pressdocs,
    RawMessage,
    Validator,
    hookimpl,
    load_plugins,
)


def _only(plugin: object, name: str = "t") -> Any:
    return load_plugins(builtins=(), entry_points=False, strict=True, extra=[(name, plugin)])


def test_hook_register_parsers() -> None:
    class P(Parser):
        name = "p"

    class Plugin:
        @hookimpl
        def register_parsers(self, register):  # type: ignore[no-untyped-def]
            register(P())

    assert [p.name for p in _only(Plugin()).registry.of(Parser)] == ["p"]


def test_hook_register_classifiers() -> None:
    class C(Classifier):
        name = "c"

        def classify(self, content: Content, name: str) -> Classification | None:
            return Classification(DocumentKind.OTHER, 0.1, Message.literal("测试", "test"))

    class Plugin:
        @hookimpl
        def register_classifiers(self, register):  # type: ignore[no-untyped-def]
            register(C())

    (c,) = _only(Plugin()).registry.of(Classifier)
    assert c.classify(Content("text/plain"), "x").kind is DocumentKind.OTHER


def test_hook_register_validators() -> None:
    class V(Validator):
        name = code = "ZZ999"

    class Plugin:
        @hookimpl
        def register_validators(self, register):  # type: ignore[no-untyped-def]
            register(V())

    assert [v.code for v in _only(Plugin()).registry.of(Validator)] == ["ZZ999"]


def test_hook_register_channels(tmp_path: Path) -> None:
    class Outbox(Channel):
        name = "outbox"

        def __init__(self) -> None:
            self.sent: list[str] = []

        def send(self, notice: Notice, context: Context) -> Delivery:
            self.sent.append(notice.key)
            return Delivery("sent")

    class Plugin:
        @hookimpl
        def register_channels(self, register):  # type: ignore[no-untyped-def]
            register(Outbox())

    app = Pressdocs(store=tmp_path, plugins=_only(Plugin()))
    (ch,) = app.plugins.registry.of(Channel)
    assert app.send(Notice("k1", "outbox", ["a@b.cn"], "receipt")).status == "sent"
    assert ch.sent == ["k1"]  # type: ignore[attr-defined]


def test_hook_register_exporters(tmp_path: Path) -> None:
    @dataclass
    class Count:
        n: int

    class Text(Exporter):
        name = "text"
        formats = ("txt",)
        subjects = (Count,)

        def export(self, subject: Any, path: Path, context: Context) -> Path:
            path.write_text(f"{type(subject).__name__}:{subject.n}", encoding="utf-8")
            return path

    class Plugin:
        @hookimpl
        def register_exporters(self, register):  # type: ignore[no-untyped-def]
            register(Text())

    app = Pressdocs(plugins=_only(Plugin()))
    out = app.export(Count(3), tmp_path / "s.txt")
    assert out.read_text(encoding="utf-8") == "Count:3"


def test_hook_register_mail_sources() -> None:
    class Memory(MailSource):
        name = "memory"
        schemes = ("memory",)

        def handles(self, location: str) -> bool:
            return location.startswith("memory:")

        def messages(self, location: str, context: Context,
                     since: Any = None) -> Iterator[RawMessage]:
            yield RawMessage(location, "1", b"Subject: x\r\n\r\nbody")

    class Plugin:
        @hookimpl
        def register_mail_sources(self, register):  # type: ignore[no-untyped-def]
            register(Memory())

    (src,) = _only(Plugin()).registry.of(MailSource)
    assert [m.key for m in src.messages("memory:x", Context(config=Config()))] == ["1"]


def test_hook_register_blob_buckets(tmp_path: Path) -> None:
    """A bucket registered by the hook keeps a store directory's originals too; a blob
    this machine lost comes back from it."""
    from test_blob_bucket import SCHEME, FolderBucket
    from test_blob_bucket import Plugin as BucketPlugin

    bucket = FolderBucket()
    (tmp_path / "bucket").mkdir()
    config = tmp_path / "pressdocs.toml"
    config.write_text(f'bucket = "{SCHEME}{tmp_path / "bucket"}"\n', "utf-8")
    app = Pressdocs(config=config, store=tmp_path / "store", plugins=_only(BucketPlugin(bucket)))
    sha = app.store.put_blob("登记表".encode())
    assert (tmp_path / "bucket" / sha).read_bytes() == "登记表".encode()
    local = app.store.blob_path(sha)
    local.chmod(0o644)
    local.unlink()
    assert app.store.get_blob(sha) == "登记表".encode() and bucket.calls["get"] == 1
    app.close()


def test_hook_register_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    from pressdocs import cli as cli_module

    class Plugin:
        @hookimpl
        def register_commands(self, cli):  # type: ignore[no-untyped-def]
            @cli.command("ping-office")
            def ping() -> None:
                click.echo("pong 新闻办")

    plugins = _only(Plugin())
    app = Pressdocs(plugins=plugins)
    group = click.Group(commands=dict(cli_module.cli.commands), callback=cli_module.cli.callback,
                        params=cli_module.cli.params)
    plugins.hook.register_commands(cli=group)
    result = CliRunner().invoke(group, ["ping-office"], obj=app)
    assert (result.exit_code, result.output) == (0, "pong 新闻办\n")
    assert "ping-office" not in cli_module.cli.commands  # the real CLI is untouched


def test_hook_register_routes(tmp_path: Path) -> None:
    """A plugin's page is served by the review desk, behind its login."""
    pytest.importorskip("starlette", reason="the review desk needs pressdocs[web]")
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from pressdocs.web.app import create_app
    from pressdocs.web.desk import Desk
    from pressdocs.web.security import Refused

    def weekly(request):  # type: ignore[no-untyped-def]
        if not request.user.is_authenticated:
            raise Refused(401, "web.refused.login")
        return PlainTextResponse(f"本周简报 for {request.user.display_name}")

    class Plugin:
        @hookimpl
        def register_routes(self, register):  # type: ignore[no-untyped-def]
            register(Route("/weekly", weekly))

    store = tmp_path / "store"
    with Pressdocs(store=store) as app:
        app.add_user("wang", "reviewer-pass-1", role="reviewer")
    desk = Desk(config=Config(), store=store, plugins=_only(Plugin()))
    client = TestClient(create_app(desk, secret="s" * 32))
    anonymous = client.get("/weekly", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login?next=/weekly"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    client.post("/login", data={"name": "wang", "password": "reviewer-pass-1",
                                "csrf_token": token[1]})
    assert client.get("/weekly").text == "本周简报 for wang"


def test_hook_prepare_config(tmp_path: Path) -> None:
    class Plugin:
        @hookimpl
        def prepare_config(self, config: Config) -> None:
            config.city = "马鞍山市"

    app = Pressdocs(plugins=_only(Plugin()))
    assert app.config.city == "马鞍山市"


def test_hook_handle_event(tmp_path: Path) -> None:
    seen: list[Event] = []

    class Plugin:
        @hookimpl
        def handle_event(self, event: Event) -> None:
            seen.append(event)

    app = Pressdocs(store=tmp_path, plugins=_only(Plugin()))
    plan = Plan(2021, [PlanItem(1, "市政府新闻发布厅", 3, "一季度经济运行", ["市统计局"])])
    assert app.emit(PlanImported(plan=plan)) == []
    assert [(e.name, e.committed, e.dry_run) for e in seen] == [("plan_imported", True, False)]
    assert isinstance(seen[0], PlanImported) and seen[0].plan is plan


def test_hook_prepare_submission(tmp_path: Path) -> None:
    calls: list[str] = []

    class Plugin:
        @hookimpl
        def prepare_submission(self, submission: Any, config: Config) -> None:
            calls.append(submission.documents[0].name)
            submission.unit = f"{config.city}统计局"

    app = Pressdocs(plugins=_only(Plugin()))
    picture = tmp_path / "图片1.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20 + b"IEND\xaeB`\x82")
    sub = app.check(picture)
    assert calls == ["图片1.png"]
    assert sub.unit == "芜湖市统计局"
