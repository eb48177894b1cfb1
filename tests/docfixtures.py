"""Documents for the parser tests, made by programs nobody here wrote.

python-docx and openpyxl build the originals: a filled registration form (附件2) with
the merges and line breaks real forms have, and a statistics table (附件3).
LibreOffice then turns them into what units really send: .doc, .pdf, .odt, .rtf,
Word 2003 XML, HTML saved as .doc, .xls.  Each LibreOffice run happens at most once
per test session (``functools.cache``), converting every source that needs the same
target in one call.

Test modules import what they need: ``from docfixtures import registration_docx``.
"""

from __future__ import annotations

import base64
import copy
import functools
import io
import quopri
import random
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#: What the filled registration form says, label → value, as a person reads it.
REGISTRATION = {
    "新闻发布会全称": "2021年上半年生态环境保护工作新闻发布会",
    "举办单位": "市生态环境局",
    "姓名": "张三",
    "电话": "0553-3831234",
    "职务": "副局长",
    "新闻发布会内容": "通报上半年全市空气质量、水环境质量情况；\n解读《大气污染防治条例》",
    "举办时间": "2021年7月2日上午9:30",
    "举办地点": "市政府新闻发布厅",
    "拟邀请新闻单位名单": "市广播电视台、大江晚报、新华社安徽分社",
    "审批意见": "同意。\n2021年6月28日",
    "备注": "需要手语翻译",
}
GUESTS = [["姓名", "职务"], ["李四", "副市长"], ["王五", "市政府副秘书长"]]


# --- originals ------------------------------------------------------------------------------


@functools.cache
def registration_docx(controls: bool = True) -> bytes:
    """登记表 as python-docx writes it.

    Label cells with line breaks ("举办\\n单位"), the 负责人 cell merged down three
    rows, values merged across columns, a nested table of guests, and a legacy text
    form field named 联系电话.  With ``controls``: an inline content control titled 备注,
    a block content control titled 联系人 and a control still showing its placeholder;
    without, the same text typed plainly (LibreOffice 7.4 repeats the text of content
    controls when it saves .doc/.odt, a bug of its own, so conversions start from this).
    """
    import docx

    doc = docx.Document()
    doc.add_paragraph("附件2")
    doc.add_paragraph("新闻发布会登记表")
    doc.add_paragraph("填报单位：市生态环境局\u3000\u3000填表时间：2021年6月28日")
    table = doc.add_table(rows=12, cols=4)
    table.style = "Table Grid"
    r = REGISTRATION
    rows = [
        ("新闻发布会全称", r["新闻发布会全称"]),
        ("举办\n单位", r["举办单位"]),
        None, None, None,  # 负责人, filled below
        ("新闻发布会内容\n（可以附附件）", r["新闻发布会内容"]),
        ("举办时间", r["举办时间"]),
        ("举办地点", r["举办地点"]),
        ("拟邀请领导及来宾名单", None),
        ("拟邀请新闻单位名单", r["拟邀请新闻单位名单"]),
        ("审批意见", r["审批意见"]),
        ("备\u3000注", None),
    ]
    for i, row in enumerate(rows):
        if row is None:
            continue
        label, value = row
        table.cell(i, 0).text = label
        merged = table.cell(i, 1).merge(table.cell(i, 3))
        if value is not None:
            merged.text = value
    person = table.cell(2, 0).merge(table.cell(4, 0))
    person.text = "负责人"
    for i, key in enumerate(("姓名", "电话", "职务"), start=2):
        table.cell(i, 1).text = key
        table.cell(i, 2).merge(table.cell(i, 3)).text = r[key]
    guests_cell = table.cell(8, 1)
    guests_cell.text = "（见下表）"
    nested = guests_cell.add_table(rows=len(GUESTS), cols=2)
    for i, (name, title) in enumerate(GUESTS):
        nested.cell(i, 0).text = name
        nested.cell(i, 1).text = title
    remark = table.cell(11, 1).paragraphs[0]
    if controls:
        remark._p.append(_inline_sdt("备注", r["备注"]))
        remark._p.append(_inline_sdt("其他说明", "单击或点击此处输入文字。", placeholder=True))
        doc.add_paragraph()._p.addnext(_block_sdt("联系人", "联系人：赵六"))
    else:
        remark.text = r["备注"]
        doc.add_paragraph("联系人：赵六")
    phone = doc.add_paragraph("联系电话：")
    for run_xml in _form_text("联系电话", "13905531234"):
        phone._p.append(run_xml)
    # English stream names as document text: the OLE sniffer must not take them for streams.
    doc.add_paragraph("附件：Workbook.xls、Book.xls")
    return _save(doc)


