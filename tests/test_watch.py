"""``pressdocs watch`` as an office runs it: a real process (``python -m pressdocs watch``)
against real IMAP servers on loopback — Dovecot, which offers IDLE, and the 163-like
server, which offers IDLE only after ID (or not at all).

Mail delivered while it runs is taken in within seconds, each message once; SIGTERM ends
it cleanly (exit 0, no traceback, the store consistent), Ctrl-C with 130; a server that
goes away and comes back is reconnected to; a server without IDLE is polled; a login
refused ends it with one line.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import pytest

from imapservers import PASSWORD, Dovecot, NeteaseLikeServer
from pressdocs import Config, Pressdocs, WatchEvent
from pressdocs.store import open_store
from submissions import message, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
USER = "whxwtg@163.com"
#: How long a message delivered to a watched mailbox may take to be taken in.
SECONDS = 8.0


def _mail(n: int) -> bytes:
    return message(subject=f"【市统计局】登记表{n}", sender="市统计局 <tjj@wuhu.gov.cn>",
                   date=datetime(2021, 4, 1, 9, tzinfo=TZ), message_id=f"<watch{n}@wuhu.gov.cn>",
                   attachments=[(f"登记表{n}.docx", registration_docx(
                       title=f"第{n}场发布会", unit="市统计局", when="2021年4月20日上午9:30"))])


class Watching:
    """``pressdocs watch URL --json-lines`` running: its JSON lines and log lines as they
    come, read by two threads."""

    def __init__(self, url: str, store: Path, *options: str) -> None:
        env = {**os.environ, "PRESSDOCS_IMAP_SECRET": PASSWORD, "PYTHONIOENCODING": "utf-8"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pressdocs", "watch", url, "--store", str(store),
             "--allow-insecure-login", "--json-lines", *options],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, encoding="utf-8")
        self.messages: list[dict[str, Any]] = []
        self.log: list[str] = []
        self._news: queue.Queue[None] = queue.Queue()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self._message)),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.log.append))]
        for reader in self._readers:
            reader.start()

    def _message(self, line: str) -> None:
        self.messages.append(json.loads(line))

    def _read(self, stream: IO[str], keep: Callable[[str], None]) -> None:
        for line in stream:
            keep(line.rstrip("\n"))
            self._news.put(None)

    def until(self, what: Callable[[], bool], seconds: float = SECONDS) -> float:
        """Wait until ``what()`` holds; the seconds it took (fails after ``seconds``)."""
        began = time.monotonic()
        while not what():
            left = began + seconds - time.monotonic()
            if left <= 0 or (self.proc.poll() is not None and self._news.empty()):
                pytest.fail(f"not within {seconds} s; log:\n" + "\n".join(self.log))
            with contextlib.suppress(queue.Empty):
                self._news.get(timeout=min(left, 0.2))
        return time.monotonic() - began

    def logged(self, text: str) -> bool:
        return any(text in line for line in self.log)

    def subjects(self) -> list[str]:
        return [m["subject"] for m in self.messages]

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """Send ``signum``; the exit code (the process must end within 15 s)."""
        self.proc.send_signal(signum)
        try:
            code = self.proc.wait(15)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for reader in self._readers:
                reader.join(5)
        return code


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    if not Dovecot.available():
        pytest.skip("dovecot-imapd is not installed (scripts/setup installs it)")
    root = Path(tempfile.mkdtemp(prefix="pressdocs-dovecot-"))
    server = Dovecot(root)
    yield server
    server.stop(connections=True)
    shutil.rmtree(root, ignore_errors=True)


def _consistent(store: Path, processed: int) -> None:
    """Every message recorded was processed, each once."""
    with open_store(store) as s:
        assert len(s.processed_messages()) == processed
        assert s.unprocessed_messages() == []


def test_mail_delivered_while_watching_is_taken_in_within_seconds(
        dovecot: Dovecot, tmp_path: Path) -> None:
    dovecot.start()
    dovecot.deliver(USER, _mail(1), "1.eml")
    url = f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX"
    watching = Watching(url, tmp_path / "store")
    try:
        watching.until(lambda: watching.subjects() == ["【市统计局】登记表1"], 20)
        assert watching.logged("以 IDLE 等候新邮件")
        # the health line at the start: what it watches, how it stands, no error
        assert watching.logged("pressdocs watch: 已连接（IDLE 等候新邮件） imap://")
        assert watching.logged("已处理 0 封（收取 0 次），没有出错")
        for n in (2, 3):
            dovecot.deliver(USER, _mail(n), f"{n}.eml")
            took = watching.until(lambda n=n: len(watching.messages) == n)
            assert took < SECONDS
        assert watching.subjects() == [f"【市统计局】登记表{n}" for n in (1, 2, 3)]
        assert [m["status"] for m in watching.messages] != ["duplicate"] * 3
    finally:
        code = watching.stop(signal.SIGTERM)
    assert code == 0, watching.log  # a service stopped is a normal end
    assert watching.logged("收到 SIGTERM")
    assert watching.log[-1].startswith("pressdocs watch: 已停止；启动以来收取 ")
    assert watching.log[-1].endswith("次，已处理 3 封")
    assert not watching.logged("Traceback")
    assert len({m["message_id"] for m in watching.messages}) == 3
    _consistent(tmp_path / "store", 3)


def test_it_reconnects_when_the_server_goes_away_and_comes_back(
        dovecot: Dovecot, tmp_path: Path) -> None:
    dovecot.start()
    dovecot.deliver(USER, _mail(1), "1.eml")
    url = f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX"
    watching = Watching(url, tmp_path / "store")
    try:
        watching.until(lambda: len(watching.messages) == 1, 20)
        dovecot.stop(connections=True)
        watching.until(lambda: watching.logged("秒后重新连接"))
        dovecot.deliver(USER, _mail(2), "2.eml")  # while the server is down
        dovecot.start()
        watching.until(lambda: len(watching.messages) == 2, 15)
        dovecot.deliver(USER, _mail(3), "3.eml")  # and watched again afterwards
        watching.until(lambda: len(watching.messages) == 3)
    finally:
        code = watching.stop()
    assert code == 0
    retries = [line for line in watching.log if "秒后重新连接" in line]
    assert retries and all(line.startswith("pressdocs watch: ") for line in retries)
    assert sum(watching.logged(f"；{s} 秒后重新连接") for s in (1, 2, 4)) >= 1
    assert sum("以 IDLE 等候新邮件" in line for line in watching.log) == 2  # connected twice
    assert not watching.logged("Traceback")
    assert watching.subjects() == [f"【市统计局】登记表{n}" for n in (1, 2, 3)]
    _consistent(tmp_path / "store", 3)


def test_a_server_without_idle_is_polled(tmp_path: Path) -> None:
    with NeteaseLikeServer([_mail(1)]) as server:
        url = f"imap://{USER}@127.0.0.1:{server.port}/INBOX"
        watching = Watching(url, tmp_path / "store", "--poll", "1", "--lang", "en")
        try:
            watching.until(lambda: len(watching.messages) == 1, 20)
            assert watching.logged("the mailbox offers no IDLE, so it is looked at regularly")
            server.messages.append(_mail(2))
            assert watching.until(lambda: len(watching.messages) == 2) < SECONDS
        finally:
            code = watching.stop()
    assert code == 0
    assert "IDLE" not in server.commands
    assert watching.logged("pressdocs watch: SIGTERM received")
    assert not watching.logged("Traceback")
    _consistent(tmp_path / "store", 2)


def test_163_offers_idle_only_after_id_and_ctrl_c_ends_with_130(tmp_path: Path) -> None:
    with NeteaseLikeServer([_mail(1)], idle=True) as server:
        url = f"imap://{USER}@127.0.0.1:{server.port}/INBOX"
        watching = Watching(url, tmp_path / "store", "--poll", "3600")
        try:
            watching.until(lambda: len(watching.messages) == 1, 20)
            assert watching.logged("以 IDLE 等候新邮件")
            # once it idles (mail arriving before that is caught by UIDNEXT, without IDLE)
            watching.until(lambda: "IDLE" in server.commands)
            server.messages.append(_mail(2))  # announced in IDLE: no poll would see it
            assert watching.until(lambda: len(watching.messages) == 2) < SECONDS
        finally:
            code = watching.stop(signal.SIGINT)
    assert code == 130
    assert "IDLE" in server.commands
    assert server.commands.index("ID") < server.commands.index("IDLE")
    assert watching.logged("收到 SIGINT")
    assert not watching.logged("Traceback")
    _consistent(tmp_path / "store", 2)


def test_a_login_that_cannot_work_ends_the_watch_with_one_line(tmp_path: Path) -> None:
    with NeteaseLikeServer([_mail(1)], always_unsafe=True) as server:
        url = f"imap://{USER}@127.0.0.1:{server.port}/INBOX"
        watching = Watching(url, tmp_path / "store")
        code = watching.proc.wait(30)
        for reader in watching._readers:
            reader.join(5)
    assert code == 2
    errors = [line for line in watching.log if line.startswith("错误：")]
    assert len(errors) == 1 and "Unsafe Login" in errors[0]
    assert not watching.logged("Traceback")


def test_the_library_yields_typed_events_until_stopped(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSDOCS_IMAP_SECRET", PASSWORD)
    stop = threading.Event()
    events: list[WatchEvent] = []
    with NeteaseLikeServer([_mail(1)], idle=True) as server, \
            Pressdocs(store=tmp_path / "store",
                      config=Config(mail={"allow_insecure_login": True})) as app:
        url = f"imap://{USER}@127.0.0.1:{server.port}/INBOX"
        for event in app.watch(url, stop=stop, health=3600):
            events.append(event)
            if event.kind == "batch":
                stop.set()
    assert [e.kind for e in events] == ["connected", "health", "batch", "stopped"]
    batch = events[2]
    assert batch.report is not None and batch.report.new == 1
    assert batch.health.processed == 1 and batch.health.idle
    assert events[-1].health.state == "stopped"
    assert events[-1].line().text("en") == \
        "pressdocs watch: stopped; 1 batches since the start, 1 messages processed"


def test_the_documented_service_unit_is_one_systemd_accepts(tmp_path: Path) -> None:
    """docs/operators.md's pressdocs-watch.service, as ``systemd-analyze verify`` reads it:
    no key it does not know, no value it cannot parse (the program's path replaced by one
    that exists here)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    doc = (Path(__file__).resolve().parents[1] / "docs" / "operators.md").read_text("utf-8")
    found = re.search(r"```ini\n(# /etc/systemd/system/pressdocs-watch\.service\n.*?)```", doc,
                      re.DOTALL)
    assert found, "docs/operators.md has no pressdocs-watch.service"
    unit = found.group(1)
    assert "Restart=on-failure" in unit and "EnvironmentFile=" in unit
    assert "ExecStart=/srv/pressdocs/.venv/bin/pressdocs watch" in unit
    path = tmp_path / "pressdocs-watch.service"
    path.write_text(unit.replace("/srv/pressdocs/.venv/bin/pressdocs",
                                 shutil.which("true") or "/bin/true"), encoding="utf-8")
    checked = subprocess.run([analyze, "verify", str(path)], capture_output=True, text=True,
                             timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.strip() == ""  # systemd says "ignoring" a bad line, yet exits 0


def test_a_folder_of_messages_is_polled(tmp_path: Path) -> None:
    """A mailbox that is not IMAP (here a folder of .eml files) is taken in again every
    ``poll`` seconds."""
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "1.eml").write_bytes(_mail(1))
    stop = threading.Event()
    taken: list[str] = []

    def progress(outcome: Any) -> None:
        if outcome.new:
            taken.append(outcome.submission.subject)
            if len(taken) == 1:
                (mail / "2.eml").write_bytes(_mail(2))  # arrives after the first batch
            else:
                stop.set()

    with Pressdocs(store=tmp_path / "store") as app:
        kinds = [e.kind for e in app.watch(str(mail), poll=1, stop=stop, progress=progress)]
    assert taken == ["【市统计局】登记表1", "【市统计局】登记表2"]
    assert kinds == ["connected", "health", "batch", "batch", "stopped"]
