"""Large messages taken apart as they stream past: big parts go to the store, never into memory.

A message carrying a 200 MB video cannot go through :func:`~pressdocs.mail.parse_message`:
the stdlib parser holds about nine times the message in memory.  :func:`parse_stream`
reads the message through a sliding buffer instead:

1. header blocks are read line by line and handed to the stdlib header parser, so
   content types, boundaries and file names are read exactly as ``parse_message`` reads
   them;
2. delimiter lines are found with ``bytes.find``, under the stdlib parser's own rules: a
   line is a delimiter if it starts with ``--boundary`` of the multipart *or of any
   enclosing one*, followed only by ``--``, blanks and the line break; the line break
   before it belongs to the delimiter, not to the part;
3. the content of a large attachment is transfer-decoded piece by piece (``binascii``)
   straight into a blob writer, hashed as it is written; only its first bytes (``head``,
   enough to tell a video from a picture) and last bytes (``tail``, to see a picture is
   whole) stay in memory;
4. everything else — headers, bodies, small attachments — is copied into a *skeleton*:
   the message with each large part's content replaced by a short marker.  The skeleton,
   a few MB at most, goes through ``parse_message``, so subject, sender, file names,
   bodies, defects and the inline and forwarded judgements come out exactly as for the
   whole message; the marked parts become :class:`SpilledPart` objects carrying the blob's
   sha256 and full size.

Whatever the front end cannot be sure to split exactly as the stdlib would (an enclosing
delimiter straight after a part's delimiter, boundaries that read two ways, an envelope
line among a part's headers, a large uuencoded part, more unsplit text than the skeleton
may hold — a declared boundary never used leaves the whole body unsplit) stops it: a
message up to :attr:`StreamLimits.fallback_size` is then parsed whole by
``parse_message``; a larger one is described by its headers only, with a defect saying
its attachments were not taken apart (the intake has archived the raw message first).

:func:`parse_bytes` runs the same front end on a message already in memory, decoding
the attachments into memory instead of the store: the result equals ``parse_message``,
several times faster, since the stdlib no longer reads every base64 line.
"""

from __future__ import annotations

import base64
import io
import re
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import tzinfo
from email.message import Message as MimeMessage
from email.parser import BytesParser
from typing import BinaryIO, Protocol

from pressdocs.mail.headers import RAW_POLICY, attachment_filename, raw_header
from pressdocs.mail.message import DEFAULT_TZ, MailPart, ParsedMessage, parse_message
from pressdocs.mail.transfer import UUENCODE, decoder_for
from pressdocs.models import Message

__all__ = [
    "IN_MEMORY",
    "BlobSink",
    "SpilledPart",
    "StreamLimits",
    "StreamedMessage",
    "parse_bytes",
    "parse_stream",
]

KiB = 1024
MiB = 1024 * KiB


@dataclass(frozen=True)
class StreamLimits:
    """How much of a message :func:`parse_stream` may hold in memory.

    ``keep_part`` is the largest attachment kept in memory (encoded size), ``keep_total``
    the most all kept attachments may add up to; bodies and attached ``.eml`` messages,
    which must be read to be understood, are kept up to ``keep_text`` each.  The skeleton
    handed to the stdlib parser never exceeds ``skeleton``.  ``buffer_size`` is how much
    is read at a time (tests use a few bytes to put every boundary astride two reads).
    ``fallback_size``: an unusual message up to this size is parsed whole instead.
    """

    buffer_size: int = 1 * MiB
    keep_part: int = 2 * MiB
    keep_total: int = 4 * MiB
    keep_text: int = 4 * MiB
    skeleton: int = 8 * MiB
    head_size: int = 64 * KiB
    tail_size: int = 4 * KiB
    fallback_size: int = 32 * MiB
    max_depth: int = 40


class BlobSink(Protocol):
    """Where a large part's decoded content goes: :class:`pressdocs.store.blobs.BlobWriter`."""

    @property
    def size(self) -> int: ...

    def write(self, data: bytes) -> int: ...

    def commit(self) -> str: ...

    def abort(self) -> None: ...


