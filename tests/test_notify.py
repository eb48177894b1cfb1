"""Notices as the office and the units meet them: a receipt for each submission, queued
with the batch's commit and sent once by ``pressdocs notify``; corrections, reminders and
the digest; the outbox that survives a killed run; failures tried again, never twice.

The channels here are test plugins that record what they were handed (the built-in
email, SMS and outbox channels have their own tests against real servers)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cli_support import (
    TZ,
    demo_mailbox_with_plan,
    invoke,
    json_of,
    plugin_site,
    with_plugins,
)
from pressdocs import (
    Channel,
    ChannelError,
    ConfigError,
    Context,
    Delivery,
    Notice,
    Pressdocs,
    hookimpl,
    schemas,
)
from pressdocs.events import Event, NoticeSent
from pressdocs.store import DeliveryStatus
from submissions import message, registration_docx


class Recorder(Channel):
    """A channel that keeps what it was handed and answers as told."""

    def __init__(self, name: str = "recorder", answers: list[Delivery] | None = None,
                 reaches: str = "email") -> None:
        self.name, self.reaches = name, reaches
        self.answers = list(answers or [])
        self.sent: list[Notice] = []

    def send(self, notice: Notice, context: Context) -> Delivery:
        self.sent.append(notice)
        return self.answers.pop(0) if self.answers else Delivery("sent", "250 OK")


class Plugin:
    def __init__(self, *channels: Channel) -> None:
        self.channels = channels
        self.events: list[Event] = []

    @hookimpl
    def register_channels(self, register):  # type: ignore[no-untyped-def]
        for channel in self.channels:
            register(channel)

    @hookimpl
    def handle_event(self, event: Event) -> None:
        self.events.append(event)


#: The settings that send notices through the test channel :class:`Recorder`.
RECORDER = '[notify]\nchannels = ["recorder"]\n'


def write_config(root: Path, text: str = "") -> Path:
    path = root / "pressdocs.toml"
    path.write_text(text, encoding="utf-8")
    return path


def mail_of(folder: Path, *messages: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(messages):
        (folder / f"{i:03}.eml").write_bytes(data)
    return folder


def registration_mail(unit: str, sender: str, when: datetime, held: str,
                      title: str = "芜湖市2021年一季度经济运行情况新闻发布会") -> bytes:
    form = registration_docx(title=title, unit=unit, when=held)
    return message(subject=f"{unit}新闻发布会登记表", sender=sender, date=when,
                   attachments=[("登记表.docx", form)])


# --- receipts ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return demo_mailbox_with_plan(tmp_path_factory.mktemp("notify"))


def test_after_a_batch_notify_dry_run_lists_a_receipt_per_submission(
        demo: tuple[Path, Path], tmp_path: Path) -> None:
    mail, planned = demo
    store = tmp_path / "store"
    shutil.copytree(planned, store)
    batch = json_of(["--store", str(store), "batch", str(mail), "--notify", "--json"])
    schemas.validate("batch", batch)
    submissions = [m for m in batch["messages"] if m["kind"] != "unrelated"]
    assert len(submissions) == 4

    listed = json_of(["--store", str(store), "notify", "--dry-run", "--json"])
    schemas.validate("notify", listed)
    assert listed["dry_run"] is True
    receipts = listed["notices"]
    assert sorted(n["submission_id"] for n in receipts) == \
        sorted(m["submission_id"] for m in submissions)
    for notice in receipts:
        sent_by = next(m for m in submissions if m["submission_id"] == notice["submission_id"])
        assert notice["type"] == "receipt" and notice["status"] == "pending"
        assert notice["channel"] == "outbox"  # the default: nothing leaves the machine
        assert notice["recipients"] == [sent_by["sender"]]
        assert notice["status_label"] == "待发送"
        assert "回执" in notice["subject"]

    # a dry run sends nothing and changes nothing: the same list again, all still pending
    assert json_of(["--store", str(store), "notify", "--dry-run", "--json"]) == listed
    outbox = json_of(["--store", str(store), "notices", "--json"])
    schemas.validate("notices", outbox)
    assert {n["status"] for n in outbox["notices"]} == {"pending"}

    # the mailbox again: every message a duplicate, no second receipt
    again = json_of(["--store", str(store), "batch", str(mail), "--notify", "--json"])
    assert again["new"] == 0 and again["receipts"] == []
    assert len(json_of(["--store", str(store), "notices", "--json"])["notices"]) == 4


def test_a_batch_queues_receipts_only_when_asked(demo: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    mail, _ = demo
    plain = json_of(["--store", str(tmp_path / "a"), "batch", str(mail), "--json"])
    assert plain["receipts"] == []
    assert json_of(["--store", str(tmp_path / "a"), "notices", "--json"]) == {"notices": []}
    assert "没有通知记录" in invoke(["--store", str(tmp_path / "a"), "notices"]).output

    config = write_config(tmp_path, "[notify]\nreceipts = true\n")
    by_config = json_of(["--store", str(tmp_path / "b"), "--config", str(config), "batch",
                         str(mail), "--json"])
    assert len(by_config["receipts"]) == 4
    dry = json_of(["--store", str(tmp_path / "c"), "--config", str(config), "batch",
                   str(mail), "--dry-run", "--json"])
    assert dry["receipts"] == []  # a dry run writes nothing, receipts included


def test_the_receipt_says_what_arrived_what_is_wrong_and_what_to_do(
        demo: tuple[Path, Path], tmp_path: Path) -> None:
    mail, planned = demo
    app = Pressdocs(store=planned, config=write_config(tmp_path))
    found = app.batch(str(mail), dry_run=True)
    incomplete = next(o.submission for o in found.outcomes if o.submission.unit == "市人社局")
    (receipt,) = app.notifier.receipts([incomplete])
    subject, text = receipt.context["subject"], receipt.context["text"]
    assert subject == "【市新闻办】回执：市人社局新闻发布会材料（待补正）"
    assert text.startswith("市人社局：\n\n市新闻办已于2021年3月29日 17:05收到您报送的登记表和材料")
    assert "  图片：图片1.png、图片2.png、图片3.png\n" in text
    assert "  登记表：登记表.docx\n" in text
    # each finding on its own line, with the clause of the notice under it
    assert "  1. [错误] 登记表2021年3月29日收到" in text
    assert "\n     （《通知》：发布会召开前3天报送市新闻办）\n" in text
    assert "请您：\n  - 按上述问题补正后，重新发送至 whxwtg@163.com" in text
    assert "发布会定于2021年3月31日 15:00召开。" in text
    assert "<p>" in receipt.context["html"] and "&lt;" not in subject
    assert receipt.context["sms"]["unit"] == "市人社局"
    assert all("http" not in v for v in receipt.context["sms"].values())

    english = Pressdocs(store=planned, config=write_config(tmp_path, '[notify]\nlang = "en"\n'))
    (receipt,) = english.notifier.receipts([incomplete])
    assert receipt.context["subject"].startswith("[市新闻办] Receipt: ")
    assert "Result of the check: incomplete" in receipt.context["text"]
    assert receipt.lang == "en"


def test_recipients_come_from_the_unit_directory_and_a_gap_is_reported(
        tmp_path: Path) -> None:
    config = write_config(tmp_path, """
