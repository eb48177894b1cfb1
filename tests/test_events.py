"""Events, as a plugin that listens to them meets them.

A plugin that writes receipts to units on :class:`SubmissionProcessed` must be able to
trust two things: the submission it is told about is already in the ledger (another
connection to the store sees it), and nothing that was only tried — a dry run,
``pressdocs validate`` — is announced as processed.  A listener that breaks never stops
the batch; the command line says so on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli_support import invoke, load_example, plugin_site, run_pressdocs, with_plugins
from conftest import SEED
from pressdocs import (
    BatchFinished,
    Event,
    FindingRaised,
    PlanImported,
    Plugins,
    Pressdocs,
    SubmissionChecked,
    SubmissionProcessed,
    hookimpl,
    load_plugins,
)
from pressdocs.store import open_store


class Recorder:
    """A listener plugin: keeps every event, and on each processed submission and each
    finding looks the submission up in the store through a connection of its own (which
    sees only what was committed)."""

    def __init__(self, store: Path | None = None) -> None:
        self.events: list[Event] = []
        self.store = store
        self.in_store: dict[str, Any] = {}
        self.findings_in_store: dict[str, int] = {}

    @hookimpl
    def handle_event(self, event: Event) -> None:
        self.events.append(event)
        if self.store is None:
            return
        if isinstance(event, SubmissionProcessed):
            with open_store(self.store) as store:
                self.in_store[event.submission.id] = store.get_submission(event.submission.id)
        elif isinstance(event, FindingRaised):
            with open_store(self.store) as store:
                self.findings_in_store[event.submission.id] = len(
                    store.findings(submission_id=event.submission.id))

    def kinds(self) -> list[type[Event]]:
        return [type(e) for e in self.events]


@pytest.fixture(scope="module")
def mail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo mailbox: five messages, four with findings."""
    folder = tmp_path_factory.mktemp("events") / "mail"
    load_example("demo_mailbox").write_mailbox(folder)
    return folder


def _app(store: Path, *plugins: object) -> Pressdocs:
    return Pressdocs(store=store, plugins=list(plugins), load_entry_points=False)


def _plugins(*plugins: object) -> Plugins:
    return load_plugins(entry_points=False, strict=True,
                        extra=[(type(p).__name__, p) for p in plugins])


def test_import_plan_announces_the_plan(tmp_path: Path) -> None:
    recorder = Recorder()
    with _app(tmp_path / "store", recorder) as pd:
        found = pd.import_plan(SEED)
    [event] = recorder.events
    assert isinstance(event, PlanImported)
    assert event.plan is found.plan and (event.plan.year, len(event.plan.items)) == (2021, 74)
    assert (event.committed, event.dry_run) == (True, False)


def test_batch_announces_each_submission_after_it_is_committed(mail: Path,
                                                               tmp_path: Path) -> None:
    store = tmp_path / "store"
    recorder = Recorder(store)
    with _app(store, recorder) as pd:
        report = pd.batch(str(mail))
    assert report.new == 5

    processed = [e for e in recorder.events if isinstance(e, SubmissionProcessed)]
    assert [e.submission.id for e in processed] == [o.submission.id for o in report.outcomes]
    for event in processed:
        assert (event.committed, event.dry_run, event.reprocessed) == (True, False, False)
        stored = recorder.in_store[event.submission.id]
        assert stored is not None, "the listener was told before the ledger committed"
        assert stored.status == event.submission.status
        assert len(stored.findings) == len(event.submission.findings)

    # each submission: SubmissionProcessed, then one FindingRaised per finding, in order
    expected: list[tuple[type[Event], str, str]] = []
    for outcome in report.outcomes:
        sub = outcome.submission
        expected.append((SubmissionProcessed, sub.id, ""))
        expected += [(FindingRaised, sub.id, f.code) for f in sub.findings]
    got = [(type(e), e.submission.id, e.finding.code if isinstance(e, FindingRaised) else "")
           for e in recorder.events[:-1]]  # type: ignore[attr-defined]
    assert got == expected
    assert sum(1 for k in recorder.kinds() if k is FindingRaised) >= 5
    for sub_id, count in recorder.findings_in_store.items():
        assert count == len(recorder.in_store[sub_id].findings)

    last = recorder.events[-1]
    assert isinstance(last, BatchFinished) and last.report is report
    assert (last.committed, last.dry_run) == (True, False)
    assert recorder.kinds().count(BatchFinished) == 1


