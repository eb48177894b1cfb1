"""PDF parser (pypdf): the text of every page, line by line, and form field values.

A PDF exported from Word keeps no table structure, only positioned text; each text
line becomes one paragraph, in the order pypdf's ``extract_text`` gives (reading
order for ordinary documents), and the extractor works on those lines.  Filled form
fields (AcroForm) go to ``Content.fields`` by their full name; a check box reads
"☒" or "☐", a radio group the chosen option.

A PDF locked with an open password cannot be read; one with only an owner password
(printing or copying restricted, common for documents from government systems) is
opened with the empty password as every viewer does.  A PDF with no text at all is a
scan: that is a :class:`ParseError`, so the office learns that nobody can check it
automatically and asks for the Word version.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from pressdocs._sniff import PDF, sniff_media_type
from pressdocs.builtin.parse_docx import check_not_foreign
from pressdocs.capabilities import Content, Parser
from pressdocs.errors import ParseError
from pressdocs.hookspecs import hookimpl
from pressdocs.models import Message

__all__ = ["PdfParser"]

REQUIRES: tuple[str, ...] = ("pypdf",)
REQUIRES_TOOLS: tuple[str, ...] = ()
INSTALL_HINT = "pip install pypdf"

_RADIO_FLAG = 1 << 15


class PdfParser(Parser):
    """PDF 文件：逐行文字和表单域。"""

    name = "pdf"
    description = "PDF 文件（文字逐行读取，含表单域）"
    media_types = (PDF,)

    def sniff(self, data: bytes, name: str) -> bool:
        return sniff_media_type(data, name) == PDF

    def parse(self, data: bytes, name: str) -> Content:
        check_not_foreign(data, name, PDF, Message.of("parse.kind.pdf"))
        reader = _open(data, name)
        content = Content(media_type=PDF)
        for number, page in enumerate(reader.pages, start=1):
            try:
                text = page.extract_text()
            # A page with a broken font or content stream should not cost the others.
            except Exception:
                content.warnings.append(Message.of("parse.pdf_page_unreadable", page=number))
                continue
            content.paragraphs.extend(
                s for s in (_respace(line.strip()) for line in text.splitlines()) if s)
        content.fields = _form_fields(reader)
        if not content.paragraphs and not any(content.fields.values()):
            raise ParseError.of("parse.pdf_no_text", file=name)
        return content


@hookimpl
def register_parsers(register: Callable[[Parser], None]) -> None:
    register(PdfParser())


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


def _form_fields(reader: Any) -> dict[str, str]:
    try:
        fields = reader.get_fields() or {}
    except Exception:  # a broken AcroForm dictionary: the page text is still worth having
        return {}
    values: dict[str, str] = {}
    for full_name, field in fields.items():
        value = field.get("/V")
        if value is None:
            continue
        values[str(full_name)] = _field_value(field, value)
    return values


def _field_value(field: Any, value: Any) -> str:
    from pypdf.generic import NameObject

    if isinstance(value, list):
        return "、".join(_field_value(field, v) for v in value)
    text = str(value)[1:] if isinstance(value, NameObject) else str(value).strip()
    if field.get("/FT") == "/Btn":
        if int(field.get("/Ff", 0)) & _RADIO_FLAG:
            return "" if text == "Off" else text
        return "☐" if text in ("Off", "") else "☒"
    return text


# pypdf puts a space between a number and the Chinese unit after it ("2021 年4 月15 日",
# "1200 字"); Word never wrote one there.  Only these joins are undone, so a space that
# separates a label from its value ("电话 13905531234") stays.
_SPLIT_NUMBER = re.compile(r"(?<=\d) +(?=[年月日时点分秒个字张号条项转亿万千百元%])")


def _respace(line: str) -> str:
    return _SPLIT_NUMBER.sub("", line)
