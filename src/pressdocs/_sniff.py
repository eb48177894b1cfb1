"""What a file really is, judged from its bytes (the name only breaks ties).

Senders rename files freely: a ``.doc`` may be HTML, MHT or RTF, a ``.wps`` is
usually a Word-97 binary and a ``.docx`` may be a photo.  :func:`sniff_media_type`
looks at magic bytes and, for containers, inside them: the members of a zip
(``[Content_Types].xml`` for Office, ``mimetype`` for OpenDocument) and the
directory of an OLE2 compound file (``WordDocument`` for Word, ``Workbook`` or
``Book`` for Excel).  :func:`decode_text` turns text bytes into ``str`` the way
Chinese files need: BOM, then UTF-8, then GB18030 (a superset of GB2312 and GBK).

The media types are the module-level constants below; :func:`describe_media_type`
names them for people, in both languages (``[sniff]``: "PNG 图片", "PNG picture").
:func:`misnamed` says when a file's content is not what its extension promises (a
photo named 登记表.docx), leaving out the pairs that cost nobody anything.
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import zipfile
import zlib
from functools import lru_cache
from typing import NamedTuple

from pressdocs.models import Message

__all__ = [
    "AVI",
    "BMP",
    "DESCRIPTION_KEYS",
    "DOC",
    "DOCX",
    "EMPTY",
    "ENCRYPTED_OOXML",
    "FLV",
    "GIF",
    "GZIP",
    "HEIC",
    "HEIF",
    "HTML",
    "JPEG",
    "MHT",
    "MKV",
    "MOV",
    "MP4",
    "MS_WORKS",
    "OCTET_STREAM",
    "ODP",
    "ODS",
    "ODT",
    "OLE_STORAGE",
    "OUTLOOK_MSG",
    "PDF",
    "PNG",
    "PPT",
    "PPTX",
    "RAR",
    "RTF",
    "SEVEN_ZIP",
    "SPREADSHEETML_2003",
    "TEXT",
    "TNEF",
    "WEBM",
    "WEBP",
    "WMV",
    "WORDML_2003",
    "XLS",
    "XLSX",
    "XML",
    "ZIP",
    "decode_text",
    "describe_media_type",
    "misnamed",
    "sniff_media_type",
]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
MS_WORKS = "application/vnd.ms-works"
OUTLOOK_MSG = "application/vnd.ms-outlook"
OLE_STORAGE = "application/x-ole-storage"
#: A password-protected .docx/.xlsx/.pptx: an OLE2 file holding ``EncryptedPackage``.
ENCRYPTED_OOXML = "application/x-ooxml-encrypted"
WORDML_2003 = "application/vnd.ms-word.wordml+xml"
SPREADSHEETML_2003 = "application/vnd.ms-excel.spreadsheetml+xml"
PDF = "application/pdf"
RTF = "application/rtf"
HTML = "text/html"
MHT = "multipart/related"
XML = "application/xml"
TEXT = "text/plain"
ZIP = "application/zip"
SEVEN_ZIP = "application/x-7z-compressed"
RAR = "application/vnd.rar"
#: Outlook's winmail.dat: a message's attachments wrapped by Exchange (MS-OXTNEF).
TNEF = "application/ms-tnef"
GZIP = "application/gzip"
JPEG = "image/jpeg"
PNG = "image/png"
GIF = "image/gif"
BMP = "image/bmp"
WEBP = "image/webp"
HEIC = "image/heic"
HEIF = "image/heif"
MP4 = "video/mp4"
MOV = "video/quicktime"
AVI = "video/x-msvideo"
WMV = "video/x-ms-wmv"
FLV = "video/x-flv"
MKV = "video/x-matroska"
WEBM = "video/webm"
EMPTY = "application/x-empty"
OCTET_STREAM = "application/octet-stream"

#: The catalogue key (``[sniff]``) naming each media type for people.
DESCRIPTION_KEYS: dict[str, str] = {
    DOCX: "sniff.docx",
    XLSX: "sniff.xlsx",
    PPTX: "sniff.pptx",
    ODT: "sniff.odt",
    ODS: "sniff.ods",
    ODP: "sniff.odp",
    DOC: "sniff.doc",
    XLS: "sniff.xls",
    PPT: "sniff.ppt",
    MS_WORKS: "sniff.ms_works",
    OUTLOOK_MSG: "sniff.outlook_msg",
    OLE_STORAGE: "sniff.ole_storage",
    ENCRYPTED_OOXML: "sniff.encrypted_ooxml",
    WORDML_2003: "sniff.wordml_2003",
    SPREADSHEETML_2003: "sniff.spreadsheetml_2003",
    PDF: "sniff.pdf",
    RTF: "sniff.rtf",
    HTML: "sniff.html",
    MHT: "sniff.mht",
    XML: "sniff.xml",
    TEXT: "sniff.text",
    ZIP: "sniff.zip",
    SEVEN_ZIP: "sniff.seven_zip",
    RAR: "sniff.rar",
    TNEF: "sniff.tnef",
    GZIP: "sniff.gzip",
    JPEG: "sniff.jpeg",
    PNG: "sniff.png",
    GIF: "sniff.gif",
    BMP: "sniff.bmp",
    WEBP: "sniff.webp",
    HEIC: "sniff.heic",
    HEIF: "sniff.heif",
    MP4: "sniff.mp4",
    MOV: "sniff.mov",
    AVI: "sniff.avi",
    WMV: "sniff.wmv",
    FLV: "sniff.flv",
    MKV: "sniff.mkv",
    WEBM: "sniff.webm",
    EMPTY: "sniff.empty",
    OCTET_STREAM: "sniff.octet_stream",
}

_TEXT_PROBE = 64 * 1024
_HEAD_PROBE = 4096
_MAX_MEMBER_PROBE = 1024 * 1024
_LOCAL_PROBE = 64 * 1024  # compressed bytes of a member inflated to sniff a damaged zip

_OOXML_MAIN_TYPES = (
    ("wordprocessingml.document.main+xml", DOCX),
    ("wordprocessingml.template.main+xml", DOCX),
    ("ms-word.document.macroenabled.main+xml", DOCX),
    ("ms-word.template.macroenabledtemplate.main+xml", DOCX),
    ("spreadsheetml.sheet.main+xml", XLSX),
    ("spreadsheetml.template.main+xml", XLSX),
    ("ms-excel.sheet.macroenabled.main+xml", XLSX),
    ("ms-excel.template.macroenabled.main+xml", XLSX),
    ("presentationml.presentation.main+xml", PPTX),
    ("presentationml.slideshow.main+xml", PPTX),
    ("ms-powerpoint.presentation.macroenabled.main+xml", PPTX),
)
_OOXML_DIRS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
#: The members every Office Open XML document has besides its own folder (word/, xl/ …).
_OOXML_PARTS = ("[Content_Types].xml", "_rels/", "docProps/", "customXml/")
_OOXML_BY_EXTENSION = {
    "docx": DOCX, "docm": DOCX, "dotx": DOCX, "dotm": DOCX,
    "xlsx": XLSX, "xlsm": XLSX, "xltx": XLSX, "xltm": XLSX,
    "pptx": PPTX, "pptm": PPTX, "ppsx": PPTX,
}

# Stream names in an OLE2 directory, first match wins.
_OLE_STREAMS = (
    ("EncryptedPackage", ENCRYPTED_OOXML),
    ("WordDocument", DOC),
    ("Workbook", XLS),
    ("Book", XLS),
    ("PowerPoint Document", PPT),
    ("__properties_version1.0", OUTLOOK_MSG),
)

_OLE_BY_EXTENSION = {
    "doc": DOC, "dot": DOC, "wps": DOC, "wpt": DOC,
    "xls": XLS, "xlt": XLS, "et": XLS, "ett": XLS,
    "ppt": PPT, "pps": PPT, "dps": PPT,
}

_FTYP_IMAGE = {
    b"heic": HEIC, b"heix": HEIC, b"hevc": HEIC, b"hevx": HEIC, b"heim": HEIC,
    b"heis": HEIC, b"mif1": HEIF, b"msf1": HEIF, b"avif": "image/avif",
}
_QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def sniff_media_type(data: bytes, name: str = "") -> str:
    """The media type of ``data``, judged from its content.

    ``name`` (the file name as sent) only breaks ties the bytes cannot settle, for
    example a truncated zip whose member list is lost, or ASF audio versus video.
    Returns :data:`EMPTY` for no bytes and :data:`OCTET_STREAM` when nothing fits.
    """
    if type(data) is bytes and len(data) <= _REMEMBERED_SIZE:
        return _remembered(data, name)  # a document is sniffed by each who handles it
    return _sniff(data, name)


#: Documents up to this size have their verdict remembered (the last few: 4 × 4 MiB at
#: most held); a bytes object keeps its own hash, so asking again costs nothing.
_REMEMBERED_SIZE = 4 * 1024 * 1024


def _sniff(data: bytes, name: str) -> str:
    if not data:
        return EMPTY
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    found = _sniff_binary(data, ext)
    if found:
        return found
    if name.replace("\\", "/").rsplit("/", 1)[-1].lower() == "winmail.dat":
        return TNEF  # Outlook's, damaged where its signature is: said as what it is
    return _sniff_textual(data)


_remembered = lru_cache(maxsize=4)(_sniff)


def describe_media_type(media_type: str) -> Message:
    """The media type in words a user understands, in both languages ("PNG 图片",
    "PNG picture"); a type pressdocs has no words for is given as it is, in both."""
    key = DESCRIPTION_KEYS.get(media_type)
    return Message.of(key) if key else Message.literal(media_type)


_WORD_TYPES = frozenset({DOC, DOCX, RTF, WORDML_2003, MS_WORKS, ENCRYPTED_OOXML})
_EXCEL_TYPES = frozenset({XLS, XLSX, SPREADSHEETML_2003, ENCRYPTED_OOXML})
_POWERPOINT_TYPES = frozenset({PPT, PPTX, ENCRYPTED_OOXML})
_TEXT_TYPES = frozenset({TEXT, HTML, XML})
#: What each extension promises: the media types a file so named may hold without anyone
#: being misled.  A file whose sniffed type is outside its extension's set is misnamed.
#: Within one set the program that opens the name opens the content too, so these pairs
#: are harmless: .doc/.docx/.wps/.rtf among Word's own formats (WPS writes .wps as Word 97,
#: Word opens a .docx named .doc), .xls/.xlsx/.et among Excel's, any picture format under
#: any picture extension (.jpeg named .jpg, a PNG named .jpg), any video under any video
#: extension, and text (or HTML, XML) named .txt.  A web page, PDF, picture or package
#: named as a Word or Excel file is misnamed; so is a zip named .rar.
_PROMISES: dict[str, frozenset[str]] = {
    **dict.fromkeys(("doc", "docx", "docm", "dot", "dotx", "dotm", "wps", "wpt"),
                    _WORD_TYPES),
    **dict.fromkeys(("xls", "xlsx", "xlsm", "xlt", "xltx", "xltm", "et", "ett"),
                    _EXCEL_TYPES),
    **dict.fromkeys(("ppt", "pptx", "pps", "ppsx", "dps"), _POWERPOINT_TYPES),
    "pdf": frozenset({PDF}),
    "rtf": frozenset({RTF}),
    "odt": frozenset({ODT}),
    "ods": frozenset({ODS}),
    "odp": frozenset({ODP}),
    **dict.fromkeys(("htm", "html"), frozenset({HTML})),
    **dict.fromkeys(("mht", "mhtml"), frozenset({MHT, HTML})),
    **dict.fromkeys(("txt", "text", "csv"), _TEXT_TYPES),
    "zip": frozenset({ZIP}),
    "7z": frozenset({SEVEN_ZIP}),
    "rar": frozenset({RAR}),
}
_PICTURE_EXTENSIONS = frozenset({"jpg", "jpeg", "jpe", "jfif", "png", "gif", "bmp", "webp",
                                 "heic", "heif", "tif", "tiff"})
_VIDEO_EXTENSIONS = frozenset({"mp4", "m4v", "mov", "avi", "wmv", "flv", "mkv", "webm",
                               "3gp", "mpg", "mpeg"})
#: Content too little known to say it is something else: nothing to tell the sender.
_UNKNOWN = frozenset({EMPTY, OCTET_STREAM, OLE_STORAGE})


def misnamed(name: str, media_type: str) -> str | None:
    """The extension of ``name`` (lowercase, without the dot) when the content, sniffed as
    ``media_type``, is not what that extension promises; ``None`` when it is, when the
    pair is harmless (see ``_PROMISES``), when the extension promises nothing pressdocs
    knows, or when the content is unknown or empty."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not ext or media_type in _UNKNOWN:
        return None
    if ext in _PICTURE_EXTENSIONS:
        return None if media_type.startswith("image/") else ext
    if ext in _VIDEO_EXTENSIONS:
        return None if media_type.startswith("video/") else ext
    promised = _PROMISES.get(ext)
    return ext if promised is not None and media_type not in promised else None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes; returns ``(text, encoding)``.

    Tries a byte-order mark, then strict UTF-8, then strict GB18030 (every GB label —
    gb2312, gbk — is read as gb18030, its superset).  When neither decodes cleanly
    (a file cut off mid-character, a stray byte), the one with fewer damaged characters
    wins and those characters become U+FFFD; callers can look for ``"\\ufffd"``.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    candidates = [(data.decode(e, errors="replace"), e) for e in ("utf-8", "gb18030")]
    return min(candidates, key=lambda c: c[0].count("\ufffd"))


