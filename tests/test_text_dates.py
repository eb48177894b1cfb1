"""Dates and times in every form staff write them, and GB/T 9704 formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pressdocs.text import (
    InvalidDate,
    find_dates,
    format_date_zh,
    format_datetime_zh,
    office_day,
    office_time,
    parse_date,
    parse_date_strict,
    parse_datetime,
    parse_month,
    parse_time,
    parse_when,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "written",
    [
        "2021年6月30日",
        "2021年06月30日",
        "2021 年 6 月 30 日",
        "2021年6月30号",
        "2021-06-30",
        "2021-6-30",
        "2021/6/30",
        "2021.6.30",
        "20210630",
        "２０２１年６月３０日",
        "２０２１－０６－３０",
        "二〇二一年六月三十日",
        "二零二一年六月三十日",
        "二○二一年六月卅日",
        "填表时间：2021年6月30日",
        "（2021年6月30日）",
        "2021630日",
        "2021\u200b年6月30日",
        "21年6月30日",
    ],
)
def test_parse_date_forms(written: str) -> None:
    assert parse_date(written) == date(2021, 6, 30)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("二〇二一年二月七日", date(2021, 2, 7)),
        ("202127", date(2021, 2, 7)),
        ("                    202127", date(2021, 2, 7)),
        ("二〇二一年十二月廿九日", date(2021, 12, 29)),
        ("二〇二一年十月一日", date(2021, 10, 1)),
        ("二O二一年二月七日", date(2021, 2, 7)),
        ("2021年3月31日", date(2021, 3, 31)),
        ("2024年2月29日", date(2024, 2, 29)),
        ("2021105", date(2021, 10, 5)),
        ("20211130", date(2021, 11, 30)),
        ("登记表20210315.docx", date(2021, 3, 15)),
        ("发布时间:2021-02-11 14:53", date(2021, 2, 11)),
    ],
)
def test_parse_date_examples(written: str, expected: date) -> None:
    assert parse_date(written) == expected


def test_year_taken_from_default_year() -> None:
    assert parse_date("6月30日", default_year=2021) == date(2021, 6, 30)
    assert parse_date("十二月三十日", default_year=2021) == date(2021, 12, 30)
    assert parse_date("1230日", default_year=2021) == date(2021, 12, 30)
    found = parse_when("6月30日", default_year=2021)
    assert found is not None
    assert found.year_assumed


@pytest.mark.parametrize("written", ["2020年6月30日", "20年6月30日", "二〇二〇年六月三十日"])
def test_written_year_wins_over_default_year(written: str) -> None:
    found = parse_when(written, default_year=2021)
    assert found is not None
    assert found.value == date(2020, 6, 30)
    assert not found.year_assumed


@pytest.mark.parametrize(
    "text",
    [
        "",
        "暂无",
        "    年   月   日(公章)",
        "0553-3831234",
        "13905531234",
        "芜市办〔201328号",
        "原则上不超过1200字",
        "x 202127",
        "2021年6月",
    ],
)
def test_no_date(text: str) -> None:
    assert parse_date(text) is None
    assert parse_date_strict(text) is None
    assert parse_when(text) is None


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2021年2月30日", "2021年2月30日不是有效日期"),
        ("2021-02-30", "2021年2月30日不是有效日期"),
        ("2021年13月1日", "2021年13月1日不是有效日期"),
        ("2021年2月29日", "2021年2月29日不是有效日期"),
        ("2021230日", "2021年2月30日不是有效日期"),
        ("2月30日", "2月30日不是有效日期"),
        ("2021111日", "“2021111日”有歧义，可能是2021年1月11日或2021年11月1日"),
        ("6月30日", "“6月30日”没有写年份"),
        ("1230日", "“1230日”没有写年份"),
    ],
)
def test_unreadable_date_is_reported_not_silent(written: str, message: str) -> None:
    assert parse_date(written) is None
    with pytest.raises(InvalidDate) as raised:
        parse_date_strict(written)
    assert str(raised.value) == message
    assert raised.value.message.en
    assert isinstance(raised.value, ValueError)


def test_impossible_with_default_year() -> None:
    with pytest.raises(InvalidDate, match="2021年2月29日不是有效日期"):
        parse_date_strict("2月29日", default_year=2021)
    assert parse_date("2月29日", default_year=2024) == date(2024, 2, 29)


# Lines of the city's notice (seed 000_5df201bbe8005723.txt) as scraped, spacing kept.
SEED_EXCERPT = (
    "发布时间:2021-02-11 14:53信息来源: 市人民政府阅读次数:编辑:刘利娟 字体:【  \n\n"
    "按照《……》(芜市办〔201328号)的有关规定,经市政府同意,现就2021年度政府信息公开"
    "新闻发布工作通知如下:\n\n"
    "同时填写《2021年新闻发布会统计表》(见附件3),并于2021630日、1230日报市新闻办和"
    "市政务公开办备案。\n\n"
    "三、提升发布时效。若确因工作变动推迟发布时间,延期一般不超过1个月。\n\n"
    "                                                                                  "
    "202127\n\n(此件公开发布)\n\n"
    "1\n\n市政府新闻发布厅\n\n3月\n\n2021年“3·15”国际消费者权益保护日系列活动\n\n"
    "备注:该表请分别于2021630日、1230日报送至市政府新闻办、市政务公开办。\n"
)


def test_seed_notice_dates() -> None:
    """The notice's own broken dates: the 6-30 and 12-30 deadlines and its signature date;
    the broken 文号 〔201328号 and the plan's "3月" are not dates."""
    found = find_dates(SEED_EXCERPT)
    assert [(d.text, d.value) for d in found] == [
        ("2021-02-11 14:53", date(2021, 2, 11)),
        ("2021630日", date(2021, 6, 30)),
        ("1230日", date(2021, 12, 30)),
        ("202127", date(2021, 2, 7)),
        ("2021630日", date(2021, 6, 30)),
        ("1230日", date(2021, 12, 30)),
    ]
    assert found[2].year_assumed
    assert not found[3].year_assumed


