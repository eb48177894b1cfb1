"""The corpus keeps the hard shapes real clients send; a drift to easy input fails here."""

from __future__ import annotations

import base64
import re

import pytest

import mailcorpus as corpus


def _header(raw: bytes, name: str) -> bytes:
    match = re.search(rb"(?im)^" + name.encode() + rb":([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", raw)
    assert match, name
    return match.group(1)


def _undecodable_alone(words: list[bytes], codec: str = "gb18030") -> bool:
    for _label, kind, text in words:
        data = base64.b64decode(text) if kind.upper() == b"B" else re.sub(
            rb"=([0-9A-F]{2})", lambda m: bytes([int(m.group(1), 16)]), text.replace(b"_", b" ")
        )
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            return True
    return False


_WORD = re.compile(rb"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")


def test_foxmail_quotes_gb2312_words_holding_gbk_only_characters() -> None:
    raw, _ = corpus.foxmail()
    assert b"X-Mailer: Foxmail 7.2" in raw
    names = re.findall(rb'filename="(=\?gb2312\?B\?[^"]+\?=)"', raw)
    assert len(names) == 4
    zip_word = _WORD.match(names[-1])
    assert zip_word is not None
    with pytest.raises(UnicodeDecodeError):
        base64.b64decode(zip_word.group(3)).decode("gb2312")
    text = re.search(rb'charset="gb2312"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
                     rb"([A-Za-z0-9+/=\r\n]+?)\r\n--", raw)
    assert text is not None
    assert "张喆".encode("gbk") in base64.b64decode(text.group(1))  # in a gb2312-labelled body


def test_outlook_splits_characters_across_folded_q_words() -> None:
    raw, _ = corpus.outlook()
    assert b"X-Mailer: Microsoft Outlook 16.0" in raw
    subject = _header(raw, "Subject")
    assert b"\r\n\t" in subject
    words = _WORD.findall(subject)
    assert len(words) >= 3 and all(kind == b"Q" for _, kind, _ in words)
    assert _undecodable_alone(words)
    filename = re.search(rb'filename="([^"]+)"', raw)
    assert filename is not None and _undecodable_alone(_WORD.findall(filename.group(1)))


def test_qq_labels_gb18030_and_coremail_gbk() -> None:
    qq, _ = corpus.qq_webmail()
    assert b"X-QQ-Mailer: QQMail 2.x" in qq and b"=?gb18030?B?" in qq
    assert b'charset="gb18030"' in qq
    coremail, _ = corpus.coremail()
    assert b"X-Mailer: Coremail Webmail Server" in coremail
    assert b"charset=GBK" in coremail and b'filename="=?GBK?B?' in coremail


def test_raw_8bit_headers_are_really_8bit() -> None:
    raw, expected = corpus.raw_8bit()
    assert _header(raw, "Subject").strip() == expected.subject.encode("gbk")
    assert b'filename="' + "发布稿.docx".encode("gbk") + b'"' in raw
    assert b"Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit" in raw  # no charset


def test_rfc2231_uses_gbk_continuations() -> None:
    raw, _ = corpus.rfc2231()
    assert b"filename*0*=gbk''%" in raw and b"filename*1*=%" in raw
    assert b"filename*=gbk''%CE%CA%B4%F0.doc" in raw


def test_missing_message_id_really_missing() -> None:
    raw, _ = corpus.no_message_id()
    assert b"message-id" not in raw.lower()


@pytest.mark.parametrize("build", [corpus.foxmail, corpus.outlook, corpus.qq_webmail,
                                   corpus.coremail, corpus.raw_8bit, corpus.rfc2231,
                                   corpus.forwarded, corpus.forwarded_eml,
                                   corpus.inline_and_pictures, corpus.netease_large,
                                   corpus.no_message_id])
def test_builders_take_attachments(build: corpus.Callable[..., corpus.Built]) -> None:
    files = [("图片1.jpg", b"\xff\xd8\xffJPEG"), (corpus.GBK_ONLY_ZIP, b"PK\x03\x04zip")]
    raw, expected = build(files)
    assert (expected.attachments or expected.forwarded) == ("图片1.jpg", corpus.GBK_ONLY_ZIP)
    if build is not corpus.forwarded_eml:  # there the message itself is base64 again
        assert base64.b64encode(b"PK\x03\x04zip") in raw
