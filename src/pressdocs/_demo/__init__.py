"""``pressdocs demo``: the whole main job on a sample that ships inside the package.

:func:`run_demo` needs no repository, no network and no set-up.  Into a folder of its
own it writes a sample mailbox (a Maildir of mail from several units,
:mod:`pressdocs._demo.mailbox`), then does what the office does, each step through
:class:`pressdocs.Pressdocs`: imports the city's 2021 plan (附件1 of the notice, spam
and all), takes in the mailbox with a receipt (回执) queued for each submission, has a
reviewer approve one submission and return another (请补正), sends the notices through
the ``outbox`` channel (files in ``outbox/``: nothing leaves the machine), and exports
the statistics table, the plan's status, the submissions register, one 新闻发布会实录
page and the dashboard.  The reports are as known on :data:`DEMO_DAY`, the sample being
of 2021.

The folder holds only what the demo wrote (marked by :data:`MARKER`): a folder that is
not empty and not an earlier demo is refused; an earlier demo's is replaced.
"""

from __future__ import annotations

import secrets
import shutil
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from pressdocs.errors import PressdocsError
from pressdocs.models import Message, SubmissionKind, SubmissionStatus

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs
    from pressdocs._review import Review

__all__ = ["DEFAULT_FOLDER", "DEMO_DAY", "MARKER", "DemoReport", "run_demo"]

#: Where ``pressdocs demo`` writes when given no folder.
DEFAULT_FOLDER = "pressdocs-demo"
#: The file that marks a folder as the demo's own (so that running again may replace it).
MARKER = ".pressdocs-demo"
#: The day the reports are made as of: the first half-year's statistics are in by then.
DEMO_DAY = date(2021, 7, 1)
#: The demo's staff account, a reviewer (审核员), for the review desk.
REVIEWER = "demo"
#: What the demo writes into its folder (all of it is removed when it runs there again).
_WRITTEN = ("mail", "store", "outbox", "exports", "notice_2021.txt", MARKER)
#: The submissions the reviewer decides on: approved, returned (by subject).
_APPROVED = "【市统计局】2021年一季度全市经济运行情况新闻发布会登记表"
_RETURNED = "市人社局新闻发布会材料"
#: The conference whose 新闻发布会实录 page is exported (市统计局's, item 11 of the plan).
_RECORD_ITEM = 11


@dataclass
class DemoReport:
    """What :func:`run_demo` did and where it wrote it."""

    folder: Path
    #: Whether an earlier demo in the folder was replaced.
    reused: bool
    #: The sample mailbox (Maildir), the store, the outbox folder.
    mail: Path
    store: Path
    outbox: Path
    #: How many messages the mailbox holds, and from how many senders' units.
    messages: int
    units: int
    #: Whether the ``.doc`` form is among them (only where LibreOffice is installed and
    #: works).
    legacy_doc: bool
    plan_year: int
    plan_items: int
    #: The findings importing the plan raised (the spam in its title and topics, PD501).
    plan_findings: list[str]
    #: New submissions by status (already counted in ``submissions``).
    statuses: dict[SubmissionStatus, int]
    submissions: int
    #: Notices written to the outbox, by template (``receipt``, ``correction``).
    notices: dict[str, int]
    approved: Review
    returned: Review
    #: The files exported, by report (``stats``, ``plan``, ``submissions``, ``record``,
    #: ``dashboard``).
    exports: dict[str, Path]
    #: The reviewer account made for the review desk, and its password.
    reviewer: str
    password: str = field(repr=False)
    #: Whether the review desk can run here (the ``web`` extra is installed).
    web: bool

    @property
    def serve_command(self) -> str:
        """The command that opens the review desk on the demo's store."""
        return f"pressdocs --store {_quoted(self.store)} serve"


def _quoted(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))


