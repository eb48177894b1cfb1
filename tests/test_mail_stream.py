"""The streaming front end against the stdlib parser: same message, same result, less memory.

Every comparison parses the same bytes twice — whole with ``parse_message`` and streamed
with ``parse_stream`` — and requires the same subject, sender, names, bodies, defects and,
for each part the stream spilled to the store, the same decoded bytes in the blob.  Small
read sizes put boundaries astride two reads; small keep limits spill nearly every part.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import io
import quopri
import random
import re
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import mailcorpus as corpus
from pressdocs.mail.message import MailPart, ParsedMessage, parse_message
from pressdocs.mail.stream import (
    SpilledPart,
    StreamedMessage,
    StreamLimits,
    parse_bytes,
    parse_stream,
)
from pressdocs.mail.transfer import Decoder, decoder_for
from pressdocs.store.blobs import BlobStore

HEAD, TAIL = 7, 5


@pytest.fixture(scope="module")
def blobs(tmp_path_factory: pytest.TempPathFactory) -> BlobStore:
    return BlobStore(tmp_path_factory.mktemp("blobs"))


def limits(buffer_size: int, keep: int, **more: int) -> StreamLimits:
    return StreamLimits(buffer_size=buffer_size, keep_part=keep, keep_total=keep,
                        head_size=HEAD, tail_size=TAIL, **more)


def stream(raw: bytes, blobs: BlobStore, lim: StreamLimits) -> StreamedMessage:
    return parse_stream(io.BytesIO(raw), blobs.writer, limits=lim)


def materialize(msg: ParsedMessage, blobs: BlobStore, lim: StreamLimits) -> ParsedMessage:
    """``msg`` with each spilled part replaced by a plain part holding its blob's bytes,
    after checking what the spilled part says about them."""
    parts: list[MailPart] = []
    for part in msg.parts:
        if isinstance(part, SpilledPart):
            data = blobs.get(part.sha256)
            assert part.size == len(data) == part.full_size
            assert part.data == data[: lim.head_size]
            assert part.tail == data[-lim.tail_size:]
            values = {f.name: getattr(part, f.name) for f in dataclasses.fields(MailPart)}
            part = MailPart(**{**values, "data": data})
        parts.append(part)
    return dataclasses.replace(msg, parts=parts,
                               forwarded=[materialize(f, blobs, lim) for f in msg.forwarded])


def assert_same(raw: bytes, blobs: BlobStore, lim: StreamLimits) -> StreamedMessage:
    """Streamed into the store and decoded in memory, ``raw`` reads as the stdlib reads it."""
    result = stream(raw, blobs, lim)
    whole = parse_message(raw)
    streamed = materialize(result.message, blobs, lim)
    in_memory = parse_bytes(raw, limits=lim)
    assert not any(isinstance(p, SpilledPart) for p in in_memory.parts)
    for f in dataclasses.fields(ParsedMessage):
        assert getattr(streamed, f.name) == getattr(whole, f.name), f.name
        assert getattr(in_memory, f.name) == getattr(whole, f.name), f.name
    return result


def spilled_count(msg: ParsedMessage) -> int:
    return sum(isinstance(p, SpilledPart) for p in msg.parts)


# --- the corpus of real clients' shapes -------------------------------------------------------


@pytest.mark.parametrize("name", list(corpus.BUILDERS))
@pytest.mark.parametrize(("buffer_size", "keep"), [(1, 0), (7, 0), (64, 100), (4096, 0),
                                                   (1 << 20, 1 << 20)])
def test_corpus_streamed_equals_stdlib(name: str, buffer_size: int, keep: int,
                                       blobs: BlobStore) -> None:
    raw, _ = corpus.BUILDERS[name]()
    result = assert_same(raw, blobs, limits(buffer_size, keep))
    assert result.streamed, result.reason  # the fast path itself, not the fallback


# With the declared boundary wrong or missing, the parts are found only by the stdlib's
# salvage of the skeleton; the stream copies such a message as it is (see the degrade tests).
_SPLITTABLE = [n for n in corpus.BUILDERS if corpus.BUILDERS[n]()[1].attachments
               and n not in ("bad_boundary", "missing_boundary")]


@pytest.mark.parametrize("name", _SPLITTABLE)
def test_corpus_attachments_go_to_the_store_when_large(name: str, blobs: BlobStore) -> None:
    raw, expected = corpus.BUILDERS[name]()
    result = stream(raw, blobs, limits(13, 0))
    spilled = [p for p in result.message.attachments if isinstance(p, SpilledPart)]
    assert [p.filename for p in spilled] == [
        p.filename for p in result.message.attachments if not p.forwarded]
    assert tuple(p.filename for p in spilled) == expected.attachments


def test_parse_bytes_decodes_large_parts_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path in memory: no attachment's base64 goes through the stdlib parser."""
    import email.feedparser

    raw, expected = corpus.foxmail([(n, corpus.placeholder(n, 20_000)) for n in corpus.PICTURES])
    lines = []
    readline = email.feedparser.BufferedSubFile.readline

    def counting(self: email.feedparser.BufferedSubFile) -> object:
        lines.append(1)
        return readline(self)

    monkeypatch.setattr(email.feedparser.BufferedSubFile, "readline", counting)
    msg = parse_bytes(raw)
    assert tuple(p.filename for p in msg.attachments) == expected.attachments
    assert [p.data for p in msg.attachments] == [
        corpus.placeholder(n, 20_000) for n in corpus.PICTURES]
    assert len(lines) < 200 < raw.count(b"\n")


