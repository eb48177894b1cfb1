"""Take in a mailbox folder and print what came in: who sent what, and what is missing.

    python examples/process_mailbox.py                 # the demo mailbox, written for you
    python examples/process_mailbox.py 收件/ --store 办公室数据

MAILBOX is a folder of .eml files, a Maildir or an mbox (``pressdocs batch`` takes the
same, and IMAP).  Without one, the demo mailbox of ``demo_mailbox.py`` is written to
``demo-mail/``.  The city's 2021 plan (``notice_2021.txt``) is imported first, so that
each registration is matched to its plan item.  Each message is taken in once: run it
again and nothing is new.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from demo_mailbox import write_mailbox  # the script's own folder is on sys.path

from pressdocs import Pressdocs
from pressdocs.text import format_datetime_zh

HERE = Path(__file__).resolve().parent

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("mailbox", nargs="?", help="folder of .eml files, Maildir or mbox")
parser.add_argument("--store", default="example-data", help="where pressdocs keeps its ledger")
parser.add_argument("--plan", default=str(HERE / "notice_2021.txt"), help="the annual plan")
args = parser.parse_args()

mailbox = args.mailbox
if mailbox is None:
    mailbox = "demo-mail"
    write_mailbox(Path(mailbox))

with Pressdocs(store=args.store) as pd:
    pd.import_plan(args.plan)           # 附件1: the plan the registrations are matched to
    report = pd.batch(mailbox)          # every new message: read, classified, checked, stored
    for outcome in report.outcomes:
        sub = outcome.submission
        when = format_datetime_zh(sub.received.astimezone(pd.config.tz)) if sub.received \
            else "时间不明"
        item = f"计划第{sub.plan_item}项" if sub.plan_item else "未对应计划"
        print(f"{when}  {sub.unit or sub.sender}  {sub.subject}")
        print(f"    {outcome.status.label('zh')}，{item}")
        for finding in sub.findings:    # each rule that failed, in plain words
            print(f"    {finding.code} {finding.severity.label('zh')}：{finding.text('zh')}")
    counts = "，".join(f"{status.label('zh')} {n}" for status, n in report.by_status().items())
    print(f"共 {report.seen} 封，新收 {report.new} 封：{counts}")