@dataclass
class SpilledPart(MailPart):
    """A part too large to hold in memory, kept in the store as blob ``sha256``.

    ``data`` holds only the first bytes of the decoded content (``StreamLimits.head_size``),
    ``tail`` the last ones; :attr:`size` is the size of the whole.
    """

    sha256: str = ""
    full_size: int = 0
    tail: bytes = b""

    @property
    def size(self) -> int:
        """Size of the whole decoded content in bytes (``data`` is only its head)."""
        return self.full_size


@dataclass
class StreamedMessage:
    """What :func:`parse_stream` made of a message.

    ``streamed`` is False when the message was not taken apart by the streaming front
    end: ``reason`` says why (a key of ``[mail.unusual]``), and the message was parsed
    whole (small enough) or described by its headers only (``message.defects`` says so).
    """

    message: ParsedMessage
    streamed: bool = True
    reason: Message | None = None
    spilled: list[SpilledPart] = field(default_factory=list)


class _Unusual(Exception):
    """Something the front end cannot split exactly as the stdlib parser would.

    ``what`` names it: the key ``mail.unusual.<what>``.
    """

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.reason = Message.of(f"mail.unusual.{what}")


# --- reading through a sliding buffer ---------------------------------------------------

_EOL = re.compile(rb"\r\n|\r|\n")
_HEADER_LINE = re.compile(rb"From |[\x21-\x39\x3b-\x7e]*:|[\t ]")
_DELIMITER_REST = re.compile(rb"(--)?[ \t]*")
_MAX_LINE = 1 * MiB


class _Input:
    """The message seen through a window: ``buf`` holds bytes from absolute offset ``base``.

    One byte before ``pos`` is always kept, so whether a position starts a line can be
    told after the window has moved on.
    """

    def __init__(self, source: BinaryIO, chunk: int) -> None:
        self._source = source
        self._chunk = max(1, chunk)
        self.buf = bytearray()
        self.base = 0
        self.pos = 0
        self.eof = False

    @property
    def here(self) -> int:
        return self.base + self.pos

    def more(self) -> bool:
        """Read the next piece; False at the end of the message."""
        if self.eof:
            return False
        data = self._source.read(self._chunk)
        if not data:
            self.eof = True
            return False
        if self.pos > 1:
            del self.buf[: self.pos - 1]
            self.base += self.pos - 1
            self.pos = 1
        self.buf += data
        return True

    def readline(self) -> bytes:
        """The next line with its line break (``\\r\\n``, ``\\r`` or ``\\n``); b"" at the end."""
        while True:
            match = _EOL.search(self.buf, self.pos)
            if match is not None and (
                match.end() < len(self.buf) or self.eof or match.group() != b"\r"
            ):
                line = bytes(self.buf[self.pos : match.end()])
                self.pos = match.end()
                return line
            if len(self.buf) - self.pos > _MAX_LINE:
                raise _Unusual("long_line")
            if not self.more():
                line = bytes(self.buf[self.pos :])
                self.pos = len(self.buf)
                return line

    def unread(self, line: bytes) -> None:
        self.pos -= len(line)


def _delimiter(line: bytes, boundaries: list[bytes]) -> tuple[bytes, bool] | None:
    """``(boundary, is_close)`` if ``line`` is a delimiter line of one of ``boundaries``."""
    for boundary in boundaries:
        if line.startswith(b"--" + boundary):
            rest = line[len(boundary) + 2 :]
            eol = _EOL.search(rest)
            match = _DELIMITER_REST.fullmatch(rest[: eol.start()] if eol else rest)
            if match is not None:
                return boundary, bool(match.group(1))
    return None


def _ambiguous(a: bytes, b: bytes) -> bool:
    """Whether one delimiter line could be read as belonging to either boundary."""
    if len(a) > len(b):
        a, b = b, a
    return b.startswith(a) and _DELIMITER_REST.fullmatch(b[len(a) :]) is not None


@dataclass
class _Spilled:
    sha256: str
    size: int
    head: bytes
    tail: bytes
    complete: bool
    data: bytes | None = None  # the whole, when decoded into memory (parse_bytes)


