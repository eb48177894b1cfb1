"""Outlook's winmail.dat (TNEF, application/ms-tnef; issue 17): Outlook with Exchange,
writing in RTF, wraps a message's attachments in one winmail.dat.  pressdocs opens it as a
package whose members are those attachments, named as Outlook named them (the UTF-16 long
name, else the title in the message's code page: GBK for Chinese Outlook), and shows each
as ``winmail.dat/NAME``; a winmail.dat it cannot read is PD902, naming the file and asking
the unit to send as 纯文本/HTML.

The TNEF files here are written by :func:`tnef`, from MS-OXTNEF (signature, legacy key,
attributes with checksums; attRendData, attAttachTitle, attAttachData and an attAttachment
block of MAPI properties), and read back by tnefparse, an independent reader.
"""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import tnefparse
from hypothesis import given, settings
from hypothesis import strategies as st

import mailcorpus as corpus
from cli_support import json_of
from pressdocs import schemas
from pressdocs._archives import open_archive, open_package, sniff_archive
from pressdocs._sniff import TNEF, sniff_media_type
from pressdocs.errors import ParseError, PressdocsError
from submissions import press_release_docx, registration_docx

# --- a TNEF writer (MS-OXTNEF) ------------------------------------------------------------

SIGNATURE = struct.pack("<I", 0x223E9F78)
MESSAGE, ATTACHMENT = 1, 2
# attribute types (atp*)
ATP_STRING, ATP_WORD, ATP_BYTE, ATP_DWORD = 0x0001, 0x0007, 0x0006, 0x0008
# attributes: (id, type)
ATT_TNEF_VERSION = (0x9006, ATP_DWORD)
ATT_OEM_CODEPAGE = (0x9007, ATP_BYTE)
ATT_MESSAGE_CLASS = (0x8008, ATP_WORD)
ATT_MSG_PROPS = (0x9003, ATP_BYTE)
ATT_REND_DATA = (0x9002, ATP_BYTE)
ATT_ATTACH_TITLE = (0x8010, ATP_STRING)
ATT_ATTACH_DATA = (0x800F, ATP_BYTE)
ATT_ATTACHMENT = (0x9005, ATP_BYTE)
# MAPI property types and ids
PT_LONG, PT_STRING8, PT_UNICODE, PT_BINARY = 0x0003, 0x001E, 0x001F, 0x0102
PR_ATTACH_METHOD = 0x3705
PR_ATTACH_LONG_FILENAME = 0x3707
PR_INTERNET_CPID = 0x3FDE
PR_RTF_COMPRESSED = 0x1009


def attribute(level: int, which: tuple[int, int], data: bytes) -> bytes:
    """One attribute: level, id and type, length, data, checksum (sum of the bytes)."""
    ident, kind = which
    return (struct.pack("<BII", level, kind << 16 | ident, len(data)) + data
            + struct.pack("<H", sum(data) & 0xFFFF))


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def mapi_props(props: list[tuple[int, int, Any]]) -> bytes:
    """A block of MAPI properties: count, then each ``type id value`` (values padded to
    four bytes; strings and binaries with a count of one and their length)."""
    out = struct.pack("<I", len(props))
    for ptype, pid, value in props:
        out += struct.pack("<HH", ptype, pid)
        if ptype == PT_LONG:
            out += struct.pack("<i", value)
            continue
        if ptype == PT_UNICODE:
            raw = (value + "\0").encode("utf-16-le")
        elif ptype == PT_STRING8:
            raw = value + b"\0"
        else:
            raw = value
        out += struct.pack("<II", 1, len(raw)) + _padded(raw)
    return out


@dataclass
class Attached:
    data: bytes
    title: bytes = b""  # attAttachTitle, in the message's code page
    long_name: str | None = None  # PR_ATTACH_LONG_FILENAME, written as UTF-16LE


