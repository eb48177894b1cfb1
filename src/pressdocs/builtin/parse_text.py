"""Plain text and HTML parsers, including HTML and MHT saved under a ``.doc`` name.

Plain text is decoded with :func:`pressdocs._sniff.decode_text` (BOM, UTF-8, GB18030)
and each non-empty line becomes a paragraph.

HTML is read with the standard library's ``html.parser``: block elements and ``<br>``
end lines, tables keep their structure (``colspan``/``rowspan`` become the merged-cell
representation of :class:`Content`: the text once, ``None`` in the covered positions),
a nested table becomes a table of its own after its parent and its text also stays in
the parent's cell.  Word's "save as web page" wraps long lines in the source, so a
source line break between two Chinese characters is dropped rather than turned into a
space.  MHT ("single file web page", which Word also produces when told to save as
.doc) is a MIME message: its first ``text/html`` part is read.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re
from collections.abc import Callable
from email.message import Message as MimeMessage
from html.parser import HTMLParser as _StdlibHTMLParser

from pressdocs._sniff import EMPTY, HTML, MHT, TEXT, decode_text, sniff_media_type
from pressdocs.capabilities import Content, Parser
from pressdocs.errors import ParseError
from pressdocs.hookspecs import hookimpl
from pressdocs.models import Message

__all__ = ["HtmlParser", "TextParser", "decode_html", "html_content"]


_GB_LABELS = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "windows-936", "euc-cn", "csgb2312"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_WRAPPED = re.compile(f"(?<=[{_CJK}])[ \t\f]*[\r\n][ \t\r\n\f]*(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\r\n\f]+")
# Control characters: LibreOffice leaves field marks (\x07, \x03, \x08) in HTML it writes.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BREAK = "\u2028"  # a <br>, kept apart from source whitespace until the text is cleaned
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "ul",
})
_SKIPPED = frozenset({"script", "style", "title", "template", "xml"})
_MAX_COLSPAN = 1000


class TextParser(Parser):
    """纯文本（.txt）：UTF-8 或 GB18030/GBK/GB2312 编码，每行一段。"""

    name = "text"
    description = "纯文本（UTF-8 或 GBK 编码）"
    media_types = (TEXT,)

    def sniff(self, data: bytes, name: str) -> bool:
        return sniff_media_type(data, name) == TEXT

    def parse(self, data: bytes, name: str) -> Content:
        _check_not_empty(data, name)
        text, _ = decode_text(data)
        content = Content(media_type=TEXT)
        lines = (_CONTROLS.sub("", line).strip() for line in text.splitlines())
        content.paragraphs = [line for line in lines if line]
        if "\ufffd" in text:
            content.warnings.append(Message.of("parse.unreadable_chars"))
        return content


class HtmlParser(Parser):
    """网页（HTML）和单个文件网页（MHT），也包括另存为 .doc 的网页。"""

    name = "html"
    description = "网页（HTML/MHT），包括扩展名为 .doc 的网页"
    media_types = (HTML, MHT)

    def sniff(self, data: bytes, name: str) -> bool:
        return sniff_media_type(data, name) in self.media_types

    def parse(self, data: bytes, name: str) -> Content:
        _check_not_empty(data, name)
        media_type = sniff_media_type(data, name)
        if media_type == MHT:
            html, declared = _mht_html_part(data, name)
            text = decode_html(html, declared)
        else:
            text = decode_html(data)
        content = html_content(text)
        content.media_type = media_type if media_type == MHT else HTML
        if "\ufffd" in text:
            content.warnings.append(Message.of("parse.unreadable_chars"))
        return content


@hookimpl
def register_parsers(register: Callable[[Parser], None]) -> None:
    register(TextParser())
    register(HtmlParser())


def _check_not_empty(data: bytes, name: str) -> None:
    if sniff_media_type(data, name) == EMPTY:
        raise ParseError.of("parse.empty", file=name)


# --- decoding ---------------------------------------------------------------------------------


def decode_html(data: bytes, declared: str | None = None) -> str:
    """HTML bytes as text: a BOM first, then the charset declared (by the MIME part or a
    ``<meta>`` tag; GB labels read as GB18030), then :func:`decode_text`'s guess."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data)[0]
    if declared is None:
        match = _META_CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii") if match else None
    if declared:
        label = declared.strip().lower()
        label = "gb18030" if label in _GB_LABELS else label
        try:
            return data.decode(label)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label: guess instead
    return decode_text(data)[0]


