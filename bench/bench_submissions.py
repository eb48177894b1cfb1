"""How long the inbox (收件箱) and one submission take with 10,000 submissions in the store.

Run ``python bench/bench_submissions.py`` (``--help`` for sizes).  It builds, in a
temporary folder, a store holding the city's 2021 plan (from examples/notice_2021.txt)
and ``--count`` submissions (default 10,000): registrations and materials packages of the
plan's units spread over the year, some incomplete with findings, a few with no received
time; saved as the pipeline saves them (``Store.save_submission``), without parsing mail,
which bench_intake.py measures.  It then prints, best of ``--repeat`` runs, all measured
in this run on the same store:

- the *floor*: a bare SQL query of the same first page (50 rows, newest first) on the
  store's SQLite file, and its count;
- ``Pressdocs.submissions`` (the first page; filtered by status; by unit; by plan month;
  a page deep in the list);
- ``pressdocs submissions list`` and ``--json``, in-process (click's runner);
- ``Pressdocs.submission_detail`` of one submission by the first 8 characters of its id,
  and ``pressdocs submissions show --json``.

- the review desk's pages (``pressdocs serve``) through Starlette's test client, each
  request's whole time in-process: the 收件箱, filtered, deep, a submission's page, the
  JSON API.

The target is well under 100 ms each.  It asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from timing import best

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "notice_2021.txt"
TZ = ZoneInfo("Asia/Shanghai")


def build_store(folder: Path, count: int) -> Path:
    """The store: the 2021 plan and ``count`` submissions of its units."""
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
        Submission,
        SubmissionKind,
        SubmissionStatus,
    )

    store = folder / "store"
    with Pressdocs(store=store, load_entry_points=False) as pd:
        plan = pd.import_plan(SEED).plan
        late = Finding("PD101", Severity.ERROR, Message.of("PD101.title"),
                       Location("登记表.docx", "registration.time"), "发布会召开前3天报送市新闻办")
        few = Finding("PD204", Severity.ERROR, Message.of("PD204.title"),
                      Location("问答.docx", "materials.qa"), "至少提供2个提问问题供参考")
        start = datetime(2021, 1, 4, 8, 0, tzinfo=TZ)
        with pd.store.transaction():
            for n in range(count):
                item = plan.items[n % len(plan.items)]
                unit = item.units[0]
                received = None if n % 997 == 0 else start + timedelta(minutes=47 * n)
                wrong = n % 6 == 0
                sid = hashlib.sha256(f"bench-{n}".encode()).hexdigest()
                common = {"id": sid, "sender": "bgs@wuhu.gov.cn", "sender_name": unit,
                          "received": received, "unit": unit, "plan_year": plan.year,
                          "plan_item": item.number,
                          "status": SubmissionStatus.INCOMPLETE if wrong
                          else SubmissionStatus.ACCEPTED}
                if n % 2 == 0:
                    held = (received or start) + timedelta(days=5)
                    sub = Submission(
                        subject=f"【{unit}】{item.topic}新闻发布会登记表",
                        kind=SubmissionKind.REGISTRATION, findings=[late] if wrong else [],
                        registration=Registration(
                            title=f"{item.topic}新闻发布会", organiser=unit,
                            person_in_charge=Person("张三", "13905531234", "办公室主任"),
                            time=held, venue=item.venue or "市政府新闻发布厅",
                            filing_unit=unit), **common)
                else:
                    sub = Submission(
                        subject=f"【{unit}】发布会材料", kind=SubmissionKind.MATERIALS,
                        findings=[few] if wrong else [],
                        materials=MaterialsPackage(
                            press_release=PressRelease(item.topic, "各项工作稳步推进。" * 100,
                                                       chars=900),
                            qa=[QAPair("今年有哪些新进展？", "取得积极成效。", 7)]), **common)
                pd.store.save_submission(sub)
    return store



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000,
                        help="submissions in the store (default 10000)")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each (default 7)")
    args = parser.parse_args()
    from click.testing import CliRunner

    from pressdocs import Pressdocs
    from pressdocs.cli import cli
    from pressdocs.store.sqlite import DATABASE_NAME

    scratch = Path(tempfile.mkdtemp(prefix="pressdocs-bench-"))
    try:
        t0 = time.perf_counter()
        store = build_store(scratch, args.count)
        print(f"store: the 2021 plan and {args.count} submissions "
              f"(built in {time.perf_counter() - t0:.1f} s)\n")
        runner = CliRunner(env={"PRESSDOCS_CONFIG": None, "PRESSDOCS_HOME": None,
                                "PRESSDOCS_LANG": None, "COLUMNS": "160"})

        def command(*words: str) -> Callable[[], object]:
            def run() -> None:
                result = runner.invoke(cli, ["--store", str(store), *words])
                assert result.exit_code == 0, result.output
            return run

        raw = sqlite3.connect(store / DATABASE_NAME)

        def floor() -> None:
            raw.execute("SELECT COUNT(*) FROM submissions").fetchall()
            raw.execute("SELECT id, received_at, sender, unit, kind, status, plan_year, "
                        "plan_item, corrects, data FROM submissions "
                        "ORDER BY received_at DESC NULLS LAST, id DESC LIMIT 50").fetchall()

        with Pressdocs(store=store, load_entry_points=False) as pd:
            pd.submissions(limit=50)  # warm: the store opened, the catalogues read
            some = pd.submissions(limit=1, offset=args.count // 3).items[0].id
            unit = pd.submissions(limit=1).items[0].unit
            rows = [
                ("floor: bare SQL, count and the first page of 50", best(args.repeat, floor)),
                ("Pressdocs.submissions: first page of 50",
                 best(args.repeat, lambda: pd.submissions(limit=50))),
                ("  status incomplete",
                 best(args.repeat, lambda: pd.submissions(status="incomplete", limit=50))),
                (f"  unit {unit}", best(args.repeat, lambda: pd.submissions(unit=unit, limit=50))),
                ("  plan month 2021-06",
                 best(args.repeat, lambda: pd.submissions(month=(2021, 6), limit=50))),
                ("  page at offset 5000",
                 best(args.repeat, lambda: pd.submissions(limit=50, offset=5000))),
                ("Pressdocs.submission_detail (8 characters of the id)",
                 best(args.repeat, lambda: pd.submission_detail(some[:8]))),
            ]
        raw.close()
        rows += [
            ("pressdocs submissions list", best(args.repeat, command("submissions", "list"))),
            ("pressdocs submissions list --json",
             best(args.repeat, command("submissions", "list", "--json"))),
            ("pressdocs submissions show ID --json",
             best(args.repeat, command("submissions", "show", some[:8], "--json"))),
        ]
        rows += desk_rows(store, some, args.repeat)
        floor_time = rows[0][1]
        print(f"{'best of ' + str(args.repeat):<54} {'ms':>8} {'× floor':>8}")
        for label, seconds in rows:
            print(f"{label:<54} {seconds * 1000:8.1f} {seconds / floor_time:8.1f}")
        print("\n(the commands include opening the store and rendering; in-process)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def desk_rows(store: Path, some: str, repeat: int) -> list[tuple[str, float]]:
    """The review desk's pages (``pressdocs serve``), each request's whole time in
    Starlette's test client, in-process: a reviewer logged in, the 收件箱 (first page of
    25, with the count of every status), filtered, one submission's page, the JSON API."""
    try:
        from starlette.testclient import TestClient

        from pressdocs.config import Config
        from pressdocs.web.app import create_app
        from pressdocs.web.desk import Desk
    except ImportError:
        print("(the review desk is not measured: pip install 'pressdocs[web]')")
        return []
    import re

    from pressdocs import Pressdocs

    with Pressdocs(store=store, load_entry_points=False) as pd:
        pd.add_user("bench", "bench-password", role="reviewer")
    client = TestClient(create_app(Desk(config=Config(), store=store), secret="b" * 32))
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    client.post("/login", data={"name": "bench", "password": "bench-password",
                                "csrf_token": token[1]})

    def get(path: str) -> Callable[[], object]:
        def run() -> None:
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
        return run

    get("/inbox")()  # warm: templates compiled
    return [
        ("desk: 收件箱 /inbox (25 rows, counts of 6 statuses)", best(repeat, get("/inbox"))),
        ("desk: /inbox?status=incomplete", best(repeat, get("/inbox?status=incomplete"))),
        ("desk: /inbox?page=200", best(repeat, get("/inbox?page=200"))),
        ("desk: a submission's page", best(repeat, get(f"/submissions/{some}"))),
        ("desk: /api/submissions?limit=50", best(repeat, get("/api/submissions?limit=50"))),
    ]


if __name__ == "__main__":
    sys.exit(main())
