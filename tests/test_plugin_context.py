"""A plugin's own settings reach its capabilities: ``[plugins.NAME]`` through
``context.plugin_config()``.

A plugin author ships a notification channel (the city's government-affairs WeChat group)
and an exporter (the disclosure site's page), and documents a table of settings for each
plugin.  The office writes them into ``pressdocs.toml``; ``send`` and ``export`` read them,
each its own plugin's table (secrets arrive as :class:`pressdocs.config.Secret`).  A table
for a plugin that is not there is refused, naming it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cli_support import run_pressdocs
from pressdocs import (
    Channel,
    ConfigError,
    Context,
    Delivery,
    Exporter,
    Notice,
    Plan,
    PlanItem,
    Pressdocs,
    hookimpl,
)
from pressdocs._reports import PlanStatusReport
from pressdocs.config import Secret


class WechatGroup(Channel):
    name = "wechat"

    def __init__(self) -> None:
        self.contexts: list[Context] = []

    def send(self, notice: Notice, context: Context) -> Delivery:
        self.contexts.append(context)
        settings = context.plugin_config()
        token = settings["token"]
        assert isinstance(token, Secret)
        return Delivery("sent", f"{settings['group']} <- {notice.key} "
                                f"(token {token.reveal()[:3]}…)")


class DisclosurePage(Exporter):
    name = "disclosure-page"
    formats = ("html",)
    subjects = (PlanStatusReport,)

    def export(self, subject: PlanStatusReport, path: Path, context: Context) -> Path:
        settings = context.plugin_config()
        rows = "".join(f"<li>{s.item.number} {s.item.topic} {s.state.label(context.lang)}</li>"
                       for s in subject.items)
        path.write_text(f"<h1>{settings['heading']}</h1><p>{settings['column']}</p>"
                        f"<ul>{rows}</ul>", encoding="utf-8")
        return path


class Gazette:
    """The plugin: a channel and an exporter (named "Gazette", its class name)."""

    def __init__(self) -> None:
        self.channel = WechatGroup()

    @hookimpl
    def register_channels(self, register):  # type: ignore[no-untyped-def]
        register(self.channel)

    @hookimpl
    def register_exporters(self, register):  # type: ignore[no-untyped-def]
        register(DisclosurePage())


class Neighbour:
    """Another plugin with a table of its own, which Gazette's capabilities must not get."""

    @hookimpl
    def prepare_config(self, config):  # type: ignore[no-untyped-def]
        pass


CONFIG = """
lang = "zh"

[plugins.Gazette]
group = "市政务公开工作群"
token = {env = "GAZETTE_TOKEN"}
heading = "新闻发布会计划执行情况"
column = "新闻发布会实录"

[plugins.Neighbour]
group = "不该读到这一组"
heading = "不该读到这个标题"
"""


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GAZETTE_TOKEN", "wx-secret-123")
    path = tmp_path / "pressdocs.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def _app(tmp_path: Path, config: Path, plugin: Gazette) -> Pressdocs:
    return Pressdocs(config=config, store=tmp_path / "store", plugins=[plugin, Neighbour()],
                     load_entry_points=False, strict=True)


def test_a_channel_reads_its_own_settings_when_sending(tmp_path: Path, config_file: Path) -> None:
    plugin = Gazette()
    with _app(tmp_path, config_file, plugin) as pd:
        notice = Notice("receipt:1", "wechat", ["市统计局"], "receipt", {"unit": "市统计局"})
        delivery = pd.send(notice)
        again = pd.send(notice)
    assert delivery.status == "sent"
    assert delivery.detail == "市政务公开工作群 <- receipt:1 (token wx-…)"
    assert again.status == "skipped"  # once per key, before the channel is asked
    [context] = plugin.channel.contexts
    assert context.plugin == "Gazette" and context.store is not None
    assert context.plugin_config("Neighbour")["group"] == "不该读到这一组"  # asked by name only