def test_spilled_parts_of_a_forwarded_message(blobs: BlobStore) -> None:
    raw, expected = corpus.forwarded()
    result = assert_same(raw, blobs, limits(5, 0))
    inside = [p for p in result.message.parts if p.forwarded and p.is_file]
    assert tuple(p.filename for p in inside) == expected.forwarded
    assert all(isinstance(p, SpilledPart) for p in inside)
    assert all(isinstance(p, SpilledPart) for p in result.message.forwarded[0].attachments)


# --- hypothesis: variations of the corpus ----------------------------------------------------

def _reflow_base64(raw: bytes, width: int) -> bytes:
    """Re-wrap every run of base64-looking lines at ``width`` characters."""
    out: list[bytes] = []
    run: list[bytes] = []

    def flush() -> None:
        if len(run) >= 2:
            eol = run[0][len(run[0].rstrip(b"\r\n")):]
            last_eol = run[-1][len(run[-1].rstrip(b"\r\n")):]
            text = b"".join(line.rstrip(b"\r\n") for line in run)
            out.append(eol.join(text[i:i + width] for i in range(0, len(text), width)) + last_eol)
        else:
            out.extend(run)
        run.clear()

    for line in raw.splitlines(keepends=True):
        if re.fullmatch(rb"[A-Za-z0-9+/=]{4,}", line.rstrip(b"\r\n")):
            run.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return b"".join(out)


@st.composite
def corpus_variants(draw: st.DrawFn) -> bytes:
    raw, _ = corpus.BUILDERS[draw(st.sampled_from(sorted(corpus.BUILDERS)))]()
    if draw(st.booleans()):
        raw = raw.replace(b"\r\n", b"\n")
    if draw(st.booleans()):
        raw = _reflow_base64(raw, draw(st.integers(1, 200)))
    if draw(st.booleans()):  # blanks after delimiter lines, as some gateways add
        lines = raw.split(b"\n")
        for i, line in enumerate(lines):
            if line.startswith(b"--") and draw(st.integers(0, 3)) == 0:
                eol = b"\r" if line.endswith(b"\r") else b""
                lines[i] = line.rstrip(b"\r") + draw(st.sampled_from([b" ", b"\t", b"  \t"])) + eol
        raw = b"\n".join(lines)
    if draw(st.integers(0, 4)) == 0:  # cut short, as a broken transfer leaves it
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=corpus_variants(), buffer_size=st.integers(1, 300),
       keep=st.sampled_from([0, 1, 40, 300, 1 << 20]))
def test_fuzz_corpus_variants(raw: bytes, buffer_size: int, keep: int,
                              tmp_path_factory: pytest.TempPathFactory) -> None:
    blobs = BlobStore(tmp_path_factory.getbasetemp() / "fuzz-blobs")
    assert_same(raw, blobs, limits(buffer_size, keep))


# --- hypothesis: made-up MIME trees with tricky content --------------------------------------

