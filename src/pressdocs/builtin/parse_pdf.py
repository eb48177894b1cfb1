"""PDF parser: the tables of a page from its ruling lines, the text around them, and
form field values.

A form saved or printed to PDF from Word or WPS (登记表, 统计表, 计划安排) is a table on
paper, and its text lines alone do not say which cell a word was in: ``负责人 姓名 王芳
电话 0553-1234567`` is one line of four cells, and a wrapped list runs into the label of
the row below.  So each page is read by its layout (pdfplumber, on pdfminer's character
boxes and the page's drawn lines and rectangles):

- a table is a grid of ruling lines with at least two rows and two columns (a single
  frame around a press release is no table); its cells go to ``Content.tables`` as the
  Word parser gives them, a merged cell once and ``None`` at its other grid positions;
- a cell's text is its characters line by line; a line that reaches the cell's right
  edge (the next word would not have fitted) was wrapped by the word processor and is
  joined to the next one, without a space between Chinese characters, so ``"\\n"`` in a
  cell is a line break its writer typed, as in a Word table;
- the text outside the tables is ``Content.paragraphs``, one per line, top to bottom.

A PDF without a table anywhere (a press release, a form typed as plain lines) is read
as text lines with pypdf's ``extract_text``, in its reading order; so is every page when
the layout cannot be read at all.  Filled form fields (AcroForm) go to
``Content.fields`` by their full name; a check box reads "☒" or "☐", a radio group the
chosen option.

A PDF locked with an open password cannot be read; one with only an owner password
(printing or copying restricted, common for documents from government systems) is
opened with the empty password as every viewer does.  A page with no text but a picture
is a scan (a stamped form, printed and scanned): it is listed in
``Content.scanned_pages`` for OCR to read (:mod:`pressdocs.builtin.parse_scan`; pages
with text never are); a PDF with no text and no picture at all is a
:class:`ParseError`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pressdocs._sniff import PDF, sniff_media_type
from pressdocs.builtin.parse_docx import check_not_foreign
from pressdocs.capabilities import Content, Parser
from pressdocs.errors import ParseError
from pressdocs.hookspecs import hookimpl
from pressdocs.models import Message
from pressdocs.text.linebreak import LIST_ITEM, NO_LINE_END, NO_LINE_START, WORD_CHAR

__all__ = ["PdfParser"]


_RADIO_FLAG = 1 << 15

Table = list[list[str | None]]


class PdfParser(Parser):
    """PDF 文件：按版面读取表格，其余文字逐行读取，含表单域。"""

    name = "pdf"
    description = "PDF 文件（按版面读取表格，其余文字逐行读取，含表单域）"
    media_types = (PDF,)

    def sniff(self, data: bytes, name: str) -> bool:
        return sniff_media_type(data, name) == PDF

    def parse(self, data: bytes, name: str) -> Content:
        check_not_foreign(data, name, PDF, Message.of("parse.kind.pdf"))
        reader = _open(data, name)
        content = Content(media_type=PDF)
        pages = _layout(data)
        blank: list[int] = []  # pages without text
        if pages is not None and any(page.tables for page in pages):
            for number, page in enumerate(pages, start=1):
                if page.failed:
                    content.paragraphs.extend(_text_lines(reader, number, content))
                elif not page.lines and not page.tables:
                    blank.append(number)
                content.paragraphs.extend(page.lines)
                content.tables.extend(page.tables)
        else:
            for number in range(1, len(reader.pages) + 1):
                lines = _text_lines(reader, number, content)
                if not lines:
                    blank.append(number)
                content.paragraphs.extend(lines)
        content.fields = _form_fields(reader)
        # a page without text that shows a picture is a scan, for OCR to read
        content.scanned_pages = [number for number in blank if _has_picture(reader, number)]
        if not (content.paragraphs or content.tables or any(content.fields.values())
                or content.scanned_pages):
            raise ParseError.of("parse.pdf_no_text", file=name)
        return content


@hookimpl
def register_parsers(register: Callable[[Parser], None]) -> None:
    register(PdfParser())


def _has_picture(reader: Any, number: int) -> bool:
    """Whether page ``number`` shows a picture (a page without text and without one is
    blank, and costs no OCR)."""
    try:
        return bool(reader.pages[number - 1].images)
    except Exception:  # a broken resource dictionary: nothing to read on it either
        return False


def _open(data: bytes, name: str) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError.of("parse.pdf_encrypted", file=name)
        if len(reader.pages) == 0:
            raise ParseError.of("parse.pdf_no_pages", file=name)
        return reader
    except ParseError:
        raise
    except DependencyError as exc:
        raise ParseError.of("parse.pdf_needs_cryptography", file=name) from exc
    # pypdf raises a wide range of exceptions (its own, ValueError, KeyError, struct and
    # zlib errors) on damaged files; each means the same thing to the user.
    except Exception as exc:
        raise ParseError.of("parse.pdf_damaged", file=name) from exc


def _text_lines(reader: Any, number: int, content: Content) -> list[str]:
    """Page ``number``'s text lines as pypdf reads them; a warning if it cannot."""
    try:
        text = reader.pages[number - 1].extract_text()
    # A page with a broken font or content stream should not cost the others.
    except Exception:
        content.warnings.append(Message.of("parse.pdf_page_unreadable", page=number))
        return []
    return [s for s in (_respace(line.strip()) for line in text.splitlines()) if s]


