"""Lost or wrongly judged mail (issue 14): nothing a sender or a mishap does may lose a
message or judge it wrongly.

- a duplicate is the same bytes, not the same Message-ID;
- every package (zip, 7z, rar) is opened, or named in a finding;
- a transient failure (a full disk, a dropped connection) leaves the message for the next
  run, with exit code 3, instead of judging it for good;
- a store whose database file is empty or not SQLite is refused, never started afresh;
- an mbox body line beginning with ``From `` does not split its message.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_support import invoke
from pressdocs import Config, Pressdocs, StoreError
from pressdocs.store import open_store
from submissions import message, png, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
SENDER = "市统计局办公室 <tjj_bgs@wuhu.gov.cn>"
WHEN = datetime(2021, 4, 10, 10, 0, tzinfo=TZ)


def _app(store: Path) -> Pressdocs:
    return Pressdocs(store=store, config=Config())


def _mail(body: str, *, message_id: str | None = "<reg-1@wuhu.gov.cn>",
          attachments: list[tuple[str, bytes]] | None = None,
          subject: str = "【市统计局】新闻发布会登记表") -> bytes:
    return message(subject=subject, sender=SENDER, date=WHEN, body=body,
                   attachments=attachments or [], message_id=message_id)


def _folder(root: Path, mails: dict[str, bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in mails.items():
        (root / name).write_bytes(data)
    return root


def _defect_keys(sub: object) -> list[str]:
    return [f.message.params["defect"].key if hasattr(f.message.params["defect"], "key")
            else f.message.params["defect"]["key"]
            for f in sub.findings if f.code == "PD904"]  # type: ignore[attr-defined]


# --- 1. a duplicate is the same bytes, not the same Message-ID ------------------------------

_text = st.text(alphabet=st.sampled_from("发布会登记表材料请查收附件谢谢 0123456789abc"),
                min_size=1, max_size=40)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=_text, second=_text, picture=st.booleans(), seed=st.integers(0, 50))
def test_other_bytes_with_the_same_message_id_is_a_new_message(
        tmp_path_factory: pytest.TempPathFactory, first: str, second: str, picture: bool,
        seed: int) -> None:
    # the same Message-ID, but another body or other attachments: another message
    attachments = [("现场.png", png(seed))] if picture else []
    a = _mail(first)
    b = _mail(second, attachments=attachments)
    if a == b:
        b = _mail(second + "（补充）", attachments=attachments)
    tmp = tmp_path_factory.mktemp("mid")
    app = _app(tmp / "store")
    report = app.batch(str(_folder(tmp / "mail", {"1.eml": a, "2.eml": b})))
    assert report.new == 2 and report.seen == 2
    subs = {s.id: s for s in app.store.submissions()}
    assert len(subs) == 2  # both stored, both checked
    first_sub, second_sub = (o.submission for o in report.outcomes)
    assert first_sub.message_id == second_sub.message_id == "<reg-1@wuhu.gov.cn>"
    # the later one says its Message-ID repeats an earlier message's; the first says nothing
    assert "mail.defect.reused_message_id" not in _defect_keys(first_sub)
    assert "mail.defect.reused_message_id" in _defect_keys(second_sub)
    finding = next(f for f in second_sub.findings if f.code == "PD904")
    assert "reg-1@wuhu.gov.cn" in finding.message.zh and "内容不同" in finding.message.zh
    assert "a different message" in finding.message.en
    # a rerun takes nothing in again, and the store still has two messages
    again = app.batch(str(tmp / "mail"))
    assert again.new == 0 and {o.status for o in again.outcomes} == {"duplicate"}
    assert len(app.store.messages_with_message_id("reg-1@wuhu.gov.cn")) == 2
    app.close()


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_text, with_id=st.booleans())
def test_the_same_bytes_from_two_sources_are_one_message(
        tmp_path_factory: pytest.TempPathFactory, body: str, with_id: bool) -> None:
    data = _mail(body, message_id="<same@wuhu.gov.cn>" if with_id else None)
    tmp = tmp_path_factory.mktemp("same")
    app = _app(tmp / "store")
    one = app.batch(str(_folder(tmp / "inbox", {"a.eml": data})))
    two = app.batch(str(_folder(tmp / "drafts", {"b.eml": data})))
    assert (one.new, two.new) == (1, 0)
    assert [o.status for o in two.outcomes] == ["duplicate"]
    assert len(app.store.submissions()) == 1
    record = app.store.find_message(sha256=one.outcomes[0].submission.id)
    assert record is not None and len(record.source_keys) == 2  # both places remembered
    # the one message is not told that its Message-ID repeats itself
    assert "mail.defect.reused_message_id" not in _defect_keys(one.outcomes[0].submission)
    app.close()


def test_a_reused_message_id_is_noted_in_the_cli_output(tmp_path: Path) -> None:
    mail = _folder(tmp_path / "mail", {
        "1.eml": _mail("第一封", attachments=[("登记表.docx", registration_docx(
            title="2021年一季度全市经济运行情况新闻发布会", unit="市统计局",
            when="2021年4月20日上午9:30"))]),
        "2.eml": _mail("另一封内容不同的邮件，冒用了同一个 Message-ID")})
    result = invoke(["batch", str(mail), "--json", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    import json

    messages = json.loads(result.stdout)["messages"]
    assert [m["status"] != "duplicate" for m in messages] == [True, True]
    texts = [f["message"]["zh"] for f in messages[1]["findings"] if f["code"] == "PD904"]
    assert any("Message-ID（<reg-1@wuhu.gov.cn>）" in t and "内容不同" in t for t in texts)


def test_a_store_of_the_earlier_schema_keeps_its_messages_and_then_tells_them_apart(
        tmp_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    from pressdocs.store import SQLiteStore
    from pressdocs.store.migrations import MIGRATIONS

    store_dir = tmp_path / "store"
    with SQLiteStore(store_dir, migrations=MIGRATIONS[:11]) as old:  # Message-ID unique there
        first = old.record_message(b"Message-ID: <a@wuhu>\r\n\r\none", source_key="INBOX/1",
                                   message_id="<a@wuhu>")
        old.record_message(b"Message-ID: <b@wuhu>\r\n\r\ntwo", source_key="INBOX/2",
                           message_id="<b@wuhu>")
    with open_store(store_dir) as store:
        assert store.find_message(source_key="INBOX/1") == first  # ids and sources kept
        other = store.record_message(b"Message-ID: <a@wuhu>\r\n\r\nthree",
                                     source_key="INBOX/3", message_id="<a@wuhu>")
        assert other.id != first.id
        assert [m.id for m in store.messages_with_message_id("a@wuhu")] == [first.id, other.id]
    with closing(sqlite3.connect(store_dir / "pressdocs.sqlite3")) as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# --- 2. every package is opened, or named in a finding ---------------------------------------

def _sevenzip(members: list[tuple[str, bytes]], *, stored: bool) -> bytes:
    """A 7z as 7-Zip writes one: LZMA2 by default, or stored ("仅存储", -mx0: copy)."""
    import io

    import py7zr

    buf = io.BytesIO()
    filters = [{"id": py7zr.FILTER_COPY}] if stored else None
    with py7zr.SevenZipFile(buf, "w", filters=filters) as sz:
        for name, data in members:
            sz.writestr(data, name)
    return buf.getvalue()


def _rar(members: list[tuple[str, bytes]], *, stored: bool) -> bytes:
    from archive_fixtures import rar5_stored

    assert stored  # no free program writes compressed RAR (see archive_fixtures)
    return rar5_stored(members)


_PACKAGES = {
    "7z stored": ("登记表.7z", lambda m: _sevenzip(m, stored=True)),
    "7z LZMA2": ("登记表.7z", lambda m: _sevenzip(m, stored=False)),
    "rar stored": ("登记表.rar", lambda m: _rar(m, stored=True)),
}


def _needs_tool(case: str) -> None:
    import shutil

    if case.startswith("rar") and not any(shutil.which(t) for t in ("unar", "bsdtar", "unrar")):
        pytest.skip("no rar tool (unar, bsdtar, unrar) installed")


def _one_message(tmp: Path, name: str, package: bytes) -> object:
    app = _app(tmp / "store")
    report = app.batch(str(_folder(tmp / "mail", {"1.eml": _mail(
        "登记表见附件压缩包。", attachments=[(name, package)])})))
    app.close()
    assert report.new == 1
    return report.outcomes[0].submission


@pytest.mark.parametrize("case", list(_PACKAGES))
def test_a_7z_or_rar_holding_a_registration_docx_is_opened_and_read(
        tmp_path: Path, case: str) -> None:
    from pressdocs._archives import is_office_zip

    _needs_tool(case)
    name, build = _PACKAGES[case]
    package = build([("材料/登记表.docx", _registration())])
    # the stored .docx inside must not make the package look like that .docx
    assert not is_office_zip(package, name)
    sub = _one_message(tmp_path, name, package)
    docs = [(d.name, d.kind.value, d.container, d.path)  # type: ignore[attr-defined]
            for d in sub.documents]  # type: ignore[attr-defined]
    assert docs == [(name, "package", "", ""),
                    ("登记表.docx", "registration", name, "材料/登记表.docx")]
    reg = sub.registration  # type: ignore[attr-defined]
    assert reg is not None and reg.title == "2021年一季度全市经济运行情况新闻发布会"
    assert reg.organiser == "市统计局"
    assert not [f for f in sub.findings if f.code in ("PD901", "PD902")]  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", list(_PACKAGES))
def test_a_package_storing_a_pdf_is_still_a_package(case: str) -> None:
    from pressdocs._sniff import RAR, SEVEN_ZIP, sniff_media_type

    name, build = _PACKAGES[case]
    pdf = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 20 + b"%%EOF\n"
    package = build([("发布稿.pdf", pdf)])
    assert sniff_media_type(package, name) == (RAR if name.endswith(".rar") else SEVEN_ZIP)


def _cut(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


def _scrambled(data: bytes) -> bytes:
    import random

    rng = random.Random(14)
    return data[:12] + bytes(rng.randrange(256) for _ in range(len(data) - 12))


@pytest.mark.parametrize("damage", [_cut, _scrambled], ids=["truncated", "corrupt"])
@pytest.mark.parametrize("case", list(_PACKAGES))
def test_a_damaged_7z_or_rar_is_a_finding_naming_it(tmp_path: Path, case: str,
                                                   damage: object) -> None:
    _needs_tool(case)
    name, build = _PACKAGES[case]
    package = damage(build([("登记表.docx", _registration())]))  # type: ignore[operator]
    sub = _one_message(tmp_path, name, package)
    findings = [f for f in sub.findings if f.code == "PD902"]  # type: ignore[attr-defined]
    assert len(findings) == 1, sub.findings  # type: ignore[attr-defined]
    assert name in findings[0].message.zh and "无法打开" in findings[0].message.zh
    assert name in findings[0].message.en
    assert sub.registration is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(("module", "extra", "case"), [("py7zr", "7z", "7z stored"),
                                                       ("rarfile", "rar", "rar stored")])
def test_without_the_reading_library_the_finding_names_the_file_and_the_extra(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, extra: str,
        case: str) -> None:
    name, build = _PACKAGES[case]
    package = build([("登记表.docx", _registration())])
    import sys

    monkeypatch.setitem(sys.modules, module, None)  # an installation without it
    sub = _one_message(tmp_path, name, package)
    findings = [f for f in sub.findings if f.code == "PD902"]  # type: ignore[attr-defined]
    assert len(findings) == 1
    text = findings[0].message.zh
    assert name in text and f"pip install 'pressdocs[{extra}]'" in text


def test_py7zr_and_rarfile_are_installed_with_pressdocs() -> None:
    import tomllib

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    required = {d.split(">")[0].split("=")[0].strip().lower()
                for d in project["project"]["dependencies"]}
    assert {"py7zr", "rarfile"} <= required


# --- 3. transient failures are retried, not judged --------------------------------------------

_FULL = b"DISK-FULL-HERE"  # bytes of the document whose write meets a full disk


def _fill_disk_on(monkeypatch: pytest.MonkeyPatch, marker: bytes,
                  err: int = 28) -> list[int]:
    """The blob writer meets ENOSPC (or ``err``) when it writes bytes holding ``marker``:
    the real writer's own OSError handling runs, as on a full disk."""
    import os

    from pressdocs.store.blobs import BlobWriter

    real = BlobWriter.write
    hits: list[int] = []

    def write(self: BlobWriter, data: bytes | bytearray | memoryview) -> int:
        if marker in bytes(data):
            hits.append(len(data))

            def full(_: object) -> int:
                raise OSError(err, os.strerror(err))
            self._store._guard(full, data)  # type: ignore[attr-defined]
        return real(self, data)

    monkeypatch.setattr(BlobWriter, "write", write)
    return hits


