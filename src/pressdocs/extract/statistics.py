"""附件3: reading the statistics table (新闻发布会统计表) into :class:`StatisticsReport`.

The table comes from counties, districts and development zones as Word or Excel files
(sometimes converted from .doc/.xls or printed to PDF).  Above it is the header line
"填表单位(公章)：… 填表日期：… 填表人(联系方式)：张三 13905531234"; below its header
row each row is one conference: 序号, 时间, 地点, 单位, the media that attended, 发布主题,
the speakers, and whether reporters could ask questions and how many.

Cells are read the way people fill them in:

- 时间: any written date (:func:`pressdocs.text.parse_date`); "3月15日" takes its year
  from the caller, else the title ("2021年…统计表"), else the 填表日期; the text as
  written is kept in ``held_on_text``;
- 发布人姓名、职务: :func:`parse_speakers` — "张三（市财政局局长）、李四 副局长",
  "局长张三", "张三,局长；李四,副局长";
- 是否设记者提问、记者提问个数: :func:`parse_questions` — "是，5个", "有 3", "是（3个）",
  "5" (allowed, 5), "否", "无" (not allowed, 0); Excel tables that split it into two
  columns (是否设提问 | 提问个数) are read too.

:func:`extract_statistics` returns the report and warnings (:class:`pressdocs.Message`)
about cells it could not read; it raises :class:`pressdocs.errors.ParseError` when there is no statistics
table at all.
"""

from __future__ import annotations

import re

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
from pressdocs.forms.spec import STATISTICS
from pressdocs.models import Message, Speaker, StatisticsReport, StatisticsRow
from pressdocs.text import (
    parse_date,
    parse_when,
    split_list,
    strip_invisible,
    to_halfwidth,
)

__all__ = [
    "STATISTICS_COLUMNS",
    "extract_statistics",
    "parse_questions",
    "parse_speakers",
    "split_filer",
]

#: The columns of 附件3 and the labels they go by (:data:`pressdocs.forms.spec.STATISTICS`),
#: with ``questions_allowed`` and ``question_count``, the two halves some tables split the
#: last column into.  单位 is tried last as a keyword: it is inside 媒体单位 too.
STATISTICS_COLUMNS: tuple[Column, ...] = columns_of(
    sorted(STATISTICS.children("rows"), key=lambda f: f.key == "unit"))
#: The columns a header must name to be the statistics table's.
_HEADER_NEEDS = ("held_on", "topic", "media")
_ROW_REQUIRED = tuple(f for f in STATISTICS.children("rows") if f.required)

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TOTAL = frozenset({"合计", "总计", "小计", "共计"})
_STOP = re.compile(r"^(说明|注\s*[:：]|备注|附件\s*\d|填表说明)")
_PLACE = re.compile(r"厅|室|中心|馆|楼|场|会议|基地|现场|大厦|酒店|宾馆|院|园|线上|网络")
_UNIT = re.compile(r"(政府|管委会|局|委|办|中心|院|会|队|处|所|部|厅|公司|集团)$")
_MEDIA = re.compile(r"报|台|社|网|中心|集团|在线|频道|客户端|新闻|媒体|电视|广播|杂志|融媒")


# --- the header line ------------------------------------------------------------------------

def _label_pattern(label: str) -> str:
    parts = []
    for char in label:
        if char in "(（":
            parts.append("[(（]")
        elif char in ")）":
            parts.append("[)）]")
        else:
            parts.append(re.escape(char))
    return r"\s*".join(parts)


#: (field, label) of the line above the table, longest label first so that
#: 填表人(联系方式) is not read as 填表人 followed by a value "(联系方式)".
_HEADER_LABELS: tuple[tuple[str, str], ...] = tuple(sorted(
    ((f.name, label) for f in STATISTICS.children() for label in f.labels),
    key=lambda pair: -len(pair[1])))
_HEADER = re.compile("|".join(f"(?P<h{i}>{_label_pattern(label)})"
                              for i, (_, label) in enumerate(_HEADER_LABELS)))
_VALUE_TRIM = " \t:：\u3000\u00a0"


def _header_fields(lines: list[str]) -> dict[str, str]:
    """填表单位, 填表日期, 填表人 and 联系方式 from the lines around the table (by field
    name): each value is the text after its label up to the next label on the line."""
    found: dict[str, str] = {}
    for line in (part for text in lines for part in text.splitlines()):
        matches = list(_HEADER.finditer(line))
        for i, match in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            value = line[match.end():end].strip(_VALUE_TRIM)
            key = _HEADER_LABELS[int(next(k for k, v in match.groupdict().items() if v)[1:])][0]
            if value and not found.get(key):
                found[key] = value
    return found


