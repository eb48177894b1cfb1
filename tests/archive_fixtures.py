"""Build the packages (打包发送) that units really send, in memory, for the archive tests.

Each builder writes bytes the way a real tool would:

- :func:`windows_zip` — Chinese Windows ("发送到 → 压缩(zipped)文件夹", old WinRAR/360压缩):
  member names are GBK bytes and the UTF-8 flag (bit 11) is clear.
- :func:`macos_zip` — macOS "压缩": UTF-8 names *without* the flag, plus ``__MACOSX/._*``
  AppleDouble twins and ``.DS_Store``.
- :func:`utf8_zip` — a modern tool (Bandizip, 7-Zip, Python) with the UTF-8 flag set.
- :func:`sevenzip` — py7zr, optionally with a password (and encrypted headers).
- :func:`rar5_stored` — a RAR 5.0 archive written from the published format description
  (RARLAB's "RAR 5.0 archive format" technote), members stored uncompressed.  No free
  program creates RAR files, so this is built by hand; ``unar`` reads it like any other.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Iterable

import py7zr

_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1


class RawNameZipInfo(zipfile.ZipInfo):
    """A ZipInfo whose name goes into the headers as exactly the given bytes.

    zipfile always writes non-ASCII names as UTF-8 and sets bit 11; Chinese Windows
    does neither.  ``extra_flags`` lets a test set header bits (e.g. "encrypted").
    """

    def __init__(self, raw_name: bytes, *, utf8_flag: bool = False, extra_flags: int = 0):
        text = raw_name.decode("utf-8") if utf8_flag else raw_name.decode("cp437")
        super().__init__(text)
        self.filename = text  # ZipInfo cuts names at NUL; hostile names keep theirs
        self._raw_name = raw_name
        self._utf8 = utf8_flag
        self._extra_flags = extra_flags
        self.compress_type = zipfile.ZIP_DEFLATED

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        flags = self.flag_bits | self._extra_flags
        flags = flags | _UTF8_FLAG if self._utf8 else flags & ~_UTF8_FLAG
        return self._raw_name, flags


def zip_with_raw_names(members: Iterable[tuple[bytes, bytes]], *, utf8_flag: bool = False,
                       extra_flags: int = 0) -> bytes:
    """A zip whose member names are the given raw header bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for raw, data in members:
            zf.writestr(RawNameZipInfo(raw, utf8_flag=utf8_flag, extra_flags=extra_flags), data)
    return buf.getvalue()


def windows_zip(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip as Chinese Windows writes it: GBK names, UTF-8 flag clear."""
    return zip_with_raw_names((name.encode("gbk"), data) for name, data in members)


def macos_zip(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip as macOS "压缩" writes it: UTF-8 names without the flag, AppleDouble junk."""
    entries: list[tuple[bytes, bytes]] = []
    for name, data in members:
        entries.append((name.encode("utf-8"), data))
        head, _, base = name.rpartition("/")
        twin = f"__MACOSX/{head + '/' if head else ''}._{base}"
        entries.append((twin.encode("utf-8"), b"\x00\x05\x16\x07" + b"\x00" * 60))
    entries.append((b".DS_Store", b"\x00\x00\x00\x01Bud1" + b"\x00" * 40))
    entries.append((b"__MACOSX/", b""))
    return zip_with_raw_names(entries)


def utf8_zip(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip with UTF-8 names and bit 11 set (zipfile's own behaviour)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def zip_with_unicode_path_extra(shown: bytes, utf8_name: str, data: bytes, *,
                                crc_of: bytes | None = None) -> bytes:
    """A zip whose header name is ``shown`` (local code page) and which carries the real
    name in the Info-ZIP Unicode Path extra field (0x7075), as WinZip writes it.

    ``crc_of`` makes the field stale: it then vouches for another header name, as after
    a tool renamed the member without updating the field.
    """
    crc = zlib.crc32(shown if crc_of is None else crc_of)
    payload = b"\x01" + struct.pack("<I", crc) + utf8_name.encode("utf-8")
    info = RawNameZipInfo(shown)
    info.extra = struct.pack("<HH", 0x7075, len(payload)) + payload
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(info, data)
    return buf.getvalue()


def zeros_zip(name: str, size: int, *, chunk: int = 1 << 20) -> bytes:
    """A zip bomb's core: ``size`` zero bytes deflated, written in chunks so that building
    it never holds the inflated data in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=size > 0x7FFFFFFF) as out:
            block = b"\0" * chunk
            left = size
            while left > 0:
                out.write(block[: min(chunk, left)])
                left -= chunk
    return buf.getvalue()


def lie_about_size(data: bytes, declared: int) -> bytes:
    """Rewrite the central-directory "uncompressed size" of every member to ``declared``:
    a zip bomb whose headers lie so that size checks on headers alone pass."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        struct.pack_into("<I", out, pos + 24, declared)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def sevenzip(members: Iterable[tuple[str, bytes]], *, password: str | None = None,
             header_encryption: bool = False, unchecked_names: bool = False) -> bytes:
    """A 7z archive written by py7zr (names stored as UTF-16, like 7-Zip does).

    ``unchecked_names`` skips py7zr's own refusal of names like ``../x`` so that a
    hostile archive can be built (7-Zip itself can be made to store such names).
    """
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", password=password,
                            header_encryption=header_encryption) as sz:
        for name, data in members:
            if unchecked_names:
                sz._writestr(data, name)
            else:
                sz.writestr(data, name)
    return buf.getvalue()