def _three(tmp: Path, *, raw_marker: bool = False) -> Path:
    second = _mail("材料见附件。", message_id="<m2@wuhu.gov.cn>", subject="【市统计局】发布材料",
                   attachments=[("新闻发布稿.docx", _FULL + b"\x00" * 200)])
    if raw_marker:  # the marker in the raw message itself, so archiving it meets the disk
        second = b"X-Note: " + _FULL + b"\r\n" + second
    return _folder(tmp / "mail", {
        "1.eml": _mail("第一封", message_id="<m1@wuhu.gov.cn>", subject="第一封"),
        "2.eml": second,
        "3.eml": _mail("第三封", message_id="<m3@wuhu.gov.cn>", subject="第三封")})


@pytest.mark.parametrize("err", [28, 5], ids=["ENOSPC", "EIO"])
@pytest.mark.parametrize("where", ["document", "raw message"])
def test_a_full_disk_leaves_the_message_for_the_next_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err: int, where: str) -> None:
    import json

    mail = _three(tmp_path, raw_marker=where == "raw message")
    store = tmp_path / "store"
    hits = _fill_disk_on(monkeypatch, _FULL, err)
    result = invoke(["batch", str(mail), "--json", "--store", str(store)])
    assert hits, "the failure was not met"
    assert result.exit_code == 3, result.output
    report = json.loads(result.stdout)
    assert sorted(m["subject"] for m in report["messages"]) == ["第一封", "第三封"]
    assert [d["subject"] for d in report["deferred"]] == ["【市统计局】发布材料"]
    lines = [line for line in result.stderr.splitlines() if line]
    assert len(lines) == 1  # one clear line, naming the message
    assert "未能处理邮件“【市统计局】发布材料”" in lines[0] and "下次运行" in lines[0]
    assert "Traceback" not in result.output
    with open_store(store) as s:
        assert not [f for sub in s.submissions() for f in sub.findings if f.code == "PD900"]
        states = [m.state.value for m in s.unprocessed_messages()]
        # a document that could not be written: recorded, not processed; the raw
        # message that could not be archived: not recorded at all (the source keeps it)
        assert states == (["received"] if where == "document" else [])
    monkeypatch.undo()  # space freed
    again = invoke(["batch", str(mail), "--json", "--store", str(store)])
    assert again.exit_code == 0, again.output
    done = json.loads(again.stdout)
    assert [m["subject"] for m in done["messages"] if m["status"] != "duplicate"] == [
        "【市统计局】发布材料"]
    assert done["deferred"] == []
    with open_store(store) as s:
        assert len(s.submissions()) == 3 and s.unprocessed_messages() == []
        assert len(s.processed_messages()) == 3  # each exactly once
    third = invoke(["batch", str(mail), "--json", "--store", str(store)])
    assert {m["status"] for m in json.loads(third.stdout)["messages"]} == {"duplicate"}


