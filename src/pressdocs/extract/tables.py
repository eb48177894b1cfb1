"""Reading the rows of a form's table, however the table arrived.

附件1 (计划安排) and 附件3 (统计表) are tables under a header row.  They reach us as
Word and Excel tables (merged cells, a table split across pages, blank rows left for
the hand), and as plain lines where the table structure is gone: the notice's own web
copy puts every cell on a line of its own, a PDF may put a row on one line.  Both
kinds of input become the same :class:`Records`: one :class:`Record` per data row, the
cell texts by column key, plus the text above and below the table (title, the
填表单位 line, notes).

- :class:`Column` names a column by the labels forms use for it; labels are compared
  after :func:`pressdocs.text.normalize_label` ("序 号" is 序号) and columns may come in
  any order.
- :func:`table_records` reads :attr:`Content.tables`: it finds the header row, joins
  the tables that continue it, fills vertically merged cells down and drops blank rows.
- :func:`line_records` reads lines: it finds the header labels, cuts the lines into
  records at each 序号 and shares each record's lines among the columns, using what
  each column's values look like (:data:`Fit`) to decide where a wrapped value or an
  empty cell is.
- :func:`split_label_value` reads "姓名：张三" (label and value in one cell).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pressdocs.forms.spec import Field
from pressdocs.text import normalize_label, to_halfwidth

__all__ = [
    "Column",
    "Fit",
    "Record",
    "Records",
    "Row",
    "cell_text",
    "column_key",
    "columns_of",
    "drop_blank_rows",
    "find_header",
    "header_map",
    "is_blank_row",
    "join_wrapped",
    "line_records",
    "parse_number",
    "row_line",
    "split_label_value",
    "table_records",
]

Row = Sequence[str | None]

#: How well a text fits a column: positive fits, 0 says nothing, negative does not fit.
Fit = Callable[[str], float]

#: A normalized label longer than this is a value, not a column label.
_MAX_LABEL = 24
#: Rows searched for the header at the top of a table.
_HEADER_SEARCH = 15
_NUMBER = re.compile(r"^\s*(\d{1,4})(?:\.0+)?\s*[.、．]?\s*$")
_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")
#: Spaces PDF text extraction puts between a number and its unit: "2021 年6 月30 日", "5 个".
_PDF_GAPS = re.compile(r"(?<=\d)[ \u00a0]+(?=[年月日时点分个号次])"
                       r"|(?<=年)[ \u00a0]+(?=\d{1,2} ?月)|(?<=月)[ \u00a0]+(?=\d{1,2} ?日)")


@dataclass(frozen=True)
class Column:
    """One column of a form: its field ``key``, the ``labels`` that name it exactly
    (normalized), and ``keywords`` that name it when contained in a label."""

    key: str
    labels: tuple[str, ...]
    keywords: tuple[str, ...] = ()


@dataclass
class Record:
    """One data row: cell texts by column key (merged cells filled in), and its
    ``position`` among the table's data rows (from 1), for warnings about a row without
    a 序号."""

    values: dict[str, str]
    position: int

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass
class Records:
    """The rows of a form's table, with the text around it.

    ``keys`` are the columns found, in the table's order; ``before`` holds the lines
    above the header (title, 填表单位…), ``after`` the lines below the data and rows
    that were not data (a 说明 merged across the table).
    """

    records: list[Record] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def columns_of(fields: Iterable[Field]) -> tuple[Column, ...]:
    """The :class:`Column` of each of a form's table ``fields``
    (:mod:`pressdocs.forms.spec`): keyed by the field's own attribute (``held_on``), named
    by its printed label and variants, normalized, and by its keywords."""
    return tuple(Column(f.key, tuple(normalize_label(label) for label in f.labels), f.keywords)
                 for f in fields)


# --- cells and rows -------------------------------------------------------------------------


def cell_text(value: str | None) -> str:
    """A cell's text, trimmed; ``""`` for a position covered by a merged cell."""
    return "" if value is None else value.strip().strip("\u3000\u00a0").strip()


def is_blank_row(row: Row) -> bool:
    """Whether no cell of ``row`` holds any text."""
    return not any(cell_text(c) for c in row)


def drop_blank_rows(rows: Iterable[Row]) -> list[Row]:
    """``rows`` without the blank ones (rows left empty for the hand, spacer rows)."""
    return [row for row in rows if not is_blank_row(row)]


def row_line(row: Row) -> str:
    """The texts of a row's cells as one line (merged positions once), for the text
    around a table: "填表单位(公章)：…  填表日期：…"."""
    return "  ".join(cell_text(c) for c in row if cell_text(c))


