"""Defects are messages with keys: each kind in both languages, and PD904 decides by the key."""

from __future__ import annotations

import re

import pytest

import mailcorpus as corpus
from pressdocs import Message
from pressdocs._messages import catalogue
from pressdocs.mail import HARMLESS_DEFECTS, is_harmless, parse_message
from pressdocs.mail.defects import STDLIB_DEFECTS, stdlib_defect
from pressdocs.models import Severity, Submission
from pressdocs.rules.documents import MalformedMessage
from rules_support import check

CJK = re.compile(r"[\u4e00-\u9fff]")
DEFECT_KEYS = sorted(k for k in catalogue("zh") if k.startswith("mail.defect."))


def _message(headers: list[str | bytes], body: bytes = b"hello") -> bytes:
    return corpus.part(headers, body)


_HEADERS: list[str | bytes] = ["From: a@b.cn", "Subject: x", "Date: Mon, 1 Mar 2021 10:00:00 +0800",
            "Message-ID: <1@b>"]

# A raw message for each kind of defect pressdocs itself notes (the stdlib's are below).
PROVOKED: dict[str, bytes] = {
    "mail.defect.empty": b"",
    "mail.defect.no_headers": b"\r\njust a body\r\n",
    "mail.defect.no_sender": _message(_HEADERS[1:]),
    "mail.defect.no_date": _message([_HEADERS[0], _HEADERS[1], _HEADERS[3]]),
    "mail.defect.bad_date": _message([*_HEADERS[:2], "Date: 明天上午".encode(), _HEADERS[3]]),
    "mail.defect.no_message_id": _message(_HEADERS[:3]),
    "mail.defect.unreadable_subject": _message(
        [_HEADERS[0], b"Subject: \xff\xfe\x80\xff", *_HEADERS[2:]]),
    "mail.defect.charset_mislabelled": _message(
        [*_HEADERS, "Content-Type: text/plain; charset=utf-8"], "登记表见附件".encode("gbk")),
    "mail.defect.unreadable_body": _message(
        [*_HEADERS, "Content-Type: text/plain; charset=utf-8"], b"\xff\xfe\xfd\x80 ok"),
    "mail.defect.base64_truncated": _message(
        [*_HEADERS, 'Content-Type: application/pdf; name="a.pdf"',
         "Content-Transfer-Encoding: base64"], b"JVBERi0xLjcK" + b"QUJD" * 10 + b"QU"),
}


def _kinds(raw: bytes) -> set[str]:
    return {d.key for d in parse_message(raw).defects}


@pytest.mark.parametrize("key", list(PROVOKED))
def test_each_defect_pressdocs_notes_has_its_key(key: str) -> None:
    assert key in _kinds(PROVOKED[key])


@pytest.mark.parametrize("cls", STDLIB_DEFECTS)
def test_each_stdlib_defect_has_a_key_of_its_own(cls: type) -> None:
    defect = stdlib_defect(cls())
    assert defect.key.startswith("mail.defect.") and defect.key != "mail.defect.other"


def test_a_defect_the_stdlib_adds_later_is_still_named() -> None:
    class NewDefect(Exception):
        pass

    defect = stdlib_defect(NewDefect())  # type: ignore[arg-type]
    assert defect.key == "mail.defect.other"
    assert "NewDefect" in defect.zh and "NewDefect" in defect.en


@pytest.mark.parametrize("key", DEFECT_KEYS)
def test_every_defect_kind_reads_in_english_without_chinese(key: str) -> None:
    params = {name: f"<{name}>" for name in re.findall(r"\{(\w+)", catalogue("en")[key])}
    defect = Message.of(key, **params)
    assert defect.key == key and defect.en and defect.zh != defect.en
    assert not CJK.search(defect.en), defect.en
    assert CJK.search(defect.zh), defect.zh


def test_defects_of_real_mail_come_in_both_languages() -> None:
    raw, _ = corpus.foxmail(corpus.default_attachments(corpus.RELEASE))
    cut = raw.rindex(b"\r\n------=_001") - 3
    defects = parse_message(raw[:cut]).defects
    assert {"mail.defect.truncated", "mail.defect.base64_truncated"} <= {d.key for d in defects}
    truncated = next(d for d in defects if d.key == "mail.defect.base64_truncated")
    assert truncated.params["part"]["key"] == "mail.part.attachment"
    assert f'attachment "{corpus.RELEASE}"' in truncated.en and "截断" in truncated.zh
    for defect in defects:
        assert not CJK.search(defect.en.replace(corpus.RELEASE, "")), defect.en


