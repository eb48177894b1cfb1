"""Write a small demo mailbox: a folder of .eml files like the office receives in spring.

    python examples/demo_mailbox.py demo/mail

Four units write to the office mailbox: 市统计局 registers its first-quarter briefing
on time and sends a complete materials package as a zip with GBK names (as Chinese
Windows writes it); 市人社局 registers late, with a release of 1,300 字 and only one
question; 市生态环境局 sends two pictures and a video only as a 163 超大附件 link; a
company sends an advertisement.

The messages are made by the sample that ships inside pressdocs for ``pressdocs demo``
(``pressdocs._demo.mailbox``, private: it may change); ``pressdocs demo`` takes in a
Maildir holding these and a few more (a .doc form, a registration typed into the mail
body, a statistics table, the plan with its injected spam).
"""

from __future__ import annotations

import sys
from pathlib import Path

from pressdocs._demo.mailbox import OFFICE, mail, png, write_mailbox

__all__ = ["OFFICE", "mail", "png", "write_mailbox"]

if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "demo/mail")
    for p in write_mailbox(target):
        print(p)
