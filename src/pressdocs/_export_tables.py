"""The exports' tables: the columns and rows of each report, in one language.

The xlsx exporter (:mod:`pressdocs.builtin.export_xlsx`) and the CSV exporter
(:mod:`pressdocs.builtin.export_rows`) write the same columns from here, so that the two
never disagree.  附件3 itself is laid out by :mod:`pressdocs.forms.excel` (the layout of
the blank form); its CSV is the merged rows with the unit, the source and the
differences beside the form's columns.

Values are written the way people read them in ``lang``: dates 2021年6月30日
(2021-06-30 in English), times in the office's time zone, lists joined with 、, one
finding or document per line.  Numbers stay numbers.  Nothing here makes a cell safe:
the writers do that (:mod:`pressdocs._cells`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from pressdocs._messages import render_text, render_value
from pressdocs._register import RegisterEntry, SubmissionsRegister
from pressdocs._reports import PlanStatusReport
from pressdocs._statistics_table import StatisticsTable
from pressdocs.errors import ExportError
from pressdocs.forms.layout import STATISTICS_HEADINGS, statistics_row
from pressdocs.models import Finding
from pressdocs.rules.plan_status import PlanItemStatus
from pressdocs.text.dates import office_day, office_time

__all__ = ["PLAN_SHEETS", "Cell", "Table", "plan_tables", "register_table",
           "statistics_rows_table", "text", "write_file"]

Cell = str | int | None

#: How the plan may be laid out: one sheet, a sheet per planned month, a sheet per unit.
PLAN_SHEETS: tuple[str, ...] = ("", "month", "unit")

_SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Table:
    """One sheet: its name, column headers and widths (characters), and its rows (an
    iterator for a large register, written as it is read)."""

    title: str
    headers: list[str]
    widths: list[int]
    rows: Iterable[list[Cell]]


def text(key: str, lang: str, **params: object) -> str:
    """The catalogue's ``export.<key>`` in ``lang``."""
    return render_text(f"export.{key}", params, lang)


def _headers(keys: Sequence[str], lang: str) -> list[str]:
    return [text(f"column.{k}", lang) for k in keys]


def _day(value: date | None, lang: str) -> str:
    return render_value(value, lang) if value is not None else ""


def _findings(findings: Iterable[Finding], lang: str,
              waived: dict[str, str] | None = None) -> str:
    """The findings, one a line; a waived one followed by the reviewer's note."""
    waived = waived or {}
    return "\n".join(f"{f.code} {f.text(lang)}" + (text("value.waived", lang, note=waived[f.code])
                                                   if f.code in waived else "")
                     for f in findings)


# --- the plan and its status ------------------------------------------------------------

_PLAN_COLUMNS = ("number", "month", "units", "topic", "venue", "state", "deadline",
                 "registered", "held_on", "findings")
_PLAN_WIDTHS = [6, 8, 22, 40, 18, 14, 16, 16, 16, 50]


def plan_tables(report: PlanStatusReport, lang: str) -> list[Table]:
    """The plan with each item's status: one table, or one per month or unit as
    ``report.sheets`` asks (:data:`PLAN_SHEETS`)."""
    from pressdocs._reports import _by_unit

    if report.sheets not in PLAN_SHEETS:
        raise ExportError.of("export.bad_sheets", sheets=report.sheets,
                             allowed=[s for s in PLAN_SHEETS if s])
    headers = _headers(_PLAN_COLUMNS, lang)
    zone = report.config.tz if report.config is not None else _SHANGHAI

    def rows(items: Iterable[PlanItemStatus]) -> list[list[Cell]]:
        return [_plan_row(report, s, lang, zone) for s in items]

    if report.sheets == "month":
        months: dict[int, list[PlanItemStatus]] = {}
        for s in report.items:
            months.setdefault(s.item.month, []).append(s)
        return [Table(text("sheet.month", lang, month=m), headers, _PLAN_WIDTHS, rows(items))
                for m, items in sorted(months.items())]
    if report.sheets == "unit":
        return [Table(unit, headers, _PLAN_WIDTHS, rows(items))
                for unit, items in _by_unit(report.items, report.config).items()]
    return [Table(text("sheet.plan", lang, year=report.year), headers, _PLAN_WIDTHS,
                  rows(report.items))]