def test_reprocess_announces_reprocessed_submissions(mail: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with _app(store) as pd:
        pd.batch(str(mail))
    recorder = Recorder(store)
    with _app(store, recorder) as pd:
        report = pd.reprocess()
    processed = [e for e in recorder.events if isinstance(e, SubmissionProcessed)]
    assert len(processed) == report.seen == 5
    assert all(e.reprocessed and e.committed and not e.dry_run for e in processed)
    assert all(recorder.in_store[e.submission.id] is not None for e in processed)
    assert isinstance(recorder.events[-1], BatchFinished)


def _only_checked(recorder: Recorder, *, dry_run: bool, count: int) -> None:
    assert SubmissionProcessed not in recorder.kinds()
    assert FindingRaised not in recorder.kinds()
    checked = [e for e in recorder.events if isinstance(e, SubmissionChecked)]
    assert len(checked) == count
    assert all((e.committed, e.dry_run) == (False, dry_run) for e in checked)


def test_a_dry_run_announces_only_checks(mail: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    recorder = Recorder()
    with _app(store, recorder) as pd:
        report = pd.batch(str(mail), dry_run=True)
        assert pd.store.submissions() == []
    _only_checked(recorder, dry_run=True, count=5)
    assert [e.submission.id for e in recorder.events[:-1]] == [  # type: ignore[attr-defined]
        o.submission.id for o in report.outcomes]
    last = recorder.events[-1]
    assert isinstance(last, BatchFinished) and (last.committed, last.dry_run) == (False, True)


def test_the_command_line_dry_run_announces_only_checks(mail: Path, tmp_path: Path) -> None:
    recorder = Recorder()
    result = invoke(["--store", str(tmp_path / "store"), "batch", str(mail), "--dry-run"],
                    obj=_plugins(recorder))
    assert result.exit_code == 0, result.output
    _only_checked(recorder, dry_run=True, count=5)
    assert recorder.kinds()[-1] is BatchFinished


def test_validate_announces_only_checks(mail: Path, tmp_path: Path) -> None:
    recorder = Recorder()
    paths = sorted(str(p) for p in mail.iterdir())[:3]
    result = invoke(["--store", str(tmp_path / "store"), "validate", *paths],
                    obj=_plugins(recorder))
    assert result.exit_code in (0, 1), result.output
    _only_checked(recorder, dry_run=False, count=3)
    assert recorder.kinds() == [SubmissionChecked] * 3
    assert not (tmp_path / "store").exists()  # validate writes nothing, not even a store


BROKEN_LISTENER = """
from pressdocs import hookimpl


@hookimpl
def handle_event(event):
    raise RuntimeError("receipt printer jammed")
"""


def test_a_listener_that_raises_does_not_stop_the_batch(mail: Path, tmp_path: Path) -> None:
    site = plugin_site(tmp_path, "jammed", BROKEN_LISTENER)
    store = tmp_path / "store"
    proc = run_pressdocs(["--store", str(store), "batch", str(mail), "--json"],
                         env=with_plugins(site))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert (report["seen"], report["new"]) == (5, 5)
    notes = [line for line in proc.stderr.splitlines() if "receipt printer jammed" in line]
    # every event it was given: 5 processed, their findings, the end of the batch
    findings = sum(len(m["findings"]) for m in report["messages"])
    assert len(notes) == 5 + findings + 1
    assert "插件 jammed 处理事件 submission_processed 时出错：receipt printer jammed" in notes[0]
    with open_store(store) as ledger:
        assert len(ledger.submissions()) == 5

    english = run_pressdocs(["--lang", "en", "--store", str(tmp_path / "en"), "batch",
                             str(mail), "--json"], env=with_plugins(site))
    assert english.returncode == 0, english.stderr
    assert "plugin jammed failed handling event batch_finished: receipt printer jammed" in \
        english.stderr