# --- binary formats ---------------------------------------------------------------------


def _sniff_binary(data: bytes, ext: str) -> str | None:
    head = data[:64]
    # a package by its magic first: a 7z or rar that stores a PDF (no compression) has
    # "%PDF-" within its first bytes, and must stay the package it is
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return SEVEN_ZIP
    if head.startswith(b"Rar!\x1a\x07"):
        return RAR
    if head.startswith(b"\x78\x9f\x3e\x22"):  # TNEF (winmail.dat), 0x223E9F78
        return TNEF
    if data.startswith(b"PK\x03\x04") or data.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        return _sniff_zip(data, ext)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(data, ext)
    if b"%PDF-" in data[:1024]:
        return PDF
    if head.startswith(b"{\\rtf"):
        return RTF
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"BM") and len(data) >= 26 and _plausible_bmp(data):
        return BMP
    if head.startswith(b"RIFF") and len(head) >= 12:
        return {b"WEBP": WEBP, b"AVI ": AVI}.get(head[8:12])
    if head[4:8] == b"ftyp":
        return _sniff_ftyp(data)
    if head[4:8] in _QUICKTIME_ATOMS:
        return MOV
    if head.startswith(_ASF_GUID):
        return "audio/x-ms-wma" if ext == "wma" else WMV
    if head.startswith(b"FLV\x01"):
        return FLV
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in data[:64] else MKV
    return None


