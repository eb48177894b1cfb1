"""The demo's sample mailbox: realistic mail from the units of a city, made in code.

Spring and summer of 2021 in the office mailbox (``whxwtg@163.com``):

- 市统计局 registers its first-quarter briefing (plan item 11) on time, then sends a
  complete materials package as a zip with GBK names, as Chinese Windows writes it;
- 市人社局 registers late, with a release of 1,300 字 and only one question;
- 市生态环境局 sends two pictures, and its video only as a 163 超大附件 link;
- a company sends an advertisement;
- (:func:`write_maildir` only) 市市场监管局 registers its 3·15 conference on a legacy
  Word ``.doc`` form (made by LibreOffice, so only where LibreOffice is installed);
  市教育局 types its registration into the mail body; 鸠江区 sends its half-year
  statistics table (附件3); a colleague forwards the year's plan as the compromised web
  page shows it, the city's name replaced by gambling spam.

:func:`write_mailbox` writes the first five as ``.eml`` files (the tests' and the
documentation's demo mailbox); :func:`write_maildir` writes all of them as a Maildir, as
a mail server keeps a mailbox (what ``pressdocs demo`` takes in).  The forms are written
by :meth:`pressdocs.Pressdocs.write_form`, so they look like the notice's 附件2 and 附件3.
The mail is the units' own text: Chinese, whatever the output language.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from pressdocs.models import Person, Registration, Speaker, StatisticsReport, StatisticsRow

__all__ = ["OFFICE", "DemoMailbox", "mail", "notice_text", "png", "write_mailbox",
           "write_maildir"]

TZ = ZoneInfo("Asia/Shanghai")
OFFICE = "whxwtg@163.com"


def notice_text() -> bytes:
    """The city's 2021 notice with its annual plan (附件1), as scraped from the
    compromised page: the package's copy of ``examples/notice_2021.txt``."""
    return resources.files("pressdocs").joinpath("_data", "demo", "notice_2021.txt").read_bytes()


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
    """A .docx of these paragraphs."""
    from docx import Document as WordDocument

    doc = WordDocument()
    for text in paragraphs:
        doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _form(form: str, data: Registration | StatisticsReport, suffix: str) -> bytes:
    """附件2 or 附件3 filled in with ``data``, as :meth:`Pressdocs.write_form` writes it
    (the notice's defaults: no office's configuration or plugins)."""
    from pressdocs._app import Pressdocs
    from pressdocs.config import Config

    with tempfile.TemporaryDirectory(prefix="pressdocs-demo-") as tmp:
        app = Pressdocs(config=Config(), load_entry_points=False)
        return app.write_form(form, Path(tmp) / f"form{suffix}", data=data).read_bytes()


def registration(*, title: str, unit: str, when: datetime, filed: date,
                 person: Person) -> bytes:
    """A registration form (附件2, .docx) as a unit fills it in."""
    reg = Registration(title=title, organiser=unit, person_in_charge=person,
                       content=f"{title.removesuffix('新闻发布会')}", time=when,
                       time_text=f"{when.year}年{when.month}月{when.day}日上午{when.hour}:{when.minute:02d}",
                       venue="市政府新闻发布厅", guests=["市政府副秘书长王某"],
                       media=["芜湖日报", "大江晚报", "芜湖广播电视台"],
                       approval_opinion="同意召开。", approval_date=filed,
                       filing_unit=unit, filing_date=filed)
    return _form("registration", reg, ".docx")