[notify]
channels = ["recorder", "textmsg"]

[units."市统计局"]
emails = ["TJJ@Wuhu.gov.cn", "not an address"]
mobiles = ["139 0553 1234", "0553-3845678"]
""")
    app = Pressdocs(store=tmp_path / "store", config=config,
                    plugins=[Plugin(Recorder(), Recorder("textmsg", reaches="mobile"))])
    mail = mail_of(tmp_path / "mail",
                   registration_mail("市统计局", "小王 <someone@qq.com>", datetime(2021, 4, 9, 10, tzinfo=TZ),
                                     "2021年4月15日9:30"),
                   registration_mail("市体育局", "tyj@wuhu.gov.cn", datetime(2021, 4, 9, 11, tzinfo=TZ),
                                     "2021年4月20日9:30", title="芜湖市全民健身新闻发布会"))
    report = app.batch(str(mail), receipts=True)
    got = {(o.notice.unit, o.notice.channel): o for o in report.receipts}
    # the directory's addresses, normalised (the domain lower-cased), invalid ones left out
    assert got["市统计局", "recorder"].notice.recipients == ["TJJ@wuhu.gov.cn"]
    # the unit's mobile and the person in charge's from the form, in E.164; no landline
    sms = [o.notice.recipients for o in report.receipts
           if o.notice.unit == "市统计局" and o.notice.channel == "textmsg"]
    assert sorted(sms) == [["+8613905531234"]]
    # a unit the directory has no address for: the sender's address for a receipt ...
    assert got["市体育局", "recorder"].notice.recipients == ["tyj@wuhu.gov.cn"]
    # ... and by SMS the mobile on its form (13905531234 by default in these forms)
    assert got["市体育局", "textmsg"].notice.recipients == ["+8613905531234"]


def test_a_unit_with_no_address_on_a_channel_is_an_entry_not_a_silent_skip(
        tmp_path: Path) -> None:
    config = write_config(tmp_path, '[notify]\nchannels = ["textmsg"]\n')
    app = Pressdocs(store=tmp_path / "store", config=config,
                    plugins=[Plugin(Recorder("textmsg", reaches="mobile"))])
    form = registration_docx(title="芜湖市全民健身新闻发布会", unit="市体育局",
                             when="2021年4月20日9:30", phone="0553-3845678")
    mail = mail_of(tmp_path / "mail", message(
        subject="登记表", sender="tyj@wuhu.gov.cn", date=datetime(2021, 4, 9, 11, tzinfo=TZ),
        attachments=[("登记表.docx", form)]))
    (outcome,) = app.batch(str(mail), receipts=True).receipts
    assert outcome.status == "no_recipient" and outcome.notice.recipients == []
    assert outcome.detail == ("市体育局没有textmsg渠道的收件地址，请在 pressdocs.toml 的 [units] 中补充")
    (record,) = app.notices()
    assert record.status is DeliveryStatus.ABANDONED
    assert app.notify().outcomes == []  # never tried
    listing = invoke(["--store", str(tmp_path / "store"), "--config", str(config), "notices"])
    assert "[units]" in listing.output and "无法发送" in listing.output


# --- sending ------------------------------------------------------------------------------


def test_notify_sends_each_notice_once_and_announces_it_after_the_commit(
        tmp_path: Path) -> None:
    channel = Recorder()
    plugin = Plugin(channel)
    app = Pressdocs(store=tmp_path / "store", config=write_config(tmp_path, RECORDER),
                    plugins=[plugin])
    mail = mail_of(tmp_path / "mail", registration_mail(
        "市统计局", "tjj@wuhu.gov.cn", datetime(2021, 4, 9, 10, tzinfo=TZ), "2021年4月15日9:30"))
    app.batch(str(mail), receipts=True)
    first = app.notify()
    assert [o.status for o in first.outcomes] == ["sent"]
    (sent,) = channel.sent
    # the payload sent is the payload stored
    (record,) = app.notices()
    assert record.notice.context == sent.context and record.status is DeliveryStatus.SENT
    assert record.detail == "250 OK" and record.attempts == 1
    (event,) = [e for e in plugin.events if isinstance(e, NoticeSent)]
    assert event.notice.key == sent.key and event.delivery.status == "sent"

    assert app.notify().outcomes == []
    assert app.queue_receipts(app.store.submissions()).outcomes[0].status == "skipped"
    assert app.notify().outcomes == [] and len(channel.sent) == 1


def test_two_notify_runs_at_once_send_each_notice_once(tmp_path: Path) -> None:
    """Two ``notify`` runs on one store (two machines): the second runs while the first
    is sending its first notice; between them each notice is handed to a channel once."""
    store, config = tmp_path / "store", write_config(tmp_path, RECORDER)

    class Interleaved(Recorder):
        """Sends; on the first notice, lets another notify run go through the outbox."""

        other: Pressdocs | None = None

        def send(self, notice: Notice, context: Context) -> Delivery:
            if len(self.sent) == 0 and self.other is not None:
                self.other.notify()
            return super().send(notice, context)

    first_channel, second_channel = Interleaved(), Recorder()
    first = Pressdocs(store=store, config=config, plugins=[Plugin(first_channel)])
    second = Pressdocs(store=store, config=config, plugins=[Plugin(second_channel)])
    mail = mail_of(tmp_path / "mail", *(registration_mail(
        unit, f"u{i}@wuhu.gov.cn", datetime(2021, 4, 9, 10 + i, tzinfo=TZ), "2021年4月15日9:30",
        title=f"2021年第{i}场新闻发布会") for i, unit in enumerate(["市统计局", "市财政局", "市教育局"])))
    first.batch(str(mail), receipts=True)
    first_channel.other = second
    first.notify()
    keys = [n.key for n in first_channel.sent + second_channel.sent]
    assert len(keys) == 3 and len(set(keys)) == 3  # every receipt sent, none twice
    assert second_channel.sent  # the second run did take some
    assert all(r.status is DeliveryStatus.SENT for r in first.notices())
    first.close()
    second.close()


def test_a_failure_waits_and_is_tried_again_a_permanent_one_never(tmp_path: Path) -> None:
    channel = Recorder("recorder", [Delivery("failed", "451 try later"),
                                  Delivery("abandoned", "550 用户不存在")])
    app = Pressdocs(store=tmp_path / "store", config=write_config(tmp_path, RECORDER),
                    plugins=[Plugin(channel)])
    mail = mail_of(tmp_path / "mail",
                   registration_mail("市统计局", "tjj@wuhu.gov.cn",
                                     datetime(2021, 4, 9, 10, tzinfo=TZ), "2021年4月15日9:30"),
                   registration_mail("市体育局", "tyj@wuhu.gov.cn",
                                     datetime(2021, 4, 9, 11, tzinfo=TZ), "2021年4月20日9:30",
                                     title="芜湖市全民健身新闻发布会"))
    app.batch(str(mail), receipts=True)
    report = app.notify()
    assert [(o.status, o.detail) for o in report.outcomes] == \
        [("failed", "451 try later"), ("abandoned", "550 用户不存在")]
    failed = app.notices(status="failed")[0]
    assert failed.attempts == 1
    # not again at once: the next try waits (a minute, doubling)
    assert app.notify().outcomes == [] and len(channel.sent) == 2
    store = app.store
    assert [n.key for n in store.pending_notices(at=datetime.now(TZ) + timedelta(minutes=2))] \
        == [failed.notice.key]
    store.set_delivery(failed.notice.key, DeliveryStatus.FAILED, failed.detail,
                       retry_at=datetime.now(TZ) - timedelta(seconds=1))
    assert [o.status for o in app.notify().outcomes] == ["sent"]
    assert app.notices(status="abandoned")[0].detail == "550 用户不存在"
    assert len(channel.sent) == 3


def test_a_group_channel_gets_its_groups_and_an_unknown_channel_is_refused(
        tmp_path: Path) -> None:
    config = write_config(tmp_path, '[notify]\nchannels = ["dingtalk"]\n\n'
                                    '[notify.dingtalk]\nrecipients = ["办公室群"]\n')
    app = Pressdocs(store=tmp_path / "store", config=config,
                    plugins=[Plugin(Recorder("dingtalk", reaches="group"))])
    mail = mail_of(tmp_path / "mail", registration_mail(
        "市统计局", "tjj@wuhu.gov.cn", datetime(2021, 4, 9, 10, tzinfo=TZ), "2021年4月15日9:30"))
    (queued,) = app.batch(str(mail), receipts=True).receipts
    assert queued.notice.recipients == ["办公室群"]

    # no groups named: one notice, the channel routes it by its own settings
    routed = Recorder("robot", reaches="group")
    app = Pressdocs(store=tmp_path / "routed", plugins=[Plugin(routed)],
                    config=write_config(tmp_path, '[notify]\nchannels = ["robot"]\n'))
    (queued,) = app.batch(str(mail), receipts=True).receipts
    assert queued.status == "pending" and queued.notice.recipients == []
    assert [o.status for o in app.notify().outcomes] == ["sent"] and len(routed.sent) == 1

    typo = write_config(tmp_path, '[notify]\nchannels = ["dingtlak"]\nreceipts = true\n')
    result = invoke(["--store", str(tmp_path / "other"), "--config", str(typo), "batch",
                     str(mail)])
    assert result.exit_code == 2
    assert "通知渠道 dingtlak 不存在" in result.output and "outbox" in result.output


_SLOW_CHANNEL = """
import os, time
from pressdocs import Channel, Delivery, hookimpl

