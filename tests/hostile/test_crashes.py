"""A batch stopped the hard way: SIGKILL at random moments, Ctrl-C and SIGTERM while
LibreOffice converts a .doc.

What the office would notice afterwards: every message processed exactly once once the
batch has been rerun (one submission each, its conference rows those of its registration,
its receipt queued once, no lock left), no LibreOffice left running, no temporary folder
left behind, and the exit code a shell or systemd reads (130 for Ctrl-C, 143 for SIGTERM).

Each test runs ``python -m pressdocs`` as a real process, the way cron or an operator does.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cli_support import invoke
from conftest import SEED
from docfixtures import converted, needs_soffice
from pressdocs.store import open_store
from pressdocs.store.migrations import conference_rows
from submissions import message, png, press_release_docx, qa_docx, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
UNITS = ["市统计局", "市财政局", "市交通运输局", "市卫健委", "市生态环境局", "市文化和旅游局"]
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a real ``pressdocs`` process: this checkout's source, no
    developer settings, temporary files in ``tmp`` (to check they are all removed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSDOCS_")}
    env["PYTHONPATH"] = os.pathsep.join([SRC, *filter(None, [env.get("PYTHONPATH")])])
    env.update(TMPDIR=str(tmp), TMP=str(tmp), TEMP=str(tmp), COLUMNS="240", **extra)
    return env


def _pressdocs(*args: str) -> list[str]:
    return [sys.executable, "-m", "pressdocs", *args]


def _mailbox(folder: Path, count: int) -> list[bytes]:
    """``count`` messages as units send them: registrations (one conference each), materials
    with a release and Q&A, plain notes; every fifth a resend of an earlier message under
    another file name (the same bytes: a duplicate, taken in once)."""
    folder.mkdir(parents=True)
    rnd = random.Random(7)
    distinct: list[bytes] = []
    start = datetime(2021, 3, 1, 9, 0, tzinfo=TZ)
    for i in range(count):
        unit = UNITS[i % len(UNITS)]
        sender = f"{unit}办公室 <u{i % len(UNITS)}@wuhu.gov.cn>"
        when = start + timedelta(days=i, hours=rnd.randint(0, 8))
        if i % 5 == 4 and distinct:
            data = rnd.choice(distinct)
        elif i % 3 == 0:
            held = when + timedelta(days=10)
            data = message(
                subject=f"【{unit}】第{i}场新闻发布会登记表", sender=sender, date=when,
                message_id=f"<reg-{i}@wuhu.gov.cn>",
                attachments=[(f"登记表{i}.docx", registration_docx(
                    title=f"第{i}场新闻发布会", unit=unit,
                    when=f"{held.year}年{held.month}月{held.day}日上午9:30",
                    filed=f"{when.year}年{when.month}月{when.day}日"))])
            distinct.append(data)
        elif i % 3 == 1:
            data = message(
                subject=f"【{unit}】发布会材料 {i}", sender=sender, date=when,
                message_id=f"<mat-{i}@wuhu.gov.cn>",
                attachments=[("发布稿.docx", press_release_docx(f"第{i}场发布稿")),
                             ("问答.docx", qa_docx(2)), ("图片1.png", png(i))])
            distinct.append(data)
        else:
            data = message(subject=f"关于第{i}期工作的说明", sender=sender, date=when,
                           message_id=f"<note-{i}@wuhu.gov.cn>", attachments=[],
                           body=f"您好，第{i}期工作情况如下，请审阅。")
            distinct.append(data)
        (folder / f"{i:03d}.eml").write_bytes(data)
    return distinct


def _processed(store: Path) -> int:
    with open_store(store) as s:
        return len(s.processed_messages())


def _wait_until_processed(store: Path, count: int, proc: subprocess.Popen[str]) -> None:
    """Until the running batch has committed ``count`` messages (or has ended)."""
    import sqlite3

    db = sqlite3.connect(f"file:{store / 'pressdocs.sqlite3'}?mode=ro", uri=True, timeout=5)
    try:
        while proc.poll() is None:
            (n,) = db.execute("SELECT COUNT(*) FROM messages WHERE state = 'processed'"
                              ).fetchone()
            if n >= count:
                return
            time.sleep(0.003)
    finally:
        db.close()


def _store_with_plan(store: Path) -> None:
    imported = invoke(["--store", str(store), "plan", "import", str(SEED)])
    assert imported.exit_code == 0, imported.output


def _assert_each_message_once(store: Path, distinct: list[bytes]) -> None:
    """Exactly once: one processed ledger row and one submission per distinct message, its
    documents and conference rows those of its submission, its receipt queued once, no
    message left half-done, no lock held."""
    import hashlib

    with open_store(store) as s:
        assert s.unprocessed_messages() == []
        processed = s.processed_messages()
        shas = {hashlib.sha256(d).hexdigest() for d in distinct}
        assert sorted(r.sha256 for r in processed) == sorted(shas)
        subs = s.submissions()
        assert len(subs) == len(shas)
        assert {r.submission_id for r in processed} == {sub.id for sub in subs}
        for sub in subs:
            assert s.submission_history(sub.id) == []  # processed once, never redone
        # the conference rows are exactly what each saved submission tells
        db = s._db  # type: ignore[attr-defined]
        kept = sorted(tuple(r) for r in db.rows(
            "SELECT submission_id, position, title, held_date FROM conferences"))
        told = sorted((sub.id, pos, c.title, c.held_on.isoformat()) for sub in subs
                      for pos, c in enumerate(sub.conferences()))
        assert kept == told
        assert len([r for sub in subs for r in conference_rows(sub, None)]) == len(told)
        registrations = [sub for sub in subs if sub.registration is not None]
        assert len({c[0] for c in told}) == len(registrations) > 0
        documents = s.documents()
        assert sorted((sid, d.name) for sid, d in documents) == sorted(
            (sub.id, d.name) for sub in subs for d in sub.documents)
        receipts = [r.notice.submission_id for r in s.notice_records()
                    if r.notice.template == "receipt"]
        assert receipts, "no receipt queued"
        assert len(receipts) == len(set(receipts))  # one receipt per submission, at most
        assert set(receipts) <= {sub.id for sub in subs}
    lock = store / "pressdocs.lock"
    assert not lock.exists() or lock.read_text() == ""


# --- SIGKILL at random moments ------------------------------------------------------------


@pytest.mark.slow
def test_batch_killed_at_random_moments_processes_every_message_exactly_once(
        tmp_path: Path) -> None:
    seed = int(os.environ.get("PRESSDOCS_CRASH_SEED", "0")) or random.SystemRandom().randrange(
        1, 10**6)
    print(f"crash test seed: {seed} (rerun with PRESSDOCS_CRASH_SEED={seed})")
    rnd = random.Random(seed)
    mail, store, tmp = tmp_path / "mail", tmp_path / "store", tmp_path / "tmp"
    tmp.mkdir()
    distinct = _mailbox(mail, 30)
    _store_with_plan(store)
    env = _env(tmp)
    command = _pressdocs("batch", str(mail), "--store", str(store), "--notify", "--json")

    # how long an uninterrupted run takes here, to time the kills
    probe_store = tmp_path / "probe"
    _store_with_plan(probe_store)
    probe_command = _pressdocs("batch", str(mail), "--store", str(probe_store), "--notify",
                               "--json")
    began = time.monotonic()
    probe = subprocess.run(probe_command, capture_output=True, text=True, env=env, timeout=120)
    full = time.monotonic() - began
    assert probe.returncode == 0, probe.stderr
    _assert_each_message_once(probe_store, distinct)
    expected = {m["submission_id"]: m["status"] for m in json.loads(probe.stdout)["messages"]
                if m["status"] != "duplicate"}
    startup = min(full / 2, 2.0)  # python, pressdocs and the store: roughly half of it here
    per_message = (full - startup) / len(distinct)

    kills: list[tuple[int, float]] = []  # (messages processed before, seconds after that)
    finished = False
    while len(kills) < 22 or not finished:
        assert len(kills) < 60, kills
        done = _processed(store)
        # a kill during start-up (store opened, lock taken, mailbox listed), or inside the
        # message after the next one the run commits; once every message is processed only
        # start-up is left to kill in (a run waiting for another commit would just finish,
        # as one run is let to once the kills are made)
        exhausted = done >= len(distinct) and len(kills) < 22
        ahead = 0 if exhausted else rnd.choice([0, 1, 1, 1, 1])
        pause = rnd.uniform(0, startup) if ahead == 0 else rnd.uniform(0, per_message)
        errors = tmp_path / "stderr.txt"
        with errors.open("w") as err_file:  # not a pipe: the test does not read while waiting
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err_file,
                                    text=True, env=env, start_new_session=True)
        if ahead:
            _wait_until_processed(store, done + ahead, proc)
        try:
            proc.wait(timeout=pause)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            kills.append((done + ahead, round(pause, 3)))
            continue
        assert proc.returncode == 0, errors.read_text()
        finished = True
    print(f"kills (messages processed, seconds after): {kills}")
    # the kills fell all along the mailbox, not only at start-up or after it was done
    assert len({done for done, _ in kills if done < len(distinct)}) >= 12
    final = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert final.returncode == 0, final.stderr
    _assert_each_message_once(store, distinct)
    with open_store(store) as s:
        # the same judgement as the run that was never interrupted
        assert {sub.id: sub.status.value for sub in s.submissions()} == expected
        receipts = [r.notice.submission_id for r in s.notice_records()
                    if r.notice.template == "receipt"]
    with open_store(probe_store) as s:
        assert sorted(receipts) == sorted(r.notice.submission_id for r in s.notice_records()
                                          if r.notice.template == "receipt")
    assert _pressdocs_temporaries(tmp) == []


# --- Ctrl-C and SIGTERM while LibreOffice converts ----------------------------------------


def _processes() -> Iterator[tuple[int, int, int, str]]:
    """(pid, parent pid, process group, command name) of every process on the machine."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        yield int(entry.name), int(fields[1]), int(fields[2]), name


