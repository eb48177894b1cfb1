"""Reading the dates and times people write on forms, and writing them back the GB/T 9704 way.

Dates arrive in many shapes: 2021年6月30日, 2021-06-30, 2021/6/30, 2021.6.30, 20210630,
6月30日 (the year taken from context), 21年6月30日, 二〇二一年二月七日, full-width digits, and the
broken forms of the notice itself: "2021630日" (2021-06-30), "1230日" (December 30 of the
year in context) and "202127" (2021-02-07, the signature date).  Digits run together are
only a date when followed by 日, when they stand alone on their line, or when they are
eight digits (20210630): "〔201328号", the notice's broken 文号, is not a date.
Times follow the date: 上午9:30, 下午3点, 14时30分, 上午9点半, 晚上7点, 15:00-16:30 (the
start is taken).

A written date can be *impossible* (2021年2月30日), *ambiguous* (2021111日: January 11 or
November 1?) or *missing its year* (6月30日 with no year known).  :func:`parse_date` returns
``None`` for all of these, as for text holding no date; :func:`parse_date_strict` and
:func:`parse_when` tell them apart, because a validator must report such a date rather
than treat the field as empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

from pressdocs.models import Message
from pressdocs.text.normalize import strip_invisible, to_halfwidth

__all__ = [
    "DateParse",
    "InvalidDate",
    "find_dates",
    "format_date_zh",
    "format_datetime_zh",
    "office_day",
    "office_time",
    "parse_date",
    "parse_date_strict",
    "parse_datetime",
    "parse_month",
    "parse_time",
    "parse_when",
]


class InvalidDate(ValueError):
    """A date is written but cannot be read as one date: impossible, ambiguous or without
    a year.  ``message`` says which in both languages; ``str(exc)`` is its Chinese
    (``"2021年2月30日不是有效日期"``)."""

    def __init__(self, message: Message):
        super().__init__(message.zh)
        self.message = message


@dataclass(frozen=True)
class DateParse:
    """One date found in a text, with what was assumed and what is wrong with it.

    ``value`` is ``None`` exactly when ``problem`` says why (impossible, ambiguous, no
    year); ``time`` is the time of day written right after the date, if any.
    """

    text: str
    """The date (and time) as written, after folding full-width characters."""
    value: date | None
    time: time | None = None
    year_assumed: bool = False
    """True when the year was not written but taken from ``default_year`` or context."""
    problem: Message | None = None
    """Why ``value`` is ``None``, ready to show to people."""

    def to_datetime(self, tz: ZoneInfo) -> datetime | None:
        """The aware datetime in ``tz``, or ``None`` without a valid date or a time."""
        if self.value is None or self.time is None:
            return None
        return datetime.combine(self.value, self.time, tzinfo=tz)


_CN_DIGITS = {
    char: value
    for value, chars in enumerate(
        ["〇零○O0", "一", "二两", "三", "四", "五", "六", "七", "八", "九"]
    )
    for char in chars
}
"""Chinese digits, including the ○ and letter O that people type for 〇 in years."""
_CN_TENS = {"十": 10, "廿": 20, "卅": 30}
_CN_NUMBER = "[〇零一二三四五六七八九十廿卅两]{1,3}"
_NUM = rf"(?:\d{{1,2}}(?!\d)|{_CN_NUMBER})"
_CN_YEAR = "[一二三四五六七八九][〇零○O0一二三四五六七八九]{3}"
_NOT_AFTER_CN = "(?<![〇零○一二三四五六七八九十廿卅两])"
_NUMERIC_YEAR = "(?:19|20)\\d{2}"

_DATE_RE = re.compile(
    rf"""
    (?<!\d) (?P<y1>\d{{4}}|\d{{2}}|{_CN_YEAR}) \s*年\s* (?P<m1>{_NUM}) \s*月\s*
      (?P<d1>{_NUM}) \s*[日号]?
    | (?<!\d)(?<!\d\.) (?P<y2>{_NUMERIC_YEAR}) (?P<sep>[-/.]) (?P<m2>\d{{1,2}}) (?P=sep)
      (?P<d2>\d{{1,2}}) (?!\d|\.\d) (?:\s*[日号])?
    | (?<!\d) (?P<compact>\d{{3,8}}) \s*日
    | (?<![\d-]) (?P<eight>{_NUMERIC_YEAR}\d{{4}}) (?![\d-])
    | ^ [^\S\n]* (?P<line>{_NUMERIC_YEAR}\d{{2,3}}) [^\S\n]* $
    | (?<!\d) {_NOT_AFTER_CN} (?P<m3>{_NUM}) \s*月\s* (?P<d3>{_NUM}) \s*[日号]
    """,
    re.VERBOSE | re.MULTILINE,
)

_PERIODS = "凌晨|早上|早晨|清晨|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|晚间|晚"
_TIME_RE = re.compile(
    rf"""
    (?: (?P<period>{_PERIODS}) \s* )?
    (?:
        (?<!\d) (?P<h1>\d{{1,2}}) \s*:\s* (?P<mi1>\d{{2}}) (?!\d) (?::\d{{2}}(?!\d))?
      | (?<!\d) {_NOT_AFTER_CN} (?P<h2>\d{{1,2}}|{_CN_NUMBER}) \s*[点时](?!间|候|期|段|长)
        (?: \s*(?P<half>半) | \s*(?P<quarter>[一三])刻
          | \s*(?P<mi2>\d{{1,2}}(?!\d)|{_CN_NUMBER}) \s*分? )?
    )
    """,
    re.VERBOSE,
)
_GAP_RE = re.compile(r"[\sT,]*(?:\(?\s*(?:星期|周|礼拜)[一二三四五六日天七]\s*\)?)?[\s,]*")
_MONTH_RE = re.compile(
    rf"(?<!\d)(?P<n>\d{{1,2}})\s*(?:[-~至到—、,]\s*\d{{1,2}}\s*)?月"
    rf"|{_NOT_AFTER_CN}(?P<cn>[一二三四五六七八九十]{{1,3}})\s*(?:[-~至到—、,]\s*[一二三四五六七八九十]{{1,3}}\s*)?月"
)
_AFTERNOON = frozenset({"午后", "下午", "傍晚", "晚上", "夜里", "夜间", "晚间", "晚"})


def format_date_zh(d: date) -> str:
    """``2021年6月30日``: the GB/T 9704 form, without zero padding."""
    return f"{d.year}年{d.month}月{d.day}日"


def format_datetime_zh(dt: datetime) -> str:
    """``2021年6月30日 9:30``: the date as :func:`format_date_zh`, then the 24-hour time."""
    return f"{format_date_zh(dt.date())} {dt.hour}:{dt.minute:02d}"


def office_time(moment: datetime, tz: tzinfo) -> datetime:
    """``moment`` as the office's clock shows it: the same instant in ``tz``.

    Every time shown to a person goes through here, whatever zone it carries: a Date
    header's ``+0000`` or ``-0500``, the store's UTC, the office's own ``+08:00``.  A naive
    datetime is taken to be in ``tz`` already (a time written on a form)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def office_day(moment: datetime, tz: tzinfo) -> date:
    """The office's calendar day of ``moment`` (18:30 UTC on June 29 is June 30 in
    Shanghai): the day deadlines, 收到 dates and "3 days ahead" checks count."""
    return office_time(moment, tz).date()


