"""Decoding of mail header text the way Chinese mail clients actually write it.

Subjects, sender names and attachment names reach the press office (市新闻办) in
every shape Chinese clients produce: RFC 2047 words labelled ``gb2312`` that carry
GBK-only characters (喆, 镕), words split in the middle of a character (Outlook),
RFC 2047 words inside quoted parameters (Foxmail: ``filename="=?GB2312?B?...?="``),
RFC 2231 parameters with continuations (``filename*0*=gbk''%B5%C7...``) and raw
8-bit GBK (QQ notices, Coremail, office systems).

The stdlib gets several of these wrong (``policy.default`` garbles split words,
compat32's ``get_filename`` returns quoted encoded words raw, ``gb2312`` is decoded
strictly), so the RFC 2047 word splitter here is our own; it joins the bytes of
adjacent words of one charset *before* decoding them.  Nothing here raises on bad
input: undeclared bytes or an unknown charset are read as UTF-8 or GB18030 (short
GBK such as 图片 is valid UTF-8 too, so the reading without mojibake wins), with a
lossy decoding (U+FFFD) only as the last resort.
"""

from __future__ import annotations

import binascii
import codecs
import contextlib
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from email.header import Header
from email.message import Message
from email.policy import Compat32
from email.utils import getaddresses, unquote

__all__ = [
    "RAW_POLICY",
    "DecodedHeader",
    "attachment_filename",
    "decode_address",
    "decode_base64",
    "decode_bytes",
    "decode_header",
    "normalize_charset",
    "raw_header",
]


class _RawPolicy(Compat32):
    """compat32, except that header values come back exactly as stored.

    compat32 turns a header holding raw 8-bit bytes into an ``email.header.Header``
    whose ``str()`` replaces those bytes with U+FFFD.  Returning the stored string
    (bytes above 0x7F kept as surrogate escapes) lets :func:`decode_header` see the
    original bytes.
    """

    def header_fetch_parse(self, name: str, value: str) -> str:
        return value


RAW_POLICY = _RawPolicy()
"""The parsing policy :mod:`pressdocs.mail.message` uses: compat32 with raw header values."""

_GB_LABELS = frozenset(
    {
        "gb2312", "gbk", "gb18030", "cp936", "ms936", "windows-936", "x-gbk", "gb_2312-80",
        "gb2312-80", "gb_2312", "csgb2312", "x-euc-cn", "euc-cn", "euccn", "eucgb2312_cn",
        "chinese", "iso-ir-58", "csiso58gb231280", "x-cp936", "936",
    }
)
_GB_CODECS = frozenset({"gb2312", "gbk", "gb18030"})
_UNKNOWN_LABELS = frozenset({"unknown-8bit", "x-unknown", "unknown", "x-user-defined", ""})


def normalize_charset(label: str | None) -> str | None:
    """The Python codec to use for a charset label from a message, or ``None`` if unknown.

    Every GB label (``gb2312``, ``GBK``, ``cp936``, ``x-gbk`` …) maps to ``gb18030``,
    the superset: senders label text ``gb2312`` but type 喆 and 镕, which only GBK has.
    An RFC 2231 language suffix (``gb2312*zh-cn``) is ignored.
    """
    if label is None:
        return None
    name = label.strip().strip("\"'").split("*", 1)[0].strip().lower()
    if name in _UNKNOWN_LABELS:
        return None
    if name in _GB_LABELS:
        return "gb18030"
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError):
        return None
    if codec in _GB_CODECS:
        return "gb18030"
    # Mail labelled US-ASCII often carries 8-bit text; the fallback chain handles it.
    if codec == "ascii":
        return "us-ascii"
    return codec


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _odd(char: str, before: str, after: str) -> bool:
    """True for a character unlikely in Chinese office mail: the mark of a wrong decoding."""
    code = ord(char)
    if code < 0x80 or 0x4E00 <= code <= 0x9FFF:
        return False  # ASCII; the unified ideographs, common or GBK-only (喆, 镕)
    if 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or 0x2010 <= code <= 0x2027:
        return False  # CJK and full-width punctuation, “” — …
    if char == "·":
        return not (before.isalpha() and after.isalpha())  # 阿卜杜·热合曼
    if char in "°×":
        return not (before.isdigit() or after.isdigit())  # 36.5°, 3×4
    latin_word = (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())
    # An accented letter inside a Latin word (Müller) is fine; Greek, Cyrillic, IPA,
    # symbols, rare ideograph blocks and private use are not.
    return not (0xC0 <= code <= 0x24F and latin_word)


