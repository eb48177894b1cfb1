"""The generator of scanned and photographed forms (tests/scanfixtures.py) makes what it says:
plausible registrations, A4 pages, a red seal over the 审批意见 date with the text under it
still dark, a skew and a perspective that are really there, scan PDFs without text."""

from __future__ import annotations

import io
import math
import random
import re
from datetime import date

import numpy as np
import pypdf
import pytest
from PIL import Image, ImageOps

from scanfixtures import (
    SEAL_CM,
    page_image,
    photographed,
    random_registration,
    registration_corpus,
    scan_pdf,
    scanned,
)

SEEDS = (1, 2)


@pytest.fixture(scope="module")
def form_page() -> Image.Image:
    _reg, pdf = registration_corpus(SEEDS)[0]
    return page_image(pdf)


@pytest.fixture(scope="module")
def sealed_scan(form_page: Image.Image) -> bytes:
    seal = registration_corpus(SEEDS)[0][0].organiser
    return scanned(form_page, seal=seal, rng=random.Random(7))


def _rgb(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def _red(pixels: np.ndarray) -> np.ndarray:
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    red: np.ndarray = (r > 150) & (r - g > 70) & (r - b > 60)
    return red


def test_random_registrations_are_plausible_and_repeatable() -> None:
    regs = [random_registration(random.Random(seed)) for seed in range(300)]
    assert random_registration(random.Random(5)) == regs[5]
    assert len({r.title for r in regs}) > 50 and len({r.organiser for r in regs}) > 30
    for r in regs:
        assert re.fullmatch(r"市.{2,4}(局|委员会|办公室)", r.organiser), r.organiser
        assert r.filing_unit == r.organiser and 10 <= len(r.title) <= 30
        assert r.title.endswith("新闻发布会")
        assert r.time is not None and r.time.year == 2026 and r.time.utcoffset() is not None
        assert r.time.weekday() < 5 and r.time.minute in (0, 30)
        assert 9 <= r.time.hour <= 16 and r.time.hour not in (12, 13)
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", r.person_in_charge.name)
        assert re.fullmatch(r"1[3-9]\d{9}|0553-[2-8]\d{6}", r.person_in_charge.phone)
        assert r.person_in_charge.position and r.venue
        assert 2 <= len(r.guests) <= 3 and all("（" in g for g in r.guests)
        assert 2 <= len(r.media) <= 5
        assert r.approval_opinion == "同意。" and r.approval_date is not None
        assert date(2026, 1, 1) <= r.approval_date < r.time.date()


def test_forms_are_printed_by_libreoffice_once_per_seed_tuple() -> None:
    corpus = registration_corpus(SEEDS)
    assert registration_corpus(SEEDS) is corpus
    for reg, pdf in corpus:
        assert pdf.startswith(b"%PDF")
        text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert reg.organiser in text and reg.person_in_charge.phone in text


def test_page_is_a4_at_the_dpi_and_knows_where_the_seal_goes(form_page: Image.Image) -> None:
    assert form_page.mode == "RGB" and form_page.size == (1654, 2339)  # A4 at 200 dpi
    x, y = form_page.info["seal_at"]
    assert form_page.width * 0.5 < x < form_page.width
    assert form_page.height * 0.6 < y < form_page.height * 0.9
    # the date printed there is dark text on white
    around = np.asarray(form_page.convert("L"))[y - 20:y + 20, x - 150:x + 150]
    assert around.min() < 80 and np.median(around) > 200
    small = page_image(registration_corpus(SEEDS)[1][1], dpi=100)
    assert small.size == (827, 1170)


def test_the_seal_is_red_round_over_the_date_and_the_date_stays_dark(
        form_page: Image.Image, sealed_scan: bytes) -> None:
    pixels = _rgb(sealed_scan)
    assert pixels.shape[:2] == (form_page.height, form_page.width)
    assert Image.open(io.BytesIO(sealed_scan)).format == "JPEG"
    red = _red(pixels)
    ys, xs = np.nonzero(red)
    diameter = SEAL_CM / 2.54 * 200
    # all of the red is one ring of about 4.2 cm near the date
    assert len(ys) > 3000
    assert diameter * 0.9 < xs.max() - xs.min() < diameter * 1.1
    assert diameter * 0.9 < ys.max() - ys.min() < diameter * 1.1
    x, y = form_page.info["seal_at"]
    assert math.hypot(xs.mean() - x, ys.mean() - y) < diameter * 0.3
    # black text under the ink stays dark (multiplied, not painted over)
    original = np.asarray(form_page.convert("L"))
    yy, xx = np.ogrid[:original.shape[0], :original.shape[1]]
    inside = (xx - xs.mean()) ** 2 + (yy - ys.mean()) ** 2 < (diameter * 0.45) ** 2
    text_under = inside & (original < 60)
    assert text_under.sum() > 200
    assert np.median(pixels[text_under].max(axis=1)) < 110
    # without a seal there is no red at all
    plain = scanned(form_page, seal=None, rng=random.Random(7))
    assert _red(_rgb(plain)).sum() < 20


def test_scans_are_repeatable_and_png_on_request(form_page: Image.Image,
                                                 sealed_scan: bytes) -> None:
    seal = registration_corpus(SEEDS)[0][0].organiser
    assert scanned(form_page, seal=seal, rng=random.Random(7)) == sealed_scan
    assert scanned(form_page, seal=seal, rng=random.Random(8)) != sealed_scan
    png = scanned(form_page, seal=None, jpeg_quality=None, rng=random.Random(7))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == form_page.size
    assert round(image.info["dpi"][0]) == 200


def _skew(data: bytes) -> float:
    """The angle (degrees, counter-clockwise) that makes the rows of dark pixels line up
    best: the table's long rules and the lines of text."""
    grey = np.asarray(Image.open(io.BytesIO(data)).convert("L").reduce(2))
    ys, xs = np.nonzero(grey < 128)

    def sharpness(tenths: int) -> float:
        rows = np.round(ys + xs * math.tan(math.radians(tenths / 10))).astype(int)
        return float(np.square(np.bincount(rows - rows.min()).astype(float)).sum())

    return max(range(-40, 41), key=sharpness) / 10


@pytest.mark.parametrize("angle", [0.0, 1.5, -2.2])
def test_scans_are_turned_by_the_angle(form_page: Image.Image, angle: float) -> None:
    data = scanned(form_page, angle=angle, seal=None, rng=random.Random(3))
    assert _skew(data) == pytest.approx(angle, abs=0.15)
    # the turned page leaves white, not black, in the corners
    assert _rgb(data)[:5, :5].min() > 200


def _page_corners(grey: np.ndarray) -> list[tuple[int, int]]:
    """The corners of the bright page on the dark desk (TL, TR, BR, BL)."""
    ys, xs = np.nonzero(grey > (grey.max() * 0.6))
    return [(xs[i], ys[i]) for i in (np.argmin(xs + ys), np.argmax(xs - ys),
                                     np.argmax(xs + ys), np.argmax(ys - xs))]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_photos_are_a_page_on_a_desk_in_perspective_under_uneven_light(
        form_page: Image.Image, seed: int) -> None:
    data = photographed(form_page, seal="市司法局", rng=random.Random(seed))
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (1800, 2400)
    grey = np.asarray(image.convert("L"), dtype=np.float32)
    # a darker desk around a bright page
    assert max(grey[:60, :60].mean(), grey[-60:, -60:].mean()) < 150
    assert np.percentile(grey[1000:1400, 700:1100], 90) > 180
    tl, tr, br, bl = _page_corners(grey)
    top, bottom = math.dist(tl, tr), math.dist(bl, br)
    assert bottom - top > 0.02 * image.width  # a trapezoid: the far edge is shorter
    assert 0.6 * image.height < math.dist(tl, bl) < 0.9 * image.height
    # uneven light: the paper is brighter on one side than on the other
    x0, x1 = min(tl[0], bl[0]) + 80, max(tr[0], br[0]) - 80
    y0, y1 = max(tl[1], tr[1]) + 80, min(bl[1], br[1]) - 80
    xm, ym = (x0 + x1) // 2, (y0 + y1) // 2
    paper = [np.percentile(grey[a:b, c:d], 95) for a, b in ((y0, ym), (ym, y1))
             for c, d in ((x0, xm), (xm, x1))]
    assert max(paper) / min(paper) > 1.05
    # the seal came along, red
    assert _red(_rgb(data)).sum() > 1000
    if seed == 1:
        assert photographed(form_page, seal="市司法局", rng=random.Random(seed)) == data


def test_photos_can_be_stored_sideways_with_the_exif_orientation(form_page: Image.Image) -> None:
    data = photographed(form_page, seal=None, rng=random.Random(4), long_side=800,
                        exif_orientation=6)
    stored = Image.open(io.BytesIO(data))
    assert stored.size == (800, 600) and stored.getexif()[0x0112] == 6
    shown = ImageOps.exif_transpose(stored)
    assert shown.size == (600, 800)
    plain = Image.open(io.BytesIO(photographed(form_page, seal=None, rng=random.Random(4),
                                               long_side=800)))
    assert plain.size == (600, 800) and plain.getexif()[0x0112] == 1
    # shown upright it is the same photo as the one stored upright (up to JPEG's losses)
    upright = np.asarray(plain.convert("L"), dtype=np.float32)
    assert np.abs(np.asarray(shown.convert("L"), dtype=np.float32) - upright).mean() < 4
    assert np.abs(np.asarray(shown.rotate(180).convert("L"), dtype=np.float32)
                  - upright).mean() > 20


def test_scan_pdfs_hold_only_jpeg_pictures_no_text(form_page: Image.Image,
                                                   sealed_scan: bytes) -> None:
    second = scanned(form_page, angle=0.7, seal=None, rng=random.Random(1))
    pdf = scan_pdf([sealed_scan, second])
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    for pdf_page in reader.pages:
        assert pdf_page.extract_text() == ""
        assert float(pdf_page.mediabox.width) == pytest.approx(1654 / 200 * 72, abs=0.5)
        resources = pdf_page["/Resources"].get_object()
        assert isinstance(resources, pypdf.generic.DictionaryObject)
        assert "/Font" not in resources
        xobjects = resources["/XObject"].get_object()
        assert isinstance(xobjects, pypdf.generic.DictionaryObject)
        images = [obj.get_object() for obj in xobjects.values()]
        assert [im["/Filter"] for im in images] == ["/DCTDecode"]
    # and it renders back as the page it was
    again = page_image(pdf, page=0)
    assert abs(again.width - form_page.width) <= 1 and abs(again.height - form_page.height) <= 1
    assert _red(np.asarray(again, dtype=np.int16)).sum() > 3000
