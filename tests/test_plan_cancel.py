"""An item of the plan the office cancels (pressdocs plan cancel): no longer due or
overdue — no PD303, no reminder — shown as 已取消 with the reason, kept when the plan is
imported again, and undone on request; a conference held for it after all counts."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from cli_support import TZ, invoke, json_of
from pressdocs import Pressdocs, schemas
from pressdocs.errors import StoreError
from pressdocs.rules.plan_status import PlanState
from submissions import message, registration_docx


@pytest.fixture
def office(tmp_path: Path, seed_path: Path) -> Pressdocs:
    pd = Pressdocs(store=tmp_path / "store")
    pd.import_plan(seed_path)
    return pd


def state(pd: Pressdocs, number: int, as_of: date) -> tuple[PlanState, str]:
    found = next(s for s in pd.plan_status(as_of=as_of).items if s.item.number == number)
    return found.state, found.reason


def test_a_cancelled_item_is_neither_due_nor_overdue(office: Pressdocs, seed_path: Path,
                                                      tmp_path: Path) -> None:
    spring = date(2021, 3, 25)
    assert state(office, 1, spring)[0] is PlanState.OVERDUE
    office.cancel_plan_item(1, reason="与一季度发布会合并召开")
    assert state(office, 1, spring) == (PlanState.CANCELLED, "与一季度发布会合并召开")
    report = office.plan_status(as_of=spring).to_dict("zh")
    schemas.validate("plan-status", report)
    first = report["items"][0]
    assert (first["state"], first["state_label"], first["reason"]) == \
        ("cancelled", "已取消", "与一季度发布会合并召开")
    assert report["items"][1]["reason"] is None
    # no reminder, no PD303 for the unit's next mail, not in the annual check's overdue
    reminded = office.remind(as_of=spring, dry_run=True).outcomes
    assert not any(o.notice.key.startswith("remind_delayed:plan-2021-1:") for o in reminded)
    form = registration_docx(title="芜湖市2021年一季度经济运行情况新闻发布会", unit="市统计局",
                             when="2021年4月15日9:30")
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "1.eml").write_bytes(message(subject="登记表", sender="tjj@wuhu.gov.cn",
                                         date=datetime(2021, 4, 9, 10, tzinfo=TZ),
                                         attachments=[("登记表.docx", form)]))
    taken = office.batch(str(mail)).outcomes[0].submission
    assert "PD303" not in [f.code for f in taken.findings]
    assert 1 not in [s.item.number for s in office.annual(2021, as_of=date(2022, 2, 1)).overdue]
    # the plan imported again keeps it
    office.import_plan(seed_path)
    assert state(office, 1, spring)[0] is PlanState.CANCELLED
    # undone: overdue again
    assert office.restore_plan_item(1) is True
    assert office.restore_plan_item(1) is False
    assert state(office, 1, spring)[0] is PlanState.OVERDUE


def test_a_conference_held_for_a_cancelled_item_counts(office: Pressdocs,
                                                       tmp_path: Path) -> None:
    office.cancel_plan_item(11, reason="推迟")
    form = registration_docx(title="芜湖市2021年一季度全市经济运行情况新闻发布会",
                             unit="市统计局", when="2021年4月15日9:30")
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "1.eml").write_bytes(message(subject="登记表", sender="tjj@wuhu.gov.cn",
                                         date=datetime(2021, 4, 9, 10, tzinfo=TZ),
                                         attachments=[("登记表.docx", form)]))
    office.batch(str(mail))
    assert state(office, 11, date(2021, 4, 30))[0] is PlanState.HELD


def test_what_cannot_be_cancelled_is_said(office: Pressdocs) -> None:
    with pytest.raises(StoreError, match="2021年计划安排中没有第99项（共74项）"):
        office.cancel_plan_item(99, reason="x")
    with pytest.raises(StoreError, match="须写明原因"):
        office.cancel_plan_item(3, reason="  ")


def test_the_command_line(office: Pressdocs) -> None:
    store = str(office.store.path)
    office.close()
    done = invoke(["--store", store, "plan", "cancel", "5", "--reason", "机构改革"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("已取消2021年计划第5项“") and "（原因：机构改革）" in done.output
    listed = json_of(["--store", store, "plan", "status", "--as-of", "2021-06-30", "--json"])
    assert listed["items"][4]["state"] == "cancelled"
    table = invoke(["--store", store, "plan", "status", "--as-of", "2021-06-30"]).output
    assert "已取消" in table
    missing = invoke(["--store", store, "plan", "cancel", "6"])
    assert missing.exit_code == 2 and "须写明原因" in missing.output
    undone = invoke(["--store", store, "plan", "cancel", "5", "--undo"])
    assert undone.output.strip() == "已撤销对2021年计划第5项的取消"
    again = invoke(["--store", store, "plan", "cancel", "5", "--undo"])
    assert again.output.strip() == "2021年计划第5项没有被取消"
    english = invoke(["--store", store, "--lang", "en", "plan", "cancel", "5", "--reason", "merged"])
    assert "item 5 of the 2021 plan" in english.output and "is cancelled (reason: merged)" in english.output
    assert json.loads(invoke(["--store", store, "plan", "status", "--as-of", "2021-06-30",
                              "--json", "--lang", "en"]).stdout)["items"][4]["state_label"] == "cancelled"


def test_one_conference_told_twice_fulfils_one_item(office: Pressdocs) -> None:
    """Its registration and a row of the unit's statistics table: one conference (the same
    unit, day and an alike title), not a second item of the plan held."""
    from pressdocs.models import Conference
    from pressdocs.rules.plan_status import plan_status

    plan = office.plan(2021)
    told = [Conference("市统计局", "芜湖市2021年一季度全市经济运行情况新闻发布会", date(2021, 4, 15)),
            Conference("芜湖市统计局", "一季度全市经济运行情况", date(2021, 4, 15),
                       source="statistics"),
            Conference("市统计局", "全市民营经济发展情况", date(2021, 4, 15),
                       source="statistics")]  # another conference that day
    held = {s.item.number: s.state for s in plan_status(plan, told, date(2021, 12, 31),
                                                        config=office.config)}
    assert held[11] is PlanState.HELD
    statistics_items = [n for n, st in held.items()
                        if st in (PlanState.HELD, PlanState.DELAYED) and n != 11]
    assert 53 not in statistics_items  # 前三季度: not this conference
