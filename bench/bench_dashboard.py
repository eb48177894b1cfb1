"""How long the office dashboard of a year takes, against the floor, and its memory.

Run ``python bench/bench_dashboard.py`` (``--help`` for sizes).  It builds, in a
temporary folder, a store holding the city's 2021 plan (74 items, from
examples/notice_2021.txt) and a year of submissions: for most plan items a registration
(some late, with findings), a materials package (some incomplete, waiting for
correction), corrections of some of those, and each unit's statistics tables for both
half-years; the submissions are saved as the pipeline saves them (``Store.save_submission``,
conferences and findings indexed), without parsing mail, which bench_intake.py measures.
It then prints, best of ``--repeat`` runs, all measured in this run on the same store:

(``--rounds 2``: about 300 submissions).

- the *floor*: what any dashboard must do, read the year's plan and decode every
  submission of the year from the store;
- ``Pressdocs.plan_status``, the existing report the dashboard's plan part is;
- ``Pressdocs.dashboard``: building the whole subject (plan, awaiting correction,
  findings by rule, statistics per half-year);
- writing it as HTML (``Pressdocs.export``, Jinja2 and the SVG charts);
- the two together, as ``pressdocs export dashboard`` does them;

and the peak of Python allocations (tracemalloc) of building and writing it.  It asserts
nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from timing import best

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "notice_2021.txt"
TZ = ZoneInfo("Asia/Shanghai")
AS_OF = date(2021, 12, 31)  # the year's dashboard once it is over: every submission
MB = 1024 * 1024


def build_store(folder: Path, rounds: int) -> tuple[Path, int]:
    """The store: the 2021 plan, for most items a registration and materials, and
    ``rounds - 1`` more conferences of each item's unit beyond the plan."""
    from pressdocs import (
        Finding,
        Location,
        MaterialsPackage,
        Message,
        Person,
        Pressdocs,
        PressRelease,
        QAPair,
        Registration,
        Severity,
        Speaker,
        StatisticsReport,
        StatisticsRow,
        Submission,
        SubmissionKind,
        SubmissionStatus,
    )

    store = folder / "store"
    count = 0
    with Pressdocs(store=store, load_entry_points=False) as pd:
        plan = pd.import_plan(SEED).plan

        def save(sub: Submission) -> None:
            nonlocal count
            pd.store.save_submission(sub)
            count += 1

        def sid(*parts: object) -> str:
            return hashlib.sha256(repr(parts).encode()).hexdigest()

        late = Finding("PD101", Severity.ERROR, Message.of("PD101.title"),
                       Location("登记表.docx", "registration.time"), "发布会召开前3天报送市新闻办")
        few = Finding("PD204", Severity.ERROR, Message.of("PD204.title"),
                      Location("问答.docx", "materials.qa"), "至少提供2个提问问题供参考")
        long_release = Finding("PD203", Severity.WARNING, Message.of("PD203.title"),
                               Location("发布稿.docx", "materials.press_release"), "")
        for round_ in range(rounds):
            for item in plan.items:
                if item.number % 9 == 0:  # never registered: overdue
                    continue
                planned = round_ == 0  # later rounds: the unit's conferences beyond the plan
                unit = item.units[0]
                month = item.month + (1 if item.number % 13 == 0 else 0)  # a few delayed
                held = datetime(2021, min(month, 12), 10 + item.number % 15, 9, 30, tzinfo=TZ)
                received = held - timedelta(days=2 if item.number % 7 == 0 else 6)
                title = f"{item.topic}新闻发布会" if planned else f"{unit}第{round_ + 1}场专题发布会"
                reg = Registration(title=title, organiser=unit,
                                   person_in_charge=Person("张三", "13905531234", "办公室主任"),
                                   time=held, venue=item.venue or "市政府新闻发布厅",
                                   filing_unit=unit, filing_date=received.date())
                registration = Submission(
                    id=sid("reg", round_, item.number), sender="bgs@wuhu.gov.cn",
                    subject=f"【{unit}】{title}登记表", received=received,
                    kind=SubmissionKind.REGISTRATION, unit=unit, registration=reg,
                    plan_year=plan.year if planned else None,
                    plan_item=item.number if planned else None,
                    status=SubmissionStatus.INCOMPLETE if item.number % 7 == 0
                    else SubmissionStatus.ACCEPTED,
                    findings=[late] if item.number % 7 == 0 else [])
                save(registration)
                incomplete = item.number % 5 == 0
                materials = Submission(
                    id=sid("mat", round_, item.number), sender="bgs@wuhu.gov.cn",
                    subject=f"【{unit}】发布会材料", received=received + timedelta(days=1),
                    kind=SubmissionKind.MATERIALS, unit=unit,
                    status=SubmissionStatus.INCOMPLETE if incomplete
                    else SubmissionStatus.ACCEPTED,
                    materials=MaterialsPackage(
                        press_release=PressRelease(item.topic, "今年以来，各项工作稳步推进。" * 60),
                        qa=[QAPair("今年有哪些新进展？", "取得积极成效。")] * (1 if incomplete else 2)),
                    findings=[few] if incomplete else [long_release] * (item.number % 3 == 0))
                save(materials)
                if incomplete and item.number % 10 == 0:  # corrected since
                    save(Submission(
                        id=sid("fix", round_, item.number), sender="bgs@wuhu.gov.cn",
                        subject=f"【{unit}】发布会材料（补正）",
                        received=received + timedelta(days=2), kind=SubmissionKind.CORRECTION,
                        unit=unit, corrects=materials.id, materials=materials.materials))
        units = sorted({item.units[0] for item in plan.items})
        for n, unit in enumerate(units):
            for filed, months in ((date(2021, 6, 28), range(1, 7)),
                                                    (date(2021, 12, 28), range(7, 13))):
                rows = [StatisticsRow(number=i + 1, held_on=date(2021, m, 15), unit=unit,
                                      topic=f"{unit}第{m}月发布会",
                                      speakers=[Speaker("王五", "局长")],
                                      questions_allowed=True, question_count=2)
                        for i, m in enumerate(m for m in months if (m + n) % 4 == 0)]
                when = datetime.combine(filed, datetime.min.time(), TZ)
                save(Submission(id=sid("stats", unit, filed), sender="bgs@wuhu.gov.cn",
                                subject=f"【{unit}】统计表", received=when,
                                kind=SubmissionKind.STATISTICS, unit=unit,
                                statistics=StatisticsReport(filing_unit=unit, filing_date=filed,
                                                            rows=rows, year=2021)))
    return store, count



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2,
                        help="conferences per plan item: the planned one and rounds - 1 "
                             "more of its unit (default 2)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each (default 5)")
    args = parser.parse_args()
    from pressdocs import Pressdocs

    scratch = Path(tempfile.mkdtemp(prefix="pressdocs-bench-"))
    try:
        t0 = time.perf_counter()
        store, count = build_store(scratch, args.rounds)
        print(f"store: the 2021 plan (74 items) and {count} submissions "
              f"(built in {time.perf_counter() - t0:.1f} s)\n")
        out = scratch / "看板.html"
        with Pressdocs(store=store, load_entry_points=False) as pd:
            pd.dashboard(as_of=AS_OF)  # warm: plugins, rule catalogue, templates
            pd.export(pd.dashboard(as_of=AS_OF), out)
            start = datetime(2021, 1, 1, tzinfo=TZ)
            end = datetime(2022, 1, 1, tzinfo=TZ)

            def floor() -> None:
                pd.store.get_plan(2021)
                pd.store.submissions(since=start, until=end)

            board = pd.dashboard(as_of=AS_OF)
            rows = [
                ("floor: read the plan, decode the year's submissions", best(args.repeat, floor)),
                ("Pressdocs.plan_status (the plan part, as it is)",
                 best(args.repeat, lambda: pd.plan_status(as_of=AS_OF))),
                ("Pressdocs.dashboard (the whole subject)",
                 best(args.repeat, lambda: pd.dashboard(as_of=AS_OF))),
                ("export to HTML (Jinja2, SVG charts)",
                 best(args.repeat, lambda: pd.export(board, out))),
                ("dashboard + export: pressdocs export dashboard",
                 best(args.repeat, lambda: pd.export(pd.dashboard(as_of=AS_OF), out))),
            ]
            tracemalloc.start()
            pd.export(pd.dashboard(as_of=AS_OF), out)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        floor_time = rows[0][1]
        print(f"{'best of ' + str(args.repeat):<54} {'ms':>8} {'× floor':>8}")
        for label, seconds in rows:
            print(f"{label:<54} {seconds * 1000:>8.1f} {seconds / floor_time:>8.1f}")
        print(f"\npage: {out.stat().st_size / 1024:.0f} KB; awaiting correction "
              f"{len(board.awaiting)}, rules {len(board.rules)}, "
              f"statistics tables {sum(s.tables for s in board.statistics)}")
        print(f"py peak (tracemalloc) of dashboard + export: {peak / MB:.1f} MB")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