_TRICKY = [b"--", b"\r", b"\n", b"\r\n", b"-", b"=", b"=\r\n", b" ", b"\t", b"\x00", b"\xff",
           b"From ", b"Content-Type: text/plain\r\n", b"=3D", b"=\n"]


@st.composite
def contents(draw: st.DrawFn, boundaries: list[bytes]) -> bytes:
    """Bytes that look like MIME structure: line breaks, dashes, near-boundaries."""
    pieces = draw(st.lists(st.one_of(
        st.binary(max_size=12),
        st.sampled_from(_TRICKY),
        st.tuples(st.sampled_from([b"\r", b"\n", b"\r\n", b""]),
                  st.sampled_from([b"--" + b for b in boundaries] or [b"--x"]),
                  st.sampled_from([b"", b"--", b" ", b"--\t", b"x", b"-", b"--x", b" y"]),
                  st.sampled_from([b"", b"\r", b"\n", b"\r\n"])).map(b"".join),
    ), max_size=25))
    return b"".join(pieces)


def _encode(data: bytes, encoding: str, draw: st.DrawFn, eol: bytes) -> bytes:
    if encoding == "base64":
        text = base64.b64encode(data)
        if draw(st.booleans()):
            text = text.rstrip(b"=")
        if draw(st.integers(0, 5)) == 0:  # junk and early padding, as broken mailers write
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from([b"=", b"==", b"*", b" ", b"=A"])) + text[at:]
        width = draw(st.integers(1, 100))
        return eol.join(text[i:i + width] for i in range(0, len(text), width))
    if encoding == "quoted-printable":
        return quopri.encodestring(data).replace(b"\n", eol)
    return data


@st.composite
def entities(draw: st.DrawFn, eol: bytes, outer: list[bytes], depth: int = 0) -> bytes:
    if depth < 3 and draw(st.integers(0, 2)) == 0:
        boundary = draw(st.sampled_from([b"b", b"b1", b"=_x", b"----=_NextPart_000_0012",
                                         b"----=_NextPart_001_0012", b"a b", b"q--"]))
        assume(boundary not in outer)
        children = draw(st.lists(entities(eol, [*outer, boundary], depth + 1), max_size=4))
        subtype = draw(st.sampled_from(["mixed", "alternative", "related"]))
        head = f'Content-Type: multipart/{subtype}; boundary="{boundary.decode()}"'.encode()
        body = draw(st.sampled_from([b"", b"preamble" + eol]))
        for child in children:
            ws = draw(st.sampled_from([b"", b" ", b"\t "]))
            body += b"--" + boundary + ws + eol + child + eol
        if draw(st.integers(0, 4)):
            body += b"--" + boundary + b"--" + eol + draw(st.sampled_from([b"", b"epilogue"]))
        return head + eol + eol + body
    encoding = draw(st.sampled_from(["base64", "quoted-printable", "8bit", "7bit", ""]))
    ctype = draw(st.sampled_from(["text/plain", "text/html", "application/octet-stream",
                                  "video/mp4"]))
    headers = [f"Content-Type: {ctype}"]
    if encoding:
        headers.append(f"Content-Transfer-Encoding: {encoding}")
    if draw(st.booleans()):
        name = draw(st.sampled_from(["发布稿.docx", "图片1.jpg", "a.mp4", "x.bin"]))
        word = "=?gb2312?B?" + base64.b64encode(name.encode("gb18030")).decode() + "?="
        headers.append(f'Content-Disposition: attachment; filename="{word}"')
    data = draw(contents([*outer]))
    return eol.join(h.encode() for h in headers) + eol + eol + _encode(data, encoding, draw, eol)


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    eol = draw(st.sampled_from([b"\r\n", b"\n"]))
    head = eol.join([b"From: =?utf-8?B?5biC57uf6K6h5bGA?= <tjj@wuhu.gov.cn>",
                     b"Subject: =?gb2312?B?tcfHx7Ht?=", b"Date: Mon, 1 Mar 2021 10:00:00 +0800",
                     b"Message-ID: <m@x>", b"MIME-Version: 1.0"]) + eol
    raw = head + draw(entities(eol, []))
    if draw(st.integers(0, 5)) == 0:
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=messages(), buffer_size=st.integers(1, 64), keep=st.sampled_from([0, 5, 1 << 20]))
def test_fuzz_made_up_structures(raw: bytes, buffer_size: int, keep: int,
                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    blobs = BlobStore(tmp_path_factory.getbasetemp() / "fuzz-blobs")
    assert_same(raw, blobs, limits(buffer_size, keep))


# --- transfer decoding in pieces ------------------------------------------------------------


def _in_pieces(decoder: Decoder, text: bytes, cuts: list[int]) -> bytes:
    out, last = [], 0
    for cut in sorted(c % (len(text) + 1) for c in cuts):
        out.append(decoder.feed(text[last:cut]))
        last = cut
    out.append(decoder.feed(text[last:]))
    return b"".join(out) + decoder.finish()


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from([b"QUJD", b"RA", b"=", b"==", b"\r\n", b"*", b"R", b"/+9z",
                                      b"=\r\n", b"=4", b"1", b"\n", b" ", b"=3D", b"\xff"]),
                     max_size=60).map(b"".join),
       cuts=st.lists(st.integers(0, 10_000), max_size=8))
