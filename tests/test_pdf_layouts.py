"""附件2 printed to PDF and read by its layout; inline sub-labels split wherever they sit.

Word and WPS print a registration form as a table, and the units fill it in their own
ways: 负责人's name, phone and position in one cell ("姓名：王芳 电话：0553-1234567
职务：副主任"), or over a row of small cells, labels that wrap in a narrow first column,
long lists that wrap in their cells.  The PDFs here are made the way units make them: a
.docx (python-docx, or pressdocs' own form writer) printed to PDF by LibreOffice.  Every
form is converted in one LibreOffice run per batch, so the suite stays quick.

Two properties hold for every layout: each field reads back what was written (spaces
and quotation marks aside for PDFs, as in tests/test_extract_registration.py), and no
field's value holds another field's label.  The same holds where no table can be
recovered (a table without borders, read by its text lines) and for the lines issue 10
quotes from forms Word printed, where a row's cells share a line.
"""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
import pytest
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pressdocs import Config, DocumentKind, Person, Registration, load_plugins
from pressdocs._libreoffice import find_soffice
from pressdocs._reading import read_document
from pressdocs.builtin.parse_pdf import PdfParser
from pressdocs.capabilities import Content
from pressdocs.extract.registration import extract_registration
from pressdocs.forms import write_registration_form
from pressdocs.forms.layout import approval_line, registration_header, registration_rows
from pressdocs.forms.spec import REGISTRATION
from pressdocs.text import normalize_label
from strategies import person_names, phones, positions, registration_forms

TZ = ZoneInfo("Asia/Shanghai")
PLUGINS = load_plugins(entry_points=False)
CONFIG = Config()
SOFFICE = find_soffice()
needs_soffice = pytest.mark.skipif(SOFFICE is None,
                                   reason="LibreOffice is not installed (scripts/setup does)")


# --- helpers ----------------------------------------------------------------------------------


def to_pdf(documents: dict[str, bytes]) -> dict[str, bytes]:
    """Each .docx of ``documents`` (name → bytes) printed to PDF by LibreOffice, all in
    one run (with a private profile, as pressdocs._libreoffice.convert runs it)."""
    assert SOFFICE is not None
    with tempfile.TemporaryDirectory(prefix="pressdocs-layouts-") as tmp:
        work = Path(tmp)
        for name, data in documents.items():
            (work / f"{name}.docx").write_bytes(data)
        subprocess.run(
            [SOFFICE, "--headless", "--norestore", "--nolockcheck",
             f"-env:UserInstallation={(work / 'profile').as_uri()}", "--convert-to", "pdf",
             "--outdir", str(work / "out"), *(str(work / f"{n}.docx") for n in documents)],
            check=True, capture_output=True, timeout=240)
        return {name: (work / "out" / f"{name}.pdf").read_bytes() for name in documents}


def read(data: bytes, name: str, year: int | None = 2021) -> Registration:
    received = datetime(year, 1, 1, tzinfo=TZ) if year else None
    result = read_document(data, name, plugins=PLUGINS, config=CONFIG, received=received)
    assert result.error is None, result.error
    assert result.kind is DocumentKind.REGISTRATION, result.classification
    assert isinstance(result.data, Registration)
    return result.data


def without_spacing(value: Any) -> Any:
    """``value`` with spaces, line breaks and quotation marks taken out of every text."""
    if isinstance(value, str):
        return re.sub(r"[\s“”‘’\"']", "", value)
    if isinstance(value, list):
        return [without_spacing(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: without_spacing(getattr(value, f.name))
                                            for f in dataclasses.fields(value)})
    return value


#: Every label of 附件2 (printed and variants, and 负责人's sub-labels in English), folded.
LABELS = {normalize_label(text).casefold(): f.name for f in REGISTRATION.fields
          for text in (*f.labels, *((f.label.text("en"),) if f.parent else ()))}


def labels_inside(reg: Registration) -> list[tuple[str, str, str]]:
    """(field, label, value) for every value of ``reg`` that holds another field's label."""
    found = []
    for f in REGISTRATION.fields:
        value = f.value(reg)
        texts = value if isinstance(value, list) else [value]
        for text in (t for t in texts if isinstance(t, str)):
            folded = normalize_label(text).casefold()
            found += [(f.name, label, text) for label, name in LABELS.items()
                      if name != f.name and label in folded]
    return found


