"""PD301–PD303 and the plan status behind them: planned, delayed, overdue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pressdocs.config import Config, Unit
from pressdocs.models import (
    Plan,
    PlanItem,
    Severity,
    StatisticsReport,
    StatisticsRow,
    Submission,
)
from pressdocs.rules.plan import DelayedConference, OverduePlanItems, UnplannedConference
from pressdocs.rules.plan_status import (
    Conference,
    PlanState,
    match_plan_item,
    overdue_items,
    plan_deadline,
    plan_status,
)
from pressdocs.store import Store, open_store
from rules_support import assert_natural_chinese, at, check, registration, submission

VENUE = "市政府新闻发布厅"


def plan_2021() -> Plan:
    """Rows of the seed's 附件1."""
    rows = [(1, 1, "2020年全市经济运行情况", ["市统计局"]),
            (9, 3, "信用体系政策解读", ["市发改委"]),
            (10, 3, "推进特色农业保险高质量发展情况", ["市财政局", "市农业农村局"]),
            (11, 4, "2021年一季度全市经济运行情况", ["市统计局"]),
            (29, 7, "2021年上半年全市经济运行情况", ["市统计局"]),
            (53, 10, "2021年前三季度全市经济运行情况", ["市统计局"]),
            (63, 12, "2021年度巩固拓展脱贫攻坚成果同乡村振兴衔接情况", ["市扶贫办"])]
    return Plan(year=2021, items=[PlanItem(number=n, venue=VENUE, month=m, topic=t, units=u)
                                  for n, m, t, u in rows])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "store") as opened:
        opened.save_plan(plan_2021())
        yield opened


# --- pure functions ------------------------------------------------------------------------

def test_deadline_is_the_end_of_the_month_after() -> None:
    assert plan_deadline(2021, 3) == date(2021, 4, 30)
    assert plan_deadline(2021, 1) == date(2021, 2, 28)
    assert plan_deadline(2021, 12) == date(2022, 1, 31)
    assert plan_deadline(2021, 1, 2) == date(2021, 3, 31)


def test_match_by_unit_and_topic_picks_the_briefing_of_the_right_quarter() -> None:
    config = Config()
    plan = plan_2021()
    item = match_plan_item(plan, "芜湖市统计局", "2021年一季度全市经济运行情况新闻发布会",
                           when=date(2021, 4, 20), config=config)
    assert item is not None and item.number == 11
    item = match_plan_item(plan, "市统计局", "上半年全市经济运行情况", when=date(2021, 7, 16),
                           config=config)
    assert item is not None and item.number == 29


def test_match_any_of_several_units_and_aliases() -> None:
    config = Config(units={"市农业农村局": Unit(name="市农业农村局", aliases=["农业农村局"])})
    item = match_plan_item(plan_2021(), "农业农村局", "特色农业保险高质量发展", config=config)
    assert item is not None and item.number == 10


def test_no_match_for_another_unit_or_an_unplanned_topic() -> None:
    plan = plan_2021()
    assert match_plan_item(plan, "市教育局", "信用体系政策解读") is None
    assert match_plan_item(plan, "市发改委", "全国文明城市创建工作") is None


def test_plan_status_states() -> None:
    conferences = [Conference("市统计局", "2021年一季度全市经济运行情况", date(2021, 4, 20)),
                   Conference("市统计局", "2020年全市经济运行情况", date(2021, 1, 28)),
                   Conference("市财政局", "特色农业保险", date(2021, 5, 6)),
                   Conference("市统计局", "上半年经济运行情况", date(2021, 7, 16))]
    states = {s.item.number: s.state
              for s in plan_status(plan_2021(), conferences, date(2021, 5, 1))}
    assert states == {1: PlanState.HELD, 9: PlanState.OVERDUE, 10: PlanState.DELAYED,
                      11: PlanState.HELD, 29: PlanState.REGISTERED, 53: PlanState.DUE,
                      63: PlanState.DUE}


def test_overdue_starts_the_day_after_the_deadline() -> None:
    plan = plan_2021()
    assert [s.item.number for s in overdue_items(plan, [], date(2021, 4, 30),
                                                 unit="市发改委")] == []
    [status] = overdue_items(plan, [], date(2021, 5, 1), unit="市发改委")
    assert status.item.number == 9 and status.deadline == date(2021, 4, 30)


