"""An office's spring of 2021 taken in through the real pipeline, for the HTML exports.

The 2021 plan comes from the city's notice; the mail is written as .eml files and taken
in by ``Pressdocs.batch``:

- 市统计局 registers its first-quarter briefing (item 11) on time, then sends the
  materials as a zip with GBK names: a press release, two questions, three photos of
  1600×1200 pixels and a fourth cut short in sending (a PNG that cannot be decoded); a 163 超大附件 link to
  the video comes in the mail's HTML part;
- 市人社局 registers late (PD101) a conference whose title carries a ``<script>``, in a
  mail whose subject carries another: it waits for correction;
- in July 市统计局 sends its statistics table (附件3, written by ``write_form`` as people
  fill it in) for the first half: its row for 4月15日 names the speakers.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pressdocs import Pressdocs, Speaker, StatisticsReport, StatisticsRow
from submissions import materials_zip, press_release_docx, qa_docx, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
SEED = Path(__file__).resolve().parents[1] / "examples" / "notice_2021.txt"

TITLE = "2021年一季度全市经济运行情况新闻发布会"
SCRIPT = "<script>document.title='pwned';window.pwned=1</script>"
SCRIPT_TITLE = f"市人才一体化服务平台上线新闻发布会{SCRIPT}"
VIDEO_URL = ("https://mail.163.com/large-attachment-download/index.html"
             "?p=X-NETEASE-HUGE-ATTACHMENT&file=demo")

LARGE_ATTACHMENT = f"""<div>您好，视频较大，用超大附件发送。</div>
<div style="clear:both;margin-top:12px">
<div style="font-size:14px;font-weight:bold">从网易163邮箱发来的超大附件</div>
<div style="padding:4px 0"><a href="{VIDEO_URL.replace('&', '&amp;')}" target="_blank">发布会现场视频.mp4</a>
<span style="color:#909090">(80.96M, 2021年4月20日 10:00 到期)</span></div></div>"""


def photo(seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A real photo-sized PNG: a gradient, so it is not one colour."""
    from PIL import Image

    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste((seed * 60 % 256, 120, 200), (0, 0, size[0] // 3, size[1] // 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def mail(subject: str, sender: str, when: datetime, files: list[tuple[str, bytes]],
         html: str = "") -> bytes:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, sender, "whxwtg@163.com"
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{when.timestamp():.0f}.{len(files)}@test.wuhu.gov.cn>"
    msg.set_content("您好，材料见附件，请审核。")
    if html:
        msg.add_alternative(html, subtype="html")
    for name, data in files:
        maintype, subtype = ("image", "png") if name.endswith(".png") else (
            "application", "octet-stream")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(msg)


def statistics_form(folder: Path) -> bytes:
    report = StatisticsReport(
        filing_unit="市统计局", filing_date=date(2021, 7, 2), filer="赵六",
        filer_contact="13905531234", year=2021,
        rows=[StatisticsRow(number=1, held_on=date(2021, 4, 15), venue="市政府新闻发布厅",
                            unit="市统计局", media=["芜湖日报", "大江晚报"], topic=TITLE,
                            speakers=[Speaker("王五", "局长"), Speaker("张三", "办公室主任")],
                            questions_allowed=True, question_count=2)])
    path = Pressdocs(load_entry_points=False).write_form("statistics", folder / "统计表.xlsx",
                                                        data=report)
    data = path.read_bytes()
    path.unlink()
    return data


def write_mail(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stats = "市统计局 <tjj_bgs@wuhu.gov.cn>"
    messages = {
        "01.eml": mail(f"【市统计局】{TITLE}登记表", stats, datetime(2021, 4, 9, 10, 12, tzinfo=TZ),
                       [("登记表.docx", registration_docx(
                           title=TITLE, unit="市统计局", when="2021年4月15日上午9:30",
                           filed="2021年4月9日", name="张三", position="办公室主任"))]),
        "02.eml": mail("【市统计局】发布会材料", stats, datetime(2021, 4, 13, 16, 40, tzinfo=TZ),
                       [("市统计局发布材料.zip", materials_zip([
                           ("发布材料/发布稿.docx", press_release_docx("一季度全市经济运行稳中向好")),
                           ("发布材料/问答.docx", qa_docx(2)),
                           ("发布材料/图片1.png", photo(1)), ("发布材料/图片2.png", photo(2)),
                           ("发布材料/图片3.png", photo(3)),
                           ("发布材料/图片4.png", photo(4)[:3000])]))],
                       html=LARGE_ATTACHMENT),
        "03.eml": mail(f"市人社局{SCRIPT}新闻发布会材料", "市人社局 <rsj@wuhu.gov.cn>",
                       datetime(2021, 3, 29, 17, 5, tzinfo=TZ),
                       [("登记表.docx", registration_docx(
                           title=SCRIPT_TITLE, unit="市人社局", when="2021年3月31日下午3:00",
                           filed="2021年3月29日", name="李四", position="局长"))]),
    }
    messages["04.eml"] = mail("【市统计局】2021年上半年新闻发布会统计表", stats,
                              datetime(2021, 7, 2, 9, 0, tzinfo=TZ),
                              [("新闻发布会统计表（市统计局）.xlsx", statistics_form(folder))])
    for name, data in messages.items():
        (folder / name).write_bytes(data)


def build_office(root: Path) -> Path:
    """The store of the office described above, under ``root``; returns its path."""
    store = root / "store"
    write_mail(root / "mail")
    with Pressdocs(store=store, load_entry_points=False) as pd:
        pd.import_plan(SEED)
        pd.batch(str(root / "mail"))
    return store