#: What a contact is written with: phone numbers (with 转 extensions, several joined
#: with 、) or a mail address; text after it (the next label on a PDF line) is not part.
_CONTACT = re.compile(
    r"(?:[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+|[0-9０-９+＋\-－—()（）\s转分机#＃/、,，;；])+"
)


def split_filer(text: str) -> tuple[str, str]:
    """填表人(联系方式): the name and the contact as written.

    "张三 13905531234" → ("张三", "13905531234"); "张三（0553-3831234）" → ("张三",
    "0553-3831234"); "张三 （0553）3831234" keeps the area code's brackets; a contact
    alone gives an empty name.
    """
    text = text.strip(_VALUE_TRIM)
    start = re.search(r"[0-9０-９+＋]|[(（]\s*[0-9０-９]|[A-Za-z0-9._%+-]+@", text)
    if start is None:
        return text, ""
    name = re.sub(r"(联系电话|联系方式|电话|手机|邮箱)\s*$", "",
                  text[:start.start()].strip(_VALUE_TRIM + ",，、;；")).strip(_VALUE_TRIM + ",，、")
    rest = text[start.start():]
    written = _CONTACT.match(rest)
    contact = (written.group(0) if written else rest).strip(_VALUE_TRIM + ",，、;；")
    if contact[:1] in "(（" and contact[-1:] in ")）" and not re.search(r"[)）]", contact[1:-1]):
        contact = contact[1:-1].strip()
    elif contact[-1:] in "(（":
        contact = contact[:-1].strip()
    return name, contact


# --- cells ----------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_YES = re.compile(r"^(是|有|设|设置|设有|允许|已设)")
_NO = re.compile(r"^(否|无|没有|不设|未设|未|不|没)")
_COUNT = re.compile(r"(\d+|[零〇一二两三四五六七八九十]{1,3})\s*(个|次|位|名|条)?")
_SEPS = r"[\s,，、:：;；(（)）。.]*"
#: The words around the answer that say nothing ("设记者提问，提问3个", "3个问题").
_QUESTION_WORDS = re.compile(r"记者|提问|问题|个数|数量|共")
_QUESTIONS_SHAPE = re.compile(
    rf"^(是|否|有|无|设|设置|设有|不设|未设|没有|已设)?{_SEPS}"
    rf"(\d+|[零〇一二两三四五六七八九十]{{1,3}})?\s*(个|次|位|名|条)?{_SEPS}$"
)


def parse_questions(text: str) -> tuple[bool | None, int | None] | None:
    """是否设记者提问、记者提问个数 → (allowed, count); ``None`` when the text cannot be
    read.  "是，5个" → (True, 5); "是" → (True, None); "5" → (True, 5); "否" and "无" →
    (False, 0); "0个" → (False, 0); "" → (None, None)."""
    bare = re.sub(r"\s+", "", to_halfwidth(strip_invisible(text)))
    if not bare:
        return None, None
    if not _QUESTIONS_SHAPE.match(_QUESTION_WORDS.sub("", bare)):
        return None
    count_match = _COUNT.search(bare)
    count = _number(count_match.group(1)) if count_match else None
    if _NO.match(bare):
        return False, count if count is not None else 0
    if _YES.match(bare):
        return True, count
    if count is None:
        return None
    return count > 0, count


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones
                                                                else 0)
    return _CN_DIGITS.get(text) if len(text) == 1 else None


_OPEN = "(（"
_CLOSE = ")）"
_SPEAKER_SEPARATORS = "、,，;；\n/"
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff·]{1,10}$")
_POSITION_END = re.compile(
    r"(长|主任|书记|委员|主席|员|发言人|负责人|经理|秘书|专员|干部|代表|主管|助理|顾问|主编|"
    r"总监|总师|常委|巡视员|调研员)$")
_POSITION_START = (
    "副", "常务", "党组", "党委", "党工委", "局", "主任", "书记", "区", "县", "市", "镇", "乡",
    "处", "科", "部", "新闻", "办公室", "宣传", "一级", "二级", "三级", "四级", "调研", "管委会",
    "总", "秘书", "发言", "主", "院", "所", "馆", "站", "校", "中心", "委员", "组", "队", "首席",
    "省", "街道", "开发区", "高新区", "经开区", "政府", "县委", "区委", "市委",
)