def test_a_message_that_is_malformed_is_still_judged_for_good(tmp_path: Path) -> None:
    # only the message's own fault is a finding: a damaged attachment is not deferred
    mail = _folder(tmp_path / "mail", {"1.eml": _mail(
        "见附件", attachments=[("登记表.docx", b"PK\x03\x04" + b"\x00" * 50)])})
    result = invoke(["batch", str(mail), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    with open_store(tmp_path / "store") as s:
        assert s.unprocessed_messages() == []
        (sub,) = s.submissions()
        assert {f.code for f in sub.findings} & {"PD901", "PD902"}, sub.findings


def test_transient_errors_are_told_from_the_messages_own() -> None:
    import errno
    import imaplib

    from pressdocs._intake import is_transient
    from pressdocs.errors import ParseError

    assert is_transient(OSError(errno.ENOSPC, "No space left on device"))
    assert is_transient(OSError(errno.EIO, "Input/output error"))
    assert is_transient(ConnectionResetError(errno.ECONNRESET, "reset"))
    assert is_transient(imaplib.IMAP4.abort("socket error: EOF"))
    wrapped = StoreError.of("store.file_error", path="/x", reason="No space left on device")
    assert is_transient(wrapped)
    assert not is_transient(OSError("image file is truncated"))  # Pillow's, no errno
    assert not is_transient(ParseError.of("archive.damaged", file="x.zip", detail=""))
    assert not is_transient(ValueError("bad date"))
    assert not is_transient(StoreError.of("store.no_blob", sha256="0" * 64))


class _CuttingProxy:
    """A TCP relay on 127.0.0.1 to the IMAP server that can drop the connection once the
    server has sent ``cut_after`` bytes: a connection lost in the middle of a message (by
    byte count, so it works under STARTTLS too)."""

    def __init__(self, port: int):
        import socket
        import threading

        self.target = port
        self.cut_after: int | None = None
        self.sent = 0  # server -> client bytes of the last session
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            self.sent = 0
            threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True), daemon=True).start()

    def _pipe(self, src: object, dst: object, downstream: bool) -> None:
        import socket

        a, b = src, dst
        assert isinstance(a, socket.socket) and isinstance(b, socket.socket)
        try:
            while data := a.recv(65536):
                if downstream and self.cut_after is not None \
                        and self.sent + len(data) > self.cut_after:
                    b.sendall(data[: max(0, self.cut_after - self.sent)])
                    raise ConnectionResetError("cut")
                if downstream:
                    self.sent += len(data)
                b.sendall(data)
        except OSError:
            pass
        for sock in (a, b):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self.listener.close()