# --- RAR 5.0, from the format description ------------------------------------------

RAR5_SIGNATURE = b"Rar!\x1a\x07\x01\x00"


def _vint(value: int) -> bytes:
    """RAR5 variable-length integer: 7 bits per byte, low bits first, high bit = more."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _block(body: bytes) -> bytes:
    """Header CRC32 + header size + body (type, flags, ...)."""
    size = _vint(len(body))
    return struct.pack("<I", zlib.crc32(size + body)) + size + body


def _file_block(name: str, data: bytes, *, encrypted: bool) -> bytes:
    is_dir = name.endswith("/")
    name_bytes = name.rstrip("/").encode("utf-8")
    extra = b""
    payload = data
    if encrypted:
        # File encryption record (type 0x01): AES-256, no check value; the data area
        # holds AES blocks, so it is padded to 16 bytes (random, as real ciphertext).
        record = (_vint(0x01) + _vint(0) + _vint(0) + bytes([15])
                  + os.urandom(16) + os.urandom(16))
        extra = _vint(len(record)) + record
        payload = os.urandom(-(-len(data) // 16) * 16)
    header_flags = (0x0001 if extra else 0) | (0x0002 if not is_dir else 0)
    file_flags = 0x0001 if is_dir else 0x0004  # directory / CRC32 present
    body = _vint(2) + _vint(header_flags)
    if extra:
        body += _vint(len(extra))
    if not is_dir:
        body += _vint(len(payload))
    body += _vint(file_flags) + _vint(0 if is_dir else len(data))
    body += _vint(0x10 if is_dir else 0x20)  # Windows attributes: directory / archive
    if not is_dir:
        body += struct.pack("<I", zlib.crc32(data))
    body += _vint(0)  # compression: version 0, method 0 (store)
    body += _vint(0)  # host OS: Windows
    body += _vint(len(name_bytes)) + name_bytes + extra
    return _block(body) + (b"" if is_dir else payload)


def rar5_stored(members: Iterable[tuple[str, bytes]], *, encrypted: bool = False) -> bytes:
    """A RAR 5.0 archive with the members stored (method 0); names end in "/" for folders.

    ``encrypted`` marks each file with an AES-256 encryption record and random data,
    which is what a password-protected RAR looks like to anyone without the password.
    """
    out = bytearray(RAR5_SIGNATURE)
    out += _block(_vint(1) + _vint(0) + _vint(0))  # main header: no flags
    for name, data in members:
        out += _file_block(name, data, encrypted=encrypted)
    out += _block(_vint(5) + _vint(0) + _vint(0))  # end of archive
    return bytes(out)