def _form_fields(reader: Any) -> dict[str, str]:
    try:
        fields = reader.get_fields() or {}
    except Exception:  # a broken AcroForm dictionary: the page text is still worth having
        return {}
    values: dict[str, str] = {}
    for full_name, field_ in fields.items():
        value = field_.get("/V")
        if value is None:
            continue
        values[str(full_name)] = _field_value(field_, value)
    return values


def _field_value(field_: Any, value: Any) -> str:
    from pypdf.generic import NameObject

    if isinstance(value, list):
        return "、".join(_field_value(field_, v) for v in value)
    text = str(value)[1:] if isinstance(value, NameObject) else str(value).strip()
    if field_.get("/FT") == "/Btn":
        if int(field_.get("/Ff", 0)) & _RADIO_FLAG:
            return "" if text == "Off" else text
        return "☐" if text in ("Off", "") else "☒"
    return text


# pypdf puts a space between a number and the Chinese unit after it ("2021 年4 月15 日",
# "1200 字"); Word never wrote one there.  Only these joins are undone, so a space that
# separates a label from its value ("电话 13905531234") stays.
_SPLIT_NUMBER = re.compile(r"(?<=\d) +(?=[年月日时点分秒个字张号条项转亿万千百元%])")


def _respace(line: str) -> str:
    return _SPLIT_NUMBER.sub("", line)


# --- the layout: tables from ruling lines, and the lines around them --------------------------


@dataclass
class _Page:
    """One page read by its layout: its tables, and the text lines outside them."""

    lines: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    failed: bool = False


#: Points a line may fall short of the room left in its cell and still have wrapped
#: (rounding, and the glyphs' side bearings).
_WRAP_SLACK = 0.5
_LETTER = re.compile(r"[A-Za-z]")


