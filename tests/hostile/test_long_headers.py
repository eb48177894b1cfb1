"""Header texts of megabytes (issue 14): a Subject or a sender's name as long as the
sender wants is cut where the message is read, before the ledger, JSON or a terminal.

Each kind of header text has one limit (``pressdocs.mail.headers``: ``MAX_SUBJECT``,
``MAX_SENDER_NAME``, ``MAX_ADDRESS``, ``MAX_MESSAGE_ID``, ``MAX_HEADER_NOTE``); the cut
keeps the start, ends with ``…`` and never splits a character.  The message is read in
linear time (the words of a folded header are joined once), nothing else about it
changes: its attachments are read and judged as usual.  A header in raw 8-bit (an
address written in Chinese, RFC 6531) is text too: taken in, never an internal error.
"""

from __future__ import annotations

import base64
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli_support import invoke
from pressdocs.mail.headers import (
    CUT_MARK,
    MAX_ADDRESS,
    MAX_HEADER_NOTE,
    MAX_MESSAGE_ID,
    MAX_SENDER_NAME,
    MAX_SUBJECT,
    shorten_identifier,
    shorten_text,
)
from pressdocs.mail.message import parse_headers, parse_message
from submissions import png, registration_docx

SUBJECT = "【市统计局】关于2021年第一季度全市经济运行情况新闻发布会的登记表及发布材料"
NAME = "芜湖市统计局办公室综合科王芳"


def _folded(text: str, charset: str, kind: str = "B") -> str:
    """``text`` as mailers write a long header: encoded words of at most 75 characters,
    one a line, folded (a character may be split between two words, as Outlook does)."""
    data = text.encode(charset)
    words = []
    step = 45 if kind == "B" else 20
    for at in range(0, len(data), step):
        chunk = data[at:at + step]
        if kind == "B":
            payload = base64.b64encode(chunk).decode("ascii")
        else:
            payload = "".join(f"={b:02X}" for b in chunk)
        words.append(f"=?{charset}?{kind}?{payload}?=")
    return "\r\n ".join(words)


