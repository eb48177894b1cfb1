"""The statistics table (统计表, 附件3) of a half-year, built from the store.

Two sources tell the office which conferences a unit held in a period:

- the **statistics table** the unit sent (its latest one for the period), row by row as
  the unit wrote it;
- the **conferences held**, as the office knows them: each registration form (登记表)
  whose 举办时间 falls in the period, on or before ``as_of``, with the materials (发布材料)
  sent for it.

:func:`statistics_table` merges the two per unit, the way PD403 compares them
(:func:`pressdocs.rules.reconcile.reconcile`: the same day and alike titles, or very alike
titles a few days apart), and flags what does not agree: a date, venue or topic the
table gives otherwise than the registration, a registered conference the table leaves
out (or a unit that sent no table at all), a row of the table never registered (only for
units that register their conferences: counties and zones organise theirs themselves).

A period is ``"2021H1"`` or ``"2021H2"``: the statistics periods that end on the year's
filing days (``[deadlines] statistics_due``, 6月30日 and 12月30日), as PD401/PD403 count
them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from pressdocs.config import Config
from pressdocs.errors import ExportError
from pressdocs.models import (
    Conference,
    Labelled,
    Message,
    StatisticsReport,
    StatisticsRow,
    Submission,
)
from pressdocs.store import Store
from pressdocs.text.dates import office_day, office_time

__all__ = [
    "StatisticsLine",
    "StatisticsSource",
    "StatisticsTable",
    "UnitStatistics",
    "current_period",
    "parse_period",
    "statistics_table",
]

_PERIOD = re.compile(r"^\s*(\d{4})\s*[Hh]\s*([12])\s*$")
#: Topics less alike than this (0..1) are flagged as written differently.
_TOPIC_ALIKE = 0.8


class StatisticsSource(Labelled):
    """Where a row of the merged table comes from."""

    REPORTED = "reported"  # the unit's statistics table only
    HELD = "held"  # a registration (and materials) only
    BOTH = "both"  # both, matched


@dataclass
class StatisticsLine:
    """One row of the merged table: the row as the unit wrote it (or as the registration
    gives it when the table does not list it), where it comes from, what disagrees, and
    the submissions behind it (the table's, the registration's, the materials')."""

    row: StatisticsRow
    source: StatisticsSource
    differences: list[Message] = field(default_factory=list)
    submissions: list[str] = field(default_factory=list)
    materials: bool = False  # materials (发布材料) were received for the registered conference

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"row": self.row.to_dict(), "source": self.source.value,
                "source_label": self.source.label(lang),
                "differences": [m.to_dict() for m in self.differences],
                "submissions": self.submissions, "materials": self.materials}


@dataclass
class UnitStatistics:
    """One unit's sheet: its statistics table for the period (``None`` when it sent none),
    when that arrived, and the merged rows."""

    unit: str
    filed: StatisticsReport | None = None
    received: datetime | None = None
    submission_id: str = ""
    lines: list[StatisticsLine] = field(default_factory=list)

    @property
    def flagged(self) -> list[StatisticsLine]:
        """The rows where the table and the registrations disagree."""
        return [line for line in self.lines if line.differences]

    def report(self, year: int | None = None) -> StatisticsReport:
        """The sheet as a filled 附件3: the unit's filing details (its name as filing unit
        when it sent no table) and the merged rows, numbered 1, 2, 3 …, each date written
        2021年6月30日 whatever way the unit wrote it (kept as written when unreadable)."""
        filed = self.filed or StatisticsReport(filing_unit=self.unit)
        rows = [replace(line.row, number=i,
                        held_on_text="" if line.row.held_on else line.row.held_on_text)
                for i, line in enumerate(self.lines, start=1)]
        return replace(filed, filing_unit=filed.filing_unit or self.unit, rows=rows,
                       year=year if year is not None else filed.year)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        filed = self.filed or StatisticsReport()
        return {"unit": self.unit, "filing_unit": filed.filing_unit,
                "filing_date": filed.filing_date.isoformat() if filed.filing_date else None,
                "filer": filed.filer, "filer_contact": filed.filer_contact,
                "received": self.received.isoformat() if self.received else None,
                "submission_id": self.submission_id or None,
                "rows": [line.to_dict(lang) for line in self.lines]}


