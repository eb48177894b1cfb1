"""The built-in email channel against a real SMTP server on loopback (aiosmtpd).

What the unit receives is parsed back: subject, sender, recipients, text and HTML bodies
and attachments, Chinese names included.  The server's refusals become the outcomes the
core stores (``failed`` is tried again, ``abandoned`` never), with its reply kept; a
hostile notice never reaches the server.
"""

from __future__ import annotations

import base64
import re
import smtplib
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest

from imapservers import free_port
from pressdocs import ChannelError, Config, ConfigError, Delivery, Notice, Pressdocs, Secret
from pressdocs.builtin.channel_email import (
    EmailChannel,
    EmailSettings,
    decode_reply,
    outcome,
)
from smtpservers import PASSWORD, USER, SmtpServer, make_certificate

# aiosmtpd cannot tell that an implicit-TLS connection is encrypted, and says so
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

SECRET_ENV = "TEST_SMTP_AUTH_CODE"
SUBJECT = "【回执】市统计局：2021年第3场新闻发布会登记表已收到，请于2021年6月29日前补充新闻通稿和答问口径"
TEXT = "市统计局：\n\n你单位的登记表已收到。缺少：新闻通稿、答问口径。\n\n芜湖市新闻办\n"
HTML = "<p>市统计局：</p><p>你单位的登记表已收到。缺少：<b>新闻通稿</b>、<b>答问口径</b>。</p>"
PDF = b"%PDF-1.4\n% a receipt\n"


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("smtp-cert"))


def _notice(key: str = "receipt:0001:tjj", *, recipients: list[str] | None = None,
            **context: Any) -> Notice:
    payload: dict[str, Any] = {"subject": SUBJECT, "text": TEXT, "unit": "市统计局",
                               "lang": "zh"}
    payload.update(context)
    return Notice(key, "email",
                  recipients if recipients is not None else ["市统计局 办公室 <tjj@wuhu.gov.cn>"],
                  "receipt", payload, unit="市统计局")


def _config(port: int, security: str, **settings: Any) -> Config:
    table: dict[str, Any] = {"host": "127.0.0.1", "port": port, "security": security,
                             "user": USER, "secret": Secret(SECRET_ENV),
                             "from_name": "芜湖市新闻办"}
    table.update(settings)
    if not table["user"]:  # no AUTH (a plain loopback server): the sender must be given
        table.setdefault("from_address", USER)
    return Config(notify={"email": {k: v for k, v in table.items() if v is not None}})


