"""PD101–PD106: the registration form (登记表), each rule triggered and just passed."""

from __future__ import annotations

from datetime import date

import pytest

from pressdocs.config import Config, Deadlines
from pressdocs.models import Person, Severity
from pressdocs.rules.registration import (
    ApprovalOpinion,
    CalendarCoverage,
    ConferenceTime,
    PhoneNumber,
    RegistrationOnTime,
    RequiredFields,
)
from rules_support import (
    assert_natural_chinese,
    at,
    check,
    codes,
    registration,
    run,
    submission,
)


def test_a_complete_form_on_time_raises_nothing() -> None:
    sub = submission(reg=registration(), received=at(2021, 4, 12, 10))
    assert run(sub) == []


# --- PD101 -------------------------------------------------------------------------------

def test_pd101_passes_at_2359_three_days_before() -> None:
    sub = submission(reg=registration(time=at(2021, 4, 20, 9, 30)),
                     received=at(2021, 4, 17, 23, 59))
    assert check(RegistrationOnTime(), sub) == []


def test_pd101_fires_at_midnight_the_day_after() -> None:
    sub = submission(reg=registration(time=at(2021, 4, 20, 9, 30)),
                     received=at(2021, 4, 18, 0, 0))
    [finding] = check(RegistrationOnTime(), sub)
    assert finding.code == "PD101" and finding.severity is Severity.ERROR
    assert finding.message.zh == (
        "登记表2021年4月18日收到，发布会定于2021年4月20日 9:30召开，"
        "按召开前3天报送的要求最迟应于2021年4月17日报送，晚了1天")
    assert finding.location.document == "登记表.docx"
    assert finding.location.field == "registration.time"
    assert finding.clause == "发布会召开前3天报送市新闻办"
    assert_natural_chinese(finding)


def test_pd101_judges_by_the_received_time_not_the_clock() -> None:
    sub = submission(reg=registration(time=at(2019, 5, 10, 9)), received=at(2019, 5, 1))
    assert check(RegistrationOnTime(), sub) == []
    sub.received = None
    assert check(RegistrationOnTime(), sub) == []


def test_pd101_working_days_option() -> None:
    config = Config(deadlines=Deadlines(days="working"))
    # Conference Monday 2021-03-15: due Wednesday 10th in working days, Friday 12th in
    # calendar days.
    sub = submission(reg=registration(time=at(2021, 3, 15, 9), time_text="2021年3月15日9:00"),
                     received=at(2021, 3, 11, 9))
    assert check(RegistrationOnTime(), sub) == []
    [finding] = check(RegistrationOnTime(), sub, config)
    assert "召开前3个工作日" in finding.message.zh
    assert "最迟应于2021年3月10日" in finding.message.zh


def test_pd101_in_a_year_without_holiday_data_says_so_instead_of_crashing() -> None:
    config = Config(deadlines=Deadlines(days="working"))
    sub = submission(reg=registration(time=at(2035, 3, 15, 9), time_text="2035年3月15日9:00",
                                      filing_date=None),
                     received=at(2035, 3, 13, 9))
    [finding] = check(RegistrationOnTime(), sub, config)
    assert "节假日安排数据尚未收录2035年" in finding.message.zh
    assert "最迟应于2035年3月12日" in finding.message.zh


# --- PD102 -------------------------------------------------------------------------------

def test_pd102_one_finding_per_empty_field() -> None:
    reg = registration(organiser=" ", person_in_charge=Person(name="王喆", phone="", position=""),
                       venue="")
    findings = check(RequiredFields(), submission(reg=reg, received=at(2021, 4, 1)))
    assert [f.location.field for f in findings] == [
        "registration.organiser", "registration.person_in_charge.phone",
        "registration.person_in_charge.position", "registration.venue"]
    assert findings[0].message.zh == "登记表未填写“举办单位”"
    for finding in findings:
        assert_natural_chinese(finding)


def test_pd102_blank_time_is_reported_once_as_an_empty_field() -> None:
    reg = registration(time=None, time_text="")
    found = run(submission(reg=reg, received=at(2021, 4, 1)))
    assert codes(found) == ["PD102"]
    assert found[0].location.field == "registration.time"


def test_pd102_passes_when_every_field_is_filled() -> None:
    assert check(RequiredFields(), submission(reg=registration())) == []


# --- PD103 -------------------------------------------------------------------------------

@pytest.mark.parametrize("phone", ["13905531234", "0553-3831234", "(0553)3831234",
                                   "（０５５３）３８３１２３４", "0553-3831234转801",
                                   "13905531234、0553-3831234"])