def release(title: str, chars: int) -> bytes:
    """A press release (发布稿) of ``chars`` 字."""
    sentence = "今年以来全市经济运行稳中向好，主要指标保持合理区间，民生保障有力有效。"
    body = (sentence * (chars // len(sentence) + 1))[:chars]
    return word([title, *[body[i:i + 300] for i in range(0, len(body), 300)]])


def qa(count: int) -> bytes:
    """The answers prepared for ``count`` questions (答记者问参考口径)."""
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
    """A message to the office: ``files`` attached, a plain body and an HTML one if given.
    Its Message-ID is made from the subject and the time: the same on every run."""
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, sender, OFFICE
    msg["Date"] = format_datetime(when)
    digest = hashlib.sha256(f"{subject}|{when.isoformat()}".encode()).hexdigest()[:20]
    msg["Message-ID"] = f"<{digest}@demo.wuhu.gov.cn>"
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

#: A registration typed into the mail body (no form attached), as some units send it.
BODY_REGISTRATION = """市新闻办：
    我局拟召开新闻发布会，登记表内容如下，请审核。
新闻发布会全称：教育服务综合改革新闻发布会
举办单位：市教育局
负责人：王五，0553-3845678，办公室主任
新闻发布会内容：介绍我市教育服务综合改革的主要举措和成效
举办时间：2021年5月14日上午9:30
举办地点：市政府新闻发布厅
拟邀请领导及来宾名单：市政府副秘书长王某
拟邀请新闻单位名单：芜湖日报、大江晚报、芜湖广播电视台
审批意见：同意召开。
填报单位：市教育局
填表时间：2021年5月10日
"""


def _statistics_of_a_district() -> bytes:
    """鸠江区's half-year statistics table (附件3, .xlsx): the conferences it held itself."""
    topics = [(date(2021, 2, 5), "鸠江区优化营商环境新闻发布会"),
              (date(2021, 4, 22), "鸠江区乡村振兴工作新闻发布会"),
              (date(2021, 6, 10), "鸠江区城市更新项目新闻发布会")]
    rows = [StatisticsRow(number=i, held_on=day, venue="鸠江区政务服务中心", unit="鸠江区",
                          media=["芜湖日报", "鸠江融媒体中心"], topic=topic,
                          speakers=[Speaker("钱七", "区长")], questions_allowed=True,
                          question_count=2)
            for i, (day, topic) in enumerate(topics, start=1)]
    report = StatisticsReport(filing_unit="鸠江区人民政府", filing_date=date(2021, 6, 28),
                              filer="赵六", filer_contact="0553-5841234", rows=rows)
    return _form("statistics", report, ".xlsx")


def _core_messages() -> dict[str, bytes]:
    """The five messages of :func:`write_mailbox`, by file name."""
    statistics_unit = "市统计局 <tjj_bgs@wuhu.gov.cn>"
    return {
        "01-统计局登记表.eml": mail(
            "【市统计局】2021年一季度全市经济运行情况新闻发布会登记表", statistics_unit,
            datetime(2021, 4, 9, 10, 12, tzinfo=TZ),
            [("新闻发布会登记表（市统计局）.docx", registration(
                title="2021年一季度全市经济运行情况新闻发布会", unit="市统计局",
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
                title="市人才一体化服务平台上线新闻发布会", unit="市人社局",
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


#: The message whose form is a Word 97 .doc (made by LibreOffice).
LEGACY_DOC = "08-市场监管局登记表（doc）.eml"


def _legacy_registration(convert: Callable[[bytes], bytes]) -> bytes:
    """市市场监管局's 3·15 registration on a Word 97 ``.doc`` form."""
    docx = registration(title="2021年“3·15”国际消费者权益保护日系列活动新闻发布会",
                        unit="市市场监管局", when=datetime(2021, 3, 12, 10, 0, tzinfo=TZ),
                        filed=date(2021, 3, 8), person=Person("孙八", "13805537788", "科长"))
    return mail("市市场监管局3·15新闻发布会登记表", "市市场监管局 <scjgj@wuhu.gov.cn>",
                datetime(2021, 3, 8, 14, 30, tzinfo=TZ),
                [("新闻发布会登记表.doc", convert(docx))])


def _more_messages(legacy_doc: Callable[[bytes], bytes] | None) -> dict[str, bytes]:
    """The messages only the Maildir holds, by a name telling what each is."""
    more = {
        "00-转发计划安排.eml": mail(
            "转发：2021年新闻发布会计划安排", "市政务公开办 <zwgkb@wuhu.gov.cn>",
            datetime(2021, 2, 20, 9, 0, tzinfo=TZ), [("计划安排.txt", notice_text())],
            body="各位同事：网上的通知附件转给大家，请对照落实。"),
        "06-教育局登记（正文）.eml": mail(
            "市教育局新闻发布会登记", "市教育局 <jyj_bgs@wuhu.gov.cn>",
            datetime(2021, 5, 10, 9, 20, tzinfo=TZ), [], body=BODY_REGISTRATION),
        "07-鸠江区统计表.eml": mail(
            "鸠江区2021年上半年新闻发布会统计表", "鸠江区政府办 <jjqzfb@wuhu.gov.cn>",
            datetime(2021, 6, 28, 15, 0, tzinfo=TZ),
            [("新闻发布会统计表.xlsx", _statistics_of_a_district())]),
    }
    if legacy_doc is not None:
        more[LEGACY_DOC] = _legacy_registration(legacy_doc)
    return more


def write_mailbox(folder: Path) -> list[Path]:
    """Write the five core demo messages into ``folder`` as .eml files; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in _core_messages().items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


@dataclass
class DemoMailbox:
    """What :func:`write_maildir` wrote: the Maildir, its messages' files (oldest first),
    and whether the ``.doc`` form is among them (only where LibreOffice is installed)."""

    folder: Path
    messages: list[Path]
    legacy_doc: bool


def _to_doc(data: bytes) -> bytes:
    """A .docx turned into a Word 97 .doc by LibreOffice."""
    from pressdocs._libreoffice import convert

    return convert(data, suffix=".docx", target="doc", name="新闻发布会登记表.doc")


def write_maildir(folder: Path, *, legacy_doc: bool | None = None) -> DemoMailbox:
    """Write every demo message into the Maildir ``folder`` (``new/``, ``cur/``,
    ``tmp/``), each file named as a mail server delivers it (its time first, so the
    mailbox lists them oldest first) and dated with its Date.  ``legacy_doc``: include the
    ``.doc`` form (default: when LibreOffice is installed and converts it)."""
    from pressdocs._libreoffice import find_soffice
    from pressdocs.errors import PressdocsError

    messages = _core_messages()
    if legacy_doc is None:  # where LibreOffice is installed, and works
        try:
            messages |= _more_messages(_to_doc if find_soffice() else None)
        except PressdocsError:
            messages |= _more_messages(None)
    else:
        messages |= _more_messages(_to_doc if legacy_doc else None)
    legacy_doc = LEGACY_DOC in messages
    for sub in ("new", "cur", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    dated = sorted((_date_of(data), name, data) for name, data in messages.items())
    paths = []
    for number, (when, _, data) in enumerate(dated, start=1):
        stamp = int(when.timestamp())
        path = folder / "new" / f"{stamp}.M{number:02d}.demo.wuhu.gov.cn"
        path.write_bytes(data)
        os.utime(path, (stamp, stamp))
        paths.append(path)
    return DemoMailbox(folder=folder, messages=paths, legacy_doc=legacy_doc)


def _date_of(data: bytes) -> datetime:
    from email import message_from_bytes
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(str(message_from_bytes(data)["Date"]))