def comparable(reg: Registration) -> Registration:
    return dataclasses.replace(reg, time_text=reg.time_text.strip())


Cell = tuple[str | None, int] | tuple[str | None, int, int]


def form_docx(rows: Sequence[Sequence[Cell]], widths: Sequence[float], *, borders: bool = True,
              centred_labels: bool = False, reg: Registration | None = None) -> bytes:
    """附件2 laid out by hand: ``rows`` of (text, columns spanned[, rows spanned]) in a
    grid of ``widths`` (cm); ``None`` text for a position a cell above covers.  A line
    holding 公章 is right-aligned, as the approval's date line is.  The line above the
    table names ``reg``'s filing unit and date (市统计局, 2021年5月6日 without one)."""
    doc = docx.Document()
    header = ("\u3000" * 4).join(registration_header(reg or expected("")))
    for line in ("附件2", "芜湖市新闻发布会登记表", header):
        doc.add_paragraph(line)
    table = doc.add_table(rows=len(rows), cols=len(widths))
    if borders:
        table.style = "Table Grid"
    table.autofit = False
    for index, width in enumerate(widths):
        table.columns[index].width = Cm(width)
        for cell in table.columns[index].cells:
            cell.width = Cm(width)
    for r, row in enumerate(rows):
        column = 0
        for text, across, *down in row:
            cell = table.cell(r, column)
            if across > 1 or down:
                cell = cell.merge(table.cell(r + (down[0] if down else 1) - 1,
                                             column + across - 1))
            if centred_labels and column == 0:
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if text is not None:
                first, *more = text.split("\n")
                cell.paragraphs[0].text = first
                for line in more:
                    paragraph = cell.add_paragraph(line)
                    if "公章" in line:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            column += across
    doc.add_paragraph()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- the layouts units fill in ----------------------------------------------------------------


def approval(reg: Registration) -> str:
    """审批意见 as signed: the opinion's lines, then the date with 公章 (or the blank date)."""
    return "\n".join([*reg.approval_opinion.splitlines(), approval_line(reg.approval_date)])


def two_columns(reg: Registration, person: str, *,
                content_label: str = "新闻发布会内容\n（可以附附件）",
                approval_label: str = "审批意见") -> list[list[Cell]]:
    """The notice's rows, each a label cell and a value cell; 负责人 in one cell that
    reads ``person``."""
    time, venue, guests, media = (value for _, value in registration_rows(reg))
    return [[(label, 1), (value, 1)] for label, value in (
        ("新闻发布会全称", reg.title), ("举办单位", reg.organiser), ("负责人", person),
        (content_label, reg.content), ("举办时间", time), ("举办地点", venue),
        ("拟邀请领导及来宾名单", guests), ("拟邀请新闻单位名单", media),
        (approval_label, approval(reg)), ("备注", reg.remarks))]


def five_columns(reg: Registration) -> list[list[Cell]]:
    """负责人 over two rows of small cells (姓名 | 王芳 | 电话 | phone, then 职务 | 副主任),
    as many WPS templates have it; the 内容 cell starts with the template's own
    "（可以附附件）" hint, and 审批意见's label wraps ("审批\\n意见")."""
    time, venue, guests, media = (value for _, value in registration_rows(reg))
    person = reg.person_in_charge

    def row(label: str, value: str) -> list[Cell]:
        return [(label, 1), (value, 4)]
    return [
        row("新闻发布会全称", reg.title), row("举办单位", reg.organiser),
        [("负责人", 1, 2), ("姓名", 1), (person.name, 1), ("电话", 1), (person.phone, 1)],
        [(None, 1), ("职务", 1), (person.position, 3)],
        row("新闻发布会内容", f"（可以附附件）\n{reg.content}"),
        row("举办时间", time), row("举办地点", venue),
        row("拟邀请领导及来宾名单", guests), row("拟邀请新闻单位名单", media),
        row("审批\n意见", approval(reg)), row("备注", reg.remarks),
    ]


# --- hand-made layouts of what units send -----------------------------------------------------

TITLE = "2021年一季度全市经济运行情况新闻发布会"
GUESTS = ["市政府副秘书长王喆", "市发改委主任李镕", "办公室主任张伟"]
MEDIA = ["新华社安徽分社", "人民网安徽频道", "中国新闻社安徽分社", "安徽日报", "安徽广播电视台",
         "市日报社", "大江晚报", "市广播电视台", "市融媒体中心", "芜湖新闻网"]


