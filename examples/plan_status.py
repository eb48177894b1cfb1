"""Import the annual plan (附件1) and print where each item stands on a day.

    python examples/plan_status.py                             # the 2021 plan, on 2021-06-30
    python examples/plan_status.py 计划安排.docx --day 2021-04-20 --store 办公室数据

The plan comes from the notice: its text (``notice_2021.txt``, as scraped from the city's
page — the spam injected into it is found and reported), a .docx or a .xlsx.  An item's
state is judged from the registrations the store holds by that day: run
``process_mailbox.py`` with the same ``--store`` first, and the conferences registered
show as held.
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import date
from pathlib import Path

from pressdocs import Pressdocs
from pressdocs.text import format_date_zh

HERE = Path(__file__).resolve().parent

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("plan", nargs="?", default=str(HERE / "notice_2021.txt"))
parser.add_argument("--day", type=date.fromisoformat, default=date(2021, 6, 30),
                    help="the day to judge on, YYYY-MM-DD")
parser.add_argument("--store", default="example-data")
args = parser.parse_args()

with Pressdocs(store=args.store) as pd:
    imported = pd.import_plan(args.plan)
    print(f"{imported.plan.year}年计划安排：{len(imported.plan.items)}项")
    for finding in imported.findings:      # e.g. PD501: a topic with gambling spam in it
        print(f"  {finding.code} {finding.text('zh')}")
    report = pd.plan_status(as_of=args.day, year=imported.plan.year)

print(f"截至{format_date_zh(report.as_of)}：")
for status in report.items:
    item = status.item
    held = f"（{format_date_zh(status.held_on)}召开）" if status.held_on else ""
    print(f"{item.number:>3}. {item.month:>2}月 {'、'.join(item.units)}：{item.topic}"
          f" —— {status.state_text('zh')}{held}")
totals = Counter(status.state.label("zh") for status in report.items)
print("合计：" + "，".join(f"{label} {n}项" for label, n in totals.items()))