class _MemorySink:
    """Decoded content kept in memory, for :func:`parse_bytes`."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def write(self, data: bytes) -> int:
        self._chunks.append(data)
        self._size += len(data)
        return len(data)

    def commit(self) -> str:
        return ""

    def abort(self) -> None:
        self._chunks = []

    def getvalue(self) -> bytes:
        return b"".join(self._chunks)


class _Spill:
    """One large part on its way to the store."""

    def __init__(self, sink: BlobSink, encoding: str, limits: StreamLimits) -> None:
        self._sink = sink
        self._decoder = decoder_for(encoding)
        self._limits = limits
        self._head = bytearray()
        self._tail = b""

    def feed(self, raw: bytes) -> None:
        self._out(self._decoder.feed(raw))

    def _out(self, data: bytes) -> None:
        if not data:
            return
        room = self._limits.head_size - len(self._head)
        if room > 0:
            self._head += data[:room]
        keep = self._limits.tail_size
        if keep > 0:
            self._tail = data[-keep:] if len(data) >= keep else (self._tail + data)[-keep:]
        self._sink.write(data)

    def finish(self) -> _Spilled:
        self._out(self._decoder.finish())
        sha = self._sink.commit()
        whole = self._sink.getvalue() if isinstance(self._sink, _MemorySink) else None
        return _Spilled(sha, self._sink.size, bytes(self._head), self._tail,
                        self._decoder.complete, whole)

    def abort(self) -> None:
        self._sink.abort()


# --- walking the MIME structure -----------------------------------------------------------


@dataclass
class _Stop:
    """Where a stretch of content ended: a delimiter line (not yet read) or the end."""

    boundary: bytes | None
    close: bool = False


def _size_text(size: int) -> str:
    return f"{size / MiB:.1f} MB" if size >= MiB else f"{max(1, size // KiB)} KB"


class _Walker:
    """Walks one message, writing the skeleton and spilling large parts."""

    def __init__(self, source: BinaryIO, new_blob: Callable[[], BlobSink],
                 limits: StreamLimits) -> None:
        self.input = _Input(source, limits.buffer_size)
        self.new_blob = new_blob
        self.limits = limits
        self.out = bytearray()
        self.kept = 0
        self.top_headers: bytes | None = None
        self.spilled: dict[bytes, _Spilled] = {}
        self.defects: list[Message] = []
        self._nonce = secrets.token_hex(8).upper()
        self._spill: _Spill | None = None

    # skeleton ----------------------------------------------------------------------------

    def copy(self, data: bytes) -> None:
        self.out += data
        if len(self.out) > self.limits.skeleton:
            raise _Unusual("skeleton")

    def marker(self) -> bytes:
        return f"PDSPILL{self._nonce}{len(self.spilled):07d}".encode("ascii")

    def abort(self) -> None:
        if self._spill is not None:
            self._spill.abort()
            self._spill = None

    # content up to the next delimiter ---------------------------------------------------

    def scan(self, stack: list[bytes], emit: Callable[[bytes], None]) -> tuple[_Stop, bytes]:
        """Pass content to ``emit`` up to the next delimiter line of ``stack`` (or the end).

        Returns where it stopped and the line break before the delimiter, which is not
        content.  At the end of the message inside a multipart, the last line break is
        not content either (the stdlib drops it too); at the top level it is.
        """
        inp = self.input
        patterns = [b"--" + b for b in stack]
        longest = max((len(p) for p in patterns), default=0)
        region = inp.here
        search = region
        while True:
            hit, undecided = self._find(patterns, stack, region, search)
            if hit is not None:
                at, boundary, close = hit
                i = at - inp.base
                eol = self._eol_before(i, region - inp.base)
                if i - eol > inp.pos:
                    emit(bytes(inp.buf[inp.pos : i - eol]))
                brk = bytes(inp.buf[i - eol : i])
                inp.pos = i
                return _Stop(boundary, close), brk
            limit = len(inp.buf) - longest - 2
            if undecided is not None:
                limit = min(limit, undecided - inp.base - 2)
            if limit > inp.pos:
                emit(bytes(inp.buf[inp.pos : limit]))
                inp.pos = limit
            search = inp.here
            if len(inp.buf) - inp.pos > 16 * MiB:
                raise _Unusual("long_blank")
            if not inp.more() and undecided is None:
                rest = bytes(inp.buf[inp.pos :])
                inp.pos = len(inp.buf)
                cut = len(rest)
                if stack:
                    match = re.search(rb"(\r\n|\r|\n)\Z", rest)
                    cut = match.start() if match else cut
                if cut:
                    emit(rest[:cut])
                return _Stop(None), rest[cut:]

    def _find(self, patterns: list[bytes], stack: list[bytes], region: int,
              search: int) -> tuple[tuple[int, bytes, bool] | None, int | None]:
        """The first delimiter from ``search`` on, or the first place more input must decide."""
        inp = self.input
        buf = inp.buf
        best: tuple[int, bytes, bool] | None = None
        undecided: int | None = None
        for pattern, boundary in zip(patterns, stack, strict=True):
            i = buf.find(pattern, search - inp.base)
            while i != -1:
                if i + inp.base == region or (i > 0 and buf[i - 1] in b"\r\n"):
                    verdict = self._rest_of_line(i + len(pattern))
                    if verdict is None:
                        if undecided is None or i + inp.base < undecided:
                            undecided = i + inp.base
                        break
                    if verdict is not False:
                        if best is None or i + inp.base < best[0]:
                            best = (i + inp.base, boundary, verdict == "close")
                        break
                i = buf.find(pattern, i + 1)
        if best is not None and undecided is not None and undecided < best[0]:
            return None, undecided
        return best, (undecided if best is None else None)

    def _rest_of_line(self, j: int) -> str | bool | None:
        """After ``--boundary`` at ``j``: "close", "open", False (not a delimiter) or None
        (the line goes on past what has been read)."""
        buf = self.input.buf
        match = _EOL.search(buf, j)
        rest = bytes(buf[j : match.start() if match else len(buf)])
        fits = _DELIMITER_REST.fullmatch(rest) is not None
        if match is None and not self.input.eof:
            return None if fits or rest == b"-" else False
        if not fits:
            return False
        return "close" if rest.startswith(b"--") else "open"

    def _eol_before(self, i: int, region: int) -> int:
        buf = self.input.buf
        if i - 2 >= region and buf[i - 2 : i] == b"\r\n":
            return 2
        if i - 1 >= region and buf[i - 1] in b"\r\n":
            return 1
        return 0

    # entities ---------------------------------------------------------------------------

    def headers(self, stack: list[bytes], depth: int) -> MimeMessage:
        """Read one header block into the skeleton; the stdlib parses its lines."""
        lines: list[bytes] = []
        total = 0
        blank = b""
        while True:
            line = self.input.readline()
            if not line:
                break
            if stack and _delimiter(line, stack) is not None:
                self.input.unread(line)
                break
            if _HEADER_LINE.match(line):
                if line.startswith(b"From ") and lines:
                    raise _Unusual("envelope")
                lines.append(line)
                total += len(line)
                if total > self.limits.skeleton:
                    raise _Unusual("long_headers")
                continue
            if line[:1] in (b"\r", b"\n"):
                blank = line
            else:  # no blank line: this line already belongs to the body
                self.input.unread(line)
            break
        block = b"".join(lines)
        if depth == 0:
            self.top_headers = block
        self.copy(block + blank)
        return BytesParser(policy=RAW_POLICY).parsebytes(block, headersonly=True)

    def entity(self, stack: list[bytes], parent_type: str, depth: int) -> _Stop:
        if depth > self.limits.max_depth:
            raise _Unusual("too_deep")
        msg = self.headers(stack, depth)
        if parent_type == "multipart/digest":
            msg.set_default_type("message/rfc822")
        content_type = msg.get_content_type()
        if content_type == "message/delivery-status":
            return self.verbatim(stack)
        maintype = msg.get_content_maintype()
        if maintype == "message":
            return self.entity(stack, content_type, depth + 1)
        if maintype == "multipart":
            boundary = msg.get_boundary()
            if boundary is None:
                return self.verbatim(stack)
            return self.multipart(boundary, stack, content_type, depth)
        return self.leaf(msg, content_type, stack)

    def verbatim(self, stack: list[bytes]) -> _Stop:
        stop, brk = self.scan(stack, self.copy)
        self.copy(brk)
        return stop

    def multipart(self, boundary: str, stack: list[bytes], content_type: str,
                  depth: int) -> _Stop:
        try:
            own = boundary.encode("ascii", "surrogateescape")
        except UnicodeEncodeError:
            raise _Unusual("boundary_not_ascii") from None
        if not own or any(_ambiguous(own, b) for b in stack):
            raise _Unusual("boundary_ambiguous")
        inner = [*stack, own]
        stop = self.verbatim(inner)  # the preamble
        if stop.boundary != own:
            return stop
        if stop.close:  # closed before it opened: the rest is not parts (as the stdlib reads it)
            self.copy(self.input.readline())
            return self.verbatim(stack)
        while True:
            self.copy(self.input.readline())  # the delimiter line
            while True:
                line = self.input.readline()
                found = _delimiter(line, inner) if line else None
                if found is None or found[0] != own:
                    if not line or found is not None:
                        raise _Unusual("delimiter_follows")
                    self.input.unread(line)
                    break
                self.copy(line)
            stop = self.entity(inner, content_type, depth + 1)
            if stop.boundary != own:
                return stop  # an enclosing delimiter, or the end: no closing line
            if stop.close:
                self.copy(self.input.readline())
                return self.verbatim(stack)  # the epilogue

    def leaf(self, msg: MimeMessage, content_type: str, stack: list[bytes]) -> _Stop:
        encoding = (raw_header(msg, "content-transfer-encoding") or "").strip().lower()
        filename = attachment_filename(msg)
        disposition = (raw_header(msg, "content-disposition") or "").split(";", 1)[0]
        is_body = (content_type in ("text/plain", "text/html")
                   and disposition.strip().lower() != "attachment" and not filename)
        part = _Part(self, encoding, filename, is_body=is_body)
        stop, brk = self.scan(stack, part.feed)
        part.finish()
        self.copy(brk)
        return stop


class _Part:
    """The content of one leaf: kept for the skeleton while small, else spilled."""

    def __init__(self, walker: _Walker, encoding: str, filename: str, *,
                 is_body: bool) -> None:
        self.walker = walker
        self.encoding = encoding
        self.filename = filename
        self.is_body = is_body
        self.textual = is_body or filename.lower().endswith(".eml")
        self.kept = bytearray()
        self.spill: _Spill | None = None

    def feed(self, chunk: bytes) -> None:
        if self.spill is not None:
            self.spill.feed(chunk)
            return
        self.kept += chunk
        limits = self.walker.limits
        room = len(self.walker.out) + len(self.kept)
        if self.textual:
            too_big = len(self.kept) > limits.keep_text or room > limits.skeleton
        else:
            too_big = (len(self.kept) > limits.keep_part or room > limits.skeleton
                       or self.walker.kept + len(self.kept) > limits.keep_total)
        if not too_big:
            return
        if self.encoding in UUENCODE:
            if room > limits.skeleton:
                raise _Unusual("uuencode")
            return
        self.spill = _Spill(self.walker.new_blob(), self.encoding, limits)
        self.walker._spill = self.spill
        step = max(limits.buffer_size, 64 * KiB)
        for start in range(0, len(self.kept), step):
            self.spill.feed(bytes(self.kept[start : start + step]))
        self.kept = bytearray()

    def finish(self) -> None:
        walker = self.walker
        if self.spill is None:
            walker.kept += len(self.kept)
            walker.copy(bytes(self.kept))
            return
        spilled = self.spill.finish()
        walker._spill = None
        if self.is_body:
            walker.defects.append(Message.of("mail.defect.body_too_large",
                                             size=_size_text(spilled.size)))
            walker.spilled[b"\0body%d" % len(walker.spilled)] = spilled
            return
        if self.textual:
            walker.defects.append(Message.of("mail.defect.forwarded_too_large",
                                             name=self.filename,
                                             size=_size_text(spilled.size)))
        marker = walker.marker()
        walker.spilled[marker] = spilled
        if self.encoding == "base64":
            walker.copy(base64.b64encode(marker) + (b"" if spilled.complete else b"Q"))
        else:
            walker.copy(marker)


# --- the entry point ---------------------------------------------------------------------


def _restore(parsed: ParsedMessage, spilled: dict[bytes, _Spilled],
             found: list[SpilledPart]) -> None:
    """Put the spilled parts back where the skeleton's markers came out."""
    names = [f.name for f in fields(MailPart)]
    for i, part in enumerate(parsed.parts):
        info = spilled.get(part.data)
        if info is None or isinstance(part, SpilledPart):
            continue
        if info.data is not None:
            parsed.parts[i] = replace(part, data=info.data)
            continue
        values = {name: getattr(part, name) for name in names}
        values["data"] = info.head
        restored = SpilledPart(**values, sha256=info.sha256, full_size=info.size,
                               tail=info.tail)
        parsed.parts[i] = restored
        found.append(restored)
    for inner in parsed.forwarded:
        _restore(inner, spilled, [])