def test_a_conference_naming_its_item_is_taken_at_its_word() -> None:
    conference = Conference("市发改委", "社会信用体系建设", date(2021, 3, 24), 2021, 9)
    [status] = [s for s in plan_status(plan_2021(), [conference], date(2021, 6, 1))
                if s.item.number == 9]
    assert status.state is PlanState.HELD and status.conference == conference


def test_conferences_of_an_earlier_year_do_not_fulfil_the_plan() -> None:
    conference = Conference("市发改委", "信用体系政策解读", date(2020, 12, 20))
    assert overdue_items(plan_2021(), [conference], date(2021, 5, 1), unit="市发改委")


def test_store_conferences_fit_the_plan_status(store: Store) -> None:
    row = StatisticsRow(held_on=date(2021, 3, 24), unit="市发改委", topic="信用体系政策解读")
    store.save_submission(Submission(id="c" * 64, statistics=StatisticsReport(rows=[row])))
    assert overdue_items(plan_2021(), store.conferences(), date(2021, 6, 1),
                         unit="市发改委") == []


# --- PD301 -------------------------------------------------------------------------------

def test_pd301_an_unplanned_conference_is_recorded_as_info(store: Store) -> None:
    reg = registration(title="全国文明城市创建工作新闻发布会", organiser="市文明办",
                       time=at(2021, 6, 8, 9))
    sub = submission(reg=reg, received=at(2021, 6, 1), unit="市文明办")
    [finding] = check(UnplannedConference(), sub, store=store)
    assert finding.severity is Severity.INFO
    assert finding.message.zh == ("“全国文明城市创建工作新闻发布会”不在2021年新闻发布会计划安排中；"
                                  "未列入计划的发布会可以根据工作需要召开，已登记备查")
    assert_natural_chinese(finding)


def test_pd301_passes_a_planned_conference(store: Store) -> None:
    sub = submission(reg=registration(time=at(2021, 4, 20, 9)), unit="市统计局",
                     received=at(2021, 4, 12))
    assert check(UnplannedConference(), sub, store=store) == []


def test_pd301_is_silent_without_a_store_or_a_plan(tmp_path: Path) -> None:
    reg = registration(title="全国文明城市创建工作", organiser="市文明办", time=at(2022, 6, 8))
    sub = submission(reg=reg, unit="市文明办")
    assert check(UnplannedConference(), sub, store=None) == []
    with open_store(tmp_path / "empty") as empty:
        assert check(UnplannedConference(), sub, store=empty) == []


def test_pd301_needs_the_plan_of_the_conferences_own_year(store: Store) -> None:
    reg = registration(title="全国文明城市创建工作", organiser="市文明办", time=at(2022, 2, 8))
    assert check(UnplannedConference(), submission(reg=reg, unit="市文明办"), store=store) == []


# --- PD302 -------------------------------------------------------------------------------

def test_pd302_held_after_the_end_of_the_next_month(store: Store) -> None:
    reg = registration(title="信用体系政策解读新闻发布会", organiser="市发改委",
                       time=at(2021, 5, 6, 9, 30))
    sub = submission(reg=reg, unit="市发改委", received=at(2021, 4, 28))
    [finding] = check(DelayedConference(), sub, store=store)
    assert finding.message.zh == (
        "“信用体系政策解读”按计划安排（第9项）应于2021年3月召开，登记的举办时间为"
        "2021年5月6日 9:30，推迟超过1个月（延期一般不超过1个月，最迟应于2021年4月30日召开）")
    assert finding.clause == "若确因工作变动推迟发布时间,延期一般不超过1个月"
    assert_natural_chinese(finding)


def test_pd302_passes_on_the_last_day_of_the_next_month(store: Store) -> None:
    reg = registration(title="信用体系政策解读新闻发布会", organiser="市发改委",
                       time=at(2021, 4, 30, 15))
    sub = submission(reg=reg, unit="市发改委", received=at(2021, 4, 26))
    assert check(DelayedConference(), sub, store=store) == []


