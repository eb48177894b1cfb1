"""Excel .xlsx parser: every sheet with content becomes one table.

openpyxl is used in its normal (not read-only) mode, the only one that knows merged
cells.  A merged cell is given once, at its top-left position; the other positions
hold ``None``.  A title row above the header ("新闻发布会统计表" merged across the
sheet) stays a row like any other.  Rows and columns with nothing in them are dropped;
empty sheets (the Sheet2 and Sheet3 every new workbook has) give no table.

Values read the way a person reads them on screen: dates ``2021-06-30`` (with
``09:30`` when there is a time), whole numbers without ``.0``, percentages as
``50%``, fixed decimals as the cell's format says (``2.50``).  Formulas give the value
Excel last calculated and saved.

Before openpyxl sees the file, every part of the package is checked
(:func:`pressdocs._ooxml_guard.check_package`): no DTD anywhere, no part and no workbook
over the size limit, no worksheet spanning more than :data:`MAX_SHEET_CELLS` cells — by
its declared dimension and by the cells actually present, wherever the sheet is stored.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pressdocs._ooxml_guard import PackageLimits, check_package
from pressdocs._sniff import ENCRYPTED_OOXML, XLSX, sniff_media_type
from pressdocs.builtin.parse_docx import check_not_foreign, damaged, open_package
from pressdocs.capabilities import Content, Parser
from pressdocs.errors import ParseError
from pressdocs.hookspecs import hookimpl
from pressdocs.models import Message

__all__ = ["XlsxParser", "format_cell"]


#: The largest workbook read: all its parts together (wherever they are stored), uncompressed.
MAX_WORKBOOK_BYTES = 50 * 1024 * 1024
#: The most cells a worksheet may span (its rows times its columns, as openpyxl builds them).
MAX_SHEET_CELLS = 1_000_000

_SPREADSHEET_EXTS = (".xlsx", ".xlsm", ".xls", ".et", ".ett")
_DECIMALS = re.compile(r"0(?:\.(0+))?")

Table = list[list[str | None]]


class XlsxParser(Parser):
    """Excel 2007 及以后的表格（.xlsx）。"""

    name = "xlsx"
    description = "Excel 表格（.xlsx），每个工作表一张表，含合并单元格"
    media_types = (XLSX, ENCRYPTED_OOXML)

    def __init__(self, max_workbook_bytes: int = MAX_WORKBOOK_BYTES,
                 max_sheet_cells: int = MAX_SHEET_CELLS) -> None:
        self.max_workbook_bytes = max_workbook_bytes
        self.max_sheet_cells = max_sheet_cells

    def sniff(self, data: bytes, name: str) -> bool:
        media_type = sniff_media_type(data, name)
        if media_type == ENCRYPTED_OOXML:
            return name.lower().endswith(_SPREADSHEET_EXTS)
        return media_type == XLSX

    def parse(self, data: bytes, name: str) -> Content:
        excel = Message.of("parse.kind.excel")
        check_not_foreign(data, name, XLSX, excel)
        with open_package(data, name, excel) as package:
            limits = PackageLimits(part_bytes=self.max_workbook_bytes,
                                   total_bytes=self.max_workbook_bytes,
                                   sheet_cells=self.max_sheet_cells)
            try:
                check_package(package, name, limits)
            except ParseError as exc:
                if exc.message.key not in ("parse.too_large", "parse.part_too_large"):
                    raise
                raise ParseError.of("parse.workbook_too_large", file=name,
                                    megabytes=self.max_workbook_bytes // (1024 * 1024)) from None
        workbook = _load(data, name)
        tables = [t for t in (sheet_table(ws) for ws in workbook.worksheets) if t]
        workbook.close()
        return Content(media_type=XLSX, tables=tables)


@hookimpl
def register_parsers(register: Callable[[Parser], None]) -> None:
    register(XlsxParser())


def _load(data: bytes, name: str) -> Any:
    import openpyxl

    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, slicers): noise here.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    # openpyxl raises whatever its XML and zip layers raise on a damaged file.
    except Exception as exc:
        raise damaged(name, Message.of("parse.kind.excel")) from exc


def sheet_table(ws: Any) -> Table:
    """One worksheet as a table: merged cells once, empty rows and columns dropped."""
    from openpyxl.cell.cell import MergedCell

    rows: Table = []
    for row in ws.iter_rows():
        cells: list[str | None] = [
            None if isinstance(c, MergedCell) else format_cell(c.value, c.number_format)
            for c in row
        ]
        if any(c != "" for c in cells):
            rows.append(cells)
    if not rows:
        return []
    keep = [j for j in range(len(rows[0])) if any(r[j] != "" for r in rows)]
    table = [[r[j] for j in keep] for r in rows]
    return table if any(c for r in table for c in r) else []


def format_cell(value: object, number_format: str = "General") -> str:
    """A cell value as the person filling the form reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return f"{value.date().isoformat()} {_clock(value.time())}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return _clock(value)
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value, number_format)
    return str(value).replace("\r\n", "\n").strip()


def _clock(t: time) -> str:
    return t.strftime("%H:%M:%S" if t.second else "%H:%M")


def _number(value: float, number_format: str) -> str:
    fmt = number_format.split(";", 1)[0].replace("#", "").replace(",", "")
    percent = fmt.endswith("%")
    match = _DECIMALS.fullmatch(fmt.rstrip("%"))
    if percent:
        value *= 100
    if match:
        places = len(match.group(1) or "")
        # Excel rounds half away from zero; format() would round half to even.
        exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        text = f"{exact:f}"
    elif value.is_integer():
        text = str(int(value))
    else:
        text = f"{value:.15g}"
    return text + "%" if percent else text
