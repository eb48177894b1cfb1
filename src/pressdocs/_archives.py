"""Opening packages (打包发送): the zip, 7z and rar files units send their materials in,
and Outlook's winmail.dat.

The notice asks units to "打包发送" the press release, questions and pictures to the
office's mailbox.  They zip them on Chinese Windows, compress them on macOS, or send 7z
and rar files; sometimes a package holds another package.  :func:`open_archive` turns
one package into a flat list of :class:`Member` files, in memory, refusing anything that
could hurt the machine reading it.

What is done to the names:

- zip names without the UTF-8 flag (bit 11) are decoded as the writer meant them:
  the Info-ZIP Unicode Path field (0x7075) if present and matching; else UTF-8 when the
  package's names look like UTF-8 (macOS "压缩" writes UTF-8 without setting the flag);
  else GB18030, a superset of GBK (Chinese Windows, WinRAR, 360压缩); else cp437 as
  stored.
- 7z names are UTF-16 and rar names UTF-8 (or RAR 3 Unicode): used as they are.
- Junk is skipped: folders, ``__MACOSX/``, AppleDouble ``._*`` twins, ``.DS_Store``,
  ``Thumbs.db``, ``desktop.ini``, and symbolic links (a link is not material, and is
  never followed; :func:`open_package` names the links it left out).
- Backslashes are read as folder separators (PowerShell's Compress-Archive and some
  old tools write ``材料\\发布稿.docx``); ``.`` and empty parts are dropped.

What is refused, with :class:`~pressdocs.errors.ArchiveRejected` naming the package:

- an **unsafe name**: a ``..`` part, an absolute path (``/etc/passwd``, ``\\\\server``),
  a drive letter (``C:\\evil.txt``), a NUL or other control character.  The *whole
  package* is refused, not just the member.  None of the tools units use (Windows,
  WinRAR, 7-Zip, Bandizip, 360压缩, macOS) writes such a name, so it means a crafted or
  corrupted package; dropping the member could silently lose the 发布稿 itself, and
  renaming it would show the office a file under a name the unit never gave it.  A
  clean resend is what the office asks for anyway.
- two members with the **same name** after normalisation (which one is the 发布稿?);
- a **password** (压缩包有密码保护);
- **too much**: more entries, bytes, nesting or compression than :class:`ArchiveLimits`
  allows.  Declared sizes are checked first (cheap), and every byte is counted again
  while it is inflated, so headers that lie cannot get past the limits.

Two formats are judged a little differently.  Zip members packed with bzip2 or LZMA
raise :class:`~pressdocs.errors.UnsupportedFormat`: zipfile inflates those without an
output bound (400 bytes of bzip2 can become 512 MB in one call), and every common tool
writes Deflate by default.  A 7z's solid blocks share one compressed size among many
files, so its compression ratio is judged for the package as a whole only.  A rar needs
an external tool, checked before anything is read.

A damaged or truncated package raises :class:`~pressdocs.errors.ParseError`; a package
pressdocs cannot read here (no rar tool, a missing extra, an exotic zip method) raises
:class:`~pressdocs.errors.UnsupportedFormat`.  Both name the file.

A package is given as bytes or, when it is large, as the file that holds it (a blob of
the store): it is then read from the file, never held whole.  Members come back as
bytes; given a ``store`` (:class:`MemberStore`, the batch's blob store), a member larger
than ``keep`` bytes is written to it as it is inflated instead, and comes back as a
:class:`Member` holding only its first bytes (``data``), its ``sha256`` and ``size`` —
so a 1 GB package costs a batch the memory of its small files only.  A package found
inside one that went to the store is opened from its blob in turn.

Nothing else is written to disk for zip and 7z.  A rar given as bytes is written to a
private temporary directory, because the external tool (unar, bsdtar or unrar) reads
files, and that directory is removed before returning; rarfile may also write a
short-lived copy of a single member for the tool, which it removes itself.

Outlook's ``winmail.dat`` (TNEF, application/ms-tnef: Outlook with Exchange, writing in
RTF, wraps a message's attachments in it) is a package too: its members are the
attachments, named by their UTF-16 long name (PR_ATTACH_LONG_FILENAME) or else by their
title in the message's code page (GBK for Chinese Outlook; GB18030 when none is given).  It
is recognised by its signature, or by the name winmail.dat when that is damaged.  It is
read by a small reader of MS-OXTNEF here, bounded against hostile bytes (every length
checked, every checksum verified), and raises :class:`~pressdocs.errors.ParseError` when
damaged or holding no attachment (an RTF body only): the message asks the unit to send
again in 纯文本/HTML format.  A TNEF given as a file is read whole: it is not compressed
and no larger than the message that carried it.

A ``.docx``/``.xlsx``/``.pptx``, OpenDocument, OFD (版式文档) or Apple iWork file is a zip
too; :func:`is_office_zip` tells them apart so that callers (and nested packages here)
keep documents as documents.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO, Protocol

from pressdocs import _sniff as sniff
from pressdocs.errors import ArchiveRejected, ParseError, PressdocsError, UnsupportedFormat
from pressdocs.models import Message

__all__ = [
    "ArchiveLimits",
    "Member",
    "MemberStore",
    "Opened",
    "is_office_zip",
    "open_archive",
    "open_package",
    "sniff_archive",
]

_KiB = 1024
_MiB = 1024 * _KiB
_GiB = 1024 * _MiB
_CHUNK = 256 * _KiB
#: How much of a member kept in a store stays in memory (:attr:`Member.data`), and of its end
#: (:attr:`Member.tail`).
_HEAD = 64 * _KiB
_TAIL = 4 * _KiB
#: A member up to this size is kept in memory even when a store is given.
KEEP = 2 * _MiB

#: A package: its bytes, or the file holding them.
Source = bytes | Path


@dataclass(frozen=True)
class ArchiveLimits:
    """How much one package may hold (each limit checked while reading, not only from headers).

    ``max_ratio`` (uncompressed / compressed) applies to each member and to the package
    as a whole, but only once more than ``ratio_min_bytes`` has been inflated: a small
    blank text file compresses 300-fold and is no threat, while anything a ratio could
    make dangerous is large.  ``max_depth`` counts the package in the mail as 1, so the
    default 2 allows a zip inside a zip and refuses a third level.  ``max_total_bytes``
    and ``max_entries`` count every level of nesting together.
    """

    max_total_bytes: int = 1 * _GiB
    max_entries: int = 1000
    max_ratio: float = 200
    max_depth: int = 2
    max_member_bytes: int = 500 * _MiB
    ratio_min_bytes: int = 1 * _MiB


@dataclass(frozen=True)
class Member:
    """One file taken out of a package.

    ``path`` is safe, relative, ``/``-separated and decoded ("材料/发布稿.docx");
    ``container`` names the package it came from: the name given to :func:`open_archive`
    ("材料.zip"), or for a package inside it "材料.zip/内层.zip".  A member written to the
    store (see the module docstring) has ``sha256`` set: ``data`` is then only its first
    bytes and ``tail`` its last ones; :attr:`size` is always the size of the whole.
    """

    path: str
    data: bytes = field(repr=False)  # up to hundreds of MB: keep it out of logs
    container: str
    package: bool = False  # a package found inside (only from open_package)
    sha256: str = ""  # the blob holding the member, when it went to the store
    stored_size: int = 0
    tail: bytes = field(default=b"", repr=False)

    @property
    def stored(self) -> bool:
        """Whether the member is in the store (``data`` only its first bytes)."""
        return bool(self.sha256)

    @property
    def size(self) -> int:
        return self.stored_size if self.stored else len(self.data)


class BlobSink(Protocol):
    """One new blob being written (:class:`pressdocs.store.blobs.BlobWriter`)."""

    def write(self, data: bytes) -> int: ...

    def commit(self) -> str: ...

    def abort(self) -> None: ...


class MemberStore(Protocol):
    """Where large members go: a new blob, and the file of a committed one."""

    def writer(self) -> BlobSink: ...

    def path(self, sha256: str) -> Path: ...


@dataclass(frozen=True)
class Opened:
    """A package opened by :func:`open_package`.

    ``members`` are its files in order, each package found inside listed (``package``
    set) just before its own files; ``links`` are the symbolic links left out, as
    ``(container, path)``.
    """

    members: list[Member]
    links: list[tuple[str, str]] = field(default_factory=list)


# --- recognising packages --------------------------------------------------------------

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_SEVENZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
_RAR_MAGICS = (b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00")
_TNEF_MAGIC = b"\x78\x9f\x3e\x22"  # 0x223E9F78, little-endian
_TNEF_NAME = "winmail.dat"

_DOCUMENT_MARKERS = ("[Content_Types].xml", "OFD.xml", "Index/Document.iwa")


def sniff_archive(data: bytes, name: str = "") -> str | None:
    """The kind of package, from magic bytes: "zip", "7z", "rar", "tnef" or None.

    The name counts for one file only: Outlook's ``winmail.dat`` is a TNEF ("tnef") even
    when its signature is damaged, so that the unit hears what went wrong with it (and how
    to send instead) rather than that its file is unknown.  A .docx is a zip as well; use
    :func:`is_office_zip` to keep documents apart.
    """
    if data.startswith(_ZIP_MAGICS):
        return "zip"
    if data.startswith(_SEVENZIP_MAGIC):
        return "7z"
    if data.startswith(_RAR_MAGICS):
        return "rar"
    if data.startswith(_TNEF_MAGIC) or _is_winmail(name):
        return "tnef"
    return None


def _is_winmail(name: str) -> bool:
    """Whether ``name`` (a file name, or a path in a package) is Outlook's winmail.dat."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip().lower() == _TNEF_NAME