def _odd_count(text: str) -> int:
    """How many characters of ``text`` look like mojibake.

    GBK read as UTF-8 gives Greek, Cyrillic or IPA letters (图片 → ͼƬ, 小 → С); UTF-8
    read as GBK gives private-use characters and rare ideograph blocks.
    """
    sample = text[:4000]
    return sum(
        _odd(c, sample[i - 1] if i else "", sample[i + 1: i + 2])
        for i, c in enumerate(sample)
        if ord(c) > 0x7F
    )


def _guess(data: bytes) -> tuple[str, str] | None:
    """Undeclared bytes: UTF-8, unless GB18030 also fits and reads with less mojibake."""
    readings: list[tuple[str, str]] = []
    for codec in ("utf-8", "gb18030"):
        try:
            readings.append((data.decode(codec), codec))
        except UnicodeDecodeError:
            continue
    if not readings:
        return None
    if len(readings) == 2 and _odd_count(readings[1][0]) < _odd_count(readings[0][0]):
        return readings[1]
    return readings[0]


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode text bytes in their declared charset, falling back where it does not fit.

    Returns ``(text, codec)``: the text and the codec that decoded it.  A declared
    charset is tried first (every GB label as GB18030).  Undeclared or unknown, or
    when the declared one does not fit: UTF-8, then GB18030 — and where both decode
    every byte (short GBK text such as 图片 is valid UTF-8 too), the reading that
    has fewer characters foreign to Chinese office mail wins (a tie goes to UTF-8).
    If nothing decodes every byte, the reading losing the fewest characters is used
    with U+FFFD for bad bytes (the codec is then reported with ``"+replace"``).  A
    UTF-8 byte-order mark is dropped.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    first = normalize_charset(declared)
    if data.isascii() and first in (None, "us-ascii"):
        return data.decode("ascii"), "us-ascii"
    if first not in (None, "us-ascii"):
        try:
            return data.decode(first), first
        except (UnicodeDecodeError, LookupError):
            pass
    guessed = _guess(data)
    if guessed is not None:
        return guessed
    candidates = [c for c in (first, "utf-8", "gb18030") if c and c != "us-ascii"]
    # Nothing fits every byte: keep the reading that loses the fewest characters.
    best = min(
        dict.fromkeys(candidates),
        key=lambda c: data.decode(c, errors="replace").count("\ufffd"),
    )
    return data.decode(best, errors="replace"), f"{best}+replace"


@dataclass(frozen=True)
class DecodedHeader:
    """A header value decoded for people, with the original bytes kept for audit.

    ``charsets`` lists, in order of first use, the codecs that decoded the pieces
    (``"us-ascii"`` for plain text; a ``"+replace"`` suffix marks lossy decoding).
    """

    text: str
    raw: bytes
    charsets: tuple[str, ...]

    @property
    def lossy(self) -> bool:
        """True if some bytes could not be decoded and were replaced by U+FFFD."""
        return any(c.endswith("+replace") for c in self.charsets)


_ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_FOLD = re.compile(rb"\r?\n(?=[ \t])")
_B64_RUN = re.compile(rb"[A-Za-z0-9+/]+=*")


def _to_bytes(raw: str | bytes | Header | None) -> bytes:
    if raw is None:
        return b""
    if isinstance(raw, Header):
        raw = raw.encode()
    if isinstance(raw, str):
        # Parsers keep undecodable header bytes as surrogate escapes; this restores them.
        return raw.encode("utf-8", "surrogateescape")
    return bytes(raw)


