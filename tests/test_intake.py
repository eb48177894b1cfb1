"""Batch intake against real mailboxes: Dovecot on loopback, a 163-like server, files on disk.

What the office would notice: every message taken in once, file names exactly as sent,
the unit and plan item found, a rerun that does nothing new, a killed run that finishes
cleanly next time, a second concurrent run told to wait.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from imapservers import Dovecot, NeteaseLikeServer
from pressdocs import Config, Plan, PlanItem, Pressdocs, SourceError
from pressdocs.cli import cli
from pressdocs.store import open_store
from submissions import (
    materials_zip,
    message,
    png,
    press_release_docx,
    qa_docx,
    registration_docx,
)

TZ = ZoneInfo("Asia/Shanghai")
USER = "whxwtg@163.com"


def _mailbox() -> list[tuple[str, bytes]]:
    """Three units' mail: a registration, a materials package (GBK zip), an unrelated one."""
    reg = message(
        subject="【市统计局】2021年一季度全市经济运行情况新闻发布会登记表",
        sender="市统计局办公室 <tjj_bgs@wuhu.gov.cn>",
        date=datetime(2021, 4, 10, 10, 0, tzinfo=TZ), message_id="<reg-1@wuhu.gov.cn>",
        attachments=[("新闻发布会登记表（市统计局）.docx", registration_docx(
            title="2021年一季度全市经济运行情况新闻发布会", unit="市统计局",
            when="2021年4月15日上午9:30", filed="2021年4月10日"))])
    package = materials_zip([
        ("发布材料/发布稿.docx", press_release_docx("一季度全市经济运行稳中向好")),
        ("发布材料/问答.docx", qa_docx(2)),
        ("发布材料/图片1.png", png(1)), ("发布材料/图片2.png", png(2)),
        ("发布材料/图片3.png", png(3)),
    ])
    materials = message(
        subject="【市统计局】发布会材料（打包）", sender="市统计局办公室 <tjj_bgs@wuhu.gov.cn>",
        date=datetime(2021, 4, 13, 16, 0, tzinfo=TZ), message_id="<mat-1@wuhu.gov.cn>",
        attachments=[("市统计局发布材料.zip", package)])
    unrelated = message(subject="会议通知", sender="某公司 <ad@example.com>",
                        date=datetime(2021, 4, 12, 8, 0, tzinfo=TZ),
                        attachments=[], body="诚邀参加展会。")
    return [("1.eml", reg), ("2.eml", materials), ("3.eml", unrelated)]


def _plan() -> Plan:
    return Plan(year=2021, items=[
        PlanItem(1, "市政府新闻发布厅", 1, "2020年全市经济运行情况", ["市统计局"], 2021),
        PlanItem(11, "市政府新闻发布厅", 4, "2021年一季度全市经济运行情况", ["市统计局"], 2021),
    ])


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    if not Dovecot.available():
        pytest.skip("dovecot-imapd is not installed (scripts/setup installs it)")
    # Not under pytest's tmp dir: that is private to root, and Dovecot reads as its own user.
    root = Path(tempfile.mkdtemp(prefix="pressdocs-dovecot-"))
    server = Dovecot(root).start()
    box = _mailbox()
    for name, data in box:
        server.deliver(USER, data, name, mtime=datetime(2021, 4, 14, 9, 0, tzinfo=TZ).timestamp())
    # the same registration (the same bytes) also filed into a second folder (草稿箱,
    # modified UTF-7)
    server.deliver(USER, box[0][1], "dup.eml", folder="&g0l6P3ux-")
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Pressdocs:
    monkeypatch.setenv("PRESSDOCS_IMAP_SECRET", "secret")
    # loopback servers without STARTTLS: the clear-text login is allowed explicitly
    app = Pressdocs(store=tmp_path / "store",
                    config=Config(mail={"allow_insecure_login": True}))
    app.store.save_plan(_plan())
    return app