def expected(phone: str) -> Registration:
    return Registration(
        title=TITLE, organiser="市统计局",
        person_in_charge=Person(name="王芳", phone=phone, position="副主任"),
        content="通报一季度全市经济运行情况", time=datetime(2021, 5, 10, 9, 30, tzinfo=TZ),
        time_text="2021年5月10日上午9:30", venue="市政府新闻发布厅", guests=GUESTS, media=MEDIA,
        approval_opinion="同意。", approval_date=date(2021, 5, 6), filing_unit="市统计局",
        filing_date=date(2021, 5, 6))


INLINE, BRACKETED = expected("0553-1234567"), expected("（0553）1234567")
LAYOUTS: dict[str, tuple[bytes, Registration]] = {
    # 负责人 姓名：王芳 电话：0553-1234567 职务：副主任 — read as one line, it gave
    # name "姓名：王芳", position "电话：职务：副主任" and no phone.
    "inline": (form_docx(two_columns(INLINE, "姓名：王芳 电话：0553-1234567 职务：副主任"),
                         (3.4, 11.6)), INLINE),
    # the same without colons or spaces, in a narrow first column whose labels wrap,
    # labels centred in their rows, the media list wrapping over lines above 审批意见
    "narrow": (form_docx(two_columns(BRACKETED, "姓名王芳电话（0553）1234567职务副主任",
                                     content_label="新闻发布会内容"), (1.8, 13.2),
                         centred_labels=True), BRACKETED),
    # 姓名 王芳 电话 （0553）1234567 on one line of small cells: it gave name
    # "王芳 电话 （0553）1234567"; the list above "审批\n意见" swallowed the approval and
    # its date; the content kept "（可以附附件）"
    "cells": (form_docx(five_columns(BRACKETED), (2.4, 1.6, 4.0, 1.6, 5.4)), BRACKETED),
    # the phone's cell too narrow for it: it wraps as "（" / "0553）12345" / "67"
    "narrow phone": (form_docx(five_columns(BRACKETED), (3.0, 3.0, 3.0, 3.0, 3.0)), BRACKETED),
    # no ruling lines at all (a table without borders): read as text lines
    "borderless": (form_docx(five_columns(BRACKETED), (2.4, 1.6, 4.0, 1.6, 5.4), borders=False),
                   BRACKETED),
}


@pytest.fixture(scope="module")
def layouts() -> dict[str, bytes]:
    return to_pdf({name.replace(" ", "-"): data for name, (data, _) in LAYOUTS.items()})


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_hand_made_layouts_read_back(layouts: dict[str, bytes], layout: str) -> None:
    pdf = layouts[layout.replace(" ", "-")]
    got = read(pdf, "登记表.pdf")
    assert got == LAYOUTS[layout][1]
    assert labels_inside(got) == []
    tables = PdfParser().parse(pdf, "登记表.pdf").tables
    assert len(tables) == (0 if layout == "borderless" else 1)


@pytest.mark.slow
@needs_soffice
def test_the_table_cells_are_the_printed_cells(layouts: dict[str, bytes]) -> None:
    """The 负责人 rows as printed: merged cells once, wrapped text joined (the media list,
    the phone in its narrow cell), the approval's two lines kept apart."""
    [table] = PdfParser().parse(layouts["cells"], "登记表.pdf").tables
    assert table[2] == ["负责人", "姓名", "王芳", "电话", "（0553）1234567"]
    assert table[3] == [None, "职务", "副主任", None, None]
    assert table[8][1] == "、".join(MEDIA)
    assert table[9][:2] == ["审批\n意见", approval(BRACKETED)]
    [narrow] = PdfParser().parse(layouts["narrow-phone"], "登记表.pdf").tables
    assert narrow[2][4] == "（0553）1234567"


# --- inline sub-labels, wherever they sit -----------------------------------------------------

SUB_FIELDS = REGISTRATION.children("person_in_charge")
#: How each sub-label may be written: its printed label, its variants, its English name.
SUB_LABELS = {f.key: (*f.labels, f.label.text("en"), f.label.text("en").title(),
                      f.label.text("en").upper()) for f in SUB_FIELDS}


