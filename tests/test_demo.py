"""``pressdocs demo``: the whole main job on the sample inside the package, as a newcomer
meets it — one command, no repository, no network, no set-up — and what it leaves behind:
the sample mailbox (a Maildir), the store, a receipt per submission in the outbox, one
submission approved and one returned, the five reports, and the summary that names them
and the command to open the review desk.

The wheel's own run (a fresh virtual environment, LibreOffice and Chromium opening the
reports) is tests/test_wheel.py.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from cli_support import HAN, invoke
from pressdocs import DemoReport, Pressdocs, ReviewState, SubmissionKind, run_demo
from pressdocs._demo.mailbox import write_mailbox, write_maildir
from pressdocs._libreoffice import find_soffice

pytestmark = pytest.mark.slow  # two to three runs of the whole job (LibreOffice twice in each)

#: The subjects of the submissions the demo's reviewer decides on.
APPROVED = "【市统计局】2021年一季度全市经济运行情况新闻发布会登记表"
RETURNED = "市人社局新闻发布会材料"


def run(args: list[str]) -> tuple[str, str]:
    """``pressdocs ARGS``, which must succeed: its stdout (the summary) and stderr (steps)."""
    result = invoke(args)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def path_after(label: str, summary: str) -> Path:
    """The path the summary gives on the line that starts with ``label``."""
    [line] = [line for line in summary.splitlines() if line.strip().startswith(label)]
    return Path(re.split(r"[：:] ?", line, maxsplit=1)[1].strip())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """``pressdocs demo DIR`` run once: DIR, the summary and the steps it printed."""
    folder = tmp_path_factory.mktemp("demo") / "demo"
    summary, steps = run(["demo", str(folder)])
    return folder, summary, steps


def submissions(store: Path) -> dict[str, str]:
    """Subject → id of each stored submission that is not unrelated mail."""
    with Pressdocs(store=store, load_entry_points=False) as app:
        return {s.subject: s.id for s in app.submissions().items
                if s.kind is not SubmissionKind.UNRELATED}


def receipts(outbox: Path) -> dict[str, list[dict[str, object]]]:
    """The notices written to the outbox folder, by template."""
    found: dict[str, list[dict[str, object]]] = {}
    for path in sorted(outbox.glob("*.json")):
        notice = json.loads(path.read_text(encoding="utf-8"))
        assert path.with_suffix(".eml").is_file(), path  # each with the message to open
        found.setdefault(notice["template"], []).append(notice)
    return found


def cells_of(workbook: Path) -> set[str]:
    """The text of every cell of every sheet."""
    book = openpyxl.load_workbook(workbook, read_only=True)
    return {str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
            for c in row if c is not None}


# --- the summary -------------------------------------------------------------------------


def test_the_summary_names_what_was_done_and_where(demo: tuple[Path, str, str]) -> None:
    folder, summary, steps = demo
    lines = summary.splitlines()
    assert lines[0] == f"pressdocs 演示完成，全部写在 {folder}"
    legacy = find_soffice() is not None
    messages = 9 if legacy else 8
    assert f"示例邮箱：{messages} 封邮件，来自 {messages - 2} 个单位（Maildir：{folder / 'mail'}）" \
        in lines
    assert "计划安排：已导入 2021 年计划安排 74 项，发现被篡改插入的垃圾信息 2 处（PD501）" in lines
    assert ("收取：7 份报送，已受理 5、待补正 2；另有 2 封与报送无关的邮件" if legacy else
            "收取：6 份报送，已受理 4、待补正 2；另有 2 封与报送无关的邮件") in lines
    assert f"通知：回执 {messages - 2} 份、补正通知 1 份，已写入待发目录 {folder / 'outbox'}（未真正发出）" \
        in lines
    assert f"审核：审核员 demo 审批同意了“{APPROVED}”，退回补正了“{RETURNED}”" in lines
    assert "导出（截至 2021年7月1日）：" in lines
    assert f"打开审核台：pressdocs --store {folder / 'store'} serve" in lines
    assert ("LibreOffice" in summary) is not legacy  # said plainly only when it is missing
    assert "Traceback" not in summary + steps
    # the steps go to stderr as they start, the summary alone to stdout
    assert steps.splitlines()[0] == f"== 生成示例邮箱：{folder / 'mail'}"
    assert len(steps.splitlines()) == 6


def test_every_path_in_the_summary_was_written(demo: tuple[Path, str, str]) -> None:
    folder, summary, _ = demo
    reports = {label: path_after(label, summary)
               for label in ("统计表（2021H1）", "计划执行情况", "收件登记簿", "新闻发布会实录",
                             "工作看板")}
    for label, path in reports.items():
        assert path.is_file() and path.stat().st_size > 1000, label
        assert path.parent == folder / "exports", label
    assert sorted(p.suffix for p in reports.values()) == [".html", ".html", ".xlsx", ".xlsx",
                                                          ".xlsx"]


def test_the_reports_hold_the_sample(demo: tuple[Path, str, str]) -> None:
    """What the office would look for in each report: the district's statistics table,
    the plan's item 11 held, the register's submissions, the conference's page."""
    summary = demo[1]
    assert "鸠江区乡村振兴工作新闻发布会" in cells_of(path_after("统计表（2021H1）", summary))
    assert "2021年一季度全市经济运行情况" in cells_of(path_after("计划执行情况", summary))
    assert {APPROVED, RETURNED, "市教育局新闻发布会登记"} <= cells_of(
        path_after("收件登记簿", summary))
    record = path_after("新闻发布会实录", summary).read_text(encoding="utf-8")
    assert "<title>2021年一季度全市经济运行情况新闻发布会</title>" in record
    board = path_after("工作看板", summary).read_text(encoding="utf-8")
    assert "<title>2021年新闻发布工作看板</title>" in board