def parse_date(s: str, default_year: int | None = None) -> date | None:
    """The first date written in ``s``, or ``None``.

    ``default_year`` completes dates written without a year (6月30日, 1230日).  ``None`` is
    also returned when the first date is impossible, ambiguous or has no year; use
    :func:`parse_date_strict` to learn which.
    """
    found = parse_when(s, default_year)
    return None if found is None else found.value


def parse_date_strict(s: str, default_year: int | None = None) -> date | None:
    """Like :func:`parse_date`, but a date that is written and cannot be read raises.

    Returns ``None`` only when ``s`` holds no date at all.

    Raises:
        InvalidDate: the date is impossible ("2021年2月30日不是有效日期"), ambiguous, or has
            no year and no ``default_year``.
    """
    found = parse_when(s, default_year)
    if found is None:
        return None
    if found.value is None:
        assert found.problem is not None
        raise InvalidDate(found.problem)
    return found.value


def parse_datetime(s: str, tz: ZoneInfo, default_year: int | None = None) -> datetime | None:
    """The first date in ``s`` with the time written after it, as an aware datetime in ``tz``.

    ``None`` when there is no valid date, or no time of day after it (use
    :func:`parse_date` for date-only values, or :func:`parse_when` for both).
    """
    found = parse_when(s, default_year)
    return None if found is None else found.to_datetime(tz)


def parse_when(s: str, default_year: int | None = None) -> DateParse | None:
    """The first date in ``s`` with its time, or ``None`` if ``s`` holds no date.

    Digits run together without 日 are read as year, month and day when they are 8 digits
    (20210630), or 6 or 7 digits alone on their line ("202127", the notice's signature
    date); elsewhere shorter runs are more often other numbers.
    """
    return next(_iter_dates(_normalize(s), default_year, carry_year=False), None)