def test_a_dropped_imap_connection_leaves_the_rest_for_the_next_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import shutil
    import tempfile

    from imapservers import PASSWORD, Dovecot

    if not Dovecot.available():
        pytest.skip("dovecot-imapd is not installed (scripts/setup installs it)")
    root = Path(tempfile.mkdtemp(prefix="pressdocs-dovecot-"))
    server = Dovecot(root).start()
    proxy = _CuttingProxy(server.port)
    try:
        user = "whxwtg@163.com"
        for n in range(3):
            server.deliver(user, _mail(f"第{n}封", message_id=f"<imap-{n}@wuhu.gov.cn>",
                                       subject=f"第{n}封",
                                       attachments=[("现场.png", png(n, 300))]), f"{n}.eml")
        env = {"PRESSDOCS_IMAP_SECRET": PASSWORD}
        monkeypatch.setenv("PRESSDOCS_IMAP_SECRET", PASSWORD)
        # a loopback relay without TLS: the office opts in to a plain login
        url = f"imap://{user}@127.0.0.1:{proxy.port}/INBOX"
        store = str(tmp_path / "store")
        # how many bytes a whole session takes (a dry run reads every message)
        dry = invoke(["batch", url, "--allow-insecure-login", "--dry-run", "--json", "--store", store],
                     env=env)
        assert dry.exit_code == 0, dry.output
        total = proxy.sent
        proxy.cut_after = total * 2 // 3  # inside the messages' bodies
        cut = invoke(["batch", url, "--allow-insecure-login", "--json", "--store", store], env=env)
        assert cut.exit_code == 3, cut.output
        assert "Traceback" not in cut.output
        report = json.loads(cut.stdout)
        assert report["interrupted"] and "中途中断" in report["interrupted"]
        assert "中途中断" in cut.stderr and "下次运行" in cut.stderr
        first = [m["subject"] for m in report["messages"]]
        with open_store(store) as s:  # nothing judged for a failure that was not its own
            assert not [f for sub in s.submissions() for f in sub.findings
                        if f.code == "PD900"]
        proxy.cut_after = None  # the connection holds this time
        again = invoke(["batch", url, "--allow-insecure-login", "--json", "--store", store], env=env)
        assert again.exit_code == 0, again.output
        rest = [m["subject"] for m in json.loads(again.stdout)["messages"]
                if m["status"] != "duplicate"]
        assert sorted(first + rest) == ["第0封", "第1封", "第2封"]  # each exactly once
        with open_store(store) as s:
            assert len(s.processed_messages()) == 3 and s.unprocessed_messages() == []
    finally:
        proxy.close()
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