def _plausible_bmp(data: bytes) -> bool:
    declared_size, = struct.unpack_from("<I", data, 2)
    header_size, = struct.unpack_from("<I", data, 14)
    return header_size in (12, 40, 52, 56, 64, 108, 124) and declared_size >= 26


def _sniff_ftyp(data: bytes) -> str:
    major = data[8:12]
    if major in _FTYP_IMAGE:
        return _FTYP_IMAGE[major]
    if major == b"qt  ":
        return MOV
    return MP4


def _sniff_zip(data: bytes, ext: str) -> str:
    """A zip: a document (OOXML, OpenDocument, EPUB …) or a package of files.

    A zip whose central directory is lost (a download or copy cut off) is judged by its
    local file headers instead: the members written before the cut, and the start of
    ``[Content_Types].xml`` inflated as far as it goes.  When they show only the parts an
    Office document is made of, or nothing at all, the extension decides — so a truncated
    .docx stays a (damaged) Word document for its parser to report, never a package.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            if "mimetype" in names:
                declared = _read_small(zf, "mimetype").decode("ascii", "replace").strip()
                if re.fullmatch(r"application/[\w.+-]+", declared):
                    return declared
            if "[Content_Types].xml" in names:
                found = _ooxml_main_type(_read_small(zf, "[Content_Types].xml"))
                if found:
                    return found
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
            ValueError, zlib.error):
        members = _local_members(data)
        names = [m.name for m in members]
        if names[:1] == ["mimetype"]:
            declared = members[0].head.decode("ascii", "replace").strip()
            if declared.startswith("application/vnd.oasis.opendocument"):
                return declared
        for member in members:
            if member.name == "[Content_Types].xml":
                found = _ooxml_main_type(member.head)
                if found:
                    return found
    for prefix, media_type in _OOXML_DIRS:
        if any(n.startswith(prefix) for n in names):
            return media_type
    if all(n.startswith(_OOXML_PARTS) for n in names) and ext in _OOXML_BY_EXTENSION:
        return _OOXML_BY_EXTENSION[ext]
    return ZIP


def _ooxml_main_type(types: bytes) -> str | None:
    """The document type ``[Content_Types].xml`` declares for the main part, if any."""
    lowered = types.decode("utf-8", "replace").lower()
    for marker, media_type in _OOXML_MAIN_TYPES:
        if marker in lowered:
            return media_type
    return None


def _read_small(zf: zipfile.ZipFile, member: str) -> bytes:
    with zf.open(member) as f:
        return f.read(_MAX_MEMBER_PROBE)


class _LocalMember(NamedTuple):
    """A member as its local file header gives it: its name, and its first bytes
    (inflated as far as they go when deflated; ``b""`` when stored otherwise)."""

    name: str
    head: bytes


def _local_members(data: bytes) -> list[_LocalMember]:
    """The members whose local file header is whole, for a zip whose central directory is
    missing (a truncated download, an interrupted copy).  A name cut off by the end of the
    data is left out: a fragment of a name would only mislead."""
    members: list[_LocalMember] = []
    pos = 0
    while data.startswith(b"PK\x03\x04", pos) and pos + 30 <= len(data):
        flags, method = struct.unpack_from("<HH", data, pos + 6)
        compressed, = struct.unpack_from("<I", data, pos + 18)
        name_len, extra_len = struct.unpack_from("<HH", data, pos + 26)
        start = pos + 30 + name_len + extra_len
        if pos + 30 + name_len > len(data):
            break
        raw = data[pos + 30:pos + 30 + name_len]
        name = raw.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        members.append(_LocalMember(name, _member_head(data[start:start + _LOCAL_PROBE],
                                                      method)))
        if flags & 0x08:  # sizes follow the data (a streamed zip: LibreOffice, Java)
            pos = data.find(b"PK\x03\x04", start)
            if pos == -1:
                break
        else:
            pos = start + compressed
    return members


def _member_head(packed: bytes, method: int) -> bytes:
    """The first bytes of a member's data: as stored, or inflated as far as they go."""
    if method == zipfile.ZIP_STORED:
        return packed[:_MAX_MEMBER_PROBE]
    if method != zipfile.ZIP_DEFLATED:
        return b""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        return inflater.decompress(packed, _MAX_MEMBER_PROBE)
    except zlib.error:
        return b""