# --- what the demo did in the store and the outbox ------------------------------------------


def test_the_mailbox_is_a_maildir_the_batch_took_in(demo: tuple[Path, str, str]) -> None:
    folder, _, _ = demo
    mail = folder / "mail"
    assert {p.name for p in mail.iterdir()} == {"cur", "new", "tmp"}
    files = sorted((mail / "new").iterdir())
    assert len(files) == (9 if find_soffice() else 8)
    with Pressdocs(store=folder / "store", load_entry_points=False) as app:
        stored = app.submissions().items
        assert len(stored) == len(files)  # every message, each once
        by_subject = {s.subject: app.submission(s.id) for s in stored}
    # the kinds of mail the sample holds, each read for what it is
    assert by_subject["市教育局新闻发布会登记"].kind is SubmissionKind.REGISTRATION  # typed in
    assert by_subject["鸠江区2021年上半年新闻发布会统计表"].kind is SubmissionKind.STATISTICS
    package = by_subject["【市统计局】发布会材料（打包）"]
    assert "发布稿.docx" in {d.name for d in package.documents}  # the GBK names, read right
    spam = by_subject["转发：2021年新闻发布会计划安排"]
    assert [f.code for f in spam.findings] == ["PD501", "PD501"]
    if find_soffice():
        legacy = by_subject["市市场监管局3·15新闻发布会登记表"]
        assert legacy.kind is SubmissionKind.REGISTRATION and legacy.plan_item == 5
        assert [d.name for d in legacy.documents] == ["新闻发布会登记表.doc"]


def test_the_outbox_has_a_receipt_per_submission(demo: tuple[Path, str, str]) -> None:
    folder, _, _ = demo
    expected = submissions(folder / "store")
    notices = receipts(folder / "outbox")
    assert sorted(n["submission_id"] for n in notices["receipt"]) == sorted(expected.values())
    [correction] = notices["correction"]
    assert correction["submission_id"] == expected[RETURNED]
    assert set(notices) == {"receipt", "correction"}


def test_one_submission_is_approved_and_one_returned_by_the_demo_reviewer(
        demo: tuple[Path, str, str]) -> None:
    folder, summary, _ = demo
    ids = submissions(folder / "store")
    password = re.search(r"账号 demo，密码 (\S+)", summary)
    assert password is not None
    with Pressdocs(store=folder / "store", load_entry_points=False) as app:
        approved, returned = app.review(ids[APPROVED]), app.review(ids[RETURNED])
        assert approved.state is ReviewState.APPROVED and approved.decision is not None
        assert returned.state is ReviewState.RETURNED and returned.decision is not None
        assert approved.decision.by == returned.decision.by == "demo"
        assert "答记者问参考口径不足2个" in returned.decision.opinion
        # the account the summary names signs in to the review desk
        assert app.authenticate("demo", password[1]) is not None
        assert app.authenticate("demo", "not-the-password") is None


# --- running it again, and folders it must not touch ---------------------------------------


def test_running_again_in_the_same_folder_replaces_the_earlier_demo(
        demo: tuple[Path, str, str], tmp_path: Path) -> None:
    folder = tmp_path / "again"
    shutil.copytree(demo[0], folder)
    (folder / "exports" / "stale.txt").write_text("from before", encoding="utf-8")
    summary, _ = run(["demo", str(folder)])
    assert summary.splitlines()[1] == "（已替换这个目录中上次演示的内容）"
    assert not (folder / "exports" / "stale.txt").exists()
    assert len(submissions(folder / "store")) == len(submissions(demo[0] / "store"))
    assert len(list((folder / "outbox").glob("*.json"))) == \
        len(list((demo[0] / "outbox").glob("*.json")))  # nothing twice


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_folder_holding_other_files_is_refused_and_left_alone(tmp_path: Path,
                                                                lang: str) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("the office's own notes", encoding="utf-8")
    result = invoke(["demo", str(folder), "--lang", lang])
    assert result.exit_code == 2, result.output
    says = {"zh": f"错误：{folder} 不是空目录，也不是以前运行 pressdocs demo 留下的目录",
            "en": f"Error: {folder} is not empty and was not left by an earlier pressdocs demo"}
    assert says[lang] in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_a_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "demo.txt"
    file.write_text("x", encoding="utf-8")
    result = invoke(["demo", str(file)])
    assert result.exit_code == 2, result.output
    assert f"{file} 是一个文件，不是目录" in result.stderr
    assert file.read_text(encoding="utf-8") == "x"


