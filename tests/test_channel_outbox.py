"""The built-in outbox channel: notices written as .eml and .json for review, never sent.

The .eml is the message the email channel sends (checked against a real SMTP server on
loopback), the .json the notice as stored; names are safe, writes atomic, and nothing
already in the folder is ever replaced.
"""

from __future__ import annotations

import json
import os
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from pressdocs import ChannelError, Config, ConfigError, Delivery, Notice, Pressdocs
from pressdocs.builtin.channel_email import EmailChannel
from pressdocs.builtin.channel_outbox import OutboxChannel, file_stem
from smtpservers import USER, SmtpServer

SUBJECT = "【回执】市统计局：登记表已收到"
TEXT = "市统计局：\n\n你单位的登记表已收到。\n\n芜湖市新闻办\n"
HTML = "<p>市统计局：</p><p>你单位的登记表已收到。</p>"


def _notice(key: str = "receipt:3f2a:tjj@wuhu.gov.cn:outbox", **context: Any) -> Notice:
    payload: dict[str, Any] = {"subject": SUBJECT, "text": TEXT, "html": HTML,
                               "unit": "市统计局", "lang": "zh"}
    payload.update(context)
    recipients = payload.pop("recipients", ["市统计局 <tjj@wuhu.gov.cn>"])
    return Notice(key, "outbox", recipients, "receipt", payload, unit="市统计局")


def _send(notice: Notice, config: Config | None = None) -> Delivery:
    with Pressdocs(config=config, load_entry_points=False) as pd:
        channel = pd.plugins.registry.get(OutboxChannel, "outbox")
        assert channel is not None
        return channel.send(notice, pd.context(channel))


def _parse(raw: bytes) -> EmailMessage:
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_notice_is_written_beside_the_store_as_eml_and_json(tmp_path: Path) -> None:
    notice = _notice()
    with Pressdocs(store=tmp_path / "store", load_entry_points=False) as pd:
        delivery = pd.send(notice)
        assert pd.send(notice).status == "skipped"
    outbox = tmp_path / "outbox"
    assert _files(outbox) == ["receipt_3f2a_tjj_wuhu.gov.cn_outbox.eml",
                              "receipt_3f2a_tjj_wuhu.gov.cn_outbox.json"]
    eml = outbox / "receipt_3f2a_tjj_wuhu.gov.cn_outbox.eml"
    assert delivery == Delivery("sent", str(eml))
    stored = json.loads((outbox / "receipt_3f2a_tjj_wuhu.gov.cn_outbox.json").read_text("utf-8"))
    assert Notice.from_dict(stored) == notice
    msg = _parse(eml.read_bytes())
    assert msg["Subject"] == SUBJECT
    assert str(msg["From"]) == "市新闻办 <whxwtg@163.com>"  # the office mailbox by default
    assert str(msg["To"]) == "市统计局 <tjj@wuhu.gov.cn>"
    body, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert body is not None and body.get_content().replace("\r\n", "\n") == TEXT
    assert html is not None and html.get_content().strip() == HTML


def test_without_a_store_the_outbox_is_in_the_current_folder(tmp_path: Path) -> None:
    assert Path.cwd() == tmp_path
    delivery = _send(_notice("digest:2021-06"))
    assert delivery.status == "sent"
    assert _files(tmp_path / "outbox") == ["digest_2021-06.eml", "digest_2021-06.json"]


def test_the_folder_and_sender_come_from_the_configuration(tmp_path: Path) -> None:
    config = Config(notify={"outbox": {"folder": str(tmp_path / "审阅" / "待发")},
                            "email": {"user": USER, "from_name": "芜湖市新闻办"}})
    _send(_notice("receipt:1"), config)
    folder = tmp_path / "审阅" / "待发"
    assert _files(folder) == ["receipt_1.eml", "receipt_1.json"]
    msg = _parse((folder / "receipt_1.eml").read_bytes())
    assert msg["From"].addresses[0].display_name == "芜湖市新闻办"