def test_find_dates_carries_the_year_forward() -> None:
    found = find_dates("分别于2021年6月30日、12月30日报送", default_year=2020)
    assert [d.value for d in found] == [date(2021, 6, 30), date(2021, 12, 30)]
    assert [d.year_assumed for d in found] == [False, True]


def test_find_dates_keeps_unreadable_dates() -> None:
    found = find_dates("原定2021年2月30日，改为2021年3月2日")
    assert [d.value for d in found] == [None, date(2021, 3, 2)]
    assert found[0].problem is not None and found[0].problem.zh == "2021年2月30日不是有效日期"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2021年3月15日上午9:30", datetime(2021, 3, 15, 9, 30)),
        ("2021年3月15日下午3点", datetime(2021, 3, 15, 15, 0)),
        ("2021年3月15日14时30分", datetime(2021, 3, 15, 14, 30)),
        ("2021年3月15日15:00-16:30", datetime(2021, 3, 15, 15, 0)),
        ("2021年3月15日上午9点半", datetime(2021, 3, 15, 9, 30)),
        ("2021年3月15日晚上7点", datetime(2021, 3, 15, 19, 0)),
        ("2021年3月15日（星期一）上午9:30", datetime(2021, 3, 15, 9, 30)),
        ("2021年3月15日 周一 下午两点", datetime(2021, 3, 15, 14, 0)),
        ("2021年3月15日下午三点一刻", datetime(2021, 3, 15, 15, 15)),
        ("2021年3月15日中午12点", datetime(2021, 3, 15, 12, 0)),
        ("2021-03-15 14:00", datetime(2021, 3, 15, 14, 0)),
        ("2021-03-15T14:00:00", datetime(2021, 3, 15, 14, 0)),
        ("２０２１年３月１５日　１４：３０", datetime(2021, 3, 15, 14, 30)),
        ("二〇二一年三月十五日下午三点", datetime(2021, 3, 15, 15, 0)),
    ],
)
def test_parse_datetime(written: str, expected: datetime) -> None:
    parsed = parse_datetime(written, SHANGHAI)
    assert parsed == expected.replace(tzinfo=SHANGHAI)
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=8)


def test_parse_datetime_needs_a_time() -> None:
    assert parse_datetime("2021年3月15日", SHANGHAI) is None
    assert parse_datetime("下午3点", SHANGHAI) is None
    assert parse_datetime("2021年3月15日25:00", SHANGHAI) is None


def test_parse_datetime_with_default_year() -> None:
    assert parse_datetime("3月15日上午9:30", SHANGHAI, default_year=2021) == datetime(
        2021, 3, 15, 9, 30, tzinfo=SHANGHAI
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("9:30", time(9, 30)),
        ("下午3点", time(15, 0)),
        ("14时30分", time(14, 30)),
        ("15:00-16:30", time(15, 0)),
        ("上午9点半", time(9, 30)),
        ("晚上7点", time(19, 0)),
        ("晚上11点", time(23, 0)),
        ("下午12:30", time(12, 30)),
        ("下午15:00", time(15, 0)),
        ("中午1点", time(13, 0)),
        ("凌晨12点", time(0, 0)),
        ("上午十点", time(10, 0)),
        ("下午2点05分", time(14, 5)),
    ],
)
def test_parse_time(written: str, expected: time) -> None:
    assert parse_time(written) == expected


@pytest.mark.parametrize("text", ["", "举办时间", "3小时", "25:00", "9:75"])
def test_no_time(text: str) -> None:
    assert parse_time(text) is None