def is_office_zip(data: Source, name: str = "") -> bool:
    """True if this zip is a document, not a package.

    Office Open XML (.docx, .xlsx, .pptx: ``[Content_Types].xml``), OpenDocument and EPUB
    (first member ``mimetype``), OFD 版式文档 (``OFD.xml``) and Apple iWork
    (``Index/Document.iwa``).  A zip whose central directory is lost (a download cut off)
    is judged as :func:`pressdocs._sniff.sniff_media_type` judges it, by its local headers
    and then its ``name``: a truncated 登记表.docx is a damaged document, for its parser to
    report as one, not a damaged package.  False for anything else — first of all for a
    7z or rar: zipfile finds a zip's directory by searching back from the end, so a 7z or
    rar that *stores* a .docx (no compression) looks to it like that .docx.  The magic at
    the start decides first.
    """
    head = _head(data, _MiB)  # a file is judged by its first MB where bytes are whole
    if sniff_archive(head) != "zip":
        return False
    try:
        with _opened(data) as f, zipfile.ZipFile(f) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error):
        return sniff.sniff_media_type(head, name) != sniff.ZIP
    if names and names[0] == "mimetype":
        return True
    return any(marker in names for marker in _DOCUMENT_MARKERS)


# --- bytes or a file ---------------------------------------------------------------------