@st.composite
def inline(draw: st.DrawFn, person: Person) -> str:
    """One text that writes ``person``'s parts after their labels, in any order, with a
    colon of either width or none, separated by spaces, lines, punctuation or nothing;
    the name may come first without its label ("王芳 电话：…")."""
    after = draw(st.sampled_from(("：", ":", ": ", " ", "\u3000", " ： ", "")))
    between = draw(st.sampled_from((" ", "  ", "\u3000", "\n", "，", "；", "")))
    order = draw(st.permutations([f.key for f in SUB_FIELDS]))
    parts = [draw(st.sampled_from(SUB_LABELS[key])) + after + getattr(person, key)
             for key in order]
    if order[0] == "name" and draw(st.booleans()):
        parts[0] = person.name
    return between.join(parts)


@st.composite
def inline_person(draw: st.DrawFn) -> tuple[Person, str]:
    person = Person(name=draw(person_names()), phone=draw(phones()), position=draw(positions()))
    text = draw(inline(person))
    # "负责人姓名…" is a label run into the next; "负责人王芳" would be a label run into a value
    glued = ("负责人",) if not text.startswith(person.name) else ()
    prefix = draw(st.sampled_from(("", "负责人 ", "负责人：", "负 责 人\u3000", *glued)))
    return person, prefix + text


@settings(max_examples=200, deadline=None)
@given(written=inline_person(), where=st.sampled_from(("cell", "line", "word")))
def test_inline_sub_labels_split_into_their_fields(written: tuple[Person, str],
                                                   where: str) -> None:
    """In a table cell beside 负责人, as a line of text, or in a Word document's cell."""
    person, text = written
    rows = [["新闻发布会全称", TITLE], ["举办单位", "市统计局"]]
    if where == "line":
        lines = [f"{label}：{value}" for label, value in rows]
        content = Content("text/plain", paragraphs=[*lines, text if text.startswith("负")
                                                    else f"负责人 {text}"])
    elif where == "cell":
        content = Content("text/plain", tables=[[*rows, ["负责人", text]]])
    else:
        data = form_docx([[(label, 1), (value, 1)] for label, value in [*rows, ["负责人", text]]],
                         (3.4, 11.6))
        content = read_content(data)
    reg, _ = extract_registration(content, tz=TZ)
    assert reg.person_in_charge == person
    assert labels_inside(reg) == []


def read_content(data: bytes) -> Content:
    from pressdocs.builtin.parse_docx import DocxParser

    return DocxParser().parse(data, "登记表.docx")


#: The lines pypdf read from a registration form printed by Word, in which cells of one
#: row share a line: the failures issue 10 observed, each a field read wrong or lost.
OBSERVED_LINES = [
    "附件2", "芜湖市新闻发布会登记表", "填报单位：市统计局 填表时间：2021年5月6日",
    f"新闻发布会全称 {TITLE}", "举办单位 市统计局",
    "负责人 姓名 王芳 电话 （0553）1234567", "职务 副主任",
    "新闻发布会内容 通报一季度全市经济运行情况", "（可以附附件）",
    "举办时间 2021年5月10日上午9:30", "举办地点 市政府新闻发布厅",
    f"拟邀请领导及来宾名单 {'、'.join(GUESTS)}",
    # the label wraps beside the list, and 审批意见 beside its opinion and date: the list
    # swallowed "审批 同意。意见 2021年5月6日（公章）"
    "拟邀请新闻 新华社安徽分社、人民网安徽频道、中国新闻社安徽分社、安徽日报、",
    "单位名单 安徽广播电视台、市日报社、大江晚报、市广播电视台、市融媒体中心、",
    "芜湖新闻网", "审批 同意。", "意见 2021年5月6日（公章）", "备注",
]


def test_text_lines_of_a_printed_form_read_back() -> None:
    """A PDF whose table could not be recovered (no ruling lines) is read by its text
    lines: the lines the issue quotes give every field its own value."""
    content = Content("application/pdf", paragraphs=OBSERVED_LINES)
    reg, _ = extract_registration(content, tz=TZ)
    assert reg == BRACKETED
    assert labels_inside(reg) == []