def decode_base64(data: bytes) -> tuple[bytes, bool]:
    """Base64 as mailers really write it: missing or inner padding, line breaks, junk.

    Returns the decoded bytes and whether the input looked complete (``False`` when
    padding is missing or a lone trailing character is left over, the marks of a
    truncated part).
    """
    cleaned = re.sub(rb"[^A-Za-z0-9+/=]", b"", data)
    out = bytearray()
    complete = True
    for run in _B64_RUN.findall(cleaned):
        body = run.rstrip(b"=")
        if len(body) % 4 == 1:
            body = body[:-1]
            complete = False
        elif len(body) % 4 and len(body) == len(run):
            complete = False
        out += binascii.a2b_base64(body + b"=" * (-len(body) % 4))
    return bytes(out), complete


def _decode_b(text: bytes) -> bytes | None:
    if re.search(rb"[^A-Za-z0-9+/=\s]", text):
        return None  # not base64 at all: leave the word as text
    return decode_base64(text)[0]


def _decode_q(text: bytes) -> bytes:
    return binascii.a2b_qp(text, header=True)


_Segment = tuple[str | None, bytes, bool]  # (codec label or None for raw text, bytes, encoded?)


def _segments(data: bytes) -> list[_Segment]:
    """Split unfolded header bytes into encoded words and plain runs.

    Whitespace between two encoded words is dropped (RFC 2047 §6.2); adjacent words of
    one charset are joined as bytes so that a character split across words survives.
    """
    # (codec, the decoded pieces, encoded?): pieces joined once at the end, so that a
    # subject folded over a hundred thousand words is read in linear time
    runs: list[tuple[str | None, list[bytes], bool]] = []
    pos = 0
    for match in _ENCODED_WORD.finditer(data):
        label, kind, payload = match.groups()
        decoded = _decode_b(payload) if kind in b"bB" else _decode_q(payload)
        if decoded is None:
            continue
        gap = data[pos:match.start()]
        if gap and not (gap.strip(b" \t") == b"" and runs and runs[-1][2]):
            runs.append((None, [gap], False))
        codec = normalize_charset(label.decode("ascii", "replace")) or label.decode(
            "ascii", "replace"
        ).lower()
        if runs and runs[-1][2] and runs[-1][0] == codec:
            runs[-1][1].append(decoded)
        else:
            runs.append((codec, [decoded], True))
        pos = match.end()
    if pos < len(data):
        runs.append((None, [data[pos:]], False))
    return [(codec, b"".join(chunks), encoded) for codec, chunks, encoded in runs]


def decode_header(raw: str | bytes | Header | None) -> DecodedHeader:
    """Decode a header value (subject, display name, file name) into text.

    ``raw`` may be the header's bytes, the string a parser stored (raw 8-bit kept as
    surrogate escapes, as :data:`RAW_POLICY` gives it), or an ``email.header.Header``.
    Handles RFC 2047 B and Q words in any charset (every GB label decoded as GB18030),
    words split in the middle of a character, folded lines, encoded words inside
    quotes, raw 8-bit bytes and unknown charsets (UTF-8 or GB18030, as
    :func:`decode_bytes` chooses).  Leading and trailing whitespace is trimmed.
    Never raises.
    """
    original = _to_bytes(raw)
    data = _FOLD.sub(b"", original).replace(b"\r", b"").replace(b"\n", b"")
    texts: list[str] = []
    used: list[str] = []
    for codec, chunk, encoded in _segments(data):
        if encoded:
            text, chosen = decode_bytes(chunk, codec)
        else:
            text, chosen = decode_bytes(chunk, None)
            if not chunk.strip():
                chosen = ""
        texts.append(text)
        if chosen and chosen not in used:
            used.append(chosen)
    return DecodedHeader(text="".join(texts).strip(), raw=original, charsets=tuple(used))