@contextlib.contextmanager
def _opened(source: Source) -> Iterator[BinaryIO]:
    """The package as a binary file: its bytes in memory, or its file opened."""
    if isinstance(source, bytes):
        yield io.BytesIO(source)
        return
    with source.open("rb") as f:
        yield f


def _size(source: Source) -> int:
    return len(source) if isinstance(source, bytes) else source.stat().st_size


def _head(source: Source, size: int) -> bytes:
    """The whole bytes, or the first ``size`` bytes of the file."""
    if isinstance(source, bytes):
        return source
    with source.open("rb") as f:
        return f.read(size)


# --- the shared reading machinery ------------------------------------------------------

@dataclass
class _Budget:
    """What the whole call (every nesting level) has used so far, and where large members
    go (``store``; ``None``: every member in memory)."""

    limits: ArchiveLimits
    entries: int = 0
    inflated: int = 0
    links: list[tuple[str, str]] = field(default_factory=list)
    store: MemberStore | None = None
    keep: int = KEEP


@dataclass
class _Scope:
    """One package being opened: its name, its size on the wire and what it produced."""

    budget: _Budget
    container: str
    packed_size: int
    depth: int
    inflated: int = 0

    @property
    def limits(self) -> ArchiveLimits:
        return self.budget.limits

    def reject(self, key: str, /, **params: object) -> ArchiveRejected:
        """The package refused with the message ``key`` of ``[archive]``."""
        return ArchiveRejected.of(key, file=self.container, **params)


@dataclass(frozen=True)
class _Entry:
    """A member as listed by its package, before anything is inflated."""

    raw_name: str
    path: str | None  # None: unsafe name
    is_dir: bool
    is_link: bool
    size: int  # declared
    packed: int | None  # declared compressed size, None where the format does not say
    encrypted: bool
    handle: Any  # the backend's own object (ZipInfo, RarInfo, ...)


@dataclass(frozen=True)
class _Stored:
    """A member written to the store: its blob, size, first and last bytes."""

    sha256: str
    size: int
    head: bytes
    tail: bytes


class _Sink:
    """Collects one member's bytes and refuses to grow past the limits; past the budget's
    ``keep`` bytes (with a store) it writes them to a new blob instead."""

    def __init__(self, scope: _Scope, entry: _Entry):
        self._scope = scope
        self._entry = entry
        self._buf = io.BytesIO()  # getvalue() hands over its buffer without a copy
        self._blob: BlobSink | None = None
        self._written = 0
        self._head = b""
        self._tail = b""

    def write(self, chunk: bytes) -> None:
        scope, limits = self._scope, self._scope.limits
        size = self.size + len(chunk)
        if size > limits.max_member_bytes:
            raise _member_too_big(scope, self._entry.raw_name, None)
        if scope.budget.inflated + len(chunk) > limits.max_total_bytes:
            raise _total_too_big(scope, None)
        packed = self._entry.packed
        if packed is not None and size > limits.ratio_min_bytes:
            ratio = size / max(packed, 1)
            if ratio > limits.max_ratio:
                raise _member_ratio(scope, self._entry.raw_name, ratio)
        _check_overall_ratio(scope, scope.inflated + len(chunk))
        scope.inflated += len(chunk)
        scope.budget.inflated += len(chunk)
        if self._blob is not None:
            self._to_blob(chunk)
            return
        self._buf.write(chunk)
        store = scope.budget.store
        if store is not None and self._buf.tell() > scope.budget.keep:
            self._blob = store.writer()
            held, self._buf = self._buf.getvalue(), io.BytesIO()
            self._head = held[:_HEAD]
            self._to_blob(held)

    def _to_blob(self, chunk: bytes) -> None:
        assert self._blob is not None
        self._blob.write(chunk)
        self._written += len(chunk)
        self._tail = chunk[-_TAIL:] if len(chunk) >= _TAIL else (self._tail + chunk)[-_TAIL:]

    @property
    def size(self) -> int:
        return self._written if self._blob is not None else self._buf.tell()

    def getvalue(self) -> bytes | _Stored:
        """The member: its bytes, or the blob it was written to (committed now)."""
        if self._blob is None:
            return self._buf.getvalue()
        return _Stored(self._blob.commit(), self._written, self._head, self._tail)

    def abort(self) -> None:
        """Drop a blob begun for the member (reading it failed)."""
        if self._blob is not None:
            self._blob.abort()


class _Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


def _drain(stream: _Readable, sink: _Sink) -> _Sink:
    """Read ``stream`` chunk by chunk into ``sink``, which stops at the limits."""
    try:
        while chunk := stream.read(_CHUNK):
            sink.write(chunk)
    except BaseException:
        sink.abort()
        raise
    return sink


_Read = list[tuple[str, _Sink]]  # each wanted member's path and what it was read into


@contextlib.contextmanager
def _undone_on_failure(read: _Read) -> Iterator[_Read]:
    """Drop the blobs begun for the members read so far if reading the package fails: a
    refused package leaves nothing in the store."""
    try:
        yield read
    except BaseException:
        for _, sink in read:
            sink.abort()
        raise


