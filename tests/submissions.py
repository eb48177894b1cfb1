"""Realistic submissions for intake tests: the files units send and the mail around them.

Documents are real Word files (python-docx) and real PNG pictures; packages are zips
written the way Chinese Windows writes them (GBK names, no UTF-8 flag); messages are
built with the stdlib email package the way Foxmail/Outlook lay them out.
"""

from __future__ import annotations

import io
import struct
import zlib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

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


def registration_docx(*, title: str, unit: str, when: str, venue: str = "市政府新闻发布厅",
                      name: str = "张三", phone: str = "13905531234", position: str = "办公室主任",
                      filed: str = "2021年4月1日", approval: str = "同意。\n2021年3月31日（公章）",
                      city: str = "芜湖市") -> bytes:
    """附件2 filled in, laid out as the notice prints it (负责人 over three rows)."""
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
    """发布稿: a title line and prose paragraphs."""
    doc = WordDocument()
    doc.add_paragraph(title)
    for i in range(paragraphs):
        doc.add_paragraph(
            f"今年以来，全市上下坚持稳中求进工作总基调，经济运行持续恢复向好。第{i + 1}部分：规模以上"
            "工业增加值同比增长12.3%，固定资产投资增长8.6%，社会消费品零售总额增长15.2%，"
            "城乡居民收入稳步提高，民生保障有力有效。")
    return _save(doc)


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