@functools.cache
def split_table_docx() -> bytes:
    """An annual plan (附件1) table split in two, as Word leaves a table continued on the
    next page: the same columns, the second part without a header."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("2021年新闻发布会计划安排")
    first = doc.add_table(rows=3, cols=5)
    for j, text in enumerate(["序 号", "地点", "时间", "发布主题", "责任单位"]):
        first.cell(0, j).text = text
    first.cell(1, 0).text, first.cell(1, 3).text = "1", "优化营商环境"
    first.cell(2, 0).text, first.cell(2, 3).text = "2", "《政府工作报告》解读"
    second = doc.add_table(rows=2, cols=5)
    second.cell(0, 0).text, second.cell(0, 3).text = "3", "城市更新"
    second.cell(1, 0).text, second.cell(1, 4).text = "4", "市财政局、市农业农村局"
    return _save(doc)


def statistics_header(ws: Any) -> None:
    """附件3's title and two header rows on an openpyxl sheet, merged as the notice prints
    them (是否设记者提问、记者提问个数 spanning its two sub-labels)."""
    ws.title = "统计表"
    ws.append(["新闻发布会统计表"])
    ws.merge_cells("A1:I1")
    ws.append(["序号", "时间", "地点", "单位", "参加发布会的媒体单位", "发布主题",
               "发布人姓名、职务", "是否设记者提问、记者提问个数", None])
    ws.merge_cells("H2:I2")
    ws.append([None, None, None, None, None, None, None, "是否设提问", "提问个数"])
    for col in "ABCDEFG":
        ws.merge_cells(f"{col}2:{col}3")


@functools.cache
def statistics_xlsx() -> bytes:
    """统计表 (附件3) as openpyxl writes it: a merged title row, a header row whose last
    label spans two columns above two sub-labels, dates as real dates, counts as numbers."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    statistics_header(ws)
    ws.append([1, datetime(2021, 6, 30), "市政府新闻发布厅", "市生态环境局",
               "市广播电视台、大江晚报", "上半年生态环境质量", "张三 副局长", "是", 3])
    ws.append([2, datetime(2021, 5, 12, 9, 30), "市企业服务中心", "市财政局",
               "大江晚报", "减税降费", "李四 局长", "否", 0])
    ws.append([3, None, None, None, None, None, None, None, 2.5])
    ws["B4"].number_format = "yyyy-mm-dd"
    ws["B5"].number_format = "yyyy-mm-dd hh:mm"
    wb.create_sheet("Sheet2")
    notes = wb.create_sheet("说明")
    notes["A1"] = "填表人：赵六（13905531234）"
    return _save(wb)


@functools.cache
def scan_png() -> bytes:
    """A grey 200×280 picture, standing in for a scanned page (no text in it)."""
    width, height = 200, 280
    raw = b"".join(b"\x00" + bytes([200, 200, 200]) * width for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@functools.cache
def scan_docx() -> bytes:
    """A Word file holding nothing but a scanned page (a picture): its PDF has no text."""
    import docx

    doc = docx.Document()
    doc.add_picture(io.BytesIO(scan_png()))
    return _save(doc)


# --- LibreOffice conversions ----------------------------------------------------------------

#: target (as passed to --convert-to) → the sources converted to it, by file name.
_CONVERSIONS: dict[str, tuple[str, ...]] = {
    "doc": ("registration.docx",),
    "pdf": ("registration.docx", "scan.docx"),
    "odt": ("registration.docx",),
    "rtf": ("registration.docx",),
    "xml:MS Word 2003 XML": ("registration.docx",),
    "html:HTML (StarWriter)": ("registration.docx",),
    "xls": ("statistics.xlsx",),
    "ods": ("statistics.xlsx",),
}


def _sources() -> dict[str, bytes]:
    return {
        "registration.docx": registration_docx(controls=False),
        "statistics.xlsx": statistics_xlsx(),
        "scan.docx": scan_docx(),
    }


@functools.cache
def _converted(target: str) -> dict[str, bytes]:
    assert SOFFICE is not None
    extension = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="pressdocs-fixture-") as tmp:
        work = Path(tmp)
        inputs = []
        for name in _CONVERSIONS[target]:
            (work / name).write_bytes(_sources()[name])
            inputs.append(str(work / name))
        out = work / "out"
        subprocess.run(
            [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(work / 'p').as_uri()}",
             "--convert-to", target, "--outdir", str(out), *inputs],
            check=True, capture_output=True, timeout=240,
        )
        return {name: (out / f"{Path(name).stem}.{extension}").read_bytes()
                for name in _CONVERSIONS[target]}


