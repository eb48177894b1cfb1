"""Reading .docx files: the registration form's table as a person sees it, and damage."""

from __future__ import annotations

import io
import struct
import zipfile

import docx
import pytest

from docfixtures import (
    GUESTS,
    REGISTRATION,
    W_NS,
    encrypted_ooxml,
    registration_docx,
    scan_png,
    split_table_docx,
    statistics_xlsx,
    with_member,
)
from pressdocs.builtin.parse_docx import DocxParser
from pressdocs.capabilities import Content
from pressdocs.errors import ParseError

parser = DocxParser()


@pytest.fixture(scope="module")
def registration() -> Content:
    return parser.parse(registration_docx(), "登记表.docx")


def test_sniff_accepts_docx_only() -> None:
    assert parser.sniff(registration_docx(), "登记表.docx")
    assert not parser.sniff(statistics_xlsx(), "登记表.docx")
    assert not parser.sniff(scan_png(), "登记表.docx")
    assert not parser.sniff(b"", "登记表.docx")


def test_registration_table_with_merged_cells(registration: Content) -> None:
    r = REGISTRATION
    table = registration.tables[0]
    assert table[0] == ["新闻发布会全称", r["新闻发布会全称"], None, None]
    assert table[1] == ["举办\n单位", r["举办单位"], None, None]
    # 负责人 spans three rows: given once, None below it.
    assert [row[:3] for row in table[2:5]] == [
        ["负责人", "姓名", r["姓名"]],
        [None, "电话", r["电话"]],
        [None, "职务", r["职务"]],
    ]
    assert table[5][0] == "新闻发布会内容\n（可以附附件）"
    assert table[5][1] == r["新闻发布会内容"]
    assert table[10] == ["审批意见", "同意。\n2021年6月28日", None, None]
    assert all(len(row) == 4 for row in table)


def test_nested_table_is_its_own_table_after_its_parent_and_stays_in_the_cell(
    registration: Content,
) -> None:
    assert registration.tables[1] == GUESTS
    cell = registration.tables[0][8][1]
    assert cell == "（见下表）\n姓名\t职务\n李四\t副市长\n王五\t市政府副秘书长"
    assert len(registration.tables) == 2


def test_content_controls_and_form_fields(registration: Content) -> None:
    assert registration.fields == {
        "备注": "需要手语翻译",
        "其他说明": "",  # still showing its placeholder: nothing was filled in
        "联系人": "联系人：赵六",
        "联系电话": "13905531234",
    }
    assert registration.tables[0][11] == ["备\u3000注", "需要手语翻译", None, None]
    assert "单击或点击此处输入文字" not in registration.text


def test_body_paragraphs_in_order(registration: Content) -> None:
    assert registration.paragraphs == [
        "附件2",
        "新闻发布会登记表",
        "填报单位：市生态环境局\u3000\u3000填表时间：2021年6月28日",
        "联系人：赵六",
        "联系电话：13905531234",
        "附件：Workbook.xls、Book.xls",
    ]


def test_table_split_across_pages_stays_two_tables_in_order() -> None:
    content = parser.parse(split_table_docx(), "计划.docx")
    first, second = content.tables
    assert first[0] == ["序 号", "地点", "时间", "发布主题", "责任单位"]
    assert [row[0] for row in first[1:]] == ["1", "2"]
    assert [row[0] for row in second] == ["3", "4"]
    assert second[1][4] == "市财政局、市农业农村局"
    assert len(first[0]) == len(second[0]) == 5


