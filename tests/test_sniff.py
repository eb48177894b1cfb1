"""Sniffing what a file is from its bytes, whatever name it was sent under."""

from __future__ import annotations

import codecs
import io
import random
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from docfixtures import (
    converted,
    encrypted_ooxml,
    registration_docx,
    scan_png,
    statistics_xlsx,
    word_mht,
)
from pressdocs import _sniff as sniff
from pressdocs._messages import catalogue
from pressdocs._sniff import decode_text, describe_media_type, sniff_media_type

# --- real files made by real programs -------------------------------------------------------


def test_docx_and_xlsx_written_by_python_docx_and_openpyxl() -> None:
    assert sniff_media_type(registration_docx(), "登记表.docx") == sniff.DOCX
    assert sniff_media_type(statistics_xlsx(), "统计表.xlsx") == sniff.XLSX


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("registration.docx", "doc", sniff.DOC),
        ("registration.docx", "pdf", sniff.PDF),
        ("registration.docx", "odt", sniff.ODT),
        ("registration.docx", "rtf", sniff.RTF),
        ("registration.docx", "xml:MS Word 2003 XML", sniff.WORDML_2003),
        ("registration.docx", "html:HTML (StarWriter)", sniff.HTML),
        ("statistics.xlsx", "xls", sniff.XLS),
        ("statistics.xlsx", "ods", sniff.ODS),
    ],
)
def test_files_written_by_libreoffice(source: str, target: str, expected: str) -> None:
    assert sniff_media_type(converted(source, target), "") == expected


def test_kingsoft_names_do_not_change_the_answer() -> None:
    """A WPS .wps is a Word-97 binary and a .et an Excel-97 binary: sniff the content."""
    assert sniff_media_type(converted("registration.docx", "doc"), "登记表.wps") == sniff.DOC
    assert sniff_media_type(converted("statistics.xlsx", "xls"), "统计表.et") == sniff.XLS


def test_words_like_workbook_in_document_text_do_not_make_a_doc_an_excel_file() -> None:
    doc = converted("registration.docx", "doc")
    assert "Workbook".encode("utf-16-le") in doc  # the text really is in the file
    assert sniff_media_type(doc, "x.xls") == sniff.DOC


def test_the_name_never_overrides_the_content() -> None:
    png = scan_png()
    assert sniff_media_type(png, "") == sniff.PNG
    assert sniff_media_type(png, "登记表.docx") == sniff.PNG
    assert sniff_media_type(registration_docx(), "登记表.pdf") == sniff.DOCX
    html = converted("registration.docx", "html:HTML (StarWriter)")
    assert sniff_media_type(html, "登记表.doc") == sniff.HTML


def test_html_saved_by_word_as_doc() -> None:
    word_html = (
        '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
        'office:office" xmlns:w="urn:schemas-microsoft-com:office:word">\r\n<head>\r\n'
        '<meta http-equiv=Content-Type content="text/html; charset=gb2312">\r\n'
        "</head><body><p>新闻发布会登记表</p></body></html>"
    ).encode("gb18030")
    assert sniff_media_type(word_html, "登记表.doc") == sniff.HTML


def test_mht_saved_by_word() -> None:
    assert sniff_media_type(word_mht("<p>新闻发布会登记表</p>"), "登记表.doc") == sniff.MHT