def converted(source: str, target: str) -> bytes:
    """``source`` ("registration.docx", "statistics.xlsx", "scan.docx") converted by
    LibreOffice to ``target`` (an extension, or "ext:Filter Name")."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return _converted(target)[source]


# --- web pages saved as .doc -----------------------------------------------------------------


def word_mht(body_html: str, charset: str = "gb2312") -> bytes:
    """A single-file web page (MHT) laid out the way Chinese Word writes one when told to
    save "as .doc" in web format: a GBK preamble, a quoted-printable HTML part labelled
    gb2312 (its bytes are GBK, as Word's are), a picture part."""
    boundary = "----=_NextPart_01D7E8A2.5C3B8F60"
    html = (
        '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
        'office:office" xmlns:w="urn:schemas-microsoft-com:office:word">\n<head>\n'
        f'<meta http-equiv=Content-Type content="text/html; charset={charset}">\n'
        '<meta name=Generator content="Microsoft Word 15">\n<style>\n<!-- p.MsoNormal '
        "{margin:0cm;} -->\n</style>\n<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print"
        "</w:View></w:WordDocument></xml><![endif]-->\n</head>\n"
        f"<body lang=ZH-CN>\n{body_html}\n</body>\n</html>\n"
    )
    encoded = quopri.encodestring(html.encode("gb18030" if charset == "gb2312" else charset))
    parts = [
        b"MIME-Version: 1.0\n",
        f'Content-Type: multipart/related; boundary="{boundary}"\n\n'.encode(),
        "此文档为“单个文件网页”，也称为“Web 档案”文件。\n\n".encode("gb18030"),
        f"--{boundary}\nContent-Location: file:///C:/D8A2/registration.htm\n"
        "Content-Transfer-Encoding: quoted-printable\n"
        f'Content-Type: text/html; charset="{charset}"\n\n'.encode(),
        encoded,
        f"\n--{boundary}\nContent-Location: file:///C:/D8A2/registration.files/image001.png"
        "\nContent-Transfer-Encoding: base64\nContent-Type: image/png\n\n".encode(),
        base64.encodebytes(scan_png()),
        f"\n--{boundary}--\n".encode(),
    ]
    return b"".join(parts)


# --- password-protected Office files ----------------------------------------------------------


@functools.cache
def encrypted_ooxml() -> bytes:
    """The container of a password-protected .docx/.xlsx (MS-OFFCRYPTO): an OLE2 compound
    file whose ``EncryptedPackage`` stream holds the encrypted zip.  Built here, with a
    minimal but valid OLE2 layout (header, one FAT sector, one directory sector, eight
    data sectors), because no program at hand writes one.
    """
    sector = 512
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(sector)
    header[0:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    header[76:512] = struct.pack("<I", 0) + struct.pack("<I", free) * 108
    fat = [fat_sector, end, *range(3, 10), end] + [free] * (128 - 10)

    def entry(name: str, kind: int, start: int, size: int, child: int = free) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        record = bytearray(128)
        record[: len(raw)] = raw
        struct.pack_into("<HBB", record, 64, len(raw), kind, 1)
        struct.pack_into("<III", record, 68, free, free, child)
        struct.pack_into("<IQ", record, 116, start, size)
        return bytes(record)

    directory = (entry("Root Entry", 5, end, 0, child=1)
                 + entry("EncryptedPackage", 2, 2, 8 * sector) + bytes(128 * 2))
    package = random.Random(2021).randbytes(8 * sector)
    return bytes(header) + struct.pack("<128I", *fat) + directory + package


# --- damaged and disguised files --------------------------------------------------------------


def with_member(package: bytes, member: str, data: bytes) -> bytes:
    """A copy of a zip package with one member's content replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(copy.copy(info), data if info.filename == member else src.read(info))
    return out.getvalue()


# --- helpers --------------------------------------------------------------------------------


def _save(obj: Any) -> bytes:
    out = io.BytesIO()
    obj.save(out)
    return out.getvalue()


def _xml(fragment: str) -> Any:
    from docx.oxml import parse_xml

    return parse_xml(f'<root xmlns:w="{W_NS}">{fragment}</root>')[0]


def _inline_sdt(title: str, text: str, placeholder: bool = False) -> Any:
    shown = "<w:showingPlcHdr/>" if placeholder else ""
    return _xml(
        f'<w:sdt><w:sdtPr><w:alias w:val="{title}"/><w:tag w:val="tag-{title}"/>{shown}'
        f'<w:text/></w:sdtPr><w:sdtContent><w:r><w:t>{text}</w:t></w:r></w:sdtContent></w:sdt>'
    )


def _block_sdt(title: str, text: str) -> Any:
    return _xml(
        f'<w:sdt><w:sdtPr><w:alias w:val="{title}"/></w:sdtPr><w:sdtContent>'
        f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:sdtContent></w:sdt>'
    )


def _form_text(name: str, value: str) -> list[Any]:
    return [
        _xml(f'<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="{name}"/>'
             '<w:enabled/><w:textInput/></w:ffData></w:fldChar></w:r>'),
        _xml('<w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r>'),
        _xml('<w:r><w:fldChar w:fldCharType="separate"/></w:r>'),
        _xml(f'<w:r><w:t>{value}</w:t></w:r>'),
        _xml('<w:r><w:fldChar w:fldCharType="end"/></w:r>'),
    ]
