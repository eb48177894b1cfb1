"""The built-in mail sources say what is wrong with a mailbox in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pressdocs.builtin.source_files import EmlSource, MaildirSource, MboxSource
from pressdocs.builtin.source_imap import _secret, parse_location
from pressdocs.capabilities import Context, MailSource
from pressdocs.config import Config
from pressdocs.errors import ConfigError, PressdocsError, SourceError

CJK = re.compile(r"[\u4e00-\u9fff]")


def _both(error: PressdocsError) -> tuple[str, str]:
    zh, en = error.render("zh"), error.render("en")
    assert error.message.key and not CJK.search(en), en
    return zh, en


@pytest.mark.parametrize(("location", "zh", "en"), [
    ("pop3://a@163.com", "不是 IMAP 地址：pop3://a@163.com", "not an IMAP URL: pop3://a@163.com"),
    ("imaps://imap.163.com/INBOX",
     "IMAP 地址缺少登录名：imaps://imap.163.com/INBOX（应为 imaps://登录名@服务器/文件夹）",
     "the IMAP URL has no login: imaps://imap.163.com/INBOX (it should be "
     "imaps://login@server/folder)"),
    ("imaps://a@:993/INBOX", "IMAP 地址缺少服务器：imaps://a@:993/INBOX",
     "the IMAP URL has no server: imaps://a@:993/INBOX"),
    ("imaps://a@host:99x/INBOX", "IMAP 端口无效：99x（应为 1 到 65535 之间的整数）",
     "invalid IMAP port: 99x (it must be a whole number from 1 to 65535)"),
    ("imaps://a@host:0/INBOX", "IMAP 端口无效：0（应为 1 到 65535 之间的整数）",
     "invalid IMAP port: 0 (it must be a whole number from 1 to 65535)"),
    ("imaps://a@host:65536/INBOX", "IMAP 端口无效：65536（应为 1 到 65535 之间的整数）",
     "invalid IMAP port: 65536 (it must be a whole number from 1 to 65535)"),
])
def test_a_bad_imap_location(location: str, zh: str, en: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_location(location)
    assert _both(caught.value) == (zh, en)


def test_no_imap_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRESSDOCS_IMAP_SECRET", raising=False)
    with pytest.raises(ConfigError) as caught:
        _secret(Config())
    zh, en = _both(caught.value)
    assert zh == ('没有 IMAP 授权码：请在 pressdocs.toml 的 [mail] 中写 '
                  'secret = {env = "PRESSDOCS_IMAP_SECRET"}，并设置该环境变量')
    assert 'secret = {env = "PRESSDOCS_IMAP_SECRET"}' in en


@pytest.mark.parametrize(("source", "zh", "en"), [
    (MaildirSource(), "找不到 Maildir 目录：", "no Maildir at "),
    (MboxSource(), "找不到 mbox 文件：", "no mbox file at "),
    (EmlSource(), "找不到邮件文件或目录：", "no such mail file or folder: "),
])
def test_a_missing_mailbox_on_disk(tmp_path: Path, source: MailSource, zh: str,
                                   en: str) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(SourceError) as caught:
        list(source.messages(str(missing), Context(config=Config())))
    assert _both(caught.value) == (zh + str(missing), en + str(missing))