def _without_content_headers(block: bytes) -> bytes:
    lines: list[bytes] = []
    skipping = False
    for line in block.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                lines.append(line)
            continue
        name = line.split(b":", 1)[0].strip().lower()
        skipping = name in (b"content-type", b"content-transfer-encoding")
        if not skipping:
            lines.append(line)
    return b"".join(lines)


def _source_size(source: BinaryIO) -> int:
    here = source.tell()
    size = source.seek(0, 2)
    source.seek(here)
    return size


def parse_stream(source: BinaryIO, new_blob: Callable[[], BlobSink], *,
                 limits: StreamLimits | None = None, tz: tzinfo = DEFAULT_TZ) -> StreamedMessage:
    """Parse the message read from ``source`` (a seekable binary file, at its start).

    Each part larger than ``limits`` allow in memory is decoded into a blob from
    ``new_blob()`` (a :class:`pressdocs.store.blobs.BlobWriter`: ``store.blob_writer``)
    and comes back as a :class:`SpilledPart`; the result otherwise equals
    ``parse_message(source.read())``.  Never raises for a malformed message (see the
    module docstring); errors of the blob store propagate.
    """
    limits = limits or StreamLimits()
    walker = _Walker(source, new_blob, limits)
    try:
        walker.entity([], "", 0)
    except _Unusual as exc:
        walker.abort()
        return _not_streamed(source, walker, exc.reason, limits, tz)
    except BaseException:
        walker.abort()
        raise
    parsed = parse_message(bytes(walker.out), tz=tz)
    walker.out = bytearray()
    found: list[SpilledPart] = []
    _restore(parsed, walker.spilled, found)
    for defect in walker.defects:
        if defect not in parsed.defects:
            parsed.defects.append(defect)
    return StreamedMessage(parsed, streamed=True, spilled=found)


