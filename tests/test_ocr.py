"""Scanned and photographed registration forms read by OCR (issue 17; pressdocs[ocr]).

The forms are made as units make them (tests/scanfixtures.py): filled with random values,
printed to PDF by LibreOffice, rasterised at 150–300 dpi, stamped with a red seal over the
审批意见 date, turned by up to 3°, JPEG-compressed — or photographed with a phone
(perspective, a desk around the page, uneven light, the EXIF orientation a phone writes).
Each is read through the real path (``Pressdocs.read``: the scan told from a picture, the
reading worker, the same label matching as the Word form) and compared field by field
(tests/ocr_fields.py): names, phones and positions exactly; free text by a similarity of
at least :data:`SIMILAR`; the time and the approval date by value.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from html_office import photo
from ocr_fields import EXACT, FREE, compare
from pressdocs import Pressdocs
from pressdocs.models import DocumentKind, SubmissionKind
from pressdocs.ocr.engine import available
from scanfixtures import page_image, photographed, registration_corpus, scan_pdf, scanned
from submissions import message, press_release_docx, qa_docx

pytestmark = pytest.mark.skipif(not available(), reason="pressdocs[ocr] (RapidOCR) is not installed")

#: Free text (title, unit, venue, content, guests, media, approval) comes back at least this
#: similar (difflib's ratio, spaces and full-width ASCII folded).
SIMILAR = 0.9
SEEDS = (17, 28, 39, 41)


@pytest.fixture(scope="module")
def corpus() -> list[tuple[object, bytes]]:
    return registration_corpus(SEEDS)  # type: ignore[return-value]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Pressdocs:
    return Pressdocs(store=tmp_path_factory.mktemp("store"))


def _scan(pdf: bytes, dpi: int, angle: float, quality: int | None, seed: int) -> bytes:
    return scanned(page_image(pdf, dpi=dpi), angle=angle, seal="市统计局", jpeg_quality=quality,
                   rng=random.Random(seed))


def _photo(pdf: bytes, orientation: int, seed: int) -> bytes:
    return photographed(page_image(pdf, dpi=200), seal="市统计局", rng=random.Random(seed),
                        exif_orientation=orientation)


# (what, which form, how it is made, the name it is sent by)
PAGES = [
    ("scan 150 dpi, +1.5°, JPEG 70", 0, lambda pdf: _scan(pdf, 150, 1.5, 70, 1), "登记表扫描件.jpg"),
    ("scan 200 dpi, -3°, JPEG 80", 1, lambda pdf: _scan(pdf, 200, -3.0, 80, 2),
     "IMG_20260714_0001.jpg"),
    ("scan 300 dpi, +2.5°, PNG", 2, lambda pdf: _scan(pdf, 300, 2.5, None, 3), "scan0003.png"),
    ("phone photo held upright (EXIF 6)", 3, lambda pdf: _photo(pdf, 6, 4), "IMG_4032.jpg"),
    ("phone photo", 0, lambda pdf: _photo(pdf, 1, 5), "登记表.jpg"),
]


@pytest.mark.parametrize(("what", "form", "make", "name"), PAGES, ids=[p[0] for p in PAGES])
def test_a_scanned_or_photographed_form_is_read_like_the_word_form(
        what: str, form: int, make: object, name: str, corpus: list[tuple[object, bytes]],
        app: Pressdocs) -> None:
    expected, pdf = corpus[form]
    data = make(pdf)  # type: ignore[operator]
    read = app.read(data, name=name)
    assert read.error is None, read.error
    assert read.kind is DocumentKind.REGISTRATION
    scores = compare(expected, read.data)  # type: ignore[arg-type]
    assert {f: scores[f] for f in EXACT} == {f: 1.0 for f in EXACT}, (what, read.data)
    assert all(scores[f] >= SIMILAR for f in FREE), (what, scores, read.data)
    assert scores["time"] == 1.0 and scores["approval_date"] == 1.0, (what, read.data)
    # each field marked as read by OCR, with the engine's confidence
    ocr = read.document.ocr
    assert {"title", "person_in_charge.name", "person_in_charge.phone", "time",
            "approval_date"} <= set(ocr)
    assert all(0.5 <= score <= 1.0 for score in ocr.values())
    assert any("已用文字识别（OCR）读取" in w.text("zh") for w in read.warnings)


def test_a_scan_to_pdf_is_read_page_by_page(corpus: list[tuple[object, bytes]],
                                            app: Pressdocs) -> None:
    """A scanner's "scan to PDF": pages that are pictures, no text layer."""
    expected, pdf = corpus[1]
    page = _scan(pdf, 200, 1.0, 80, 7)
    read = app.read(scan_pdf([page]), name="登记表.pdf")
    assert read.error is None and read.kind is DocumentKind.REGISTRATION
    scores = compare(expected, read.data)  # type: ignore[arg-type]
    assert all(scores[f] == 1.0 for f in EXACT) and scores["time"] == 1.0, read.data
    assert read.document.ocr["person_in_charge.phone"] > 0.5


