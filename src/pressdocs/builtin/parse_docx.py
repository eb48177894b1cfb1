"""Word .docx parser: paragraphs, tables with merged cells, content controls, form fields.

Loading a file with ``docx.Document()`` builds an object for every part and costs about
a hundred times the unzip and XML parse.  This parser opens the package itself, parses
only the main document part with the standard library's ElementTree and walks the body
once.  Before that, every part of the package is checked
(:func:`pressdocs._ooxml_guard.check_package`): a DTD anywhere, in any encoding, or a part
over the size limit refuses the file, so no parser ever meets an entity declaration:

- paragraphs: the text of runs, including hyperlinks, tracked insertions, content
  controls (``w:sdt``), field results and text boxes; deleted text is left out;
- tables, in reading order: a merged cell (``gridSpan`` across, ``vMerge`` down) is
  given once, its other grid positions hold ``None``; a nested table becomes a table
  of its own after its parent, and its text also stays in the parent's cell; a line
  break inside a cell becomes ``"\\n"``;
- ``fields``: content controls by their title or tag, legacy form fields by name; a
  control still showing its placeholder ("单击或点击此处输入文字") counts as empty.

Two tables back to back (a table split across pages) stay two tables, in order; joining
them is the extractor's decision.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Callable
from xml.etree import ElementTree

from pressdocs._ooxml_guard import PackageLimits, check_package
from pressdocs._sniff import DOCX, EMPTY, ENCRYPTED_OOXML, describe_media_type, sniff_media_type
from pressdocs.capabilities import Content, Parser
from pressdocs.errors import ParseError
from pressdocs.hookspecs import hookimpl
from pressdocs.models import Message

_Element = ElementTree.Element

__all__ = ["DocxParser", "check_not_foreign", "damaged", "open_package", "read_member"]


#: The largest main part (document.xml) read, uncompressed: 50 MB.
MAX_PART_BYTES = 50 * 1024 * 1024

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_OFFICE_DOCUMENT_REL = "/officeDocument"
_CJK_LATIN = re.compile(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z])|(?<=[A-Za-z])(?=[\u4e00-\u9fff])")
_SPREADSHEET_EXTS = (".xlsx", ".xlsm", ".xls", ".et", ".ett")


class DocxParser(Parser):
    """Word 2007 及以后的文档（.docx）。"""

    name = "docx"
    description = "Word 文档（.docx），含合并单元格、内容控件"
    media_types = (DOCX, ENCRYPTED_OOXML)

    def __init__(self, max_part_bytes: int = MAX_PART_BYTES) -> None:
        self.max_part_bytes = max_part_bytes

    def sniff(self, data: bytes, name: str) -> bool:
        media_type = sniff_media_type(data, name)
        if media_type == ENCRYPTED_OOXML:
            return not name.lower().endswith(_SPREADSHEET_EXTS)
        return media_type == DOCX

    def parse(self, data: bytes, name: str) -> Content:
        word = Message.of("parse.kind.word")
        check_not_foreign(data, name, DOCX, word)
        with open_package(data, name, word) as package:
            check_package(package, name, PackageLimits(part_bytes=self.max_part_bytes))
            xml = read_member(package, _main_part(package), name, self.max_part_bytes)
        root = _parse_xml(xml, name)
        namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
        body = root.find(f"{{{namespace}}}body")
        if namespace not in (_W, _W_STRICT) or body is None:
            raise damaged(name)
        reader = _BodyReader(namespace)
        paragraphs: list[str] = []
        reader.blocks(body, paragraphs.append, in_cell=False)
        return Content(
            media_type=DOCX,
            paragraphs=[p.strip() for p in paragraphs if p.strip()],
            tables=reader.tables,
            fields=reader.fields,
            warnings=reader.warnings,
        )


@hookimpl
def register_parsers(register: Callable[[Parser], None]) -> None:
    register(DocxParser())


# --- the package --------------------------------------------------------------------------


def check_not_foreign(data: bytes, name: str, expected: str, what: Message) -> None:
    """Raise a clear ParseError when ``data`` is empty, encrypted, or another kind of
    file (a photo renamed .docx) rather than ``expected``, which ``what`` names for people
    (a key of ``[parse.kind]``)."""
    media_type = sniff_media_type(data, name)
    if media_type == EMPTY:
        raise ParseError.of("parse.empty", file=name)
    if media_type == ENCRYPTED_OOXML:
        raise ParseError.of("parse.password", file=name)
    if media_type != expected:
        actual = describe_media_type(media_type)
        raise ParseError(_spaced(Message.of("parse.foreign", what=what, actual=actual)),
                         file=name)


def open_package(data: bytes, name: str, what: Message) -> zipfile.ZipFile:
    """Open an Office Open XML package (a zip), or raise ParseError naming the file."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise damaged(name, what) from exc