def _human(size: float) -> str:
    """A size as staff write it: "1.2 GB", "500 MB" (powers of 1024)."""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            text = f"{size:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _shown(name: str) -> str:
    """A member name made printable for a message (control characters escaped)."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in name)


def _amount(size: int | None) -> Message | None:
    """The declared size, said in passing ("共 1.2 GB，"); None when it is not known."""
    return Message.of("archive.amount", size=_human(size)) if size is not None else None


def _member_too_big(scope: _Scope, name: str, size: int | None) -> ArchiveRejected:
    """``size`` is the declared size, or None when reading stopped at the limit."""
    return scope.reject("archive.member_too_big", name=_shown(name), amount=_amount(size),
                        limit=_human(scope.limits.max_member_bytes))


def _total_too_big(scope: _Scope, size: int | None) -> ArchiveRejected:
    """``size`` is the declared total, or None when reading stopped at the limit."""
    return scope.reject("archive.total_too_big", amount=_amount(size),
                        limit=_human(scope.limits.max_total_bytes))


def _member_ratio(scope: _Scope, name: str, ratio: float) -> ArchiveRejected:
    return scope.reject("archive.member_ratio", name=_shown(name), ratio=ratio,
                        limit=scope.limits.max_ratio)


def _check_overall_ratio(scope: _Scope, inflated: int) -> None:
    limits = scope.limits
    if inflated <= limits.ratio_min_bytes:
        return
    ratio = inflated / max(scope.packed_size, 1)
    if ratio > limits.max_ratio:
        raise scope.reject("archive.package_ratio", ratio=ratio, limit=limits.max_ratio)


# --- names -----------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")
_JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


def _safe_path(name: str) -> str | None:
    """The member name as a safe relative '/'-path, or None if it is unsafe."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return None
    name = name.replace("\\", "/")
    if name.startswith("/"):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." or _DRIVE.match(p) for p in parts):
        return None
    return "/".join(parts)


def _is_junk(path: str) -> bool:
    parts = path.split("/")
    base = parts[-1]
    return "__MACOSX" in parts or base.startswith("._") or base.lower() in _JUNK_NAMES


def _vet(entries: list[_Entry], scope: _Scope, *, encrypted: bool = False) -> list[_Entry]:
    """Check a package's listing against the limits; return the members worth reading.

    ``encrypted`` says the package as a whole is password-protected (7z, rar headers).
    """
    limits, budget = scope.limits, scope.budget
    budget.entries += len(entries)
    if budget.entries > limits.max_entries:
        raise scope.reject("archive.too_many_entries", count=budget.entries,
                           limit=limits.max_entries)
    if encrypted or any(e.encrypted for e in entries):
        raise _password_protected(scope)
    for e in entries:
        if e.path is None or (not e.path and not e.is_dir):
            raise scope.reject("archive.unsafe_name", name=_shown(e.raw_name))
    budget.links.extend((scope.container, e.path) for e in entries
                        if e.is_link and e.path and not _is_junk(e.path))
    wanted = [e for e in entries
              if not e.is_dir and not e.is_link and e.path and not _is_junk(e.path)]
    seen: set[str] = set()
    for e in wanted:
        assert e.path is not None
        if e.path in seen:
            raise scope.reject("archive.duplicate_name", name=_shown(e.path))
        seen.add(e.path)
    declared = 0
    for e in wanted:
        if e.size > limits.max_member_bytes:
            raise _member_too_big(scope, e.raw_name, e.size)
        if e.packed is not None and e.size > limits.ratio_min_bytes:
            ratio = e.size / max(e.packed, 1)
            if ratio > limits.max_ratio:
                raise _member_ratio(scope, e.raw_name, ratio)
        declared += e.size
    if budget.inflated + declared > limits.max_total_bytes:
        raise _total_too_big(scope, budget.inflated + declared)
    _check_overall_ratio(scope, declared)
    return wanted


def _password_protected(scope: _Scope) -> ArchiveRejected:
    return scope.reject("archive.password")


def _damaged(container: str, exc: BaseException) -> ParseError:
    """The library's own words go to the English message only: they are English (a
    nested message with no Chinese text, so the Chinese reads as before)."""
    detail = Message.literal("", f" ({exc})") if str(exc) else None
    return ParseError.of("archive.damaged", file=container, detail=detail)


# --- zip -------------------------------------------------------------------------------

_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_UNICODE_PATH_EXTRA = 0x7075
_S_IFMT, _S_IFLNK = 0o170000, 0o120000
_ZIP_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_ZIP_METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64",
                     98: "PPMd", 99: "AES", 93: "Zstandard", 95: "XZ"}
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
               struct.error, RuntimeError)


def _unicode_path_extra(extra: bytes, raw: bytes) -> str | None:
    """The UTF-8 name in an Info-ZIP Unicode Path field, if present and still matching."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4: pos + 4 + size]
        if tag == _UNICODE_PATH_EXTRA and len(body) >= 5 and body[0] == 1:
            (crc,) = struct.unpack_from("<I", body, 1)
            if crc == zlib.crc32(raw):
                try:
                    return body[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
        pos += 4 + size
    return None


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _legacy_names_are_utf8(infos: list[zipfile.ZipInfo]) -> bool:
    """Whether this zip's unflagged names are UTF-8 (macOS) rather than GBK (Windows).

    Decided once per package, since one tool wrote all its names: UTF-8 if every
    non-ASCII name is valid UTF-8 and not all of them are valid GB2312.  Judging names
    one by one fails on short GBK names that happen to be valid UTF-8 ("图片" is
    ``CD BC C6 AC``, which UTF-8 reads as "ͼƬ"), while UTF-8 Chinese almost always has
    a continuation byte below 0xA1, which GB2312 never uses.
    """
    legacy = [raw for info in infos if not info.flag_bits & _UTF8_FLAG
              if not (raw := info.orig_filename.encode("cp437")).isascii()]
    return (bool(legacy) and all(_decodes(raw, "utf-8") for raw in legacy)
            and not all(_decodes(raw, "gb2312") for raw in legacy))


def _zip_name(info: zipfile.ZipInfo, utf8: bool) -> str:
    """A zip member's name as its writer meant it (see the module docstring)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.orig_filename
    raw = info.orig_filename.encode("cp437")
    unicode_name = _unicode_path_extra(info.extra, raw)
    if unicode_name is not None:
        return unicode_name
    for encoding in ("utf-8", "gb18030") if utf8 else ("gb18030",):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return info.orig_filename