def parse_number(text: str) -> int | None:
    """A 序号 cell's number: "3", "３", "3.", "3、", and "3.0" as Excel numbers come out."""
    match = _NUMBER.match(to_halfwidth(text))
    return int(match.group(1)) if match else None


def join_wrapped(parts: Iterable[str]) -> str:
    """Join the lines of a value that was wrapped to fit its cell: Chinese lines join
    without a space, Latin words and numbers on both sides of a break keep one."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(part[0]):
            out += " "
        out += part
    return out


def split_label_value(text: str, labels: Iterable[str]) -> tuple[str, str] | None:
    """Read a cell holding both a label and its value: "姓名：张三", "电话:139…".

    ``labels`` are normalized labels; returns the label matched and the value as
    written, or ``None`` when the text does not start with one of them followed by a
    colon.
    """
    match = re.match(r"\s*([^:：]{1,24}?)\s*[:：]\s*(.*)$", text, re.DOTALL)
    if match is None:
        return None
    label = normalize_label(match.group(1))
    return (label, match.group(2).strip()) if label in set(labels) else None


# --- headers ---------------------------------------------------------------------------------


def column_key(label: str, columns: Sequence[Column], *, exact_only: bool = False) -> str | None:
    """The key of the column that ``label`` names: an exact label first, then (unless
    ``exact_only``) the first column with a keyword inside the label."""
    norm = normalize_label(label)
    if not norm or len(norm) > _MAX_LABEL:
        return None
    for column in columns:
        if norm in column.labels:
            return column.key
    if exact_only:
        return None
    for column in columns:
        if any(word in norm for word in column.keywords):
            return column.key
    return None


def header_map(row: Row, columns: Sequence[Column], *, exact_only: bool = False) -> dict[str, int]:
    """Column key → index for the cells of ``row`` that are column labels (first wins)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        if cell is None:
            continue
        key = column_key(cell, columns, exact_only=exact_only)
        if key is not None and key not in found:
            found[key] = index
    return found


def find_header(table: Sequence[Row], columns: Sequence[Column],
                required: Iterable[str]) -> tuple[int, dict[str, int]] | None:
    """The header row of ``table`` (index, key → column index), searched in its first
    rows; a header names every ``required`` column.  A second header row right below it
    (sub-labels under a merged label, like 是否设提问 | 提问个数) refines the mapping, and
    its index is returned."""
    needed = set(required)
    for index, row in enumerate(table[:_HEADER_SEARCH]):
        mapping = header_map(row, columns)
        if needed <= mapping.keys():
            if index + 1 < len(table):
                refined = _sub_header(table[index + 1], mapping, columns)
                if refined is not None:
                    return index + 1, refined
            return index, mapping
    return None


def _sub_header(row: Row, mapping: dict[str, int],
                columns: Sequence[Column]) -> dict[str, int] | None:
    texts = [(i, cell_text(c)) for i, c in enumerate(row) if cell_text(c)]
    if not texts:
        return None
    sub: dict[str, int] = {}
    for index, text in texts:
        key = column_key(text, columns)
        if key is None:
            return None
        sub.setdefault(key, index)
    taken = set(sub.values())
    refined = {k: i for k, i in mapping.items() if i not in taken and k not in sub}
    refined.update(sub)
    return refined


# --- records from tables ------------------------------------------------------------------------


def table_records(tables: Sequence[Sequence[Row]], columns: Sequence[Column],
                  required: Iterable[str]) -> Records | None:
    """The data rows of the form's table in ``tables``, or ``None`` if no table has a
    header naming the ``required`` columns.

    Tables after the first headed one continue it when they repeat the header (a table
    broken across pages with its header repeated) or have no header and as many columns
    (Word's table continued on the next page).  In data rows: a position covered by a
    vertically merged cell takes the value above it; blank rows, repeated header rows and
    rows of a single cell merged across the table (a 说明, a section title) are not data.
    """
    required = tuple(required)
    result: Records | None = None
    mapping: dict[str, int] = {}
    width = 0
    pending_before: list[str] = []
    for table in tables:
        found = find_header(table, columns, required)
        if found is not None:
            header_index, mapping = found
            data = table[header_index + 1:]
            if result is None:
                top = _header_top(table, header_index, columns, required)
                result = Records(keys=sorted(mapping, key=mapping.__getitem__),
                                 before=pending_before + [row_line(r) for r in table[:top]])
            width = max((len(r) for r in table), default=0)
        elif result is not None and _continues(table, width):
            data = table
        else:
            lines = [row_line(r) for r in table if row_line(r)]
            if result is None:
                pending_before.extend(lines)
            else:
                result.after.extend(lines)
            continue
        _read_rows(data, mapping, columns, required, result)
    return result


