"""Check one folder of materials against the notice, as the batch would, writing nothing.

    python examples/check_folder.py                    # a sample folder, saved for you
    python examples/check_folder.py 人社局材料/

The folder's files are one submission: a registration form (登记表), the press release
(发布稿), the answers (问答), pictures — or a zip of them.  Without a folder, the
attachments of one message of the demo mailbox are saved to ``sample-materials/``, as
staff save a mail's attachments.  The exit code is 1 when a rule found an error, as with
``pressdocs validate``.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import os
import sys
import tempfile
from pathlib import Path

from demo_mailbox import write_mailbox

from pressdocs import Pressdocs, Severity


def save_attachments(message: Path, folder: Path) -> Path:
    """Save every attachment of the .eml ``message`` into ``folder``, dated when the mail
    was sent: a folder is judged by its files' times (the deadlines: 3 days before)."""
    mail = email.message_from_bytes(message.read_bytes(), policy=email.policy.default)
    sent = mail["Date"].datetime.timestamp()
    folder.mkdir(exist_ok=True)
    for part in mail.iter_attachments():
        path = folder / (part.get_filename() or "附件")
        path.write_bytes(part.get_content())
        os.utime(path, (sent, sent))
    return folder


parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("folder", nargs="?", help="the folder of one submission's files")
args = parser.parse_args()

folder = args.folder
if folder is None:
    with tempfile.TemporaryDirectory() as mail:
        [message] = [p for p in write_mailbox(Path(mail)) if "人社局" in p.name]
        folder = save_attachments(message, Path("sample-materials"))

with Pressdocs() as pd:                   # no store needed: checking writes nothing
    submission = pd.check(folder)
print(f"{folder}：{len(submission.documents)} 个文件，{submission.status.label('zh')}")
for document in submission.documents:     # what each file was taken for
    print(f"    {document.name}：{document.kind.label('zh')}")
for finding in submission.findings:
    print(f"{finding.code} {finding.severity.label('zh')}：{finding.text('zh')}")
    if finding.clause:
        print(f"    《通知》：{finding.clause}")
sys.exit(1 if any(f.severity is Severity.ERROR for f in submission.findings) else 0)