def parse_speakers(text: str) -> list[Speaker]:
    """发布人姓名、职务 → speakers with name and position.

    Reads "张三（市财政局局长）、李四（党组书记、局长）", "李四 副局长", "局长张三",
    "张三局长", "张三,局长；李四,副局长" and a list of names.  A position split off by a
    separator ("张三，党组书记、局长") goes with the name before it.
    """
    speakers: list[Speaker] = []
    pending = ""  # a position written before its name: "局长，张三"
    for token in _split_top(strip_invisible(text), _SPEAKER_SEPARATORS):
        token = token.strip(" \t\u3000\u00a0:：。.")
        if not token:
            continue
        name, position = _speaker_parts(token)
        if not name and position:
            if speakers and not pending:
                last = speakers[-1]
                last.position = f"{last.position}、{position}" if last.position else position
            else:
                pending = f"{pending}、{position}" if pending else position
            continue
        if pending:
            position = f"{pending}、{position}" if position else pending
            pending = ""
        speakers.append(Speaker(name=name, position=position))
    if pending:
        speakers.append(Speaker(name=pending))
    return speakers


def _split_top(text: str, separators: str) -> list[str]:
    """Split at ``separators`` outside brackets (the position in 张三（党组书记、局长） stays)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _is_position(text: str) -> bool:
    return bool(_POSITION_END.search(text)) and not (len(text) == 2 and text[1] == "员")


def _speaker_parts(token: str) -> tuple[str, str]:
    """(name, position) of one speaker; ("", position) for a position alone."""
    bracket = re.match(r"^([^(（]+?)\s*[(（](.*)[)）]\s*$", token, re.DOTALL)
    if bracket:
        return bracket.group(1).strip(), bracket.group(2).strip()
    words = token.split()
    if len(words) > 1:
        if _NAME.match(words[0]) and not _is_position(words[0]):
            return words[0], " ".join(words[1:])
        if _NAME.match(words[-1]) and _is_position(" ".join(words[:-1])):
            return words[-1], " ".join(words[:-1])
        token = "".join(words)
    if _is_position(token) and token.startswith(_POSITION_START):
        return "", token
    for size in (2, 3):
        head, tail = token[:-size], token[-size:]
        if len(head) >= 2 and _is_position(head) and not _is_position(tail):
            return tail, head
    if _NAME.match(token) and not _is_position(token):
        return token, ""
    for size in (2, 3):
        head, tail = token[:size], token[size:]
        if (tail.startswith(_POSITION_START) and _is_position(tail)
                and re.fullmatch(r"[\u4e00-\u9fff]+", head)):
            return head, tail
    if _is_position(token):
        return "", token
    return token, ""


# --- the report -----------------------------------------------------------------------------


def extract_statistics(content: Content, *, year: int | None = None,
                       source: str = "") -> tuple[StatisticsReport, list[Message]]:
    """The statistics table in ``content`` and warnings about what was unclear.

    ``year`` completes dates written without one ("3月15日") and is the report's year;
    without it the title's year is used, else the 填表日期's.  Rows left blank are
    skipped, a 合计 row too.

    Raises:
        ParseError: no table with the statistics header (时间 … 参加发布会的媒体单位 …
            发布主题) was found.
    """
    records = _records(content)
    if records is None:
        raise ParseError.of("extract.no_statistics_table",
                            columns=[f.printed for f in STATISTICS.columns("rows")],
                            file=source or None)
    around = [*records.before, *content.paragraphs, *records.after]
    fields = _header_fields(around)
    warnings: list[Message] = []
    title_year = _title_year(around)
    filing_text = fields.get("filing_date", "")
    filing_date = parse_date(filing_text, year or title_year) if filing_text else None
    if filing_text and filing_date is None:
        warnings.append(Message.of("extract.unreadable_date",
                                   field=STATISTICS.field("filing_date").label, text=filing_text))
    report_year = year or title_year or (filing_date.year if filing_date else None)
    filer, contact = split_filer(fields.get("filer", ""))
    report = StatisticsReport(
        filing_unit=fields.get("filing_unit", ""),
        filing_date=filing_date,
        filer=filer,
        filer_contact=contact or fields.get("filer_contact", ""),
        year=report_year,
    )
    for record in records.records:
        row = _row(record, report_year, warnings)
        if row is not None:
            report.rows.append(row)
    return report, warnings


def _records(content: Content) -> Records | None:
    from_tables = table_records(content.tables, STATISTICS_COLUMNS, _HEADER_NEEDS)
    if from_tables is not None and from_tables.records:
        return from_tables
    from_lines = line_records(
        content.paragraphs, STATISTICS_COLUMNS, _HEADER_NEEDS,
        fits={"held_on": _fits_date, "questions": _fits_questions, "venue": _fits_place,
              "unit": _fits_unit, "media": _fits_media, "speakers": _fits_speakers},
        wrap_cost={"topic": 0.05, "media": 0.1, "speakers": 0.1, "held_on": 1.0,
                   "questions": 1.0},
        stop=_STOP,
    )
    if from_lines is not None and from_lines.records:
        return from_lines
    return from_tables or from_lines


def _title_year(lines: list[str]) -> int | None:
    for line in (part for text in lines for part in text.splitlines()):
        if "统计" in line and not _HEADER.search(line):
            match = _YEAR.search(to_halfwidth(line))
            if match:
                return int(match.group(1))
    return None


def _row(record: Record, year: int | None, warnings: list[Message]) -> StatisticsRow | None:
    number_text = record.get("number")
    if number_text.replace(" ", "") in _TOTAL:
        return None
    values = {k: v for k, v in record.values.items() if k != "number"}
    if not any(values.values()):
        return None  # a numbered row left blank
    number = parse_number(number_text) if number_text else None
    where = (Message.of("extract.row", form=STATISTICS.label,
                        number=number_text if number is None else number)
             if number_text else
             Message.of("extract.record", form=STATISTICS.label, position=record.position))
    if number_text and number is None:
        warnings.append(Message.of("extract.not_a_number", where=where, text=number_text,
                                   field=_label("number")))
    row = StatisticsRow(
        number=number,
        held_on_text=_one_line(record.get("held_on")),
        venue=_one_line(record.get("venue")),
        unit=_one_line(record.get("unit")),
        media=split_list(record.get("media")),
        topic=_one_line(record.get("topic")),
        speakers=parse_speakers(record.get("speakers")),
    )
    if row.held_on_text:
        when = parse_when(row.held_on_text, year)
        if when is not None and when.value is not None:
            row.held_on = when.value
        elif when is not None and when.problem is not None:
            warnings.append(Message.of("extract.row_wrong_date", where=where,
                                       field=_label("held_on"), text=row.held_on_text,
                                       problem=when.problem))
        else:
            warnings.append(Message.of("extract.row_unreadable_date", where=where,
                                       field=_label("held_on"), text=row.held_on_text))
    for required in _ROW_REQUIRED:
        if not _one_line(record.get(required.key)):
            warnings.append(Message.of("extract.row_empty", where=where, field=required.label))
    _questions(row, record, where, warnings)
    return row


def _label(key: str) -> Message:
    return STATISTICS.field(f"rows.{key}").label


def _questions(row: StatisticsRow, record: Record, where: Message,
               warnings: list[Message]) -> None:
    combined = record.get("questions")
    parsed = parse_questions(combined)
    if parsed is None:
        warnings.append(Message.of("extract.questions_unreadable", where=where,
                                   field=_label("questions_allowed"), text=combined))
        parsed = (None, None)
    allowed, count = parsed
    allowed_text, count_text = record.get("questions_allowed"), record.get("question_count")
    if allowed_text:
        separate = parse_questions(allowed_text)
        if separate is None:
            warnings.append(Message.of("extract.yes_no_unreadable", where=where,
                                       field=_label("questions_allowed"), text=allowed_text))
        else:
            allowed = separate[0]
            count = separate[1] if count is None else count
    if count_text:
        number = parse_questions(count_text)
        if number is None or number[1] is None:
            warnings.append(Message.of("extract.not_an_integer", where=where,
                                       field=_label("question_count"), text=count_text))
        else:
            count = number[1]
            if allowed is None:
                allowed = number[0]
    row.questions_allowed, row.question_count = allowed, count


def _one_line(text: str) -> str:
    return join_wrapped(text.splitlines())


# --- what the values look like (for rows that reached us as lines) -----------------------------


def _fits_date(text: str) -> float:
    found = parse_when(text, 2000)
    return 2.0 if found is not None and len(text) <= 30 else -3.0


def _fits_questions(text: str) -> float:
    return 2.0 if parse_questions(text) not in (None, (None, None)) else -3.0


def _fits_place(text: str) -> float:
    return 0.5 if _PLACE.search(text) else 0.0


def _fits_unit(text: str) -> float:
    return 0.5 if _UNIT.search(text) else 0.0


def _fits_media(text: str) -> float:
    items = split_list(text)
    return 0.5 if items and all(_MEDIA.search(i) for i in items) else 0.0


def _fits_speakers(text: str) -> float:
    speakers = parse_speakers(text)
    return 0.5 if speakers and all(s.position for s in speakers) else 0.0