@pytest.mark.parametrize(("key", "stem"), [
    ("../../etc/passwd", "etc_passwd"),
    ("receipt:市统计局:tjj", "receipt_tjj"),
    ("a/b\\c\x00d e", "a_b_c_d_e"),
    (".hidden", "hidden"),
    ("回执", "notice"),
    ("x" * 300, "x" * 120),
])
def test_file_names_have_safe_characters_only(key: str, stem: str) -> None:
    assert file_stem(key) == stem


def test_a_hostile_key_stays_inside_the_folder(tmp_path: Path) -> None:
    _send(_notice("../../../escape:回执"))
    assert _files(tmp_path / "outbox") == ["escape.eml", "escape.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outbox"]


def test_a_different_notice_with_the_same_name_never_overwrites(tmp_path: Path) -> None:
    first = _send(_notice("receipt:1"))
    again = _send(_notice("receipt:1"))  # the same notice: left as it is
    other_key = _send(_notice("receipt/1"))  # another key, the same safe name
    other_text = _send(_notice("receipt:1", text="改过的正文"))
    outbox = tmp_path / "outbox"
    assert first == again
    assert [Path(d.detail).name for d in (first, other_key, other_text)] == [
        "receipt_1.eml", "receipt_1-2.eml", "receipt_1-3.eml"]
    assert json.loads((outbox / "receipt_1.json").read_text("utf-8"))["key"] == "receipt:1"
    assert json.loads((outbox / "receipt_1-2.json").read_text("utf-8"))["key"] == "receipt/1"
    assert _files(outbox) == ["receipt_1-2.eml", "receipt_1-2.json", "receipt_1-3.eml",
                              "receipt_1-3.json", "receipt_1.eml", "receipt_1.json"]


