"""The three forms as Word documents (.docx), laid out like the notice's attachments.

A4 paper, 仿宋_GB2312 body text and a 方正小标宋简体 title, as government forms are set; the
plan and the statistics table are landscape with a header row that repeats on every page.
Real merged cells: 附件2's 负责人 spans its three sub-rows (姓名, 电话, 职务) and every value
cell spans the sub-label column.
"""

from __future__ import annotations

from collections.abc import Sequence

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell

from pressdocs.config import Config
from pressdocs.forms import layout
from pressdocs.forms.spec import PLAN, REGISTRATION, STATISTICS
from pressdocs.models import Plan, Registration, StatisticsReport

__all__ = ["plan_docx", "registration_docx", "statistics_docx"]

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
LABEL_FONT = "黑体"
#: Rows left for the hand to fill in on a blank plan or statistics table.
BLANK_ROWS = 10

_CENTER = WD_ALIGN_PARAGRAPH.CENTER
_LEFT = WD_ALIGN_PARAGRAPH.LEFT
_RIGHT = WD_ALIGN_PARAGRAPH.RIGHT


def registration_docx(reg: Registration | None, config: Config, city: str) -> Document:
    """附件2, 新闻发布会登记表, blank or filled with ``reg``."""
    doc = _new_document(landscape=False)
    _paragraph(doc, REGISTRATION.attachment, font=LABEL_FONT, size=16)
    _paragraph(doc, layout.registration_title(city), font=TITLE_FONT, size=22, align=_CENTER)
    unit, filed = layout.registration_header(reg)
    _paragraph(doc, f"{unit}\u3000\u3000\u3000\u3000\u3000\u3000{filed}", size=14)

    r = reg or Registration()

    def printed(name: str) -> str:
        return layout.printed(REGISTRATION, name)

    table = doc.add_table(rows=12, cols=3)
    table.style = "Table Grid"
    _widths(table, (Cm(3.4), Cm(2.2), Cm(9.4)))

    def value_row(index: int, label: str, lines: Sequence[str], height: float = 1.2) -> _Cell:
        _write(table.cell(index, 0), [label], font=LABEL_FONT)
        value: _Cell = table.cell(index, 1).merge(table.cell(index, 2))
        _write(value, lines, align=_LEFT)
        table.rows[index].height = Cm(height)
        return value

    value_row(0, printed("title"), [r.title])
    value_row(1, printed("organiser"), [r.organiser])
    person = table.cell(2, 0).merge(table.cell(4, 0))
    _write(person, [printed("person_in_charge")], font=LABEL_FONT)
    values = (r.person_in_charge.name, r.person_in_charge.phone, r.person_in_charge.position)
    for offset, (label, value) in enumerate(zip(layout.REGISTRATION_PERSON_LABELS, values,
                                                strict=True)):
        _write(table.cell(2 + offset, 1), [label], font=LABEL_FONT)
        _write(table.cell(2 + offset, 2), [value], align=_LEFT)
        table.rows[2 + offset].height = Cm(0.9)
    content = [line for line in r.content.splitlines() if line.strip()]
    value_row(5, printed("content"), [*content, *layout.registration_requirements(config)],
              height=5.0)
    for index, (label, value) in enumerate(layout.registration_rows(reg), start=6):
        value_row(index, label, value.splitlines(), height=1.6 if index >= 8 else 1.2)
    approval = value_row(10, printed("approval_opinion"), r.approval_opinion.splitlines(),
                         height=3.2)
    _append_line(approval, layout.approval_line(r.approval_date), align=_RIGHT)
    value_row(11, printed("remarks"), r.remarks.splitlines(), height=1.6)
    _end_with_paragraph(doc)
    return doc


