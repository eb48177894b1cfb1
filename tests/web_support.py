"""The review desk's test set-up: a store built by a real batch of the demo mailbox (plus
a message whose subject and file name are markup), two accounts, and the desk run by
``pressdocs serve`` on loopback."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cli_support import demo_mailbox_with_plan, invoke, load_example
from pressdocs import Pressdocs

REVIEWER, REVIEWER_PASSWORD = "wang", "审核员-pass-2021"
VIEWER, VIEWER_PASSWORD = "li", "viewer-pass-2021"
#: A subject and a file name a stranger could send: the desk must show them as text.
MARKUP_SUBJECT = '<script>alert("subject")</script>登记表'
MARKUP_FILE = '<img src=x onerror=alert("file")>.docx'


def build_store(root: Path) -> Path:
    """The demo mailbox and the markup message, through ``pressdocs batch``, into a store
    with the 2021 plan and the two accounts."""
    mail, store = demo_mailbox_with_plan(root)
    demo = load_example("demo_mailbox")
    (mail / "06-markup.eml").write_bytes(demo.mail(
        MARKUP_SUBJECT, "陌生人 <stranger@example.com>",
        datetime(2021, 4, 14, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        [(MARKUP_FILE, b"not really a word file")]))
    done = invoke(["--store", str(store), "batch", str(mail)])
    assert done.exit_code in (0, 1), done.output
    with Pressdocs(store=store) as app:
        app.add_user(REVIEWER, REVIEWER_PASSWORD, role="reviewer")
        app.add_user(VIEWER, VIEWER_PASSWORD, role="viewer")
    return store


def copy_store(built: Path, into: Path) -> Path:
    """A copy of the built store that a test may change."""
    target = into / "store"
    shutil.copytree(built, target)
    return target


def submission_ids(store: Path) -> dict[str, str]:
    """Subject → id of each stored submission."""
    with Pressdocs(store=store) as app:
        return {s.subject: s.id for s in app.submissions().items}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(store: Path, *extra: str) -> Iterator[str]:
    """``pressdocs serve`` on a free loopback port; its base URL while it runs."""
    port = free_port()
    env = {**os.environ, "PRESSDOCS_LANG": "zh"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pressdocs", "--store", str(store), "serve", "--port", str(port),
         *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/login", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    out, err = proc.communicate(timeout=5)
                    raise AssertionError(f"pressdocs serve did not start:\n{out}\n{err}") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found[1]
