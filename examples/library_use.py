"""pressdocs as a library in another system (an OA workflow, an upload form's back end):
read a file, check a message, export a report, and hand the results on as JSON.

    python examples/library_use.py [MESSAGE.eml] [-o 计划执行情况.json]

Three calls of :class:`pressdocs.Pressdocs` do the work; every result is plain data
(``to_dict()``), with English keys and each text in Chinese and English.  Without a
message, one of the demo mailbox's is used.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import tempfile
from datetime import date
from pathlib import Path

from demo_mailbox import write_mailbox

from pressdocs import Pressdocs

HERE = Path(__file__).resolve().parent

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("message", nargs="?", help="an .eml file, as your system received it")
parser.add_argument("-o", "--output", default="计划执行情况.json")
args = parser.parse_args()

with tempfile.TemporaryDirectory() as work:
    message = Path(args.message) if args.message else next(
        p for p in write_mailbox(Path(work) / "mail") if "人社局" in p.name)
    # your system has the attachment's bytes (an upload, a mail it fetched): read them
    mail = email.message_from_bytes(message.read_bytes(), policy=email.policy.default)
    attachment = next(mail.iter_attachments())

    with Pressdocs(store=Path(work) / "store", load_entry_points=False) as pd:
        read = pd.read(attachment.get_content(), name=attachment.get_filename() or "附件")
        checked = pd.check(message)                  # every rule of the notice; writes nothing
        pd.import_plan(HERE / "notice_2021.txt")
        exported = pd.export(pd.plan_status(as_of=date(2021, 6, 30)), args.output)

result = {
    "read": read.to_dict(),                          # kind, confidence, the form's fields
    "check": {"status": checked.status.value, "unit": checked.unit,
              "findings": [f.to_dict() for f in checked.findings]},
    "exported": str(exported),
}
print(json.dumps(result, ensure_ascii=False, indent=2))
