"""The IMAP source against Dovecot: TLS, acknowledging (seen, move), incremental runs.

pressdocs never deletes mail: marking seen and moving to a folder are the operator's
choice (``[mail] after``), done only after a message is safely stored.
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
from imapclient import IMAPClient

from imapservers import PASSWORD, Dovecot
from pressdocs import Config, Pressdocs
from submissions import message, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
USER = "whxwtg@163.com"


def _mail(n: int) -> bytes:
    return message(subject=f"【市统计局】登记表{n}", sender="市统计局 <tjj@wuhu.gov.cn>",
                   date=datetime(2021, 4, 1, 9, tzinfo=TZ), message_id=f"<imap{n}@wuhu.gov.cn>",
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


def _app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **mail: object) -> Pressdocs:
    monkeypatch.setenv("PRESSDOCS_IMAP_SECRET", PASSWORD)
    return Pressdocs(store=tmp_path / "store", config=Config(mail={"allow_insecure_login": True, **mail}))


def _flags(port: int, folder: str = "INBOX") -> list[tuple[bytes, ...]]:
    with IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(USER, PASSWORD)
        client.select_folder(folder, readonly=True)
        return [tuple(v) for v in client.get_flags(client.search(["ALL"])).values()]


def test_after_seen_marks_only_what_was_stored(dovecot: Dovecot, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    dovecot.start()
    for n in range(2):
        dovecot.deliver(USER, _mail(n), f"{n}.eml")
    url = f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX"
    dry = _app(tmp_path, monkeypatch, after="seen").batch(url, dry_run=True)
    assert dry.new == 2
    assert _flags(dovecot.port) == [(), ()]  # a dry run acknowledges nothing
    _app(tmp_path, monkeypatch, after="seen").batch(url)
    assert _flags(dovecot.port) == [(b"\\Seen",), (b"\\Seen",)]


def test_after_move_files_messages_into_a_chinese_folder(dovecot: Dovecot, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    dovecot.start()
    dovecot.deliver(USER, _mail(7), "7.eml")
    url = f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX"
    report = _app(tmp_path, monkeypatch, after="move:已处理").batch(url)
    assert report.new == 1
    with IMAPClient("127.0.0.1", port=dovecot.port, ssl=False) as client:
        client.login(USER, PASSWORD)
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
        assert client.select_folder("已处理")[b"EXISTS"] == 1
    # the moved message is still the same message to the ledger: found again, not re-taken
    again = _app(tmp_path, monkeypatch).batch(f"imap://{USER}@127.0.0.1:{dovecot.port}/已处理")
    assert [o.status for o in again.outcomes] == ["duplicate"]


def test_incremental_run_takes_only_new_mail(dovecot: Dovecot, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    dovecot.start()
    dovecot.deliver(USER, _mail(1), "1.eml")
    url = f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX"
    app = _app(tmp_path, monkeypatch)
    assert app.batch(url).new == 1
    dovecot.deliver(USER, _mail(2), "2.eml")
    second = _app(tmp_path, monkeypatch).batch(url)
    assert second.new == 1
    assert [o.submission.subject for o in second.outcomes if o.status != "duplicate"] == [
        "【市统计局】登记表2"]


def test_imaps_with_a_verified_certificate(dovecot: Dovecot, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = dovecot.root / "cert.pem", dovecot.root / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    dovecot.start(tls=(cert, key))
    dovecot.deliver(USER, _mail(3), "3.eml")
    url = f"imaps://{USER}@127.0.0.1:{dovecot.tls_port}/INBOX"
    report = _app(tmp_path, monkeypatch, ca_file=str(cert)).batch(url)
    assert report.new == 1
    # without trusting that certificate, the connection is refused with a clear message
    from pressdocs import SourceError

    with pytest.raises(SourceError, match="证书") as caught:
        _app(tmp_path / "other", monkeypatch).batch(url)
    assert "the certificate of the mail server 127.0.0.1 cannot be verified" in \
        caught.value.render("en")