def _zip_entries(zf: zipfile.ZipFile, packed_size: int) -> list[_Entry]:
    infos = zf.infolist()
    utf8 = _legacy_names_are_utf8(infos)
    entries = []
    for info in infos:
        name = _zip_name(info, utf8)
        is_dir = name.endswith(("/", "\\"))
        entries.append(_Entry(
            raw_name=name,
            path=_safe_path(name),
            is_dir=is_dir,
            is_link=(info.external_attr >> 16) & _S_IFMT == _S_IFLNK,
            size=info.file_size,
            packed=min(info.compress_size, packed_size),
            encrypted=bool(info.flag_bits & _ENCRYPTED_FLAG),
            handle=info,
        ))
    return entries


def _read_zip(source: Source, scope: _Scope) -> _Read:
    with _opened(source) as f:
        try:
            zf = zipfile.ZipFile(f)
        except _ZIP_ERRORS as exc:
            raise _damaged(scope.container, exc) from exc
        with zf:
            return _read_zip_members(zf, scope)


def _read_zip_members(zf: zipfile.ZipFile, scope: _Scope) -> _Read:
    wanted = _vet(_zip_entries(zf, scope.packed_size), scope)
    for e in wanted:
        method = e.handle.compress_type
        if method not in _ZIP_METHODS:
            # bzip2/LZMA: no output bound in zipfile (see the module docstring)
            label = _ZIP_METHOD_NAMES.get(method, f"#{method}")
            raise UnsupportedFormat.of("archive.zip_method", file=scope.container,
                                       name=_shown(e.raw_name), method=label)
    with _undone_on_failure([]) as out:
        for e in wanted:
            assert e.path is not None
            try:
                with zf.open(e.handle) as stream:
                    out.append((e.path, _drain(stream, _Sink(scope, e))))
            except _ZIP_ERRORS as exc:
                raise _damaged(scope.container, exc) from exc
    return out


# --- 7z --------------------------------------------------------------------------------

def _import_optional(module: str, kind: str, extra: str, container: str) -> ModuleType:
    try:
        return __import__(module)
    except ImportError as exc:
        raise UnsupportedFormat.of("archive.missing_module", file=container, kind=kind,
                                   module=module, extra=extra) from exc