# --- English, the default folder, no LibreOffice -------------------------------------------


def test_in_english_in_the_default_folder_without_libreoffice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``pressdocs demo --lang en`` in a folder of its own (./pressdocs-demo), on a machine
    without LibreOffice: said plainly, the .doc form left out, everything else done."""
    monkeypatch.setattr("pressdocs._libreoffice.SOFFICE_CANDIDATES", ())
    summary, steps = run(["demo", "--lang", "en"])
    folder = tmp_path / "pressdocs-demo"
    assert summary.splitlines()[0] == f"pressdocs demo done, everything is in {folder}"
    assert ("Note: no working LibreOffice: the sample mailbox has no registration form "
            "in .doc format") in summary
    assert "sample mailbox: 8 messages from 6 units" in summary
    assert f"notices: receipts 6, correction requests 1, written to the outbox folder {folder / 'outbox'}" \
        in summary
    assert f"open the review desk: pressdocs --store {folder / 'store'} serve" in summary
    # nothing Chinese but what the units wrote (the two subjects the reviewer decided on)
    assert not HAN.search(summary.replace(APPROVED, "").replace(RETURNED, "")), summary
    assert not HAN.search(steps), steps
    # the reports are in English; the notices in the units' language ([notify] lang)
    board = path_after("dashboard", summary).read_text(encoding="utf-8")
    assert "<title>Press office dashboard 2021</title>" in board
    notices = receipts(folder / "outbox")
    assert {n["lang"] for ns in notices.values() for n in ns} == {"zh"}
    assert len(notices["receipt"]) == 6


# --- the library -------------------------------------------------------------------------


def test_run_demo_returns_what_the_cli_prints(tmp_path: Path) -> None:
    """The library's result, through the public API: ``pressdocs.run_demo``."""
    said: list[str] = []
    report = run_demo(tmp_path / "lib", lang="en", step=lambda m: said.append(m.text("en")))
    assert isinstance(report, DemoReport)
    assert report.folder == tmp_path / "lib" and not report.reused
    assert report.plan_items == 74 and report.plan_findings == ["PD501", "PD501"]
    assert report.notices == {"receipt": report.submissions, "correction": 1}
    assert set(report.exports) == {"stats", "plan", "submissions", "record", "dashboard"}
    assert all(p.is_file() for p in report.exports.values())
    assert report.serve_command == f"pressdocs --store {tmp_path / 'lib' / 'store'} serve"
    assert report.password not in repr(report)
    assert len(said) == 6


def test_the_five_message_mailbox_of_the_examples_is_kept(tmp_path: Path) -> None:
    """examples/demo_mailbox.py and the tests write the package's first five messages; the
    Maildir holds the same messages and more."""
    written = {p.name: p.read_bytes() for p in write_mailbox(tmp_path / "eml")}
    assert list(written) == ["01-统计局登记表.eml", "02-统计局材料.eml", "03-人社局登记表和材料.eml",
                             "04-生态环境局材料.eml", "05-广告.eml"]
    box = write_maildir(tmp_path / "maildir", legacy_doc=False)
    ids = [message_id(p.read_bytes()) for p in box.messages]
    assert {message_id(m) for m in written.values()} <= set(ids) and len(set(ids)) == 8
    # in the order received, named as a mail server names them, the same on every run
    again = write_maildir(tmp_path / "again", legacy_doc=False)
    assert [p.name for p in again.messages] == [p.name for p in box.messages]
    assert [message_id(p.read_bytes()) for p in again.messages] == ids
    stamps = [int(p.name.split(".")[0]) for p in box.messages]
    assert stamps == sorted(stamps) == [int(p.stat().st_mtime) for p in box.messages]


def message_id(data: bytes) -> str:
    from email import message_from_bytes

    return str(message_from_bytes(data)["Message-ID"])


def test_the_packaged_notice_is_the_repositorys() -> None:
    """The notice the demo imports (package data) is examples/notice_2021.txt, the tests'
    seed: one text, kept in two places so that the installed package has it."""
    from conftest import SEED
    from pressdocs._demo.mailbox import notice_text

    assert notice_text() == SEED.read_bytes()