def test_what_word_writes_beyond_python_docx() -> None:
    """Tracked changes, hyperlinks, check-box form fields, text boxes, rows starting
    past the first grid column, the old horizontal merge (hMerge), a content control
    around a whole cell."""
    body = (
        "<w:p><w:r><w:t>举办地点：</w:t></w:r>"
        '<w:del w:id="1" w:author="a"><w:r><w:delText>市委党校</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a"><w:r><w:t>市政府新闻发布厅</w:t></w:r></w:ins></w:p>'
        '<w:p><w:hyperlink r:id="rId9"><w:r><w:t>whxwtg@163.com</w:t></w:r></w:hyperlink></w:p>'
        '<w:p><w:r><w:t xml:space="preserve">是否设记者提问：</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="提问"/>'
        '<w:checkBox><w:default w:val="1"/></w:checkBox></w:ffData></w:fldChar></w:r>'
        '<w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>是</w:t></w:r></w:p>'
        "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor>"
        "<a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>"
        "<w:p><w:r><w:t>（盖章）</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback>"
        "<w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>（盖章）</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>"
        "</w:r></w:p>"
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc>"
        '<w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>发布主题</w:t></w:r>'
        '</w:p></w:tc><w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc></w:tr>'
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/>'
        "</w:tcPr><w:p><w:r><w:t>城市更新</w:t></w:r></w:p></w:tc></w:tr>"
        '<w:tr><w:tc><w:p><w:r><w:t>发布人</w:t></w:r></w:p></w:tc><w:sdt><w:sdtPr>'
        '<w:alias w:val="发布人"/></w:sdtPr><w:sdtContent><w:tc><w:tcPr><w:gridSpan w:val="2"/>'
        "</w:tcPr><w:p><w:r><w:t>李四 局长</w:t></w:r></w:p></w:tc></w:sdtContent></w:sdt>"
        "</w:tr></w:tbl>"
    )
    content = parser.parse(_docx_with_body(body), "x.docx")
    assert content.paragraphs == [
        "举办地点：市政府新闻发布厅",
        "whxwtg@163.com",
        "是否设记者提问：☒是",
        "（盖章）",
    ]
    assert content.fields == {"提问": "☒", "发布人": "李四 局长"}
    assert content.tables == [[
        ["序号", "发布主题", None], ["", "城市更新", None], ["发布人", "李四 局长", None],
    ]]


def test_docx_saved_by_word_as_strict_open_xml() -> None:
    strict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    xml = (f'<w:document xmlns:w="{strict}"><w:body><w:p><w:r><w:t>登记表</w:t></w:r></w:p>'
           "</w:body></w:document>").encode()
    data = with_member(registration_docx(), "word/document.xml", xml)
    assert parser.parse(data, "x.docx").paragraphs == ["登记表"]


def test_parsing_matches_what_python_docx_reads() -> None:
    """Our fast path and python-docx's object model agree on every table cell (python-docx
    does not see into content controls, so compare the version without them)."""
    data = registration_docx(controls=False)
    table = docx.Document(io.BytesIO(data)).tables[0]
    ours = parser.parse(data, "x.docx").tables[0]
    for i, row in enumerate(table.rows):
        for j, cell in enumerate(row.cells):
            if ours[i][j] is not None and not cell.tables:
                assert ours[i][j] == cell.text.strip(), (i, j)


# --- damaged and disguised ----------------------------------------------------------------------


