"""Peak memory does not grow with the mailbox: a batch keeps what its report prints, not
every message it read.

A batch of N and one of 4N small messages (a registration form, a press release and a
picture each) are taken in, each by a fresh process into a new store, and the peak
resident size of each process (``VmHWM``, which starts afresh at exec, unlike
``ru_maxrss``, which carries the parent's size across it) is compared: the larger batch may
need at most 15 % more.  Memory kept per message (the submission, its documents, a
cache without a bound) shows as the 4N batch's peak running away from the N one's.
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
MARGIN = 1.15

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
