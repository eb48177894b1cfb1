"""Failures a user meets end in one clear line and a documented exit code, never a
traceback (unless ``--debug``): the mail server's connection dropped or stalled midway, a
secret with Chinese characters, a full disk under the lock file, a bug in a plugin.

The mail server is the real Dovecot on loopback, reached through a small proxy that cuts
or stalls the connection at the moment a message body is fetched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cli_support import invoke, plugin_site, run_pressdocs, with_plugins
from imapservers import Dovecot, NeteaseLikeServer, free_port
from pressdocs.store import open_store
from submissions import message

TZ = ZoneInfo("Asia/Shanghai")
USER = "whxwtg@163.com"
COUNT = 22  # more than one FETCH batch (20): the cut comes after some mail was taken in
CHINESE_SECRET = "授权码密钥2021"


class Proxy:
    """A TCP proxy to ``port`` on loopback.  At the ``nth`` command fetching message bodies
    (``BODY.PEEK[]``) it either closes both sides (``cut``) or stops forwarding and holds
    the connection open (``stall``), as a dropped or hung mail server does."""

    def __init__(self, port: int, *, mode: str, nth: int = 1):
        self.target, self.mode, self.nth = port, mode, nth
        self.port = free_port()
        self.fetches = 0
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._open: list[socket.socket] = [self._listener]
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            self._open += [client, server]
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False),
                             daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                break
            if from_client and b"BODY.PEEK[]" in data:
                self.fetches += 1
                if self.fetches >= self.nth:
                    if self.mode == "cut":
                        for s in (source, sink):
                            s.close()
                        return
                    self._stop.wait()  # stall: keep both open, forward nothing
                    return
            try:
                sink.sendall(data)
            except OSError:
                return
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._stop.set()
        for s in self._open:
            s.close()


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    if not Dovecot.available():
        pytest.skip("dovecot-imapd is not installed (scripts/setup installs it)")
    root = Path(tempfile.mkdtemp(prefix="pressdocs-dovecot-"))
    server = Dovecot(root).start()
    for i in range(COUNT):
        server.deliver(USER, message(
            subject=f"关于第{i}期工作的说明", sender=f"市统计局 <tjj{i}@wuhu.gov.cn>",
            date=datetime(2021, 4, 1, 9, i, tzinfo=TZ), message_id=f"<drop-{i}@wuhu.gov.cn>",
            attachments=[], body=f"您好，第{i}期工作情况如下。"), f"{i:03d}.eml")
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


def _url(port: int) -> str:
    return f"imap://{USER}@127.0.0.1:{port}/INBOX"


def _batch(store: Path, url: str, *extra: str, secret: str = "secret",
           timeout: str | None = None) -> object:
    env = {"PRESSDOCS_IMAP_SECRET": secret}
    # loopback servers without TLS: the office opts in to a plain login
    args = ["--store", str(store), *extra, "batch", url, "--allow-insecure-login"]
    if timeout is not None:
        config = store.parent / "pressdocs.toml"
        config.write_text(f"[mail]\ntimeout = {timeout}\n", encoding="utf-8")
        args = ["--config", str(config), *args]
    return invoke(args, env=env)


def _taken_in(store: Path) -> list[str]:
    with open_store(store) as s:
        assert s.unprocessed_messages() == []
        return sorted(sub.message_id for sub in s.submissions())


@pytest.mark.parametrize(("mode", "said_zh", "said_en"), [
    ("cut", "连接中断或超时", "dropped or timed out"),
    ("stall", "连接中断或超时", "timed out"),
])
def test_a_connection_lost_midway_exits_3_keeps_what_came_and_the_rerun_finishes(
        tmp_path: Path, dovecot: Dovecot, mode: str, said_zh: str, said_en: str) -> None:
    store = tmp_path / "store"
    proxy = Proxy(dovecot.port, mode=mode, nth=2)
    try:
        cut = _batch(store, _url(proxy.port), timeout="1")
        english = _batch(tmp_path / "other", _url(proxy.port), "--lang", "en", timeout="1")
    finally:
        proxy.close()
    assert cut.exit_code == 3, cut.output  # type: ignore[attr-defined]
    # the report of what was taken in, and one line saying why the batch stopped
    lines = [line for line in cut.output.splitlines() if line]  # type: ignore[attr-defined]
    errors = [line for line in lines if line.startswith("错误：")]
    assert len(errors) == 1 and said_zh in errors[0], lines
    assert "Traceback" not in cut.output  # type: ignore[attr-defined]
    assert english.exit_code == 3  # type: ignore[attr-defined]
    assert said_en in english.output  # type: ignore[attr-defined]
    # the first FETCH batch was taken in and committed before the cut
    assert len(_taken_in(store)) == 20
    rerun = _batch(store, _url(dovecot.port))
    assert rerun.exit_code == 0, rerun.output  # type: ignore[attr-defined]
    assert _taken_in(store) == sorted(f"<drop-{i}@wuhu.gov.cn>" for i in range(COUNT))


def test_a_chinese_secret_logs_in_with_authenticate_plain(tmp_path: Path) -> None:
    if not Dovecot.available():
        pytest.skip("dovecot-imapd is not installed (scripts/setup installs it)")
    root = Path(tempfile.mkdtemp(prefix="pressdocs-dovecot-"))
    server = Dovecot(root, password=CHINESE_SECRET).start()
    try:
        server.deliver(USER, message(subject="说明", sender="tjj <tjj@wuhu.gov.cn>",
                                     date=datetime(2021, 4, 1, 9, tzinfo=TZ),
                                     message_id="<utf8@wuhu.gov.cn>", attachments=[]),
                       "1.eml")
        store = tmp_path / "store"
        result = _batch(store, _url(server.port), secret=CHINESE_SECRET)
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        assert _taken_in(store) == ["<utf8@wuhu.gov.cn>"]
        wrong = _batch(tmp_path / "wrong", _url(server.port), secret="错误的授权码")
        assert wrong.exit_code == 2  # type: ignore[attr-defined]
        assert "登录失败" in wrong.output  # type: ignore[attr-defined]
        assert "Traceback" not in wrong.output  # type: ignore[attr-defined]
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_a_chinese_secret_without_utf8_login_says_what_to_check(tmp_path: Path) -> None:
    with NeteaseLikeServer([]) as server:  # LOGIN only, as 163 offers
        zh = _batch(tmp_path / "store", _url(server.port), secret=CHINESE_SECRET)
        en = _batch(tmp_path / "store", _url(server.port), "--lang", "en",
                    secret=CHINESE_SECRET)
    assert zh.exit_code == 2 and en.exit_code == 2  # type: ignore[attr-defined]
    assert "非 ASCII" in zh.output and "授权码" in zh.output  # type: ignore[attr-defined]
    assert "non-ASCII" in en.output and "authorisation code" in en.output  # type: ignore
    assert CHINESE_SECRET not in zh.output + en.output  # type: ignore[attr-defined]
    assert "Traceback" not in zh.output + en.output  # type: ignore[attr-defined]


def test_a_full_disk_under_the_lock_file_is_one_line(tmp_path: Path) -> None:
    """``reprocess`` holds the store's lock (batches share a store by claiming messages)."""
    store = tmp_path / "store"
    store.mkdir()
    # the kernel's full device answers every write with ENOSPC, as a full disk does
    os.symlink("/dev/full", store / "pressdocs.lock")
    zh = run_pressdocs(["reprocess", "--store", str(store)])
    en = run_pressdocs(["--lang", "en", "reprocess", "--store", str(store)])
    assert zh.returncode == 2 and en.returncode == 2
    assert zh.stderr.strip().splitlines() == [
        f"错误：无法写入数据存储的锁文件 {store / 'pressdocs.lock'}：磁盘已满。"
        "请清理磁盘空间后再运行（本次未处理任何邮件）"]
    assert "the disk is full" in en.stderr and "Traceback" not in en.stderr
    debug = run_pressdocs(["reprocess", "--store", str(store), "--debug"])
    assert "Traceback" in debug.stderr and "ENOSPC" not in debug.stdout


BUGGY = """
import click
from pressdocs import hookimpl


@hookimpl
def register_commands(cli):
    @cli.command("buggy")
    def buggy():
        raise RuntimeError("something the plugin did not expect")
"""


def test_a_bug_is_one_line_with_exit_70_and_a_traceback_only_with_debug(
        tmp_path: Path) -> None:
    env = with_plugins(plugin_site(tmp_path, "buggy", BUGGY))
    plain = run_pressdocs(["buggy"], env=env)
    assert plain.returncode == 70
    assert plain.stderr.strip().splitlines() == [
        "错误：内部错误：RuntimeError: something the plugin did not expect。"
        "请用 --debug 重新运行并报告（附上输出）"]
    english = run_pressdocs(["--lang", "en", "buggy"], env=env)
    assert english.returncode == 70
    assert "Internal error: RuntimeError" in english.stderr and "--debug" in english.stderr
    for debug in (run_pressdocs(["--debug", "buggy"], env=env),
                  run_pressdocs(["buggy"], env={**env, "PRESSDOCS_DEBUG": "1"})):
        assert debug.returncode == 70
        assert "Traceback (most recent call last)" in debug.stderr
        assert debug.stderr.strip().splitlines()[-1].startswith("错误：内部错误：")
