"""Hostile input and careless settings against the mailbox connection and the output.

What an attacker on the network, a careless configuration or a hostile sender could do,
and what the office notices instead:

- the IMAP password never travels in clear: ``imap://`` is upgraded with STARTTLS, and
  without STARTTLS the login is refused unless the office opted in
  (``--allow-insecure-login``, with a warning);
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cli_support import run_pressdocs
from imapservers import PASSWORD, Dovecot
from pressdocs import Config, Pressdocs, SourceError
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
