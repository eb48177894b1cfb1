"""Realistic raw messages, shaped like what Chinese mail clients really send.

Each builder returns ``(raw_bytes, expected)``.  The shapes follow the clients'
actual output: header order and X-headers, boundary styles, charset labels,
where encoded words go (inside quoted parameters for Foxmail/Outlook/QQ/Coremail),
how long names are split (Outlook: in the middle of a character), the HTML the
webmails write for large files (163 超大附件, QQ 中转站).

``attachments`` arguments take ``(file name, content)`` pairs; the defaults use
small placeholder contents with the right magic bytes (tests that need real
documents pass their own).
"""

from __future__ import annotations

import base64
import quopri
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from pressdocs.models import LinkedFile

SHANGHAI = ZoneInfo("Asia/Shanghai")
CRLF = b"\r\n"

SUBJECT = "【市统计局】新闻发布会登记表及材料"
SENDER_NAME = "市统计局办公室"
SENDER_ADDRESS = "tjj_bgs@wuhu.gov.cn"
PRESS_OFFICE = "whxwtg@163.com"

REGISTRATION = "关于召开2021年一季度全市经济运行情况新闻发布会的登记表.docx"
RELEASE = "发布稿.docx"
QA = "问答.doc"
GBK_ONLY_ZIP = "市财政局（喆）材料.zip"  # 喆 is not in GB2312, only in GBK
PICTURES = ("图片1.jpg", "图片2.jpg", "图片3.jpg")

BODY_TEXT = (
    "市新闻办：\n"
    "    现将我局2021年一季度全市经济运行情况新闻发布会登记表及发布材料报送给你们，请审核。\n"
    "    联系人：张喆，电话：0553-3831234\n"
    "\n"
    "市统计局办公室\n"
    "2021年3月1日\n"
)


@dataclass(frozen=True)
class Expected:
    """What parsing the message must give back, exactly."""

    subject: str
    sender_name: str
    sender_address: str
    attachments: tuple[str, ...] = ()  # attached files of the message itself, in order
    forwarded: tuple[str, ...] = ()  # files inside forwarded messages, in order
    inline: tuple[str, ...] = ()  # content ids (or names) of inline images
    links: tuple[LinkedFile, ...] = ()  # files sent as download links
    message_id: str = ""
    date: datetime | None = None
    body_contains: str = ""  # a phrase of the decoded text or HTML body
    defects: tuple[str, ...] = ()  # phrases that must appear among the defects
    client: str = ""
    extra: dict[str, str] = field(default_factory=dict)


Attachments = Sequence[tuple[str, bytes]]
Built = tuple[bytes, "Expected"]

# --- placeholders and encoders --------------------------------------------------------

_MAGIC = {
    "docx": b"PK\x03\x04\x14\x00\x06\x00",
    "zip": b"PK\x03\x04\x14\x00\x00\x00",
    "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "png": b"\x89PNG\r\n\x1a\n",
    "gif": b"GIF89a",
    "pdf": b"%PDF-1.7\n",
    "mp4": b"\x00\x00\x00\x20ftypisom",
}

_CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "zip": "application/x-zip-compressed",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "pdf": "application/pdf",
}