@dataclass
class StatisticsTable:
    """附件3 of a half-year for each unit (:meth:`pressdocs.Pressdocs.statistics_table`)."""

    period: str
    start: date
    end: date
    as_of: date
    units: list[UnitStatistics] = field(default_factory=list)
    city: str = ""

    @property
    def year(self) -> int:
        """The year of the period (2021 for 2021H1 and 2021H2)."""
        return int(self.period[:4])

    @property
    def flagged(self) -> int:
        """How many rows, over all units, disagree."""
        return sum(len(u.flagged) for u in self.units)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The JSON export (schema ``statistics-table``)."""
        return {"period": self.period, "year": self.year, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "as_of": self.as_of.isoformat(),
                "city": self.city, "flagged": self.flagged,
                "units": [u.to_dict(lang) for u in self.units]}


def parse_period(period: str) -> tuple[int, int]:
    """``"2021H1"`` → ``(2021, 1)``; a clear error for anything else."""
    found = _PERIOD.match(period)
    if found is None:
        raise ExportError.of("export.bad_period", period=period)
    return int(found.group(1)), int(found.group(2))


def current_period(day: date, config: Config) -> str:
    """The half-year ``day`` falls in, as the statistics are filed (2021年7月1日 → 2021H2)."""
    from pressdocs.rules.deadlines import filing_days, statistics_due

    due = statistics_due(day, config.deadlines.statistics_due)
    days = sorted(filing_days(due.year, config.deadlines.statistics_due))
    return f"{due.year}H{min(days.index(due) + 1, 2)}"


def period_days(period: str, config: Config) -> tuple[date, date]:
    """The first and last day of ``period`` (2021H1: 2020年12月31日 to 2021年6月30日 with
    the notice's filing days)."""
    from pressdocs.rules.deadlines import filing_days, reporting_period

    year, half = parse_period(period)
    days = sorted(filing_days(year, config.deadlines.statistics_due))
    end = days[0] if half == 1 or len(days) == 1 else days[-1]
    return reporting_period(end, config.deadlines.statistics_due)


def statistics_table(store: Store, config: Config, period: str, *, unit: str | None = None,
                     as_of: date) -> StatisticsTable:
    """附件3 of ``period`` for every unit that sent a table for it or held a registered
    conference in it (or only ``unit``, as the unit directory tells units apart), judged
    from what had been received by the end of ``as_of``."""
    from pressdocs._reports import _known_by
    from pressdocs.rules.matching import same_unit, unit_key
    from pressdocs.rules.statistics import reference_day

    start, end = period_days(period, config)
    year, half = parse_period(period)
    known = _known_by(store, as_of, config)
    names: dict[str, str] = {}
    tables: dict[str, Submission] = {}
    held: dict[str, list[tuple[Conference, Submission]]] = {}

    def key_of(name: str) -> str:
        key = unit_key(name, config)
        names.setdefault(key, name)
        return key

    last = min(end, as_of)
    for sub in known:
        report = sub.statistics
        if report is not None and (sub.unit or report.filing_unit):
            day = reference_day(report)
            if day is not None and start <= day <= end:
                tables[key_of(sub.unit or report.filing_unit)] = sub  # received order: latest wins
        for conference in sub.conferences():
            name = sub.unit or conference.unit
            if conference.source == "registration" and name and \
                    start <= conference.held_on <= last:
                held.setdefault(key_of(name), []).append((conference, sub))
    materials = [s for s in known if s.materials is not None]
    keys = sorted(set(tables) | set(held), key=lambda k: names[k])
    if unit is not None:
        keys = [k for k in keys if same_unit(names[k], unit, config)] or [key_of(unit)]
    table = StatisticsTable(period=f"{year}H{half}", start=start, end=end, as_of=as_of,
                            city=config.city)
    for key in keys:
        table.units.append(_unit_sheet(names[key], tables.get(key), held.get(key, []),
                                       materials, start, end, config))
    return table


def _unit_sheet(name: str, table: Submission | None,
                held: list[tuple[Conference, Submission]], materials: list[Submission],
                start: date, end: date, config: Config) -> UnitStatistics:
    from pressdocs.rules.reconcile import reconcile

    sheet = UnitStatistics(unit=name)
    rows: list[StatisticsRow] = []
    if table is not None and table.statistics is not None:
        sheet.filed, sheet.received, sheet.submission_id = (
            table.statistics, office_time(table.received, config.tz) if table.received else None,
            table.id)
        rows = [r for r in table.statistics.rows
                if r.held_on is None or start <= r.held_on <= end]
    result = reconcile([c for c, _ in held], rows, city=config.city)
    registered = {id(c): s for c, s in held}
    by_row = {index: c for c, index in result.matched}
    lines: list[StatisticsLine] = []
    for index, row in enumerate(rows):
        conference = by_row.get(index)
        ids = [table.id] if table is not None else []
        if conference is not None:
            sub = registered[id(conference)]
            line = StatisticsLine(row, StatisticsSource.BOTH,
                                  _differences(row, conference, sub, config),
                                  [*ids, sub.id], _has_materials(sub, materials, config))
        else:
            line = StatisticsLine(row, StatisticsSource.REPORTED, submissions=ids)
            if row.held_on is None:
                line.differences.append(Message.of("export.stats.undated"))
            elif held:  # a unit that registers its conferences registers them all
                line.differences.append(Message.of("export.stats.not_registered"))
        lines.append(line)
    for conference in result.missing_from_statistics:
        sub = registered[id(conference)]
        key = "export.stats.not_reported" if table is not None else "export.stats.no_table"
        lines.append(StatisticsLine(_row_of(conference, sub), StatisticsSource.HELD,
                                    [Message.of(key, held_on=conference.held_on)], [sub.id],
                                    _has_materials(sub, materials, config)))
    lines.sort(key=lambda line: (line.row.held_on is None, line.row.held_on or date.min))
    sheet.lines = lines
    return sheet


def _row_of(conference: Conference, sub: Submission) -> StatisticsRow:
    """The row a registered conference makes in 附件3: its day, venue, unit, media, topic."""
    reg = sub.registration
    assert reg is not None
    return StatisticsRow(held_on=conference.held_on, venue=reg.venue,
                         unit=reg.organiser or conference.unit, media=list(reg.media),
                         topic=reg.title)


def _differences(row: StatisticsRow, conference: Conference, sub: Submission,
                 config: Config) -> list[Message]:
    from pressdocs.rules.matching import topic_score
    from pressdocs.text import normalize_label

    found = []
    reg = sub.registration
    assert reg is not None
    if row.held_on is not None and row.held_on != conference.held_on:
        found.append(Message.of("export.stats.date_differs", reported=row.held_on,
                                registered=conference.held_on))
    if row.venue and reg.venue and normalize_label(row.venue) != normalize_label(reg.venue):
        found.append(Message.of("export.stats.venue_differs", reported=row.venue,
                                registered=reg.venue))
    if row.topic and reg.title and topic_score(row.topic, reg.title, config.city) < _TOPIC_ALIKE:
        found.append(Message.of("export.stats.topic_differs", reported=row.topic,
                                registered=reg.title))
    return found


def _has_materials(sub: Submission, materials: list[Submission], config: Config) -> bool:
    """Whether materials were received for the conference ``sub`` registered: in the same
    message, for the same plan item, or from the same unit between the registration and
    the day of the conference."""
    from pressdocs.rules.matching import same_unit

    if sub.materials is not None:
        return True
    reg = sub.registration
    held_on = reg.time.date() if reg is not None and reg.time is not None else None
    for other in materials:
        if not same_unit(other.unit, sub.unit, config):
            continue
        if sub.plan_item is not None and (other.plan_year, other.plan_item) == (
                sub.plan_year, sub.plan_item):
            return True
        if other.received is not None and sub.received is not None and held_on is not None \
                and sub.received <= other.received \
                and office_day(other.received, config.tz) <= held_on:
            return True
    return False
