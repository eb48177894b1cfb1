"""The batch stays linear: taking in a message costs the same however much the ledger
already holds.

A quadratic step (a check that reads every earlier submission of the unit, as
correction detection once did) shows as more work per message in a mailbox of 320 than
in one of 40.  Measured three ways, each per message, the 320 against the 40:

- SQL statements run (deterministic): the same number;
- rows the store returned (deterministic): at most a little more — a row per message
  read back from a growing history is exactly what must not come back;
- CPU time: within 1.6× (generous: the machine is shared, and a quadratic step at 320
  is several times the cost at 40).

The mailbox is ten units' registrations and press releases; every seventh message
resends an earlier registration of its unit (a correction), so the correction look-up
runs and finds what it should; every fifth comes as materials alone (a press release and
a picture, the form sent earlier), so the look-up of the unit's registration runs too
(it once decoded every earlier submission of the unit).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pressdocs import Config, Pressdocs
from pressdocs.models import SubmissionKind
from pressdocs.store.database import Database
from submissions import message, press_release_docx, registration_docx

UNITS = ["市统计局", "市财政局", "市交通运输局", "市卫健委", "市生态环境局", "市文化和旅游局",
         "鸠江区人民政府", "弋江区人民政府", "市住建局", "三山经开区管委会"]
TZ = ZoneInfo("Asia/Shanghai")
SMALL, LARGE = 40, 320


def resends(i: int) -> bool:
    """Whether message ``i`` resends the registration of message ``i - 20``."""
    return i % 7 == 6 and i >= 20


def materials_only(i: int) -> bool:
    """Whether message ``i`` is a materials package alone (its form came earlier)."""
    return i % 5 == 2 and not resends(i)


def corrections(count: int) -> int:
    """How many messages correct an earlier registration: the resends of a registration."""
    return sum(1 for i in range(count) if resends(i) and not materials_only(i - 20))


PICTURE = bytes.fromhex("89504e470d0a1a0a0000000d494844520000000100000001080200000090"
                        "7753de0000000c4944415408d763f8ffff3f0005fe02fea7d6a5a10000000049"
                        "454e44ae426082")


def mailbox(folder: Path, count: int) -> None:
    folder.mkdir()
    start = datetime(2021, 3, 1, 9, 0, tzinfo=TZ)
    for i in range(count):
        unit = UNITS[i % len(UNITS)]
        n = i - 20 if resends(i) else i  # a resend of the unit's earlier one
        day = 1 + n % 27
        title = f"2021年第{n + 1}场{unit}新闻发布会"
        release = ("发布稿.docx", press_release_docx(f"{unit}工作取得新进展（{n}）", paragraphs=2))
        if materials_only(i):
            subject, attachments = f"【{unit}】{title}发布材料", [release, ("图片1.png", PICTURE)]
        else:
            subject, attachments = f"【{unit}】{title}登记表", [
                (f"新闻发布会登记表（{unit}）.docx",
                 registration_docx(title=title, unit=unit, when=f"2021年4月{day}日上午9:30",
                                   filed="2021年3月1日")), release]
        data = message(subject=subject, sender=f"{unit}办公室 <unit{i % 10}@wuhu.gov.cn>",
                       date=start + timedelta(minutes=17 * i),
                       message_id=f"<scaling-{i}@wuhu.gov.cn>", attachments=attachments)
        (folder / f"{i:04d}.eml").write_bytes(data)


class Counted:
    """SQL statements and rows of every store query, counted while a batch runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.statements = 0
        self.rows = 0
        run, rows = Database.run, Database.rows

        def counted_run(db: Database, statement: str, params: Sequence[Any] = ()) -> Any:
            self.statements += 1
            return run(db, statement, params)

        def counted_rows(db: Database, statement: str, params: Sequence[Any] = ()) -> Any:
            found = rows(db, statement, params)
            self.rows += len(found)
            return found

        monkeypatch.setattr(Database, "run", counted_run)
        monkeypatch.setattr(Database, "rows", counted_rows)


def per_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int,
                ) -> tuple[float, float, float]:
    folder = tmp_path / f"mail{count}"
    mailbox(folder, count)
    app = Pressdocs(store=tmp_path / f"store{count}", config=Config())
    with monkeypatch.context() as patch:
        counted = Counted(patch)
        started = time.process_time()
        report = app.batch(str(folder))
        cpu = time.process_time() - started
    assert report.seen == count
    kinds = [o.submission.kind for o in report.outcomes]
    assert kinds.count(SubmissionKind.CORRECTION) == corrections(count)
    assert kinds.count(SubmissionKind.MATERIALS) == sum(map(materials_only, range(count)))
    return counted.statements / count, counted.rows / count, cpu / count


def test_per_message_cost_does_not_grow_with_the_ledger(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    per_message(tmp_path, monkeypatch, 5)  # imports and first-use caches, not measured
    small = per_message(tmp_path, monkeypatch, SMALL)
    large = per_message(tmp_path, monkeypatch, LARGE)
    statements, rows, cpu = (b / a for a, b in zip(small, large, strict=True))
    print(f"per message at {SMALL}: {small[0]:.1f} statements, {small[1]:.1f} rows, "
          f"{small[2] * 1000:.1f} ms CPU; at {LARGE}: {large[0]:.1f}, {large[1]:.1f}, "
          f"{large[2] * 1000:.1f} ms")
    assert statements <= 1.05, f"SQL statements per message grew {statements:.2f}×"
    assert rows <= 1.10, f"rows read per message grew {rows:.2f}×"
    assert cpu <= 1.6, f"CPU time per message grew {cpu:.2f}×"
