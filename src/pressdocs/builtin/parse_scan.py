"""Scan parser: a picture of a document — a stamped form scanned or photographed — and
the scanned pages of a PDF, read by OCR (``pressdocs[ocr]``; see :mod:`pressdocs.ocr`).

It claims only pictures that are documents (:func:`pressdocs.ocr.scan.document_picture`:
named as a form, or a ruled page by its content); the conference's pictures stay
pictures.  A PDF's pages without text but with a picture (``Content.scanned_pages``, from
the PDF parser) are read by :class:`ScannedPages`.  Both run in the reading worker under
``[limits] ocr_memory_mb`` (the models need more room than a Word file does).  Without
the OCR extra a scan is a :class:`~pressdocs.errors.ParseError` that names it as one
and says how to have it read.
"""

from __future__ import annotations

from collections.abc import Callable

from pressdocs.capabilities import Content, Parser
from pressdocs.errors import ParseError
from pressdocs.hookspecs import hookimpl
from pressdocs.ocr.scan import PICTURE_TYPES, document_picture, read_image, read_pdf_pages

__all__ = ["ScanParser", "ScannedPages"]


class ScanParser(Parser):
    """扫描件与照片：盖章后扫描或拍照的登记表等，用文字识别（OCR）读取。"""

    name = "scan"
    description = "扫描件与照片（盖章后扫描或拍照的登记表等，用文字识别读取）"
    media_types = PICTURE_TYPES
    #: read under ``[limits] ocr_memory_mb``
    ocr = True

    def sniff(self, data: bytes, name: str) -> bool:
        return document_picture(data, name)

    def parse(self, data: bytes, name: str) -> Content:
        content = read_image(data, name)
        if not content.paragraphs and not content.tables:
            raise ParseError.of("parse.scan_no_text", file=name)
        return content


class ScannedPages(Parser):
    """The scanned pages (from 1) of a PDF, read by OCR; not registered: the reading
    makes one for the pages the PDF parser found without text."""

    name = "scan"
    ocr = True

    def __init__(self, pages: list[int]) -> None:
        self.pages = pages

    def sniff(self, data: bytes, name: str) -> bool:
        return False

    def parse(self, data: bytes, name: str) -> Content:
        return read_pdf_pages(data, name, self.pages)


@hookimpl
def register_parsers(register: Callable[[Parser], None]) -> None:
    register(ScanParser())