# --- 4. a store that is not a store is refused -----------------------------------------------

_NOT_A_DATABASE = {
    "empty file": (b"", "是空文件（0 字节）", "is empty (0 bytes)"),
    "random bytes": (bytes(range(256)) * 20, "是其他格式的二进制文件，5120 字节",
                     "binary data of another format, 5120 bytes"),
    "text file": ("这是一份会议记录\n".encode() * 3, "是一个文本文件",
                  "it is a text file"),
}


@pytest.mark.parametrize("case", list(_NOT_A_DATABASE))
def test_a_database_file_that_is_not_sqlite_is_refused(tmp_path: Path, case: str) -> None:
    content, zh, en = _NOT_A_DATABASE[case]
    store = tmp_path / "pressdocs-data"
    store.mkdir()
    database = store / "pressdocs.sqlite3"
    database.write_bytes(content)
    with pytest.raises(StoreError) as info:
        open_store(store)
    assert zh in info.value.message.zh and str(database) in info.value.message.zh
    assert en in info.value.message.en
    assert database.read_bytes() == content  # left exactly as it was, for the office to restore
    mail = _folder(tmp_path / "mail", {"1.eml": _mail("登记表")})
    for args in (["batch", str(mail)], ["batch", str(mail), "--dry-run"],
                 ["submissions", "list"]):
        result = invoke([*args, "--store", str(store)])
        assert result.exit_code == 2, result.output
        assert zh in result.output and str(database) in result.output
        assert "Traceback" not in result.output
    assert database.read_bytes() == content
    assert not (store / "blobs").exists() or not any((store / "blobs").rglob("*"))


