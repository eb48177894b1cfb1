"""Hostile input and careless settings against the mailbox connection and the output.

What an attacker on the network, a careless configuration or a hostile sender could do,
and what the office notices instead:

- the IMAP password never travels in clear: ``imap://`` is upgraded with STARTTLS, and
  without STARTTLS the login is refused unless the office opted in
  (``--allow-insecure-login``, with a warning);
- a secret written in the configuration or in a URL still works, with a warning, and its
  text appears nowhere: not in ``config show`` (text or JSON), errors, batch reports,
  logs, the store's files or the outbox;
- escape sequences and bidirectional overrides in senders' names, subjects and file names
  are shown escaped on the terminal (``\\x1b``, ``\\u202e``) and kept as sent in JSON; a
  file name of megabytes is cut (its extension kept, the cut marked) before the ledger;
- every number of the configuration and the command line has a range, and a value outside
  it is refused naming the key, the value and the range.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import tomli_w
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from cli_support import invoke, run_pressdocs
from imapservers import PASSWORD, Dovecot, NeteaseLikeServer
from pressdocs import Config, ConfigError, Pressdocs, SourceError
from pressdocs.config import config_from_dict
from smtpservers import SmtpServer
from submissions import message, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
USER = "whxwtg@163.com"


# --- the IMAP connection -----------------------------------------------------------------


def _mail(n: int) -> bytes:
    return message(subject=f"【市统计局】登记表{n}", sender="市统计局 <tjj@wuhu.gov.cn>",
                   date=datetime(2021, 4, 1, 9, tzinfo=TZ), message_id=f"<tls{n}@wuhu.gov.cn>",
                   attachments=[(f"登记表{n}.docx", registration_docx(
                       title=f"第{n}场发布会", unit="市统计局", when="2021年4月20日上午9:30"))])


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    if not Dovecot.available():
        pytest.skip("dovecot-imapd is not installed (scripts/setup installs it)")
    root = Path(tempfile.mkdtemp(prefix="pressdocs-dovecot-"))
    server = Dovecot(root)
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


def _certificate(root: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def _logins(server: Dovecot) -> list[str]:
    """Dovecot's own record of each login (it says ``TLS`` for an encrypted one)."""
    log = server.root / "dovecot.log"
    return [line for line in log.read_text().splitlines() if "imap-login: Info: Login:" in line]