def test_pd103_passes_numbers_as_staff_write_them(phone: str) -> None:
    reg = registration(person_in_charge=Person(name="王喆", phone=phone, position="科长"))
    assert check(PhoneNumber(), submission(reg=reg)) == []


@pytest.mark.parametrize("phone", ["1390553123", "12345678901", "3831234", "待定"])
def test_pd103_fires_for_numbers_that_are_not_phones(phone: str) -> None:
    reg = registration(person_in_charge=Person(name="王喆", phone=phone, position="科长"))
    [finding] = check(PhoneNumber(), submission(reg=reg))
    assert finding.location.field == "registration.person_in_charge.phone"
    assert f"负责人电话“{phone}”不是有效的手机号码或座机号码" in finding.message.zh
    assert_natural_chinese(finding)


def test_pd103_leaves_an_empty_phone_to_pd102() -> None:
    reg = registration(person_in_charge=Person(name="王喆", phone="", position="科长"))
    assert check(PhoneNumber(), submission(reg=reg)) == []


# --- PD104 -------------------------------------------------------------------------------

def test_pd104_missing_opinion_is_a_warning() -> None:
    [finding] = check(ApprovalOpinion(), submission(reg=registration(approval_opinion="")))
    assert finding.severity is Severity.WARNING
    assert "审批意见" in finding.message.zh
    assert finding.location.field == "registration.approval_opinion"
    assert_natural_chinese(finding)


def test_pd104_undated_opinion() -> None:
    reg = registration(approval_opinion="同意", approval_date=None)
    [finding] = check(ApprovalOpinion(), submission(reg=reg))
    assert finding.message.zh == "登记表的审批意见没有注明日期"


def test_pd104_passes_a_dated_opinion() -> None:
    assert check(ApprovalOpinion(), submission(reg=registration())) == []


# --- PD105 -------------------------------------------------------------------------------

def test_pd105_impossible_date() -> None:
    reg = registration(time=None, time_text="2021年2月30日上午9:30")
    [finding] = check(ConferenceTime(), submission(reg=reg, received=at(2021, 2, 20)))
    assert finding.message.zh == "登记表的举办时间有误：2021年2月30日不是有效日期"
    assert_natural_chinese(finding)


def test_pd105_a_time_with_no_date() -> None:
    reg = registration(time=None, time_text="待定")
    [finding] = check(ConferenceTime(), submission(reg=reg, received=at(2021, 2, 20)))
    assert finding.message.zh == "登记表的举办时间“待定”中没有可识别的日期"


def test_pd105_earlier_than_receipt() -> None:
    reg = registration(time=at(2021, 4, 20, 9, 30))
    [finding] = check(ConferenceTime(), submission(reg=reg, received=at(2021, 4, 20, 10)))
    assert finding.message.zh == ("举办时间2021年4月20日 9:30早于登记表的收到时间"
                                  "2021年4月20日 10:00，请核实举办时间是否填错")
    assert_natural_chinese(finding)


def test_pd105_passes_a_conference_later_that_day() -> None:
    reg = registration(time=at(2021, 4, 20, 15))
    assert check(ConferenceTime(), submission(reg=reg, received=at(2021, 4, 20, 10))) == []


def test_pd105_a_date_without_a_time_of_day_is_compared_by_day() -> None:
    reg = registration(time=at(2021, 4, 20), time_text="2021年4月20日")
    assert check(ConferenceTime(), submission(reg=reg, received=at(2021, 4, 20, 10))) == []
    [finding] = check(ConferenceTime(), submission(reg=reg, received=at(2021, 4, 21, 8)))
    assert "举办时间2021年4月20日早于" in finding.message.zh


# --- PD106 -------------------------------------------------------------------------------

def test_pd106_warns_when_working_days_cannot_be_counted() -> None:
    config = Config(deadlines=Deadlines(days="working"))
    reg = registration(time=at(2035, 5, 8, 9), time_text="2035年5月8日9:00", filing_date=None)
    [finding] = check(CalendarCoverage(), submission(reg=reg), config)
    assert finding.severity is Severity.WARNING
    assert "2035年" in finding.message.zh and "自然日" in finding.message.zh
    assert_natural_chinese(finding)


def test_pd106_is_silent_in_calendar_mode_and_for_known_years() -> None:
    reg = registration(time=at(2035, 5, 8, 9), filing_date=date(2035, 5, 1))
    assert check(CalendarCoverage(), submission(reg=reg)) == []
    config = Config(deadlines=Deadlines(days="working"))
    assert check(CalendarCoverage(), submission(reg=registration()), config) == []