def _plan_row(report: PlanStatusReport, status: PlanItemStatus, lang: str,
              zone: ZoneInfo) -> list[Cell]:
    item = status.item
    behind = report.submissions_of(status)
    registered = next((s.received for s in behind if s.registration is not None
                       and s.received is not None), None)
    held = status.held_on
    findings = [f for s in behind for f in s.findings]
    return [item.number, text("value.month", lang, month=item.month),
            render_value(item.units, lang), item.topic, item.venue, status.state_text(lang),
            _day(status.deadline, lang),
            _day(office_day(registered, zone) if registered else None, lang),
            _day(held, lang), _findings(findings, lang)]


# --- the submissions register -----------------------------------------------------------

_REGISTER_COLUMNS = ("received", "sender_name", "sender", "unit", "subject", "kind",
                     "status", "plan_item", "documents", "findings", "corrects", "id")
_REGISTER_WIDTHS = [18, 14, 26, 18, 40, 14, 10, 14, 40, 60, 14, 14]
#: How many characters of a submission's id the register shows (as ``git`` shows commits).
ID_CHARS = 12


def register_table(register: SubmissionsRegister, lang: str) -> Table:
    """The register as one table, its rows made as they are written."""
    zone = register.config.tz if register.config is not None else _SHANGHAI
    title = text("sheet.register", lang)
    return Table(title, _headers(_REGISTER_COLUMNS, lang), _REGISTER_WIDTHS,
                 _register_rows(register.entries, lang, zone))


def register_row_maker(lang: str, zone: ZoneInfo) -> Callable[[RegisterEntry], list[Cell]]:
    """A function making one entry's row (labels looked up once, not per row)."""
    kinds: dict[str, str] = {}
    states: dict[str, str] = {}

    def row(e: RegisterEntry) -> list[Cell]:
        kind = kinds.get(e.kind) or kinds.setdefault(e.kind, e.kind.label(lang))
        state = states.get(e.status) or states.setdefault(e.status, e.status.label(lang))
        received = render_value(office_time(e.received, zone), lang) if e.received else ""
        item = text("value.plan_item", lang, year=e.plan_year, item=e.plan_item) \
            if e.plan_item is not None and e.plan_year is not None else ""
        return [received, e.sender_name, e.sender, e.unit, e.subject, kind, state, item,
                "\n".join(e.documents), _findings(e.findings, lang, e.waived),
                e.corrects[:ID_CHARS], e.id[:ID_CHARS]]

    return row


def _register_rows(entries: Iterable[RegisterEntry], lang: str,
                   zone: ZoneInfo) -> Iterator[list[Cell]]:
    make = register_row_maker(lang, zone)
    for entry in entries:
        yield make(entry)


# --- 附件3, merged, as rows -------------------------------------------------------------


def statistics_rows_table(table: StatisticsTable, lang: str) -> Table:
    """The merged statistics table as one table: the unit, 附件3's columns, where each row
    comes from and what disagrees."""
    headers = [text("column.filing_unit", lang), *STATISTICS_HEADINGS,
               text("column.source", lang), text("column.differences", lang)]
    rows: list[list[Cell]] = []
    for sheet in table.units:
        report = sheet.report(table.year)
        for row, merged in zip(report.rows, sheet.lines, strict=True):
            cells: list[Cell] = [sheet.unit, *statistics_row(row)]
            cells[1] = row.number
            rows.append([*cells, merged.source.label(lang),
                         "\n".join(m.text(lang) for m in merged.differences)])
    widths = [18, 6, 16, 18, 18, 26, 30, 26, 18, 14, 50]
    return Table(text("sheet.statistics", lang, period=table.period), headers, widths, rows)



def write_file(target: Path, write: Callable[[Path], None]) -> Path:
    """Write ``target`` through a temporary file beside it, then put it in place: nobody
    sees half a file, and a failure leaves an earlier file as it was.  A place that
    cannot be written is an :class:`ExportError` naming the file."""
    from pressdocs.forms import _write_failed

    target = Path(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        write(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise _write_failed(target, exc) from exc
    return target