def test_store_given_as_a_file_is_refused(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "pressdocs.sqlite3"
    not_a_folder.write_bytes(b"")
    mail = _folder(tmp_path / "mail", {"1.eml": _mail("登记表")})
    for args in (["batch", str(mail)], ["batch", str(mail), "--dry-run"],
                 ["submissions", "list"]):
        result = invoke([*args, "--store", str(not_a_folder)])
        assert result.exit_code == 2, result.output
        assert f"数据存储 {not_a_folder} 不是目录" in result.output
    result = invoke(["--lang", "en", "--store", str(not_a_folder), "submissions", "list"])
    assert result.exit_code == 2 and "is not a directory" in result.output


def test_a_new_store_is_never_left_as_an_empty_file(tmp_path: Path) -> None:
    # the database is made under another name and put in place with its header, so a run
    # killed while creating it cannot leave the 0-byte file the check above refuses
    store = tmp_path / "new"
    with open_store(store):
        pass
    data = (store / "pressdocs.sqlite3").read_bytes()
    assert data.startswith(b"SQLite format 3\x00")
    assert sorted(p.name for p in store.iterdir() if p.name.startswith(".")) == []
    with open_store(store) as again:  # and it opens again as the same store
        assert again.schema_version > 0


# --- 5. mbox: a body line beginning with "From " does not split its message ------------------

_FROM_BODY = ("您好，登记表见附件。\n"
              "\n"
              "From the office's point of view the time is fixed.\n"
              "From 市统计局 to 市新闻办：请审核。\n"
              "\n"
              "From tjj_bgs@wuhu.gov.cn, with thanks\n"
              ">From a line that was quoted\n")


def _plain(n: int, body: str, attachments: list[tuple[str, bytes]] | None = None) -> bytes:
    """A message as a mail client writes one, its text 8bit (so its lines stay lines)."""
    from email.message import EmailMessage
    from email.utils import format_datetime

    msg = EmailMessage()
    msg["Subject"] = f"【市统计局】新闻发布会登记表（{n}）"
    msg["From"] = SENDER
    msg["To"] = "whxwtg@163.com"
    msg["Date"] = format_datetime(WHEN + timedelta(hours=n))
    msg["Message-ID"] = f"<mbox-{n}@wuhu.gov.cn>"
    msg.set_content(body, cte="8bit")
    for name, data in attachments or []:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes(policy=msg.policy.clone(linesep="\n"))


def _registration() -> bytes:
    return registration_docx(title="2021年一季度全市经济运行情况新闻发布会", unit="市统计局",
                             when="2021年4月20日上午9:30")


def _batch_mbox(tmp: Path, box: Path) -> list[object]:
    app = _app(tmp / "store")
    report = app.batch(f"mbox:{box}")
    outcomes = [o.submission for o in report.outcomes if o.new]
    app.close()
    return outcomes


def test_python_mailbox_written_mbox_keeps_every_message_whole(tmp_path: Path) -> None:
    import mailbox

    from pressdocs.builtin.source_files import mbox_messages

    originals = [_plain(n, _FROM_BODY.replace(">From a line that was quoted\n", ""),
                        [("登记表.docx", _registration())] if n == 1 else None)
                 for n in range(3)]
    path = tmp_path / "Inbox.mbox"
    box = mailbox.mbox(str(path))  # escapes "From " in bodies as ">From " (mboxo)
    for data in originals:
        box.add(data)
    box.flush()
    box.close()
    assert b"\n>From the office" in path.read_bytes()  # written escaped, as Python does
    read = list(mbox_messages(path))
    assert len(read) == 3
    for got, original in zip(read, originals, strict=True):
        assert got.replace(b"\r\n", b"\n").rstrip(b"\n") == original.rstrip(b"\n")
    subs = _batch_mbox(tmp_path, path)
    assert len(subs) == 3
    reg = subs[1].registration  # type: ignore[attr-defined]
    assert reg is not None and reg.title == "2021年一季度全市经济运行情况新闻发布会"


@pytest.mark.parametrize("writer", ["mutt", "thunderbird"])
def test_hand_written_mbox_with_unescaped_from_lines(tmp_path: Path, writer: str) -> None:
    from pressdocs.builtin.source_files import mbox_messages

    envelope = {"mutt": b"From tjj_bgs@wuhu.gov.cn Sat Apr 10 1%d:00:00 2021\n",
                "thunderbird": b"From - Sat Apr 10 1%d:00:00 2021\n"}[writer]
    # unescaped "From " body lines (a writer that does not escape), one escaped the
    # mboxrd way (">>From " for a line that was ">From ")
    bodies = [_FROM_BODY.replace(">From a line", ">>From a line") for _ in range(3)]
    messages = [_plain(n, body, [("登记表.docx", _registration())] if n == 2 else None)
                for n, body in enumerate(bodies)]
    path = tmp_path / "mbox"
    path.write_bytes(b"".join(envelope % n + data + b"\n" for n, data in enumerate(messages)))
    read = list(mbox_messages(path))
    assert len(read) == 3  # no message split at its "From " lines
    for got, original in zip(read, messages, strict=True):
        # content survives; ">>From " read back as ">From " (mboxrd)
        assert got == original.replace(b">>From a line", b">From a line")
        assert b"\nFrom the office's point of view" in got
        assert b"\nFrom tjj_bgs@wuhu.gov.cn, with thanks" in got
    subs = _batch_mbox(tmp_path, path)
    assert len(subs) == 3
    assert [s.message_id for s in subs] == [  # type: ignore[attr-defined]
        f"<mbox-{n}@wuhu.gov.cn>" for n in range(3)]
    reg = subs[2].registration  # type: ignore[attr-defined]
    assert reg is not None and reg.organiser == "市统计局"


def test_mbox_with_windows_line_endings_and_a_zone_in_the_from_line(tmp_path: Path) -> None:
    from pressdocs.builtin.source_files import mbox_messages

    first = _plain(0, "From here on, see the attachment.\n").replace(b"\n", b"\r\n")
    second = _plain(1, "第二封\n").replace(b"\n", b"\r\n")
    path = tmp_path / "box"
    path.write_bytes(b"From a@wuhu.gov.cn Sat Apr 10 10:00:00 CST 2021\r\n" + first + b"\r\n"
                     b"From a@wuhu.gov.cn Sat, 10 Apr 2021 11:00:00 +0800\r\n" + second)
    assert list(mbox_messages(path)) == [first, second]
