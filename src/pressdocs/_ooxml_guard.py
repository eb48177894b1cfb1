"""Checking an Office Open XML package (.docx, .xlsx, .docm, .xlsm …) before any XML parser
sees it.

A package is a zip of XML parts.  Whatever part a parser reads, and whatever part it never
opens, :func:`check_package` streams every one of them once, inflating at most the limits
allow, and refuses the package when:

- a part declares a DTD (``<!DOCTYPE`` or ``<!ENTITY``), in UTF-8, an ASCII-compatible
  encoding, or UTF-16 (little or big endian, with or without a byte-order mark), wherever
  it is in the part: Office never writes one, and a DTD is how an entity-expansion bomb
  ("billion laughs") or an external entity gets in.  This does not rely on the XML parser
  refusing entities: the parser never sees the part;
- a part is written in an encoding that could hide such a declaration from this scan
  (UTF-32, EBCDIC, UTF-7, or any encoding declared in the XML declaration that is not
  UTF-8, UTF-16, ASCII, Latin-1, Windows-1252 or GB2312/GBK/GB18030);
- a part is larger than the per-part limit, or all parts together larger than the total,
  uncompressed — by its declared size *and* by the bytes actually inflated (the declared
  size is only what the file claims);
- (spreadsheets) a worksheet spans more cells than the limit, by its ``<dimension ref>``
  or by the rows and columns of the cells actually present, wherever the part is stored
  (a sheet kept outside ``xl/`` is checked like any other): openpyxl builds every cell of
  the rectangle it reads.

Each refusal is a :class:`~pressdocs.errors.ParseError` naming the file: the DTD and the
encoding are ``parse.unsafe_*`` (rule PD906), the limits ``parse.*too_large`` (PD901).
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from pressdocs.errors import ParseError

__all__ = ["UNSAFE_KEYS", "PackageLimits", "check_package"]

_MiB = 1024 * 1024
_CHUNK = 64 * 1024
#: Text after the last ``>`` carried to the next chunk; a longer run (a long text node)
#: keeps only its end, after it has been scanned.
_CARRY = _MiB
_CARRY_KEEP = 1024

#: The catalogue keys of a package refused as unsafe (PD906).
UNSAFE_KEYS = frozenset({"parse.unsafe_dtd", "parse.unsafe_encoding"})


@dataclass(frozen=True)
class PackageLimits:
    """What one package may hold: ``part_bytes`` per part and ``total_bytes`` for all of
    them (uncompressed), ``parts`` members, and ``sheet_cells`` cells per worksheet
    (``None``: not a spreadsheet, no cell check)."""

    part_bytes: int = 50 * _MiB
    total_bytes: int = 200 * _MiB
    parts: int = 10_000
    sheet_cells: int | None = None


# A DTD in the bytes as they are (UTF-8 and every ASCII-compatible encoding) …
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# … and in UTF-16 of either byte order, at any alignment, whatever the part looks like.
_DTD_UTF16 = re.compile(rb"<\x00!\x00[DdEe]\x00|\x00<\x00!\x00[DdEe]")
_DTD_UTF16_OVERLAP = 8
_DTD_OVERLAP = len(b"<!DOCTYPE") - 1  # what of a declaration the last chunk may have held
# What both must contain: looked for first, at memchr speed (a regular expression that
# starts with an alternation or ignores case tries every position of every chunk).
_DTD_MARK = b"<!"
_DTD_UTF16_MARK = b"<\x00!\x00"
_BANG = b"!"  # in both, and most parts have none: one byte is found faster still (memchr)

_ALLOWED_ENCODINGS = frozenset({
    "utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be", "us-ascii", "ascii",
    "iso-8859-1", "latin-1", "latin1", "iso8859-1", "windows-1252", "cp1252",
    "gb2312", "gbk", "gb18030", "cp936",
})
_DECLARED = re.compile(r"""^\s*<\?xml[^>]{0,300}?encoding\s*=\s*["']([^"']{0,60})["']""")
_UNSAFE_SIGNATURES = (
    (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
    (b"\x00\x00\x00<", "UTF-32"), (b"<\x00\x00\x00", "UTF-32"),
    (b"\x00\x00<\x00", "UCS-4"), (b"\x00<\x00\x00", "UCS-4"),
    (b"\x4c\x6f\xa7\x94", "EBCDIC"), (b"+/v", "UTF-7"),
)

# A worksheet's extent: <dimension ref="A1:XFD1048576">, each cell's r="B7", each row's r="7".
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\sref\s*=\s*[\"']([^\"']{1,40})[\"']")
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s/>]")
_CELL_REF = re.compile(rb"\sr\s*=\s*[\"']\$?([A-Za-z]{1,4})\$?([0-9]{1,9})[\"']")
_ROW_REF = re.compile(rb"\sr\s*=\s*[\"']([0-9]{1,9})[\"']")
_REF = re.compile(r"\$?([A-Za-z]{1,4})\$?([0-9]{1,9})")


def check_package(package: zipfile.ZipFile, name: str, limits: PackageLimits) -> None:
    """Stream every part of ``package`` (the file ``name``) once; raise
    :class:`ParseError` naming the file and the part when one is unsafe or over a limit
    (see the module).  Damaged members are left to the parser to report."""
    infos = package.infolist()
    if len(infos) > limits.parts:
        raise ParseError.of("parse.too_many_parts", file=name, count=len(infos),
                            limit=limits.parts)
    megabytes = limits.part_bytes // _MiB
    declared = 0
    for info in infos:
        if info.file_size > limits.part_bytes:
            raise ParseError.of("parse.part_too_large", file=name, part=info.filename,
                                megabytes=megabytes)
        declared += info.file_size
    if declared > limits.total_bytes:
        raise _total_too_large(name, limits)
    inflated = 0
    for info in infos:
        if info.is_dir():
            continue
        inflated += _check_part(package, info, name, limits, limits.total_bytes - inflated)


def _total_too_large(name: str, limits: PackageLimits) -> ParseError:
    return ParseError.of("parse.too_large", file=name, megabytes=limits.total_bytes // _MiB)


def _check_part(package: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                limits: PackageLimits, room: int) -> int:
    """Scan one part; the number of bytes it inflated to."""
    scan = _PartScan(info.filename, name, limits.sheet_cells is not None)
    size = 0
    try:
        with package.open(info) as stream:
            for chunk in _chunks(stream):
                size += len(chunk)
                if size > limits.part_bytes:
                    raise ParseError.of("parse.part_too_large", file=name, part=info.filename,
                                        megabytes=limits.part_bytes // _MiB)
                if size > room:
                    raise _total_too_large(name, limits)
                scan.feed(chunk)
    except ParseError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
            ValueError, zipfile.LargeZipFile):
        return size  # a damaged or encrypted member: the parser says so when it reads it
    scan.close()
    if limits.sheet_cells is not None:
        scan.check_cells(limits.sheet_cells)
    return size


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


class _PartScan:
    """The state of scanning one part as its bytes stream past."""

    def __init__(self, part: str, name: str, cells: bool) -> None:
        self.part, self.name, self.cells = part, name, cells
        self.head = b""
        self.started = False
        self.decoder: codecs.IncrementalDecoder | None = None
        self.carry = b""
        self.raw_tail = b""
        self.max_row = self.max_col = 0
        self.n_cells = self.n_cell_refs = self.n_rows = self.n_row_refs = 0
        self.dimension = 0

    # --- bytes in ---------------------------------------------------------------------

    def feed(self, chunk: bytes) -> None:
        # the chunk and where it meets the last one, without copying the chunk
        edge = self.raw_tail + chunk[:_DTD_UTF16_OVERLAP]
        if (((_BANG in chunk and _DTD_UTF16_MARK in chunk) or _DTD_UTF16_MARK in edge)
                and _DTD_UTF16.search(self.raw_tail + chunk)):
            raise self._unsafe_dtd()
        self.raw_tail = (chunk if len(chunk) >= _DTD_UTF16_OVERLAP else edge)[-_DTD_UTF16_OVERLAP:]
        if not self.started:
            self.head += chunk
            if len(self.head) < 512:
                return
            self._start()
            chunk, self.head = self.head, b""
        self._text(chunk)

    def close(self) -> None:
        if not self.started:
            self._start()
            chunk, self.head = self.head, b""
            self._text(chunk)
        if self.decoder is not None:
            self._text(b"", final=True)
        self._scan(self.carry)
        self.carry = b""

    # --- the encoding -----------------------------------------------------------------

    def _start(self) -> None:
        """Decide from the first bytes how the part is written."""
        self.started = True
        head = self.head
        for signature, encoding in _UNSAFE_SIGNATURES:
            if head.startswith(signature):
                raise self._unsafe_encoding(encoding)
        utf16 = _utf16(head)
        if utf16 is not None:
            self.decoder = codecs.getincrementaldecoder(utf16)(errors="replace")
            text = head.decode(utf16, errors="ignore").lstrip("\ufeff")
        else:
            text = head.removeprefix(codecs.BOM_UTF8).decode("latin-1")
        declared = _DECLARED.match(text)
        if declared is not None:
            encoding = declared.group(1).strip().lower()
            if encoding not in _ALLOWED_ENCODINGS:
                raise self._unsafe_encoding(declared.group(1).strip() or "?")

    def _text(self, chunk: bytes, final: bool = False) -> None:
        """Scan ``chunk`` as UTF-8-compatible bytes (UTF-16 transcoded first), tag by tag:
        what follows the last ``>`` waits for the next chunk."""
        if self.decoder is not None:
            chunk = self.decoder.decode(chunk, final).encode("utf-8", errors="replace")
        if not self.cells:  # only a DTD to look for: no need to cut the text at tags
            edge = self.carry + chunk[:_DTD_OVERLAP]
            if (_BANG in chunk and _DTD_MARK in chunk) or _DTD_MARK in edge:
                self._scan(self.carry + chunk)
            self.carry = (chunk if len(chunk) >= _DTD_OVERLAP else edge)[-_DTD_OVERLAP:]
            return
        buffer = self.carry + chunk
        cut = buffer.rfind(b">") + 1
        self._scan(buffer[:cut])
        self.carry = buffer[cut:]
        if len(self.carry) > _CARRY:
            self._scan(self.carry)
            self.carry = self.carry[-_CARRY_KEEP:]

    def _scan(self, text: bytes) -> None:
        if not text:
            return
        if _DTD_MARK in text and _DTD.search(text):
            raise self._unsafe_dtd()
        if not self.cells:
            return
        for found in _DIMENSION.finditer(text):
            self.dimension = max(self.dimension, _area(found.group(1).decode("ascii", "replace")))
        self.n_cells += len(_CELL.findall(text))
        self.n_rows += len(_ROW.findall(text))
        for found in _CELL_REF.finditer(text):
            self.n_cell_refs += 1
            self.max_col = max(self.max_col, _column(found.group(1).decode("ascii")))
            self.max_row = max(self.max_row, int(found.group(2)))
        for found in _ROW_REF.finditer(text):
            self.n_row_refs += 1
            self.max_row = max(self.max_row, int(found.group(1)))

    # --- the verdicts -------------------------------------------------------------------

    def check_cells(self, limit: int) -> None:
        """The sheet's extent: cells written without a position count one column (or row)
        further each, as openpyxl places them."""
        columns = self.max_col + max(0, self.n_cells - self.n_cell_refs)
        rows = self.max_row + max(0, self.n_rows - self.n_row_refs)
        extent = max(rows * columns if self.n_cells else 0, self.dimension)
        if extent > limit:
            raise ParseError.of("parse.sheet_too_large", file=self.name, part=self.part,
                                cells=extent, limit=limit)

    def _unsafe_dtd(self) -> ParseError:
        return ParseError.of("parse.unsafe_dtd", file=self.name, part=self.part)

    def _unsafe_encoding(self, encoding: str) -> ParseError:
        return ParseError.of("parse.unsafe_encoding", file=self.name, part=self.part,
                             encoding=encoding)


def _utf16(head: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the part starts as UTF-16 does (a byte-order mark,
    or ``<`` and a NUL), else None."""
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] != 0:
        return "utf-16-be"
    return None


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _area(ref: str) -> int:
    """The number of cells a range (``A1:XFD1048576``, or one cell) spans; 0 when it is
    not a range of cells."""
    corners = [_REF.fullmatch(part.strip()) for part in ref.split(":")]
    if not corners or any(c is None for c in corners):
        return 0
    cols = [_column(c.group(1)) for c in corners if c is not None]
    rows = [int(c.group(2)) for c in corners if c is not None]
    return (max(cols) - min(cols) + 1) * (max(rows) - min(rows) + 1) if len(cols) > 1 \
        else 1
