"""Export a half-year's statistics table (附件3, 新闻发布会统计表) to Excel.

    python examples/export_statistics.py                       # 2021H1 of the demo mailbox
    python examples/export_statistics.py --store 办公室数据 --period 2021H2 -o 下半年统计表.xlsx

One sheet per unit, in the notice's layout: the tables units sent, merged with the
conferences their registrations tell of, and a sheet (核对) listing where the two
disagree.  A store with nothing in it is first filled from the demo mailbox, so the
script runs on its own; with the store ``process_mailbox.py`` filled, it exports that.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

from demo_mailbox import write_mailbox

from pressdocs import Pressdocs

HERE = Path(__file__).resolve().parent

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--store", default="example-data")
parser.add_argument("--period", default="2021H1", help="2021H1 (1–6月) or 2021H2 (7–12月)")
parser.add_argument("--as-of", type=date.fromisoformat, default=date(2021, 6, 30),
                    help="what was known on this day, YYYY-MM-DD")
parser.add_argument("-o", "--output", default="统计表.xlsx")
args = parser.parse_args()

with Pressdocs(store=args.store) as pd:
    if pd.submissions().total == 0:      # an empty store: take in the demo mailbox first
        with tempfile.TemporaryDirectory() as mail:
            write_mailbox(Path(mail))
            pd.import_plan(HERE / "notice_2021.txt")
            pd.batch(mail)
    table = pd.statistics_table(args.period, as_of=args.as_of)
    written = pd.export(table, args.output)   # the exporter is chosen by the suffix: .xlsx

print(f"已导出 {written}：{len(table.units)} 个单位的统计表")
for unit in table.units:
    sent = "已报送统计表" if unit.filed else "未报送统计表，按登记表汇总"
    print(f"  {unit.unit}：{len(unit.lines)}场，{sent}")
    for line in unit.flagged:                 # 核对: the unit's table and the ledger disagree
        for difference in line.differences:
            print(f"    核对：{difference.text('zh')}")
