"""``pressdocs batch --workers N``: messages read in N processes, judged and committed in
the mailbox's order — the same submissions, findings and order as one process."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import workers_plugin
from cli_support import demo_mailbox_with_plan, invoke
from pressdocs import Pressdocs
from pressdocs.errors import ConfigError
from submissions import message, press_release_docx, registration_docx

UNITS = ["市统计局", "市财政局", "市教育局"]
START = datetime(2021, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def mailbox(root: Path) -> tuple[Path, Path]:
    """The demo mailbox with the plan, plus resends that correct earlier messages (their
    judging depends on the order), a damaged message and a copy of a message."""
    mail, store = demo_mailbox_with_plan(root)
    for i in range(12):
        unit = UNITS[i % len(UNITS)]
        n = i - 6 if i >= 9 else i  # the last three resend earlier ones: 修改稿
        title = f"2021年第{n + 1}场{unit}新闻发布会"
        (mail / f"gen-{i:02d}.eml").write_bytes(message(
            subject=f"【{unit}】{title}登记表", sender=f"{unit}办公室 <u{i % 3}@wuhu.gov.cn>",
            date=START + timedelta(hours=i), message_id=f"<workers-{i}@wuhu.gov.cn>",
            attachments=[
                (f"登记表（{unit}）.docx", registration_docx(
                    title=title, unit=unit, when=f"2021年4月{n + 5}日上午9:30",
                    filed="2021年4月1日")),
                ("发布稿.docx", press_release_docx(f"{unit}新进展（{n}）", paragraphs=2)),
            ]))
    (mail / "gen-damaged.eml").write_bytes(b"Subject: =?gb2312?B?broken\r\n\r\n\x00\xff" * 3)
    shutil.copy(mail / "gen-03.eml", mail / "gen-03-again.eml")
    return mail, store


def batch(mail: Path, store: Path, *args: str) -> dict[str, Any]:
    done = invoke(["--store", str(store), "batch", str(mail), "--json", *args])
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.output))


def test_two_workers_make_the_same_submissions_in_the_same_order(tmp_path: Path) -> None:
    mail, planned = mailbox(tmp_path)
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(planned, one)
    shutil.copytree(planned, two)
    alone = batch(mail, one)
    together = batch(mail, two, "--workers", "2")
    assert [m["subject"] for m in together["messages"]] == \
        [m["subject"] for m in alone["messages"]]
    assert together == alone
    corrections = [m for m in alone["messages"] if m["corrects"]]
    assert len(corrections) >= 3  # the resends were judged against their originals
    assert alone["by_status"].get("duplicate") == 1
    with Pressdocs(store=one) as a, Pressdocs(store=two) as b:
        assert [s.to_dict() for s in a.submissions().items] == \
            [s.to_dict() for s in b.submissions().items]
        assert all(b.store.has_blob(d.sha256) for s in b.submissions().items
                   for d in b.submission(s.id).documents if d.sha256)


def test_a_worker_that_dies_loses_no_message(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader process ends mid-message (as when the kernel kills it): that message and
    the rest are read by the batch itself, each exactly once."""
    died = tmp_path / "died"
    monkeypatch.setenv("PRESSDOCS_TEST_DIED", str(died))
    mail = tmp_path / "mail"
    mail.mkdir()
    for i in range(6):
        attachments = [("发布稿.docx", press_release_docx(f"第{i}篇", paragraphs=1))]
        if i == 2:
            attachments.append(("附件.txt", b"DIE please"))
        (mail / f"{i}.eml").write_bytes(message(
            subject=f"第{i}封", sender="市统计局 <tjj@wuhu.gov.cn>", date=START,
            attachments=attachments, message_id=f"<dying-{i}@x.cn>"))
    with Pressdocs(store=tmp_path / "store", plugins=[workers_plugin]) as app:
        report = app.batch(str(mail), workers=2)
        assert died.read_text().count("\n") == 1  # a reader did die
        assert report.complete and report.new == 6
        assert sorted(o.submission.subject for o in report.outcomes) == \
            [f"第{i}封" for i in range(6)]
        assert not app.store.unprocessed_messages()
        again = app.batch(str(mail), workers=2)
        assert again.new == 0 and again.seen == 6


def test_a_plugin_object_cannot_travel_to_a_worker(tmp_path: Path) -> None:
    class NotAModule:
        pass

    with Pressdocs(store=tmp_path / "store", plugins=[NotAModule()]) as app, \
            pytest.raises(ConfigError, match=r"--workers.*NotAModule"):
        app.batch(str(tmp_path), workers=2)


def test_workers_out_of_range_are_refused(tmp_path: Path) -> None:
    done = invoke(["--store", str(tmp_path / "s"), "batch", str(tmp_path), "--workers", "0"])
    assert done.exit_code == 2 and "--workers" in done.output