def test_format_date_zh_has_no_zero_padding() -> None:
    assert format_date_zh(date(2021, 2, 7)) == "2021年2月7日"
    assert format_date_zh(date(2021, 12, 30)) == "2021年12月30日"


def test_format_datetime_zh() -> None:
    assert format_datetime_zh(datetime(2021, 6, 30, 9, 30)) == "2021年6月30日 9:30"
    assert format_datetime_zh(datetime(2021, 6, 30, 14, 5, tzinfo=SHANGHAI)) == (
        "2021年6月30日 14:05"
    )


_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(_dates)
def test_format_date_zh_round_trips(day: date) -> None:
    assert parse_date(format_date_zh(day)) == day


@given(_dates)
def test_iso_and_compact_forms_round_trip(day: date) -> None:
    if day.year <= 2099:
        assert parse_date(day.isoformat()) == day
        assert parse_date(day.strftime("%Y/%m/%d")) == day
        assert parse_date(f"{day.year}.{day.month}.{day.day}") == day
        assert parse_date(day.strftime("%Y%m%d")) == day


@given(_dates)
def test_chinese_numeral_form_round_trips(day: date) -> None:
    digits = "〇一二三四五六七八九"
    year = "".join(digits[int(c)] for c in str(day.year))
    written = f"{year}年{_cn(day.month)}月{_cn(day.day)}日"
    assert parse_date(written) == day


@given(_dates, st.times())
def test_format_datetime_zh_round_trips(day: date, moment: time) -> None:
    moment = moment.replace(second=0, microsecond=0)
    value = datetime.combine(day, moment, tzinfo=SHANGHAI)
    assert parse_datetime(format_datetime_zh(value), SHANGHAI) == value


@given(st.text())
def test_parse_never_raises_and_agrees_with_strict(text: str) -> None:
    lenient = parse_date(text)
    try:
        strict = parse_date_strict(text)
    except InvalidDate:
        assert lenient is None
    else:
        assert strict == lenient


def _cn(number: int) -> str:
    digits = "〇一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, unit = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[unit] if unit else "")


@pytest.mark.parametrize(
    ("written", "month"),
    [
        ("3月", 3),
        ("9", 9),
        ("09", 9),
        ("十二月", 12),
        ("十月", 10),
        ("二月", 2),
        ("３月", 3),
        ("3月份", 3),
        ("3月下旬", 3),
        ("2021年3月", 3),
        ("3-4月", 3),
        (" 12月 ", 12),
    ],
)
def test_parse_month(written: str, month: int) -> None:
    assert parse_month(written) == month


@pytest.mark.parametrize("written", ["", "13月", "0", "上半年", "全年", "2021"])
def test_parse_month_none(written: str) -> None:
    assert parse_month(written) is None


@given(st.integers(min_value=1, max_value=12))
def test_parse_month_all_forms(month: int) -> None:
    assert parse_month(f"{month}月") == month
    assert parse_month(str(month)) == month
    assert parse_month(f"{_cn(month)}月") == month


@pytest.mark.parametrize(("moment", "shown", "day"), [
    (datetime(2026, 6, 29, 18, 30, tzinfo=UTC), "2026年6月30日 2:30", date(2026, 6, 30)),
    (datetime(2026, 6, 20, 11, 15, tzinfo=timezone(timedelta(hours=-5))), "2026年6月21日 0:15",
     date(2026, 6, 21)),
    (datetime(2026, 6, 22, 9, 5, tzinfo=timezone(timedelta(hours=8))), "2026年6月22日 9:05",
     date(2026, 6, 22)),
    (datetime(2026, 6, 22, 9, 5), "2026年6月22日 9:05", date(2026, 6, 22)),  # naive: office's
])
def test_office_time_is_the_instant_on_the_offices_clock(moment: datetime, shown: str,
                                                         day: date) -> None:
    local = office_time(moment, SHANGHAI)
    assert local.tzinfo is SHANGHAI and local.isoformat().endswith("+08:00")
    assert format_datetime_zh(local) == shown
    assert office_day(moment, SHANGHAI) == day
    if moment.tzinfo is not None:
        assert local == moment  # the same instant, only written in the office's zone


def test_office_time_in_london_follows_summer_time() -> None:
    london = ZoneInfo("Europe/London")
    summer = office_time(datetime(2026, 6, 29, 18, 30, tzinfo=UTC), london)
    winter = office_time(datetime(2026, 12, 29, 18, 30, tzinfo=UTC), london)
    assert (format_datetime_zh(summer), format_datetime_zh(winter)) == (
        "2026年6月29日 19:30", "2026年12月29日 18:30")
    assert summer.isoformat() == "2026-06-29T19:30:00+01:00"