def test_transfer_decoding_does_not_depend_on_the_pieces(text: bytes, cuts: list[int]) -> None:
    """base64 and quoted-printable: pieces of any size decode as the whole does, and as
    parse_message decodes the part (completeness of base64 included)."""
    for encoding in ("base64", "quoted-printable"):
        whole = decoder_for(encoding)
        expected = whole.feed(text) + whole.finish()
        pieces = decoder_for(encoding)
        assert _in_pieces(pieces, text, cuts) == expected
        assert pieces.complete == whole.complete
        raw = _message(f"application/octet-stream\r\nContent-Transfer-Encoding: {encoding}",
                       text)
        [part] = parse_message(raw).parts
        assert part.data == expected
        assert any("不完整" in d.zh for d in parse_message(raw).defects) == (not whole.complete)


def test_quoted_printable_line_longer_than_a_read() -> None:
    text = (b"=E5=8F=91" + b"a" * 997 + b"=\r\n") * 40 + b"=3D" * 30_000
    assert _in_pieces(decoder_for("quoted-printable"), text.replace(b"\r\n", b""),
                      list(range(0, 300_000, 70_001))) == binascii.a2b_qp(
        text.replace(b"\r\n", b""))


# --- shapes the fuzzers rarely draw ----------------------------------------------------------


def _message(content_type: str, body: bytes) -> bytes:
    return corpus.part(["From: a@b.c", "Subject: x", f"Content-Type: {content_type}"], body)


def test_envelope_line_ending_a_part_header_block(blobs: BlobStore) -> None:
    """The stdlib reads a last header line ``From …`` as the first line of the body."""
    attachment = corpus.part(['Content-Type: application/pdf; name="a.pdf"',
                              "Content-Transfer-Encoding: base64", "From nobody"],
                             corpus.b64_body(corpus.placeholder("a.pdf", 500)))
    raw = _message('multipart/mixed; boundary="b"', corpus.multipart("b", [attachment]))
    assert_same(raw, blobs, limits(3, 0))


def test_digest_parts_are_forwarded_messages(blobs: BlobStore) -> None:
    inner, expected = corpus.foxmail()
    raw = _message('multipart/digest; boundary="d"', corpus.multipart("d", [b"\r\n" + inner]))
    result = assert_same(raw, blobs, limits(11, 0))
    assert result.streamed
    inside = [p for p in result.message.attachments if p.forwarded]
    assert tuple(p.filename for p in inside) == expected.attachments
    assert all(isinstance(p, SpilledPart) for p in inside)


def test_delimiter_after_a_lone_carriage_return(blobs: BlobStore) -> None:
    """Old Mac line breaks: the stdlib starts a line after a lone CR, so must the stream."""
    first = corpus.part(["Content-Type: application/octet-stream", 'Content-Disposition: '
                         'attachment; filename="a.bin"'], b"x" * 40 + b"\r--b\r\n" + b"y" * 40)
    raw = _message('multipart/mixed; boundary="b"', corpus.multipart("b", [first]))
    result = assert_same(raw, blobs, limits(5, 0))
    assert result.message.attachments[0].size == 40


# --- what stays in memory, and what happens to the unusual -------------------------------------