@pytest.fixture
def auth_code(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(SECRET_ENV, PASSWORD)
    return PASSWORD


def _send(config: Config, notice: Notice) -> Delivery:
    with Pressdocs(config=config, load_entry_points=False) as pd:
        channel = pd.plugins.registry.get(EmailChannel, "email")
        assert channel is not None
        return channel.send(notice, pd.context(channel))


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fails the test if the channel opens any SMTP connection."""
    tried: list[str] = []

    def connect(self: smtplib.SMTP, host: str = "", port: int = 0, **_: Any) -> Any:
        tried.append(f"{host}:{port}")
        raise AssertionError(f"connected to {host}:{port}")

    monkeypatch.setattr(smtplib.SMTP, "connect", connect)
    yield tried
    assert tried == []


# --- delivery, parsed back ------------------------------------------------------------------


def test_starttls_with_auth_delivers_what_the_unit_reads(tmp_path: Path, cert: tuple[Path, Path],
                                                         auth_code: str) -> None:
    attachment = {"name": "回执（市统计局）.pdf", "content_type": "application/pdf",
                  "data_b64": base64.b64encode(PDF).decode()}
    notice = _notice(html=HTML, attachments=[attachment],
                     recipients=["市统计局 办公室 <tjj@wuhu.gov.cn>", "ZhangSan@WUHU.gov.cn"])
    with SmtpServer("starttls", cert, auth=True) as server:
        config = _config(server.port, "starttls", ca_file=str(cert[0]))
        with Pressdocs(store=tmp_path / "store", config=config, load_entry_points=False) as pd:
            delivery = pd.send(notice)
            assert pd.send(notice).status == "skipped"  # sent once
    assert delivery == Delivery("sent", "250 Mail OK queued as smtp7,C8CowAB1")
    assert server.logins == [(USER, True)]
    (got,) = server.received
    assert got.login == USER
    assert got.mail_from == USER
    assert got.rcpt_tos == ["tjj@wuhu.gov.cn", "ZhangSan@wuhu.gov.cn"]
    msg = got.message
    assert msg["Subject"] == SUBJECT
    assert msg["From"].addresses[0].display_name == "芜湖市新闻办"
    assert msg["From"].addresses[0].addr_spec == USER
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [
        ("市统计局 办公室", "tjj@wuhu.gov.cn"), ("", "ZhangSan@wuhu.gov.cn")]
    assert msg["Auto-Submitted"] == "auto-generated"
    body = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert body is not None and html is not None
    assert body.get_content().replace("\r\n", "\n") == TEXT
    assert html.get_content().strip() == HTML
    (part,) = msg.iter_attachments()
    assert part.get_filename() == "回执（市统计局）.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_content() == PDF


def test_implicit_tls_verifies_the_certificate_against_ca_file(cert: tuple[Path, Path],
                                                               auth_code: str) -> None:
    with SmtpServer("ssl", cert, auth=True) as server:
        delivery = _send(_config(server.port, "ssl", ca_file=str(cert[0])), _notice())
        assert delivery.status == "sent"
        assert [m.message["Subject"] for m in server.received] == [SUBJECT]
        # without the office's CA the certificate does not verify: a clear error, no mail
        with pytest.raises(ChannelError, match="证书") as caught:
            _send(_config(server.port, "ssl"), _notice("receipt:0002:tjj"))
    english = caught.value.render("en")
    assert "the certificate of the outgoing mail server 127.0.0.1 cannot be verified" in english
    assert "set ca_file in [notify.email]" in english
    assert len(server.received) == 1


def test_a_certificate_that_does_not_verify_fails_starttls_too(cert: tuple[Path, Path],
                                                               auth_code: str) -> None:
    with SmtpServer("starttls", cert, auth=True) as server, \
            pytest.raises(ChannelError) as caught:
        _send(_config(server.port, "starttls"), _notice())
    assert "127.0.0.1" in str(caught.value) and "ca_file" in str(caught.value)
    assert server.received == [] and server.logins == []  # the secret never left


def test_headers_are_readable_by_the_stdlib_and_a_gbk_era_client(cert: tuple[Path, Path],
                                                                 auth_code: str) -> None:
    with SmtpServer("starttls", cert, auth=True) as server:
        _send(_config(server.port, "starttls", ca_file=str(cert[0])), _notice())
    raw = server.received[0].data
    raw.decode("ascii")  # 7-bit: no 8BITMIME needed anywhere on the way
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
    headers = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    # an old client decodes each encoded word on its own: none may split a character
    words = re.findall(r"=\?utf-8\?b\?([A-Za-z0-9+/=]+)\?=", headers)
    assert len(words) > 3
    for word in words:
        base64.b64decode(word).decode("utf-8")
    # and reads the headers with the RFC 2047 decoder of the old (compat32) API
    old = message_from_bytes(raw)
    assert str(make_header(decode_header(old["Subject"]))) == SUBJECT
    assert str(make_header(decode_header(old["From"]))) == f"芜湖市新闻办 <{USER}>"
    assert str(make_header(decode_header(old["To"]))) == "市统计局 办公室 <tjj@wuhu.gov.cn>"
    body = old.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert body.decode(old.get_content_charset() or "ascii").replace("\r\n", "\n") == TEXT


def test_an_html_only_notice_is_sent_as_html(auth_code: str) -> None:
    with SmtpServer() as server:
        _send(_config(server.port, "none", user=""), _notice(text=None, html=HTML))
    msg = server.received[0].message
    assert msg.get_content_type() == "text/html"
    assert msg.get_content().strip() == HTML


def test_the_same_notice_is_the_same_message_when_sent_again(auth_code: str) -> None:
    with SmtpServer() as server:
        config = _config(server.port, "none", user="", from_address=USER)
        _send(config, _notice(html=HTML))
        _send(config, _notice(html=HTML))
        _send(config, _notice("receipt:0002:tjj", html=HTML))
    first, again, other = (m.data for m in server.received)
    assert _without_date(first) == _without_date(again)
    assert server.received[0].message["Message-ID"] == server.received[1].message["Message-ID"]
    assert server.received[0].message["Message-ID"] != server.received[2].message["Message-ID"]
    assert other != first


def _without_date(raw: bytes) -> bytes:
    return re.sub(rb"(?m)^Date: .*\r\n", b"", raw)


# --- what the server answers ----------------------------------------------------------------


@pytest.mark.parametrize(("reply", "status"), [
    ("554 DT:SPM 163 smtp7,C8CowAB1: 发送的邮件内容包含了未被许可的信息，或被系统识别为垃圾邮件", "failed"),
    ("451 4.3.0 Temporary local problem, try again later", "failed"),
    ("550 5.7.1 Message rejected as spam by content filter", "abandoned"),
    ("550 MI:STC 163 smtp7: 发件人当天内累计邮件数量超过限制", "failed"),
], ids=["554-DT:SPM", "451", "550", "550-daily-limit"])
def test_the_servers_answer_to_the_message_decides_retry_or_never(reply: str, status: str,
                                                                  auth_code: str) -> None:
    with SmtpServer() as server:
        server.handler.data_reply = reply.encode("utf-8")
        delivery = _send(_config(server.port, "none", user=""), _notice())
    assert delivery == Delivery(status, reply)


def test_a_gbk_reply_is_kept_readable(auth_code: str) -> None:
    with SmtpServer() as server:
        server.handler.data_reply = "550 邮件被拒收：收件人邮箱已满".encode("gbk")
        delivery = _send(_config(server.port, "none", user=""), _notice())
    assert delivery == Delivery("abandoned", "550 邮件被拒收：收件人邮箱已满")


def test_a_refused_recipient_among_several_is_named_and_the_rest_get_it(auth_code: str) -> None:
    recipients = ["tjj@wuhu.gov.cn", "left@wuhu.gov.cn", "full@wuhu.gov.cn"]
    with SmtpServer() as server:
        server.handler.refuse = {"left@wuhu.gov.cn": "550 User not found: left@wuhu.gov.cn",
                                 "full@wuhu.gov.cn": "452 收件人邮箱已满".encode("gbk")}
        delivery = _send(_config(server.port, "none", user=""),
                         _notice(recipients=recipients))
    assert delivery.status == "sent"
    assert delivery.detail.startswith("250 Mail OK")
    assert "left@wuhu.gov.cn（550 User not found: left@wuhu.gov.cn）" in delivery.detail
    assert "full@wuhu.gov.cn（452 收件人邮箱已满）" in delivery.detail
    assert server.received[0].rcpt_tos == ["tjj@wuhu.gov.cn"]


@pytest.mark.parametrize(("answers", "status"), [
    (["550 User not found", "550 User not found"], "abandoned"),
    (["550 User not found", "450 Mailbox busy"], "failed"),
])
def test_when_every_recipient_is_refused_nothing_is_sent(answers: list[str], status: str,
                                                         auth_code: str) -> None:
    recipients = ["a@wuhu.gov.cn", "b@wuhu.gov.cn"]
    with SmtpServer() as server:
        server.handler.refuse = dict(zip(recipients, answers, strict=True))
        delivery = _send(_config(server.port, "none", user=""), _notice(recipients=recipients))
    assert delivery.status == status
    assert f"a@wuhu.gov.cn（{answers[0]}）" in delivery.detail
    assert f"b@wuhu.gov.cn（{answers[1]}）" in delivery.detail
    assert server.received == []


def test_a_failure_is_stored_and_tried_again_by_the_core(tmp_path: Path, auth_code: str) -> None:
    spam = "554 DT:SPM 163 smtp7,C8CowAB1: 发送的邮件内容包含了未被许可的信息"
    with SmtpServer() as server:
        config = _config(server.port, "none", user="")
        with Pressdocs(store=tmp_path / "s", config=config, load_entry_points=False) as pd:
            server.handler.data_reply = spam
            assert pd.send(_notice()) == Delivery("failed", spam)
            record = pd.store.notice_record(_notice().key)
            assert record is not None and record.detail == spam
            server.handler.data_reply = "451 try again later"
            assert pd.send(_notice()) == Delivery("failed", "451 try again later")
            server.handler.data_reply = "250 OK queued"
            assert pd.send(_notice()) == Delivery("sent", "250 OK queued")
            server.handler.data_reply = "550 never"
            abandoned = _notice("receipt:0003:tjj")
            assert pd.send(abandoned).status == "abandoned"
            record = pd.store.notice_record(abandoned.key)
            assert record is not None and record.detail == "550 never"
            assert pd.send(abandoned).status == "skipped"  # never tried again
    assert len(server.received) == 1


def test_a_wrong_authorisation_code_is_a_clear_error(cert: tuple[Path, Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "the-web-password")
    with SmtpServer("starttls", cert, auth=True) as server, pytest.raises(ChannelError) as caught:
        _send(_config(server.port, "starttls", ca_file=str(cert[0])), _notice())
    assert "授权码" in str(caught.value) and USER in str(caught.value)
    assert "client authorisation code" in caught.value.render("en")
    assert server.received == []


def test_without_a_secret_setting_the_code_comes_from_pressdocs_smtp_secret(
        cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSDOCS_SMTP_SECRET", PASSWORD)
    with SmtpServer("starttls", cert, auth=True) as server:
        delivery = _send(_config(server.port, "starttls", ca_file=str(cert[0]), secret=None),
                         _notice())
    assert delivery.status == "sent"
    assert server.logins == [(USER, True)]
    monkeypatch.delenv("PRESSDOCS_SMTP_SECRET")
    with pytest.raises(ConfigError, match="PRESSDOCS_SMTP_SECRET"):
        EmailSettings.from_config(Config(notify={"email": {}})).reveal_secret()


def test_a_missing_authorisation_code_names_the_variable(auth_code: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV)
    with SmtpServer() as server, pytest.raises(ChannelError, match=SECRET_ENV):
        _send(_config(server.port, "none"), _notice())


def test_no_server_listening_is_transient(tmp_path: Path, auth_code: str) -> None:
    config = _config(free_port(), "none", user="")
    with Pressdocs(store=tmp_path / "s", config=config, load_entry_points=False) as pd:
        delivery = pd.send(_notice())
    assert delivery.status == "failed"
    assert "无法连接发信服务器 127.0.0.1" in delivery.detail


def test_starttls_is_never_skipped_when_the_server_does_not_offer_it(auth_code: str) -> None:
    with SmtpServer() as server, pytest.raises(ChannelError, match="STARTTLS") as caught:
        _send(_config(server.port, "starttls"), _notice())
    assert "does not offer STARTTLS" in caught.value.render("en")
    assert server.received == []


# --- refused before connecting ---------------------------------------------------------------


@pytest.mark.parametrize(("change", "part"), [
    ({"context": {"subject": "回执\r\nBcc: all@evil.example.cn"}}, "邮件主题"),
    ({"context": {"subject": "回执\nContent-Type: text/html"}}, "邮件主题"),
    ({"context": {"subject": "回执\u2028Bcc: all@evil.example.cn"}}, "邮件主题"),
    ({"recipients": ["tjj@wuhu.gov.cn\r\nBcc: all@evil.example.cn"]}, "收件人"),
    ({"recipients": ["市统计局\r\nBcc: all@evil.example.cn <tjj@wuhu.gov.cn>"]}, "收件人"),
    ({"context": {"attachments": [{"name": "a.pdf\r\nX-Evil: 1", "content_type":
                                   "application/pdf", "data_b64": ""}]}}, "附件名"),
], ids=["crlf-subject", "lf-subject", "line-separator", "address", "name", "attachment"])
def test_header_injection_is_refused_before_connecting(change: dict[str, Any], part: str,
                                                       no_network: list[str],
                                                       auth_code: str) -> None:
    notice = _notice(**change.get("context", {}), recipients=change.get("recipients"))
    delivery = _send(_config(2525, "starttls", host="smtp.163.com"), notice)
    assert delivery.status == "abandoned"
    assert delivery.detail.startswith(f"{part}中含有换行或控制字符，已拒绝发送")
    assert "\r" not in delivery.detail and "\n" not in delivery.detail


def test_a_sender_name_with_a_line_break_is_refused_before_connecting(
        no_network: list[str], auth_code: str) -> None:
    with pytest.raises(ChannelError, match="发件人名称"):
        _send(_config(465, "ssl", host="smtp.163.com", from_name="新闻办\r\nBcc: x@evil.cn"),
              _notice())


@pytest.mark.parametrize(("context", "key"), [
    ({"subject": ""}, "email.no_subject"),
    ({"text": "", "html": None}, "email.no_body"),
    ({"attachments": [{"name": "a.pdf", "content_type": "application/pdf",
                       "data_b64": "not base64!"}]}, "email.bad_attachment"),
    ({"attachments": [{"name": "a.pdf", "content_type": "pdf", "data_b64": ""}]},
     "email.bad_attachment"),
])
def test_a_broken_notice_is_abandoned_naming_the_template(context: dict[str, Any], key: str,
                                                          no_network: list[str],
                                                          auth_code: str) -> None:
    delivery = _send(_config(465, "ssl", host="smtp.163.com"), _notice(**context))
    assert delivery.status == "abandoned"
    assert "receipt" in delivery.detail


def test_invalid_addresses_are_permanent_and_named(auth_code: str, no_network: list[str]) -> None:
    delivery = _send(_config(465, "ssl", host="smtp.163.com"),
                     _notice(recipients=["13905531234", "tjj@wuhu"]))
    assert delivery.status == "abandoned"
    assert "13905531234（" in delivery.detail and "tjj@wuhu（" in delivery.detail


def test_a_valid_address_still_gets_it_when_another_is_invalid(auth_code: str) -> None:
    with SmtpServer() as server:
        delivery = _send(_config(server.port, "none", user=""),
                         _notice(recipients=["tjj@wuhu.gov.cn", "tjj at wuhu.gov.cn"]))
    assert delivery.status == "sent"
    assert "不是有效的邮箱地址，未发送：tjj at wuhu.gov.cn（" in delivery.detail
    assert server.received[0].rcpt_tos == ["tjj@wuhu.gov.cn"]
    assert [a.addr_spec for a in server.received[0].message["To"].addresses] == [
        "tjj@wuhu.gov.cn"]


# --- settings -------------------------------------------------------------------------------


def test_163_defaults_need_only_the_authorisation_code() -> None:
    settings = EmailSettings.from_config(Config(notify={"email": {"secret": Secret("X")}}))
    assert (settings.host, settings.port, settings.security) == ("smtp.163.com", 465, "ssl")
    assert settings.user == settings.from_address == "whxwtg@163.com"  # the office mailbox
    assert settings.sender().display_name == "市新闻办"
    starttls = EmailSettings.from_config(Config(notify={"email": {"security": "starttls"}}))
    assert starttls.port == 587


def test_a_from_other_than_the_login_is_refused_for_163_before_connecting(
        no_network: list[str], auth_code: str) -> None:
    config = _config(465, "ssl", host="smtp.163.com", from_address="office@wuhu.gov.cn")
    with pytest.raises(ConfigError) as caught:
        EmailSettings.from_config(config)
    assert "553" in str(caught.value) and "office@wuhu.gov.cn" in str(caught.value)
    assert "differs from the login whxwtg@163.com" in caught.value.render("en")
    with pytest.raises(ChannelError, match="553"):
        _send(config, _notice())
    # another server may allow it
    other = _config(465, "ssl", host="mail.wuhu.gov.cn", from_address="office@wuhu.gov.cn")
    assert EmailSettings.from_config(other).from_address == "office@wuhu.gov.cn"


@pytest.mark.parametrize(("table", "words"), [
    ({"security": "none"}, "不是本机"),
    ({"security": "tls"}, "ssl、starttls 或 none"),
    ({"port": "465"}, "port"),
    ({"hots": "smtp.163.com"}, "是否应为 host"),
    ({"from_address": "新闻办"}, "不是有效的邮箱地址"),
    ({"user": "", "from_address": ""}, "没有发件地址"),
])
def test_bad_settings_are_named(table: dict[str, Any], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        EmailSettings.from_config(Config(notify={"email": table}))


def test_the_toml_form_of_the_settings(tmp_path: Path) -> None:
    from pressdocs.config import load_config

    path = tmp_path / "pressdocs.toml"
    path.write_text('[notify.email]\nuser = "whxwtg@163.com"\n'
                    'secret = {env = "PRESSDOCS_SMTP_SECRET"}\nfrom_name = "芜湖市新闻办"\n',
                    encoding="utf-8")
    settings = EmailSettings.from_config(load_config(path))
    assert settings.secret == Secret("PRESSDOCS_SMTP_SECRET")
    assert settings.sender().display_name == "芜湖市新闻办"


# --- small pieces ------------------------------------------------------------------------------


def test_replies_are_decoded_utf8_or_gbk() -> None:
    assert decode_reply("550 用户不存在".encode("gbk")) == "550 用户不存在"
    assert decode_reply("550 用户不存在".encode()) == "550 用户不存在"
    assert decode_reply(b"5.1.1 User unknown\nplease check") == "5.1.1 User unknown please check"


def test_outcome_of_a_refusal() -> None:
    assert outcome(421, "HL:ICC too many connections") == "failed"
    assert outcome(554, "DT:SPM 163 smtp7") == "failed"
    assert outcome(552, "message too large") == "abandoned"
    assert outcome(550, "User not found") == "abandoned"


def test_both_channels_are_built_in() -> None:
    with Pressdocs(load_entry_points=False) as pd:
        info = pd.plugins.info("pressdocs.builtin.channel_email")
        assert info is not None and info.registered == {"channel": ["email"]}
        outbox = pd.plugins.info("pressdocs.builtin.channel_outbox")
        assert outbox is not None and outbox.registered == {"channel": ["outbox"]}

