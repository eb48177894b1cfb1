"""Turn the raw bytes of one message into a :class:`ParsedMessage` with its parts.

The stdlib email package does the MIME work (compat32 ``BytesParser`` with
:data:`~pressdocs.mail.headers.RAW_POLICY`, so the original header bytes stay
reachable); :mod:`pressdocs.mail.headers` decodes names and text.  On top of that:

- bodies are decoded in their declared charset with fallback (``gb2312`` always as
  GB18030; undeclared: UTF-8, then GB18030);
- forwarded messages (``message/rfc822`` parts, ``.eml`` attachments) are opened
  recursively; their parts come along marked ``forwarded=True``;
- inline images (referenced by ``cid:`` from an HTML body, or inline without a file
  name) are told apart from attached pictures (``inline=True``);
- files sent as download links (163 超大附件, QQ 中转站) are listed in
  ``linked_files``;
- a damaged message (no headers, truncated base64, wrong boundary) still yields a
  :class:`ParsedMessage`; what is wrong is said in ``defects``, as messages with keys
  of ``[mail.defect]`` (see :mod:`pressdocs.mail.defects`).

:func:`parse_message` never raises.
"""

from __future__ import annotations

import contextlib
import dataclasses
import quopri
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from email.message import Message as MimeMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from html import escape
from typing import Literal
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from pressdocs.mail.defects import FORWARDED, stdlib_defect
from pressdocs.mail.headers import (
    MAX_ADDRESS,
    MAX_HEADER_NOTE,
    MAX_SENDER_NAME,
    MAX_SUBJECT,
    RAW_POLICY,
    DecodedHeader,
    attachment_filename,
    decode_address,
    decode_base64,
    decode_bytes,
    decode_header,
    normalize_charset,
    raw_header,
    shorten_identifier,
    shorten_text,
)
from pressdocs.mail.links import find_linked_files
from pressdocs.models import LinkedFile, Message

__all__ = ["MailPart", "ParsedMessage", "parse_headers", "parse_message"]

Disposition = Literal["attachment", "inline", "body"]

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
MAX_FORWARD_DEPTH = 8


@dataclass
class MailPart:
    """One leaf of the MIME tree: a body, an attached file or an inline image.

    ``disposition`` is ``"body"`` for the text and HTML bodies, else what the sender
    declared (``"inline"`` or ``"attachment"``; missing counts as attachment).
    ``inline`` is pressdocs' judgement: the part is shown inside the HTML body (its
    Content-ID is referenced by ``cid:``) or is declared inline without a file name —
    a signature logo, not one of the 3 pictures.  ``data`` is transfer-decoded;
    ``charset`` is the one that decoded a body, else the declared one (or ``""``).
    """

    filename: str
    content_type: str
    disposition: Disposition
    data: bytes
    content_id: str = ""
    charset: str = ""
    inline: bool = False
    forwarded: bool = False

    @property
    def size(self) -> int:
        """Size of the decoded content in bytes."""
        return len(self.data)

    @property
    def is_file(self) -> bool:
        """True for an attached file (not a body, not an inline image)."""
        return self.disposition != "body" and not self.inline


@dataclass
class ParsedMessage:
    """One message as pressdocs sees it: who sent what, when, with which files.

    ``date`` is timezone-aware (a Date header without zone, or with the bare zone
    ``CST`` Chinese systems write, is read as Asia/Shanghai); ``None`` if missing or
    unreadable.  ``parts`` include the parts of forwarded messages (marked
    ``forwarded``); ``forwarded`` holds those messages themselves.  ``defects`` are
    notes on what is wrong with the message (keys of ``[mail.defect]``, each once);
    they do not stop parsing.
    ``subject``, ``sender_name``, ``sender_address`` and ``message_id`` are cut to their
    limits (:data:`~pressdocs.mail.headers.MAX_SUBJECT` …, the cut marked ``…``); ``raw_headers``
    keeps every header's original bytes for audit.
    """

    subject: str = ""
    sender_name: str = ""
    sender_address: str = ""
    date: datetime | None = None
    message_id: str = ""
    text_body: str = ""
    html_body: str = ""
    parts: list[MailPart] = field(default_factory=list)
    linked_files: list[LinkedFile] = field(default_factory=list)
    forwarded: list[ParsedMessage] = field(default_factory=list)
    defects: list[Message] = field(default_factory=list)
    raw_headers: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def attachments(self) -> list[MailPart]:
        """The attached files: every part that is neither a body nor an inline image."""
        return [p for p in self.parts if p.is_file]

    def header(self, name: str) -> DecodedHeader | None:
        """The first header called ``name`` (any case), decoded; ``None`` if absent."""
        wanted = name.lower()
        for key, value in self.raw_headers:
            if key.lower() == wanted:
                return decode_header(value)
        return None


