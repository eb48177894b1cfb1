"""Realistic submissions for intake tests: the files units send and the mail around them.

Documents are real Word files (python-docx) and real PNG pictures; packages are zips
written the way Chinese Windows writes them (GBK names, no UTF-8 flag); messages are
built with the stdlib email package the way Foxmail/Outlook lay them out.
"""

from __future__ import annotations

import copy
import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from xml.sax.saxutils import escape as xml_escape

from docx import Document as WordDocument

__all__ = [
    "materials_zip",
    "message",
    "png",
    "press_release_docx",
    "qa_docx",
    "registration_docx",
]


def png(seed: int = 0, size: int = 2) -> bytes:
    """A real, decodable PNG picture (``size``×``size`` pixels, colour from ``seed``)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\x00" + bytes([seed % 256, (seed * 7) % 256, (seed * 13) % 256]) * size
    raw = row * size
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _save(doc: object) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)  # type: ignore[attr-defined]
    return buf.getvalue()


#: A value stands for itself in a template's XML when python-docx would write it as one
#: run of plain text: not empty, no line break or tab (those become <w:br/>, <w:tab/>), no
#: control character, no space at either end (that adds xml:space="preserve").
def _plain(value: object) -> bool:
    return (isinstance(value, str) and value != "" and value == value.strip() and all(ch >= " " for ch in value)
            and "\u2983" not in value)


#: One member of a zip as it lies in the file: its entry in the central directory less the
#: offset, and its local header and compressed data.
_Member = tuple[zipfile.ZipInfo, bytes]


@functools.cache
def _template(build: Callable[..., bytes], baked: tuple[tuple[str, object], ...],
              slots: tuple[str, ...]) -> tuple[list[_Member], str]:
    """The package ``build`` writes with ``baked`` values as given and a marker in each of
    ``slots``: its members as they lie in the zip, and the text of word/document.xml."""
    data = build(**dict(baked), **{slot: f"\u2983{slot}\u2984" for slot in slots})
    members = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for info in package.infolist():
            assert not info.flag_bits & 0x08  # sizes in the local header, no data descriptor
            start = info.header_offset
            name_length, extra_length = struct.unpack("<HH", data[start + 26:start + 30])
            end = start + 30 + name_length + extra_length + info.compress_size
            members.append((info, data[start:end]))
        document = package.read("word/document.xml").decode("utf-8")
    return members, document


def _zip(members: list[_Member], name: str, content: bytes) -> bytes:
    """The zip of ``members`` (copied as they are, not compressed again) with member
    ``name``'s content replaced, deflated as zipfile deflates it."""
    out = io.BytesIO()
    central = []
    for info, entry in members:
        offset = out.tell()
        if info.filename == name:
            info = copy.copy(info)
            packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            packed = packer.compress(content) + packer.flush()
            info.CRC, info.file_size, info.compress_size = (
                zlib.crc32(content), len(content), len(packed))
            entry = info.FileHeader() + packed
        out.write(entry)
        central.append((info, offset))
    start = out.tell()
    for info, offset in central:
        encoded = info.filename.encode("utf-8" if info.flag_bits & 0x800 else "ascii")
        date = (info.date_time[0] - 1980) << 9 | info.date_time[1] << 5 | info.date_time[2]
        time = info.date_time[3] << 11 | info.date_time[4] << 5 | info.date_time[5] // 2
        out.write(struct.pack(
            "<4s4B4HL2L5H2L", b"PK\x01\x02", info.create_version, info.create_system,
            info.extract_version, info.reserved, info.flag_bits, info.compress_type, time,
            date, info.CRC, info.compress_size, info.file_size, len(encoded),
            len(info.extra), len(info.comment), 0, info.internal_attr, info.external_attr,
            offset) + encoded + info.extra + info.comment)
    size = out.tell() - start
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), size,
                          start, 0))
    return out.getvalue()


def _from_template(build: Callable[..., bytes], values: dict[str, object]) -> bytes:
    """What ``build(**values)`` returns, without running python-docx again for each value.

    python-docx takes ~0.1-0.2 s for a document (the default template parsed, the table's
    grid recomputed at each merge); tests that build hundreds of forms spent most of their
    time there.  The package is made once with markers where the plain values go, and
    each call puts the values (XML-escaped, as lxml writes text) into word/document.xml,
    deflates that member alone and copies the others as they are (styles.xml and its
    siblings are ~0.8 MB to deflate): the same XML python-docx writes for them (tests/test_submission_fixtures.py compares them).
    Values that are not plain (line breaks, …) are built into their own template.
    """
    slots = tuple(sorted(k for k, v in values.items() if _plain(v)))
    baked = tuple(sorted((k, v) for k, v in values.items() if k not in slots))
    members, document = _template(build, baked, slots)
    for slot in slots:
        document = document.replace(f"\u2983{slot}\u2984", xml_escape(str(values[slot])))
    return _zip(members, "word/document.xml", document.encode("utf-8"))


