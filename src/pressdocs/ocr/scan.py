"""Scans: which pictures and PDF pages are documents without text, and reading them.

A unit that prints the registration form to stamp it sends it back as a picture (a
scanner's JPEG, a phone photo, 登记表.jpg) or as a PDF of page images.  Such a file is a
*scan*:

- a picture is a document when its name says it is a form (登记表.jpg, 统计表扫描件.png)
  or, with the OCR extra installed, when its content looks like one: a page whose long
  straight lines make a table (:func:`looks_like_form`, on the picture made small —
  milliseconds, so the conference pictures cost next to nothing);
- a PDF page is a scan when it has no text; pages with text are never read by OCR.

Scans are read by :func:`pressdocs.ocr.page.read_page` with the office's engine
(``[ocr] engine``, RapidOCR by default), each image once per process: what was read is
kept by the image's SHA-256 (:func:`read_image`), so the same scan sent again, or a
picture looked at before it is read, costs nothing the second time.  Without the extra
a scan is named as one (``parse.scan_needs_ocr``), never taken for a form with every
field missing.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import re
from collections import OrderedDict
from typing import TYPE_CHECKING

from pressdocs import _sniff as sniff
from pressdocs._names import FORM_KINDS, kind_named
from pressdocs.capabilities import Content
from pressdocs.errors import ParseError
from pressdocs.models import Message
from pressdocs.ocr.engine import available, engine

if TYPE_CHECKING:
    import numpy as np

    from pressdocs.ocr.engine import Engine

__all__ = ["PICTURE_TYPES", "document_picture", "looks_like_form", "needs_ocr",
           "read_image", "read_pdf_pages"]

#: The pictures a scan may come as (decoded by Pillow).
PICTURE_TYPES = (sniff.JPEG, sniff.PNG, sniff.BMP, sniff.WEBP, sniff.GIF)
#: A picture smaller than this on its long side cannot hold a legible page (an icon, a
#: thumbnail): never a scan.
_PAGE_PIXELS = 600
#: A picture of more pixels than this is not decoded to be looked at unless it is a JPEG
#: (decoded at an eighth of its size): a 48-megapixel PNG is no scan.
_LOOK_AREA = 50_000_000
#: Pixels of the long side a picture is looked at with to tell a form from a photo.
_LOOK_PIXELS = 800
#: Dots per inch a PDF page without text is rendered at to be read.
PDF_DPI = 200
#: At most this many pages of one PDF are read by OCR (a registration form is one page).
MAX_PAGES = 8
#: Words in a picture's name that say it is a scan of a document.
_SCAN_WORDS = re.compile("扫描|盖章|公章")
_CACHE: OrderedDict[str, Content] = OrderedDict()
_CACHE_SIZE = 64


def document_picture(data: bytes, name: str) -> bool:
    """Whether a picture is a document — a scan or photo of a form — rather than one of
    the conference's pictures: by its name, or (with OCR installed) by its content."""
    if sniff.sniff_media_type(data, name) not in PICTURE_TYPES:
        return False
    width, height = _size(data)
    if max(width, height) < _PAGE_PIXELS or not 1 / 3 <= width / height <= 3:
        return False  # too small to hold a legible page, or no page's shape
    if kind_named(name, FORM_KINDS) is not None or _SCAN_WORDS.search(name):
        return True
    # a picture too large to look at cheaply (a JPEG is decoded small, others whole)
    if width * height > _LOOK_AREA and sniff.sniff_media_type(data, name) != sniff.JPEG:
        return False
    return available() and _looks_like_form(data)


def needs_ocr(name: str) -> ParseError:
    """The error for a scan that cannot be read here: names the form (by the file's
    name) and how to read it."""
    kind = kind_named(name, FORM_KINDS)
    what = (Message.of(f"enum.DocumentKind.{kind.value}") if kind is not None
            else Message.of("parse.scan_document"))
    return ParseError.of("parse.scan_needs_ocr", what=what, file=name)


@functools.lru_cache(maxsize=4)  # asked again by the parser that reads it
def _looks_like_form(data: bytes) -> bool:
    import cv2

    try:
        return looks_like_form(data)
    except (cv2.error, ValueError, ZeroDivisionError):  # a picture OpenCV cannot take: a picture
        return False


