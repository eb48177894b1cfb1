"""How fast pressdocs exports the submissions register, against the floor, and its memory.

Run ``python bench/bench_export.py`` (``--count`` for the size, default 10,000).  It saves,
in a temporary store, N submissions shaped like the office's — a sender with a Chinese
name, a unit, a subject, 3 to 8 documents (some inside a package), 0 to 3 findings in
both languages, now and then a formula-like subject — and prints:

1. **time**, seconds, all measured in this run on the same rows:
   - building the register from the store (``Pressdocs.submissions_register``);
   - the *floor*: openpyxl's write-only workbook given the same rows, already made, as
     plain values (no row making, no header styles, no wrapped cells, no formula-safety)
     — the least writing an .xlsx of these rows can cost with openpyxl;
   - pressdocs' xlsx export of the register (write-only; ``Pressdocs.export``);
   - pressdocs' CSV export, for reference;
2. **memory**: the peak of Python allocations (tracemalloc) while each one writes, the
   register already built, at N/2 and at N rows: a write-only workbook streams its rows,
   so the peak must not grow with N (the register itself is the caller's, and is shown).

It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pressdocs import (  # noqa: E402
    Document,
    DocumentKind,
    Finding,
    Message,
    Pressdocs,
    Severity,
    Submission,
    SubmissionKind,
    SubmissionsRegister,
    SubmissionStatus,
)
from pressdocs.config import Config  # noqa: E402

MB = 1024 * 1024
TZ = ZoneInfo("Asia/Shanghai")
UNITS = ["市统计局", "市财政局", "市交通运输局", "市卫健委", "市生态环境局", "市文化和旅游局",
         "鸠江区人民政府", "弋江区人民政府", "市住建局", "三山经开区管委会"]
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"]
FILES = ["登记表.docx", "发布稿.docx", "问答.docx", "图片1.jpg", "图片2.jpg", "图片3.jpg",
         "现场视频.mp4", "统计表.xlsx"]


def submission(i: int, rnd: random.Random) -> Submission:
    unit = UNITS[i % len(UNITS)]
    kind = rnd.choice([SubmissionKind.REGISTRATION, SubmissionKind.MATERIALS,
                       SubmissionKind.BOTH, SubmissionKind.STATISTICS])
    documents = [Document(name=name, size=rnd.randrange(10_000, 2_000_000),
                          kind=DocumentKind.OTHER,
                          container="材料.zip" if j > 2 and i % 3 == 0 else "",
                          path=f"发布材料/{name}" if j > 2 and i % 3 == 0 else "")
                 for j, name in enumerate(FILES[: rnd.randrange(3, 9)])]
    findings = [Finding("PD203", Severity.WARNING, Message.literal(
        f"发布稿共{1200 + k * 37}字，超过1200字（原则上不超过1200字）",
        f"the press release has {1200 + k * 37} characters, over 1200"))
        for k in range(rnd.randrange(0, 4))]
    subject = f"【{unit}】第{i}场新闻发布会登记表和材料"
    if i % 97 == 0:
        subject = f"=HYPERLINK(\"http://example.invalid/{i}\",\"{subject}\")"
    return Submission(
        id=f"{i:064x}", source="bench", message_id=f"<{i}@bench.invalid>", subject=subject,
        sender=f"unit{i % 50}@wuhu.gov.cn", sender_name=rnd.choice(NAMES),
        received=datetime(2021, 1, 1, 8, tzinfo=TZ) + timedelta(minutes=37 * i), kind=kind,
        status=SubmissionStatus.INCOMPLETE if findings else SubmissionStatus.ACCEPTED,
        unit=unit, plan_year=2021 if i % 4 == 0 else None,
        plan_item=1 + i % 60 if i % 4 == 0 else None, documents=documents, findings=findings)


def build_store(store: Path, count: int) -> None:
    rnd = random.Random(12)
    with Pressdocs(store=store, config=Config(), load_entry_points=False) as pd, \
            pd.store.transaction():
        for i in range(count):
            pd.store.save_submission(submission(i, rnd))


def plain_rows(register: SubmissionsRegister) -> list[list[Any]]:
    """The register's rows as plain values, made before the floor is measured."""
    from pressdocs._export_tables import register_table

    table = register_table(register, "zh")
    return [table.headers, *([f"'{v}" if isinstance(v, str) and v.startswith("=") else v
                              for v in row] for row in table.rows)]


def floor(rows: list[list[Any]], path: Path) -> None:
    """openpyxl write-only given the rows as plain values: no row making, no styles, no
    formula-safety — only the writing."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("收件登记簿")
    for row in rows:
        ws.append(row)
    wb.save(path)


def timed(work: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def traced(work: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def register_size(register: SubmissionsRegister) -> int:
    """The register's own allocations (tracemalloc while it is copied entry by entry)."""
    import copy

    tracemalloc.start()
    copied = copy.deepcopy(register.entries)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del copied
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="submissions (10,000)")
    args = parser.parse_args()
    count = args.count
    with tempfile.TemporaryDirectory(prefix="pressdocs-bench-export-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        build_store(root / "store", count)
        print(f"store: {count} submissions saved in {time.perf_counter() - started:.1f} s")
        with Pressdocs(store=root / "store", config=Config(), load_entry_points=False) as pd:
            registers: dict[int, SubmissionsRegister] = {}
            build = timed(lambda: registers.setdefault(count, pd.submissions_register()))
            full = registers[count]
            half = SubmissionsRegister(entries=full.entries[: count // 2], config=full.config)
            pd.export(half, root / "warm.xlsx")  # load the plugins and openpyxl first
            print(f"\n{'time (seconds)':<52} {'rows':>7} {'s':>7} {'× floor':>8}")
            print(f"{'build the register from the store':<52} {count:>7} {build:>7.2f}")
            plain = {n: plain_rows(r) for n, r in ((count // 2, half), (count, full))}
            floor_s = timed(lambda: floor(plain[count], root / "floor.xlsx"))
            xlsx_s = timed(lambda: pd.export(full, root / "register.xlsx"))
            csv_s = timed(lambda: pd.export(full, root / "register.csv"))
            for label, seconds in (("floor: openpyxl write-only, plain values", floor_s),
                                   ("pressdocs xlsx export (write-only)", xlsx_s),
                                   ("pressdocs csv export", csv_s)):
                print(f"{label:<52} {count:>7} {seconds:>7.2f} {seconds / floor_s:>8.2f}")
            sizes = {p.name: p.stat().st_size / MB for p in
                     (root / "floor.xlsx", root / "register.xlsx", root / "register.csv")}
            print("files: " + ", ".join(f"{n} {s:.1f} MB" for n, s in sizes.items()))
            print(f"\n{'memory: tracemalloc peak while writing':<52} {'rows':>7} {'peak':>9}")
            for register in (half, full):
                n = len(register.entries)
                for label, work in (
                        ("floor: openpyxl write-only, plain values",
                         lambda r=register: floor(plain[len(r.entries)], root / "floor.xlsx")),
                        ("pressdocs xlsx export (write-only)",
                         lambda r=register: pd.export(r, root / "register.xlsx")),
                        ("pressdocs csv export",
                         lambda r=register: pd.export(r, root / "register.csv"))):
                    print(f"{label:<52} {n:>7} {traced(work) / MB:>7.1f}MB")
            print(f"{'the register itself (its entries), for reference':<52} {count:>7} "
                  f"{register_size(full) / MB:>7.1f}MB")
        print("\npeak: Python allocations during the write, the register already built; "
              "flat when it does not grow from N/2 to N rows.")


if __name__ == "__main__":
    main()