def test_imap_batch_takes_in_every_message_once(dovecot: Dovecot, app: Pressdocs) -> None:
    url = f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX"
    report = app.batch(url)
    by_subject = {o.submission.subject: o.submission for o in report.outcomes}
    assert report.seen == 3 and report.new == 3

    reg = by_subject["【市统计局】2021年一季度全市经济运行情况新闻发布会登记表"]
    assert reg.kind == "registration"
    assert reg.unit == "市统计局"
    assert reg.plan_item == 11
    assert [(d.name, d.kind) for d in reg.documents] == [
        ("新闻发布会登记表（市统计局）.docx", "registration")]
    # INTERNALDATE (the file time Dovecot reports) wins over the Date header
    assert reg.received == datetime(2021, 4, 14, 9, 0, tzinfo=TZ)

    mat = by_subject["【市统计局】发布会材料（打包）"]
    assert mat.kind == "materials"
    names = sorted(d.name for d in mat.documents if d.kind != "package")
    assert names == sorted(["发布稿.docx", "问答.docx", "图片1.png", "图片2.png", "图片3.png"])
    kinds = sorted(d.kind for d in mat.documents if d.kind != "package")
    assert kinds == ["picture", "picture", "picture", "press_release", "qa"]
    # the package itself is listed first, as the attachment it was
    assert [(d.name, d.kind, d.origin) for d in mat.documents][:1] == [
        ("市统计局发布材料.zip", "package", "attachment")]

    assert by_subject["会议通知"].status == "unrelated"

    again = app.batch(url)
    assert again.new == 0 and {o.status for o in again.outcomes} == {"duplicate"}

    drafts = app.batch(f"imap://{USER}@127.0.0.1:{dovecot.port}/草稿箱")
    assert [o.status for o in drafts.outcomes] == ["duplicate"]
    store = app.store
    assert len(store.submissions()) == 3
    record = store.find_message(message_id="reg-1@wuhu.gov.cn")
    assert record is not None and len(record.source_keys) == 2


def test_documents_originals_are_archived_in_the_store(dovecot: Dovecot, app: Pressdocs) -> None:
    app.batch(f"imap://{USER}@127.0.0.1:{dovecot.port}/INBOX")
    for sub in app.store.submissions():
        for doc in sub.documents:
            assert app.store.has_blob(doc.sha256), doc.name


def test_163_like_server_needs_id_before_select(app: Pressdocs) -> None:
    with NeteaseLikeServer([data for _, data in _mailbox()]) as server:
        report = app.batch(f"imap://{USER}@127.0.0.1:{server.port}/INBOX")
        assert report.new == 3
        assert server.commands.index("ID") < server.commands.index("SELECT")
        # the next run downloads nothing it already holds (incremental by UIDVALIDITY+UID)
        server.commands.clear()
        again = app.batch(f"imap://{USER}@127.0.0.1:{server.port}/INBOX")
        assert [o.status for o in again.outcomes] == ["duplicate"] * 3
        assert {o.submission.unit for o in again.outcomes} == {"市统计局", ""}
        assert "UID FETCH" not in server.commands


def test_unsafe_login_is_explained(app: Pressdocs) -> None:
    with NeteaseLikeServer([], always_unsafe=True) as server:
        url = f"imap://{USER}@127.0.0.1:{server.port}/INBOX"
        with pytest.raises(SourceError, match="Unsafe Login") as exc:
            app.batch(url)
        assert "授权码" in str(exc.value) and "ID 命令" in str(exc.value)
        english = exc.value.render("en")
        assert "authorisation code" in english and "ID command" in english
        result = CliRunner().invoke(cli, ["--store", str(app.store_path), "batch", url,
                                          "--allow-insecure-login"],
                                    env={"PRESSDOCS_IMAP_SECRET": "secret"})
        assert result.exit_code == 2
        assert "Unsafe Login" in result.output and "Traceback" not in result.output


def _eml_dir(root: Path, count: int) -> Path:
    folder = root / "mail"
    folder.mkdir()
    for i in range(count):
        data = message(subject=f"【市统计局】登记表 {i}", sender="tjj <tjj@wuhu.gov.cn>",
                       date=datetime(2021, 4, 1 + i % 20, 9, tzinfo=TZ),
                       message_id=f"<m{i}@wuhu.gov.cn>",
                       attachments=[(f"登记表{i}.docx", registration_docx(
                           title=f"第{i}场新闻发布会", unit="市统计局",
                           when="2021年4月28日上午9:30"))])
        (folder / f"{i:03d}.eml").write_bytes(data)
    return folder


