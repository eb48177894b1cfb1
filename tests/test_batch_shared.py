"""Several batches on one store and one mailbox: each message processed once, each receipt
queued once, whatever batch is killed when.

Four batch processes — two "machines" (separate working folders) of two processes each —
take in one Maildir of 600 messages into one PostgreSQL store (the throwaway server of
tests/pgservers.py) with the original files in one shared folder; two of them are killed
with SIGKILL at random moments while messages are still left — the first once a random
10-35 % of the mailbox is processed, the second at a random 45-70 % — and started again.  A batch claims each message before processing it
(``Store.claim_message``); a claim left by a killed batch is taken over at once on its own
machine and runs out after ``[limits] lease_seconds`` elsewhere (the store's own tests
check the running out).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

from submissions import message

MESSAGES = 600
UNITS = ["市统计局", "市财政局", "市教育局", "市卫健委", "鸠江区人民政府"]
START = datetime(2021, 4, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _maildir(root: Path) -> Path:
    """A Maildir of :data:`MESSAGES` small messages from several units (a picture each)."""
    mail = root / "mail"
    for sub in ("new", "cur", "tmp"):
        (mail / sub).mkdir(parents=True)
    picture = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
        "53de0000000c4944415408d763f8ffff3f0005fe02fea7d6a5a10000000049454e44ae426082")
    for i in range(MESSAGES):
        unit = UNITS[i % len(UNITS)]
        (mail / "new" / f"{1617235200 + i}.M{i}P1.pd").write_bytes(message(
            subject=f"【{unit}】第{i}号材料", sender=f"{unit} <u{i % len(UNITS)}@wuhu.gov.cn>",
            date=START + timedelta(minutes=i), message_id=f"<shared-{i}@wuhu.gov.cn>",
            attachments=[(f"图片{i}.png", picture)]))
    return mail


def _start(url: str, mail: Path, machine: Path, blobs: Path) -> subprocess.Popen[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRESSDOCS_")}
    environ.update(PRESSDOCS_BLOBS=str(blobs), PRESSDOCS_CONFIG=str(machine / "pressdocs.toml"))
    return subprocess.Popen([sys.executable, "-m", "pressdocs", "--store", url, "batch",
                             str(mail), "--notify", "--json"], cwd=machine, env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_until_processed(url: str, count: int) -> None:
    """Until the batches have processed ``count`` messages between them."""
    with psycopg.connect(url, autocommit=True) as db:
        deadline = time.monotonic() + 300
        while True:
            row = db.execute("SELECT COUNT(*) FROM messages WHERE state = 'processed'").fetchone()
            assert row is not None
            if row[0] >= count:
                assert row[0] < MESSAGES, "the batches finished before the kill"
                return
            assert time.monotonic() < deadline, f"{row[0]} of {count} processed after 300 s"
            time.sleep(0.01)


def test_four_batches_two_killed_each_message_once(tmp_path: Path, postgres_url: str) -> None:
    mail = _maildir(tmp_path)
    blobs = tmp_path / "shared-blobs"  # the folder machines share (NFS in an office)
    machines = [tmp_path / "machine-a", tmp_path / "machine-b"]
    for machine in machines:
        machine.mkdir()
        (machine / "pressdocs.toml").write_text("[limits]\nlease_seconds = 5\n", "utf-8")
    # the store made first, so that four batches do not race to create its schema
    made = subprocess.run([sys.executable, "-m", "pressdocs", "--store", postgres_url,
                           "submissions", "list"], env={**os.environ, "PRESSDOCS_BLOBS":
                                                        str(blobs)}, capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    workers = [_start(postgres_url, mail, machines[i // 2], blobs) for i in range(4)]
    rng = random.Random(2021)
    killed = [workers[0], workers[3]]  # one on each machine
    moments = [round(MESSAGES * rng.uniform(0.10, 0.35)), round(MESSAGES * rng.uniform(0.45, 0.70))]
    restarted = []
    try:
        for victim, machine, moment in zip(killed, machines, moments, strict=True):
            _wait_until_processed(postgres_url, moment)
            # killed in the middle of the work: running, with messages left to take in
            assert victim.poll() is None, victim.communicate()
            victim.send_signal(signal.SIGKILL)
            victim.wait(30)
            restarted.append(_start(postgres_url, mail, machine, blobs))
        reports = []
        for proc in [*workers, *restarted]:
            if proc in killed:
                continue
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err
            assert "Traceback" not in err
            reports.append(json.loads(out))
    finally:
        for proc in [*workers, *restarted]:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert all(k.returncode == -signal.SIGKILL for k in killed)

    with psycopg.connect(postgres_url) as db:
        def one(sql: str) -> int:
            row = db.execute(sql).fetchone()
            assert row is not None
            return int(row[0])

        assert one("SELECT COUNT(*) FROM messages") == MESSAGES
        assert one("SELECT COUNT(*) FROM messages WHERE state = 'processed'") == MESSAGES
        assert one("SELECT COUNT(*) FROM submissions") == MESSAGES
        # a message processed twice leaves its first result in the history
        assert one("SELECT COUNT(*) FROM submission_history") == 0
        assert one("SELECT COUNT(*) FROM messages WHERE claimed_by IS NOT NULL") == 0
        # one receipt per submission, queued once
        assert one("SELECT COUNT(*) FROM notices") == MESSAGES
        assert one("SELECT COUNT(DISTINCT key) FROM notices") == MESSAGES
    # the batches that finished together took in every message at most once between them
    new = sum(r["new"] for r in reports)
    assert new <= MESSAGES
    assert all(r["deferred"] == [] for r in reports)


def test_shared_batches_on_sqlite_too(tmp_path: Path) -> None:
    """Two batches at once on a store directory (SQLite: writers take turns)."""
    mail = tmp_path / "mail"
    for sub in ("new", "cur", "tmp"):
        (mail / sub).mkdir(parents=True)
    for i in range(60):
        (mail / "new" / f"{i}.M{i}P1.pd").write_bytes(message(
            subject=f"【市统计局】第{i}号材料", sender="tjj <tjj@wuhu.gov.cn>",
            date=START + timedelta(minutes=i), message_id=f"<sq-{i}@wuhu.gov.cn>",
            attachments=[("图片.png", b"\x89PNG\r\n\x1a\n" + bytes(40))]))
    store = tmp_path / "store"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRESSDOCS_")}
    procs = [subprocess.Popen([sys.executable, "-m", "pressdocs", "--store", str(store),
                               "batch", str(mail), "--json", "--notify"], env=environ,
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    assert sum(r["new"] for r in reports) == 60  # each message new in exactly one
    from pressdocs.store import open_store

    with open_store(store) as s:
        subs = s.submissions()
        assert len(subs) == 60
        assert all(s.submission_history(sub.id) == [] for sub in subs)
        assert len(s.notice_records()) == 60
