"""The store across processes: a batch killed with kill -9, the batch lock, two runs at once.

Each test starts real Python processes on the same store directory, as two cron runs
or an operator's second terminal would.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from pressdocs.errors import StoreLocked
from pressdocs.store import open_store

RAW = b"From: fgw@wuhu.gov.cn\r\nSubject: =?GB2312?B?tcfH7bHt?=\r\n\r\nbody"
KEY = "imaps://whxwtg%40163.com@imap.163.com/INBOX;UIDVALIDITY=5;UID=7"


@pytest.fixture
def spawned() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; any still running at the end are killed."""
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)  # also closes the pipes


def spawn(procs: list[subprocess.Popen[str]], code: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    procs.append(proc)
    return proc


def wait_for(proc: subprocess.Popen[str], word: str) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != word:
        _, stderr = proc.communicate(timeout=10)
        raise AssertionError(f"child said {line!r}; stderr:\n{stderr}")


def test_message_recorded_before_kill_9_is_processed_by_the_next_run(
        tmp_path: Path, spawned: list[subprocess.Popen[str]]) -> None:
    store_dir = tmp_path / "pressdocs-data"
    child = spawn(spawned, f"""
        import time
        from pathlib import Path
        from pressdocs.store import open_store
        store = open_store(Path({str(store_dir)!r}))
        with store.lock():
            store.record_message({RAW!r}, source_key={KEY!r}, message_id="<a@wuhu>")
            print("recorded", flush=True)
            time.sleep(60)  # killed here, before mark_processed
    """)
    wait_for(child, "recorded")
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=10) == -signal.SIGKILL

    with open_store(store_dir) as store, store.lock():  # the killed batch left no stale lock
        left = store.unprocessed_messages()
        assert len(left) == 1
        assert left[0].sha256 == hashlib.sha256(RAW).hexdigest()
        assert store.get_blob(left[0].sha256) == RAW
        # the next run fetches the same message again: still one record
        assert store.record_message(RAW, source_key=KEY).id == left[0].id
        assert len(store.unprocessed_messages()) == 1


def test_second_batch_is_refused_with_the_holders_pid(
        tmp_path: Path, spawned: list[subprocess.Popen[str]]) -> None:
    store_dir = tmp_path / "pressdocs-data"
    holder = spawn(spawned, f"""
        import time
        from pathlib import Path
        from pressdocs.store import open_store
        with open_store(Path({str(store_dir)!r})) as store, store.lock():
            print("locked", flush=True)
            time.sleep(60)
    """)
    wait_for(holder, "locked")
    with open_store(store_dir) as store:
        with pytest.raises(StoreLocked) as info, store.lock():
            pass
        assert str(info.value) == (f"另一个 pressdocs 批处理正在使用数据存储 {store_dir}"
                                   f"（进程 {holder.pid}），请等待其结束后再运行")
        assert f"process {holder.pid}" in info.value.message.en
        # reading is not a batch: it goes on while the lock is held
        assert store.unprocessed_messages() == []

        holder.terminate()
        holder.wait(timeout=10)
        with store.lock(), store.lock():  # free again, and re-entrant
            pass


def test_two_runs_recording_the_same_mail_at_once_take_each_message_in_once(
        tmp_path: Path, spawned: list[subprocess.Popen[str]]) -> None:
    store_dir = tmp_path / "pressdocs-data"
    open_store(store_dir).close()  # created first, so both runs start on the same schema
    go = tmp_path / "go"
    program = """
        import time
        from pathlib import Path
        from pressdocs.store import open_store
        name = "{name}"
        with open_store(Path({store!r})) as store:
            print("ready", flush=True)
            while not Path({go!r}).exists():
                time.sleep(0.005)
            for i in range(40):
                raw = f"Message-ID: <{{i}}@wuhu>\\r\\n\\r\\nmessage {{i}}".encode()
                store.record_message(raw, source_key=f"{name}/{{i}}", message_id=f"<{{i}}@wuhu>")
        print("done", flush=True)
    """
    runs = [spawn(spawned, program.format(name=name, store=str(store_dir), go=str(go)))
            for name in ("INBOX", "Archive")]
    for run in runs:
        wait_for(run, "ready")
    go.touch()
    for run in runs:
        wait_for(run, "done")
        assert run.wait(timeout=30) == 0

    with open_store(store_dir) as store:
        records = {r.message_id: r for r in store.unprocessed_messages()}
        assert len(records) == len(store.unprocessed_messages()) == 40
        for i in range(40):
            assert sorted(records[f"{i}@wuhu"].source_keys) == [f"Archive/{i}", f"INBOX/{i}"]


def test_lock_file_names_the_holder(tmp_path: Path) -> None:
    with open_store(tmp_path / "s") as store:
        with store.lock():
            assert (store.path / "pressdocs.lock").read_text() == str(os.getpid())
        assert (store.path / "pressdocs.lock").read_text() == ""
        # another Store object, even in this process, is another batch
        with open_store(tmp_path / "s") as other, store.lock(), pytest.raises(StoreLocked):
            other.lock().__enter__()