# --- defects -------------------------------------------------------------------------

class _Collector:
    """What a walk over one message's MIME tree gathers."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self.parts: list[MailPart] = []
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.forwarded: list[ParsedMessage] = []
        self.defects: list[Message] = []

    def defect(self, key: str, /, **params: object) -> None:
        """Note the defect ``key`` with ``params``, once (the same key and facts: once)."""
        self.add(Message.of(key, **params))

    def add(self, defect: Message) -> None:
        if defect not in self.defects:  # rendered from key and params: equal when those are
            self.defects.append(defect)

    def stdlib_defects(self, part: MimeMessage) -> None:
        for found in getattr(part, "defects", []):
            self.add(stdlib_defect(found))


# --- transfer decoding -----------------------------------------------------------------

def _transfer_encoding(part: MimeMessage) -> str:
    return (raw_header(part, "content-transfer-encoding") or "").strip().lower()


def _raw_content(part: MimeMessage) -> bytes:
    """The content of a leaf part exactly as it stands in the message, still encoded."""
    # compat32 keeps 8-bit content as a str with surrogate escapes; get_payload() would
    # hand it back decoded with U+FFFD replacements, so read the stored value itself.
    stored = getattr(part, "_payload", None)
    if isinstance(stored, bytes):
        return stored
    if isinstance(stored, str):
        return stored.encode("utf-8", "surrogateescape")
    return b""


def _payload(part: MimeMessage, label: Message, found: _Collector,
             encoding: str | None = None) -> bytes:
    """The transfer-decoded content of a leaf part (``encoding`` overrides its header).

    Base64 is decoded leniently here, to notice truncation; the stdlib returns the
    encoded text itself for some damaged input.  ``label`` names the part in the defect.
    """
    raw = _raw_content(part)
    if encoding is None:
        encoding = _transfer_encoding(part)
    if encoding == "base64":
        data, complete = decode_base64(raw)
        if not complete:
            found.defect("mail.defect.base64_truncated", part=label)
        return data
    if encoding == "quoted-printable":
        return quopri.decodestring(raw)
    if encoding in ("x-uuencode", "uuencode", "x-uue", "uue"):
        decoded = part.get_payload(decode=True)
        return decoded if isinstance(decoded, bytes) else raw
    return raw


# --- walking the MIME tree --------------------------------------------------------------


def _disposition(part: MimeMessage) -> str:
    value = raw_header(part, "content-disposition") or ""
    return value.split(";", 1)[0].strip().lower()


def _content_id(part: MimeMessage) -> str:
    value = raw_header(part, "content-id") or ""
    return re.sub(r"\s+", "", value).strip("<>")


def _declared_charset(part: MimeMessage) -> str:
    try:
        charset = part.get_param("charset")
    except Exception:  # a malformed Content-Type must not stop the walk
        return ""
    if isinstance(charset, tuple):
        charset = charset[2]
    label = str(charset or "").strip().strip('"').lower()
    if not label.isascii():  # raw 8-bit bytes, kept as surrogate escapes: text for notes
        label = decode_bytes(label.encode("utf-8", "surrogateescape"))[0]
    return label


def _looks_like_message(data: bytes) -> bool:
    head = data[:4096].lstrip()
    return bool(
        re.match(rb"(?i)(?:[\w-]+:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*)+", head)
        and re.search(rb"(?im)^(from|subject|date|message-id|mime-version):", head)
    )


def _salvage_multipart(part: MimeMessage, found: _Collector) -> MimeMessage | None:
    """Re-split a multipart whose declared boundary is missing or wrong.

    Senders (and broken gateways) sometimes declare one boundary and use another; the
    boundary actually used is the ``--token`` line repeated in the body.
    """
    payload = _raw_content(part)
    counts: dict[bytes, int] = {}
    for line in payload.splitlines():
        match = re.fullmatch(rb"--([!-~]{1,70}?)(--)?\s*", line)
        if match:
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    if not counts:
        return None
    boundary = max(counts, key=lambda k: counts[k])
    if counts[boundary] < 2 and not payload.rstrip().endswith(b"--" + boundary + b"--"):
        return None
    rebuilt = b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n' + payload
    salvaged = BytesParser(policy=RAW_POLICY).parsebytes(rebuilt)
    if not salvaged.is_multipart():
        return None
    found.defect("mail.defect.resplit", boundary=boundary.decode("ascii"))
    return salvaged


_FORWARDED_TYPES = ("message/rfc822", "message/global")


def _walk(part: MimeMessage, found: _Collector, depth: int) -> None:
    found.stdlib_defects(part)
    content_type = part.get_content_type()
    if part.is_multipart():
        payload = part.get_payload()
        children = [c for c in payload if isinstance(c, MimeMessage)] if isinstance(
            payload, list
        ) else []
        if content_type in _FORWARDED_TYPES:
            name = attachment_filename(part)
            encoding = _transfer_encoding(part)
            for inner in children:
                if encoding in ("base64", "quoted-printable") and not inner.keys():
                    # The stdlib parses message/rfc822 content without decoding it first.
                    label = Message.of("mail.part.forwarded", name=name)
                    data = _payload(inner, label, found, encoding)
                    inner = BytesParser(policy=RAW_POLICY).parsebytes(data)
                _forwarded(inner, name, found, depth)
            return
        if part.get_content_maintype() == "message":
            return  # delivery reports and the like carry header blocks, not files
        for child in children:
            _walk(child, found, depth)
        return
    if part.get_content_maintype() == "multipart":
        salvaged = _salvage_multipart(part, found)
        if salvaged is not None:
            _walk(salvaged, found, depth)
            return
    _leaf(part, content_type, found, depth)


def _leaf(part: MimeMessage, content_type: str, found: _Collector, depth: int) -> None:
    disposition = _disposition(part)
    filename = attachment_filename(part)
    label = (Message.of("mail.part.attachment", name=filename) if filename
             else Message.of("mail.part.body"))
    data = _payload(part, label, found)
    declared = _declared_charset(part)
    is_body = (
        content_type in ("text/plain", "text/html")
        and disposition != "attachment"
        and not filename
    )
    if is_body:
        text, codec = decode_bytes(data, declared or None)
        if codec.endswith("+replace"):
            found.defect("mail.defect.unreadable_body",
                         charset=shorten_text(declared, MAX_HEADER_NOTE)
                         or Message.of("mail.part.undeclared"))
        elif declared and normalize_charset(declared) not in (codec, "us-ascii"):
            found.defect("mail.defect.charset_mislabelled",
                         declared=shorten_text(declared, MAX_HEADER_NOTE), decoded=codec)
        text = text.replace("\r\n", "\n")
        (found.htmls if content_type == "text/html" else found.texts).append(text)
        found.parts.append(
            MailPart(filename="", content_type=content_type, disposition="body", data=data,
                     content_id=_content_id(part), charset=codec)
        )
        return
    if content_type in _FORWARDED_TYPES or (
        filename.lower().endswith(".eml") and _looks_like_message(data)
    ):
        inner = BytesParser(policy=RAW_POLICY).parsebytes(data)
        _forwarded(inner, filename, found, depth)
        return
    found.parts.append(
        MailPart(
            filename=filename,
            content_type=content_type,
            disposition="inline" if disposition == "inline" else "attachment",
            data=data,
            content_id=_content_id(part),
            charset=declared,
        )
    )


def _forwarded(inner: MimeMessage, name: str, found: _Collector, depth: int) -> None:
    if depth >= MAX_FORWARD_DEPTH:
        found.defect("mail.defect.forward_depth", depth=MAX_FORWARD_DEPTH)
        return
    parsed = _from_message(inner, depth + 1, found.tz)
    found.forwarded.append(parsed)
    for inner_part in parsed.parts:
        found.parts.append(dataclasses.replace(inner_part, forwarded=True))
    subject = parsed.subject or name or Message.of("mail.part.no_subject")
    for defect in parsed.defects:
        found.defect(FORWARDED, subject=subject, defect=defect)


# --- headers ----------------------------------------------------------------------------

_NUMERIC_ZONE = re.compile(r"[+-]\d{4}\b")
_CHINESE_DATE = re.compile(
    r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?"
)


def _parse_date(value: str, tz: tzinfo) -> datetime | None:
    """An aware datetime from a Date header; ``None`` if it cannot be read."""
    text = " ".join(value.split())
    if not text:
        return None
    if re.search(r"\bCST\b", text) and not _NUMERIC_ZONE.search(text):
        # Chinese servers (Java's Date.toString) write CST for China Standard Time.
        text = re.sub(r"\bCST\b", "+0800", text)
    parsed: datetime | None = None
    with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
        parsed = parsedate_to_datetime(text)
    if parsed is None:
        with contextlib.suppress(ValueError):
            parsed = datetime.fromisoformat(text.replace("/", "-"))
    if parsed is None:
        chinese = _CHINESE_DATE.fullmatch(text)
        if chinese:
            with contextlib.suppress(ValueError):
                y, mo, d, h, mi, sec = (int(g or 0) for g in chinese.groups())
                parsed = datetime(y, mo, d, h, mi, sec)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        zone: tzinfo = UTC if "-0000" in text else tz
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def _from_message(msg: MimeMessage, depth: int, tz: tzinfo, *, walk: bool = True) -> ParsedMessage:
    found = _Collector(tz)
    result = ParsedMessage()
    result.raw_headers = [
        (key, str(value).encode("utf-8", "surrogateescape")) for key, value in msg.raw_items()
    ]
    if not result.raw_headers:
        found.defect("mail.defect.no_headers")
    # every text taken from a header is cut to its limit here (headers.MAX_SUBJECT …), so
    # that whoever reads the message — batch, ledger, review desk — sees the same text
    subject = decode_header(raw_header(msg, "subject"))
    result.subject = shorten_text(subject.text, MAX_SUBJECT)
    sender = raw_header(msg, "from") or raw_header(msg, "sender")
    if sender is None:
        if result.raw_headers:
            found.defect("mail.defect.no_sender")
    else:
        name, address = decode_address(sender)
        result.sender_name = shorten_text(name, MAX_SENDER_NAME)
        result.sender_address = shorten_text(address, MAX_ADDRESS)
    date_value = raw_header(msg, "date")
    if date_value is not None:
        date_text = decode_header(date_value).text
        # a Date of more than a note's length is no date: not even parsed
        if len(date_text) <= MAX_HEADER_NOTE:
            result.date = _parse_date(date_text, tz)
        if result.date is None:
            found.defect("mail.defect.bad_date", date=shorten_text(date_text, MAX_HEADER_NOTE))
    elif result.raw_headers:
        found.defect("mail.defect.no_date")
    message_id = raw_header(msg, "message-id")
    result.message_id = shorten_identifier(" ".join(decode_header(message_id).text.split())) \
        if message_id else ""
    if not result.message_id and result.raw_headers:
        found.defect("mail.defect.no_message_id")
    if subject.lossy:
        found.defect("mail.defect.unreadable_subject")

    if walk:
        _walk(msg, found, depth)

    references = _cid_references(found.htmls)
    for part in found.parts:
        if part.disposition == "body" or part.forwarded:
            continue
        referenced = bool(part.content_id) and part.content_id.lower() in references
        part.inline = referenced or (part.disposition == "inline" and not part.filename)
    result.text_body = "\n".join(found.texts)
    result.html_body = "\n".join(found.htmls)
    result.parts = found.parts
    result.forwarded = found.forwarded
    result.linked_files = _linked_files(result)
    result.defects = found.defects
    return result


_CID = re.compile(r"""cid:([^"'\s>)]+)""", re.IGNORECASE)


def _cid_references(htmls: list[str]) -> set[str]:
    return {unquote(ref).strip("<>").lower() for html in htmls for ref in _CID.findall(html)}


def _linked_files(result: ParsedMessage) -> list[LinkedFile]:
    if result.html_body:
        links = find_linked_files(result.html_body)
    elif result.text_body:
        links = find_linked_files(escape(result.text_body))
    else:
        links = []
    seen = {link.url for link in links}
    for inner in result.forwarded:
        for link in inner.linked_files:
            if link.url not in seen:
                seen.add(link.url)
                links.append(link)
    return links


def parse_message(data: bytes, *, tz: tzinfo = DEFAULT_TZ) -> ParsedMessage:
    """Parse the raw bytes of one message (as fetched over IMAP or read from a .eml).

    ``tz`` is the zone assumed for a Date header without one (default Asia/Shanghai).
    Never raises: a message that cannot be read at all gives an empty
    :class:`ParsedMessage` whose ``defects`` say why.
    """
    if not data.strip():
        return ParsedMessage(defects=[Message.of("mail.defect.empty")])
    try:
        msg = BytesParser(policy=RAW_POLICY).parsebytes(data)
        return _from_message(msg, 0, tz)
    except RecursionError:
        nested = Message.of("mail.defect.too_deep")
        try:
            headers = BytesParser(policy=RAW_POLICY).parsebytes(data, headersonly=True)
            result = _from_message(headers, 0, tz, walk=False)
        except Exception:  # the header block itself is beyond reading
            return ParsedMessage(defects=[nested])
        result.defects.append(nested)
        return result
    except Exception as exc:  # the promise is "never a traceback"
        return ParsedMessage(defects=[Message.of("mail.defect.unparseable",
                                                 error=type(exc).__name__, detail=str(exc))])


_BLANK_LINE = re.compile(rb"\n\r?\n")  # the end of a header block


def parse_headers(data: bytes, *, tz: tzinfo = DEFAULT_TZ) -> ParsedMessage:
    """The header block of a message (``data``: the message, or just its beginning) read
    exactly as :func:`parse_message` reads it — subject, sender, Date, Message-ID and
    their defects — without looking at the parts.  Never raises."""
    blank = _BLANK_LINE.search(data)  # the stdlib would read the body's lines too
    if blank is not None:
        data = data[:blank.end()]
    try:
        return _from_message(BytesParser(policy=RAW_POLICY).parsebytes(data, headersonly=True),
                             0, tz, walk=False)
    except Exception:  # the header block itself is beyond reading
        return ParsedMessage()
