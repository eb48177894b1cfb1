"""Write a small demo mailbox: a folder of .eml files like the office receives in spring.

    python examples/demo_mailbox.py demo/mail

Four units write to the office mailbox: 市统计局 registers its first-quarter briefing
on time and sends a complete materials package as a zip with GBK names (as Chinese
Windows writes it); 市人社局 registers late, with a release of 1,300 字 and only one
question; 市生态环境局 sends two pictures and a video only as a 163 超大附件 link; a
company sends an advertisement.  The forms are written by ``Pressdocs.write_form``, so
they look like the notice's 附件2.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from docx import Document as WordDocument

from pressdocs import Person, Pressdocs, Registration

TZ = ZoneInfo("Asia/Shanghai")
OFFICE = "whxwtg@163.com"


def png(seed: int) -> bytes:
    """A small real PNG picture."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" + bytes([seed * 40 % 256, 120, 200]) * 8
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * 8)) + chunk(b"IEND", b""))


def word(paragraphs: list[str]) -> bytes:
    doc = WordDocument()
    for text in paragraphs:
        doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def registration(folder: Path, *, title: str, unit: str, when: datetime, filed: date,
                 person: Person) -> bytes:
    reg = Registration(title=title, organiser=unit, person_in_charge=person,
                       content=f"{title.removesuffix('新闻发布会')}", time=when,
                       time_text=f"{when.year}年{when.month}月{when.day}日上午{when.hour}:{when.minute:02d}",
                       venue="市政府新闻发布厅", guests=["市政府副秘书长王某"],
                       media=["芜湖日报", "大江晚报", "芜湖广播电视台"],
                       approval_opinion="同意召开。", approval_date=filed,
                       filing_unit=unit, filing_date=filed)
    path = Pressdocs(load_entry_points=False).write_form(
        "registration", folder / ".registration.docx", data=reg)
    data = path.read_bytes()
    path.unlink()
    return data


def release(title: str, chars: int) -> bytes:
    sentence = "今年以来全市经济运行稳中向好，主要指标保持合理区间，民生保障有力有效。"
    body = (sentence * (chars // len(sentence) + 1))[:chars]
    return word([title, *[body[i:i + 300] for i in range(0, len(body), 300)]])


def qa(count: int) -> bytes:
    lines = ["答记者问参考口径"]
    for i in range(count):
        lines += [f"问题{'一二三'[i]}：今年以来相关工作有哪些新进展？",
                  "答：我们坚持问题导向，各项工作取得积极成效，群众满意度持续提升。"]
    return word(lines)


def windows_zip(files: list[tuple[str, bytes]]) -> bytes:
    """A zip as Chinese Windows writes it: member names in GBK, no UTF-8 flag."""
    class GbkName(zipfile.ZipInfo):
        def _encodeFilenameFlags(self) -> tuple[bytes, int]:
            return self.filename.encode("gbk"), self.flag_bits & ~0x800

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            info = GbkName(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def mail(subject: str, sender: str, when: datetime, files: list[tuple[str, bytes]],
         body: str = "您好，材料见附件，请审核。", html: str = "") -> bytes:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, sender, OFFICE
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{abs(hash((subject, when)))}@demo.wuhu.gov.cn>"
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    for name, data in files:
        maintype, subtype = ("image", "png") if name.endswith(".png") else (
            "application", "octet-stream")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(msg)


LARGE_ATTACHMENT = """<div>您好，视频较大，用超大附件发送。</div>
<div style="clear:both;margin-top:12px">
<div style="font-size:14px;font-weight:bold">从网易163邮箱发来的超大附件</div>
<div style="padding:4px 0"><a href="https://mail.163.com/large-attachment-download/index.html?p=X-NETEASE-HUGE-ATTACHMENT&amp;file=demo" target="_blank">环保宣传片.mp4</a>
<span style="color:#909090">(80.96M, 2021年4月20日 10:00 到期)</span></div></div>"""


def write_mailbox(folder: Path) -> list[Path]:
    """Write the demo messages into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    statistics_unit = "市统计局 <tjj_bgs@wuhu.gov.cn>"
    messages = {
        "01-统计局登记表.eml": mail(
            "【市统计局】2021年一季度全市经济运行情况新闻发布会登记表", statistics_unit,
            datetime(2021, 4, 9, 10, 12, tzinfo=TZ),
            [("新闻发布会登记表（市统计局）.docx", registration(
                folder, title="2021年一季度全市经济运行情况新闻发布会", unit="市统计局",
                when=datetime(2021, 4, 15, 9, 30, tzinfo=TZ), filed=date(2021, 4, 9),
                person=Person("张三", "0553-3831234转801", "办公室主任")))]),
        "02-统计局材料.eml": mail(
            "【市统计局】发布会材料（打包）", statistics_unit,
            datetime(2021, 4, 13, 16, 40, tzinfo=TZ),
            [("市统计局发布材料.zip", windows_zip([
                ("发布材料/发布稿.docx", release("一季度全市经济运行稳中向好", 980)),
                ("发布材料/问答.docx", qa(2)),
                ("发布材料/图片1.png", png(1)), ("发布材料/图片2.png", png(2)),
                ("发布材料/图片3.png", png(3))]))]),
        "03-人社局登记表和材料.eml": mail(
            "市人社局新闻发布会材料", "市人社局 <rsj@wuhu.gov.cn>",
            datetime(2021, 3, 29, 17, 5, tzinfo=TZ),
            [("登记表.docx", registration(
                folder, title="市人才一体化服务平台上线新闻发布会", unit="市人社局",
                when=datetime(2021, 3, 31, 15, 0, tzinfo=TZ), filed=date(2021, 3, 29),
                person=Person("李四", "13905531234", "局长"))),
             ("发布稿.docx", release("市人才一体化服务平台正式上线", 1300)),
             ("问答.docx", qa(1)), ("图片1.png", png(4)), ("图片2.png", png(5)),
             ("图片3.png", png(6))]),
        "04-生态环境局材料.eml": mail(
            "生态环境局 发布会图片和视频", "市生态环境局 <sthjj@wuhu.gov.cn>",
            datetime(2021, 3, 18, 9, 0, tzinfo=TZ),
            [("现场图片1.png", png(7)), ("现场图片2.png", png(8))],
            html=LARGE_ATTACHMENT),
        "05-广告.eml": mail("诚邀参加2021智慧城市博览会", "某会展公司 <ad@example.com>",
                           datetime(2021, 4, 2, 8, 0, tzinfo=TZ), [], body="诚邀贵单位参展。"),
    }
    paths = []
    for name, data in messages.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "demo/mail")
    for p in write_mailbox(target):
        print(p)