def _descendants(root: int) -> list[tuple[int, int, str]]:
    """(pid, process group, name) of the processes below ``root``."""
    table = list(_processes())
    found: list[tuple[int, int, str]] = []
    parents = {root}
    while True:
        more = [(pid, pgrp, name) for pid, ppid, pgrp, name in table
                if ppid in parents and pid not in parents]
        if not more:
            return found
        found += more
        parents |= {pid for pid, _, _ in more}


def _in_group(pgid: int) -> list[tuple[int, str]]:
    return [(pid, name) for pid, _, pgrp, name in _processes() if pgrp == pgid]


def _pressdocs_temporaries(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir())


@pytest.fixture
def doc_mailbox(tmp_path: Path) -> Path:
    """A unit's registration sent as a legacy .doc (LibreOffice converts it)."""
    mail = tmp_path / "mail"
    mail.mkdir()
    doc = converted("registration.docx", "doc")
    (mail / "doc.eml").write_bytes(message(
        subject="【市生态环境局】新闻发布会登记表", sender="市生态环境局 <sthjj@wuhu.gov.cn>",
        date=datetime(2021, 6, 28, 9, 0, tzinfo=TZ), message_id="<doc-1@wuhu.gov.cn>",
        attachments=[("新闻发布会登记表.doc", doc)]))
    return mail


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code", "said"), [
    (signal.SIGINT, 130, "已中断（Ctrl-C）"),
    (signal.SIGTERM, 143, "已停止（收到 SIGTERM）"),
])
def test_a_signal_while_libreoffice_converts_ends_everything_and_keeps_the_store(
        tmp_path: Path, doc_mailbox: Path, signum: signal.Signals, code: int,
        said: str) -> None:
    store, tmp = tmp_path / "store", tmp_path / "tmp"
    tmp.mkdir()
    env = _env(tmp)
    proc = subprocess.Popen(_pressdocs("batch", str(doc_mailbox), "--store", str(store)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)
    soffice: list[tuple[int, int, str]] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            soffice = [p for p in _descendants(proc.pid) if p[1] != proc.pid]
            if soffice:
                break
            time.sleep(0.02)
        assert soffice, "LibreOffice never started"
        time.sleep(0.3)  # well inside the conversion
        os.kill(proc.pid, signum)  # to the batch alone, as kill(1) or systemd sends it
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == code, stderr
    assert said in stderr
    assert "Traceback" not in stderr
    # no process left: not in the batch's process group, not in LibreOffice's own
    groups = {pgrp for _, pgrp, _ in soffice} | {proc.pid}
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_in_group(g) for g in groups):
        time.sleep(0.05)
    assert [p for g in groups for p in _in_group(g)] == []
    assert _pressdocs_temporaries(tmp) == []
    # the message was left unprocessed, and the rerun takes it in once, .doc read
    with open_store(store) as s:
        assert s.processed_messages() == []
        assert len(s.unprocessed_messages()) == 1
    rerun = subprocess.run(_pressdocs("batch", str(doc_mailbox), "--store", str(store),
                                      "--json"),
                           capture_output=True, text=True, env=env, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    with open_store(store) as s:
        assert s.unprocessed_messages() == []
        (sub,) = s.submissions()
        assert sub.registration is not None
        assert sub.registration.title == "2021年上半年生态环境保护工作新闻发布会"
    assert _pressdocs_temporaries(tmp) == []


# --- one transaction per message ------------------------------------------------------------


def test_a_message_interrupted_at_its_last_write_leaves_no_conference_row(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The receipt is the last thing written for a message: stopped right there (Ctrl-C at
    the worst moment), nothing of the message is kept — no submission, no document, no
    conference row — and the rerun writes each once."""
    from pressdocs import Pressdocs
    from pressdocs.store.sql import SQLStore

    mail = tmp_path / "mail"
    _mailbox(mail, 1)  # one registration: one conference
    store = tmp_path / "store"
    _store_with_plan(store)

    def interrupted(self: SQLStore, notice: object) -> bool:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(SQLStore, "record_notice", interrupted)
        app = Pressdocs(store=store)
        with pytest.raises(KeyboardInterrupt):
            app.batch(str(mail), receipts=True)
        app.close()
    with open_store(store) as s:
        assert s.submissions() == [] and s.documents() == []
        assert s.conferences() == []
        assert len(s.unprocessed_messages()) == 1
    app = Pressdocs(store=store)
    app.batch(str(mail), receipts=True)
    app.close()
    with open_store(store) as s:
        assert [c.title for c in s.conferences()] == ["第0场新闻发布会"]
        assert len(s.notice_records()) == 1
