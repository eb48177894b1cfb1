"""PD401–PD405: the statistics table (统计表), reconciliation and department heads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pressdocs.models import (
    Document,
    DocumentKind,
    Severity,
    Speaker,
    StatisticsReport,
    StatisticsRow,
    Submission,
    SubmissionKind,
)
from pressdocs.rules.heads import (
    Appearance,
    appearances_from_statistics,
    heads_without_conference,
    is_principal,
)
from pressdocs.rules.plan_status import Conference
from pressdocs.rules.reconcile import reconcile
from pressdocs.rules.statistics import (
    FilerContact,
    HeadAttendance,
    RegisteredVersusReported,
    StatisticsOnTime,
    StatisticsRowsComplete,
    valid_contact,
)
from pressdocs.store import Store, open_store
from rules_support import assert_natural_chinese, at, check, registration, run, submission

UNIT = "鸠江区人民政府"


def row(**overrides: Any) -> StatisticsRow:
    values: dict[str, Any] = dict(
        number=1, held_on=date(2021, 5, 12), held_on_text="2021年5月12日",
        venue="鸠江区政务服务中心", unit=UNIT, media=["芜湖日报社", "芜湖广播电视台"],
        topic="鸠江区优化营商环境工作情况", speakers=[Speaker("李明", "区政府副区长")],
        questions_allowed=True, question_count=3)
    values.update(overrides)
    return StatisticsRow(**values)


def report(*rows: StatisticsRow, **overrides: Any) -> StatisticsReport:
    values: dict[str, Any] = dict(filing_unit=UNIT, filing_date=date(2021, 6, 28),
                                  filer="张敏", filer_contact="0553-5841234",
                                  rows=list(rows) or [row()])
    values.update(overrides)
    return StatisticsReport(**values)


def statistics_submission(table: StatisticsReport, received: Any = None,
                          **fields: Any) -> Submission:
    return Submission(id=fields.pop("id", "t" * 64), kind=SubmissionKind.STATISTICS,
                      received=received or at(2021, 6, 29, 10), statistics=table,
                      unit=fields.pop("unit", UNIT),
                      documents=[Document(name="统计表.xlsx", kind=DocumentKind.STATISTICS)],
                      **fields)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "store") as opened:
        yield opened


def test_a_complete_table_on_time_raises_nothing() -> None:
    assert run(statistics_submission(report())) == []


# --- PD401 -------------------------------------------------------------------------------

def test_pd401_on_the_filing_day_passes() -> None:
    sub = statistics_submission(report(), received=at(2021, 6, 30, 23, 59))
    assert check(StatisticsOnTime(), sub) == []


def test_pd401_the_day_after_is_late() -> None:
    sub = statistics_submission(report(), received=at(2021, 7, 1, 0, 0))
    [finding] = check(StatisticsOnTime(), sub)
    assert finding.severity is Severity.WARNING
    assert finding.message.zh == "统计表2021年7月1日收到，晚于报送日期2021年6月30日，晚了1天"
    assert finding.location.document == "统计表.xlsx"
    assert_natural_chinese(finding)


def test_pd401_the_second_half_is_due_on_december_30() -> None:
    table = report(row(held_on=date(2021, 11, 2)))
    assert check(StatisticsOnTime(), statistics_submission(table, at(2021, 12, 30, 17))) == []
    [finding] = check(StatisticsOnTime(), statistics_submission(table, at(2021, 12, 31, 9)))
    assert "报送日期2021年12月30日" in finding.message.zh


def test_pd401_without_any_date_the_rule_is_silent() -> None:
    table = report(row(held_on=None, held_on_text=""), filing_date=None)
    assert check(StatisticsOnTime(), statistics_submission(table, at(2022, 3, 1))) == []


# --- PD402 -------------------------------------------------------------------------------

def test_pd402_names_the_empty_columns_of_each_row() -> None:
    table = report(row(), row(number=2, venue="", speakers=[Speaker("李明", "")]),
                   row(number=3, held_on=None, held_on_text="5月", questions_allowed=None))
    findings = check(StatisticsRowsComplete(), statistics_submission(table))
    assert [f.location.field for f in findings] == ["statistics.rows"] * 2
    assert [f.message.params["row"] for f in findings] == [2, 3]
    assert findings[0].message.zh == ("统计表第2行“鸠江区优化营商环境工作情况”未填写："
                                      "地点、发布人职务")
    assert findings[1].message.zh == ("统计表第3行“鸠江区优化营商环境工作情况”未填写："
                                      "时间（“5月”无法识别为日期）、是否设记者提问")
    for finding in findings:
        assert finding.severity is Severity.ERROR
        assert_natural_chinese(finding)


def test_pd402_question_count_is_needed_only_when_questions_were_allowed() -> None:
    table = report(row(questions_allowed=False, question_count=None))
    assert check(StatisticsRowsComplete(), statistics_submission(table)) == []
    table = report(row(questions_allowed=True, question_count=None))
    [finding] = check(StatisticsRowsComplete(), statistics_submission(table))
    assert finding.message.zh.endswith("未填写：记者提问个数")


def test_pd402_skips_the_blank_rows_of_the_template() -> None:
    blank = StatisticsRow()
    assert check(StatisticsRowsComplete(), statistics_submission(report(row(), blank))) == []


# --- PD403 -------------------------------------------------------------------------------

def test_reconcile_matches_by_day_and_title() -> None:
    registered = [Conference(UNIT, "优化营商环境工作情况新闻发布会", date(2021, 5, 12)),
                  Conference(UNIT, "鸠江区防汛工作", date(2021, 6, 2))]
    rows = [row(), row(number=2, held_on=date(2021, 4, 1), topic="春季植树活动")]
    result = reconcile(registered, rows)
    assert [c.title for c in result.missing_from_statistics] == ["鸠江区防汛工作"]
    assert result.unregistered_rows == [1]


def test_reconcile_forgives_a_mistyped_day_for_a_very_alike_title() -> None:
    registered = [Conference(UNIT, "鸠江区优化营商环境工作情况", date(2021, 5, 13))]
    result = reconcile(registered, [row()])
    assert result.missing_from_statistics == [] and result.unregistered_rows == []


def test_pd403_reports_both_directions(store: Store) -> None:
    for i, (title, day) in enumerate([("鸠江区优化营商环境工作情况", date(2021, 5, 12)),
                                      ("鸠江区防汛工作新闻发布会", date(2021, 6, 2))]):
        store.save_submission(submission(reg=registration(title=title, organiser=UNIT,
                                                          time=at(day.year, day.month, day.day)),
                                         id=f"{i}" * 64, unit=UNIT,
                                         received=at(2021, 5, 1 + i)))
    table = report(row(), row(number=2, held_on=date(2021, 4, 1), topic="春季植树活动"))
    findings = check(RegisteredVersusReported(), statistics_submission(table), store=store)
    assert [f.message.zh for f in findings] == [
        "已向市新闻办登记的“鸠江区防汛工作新闻发布会”（2021年6月2日）没有列入统计表",
        "统计表第2行“春季植树活动”（2021年4月1日）没有向市新闻办登记"]
    for finding in findings:
        assert_natural_chinese(finding)


def test_pd403_passes_when_they_agree(store: Store) -> None:
    store.save_submission(submission(reg=registration(title="优化营商环境", organiser=UNIT,
                                                      time=at(2021, 5, 12, 9)),
                                     id="1" * 64, unit=UNIT, received=at(2021, 5, 1)))
    assert check(RegisteredVersusReported(), statistics_submission(report()), store=store) == []


def test_pd403_does_not_ask_units_that_never_register(store: Store) -> None:
    assert check(RegisteredVersusReported(), statistics_submission(report()), store=store) == []
    assert check(RegisteredVersusReported(), statistics_submission(report()), store=None) == []


# --- PD404 -------------------------------------------------------------------------------

@pytest.mark.parametrize(("position", "head"), [
    ("局长", True), ("市统计局党组书记、局长", True), ("主任", True), ("区长", True),
    ("市企业服务中心主任", True), ("党组书记", True), ("县委常委、副县长", False),
    ("副局长（主持工作）", False), ("办公室主任", False), ("局长助理", False),
    ("机关党委书记", False), ("新闻发言人", False), ("四级主任科员", False),
    ("工会主席", False), ("一级调研员", False), ("", False)])
def test_who_counts_as_a_head(position: str, head: bool) -> None:
    assert is_principal(position) is head


def test_heads_without_conference_by_title_or_known_name() -> None:
    seen = [Appearance("市统计局", date(2021, 4, 20), "赵强", "党组书记、局长"),
            Appearance("市财政局", date(2021, 7, 8), "钱伟", "副局长"),
            Appearance("市商务局", date(2021, 3, 1), "孙丽", "新闻发言人"),
            Appearance("市医保局", date(2020, 12, 1), "周杰", "局长")]
    units = ["市统计局", "市财政局", "市商务局", "市医保局"]
    assert heads_without_conference(units, seen, 2021) == ["市财政局", "市商务局", "市医保局"]
    assert heads_without_conference(units, seen, 2021, heads={"市商务局": "孙丽"}) == [
        "市财政局", "市医保局"]


def test_appearances_come_from_every_speaker_of_dated_rows() -> None:
    table = report(row(speakers=[Speaker("李明", "副区长"), Speaker("王刚", "区长")]),
                   row(held_on=None, held_on_text=""))
    assert [a.name for a in appearances_from_statistics([table])] == ["李明", "王刚"]


def test_pd404_the_year_end_table_without_the_head() -> None:
    table = report(row(held_on=date(2021, 11, 2)))
    [finding] = check(HeadAttendance(), statistics_submission(table, at(2021, 12, 28)))
    assert finding.message.zh == ("2021年的统计表和登记表中，未见鸠江区人民政府主要负责同志参加"
                                  "新闻发布会（主要负责同志每年应参加一次新闻发布会）")
    assert_natural_chinese(finding)


def test_pd404_passes_when_the_head_spoke_earlier_in_the_year(store: Store) -> None:
    first_half = report(row(speakers=[Speaker("王刚", "区委副书记、区长")]))
    store.save_submission(statistics_submission(first_half, at(2021, 6, 29), id="h" * 64))
    table = report(row(held_on=date(2021, 11, 2)))
    sub = statistics_submission(table, at(2021, 12, 28))
    assert check(HeadAttendance(), sub, store=store) == []


def test_pd404_waits_for_the_year_end_table() -> None:
    assert check(HeadAttendance(), statistics_submission(report())) == []


# --- PD405 -------------------------------------------------------------------------------

@pytest.mark.parametrize("contact", ["0553-5841234", "13905531234", "zhangmin@wuhu.gov.cn",
                                     "电话：13905531234"])
def test_pd405_passes_a_phone_or_an_email(contact: str) -> None:
    assert valid_contact(contact)
    assert check(FilerContact(), statistics_submission(report(filer_contact=contact))) == []


@pytest.mark.parametrize("contact", ["zhangmin@wuhu", "12345", "张敏"])
def test_pd405_an_invalid_contact(contact: str) -> None:
    [finding] = check(FilerContact(), statistics_submission(report(filer_contact=contact)))
    assert finding.message.zh == f"统计表填表人的联系方式“{contact}”不是有效的电话号码或电子邮箱"
    assert_natural_chinese(finding)


def test_pd405_a_missing_contact_unless_it_is_written_beside_the_name() -> None:
    [finding] = check(FilerContact(), statistics_submission(report(filer_contact="")))
    assert finding.message.zh == "统计表没有填写填表人的联系方式"
    table = report(filer="张敏13905531234", filer_contact="")
    assert check(FilerContact(), statistics_submission(table)) == []
