"""Legacy formats read through LibreOffice: .doc, Kingsoft .wps/.et, .xls, .rtf, .odt.

The inputs are LibreOffice's own output from the python-docx and openpyxl originals, so
both directions of every conversion run through a program nobody here wrote.  Tests that
need LibreOffice skip (through ``converted``) only where it is not installed.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from docfixtures import REGISTRATION, converted
from pressdocs import _libreoffice as libreoffice
from pressdocs import _sniff as sniff
from pressdocs.builtin.parse_legacy import LegacyOfficeParser
from pressdocs.capabilities import Content
from pressdocs.errors import ParseError, UnsupportedFormat

parser = LegacyOfficeParser()

PERSON_ROWS = [["负责人", "姓名", "张三"], [None, "电话", "0553-3831234"], [None, "职务", "副局长"]]


@pytest.fixture(scope="module")
def from_doc() -> Content:
    return parser.parse(converted("registration.docx", "doc"), "登记表.doc")


def test_doc_keeps_the_form_table_with_its_merged_cells(from_doc: Content) -> None:
    assert from_doc.media_type == sniff.DOC
    table = from_doc.tables[0]
    assert table[0] == ["新闻发布会全称", REGISTRATION["新闻发布会全称"], None]
    assert table[1] == ["举办\n单位", "市生态环境局", None]
    assert table[2:5] == PERSON_ROWS
    assert table[10] == ["审批意见", "同意。\n2021年6月28日", None]
    assert from_doc.tables[1] == [["姓名", "职务"], ["李四", "副市长"], ["王五", "市政府副秘书长"]]
    assert from_doc.fields == {"联系电话": "13905531234"}


def test_kingsoft_wps_that_is_a_word_97_file(from_doc: Content) -> None:
    """LibreOffice would take a .wps for Microsoft Works; it must be read as Word."""
    content = parser.parse(converted("registration.docx", "doc"), "登记表.wps")
    assert content.tables == from_doc.tables
    assert content.paragraphs == from_doc.paragraphs


def test_kingsoft_wps_saved_as_word_2003_xml() -> None:
    data = converted("registration.docx", "xml:MS Word 2003 XML")
    assert parser.sniff(data, "登记表.wps")
    content = parser.parse(data, "登记表.wps")
    assert content.media_type == sniff.WORDML_2003
    # LibreOffice's Word 2003 XML export drops vertical merges; the text all survives.
    cells = {c for row in content.tables[0] for c in row if c}
    assert {"负责人", "张三", "0553-3831234", "市政府新闻发布厅", "举办\n单位"} <= cells


@pytest.mark.parametrize(("target", "media_type"), [("rtf", sniff.RTF), ("odt", sniff.ODT)])
def test_rtf_and_odt(target: str, media_type: str) -> None:
    content = parser.parse(converted("registration.docx", target), f"登记表.{target}")
    assert content.media_type == media_type
    assert content.tables[0][2:5] == PERSON_ROWS
    assert "联系人：赵六" in content.paragraphs


@pytest.mark.parametrize(
    ("target", "name", "media_type"),
    [("xls", "统计表.xls", sniff.XLS), ("xls", "统计表.et", sniff.XLS),
     ("ods", "统计表.ods", sniff.ODS)],
)
def test_spreadsheets(target: str, name: str, media_type: str) -> None:
    content = parser.parse(converted("statistics.xlsx", target), name)
    assert content.media_type == media_type
    table = content.tables[0]
    assert table[0] == ["新闻发布会统计表"] + [None] * 8
    assert table[2] == [None] * 7 + ["是否设提问", "提问个数"]
    assert table[3][:3] == ["1", "2021-06-30", "市政府新闻发布厅"]
    assert table[4][1] == "2021-05-12 09:30"


def test_excel_2003_xml_saved_as_et() -> None:
    """WPS and old Excel can save "XML Spreadsheet 2003"; LibreOffice reads it (its own
    export of that format is not installed here, so the file is typed out)."""
    if libreoffice.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    data = (
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Styles><Style ss:ID="d"><NumberFormat ss:Format="Short Date"/></Style></Styles>'
        '<Worksheet ss:Name="统计表"><Table>'
        '<Row><Cell ss:MergeAcross="2"><Data ss:Type="String">新闻发布会统计表</Data></Cell></Row>'
        '<Row><Cell><Data ss:Type="String">序号</Data></Cell><Cell><Data ss:Type="String">时间'
        '</Data></Cell><Cell><Data ss:Type="String">地点</Data></Cell></Row>'
        '<Row><Cell><Data ss:Type="Number">1</Data></Cell>'
        '<Cell ss:StyleID="d"><Data ss:Type="DateTime">'
        "2021-06-30T00:00:00.000</Data></Cell><Cell><Data ss:Type=\"String\">市政府新闻发布厅"
        "</Data></Cell></Row></Table></Worksheet></Workbook>"
    ).encode()
    content = parser.parse(data, "统计表.et")
    assert content.media_type == sniff.SPREADSHEETML_2003
    assert content.tables == [[["新闻发布会统计表", None, None], ["序号", "时间", "地点"],
                               ["1", "2021-06-30", "市政府新闻发布厅"]]]


def test_web_pages_saved_as_doc_are_not_sent_to_libreoffice() -> None:
    html = converted("registration.docx", "html:HTML (StarWriter)")
    assert not parser.sniff(html, "登记表.doc")


def test_damaged_doc_that_libreoffice_exits_0_on_without_output() -> None:
    damaged = converted("registration.docx", "doc")[:8000]
    assert parser.sniff(damaged, "登记表.doc")
    with pytest.raises(ParseError, match="LibreOffice 未能转换这个文件") as caught:
        parser.parse(damaged, "登记表.doc")
    assert caught.value.file == "登记表.doc"


def test_conversions_side_by_side_do_not_block_each_other() -> None:
    data = converted("registration.docx", "rtf")
    results: list[bytes] = []

    def run() -> None:
        results.append(libreoffice.convert(data, suffix=".rtf", target="docx"))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert len(results) == 2
    assert all(sniff.sniff_media_type(r) == sniff.DOCX for r in results)


# --- the runner, with stand-ins for LibreOffice where a real one cannot misbehave on cue ---


def test_missing_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libreoffice, "SOFFICE_CANDIDATES", ("no-such-soffice-here",))
    assert libreoffice.find_soffice() is None
    message = r"本机未安装 LibreOffice，无法读取 \.doc"
    with pytest.raises(UnsupportedFormat, match=message) as caught:
        libreoffice.convert(b"x", suffix=".doc", target="docx", name="登记表.doc")
    assert caught.value.file == "登记表.doc"
    assert libreoffice.install_hint().zh in str(caught.value)
    english = caught.value.render("en")
    assert english.startswith("登记表.doc: LibreOffice is not installed here, so .doc files "
                              "cannot be read. To read .doc/.wps/.et/.xls/.rtf/.odt files")
    assert "PRESSDOCS_SOFFICE" in english


def test_hung_conversion_is_killed_with_its_children(tmp_path: Path) -> None:
    """soffice starts soffice.bin as a child; a timeout must end both."""
    child_pid = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {child_pid}\nwait\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    started = time.monotonic()
    with pytest.raises(ParseError, match="LibreOffice 转换超时（超过 1 秒）") as caught:
        libreoffice.convert(b"x", suffix=".doc", target="docx", timeout=1, soffice=str(fake))
    assert "took longer than 1 s" in caught.value.render("en")
    assert time.monotonic() - started < 30
    pid = int(child_pid.read_text())
    time.sleep(0.2)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited but is not yet reaped by its (killed) parent's reaper.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()