def _video_message(size: int, eol: bytes = b"\r\n") -> tuple[bytes, bytes]:
    video = b"\x00\x00\x00\x20ftypisom" + random.Random(1).randbytes(size - 12)
    raw, _ = corpus.foxmail([("现场视频.mp4", video), ("发布稿.docx", corpus.placeholder("a.docx"))])
    return raw.replace(b"\r\n", eol), video


def test_large_part_is_decoded_into_the_store_with_head_and_tail(blobs: BlobStore) -> None:
    raw, video = _video_message(300_000)
    lim = StreamLimits(buffer_size=4096, keep_part=64 * 1024, head_size=1000, tail_size=10)
    result = parse_stream(io.BytesIO(raw), blobs.writer, limits=lim)
    files = {p.filename: p for p in result.message.attachments}
    part = files["现场视频.mp4"]
    assert isinstance(part, SpilledPart)
    assert part.data == video[:1000] and part.tail == video[-10:]
    assert part.size == len(video) and blobs.get(part.sha256) == video
    assert not isinstance(files["发布稿.docx"], SpilledPart)  # small: kept as it is


def test_memory_does_not_grow_with_the_part(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    peaks = []
    for size in (2_000_000, 8_000_000):
        raw, _ = _video_message(size)
        source = io.BytesIO(raw)
        del raw
        tracemalloc.start()
        parse_stream(source, blobs.writer,
                     limits=StreamLimits(buffer_size=64 * 1024, keep_part=100_000))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1_000_000  # the part is 8 MB
    assert peaks[1] < peaks[0] * 1.2


def test_large_body_is_stored_and_said_so(blobs: BlobStore) -> None:
    raw, _ = corpus.foxmail([])
    result = stream(raw, blobs, StreamLimits(buffer_size=50, keep_text=10))
    assert result.streamed
    assert result.message.text_body == ""
    assert any("正文过大" in d.zh for d in result.message.defects)
    assert result.message.subject == corpus.SUBJECT


def _ambiguous_boundaries() -> bytes:
    """A multipart inside one whose boundary is its own plus ``--``: a line ``--b--`` ends
    the outer multipart or opens a part of the inner one, depending on who reads it."""
    inner = corpus.multipart("b--", [corpus.part(["Content-Type: text/plain"], b"inner")])
    attachment = corpus.part(['Content-Type: application/pdf; name="a.pdf"',
                              "Content-Transfer-Encoding: base64"],
                             corpus.b64_body(corpus.placeholder("a.pdf", 3000)))
    body = corpus.multipart("b", [
        corpus.part(['Content-Type: multipart/mixed; boundary="b--"'], inner), attachment])
    return corpus.part(["From: a@b.c", f"Subject: {corpus.b_word('材料', 'utf-8')}",
                        'Content-Type: multipart/mixed; boundary="b"'], body)


def test_unusual_small_message_is_parsed_whole(blobs: BlobStore) -> None:
    result = assert_same(_ambiguous_boundaries(), blobs, limits(9, 0))
    assert not result.streamed and result.reason is not None and "分隔线" in result.reason.zh


def test_unusual_huge_message_keeps_its_headers_and_says_why(blobs: BlobStore) -> None:
    result = stream(_ambiguous_boundaries(), blobs,
                    StreamLimits(buffer_size=9, keep_part=0, fallback_size=100))
    assert not result.streamed
    msg = result.message
    assert (msg.subject, msg.sender_address) == ("材料", "a@b.c")
    assert msg.parts == []
    assert any("邮件过大" in d.zh and "原始邮件已完整保存" in d.zh for d in msg.defects)


def test_no_boundary_in_a_huge_message_degrades_instead_of_reading_it_whole(
        blobs: BlobStore) -> None:
    raw, _ = corpus.missing_boundary()
    result = stream(raw, blobs, StreamLimits(buffer_size=100, skeleton=1000, fallback_size=100))
    assert not result.streamed
    assert result.message.subject == corpus.QQ_SUBJECT
    assert any("邮件过大" in d.zh for d in result.message.defects)


def test_a_failing_store_is_not_swallowed(blobs: BlobStore) -> None:
    raw, _ = _video_message(20_000)

    class Full:
        size = 0

        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

        def commit(self) -> str:
            raise AssertionError

        def abort(self) -> None:
            pass

    with pytest.raises(OSError, match="No space"):
        parse_stream(io.BytesIO(raw), Full, limits=StreamLimits(keep_part=1000))
