"""parse_message on the corpus: every name, subject, sender and date recovered exactly."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

import mailcorpus as corpus
from pressdocs.mail.message import ParsedMessage, parse_message

CLEAN = [name for name in corpus.BUILDERS if name not in corpus.MALFORMED]


def parsed(name: str) -> tuple[ParsedMessage, corpus.Expected]:
    raw, expected = corpus.BUILDERS[name]()
    return parse_message(raw), expected


@pytest.mark.parametrize("name", list(corpus.BUILDERS))
def test_subject_sender_and_date(name: str) -> None:
    message, expected = parsed(name)
    assert message.subject == expected.subject
    assert (message.sender_name, message.sender_address) == (
        expected.sender_name, expected.sender_address
    )
    assert message.date == expected.date
    assert message.message_id == expected.message_id


@pytest.mark.parametrize("name", list(corpus.BUILDERS))
def test_every_file_name(name: str) -> None:
    message, expected = parsed(name)
    own = tuple(p.filename for p in message.attachments if not p.forwarded)
    inside = tuple(p.filename for p in message.attachments if p.forwarded)
    assert own == expected.attachments
    assert inside == expected.forwarded


@pytest.mark.parametrize("name", list(corpus.BUILDERS))
def test_body_inline_images_and_links(name: str) -> None:
    message, expected = parsed(name)
    assert expected.body_contains in message.text_body + message.html_body
    assert tuple(p.content_id for p in message.parts if p.inline) == expected.inline
    assert tuple(message.linked_files) == expected.links


@pytest.mark.parametrize("name", CLEAN)
def test_clean_messages_have_no_defects_except_expected(name: str) -> None:
    message, expected = parsed(name)
    assert len(message.defects) == len(expected.defects)
    for phrase in expected.defects:
        assert any(phrase in d.zh for d in message.defects), message.defects


@pytest.mark.parametrize("name", corpus.MALFORMED)
def test_malformed_messages_give_chinese_defects(name: str) -> None:
    message, expected = parsed(name)
    assert message.defects
    for phrase in expected.defects:
        assert any(phrase in d.zh for d in message.defects), message.defects


def test_attachment_content_survives_transfer_encoding() -> None:
    files = [(corpus.REGISTRATION, bytes(range(256)) * 7), (corpus.QA, b"\r\n\x00\xff" * 50)]
    for build in (corpus.foxmail, corpus.outlook, corpus.qq_webmail, corpus.coremail,
                  corpus.raw_8bit, corpus.rfc2231, corpus.no_message_id):
        message = parse_message(build(files)[0])
        assert [(p.filename, p.data) for p in message.attachments] == files, build.__name__


def test_bodies_are_decoded_in_their_charset() -> None:
    message, _ = parsed("coremail")  # GBK body with 镕, which GB2312 lacks
    assert "请审批。镕" in message.text_body
    bodies = [p for p in message.parts if p.disposition == "body"]
    assert [(p.content_type, p.charset) for p in bodies] == [
        ("text/plain", "gb18030"), ("text/html", "gb18030")
    ]
    assert "\r\n" not in message.text_body


def test_undeclared_8bit_body_falls_back_to_gb18030() -> None:
    message, _ = parsed("raw_8bit")
    assert "我局新闻发布会登记表见附件" in message.text_body
    assert message.parts[0].charset == "gb18030"


def test_forwarded_message_is_opened() -> None:
    message, expected = parsed("forwarded")
    assert [m.subject for m in message.forwarded] == [expected.extra["forwarded_subject"]]
    inner = message.forwarded[0]
    assert (inner.sender_name, inner.sender_address) == (corpus.SENDER_NAME, corpus.SENDER_ADDRESS)
    assert "转发我局办公室的发布会材料" in message.text_body
    assert "请审核" not in message.text_body  # the inner body stays with the inner message
    assert all(p.forwarded for p in message.parts if p.filename)


def test_eml_attachment_is_opened_as_a_forwarded_message() -> None:
    message, expected = parsed("forwarded_eml")
    assert message.forwarded[0].subject == expected.extra["forwarded_subject"]
    assert not any(p.filename.endswith(".eml") for p in message.parts)


def test_base64_encoded_message_rfc822_is_decoded_first() -> None:
    inner, inner_expected = corpus.qq_webmail()
    raw = corpus.part(
        ["From: zm@wuhu.gov.cn", "Subject: fwd", "Date: Mon, 1 Mar 2021 10:00:00 +0800",
         "Message-ID: <1@x>", 'Content-Type: multipart/mixed; boundary="b"'],
        corpus.multipart("b", [corpus.part(["Content-Type: message/rfc822",
                                            "Content-Transfer-Encoding: base64"],
                                           corpus.b64_body(inner))]),
    )
    message = parse_message(raw)
    assert [p.filename for p in message.attachments] == list(inner_expected.attachments)
    assert message.defects == []


def test_inline_images_are_told_apart_from_attached_pictures() -> None:
    message, _ = parsed("inline_and_pictures")
    by_name = {p.filename or p.content_id: p for p in message.parts if p.disposition != "body"}
    logo = by_name["image001.png"]
    assert logo.inline and logo.content_id == corpus.LOGO_CID
    assert by_name[corpus.SIGNATURE_CID].inline  # declared inline, no name
    second, third = by_name["图片2.jpg"], by_name["图片3.jpg"]
    assert second.content_id and not second.inline  # a Content-ID nobody shows
    assert third.disposition == "inline" and not third.inline  # inline, but not in the body
    assert [p.filename for p in message.attachments] == list(corpus.PICTURES)


def test_raw_header_bytes_are_kept_for_audit() -> None:
    raw, _ = corpus.raw_8bit()
    message = parse_message(raw)
    subject = message.header("subject")
    assert subject is not None
    assert subject.raw == corpus.RAW_SUBJECT.encode("gbk")
    assert subject.text == corpus.RAW_SUBJECT
    assert message.header("X-Mailer") is not None
    assert message.header("X-Nothing") is None


def test_truncated_base64_is_reported() -> None:
    raw, _ = corpus.foxmail(corpus.default_attachments(corpus.RELEASE))
    cut = raw.rindex(b"\r\n------=_001") - 3  # drop the closing boundary and 3 characters
    message = parse_message(raw[:cut])
    assert [p.filename for p in message.attachments] == [corpus.RELEASE]
    assert any("base64" in d.zh and "截断" in d.zh for d in message.defects), message.defects
    assert any("结束分隔线" in d.zh for d in message.defects)


def _with_date(value: str | None) -> bytes:
    date = [f"Date: {value}".encode()] if value is not None else []
    return corpus.part(["From: a@b.cn", "Subject: x", "Message-ID: <1@b>", *date], b"body")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 1 Mar 2021 10:00:00 +0800 (CST)", datetime(2021, 3, 1, 10, tzinfo=corpus.SHANGHAI)),
        ("Mon, 1 Mar 2021 02:00:00 GMT", datetime(2021, 3, 1, 10, tzinfo=corpus.SHANGHAI)),
        ("Mon Mar 01 10:00:00 CST 2021", datetime(2021, 3, 1, 10, tzinfo=corpus.SHANGHAI)),
        ("Mon, 1 Mar 2021 10:00:00", datetime(2021, 3, 1, 10, tzinfo=corpus.SHANGHAI)),
        ("2021-03-01 10:00:00", datetime(2021, 3, 1, 10, tzinfo=corpus.SHANGHAI)),
        ("2021年3月1日 10:00", datetime(2021, 3, 1, 10, tzinfo=corpus.SHANGHAI)),
        ("Mon, 1 Mar 2021 02:00:00 -0000", datetime(2021, 3, 1, 2, tzinfo=UTC)),
    ],
)
def test_dates(value: str, expected: datetime) -> None:
    date = parse_message(_with_date(value)).date
    assert date is not None and date.tzinfo is not None
    assert date == expected


def test_a_date_in_another_zone_keeps_its_offset() -> None:
    date = parse_message(_with_date("Sun, 28 Feb 2021 21:00:00 -0500")).date
    assert date is not None
    assert date.utcoffset() == timedelta(hours=-5)
    assert date == datetime(2021, 3, 1, 10, tzinfo=corpus.SHANGHAI)


@pytest.mark.parametrize(("value", "phrase"), [(None, "没有日期"), ("明天上午", "日期无法识别")])
def test_missing_or_unreadable_date(value: str | None, phrase: str) -> None:
    message = parse_message(_with_date(value))
    assert message.date is None
    assert any(phrase in d.zh for d in message.defects)


def test_empty_and_header_only_input() -> None:
    assert [d.zh for d in parse_message(b"").defects] == ["邮件内容为空"]
    assert [d.zh for d in parse_message(b" \r\n").defects] == ["邮件内容为空"]
    only = parse_message(b"Subject: =?utf-8?B?" + base64.b64encode("登记表".encode()) + b"?=")
    assert only.subject == "登记表"
    assert only.parts and only.parts[0].disposition == "body"


def test_eml_named_file_that_is_not_a_message_stays_an_attachment() -> None:
    raw = corpus.part(
        ["From: a@b.cn", "Subject: x", "Message-ID: <1@b>", "Date: Mon, 1 Mar 2021 10:00:00 +0800",
         'Content-Type: multipart/mixed; boundary="b"'],
        corpus.multipart("b", [corpus.part(
            ['Content-Type: application/octet-stream; name="notes.eml"',
             "Content-Transfer-Encoding: base64"], corpus.b64_body(b"\x00\x01binary"))]),
    )
    message = parse_message(raw)
    assert [(p.filename, p.data) for p in message.attachments] == [("notes.eml", b"\x00\x01binary")]


def test_deep_forwarding_is_cut_with_a_defect() -> None:
    raw, _ = corpus.foxmail()
    for depth in range(12):
        raw = corpus.part(
            ["From: a@b.cn", f"Subject: fwd {depth}", f"Message-ID: <{depth}@b>",
             "Date: Mon, 1 Mar 2021 10:00:00 +0800",
             f'Content-Type: multipart/mixed; boundary="b{depth}"'],
            corpus.multipart(f"b{depth}", [corpus.part(["Content-Type: message/rfc822"], raw)]),
        )
    message = parse_message(raw)
    assert any("转发层数" in d.zh for d in message.defects)


def test_absurdly_deep_nesting_keeps_the_headers() -> None:
    body = b"Content-Type: text/plain\r\n\r\nhello\r\n"
    for i in range(1200):
        body = (f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n'.encode()
                + body + f"\r\n--b{i}--\r\n".encode())
    message = parse_message(b"From: a@b.cn\r\nSubject: deep\r\n" + body)
    assert (message.subject, message.sender_address) == ("deep", "a@b.cn")
    assert any("嵌套过深" in d.zh for d in message.defects)


def test_salvaged_parts_keep_raw_8bit_names() -> None:
    raw, expected = corpus.raw_8bit()
    raw = raw.replace(b'boundary="----=_Part_0_1147985808.1614583800000"', b'boundary="x"', 1)
    message = parse_message(raw)
    assert [p.filename for p in message.attachments] == list(expected.attachments)
    assert "登记表见附件" in message.text_body
    assert any("重新拆分" in d.zh for d in message.defects)