def placeholder(name: str, size: int = 300) -> bytes:
    """Placeholder file content: the format's magic bytes, the name, then filler."""
    ext = name.rsplit(".", 1)[-1].lower()
    body = _MAGIC.get(ext, b"") + ("placeholder for " + name).encode("utf-8")
    return (body + bytes(range(256)) * (size // 256 + 1))[:max(size, len(body))]


def content_type(name: str) -> str:
    return _CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def default_attachments(*names: str) -> list[tuple[str, bytes]]:
    return [(n, placeholder(n)) for n in names]


def b_word(text: str, label: str, codec: str | None = None) -> str:
    """One RFC 2047 B word, bytes from ``codec`` (default: the label) — any length."""
    data = text.encode(codec or label)
    return f"=?{label}?B?{base64.b64encode(data).decode()}?="


def b_words(text: str, label: str, codec: str, max_bytes: int, *, mid_char: bool) -> list[str]:
    """B words of at most ``max_bytes`` bytes each.

    With ``mid_char`` the bytes are cut at fixed offsets, as Outlook does, so a
    two-byte character can be split across words; otherwise cuts fall between
    characters, as JavaMail (Coremail) does.
    """
    chunks: list[bytes] = []
    if mid_char:
        data = text.encode(codec)
        chunks = [data[i:i + max_bytes] for i in range(0, len(data), max_bytes)]
    else:
        current = b""
        for char in text:
            encoded = char.encode(codec)
            if current and len(current) + len(encoded) > max_bytes:
                chunks.append(current)
                current = b""
            current += encoded
        chunks.append(current)
    return [f"=?{label}?B?{base64.b64encode(c).decode()}?=" for c in chunks]


def q_words(text: str, label: str, codec: str, max_bytes: int) -> list[str]:
    """Q words cut every ``max_bytes`` bytes (an odd count splits characters)."""
    data = text.encode(codec)
    words = []
    for i in range(0, len(data), max_bytes):
        encoded = "".join(
            chr(b) if (0x30 <= b <= 0x39 or 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A
                       or b in b".-") else ("_" if b == 0x20 else f"={b:02X}")
            for b in data[i:i + max_bytes]
        )
        words.append(f"=?{label}?Q?{encoded}?=")
    return words


def fold(words: Sequence[str], indent: str = "\t") -> str:
    return f"\r\n{indent}".join(words)


def b64_body(data: bytes) -> bytes:
    """Base64 in 76-character CRLF lines, as every client here writes it."""
    encoded = base64.b64encode(data)
    return CRLF.join(encoded[i:i + 76] for i in range(0, len(encoded), 76))


def qp_body(data: bytes) -> bytes:
    return CRLF.join(quopri.encodestring(data).split(b"\n"))


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def part(headers: Sequence[str | bytes], body: bytes) -> bytes:
    """A MIME entity: header lines (str is ASCII, bytes are raw), blank line, body."""
    head = CRLF.join(h if isinstance(h, bytes) else h.encode("ascii") for h in headers)
    return head + CRLF + CRLF + body


def multipart(boundary: str, parts: Sequence[bytes], preamble: str = "") -> bytes:
    out = (crlf(preamble) + "\r\n").encode("ascii") if preamble else b""
    for item in parts:
        out += b"--" + boundary.encode() + CRLF + item + CRLF
    return out + b"--" + boundary.encode() + b"--" + CRLF


GB2312_TEXT = 'Content-Type: text/plain;\r\n\tcharset="gb2312"'
GB2312_HTML = 'Content-Type: text/html;\r\n\tcharset="gb2312"'


def cn_time(moment: datetime) -> str:
    """A time the way webmail notes write it: 2021年3月1日 10:00."""
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour}:{moment.minute:02d}"


def _html_paragraphs(text: str) -> str:
    return "".join(
        f"<div>{line.replace(' ', '&nbsp;') if line.strip() else '<br>'}</div>"
        for line in text.split("\n")
    )


# --- the clients ----------------------------------------------------------------------


def foxmail(attachments: Attachments | None = None, *, subject: str = SUBJECT) -> Built:
    """Foxmail 7.2: GB2312-labelled B words (GBK bytes) inside quoted name/filename."""
    files = list(attachments) if attachments is not None else default_attachments(
        REGISTRATION, RELEASE, QA, GBK_ONLY_ZIP
    )
    outer = "----=_001_NextPart572182624333_=----"
    inner = "----=_002_NextPart250212813654_=----"
    html = (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=gb2312">'
        "<style>body { line-height: 1.5; }body { font-size: 14px;"
        " font-family: 'Microsoft YaHei UI'; color: rgb(0, 0, 0); line-height: 1.5; }"
        "</style></head><body>\r\n"
        + _html_paragraphs(BODY_TEXT)
        + '<hr style="width: 210px; height: 1px;" color="#b5c4df" size="1" align="left">\r\n'
        '<div><span><div style="MARGIN: 10px; FONT-FAMILY: verdana; FONT-SIZE: 10pt">'
        f"<div>{SENDER_ADDRESS}</div></div></span></div></body></html>"
    )
    alternative = multipart(inner, [
        part(['Content-Type: text/plain;\r\n\tcharset="gb2312"',
              "Content-Transfer-Encoding: base64"], b64_body(crlf(BODY_TEXT).encode("gb18030"))),
        part(['Content-Type: text/html;\r\n\tcharset="gb2312"',
              "Content-Transfer-Encoding: quoted-printable"], qp_body(html.encode("gb18030"))),
    ])
    parts = [part([f'Content-Type: multipart/alternative;\r\n\tboundary="{inner}"'],
                  CRLF + alternative)]
    for name, data in files:
        word = b_word(name, "gb2312", "gb18030")
        parts.append(part([
            f'Content-Type: {content_type(name)};\r\n\tname="{word}"',
            "Content-Transfer-Encoding: base64",
            f'Content-Disposition: attachment;\r\n\tfilename="{word}"',
        ], b64_body(data)))
    headers = [
        "Date: Mon, 1 Mar 2021 09:12:33 +0800",
        f'From: "{b_word(SENDER_NAME, "gb2312", "gb18030")}" <{SENDER_ADDRESS}>',
        f'To: whxwtg <{PRESS_OFFICE}>',
        f"Subject: {b_word(subject, 'gb2312', 'gb18030')}",
        "X-Priority: 3",
        "X-GUID: 6E1F7A2B-3C4D-4E5F-8A9B-0C1D2E3F4A5B",
        "X-Has-Attach: yes",
        "X-Mailer: Foxmail 7.2.19.158[cn]",
        "Mime-Version: 1.0",
        "Message-ID: <202103010912330621137@wuhu.gov.cn>",
        f'Content-Type: multipart/mixed;\r\n\tboundary="{outer}"',
    ]
    raw = part(headers, multipart(outer, parts, "This is a multi-part message in MIME format.\n"))
    return raw, Expected(
        subject=subject, sender_name=SENDER_NAME, sender_address=SENDER_ADDRESS,
        attachments=tuple(n for n, _ in files),
        message_id="<202103010912330621137@wuhu.gov.cn>",
        date=datetime(2021, 3, 1, 9, 12, 33, tzinfo=SHANGHAI),
        body_contains="联系人：张喆", client="Foxmail 7.2",
    )


def outlook(attachments: Attachments | None = None, *, subject: str = SUBJECT) -> Built:
    """Chinese Outlook 2016: Q words, folded, long names cut in the middle of a character."""
    files = list(attachments) if attachments is not None else default_attachments(
        REGISTRATION, RELEASE, QA
    )
    outer = "----=_NextPart_000_0001_01D70E9D.294F7D40"
    inner = "----=_NextPart_001_0002_01D70E9D.294F7D40"
    html = (
        '<html xmlns:v="urn:schemas-microsoft-com:vml"'
        ' xmlns:o="urn:schemas-microsoft-com:office:office"'
        ' xmlns:w="urn:schemas-microsoft-com:office:word"'
        ' xmlns:m="http://schemas.microsoft.com/office/2004/12/omml"'
        ' xmlns="http://www.w3.org/TR/REC-html40"><head>'
        '<meta http-equiv=Content-Type content="text/html; charset=gb2312">'
        '<meta name=Generator content="Microsoft Word 15 (filtered medium)">'
        "<style><!--\r\n/* Font Definitions */\r\n@font-face\r\n\t{font-family:等线;}\r\n"
        "p.MsoNormal\r\n\t{margin:0cm;text-align:justify;font-size:10.5pt;font-family:等线;}\r\n"
        "--></style></head><body lang=ZH-CN link=\"#0563C1\" vlink=\"#954F72\""
        " style='text-justify-trim:punctuation'><div class=WordSection1>"
        + "".join(
            f"<p class=MsoNormal>{line or '<span lang=EN-US><o:p>&nbsp;</o:p></span>'}</p>"
            for line in BODY_TEXT.split("\n")
        )
        + "</div></body></html>"
    )
    alternative = multipart(inner, [
        part(['Content-Type: text/plain;\r\n\tcharset="gb2312"',
              "Content-Transfer-Encoding: quoted-printable"],
             qp_body(crlf(BODY_TEXT).encode("gb18030"))),
        part(['Content-Type: text/html;\r\n\tcharset="gb2312"',
              "Content-Transfer-Encoding: quoted-printable"], qp_body(html.encode("gb18030"))),
    ])
    parts = [part([f'Content-Type: multipart/alternative;\r\n\tboundary="{inner}"'],
                  CRLF + alternative)]
    for name, data in files:
        words = fold(q_words(name, "gb2312", "gb18030", 17))
        parts.append(part([
            f'Content-Type: {content_type(name)};\r\n\tname="{words}"',
            "Content-Transfer-Encoding: base64",
            f'Content-Disposition: attachment;\r\n\tfilename="{words}"',
        ], b64_body(data)))
    headers = [
        f"From: {fold(q_words(SENDER_NAME, 'gb2312', 'gb18030', 7))} <{SENDER_ADDRESS}>",
        f'To: "{PRESS_OFFICE}" <{PRESS_OFFICE}>',
        f"Subject: {fold(q_words(subject, 'gb2312', 'gb18030', 13))}",
        "Date: Mon, 1 Mar 2021 10:05:11 +0800",
        "Message-ID: <000001d70e5a$1b2c3d40$51569ec0$@wuhu.gov.cn>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed;\r\n\tboundary="{outer}"',
        "X-Mailer: Microsoft Outlook 16.0",
        "Thread-Index: AdcOWhssPUBRVp7AQ7Kb5TnC2zR1Cw==",
        "Content-Language: zh-cn",
    ]
    raw = part(headers, multipart(outer, parts, "This is a multipart message in MIME format.\n"))
    return raw, Expected(
        subject=subject, sender_name=SENDER_NAME, sender_address=SENDER_ADDRESS,
        attachments=tuple(n for n, _ in files),
        message_id="<000001d70e5a$1b2c3d40$51569ec0$@wuhu.gov.cn>",
        date=datetime(2021, 3, 1, 10, 5, 11, tzinfo=SHANGHAI),
        body_contains="联系人：张喆", client="Microsoft Outlook 16.0",
    )


QQ_SENDER_NAME = "市财政局综合科"
QQ_SENDER_ADDRESS = "1134567890@qq.com"
QQ_SUBJECT = "【市财政局】新闻发布会材料（喆）"


def _qq_headers(subject: str, boundary: str, message_id: str) -> list[str]:
    return [
        "X-QQ-FEAT: 3+8jvUMbP0zUOr0Pv2t0vVo4ZLNjCcEKRfdcFgiIZFrxyuVPcXJb4hrjCTuwA",
        "X-QQ-SSF: 00000000000000F000000000000000G",
        "X-HAS-ATTACH: no",
        "X-QQ-BUSINESS-ORIGIN: 2",
        "X-Originating-IP: 112.31.204.77",
        "X-QQ-STYLE: ",
        "X-QQ-mid: webmail812t1614571403t5812345",
        f'From: "{b_word(QQ_SENDER_NAME, "gb18030")}" <{QQ_SENDER_ADDRESS}>',
        f'To: "{b_word("whxwtg", "gb18030")}" <{PRESS_OFFICE}>',
        f"Subject: {b_word(subject, 'gb18030')}",
        "Mime-Version: 1.0",
        f'Content-Type: multipart/mixed;\r\n\tboundary="{boundary}"',
        "Content-Transfer-Encoding: 8Bit",
        "Date: Mon, 1 Mar 2021 11:03:23 +0800",
        "X-Priority: 3",
        f"Message-ID: {message_id}",
        "X-QQ-MIME: TCMime 1.0 by Tencent",
        "X-Mailer: QQMail 2.x",
        "X-QQ-Mailer: QQMail 2.x",
    ]


def _qq_alternative(boundary: str, text: str, html: str) -> bytes:
    return multipart(boundary, [
        part(['Content-Type: text/plain;\r\n\tcharset="gb18030"',
              "Content-Transfer-Encoding: base64"], b64_body(crlf(text).encode("gb18030"))),
        part(['Content-Type: text/html;\r\n\tcharset="gb18030"',
              "Content-Transfer-Encoding: base64"], b64_body(html.encode("gb18030"))),
    ])


def qq_webmail(attachments: Attachments | None = None, *, subject: str = QQ_SUBJECT) -> Built:
    """QQ webmail: everything labelled gb18030, attachments as application/octet-stream."""
    files = list(attachments) if attachments is not None else default_attachments(
        GBK_ONLY_ZIP, REGISTRATION
    )
    outer = "----=_NextPart_603C5A8B_0F2E8C70_4A1B2C3D"
    inner = "----=_NextPart_603C5A8B_0F2E8C70_5B6C7D8E"
    text = "市新闻办：\n附件是市财政局（喆）发布会材料，请查收。\n"
    html = (
        '<meta http-equiv="Content-Type" content="text/html; charset=GB18030">'
        "<div>市新闻办：</div><div>附件是市财政局（喆）发布会材料，请查收。</div>"
    )
    parts = [part([f'Content-Type: multipart/alternative;\r\n\tboundary="{inner}";'],
                  CRLF + _qq_alternative(inner, text, html))]
    for name, data in files:
        word = b_word(name, "gb18030")
        parts.append(part([
            f'Content-Type: application/octet-stream;\r\n\tcharset="gb18030";\r\n\tname="{word}"',
            f'Content-Disposition: attachment; filename="{word}"',
            "Content-Transfer-Encoding: base64",
        ], b64_body(data)))
    message_id = "<tencent_8A1B2C3D4E5F60718293A4B5C6D7E8F90A09@qq.com>"
    raw = part(_qq_headers(subject, outer, message_id),
               multipart(outer, parts, "This is a multi-part message in MIME format.\n"))
    return raw, Expected(
        subject=subject, sender_name=QQ_SENDER_NAME, sender_address=QQ_SENDER_ADDRESS,
        attachments=tuple(n for n, _ in files), message_id=message_id,
        date=datetime(2021, 3, 1, 11, 3, 23, tzinfo=SHANGHAI),
        body_contains="市财政局（喆）发布会材料", client="QQMail",
    )


CM_SENDER_NAME = "市交通运输局宣传科"
CM_SENDER_ADDRESS = "whjtj_xc@163.com"
CM_SUBJECT = "【市交通运输局】关于召开2021年全市交通重点工程建设情况新闻发布会的登记表"

_COREMAIL_HEADERS_TAIL = [
    "X-Originating-IP: [112.31.204.18]",
    "X-Priority: 3",
    "X-Mailer: Coremail Webmail Server Version XT5.0.13 build 20210104(ab8c30b6)\r\n"
    " Copyright (c) 2002-2021 www.mailtech.cn 163com",
    "X-CM-CTRLDATA: 8mB7nmZvb3Rlcl9odG09MzQxMjo1Ng==",
    "X-NTES-SC: AL_Qu2bCv2ZvEsp4CeaZ+kfmk0Wg+k6Xci2s/kk2oRQP5FwjCfr5SQBRH9YN1Xz4e",
    "X-CM-TRANSID: _____wD3vzRlCzxgkEQwAA--.11362S2",
    "X-Coremail-Antispam: 1Uf129KBjDUn29KB7ZKAUJUUUUU529EdanIXcx71UUUUU7v73",
]


def _coremail_message(subject: str, parts: list[bytes], outer: str, date: str,
                      message_id: str) -> bytes:
    name = fold(b_words(CM_SENDER_NAME, "GBK", "gb18030", 45, mid_char=False), " ")
    subject_words = fold(b_words(subject, "GBK", "gb18030", 45, mid_char=False), " ")
    headers = [
        f"Date: {date}",
        f'From: "{name}" <{CM_SENDER_ADDRESS}>',
        f"To: {PRESS_OFFICE}",
        f"Message-ID: {message_id}",
        f"Subject: {subject_words}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; \r\n\tboundary="{outer}"',
        *_COREMAIL_HEADERS_TAIL,
    ]
    return part(headers, multipart(outer, parts))


def _coremail_attachment(name: str, data: bytes) -> bytes:
    words = fold(b_words(name, "GBK", "gb18030", 30, mid_char=False), " ")
    return part([
        f'Content-Type: {content_type(name)}; name="{words}"',
        "Content-Transfer-Encoding: base64",
        f'Content-Disposition: attachment; filename="{words}"',
    ], b64_body(data))


def _coremail_alternative(boundary: str, text: str, html: str) -> bytes:
    return multipart(boundary, [
        part(["Content-Type: text/plain; charset=GBK", "Content-Transfer-Encoding: base64"],
             b64_body(crlf(text).encode("gb18030"))),
        part(["Content-Type: text/html; charset=GBK", "Content-Transfer-Encoding: base64"],
             b64_body(html.encode("gb18030"))),
    ])


def coremail(attachments: Attachments | None = None, *, subject: str = CM_SUBJECT) -> Built:
    """163 webmail (Coremail): GBK bodies, JavaMail-style folded GBK words."""
    files = list(attachments) if attachments is not None else default_attachments(
        "关于召开2021年全市交通重点工程建设情况新闻发布会的登记表.docx", RELEASE, QA
    )
    outer = "----=_Part_301234_1894563721.1614579605123"
    inner = "----=_Part_301236_1370145920.1614579605123"
    text = "市新闻办：\n    报送我局新闻发布会登记表，请审批。镕\n"
    html = (
        '<div style="line-height:1.7;color:#000000;font-size:14px;font-family:Arial">'
        "<div>市新闻办：</div><div>&nbsp; &nbsp; 报送我局新闻发布会登记表，请审批。镕</div></div>"
        '<br><br><span title="neteasefooter"><p>&nbsp;</p></span>'
    )
    parts = [part([f'Content-Type: multipart/alternative; \r\n\tboundary="{inner}"'],
                  CRLF + _coremail_alternative(inner, text, html))]
    parts += [_coremail_attachment(name, data) for name, data in files]
    message_id = "<3f1a2b4c.5d6e.177ec3d4e5f.Coremail.whjtj_xc@163.com>"
    raw = _coremail_message(subject, parts, outer, "Mon, 1 Mar 2021 14:20:05 +0800 (CST)",
                            message_id)
    return raw, Expected(
        subject=subject, sender_name=CM_SENDER_NAME, sender_address=CM_SENDER_ADDRESS,
        attachments=tuple(n for n, _ in files), message_id=message_id,
        date=datetime(2021, 3, 1, 14, 20, 5, tzinfo=SHANGHAI),
        body_contains="请审批。镕", client="Coremail Webmail Server",
    )


RAW_SENDER_NAME = "市生态环境局"
RAW_SENDER_ADDRESS = "sthjj@wuhu.gov.cn"
RAW_SUBJECT = "【市生态环境局】新闻发布会登记表（镕）"


def raw_8bit(attachments: Attachments | None = None, *, subject: str = RAW_SUBJECT) -> Built:
    """An office system writing raw GBK bytes into headers and an undeclared GBK body."""
    files = list(attachments) if attachments is not None else default_attachments(RELEASE, QA)
    boundary = "----=_Part_0_1147985808.1614583800000"
    body_text = "市新闻办：\n    我局新闻发布会登记表见附件。\n"
    parts = [part(["Content-Type: text/plain", "Content-Transfer-Encoding: 8bit"],
                  crlf(body_text).encode("gb18030"))]
    for name, data in files:
        raw_name = name.encode("gb18030")
        parts.append(part([
            b'Content-Type: application/octet-stream; name="' + raw_name + b'"',
            "Content-Transfer-Encoding: base64",
            b'Content-Disposition: attachment; filename="' + raw_name + b'"',
        ], b64_body(data)))
    headers: list[str | bytes] = [
        f"Return-Path: <{RAW_SENDER_ADDRESS}>",
        "Date: Mon, 1 Mar 2021 15:30:00 +0800",
        b"From: " + RAW_SENDER_NAME.encode("gb18030") + f" <{RAW_SENDER_ADDRESS}>".encode(),
        f"To: {PRESS_OFFICE}",
        b"Subject: " + subject.encode("gb18030"),
        "Message-ID: <1614583800000.12345.JavaMail.oa@oa.wuhu.gov.cn>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "X-Mailer: OA MailSender 3.2",
    ]
    raw = part(headers, multipart(boundary, parts))
    return raw, Expected(
        subject=subject, sender_name=RAW_SENDER_NAME, sender_address=RAW_SENDER_ADDRESS,
        attachments=tuple(n for n, _ in files),
        message_id="<1614583800000.12345.JavaMail.oa@oa.wuhu.gov.cn>",
        date=datetime(2021, 3, 1, 15, 30, tzinfo=SHANGHAI),
        body_contains="登记表见附件", client="raw 8-bit GBK",
    )


def _rfc2231_lines(param: str, name: str, charset: str, codec: str, per_line: int) -> list[str]:
    encoded = quote(name.encode(codec), safe="")
    tokens: list[str] = []
    i = 0
    while i < len(encoded):  # never cut a %XX triplet
        step = 3 if encoded[i] == "%" else 1
        tokens.append(encoded[i:i + step])
        i += step
    chunks = ["".join(tokens[i:i + per_line]) for i in range(0, len(tokens), per_line)]
    if len(chunks) == 1:
        return [f"{param}*={charset}''{chunks[0]}"]
    return [
        f"{param}*{n}*={charset}''{chunk}" if n == 0 else f"{param}*{n}*={chunk}"
        for n, chunk in enumerate(chunks)
    ]


WJW_SENDER_NAME = "市卫健委宣传科"
WJW_SENDER_ADDRESS = "wjw_xck@wuhu.gov.cn"
WJW_SUBJECT = "【市卫健委】新闻发布会登记表及问答"


def rfc2231(attachments: Attachments | None = None, *, subject: str = WJW_SUBJECT) -> Built:
    """Mutt with send_charset=gbk: RFC 2231 names, long ones split in continuations."""
    files = list(attachments) if attachments is not None else default_attachments(
        "关于召开2021年全市疫苗接种工作情况新闻发布会的登记表.docx", QA
    )
    boundary = "k1lZvvs/B4yU6o8G"
    parts = [part(["Content-Type: text/plain; charset=gbk", "Content-Disposition: inline",
                   "Content-Transfer-Encoding: 8bit"],
                  crlf("市新闻办：\n  登记表和问答见附件。\n-- \n市卫健委宣传科\n").encode("gbk"))]
    for name, data in files:
        filename = _rfc2231_lines("filename", name, "gbk", "gbk", 14)
        disposition = ";\r\n\t".join(["attachment", *filename])
        name_param = _rfc2231_lines("name", name, "gbk", "gbk", 20)
        ctype = ";\r\n\t".join([content_type(name), *name_param])
        parts.append(part([
            f"Content-Type: {ctype}",
            f"Content-Disposition: {disposition}",
            "Content-Transfer-Encoding: base64",
        ], b64_body(data)))
    headers = [
        "Date: Mon, 1 Mar 2021 16:45:12 +0800",
        f"From: {b_word(WJW_SENDER_NAME, 'utf-8')} <{WJW_SENDER_ADDRESS}>",
        f"To: {PRESS_OFFICE}",
        f"Subject: {b_word(subject, 'gbk', 'gb18030')}",
        "Message-ID: <20210301084512.GA23817@wjw-pc>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "Content-Disposition: inline",
        "User-Agent: Mutt/1.10.1 (2018-07-13)",
    ]
    raw = part(headers, multipart(boundary, parts))
    return raw, Expected(
        subject=subject, sender_name=WJW_SENDER_NAME, sender_address=WJW_SENDER_ADDRESS,
        attachments=tuple(n for n, _ in files), message_id="<20210301084512.GA23817@wjw-pc>",
        date=datetime(2021, 3, 1, 16, 45, 12, tzinfo=SHANGHAI),
        body_contains="登记表和问答见附件", client="Mutt (RFC 2231)",
    )


FWD_SENDER_NAME = "张敏"
FWD_SENDER_ADDRESS = "zhangmin@wuhu.gov.cn"


def forwarded(attachments: Attachments | None = None) -> Built:
    """Outlook 'forward as attachment': a message/rfc822 part holding a Foxmail message."""
    inner_raw, inner = foxmail(attachments)
    boundary = "----=_NextPart_000_0015_01D70EA3.5C6E1F20"
    subject = "转发: " + inner.subject
    note = "市新闻办：\n    转发我局办公室的发布会材料，请查收。\n"
    parts = [
        part([GB2312_TEXT, "Content-Transfer-Encoding: base64"],
             b64_body(crlf(note).encode("gb18030"))),
        part(["Content-Type: message/rfc822", "Content-Disposition: attachment"], inner_raw),
    ]
    headers = [
        f"From: {fold(b_words(FWD_SENDER_NAME, 'gb2312', 'gb18030', 30, mid_char=True))}"
        f" <{FWD_SENDER_ADDRESS}>",
        f"To: <{PRESS_OFFICE}>",
        f"Subject: {fold(b_words(subject, 'gb2312', 'gb18030', 21, mid_char=True))}",
        "Date: Mon, 1 Mar 2021 17:02:40 +0800",
        "Message-ID: <000f01d70ea3$5c6e1f20$154a5d60$@wuhu.gov.cn>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed;\r\n\tboundary="{boundary}"',
        "X-Mailer: Microsoft Outlook 16.0",
        "Content-Language: zh-cn",
    ]
    raw = part(headers, multipart(boundary, parts, "This is a multipart message in MIME format.\n"))
    return raw, Expected(
        subject=subject, sender_name=FWD_SENDER_NAME, sender_address=FWD_SENDER_ADDRESS,
        forwarded=inner.attachments,
        message_id="<000f01d70ea3$5c6e1f20$154a5d60$@wuhu.gov.cn>",
        date=datetime(2021, 3, 1, 17, 2, 40, tzinfo=SHANGHAI),
        body_contains="转发我局办公室的发布会材料", client="Outlook, forwarded",
        extra={"forwarded_subject": inner.subject},
    )


def forwarded_eml(attachments: Attachments | None = None) -> Built:
    """163 webmail forwarding a QQ message as an .eml file (application/octet-stream)."""
    inner_raw, inner = qq_webmail(attachments)
    outer = "----=_Part_412345_1122334455.1614590000000"
    alt = "----=_Part_412347_998877665.1614590000000"
    subject = "Fw:" + inner.subject
    eml_name = inner.subject + ".eml"
    parts = [
        part([f'Content-Type: multipart/alternative; \r\n\tboundary="{alt}"'],
             CRLF + _coremail_alternative(alt, "请查收转发的邮件。\n",
                                          "<div>请查收转发的邮件。</div>")),
        _coremail_attachment(eml_name, inner_raw),
    ]
    raw = _coremail_message(subject, parts, outer, "Mon, 1 Mar 2021 18:00:00 +0800 (CST)",
                            "<6a7b8c9d.1e2f.177ec3d4e60.Coremail.whjtj_xc@163.com>")
    return raw, Expected(
        subject=subject, sender_name=CM_SENDER_NAME, sender_address=CM_SENDER_ADDRESS,
        forwarded=inner.attachments,
        message_id="<6a7b8c9d.1e2f.177ec3d4e60.Coremail.whjtj_xc@163.com>",
        date=datetime(2021, 3, 1, 18, 0, tzinfo=SHANGHAI),
        body_contains="请查收转发的邮件", client="Coremail, forwarded .eml",
        extra={"forwarded_subject": inner.subject},
    )


LOGO_CID = "image001.png@01D70E9D.294F7D40"
SIGNATURE_CID = "B7C5F3A1@6E2D4C1B.8A9F0E3D"


def inline_and_pictures(pictures: Attachments | None = None) -> Built:
    """Outlook with a signature logo shown by cid, next to three attached pictures.

    图片2.jpg carries a Content-ID nobody references (Outlook adds them), 图片3.jpg is
    declared inline with a file name but not shown in the body; a small image declared
    inline without a name is a second signature picture.
    """
    files = list(pictures) if pictures is not None else default_attachments(*PICTURES)
    mixed = "----=_NextPart_000_0021_01D70EA8.8E2B6A10"
    related = "----=_NextPart_001_0022_01D70EA8.8E2B6A10"
    alt = "----=_NextPart_002_0023_01D70EA8.8E2B6A10"
    html = (
        "<html><head><meta http-equiv=Content-Type content=\"text/html; charset=gb2312\"></head>"
        "<body lang=ZH-CN><div class=WordSection1>"
        "<p class=MsoNormal>市新闻办：发布会图片3张见附件。</p>"
        f'<p class=MsoNormal><img width=120 height=40 id="图片_x0020_1" src="cid:{LOGO_CID}"></p>'
        "</div></body></html>"
    )
    alternative = multipart(alt, [
        part([GB2312_TEXT, "Content-Transfer-Encoding: base64"],
             b64_body("市新闻办：发布会图片3张见附件。\r\n".encode("gb18030"))),
        part([GB2312_HTML, "Content-Transfer-Encoding: quoted-printable"],
             qp_body(html.encode("gb18030"))),
    ])
    related_body = multipart(related, [
        part([f'Content-Type: multipart/alternative;\r\n\tboundary="{alt}"'], CRLF + alternative),
        part(['Content-Type: image/png;\r\n\tname="image001.png"',
              "Content-Transfer-Encoding: base64", f"Content-ID: <{LOGO_CID}>"],
             b64_body(placeholder("image001.png", 120))),
    ])
    parts = [part([f'Content-Type: multipart/related;\r\n\ttype="multipart/alternative";\r\n\t'
                   f'boundary="{related}"'], CRLF + related_body)]
    styles = ["attachment", "attachment-with-cid", "inline-with-name"]
    for index, (name, data) in enumerate(files):
        word = b_word(name, "gb2312", "gb18030")
        style = styles[index % 3]
        headers = [f'Content-Type: {content_type(name)};\r\n\tname="{word}"',
                   "Content-Transfer-Encoding: base64"]
        if style == "attachment-with-cid":
            headers.append(f"Content-ID: <image00{index + 2}.jpg@01D70EA8.8E2B6A10>")
        disposition = "inline" if style == "inline-with-name" else "attachment"
        headers.append(f'Content-Disposition: {disposition};\r\n\tfilename="{word}"')
        parts.append(part(headers, b64_body(data)))
    parts.append(part(["Content-Type: image/gif", "Content-Transfer-Encoding: base64",
                       f"Content-ID: <{SIGNATURE_CID}>", "Content-Disposition: inline"],
                      b64_body(placeholder("sign.gif", 90))))
    headers = [
        f"From: {b_word(SENDER_NAME, 'gb2312', 'gb18030')} <{SENDER_ADDRESS}>",
        f"To: <{PRESS_OFFICE}>",
        f"Subject: {b_word('【市统计局】发布会图片', 'gb2312', 'gb18030')}",
        "Date: Tue, 2 Mar 2021 08:30:00 +0800",
        "Message-ID: <002101d70ea8$8e2b6a10$aa823e30$@wuhu.gov.cn>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed;\r\n\tboundary="{mixed}"',
        "X-Mailer: Microsoft Outlook 16.0",
        "Content-Language: zh-cn",
    ]
    raw = part(headers, multipart(mixed, parts, "This is a multipart message in MIME format.\n"))
    return raw, Expected(
        subject="【市统计局】发布会图片", sender_name=SENDER_NAME, sender_address=SENDER_ADDRESS,
        attachments=tuple(n for n, _ in files), inline=(LOGO_CID, SIGNATURE_CID),
        message_id="<002101d70ea8$8e2b6a10$aa823e30$@wuhu.gov.cn>",
        date=datetime(2021, 3, 2, 8, 30, tzinfo=SHANGHAI),
        body_contains="发布会图片3张见附件", client="Outlook, inline images",
    )


# --- files sent as links ----------------------------------------------------------------


@dataclass(frozen=True)
class BigFile:
    """A file sent through webmail as a link."""

    name: str
    size_text: str
    size: int  # bytes as the note gives them (attribute value where the page has one)
    expires: datetime
    key: str


NETEASE_FILES = (
    BigFile("2021年一季度经济运行新闻发布会现场视频.mp4", "80.96M", 84892713,
            datetime(2021, 3, 1, 10, 0, tzinfo=SHANGHAI),
            "Sy2W9lTU-w7vguqZrlWFpokrrFG4wg5EhEj3dMz"),
    BigFile("发布会现场图片（原图）.zip", "35.2M", 36909875,
            datetime(2021, 3, 1, 10, 0, tzinfo=SHANGHAI),
            "Sy2W9lTU-w7vguqZrlWFpiA1lNE2Ud3W3QvLDq8"),
)


def _netease_url(kind: str, big: BigFile, title: str) -> str:
    title_q = quote(title, safe="")
    if kind == "preview":
        return f"http://fs.163.com/fs/preview/?file={big.key}&amp;title={title_q}"
    return ("https://mail.163.com/large-attachment-download/index.html?p=X-NETEASE-HUGE-ATTACHMENT"
            f"&amp;file={big.key}&amp;title={title_q}")


def netease_block(files: Sequence[BigFile], title: str) -> str:
    """The 163 超大附件 block, as Coremail webmail writes it (divNeteaseBigAttach)."""
    items = []
    for big in files:
        url = _netease_url("download", big, title)
        expire_ms = int(big.expires.timestamp() * 1000)
        items.append(
            '<div style="clear:both;height:36px;padding:6px 4px">'
            f'<div style="float:left;width:36px"><a href="{url}"><img'
            ' src="https://mimg.127.net/xm/all/fj/ico-bfile-6.gif" border="0"></a></div>'
            '<div><div style="padding:0px;font-size:12px;line-height:14px">'
            f'<a href="{url}" download="{url}" preview="{_netease_url("preview", big, title)}"'
            f' fileid="undefined" filename="{big.name}" filesize="{big.size}"'
            f' expiretime="{expire_ms}" target="_blank"'
            f' style="color:#000;text-decoration:none">{big.name}</a>'
            f'<span style="color:#bbb"> ({big.size_text}, {cn_time(big.expires)} 到期)</span></div>'
            '<div style="padding:4px 0px;font-size:12px;line-height:14px">'
            f'<a href="{_netease_url("preview", big, title)}">在线预览</a>'
            f' | <a href="{url}">下载</a>'
            "</div></div></div>"
        )
    return (
        '<div id="divNeteaseBigAttach" style="clear:both;margin-top:10px;margin-bottom:15px;'
        'background:#DEE8F2;padding:4px;font-family:verdana,Arial,Helvetica,sans-serif">'
        '<div style="font-size:14px;padding:4px 8px 8px 8px;line-height:16px">'
        "<b>从网易163邮箱发来的超大附件</b>"
        '<a class="bigattach-mailmaster-download" href="http://u.163.com/RcUwvU56g?spm=pos.free_webmail_1.composePage.0.0.bigattachMasterDownLoad"'
        ' target="_blank" style="float:right;font-size:12px">推荐客户端极速下载</a></div>'
        '<div style="background:#fff;padding:4px">' + "".join(items) + "</div></div>"
    )


def netease_large(attachments: Attachments | None = None) -> Built:
    """163 webmail with two 超大附件 links (and one ordinary attachment)."""
    files = list(attachments) if attachments is not None else default_attachments(RELEASE)
    subject = "【市统计局】发布会视频和图片（超大附件）"
    outer = "----=_Part_512345_1357924680.1613354400000"
    alt = "----=_Part_512347_2468013579.1613354400000"
    html = (
        '<div style="line-height:1.7;color:#000000;font-size:14px;font-family:Arial">'
        "<div>市新闻办：</div>"
        "<div>&nbsp; &nbsp; 发布会现场视频和图片较大，用超大附件发送，请在到期前下载。</div>"
        "</div><br><br>" + netease_block(NETEASE_FILES, subject)
    )
    text = (
        "市新闻办：\n    发布会现场视频和图片较大，用超大附件发送，请在到期前下载。\n\n"
        "从网易163邮箱发来的超大附件\n"
    ) + "".join(
        f"{b.name} ({b.size_text}, {cn_time(b.expires)} 到期)\n"
        f"下载：{_netease_url('download', b, subject).replace('&amp;', '&')}\n"
        for b in NETEASE_FILES
    )
    parts = [part([f'Content-Type: multipart/alternative; \r\n\tboundary="{alt}"'],
                  CRLF + _coremail_alternative(alt, text, html))]
    parts += [_coremail_attachment(name, data) for name, data in files]
    message_id = "<1a2b3c4d.7e8f.1779f9b2c3d.Coremail.whjtj_xc@163.com>"
    raw = _coremail_message(subject, parts, outer, "Mon, 15 Feb 2021 10:00:00 +0800 (CST)",
                            message_id)
    links = tuple(
        LinkedFile(name=b.name, url=_netease_url("download", b, subject).replace("&amp;", "&"),
                   size=b.size, size_text=b.size_text, expires=b.expires, provider="163")
        for b in NETEASE_FILES
    )
    return raw, Expected(
        subject=subject, sender_name=CM_SENDER_NAME, sender_address=CM_SENDER_ADDRESS,
        attachments=tuple(n for n, _ in files), links=links, message_id=message_id,
        date=datetime(2021, 2, 15, 10, 0, tzinfo=SHANGHAI),
        body_contains="请在到期前下载", client="Coremail, 超大附件",
    )


QQ_CLASSIC_FILE = BigFile("发布会现场视频（完整版）.mp4", "125.6M", 131701146,
                          datetime(2021, 3, 16, 10, 0, tzinfo=SHANGHAI),
                          "7d363834fce09c93f603333f4265514b02575a06505156061a570901064857540e")


def qq_classic_url(big: BigFile) -> str:
    return f"https://mail.qq.com/cgi-bin/ftnExs_download?t=exs_ftn_download&k={big.key}&code=7684decd"


def qq_classic_block(big: BigFile) -> str:
    """The QQ 超大附件 block (div#QQMailBigAttach), mail.qq.com/cgi-bin/ftnExs_download links."""
    href = qq_classic_url(big).replace("&", "&amp;")
    note = f"({big.size_text}, {cn_time(big.expires)} 到期)"
    return (
        '<div id="QQMailBigAttach" style="padding:2px;margin-bottom:15px;background-color:#e8f0f6;'
        'width:auto;font-family:Verdana,Arial,Helvetica,sans-serif;">'
        '<div style="padding:4px 8px 8px 8px;line-height:16px;"><b style="font-size:14px;">'
        "从QQ邮箱发来的超大附件</b></div>"
        '<div style="background:#fff;padding:2px;">'
        '<div style="height:36px;padding:6px 4px;clear:both;">'
        f'<div style="float:left;"><a href="{href}" target="_blank"><img border="0"'
        ' src="https://rescdn.qqmail.com/zh_CN/htmledition/images/xdisk/ico_mid/fu_mp4.gif"></a></div>'
        '<div style="padding:0 0 0 40px;">'
        f'<div><span class="qqmailbgattach" expiretime="{int(big.expires.timestamp())}"'
        f' downloadlink="{href}"><span style="color:#000;">{big.name}</span>'
        f'<span style="color:#a0a0a0;"> {note}</span></span></div>'
        f'<div style="color:#a0a0a0;"><a href="{href}" target="_blank" style="color:#1e5494;">'
        f"进入下载页面</a>：{href}</div></div></div></div>"
        '<hr style="height:1px;border:none;border-top:1px solid #ccc;"></div>'
    )


def qq_transfer() -> Built:
    """QQ mail 超大附件 (文件中转站), the mail.qq.com/cgi-bin/ftnExs_download shape."""
    big = QQ_CLASSIC_FILE
    url = qq_classic_url(big)
    note = f"({big.size_text}, {cn_time(big.expires)} 到期)"
    html = (
        "<div>市新闻办：</div><div>发布会现场视频用QQ邮箱中转站发送。</div><div><br></div>"
        + qq_classic_block(big)
    )
    text = (f"市新闻办：\n发布会现场视频用QQ邮箱中转站发送。\n\n\n从QQ邮箱发来的超大附件\n\n"
            f"{big.name} {note}进入下载页面：{url}\n")
    outer = "----=_NextPart_603C7E21_0A1B2C3D_4E5F6071"
    inner = "----=_NextPart_603C7E21_0A1B2C3D_51627384"
    message_id = "<tencent_1F2E3D4C5B6A79880796A5B4C3D2E1F00A08@qq.com>"
    alternative = part([f'Content-Type: multipart/alternative;\r\n\tboundary="{inner}";'],
                       CRLF + _qq_alternative(inner, text, html))
    body = multipart(outer, [alternative], "This is a multi-part message in MIME format.\n")
    raw = part(_qq_headers("发布会现场视频", outer, message_id), body)
    link = LinkedFile(name=big.name, url=url, size=big.size, size_text=big.size_text,
                      expires=big.expires, provider="qq")
    return raw, Expected(
        subject="发布会现场视频", sender_name=QQ_SENDER_NAME, sender_address=QQ_SENDER_ADDRESS,
        links=(link,), message_id=message_id,
        date=datetime(2021, 3, 1, 11, 3, 23, tzinfo=SHANGHAI),
        body_contains="QQ邮箱中转站", client="QQMail, 中转站 (ftnExs_download)",
    )


QQ_WX_FILES = (
    BigFile(GBK_ONLY_ZIP, "12.5M", 13107200, datetime(2021, 3, 16, 10, 0, tzinfo=SHANGHAI),
            "9d99e661d02acf1eafea48613463323981c72e64366332394749570757020601045e"),
    BigFile("发布会现场图片.rar", "3.6M", 3774874, datetime(2021, 3, 16, 10, 0, tzinfo=SHANGHAI),
            "c7cc0d636717e739f5bf4a6363373265e9025b63613732651d1c0550575104565b05"),
)


def _qq_wx_url(big: BigFile) -> str:
    return (f"https://wx.mail.qq.com/ftn/download?func=3&k={big.key}&key={big.key}"
            "&code=bffa6c29&fweb=1&cl=1")


def qq_wx_block(files: Sequence[BigFile]) -> str:
    """The QQ 中转站 block with wx.mail.qq.com/ftn/download links, one table row per file."""
    rows = "".join(
        "<tr>"
        '<td style="width:40px;padding:6px 4px;"><img width="32" height="32"'
        ' src="https://rescdn.qqmail.com/zh_CN/htmledition/images/xdisk/ico_mid/fu_zip.gif"></td>'
        '<td style="padding:6px 4px;font-size:12px;">'
        f'<a href="{_qq_wx_url(b).replace("&", "&amp;")}" target="_blank"'
        f' style="color:#000;text-decoration:none;font-size:14px;">{b.name}</a>'
        f' <span style="color:#a0a0a0;">({b.size_text})</span><br>'
        f'<span style="color:#a0a0a0;">到期时间：{cn_time(b.expires)}</span></td>'
        "</tr>"
        for b in files
    )
    return (
        '<div id="QQMailBigAttach" style="margin:15px 0;background:#e8f0f6;padding:2px;">'
        '<table cellpadding="0" cellspacing="0" style="width:100%;background:#fff;">'
        '<tr><td colspan="2" style="padding:6px 8px;font-size:14px;">'
        "<b>从QQ邮箱发来的超大附件</b></td></tr>"
        + rows + "</table></div>"
    )


def qq_transfer_wx() -> Built:
    """QQ mail 中转站, newer wx.mail.qq.com/ftn/download links in a table, 到期时间 below."""
    html = "<div>市新闻办：</div><div>材料较大，已通过中转站发送。</div>" + qq_wx_block(QQ_WX_FILES)
    text = "市新闻办：\n材料较大，已通过中转站发送。\n\n从QQ邮箱发来的超大附件\n" + "".join(
        f"{b.name} ({b.size_text}) 到期时间：{cn_time(b.expires)} 下载地址：{_qq_wx_url(b)}\n"
        for b in QQ_WX_FILES
    )
    outer = "----=_NextPart_603C8F00_1A2B3C4D_5E6F7081"
    inner = "----=_NextPart_603C8F00_1A2B3C4D_92A3B4C5"
    message_id = "<tencent_AB12CD34EF56AB78CD90EF12AB34CD56EF07@qq.com>"
    alternative = part([f'Content-Type: multipart/alternative;\r\n\tboundary="{inner}";'],
                       CRLF + _qq_alternative(inner, text, html))
    body = multipart(outer, [alternative])
    raw = part(_qq_headers(QQ_SUBJECT, outer, message_id), body)
    links = tuple(
        LinkedFile(name=b.name, url=_qq_wx_url(b), size=b.size, size_text=b.size_text,
                   expires=b.expires, provider="qq")
        for b in QQ_WX_FILES
    )
    return raw, Expected(
        subject=QQ_SUBJECT, sender_name=QQ_SENDER_NAME, sender_address=QQ_SENDER_ADDRESS,
        links=links, message_id=message_id, date=datetime(2021, 3, 1, 11, 3, 23, tzinfo=SHANGHAI),
        body_contains="已通过中转站发送", client="QQMail, 中转站 (wx.mail.qq.com)",
    )


# --- odd and broken messages ---------------------------------------------------------------


def no_message_id(attachments: Attachments | None = None) -> Built:
    """A script on an office PC sending UTF-8 words and no Message-ID at all."""
    files = list(attachments) if attachments is not None else default_attachments(REGISTRATION)
    boundary = "===============8512365570118234592=="
    subject = "【市住建局】新闻发布会登记表"
    parts = [part(['Content-Type: text/plain; charset="utf-8"', "MIME-Version: 1.0",
                   "Content-Transfer-Encoding: base64"],
                  b64_body("市新闻办：登记表见附件。\n".encode()))]
    for name, data in files:
        word = b_word(name, "utf-8")
        parts.append(part([
            "Content-Type: application/octet-stream", "MIME-Version: 1.0",
            "Content-Transfer-Encoding: base64",
            f'Content-Disposition: attachment; filename="{word}"',
        ], b64_body(data)))
    headers = [
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "MIME-Version: 1.0",
        f"From: {b_word('市住建局', 'utf-8')} <zjj@wuhu.gov.cn>",
        f"To: {PRESS_OFFICE}",
        f"Subject: {b_word(subject, 'utf-8')}",
        "Date: Wed, 03 Mar 2021 09:00:00 +0800",
    ]
    raw = part(headers, multipart(boundary, parts))
    return raw, Expected(
        subject=subject, sender_name="市住建局", sender_address="zjj@wuhu.gov.cn",
        attachments=tuple(n for n, _ in files), date=datetime(2021, 3, 3, 9, 0, tzinfo=SHANGHAI),
        body_contains="登记表见附件", defects=("Message-ID",), client="script without Message-ID",
    )


def truncated() -> Built:
    """A Foxmail message cut off in the middle of its third attachment's base64."""
    raw, expected = foxmail(default_attachments(REGISTRATION, RELEASE, QA))
    name_word = b_word(QA, "gb2312", "gb18030").encode()
    start = raw.index(b"Content-Disposition: attachment;\r\n\tfilename=\"" + name_word)
    cut = raw.index(CRLF + CRLF, start) + 4 + 150  # 150 characters into the base64
    return raw[:cut], replace(expected, defects=("截断",), client="truncated Foxmail")


def no_headers() -> Built:
    """Text pasted into a file: no header block at all."""
    raw = crlf("市新闻办：\n    这是发布稿正文，没有邮件头。\n").encode("utf-8")
    return raw, Expected(subject="", sender_name="", sender_address="",
                         body_contains="没有邮件头", defects=("邮件头",), client="no headers")


def bad_boundary() -> Built:
    """A gateway rewrote the declared boundary; the parts still use the old one."""
    raw, expected = coremail()
    declared = b'boundary="----=_Part_301234_1894563721.1614579605123"'
    raw = raw.replace(declared, b'boundary="----=_Part_999999_0000000000.1614579605123"', 1)
    return raw, replace(expected, defects=("分隔线",), client="wrong boundary")


def missing_boundary() -> Built:
    """multipart/mixed declared without any boundary parameter."""
    raw, expected = qq_webmail()
    raw = raw.replace(b'multipart/mixed;\r\n\tboundary="----=_NextPart_603C5A8B_0F2E8C70_4A1B2C3D"',
                      b"multipart/mixed", 1)
    return raw, replace(expected, defects=("分隔线",), client="no boundary")


BUILDERS: dict[str, Callable[[], tuple[bytes, Expected]]] = {
    "foxmail": foxmail,
    "outlook": outlook,
    "qq_webmail": qq_webmail,
    "coremail": coremail,
    "raw_8bit": raw_8bit,
    "rfc2231": rfc2231,
    "forwarded": forwarded,
    "forwarded_eml": forwarded_eml,
    "inline_and_pictures": inline_and_pictures,
    "netease_large": netease_large,
    "qq_transfer": qq_transfer,
    "qq_transfer_wx": qq_transfer_wx,
    "no_message_id": no_message_id,
    "truncated": truncated,
    "no_headers": no_headers,
    "bad_boundary": bad_boundary,
    "missing_boundary": missing_boundary,
}
"""Every corpus message by name; each call builds it afresh."""

MALFORMED = ("truncated", "no_headers", "bad_boundary", "missing_boundary")