def test_cli_batch_json_report_and_dry_run(tmp_path: Path) -> None:
    folder = _eml_dir(tmp_path, 3)
    store = tmp_path / "store"
    dry = CliRunner().invoke(cli, ["batch", str(folder), "--store", str(store), "--json",
                                   "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["new"] == 3
    with open_store(store) as s:
        assert s.submissions() == []

    result = CliRunner().invoke(cli, ["batch", str(folder), "--store", str(store), "--json",
                                      "--limit", "2"])
    report = json.loads(result.output)
    assert report["new"] == 2
    first = report["messages"][0]
    assert set(first) >= {"message_id", "subject", "sender", "received", "status", "kind",
                          "unit", "plan_item", "documents", "findings"}
    assert first["sender"] == "tjj@wuhu.gov.cn"

    table = CliRunner().invoke(cli, ["batch", str(folder), "--store", str(store)])
    assert table.exit_code == 0
    assert "邮件总数" in table.output and "新邮件" in table.output
    assert "正在收取" not in table.output  # no progress display when not on a terminal


CRASHY = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from pressdocs import Pressdocs, hookimpl, load_plugins

    marks = Path(sys.argv[3])

    class Slow:  # slow in the middle of processing: after archiving, before the commit
        @hookimpl
        def prepare_submission(self, submission, config):
            with marks.open("a") as f:
                f.write("x")
            time.sleep(float(sys.argv[4]))

    plugins = load_plugins(entry_points=False, extra=[("slow", Slow())])
    app = Pressdocs(store=sys.argv[2], plugins=plugins)
    app.batch(sys.argv[1])
""")


@pytest.mark.parametrize("kill_after", [1, 3])
def test_killed_batch_rerun_processes_each_message_exactly_once(
        tmp_path: Path, kill_after: int) -> None:
    folder = _eml_dir(tmp_path, 5)
    store = tmp_path / "store"
    marks = tmp_path / "marks"
    script = tmp_path / "crashy.py"
    script.write_text(CRASHY, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(folder), str(store), str(marks),
                             "0.3"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if marks.exists() and len(marks.read_text()) >= kill_after:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with open_store(store) as s:
        assert len(s.unprocessed_messages()) == 1  # killed inside processing
    subprocess.run([sys.executable, str(script), str(folder), str(store), str(marks), "0"],
                   check=True, timeout=120)
    with open_store(store) as s:
        subs = s.submissions()
        assert sorted(sub.message_id for sub in subs) == [f"<m{i}@wuhu.gov.cn>" for i in range(5)]
        assert s.unprocessed_messages() == []
        docs = s.documents()
        assert sorted(d.name for _, d in docs) == [f"登记表{i}.docx" for i in range(5)]
        for _, doc in docs:
            assert s.has_blob(doc.sha256)


def test_a_second_batch_at_the_same_time_shares_the_work(tmp_path: Path) -> None:
    """Two batches on one store at once: each message is claimed by one of them and
    processed once; the second says how many the first was processing."""
    folder = _eml_dir(tmp_path, 3)
    store = tmp_path / "store"
    marks = tmp_path / "marks"
    script = tmp_path / "crashy.py"
    script.write_text(CRASHY, encoding="utf-8")
    first = subprocess.Popen([sys.executable, str(script), str(folder), str(store), str(marks),
                              "1.0"])
    try:
        deadline = time.monotonic() + 60
        while not marks.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        second = subprocess.run([sys.executable, "-m", "pressdocs", "batch", str(folder),
                                 "--store", str(store), "--json"], capture_output=True,
                                text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert "Traceback" not in second.stderr
        report = json.loads(second.stdout)
        assert report["elsewhere"] >= 1  # the one the first batch had in hand
        assert report["new"] + report["elsewhere"] + \
            report["by_status"].get("duplicate", 0) == 3
    finally:
        first.wait(timeout=60)
    assert first.returncode == 0
    with open_store(store) as s:
        subs = s.submissions()
        assert len(subs) == 3
        # a message processed twice would have left its first result in the history
        assert all(s.submission_history(sub.id) == [] for sub in subs)
        assert s.unprocessed_messages() == []


def test_a_cut_off_message_is_taken_in_with_a_pd904_warning(tmp_path: Path) -> None:
    whole = message(subject="【市统计局】材料", sender="tjj <tjj@wuhu.gov.cn>",
                    date=datetime(2021, 4, 1, 9, tzinfo=TZ), message_id="<cut@wuhu.gov.cn>",
                    attachments=[("图片1.png", png(1) * 200)])
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "cut.eml").write_bytes(whole[: len(whole) * 2 // 3])
    app = Pressdocs(store=tmp_path / "store")
    (outcome,) = app.batch(str(folder)).outcomes
    pd904 = [f for f in outcome.submission.findings if f.code == "PD904"]
    assert pd904 and all(f.severity == "warning" for f in pd904)
    assert any("截断" in f.text() for f in pd904)
    assert not any("Message-ID" in f.text() for f in outcome.submission.findings)


def test_since_skips_mail_received_before_that_day(tmp_path: Path) -> None:
    """Received is judged as the rules judge it: the Date header (2021-04-01, 04-02, 04-03),
    not the file's time (all today)."""
    folder = _eml_dir(tmp_path, 3)
    result = CliRunner().invoke(cli, ["batch", str(folder), "--store", str(tmp_path / "s"),
                                      "--json", "--since", "2021-04-02"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["seen"] == 2
    assert sorted(m["subject"] for m in report["messages"]) == ["【市统计局】登记表 1",
                                                                "【市统计局】登记表 2"]


@pytest.mark.parametrize(("date_header", "kept"), [
    # Chinese servers write CST for China Standard Time (+08:00): 06-15 23:30 in Wuhu.
    # Read as US Central time (-06:00) it would fall on 06-16 and pass --since 2021-06-16.
    ("Tue, 15 Jun 2021 23:30:00 CST", False),
    ("Wed, 16 Jun 2021 00:30:00 CST", True),
    # a date written the Chinese way: the stdlib cannot read it, the mail reader can
    ("2021年6月15日 23:30", False),
    ("2021年6月16日 8:00", True),
])
def test_since_reads_the_date_header_as_the_mail_reader_does(
        tmp_path: Path, date_header: str, kept: bool) -> None:
    """--since and the submission's received time come from one reading of the Date
    header: the mail reader's."""
    raw = message(subject="【市统计局】登记表", sender="tjj <tjj@wuhu.gov.cn>",
                  date=datetime(2021, 6, 1, tzinfo=TZ), message_id="<since@wuhu.gov.cn>",
                  attachments=[("图片1.png", png(1))])
    raw = re.sub(rb"^Date: .*$", b"Date: " + date_header.encode(), raw, count=1,
                 flags=re.MULTILINE)
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "1.eml").write_bytes(raw)
    app = Pressdocs(store=tmp_path / "store")
    report = app.batch(str(folder), since=date(2021, 6, 16))
    assert report.seen == (1 if kept else 0)
    if kept:
        received = report.outcomes[0].submission.received
        assert received is not None and received.utcoffset() == timedelta(hours=8)


def test_a_rule_that_rejects_makes_the_submission_rejected(tmp_path: Path) -> None:
    """Whether an error rejects the submission (nothing usable) or leaves it incomplete
    is a property of the rule (``rejects``), not of its code."""
    from pressdocs import Finding, Message, Severity, Validator, hookimpl

    class Quarantine(Validator):
        name = code = "OF901"
        rejects = True
        title = Message.literal("来自已停用邮箱", "from a closed mailbox")

        def check(self, submission, context):  # type: ignore[no-untyped-def]
            return [Finding(self.code, Severity.ERROR, Message.literal("邮箱已停用"))]

    class Plugin:
        @hookimpl
        def register_validators(self, register):  # type: ignore[no-untyped-def]
            register(Quarantine())

    folder = _eml_dir(tmp_path, 1)
    app = Pressdocs(store=tmp_path / "store", plugins=[Plugin()], load_entry_points=False)
    [outcome] = app.batch(str(folder)).outcomes
    assert outcome.status == "rejected"
    assert "OF901" in {f.code for f in outcome.submission.findings}
