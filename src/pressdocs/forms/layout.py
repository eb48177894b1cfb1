"""What the three forms say: titles, labels, printed requirements, and values as written.

Everything here is text; :mod:`pressdocs.forms.word` and :mod:`pressdocs.forms.excel`
put it on the page.  The titles, labels and columns are the notice's attachments (附件1,
附件2, 附件3) as :mod:`pressdocs.forms.spec` defines them; the city, the office mailbox
and every number printed in a requirement (1200 字, 2 questions, 500 字, 3 pictures,
1 video, 1 day) come from :class:`pressdocs.config.Config`.

Values are written the way people fill the forms in: dates as 2021年3月15日 (GB/T 9704,
no zero padding), times as 2021年3月15日 9:30, lists joined with 、, a speaker as
张三（局长）, the questions column as 是，5个.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pressdocs.config import Config
from pressdocs.forms.spec import PLAN, REGISTRATION, STATISTICS, Form
from pressdocs.models import (
    Plan,
    PlanItem,
    Registration,
    Speaker,
    StatisticsReport,
    StatisticsRow,
)
from pressdocs.text import format_date_zh, format_datetime_zh

__all__ = [
    "APPROVAL_SEAL",
    "BLANK_DATE",
    "BLANK_YEAR",
    "PLAN_HEADINGS",
    "PLAN_NOTE",
    "REGISTRATION_PERSON_LABELS",
    "STATISTICS_HEADINGS",
    "approval_line",
    "list_cell",
    "plan_or_title",
    "plan_row",
    "plan_title",
    "printed",
    "questions_cell",
    "registration_header",
    "registration_requirements",
    "registration_rows",
    "registration_time",
    "registration_title",
    "speakers_cell",
    "statistics_header",
    "statistics_row",
    "statistics_title",
    "year_of_report",
]

#: 附件1 columns, in the notice's order.
PLAN_HEADINGS: tuple[str, ...] = tuple(f.printed for f in PLAN.columns("items"))

#: 附件3 columns, in the notice's order.
STATISTICS_HEADINGS: tuple[str, ...] = tuple(f.printed for f in STATISTICS.columns("rows"))

#: The note printed under the plan's table (附件1, 说明).
PLAN_NOTE = (
    "说明：各责任单位根据工作推进情况，可以适当调整新闻发布会时间并报市政务公开办备案。"
    "没有安排计划的其他单位，可以根据工作需要适时召开新闻发布会。"
    "遇有社会关切，相关单位要及时举行新闻发布会。"
)

#: 负责人's three sub-rows on 附件2.
REGISTRATION_PERSON_LABELS: tuple[str, ...] = tuple(
    f.printed for f in REGISTRATION.columns("person_in_charge"))

#: The date line of 审批意见 before anyone signs it.
BLANK_DATE = "年\u3000\u3000月\u3000\u3000日"
APPROVAL_SEAL = "(公章)"
_LIST_SEPARATORS = "、，,；;"
#: A year left for the hand to fill in ("    年…").
BLANK_YEAR = "\u3000\u3000\u3000\u3000"


def printed(form: Form, name: str) -> str:
    """The label ``form`` prints for its field ``name`` (:mod:`pressdocs.forms.spec`)."""
    return form.field(name).printed


# --- 附件1 ------------------------------------------------------------------------------


def plan_title(year: int | None, city: str) -> str:
    """``2021年芜湖市新闻发布会计划安排``."""
    return f"{BLANK_YEAR if year is None else year}年{city}{PLAN.title}"


def plan_row(item: PlanItem, plan_year: int | None) -> tuple[str, str, str, str, str]:
    """One row of 附件1 as written: the month as 3月 (with its year only when the item is
    planned for another year than the plan's), the units joined with 、."""
    when = f"{item.month}月"
    if item.year is not None and item.year != plan_year:
        when = f"{item.year}年{when}"
    return (str(item.number), item.venue, when, item.topic, "、".join(item.units))


def plan_or_title(plan: Plan | None, year: int | None, city: str) -> str:
    """The plan's own title when it has one, else the standard title."""
    if plan is not None and plan.title:
        return plan.title
    return plan_title(plan.year if plan is not None else year, city)


# --- 附件2 ------------------------------------------------------------------------------


def registration_title(city: str) -> str:
    """``芜湖市新闻发布会登记表``."""
    return f"{city}{REGISTRATION.title}"


def registration_header(reg: Registration | None) -> tuple[str, str]:
    """The line above the table: (填报单位：…, 填表时间：…)."""
    unit = reg.filing_unit if reg is not None else ""
    filed = reg.filing_date if reg is not None else None
    return (f"{printed(REGISTRATION, 'filing_unit')}：{unit}",
            f"{printed(REGISTRATION, 'filing_date')}：{format_date_zh(filed) if filed else ''}")


def registration_requirements(config: Config) -> list[str]:
    """The four requirements printed in the 内容 cell, numbers from the configuration."""
    m, d = config.materials, config.deadlines
    return [
        f"1. 提供新闻发布稿电子版（原则上不超过{m.press_release_max_chars}字）。",
        f"2. 至少提供{m.min_questions}个提问问题供参考（附回答内容，每个回答不超过"
        f"{m.answer_max_chars}字）。",
        f"3. 提供与发布内容相关的图片{m.pictures}张、视频（备选）{m.max_videos}个。",
        f"4. 上述内容于发布会召开前{d.materials_days_before}天打包发送至邮箱："
        f"{config.office_mailbox}",
    ]


def registration_time(reg: Registration) -> str:
    """举办时间 as written: the text the unit wrote, else 2021年3月15日 9:30."""
    if reg.time_text:
        return reg.time_text
    return format_datetime_zh(reg.time) if reg.time is not None else ""


def approval_line(approved: date | None) -> str:
    """``2021年3月10日(公章)``, or the blank ``年  月  日(公章)``."""
    return (format_date_zh(approved) if approved else BLANK_DATE) + APPROVAL_SEAL


def registration_rows(reg: Registration | None) -> list[tuple[str, str]]:
    """The single-value rows of 附件2 after 负责人 and 内容, label → value as written."""
    r = reg or Registration()
    return [
        (printed(REGISTRATION, "time"), registration_time(r)),
        (printed(REGISTRATION, "venue"), r.venue),
        (printed(REGISTRATION, "guests"), list_cell(r.guests)),
        (printed(REGISTRATION, "media"), list_cell(r.media)),
    ]


def list_cell(items: Sequence[str]) -> str:
    """A list as one cell: joined with 、, or one item per line when an item itself holds
    a separator ("党组书记、局长王伟"), as people write such lists."""
    if any(sep in item for item in items for sep in _LIST_SEPARATORS):
        return "\n".join(items)
    return "、".join(items)


# --- 附件3 ------------------------------------------------------------------------------


def year_of_report(report: StatisticsReport | None, year: int | None) -> int | None:
    """The year in the title: given, else the report's, else its filing date's."""
    if year is not None:
        return year
    if report is None:
        return None
    if report.year is not None:
        return report.year
    return report.filing_date.year if report.filing_date else None


def statistics_title(year: int | None, city: str) -> str:
    """``2021年芜湖市新闻发布会统计表``."""
    return f"{BLANK_YEAR if year is None else year}年{city}{STATISTICS.title}"


def statistics_header(report: StatisticsReport | None) -> tuple[str, str, str]:
    """The line above the table: 填表单位(公章)：…, 填表日期：…, 填表人(联系方式)：张三 139…"""
    r = report or StatisticsReport()
    filer = " ".join(p for p in (r.filer, r.filer_contact) if p)
    return (
        f"{printed(STATISTICS, 'filing_unit')}：{r.filing_unit}",
        f"{printed(STATISTICS, 'filing_date')}："
        f"{format_date_zh(r.filing_date) if r.filing_date else ''}",
        f"{printed(STATISTICS, 'filer')}：{filer}",
    )


def speakers_cell(speakers: Sequence[Speaker]) -> str:
    """发布人姓名、职务: ``张三（局长）、李四（党组书记、局长）``."""
    return "、".join(f"{s.name}（{s.position}）" if s.position else s.name for s in speakers)


def questions_cell(allowed: bool | None, count: int | None) -> str:
    """是否设记者提问、记者提问个数: ``是，5个``, ``是``, ``否``, or just ``5个``."""
    if allowed is False:
        return "否"
    number = f"{count}个" if count is not None else ""
    if allowed is True:
        return f"是，{number}" if number else "是"
    return number


def statistics_row(row: StatisticsRow) -> tuple[str, ...]:
    """One row of 附件3 as written, in :data:`STATISTICS_HEADINGS` order."""
    held = row.held_on_text or (format_date_zh(row.held_on) if row.held_on else "")
    return (
        "" if row.number is None else str(row.number),
        held,
        row.venue,
        row.unit,
        "、".join(row.media),
        row.topic,
        speakers_cell(row.speakers),
        questions_cell(row.questions_allowed, row.question_count),
    )
