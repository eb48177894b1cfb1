"""The office dashboard of a year: one look at where the work stands.

:func:`build_dashboard` gathers, on ``as_of``:

- the year's plan by month and by unit (held, registered, due, overdue, delayed), from
  the plan status report (:func:`pressdocs._reports.plan_report`), so the dashboard and
  ``pressdocs plan status`` never disagree;
- the submissions waiting for correction: received in the year, ``incomplete``, and not
  yet replaced by a correction;
- the findings by rule over the year's submissions (corrected ones left out, as the
  office sees them now), with each rule's title from the rule catalogue;
- the statistics tables (附件3) received per half-year: which units sent one, how many
  conferences they reported, and which units that file it have not (once the half-year's
  filing day has passed).  A table counts for the half-year its latest dated row falls
  in (a table for 上半年 sent on 7月2日 is still the first half's), else the half-year it
  was received in.  The units that file it are those that ever sent one and those
  ``[notify] statistics_units`` names, as the reminders count them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from pressdocs.models import (
    Finding,
    Message,
    Severity,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)
from pressdocs.text.dates import office_day, office_time

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs
    from pressdocs._reports import PlanStatusReport

__all__ = ["AwaitingCorrection", "Dashboard", "HalfYearStatistics", "RuleCount",
           "build_dashboard"]


@dataclass
class AwaitingCorrection:
    """A submission the unit has still to correct: its errors."""

    submission_id: str
    unit: str
    subject: str
    received: datetime | None
    errors: list[Finding] = field(default_factory=list)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"submission_id": self.submission_id, "unit": self.unit,
                "subject": self.subject,
                "received": self.received.isoformat() if self.received else None,
                "errors": [{"code": f.code, "text": f.text(lang)} for f in self.errors]}


@dataclass
class RuleCount:
    """How often one rule found something in the year's submissions."""

    code: str
    title: Message
    severity: Severity
    findings: int
    submissions: int

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"code": self.code, "title": self.title.text(lang),
                "severity": self.severity.value, "findings": self.findings,
                "submissions": self.submissions}


@dataclass
class HalfYearStatistics:
    """The statistics tables received for one half-year (``2021H1``)."""

    period: str
    due: date  # its filing day
    units: list[str] = field(default_factory=list)  # units that sent one
    tables: int = 0
    rows: int = 0  # conferences the tables report
    missing: list[str] = field(default_factory=list)  # units that file it and have not
    closed: bool = False  # the filing day has passed on as_of

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"period": self.period, "due": self.due.isoformat(), "units": self.units,
                "tables": self.tables, "rows": self.rows, "missing": self.missing,
                "closed": self.closed}


@dataclass
class Dashboard:
    """The office dashboard of ``year`` on ``as_of``."""

    year: int
    as_of: date
    plan: PlanStatusReport
    received: int = 0  # submissions received in the year (unrelated mail left out)
    awaiting: list[AwaitingCorrection] = field(default_factory=list)
    rules: list[RuleCount] = field(default_factory=list)
    statistics: list[HalfYearStatistics] = field(default_factory=list)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"year": self.year, "as_of": self.as_of.isoformat(),
                "received": self.received, "plan": self.plan.to_dict(lang),
                "awaiting_correction": [a.to_dict(lang) for a in self.awaiting],
                "findings_by_rule": [r.to_dict(lang) for r in self.rules],
                "statistics": [s.to_dict(lang) for s in self.statistics]}


def half_year(day: date) -> str:
    """``2021H1`` for a day from January to June, ``2021H2`` after."""
    return f"{day.year}H{1 if day.month <= 6 else 2}"


def build_dashboard(app: Pressdocs, *, year: int | None = None,
                    as_of: date | None = None) -> Dashboard:
    """The dashboard of ``year`` (default: the latest plan's) on ``as_of`` (default today)."""
    from pressdocs._reports import plan_for, plan_report

    store, config = app.store, app.config
    day = as_of or app.today()
    chosen = plan_for(store, year).year
    plan = plan_report(store, config, as_of=day, year=chosen)
    start = datetime.combine(date(chosen, 1, 1), time.min, tzinfo=config.tz)
    end = min(datetime.combine(date(chosen + 1, 1, 1), time.min, tzinfo=config.tz),
              datetime.combine(day, time.max, tzinfo=config.tz))
    every = store.submissions(since=start, until=end)
    corrected = {s.corrects for s in every if s.corrects}
    subs = [s for s in every if s.id not in corrected
            and s.kind is not SubmissionKind.UNRELATED
            and s.status is not SubmissionStatus.DUPLICATE]
    board = Dashboard(year=chosen, as_of=day, plan=plan, received=len(subs))
    board.awaiting = [
        AwaitingCorrection(s.id, s.unit, s.subject,
                           office_time(s.received, config.tz) if s.received else None,
                           [f for f in s.findings if f.severity is Severity.ERROR])
        for s in subs if s.status is SubmissionStatus.INCOMPLETE]
    board.rules = _by_rule(app, subs)
    board.statistics = _statistics(app, chosen, day, subs)
    return board


def _by_rule(app: Pressdocs, subs: list[Submission]) -> list[RuleCount]:
    titles = {r.code: r for r in app.rules()}
    findings: Counter[str] = Counter()
    submissions: Counter[str] = Counter()
    severities: dict[str, Severity] = {}
    for s in subs:
        for f in s.findings:
            findings[f.code] += 1
            severities.setdefault(f.code, f.severity)
        for code in {f.code for f in s.findings}:
            submissions[code] += 1
    counts = []
    for code, n in findings.items():
        info = titles.get(code)
        title = info.title if info is not None else Message.literal(code, code)
        counts.append(RuleCount(code, title, severities[code], n, submissions[code]))
    return sorted(counts, key=lambda c: (-c.findings, c.code))


def _statistics(app: Pressdocs, year: int, as_of: date,
                subs: list[Submission]) -> list[HalfYearStatistics]:
    from pressdocs.rules.deadlines import filing_days
    from pressdocs.rules.matching import unit_key

    config = app.config
    tables = [s for s in subs if s.statistics is not None]
    extra = config.notify.get("statistics_units", [])
    named = [*(s.statistics.filing_unit or s.unit for s in tables if s.statistics),
             *(str(u) for u in (extra if isinstance(extra, list) else [extra]))]
    filers: dict[str, str] = {}
    for name in named:
        if name:
            filers.setdefault(unit_key(name, config), name)
    dues = sorted(filing_days(year, config.deadlines.statistics_due))
    halves = {f"{year}H1": HalfYearStatistics(f"{year}H1", dues[0]),
              f"{year}H2": HalfYearStatistics(f"{year}H2", dues[-1])}
    sent: dict[str, set[str]] = {k: set() for k in halves}
    for s in tables:
        assert s.statistics is not None
        dated = [r.held_on for r in s.statistics.rows if r.held_on is not None]
        received = office_day(s.received, config.tz) if s.received else None
        when = max(dated) if dated else received
        if when is None or half_year(when) not in halves:
            continue
        half = halves[half_year(when)]
        unit = s.statistics.filing_unit or s.unit
        half.tables += 1
        half.rows += len(s.statistics.rows)
        key = unit_key(unit, config)
        if key not in sent[half.period]:
            sent[half.period].add(key)
            half.units.append(unit)
    for period, half in halves.items():
        half.closed = as_of >= half.due
        if half.closed:
            half.missing = sorted(n for k, n in filers.items() if k not in sent[period])
    return list(halves.values())
