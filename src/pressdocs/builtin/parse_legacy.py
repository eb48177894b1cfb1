"""Legacy and other office formats, read through LibreOffice.

Word 97-2003 (.doc, and Kingsoft .wps, which is usually the same binary format),
Word 2003 XML (what WPS sometimes saves as .wps), RTF, OpenDocument text: converted to
.docx and read by :class:`~pressdocs.builtin.parse_docx.DocxParser`.  Excel 97-2003
(.xls, and Kingsoft .et), Excel 2003 XML, OpenDocument spreadsheets: converted to
.xlsx and read by :class:`~pressdocs.builtin.parse_xlsx.XlsxParser`.  The returned
:class:`Content` keeps the original media type.

The input is handed to LibreOffice under an extension chosen from its sniffed content,
never the name it was sent with: LibreOffice takes ``.wps`` for Microsoft Works, so a
Word-binary .wps goes in as ``.doc``.  HTML and MHT saved as .doc need no LibreOffice;
:mod:`pressdocs.builtin.parse_text` reads them.
"""

from __future__ import annotations

from collections.abc import Callable

from pressdocs import _libreoffice as libreoffice
from pressdocs._sniff import (
    DOC,
    MS_WORKS,
    ODS,
    ODT,
    RTF,
    SPREADSHEETML_2003,
    WORDML_2003,
    XLS,
    sniff_media_type,
)
from pressdocs.builtin.parse_docx import DocxParser, check_not_foreign
from pressdocs.builtin.parse_xlsx import XlsxParser
from pressdocs.capabilities import Content, Parser
from pressdocs.hookspecs import hookimpl
from pressdocs.models import Message

__all__ = ["LegacyOfficeParser"]


#: media type → (extension LibreOffice is given, format converted to)
_ROUTES: dict[str, tuple[str, str]] = {
    DOC: (".doc", "docx"),
    WORDML_2003: (".xml", "docx"),
    RTF: (".rtf", "docx"),
    ODT: (".odt", "docx"),
    MS_WORKS: (".wps", "docx"),
    XLS: (".xls", "xlsx"),
    SPREADSHEETML_2003: (".xml", "xlsx"),
    ODS: (".ods", "xlsx"),
}


class LegacyOfficeParser(Parser):
    """旧版 Office 和 WPS 文件（.doc/.wps/.xls/.et/.rtf/.odt），经 LibreOffice 转换后读取。"""

    name = "libreoffice"
    description = "Word 97-2003、WPS、Excel 97-2003、RTF、OpenDocument（经 LibreOffice 转换）"
    media_types = tuple(_ROUTES)

    def __init__(self, timeout: float = libreoffice.DEFAULT_TIMEOUT,
                 soffice: str | None = None) -> None:
        self.timeout = timeout
        self.soffice = soffice

    def sniff(self, data: bytes, name: str) -> bool:
        return sniff_media_type(data, name) in _ROUTES

    def parse(self, data: bytes, name: str) -> Content:
        media_type = sniff_media_type(data, name)
        if media_type not in _ROUTES:
            check_not_foreign(data, name, DOC, Message.of("parse.kind.office"))
        suffix, target = _ROUTES.get(media_type, (".doc", "docx"))
        from pressdocs._budget import memory_unlimited

        with memory_unlimited():  # LibreOffice needs more room than a reading worker has
            converted = libreoffice.convert(
                data, suffix=suffix, target=target, name=name, timeout=self.timeout,
                soffice=self.soffice,
            )
        reader = DocxParser() if target == "docx" else XlsxParser()
        content = reader.parse(converted, name)
        content.media_type = media_type
        return content


@hookimpl
def register_parsers(register: Callable[[Parser], None]) -> None:
    register(LegacyOfficeParser())