def _unquote_display_name(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        inner = name[1:-1]
        if inner.isascii():
            return unquote(name)
        return inner
    return name


_ANGLE_ADDRESS = re.compile(r"^(?P<name>.*?)\s*<(?P<addr>[^<>]*)>\s*$", re.DOTALL)


def decode_address(raw: str | bytes | Header | None) -> tuple[str, str]:
    """Split a From/To value into ``(display name, address)``, the name decoded.

    ``"=?GB2312?B?ytDNs7zGvtaw7Lmr0tI=?=" <tjj_bgs@wuhu.gov.cn>`` gives
    ``("市统计局办公室", "tjj_bgs@wuhu.gov.cn")``.  Raw 8-bit names and addresses, quoted
    encoded words and a bare address all work; with several addresses the first is taken.
    Either part is ``""`` when absent.
    """
    data = _FOLD.sub(b"", _to_bytes(raw)).replace(b"\r", b"").replace(b"\n", b"")
    text = data.decode("ascii", "surrogateescape").strip()
    if not text:
        return "", ""
    match = _ANGLE_ADDRESS.match(text)
    if match and "," not in match.group("addr"):
        name = _unquote_display_name(match.group("name"))
        address = match.group("addr").strip()
    else:
        pairs = getaddresses([text])
        name, address = pairs[0] if pairs else ("", "")
        if not address and not name:
            return decode_header(text).text, ""
    decoded = decode_header(name).text.strip().strip('"').strip()
    # an address in raw 8-bit (RFC 6531, 中文邮箱 such as 王芳@…) is text too, never the
    # surrogate escapes the parser keeps such bytes as
    address = decode_bytes(address.strip().encode("utf-8", "surrogateescape"))[0]
    return decoded, address


def raw_header(part: Message, name: str) -> str | None:
    """The stored value of header ``name`` in ``part``, without policy processing.

    Works whatever policy parsed ``part``; raw 8-bit bytes stay as surrogate escapes.
    """
    wanted = name.lower()
    for key, value in part.raw_items():
        if key.lower() == wanted:
            return value if isinstance(value, str) else str(value)
    return None


#: The longest Content-Disposition / Content-Type value whose parameters are parsed whole.
_MAX_PARAMS = 16 * 1024


def _param_candidates(part: Message, header: str, param: str) -> list[str]:
    """Decoded values of parameter ``param`` of ``header``: RFC 2231 ones first."""
    value = raw_header(part, header)
    if value is None:
        return []
    cut = len(value) > _MAX_PARAMS
    if cut:
        # the stdlib parameter parser takes quadratic time: a header of megabytes would
        # stall the batch for hours.  Its start and end are enough for a name cut to
        # MAX_FILENAME characters with its extension.
        head, tail = value[:_MAX_PARAMS // 2], value[-(_MAX_PARAMS // 2):]
        if "\n" in head and "\n" in tail:  # whole folded lines: RFC 2231 pieces stay whole
            head, tail = head.rpartition("\n")[0], tail.partition("\n")[2]
        value = f"{head}\n{tail}" if head.endswith("\r") or "\n" in value else head + tail
    holder = Message(policy=RAW_POLICY)
    holder.set_raw(header, value)
    try:
        params = holder.get_params(header=header, unquote=False) or []
    except Exception:  # the stdlib parameter parser can trip on odd bytes; no name then
        return []
    extended: list[str] = []
    plain: list[str] = []
    for key, val in params:
        if key.strip().lower() != param:
            continue
        if isinstance(val, tuple):
            charset, _language, text = val
            data = unquote(text).encode("latin-1", "surrogateescape")
            if cut and charset:  # the seam of the cut may split a character: mark it
                with contextlib.suppress(LookupError):
                    extended.append(data.decode(charset, "replace"))
                    continue
            extended.append(decode_bytes(data, charset or None)[0])
        else:
            plain.append(decode_header(unquote(val)).text)
    return [v for v in extended + plain if v.strip()]


# --- how long a header's text may be -----------------------------------------------------
#
# A header is as long as its sender wants: a Subject or a display name of megabytes would
# go whole into the ledger, every JSON answer and the terminal.  Each kind of text is cut
# to its limit (characters) where the message is read (pressdocs.mail.message), its start
# kept and :data:`CUT_MARK` where it was cut, so the batch, the review desk and the lists
# all see the same text.  No real mail comes near these limits.

#: The longest file name kept: a longer one is cut, keeping its extension.
MAX_FILENAME = 255
#: The longest subject kept (主题).
MAX_SUBJECT = 500
#: The longest sender's display name kept (发件人名称).
MAX_SENDER_NAME = 200
#: The longest sender's address kept: RFC 5321's longest path, less its angle brackets.
MAX_ADDRESS = 254
#: The longest Message-ID kept; a longer one keeps a digest of the whole after the cut,
#: so that two different long IDs stay different.
MAX_MESSAGE_ID = 250
#: The longest header text quoted in a note on the message (an unreadable Date, a charset).
MAX_HEADER_NOTE = 200
CUT_MARK = "…"

_ZWJ = "\u200d"


def _regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _joined(text: str, at: int) -> bool:
    """Whether ``text[at - 1]`` and ``text[at]`` belong to one character as people see it
    (a letter and its combining accent, an emoji and its modifier or selector, the halves
    of a flag or of a surrogate pair, a ZWJ sequence)."""
    before, after = text[at - 1], text[at]
    if unicodedata.category(after) in ("Mn", "Me", "Mc") or _ZWJ in (before, after):
        return True
    code = ord(after)
    if (0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF  # variation selectors
            or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F  # skin tones, tags
            or 0x1160 <= code <= 0x11FF):  # Hangul vowel and final jamo
        return True
    if "\ud800" <= before <= "\udbff" and "\udc00" <= after <= "\udfff":
        return True
    if _regional(before) and _regional(after):  # flags are pairs: cut between two pairs
        run = at - 1
        while run > 0 and _regional(text[run - 1]):
            run -= 1
        return (at - run) % 2 == 1
    return False


def _cut(text: str, end: int) -> str:
    """``text[:end]``, ended a little earlier where ``end`` would split a character."""
    floor = max(0, end - 32)
    for stop in range(end, floor, -1):
        if not _joined(text, stop):
            return text[:stop]
    # the text's first character, or a run of marks longer than any real character (a
    # cut inside it leaves valid text)
    return "" if floor == 0 else text[:end]


def shorten_text(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, its start kept and the cut marked
    with :data:`CUT_MARK` (never inside a character: an accent, an emoji sequence, a flag
    stay whole or go); a text within the limit is returned as it is."""
    if len(text) <= limit:
        return text
    return _cut(text, limit - len(CUT_MARK)) + CUT_MARK


def shorten_identifier(text: str, limit: int = MAX_MESSAGE_ID) -> str:
    """An identifier (a Message-ID) cut like :func:`shorten_text`, with the first 16 hex
    digits of the whole one's SHA-256 after the mark: two long identifiers that share
    their start stay different."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return _cut(text, limit - len(CUT_MARK) - len(digest)) + CUT_MARK + digest


def _basename(name: str) -> str:
    # Some Windows clients send the sender's full path (C:\Users\...\发布稿.docx).
    tail = re.split(r"[\\/]", name)[-1].strip()
    return shorten_filename(re.sub(r"[\r\n\t]+", " ", tail or name.strip()))


def shorten_filename(name: str, limit: int = MAX_FILENAME) -> str:
    """``name`` cut to at most ``limit`` characters, its extension kept and the cut marked
    (``很长的名字…docx`` stays a .docx); a name within the limit is returned as it is."""
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 16 or not stem:
        return shorten_text(name, limit)
    return _cut(name, limit - len(CUT_MARK) - len(extension) - 1) + CUT_MARK + "." + extension


def attachment_filename(part: Message) -> str:
    """The decoded file name of a MIME part, or ``""`` if it has none.

    Looks at the Content-Disposition ``filename`` (RFC 2231 ``filename*`` first, with
    continuations), then the Content-Type ``name``; each may hold RFC 2047 words,
    quoted or not, or raw 8-bit bytes.  A Windows path sent as the name is reduced to
    its last component.
    """
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        values = _param_candidates(part, header, param)
        if values:
            return _basename(values[0])
    return ""