def _mht_html_part(data: bytes, name: str) -> tuple[bytes, str | None]:
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    fallback: MimeMessage | None = None
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "text/html":
            return _payload(part), part.get_content_charset()
        if content_type == "text/plain" and fallback is None:
            fallback = part
    if fallback is not None:
        return _payload(fallback), fallback.get_content_charset()
    raise ParseError.of("parse.mht_no_text", file=name)


def _payload(part: MimeMessage) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


# --- HTML to Content ------------------------------------------------------------------------


def html_content(html: str) -> Content:
    """Paragraphs and tables of an HTML text (already decoded)."""
    reader = _HtmlReader()
    reader.feed(html)
    reader.close()
    return Content(media_type=HTML, paragraphs=reader.paragraphs, tables=reader.tables)


class _TableBuilder:
    """Rows of (text, colspan, rowspan) as the HTML gives them, laid out on a grid at the end."""

    def __init__(self, slot: int) -> None:
        self.slot = slot
        self.rows: list[list[tuple[str, int, int]]] = []
        self.cell: list[str] | None = None
        self._spans = (1, 1)

    def start_row(self) -> None:
        self.end_cell()
        self.rows.append([])

    def start_cell(self, colspan: int, rowspan: int) -> None:
        self.end_cell()
        if not self.rows:
            self.rows.append([])
        self.cell = []
        self._spans = (colspan, rowspan)

    def end_cell(self) -> None:
        if self.cell is not None:
            self.rows[-1].append(("\n".join(self.cell), *self._spans))
            self.cell = None

    def grid(self) -> list[list[str | None]]:
        self.end_cell()
        height = len(self.rows)
        placed: dict[tuple[int, int], str | None] = {}
        for r, row in enumerate(self.rows):
            c = 0
            for text, colspan, rowspan in row:
                while (r, c) in placed:
                    c += 1
                for dr in range(min(rowspan, height - r)):
                    for dc in range(colspan):
                        placed[(r + dr, c + dc)] = None
                placed[(r, c)] = text
                c += colspan
        width = max((c + 1 for _, c in placed), default=0)
        return [[placed.get((r, c), "") for c in range(width)] for r in range(height)]


class _HtmlReader(_StdlibHTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.tables: list[list[list[str | None]]] = []
        self._buffer: list[str] = []
        self._skipping = 0
        self._open: list[_TableBuilder] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        if self._skipping:
            return
        if tag == "br":
            self._buffer.append(_BREAK)
        elif tag in _BLOCKS:
            self._flush()
        elif tag == "table":
            self._flush()
            self._open.append(_TableBuilder(len(self.tables)))
            self.tables.append([])
        elif tag == "tr" and self._open:
            self._flush()
            self._open[-1].start_row()
        elif tag in ("td", "th") and self._open:
            self._flush()
            values = dict(attrs)
            colspan = min(_span(values.get("colspan")), _MAX_COLSPAN)
            self._open[-1].start_cell(colspan, _span(values.get("rowspan")))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
            return
        if self._skipping:
            return
        if tag in _BLOCKS:
            self._flush()
        elif tag in ("td", "th") and self._open:
            self._flush()
            self._open[-1].end_cell()
        elif tag == "table" and self._open:
            self._close_table()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        while self._open:
            self._close_table()
        self._flush()

    def _close_table(self) -> None:
        self._flush()
        table = self._open.pop()
        rows = table.grid()
        self.tables[table.slot] = rows
        if self._open and self._open[-1].cell is not None:
            lines = ("\t".join(c for c in row if c) for row in rows)
            self._open[-1].cell.extend(line for line in lines if line)

    def _flush(self) -> None:
        if not self._buffer:
            return
        text = _clean("".join(self._buffer))
        self._buffer.clear()
        if not text:
            return
        if self._open and self._open[-1].cell is not None:
            self._open[-1].cell.append(text)
        else:
            self.paragraphs.append(text)


def _clean(raw: str) -> str:
    text = _SPACES.sub(" ", _WRAPPED.sub("", _CONTROLS.sub("", raw))).replace("\xa0", " ")
    lines = (line.strip() for line in text.split(_BREAK))
    return "\n".join(line for line in lines if line)


def _span(value: str | None) -> int:
    try:
        return max(1, int((value or "1").strip().rstrip(";")))
    except ValueError:
        return 1