def test_an_exporter_reads_its_own_settings(tmp_path: Path, config_file: Path) -> None:
    with _app(tmp_path, config_file, Gazette()) as pd:
        pd.store.save_plan(Plan(2021, [
            PlanItem(11, "市政府新闻发布厅", 4, "2021年一季度全市经济运行情况", ["市统计局"])]))
        report = pd.plan_status(as_of=date(2021, 6, 1))
        out = pd.export(report, tmp_path / "计划执行情况.html")
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<h1>新闻发布会计划执行情况</h1><p>新闻发布会实录</p>")
    assert "11 2021年一季度全市经济运行情况 逾期未登记" in page
    assert "不该读到" not in page


def test_an_exporter_in_english(tmp_path: Path, config_file: Path) -> None:
    with Pressdocs(config=config_file, store=tmp_path / "store", lang="en",
                   plugins=[Gazette(), Neighbour()], load_entry_points=False) as pd:
        pd.store.save_plan(Plan(2021, [
            PlanItem(11, "市政府新闻发布厅", 4, "2021年一季度全市经济运行情况", ["市统计局"])]))
        out = pd.export(pd.plan_status(as_of=date(2021, 6, 1)), tmp_path / "status.html",
                        exporter="disclosure-page")
    assert "11 2021年一季度全市经济运行情况 overdue" in out.read_text(encoding="utf-8")


def test_settings_for_a_plugin_that_is_not_there_are_refused(tmp_path: Path,
                                                             config_file: Path) -> None:
    config = tmp_path / "typo.toml"
    config.write_text(config_file.read_text(encoding="utf-8")
                      + '\n[plugins.Gazete]\ngroup = "x"\n', encoding="utf-8")
    pd = Pressdocs(config=config, store=tmp_path / "store", plugins=[Gazette(), Neighbour()],
                   load_entry_points=False)
    with pytest.raises(ConfigError) as refused:
        pd.send(Notice("receipt:2", "wechat", ["市统计局"], "receipt"))
    zh, en = refused.value.render("zh"), refused.value.render("en")
    assert "plugins.Gazete" in zh and "Gazette" in zh, zh  # the table, and what was meant
    assert "plugins.Gazete" in en and "Gazette" in en, en


def test_the_command_line_refuses_an_unknown_plugin_table(tmp_path: Path) -> None:
    config = tmp_path / "pressdocs.toml"
    config.write_text('[plugins.unknown]\nurl = "https://sms.example.invalid"\n',
                      encoding="utf-8")
    for lang in ("zh", "en"):
        proc = run_pressdocs(["--config", str(config), "--lang", lang, "rules"])
        assert proc.returncode == 2, proc.stdout
        assert "Traceback" not in proc.stderr
        assert "plugins.unknown" in proc.stderr
        assert proc.stderr.startswith("错误：" if lang == "zh" else "Error: "), proc.stderr


def test_a_notice_that_failed_is_tried_again_and_a_sent_one_is_not(tmp_path: Path) -> None:
    from pressdocs import ChannelError

    class Flaky(Channel):
        name = "flaky"

        def __init__(self) -> None:
            self.tries = 0

        def send(self, notice: Notice, context: Context) -> Delivery:
            self.tries += 1
            if self.tries == 1:
                raise ChannelError("短信网关暂时不可用", "the SMS gateway is down")
            return Delivery("sent", "ok")

    flaky = Flaky()

    class Plugin:
        @hookimpl
        def register_channels(self, register):  # type: ignore[no-untyped-def]
            register(flaky)

    with Pressdocs(store=tmp_path / "store", plugins=[Plugin()],
                   load_entry_points=False) as pd:
        notice = Notice("late:1", "flaky", ["13905531234"], "late")
        failed = pd.send(notice)
        assert failed.status == "failed" and "短信网关暂时不可用" in failed.detail
        assert pd.send(notice).status == "sent"
        assert pd.send(notice).status == "skipped"
        assert flaky.tries == 2