class Slow(Channel):
    name = "slowbox"
    reaches = "email"

    def send(self, notice, context):
        with open(os.environ["SENT_LOG"], "a", encoding="utf-8") as log:
            log.write(notice.key + "\\n")
        time.sleep(float(os.environ.get("SEND_PAUSE", "0")))
        return Delivery("sent")

@hookimpl
def register_channels(register):
    register(Slow())
"""


@pytest.mark.slow
def test_a_notify_run_killed_mid_way_then_run_again_sends_each_notice_once(
        demo: tuple[Path, Path], tmp_path: Path) -> None:
    mail, planned = demo
    store = tmp_path / "store"
    shutil.copytree(planned, store)
    site = plugin_site(tmp_path, "slowbox", _SLOW_CHANNEL)
    log = tmp_path / "sent.log"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PRESSDOCS_")},
           **with_plugins(site), "SENT_LOG": str(log), "SEND_PAUSE": "30"}
    config = write_config(tmp_path, '[notify]\nchannels = ["slowbox"]\n')
    args = [sys.executable, "-m", "pressdocs", "--store", str(store), "--config", str(config)]
    queued = subprocess.run([*args, "batch", str(mail), "--notify", "--json"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert queued.returncode == 0, queued.stderr
    keys = [r["key"] for r in json.loads(queued.stdout)["receipts"]]
    assert len(keys) == 4

    # killed while the channel holds the second notice
    run = subprocess.Popen([*args, "notify"], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    run_fast = {**env, "SEND_PAUSE": "0"}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not log.exists() or
                                          len(log.read_text().splitlines()) < 1):
        time.sleep(0.05)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert len(log.read_text().splitlines()) == 1

    again = subprocess.run([*args, "notify", "--json"], env=run_fast, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    sent = log.read_text().splitlines()
    assert sorted(sent) == sorted(keys)  # every notice once, none twice
    # the one in the channel's hands when the run died is left for a person to decide
    left = json.loads(subprocess.run([*args, "notices", "--status", "sending", "--json"],
                                     env=run_fast, capture_output=True, text=True,
                                     timeout=120).stdout)["notices"]
    assert [n["key"] for n in left] == [sent[0]]
    assert json.loads(again.stdout)["by_status"] == {"sent": 3}


# --- corrections, reminders, the digest ----------------------------------------------------


def test_notify_correction_queues_a_correction_request_for_a_submission_with_errors(
        demo: tuple[Path, Path], tmp_path: Path) -> None:
    mail, planned = demo
    store = tmp_path / "store"
    shutil.copytree(planned, store)
    batch = json_of(["--store", str(store), "batch", str(mail), "--json"])
    wrong = next(m for m in batch["messages"] if m["unit"] == "市人社局")
    right = next(m for m in batch["messages"] if m["status"] == "accepted")
    listed = json_of(["--store", str(store), "notify", "--dry-run", "--correction",
                      wrong["submission_id"][:10], "--json"])
    (notice,) = listed["notices"]
    assert notice["type"] == "correction" and notice["recipients"] == ["rsj@wuhu.gov.cn"]
    assert notice["subject"] == "【市新闻办】请补正：市人社局新闻发布会材料"
    assert json_of(["--store", str(store), "notices", "--json"]) == {"notices": []}
    # a submission without errors needs no correction
    assert json_of(["--store", str(store), "notify", "--dry-run", "--correction",
                    right["submission_id"], "--json"])["notices"] == []
    unknown = invoke(["--store", str(store), "notify", "--correction", "abcdef"])
    assert unknown.exit_code == 2 and "没有编号为 abcdef 的提交" in unknown.output
    typo = invoke(["--store", str(store), "notify", "--channel", "emial"])
    assert typo.exit_code == 2 and "没有名为 emial 的通知渠道" in typo.output
    only = json_of(["--store", str(store), "notify", "--dry-run", "--channel", "email",
                    "--json"])
    assert only["notices"] == [] and only["dry_run"] is True  # nothing queued for email


def test_remind_queues_each_due_reminder_once(demo: tuple[Path, Path],
                                              tmp_path: Path) -> None:
    _, planned = demo
    store = tmp_path / "store"
    shutil.copytree(planned, store)
    config = write_config(tmp_path, """