def _header_top(table: Sequence[Row], index: int, columns: Sequence[Column],
                required: tuple[str, ...]) -> int:
    """The first row of the header (the row above when ``index`` is a sub-header)."""
    if index > 0 and set(required) <= header_map(table[index - 1], columns).keys():
        return index - 1
    return index


def _is_note(row: Row, mapping: dict[str, int]) -> bool:
    """Whether ``row`` is text under or inside the table rather than data: one cell merged
    across the table, or a text in the 序号 column alone that is not a number (a 说明
    typed into column A of a sheet)."""
    present = [c for c in row if c is not None]
    if len(row) > 2 and len(present) == 1:
        return True
    filled = [i for i, c in enumerate(row) if cell_text(c)]
    column = mapping.get("number")
    return (len(filled) == 1 and filled[0] == column
            and parse_number(cell_text(row[filled[0]])) is None)


def _continues(table: Sequence[Row], width: int) -> bool:
    return max((len(r) for r in table), default=0) == width


def _read_rows(rows: Sequence[Row], mapping: dict[str, int], columns: Sequence[Column],
               required: tuple[str, ...], result: Records) -> None:
    previous: dict[str, str] = {}
    for row in rows:
        if is_blank_row(row):
            continue
        if _is_note(row, mapping):
            result.after.append(row_line(row))
            continue
        if set(required) <= header_map(row, columns, exact_only=True).keys():
            continue
        values: dict[str, str] = {}
        for key, index in mapping.items():
            cell = row[index] if index < len(row) else ""
            values[key] = previous.get(key, "") if cell is None else cell_text(cell)
        previous = values
        result.records.append(Record(values=values, position=len(result.records) + 1))


# --- records from lines -------------------------------------------------------------------------


def line_records(lines: Iterable[str], columns: Sequence[Column], required: Iterable[str], *,
                 fits: Mapping[str, Fit] | None = None,
                 wrap_cost: Mapping[str, float] | None = None,
                 stop: re.Pattern[str] | None = None) -> Records | None:
    """The data rows of a table that reached us as lines, or ``None`` without a header.

    The header is either one label per line (labels broken over up to three lines are
    joined) or all labels on one line; then the rows are one cell per line (the web copy
    of the notice) or one row per line with cells separated by spaces (a PDF).  Each row
    starts with its 序号 (the ``number`` column, which must come first).  The lines of a
    row are shared among the other columns in order, choosing the split where each value
    fits its column best (``fits``): a value wrapped over two lines is joined
    (:func:`join_wrapped`), an empty cell that left no line is detected.  ``wrap_cost``
    says which columns are likely to wrap (lower is likelier; default 0.3).  Lines matching
    ``stop`` (a 说明 under the table, the next 附件) end the table.
    """
    texts = [_strip(line) for raw in lines for line in raw.splitlines()]
    texts = [t for t in texts if t]
    required = tuple(required)
    header = _line_header(texts, columns, required)
    if header is None:
        return None
    start, end, keys, one_line = header
    if not keys or keys[0] != "number":
        return None
    result = Records(keys=keys, before=texts[:start])
    tokens: list[tuple[str, bool]] = []
    for index in range(end, len(texts)):
        text = texts[index]
        if stop is not None and stop.search(text):
            result.after.extend(texts[index:])
            break
        if one_line:
            parts = _SPACE.split(_PDF_GAPS.sub("", text))
            tokens.extend((part, i == 0) for i, part in enumerate(parts) if part)
        else:
            tokens.append((text, True))
    groups = _cut_at_numbers(tokens, len(keys) - 1, one_line)
    fields = keys[1:]
    for number, group in groups:
        values = _share(group, fields, fits or {}, wrap_cost or {})
        values["number"] = str(number)
        result.records.append(Record(values=values, position=len(result.records) + 1))
    return result


def _strip(text: str) -> str:
    return text.strip().strip("\u3000\u00a0\ufeff").strip()


def _line_header(texts: Sequence[str], columns: Sequence[Column],
                 required: tuple[str, ...]) -> tuple[int, int, list[str], bool] | None:
    """(first header line, first line after it, keys in order, one-line header?)."""
    for index, text in enumerate(texts):
        parts = [p for p in _SPACE.split(text) if p]
        if len(parts) > 1:
            keys, used = _labels_in(parts, 0, columns)
            if used == len(parts) and set(required) <= set(keys):
                return index, index + 1, keys, True
        keys, used = _labels_in(texts, index, columns)
        if set(required) <= set(keys):
            return index, index + used, keys, False
    return None