def find_dates(text: str, default_year: int | None = None) -> list[DateParse]:
    """Every date in a free text, in order, including the ones that cannot be read.

    A date without a year takes the year of the last date before it that had one (so in
    "2021年6月30日、12月30日" both are in 2021), else ``default_year``.
    """
    return list(_iter_dates(_normalize(text), default_year, carry_year=True))


def parse_time(s: str) -> time | None:
    """The first time of day in ``s``: "9:30", "下午3点", "14时30分", "上午9点半", "晚上7点";
    for a range such as "15:00-16:30" its start.  ``None`` if there is none or it is
    impossible (25:00)."""
    match = _TIME_RE.search(_normalize(s))
    return None if match is None else _time_of(match)


def parse_month(s: str) -> int | None:
    """The month of a plan row's 时间 cell: "3月" → 3, "9" → 9, "十二月" → 12, "2021年3月" → 3,
    "3月下旬" → 3; for a range ("3-4月") its first month.  ``None`` if there is no month
    between 1 and 12."""
    text = _normalize(s).strip()
    if re.fullmatch(r"\d{1,2}", text):
        month = int(text)
    else:
        match = _MONTH_RE.search(text)
        if match is None:
            return None
        number = match.group("n")
        parsed = int(number) if number is not None else _cn_number(match.group("cn"))
        if parsed is None:
            return None
        month = parsed
    return month if 1 <= month <= 12 else None


def _normalize(s: str) -> str:
    return to_halfwidth(strip_invisible(s))


def _iter_dates(text: str, default_year: int | None, *, carry_year: bool) -> Iterator[DateParse]:
    context_year = default_year
    for match in _DATE_RE.finditer(text):
        found = _date_of(match, context_year)
        if found is None:
            continue
        found = _with_time(found, text, match.end())
        if carry_year and found.value is not None and not found.year_assumed:
            context_year = found.value.year
        yield found


def _date_of(match: re.Match[str], default_year: int | None) -> DateParse | None:
    written = match.group(0).strip()
    if match.group("y1") is not None:
        return _build(
            written,
            _year_number(match.group("y1")),
            _cn_or_int(match.group("m1")),
            _cn_or_int(match.group("d1")),
            year_assumed=False,
        )
    if match.group("y2") is not None:
        return _build(
            written,
            int(match.group("y2")),
            int(match.group("m2")),
            int(match.group("d2")),
            year_assumed=False,
        )
    if match.group("eight") is not None:
        found = _compact(written, match.group("eight"), default_year)
        return found if found is not None and found.value is not None else None
    compact = match.group("compact") or match.group("line")
    if compact is not None:
        return _compact(written, compact, default_year)
    month, day = _cn_or_int(match.group("m3")), _cn_or_int(match.group("d3"))
    return _build_yearless(written, month, day, default_year)


def _build(
    written: str, year: int | None, month: int | None, day: int | None, *, year_assumed: bool
) -> DateParse:
    if year is None or month is None or day is None:
        return _unreadable(written, Message.of("dates.not_a_date", written=written))
    if not _is_valid(year, month, day):
        return _unreadable(written, Message.of("dates.impossible", year=year, month=month,
                                               day=day))
    return DateParse(written, date(year, month, day), year_assumed=year_assumed)


def _unreadable(written: str, problem: Message) -> DateParse:
    return DateParse(written, None, problem=problem)


def _build_yearless(
    written: str, month: int | None, day: int | None, default_year: int | None
) -> DateParse:
    if default_year is not None:
        return _build(written, default_year, month, day, year_assumed=True)
    if month is None or day is None:
        return _unreadable(written, Message.of("dates.not_a_date", written=written))
    if not _possible_in_some_year(month, day):
        return _unreadable(written, Message.of("dates.impossible_day", month=month, day=day))
    return _unreadable(written, Message.of("dates.no_year", written=written))