def test_a_blank_or_foreign_scan_says_so(app: Pressdocs) -> None:
    """Named as a form but nothing (or no form) in it: said, never a form with every
    field missing."""
    blank = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(blank, "JPEG")
    read = app.read(blank.getvalue(), name="登记表.jpg")
    assert read.kind is DocumentKind.REGISTRATION and read.data is None
    assert read.error is not None and "扫描件中没有识别出文字" in read.error.render("zh")
    text = io.BytesIO()
    from PIL import ImageDraw, ImageFont

    page = Image.new("RGB", (1240, 1754), "white")
    font = ImageFont.truetype(_cjk_font(), 48)
    ImageDraw.Draw(page).text((120, 200), "关于开展安全生产检查的通知", fill="black", font=font)
    page.save(text, "JPEG")
    read = app.read(text.getvalue(), name="登记表.jpg")
    assert read.kind is DocumentKind.REGISTRATION and read.data is None
    assert read.error is not None
    assert "登记表（扫描件）中没有识别出登记表的栏目" in read.error.render("zh")


def _cjk_font() -> str:
    import subprocess

    return subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], check=True,
                          capture_output=True, text=True).stdout


def test_conference_pictures_stay_pictures_and_the_photographed_form_is_not_one_of_them(
        corpus: list[tuple[object, bytes]], tmp_path: Path) -> None:
    """A materials package whose registration is a phone photo of the stamped form: the
    photo is the registration, the three conference pictures are the three pictures — not
    "4 pictures" and materials only."""
    from datetime import UTC, datetime

    expected, pdf = corpus[2]
    pictures = [(f"IMG_{n}.jpg", _jpeg(photo(n))) for n in range(3)]
    raw = message(subject="关于召开新闻发布会的材料", sender="市统计局 <tjj@wuhu.gov.cn>",
                  date=datetime(2026, 1, 5, 2, 0, tzinfo=UTC),
                  attachments=[("IMG_0007.jpg", _photo(pdf, 1, 9)),
                               ("新闻发布稿.docx", press_release_docx(expected.title)),  # type: ignore[attr-defined]
                               ("答记者问.docx", qa_docx()), *pictures])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "1.eml").write_bytes(raw)
    app = Pressdocs(store=tmp_path / "store")
    app.batch(str(inbox))
    (item,) = app.submissions().items
    sub = app.submission(item.id)
    assert sub.kind is SubmissionKind.BOTH
    assert sub.registration is not None
    assert sub.registration.person_in_charge.phone == expected.person_in_charge.phone  # type: ignore[attr-defined]
    assert sub.materials is not None and len(sub.materials.pictures) == 3
    kinds = {d.name: d.kind for d in sub.documents}
    assert kinds["IMG_0007.jpg"] is DocumentKind.REGISTRATION
    assert all(kinds[name] is DocumentKind.PICTURE for name, _ in pictures)
    assert not [f for f in sub.findings if "图片" in f.text("zh") and "张" in f.text("zh")]
    # the office is told the form was read by OCR, to check it against the photo
    [scanned] = [f for f in sub.findings if f.code == "PD908"]
    assert scanned.location.document == "IMG_0007.jpg"
    assert "已用文字识别（OCR）读取，请与原件核对" in scanned.text("zh")


