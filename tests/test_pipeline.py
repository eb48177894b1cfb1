"""One pipeline: what a ``prepare_submission`` plugin decides, every later step sees.

A plugin author who fills in the sending unit from another directory expects the plan
match and the rules to follow: a registration whose form names no unit the office knows
(长江文化研究会), from an address nobody knows, is an unplanned conference (PD301) without
the plugin; with a plugin that says "this is 市统计局" it is item 11 of the city's plan
(2021年一季度全市经济运行情况), and PD301 is gone — whether the file is checked
(:meth:`Pressdocs.check`) or the message taken in (:meth:`Pressdocs.batch`).
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import SEED
from pressdocs import Config, Pressdocs, Submission, hookimpl
from submissions import message, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
ITEM_11 = "2021年一季度全市经济运行情况"
STRANGER = "长江文化研究会"
SENT = datetime(2021, 4, 10, 10, 0, tzinfo=TZ)


class NamesTheUnit:
    """A plugin that knows who really sent it (another directory of the city's units)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int | None]] = []

    @hookimpl
    def prepare_submission(self, submission: Submission, config: Config) -> None:
        # what the plugin is shown: the documents read, nothing of enrich's yet
        self.seen.append((submission.unit, submission.plan_item))
        submission.unit = "市统计局"


def _form() -> bytes:
    return registration_docx(title=f"{ITEM_11}新闻发布会", unit=STRANGER,
                             when="2021年4月15日上午9:30", filed="2021年4月10日")


@pytest.fixture(scope="module")
def planned_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the city's 2021 plan, imported from the notice itself."""
    store = tmp_path_factory.mktemp("planned") / "store"
    with Pressdocs(store=store, load_entry_points=False) as pd:
        found = pd.import_plan(SEED)
        item = next(i for i in found.plan.items if i.number == 11)
        assert (item.topic, item.units) == (ITEM_11, ["市统计局"])
    return store


@pytest.fixture
def store(planned_store: Path, tmp_path: Path) -> Path:
    """A fresh copy of the planned store for one test."""
    return Path(shutil.copytree(planned_store, tmp_path / "store"))


def _app(store: Path, *plugins: Any) -> Pressdocs:
    return Pressdocs(store=store, plugins=list(plugins), load_entry_points=False)


def _codes(sub: Submission) -> list[str]:
    return [f.code for f in sub.findings]


def test_check_without_the_plugin_is_an_unplanned_conference(store: Path,
                                                             tmp_path: Path) -> None:
    form = tmp_path / "登记表.docx"
    form.write_bytes(_form())
    moment = SENT.timestamp()
    os.utime(form, (moment, moment))
    with _app(store) as pd:
        sub = pd.check(form)
    assert sub.unit == STRANGER
    assert (sub.plan_year, sub.plan_item) == (None, None)
    assert "PD301" in _codes(sub)


def test_check_with_the_plugin_matches_the_plan_and_the_rules_follow(
        store: Path, tmp_path: Path) -> None:
    form = tmp_path / "登记表.docx"
    form.write_bytes(_form())
    moment = SENT.timestamp()
    os.utime(form, (moment, moment))
    plugin = NamesTheUnit()
    with _app(store, plugin) as pd:
        sub = pd.check(form)
    assert plugin.seen == [("", None)]  # called once, before the unit was worked out
    assert sub.unit == "市统计局"
    assert (sub.plan_year, sub.plan_item) == (2021, 11)
    assert "PD301" not in _codes(sub)
    # the other rules judge 市统计局 now: its January item was never registered
    [pd303] = [f for f in sub.findings if f.code == "PD303"]
    assert "2020年全市经济运行情况" in pd303.message.zh


def _mailbox(root: Path) -> Path:
    mail = root / "mail"
    mail.mkdir()
    (mail / "1.eml").write_bytes(message(
        subject=f"{ITEM_11}新闻发布会登记表", sender="王老师 <wang@example.com>", date=SENT,
        message_id="<stranger-1@example.com>", attachments=[("登记表.docx", _form())]))
    return mail


def test_batch_without_the_plugin(store: Path, tmp_path: Path) -> None:
    with _app(store) as pd:
        [outcome] = pd.batch(str(_mailbox(tmp_path))).outcomes
        stored = pd.store.get_submission(outcome.submission.id)
    sub = outcome.submission
    assert sub.unit == STRANGER and sub.plan_item is None
    assert "PD301" in _codes(sub)
    assert stored is not None and stored.plan_item is None and "PD301" in _codes(stored)


def test_batch_with_the_plugin_stores_the_plan_item(store: Path, tmp_path: Path) -> None:
    plugin = NamesTheUnit()
    with _app(store, plugin) as pd:
        report = pd.batch(str(_mailbox(tmp_path)))
        [outcome] = report.outcomes
        stored = pd.store.get_submission(outcome.submission.id)
        conferences = pd.store.conferences(year=2021, unit="市统计局")
    assert len(plugin.seen) == 1
    sub = outcome.submission
    assert (sub.unit, sub.plan_year, sub.plan_item) == ("市统计局", 2021, 11)
    assert "PD301" not in _codes(sub)
    assert stored is not None
    assert (stored.unit, stored.plan_item, _codes(stored)) == ("市统计局", 11, _codes(sub))
    # the ledger's view of the year counts it as 市统计局's conference of item 11
    assert [c.plan_item for c in conferences] == [11]
    assert report.to_dict()["messages"][0]["plan_item"] == 11


def test_the_same_submission_whichever_way_in(store: Path, tmp_path: Path) -> None:
    """check on the saved message and batch on its mailbox give the same result."""
    mail = _mailbox(tmp_path)
    with _app(store, NamesTheUnit()) as pd:
        checked = pd.check(mail / "1.eml")
        [taken] = pd.batch(str(mail)).outcomes
    assert [f.to_dict() for f in checked.findings] == \
        [f.to_dict() for f in taken.submission.findings]
    assert (checked.unit, checked.plan_item, checked.status) == (
        taken.submission.unit, taken.submission.plan_item, taken.submission.status)
