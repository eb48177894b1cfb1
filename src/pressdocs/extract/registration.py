"""附件2: reading a registration form (新闻发布会登记表) into :class:`Registration`.

Works on any layout :mod:`pressdocs.extract.labels` understands: the Word table of the
notice, a PDF exported from it (its table recovered by the PDF parser, or its text lines),
an email body of "标签：值" lines.  The labels are those of
:data:`pressdocs.forms.spec.REGISTRATION`; 负责人's sub-labels (姓名, 电话, 职务) are also
known by their English names (Name, Phone, Position), and wherever they stand (a cell of
their own, or inline as "姓名：王芳 电话：0553-1234567") each value goes to its own field.
The form's own text is not the unit's and is dropped: the printed requirements inside the
内容 cell (1. 提供新闻发布稿电子版… 4. …打包发送至邮箱), and what a printed label adds to the
label a layout was read by ("（可以附附件）" beside the value of 新闻发布会内容).
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from pressdocs.capabilities import Content
from pressdocs.extract.labels import label_remnants, label_values, tokens
from pressdocs.forms.spec import REGISTRATION
from pressdocs.models import Message, Person, Registration
from pressdocs.text import (
    find_phones,
    normalize_label,
    parse_date,
    parse_when,
    split_list,
    to_halfwidth,
)

__all__ = ["REGISTRATION_LABELS", "extract_registration"]

#: Normalized label → field name: the printed labels of 附件2 and the variants units
#: write (:data:`pressdocs.forms.spec.REGISTRATION`).
REGISTRATION_LABELS: dict[str, str] = REGISTRATION.labels()
_UNIT_LABELS = REGISTRATION.field("filing_unit").labels
#: Printed label text beyond a shorter label of the same field: "（可以附附件）".
_REMNANTS = label_remnants(REGISTRATION.fields)
_DATE_LABELS = re.compile(
    r"\s*(?=" + "|".join(map(re.escape, REGISTRATION.field("filing_date").labels)) + ")")

# The form's printed requirements (附件2, 内容 cell): template text, not the unit's.
_TEMPLATE_LINE = re.compile(
    r"提供新闻发布稿电子版|至少提供\s*\d+\s*个提问问题|提供与发布内容相关的图片|"
    r"打包发送至邮箱|上述内容于发布会召开前"
)
_EMAIL_LINE = re.compile(r"^\s*[\w.+-]+@[\w-]+(\.[\w-]+)+\s*$")
_SEAL = re.compile(r"[（(]\s*公\s*章\s*[)）]")
_BLANK_DATE = re.compile(r"^\s*年\s*月\s*日\s*$")
_BLANK_DATE_ANYWHERE = re.compile(r"[\s\u3000]*年[\s\u3000]+月[\s\u3000]+日")
_PLACEHOLDER = re.compile(r"^[\s_＿—\-/／无]*$")


def extract_registration(content: Content, *, tz: ZoneInfo, default_year: int | None = None
                         ) -> tuple[Registration, list[Message]]:
    """The registration form in ``content`` and warnings about what was unclear.

    ``default_year`` completes dates written without a year when the form's own 填表时间
    has none either (callers pass the year the message was received).
    """
    # PDF text lines wrap where the cell was full; a PDF's tables come with their wraps
    # already joined (pressdocs.builtin.parse_pdf), as a Word table's cells.
    found = label_values(_split_header(tokens(content)), _labels(),
                         wrapped=content.media_type == "application/pdf" and not content.tables)

    def get(key: str) -> str:
        value = found.get(key)
        return _REMNANTS.sub("", value).strip() if _REMNANTS is not None else value

    warnings: list[Message] = []
    reg = Registration()
    reg.title = _clean(get("title"))
    reg.organiser = _clean(get("organiser"))
    reg.venue = _clean(get("venue"))
    reg.remarks = _clean(get("remarks"))
    reg.filing_unit = _clean(get("filing_unit"))
    filing_text = _clean(get("filing_date"))
    reg.filing_date = parse_date(filing_text, default_year) if filing_text else None
    year = reg.filing_date.year if reg.filing_date else default_year

    reg.person_in_charge = _person(get("person_in_charge"), get("person_in_charge.name"),
                                   get("person_in_charge.phone"),
                                   get("person_in_charge.position"))
    reg.content = _without_template(get("content"))
    reg.guests = split_list(_clean(get("guests")))
    reg.media = split_list(_clean(get("media")))

    reg.time_text = _clean(get("time"))
    if reg.time_text:
        label = REGISTRATION.field("time").label
        when = parse_when(reg.time_text, year)
        if when is None:
            warnings.append(Message.of("extract.unreadable_date", field=label,
                                       text=reg.time_text))
        elif when.value is None:
            warnings.append(Message.of("extract.wrong_date", field=label, problem=when.problem))
        else:
            if when.time is None:
                warnings.append(Message.of("extract.no_time_of_day", field=label,
                                           text=reg.time_text))
            day = when.value
            if when.year_assumed and reg.filing_date is not None:
                day = _nearest_year(day, reg.filing_date)
            reg.time = datetime.combine(day, when.time or time(0, 0), tzinfo=tz)

    opinion, approval_date = _approval(get("approval_opinion"), year)
    reg.approval_opinion, reg.approval_date = opinion, approval_date
    if "title" not in found.seen and "organiser" not in found.seen:
        warnings.append(Message.of(
            "extract.not_a_form", form=REGISTRATION.label,
            labels=[REGISTRATION.field(n).printed for n in ("title", "organiser")]))
    return reg, warnings


@functools.cache
def _labels() -> dict[str, str]:
    """The labels extraction looks for: :data:`REGISTRATION_LABELS`, and 负责人's
    sub-labels by their English names too (from the catalogue: name, phone, position)."""
    english = {normalize_label(f.label.text("en")): f.name
               for f in REGISTRATION.children("person_in_charge")}
    return {**english, **REGISTRATION_LABELS}


def _nearest_year(day: date, filed: date) -> date:
    """A conference day written without its year (1月1日), in the year that puts it nearest
    to the day the form was filled in: a form filed on 2017年12月31日 for 1月1日 means
    2018年1月1日; one filed on 2018年1月2日 for 12月28日 (registered late) means 2017."""
    candidates = []
    for year in (filed.year - 1, filed.year, filed.year + 1):
        try:
            candidates.append(day.replace(year=year))
        except ValueError:  # 2月29日 in a common year
            continue
    return min(candidates, key=lambda d: abs((d - filed).days), default=day)


def _without_template(text: str) -> str:
    """The unit's own content: the printed requirements block (first requirement to the
    last one or the mailbox line, with lines a PDF wrapped in between) removed."""
    lines = [line for line in text.splitlines() if line.strip()]
    marked = [i for i, line in enumerate(lines)
              if _TEMPLATE_LINE.search(line) or _EMAIL_LINE.match(line)]
    if marked:
        lines = lines[:marked[0]] + lines[marked[-1] + 1:]
    return "\n".join(lines).strip()


def _split_header(items: list[str]) -> list[str]:
    """Split the header line "填报单位：市统计局   填表时间：2021年3月1日" into two items."""
    out: list[str] = []
    for item in items:
        header = any(label in item for label in _UNIT_LABELS)
        parts = _DATE_LABELS.split(item) if header else [item]
        out.extend(p for p in parts if p.strip())
    return out


def _clean(value: str) -> str:
    value = value.strip()
    return "" if _PLACEHOLDER.match(value) else value


def _person(whole: str, name: str, phone: str, position: str) -> Person:
    """负责人: from its three cells, from one text like "张三 13905531234 办公室主任", or
    from both ("张三 电话：13905531234": the parts a label names, the rest from the text)."""
    person = Person(name=_clean(name), phone=_clean(phone), position=_clean(position))
    rest = _clean(whole)
    if not rest:
        return person
    digits = re.search(r"[+\d（(][\d\s\-()（）+转]{6,}\d", rest) if find_phones(rest) else None
    if digits:
        person.phone = person.phone or digits.group(0).strip()
        rest = rest.replace(digits.group(0), " ")
    parts = [p for p in re.split(r"[\s,，、;；/]+", rest)
             if p and p not in (person.name, person.position)]
    if parts and not person.name:
        person.name = parts.pop(0)
    if parts and not person.position:
        person.position = "".join(parts)
    return person


def _approval(text: str, year: int | None) -> tuple[str, date | None]:
    """审批意见 and its date: the date (with 公章) is the last line or the end of the text."""
    lines = [line for line in text.splitlines() if line.strip()]
    approval_date: date | None = None
    kept = []
    for line in lines:
        bare = _BLANK_DATE_ANYWHERE.sub("", _SEAL.sub("", line)).strip()
        when = parse_when(bare, year)
        if when is not None and when.value is not None:
            approval_date = when.value
            written = bare if when.text in bare else to_halfwidth(bare)
            bare = written.replace(when.text, "").rstrip(" ，,\u3000")
        if bare:
            kept.append(bare)
    opinion = "\n".join(kept)
    return _clean(opinion), approval_date