def test_pd302_a_december_item_delayed_into_the_next_year(store: Store) -> None:
    reg = registration(title="巩固拓展脱贫攻坚成果同乡村振兴衔接情况", organiser="市扶贫办",
                       time=at(2022, 2, 10, 9))
    sub = submission(reg=reg, unit="市扶贫办", received=at(2022, 2, 1))
    [finding] = check(DelayedConference(), sub, store=store)
    assert "最迟应于2022年1月31日召开" in finding.message.zh


# --- PD303 -------------------------------------------------------------------------------

def test_pd303_reminds_the_unit_of_an_overdue_item(store: Store) -> None:
    sub = submission(reg=registration(title="价格情况发布", organiser="市发改委",
                                      time=at(2021, 5, 20, 9)),
                     unit="市发改委", received=at(2021, 5, 1, 9))
    [finding] = check(OverduePlanItems(), sub, store=store)
    assert finding.message.zh == ("按2021年计划安排（第9项），“信用体系政策解读”应于2021年3月召开，"
                                  "延期最迟到2021年4月30日，截至2021年5月1日仍未报送登记表")
    assert finding.location.field == "submission.plan_item"
    assert (finding.message.params["year"], finding.message.params["number"]) == (2021, 9)
    assert_natural_chinese(finding)


def test_pd303_passes_the_day_of_the_deadline(store: Store) -> None:
    sub = submission(reg=registration(title="价格情况发布", time=at(2021, 5, 20, 9)),
                     unit="市发改委", received=at(2021, 4, 30, 23, 59))
    assert check(OverduePlanItems(), sub, store=store) == []


def test_pd303_passes_when_the_item_was_registered_earlier(store: Store) -> None:
    store.save_submission(submission(
        reg=registration(title="信用体系政策解读", organiser="市发改委", time=at(2021, 5, 10)),
        id="e" * 64, unit="市发改委", received=at(2021, 4, 25)))
    sub = submission(reg=registration(title="价格情况发布", time=at(2021, 5, 20, 9)),
                     unit="市发改委", received=at(2021, 5, 3))
    assert check(OverduePlanItems(), sub, store=store) == []


def test_pd303_a_registration_that_arrived_later_does_not_count(store: Store) -> None:
    store.save_submission(submission(
        reg=registration(title="信用体系政策解读", organiser="市发改委", time=at(2021, 5, 20)),
        id="l" * 64, unit="市发改委", received=at(2021, 5, 10)))
    sub = submission(reg=registration(title="价格情况发布", time=at(2021, 6, 20, 9)),
                     unit="市发改委", received=at(2021, 5, 3))
    [finding] = check(OverduePlanItems(), sub, store=store)
    assert "第9项" in finding.message.zh


def test_pd303_an_item_of_two_units_registered_by_one_is_no_reminder_to_the_other(
        store: Store) -> None:
    """Item 10 is 市财政局、市农业农村局's: 市财政局 registered it (signing in full), so
    市农业农村局's next mail is not told it is overdue; with nobody's registration, it is."""
    sub = submission(reg=registration(title="农村人居环境整治", time=at(2021, 6, 8, 9)),
                     unit="市农业农村局", received=at(2021, 6, 3), id="n" * 64)
    [finding] = check(OverduePlanItems(), sub, store=store)
    assert "第10项" in finding.message.zh
    store.save_submission(submission(
        reg=registration(title="芜湖市推进特色农业保险高质量发展情况新闻发布会",
                         organiser="芜湖市财政局", time=at(2021, 3, 26, 9)),
        id="f" * 64, unit="芜湖市财政局", received=at(2021, 3, 20)))
    assert check(OverduePlanItems(), sub, store=store) == []


def test_pd303_only_the_sending_units_items(store: Store) -> None:
    sub = submission(reg=registration(title="一季度经济", time=at(2021, 4, 20, 9)),
                     unit="市统计局", received=at(2021, 5, 3))
    [finding] = check(OverduePlanItems(), sub, store=store)
    assert "“2020年全市经济运行情况”" in finding.message.zh
    sub = submission(reg=registration(title="脱贫攻坚", time=at(2021, 4, 20, 9)),
                     unit="市扶贫办", received=at(2021, 5, 3))
    assert check(OverduePlanItems(), sub, store=store) == []