def _long_message(subject: str, name: str, *, message_id: str = "<long-1@wuhu.gov.cn>",
                  date: str = "Thu, 01 Apr 2021 09:00:00 +0800") -> bytes:
    docx = registration_docx(title="2021年第一季度全市经济运行情况新闻发布会", unit="市统计局",
                             when="2021年4月20日上午9:30")
    picture = png(7)
    return (f"From: {_folded(name, 'gb2312')} <tjj_bgs@wuhu.gov.cn>\r\n"
            "To: whxwtg@163.com\r\n"
            f"Subject: {_folded(subject, 'utf-8')}\r\n"
            f"Date: {date}\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
            "--b\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes("您好，登记表请查收。".encode()).decode() +
            "--b\r\nContent-Type: application/vnd.openxmlformats-officedocument"
            ".wordprocessingml.document\r\n"
            "Content-Disposition: attachment; filename*=utf-8''%E7%99%BB%E8%AE%B0%E8%A1%A8.docx"
            "\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(docx).decode() +
            "--b\r\nContent-Type: image/png\r\n"
            'Content-Disposition: attachment; filename="photo1.png"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(picture).decode() + "--b--\r\n").encode("ascii")


def _cut_right(text: str, original: str, limit: int) -> None:
    """``text`` is ``original`` cut to ``limit``: at most the limit, the start kept, marked."""
    assert len(text) <= limit
    assert text.endswith(CUT_MARK)
    assert original.startswith(text[:-len(CUT_MARK)])
    assert len(text) >= limit - 32  # cut at the limit, not far before it


@pytest.mark.parametrize(("repeat", "size"), [
    # a subject of 3.2 MB and a name of 1.5 MB once encoded: the message read in memory
    (20_000, 4_000_000),
    # 9.6 MB and 4.5 MB: a message over the streaming threshold whose header block is
    # more than the skeleton the streaming reader holds (read whole instead)
    (60_000, 12_000_000),
])
def test_a_subject_and_a_name_of_megabytes_are_cut_and_the_message_is_read(
        tmp_path: Path, repeat: int, size: int) -> None:
    subject = SUBJECT * repeat  # 40 characters, 3 bytes each in UTF-8
    name = NAME * repeat * 2  # 14 characters, 2 bytes each in GB2312
    eml = tmp_path / "long.eml"
    eml.write_bytes(_long_message(subject, name))
    assert eml.stat().st_size > size
    store = ["--store", str(tmp_path / "store")]

    batch = invoke([*store, "batch", str(eml), "--json"])
    assert batch.exit_code == 0, batch.output
    (outcome,) = json.loads(batch.stdout)["messages"]
    listed = json.loads(invoke([*store, "submissions", "list", "--json"]).stdout)
    (row,) = listed["submissions"]
    shown = json.loads(invoke([*store, "submissions", "show", row["id"], "--json"]).stdout)

    for seen in (outcome, row, shown):
        _cut_right(seen["subject"], subject, MAX_SUBJECT)
        assert seen["subject"].startswith(SUBJECT)
    for seen in (outcome, shown):
        _cut_right(seen["sender_name"], name, MAX_SENDER_NAME)
    assert shown["sender"] == "tjj_bgs@wuhu.gov.cn"
    assert shown["message_id"] == "<long-1@wuhu.gov.cn>"
    # nothing lost: both attachments read, the form's fields taken, judged as usual
    names = sorted(d["name"] for d in shown["documents"])
    assert names == ["photo1.png", "登记表.docx"]
    assert shown["unit"] == "市统计局" and shown["kind"] == "registration"
    assert not [f for f in shown["findings"] if f["code"] in ("PD900", "PD904")]
    # and the terminal shows the cut text, not megabytes
    text = invoke([*store, "submissions", "show", row["id"]])
    assert text.exit_code == 0 and len(text.stdout) < 20_000
    assert SUBJECT in text.stdout and CUT_MARK in text.stdout


def test_every_header_text_has_its_limit() -> None:
    huge_id = "<" + "a1b2c3" * 200_000 + "@wuhu.gov.cn>"
    other_id = "<" + "a1b2c3" * 200_000 + "@wuhu.gov.cn.>"
    address = "x" * 3_000_000 + "@wuhu.gov.cn"
    date = "Thu, 01 Apr 2021 " + "9" * 2_000_000
    data = (f"From: {_folded(NAME * 20_000, 'gbk', 'Q')} <{address}>\r\n"
            f"Subject: {_folded(SUBJECT * 8_000, 'utf-8', 'Q')}\r\n"
            f"Date: {date}\r\nMessage-ID: {huge_id}\r\n\r\n正文\r\n").encode()
    for parsed in (parse_message(data), parse_headers(data)):
        _cut_right(parsed.subject, SUBJECT * 8_000, MAX_SUBJECT)
        _cut_right(parsed.sender_name, NAME * 20_000, MAX_SENDER_NAME)
        _cut_right(parsed.sender_address, address, MAX_ADDRESS)
        assert len(parsed.message_id) <= MAX_MESSAGE_ID
        assert parsed.message_id.startswith("<a1b2c3a1b2c3") and CUT_MARK in parsed.message_id
        (bad_date,) = [d for d in parsed.defects if d.key == "mail.defect.bad_date"]
        _cut_right(str(bad_date.params["date"]), date, MAX_HEADER_NOTE)
        assert len(bad_date.zh) < 2 * MAX_HEADER_NOTE
    # two long Message-IDs that share their start stay apart
    assert shorten_identifier(huge_id) != shorten_identifier(other_id)
    # what is within its limit is kept exactly
    assert parse_message(_long_message(SUBJECT, NAME)).subject == SUBJECT
    assert parse_message(_long_message(SUBJECT, NAME)).sender_name == NAME


_CLUSTERS = st.sampled_from(["字", "e\u0301", "👩\u200d💻", "🇨🇳", "👍🏽", "❤\ufe0f", "a",
                              "\u1100\u1161\u11a8", "ก\u0e31"])


@given(clusters=st.lists(_CLUSTERS, min_size=1, max_size=40),
       limit=st.integers(min_value=2, max_value=60))
def test_a_cut_never_splits_a_character(clusters: list[str], limit: int) -> None:
    text = "".join(clusters)
    cut = shorten_text(text, limit)
    assert len(cut) <= limit
    if len(text) <= limit:
        assert cut == text
        return
    kept = cut[:-len(CUT_MARK)]
    # what is kept is whole characters: a prefix of the clusters, nothing half
    assert kept in {"".join(clusters[:i]) for i in range(len(clusters) + 1)}
    assert not kept or unicodedata.category(cut[len(kept)]) == "Po"


def test_an_address_and_a_charset_in_raw_8_bit_are_taken_in(tmp_path: Path) -> None:
    eml = tmp_path / "1.eml"
    eml.write_bytes("From: 王芳 <王芳@芜湖.中国>\r\nTo: whxwtg@163.com\r\nSubject: 登记表\r\n"
                    "Date: Thu, 01 Apr 2021 09:00:00 +0800\r\nMIME-Version: 1.0\r\n"
                    'Content-Type: text/plain; charset="简体"\r\n\r\n附件请查收。\r\n'.encode())
    store = ["--store", str(tmp_path / "store")]
    batch = invoke([*store, "batch", str(eml)])
    assert batch.exit_code == 0, batch.output
    (row,) = json.loads(invoke([*store, "submissions", "list", "--json"]).stdout)["submissions"]
    assert (row["sender_name"], row["sender"]) == ("王芳", "王芳@芜湖.中国")
    shown = json.loads(invoke([*store, "submissions", "show", row["id"], "--json"]).stdout)
    assert any("简体" in d["zh"] for d in shown["defects"])  # the label named, as text