def test_the_same_defect_is_noted_once_and_another_fact_again() -> None:
    def forwarding(*subjects: str) -> bytes:
        inner = [corpus.part(["Content-Type: message/rfc822"],
                             _message([_HEADERS[0], f"Subject: {s}", _HEADERS[2]]))
                 for s in subjects]  # none has a Message-ID
        return _message([*_HEADERS, 'Content-Type: multipart/mixed; boundary="b"'],
                        corpus.multipart("b", inner))

    assert [d.params["subject"] for d in parse_message(forwarding("x", "x")).defects] == ["x"]
    assert [d.params["subject"] for d in parse_message(forwarding("x", "y")).defects] == ["x", "y"]


def test_a_forwarded_messages_defect_is_wrapped_and_keeps_its_own_key() -> None:
    inner = _message(_HEADERS[:3], b"inner")  # no Message-ID
    raw = _message([*_HEADERS, 'Content-Type: multipart/mixed; boundary="b"'],
                   corpus.multipart("b", [corpus.part(["Content-Type: message/rfc822"], inner)]))
    [wrapped] = parse_message(raw).defects
    assert wrapped.key == "mail.defect.forwarded"
    assert wrapped.params["defect"]["key"] == "mail.defect.no_message_id"
    assert wrapped.en == ('forwarded message "x": the message has no Message-ID; a resent '
                          "copy can only be recognised by its content")
    assert is_harmless(wrapped)


# --- PD904 ---------------------------------------------------------------------------------


def _pd904(*defects: Message) -> list[Message]:
    sub = Submission(id="s1", subject="【市统计局】材料", defects=list(defects))
    findings = check(MalformedMessage(), sub)
    assert all(f.code == "PD904" and f.severity is Severity.WARNING for f in findings)
    return [f.message for f in findings]


def test_harmless_defects_are_named_by_key() -> None:
    assert {"mail.defect.no_message_id", "mail.defect.charset_mislabelled"} == HARMLESS_DEFECTS
    assert all(k in catalogue("zh") and k in catalogue("en") for k in HARMLESS_DEFECTS)


def test_pd904_follows_the_key_not_the_words() -> None:
    # Harmless by its key, though its text has none of the words the old check looked for.
    quiet = Message(key="mail.defect.no_message_id", zh="缺少邮件标识", en="no id")
    # Harmful by its key, though its text mentions Message-ID.
    loud = Message(key="mail.defect.truncated", zh="邮件 Message-ID 之后被截断，实际内容按原样",
                   en="cut off after the Message-ID")
    found = _pd904(quiet, loud)
    assert [m.params["defect"]["key"] for m in found] == ["mail.defect.truncated"]
    assert not is_harmless(loud) and is_harmless(quiet)


def test_pd904_ignores_a_harmless_defect_of_a_forwarded_message() -> None:
    forwarded = Message.of("mail.defect.forwarded", subject="转发：材料",
                           defect=Message.of("mail.defect.charset_mislabelled",
                                             declared="gb2312", decoded="utf-8"))
    harmful = Message.of("mail.defect.forwarded", subject="转发：材料",
                         defect=Message.of("mail.defect.no_date"))
    assert [m.params["defect"]["params"]["defect"]["key"] for m in _pd904(forwarded, harmful)] \
        == ["mail.defect.no_date"]


def test_pd904_names_the_defect_in_each_language() -> None:
    [finding] = _pd904(Message.of("mail.defect.truncated"))
    assert finding.key == "PD904.malformed"
    assert finding.zh == ("邮件格式有问题：邮件缺少结束分隔线，可能在传输中被截断，"
                          "最后一个附件可能不完整")
    assert finding.en == ("the message is malformed: the message lacks its closing boundary: it "
                          "may have been cut off in transit, and the last attachment may be "
                          "incomplete")
    assert not CJK.search(finding.en)


def test_pd904_title_is_in_both_catalogues() -> None:
    title = MalformedMessage().title
    assert title.zh == catalogue("zh")["PD904.title"] == "邮件本身格式有问题（可能被截断，附件可能不完整）"
    assert title.en == catalogue("en")["PD904.title"]
