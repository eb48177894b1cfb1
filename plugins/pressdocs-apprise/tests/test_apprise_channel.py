"""The apprise channel delivering to a loopback JSON webhook (``json://127.0.0.1:PORT``):
what arrives, what a server error, a refused connection and a bad URL become, where a
notice goes, and the channel's pace for the robots' limit of about 20 messages a minute."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pressdocs_apprise
from apprise_support import Webhook, clean_env, serve
from pressdocs import Channel, Context, Delivery, Notice, Pressdocs, load_plugins
from pressdocs.config import config_from_dict
from pressdocs_apprise import AppriseChannel

SUBJECT = "回执：市统计局“2021年统计工作新闻发布会”登记表已收到"
TEXT = "市统计局：\n您单位6月28日报送的登记表已收到，材料请于发布会召开前1天报送。\n市新闻办"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env(monkeypatch, tmp_path)


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    """A JSON webhook on 127.0.0.1 (``json://127.0.0.1:PORT/PATH`` in Apprise's words)."""
    with serve() as hook:
        yield hook


def notice(key: str = "receipt:s1:apprise", *, unit: str = "芜湖市统计局",
           template: str = "receipt", recipients: list[str] | None = None,
           lang: str = "zh", text: str = TEXT) -> Notice:
    return Notice(key=key, channel="apprise", recipients=recipients or [], template=template,
                  context={"subject": SUBJECT, "text": text, "lang": lang}, unit=unit,
                  submission_id="s1", lang=lang)


def send(settings: dict[str, Any], the_notice: Notice | None = None,
         channel: AppriseChannel | None = None, **config: Any) -> Delivery:
    """Send through the channel as pressdocs would, with ``[plugins.apprise]`` = settings."""
    cfg = config_from_dict({"city": "芜湖市", "plugins": {"apprise": settings}, **config})
    context = Context(config=cfg, plugin="apprise")
    return (channel or AppriseChannel()).send(the_notice or notice(), context)


def test_the_subject_and_text_arrive_as_title_and_body(webhook: Webhook) -> None:
    delivery = send({"urls": [webhook.url("/office")]})

    assert delivery.status == "sent"
    assert delivery.detail == f"已送达 json://127.0.0.1:{webhook.port}/office"
    [got] = webhook.received
    assert got.path == "/office"
    assert got.body["title"] == SUBJECT
    assert got.body["message"] == TEXT


def test_a_server_error_is_failed_and_says_what_the_server_answered(webhook: Webhook) -> None:
    webhook.status["/office"] = 500

    delivery = send({"urls": webhook.url("/office")})

    assert delivery.status == "failed"  # pressdocs tries again later
    assert delivery.detail.startswith(f"json://127.0.0.1:{webhook.port}/office 未送达：")
    assert "500" in delivery.detail
    assert len(webhook.received) == 1


def test_a_server_that_cannot_be_reached_is_failed(webhook: Webhook) -> None:
    import socket

    with socket.socket() as probe:  # a port on which nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    delivery = send({"urls": [f"json://127.0.0.1:{port}/gone"]})

    assert delivery.status == "failed"
    assert f"json://127.0.0.1:{port}/gone 未送达：" in delivery.detail
    assert "onnection" in delivery.detail  # Apprise's words: "A Connection error occurred…"


@pytest.mark.parametrize("url", ["dingtalk://", "nosuchservice://token", "hooks.example/abc"])
def test_a_url_apprise_cannot_use_is_abandoned_naming_the_setting(webhook: Webhook,
                                                                   url: str) -> None:
    delivery = send({"urls": [webhook.url("/office"), url]})

    assert delivery.status == "abandoned"  # never retried: the setting must be fixed
    assert delivery.detail.startswith(f"[plugins.apprise] urls[1] 不是可用的 Apprise 地址：{url}")
    assert "https://github.com/caronc/apprise/wiki" in delivery.detail
    assert webhook.received == []  # nothing sent to the good URL either


def test_messages_follow_the_notice_language(webhook: Webhook) -> None:
    webhook.status["/office"] = 500

    bad = send({"urls": ["nosuchservice://x"]}, notice(lang="en"))
    failed = send({"urls": [webhook.url("/office")]}, notice(lang="en"))
    sent = send({"urls": [webhook.url("/ok")]}, notice(lang="en"))

    assert bad.detail.startswith("[plugins.apprise] urls is not a usable Apprise URL: "
                                 "nosuchservice://x")
    assert failed.detail.startswith(f"json://127.0.0.1:{webhook.port}/office: not delivered: ")
    assert sent.detail == f"delivered to json://127.0.0.1:{webhook.port}/ok"


def test_a_url_with_its_secret_comes_from_the_environment(webhook: Webhook,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSDOCS_APPRISE_OFFICE", webhook.url("/office", auth="xwb:s3cr3t@"))

    delivery = send({"urls": [{"env": "PRESSDOCS_APPRISE_OFFICE"}]})

    assert delivery.status == "sent"
    assert "s3cr3t" not in delivery.detail  # Apprise masks it when naming the URL
    [got] = webhook.received
    assert base64.b64decode(got.headers["Authorization"].split()[1]) == b"xwb:s3cr3t"


def test_a_secret_not_set_is_failed_naming_the_variable(webhook: Webhook) -> None:
    delivery = send({"urls": [{"env": "PRESSDOCS_APPRISE_OFFICE"}]})

    assert delivery.status == "failed"  # sent once the variable is set
    assert "PRESSDOCS_APPRISE_OFFICE" in delivery.detail


def test_a_bad_url_from_the_environment_is_named_by_its_variable(
        webhook: Webhook, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSDOCS_APPRISE_OFFICE", "nosuchservice://t0ken")

    delivery = send({"urls": {"env": "PRESSDOCS_APPRISE_OFFICE"}})

    assert delivery.status == "abandoned"
    assert "PRESSDOCS_APPRISE_OFFICE" in delivery.detail
    assert "t0ken" not in delivery.detail


def test_a_literal_secret_in_the_file_is_warned_about_and_hidden_by_pressdocs(
        caplog: pytest.LogCaptureFixture) -> None:
    config = config_from_dict({"plugins": {"apprise": {"token": "abc-t0ken-0553"}}})
    assert "plugins.apprise.token" in caplog.text and "token_file" in caplog.text
    assert "abc-t0ken-0553" not in config.to_toml() + str(config.redacted())


def test_a_notice_goes_to_its_groups_else_to_its_unit_and_type_else_to_urls(
        webhook: Webhook) -> None:
    settings = {
        "urls": [webhook.url("/office")],
        "groups": {"领导群": webhook.url("/leaders"), "办公室群": [webhook.url("/office")]},
        "units": {"市统计局": webhook.url("/tjj")},      # named as the unit directory does
        "notices": {"remind_statistics": [webhook.url("/stats"), webhook.url("/office")]},
    }
    config = {"units": {"芜湖市统计局": {"aliases": ["统计局"]},
                        "芜湖市财政局": {"aliases": []}}}

    assert send(settings, notice("r:1"), **config).status == "sent"  # 芜湖市统计局
    assert send(settings, notice("r:2", unit="财政局"), **config).status == "sent"
    assert send(settings, notice("s:1", unit="财政局", template="remind_statistics"),
                **config).status == "sent"
    assert send(settings, notice("r:3", recipients=["领导群"]), **config).status == "sent"

    assert webhook.paths() == ["/tjj", "/office", "/stats", "/office", "/leaders"]


def test_a_group_not_set_is_abandoned_saying_where_to_set_it(webhook: Webhook) -> None:
    delivery = send({"groups": {"办公室群": webhook.url()}}, notice(recipients=["领导群"]))

    assert delivery.status == "abandoned"
    assert delivery.detail == ("没有名为“领导群”的群：请在 [plugins.apprise.groups] 中设置它的 "
                               "Apprise 地址")
    assert webhook.received == []


def test_no_url_for_a_notice_is_abandoned_saying_what_to_set() -> None:
    delivery = send({}, notice(unit="市财政局"))

    assert delivery.status == "abandoned"
    assert delivery.detail.startswith("通知（receipt，单位：市财政局）没有可发送的 Apprise 地址")
    assert "urls" in delivery.detail


@pytest.mark.parametrize(("settings", "expected"), [
    ({"urls": [1]}, "[plugins.apprise] 中的 urls 应为 Apprise 地址"),
    ({"units": ["x"]}, "[plugins.apprise] 中的 units 应为表"),
    ({"notices": {"receipt": {"x": 1}}}, "[plugins.apprise] 中的 notices.receipt 应为"),
    ({"groups": "json://127.0.0.1:9/"}, "[plugins.apprise] 中的 groups 应为表"),
])
def test_settings_of_the_wrong_shape_are_abandoned_naming_the_key(settings: dict[str, Any],
                                                                  expected: str) -> None:
    delivery = send(settings)

    assert delivery.status == "abandoned"
    assert delivery.detail.startswith(expected)


def test_a_notice_without_text_is_abandoned(webhook: Webhook) -> None:
    delivery = send({"urls": [webhook.url()]}, notice(text=" "))

    assert (delivery.status, delivery.detail) == ("abandoned", "通知没有正文（text），无法发送")
    assert webhook.received == []


def test_a_partial_delivery_is_failed_naming_who_got_it(webhook: Webhook) -> None:
    webhook.status["/leaders"] = 503
    settings = {"urls": [webhook.url("/office"), webhook.url("/leaders")]}

    delivery = send(settings)

    assert delivery.status == "failed"  # tried again later, to both
    assert delivery.detail.startswith(f"json://127.0.0.1:{webhook.port}/leaders 未送达：")
    assert delivery.detail.endswith(f"；已送达 json://127.0.0.1:{webhook.port}/office")
    assert webhook.paths() == ["/office", "/leaders"]


def test_the_channel_reaches_groups_at_robots_pace() -> None:
    channel = AppriseChannel()

    assert channel.reaches == "group"  # recipients: [notify.apprise] recipients, or none
    assert channel.per_minute == 20  # pressdocs notify: at most 20 notices a minute


def test_through_pressdocs_the_outcome_is_stored_and_a_failure_retried(
        webhook: Webhook, tmp_path: Path) -> None:
    plugins = load_plugins(builtins=(), entry_points=False, strict=True,
                           extra=[("apprise", pressdocs_apprise)])
    assert plugins.info("apprise").registered == {"channel": ["apprise"]}
    config = config_from_dict({"plugins": {"apprise": {"urls": [webhook.url("/office")]}}})
    webhook.status["/office"] = 500

    with Pressdocs(config=config, store=tmp_path / "store", plugins=plugins) as pd:
        assert isinstance(pd.plugins.registry.get(Channel, "apprise"), AppriseChannel)
        first = pd.send(notice())
        webhook.status["/office"] = 200
        second = pd.send(notice())
        third = pd.send(notice())
        state = pd.store.notice_state(notice().key)

    assert (first.status, second.status, third.status) == ("failed", "sent", "skipped")
    assert state == "sent"
    assert webhook.paths() == ["/office", "/office"]  # sent once, after one failure