def _layout(data: bytes) -> list[_Page] | None:
    """Every page's tables and outside lines, or ``None`` when pdfplumber cannot open the
    file at all (the text lines are read instead)."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    # pdfminer's own errors, and whatever a damaged or oddly encrypted file raises in it:
    # pypdf already opened the file, so its text lines are still there to read.
    except Exception:
        return None
    with pdf:
        return [_read_page(page) for page in pdf.pages]


def _read_page(page: Any) -> _Page:
    try:
        page = page.dedupe_chars()
        found = [t for t in page.find_tables() if _is_table(t)]
        chars = page.chars
        tables = [_table_cells(t, chars) for t in found]
        outside = [c for c in chars if not any(_inside(c, t.bbox) for t in found)]
        return _Page(lines=_lines(outside), tables=tables)
    except Exception:  # a broken content stream on this page only
        return _Page(failed=True)


def _is_table(table: Any) -> bool:
    """A grid of at least two rows and two columns; a lone frame or a rule is not."""
    return len(table.rows) >= 2 and max((len(row.cells) for row in table.rows), default=0) >= 2


def _inside(char: dict[str, Any], bbox: Sequence[float]) -> bool:
    """Whether the middle of ``char`` is inside ``bbox`` (x0, top, x1, bottom)."""
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return bool(bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3])


def _text_of_lines(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from pdfplumber.utils.text import chars_to_textmap

    if not chars:
        return []
    lines: list[dict[str, Any]] = chars_to_textmap(chars).extract_text_lines(return_chars=True)
    return [line for line in lines if line["text"].strip()]


def _lines(chars: list[dict[str, Any]]) -> list[str]:
    return [line["text"].strip() for line in _text_of_lines(chars)]


def _table_cells(table: Any, chars: list[dict[str, Any]]) -> Table:
    """The table's rows of cell texts; a merged cell once, ``None`` where it extends."""
    in_table = [c for c in chars if _inside(c, table.bbox)]
    placed: list[list[tuple[Sequence[float], list[dict[str, Any]]] | None]] = []
    for row in table.rows:
        row_chars = [c for c in in_table if _inside(c, row.bbox)]
        placed.append([None if cell is None else
                       (cell, _text_of_lines([c for c in row_chars if _inside(c, cell)]))
                       for cell in row.cells])
    padding = _padding(placed)
    return [[None if item is None else _cell_text(item[1], item[0][2] - padding)
             for item in row] for row in placed]


def _padding(placed: list[list[tuple[Sequence[float], list[dict[str, Any]]] | None]]) -> float:
    """The cells' inner margin: how far the leftmost text of any cell is from its left
    border (a left-aligned cell shows it; Word and WPS use one margin for a table)."""
    gaps = [line["x0"] - item[0][0] for row in placed for item in row if item is not None
            for line in item[1]]
    return max(0.0, min(gaps, default=0.0))


def _cell_text(lines: list[dict[str, Any]], right: float) -> str:
    """The text of a cell whose text may reach ``right``: lines joined where the word
    processor wrapped them (with a space only between two Latin words), kept apart where
    the writer broke the line."""
    out = ""
    for index, line in enumerate(lines):
        text = line["text"].strip()
        if index == 0:
            out = text
        elif _wrapped(lines[index - 1], line, right):
            out += " " + text if _LETTER.match(out[-1:]) and _LETTER.match(text) else text
        else:
            out += "\n" + text
    return out


def _wrapped(line: dict[str, Any], following: dict[str, Any], right: float) -> bool:
    """Whether ``following`` continues ``line`` because it did not fit: ``line`` ends in
    an opening bracket (no line ends there by choice), or the first thing on
    ``following`` that cannot be broken would have run past ``right`` (a run of Latin
    letters, digits and the punctuation attached to them, or a Chinese character; with
    the brackets that open it and the punctuation that may not start a line); and
    ``following`` does not open an item of a numbered list."""
    chars = [c for c in following["chars"] if c["text"].strip()]
    if not chars or LIST_ITEM.match(following["text"]):
        return False
    if line["text"].rstrip()[-1:] in NO_LINE_END:
        return True
    end = 1
    while end < len(chars) and chars[end - 1]["text"] in NO_LINE_END:
        end += 1  # an opening bracket goes with what it opens
    if WORD_CHAR.match(chars[end - 1]["text"]):
        while end < len(chars) and (WORD_CHAR.match(chars[end]["text"])
                                    or chars[end]["text"] in NO_LINE_START) and (
                chars[end]["x0"] - chars[end - 1]["x1"] < chars[end]["size"] * 0.2):
            end += 1
    while end < len(chars) and chars[end]["text"] in NO_LINE_START:
        end += 1
    width = chars[end - 1]["x1"] - chars[0]["x0"]
    return bool(line["x1"] + width > right - _WRAP_SLACK)