[units."市人社局"]
emails = ["rsj@wuhu.gov.cn"]
""")
    common = ["--store", str(store), "--config", str(config)]
    # 2021-03-25: item 5 (市人社局, March) is due and not registered yet
    first = json_of([*common, "remind", "--as-of", "2021-03-25", "--json"])
    schemas.validate("notify", first)
    mine = [n for n in first["notices"] if n["unit"] == "市人社局"]
    assert mine and all(n["recipients"] == ["rsj@wuhu.gov.cn"] for n in mine)
    assert {n["type"] for n in mine} <= {"remind_register", "remind_delayed"}
    others = [n for n in first["notices"] if n["unit"] != "市人社局"]
    assert others and all(n["status"] == "no_recipient" for n in others)
    records = {r["key"]: r for r in json_of([*common, "notices", "--json"])["notices"]}
    register = next(records[n["key"]] for n in mine if n["type"] == "remind_register")
    assert "请于召开前3天将登记表报送市新闻办" in register["text"]
    # the same day again: nothing new
    again = json_of([*common, "remind", "--as-of", "2021-03-25", "--json"])
    assert {n["status"] for n in again["notices"]} == {"skipped"}


def test_remind_for_materials_the_day_before(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    app = Pressdocs(store=tmp_path / "store", config=config)
    mail = mail_of(tmp_path / "mail", registration_mail(
        "市统计局", "tjj@wuhu.gov.cn", datetime(2021, 4, 9, 10, tzinfo=TZ), "2021年4月15日9:30"))
    app.batch(str(mail))
    assert app.remind(as_of=datetime(2021, 4, 13).date()).outcomes == []
    (due,) = app.remind(as_of=datetime(2021, 4, 14).date()).outcomes
    assert due.notice.template == "remind_materials"
    assert due.notice.recipients == []  # the directory has no address: reported, not sent
    assert due.status == "no_recipient"
    assert "应于召开前1天报送" in due.notice.context["text"]
    assert "2021年4月15日" in due.notice.context["text"]


def test_the_digest_covers_from_the_day_after_the_last(demo: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    mail, planned = demo
    store = tmp_path / "store"
    shutil.copytree(planned, store)
    app = Pressdocs(store=store, config=write_config(tmp_path))
    app.batch(str(mail))
    first = app.remind(as_of=datetime(2021, 4, 30).date(), digest=True,
                       since=datetime(2021, 3, 1, tzinfo=TZ))
    (digest,) = [o.notice for o in first.outcomes if o.notice.template == "digest"]
    assert digest.recipients == ["whxwtg@163.com"]
    assert digest.context["subject"] == "【市新闻办】收件汇总（2021年3月1日—2021年4月30日）"
    text = digest.context["text"]
    assert "共收到 5 份报送" in text and "待补正 2 份" in text
    second = app.remind(as_of=datetime(2021, 5, 7).date(), digest=True)
    (digest,) = [o.notice for o in second.outcomes if o.notice.template == "digest"]
    assert "（2021年5月1日—2021年5月7日）" in digest.context["subject"]
    assert "共收到 0 份报送" in digest.context["text"]


# --- templates --------------------------------------------------------------------------------


def test_the_office_overrides_a_template_from_its_folder(demo: tuple[Path, Path],
                                                          tmp_path: Path) -> None:
    mail, planned = demo
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "receipt.zh.j2").write_text(
        "{% block subject %}收到：{{ submission.subject }}{% endblock %}\n"
        "{% block text %}{{ unit }}，材料已收到。{% endblock %}\n", encoding="utf-8")
    config = write_config(tmp_path, f'[notify]\ntemplates = "{folder.as_posix()}"\n')
    app = Pressdocs(store=planned, config=config)
    found = app.batch(str(mail), dry_run=True)
    receipts = app.notifier.receipts(o.submission for o in found.outcomes)
    assert {n.context["subject"] for n in receipts} >= {"收到：市人社局新闻发布会材料"}
    assert all(n.context["text"].endswith("，材料已收到。\n") for n in receipts)
    # the other notices keep the built-in templates
    (folder / "receipt.zh.j2").write_text("{% block subject %}{{ nothing.here }}{% endblock %}",
                                          encoding="utf-8")
    broken = Pressdocs(store=planned, config=config)
    with pytest.raises(Exception) as raised:
        broken.notifier.receipts(o.submission for o in found.outcomes)
    assert "通知模板 receipt.zh.j2 有误" in str(raised.value)


def test_a_broken_template_stops_the_batch_with_a_clear_error_and_loses_nothing(
        tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "receipt.zh.j2").write_text("{% block subject %}{{ x.y }}{% endblock %}",
                                          encoding="utf-8")
    config = write_config(tmp_path, f'[notify]\nreceipts = true\ntemplates = "{folder.as_posix()}"\n')
    mail = mail_of(tmp_path / "mail", registration_mail(
        "市统计局", "tjj@wuhu.gov.cn", datetime(2021, 4, 9, 10, tzinfo=TZ), "2021年4月15日9:30"))
    store = tmp_path / "store"
    result = invoke(["--store", str(store), "--config", str(config), "batch", str(mail)])
    assert result.exit_code == 2
    assert "通知模板 receipt.zh.j2 有误" in result.output and "Traceback" not in result.output
    (folder / "receipt.zh.j2").unlink()
    fixed = json_of(["--store", str(store), "--config", str(config), "batch", str(mail),
                     "--json"])
    assert fixed["new"] == 1 and len(fixed["receipts"]) == 1


def test_each_channel_keeps_to_its_pace(tmp_path: Path) -> None:
    class Timed(Recorder):
        per_minute = 600.0  # the channel's own default: one every 0.1 s

        def __init__(self) -> None:
            super().__init__()
            self.times: list[float] = []

        def send(self, notice: Notice, context: Context) -> Delivery:
            self.times.append(time.monotonic())
            return super().send(notice, context)

    channel = Timed()
    app = Pressdocs(store=tmp_path / "store", config=write_config(tmp_path, RECORDER),
                    plugins=[Plugin(channel)])
    mail = mail_of(tmp_path / "mail", *(registration_mail(
        unit, f"u{i}@wuhu.gov.cn", datetime(2021, 4, 9, 10 + i, tzinfo=TZ), "2021年4月15日9:30",
        title=f"芜湖市第{i}次新闻发布会") for i, unit in enumerate(["市统计局", "市体育局", "市民政局"])))
    app.batch(str(mail), receipts=True)
    assert len(app.notify().outcomes) == 3
    gaps = [b - a for a, b in zip(channel.times, channel.times[1:], strict=False)]
    assert len(gaps) == 2 and all(g >= 0.09 for g in gaps)

    slower = write_config(tmp_path, '[notify]\nchannels = ["recorder"]\n\n[notify.recorder]\nper_minute = 120\n')  # the office's say
    channel.times.clear()
    app = Pressdocs(store=tmp_path / "store2", config=slower, plugins=[Plugin(channel)])
    app.batch(str(mail), receipts=True)
    app.notify()
    gaps = [b - a for a, b in zip(channel.times, channel.times[1:], strict=False)]
    assert len(gaps) == 2 and all(g >= 0.45 for g in gaps)  # paced before the store write


def test_receipts_of_a_batch_reach_the_units_by_email(demo: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    """The whole way: a mailbox taken in with receipts, then ``pressdocs notify`` over a
    real SMTP server on loopback; what the units receive is parsed back."""
    from smtpservers import SmtpServer

    mail, planned = demo
    store = tmp_path / "store"
    shutil.copytree(planned, store)
    with SmtpServer() as server:
        config = write_config(tmp_path, f"""
