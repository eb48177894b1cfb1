"""An example validator plugin: the office's own rule WH301, "a conference belongs on a
working day" (发布会原则上安排在工作日).

It is a plugin module: load it with ``Pressdocs(plugins=[weekend_plugin])``, put it in a
folder for ``pressdocs --plugins-dir FOLDER``, or package it with an entry point in the
``pressdocs`` group (``pressdocs plugin new`` writes such a package).  Users switch the
rule off or change its severity like a built-in one: ``[rules.WH301] severity = "error"``.

Run as a script, it checks a registration form with itself loaded:

    python examples/weekend_plugin.py [登记表.docx]

Without a form, one for Saturday 2021年4月17日 is written to ``weekend-registration.docx``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from pressdocs import (
    Context,
    Finding,
    Location,
    Message,
    Severity,
    Submission,
    Validator,
    hookimpl,
)
from pressdocs.text import format_date_zh


def day_off(day: date) -> bool:
    """A weekend or a public holiday, by the official calendar (调休 Saturdays are working
    days); by the weekday alone for a year the calendar does not know yet."""
    import chinese_calendar  # a dependency of pressdocs; imported when first needed

    try:
        return not chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() >= 5


class NotOnADayOff(Validator):
    """WH301: the registration's 举办时间 falls on a weekend or a public holiday."""

    name = "not-on-a-day-off"   # unique among validators
    code = "WH301"              # two capitals and three digits, not a built-in's PDxxx
    severity = Severity.WARNING
    title = Message.literal("发布会安排在休息日", "conference held on a day off")
    clause = "（本办要求）新闻发布会原则上安排在工作日"

    def check(self, submission: Submission, context: Context) -> Iterable[Finding]:
        reg = submission.registration
        if reg is None or reg.time is None:      # no form, or no time on it: nothing to say
            return []
        day = reg.time.astimezone(context.config.tz).date()
        if not day_off(day):
            return []
        text = Message.literal(
            f"发布会定于{format_date_zh(day)}召开，当天是休息日（周末或法定节假日），请确认",
            f"the conference is set for {day.isoformat()}, a day off (a weekend or a public "
            "holiday); please confirm", key="wh.day_off")
        form = next((d.name for d in submission.documents if d.kind == "registration"), "")
        return [Finding(self.code, self.severity, text,
                        Location(document=form, field="registration.time"), clause=self.clause)]


@hookimpl
def register_validators(register: Callable[[Validator], None]) -> None:
    register(NotOnADayOff())


if __name__ == "__main__":
    import os
    import sys
    from datetime import datetime
    from pathlib import Path

    import weekend_plugin  # this file as a module of its own name: the plugin "weekend_plugin"

    from pressdocs import Person, Pressdocs, Registration

    with Pressdocs(plugins=[weekend_plugin]) as pd:
        if len(sys.argv) > 1:
            form = Path(sys.argv[1])
        else:  # a form filled in on Monday 12 April for Saturday 17 April
            when = datetime(2021, 4, 17, 9, 30, tzinfo=pd.config.tz)
            form = pd.write_form("registration", "weekend-registration.docx", data=Registration(
                title="2021年全民健身月启动仪式新闻发布会", organiser="市体育局",
                person_in_charge=Person("王五", "13905530000", "副局长"), time=when,
                time_text="2021年4月17日上午9:30", venue="市体育中心",
                approval_opinion="同意。", approval_date=date(2021, 4, 12),
                filing_unit="市体育局", filing_date=date(2021, 4, 12)))
            sent = datetime(2021, 4, 12, 10, 0, tzinfo=pd.config.tz).timestamp()
            os.utime(form, (sent, sent))  # a file is judged as received at its time
        submission = pd.check(form)
    for finding in submission.findings:
        print(f"{finding.code} {finding.severity.label('zh')}：{finding.text('zh')}")
    print(f"{form}：{submission.status.label('zh')}")