def _labels_in(items: Sequence[str], start: int,
               columns: Sequence[Column]) -> tuple[list[str], int]:
    """Column labels read from ``items[start:]``, one after another; each label may be
    broken over up to three items.  Returns the keys and the number of items used."""
    keys: list[str] = []
    index = start
    while index < len(items):
        key, size = _label_at(items, index, columns)
        if key is None or key in keys:
            break
        keys.append(key)
        index += size
    return keys, index - start


def _label_at(items: Sequence[str], index: int,
              columns: Sequence[Column]) -> tuple[str | None, int]:
    for size in (1, 2, 3):
        if index + size > len(items):
            break
        key = column_key("".join(items[index:index + size]), columns, exact_only=True)
        if key is not None:
            return key, size
    return None, 0


def _cut_at_numbers(tokens: Sequence[tuple[str, bool]], cells: int,
                    one_line: bool) -> list[tuple[int, list[tuple[str, bool]]]]:
    """Cut the token stream into rows at each 序号.

    A row starts at a token that is the next number (or one of the three after it, when
    a row was left out); of several candidates, the first that leaves the row ``cells``
    values is taken, so a 时间 of "9" inside row 8 is not mistaken for row 9.  With one
    row per line (``one_line``), any larger number starting a line starts a row.
    """
    first = next((i for i, (t, at_start) in enumerate(tokens)
                  if at_start and parse_number(t) is not None), None)
    if first is None:
        return []
    rows: list[tuple[int, list[tuple[str, bool]]]] = []
    index, number = first, parse_number(tokens[first][0])
    assert number is not None
    while index < len(tokens):
        following = _next_row_start(tokens, index, number, cells, one_line)
        end = len(tokens) if following is None else following
        rows.append((number, list(tokens[index + 1:end])))
        if following is None:
            break
        index = following
        found = parse_number(tokens[index][0])
        assert found is not None
        number = found
    return rows


def _next_row_start(tokens: Sequence[tuple[str, bool]], index: int, number: int,
                    cells: int, one_line: bool) -> int | None:
    for expected in range(number + 1, number + 4):
        candidates = [i for i in range(index + 1, len(tokens))
                      if tokens[i][1] and parse_number(tokens[i][0]) == expected]
        if candidates:
            full = [i for i in candidates if i - index - 1 >= cells]
            return full[0] if full else candidates[0]
    if one_line:
        # One row per line: a line starting with a larger number starts a row even
        # when the numbering skips.
        for i in range(index + 2, len(tokens)):
            found = parse_number(tokens[i][0]) if tokens[i][1] else None
            if found is not None and found > number:
                return i
    return None


_EMPTY_COST = 1.0
_DEFAULT_WRAP_COST = 0.3
#: Joining words of one line (a PDF line split at spaces) costs a tenth of a wrap.
_JOIN_SHARE = 0.1


def _share(items: Sequence[tuple[str, bool]], fields: Sequence[str], fits: Mapping[str, Fit],
           wrap_cost: Mapping[str, float]) -> dict[str, str]:
    """Share the tokens of a row among ``fields`` in order, each field taking zero or
    more consecutive tokens, maximising the fit of every value to its field (dynamic
    programming over the split points).  A token that starts a line (the flag) costs
    the field's wrap cost when it continues a value; one within a line a tenth of it."""
    tokens = [text for text, _ in items]
    n, m = len(tokens), len(fields)
    minus_inf = float("-inf")
    best = [[minus_inf] * (n + 1) for _ in range(m + 1)]
    choice = [[0] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0.0
    for i, name in enumerate(fields):
        fit = fits.get(name)
        wrap = wrap_cost.get(name, _DEFAULT_WRAP_COST)
        for j in range(n + 1):
            if best[i][j] == minus_inf:
                continue
            for k in range(j, n + 1):
                if k == j:
                    gain = -_EMPTY_COST
                else:
                    value = join_wrapped(tokens[j:k])
                    wraps = sum(1 for _, starts in items[j + 1:k] if starts)
                    joins = k - j - 1 - wraps
                    gain = (fit(value) if fit else 0.0) - wrap * (wraps + _JOIN_SHARE * joins)
                if best[i][j] + gain > best[i + 1][k]:
                    best[i + 1][k] = best[i][j] + gain
                    choice[i + 1][k] = j
    values: dict[str, str] = {}
    k = n
    for i in range(m, 0, -1):
        j = choice[i][k]
        values[fields[i - 1]] = join_wrapped(tokens[j:k])
        k = j
    return values