def registration_docx(*, title: str, unit: str, when: str, venue: str = "市政府新闻发布厅",
                      name: str = "张三", phone: str = "13905531234", position: str = "办公室主任",
                      filed: str = "2021年4月1日", approval: str = "同意。\n2021年3月31日（公章）",
                      city: str = "芜湖市") -> bytes:
    """附件2 filled in, laid out as the notice prints it (负责人 over three rows).

    Built by python-docx once per shape (:func:`_from_template`), the values put in."""
    return _from_template(_registration_docx, dict(
        title=title, unit=unit, when=when, venue=venue, name=name, phone=phone,
        position=position, filed=filed, approval=approval, city=city))


def _registration_docx(*, title: str, unit: str, when: str, venue: str, name: str, phone: str,
                       position: str, filed: str, approval: str, city: str) -> bytes:
    """:func:`registration_docx` made by python-docx itself."""
    doc = WordDocument()
    doc.add_paragraph(f"{city}新闻发布会登记表")
    doc.add_paragraph(f"填报单位：{unit}            填表时间：{filed}")
    table = doc.add_table(rows=12, cols=3)
    rows = [
        ("新闻发布会\n全称", "", title),
        ("举办\n单位", "", unit),
        ("负责人", "姓名", name),
        ("负责人", "电话", phone),
        ("负责人", "职务", position),
        ("新闻发布会内容(可以附\n附件)", "", "通报一季度全市经济运行情况。\n"
         "1. 提供新闻发布稿电子版（原则上不超过1200字）。"),
        ("举办\n时间", "", when),
        ("举办地点", "", venue),
        ("拟邀请\n领导及\n来宾名单", "", "市政府副秘书长王某、市发改委主任李某"),
        ("拟邀请\n新闻单\n位名单", "", "芜湖日报、大江晚报、芜湖广播电视台"),
        ("审批\n意见", "", approval),
        ("备注", "", ""),
    ]
    for r, (label, sub, value) in enumerate(rows):
        cells = table.rows[r].cells
        cells[0].text = label
        cells[1].text = sub
        cells[2].text = value
    table.cell(2, 0).merge(table.cell(4, 0)).text = "负责人"
    for r, (_, sub, _) in enumerate(rows):
        if not sub:
            merged = table.cell(r, 1).merge(table.cell(r, 2))
            merged.text = rows[r][2]
    return _save(doc)


def press_release_docx(title: str, paragraphs: int = 4) -> bytes:
    """发布稿: a title line and prose paragraphs (python-docx once per ``paragraphs``)."""
    return _from_template(_press_release_docx, dict(title=title, paragraphs=paragraphs))


def _press_release_docx(title: str, paragraphs: int) -> bytes:
    """:func:`press_release_docx` made by python-docx itself."""
    doc = WordDocument()
    doc.add_paragraph(title)
    for i in range(paragraphs):
        doc.add_paragraph(
            f"今年以来，全市上下坚持稳中求进工作总基调，经济运行持续恢复向好。第{i + 1}部分：规模以上"
            "工业增加值同比增长12.3%，固定资产投资增长8.6%，社会消费品零售总额增长15.2%，"
            "城乡居民收入稳步提高，民生保障有力有效。")
    return _save(doc)


@functools.cache
def qa_docx(pairs: int = 2) -> bytes:
    """问答: 问题一/答 pairs."""
    doc = WordDocument()
    doc.add_paragraph("答记者问参考口径")
    numerals = "一二三四五"
    for i in range(pairs):
        doc.add_paragraph(f"问题{numerals[i]}：今年一季度全市经济运行有哪些特点？")
        doc.add_paragraph("答：总体呈现稳中有进、进中向好的态势，主要指标增速高于全省平均水平。")
    return _save(doc)


def materials_zip(files: list[tuple[str, bytes]]) -> bytes:
    """A zip package as Chinese Windows writes it: GBK names without the UTF-8 flag."""
    from archive_fixtures import windows_zip

    return windows_zip(files)


def message(*, subject: str, sender: str, date: datetime, attachments: list[tuple[str, bytes]],
            body: str = "您好，附件请查收。", message_id: str | None = None) -> bytes:
    """A message with the given attachments, RFC 2047/2231 names as the stdlib writes them."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = "whxwtg@163.com"
    msg["Date"] = format_datetime(date)
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(body)
    for name, data in attachments:
        maintype, subtype = ("image", "png") if name.endswith(".png") else (
            "application", "octet-stream")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(msg)
