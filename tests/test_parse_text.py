"""Reading plain text, HTML and MHT, including web pages saved under a .doc name."""

from __future__ import annotations

from pathlib import Path

import pytest

from docfixtures import converted, word_mht
from pressdocs import _sniff as sniff
from pressdocs.builtin.parse_text import HtmlParser, TextParser
from pressdocs.errors import ParseError

text_parser = TextParser()
html_parser = HtmlParser()

# What Word writes when a form is saved as a web page: wrapped source lines, a GB2312
# label on GBK bytes, conditional comments, &nbsp; in empty cells, rowspan/colspan.
WORD_TABLE = """
<p class=MsoNormal align=center><b><span style='font-size:18.0pt'>新闻发布会登记表
<o:p></o:p></span></b></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>
 <tr>
  <td width=120 valign=top><p class=MsoNormal><span style='font-family:宋体'>新闻发布会全称
  </span></p></td>
  <td width=400 colspan=2 valign=top><p class=MsoNormal>2021年上半年生态环境保护工作新闻
  发布会</p></td>
 </tr>
 <tr>
  <td rowspan=2><p class=MsoNormal>负责人</p></td>
  <td><p class=MsoNormal>姓名</p></td><td><p class=MsoNormal>王喆</p></td>
 </tr>
 <tr>
  <td><p class=MsoNormal>电话</p></td><td><p class=MsoNormal>0553-3831234<br>13905531234</p></td>
 </tr>
 <tr>
  <td><p class=MsoNormal>举办<br>
  单位</p></td>
  <td colspan=2><p class=MsoNormal>&nbsp;</p>
  <table><tr><td>李四</td><td>副市长</td></tr></table></td>
 </tr>
</table>
<![if !supportLists]><p class=MsoNormal>备注：Press conference</p><![endif]>
"""


def test_seed_notice_is_read_line_by_line(seed_path: Path) -> None:
    data = seed_path.read_bytes()
    content = text_parser.parse(data, seed_path.name)
    assert content.media_type == sniff.TEXT
    assert any("whxwtg@163.com" in p for p in content.paragraphs)
    assert any("芜市办〔201328号" in p for p in content.paragraphs)
    assert all(p == p.strip() and p for p in content.paragraphs)
    assert content.warnings == []
    # The same notice saved in GBK reads the same.
    gbk = data.decode("utf-8").encode("gb18030")
    assert text_parser.parse(gbk, seed_path.name).paragraphs == content.paragraphs


def test_gbk_text_with_gbk_only_characters_and_a_cut_off_end() -> None:
    data = "联系人：王喆\r\n电话：0553-3831234\r\n".encode("gbk")
    assert text_parser.parse(data, "a.txt").paragraphs == ["联系人：王喆", "电话：0553-3831234"]
    cut = text_parser.parse("联系人：王喆".encode("gbk")[:-1], "a.txt")
    assert [w.zh for w in cut.warnings] == ["文件中有无法识别的字符（编码可能有误或文件不完整）"]
    assert cut.warnings[0].key == "parse.unreadable_chars"
    assert cut.warnings[0].en.startswith("the file holds characters that cannot be read")


def test_word_html_saved_as_doc() -> None:
    data = _word_html(WORD_TABLE).encode("gb18030")
    assert html_parser.sniff(data, "登记表.doc")
    content = html_parser.parse(data, "登记表.doc")
    assert content.media_type == sniff.HTML
    assert content.paragraphs == ["新闻发布会登记表", "备注：Press conference"]
    table, nested = content.tables
    assert table == [
        ["新闻发布会全称", "2021年上半年生态环境保护工作新闻发布会", None],
        ["负责人", "姓名", "王喆"],
        [None, "电话", "0553-3831234\n13905531234"],
        ["举办\n单位", "李四\t副市长", None],
    ]
    assert nested == [["李四", "副市长"]]


def test_html_written_by_libreoffice() -> None:
    data = converted("registration.docx", "html:HTML (StarWriter)")
    content = html_parser.parse(data, "登记表.doc")
    table = content.tables[0]
    assert table[1] == ["举办\n单位", "市生态环境局", None]
    assert table[2:5] == [["负责人", "姓名", "张三"], [None, "电话", "0553-3831234"],
                          [None, "职务", "副局长"]]
    assert content.tables[1] == [["姓名", "职务"], ["李四", "副市长"], ["王五", "市政府副秘书长"]]
    # LibreOffice leaves field marks (control characters) around form fields.
    assert "联系电话：13905531234" in content.paragraphs


def test_mht_saved_by_word_as_doc() -> None:
    data = word_mht(WORD_TABLE)
    assert html_parser.sniff(data, "登记表.doc")
    content = html_parser.parse(data, "登记表.doc")
    assert content.media_type == sniff.MHT
    assert content.tables[0][1] == ["负责人", "姓名", "王喆"]
    assert content.warnings == []


def test_mht_labelled_utf8() -> None:
    content = html_parser.parse(word_mht("<p>举办地点：市政府新闻发布厅</p>", "utf-8"), "a.mht")
    assert content.paragraphs == ["举办地点：市政府新闻发布厅"]


def test_mht_without_a_page() -> None:
    data = (b"MIME-Version: 1.0\nContent-Type: multipart/related; boundary=\"b\"\n\n"
            b"--b\nContent-Type: image/png\n\nxx\n--b--\n")
    with pytest.raises(ParseError, match="MHT"):
        html_parser.parse(data, "登记表.doc")


def test_html_declaring_the_wrong_charset_is_still_read() -> None:
    data = _word_html("<p>填报单位：市财政局</p>").replace("gb2312", "utf-8").encode("gbk")
    assert html_parser.parse(data, "a.htm").paragraphs == ["填报单位：市财政局"]


def test_empty_files() -> None:
    for parser in (text_parser, html_parser):
        with pytest.raises(ParseError, match="文件是空的"):
            parser.parse(b"", "a.txt")


def _word_html(body: str) -> str:
    return (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:w="urn:schemas-microsoft-com:office:word">\n<head>\n'
        '<meta http-equiv=Content-Type content="text/html; charset=gb2312">\n'
        "<title>登记表</title>\n<style>\n<!-- p.MsoNormal {margin:0cm;} -->\n</style>\n"
        "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument>"
        "</xml><![endif]-->\n</head>\n<body lang=ZH-CN>\n" + body + "\n</body>\n</html>\n"
    )