[notify]
channels = ["email"]
receipts = true

[notify.email]
host = "127.0.0.1"
port = {server.port}
security = "none"
user = ""
from_address = "whxwtg@163.com"
from_name = "芜湖市新闻办"
""")
        common = ["--store", str(store), "--config", str(config)]
        batch = json_of([*common, "batch", str(mail), "--json"])
        assert len(batch["receipts"]) == 4
        sent = json_of([*common, "notify", "--json"])
        assert sent["by_status"] == {"sent": 4}
        assert json_of([*common, "notify", "--json"])["notices"] == []  # once
        received = list(server.received)
    assert len(received) == 4
    by_rcpt = {tuple(r.rcpt_tos): r.message for r in received}
    rsj = by_rcpt[("rsj@wuhu.gov.cn",)]
    assert str(rsj["Subject"]) == "【市新闻办】回执：市人社局新闻发布会材料（待补正）"
    assert "芜湖市新闻办" in str(rsj["From"]) and "whxwtg@163.com" in str(rsj["From"])
    body = rsj.get_body(("plain",))
    assert body is not None and "发布材料中附有回答的提问问题只有1个" in body.get_content()
    assert {r for rcpts in by_rcpt for r in rcpts} == {"tjj_bgs@wuhu.gov.cn", "rsj@wuhu.gov.cn",
                                                       "sthjj@wuhu.gov.cn"}


def test_reminders_reach_the_units_by_sms(demo: tuple[Path, Path], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``pressdocs remind`` then ``pressdocs notify`` through the SMS channel to a loopback
    Tencent Cloud server that checks every request's signature independently."""
    from smsservers import TencentServer

    _, planned = demo
    store = tmp_path / "store"
    shutil.copytree(planned, store)
    monkeypatch.setenv("TEST_SMS_SECRET", "tencent-secret")
    with TencentServer({"AKIDtest": "tencent-secret"}) as server:
        config = write_config(tmp_path, f"""
[notify]
channels = ["sms"]

[notify.sms]
provider = "tencent"
access_key_id = "AKIDtest"
access_key_secret = {{env = "TEST_SMS_SECRET"}}
sign_name = "芜湖市新闻办"
app_id = "1400006666"
endpoint = "{server.url}"

[notify.sms.templates]
remind_register = {{code = "1111", params = ["unit", "date"]}}
remind_delayed = {{code = "1112", params = ["unit", "date"]}}

[units."市人社局"]
mobiles = ["139 0553 1234"]
""")
        common = ["--store", str(store), "--config", str(config)]
        queued = json_of([*common, "remind", "--as-of", "2021-03-25", "--json"])
        mine = [n for n in queued["notices"] if n["unit"] == "市人社局"]
        assert [n["recipients"] for n in mine] == [["+8613905531234"]]
        sent = json_of([*common, "notify", "--json"])
        assert sent["by_status"] == {"sent": 1}
        received = list(server.received)
    (request,) = received
    assert request.signature_ok, request.problem
    assert request.fields["PhoneNumberSet"] == ["+8613905531234"]
    assert request.fields["TemplateId"] == "1111"
    assert request.fields["TemplateParamSet"] == ["市人社局", "4月30日"]  # the latest day allowed