def run_demo(folder: str | Path = DEFAULT_FOLDER, *, lang: str | None = None,
             step: Callable[[Message], None] | None = None) -> DemoReport:
    """Run the demo in ``folder`` (made if missing).  ``lang``: the language of the
    reports (the notices, and the reasons the reviewer gives in one, are in the units'
    language, ``[notify] lang``: Chinese).  ``step`` is told each step as it starts.
    :class:`PressdocsError` for a file, or a folder that is neither empty nor an earlier
    demo's."""
    from pressdocs._app import Pressdocs
    from pressdocs._demo.mailbox import notice_text, write_maildir
    from pressdocs.config import Config

    def say(key: str, **params: object) -> None:
        if step is not None:
            step(Message.of(key, **params))

    target = Path(folder).expanduser().absolute()
    reused = _prepare(target)
    # marked first: a run cut short (Ctrl-C) leaves a folder the next run may replace
    (target / MARKER).write_text("pressdocs demo\n", encoding="utf-8")
    say("demo.step.mailbox", folder=str(target / "mail"))
    box = write_maildir(target / "mail")
    notice = target / "notice_2021.txt"
    notice.write_bytes(notice_text())
    with Pressdocs(config=Config(), store=target / "store", lang=lang,
                   load_entry_points=False) as app:
        say("demo.step.plan")
        imported = app.import_plan(notice)
        say("demo.step.batch", count=len(box.messages))
        batch = app.batch(str(box.folder), receipts=True)
        new = [o.submission for o in batch.outcomes if o.new]
        by_subject = {s.subject: s for s in new}
        say("demo.step.review")
        password = secrets.token_urlsafe(9)
        app.add_user(REVIEWER, password, role="reviewer", by=REVIEWER)
        approved = app.approve(by_subject[_APPROVED].id, by=REVIEWER)
        returned = app.return_submission(
            by_subject[_RETURNED].id, by=REVIEWER,
            reasons=[Message.of("demo.return_reason").text(app.notifier.lang)])
        say("demo.step.notify")
        sent = app.notify()
        say("demo.step.export")
        exports = _export(app, target / "exports")
        return DemoReport(
            folder=target, reused=reused, mail=box.folder, store=app.store_path,
            outbox=target / "outbox", messages=len(box.messages),
            units=len({s.unit for s in new if s.unit}), legacy_doc=box.legacy_doc,
            plan_year=imported.plan.year, plan_items=len(imported.plan.items),
            plan_findings=[f.code for f in imported.findings],
            statuses=_by_status(s.status for s in new),
            submissions=sum(1 for s in new if s.kind is not SubmissionKind.UNRELATED),
            notices=dict(Counter(o.notice.template for o in sent.outcomes
                                 if o.status == "sent")),
            approved=approved, returned=returned, exports=exports, reviewer=REVIEWER,
            password=password, web=find_spec("starlette") is not None)


def _by_status(statuses: Iterable[SubmissionStatus]) -> dict[SubmissionStatus, int]:
    """How many of each status, in the order the statuses are declared."""
    counts = Counter(statuses)
    return {status: counts[status] for status in SubmissionStatus if counts[status]}


def _prepare(target: Path) -> bool:
    """Make ``target`` ready: made if missing, an earlier demo's files removed; whether
    there was an earlier demo.  A folder holding anything else is refused."""
    if target.exists() and not target.is_dir():
        raise PressdocsError.of("demo.not_a_folder", folder=str(target))
    if not target.exists() or not any(target.iterdir()):
        target.mkdir(parents=True, exist_ok=True)
        return False
    if not (target / MARKER).is_file():
        raise PressdocsError.of("demo.not_empty", folder=str(target))
    for name in _WRITTEN:
        path = target / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    return True


def _export(app: Pressdocs, folder: Path) -> dict[str, Path]:
    """The five reports as known on :data:`DEMO_DAY`, written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    year, half = DEMO_DAY.year, f"{DEMO_DAY.year}H1"
    subjects = {
        "stats": (app.statistics_table(half, as_of=DEMO_DAY), f"statistics-{half}.xlsx"),
        "plan": (app.plan_status(as_of=DEMO_DAY, year=year), f"plan-status-{year}.xlsx"),
        "submissions": (app.submissions_register(year=year), f"submissions-{year}.xlsx"),
        "record": (app.conference_record(plan_item=_RECORD_ITEM, year=year),
                   f"record-{year}-item{_RECORD_ITEM}.html"),
        "dashboard": (app.dashboard(year=year, as_of=DEMO_DAY), f"dashboard-{year}.html"),
    }
    return {name: app.export(subject, folder / file)
            for name, (subject, file) in subjects.items()}