def read_member(package: zipfile.ZipFile, member: str, name: str, limit: int) -> bytes:
    """Read one member, refusing more than ``limit`` bytes uncompressed.

    The declared size is checked first and the read itself is capped too, since the
    declared size is only what the file claims.
    """
    try:
        info = package.getinfo(member)
    except KeyError as exc:
        raise damaged(name) from exc
    if info.file_size > limit:
        raise _too_large(name, limit)
    try:
        with package.open(info) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
            ValueError) as exc:
        raise damaged(name) from exc
    if len(data) > limit:
        raise _too_large(name, limit)
    return data


def _too_large(name: str, limit: int) -> ParseError:
    return ParseError.of("parse.too_large", file=name, megabytes=limit // (1024 * 1024))


def damaged(name: str, what: Message | None = None) -> ParseError:
    """The ParseError for a file that is not a readable ``what`` (a ``[parse.kind]``
    message; a Word document unless said otherwise)."""
    message = Message.of("parse.damaged", what=what or Message.of("parse.kind.word"))
    return ParseError(_spaced(message), file=name)


def _spaced(message: Message) -> Message:
    """The message with a space put between Chinese and Latin letters in its Chinese text,
    where a parameter meets the template ("不是 Word 文档"), as the fixed texts are written."""
    return dataclasses.replace(message, zh=_CJK_LATIN.sub(" ", message.zh))


def _main_part(package: zipfile.ZipFile) -> str:
    """The main document part named by the package relationships (``_rels/.rels``);
    ``word/document.xml`` when they are missing or unreadable."""
    names = set(package.namelist())
    try:
        rels = _parse_xml(read_member(package, "_rels/.rels", "", 1024 * 1024), "")
    except ParseError:
        return "word/document.xml"
    for rel in rels:
        target = rel.get("Target", "").lstrip("/")
        if rel.get("Type", "").endswith(_OFFICE_DOCUMENT_REL) and target in names:
            return target
    return "word/document.xml"


def _parse_xml(xml: bytes, name: str) -> _Element:
    # Office never writes a DTD; check_package has refused any part holding one, and this
    # catches a caller that reads a member without it.
    if b"<!DOCTYPE" in xml or b"<\x00!\x00D" in xml or b"\x00<\x00!\x00D" in xml:
        raise damaged(name)
    try:
        return ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise damaged(name) from exc


# --- the body -------------------------------------------------------------------------------


class _FieldFrame:
    """A legacy field being read (``fldChar`` begin … separate … end)."""

    __slots__ = ("name", "reading", "text")

    def __init__(self, name: str | None) -> None:
        self.name = name
        self.reading = False
        self.text: list[str] = []


class _BodyReader:
    """Walks a ``w:body`` once, collecting tables, fields and warnings.

    Paragraph texts go to the ``emit`` callback given to :meth:`blocks`: the body's list
    for top-level paragraphs, a cell's list inside tables.
    """

    def __init__(self, ns: str) -> None:
        q = f"{{{ns}}}"
        self.P, self.R, self.T, self.TBL, self.TR, self.TC = (
            q + "p", q + "r", q + "t", q + "tbl", q + "tr", q + "tc")
        self.SDT, self.SDT_PR, self.SDT_CONTENT = q + "sdt", q + "sdtPr", q + "sdtContent"
        self.TAB, self.BR, self.CR = q + "tab", q + "br", q + "cr"
        self.NO_BREAK_HYPHEN, self.PTAB = q + "noBreakHyphen", q + "ptab"
        self.FLD_CHAR, self.FF_DATA, self.NAME = q + "fldChar", q + "ffData", q + "name"
        self.CHECKBOX, self.CHECKED, self.DEFAULT = q + "checkBox", q + "checked", q + "default"
        self.TBL_GRID, self.GRID_COL = q + "tblGrid", q + "gridCol"
        self.TR_PR, self.TC_PR = q + "trPr", q + "tcPr"
        self.GRID_SPAN, self.V_MERGE, self.H_MERGE = q + "gridSpan", q + "vMerge", q + "hMerge"
        self.GRID_BEFORE, self.GRID_AFTER = q + "gridBefore", q + "gridAfter"
        self.VAL, self.FLD_CHAR_TYPE = q + "val", q + "fldCharType"
        self.ALIAS, self.TAG, self.PLACEHOLDER = q + "alias", q + "tag", q + "showingPlcHdr"
        self.TXBX = q + "txbxContent"
        self.ALT_CHUNK = q + "altChunk"
        self.DRAWING, self.PICT = q + "drawing", q + "pict"
        self.ALTERNATE, self.CHOICE = f"{{{_MC}}}AlternateContent", f"{{{_MC}}}Choice"
        self.BLOCK_WRAPPERS = {q + "customXml", q + "ins", q + "moveTo"}
        self.INLINE_WRAPPERS = {
            q + "hyperlink", q + "ins", q + "moveTo", q + "smartTag", q + "customXml",
            q + "fldSimple", q + "bdo", q + "dir", q + "sdtContent",
        }
        self.tables: list[list[list[str | None]]] = []
        self.fields: dict[str, str] = {}
        self.warnings: list[Message] = []
        self._field_stack: list[_FieldFrame] = []

    # blocks: paragraphs, tables, block-level content controls

    def blocks(self, parent: _Element, emit: Callable[[str], None], *, in_cell: bool) -> None:
        for child in parent:
            tag = child.tag
            if tag == self.P:
                self._paragraph(child, emit)
            elif tag == self.TBL:
                lines = self._table(child)
                if in_cell:
                    for line in lines:
                        emit(line)
            elif tag == self.SDT:
                self._block_sdt(child, emit, in_cell=in_cell)
            elif tag in self.BLOCK_WRAPPERS:
                self.blocks(child, emit, in_cell=in_cell)
            elif tag == self.ALT_CHUNK:
                self._warn(Message.of("parse.alt_chunk"))

    def _block_sdt(self, sdt: _Element, emit: Callable[[str], None], *, in_cell: bool) -> None:
        content = sdt.find(self.SDT_CONTENT)
        collected: list[str] = []
        if content is not None and not self._showing_placeholder(sdt):
            self.blocks(content, collected.append, in_cell=in_cell)
        for text in collected:
            emit(text)
        self._record_control(sdt, "\n".join(t.strip() for t in collected if t.strip()))

    def _paragraph(self, p: _Element, emit: Callable[[str], None]) -> None:
        parts: list[str] = []
        boxes: list[_Element] = []
        self._inline(p, parts, boxes)
        emit("".join(parts))
        for box in boxes:
            self.blocks(box, emit, in_cell=True)

    # inline content: runs and the elements that wrap them

    def _inline(self, parent: _Element, parts: list[str], boxes: list[_Element]) -> None:
        for child in parent:
            tag = child.tag
            if tag == self.R:
                self._run(child, parts, boxes)
            elif tag in self.INLINE_WRAPPERS:
                self._inline(child, parts, boxes)
            elif tag == self.SDT:
                content = child.find(self.SDT_CONTENT)
                start = len(parts)
                if content is not None and not self._showing_placeholder(child):
                    self._inline(content, parts, boxes)
                self._record_control(child, "".join(parts[start:]).strip())

    def _run(self, run: _Element, parts: list[str], boxes: list[_Element]) -> None:
        for child in run:
            tag = child.tag
            if tag == self.T:
                self._text(child.text or "", parts)
            elif tag == self.TAB or tag == self.PTAB:
                self._text("\t", parts)
            elif tag == self.BR or tag == self.CR:
                self._text("\n", parts)
            elif tag == self.NO_BREAK_HYPHEN:
                self._text("-", parts)
            elif tag == self.FLD_CHAR:
                self._field_char(child, parts)
            elif tag == self.DRAWING or tag == self.PICT:
                boxes.extend(self._text_boxes(child))
            elif tag == self.ALTERNATE:
                choice = child.find(self.CHOICE)
                if choice is not None:
                    boxes.extend(self._text_boxes(choice))

    def _text(self, text: str, parts: list[str]) -> None:
        parts.append(text)
        for frame in self._field_stack:
            if frame.reading:
                frame.text.append(text)

    def _text_boxes(self, container: _Element) -> list[_Element]:
        """The outermost text boxes under ``container``; nested ones are read with them."""
        boxes: list[_Element] = []
        for child in container:
            if child.tag == self.TXBX:
                boxes.append(child)
            else:
                boxes.extend(self._text_boxes(child))
        return boxes

    def _field_char(self, fld_char: _Element, parts: list[str]) -> None:
        kind = fld_char.get(self.FLD_CHAR_TYPE)
        if kind == "begin":
            ff_data = fld_char.find(self.FF_DATA)
            name_el = ff_data.find(self.NAME) if ff_data is not None else None
            name = name_el.get(self.VAL) if name_el is not None else None
            self._field_stack.append(_FieldFrame(name))
            checkbox = ff_data.find(self.CHECKBOX) if ff_data is not None else None
            if checkbox is not None:
                mark = "☒" if self._checked(checkbox) else "☐"
                self._text(mark, parts)
                if name:
                    self._set_field(name, mark)
        elif kind == "separate" and self._field_stack:
            self._field_stack[-1].reading = True
        elif kind == "end" and self._field_stack:
            frame = self._field_stack.pop()
            if frame.name and frame.reading:
                self._set_field(frame.name, "".join(frame.text).strip())

    def _checked(self, checkbox: _Element) -> bool:
        for tag in (self.CHECKED, self.DEFAULT):
            el = checkbox.find(tag)
            if el is not None:
                return el.get(self.VAL, "1") in ("1", "true", "on")
        return False

    # content controls and fields

    def _showing_placeholder(self, sdt: _Element) -> bool:
        pr = sdt.find(self.SDT_PR)
        return pr is not None and pr.find(self.PLACEHOLDER) is not None

    def _record_control(self, sdt: _Element, value: str) -> None:
        pr = sdt.find(self.SDT_PR)
        if pr is None:
            return
        for tag in (self.ALIAS, self.TAG):
            el = pr.find(tag)
            key = el.get(self.VAL) if el is not None else None
            if key:
                self._set_field(key, value)
                return

    def _set_field(self, key: str, value: str) -> None:
        candidate, n = key, 1
        while candidate in self.fields:
            n += 1
            candidate = f"{key}#{n}"
        self.fields[candidate] = value

    def _warn(self, message: Message) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # tables

    def _table(self, tbl: _Element) -> list[str]:
        """Read a table into ``self.tables`` (before any table nested in it) and return
        its text, one line per row, for a cell that contains it."""
        slot = len(self.tables)
        self.tables.append([])
        rows: list[list[str | None]] = []
        for tr, _ in self._children(tbl, self.TR, None):
            rows.append(self._row(tr))
        grid = tbl.find(self.TBL_GRID)
        width = len(grid.findall(self.GRID_COL)) if grid is not None else 0
        width = max([len(r) for r in rows if r] or [0]) or width
        for row in rows:
            row.extend([""] * (width - len(row)))
        self.tables[slot] = rows
        return [line for line in ("\t".join(c for c in row if c) for row in rows) if line]

    def _row(self, tr: _Element) -> list[str | None]:
        row: list[str | None] = []
        tr_pr = tr.find(self.TR_PR)
        row.extend([""] * self._int_val(tr_pr, self.GRID_BEFORE, 0))
        for tc, control in self._children(tr, self.TC, None):
            tc_pr = tc.find(self.TC_PR)
            span = max(1, self._int_val(tc_pr, self.GRID_SPAN, 1))
            if self._continues_merge(tc_pr):
                row.extend([None] * span)
                continue
            lines: list[str] = []
            if control is None or not self._showing_placeholder(control):
                self.blocks(tc, lines.append, in_cell=True)
            text = "\n".join(t.strip() for t in lines if t.strip())
            if control is not None:
                self._record_control(control, text)
            row.append(text)
            row.extend([None] * (span - 1))
        row.extend([""] * self._int_val(tr_pr, self.GRID_AFTER, 0))
        return row

    def _continues_merge(self, tc_pr: _Element | None) -> bool:
        if tc_pr is None:
            return False
        for tag in (self.V_MERGE, self.H_MERGE):
            el = tc_pr.find(tag)
            if el is not None and el.get(self.VAL, "continue") == "continue":
                return True
        return False

    def _children(self, parent: _Element, tag: str,
                  control: _Element | None) -> list[tuple[_Element, _Element | None]]:
        """Rows of a table or cells of a row, looking through the content controls and
        custom XML that may wrap them; each comes with the control around it, if any."""
        found: list[tuple[_Element, _Element | None]] = []
        for child in parent:
            if child.tag == tag:
                found.append((child, control))
            elif child.tag == self.SDT:
                content = child.find(self.SDT_CONTENT)
                if content is not None:
                    found.extend(self._children(content, tag, child))
            elif child.tag in self.BLOCK_WRAPPERS:
                found.extend(self._children(child, tag, control))
        return found

    def _int_val(self, parent: _Element | None, tag: str, default: int) -> int:
        el = parent.find(tag) if parent is not None else None
        if el is None:
            return default
        try:
            return int(el.get(self.VAL, str(default)))
        except ValueError:
            return default