@pytest.mark.parametrize("channel", ["outbox", "email", "sms"])
def test_every_built_in_channel_takes_a_pace(channel: str, tmp_path: Path) -> None:
    """``per_minute`` is the core's key in any channel's table: no channel refuses it."""
    from pressdocs.config import load_config

    config = load_config(write_config(tmp_path, f"[notify.{channel}]\nper_minute = 20\n"))
    with Pressdocs(store=tmp_path / "s", config=config, load_entry_points=False) as pd:
        found = pd.plugins.registry.get(Channel, channel)
        assert found is not None
        notice = Notice(f"receipt:pace:{channel}", channel, [], "receipt",
                        {"subject": "回执", "text": "收到。\n"}, unit="市统计局")
        try:
            said = found.send(notice, pd.context(found, store=pd.store)).detail
        except (ChannelError, ConfigError) as exc:  # sms: no provider set
            said = exc.render("zh")
    # whatever the channel makes of a notice with no recipient, the pace is no complaint
    assert "per_minute" not in said


def test_remind_for_the_statistics_table_before_its_filing_day(tmp_path: Path) -> None:
    from docfixtures import statistics_xlsx

    config = write_config(tmp_path, """
[notify]
statistics_units = ["芜湖市繁昌区"]

[units."南陵县"]
emails = ["nlx@wuhu.gov.cn"]
aliases = ["南陵县人民政府"]

[units."繁昌区"]
emails = ["fcq@wuhu.gov.cn"]
""")
    app = Pressdocs(store=tmp_path / "store", config=config)

    def filed(day: datetime, n: int) -> bytes:
        return message(subject="新闻发布会统计表", sender="nlx@wuhu.gov.cn", date=day,
                       attachments=[("统计表.xlsx", statistics_xlsx())],
                       message_id=f"<stat{n}@wuhu.gov.cn>")

    app.batch(str(mail_of(tmp_path / "mail1", filed(datetime(2020, 12, 28, 9, tzinfo=TZ), 1))))
    assert [(s.unit, s.kind.value) for s in app.store.submissions()] == [("南陵县", "statistics")]
    assert app.remind(as_of=datetime(2021, 6, 22).date()).outcomes == []  # 8 days ahead
    due = app.remind(as_of=datetime(2021, 6, 25).date(), dry_run=True).outcomes
    # the unit that filed before, and the one the office names (written another way)
    assert sorted((o.notice.unit, o.notice.recipients[0]) for o in due) == \
        [("南陵县", "nlx@wuhu.gov.cn"), ("芜湖市繁昌区", "fcq@wuhu.gov.cn")]
    text = due[0].notice.context["text"]
    assert "请于2021年6月30日前报送2020年12月31日至2021年6月30日召开的新闻发布会统计表" in text
    # filed for this half-year: no reminder for it
    app.batch(str(mail_of(tmp_path / "mail2", filed(datetime(2021, 6, 21, 9, tzinfo=TZ), 2))))
    left = app.remind(as_of=datetime(2021, 6, 25).date()).outcomes
    assert [o.notice.unit for o in left] == ["芜湖市繁昌区"]