def test_truncated_docx_is_still_a_docx_so_its_parser_can_say_it_is_damaged() -> None:
    data = registration_docx()
    assert sniff_media_type(data[: len(data) // 2], "登记表.docx") == sniff.DOCX


def test_cut_off_doc_whose_directory_is_lost_is_told_by_its_name() -> None:
    """The OLE directory may sit at the end; the extension breaks the tie, so the .doc
    reader gets to say the file is damaged."""
    cut = converted("registration.docx", "doc")[:8000]
    assert sniff_media_type(cut, "登记表.doc") == sniff.DOC
    assert sniff_media_type(cut, "登记表.et") == sniff.XLS
    assert sniff_media_type(cut, "登记表") == sniff.OLE_STORAGE


def test_password_protected_office_file() -> None:
    assert sniff_media_type(encrypted_ooxml(), "登记表.docx") == sniff.ENCRYPTED_OOXML


def test_plain_zip_and_7z() -> None:
    py7zr = pytest.importorskip("py7zr")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("登记表.docx", registration_docx())
    assert sniff_media_type(out.getvalue(), "材料.zip") == sniff.ZIP
    seven = io.BytesIO()
    with py7zr.SevenZipFile(seven, "w") as archive:
        archive.writestr(b"x", "a.txt")
    assert sniff_media_type(seven.getvalue(), "材料.7z") == sniff.SEVEN_ZIP


def test_text_in_utf8_and_gbk_and_the_seed_notice(seed_path: Path) -> None:
    notice = "关于做好2021年度政府信息公开新闻发布工作的通知\n"
    assert sniff_media_type(notice.encode("utf-8"), "a.txt") == sniff.TEXT
    assert sniff_media_type(notice.encode("gbk"), "a.txt") == sniff.TEXT
    assert sniff_media_type(seed_path.read_bytes(), "通知.txt") == sniff.TEXT


# Magic numbers from the format specifications, followed by filler.
@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", sniff.JPEG),
        (b"GIF89a\x01\x00\x01\x00", sniff.GIF),
        (b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00", sniff.BMP),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", sniff.WEBP),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", sniff.HEIC),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41", sniff.MP4),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", sniff.MOV),
        (b"RIFF\x24\x00\x00\x00AVI LIST", sniff.AVI),
        (bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c"), sniff.WMV),
        (b"FLV\x01\x05\x00\x00\x00\x09", sniff.FLV),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", sniff.MKV),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", sniff.WEBM),
        (b"Rar!\x1a\x07\x01\x00", sniff.RAR),
        (b"Rar!\x1a\x07\x00", sniff.RAR),
        (b"{\\rtf1\\ansi\\ansicpg936", sniff.RTF),
    ],
)
def test_magic_numbers(head: bytes, expected: str) -> None:
    assert sniff_media_type(head + bytes(range(256)) * 4, "") == expected


def test_empty_and_binary_garbage() -> None:
    assert sniff_media_type(b"", "登记表.docx") == sniff.EMPTY
    noise = random.Random(7).randbytes(4096)
    assert sniff_media_type(noise, "登记表.doc") == sniff.OCTET_STREAM


def test_descriptions_are_chinese() -> None:
    assert describe_media_type(sniff.PNG).zh == "PNG 图片"
    assert describe_media_type("application/x-unknown").zh == "application/x-unknown"


def test_descriptions_come_in_english_too() -> None:
    png = describe_media_type(sniff.PNG)
    assert (png.key, png.en) == ("sniff.png", "PNG picture")
    assert describe_media_type("application/x-unknown").en == "application/x-unknown"
    cjk = re.compile(r"[\u4e00-\u9fff]")
    named = [getattr(sniff, name) for name in sniff.__all__ if name.isupper()
             and name != "DESCRIPTION_KEYS"]
    assert set(named) == set(sniff.DESCRIPTION_KEYS)  # every media type has words
    for media_type in named:
        described = describe_media_type(media_type)
        assert described.key in catalogue("zh") and described.key in catalogue("en")
        assert cjk.search(described.zh) and not cjk.search(described.en), described


@given(st.binary(max_size=2048), st.sampled_from([b"", b"PK\x03\x04", sniff._OLE_MAGIC,
                                                  b"%PDF-1.7\n", b"\x00\x00\x00\x18ftyp"]))
def test_never_raises_on_arbitrary_bytes(tail: bytes, head: bytes) -> None:
    assert isinstance(sniff_media_type(head + tail, "x.docx"), str)


# --- decode_text --------------------------------------------------------------------------------


def test_gb_labelled_text_with_gbk_only_characters() -> None:
    """Senders label text gb2312 but use GBK-only characters like 喆 and 镕."""
    data = "联系人：王喆、朱镕".encode("gbk")
    assert decode_text(data) == ("联系人：王喆、朱镕", "gb18030")


def test_byte_order_marks() -> None:
    assert decode_text(codecs.BOM_UTF8 + "登记表".encode()) == ("登记表", "utf-8-sig")
    assert decode_text("登记表".encode("utf-16")) == ("登记表", "utf-16")


def test_file_cut_in_the_middle_of_a_character() -> None:
    data = "新闻发布会登记表".encode("gbk")[:-1]
    text, encoding = decode_text(data)
    assert encoding == "gb18030"
    assert text.startswith("新闻发布会登记") and text.endswith("\ufffd")


@given(st.text())
def test_utf8_round_trips(text: str) -> None:
    assume(not text.startswith("\ufeff"))
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1))
def test_gb18030_round_trips_when_not_also_utf8(text: str) -> None:
    data = text.encode("gb18030")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        assert decode_text(data) == (text, "gb18030")
    else:
        assume(False)
