"""parse_message never raises, whatever happens to a message on the way."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mailcorpus as corpus
from pressdocs import Message
from pressdocs.mail.message import MailPart, ParsedMessage, parse_message

MESSAGES = [build()[0] for build in corpus.BUILDERS.values()]


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A corpus message truncated, with bytes flipped, cut out or inserted."""
    data = bytearray(draw(st.sampled_from(MESSAGES)))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if not data:
            break
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        action = draw(st.sampled_from(["truncate", "flip", "delete", "insert", "duplicate"]))
        if action == "truncate":
            del data[at:]
        elif action == "flip":
            data[at] ^= draw(st.integers(min_value=1, max_value=255))
        elif action == "delete":
            del data[at:at + draw(st.integers(min_value=1, max_value=200))]
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(
                [b"\r\n", b"\r\n\r\n", b"--", b"=?gb2312?B?", b"?=", b'"', b";", b"\xff\xfe",
                 b"Content-Type: multipart/mixed; boundary=x\r\n", b"\x00", b"\xb5\xc7"]
            ))
        else:
            end = min(len(data), at + draw(st.integers(min_value=1, max_value=400)))
            data[end:end] = data[at:end]
    return bytes(data)


def _well_formed(message: ParsedMessage) -> None:
    assert isinstance(message.subject, str)
    assert all(isinstance(p, MailPart) and isinstance(p.data, bytes) for p in message.parts)
    assert all(isinstance(d, Message) and d.key and d.zh and d.en for d in message.defects)
    assert message.date is None or message.date.tzinfo is not None
    # The last-resort net in parse_message must not be what kept it from raising.
    assert not any(d.zh.startswith("邮件无法解析") for d in message.defects), message.defects


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_corpus_messages_never_raise(data: bytes) -> None:
    _well_formed(parse_message(data))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    _well_formed(parse_message(data))


def test_every_truncation_of_one_message_never_raises() -> None:
    raw, _ = corpus.outlook(corpus.default_attachments(corpus.RELEASE))
    for cut in range(0, len(raw), 97):
        _well_formed(parse_message(raw[:cut]))