def test_contact_persons_get_the_units_notices_and_their_mailbox_names_the_unit(
        tmp_path: Path) -> None:
    config = write_config(tmp_path, """
[notify]
channels = ["recorder", "textmsg"]

[units."市统计局"]
emails = ["tjj@wuhu.gov.cn"]
contacts = [
  {name = "王芳", role = "办公室主任", email = "wangfang@wuhu.gov.cn", mobile = "13905531235"},
  {name = "李明", mobile = "0553-3845678"},
]
""")
    app = Pressdocs(store=tmp_path / "store", config=config,
                    plugins=[Plugin(Recorder(), Recorder("textmsg", reaches="mobile"))])
    # 王芳 sends from her own mailbox: the directory knows the unit by it
    form = registration_docx(title="芜湖市一季度经济运行情况新闻发布会", unit="统计局",
                             when="2021年4月15日9:30", phone="13905531234")
    mail = mail_of(tmp_path / "mail", message(
        subject="登记表", sender="王芳 <wangfang@wuhu.gov.cn>",
        date=datetime(2021, 4, 9, 10, tzinfo=TZ), attachments=[("登记表.docx", form)]))
    report = app.batch(str(mail), receipts=True)
    assert report.outcomes[0].submission.unit == "市统计局"
    by = {(o.notice.channel, o.notice.recipients[0]) for o in report.receipts}
    assert by == {("recorder", "tjj@wuhu.gov.cn"), ("recorder", "wangfang@wuhu.gov.cn"),
                  ("textmsg", "+8613905531235"), ("textmsg", "+8613905531234")}
    unit = app.config.find_unit("芜湖市统计局")
    assert unit is not None and [c.name for c in unit.contacts] == ["王芳", "李明"]
    bad = write_config(tmp_path, '[units."市统计局"]\ncontacts = [{name = "王芳", phone = "1"}]\n')
    result = invoke(["--config", str(bad), "config", "show"])
    assert result.exit_code == 2 and "phone" in result.output