def test_plain_imap_without_starttls_is_refused(dovecot: Dovecot, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    dovecot.start()  # no TLS at all: no STARTTLS offered
    dovecot.deliver(USER, _mail(1), "1.eml")
    url = f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX"
    monkeypatch.setenv("PRESSDOCS_IMAP_SECRET", PASSWORD)
    with pytest.raises(SourceError) as caught:
        Pressdocs(store=tmp_path / "store", config=Config()).batch(url)
    zh, en = caught.value.render("zh"), caught.value.render("en")
    assert f"127.0.0.1:{dovecot.port}" in zh and "STARTTLS" in zh and "明文" in zh
    assert "--allow-insecure-login" in zh and "allow_insecure_login" in zh
    assert "--allow-insecure-login" in en and "in clear" in en
    assert _logins(dovecot) == []  # the password was never sent

    result = run_pressdocs(["--store", str(tmp_path / "cli"), "batch", url],
                           env={"PRESSDOCS_IMAP_SECRET": PASSWORD})
    assert result.returncode == 2
    assert "--allow-insecure-login" in result.stderr and "Traceback" not in result.stderr
    assert _logins(dovecot) == []


def test_plain_imap_with_the_option_logs_in_and_warns(dovecot: Dovecot, tmp_path: Path) -> None:
    dovecot.start()
    dovecot.deliver(USER, _mail(2), "2.eml")
    url = f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX"
    result = run_pressdocs(["--store", str(tmp_path / "store"), "batch", url,
                            "--allow-insecure-login", "--json"],
                           env={"PRESSDOCS_IMAP_SECRET": PASSWORD})
    assert result.returncode == 0, result.stderr
    assert '"new": 1' in result.stdout
    warning = [line for line in result.stderr.splitlines() if "明文" in line]
    assert len(warning) == 1 and f"127.0.0.1:{dovecot.port}" in warning[0]
    logins = _logins(dovecot)
    assert len(logins) == 1 and "TLS" not in logins[0]


def test_plain_imap_is_upgraded_with_starttls(dovecot: Dovecot, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = _certificate(dovecot.root)
    dovecot.start(tls=(cert, key))  # the plain port now offers STARTTLS
    dovecot.deliver(USER, _mail(3), "3.eml")
    url = f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX"
    monkeypatch.setenv("PRESSDOCS_IMAP_SECRET", PASSWORD)
    report = Pressdocs(store=tmp_path / "store",
                       config=Config(mail={"ca_file": str(cert)})).batch(url)
    assert report.new == 1
    logins = _logins(dovecot)
    assert len(logins) == 1 and ", TLS" in logins[0]  # the login went over TLS
    # the upgrade verifies the certificate like imaps:// does: an unknown one is refused
    with pytest.raises(SourceError, match="证书"):
        Pressdocs(store=tmp_path / "other", config=Config()).batch(url)
    assert len(_logins(dovecot)) == 1


# --- secrets -------------------------------------------------------------------------------

#: A secret for every secret-bearing setting, with the characters that break naive quoting.
SECRETS = {
    "mail.imap": "Im@p:p4ss/w%rd?#&'x",  # the password of the URL
    "mail.auth_code": "AuthC0de-163;\"quoted\"",
    "notify.email.secret": "Smtp%20S3cret:@/<b>",
    "notify.sms.access_key_secret": "SmsK3y+/=&%41",
}


def _forms(secret: str) -> set[str]:
    """How a secret could show up: as written, percent-encoded, JSON- or TOML-escaped."""
    return {secret, quote(secret, safe=""), quote(secret, safe="@"),
            json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}


def _leaks(text: str | bytes) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return [key for key, secret in SECRETS.items()
            for form in _forms(secret) if form.encode("utf-8") in data]


def _settings(imap_port: int, smtp_port: int) -> dict[str, Any]:
    return {
        "mail": {"imap": f"imap://{USER}:{quote(SECRETS['mail.imap'], safe='')}"
                         f"@127.0.0.1:{imap_port}/INBOX",
                 "auth_code": SECRETS["mail.auth_code"], "allow_insecure_login": True},
        "notify": {"channels": ["email"], "receipts": True,
                   "email": {"host": "127.0.0.1", "port": smtp_port, "security": "none",
                             "user": USER, "secret": SECRETS["notify.email.secret"]},
                   "sms": {"provider": "aliyun", "access_key_id": "LTAI5tExampleKeyId",
                           "access_key_secret": SECRETS["notify.sms.access_key_secret"],
                           "sign_name": "芜湖市新闻办", "endpoint": "http://127.0.0.1:9/",
                           "templates": {"receipt": "SMS_123456"}}},
    }


# a loopback SMTP server that refuses the login: no TLS there, as aiosmtpd warns
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_secrets_in_the_configuration_and_urls_are_never_shown(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with NeteaseLikeServer([_mail(n) for n in range(2)]) as imap, \
            SmtpServer(auth=True) as smtp:  # refuses the login: a failing notify
        config = tmp_path / "pressdocs.toml"
        config.write_text(tomli_w.dumps(_settings(imap.port, smtp.port)), encoding="utf-8")
        base = ["--config", str(config), "--store", str(store)]
        runs = {
            "config show": run_pressdocs([*base, "config", "show"]),
            "config show --json": run_pressdocs([*base, "config", "show", "--json"]),
            "batch": run_pressdocs([*base, "batch", "--json"]),
            "batch (text)": run_pressdocs([*base, "batch", "--no-notify"]),
            "notify": run_pressdocs([*base, "notify", "--json"]),
            "notify (text)": run_pressdocs([*base, "notify"]),
        }
        assert smtp.logins and not any(ok for _, ok in smtp.logins)  # the literal was used
    with NeteaseLikeServer([], always_unsafe=True) as failing:  # a batch that fails
        settings = _settings(failing.port, 9)
        config.write_text(tomli_w.dumps(settings), encoding="utf-8")
        runs["failing batch"] = run_pressdocs([*base, "batch"])
        url = settings["mail"]["imap"]
        runs["failing batch, URL given"] = run_pressdocs([*base, "batch", url, "--json"])
        runs["unknown source"] = run_pressdocs([*base, "batch", url.replace("imap:", "imapx:")])

    assert runs["batch"].returncode == 0, runs["batch"].stderr
    assert json.loads(runs["batch"].stdout)["new"] == 2  # the URL's password logged in
    assert runs["notify"].returncode == 0, runs["notify"].stderr
    assert json.loads(runs["notify"].stdout)["by_status"] == {"failed": 2}
    assert runs["failing batch"].returncode == 2 and "Unsafe Login" in runs["failing batch"].stderr
    for name, run in runs.items():
        assert _leaks(run.stdout) == [], (name, run.stdout)
        assert _leaks(run.stderr) == [], (name, run.stderr)
        assert "Traceback" not in run.stderr, (name, run.stderr)
    # the warnings name each key written literally, and how to move it
    warned = runs["config show"].stderr
    for key in ("mail.imap", "mail.auth_code", "notify.email.secret",
                "notify.sms.access_key_secret"):
        assert key in warned
    assert 'secret = {env = "PRESSDOCS_SMTP_SECRET"}' in warned and "secret_file" in warned
    shown = json.loads(runs["config show --json"].stdout)
    assert shown["notify"]["email"]["secret"].startswith("***")
    assert shown["mail"]["imap"] == f"imap://{USER}:***@127.0.0.1:{imap.port}/INBOX"
    # nothing written anywhere in the store (the ledger, the outbox, the archived mail)
    files = [f for f in store.rglob("*") if f.is_file()]
    assert any(f.suffix in (".sqlite", ".db", ".sqlite3") for f in files), files
    for f in files:
        assert _leaks(f.read_bytes()) == [], f


def test_secrets_from_a_file_and_the_environment(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    secret_file = tmp_path / "smtp.secret"
    secret_file.write_text("FromAFile-0553\n", encoding="utf-8")
    monkeypatch.setenv("PRESSDOCS_SMS_SECRET", "FromTheEnv-0553")
    config = config_from_dict({"notify": {
        "email": {"secret_file": str(secret_file)},
        "sms": {"access_key_secret": {"env": "PRESSDOCS_SMS_SECRET"}}}})
    assert caplog.text == ""  # nothing written literally: nothing to warn about
    assert config.notify["email"]["secret"].reveal() == "FromAFile-0553"
    assert config.notify["sms"]["access_key_secret"].reveal() == "FromTheEnv-0553"
    shown = config.to_toml() + json.dumps(config.redacted("en"))
    assert "FromAFile" not in shown and "FromTheEnv" not in shown
    assert str(secret_file) in shown and "PRESSDOCS_SMS_SECRET" in shown
    assert config_from_dict(__import__("tomllib").loads(config.to_toml())) == config
    missing = config_from_dict({"mail": {"secret_file": str(tmp_path / "nope")}})
    with pytest.raises(ConfigError, match="nope"):
        missing.mail["secret"].reveal()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(secret=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                      min_size=8, max_size=40).filter(lambda s: s.strip() == s),
       key=st.sampled_from(["mail.secret", "mail.auth_code", "mail.password",
                            "notify.email.secret", "notify.sms.access_key_secret",
                            "notify.email.token", "mail.imap"]))
def test_a_literal_secret_is_never_echoed(secret: str, key: str) -> None:
    section, _, name = key.rpartition(".")
    value = (f"imaps://{USER}:{quote(secret, safe='')}@imap.163.com/INBOX"
             if name == "imap" else secret)
    raw: dict[str, Any] = {}
    table = raw
    for part in section.split("."):
        table = table.setdefault(part, {})
    table[name] = value
    config = config_from_dict(raw)
    shown = config.to_toml() + json.dumps(config.redacted(), ensure_ascii=False) + \
        json.dumps(config.redacted("en"))
    error = ConfigError.of("source.imap_not_url", location=f"x {value} y")
    shown += error.render("zh") + error.render("en") + json.dumps(error.message.params)
    assert not [form for form in _forms(secret) if form in shown]


# --- what the mail brings in, on a terminal ------------------------------------------------

#: What a terminal would act on: colours, cursor moves, a title, an OSC 8 link, a bell,
#: C1 CSI, bidi overrides and isolates.
HOSTILE = ["\x1b[31m", "\x1b[2J", "\x1b]0;pwned\x07", "\x1b]8;;http://evil.example/\x1b\\",
           "\x9b1m", "\x07", "\x08", "\r", "\u202e", "\u202a", "\u2066", "\u2069", "\x00",
           "[red]", "[link=http://evil.example]"]
SAFE = ["市", "统计", "局", "登记表", "a", " ", "1"]
DANGEROUS = set("\x1b\x9b\x07\x08\r\x00\u202e\u202a\u2066\u2069")


def _terminal_safe(text: str) -> None:
    assert not DANGEROUS & set(text), [c for c in text if c in DANGEROUS]


hostile_text = st.lists(st.sampled_from(HOSTILE + SAFE), min_size=1, max_size=8).map(
    "".join).filter(lambda t: bool(DANGEROUS & set(t)))


def _hostile_message(name: str, subject: str, filename: str, docx: bytes) -> bytes:
    """A message as an attacker writes it: the words encoded (RFC 2047, RFC 2231), so
    that any control character survives the transport."""
    import base64

    def word(text: str) -> str:
        return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="

    attachment = base64.encodebytes(docx).decode()
    return (f"From: {word(name)} <tjj@wuhu.gov.cn>\r\nTo: whxwtg@163.com\r\n"
            f"Subject: {word('【市统计局】' + subject)}\r\n"
            "Date: Thu, 01 Apr 2021 09:00:00 +0800\r\nMessage-ID: <hostile@wuhu.gov.cn>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n附件请查收。\r\n"
            "--b\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Disposition: attachment; filename*=utf-8''{quote(filename + '.docx')}\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--b--\r\n").encode()


@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@given(name=hostile_text, subject=hostile_text, filename=hostile_text)
@example(name="\u202e市统计局", subject="\x1b]8;;http://evil.example/\x1b\\点此\x1b]8;;\x1b\\",
         filename="登记表\u202excod.exe")
def test_controls_from_the_mail_are_shown_escaped(name: str, subject: str,
                                                  filename: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        docx = registration_docx(title="第一场发布会", unit="市统计局", when="2021年4月20日上午9:30")
        eml = root / "1.eml"
        eml.write_bytes(_hostile_message(name, subject, filename, docx))
        on_disk = root / f"{filename.replace('/', '').replace(chr(0), '')}.docx"
        on_disk.write_bytes(docx)
        store = ["--store", str(root / "store")]
        shown = {"batch": invoke([*store, "batch", str(eml)]),
                 "submissions list": invoke([*store, "submissions", "list"]),
                 "validate": invoke([*store, "validate", str(eml)]),
                 "parse": invoke([*store, "parse", str(on_disk)])}
        listed = json.loads(invoke([*store, "submissions", "list", "--json"]).stdout)
        sub_id = listed["submissions"][0]["id"]
        shown["submissions show"] = invoke([*store, "submissions", "show", sub_id])
        for command, result in shown.items():
            assert result.exit_code in (0, 1), (command, result.output)
            _terminal_safe(result.stdout)
            _terminal_safe(result.stderr)
        # JSON keeps the sender's words exactly (JSON escapes are JSON's own)
        detail = json.loads(invoke([*store, "submissions", "show", sub_id, "--json"]).stdout)
        # what was escaped is shown as its escape, where the office can see it
        said = shown["submissions show"].stdout
        for c in DANGEROUS & set(detail["subject"]):
            assert f"\\x{ord(c):02x}" in said or f"\\u{ord(c):04x}" in said, c
        assert subject.strip() in detail["subject"] and name.strip() in detail["sender_name"]
        tail = re.split(r"[\\/]", filename)[-1]  # a sent path is cut to its name
        raw = (DANGEROUS - {"\r"}) & set(tail)  # line breaks in a name become spaces
        assert any(raw <= set(d["name"]) for d in detail["documents"])


def _long_name_message(repeat: int, docx: bytes) -> bytes:
    import base64

    encoded = quote("登记表" * repeat + ".docx")  # as RFC 2231 pieces, the way clients fold it
    pieces = "".join(f";\r\n filename*{i}*={'utf-8' + chr(39) * 2 if i == 0 else ''}"
                     f"{encoded[at:at + 72]}" for i, at in enumerate(range(0, len(encoded), 72)))
    return ("From: tjj@wuhu.gov.cn\r\nTo: whxwtg@163.com\r\nSubject: =?utf-8?b?"
            + base64.b64encode("【市统计局】登记表".encode()).decode() + "?=\r\n"
            "Date: Thu, 01 Apr 2021 09:00:00 +0800\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Disposition: attachment{pieces}"
            "\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(docx).decode() + "\r\n--b--\r\n").encode()


@pytest.mark.parametrize("repeat", [40_000, 1_200_000])  # a name of 360 KB, and of 10.8 MB
def test_a_file_name_of_megabytes_is_cut_before_the_ledger(tmp_path: Path, repeat: int) -> None:
    from pressdocs.mail import parse_message

    docx = registration_docx(title="第一场发布会", unit="市统计局", when="2021年4月20日上午9:30")
    data = _long_name_message(repeat, docx)
    # read in a second, not hours (the stdlib's parameter parser is quadratic)
    (part,) = [p for p in parse_message(data).attachments if p.filename]
    assert len(part.filename) == 255 and part.filename.endswith("….docx")
    assert part.filename.startswith("登记表登记表")
    (tmp_path / "1.eml").write_bytes(data)
    with Pressdocs(store=tmp_path / "store", config=Config()) as app:
        report = app.batch(str(tmp_path / "1.eml"))
    names = [d.name for d in report.outcomes[0].submission.documents]
    assert all(len(n) <= 255 for n in names)
    if repeat < 100_000:  # split as usual: the document kept under its cut name, and read
        assert names == [part.filename]
    else:  # a message that large and odd is kept whole for the office to look at (PD904)
        assert [f.code for f in report.outcomes[0].submission.findings] == ["PD904"]
    ledger = [f for f in (tmp_path / "store").rglob("*")
              if f.is_file() and f.suffix in (".sqlite", ".db", ".sqlite3", ".sqlite-wal")]
    assert ledger and max(f.stat().st_size for f in ledger) < 2_000_000


# --- numbers -------------------------------------------------------------------------------


def _numeric_settings() -> dict[str, tuple[int, int]]:
    from pressdocs.config import numeric_settings

    return numeric_settings()


@settings(max_examples=80, deadline=None)
@given(data=st.data(), key=st.sampled_from(sorted(_numeric_settings())))
def test_every_numeric_setting_refuses_values_out_of_range(data: st.DataObject,
                                                           key: str) -> None:
    minimum, maximum = _numeric_settings()[key]
    value = data.draw(st.one_of(st.integers(max_value=minimum - 1),
                                st.integers(min_value=maximum + 1)))
    path = key.replace("<channel>", "email").split(".")
    raw: dict[str, Any] = {}
    table = raw
    for part in path[:-1]:
        table = table.setdefault(part, {})
    table[path[-1]] = value
    with pytest.raises(ConfigError) as refused:
        config_from_dict(raw)
    zh, en = refused.value.render("zh"), refused.value.render("en")
    assert key.replace("<channel>", "email") in zh and str(value) in zh
    assert f"{minimum} 到 {maximum}" in zh and f"between {minimum} and {maximum}" in en
    # and every value inside the range is taken
    inside = data.draw(st.integers(min_value=minimum, max_value=maximum))
    table[path[-1]] = inside
    config_from_dict(raw)


@pytest.mark.parametrize("text", ["[deadlines]\nregistration_days_before = -5",
                                  "[materials]\npictures = -3",
                                  "[materials]\npress_release_max_chars = -1200"])
def test_the_issues_numbers_are_refused_on_the_command_line(tmp_path: Path, text: str) -> None:
    config = tmp_path / "pressdocs.toml"
    config.write_text(text + "\n", encoding="utf-8")
    result = invoke(["--config", str(config), "config", "show"])
    assert result.exit_code == 2 and "超出允许范围" in result.stderr
    assert text.rsplit("= ", 1)[1] in result.stderr


def test_the_email_port_and_timeout_are_checked() -> None:
    from pressdocs.builtin.channel_email import EmailSettings

    for bad in ({"port": 0}, {"port": 70000}, {"timeout": 0}, {"timeout": -1}):
        with pytest.raises(ConfigError):
            EmailSettings.from_config(Config(notify={"email": {"host": "127.0.0.1", **bad}}))


@pytest.mark.parametrize("args", [["plan", "show", "--year", "-1"],
                                  ["plan", "show", "--year", "99999"],
                                  ["report", "annual", "0"],
                                  ["submissions", "list", "--limit", "-3"],
                                  ["batch", "--limit", "0"],
                                  ["serve", "--port", "70000"]])
def test_numeric_options_are_checked(tmp_path: Path, args: list[str]) -> None:
    result = invoke(["--store", str(tmp_path / "store"), *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and ("范围" in result.stderr or
                                                 "太小" in result.stderr or
                                                 "range" in result.stderr)