def _not_streamed(source: BinaryIO, walker: _Walker, reason: Message, limits: StreamLimits,
                  tz: tzinfo) -> StreamedMessage:
    size = _source_size(source)
    if size <= limits.fallback_size:
        source.seek(0)
        return StreamedMessage(parse_message(source.read(), tz=tz), streamed=False,
                               reason=reason)
    headers = walker.top_headers
    if headers:
        parsed = parse_message(_without_content_headers(headers) + b"\r\n", tz=tz)
        parsed.parts = []
    else:
        parsed = ParsedMessage()
    parsed.defects.append(Message.of("mail.defect.not_split", size=_size_text(size),
                                     reason=reason))
    return StreamedMessage(parsed, streamed=False, reason=reason)


#: :func:`parse_bytes`: parts over 8 KB decoded by the front end, everything else unbounded.
IN_MEMORY = StreamLimits(keep_part=8 * KiB, keep_total=sys.maxsize, keep_text=sys.maxsize,
                         skeleton=sys.maxsize, fallback_size=sys.maxsize, head_size=0,
                         tail_size=0)


def parse_bytes(data: bytes, *, limits: StreamLimits = IN_MEMORY,
                tz: tzinfo = DEFAULT_TZ) -> ParsedMessage:
    """``parse_message(data)``, several times faster on mail with attachments.

    The same front end as :func:`parse_stream` splits the message and decodes its
    attachments itself, into memory; only the skeleton goes through the stdlib parser,
    which otherwise reads base64 line by line.  The result equals ``parse_message(data)``
    (the tests fuzz the two against each other); ``limits`` is for those tests.
    """
    if limits is IN_MEMORY:  # one read: the whole message is in memory anyway
        limits = replace(limits, buffer_size=max(1, len(data)))
    return parse_stream(io.BytesIO(data), _MemorySink, limits=limits, tz=tz).message