def _sniff_ole(data: bytes, ext: str) -> str:
    """Tell Word from Excel (and others) by the stream names in the OLE2 directory.

    Directory entries are 128-byte records in sectors that start at multiples of 512
    bytes; a name (UTF-16LE) only counts where it starts such a record and the record's
    length field agrees, so document text that happens to say "Workbook" does not.
    When no known stream is found the extension breaks the tie: the directory may sit
    at the end of the file, which a cut-off download loses.
    """
    for stream, media_type in _OLE_STREAMS:
        if _has_ole_entry(data, stream):
            return media_type
    if ext == "wps" and _has_ole_entry(data, "CONTENTS"):
        return MS_WORKS
    return _OLE_BY_EXTENSION.get(ext, OLE_STORAGE)


def _has_ole_entry(data: bytes, stream: str) -> bool:
    needle = (stream + "\0").encode("utf-16-le")
    length = struct.pack("<H", len(needle))
    pos = data.find(needle, 512)
    while pos != -1:
        if pos % 128 == 0 and data[pos + 64:pos + 66] == length and data[pos + 66] in (1, 2):
            return True
        pos = data.find(needle, pos + 1)
    return False


# --- text formats -----------------------------------------------------------------------


def _sniff_textual(data: bytes) -> str:
    text = _probe_text(data[:_TEXT_PROBE])
    if text is None:
        return OCTET_STREAM
    head = text[:_HEAD_PROBE].lstrip("\ufeff \t\r\n")
    lower = head.lower()
    is_mime = re.match(r"[a-z0-9-]+:", lower) and "mime-version:" in lower
    if is_mime and "multipart/related" in lower:
        return MHT
    if head.startswith("<"):
        # Word's and Excel's web pages carry <w:WordDocument> and Excel namespaces too.
        if re.match(r"<(!doctype\s+html|html)\b", lower):
            return HTML
        if "schemas.microsoft.com/office/word/2003/wordml" in lower:
            return WORDML_2003
        if 'progid="excel.sheet"' in lower or (
            "urn:schemas-microsoft-com:office:spreadsheet" in lower and "<workbook" in lower
        ):
            return SPREADSHEETML_2003
        if re.search(r"<(!doctype\s+html|html|head|body|meta|table)\b", lower):
            return HTML
        if lower.startswith("<?xml"):
            return XML
    return TEXT


def _probe_text(prefix: bytes) -> str | None:
    """The prefix decoded as text, or ``None`` when it looks binary."""
    if prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(prefix[: len(prefix) // 2 * 2])[0]
    if b"\x00" in prefix:
        return None
    text = None
    for encoding in ("utf-8", "gb18030"):
        try:
            # An incremental decoder tolerates a character cut at the end of the prefix.
            text = codecs.getincrementaldecoder(encoding)().decode(prefix, final=False)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        return None
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f\x1b")
    return None if controls > len(text) // 100 else text