@pytest.mark.parametrize(("written", "person"), [
    ("负责人 姓名：王芳 电话：0553-1234567 职务：副主任", Person("王芳", "0553-1234567", "副主任")),
    ("负责人 姓名 王芳 电话 （0553）1234567", Person("王芳", "（0553）1234567", "")),
    ("负责人：姓名:王芳电话:0553-1234567职务:副主任", Person("王芳", "0553-1234567", "副主任")),
    ("负责人 王芳 Phone: (0553)1234567 Position: 副主任", Person("王芳", "(0553)1234567", "副主任")),
])
@pytest.mark.parametrize("where", ["line", "cell"])
def test_observed_person_lines(written: str, person: Person, where: str) -> None:
    rows = [["新闻发布会全称", TITLE], ["举办单位", "市统计局"]]
    if where == "line":
        content = Content("application/pdf",
                          paragraphs=[f"{label} {value}" for label, value in rows] + [written])
    else:
        value = written.removeprefix("负责人").lstrip(" ：")
        content = Content("application/pdf", tables=[[*rows, ["负责人", value]]])
    reg, _ = extract_registration(content, tz=TZ)
    assert reg.person_in_charge == person


def test_a_label_inside_a_sentence_stays_in_the_sentence() -> None:
    """A value that does not begin with a label is never split: the content may mention
    a phone (电话：…) and a name without losing them to the person in charge."""
    content = Content("text/plain", tables=[[
        ["新闻发布会全称", TITLE], ["负责人", "姓名：王芳 电话：0553-1234567 职务：副主任"],
        ["新闻发布会内容", "通报举报电话：12345的受理情况，欢迎拨打 电话 12345"]]])
    reg, _ = extract_registration(content, tz=TZ)
    assert reg.content == "通报举报电话：12345的受理情况，欢迎拨打 电话 12345"
    assert reg.person_in_charge == Person("王芳", "0553-1234567", "副主任")


@pytest.mark.parametrize("hint", ["（可以附附件）", "(可以附附件)", "（可以附\n附件）"])
def test_the_printed_hint_never_stays_in_the_content(hint: str) -> None:
    content = Content("text/plain", tables=[[
        ["新闻发布会全称", TITLE], ["新闻发布会内容", f"{hint}\n通报一季度全市经济运行情况"]]])
    reg, _ = extract_registration(content, tz=TZ)
    assert reg.content == "通报一季度全市经济运行情况"


# --- generated forms through LibreOffice ------------------------------------------------------

#: Forms per LibreOffice run, and runs: 12 forms in all.
BATCH, RUNS = 6, 2


@st.composite
def unit_forms(draw: st.DrawFn) -> tuple[Registration, bytes]:
    """A random registration (:func:`strategies.registration_forms`) written as a .docx in
    one of the layouts units send: pressdocs' own form, the notice's two columns with
    负责人 inline in one cell, or 负责人 over small cells."""
    reg = draw(registration_forms())
    layout = draw(st.sampled_from(("writer", "inline", "cells")))
    if layout == "writer":
        with tempfile.TemporaryDirectory() as tmp:
            data = write_registration_form(Path(tmp) / "登记表.docx", reg).read_bytes()
    elif layout == "inline":
        data = form_docx(two_columns(reg, draw(inline(reg.person_in_charge))), (3.4, 11.6),
                         reg=reg)
    else:
        data = form_docx(five_columns(reg), (2.4, 1.6, 4.0, 1.6, 5.4), reg=reg)
    return reg, data


@pytest.mark.slow
@needs_soffice
@settings(max_examples=RUNS, deadline=None, derandomize=True, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(forms=st.lists(unit_forms(), min_size=BATCH, max_size=BATCH))
def test_generated_forms_printed_to_pdf_read_back(forms: list[tuple[Registration, bytes]]
                                                  ) -> None:
    """Random forms (Chinese names, phones with area codes in brackets or extensions, long
    guest and media lists that wrap, 审批意见 written or empty, with or without its date),
    in the layouts units use, printed to PDF by LibreOffice, read back: every field as
    written, and no value holding another field's label."""
    pdfs = to_pdf({f"form{n}": data for n, (_, data) in enumerate(forms)})
    for n, (reg, _) in enumerate(forms):
        got = read(pdfs[f"form{n}"], "登记表.pdf", reg.time.year if reg.time else None)
        assert without_spacing(got) == without_spacing(comparable(reg)), n
        assert labels_inside(got) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reg=registration_forms())
def test_generated_forms_in_word_read_back_exactly(tmp_path_factory: pytest.TempPathFactory,
                                                   reg: Registration) -> None:
    path = write_registration_form(tmp_path_factory.mktemp("reg") / "登记表.docx", reg)
    got = read(path.read_bytes(), path.name, reg.time.year if reg.time else None)
    assert got == comparable(reg)
    assert labels_inside(got) == []