def looks_like_form(data: bytes) -> bool:
    """Whether the picture is a page with a ruled table on it: a frame of long lines over
    a good part of it (found as the reader finds it, so a turned scan or a photo in
    perspective counts) with at least three long lines across and three down inside."""
    grey = _small(data)
    if grey is None:
        return False
    from pressdocs.ocr.page import _ink, _lines, upright

    warped, rect = upright(grey)
    if rect is None:
        return False
    left, top, right, bottom = rect
    table = warped[max(0, top):bottom, max(0, left):right]
    if table.size == 0:
        return False
    across, down = _lines(_ink(table), 8)
    h, w = table.shape
    return (_long_lines(across, axis=1, least=w // 4) >= 3
            and _long_lines(down, axis=0, least=h // 6) >= 3)


def _size(data: bytes) -> tuple[int, int]:
    """A picture's width and height, from its header; (0, 0) when it cannot be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            return img.size
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return 0, 0


def _long_lines(mask: np.ndarray, *, axis: int, least: int) -> int:
    """How many separate lines of ``mask`` run at least ``least`` pixels along ``axis``."""
    import numpy as np

    counts = (mask > 0).sum(axis=axis)
    found = np.flatnonzero(counts >= least)
    if found.size == 0:
        return 0
    return int(1 + np.count_nonzero(np.diff(found) > 2))


def _small(data: bytes) -> np.ndarray | None:
    """The picture in grey (its red channel: a seal drops out), about
    :data:`_LOOK_PIXELS` on its long side; a JPEG decoded at that size directly."""
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.draft("RGB", (_LOOK_PIXELS, _LOOK_PIXELS))
            img.thumbnail((_LOOK_PIXELS, _LOOK_PIXELS))
            rgb = img.convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None
    return np.ascontiguousarray(np.asarray(rgb)[:, :, 0])


def read_image(data: bytes, name: str) -> Content:
    """A picture of a document read by OCR (once per process for the same bytes)."""
    key = hashlib.sha256(data).hexdigest()
    found = _cached(key)
    if found is not None:
        return found
    reader = _engine(name)  # first: without the extra, NumPy may be missing too
    from pressdocs.ocr.page import read_page

    content = read_page(_decode(data, name), reader, sniff.sniff_media_type(data, name))
    return _keep(key, content)


def read_pdf_pages(data: bytes, name: str, pages: list[int]) -> Content:
    """Pages ``pages`` (counted from 1) of a PDF, rendered and read by OCR, as one
    :class:`Content` (their paragraphs and tables in page order)."""
    key = hashlib.sha256(data).hexdigest() + ":" + ",".join(map(str, pages))
    found = _cached(key)
    if found is not None:
        return found
    reader = _engine(name)
    import pypdfium2

    from pressdocs.ocr.page import read_page

    content = Content(media_type=sniff.PDF)
    pdf = pypdfium2.PdfDocument(data)
    try:
        for number in pages[:MAX_PAGES]:
            page = pdf[number - 1]
            try:
                bitmap = page.render(scale=PDF_DPI / 72, grayscale=True)
                image = bitmap.to_numpy().copy()
                bitmap.close()
            finally:
                page.close()
            read = read_page(image, reader, sniff.PDF)
            content.paragraphs.extend(read.paragraphs)
            content.tables.extend(read.tables)
            content.ocr_scores.update(read.ocr_scores)
    finally:
        pdf.close()
    if len(pages) > MAX_PAGES:
        content.warnings.append(Message.of("parse.scan_pages_left", read=MAX_PAGES,
                                           pages=len(pages)))
    return _keep(key, content)


def _engine(name: str) -> Engine:
    if not available():
        raise needs_ocr(name)
    return engine()


def _decode(data: bytes, name: str) -> np.ndarray:
    """The picture as an OpenCV image (BGR), turned as its EXIF says (a phone's photo)."""
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.draft("RGB", (4000, 4000))
            rgb = ImageOps.exif_transpose(img).convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as exc:
        raise ParseError.of("read.broken_picture", format=name.rsplit(".", 1)[-1].upper(),
                            file=name) from exc
    return np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])


def _cached(key: str) -> Content | None:
    found = _CACHE.get(key)
    if found is None:
        return None
    _CACHE.move_to_end(key)
    return copy.deepcopy(found)


def _keep(key: str, content: Content) -> Content:
    _CACHE[key] = copy.deepcopy(content)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return content

