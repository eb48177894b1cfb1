"""Did a department's head (主要负责同志) attend a press conference this year?  (PD404)

The notice: 与宏观经济和民生关系密切的相关职能部门,主要负责同志每年应参加一次新闻发布会.

**How a head is recognised.**  Forms do not say "this is the head"; they give a position.
A person counts as the unit's principal leader when a part of their position (parts are
split at 、，/ and 兼) ends with a head's title — 局长, 主任, 书记, 主席, 县长, 区长, 市长,
院长, 行长, 关长, 检察长, 秘书长, 部长, 厅长, 社长, 校长, 馆长, 董事长, 总经理, 队长 of a
支队/总队 — and that part does not hold 副 (deputy), 助理 (assistant), 巡视员 or 调研员,
and the title is not that of an office or section inside the unit (办公室主任, 科长,
处长, 支部书记, 工会主席 …).  So "党组书记、局长" and "主任" count; "副局长（主持工作）",
"办公室主任", "局长助理" and "机关党委书记" do not.

When the office knows the heads by name (``heads``: unit → name), a speaker with that
name counts whatever the position says.

**Where attendance is seen.**  The speakers (发布人姓名、职务) of the statistics tables
(附件3), and the person in charge (负责人) of a registration form whose position is a
head's: the form names who answers for the conference.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from pressdocs.config import Config
from pressdocs.models import StatisticsReport, Submission
from pressdocs.rules.matching import same_unit

__all__ = [
    "Appearance",
    "appearances_from_registrations",
    "appearances_from_statistics",
    "heads_without_conference",
    "is_principal",
]

_HEAD_TITLE = re.compile(
    r"(局长|主任|书记|主席|县长|区长|市长|院长|行长|关长|检察长|秘书长|部长|厅长|社长|校长|馆长"
    r"|董事长|总经理|支队长|总队长)$")
_NOT_HEAD = re.compile(r"副|助理|巡视员|调研员|科员")
_INNER_OFFICE = re.compile(
    r"(办公室|室|科|股|处|所|站|支部|总支|机关党委|机关党总支|机关委员会|工会|团委|妇委会"
    r"|纪检组|纪检监察组)(主任|书记|主席|组长)$")
_PARTS = re.compile(r"[、，,；;/／\s]+|兼")


def is_principal(position: str) -> bool:
    """Whether ``position`` is that of a unit's principal leader (see the module docstring)."""
    text = re.sub(r"[（(][^）)]*[）)]", "", position)
    for part in _PARTS.split(text):
        part = part.strip()
        if not part or _NOT_HEAD.search(part) or _INNER_OFFICE.search(part):
            continue
        if _HEAD_TITLE.search(part):
            return True
    return False


@dataclass(frozen=True)
class Appearance:
    """Someone of ``unit`` who spoke at, or answered for, a conference on ``when``."""

    unit: str
    when: date
    name: str
    position: str
    source: str = ""  # 统计表 / 登记表


def appearances_from_statistics(reports: Iterable[StatisticsReport]) -> list[Appearance]:
    """Every speaker of every dated row of the statistics tables."""
    result = []
    for report in reports:
        for row in report.rows:
            if row.held_on is None:
                continue
            unit = row.unit or report.filing_unit
            for speaker in row.speakers:
                result.append(Appearance(unit, row.held_on, speaker.name, speaker.position,
                                         "统计表"))
    return result


def appearances_from_registrations(submissions: Iterable[Submission]) -> list[Appearance]:
    """The person in charge of every registered conference with a date."""
    result = []
    for sub in submissions:
        reg = sub.registration
        if reg is None or reg.time is None:
            continue
        person = reg.person_in_charge
        if person.name or person.position:
            when = reg.time.date() if isinstance(reg.time, datetime) else reg.time
            result.append(Appearance(sub.unit or reg.organiser, when, person.name,
                                     person.position, "登记表"))
    return result


def heads_without_conference(units: Iterable[str], appearances: Iterable[Appearance],
                             year: int, *, heads: Mapping[str, str] | None = None,
                             config: Config | None = None) -> list[str]:
    """PD404: the units of ``units`` whose head attended no conference in ``year``.

    ``units`` are the departments the rule applies to (the office decides which: the
    notice says those close to the economy and people's livelihood); the result keeps
    their order.  Units, and the units ``heads`` names, are compared through the unit
    directory (:func:`pressdocs.rules.matching.same_unit`).
    """
    seen = [a for a in appearances if a.when.year == year]
    missing = []
    for unit in units:
        head = next((name for named, name in (heads or {}).items()
                     if same_unit(named, unit, config)), "")
        attended = any(
            same_unit(a.unit, unit, config)
            and (is_principal(a.position) or (head and a.name.strip() == head.strip()))
            for a in seen)
        if not attended:
            missing.append(unit)
    return missing
