"""附件1: reading the annual plan (新闻发布会计划安排) into :class:`Plan`.

The plan arrives as a Word or Excel table, as a PDF or web page whose table became
lines, or as the notice's own text, where every cell sits on a line of its own::

    序号 / 地点 / 时间 / 发布主题 / 责任单位      (the header, one label per line)
    10 / 市政府新闻发布厅 / 3月 / 推进特色农业保险高质量发展情况 / 市财政局、市农业农村局

Columns may come in any order and under the usual variants (计划时间, 牵头单位 …).
A row's 时间 is its month ("3月"; the notice's row 40 says just "9"); 责任单位 may name
several units ("市财政局、市农业农村局"); a topic broken over two lines is joined.  Text
is kept as written: judging it (injected spam, unknown units) is for the validators.

:func:`extract_plan` returns the plan and a list of warnings (:class:`pressdocs.Message`),
one per row it could not read (the row is left out) or read with a guess.  It raises
:class:`pressdocs.errors.ParseError` when there is no plan table at all, or when the
year is neither given, nor in the title ("2021年…计划安排"), nor in the file name.
"""

from __future__ import annotations

import re
from collections import Counter

from pressdocs.capabilities import Content
from pressdocs.errors import ParseError
from pressdocs.extract.tables import (
    Column,
    Record,
    Records,
    columns_of,
    join_wrapped,
    line_records,
    parse_number,
    table_records,
)
from pressdocs.forms.spec import PLAN
from pressdocs.models import Message, Plan, PlanItem
from pressdocs.text import normalize_label, parse_month, split_list, to_halfwidth

__all__ = ["PLAN_COLUMNS", "extract_plan"]

#: The columns of 附件1 and the labels they go by (:data:`pressdocs.forms.spec.PLAN`).
PLAN_COLUMNS: tuple[Column, ...] = columns_of(PLAN.children("items"))
#: The columns a header must name to be the plan's: the ones every row must fill.
_HEADER_NEEDS = tuple(f.key for f in PLAN.children("items") if f.required)

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_STOP = re.compile(r"^(说明|注\s*[:：]|备注|附件\s*\d|附件\s*[:：])")
_MONTH_CHARS = re.compile(r"^[0-9年月份上中下旬初底末至到\-~—、一二三四五六七八九十〇]+$")
_PLACE = re.compile(r"厅|室|中心|馆|楼|场|会议|基地|现场|大厦|酒店|宾馆|院|园|线上|网络")
_UNIT = re.compile(r"(局|委|办|中心|政府|管委会|院|会|队|处|所|部|厅|室|公司|集团|站|行|团)$")


def extract_plan(content: Content, *, year: int | None = None,
                 source: str = "") -> tuple[Plan, list[Message]]:
    """The plan in ``content`` and warnings about rows that could not be read.

    ``year`` is the plan's year when the caller knows it; otherwise it is read from the
    title, else from ``source`` (the file name), else from the 时间 cells.  ``source``
    is recorded on the plan and named in errors.

    Raises:
        ParseError: no table with the plan's header (序号 地点 时间 发布主题 责任单位)
            was found, or the year cannot be determined.
    """
    records = _records(content)
    if records is None:
        raise ParseError.of("extract.no_plan_table",
                            columns=[f.printed for f in PLAN.columns("items")],
                            file=source or None)
    title = _title([*reversed(records.before), *content.paragraphs])
    plan_year = year or _year_in(title) or _year_in(source) or _year_of_cells(records)
    if plan_year is None:
        raise ParseError.of("extract.no_plan_year", example=f"2021年{PLAN.title}",
                            file=source or None)
    items: list[PlanItem] = []
    warnings: list[Message] = []
    seen: set[int] = set()
    for record in records.records:
        item = _item(record, plan_year, items[-1].number if items else 0, warnings)
        if item is None:
            continue
        if item.number in seen:
            warnings.append(Message.of("extract.duplicate_number", field=_label("number"),
                                       number=item.number, form=PLAN.label))
        seen.add(item.number)
        items.append(item)
    return Plan(year=plan_year, items=items, title=title, source=source), warnings


def _records(content: Content) -> Records | None:
    """The plan's rows: from the tables when they hold the plan, else from the lines."""
    from_tables = table_records(content.tables, PLAN_COLUMNS, _HEADER_NEEDS)
    if from_tables is not None and from_tables.records:
        return from_tables
    from_lines = line_records(
        content.paragraphs, PLAN_COLUMNS, _HEADER_NEEDS,
        fits={"month": _fits_month, "venue": _fits_place, "units": _fits_units},
        wrap_cost={"topic": 0.05, "month": 5.0},
        stop=_STOP,
    )
    if from_lines is not None and from_lines.records:
        return from_lines
    return from_tables or from_lines


def _label(key: str) -> Message:
    return PLAN.field(f"items.{key}").label


def _item(record: Record, plan_year: int, previous: int,
          warnings: list[Message]) -> PlanItem | None:
    venue = _one_line(record.get("venue"))
    when = _one_line(record.get("month"))
    topic = _one_line(record.get("topic"))
    units = split_list(record.get("units"))
    number_text = record.get("number")
    if not (venue or when or topic or units):
        return None  # a numbered row left blank
    number = parse_number(number_text) if number_text else None
    if number is None or number < 1:
        if number_text:
            warnings.append(Message.of("extract.number_guessed", field=_label("number"),
                                       text=number_text, number=previous + 1))
        number = previous + 1
    where = Message.of("extract.row", form=PLAN.label, number=number)
    month = parse_month(when) if when else None
    if month is None:
        if when:
            warnings.append(Message.of("extract.month_unreadable", where=where,
                                       field=_label("month"), text=when))
        else:
            warnings.append(Message.of("extract.month_empty", where=where,
                                       field=_label("month")))
        return None
    for key, value in (("topic", topic), ("units", units)):
        if not value:
            warnings.append(Message.of("extract.row_empty", where=where, field=_label(key)))
    written_year = _year_in(when)
    return PlanItem(number=number, venue=venue, month=month, topic=topic, units=units,
                    year=written_year or plan_year)


def _one_line(text: str) -> str:
    return join_wrapped(text.splitlines())


def _title(lines: list[str]) -> str:
    """The title: the nearest line above the table naming the plan (计划安排)."""
    candidates = [line.strip() for text in lines for line in text.splitlines()
                  if "计划" in line and len(line.strip()) <= 80]
    for line in candidates:
        if "计划安排" in line:
            return line
    return candidates[0] if candidates else ""


def _year_in(text: str) -> int | None:
    match = _YEAR.search(to_halfwidth(text))
    return int(match.group(1)) if match else None


def _year_of_cells(records: Records) -> int | None:
    years = Counter(y for r in records.records if (y := _year_in(r.get("month"))) is not None)
    return years.most_common(1)[0][0] if years else None


# --- what a plan's values look like (for rows that reached us as lines) ---------------------------


def _fits_month(text: str) -> float:
    bare = normalize_label(text)
    if len(bare) > 12 or not _MONTH_CHARS.match(bare) or not parse_month(bare):
        return -5.0
    return 2.0 if "月" in bare else 1.5


def _fits_place(text: str) -> float:
    return 0.5 if _PLACE.search(text) else 0.0


def _fits_units(text: str) -> float:
    units = split_list(text)
    return 0.5 if units and all(_UNIT.search(u) for u in units) else 0.0
