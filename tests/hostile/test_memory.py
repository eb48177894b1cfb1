"""Peak memory does not grow with the mailbox: a batch keeps what its report prints, not
every message it read.

A batch of N and one of 4N small messages (a registration form, a press release and a
picture each) are taken in, each by a fresh process into a new store, and the peak
resident size of each process (``VmHWM``, which starts afresh at exec, unlike
``ru_maxrss``, which carries the parent's size across it) is compared: the larger batch may
need at most 10 % more (it needs less than 1 % more; before the report stopped holding
every submission, 3 %).  At this size the difference is mostly the bounded caches
filling (SQLite's pages, the mail parser's patterns), so a second test asks directly
what a batch keeps per message: after a first batch has filled every cache, the Python
memory a second batch of N leaves behind, its report still held, with the two caches
that fill one entry per message (the stdlib's regular expressions, 512 at most, and the
compared conference titles, 512 at most) emptied first — about 1.5 KB a message now,
~10 KB when the report held every submission.  ``bench/bench_intake.py --sizes
100,1000,5000`` measures the issue's sizes.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from submissions import message, png, press_release_docx, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
UNITS = ["市统计局", "市财政局", "市交通运输局", "市卫健委", "市生态环境局"]
SMALL, LARGE = 15, 60
MARGIN = 1.10
#: Python memory a batch may keep per message once its caches are full (bytes).
KEPT_PER_MESSAGE = 4096

CHILD = """
import sys
from pressdocs import Config, Pressdocs

report = Pressdocs(store=sys.argv[2], config=Config()).batch(sys.argv[1])
hwm = next(int(line.split()[1]) for line in open("/proc/self/status")
           if line.startswith("VmHWM:"))
print(report.seen, hwm)
"""


def mailbox(folder: Path, count: int) -> None:
    folder.mkdir()
    start = datetime(2021, 3, 1, 9, 0, tzinfo=TZ)
    for i in range(count):
        unit = UNITS[i % len(UNITS)]
        title = f"2021年第{i + 1}场{unit}新闻发布会"
        (folder / f"{i:04d}.eml").write_bytes(message(
            subject=f"【{unit}】{title}登记表", sender=f"{unit}办公室 <unit{i % 5}@wuhu.gov.cn>",
            date=start + timedelta(minutes=17 * i), message_id=f"<memory-{i}@wuhu.gov.cn>",
            attachments=[
                (f"新闻发布会登记表（{unit}）.docx",
                 registration_docx(title=title, unit=unit, when=f"2021年4月{1 + i % 27}日上午9:30",
                                   filed="2021年3月1日")),
                ("发布稿.docx", press_release_docx(f"{unit}工作取得新进展（{i}）", paragraphs=3)),
                (f"现场{i}.png", png(seed=i, size=64)),
            ]))


def peak_kib(folder: Path, store: Path, count: int) -> int:
    done = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(store)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen, hwm = done.stdout.split()[-2:]
    assert int(seen) == count
    return int(hwm)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's VmHWM")
def test_peak_memory_does_not_grow_with_the_mailbox(tmp_path: Path) -> None:
    mailbox(tmp_path / "small", SMALL)
    mailbox(tmp_path / "large", LARGE)
    small = peak_kib(tmp_path / "small", tmp_path / "store-small", SMALL)
    large = peak_kib(tmp_path / "large", tmp_path / "store-large", LARGE)
    assert large <= small * MARGIN, (f"peak {small // 1024} MiB for {SMALL} messages, "
                                     f"{large // 1024} MiB for {LARGE}")


KEPT = """
import gc, re, sys, tracemalloc
from pressdocs import Config, Pressdocs
from pressdocs.rules.matching import compared_topic


def kept() -> int:
    re.purge()  # the stdlib's cache of patterns (the mail parser's boundaries), 512 at most
    compared_topic.cache_clear()  # the compared conference titles, 512 at most
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


app = Pressdocs(store=sys.argv[3], config=Config())
app.batch(sys.argv[1])  # every module loaded, the worker started, SQLite's pages cached
tracemalloc.start()
before = kept()
report = app.batch(sys.argv[2])  # held, as a caller holds it
print(report.seen, kept() - before)
"""


def test_a_batch_keeps_little_per_message(tmp_path: Path) -> None:
    mailbox(tmp_path / "all", 2 * LARGE)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for i, path in enumerate(sorted((tmp_path / "all").iterdir())):
        path.rename((first if i < LARGE else second) / path.name)
    done = subprocess.run([sys.executable, "-c", KEPT, str(first), str(second),
                           str(tmp_path / "store")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    seen, kept = map(int, done.stdout.split()[-2:])
    assert seen == LARGE
    assert kept / seen <= KEPT_PER_MESSAGE, f"{kept / seen:.0f} bytes kept per message"