def test_a_file_in_the_way_is_never_replaced(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    (outbox / "receipt_1.eml").write_text("someone's own file")
    delivery = _send(_notice("receipt:1"))
    assert Path(delivery.detail).name == "receipt_1-2.eml"
    assert (outbox / "receipt_1.eml").read_text() == "someone's own file"
    assert _files(outbox) == ["receipt_1-2.eml", "receipt_1-2.json", "receipt_1.eml"]


def test_a_crash_between_the_two_files_is_completed_next_time(tmp_path: Path) -> None:
    _send(_notice("receipt:1"))
    (tmp_path / "outbox" / "receipt_1.eml").unlink()
    delivery = _send(_notice("receipt:1"))
    assert Path(delivery.detail).name == "receipt_1.eml"
    assert _files(tmp_path / "outbox") == ["receipt_1.eml", "receipt_1.json"]


def test_the_eml_is_the_message_the_email_channel_sends(tmp_path: Path) -> None:
    attachment = {"name": "回执.pdf", "content_type": "application/pdf", "data_b64": "JVBERi0="}
    notice = _notice("receipt:7", attachments=[attachment],
                     recipients=["市统计局 <tjj@wuhu.gov.cn>", "bgs@wuhu.gov.cn"])
    with SmtpServer() as server:
        config = Config(notify={"email": {"host": "127.0.0.1", "port": server.port,
                                          "security": "none", "user": "",
                                          "from_address": USER, "from_name": "芜湖市新闻办"}})
        written = _send(notice, config)
        with Pressdocs(config=config, load_entry_points=False) as pd:
            email = pd.plugins.registry.get(EmailChannel, "email")
            assert email is not None
            assert email.send(notice, pd.context(email)).status == "sent"
    sent = server.received[0].data
    eml = Path(written.detail).read_bytes()
    assert _without_date(eml).rstrip(b"\r\n") == _without_date(sent).rstrip(b"\r\n")
    assert re.search(rb"(?m)^Date: ", eml)


def _without_date(raw: bytes) -> bytes:
    return re.sub(rb"(?m)^Date: .*\r\n", b"", raw)


def test_a_hostile_notice_is_abandoned_and_nothing_written(tmp_path: Path) -> None:
    delivery = _send(_notice(subject="回执\r\nBcc: all@evil.example.cn"))
    assert delivery.status == "abandoned"
    assert "防止邮件头注入" in delivery.detail
    assert not (tmp_path / "outbox").exists()


def test_recipients_that_are_not_addresses_stay_in_the_json(tmp_path: Path) -> None:
    notice = _notice("remind:1:sms", recipients=["13905531234", "tjj@wuhu.gov.cn"],
                     sms={"unit": "市统计局", "date": "6月29日"})
    delivery = _send(notice)
    assert delivery.status == "sent"
    assert delivery.detail.endswith("以下收件人不是邮箱地址，未写入 .eml（见 .json）：13905531234")
    outbox = tmp_path / "outbox"
    assert json.loads((outbox / "remind_1_sms.json").read_text("utf-8"))["recipients"] == [
        "13905531234", "tjj@wuhu.gov.cn"]
    assert str(_parse((outbox / "remind_1_sms.eml").read_bytes())["To"]) == "tjj@wuhu.gov.cn"


def test_a_folder_that_cannot_be_written_is_transient(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file, not a folder")
    config = Config(notify={"outbox": {"folder": str(tmp_path / "blocked")}})
    with pytest.raises(ChannelError, match="无法写入待发目录") as caught:
        _send(_notice(), config)
    assert "cannot write to the outbox folder" in caught.value.render("en")


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    for n in range(3):
        _send(_notice(f"receipt:{n}"))
    _send(_notice("receipt:0", text="另一个"))
    assert not [name for name in os.listdir(tmp_path / "outbox") if name.startswith(".")]


@pytest.mark.parametrize(("table", "words"), [
    ({"folder": ""}, "folder"),
    ({"path": "outbox"}, "可用：folder、per_minute"),
])
def test_bad_outbox_settings_are_named(table: dict[str, Any], words: str) -> None:
    with pytest.raises(ChannelError, match=words):
        _send(_notice(), Config(notify={"outbox": table}))


# --- the default channel ----------------------------------------------------------------------


def test_notices_go_to_the_outbox_until_a_channel_is_chosen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def connect(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the default channel opened a connection")

    monkeypatch.setattr("socket.create_connection", connect)
    with Pressdocs(store=tmp_path / "store", load_entry_points=False) as pd:
        assert pd.notifier.channels == ["outbox"]
        notice = _notice("receipt:default")
        delivery = pd.send(Notice(notice.key, "outbox", notice.recipients, notice.template,
                                  notice.context, unit=notice.unit))
    assert delivery.status == "sent"
    assert _files(tmp_path / "outbox") == ["receipt_default.eml", "receipt_default.json"]


def test_the_channels_are_chosen_in_the_notify_table(tmp_path: Path) -> None:
    path = tmp_path / "pressdocs.toml"
    path.write_text('[notify]\nchannels = ["email", "sms"]\n', encoding="utf-8")
    with Pressdocs(config=path, store=tmp_path / "s", load_entry_points=False) as pd:
        assert pd.notifier.channels == ["email", "sms"]
    with Pressdocs(config=Config(notify={"email": {"user": USER}}), store=tmp_path / "s",
                   load_entry_points=False) as pd:
        assert pd.notifier.channels == ["outbox"]


@pytest.mark.parametrize(("value", "zh", "en"), [
    (["emial"], "通知渠道 emial 不存在", "did you mean email?"),
    ("", "应为通知渠道名称的列表", "must be a list of notification channels"),
    ([], "应为通知渠道名称的列表", "must be a list of notification channels"),
    ([3], "应为通知渠道名称的列表", "must be a list of notification channels"),
])
def test_a_channel_that_is_not_installed_is_named(tmp_path: Path, value: Any, zh: str,
                                                  en: str) -> None:
    with Pressdocs(config=Config(notify={"channels": value}), store=tmp_path / "s",
                   load_entry_points=False) as pd, pytest.raises(ConfigError, match=zh) as caught:
        pd.notifier.channels  # noqa: B018 - reading it is the check
    assert en in caught.value.render("en")