def statistics_docx(report: StatisticsReport | None, config: Config, city: str,
                    year: int | None) -> Document:
    """附件3, 新闻发布会统计表, blank (with rows to fill in) or filled with ``report``."""
    doc = _new_document(landscape=True)
    _paragraph(doc, STATISTICS.attachment, font=LABEL_FONT, size=16)
    _paragraph(doc, layout.statistics_title(layout.year_of_report(report, year), city),
               font=TITLE_FONT, size=22, align=_CENTER)
    _paragraph(doc, "\u3000\u3000\u3000\u3000".join(layout.statistics_header(report)), size=12)
    rows = [layout.statistics_row(row) for row in report.rows] if report else []
    widths = (1.3, 3.2, 3.0, 3.0, 4.0, 4.4, 3.6, 3.2)
    _grid(doc, layout.STATISTICS_HEADINGS, rows, widths)
    _end_with_paragraph(doc)
    return doc


def plan_docx(plan: Plan | None, config: Config, city: str, year: int | None) -> Document:
    """附件1, 新闻发布会计划安排, blank or filled with ``plan``."""
    doc = _new_document(landscape=True)
    _paragraph(doc, PLAN.attachment, font=LABEL_FONT, size=16)
    _paragraph(doc, layout.plan_or_title(plan, year, city), font=TITLE_FONT, size=22,
               align=_CENTER)
    rows = [layout.plan_row(item, plan.year) for item in plan.items] if plan else []
    _grid(doc, layout.PLAN_HEADINGS, rows, (1.5, 5.0, 2.2, 11.0, 5.5))
    _paragraph(doc, layout.PLAN_NOTE, size=12)
    return doc


# --- building blocks --------------------------------------------------------------------------


def _new_document(*, landscape: bool) -> Document:
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.2)
    normal = doc.styles["Normal"]
    _set_font(normal.element, BODY_FONT)
    normal.font.size = Pt(12)
    return doc


def _end_with_paragraph(doc: Document) -> None:
    """Close the body with an empty paragraph, as Word does: LibreOffice drops a table
    that ends the document when it saves it as .doc."""
    doc.add_paragraph()


def _set_font(element: object, name: str) -> None:
    """Set both the Latin and the East Asian font (Word reads 仿宋 only from eastAsia)."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _paragraph(doc: Document, text: str, *, font: str = BODY_FONT, size: float = 12,
               align: WD_ALIGN_PARAGRAPH = _LEFT) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    _set_font(run._r, font)


def _write(cell: _Cell, lines: Sequence[str], *, font: str = BODY_FONT, size: float = 12,
           align: WD_ALIGN_PARAGRAPH = _CENTER) -> None:
    """Put ``lines`` in ``cell``, one paragraph each, replacing what it held."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraphs = cell.paragraphs
    for extra in paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    first = paragraphs[0]
    for run in list(first.runs):
        run._r.getparent().remove(run._r)
    text_lines = [line for line in lines if line] or [""]
    for i, line in enumerate(text_lines):
        paragraph = first if i == 0 else cell.add_paragraph()
        paragraph.alignment = align
        if line:
            run = paragraph.add_run(line)
            run.font.size = Pt(size)
            _set_font(run._r, font)


def _append_line(cell: _Cell, text: str, *, align: WD_ALIGN_PARAGRAPH) -> None:
    paragraph = cell.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size = Pt(12)
    _set_font(run._r, BODY_FONT)


def _grid(doc: Document, header: Sequence[str], rows: Sequence[Sequence[str]],
          widths_cm: Sequence[float]) -> Table:
    """A table with a bold header row repeated on every page and ``rows`` below it
    (:data:`BLANK_ROWS` empty rows when there are none)."""
    body = list(rows) or [[""] * len(header) for _ in range(BLANK_ROWS)]
    table: Table = doc.add_table(rows=1 + len(body), cols=len(header))
    table.style = "Table Grid"
    _widths(table, [Cm(w) for w in widths_cm])
    for j, label in enumerate(header):
        _write(table.cell(0, j), [label], font=LABEL_FONT)
    _repeat_as_header(table)
    for i, values in enumerate(body, start=1):
        table.rows[i].height = Cm(1.0)
        for j, value in enumerate(values):
            _write(table.cell(i, j), value.splitlines() or [""], size=11)
    return table


def _widths(table: Table, widths: Sequence[object]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _repeat_as_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)