def _compact(written: str, digits: str, default_year: int | None) -> DateParse | None:
    """Read digits run together ("2021630", "1230") as [year] month day.

    Every split into a 1-2 digit month and a 1-2 digit day is tried; exactly one valid
    reading gives the date, two are ambiguous, none is impossible if some split at least
    looks like a month and a day, and otherwise the digits are not a date at all.
    """
    if len(digits) >= 6 and digits[:2] in ("19", "20"):
        year: int | None = int(digits[:4])
        rest = digits[4:]
    elif len(digits) in (3, 4):
        year, rest = default_year, digits
    else:
        return None
    plausible = [(m, d) for m, d in _month_day_splits(rest) if 1 <= m <= 12 and 1 <= d <= 31]
    if not plausible:
        return None
    if year is None:
        readings = [(m, d) for m, d in plausible if _possible_in_some_year(m, d)]
        if len(readings) == 1:
            return _build_yearless(written, *readings[0], None)
        if not readings:
            return _build_yearless(written, *plausible[0], None)
        year_assumed = False
    else:
        year_assumed = len(digits) < 6
        readings = [(m, d) for m, d in plausible if _is_valid(year, m, d)]
        if len(readings) == 1:
            return DateParse(written, date(year, *readings[0]), year_assumed=year_assumed)
        if not readings:
            month, day = plausible[0]
            return _build(written, year, month, day, year_assumed=year_assumed)
    (month, day), (other_month, other_day) = readings  # two cuts give at most two readings
    if year is None:
        problem = Message.of("dates.ambiguous_day", written=written, month=month, day=day,
                             other_month=other_month, other_day=other_day)
    else:
        problem = Message.of("dates.ambiguous", written=written, first=date(year, month, day),
                             second=date(year, other_month, other_day))
    return DateParse(written, None, year_assumed=year_assumed, problem=problem)


def _month_day_splits(digits: str) -> list[tuple[int, int]]:
    """Ways to cut ``digits`` into a month and a day of one or two digits each.  A day padded
    with a zero after an unpadded month ("1" + "05") is not how anyone writes, so it is
    not offered."""
    splits = []
    for cut in (1, 2):
        month, day = digits[:cut], digits[cut:]
        if 1 <= len(day) <= 2 and not (len(month) == 1 and len(day) == 2 and day[0] == "0"):
            splits.append((int(month), int(day)))
    return splits


def _with_time(found: DateParse, text: str, end: int) -> DateParse:
    gap = _GAP_RE.match(text, end)
    start = gap.end() if gap else end
    match = _TIME_RE.match(text, start)
    if match is None or not match.group(0).strip():
        return found
    moment = _time_of(match)
    if moment is None:
        return found
    return DateParse(
        f"{found.text}{text[end : match.end()]}".strip(),
        found.value,
        moment,
        found.year_assumed,
        found.problem,
    )


def _time_of(match: re.Match[str]) -> time | None:
    if match.group("h1") is not None:
        hour: int | None = int(match.group("h1"))
        minute: int | None = int(match.group("mi1"))
    else:
        hour = _cn_or_int(match.group("h2"))
        if match.group("half"):
            minute = 30
        elif match.group("quarter"):
            minute = 15 if match.group("quarter") == "一" else 45
        elif match.group("mi2"):
            minute = _cn_or_int(match.group("mi2"))
        else:
            minute = 0
    if hour is None or minute is None:
        return None
    hour = _apply_period(match.group("period"), hour)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _apply_period(period: str | None, hour: int) -> int:
    """Turn a 12-hour clock with 上午/下午/晚上… into a 24-hour one."""
    if period in _AFTERNOON and 1 <= hour < 12:
        return hour + 12
    if period == "中午" and 1 <= hour <= 5:
        return hour + 12
    if period == "凌晨" and hour == 12:
        return 0
    return hour


def _is_valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _possible_in_some_year(month: int, day: int) -> bool:
    return _is_valid(2000, month, day)  # 2000 is a leap year, so 2月29日 is possible


def _cn_or_int(s: str) -> int | None:
    return int(s) if s.isdigit() else _cn_number(s)


def _year_number(s: str) -> int | None:
    """A year as written: 2021, 二〇二一, or 21 (a two-digit year is this century's)."""
    if s.isdigit():
        return int(s) + (2000 if len(s) == 2 else 0)
    digits = [_CN_DIGITS.get(char) for char in s]
    if any(digit is None for digit in digits):
        return None
    return int("".join(str(digit) for digit in digits))


def _cn_number(s: str) -> int | None:
    """A Chinese numeral up to 99: 七, 十, 十二, 二十, 廿九, 卅一, 三十一, 零五."""
    if not s:
        return None
    if s[0] in _CN_TENS or (len(s) > 1 and s[1] == "十"):
        if s[0] in _CN_TENS:
            tens, rest = _CN_TENS[s[0]], s[1:]
        else:
            multiplier = _CN_DIGITS.get(s[0])
            if not multiplier:
                return None
            tens, rest = multiplier * 10, s[2:]
        if not rest:
            return tens
        unit = _CN_DIGITS.get(rest) if len(rest) == 1 else None
        return None if not unit else tens + unit
    if any(char in _CN_TENS for char in s) or len(s) > 2:
        return None
    digits = [_CN_DIGITS.get(char) for char in s]
    if any(digit is None for digit in digits):
        return None
    return int("".join(str(digit) for digit in digits))