class _SevenZipWriter:
    """A py7zr output (its ``Py7zIO`` duck type) that feeds a :class:`_Sink`."""

    def __init__(self, sink: _Sink):
        self.sink = sink

    def write(self, s: bytes | bytearray) -> int:
        self.sink.write(bytes(s))
        return len(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.sink.size

    def close(self) -> None:
        return None


class _SevenZipFactory:
    """Hands py7zr a capped writer per member; members not wanted go to a counting sink."""

    def __init__(self, scope: _Scope, wanted: list[_Entry]):
        self._scope = scope
        self._wanted = {e.path: e for e in wanted}
        self.sinks: dict[str, _Sink] = {}

    def create(self, filename: str) -> _SevenZipWriter:
        path = _safe_path(filename) or filename
        entry = self._wanted.get(path) or _Entry(
            raw_name=filename, path=path, is_dir=False, is_link=False, size=0, packed=None,
            encrypted=False, handle=None)
        sink = self.sinks[path] = _Sink(self._scope, entry)
        return _SevenZipWriter(sink)


def _read_7z(source: Source, scope: _Scope) -> _Read:
    py7zr = _import_optional("py7zr", "7z", "7z", scope.container)
    from py7zr import exceptions as x  # the package is present: imported just above

    factory: _SevenZipFactory | None = None
    try:
        with _opened(source) as f, py7zr.SevenZipFile(f, mode="r") as sz:
            entries = [
                _Entry(
                    raw_name=f.filename,
                    path=_safe_path(f.filename),
                    is_dir=f.is_directory,
                    is_link=f.is_symlink,
                    size=f.uncompressed,
                    # solid blocks report one packed size for many files: no per-member ratio
                    packed=None,
                    encrypted=False,
                    handle=f,
                )
                for f in sz.files
            ]
            wanted = _vet(entries, scope, encrypted=sz.needs_password())
            factory = _SevenZipFactory(scope, wanted)
            if wanted:
                sz.extractall(factory=factory)
    except BaseException as exc:
        for sink in factory.sinks.values() if factory is not None else ():
            sink.abort()
        if isinstance(exc, PressdocsError) or not isinstance(exc, Exception):
            raise
        if isinstance(exc, x.PasswordRequired):
            raise _password_protected(scope) from exc
        if isinstance(exc, x.UnsupportedCompressionMethodError):
            raise UnsupportedFormat.of("archive.sevenzip_method",
                                       file=scope.container) from exc
        # py7zr raises many kinds on hostile bytes; all mean "damaged"
        raise _damaged(scope.container, exc) from exc
    out: _Read = []
    for e in wanted:
        assert e.path is not None
        found = factory.sinks.get(e.path) if factory is not None else None
        out.append((e.path, found or _Sink(scope, e)))  # not met in the stream: empty
    return out


# --- rar -------------------------------------------------------------------------------

def _read_rar(source: Source, scope: _Scope) -> _Read:
    rarfile = _import_optional("rarfile", "rar", "rar", scope.container)
    try:
        rarfile.tool_setup()
    except rarfile.RarCannotExec as exc:
        raise _no_rar_tool(scope.container) from exc
    with tempfile.TemporaryDirectory(prefix="pressdocs-rar-") as tmp:
        if isinstance(source, bytes):  # the tool reads a file
            path = Path(tmp) / "package.rar"
            path.write_bytes(source)
        else:
            path = source
        try:
            # strict: a damaged header is an error, not the quiet end of the listing (the
            # default, "stop", turns a corrupt rar into an empty one: swallowed unread)
            with rarfile.RarFile(str(path), errors="strict") as rf:
                return _read_rar_members(rf, scope, scope.packed_size)
        except PressdocsError:
            raise
        except rarfile.PasswordRequired as exc:
            raise _password_protected(scope) from exc
        except rarfile.NeedFirstVolume as exc:
            raise ParseError.of("archive.multi_volume", file=scope.container) from exc
        except rarfile.RarCannotExec as exc:
            raise _no_rar_tool(scope.container) from exc
        except Exception as exc:  # rarfile and the tool fail in many ways on bad bytes
            raise _damaged(scope.container, exc) from exc


def _read_rar_members(rf: Any, scope: _Scope, packed_size: int) -> _Read:
    entries = [
        _Entry(
            raw_name=info.filename,
            path=_safe_path(info.filename),
            is_dir=info.is_dir(),
            is_link=info.is_symlink(),
            size=info.file_size,
            packed=min(info.compress_size, packed_size),
            encrypted=info.needs_password(),
            handle=info,
        )
        for info in rf.infolist()
    ]
    wanted = _vet(entries, scope, encrypted=rf.needs_password())
    with _undone_on_failure([]) as out:
        for e in wanted:
            assert e.path is not None
            with rf.open(e.handle) as stream:
                out.append((e.path, _drain(stream, _Sink(scope, e))))
    return out


def _no_rar_tool(container: str) -> UnsupportedFormat:
    return UnsupportedFormat.of("archive.no_rar_tool", file=container)


# --- TNEF (Outlook's winmail.dat) -------------------------------------------------------
#
# Outlook with Exchange, writing in RTF, wraps a message's attachments in one
# application/ms-tnef part, winmail.dat.  It is read here as a package whose members are
# those attachments (MS-OXTNEF): a signature, a legacy key, then attributes, each
# ``level(1) id(2) type(2) length(4) data checksum(2)``.  An attachment begins with
# attRendData; its legacy title (attAttachTitle) is in the message's OEM code page, its
# bytes are attAttachData, and its attAttachment block of MAPI properties may hold the
# long name (PR_ATTACH_LONG_FILENAME, preferred) and the bytes again (PR_ATTACH_DATA_OBJ).
# The reader is small and bounded on purpose: every length is checked against what is
# there, every checksum verified, and the loops advance by at least four bytes.

_ATT_ATTACH_DATA = 0x800F
_ATT_ATTACH_TITLE = 0x8010
_ATT_REND_DATA = 0x9002
_ATT_MSG_PROPS = 0x9003
_ATT_ATTACHMENT = 0x9005
_ATT_OEM_CODEPAGE = 0x9007
_PR_DISPLAY_NAME = 0x3001
_PR_ATTACH_DATA_OBJ = 0x3701
_PR_ATTACH_FILENAME = 0x3704
_PR_ATTACH_LONG_FILENAME = 0x3707
_PR_INTERNET_CPID = 0x3FDE
_PT_STRING8, _PT_UNICODE = 0x001E, 0x001F
#: MAPI property types of a fixed size, and their size (a property padded to four bytes).
_MAPI_FIXED = {0x0002: 2, 0x000B: 2, 0x0003: 4, 0x0004: 4, 0x000A: 4, 0x0005: 8,
               0x0006: 8, 0x0007: 8, 0x0014: 8, 0x0040: 8, 0x0048: 16, 0x0001: 0}
_MAPI_VARIABLE = frozenset({_PT_STRING8, _PT_UNICODE, 0x000D, 0x0102, 0x0000})
_MAPI_MULTI = 0x1000
#: An embedded message (PR_ATTACH_DATA_OBJ of attach method 5) starts with IID_IMessage
#: and is a TNEF stream of its own: a package inside the package.
_IID_IMESSAGE = bytes.fromhex("0703020000000000c000000000000046")
#: Chinese Outlook writes 936 (GBK); GB18030 is its superset, and the fallback.
_CHINESE_CODEPAGES = frozenset({936, 20936, 54936})


class _TnefDamaged(Exception):
    """The TNEF stream is not what MS-OXTNEF describes (the reason, in English)."""


@dataclass
class _TnefAttachment:
    title: bytes = b""
    data: bytes = b""
    props: dict[int, tuple[int, bytes]] = field(default_factory=dict)


def _codec(codepage: int | None) -> str:
    """The Python codec of a Windows code page; GB18030 when it is unknown or Chinese."""
    if codepage is None or codepage in _CHINESE_CODEPAGES:
        return "gb18030"
    name = {65001: "utf-8", 20127: "ascii", 28591: "latin-1"}.get(codepage, f"cp{codepage}")
    try:
        codecs.lookup(name)
    except LookupError:
        return "gb18030"
    return name


def _tnef_text(raw: bytes, codec: str) -> str:
    """A legacy (8-bit) string: in its code page, else GB18030, NULs at its end dropped."""
    raw = raw.split(b"\0", 1)[0]
    for encoding in (codec, "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("gb18030", errors="replace")


def _tnef_attributes(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """``(level, attribute id, data)`` of each attribute, checked as it is read."""
    if len(data) < 6 or not data.startswith(_TNEF_MAGIC):
        raise _TnefDamaged("no TNEF signature")
    pos = 6  # signature, legacy key
    while pos < len(data):
        if pos + 9 > len(data):
            raise _TnefDamaged(f"truncated attribute header at byte {pos}")
        level, attribute, length = struct.unpack_from("<BII", data, pos)
        end = pos + 9 + length
        if level not in (1, 2) or end + 2 > len(data):
            raise _TnefDamaged(f"bad attribute at byte {pos}")
        body = data[pos + 9:end]
        (checksum,) = struct.unpack_from("<H", data, end)
        if checksum != sum(body) & 0xFFFF:
            raise _TnefDamaged(f"checksum mismatch at byte {pos}")
        yield level, attribute & 0xFFFF, body
        pos = end + 2


def _mapi_props(block: bytes) -> dict[int, tuple[int, bytes]]:
    """The MAPI properties of an attMsgProps/attAttachment block: ``id → (type, value)``
    (the first value of each; a named property's id is the one in its block)."""
    props: dict[int, tuple[int, bytes]] = {}

    def take(pos: int, size: int) -> tuple[bytes, int]:
        if size < 0 or pos + size > len(block):
            raise _TnefDamaged("truncated MAPI property")
        return block[pos:pos + size], pos + size

    def u32(pos: int) -> tuple[int, int]:
        raw, pos = take(pos, 4)
        return int.from_bytes(raw, "little"), pos

    count, pos = u32(0)
    if count * 4 > len(block):  # each property takes four bytes at least
        raise _TnefDamaged("too many MAPI properties for their block")
    for _ in range(count):
        head, pos = take(pos, 4)
        ptype, pid = struct.unpack("<HH", head)
        if pid >= 0x8000:  # a named property: its GUID and its number or name
            _, pos = take(pos, 16)
            kind, pos = u32(pos)
            size, pos = u32(pos)
            if kind != 0:
                _, pos = take(pos, size + (-size % 4))
        multi = bool(ptype & _MAPI_MULTI)
        ptype &= ~_MAPI_MULTI
        if ptype in _MAPI_FIXED:
            values, pos = u32(pos) if multi else (1, pos)
        elif ptype in _MAPI_VARIABLE:
            values, pos = u32(pos)  # single-valued ones carry a count (of one) too
        else:
            raise _TnefDamaged(f"unknown MAPI type {ptype:#06x}")
        if values * 2 > len(block) - pos:
            raise _TnefDamaged("too many MAPI values for their block")
        first = b""
        start = pos
        for n in range(values):
            if ptype in _MAPI_FIXED:
                value, pos = take(pos, _MAPI_FIXED[ptype])
            else:
                size, pos = u32(pos)
                value, pos = take(pos, size)
                _, pos = take(pos, -size % 4)
            if n == 0:
                first = value
        _, pos = take(pos, -(pos - start) % 4)  # 16-bit values are padded to four bytes
        props.setdefault(pid, (ptype, first))
    return props


def _mapi_text(props: dict[int, tuple[int, bytes]], pid: int, codec: str) -> str:
    ptype, raw = props.get(pid, (0, b""))
    if ptype == _PT_UNICODE:
        return raw.decode("utf-16-le", errors="replace").split("\0", 1)[0]
    if ptype == _PT_STRING8:
        return _tnef_text(raw, codec)
    return ""


def _tnef_members(data: bytes) -> list[tuple[str, bytes]]:
    """The attachments of a TNEF stream, named and in order (see the section's comment)."""
    oem: int | None = None
    internet: int | None = None
    attachments: list[_TnefAttachment] = []
    for level, attribute, body in _tnef_attributes(data):
        if attribute == _ATT_OEM_CODEPAGE and len(body) >= 4:
            oem = int.from_bytes(body[:4], "little")
        elif attribute == _ATT_MSG_PROPS and level == 1:
            cpid = _mapi_props(body).get(_PR_INTERNET_CPID)
            if cpid is not None and len(cpid[1]) >= 4:
                internet = int.from_bytes(cpid[1][:4], "little")
        elif attribute == _ATT_REND_DATA:
            attachments.append(_TnefAttachment())
        elif level == 2:
            if not attachments:
                raise _TnefDamaged("attachment attribute before attRendData")
            current = attachments[-1]
            if attribute == _ATT_ATTACH_TITLE:
                current.title = body
            elif attribute == _ATT_ATTACH_DATA:
                current.data = body
            elif attribute == _ATT_ATTACHMENT:
                current.props = _mapi_props(body)
    codec = _codec(oem if oem is not None else internet)
    members = []
    for number, att in enumerate(attachments, 1):
        name = (_mapi_text(att.props, _PR_ATTACH_LONG_FILENAME, codec)
                or _mapi_text(att.props, _PR_ATTACH_FILENAME, codec)
                or _tnef_text(att.title, codec)
                or _mapi_text(att.props, _PR_DISPLAY_NAME, codec)
                or Message.of("archive.tnef_unnamed", number=number).text("zh"))
        content = att.data
        obj = att.props.get(_PR_ATTACH_DATA_OBJ)
        if obj is not None and (not content or obj[1].startswith(_IID_IMESSAGE)):
            content = obj[1].removeprefix(_IID_IMESSAGE)
        members.append((name, content))
    return members


def _distinct_names(found: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Outlook lets a message carry two attachments of one name, as a zip cannot: the same
    file attached twice is kept once, and a different file of a name already taken is
    told apart as Windows does when saving it, "登记表 (2).docx"."""
    out: list[tuple[str, bytes]] = []
    seen: dict[str, bytes] = {}
    for name, content in found:
        if seen.get(name) == content:
            continue
        unique, n = name, 1
        while unique in seen:
            n += 1
            stem, dot, ext = name.rpartition(".")
            unique = f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
        seen[unique] = content
        out.append((unique, content))
    return out


def _read_tnef(source: Source, scope: _Scope) -> _Read:
    # a TNEF is not compressed and no larger than the message that carried it: read whole
    data = source if isinstance(source, bytes) else source.read_bytes()
    try:
        found = _tnef_members(data)
    except _TnefDamaged as exc:
        raise ParseError.of("archive.tnef_damaged", file=scope.container,
                            detail=Message.literal("", f" ({exc})")) from exc
    if not found:
        raise ParseError.of("archive.tnef_empty", file=scope.container)
    found = _distinct_names(found)
    entries = [_Entry(raw_name=name, path=_safe_path(name), is_dir=False, is_link=False,
                      size=len(content), packed=len(content), encrypted=False,
                      handle=content)
               for name, content in found]
    wanted = _vet(entries, scope)
    with _undone_on_failure([]) as out:
        for e in wanted:
            assert e.path is not None
            out.append((e.path, _drain(io.BytesIO(e.handle), _Sink(scope, e))))
    return out


# --- the entry point -------------------------------------------------------------------

_READERS = {"zip": _read_zip, "7z": _read_7z, "rar": _read_rar, "tnef": _read_tnef}


def open_archive(data: Source, name: str, limits: ArchiveLimits = ArchiveLimits(),
                 depth: int = 1) -> list[Member]:
    """Open the package ``data`` (called ``name``; its bytes or its file) and return its
    files, in order.

    Packages found inside (by their bytes, not their names; documents such as .docx
    stay documents) are opened in turn and replaced by their members, whose
    ``container`` becomes "name/inner path".  ``depth`` is the nesting level of this
    package (1 = attached to the mail).

    Raises :class:`~pressdocs.errors.ArchiveRejected` (password, unsafe or duplicate
    name, over a limit), :class:`~pressdocs.errors.ParseError` (damaged, truncated,
    part of a multi-volume set) or :class:`~pressdocs.errors.UnsupportedFormat` (not a
    package; no rar tool; py7zr/rarfile missing; an unsupported compression method).
    """
    return [m for m in _open(data, name, depth, _Budget(limits)) if not m.package]


def open_package(data: Source, name: str, limits: ArchiveLimits = ArchiveLimits(), *,
                 store: MemberStore | None = None, keep: int | None = None) -> Opened:
    """Open the package ``data`` (called ``name``, attached to the mail) as
    :func:`open_archive` does, and say more about it: the packages found inside, listed
    as members of their own (``package`` set) before their files, and the symbolic links
    left out.  With a ``store``, members larger than ``keep`` bytes (:data:`KEEP`) are
    written to it (see the module docstring).  Raises what :func:`open_archive` raises."""
    budget = _Budget(limits, store=store, keep=KEEP if keep is None else keep)
    members = _open(data, name, 1, budget)
    return Opened(members, list(budget.links))


def _open(data: Source, container: str, depth: int, budget: _Budget) -> list[Member]:
    limits = budget.limits
    if depth > limits.max_depth:
        raise ArchiveRejected.of("archive.too_deep", file=container, depth=depth,
                                 limit=limits.max_depth)
    kind = sniff_archive(_head(data, 16), container)
    if kind is None:
        raise UnsupportedFormat.of("archive.not_a_package", file=container)
    scope = _Scope(budget, container, _size(data), depth)
    members: list[Member] = []
    with _undone_on_failure(_READERS[kind](data, scope)) as read:
        for path, sink in read:
            members += _member(path, sink.getvalue(), container, depth, budget)
    return members


def _member(path: str, content: bytes | _Stored, container: str, depth: int,
            budget: _Budget) -> list[Member]:
    """One member read, followed by its own members if it is a package."""
    if isinstance(content, _Stored):
        assert budget.store is not None
        member = Member(path, content.head, container, sha256=content.sha256,
                        stored_size=content.size, tail=content.tail)
        inner_source: Source = budget.store.path(content.sha256)
    else:
        member = Member(path, content, container)
        inner_source = content
    inner = sniff_archive(member.data, path)
    if inner is not None and not (inner == "zip" and is_office_zip(inner_source, path)):
        return [replace(member, package=True),
                *_open(inner_source, f"{container}/{path}", depth + 1, budget)]
    return [member]
