"""Cells that stay text: a value from a submission is never a spreadsheet formula.

A unit writes whatever it likes into its forms, and a topic such as
``=HYPERLINK("http://…","点击")`` or ``+86 553 …`` would be evaluated by Excel or
LibreOffice when the exported file is opened (CSV injection).  Every exporter that writes
cells (xlsx and CSV alike) passes each text through here:

- :func:`looks_like_formula` — the text starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return, the characters spreadsheet programs take as the start of a formula;
- :func:`csv_text` — such a text with an apostrophe in front (OWASP's advice; Excel and
  LibreOffice show the rest as text);
- :func:`set_text` — an xlsx cell holding the text as a string (never a formula), marked
  with Excel's "quote prefix" so that editing the cell keeps it text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is loaded when a workbook is written, not on start-up
    from openpyxl.cell.cell import Cell

__all__ = ["FORMULA_STARTS", "csv_text", "looks_like_formula", "set_text"]

#: The first characters that make a spreadsheet program read a cell as a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program would take ``text`` for a formula."""
    return text.startswith(FORMULA_STARTS)


def csv_text(value: Any) -> str:
    """``value`` as a CSV field that no spreadsheet program evaluates: ``None`` is empty,
    numbers are written as they are, a formula-like text gets an apostrophe in front."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def set_text(cell: Cell, value: str | int | None) -> Cell:
    """Put ``value`` into ``cell``: a number as a number, a text as a string cell even when
    it looks like a formula (then with the quote prefix, as Excel marks text typed after
    an apostrophe)."""
    cell.value = value
    if isinstance(value, str) and looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
