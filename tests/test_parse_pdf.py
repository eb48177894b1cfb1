"""Reading PDFs: exported from Word (here LibreOffice), filled-in forms, locked, scanned."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from docfixtures import REGISTRATION, converted, registration_docx
from pressdocs.builtin.parse_pdf import PdfParser
from pressdocs.capabilities import Content
from pressdocs.errors import ParseError

parser = PdfParser()


def registration_pdf() -> bytes:
    return converted("registration.docx", "pdf")


@pytest.fixture(scope="module")
def registration() -> Content:
    return parser.parse(registration_pdf(), "登记表.pdf")


def _squeeze(text: str) -> str:
    """pypdf puts spaces between Chinese and digits ("2021 年"): compare without them."""
    return re.sub(r"\s+", "", text)


def test_sniff() -> None:
    assert parser.sniff(registration_pdf(), "登记表.pdf")
    assert not parser.sniff(registration_docx(), "登记表.pdf")


def test_every_label_and_value_of_the_form_is_in_the_text(registration: Content) -> None:
    text = _squeeze(registration.text)
    for label in ("新闻发布会全称", "负责人", "举办地点", "拟邀请新闻单位名单", "审批意见"):
        assert label in text
    for key in ("新闻发布会全称", "举办单位", "姓名", "电话", "职务", "举办地点"):
        assert _squeeze(REGISTRATION[key]) in text


def test_lines_outside_the_table_are_paragraphs_in_reading_order(registration: Content) -> None:
    lines = [_squeeze(p) for p in registration.paragraphs]
    assert lines[:3] == [
        "附件2", "新闻发布会登记表", "填报单位：市生态环境局填表时间：2021年6月28日"
    ]
    assert all(p == p.strip() and p for p in registration.paragraphs)
    assert lines[-3:] == ["联系人：赵六", "联系电话：13905531234", "附件：Workbook.xls、Book.xls"]


def test_the_table_is_read_by_its_ruling_lines(registration: Content) -> None:
    """One table, its rows in order; 负责人 merged down its three sub-rows (``None`` below
    it, as the Word parser gives a merged cell), every value merged across."""
    [table] = registration.tables
    rows = [[_squeeze(c) if c is not None else None for c in row] for row in table]
    person = rows.index(["负责人", "姓名", "张三"])
    assert rows[person + 1:person + 3] == [[None, "电话", "0553-3831234"],
                                           [None, "职务", "副局长"]]
    assert rows.index(["审批意见", "同意。2021年6月28日", None]) > person
    assert rows[0] == ["新闻发布会全称", _squeeze(REGISTRATION["新闻发布会全称"]), None]
    # a line break the writer typed stays; label cells keep theirs ("举办\n单位")
    assert table[5][1] == REGISTRATION["新闻发布会内容"]
    assert table[1][0] == "举办\n单位"


def test_filled_form_fields() -> None:
    content = parser.parse(_fillable(registration_pdf()), "登记表.pdf")
    assert content.fields == {"负责人姓名": "张三", "负责人电话": "0553-3831234", "已审批": "☒"}


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_owner_password_only_is_read_like_any_viewer_does(algorithm: str) -> None:
    data = _encrypted(registration_pdf(), user="", owner="office", algorithm=algorithm)
    content = parser.parse(data, "登记表.pdf")
    assert "新闻发布会全称" in _squeeze(content.text)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_open_password(algorithm: str) -> None:
    data = _encrypted(registration_pdf(), user="1234", owner="office", algorithm=algorithm)
    with pytest.raises(ParseError) as caught:
        parser.parse(data, "登记表.pdf")
    assert str(caught.value) == "登记表.pdf：PDF 文件已加密，无法读取，请发送未加密的版本"
    assert caught.value.render("en") == ("登记表.pdf: the PDF is encrypted with a password; "
                                         "send an unencrypted version")


def test_scan_without_text() -> None:
    """A page that is a picture and nothing else is a scan, left for OCR to read
    (tests/test_ocr.py); a page with neither text nor a picture is nothing to read."""
    scan = converted("scan.docx", "pdf")
    assert PdfReader(io.BytesIO(scan)).pages[0].images  # a picture, and nothing else
    content = parser.parse(scan, "扫描件.pdf")
    assert content.scanned_pages == [1]
    assert not content.paragraphs and not content.tables
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    blank = io.BytesIO()
    writer.write(blank)
    with pytest.raises(ParseError, match="PDF 中没有可提取的文字（可能是扫描件）"):
        parser.parse(blank.getvalue(), "空白.pdf")


def test_damaged() -> None:
    with pytest.raises(ParseError, match="PDF 文件已损坏或不完整"):
        parser.parse(b"%PDF-1.7\n" + b"\x00garbage" * 100, "登记表.pdf")
    with pytest.raises(ParseError, match="文件是空的"):
        parser.parse(b"", "登记表.pdf")


def test_cut_off_download() -> None:
    data = registration_pdf()
    with pytest.raises(ParseError, match="PDF 文件已损坏或不完整") as caught:
        parser.parse(data[: len(data) * 9 // 10], "登记表.pdf")
    assert caught.value.file == "登记表.pdf"


# --- helpers ----------------------------------------------------------------------------------


def _encrypted(data: bytes, *, user: str, owner: str, algorithm: str = "RC4-128") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _fillable(data: bytes) -> bytes:
    """Add three form fields to the PDF, then fill them in with pypdf's form filling,
    the way a unit fills a fillable PDF form."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    page = writer.pages[0]
    fields = ArrayObject()
    annots = ArrayObject()
    specs = [("负责人姓名", "/Tx", 700), ("负责人电话", "/Tx", 670), ("已审批", "/Btn", 640)]
    for name, kind, y in specs:
        field = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject(kind),
            NameObject("/T"): TextStringObject(name),
            NameObject("/Rect"): ArrayObject([FloatObject(300), FloatObject(y),
                                              FloatObject(500), FloatObject(y + 20)]),
            NameObject("/F"): NumberObject(4),
            NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
        })
        if kind == "/Btn":
            field[NameObject("/V")] = NameObject("/Yes")
            field[NameObject("/AS")] = NameObject("/Yes")
        ref = writer._add_object(field)
        fields.append(ref)
        annots.append(ref)
    page[NameObject("/Annots")] = annots
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): fields})
    writer.update_page_form_field_values(
        page, {"负责人姓名": "张三", "负责人电话": "0553-3831234"}, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