def tnef(attachments: list[Attached], *, codepage: int | None = 936,
         internet_codepage: int | None = None, rtf_body: bytes = b"") -> bytes:
    """A winmail.dat as Outlook writes it: version, OEM code page, message class, the
    message's MAPI properties, then each attachment."""
    out = SIGNATURE + struct.pack("<H", 0x1B2C)  # legacy key: any value
    out += attribute(MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    if codepage is not None:
        out += attribute(MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", codepage, 0))
    out += attribute(MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\0")
    props: list[tuple[int, int, Any]] = []
    if internet_codepage is not None:
        props.append((PT_LONG, PR_INTERNET_CPID, internet_codepage))
    if rtf_body:
        props.append((PT_BINARY, PR_RTF_COMPRESSED, rtf_body))
    if props:
        out += attribute(MESSAGE, ATT_MSG_PROPS, mapi_props(props))
    for att in attachments:
        out += attribute(ATTACHMENT, ATT_REND_DATA, struct.pack("<HiiHHI", 1, -1, 0, 1, 1, 0))
        if att.title:
            out += attribute(ATTACHMENT, ATT_ATTACH_TITLE, att.title + b"\0")
        out += attribute(ATTACHMENT, ATT_ATTACH_DATA, att.data)
        block: list[tuple[int, int, Any]] = [(PT_LONG, PR_ATTACH_METHOD, 1)]
        if att.long_name is not None:
            block.append((PT_UNICODE, PR_ATTACH_LONG_FILENAME, att.long_name))
        out += attribute(ATTACHMENT, ATT_ATTACHMENT, mapi_props(block))
    return out


TITLE = "2021年一季度全市经济运行情况新闻发布会"
LONG_NAME = "2021年一季度全市经济运行情况新闻发布会登记表（市统计局）.docx"
SHORT_TITLE = "登记表~1.doc"  # the 8.3 title Outlook writes beside a long name


@cache
def _registration() -> bytes:
    return registration_docx(title=TITLE, unit="市统计局", when="2021年4月20日上午9:30")


@cache
def _release() -> bytes:
    return press_release_docx("一季度全市经济运行情况")


def _winmail() -> bytes:
    """The registration under its UTF-16 long name, the press release under its GBK
    title only."""
    return tnef([
        Attached(_registration(), title=SHORT_TITLE.encode("gbk"), long_name=LONG_NAME),
        Attached(_release(), title="发布稿.docx".encode("gbk")),
    ])


# --- the writer, checked by an independent reader ------------------------------------------

def test_the_writer_is_read_by_tnefparse() -> None:
    data = _winmail()
    parsed = tnefparse.TNEF(data, do_checksum=True)
    assert all(obj.good_checksum for obj in parsed.objects)
    assert parsed.codepage == "cp936"
    first, second = parsed.attachments
    assert first.long_filename() == LONG_NAME
    assert first.data == _registration()
    # tnefparse keeps a title as the bytes written: GBK, as Chinese Outlook writes it
    assert second._name.rstrip(b"\0").decode("gbk") == "发布稿.docx"
    assert second.data == _release()


# --- opening it ----------------------------------------------------------------------------

def test_recognised_by_signature_and_by_name() -> None:
    data = _winmail()
    assert sniff_archive(data) == "tnef"
    assert sniff_media_type(data, "anything.bin") == TNEF
    assert sniff_archive(b"not tnef at all", "WINMAIL.DAT") == "tnef"
    assert sniff_archive(b"not tnef at all", "材料/winmail.dat") == "tnef"
    assert sniff_archive(b"not tnef at all", "winmail.txt") is None


def test_attachments_are_members_named_as_outlook_named_them() -> None:
    members = open_archive(_winmail(), "winmail.dat")
    assert [(m.container, m.path) for m in members] == [
        ("winmail.dat", LONG_NAME),  # the long name wins over the 8.3 title
        ("winmail.dat", "发布稿.docx"),  # the GBK title, decoded
    ]
    assert members[0].data == _registration()


def test_title_code_page_from_internet_codepage_then_gb18030() -> None:
    # GB18030-only characters (䶮, CJK Extension A) in a title, no OEM code page given
    name = "刘䶮的材料.docx"
    for kwargs in ({"codepage": None, "internet_codepage": 54936},
                   {"codepage": None, "internet_codepage": None}):
        data = tnef([Attached(b"x" * 10, title=name.encode("gb18030"))], **kwargs)
        assert [m.path for m in open_archive(data, "winmail.dat")] == [name]
    # a Western Outlook's title in cp1252
    data = tnef([Attached(b"x", title="Pressemitteilung-Ä.docx".encode("cp1252"))],
                codepage=1252)
    assert [m.path for m in open_archive(data, "winmail.dat")] == ["Pressemitteilung-Ä.docx"]


def test_inside_a_zip_it_is_opened_in_turn() -> None:
    from archive_fixtures import windows_zip

    package = windows_zip([("转发/winmail.dat", _winmail())])
    opened = open_package(package, "材料.zip")
    assert [(m.container, m.path, m.package) for m in opened.members] == [
        ("材料.zip", "转发/winmail.dat", True),
        ("材料.zip/转发/winmail.dat", LONG_NAME, False),
        ("材料.zip/转发/winmail.dat", "发布稿.docx", False),
    ]


def test_a_forwarded_message_inside_is_a_package_inside() -> None:
    """An Outlook item attached (attach method 5): PR_ATTACH_DATA_OBJ holds IID_IMessage
    and a TNEF stream of its own, opened in turn as a zip inside a zip is."""
    inner = tnef([Attached(_registration(), long_name="登记表.docx")])
    iid = bytes.fromhex("0703020000000000c000000000000046")
    block = mapi_props([(PT_LONG, PR_ATTACH_METHOD, 5),
                        (PT_UNICODE, PR_ATTACH_LONG_FILENAME, "转发：发布会登记"),
                        (PT_BINARY, 0x3701, iid + inner)])
    data = (SIGNATURE + b"\0\0" + attribute(MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", 936, 0))
            + attribute(ATTACHMENT, ATT_REND_DATA, b"\0" * 14)
            + attribute(ATTACHMENT, ATT_ATTACHMENT, block))
    opened = open_package(data, "winmail.dat")
    assert [(m.container, m.path, m.package) for m in opened.members] == [
        ("winmail.dat", "转发：发布会登记", True),
        ("winmail.dat/转发：发布会登记", "登记表.docx", False),
    ]
    assert opened.members[1].data == _registration()


def test_read_from_its_file_as_a_large_one_is(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    path.write_bytes(_winmail())
    members = open_package(path, "winmail.dat").members
    assert [m.path for m in members] == [LONG_NAME, "发布稿.docx"]


def test_two_attachments_of_one_name_are_both_kept() -> None:
    """Outlook allows what a zip does not: the same file attached twice is one file, two
    files of one name are told apart as Windows does when saving them."""
    data = tnef([Attached(b"one", long_name="登记表.docx"), Attached(b"one", long_name="登记表.docx"),
                 Attached(b"two", long_name="登记表.docx"), Attached(b"3", title=b"README")])
    assert [(m.path, m.data) for m in open_archive(data, "winmail.dat")] == [
        ("登记表.docx", b"one"), ("登记表 (2).docx", b"two"), ("README", b"3")]
    data = tnef([Attached(b"a", title=b"README"), Attached(b"b", title=b"README")])
    assert [m.path for m in open_archive(data, "winmail.dat")] == ["README", "README (2)"]


def test_an_unsafe_attachment_name_refuses_it_as_a_zip_would() -> None:
    data = tnef([Attached(b"x", long_name="../../etc/passwd")])
    with pytest.raises(PressdocsError) as info:
        open_archive(data, "winmail.dat")
    assert str(info.value).startswith("winmail.dat：")
    assert "../../etc/passwd" in str(info.value)


@pytest.mark.parametrize("damage", ["truncated", "checksum", "signature"])
def test_a_damaged_winmail_dat_names_it_and_says_how_to_send(damage: str) -> None:
    data = _winmail()
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "checksum":
        data = data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:]
    else:
        data = b"\0\0\0\0" + data[4:]
    with pytest.raises(ParseError) as info:
        open_archive(data, "winmail.dat")
    zh, en = info.value.message.text("zh"), info.value.message.text("en")
    assert str(info.value).startswith("winmail.dat：")  # the file named once, before it
    assert "纯文本" in zh and "HTML" in zh
    assert "Plain Text or HTML" in en


def test_rich_text_body_without_attachments() -> None:
    data = tnef([], rtf_body=b"LZFu" + b"\0" * 12)
    with pytest.raises(ParseError) as info:
        open_archive(data, "winmail.dat")
    zh = info.value.message.text("zh")
    assert "没有附件" in zh and "纯文本" in zh


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_after_the_signature_are_read_or_refused(tail: bytes) -> None:
    try:
        members = open_archive(SIGNATURE + tail, "winmail.dat")
    except PressdocsError as exc:
        assert str(exc).startswith("winmail.dat：")
    else:
        assert all(m.container == "winmail.dat" for m in members)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_damage_anywhere_in_a_real_one_is_read_or_refused(data: st.DataObject) -> None:
    good = tnef([Attached(b"abc" * 20, title=b"a.txt", long_name="说明.txt")])
    at = data.draw(st.integers(0, len(good) - 1))
    byte = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(at, len(good)))
    damaged = good[:at] + bytes([byte]) + good[at + 1:cut]
    try:
        members = open_archive(damaged, "winmail.dat")
    except PressdocsError as exc:
        assert str(exc).startswith("winmail.dat")
    else:
        assert len(members) <= 1


@settings(max_examples=300, deadline=2000)
@given(st.binary(max_size=300), st.sampled_from([ATT_ATTACHMENT, ATT_MSG_PROPS]))
def test_any_block_of_mapi_properties_is_read_or_refused_quickly(block: bytes,
                                                                 where: tuple[int, int]) -> None:
    """The MAPI properties, checksummed as a real writer would: a count or a length that
    lies stops the reading at once (tnefparse loops for hours on a count of 2**32 - 1)."""
    for head in (b"", b"\xff\xff\xff\xff", b"\x01\x00\x00\x00\x02\x10\x05\x37\xff\xff\xff\x7f"):
        level = ATTACHMENT if where == ATT_ATTACHMENT else MESSAGE
        data = (SIGNATURE + b"\0\0" + attribute(ATTACHMENT, ATT_REND_DATA, b"\0" * 14)
                + attribute(level, where, head + block)
                + attribute(ATTACHMENT, ATT_ATTACH_DATA, b"abc"))
        try:
            members = open_archive(data, "winmail.dat")
        except PressdocsError as exc:
            assert str(exc).startswith("winmail.dat")
        else:
            assert len(members) == 1


# --- in a batch ----------------------------------------------------------------------------

def _outlook_with(winmail: bytes) -> bytes:
    raw, _ = corpus.outlook([("winmail.dat", winmail)])
    # Exchange labels the part application/ms-tnef
    return raw.replace(b"Content-Type: application/octet-stream", b"Content-Type: application/ms-tnef")


def _batch(tmp_path: Path, raw: bytes) -> dict[str, Any]:
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "1.eml").write_bytes(raw)
    report = json_of(["--store", str(tmp_path / "store"), "batch", str(tmp_path / "mail"),
                      "--json"])
    schemas.validate("batch", report)
    (entry,) = report["messages"]
    return entry  # type: ignore[no-any-return]


def test_batch_reads_the_registration_inside_winmail_dat(tmp_path: Path) -> None:
    raw = _outlook_with(_winmail())
    assert b"application/ms-tnef" in raw
    entry = _batch(tmp_path, raw)
    documents = [(d["name"], d["kind"], d["origin"], d["package"], d["path"])
                 for d in entry["documents"]]
    assert documents == [
        ("winmail.dat", "package", "attachment", None, None),
        (LONG_NAME, "registration", "package", "winmail.dat", LONG_NAME),
        ("发布稿.docx", "press_release", "package", "winmail.dat", "发布稿.docx"),
    ]
    assert entry["conference"]["title"] == TITLE
    assert entry["documents"][0]["problem"] is None
    assert entry["status"] != "rejected"
    assert "无法识别的文件" not in str(entry)


def test_batch_reports_a_damaged_winmail_dat(tmp_path: Path) -> None:
    data = _winmail()
    entry = _batch(tmp_path, _outlook_with(data[: len(data) // 2]))
    assert "无法识别的文件" not in str(entry)
    (finding,) = [f for f in entry["findings"] if f["code"] == "PD902"]
    text = finding["message"]["zh"]
    assert "winmail.dat" in text and "纯文本" in text and "HTML" in text
    assert finding["location"]["document"] == "winmail.dat"
    # files were sent, and can be sent again: a correction, not a rejection
    assert entry["status"] == "incomplete"
    assert entry["documents"][0]["media_type"] == "application/ms-tnef"


def test_batch_reports_a_winmail_dat_without_its_signature(tmp_path: Path) -> None:
    entry = _batch(tmp_path, _outlook_with(b"\0" * 64 + _winmail()[64:]))
    (finding,) = [f for f in entry["findings"] if f["code"] == "PD902"]
    assert "winmail.dat" in finding["message"]["zh"] and "纯文本" in finding["message"]["zh"]
    assert "无法识别的文件" not in str(entry)
    assert entry["status"] == "incomplete"


def test_batch_opens_a_large_winmail_dat_from_the_store(tmp_path: Path) -> None:
    """A message over 8 MiB is streamed and its large parts go to the store: the
    winmail.dat is opened from its blob there, and its video taken out into the store."""
    video = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom" + random.Random(17).randbytes(9 * 2**20)
    winmail = tnef([Attached(_registration(), long_name="登记表.docx"),
                    Attached(video, title="现场视频.mp4".encode("gbk"))])
    entry = _batch(tmp_path, _outlook_with(winmail))
    documents = [(d["name"], d["kind"], d["package"], d["path"], d["size"])
                 for d in entry["documents"]]
    assert documents == [
        ("winmail.dat", "package", None, None, len(winmail)),
        ("登记表.docx", "registration", "winmail.dat", "登记表.docx", len(_registration())),
        ("现场视频.mp4", "video", "winmail.dat", "现场视频.mp4", len(video)),
    ]
    assert entry["conference"]["title"] == TITLE
    # taken out into the store as it was read, and kept there whole
    sizes = {f.stat().st_size for f in (tmp_path / "store").rglob("*") if f.is_file()}
    assert {len(winmail), len(video)} <= sizes
