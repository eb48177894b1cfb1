"""Pure text functions of the domain: normalising, 字数, dates and phone numbers.

Everything here is free of I/O and depends only on its arguments, so it is safe to call
from any plugin and easy to test.

- :mod:`pressdocs.text.normalize` — full-width folding, form labels, list cells.
- :mod:`pressdocs.text.zishu` — 字数 counted the way Word and WPS count it.
- :mod:`pressdocs.text.dates` — dates and times in every form staff write them, and any
  moment as the office's clock shows it (:func:`office_time`).
- :mod:`pressdocs.text.phones` — mobiles, landlines and extensions.
- :mod:`pressdocs.text.linebreak` — where Word and WPS break Chinese lines (禁则).
"""

from __future__ import annotations

from pressdocs.text.dates import (
    DateParse,
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
from pressdocs.text.normalize import normalize_label, split_list, strip_invisible, to_halfwidth
from pressdocs.text.phones import Phone, PhoneKind, find_phones, is_valid_phone, parse_phone
from pressdocs.text.zishu import ZishuCount, count_zishu

__all__ = [
    "DateParse",
    "InvalidDate",
    "Phone",
    "PhoneKind",
    "ZishuCount",
    "count_zishu",
    "find_dates",
    "find_phones",
    "format_date_zh",
    "format_datetime_zh",
    "is_valid_phone",
    "normalize_label",
    "office_day",
    "office_time",
    "parse_date",
    "parse_date_strict",
    "parse_datetime",
    "parse_month",
    "parse_phone",
    "parse_time",
    "parse_when",
    "split_list",
    "strip_invisible",
    "to_halfwidth",
]
