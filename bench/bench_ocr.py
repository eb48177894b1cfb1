"""How fast and how well scanned forms are read by OCR: RapidOCR against Tesseract.

Run ``python bench/bench_ocr.py`` (needs ``pressdocs[ocr]``, LibreOffice, and Debian's
``tesseract-ocr-chi-sim`` for the comparison; ``--forms N`` for more forms).  It makes
registration forms (登记表) with random values, as the tests do (tests/scanfixtures.py):
printed to PDF by LibreOffice, rasterised, stamped with a red seal, turned, scanned to
JPEG — and photographed with a phone (perspective, uneven light) — and reads each page
with each engine through pressdocs' own reader (:func:`pressdocs.ocr.page.read_page`:
upright, cells, text) and the registration extractor.  It prints per engine and kind of
page:

- **s/page**: the whole read of one page (put upright, engine, cells, fields), and beside
  it the *floor* measured in the same run: the engine alone on the same upright page,
  what any reader built on that engine pays;
- **accuracy**: names, phones and positions read exactly (share of fields), free text by
  similarity (mean of difflib ratios: title, unit, venue, content, guests, media,
  approval), the time and approval date right (share).

- **a conference picture**: what telling it from a scan costs (a 4000×3000 JPEG photo,
  looked at small: :func:`pressdocs.ocr.scan.document_picture`), beside the floor of
  decoding it at that size — no OCR is run on it.

It prints figures and asserts nothing; tests/test_ocr.py holds the requirements.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fixtures the tests use
sys.path.insert(0, str(ROOT / "bench"))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from ocr_fields import EXACT, FREE, compare  # noqa: E402
from pressdocs.extract.registration import extract_registration  # noqa: E402
from pressdocs.ocr.engine import available, engine  # noqa: E402
from pressdocs.ocr.page import read_page, upright  # noqa: E402
from scanfixtures import page_image, photographed, registration_corpus, scanned  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
#: The kinds of page: (label, dpi, how it is made).
VARIANTS = (
    ("scan 150 dpi, 1.5°, JPEG 75", 150, lambda img, rng: scanned(
        img, angle=1.5, seal="市统计局", jpeg_quality=75, rng=rng)),
    ("scan 200 dpi, -2.5°, JPEG 80", 200, lambda img, rng: scanned(
        img, angle=-2.5, seal="市统计局", jpeg_quality=80, rng=rng)),
    ("scan 300 dpi, 3°, PNG", 300, lambda img, rng: scanned(
        img, angle=3.0, seal="市统计局", jpeg_quality=None, rng=rng)),
    ("phone photo", 200, lambda img, rng: photographed(img, seal="市统计局", rng=rng)),
)


def decode(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as img:
        rgb = img.convert("RGB")
    return np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=4, help="forms per kind of page")
    args = parser.parse_args()
    engines = [name for name in ("rapidocr", "tesseract") if available(name)]
    if not engines:
        sys.exit("neither RapidOCR (pip install 'pressdocs[ocr]') nor Tesseract is installed")
    corpus = registration_corpus(tuple(range(100, 100 + args.forms)))
    pages = []  # (variant, registration, image)
    for label, dpi, make in VARIANTS:
        for index, (reg, pdf) in enumerate(corpus):
            rng = random.Random(index)
            pages.append((label, reg, decode(make(page_image(pdf, dpi=dpi), rng))))
    print(f"{len(corpus)} forms × {len(VARIANTS)} kinds of page; engines: {', '.join(engines)}")
    print(f"{'engine':10} {'page':30} {'s/page':>7} {'floor':>7} {'exact':>6} "
          f"{'free':>6} {'time':>6}")
    for name in engines:
        reader = engine(name)
        reader(np.full((64, 64, 3), 255, np.uint8))  # load the models before timing
        for label, _, _ in VARIANTS:
            whole, floor, exact, free, when = [], [], [], [], []
            for variant, reg, image in pages:
                if variant != label:
                    continue
                started = time.perf_counter()
                content = read_page(image, reader, "image/jpeg")
                got, _ = extract_registration(content, tz=TZ, default_year=2026)
                whole.append(time.perf_counter() - started)
                grey, _ = upright(image)
                started = time.perf_counter()
                reader(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR))
                floor.append(time.perf_counter() - started)
                scores = compare(reg, got)
                exact.append(statistics.mean(scores[f] for f in EXACT))
                free.append(statistics.mean(scores[f] for f in FREE))
                when.append(statistics.mean((scores["time"], scores["approval_date"])))
            print(f"{name:10} {label:30} {statistics.mean(whole):7.2f} "
                  f"{statistics.mean(floor):7.2f} {statistics.mean(exact):6.0%} "
                  f"{statistics.mean(free):6.0%} {statistics.mean(when):6.0%}")
    conference_picture()


def conference_picture() -> None:
    """What a conference picture costs: looked at small, never read."""
    from timing import best

    from pressdocs.ocr import scan
    from pressdocs.ocr.scan import document_picture

    rng = np.random.default_rng(7)
    size = (3000, 4000)
    sky = np.linspace(90, 230, size[0], dtype=np.float32)[:, None, None]
    pixels = np.clip(sky + rng.normal(0, 25, (*size, 3)), 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=90)
    data = out.getvalue()

    def floor() -> None:
        with Image.open(io.BytesIO(data)) as img:
            img.draft("RGB", (800, 800))
            img.convert("RGB")

    def look() -> None:
        scan._looks_like_form.cache_clear()  # looked at afresh each time
        document_picture(data, "IMG_0001.jpg")

    assert not document_picture(data, "IMG_0001.jpg")
    print(f"conference picture 4000×3000 JPEG ({len(data) // 1024} KiB): told from a scan in "
          f"{best(5, look) * 1000:.0f} ms (floor: decoded small {best(5, floor) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