def test_truncated_docx() -> None:
    data = registration_docx()
    with pytest.raises(ParseError) as caught:
        parser.parse(data[: len(data) // 2], "登记表.docx")
    assert caught.value.file == "登记表.docx"
    assert "文件已损坏或不完整（不是有效的 Word 文档）" in str(caught.value)
    assert str(caught.value).startswith("登记表.docx：")


def test_document_xml_too_large_is_refused_before_it_is_read() -> None:
    huge = b"<w:document>" + b" " * (60 * 1024 * 1024) + b"</w:document>"
    data = with_member(registration_docx(), "word/document.xml", huge)
    assert len(data) < 1024 * 1024  # a small attachment that inflates to 60 MB
    with pytest.raises(ParseError, match="文档内容过大"):
        parser.parse(data, "登记表.docx")


def test_document_xml_lying_about_its_size_is_never_read_past_the_limit() -> None:
    xml = f'<w:document xmlns:w="{W_NS}"><w:body/></w:document>'.encode() + b" " * 500_000
    data = bytearray(with_member(registration_docx(), "word/document.xml", xml))
    _declare_size(data, "word/document.xml", 100)
    # the limit applies to every part: it is set above the template's largest (styles)
    with pytest.raises(ParseError, match="文件已损坏"):
        DocxParser(max_part_bytes=450_000).parse(bytes(data), "登记表.docx")


def test_png_named_docx() -> None:
    assert not parser.sniff(scan_png(), "登记表.docx")
    with pytest.raises(ParseError) as caught:
        parser.parse(scan_png(), "登记表.docx")
    assert "这个文件不是 Word 文档（内容是 PNG 图片）" in str(caught.value)
    assert caught.value.message.key == "parse.foreign"
    assert caught.value.render("en") == ("登记表.docx: this file is not a Word document (what it "
                                         "holds: PNG picture); check that the right file was sent")


def test_a_damaged_docx_is_explained_in_english_too() -> None:
    data = registration_docx()
    with pytest.raises(ParseError) as caught:
        parser.parse(data[: len(data) // 2], "登记表.docx")
    assert caught.value.message.key == "parse.damaged"
    assert "cannot be opened as a Word document" in caught.value.render("en")


def test_an_embedded_file_is_a_warning_in_both_languages() -> None:
    body = (f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>登记表</w:t></w:r></w:p>'
            '<w:altChunk/></w:body></w:document>').encode()
    content = parser.parse(with_member(registration_docx(), "word/document.xml", body), "a.docx")
    [warning] = content.warnings
    assert warning.key == "parse.alt_chunk"
    assert "altChunk" in warning.zh and "altChunk" in warning.en


def test_password_protected_docx() -> None:
    data = encrypted_ooxml()
    assert parser.sniff(data, "登记表.docx")
    assert not parser.sniff(data, "统计表.xlsx")  # the spreadsheet reader says it
    with pytest.raises(ParseError, match="文件设置了打开密码，无法读取"):
        parser.parse(data, "登记表.docx")


def test_empty_file() -> None:
    with pytest.raises(ParseError, match="文件是空的"):
        parser.parse(b"", "登记表.docx")


@pytest.mark.parametrize(
    ("member", "data"),
    [
        ("word/document.xml", b"<w:document><w:body><w:p>"),  # cut off
        ("word/document.xml", b"<html><body>not word</body></html>"),
    ],
)
def test_broken_document_xml(member: str, data: bytes) -> None:
    with pytest.raises(ParseError, match="文件已损坏或不完整"):
        parser.parse(with_member(registration_docx(), member, data), "登记表.docx")


def test_document_xml_with_a_dtd_is_refused_as_unsafe() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'
    with pytest.raises(ParseError, match="含有 DTD 声明") as caught:
        parser.parse(with_member(registration_docx(), "word/document.xml", data), "登记表.docx")
    assert caught.value.message.key == "parse.unsafe_dtd"
    assert caught.value.message.params["part"] == "word/document.xml"


def test_missing_document_xml() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(registration_docx())) as src, \
            zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
    with pytest.raises(ParseError, match="文件已损坏或不完整"):
        parser.parse(out.getvalue(), "登记表.docx")


# --- helpers ----------------------------------------------------------------------------------


def _docx_with_body(body: str) -> bytes:
    xml = (
        f'<w:document xmlns:w="{W_NS}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        f"<w:body>{body}</w:body></w:document>"
    )
    return with_member(registration_docx(), "word/document.xml", xml.encode())


def _declare_size(data: bytearray, member: str, size: int) -> None:
    """Rewrite a member's uncompressed size in both the local header and the central
    directory, as a hostile or broken writer might."""
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        if data[local + 30:local + 30 + len(name)] == name:
            struct.pack_into("<I", data, local + 22, size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46:central + 46 + len(name)] == name:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