def test_fields_read_with_less_confidence_are_named_least_sure_first() -> None:
    from pressdocs.ocr.confidence import read_by_ocr

    note = read_by_ocr(DocumentKind.REGISTRATION, {"title": 0.99, "person_in_charge.phone": 0.72,
                                                   "venue": 0.85})
    assert note.text("zh") == ("这是扫描件，已用文字识别（OCR）读取，请与原件核对；以下栏目识别把握较低："
                               "负责人.电话（72%）、举办地点（85%）")
    assert note.text("en").endswith("fields were read with less confidence: "
                                     "person in charge › phone (72%), venue (85%)")
    assert read_by_ocr(DocumentKind.REGISTRATION, {"title": 0.95}).text("zh") == \
        "这是扫描件，已用文字识别（OCR）读取，请与原件核对"


def _jpeg(png: bytes) -> bytes:
    out = io.BytesIO()
    with Image.open(io.BytesIO(png)) as img:
        img.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def test_a_scan_is_read_once_per_process(corpus: list[tuple[object, bytes]],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The same scan read again (sent twice, reprocessed) costs no second OCR."""
    import pressdocs.ocr.scan as scan
    from pressdocs.ocr.engine import engine

    calls = []
    real = engine()

    def counting(name: str = "rapidocr") -> object:
        def read(image: object) -> object:
            calls.append(1)
            return real(image)  # type: ignore[arg-type]
        return read

    monkeypatch.setattr(scan, "engine", counting)
    data = _scan(corpus[0][1], 150, 0.5, 80, 11)
    first = scan.read_image(data, "登记表.jpg")
    second = scan.read_image(data, "登记表（再次发送）.jpg")
    assert len(calls) == 1
    assert first.tables == second.tables and first.ocr_scores == second.ocr_scores


@pytest.mark.skipif(not available("tesseract"), reason="tesseract-ocr-chi-sim is not installed")
def test_tesseract_reads_the_same_page_for_the_benchmark(corpus: list[tuple[object, bytes]]) -> None:
    """The engine bench/bench_ocr.py measures RapidOCR against reads Chinese pages."""
    import cv2
    import numpy as np

    from pressdocs.ocr.engine import engine
    from pressdocs.ocr.page import upright

    expected, pdf = corpus[0]
    with Image.open(io.BytesIO(_scan(pdf, 200, 0.0, 85, 12))) as img:
        image = np.asarray(img.convert("RGB"))[:, :, ::-1].copy()
    grey, frame = upright(image)
    assert frame is not None
    boxes = engine("tesseract")(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR))
    text = "".join(box.text for box in boxes)
    assert "新闻发布会" in text and expected.person_in_charge.phone in text  # type: ignore[attr-defined]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(width=st.integers(1, 2600), height=st.integers(1, 2600), lines=st.integers(0, 12),
       noise=st.booleans(), named=st.booleans(), seed=st.integers(0, 2**16))
def test_any_picture_is_either_a_picture_or_a_scan_with_a_clear_answer(
        width: int, height: int, lines: int, noise: bool, named: bool, seed: int,
        app: Pressdocs) -> None:
    """Odd sizes and shapes, noise, a grid of lines with nothing in it: read as a picture,
    or as a scan that says what was (not) found — never a crash, never a form with every
    field missing."""
    import numpy as np
    from PIL import ImageDraw

    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (height, width, 3), dtype=np.uint8) if noise else \
        np.full((height, width, 3), 235, np.uint8)
    page = Image.fromarray(pixels)
    draw = ImageDraw.Draw(page)
    for n in range(lines):
        y = height * (n + 1) // (lines + 1)
        draw.line([(width // 10, y), (width * 9 // 10, y)], fill=(0, 0, 0), width=3)
        x = width * (n + 1) // (lines + 1)
        draw.line([(x, height // 10), (x, height * 9 // 10)], fill=(0, 0, 0), width=3)
    out = io.BytesIO()
    page.save(out, "JPEG")
    read = app.read(out.getvalue(), name="登记表.jpg" if named else f"IMG_{seed}.jpg")
    if read.kind is DocumentKind.PICTURE:
        assert read.error is None and read.data is None
    else:
        assert read.kind is DocumentKind.REGISTRATION and read.data is None
        assert read.error is not None and "扫描件" in read.error.render("zh")
