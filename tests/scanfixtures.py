"""Scanned and photographed registration forms (登记表), made the way real programs make them.

Issue 17: units send the form as a scan (a PDF holding only pictures) or as a phone photo.
This module builds such inputs from a known :class:`~pressdocs.models.Registration`, so
the OCR reader's tests can compare what it reads with what was printed:

1. :func:`random_registration` — random but plausible values for every field the form prints;
2. :func:`registration_pdfs` — the forms written by :func:`pressdocs.forms.write_registration_form`
   and printed to PDF by LibreOffice, all in one ``soffice`` run
   (:func:`registration_corpus` caches it per tuple of seeds for the session);
3. :func:`page_image` — a page rasterised by pypdfium2 (PDFium, Chrome's PDF renderer);
4. :func:`scanned` — a flatbed scan: the red round seal (公章) stamped over the 审批意见
   date, a slight skew, scanner tone and noise, JPEG;
   :func:`photographed` — a phone photo: the page on a desk, in perspective, under uneven
   light, slightly blurred, with sensor noise, JPEG;
5. :func:`scan_pdf` — the pictures as a scanner's "scan to PDF" saves them: images only, no
   text layer.

Everything is deterministic for a given ``random.Random`` seed.  Only Pillow and numpy are
used to make the pictures (no OpenCV).  The seal's text needs a CJK font (Noto Sans CJK,
found with fontconfig); without one the seal is its ring and star only.

Usage::

    reg, pdf = registration_corpus((1, 2, 3))[0]
    page = page_image(pdf)
    jpeg = scanned(page, angle=1.2, seal=reg.organiser, rng=random.Random(1))
    photo = photographed(page, seal=reg.organiser, rng=random.Random(1))
    pdf_scan = scan_pdf([jpeg])
"""

from __future__ import annotations

import functools
import io
import math
import random
import shutil
import subprocess
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pressdocs.forms import write_registration_form
from pressdocs.models import Person, Registration

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TZ = ZoneInfo("Asia/Shanghai")
#: A4 in centimetres: the form's paper (forms/word.py sets it).
A4_CM = (21.0, 29.7)
#: The red of a seal's ink (印泥), multiplied over the page.
SEAL_RED = (220, 30, 40)
#: A round official seal's diameter (4.2 cm, as the rules for 公章 of organs set it).
SEAL_CM = 4.2

# --- plausible values --------------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌建国志"
    "文辉力鹏宇浩凯俊峰晨欣怡婷雪琳丹宁海波林东亮成新春松晓光荣庆祥德"
)
_UNIT_NAMES = [
    "教育", "财政", "公安", "民政", "司法", "商务", "审计", "统计", "体育", "水利", "林业",
    "科技", "农业农村", "卫生健康", "生态环境", "交通运输", "应急管理", "医疗保障", "市场监管",
    "自然资源", "城市管理", "退役军人", "数据资源", "文化旅游", "住房保障", "人防",
]
_UNIT_SUFFIXES = ["局"] * 6 + ["委员会", "办公室"]
_TOPICS = [
    "上半年经济运行情况", "优化营商环境工作", "生态环境保护工作", "义务教育招生政策",
    "城市更新行动", "春季森林防火工作", "医疗保障惠民政策", "农村人居环境整治",
    "安全生产专项整治", "重点民生实事推进情况", "全民健身运动会筹备情况", "文化旅游节活动安排",
    "防汛抗旱工作", "食品安全监管工作", "数字政府建设", "第七次全国人口普查主要数据",
    "就业创业扶持政策", "老旧小区改造工作", "交通出行保障措施", "退役军人服务保障工作",
]
_CONTENTS = [
    "通报有关工作进展情况", "解读新出台的政策措施", "介绍下一步工作安排",
    "回应社会关切的热点问题", "发布年度重点任务清单",
]
_POSITIONS = ["主任", "副主任", "科长", "副科长", "局长", "副局长", "办公室主任", "宣传科科长"]
_GUEST_TITLES = ["副市长", "市政府副秘书长", "市人大常委会副主任", "市政协副主席",
                 "市委常委、宣传部部长", "市委宣传部副部长", "市政府办公室副主任"]
_MEDIA = ["市电视台", "市日报社", "市广播电台", "大江晚报", "新华社安徽分社", "安徽日报",
          "中安在线", "市融媒体中心", "人民网安徽频道", "安徽广播电视台"]
_VENUES = ["市政府新闻发布厅", "市政务中心新闻发布厅", "市行政中心{n}楼第{m}会议室",
           "{unit}{n}楼会议室", "市民中心{n}楼报告厅"]


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"1{rng.randint(3, 9)}{rng.randint(0, 9)}" + "".join(
            str(rng.randint(0, 9)) for _ in range(8))
    return f"0553-{rng.randint(2, 8)}" + "".join(str(rng.randint(0, 9)) for _ in range(6))


def _workday(rng: random.Random, year: int) -> date:
    """A Monday-to-Friday of ``year`` from January 8 (its approval then falls in the year)."""
    while True:
        day = date(year, 1, 8) + timedelta(days=rng.randrange(358))
        if day.weekday() < 5:
            return day


def random_registration(rng: random.Random) -> Registration:
    """A filled 登记表 with random but plausible values for every field the form prints.

    The unit is 市 + a department + 局/委员会/办公室; the conference is on a workday of 2026
    in office hours, on the hour or the half hour; 审批意见 is 同意。 dated 1-5 days before
    it, the form filed the same day.
    """
    unit = "市" + rng.choice(_UNIT_NAMES) + rng.choice(_UNIT_SUFFIXES)
    day = _workday(rng, 2026)
    hour = rng.choice([9, 9, 10, 10, 11, 14, 15, 15, 16])
    when = datetime(day.year, day.month, day.day, hour, rng.choice([0, 30]), tzinfo=TZ)
    topic = rng.choice(_TOPICS)
    title = rng.choice([f"{topic}新闻发布会", f"2026年{topic}新闻发布会",
                        f"{unit}{topic}新闻发布会"])
    assert 10 <= len(title) <= 30, title
    venue = rng.choice(_VENUES).format(n=rng.randint(2, 9), m=rng.randint(1, 6), unit=unit)
    approved = day - timedelta(days=rng.randint(1, 5))
    guests = [f"{_name(rng)}（{t}）" for t in rng.sample(_GUEST_TITLES, rng.randint(2, 3))]
    return Registration(
        title=title,
        organiser=unit,
        person_in_charge=Person(name=_name(rng), phone=_phone(rng),
                                position=rng.choice(_POSITIONS)),
        content="；\n".join(rng.sample(_CONTENTS, rng.randint(1, 2))),
        time=when,
        venue=venue,
        guests=guests,
        media=rng.sample(_MEDIA, rng.randint(2, 5)),
        approval_opinion="同意。",
        approval_date=approved,
        remarks=rng.choice(["", "", "需要手语翻译", "现场直播"]),
        filing_unit=unit,
        filing_date=approved,
    )


# --- printed to PDF ------------------------------------------------------------------------------


def registration_pdfs(regs: list[Registration]) -> list[bytes]:
    """The forms written with :func:`pressdocs.forms.write_registration_form` and printed to
    PDF by LibreOffice, in one ``soffice`` run (skips the test without LibreOffice)."""
    if not regs:
        return []
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="pressdocs-scans-") as tmp:
        work = Path(tmp)
        inputs = [str(write_registration_form(work / f"form{i:03d}.docx", reg))
                  for i, reg in enumerate(regs)]
        out = work / "out"
        subprocess.run(
            [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(work / 'p').as_uri()}",
             "--convert-to", "pdf", "--outdir", str(out), *inputs],
            check=True, capture_output=True, timeout=240,
        )
        return [(out / f"form{i:03d}.pdf").read_bytes() for i in range(len(regs))]


def registration_pdf(reg: Registration) -> bytes:
    """One form printed to PDF (see :func:`registration_pdfs` for several at once)."""
    return registration_pdfs([reg])[0]


@functools.cache
def registration_corpus(seeds: tuple[int, ...]) -> list[tuple[Registration, bytes]]:
    """``random_registration(random.Random(seed))`` for each seed with its PDF, converted in
    one LibreOffice run and kept for the session (test files asking the same seeds share it)."""
    regs = [random_registration(random.Random(seed)) for seed in seeds]
    return list(zip(regs, registration_pdfs(regs), strict=True))


def page_image(pdf: bytes, *, dpi: int = 200, page: int = 0) -> Image.Image:
    """Page ``page`` of ``pdf`` rasterised by pypdfium2 at ``dpi``, as RGB.

    ``info["dpi"]`` holds the resolution; ``info["seal_at"]`` the centre, in pixels, of the
    审批意见 date (the text before "(公章)") when the page prints one — where a seal goes.
    """
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        pdf_page = document[page]
        scale = dpi / 72
        image: Image.Image = pdf_page.render(scale=scale).to_pil().convert("RGB")
        image.info["dpi"] = (dpi, dpi)
        height = pdf_page.get_height()
        text = pdf_page.get_textpage()
        found = text.search("公章").get_next()
        if found is not None:
            # the date before "(公章)": from the year's "20" up to the char before "("
            index = found[0]
            before = text.get_text_range(max(index - 16, 0), min(index, 16))
            start = before.rfind("20")
            if start >= 0:
                first, last = index - len(before) + start, index - 2
                boxes = [text.get_charbox(i) for i in range(first, last + 1)]
                left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
                bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
                image.info["seal_at"] = (round((left + right) / 2 * scale),
                                         round((height - (top + bottom) / 2) * scale))
        return image
    finally:
        document.close()


# --- the seal ------------------------------------------------------------------------------------


@functools.cache
def _cjk_font() -> tuple[str, int] | None:
    """(file, face index) of a bold Chinese font for the seal's text (seals are cut in heavy
    strokes): Noto Sans CJK SC Bold by fontconfig, else its regular, else any font covering
    Chinese, else ``None``."""
    fc_match, fc_list = shutil.which("fc-match"), shutil.which("fc-list")
    if fc_list is None:
        return None
    listed = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True,
                            check=False).stdout.splitlines()
    files = sorted({line.split(":")[0].strip() for line in listed if line.strip()})
    for pattern in ("Noto Sans CJK SC:style=Bold", "Noto Sans CJK SC"):
        if fc_match is None:
            break
        found = subprocess.run([fc_match, "-f", "%{file}:%{index}", pattern],
                               capture_output=True, text=True, check=False).stdout.strip()
        file, _, index = found.rpartition(":")
        if file in files:
            return file, int(index or 0)
    return (files[0], 0) if files else None


def _dpi_of(img: Image.Image) -> float:
    """The image's resolution: its ``dpi`` info, else the width taken as A4's."""
    dpi = img.info.get("dpi")
    if dpi:
        return float(dpi[0])
    return img.width / (A4_CM[0] / 2.54)


def _seal_mask(text: str | None, diameter: int, rng: random.Random) -> Image.Image:
    """An "L" image of a round seal: 255 where ink is, drawn 4x larger then reduced."""
    k = 4
    size = diameter * k
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    ring = max(2, round(size * 0.035))
    draw.ellipse((ring // 2, ring // 2, size - ring // 2 - 1, size - ring // 2 - 1),
                 outline=255, width=ring)
    centre = size / 2
    # the five-pointed star, a little above the centre's height, as 公章 have it
    outer, inner = size * 0.16, size * 0.16 * 0.382
    star = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = -math.pi / 2 + i * math.pi / 5
        star.append((centre + r * math.cos(a), centre + r * math.sin(a)))
    draw.polygon(star, fill=255)
    font_file = _cjk_font()
    if text and font_file:
        # the name spread over the upper 160-250 degrees, as seal engravers space it
        char_px = round(size * (0.15 if len(text) <= 6 else 0.13))
        font = ImageFont.truetype(font_file[0], char_px, index=font_file[1])
        radius = size / 2 - ring - char_px * 0.62
        span = math.radians(min(250, max(160, 24 * len(text))))
        for i, char in enumerate(text):
            a = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(text)
            glyph = Image.new("L", (char_px * 2, char_px * 2), 0)
            ImageDraw.Draw(glyph).text((char_px, char_px), char, font=font, fill=255,
                                       anchor="mm")
            # upright towards the centre: the top of the glyph points outwards
            glyph = glyph.rotate(-math.degrees(a + math.pi / 2), resample=Image.Resampling.BICUBIC)
            x = centre + radius * math.cos(a) - char_px
            y = centre + radius * math.sin(a) - char_px
            mask.paste(255, (round(x), round(y)), glyph)
    mask = mask.rotate(rng.uniform(-20, 20), resample=Image.Resampling.BICUBIC)
    mask = mask.resize((diameter, diameter), Image.Resampling.LANCZOS)
    # uneven ink: a stamp pressed a little harder on one side, grainy, with pale spots
    nrng = np.random.default_rng(rng.getrandbits(32))
    ink = np.asarray(mask, dtype=np.float32) / 255
    yy, xx = np.mgrid[0:diameter, 0:diameter] / diameter - 0.5
    tilt = rng.uniform(0, 2 * math.pi)
    pressure = 0.85 + 0.3 * (xx * math.cos(tilt) + yy * math.sin(tilt))
    coarse = nrng.random((diameter // 12 + 2, diameter // 12 + 2)).astype(np.float32)
    blotch = np.asarray(Image.fromarray((coarse * 255).astype(np.uint8)).resize(
        (diameter, diameter), Image.Resampling.BICUBIC), dtype=np.float32) / 255
    grain = nrng.random((diameter, diameter)).astype(np.float32)
    ink = ink * np.clip(pressure * (0.8 + 0.4 * blotch), 0, 1) * np.where(grain < 0.06, 0.3, 1)
    return Image.fromarray((np.clip(ink, 0, 1) * 255).astype(np.uint8))


def _stamp(page: Image.Image, text: str | None, rng: random.Random) -> Image.Image:
    """``page`` with a red seal multiplied over the 审批意见 date (or the lower right of
    the table when the page does not say where): black under the ink stays black."""
    dpi = _dpi_of(page)
    diameter = round(SEAL_CM / 2.54 * dpi)
    cx, cy = page.info.get("seal_at") or (page.width * 0.66, page.height * 0.74)
    jitter = 0.25 / 2.54 * dpi
    cx += rng.uniform(-jitter, jitter)
    cy += rng.uniform(-jitter, jitter) - diameter * 0.1
    seal = np.asarray(_seal_mask(text, diameter, rng), dtype=np.float32) / 255
    x0, y0 = round(cx - diameter / 2), round(cy - diameter / 2)
    xs, ys = max(x0, 0), max(y0, 0)
    xe, ye = min(x0 + diameter, page.width), min(y0 + diameter, page.height)
    stamped = page.convert("RGB")  # a copy: the caller's page stays clean
    if xe > xs and ye > ys:
        a = seal[ys - y0:ye - y0, xs - x0:xe - x0, None] * rng.uniform(0.85, 1.0)
        colour = np.array(SEAL_RED, dtype=np.float32) / 255
        under = np.asarray(stamped.crop((xs, ys, xe, ye)), dtype=np.float32)
        inked = under * (1 - a + a * colour)
        stamped.paste(Image.fromarray(np.clip(inked, 0, 255).astype(np.uint8)), (xs, ys))
    stamped.info.update(page.info)
    return stamped


# --- scans and photos ----------------------------------------------------------------------------


def _encode(img: Image.Image, jpeg_quality: int | None, dpi: float,
            exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    extra = {"exif": exif.tobytes()} if exif is not None else {}
    if jpeg_quality is None:
        img.save(buffer, "PNG", dpi=(dpi, dpi), **extra)
    else:
        img.save(buffer, "JPEG", quality=jpeg_quality, dpi=(round(dpi), round(dpi)),
                 subsampling=2, **extra)
    return buffer.getvalue()


#: EXIF Orientation → how the upright picture is turned to be stored so (the inverse of what
#: ``ImageOps.exif_transpose`` does to show it).
_STORED_AS = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90,
              8: Image.Transpose.ROTATE_270}


def scanned(img: Image.Image, *, angle: float = 0.0, seal: str | None = "市生态环境局",
            jpeg_quality: int | None = 80, rng: random.Random) -> bytes:
    """``img`` (a page from :func:`page_image`) as a flatbed scanner returns it.

    The seal (``seal``: the unit's name along its upper arc; ``None``: no seal) is stamped
    over the 审批意见 date, the page turned by ``angle`` degrees (counter-clockwise,
    white where the turned page leaves the glass empty), the tones squeezed as a scanner's
    (paper not quite white, ink not quite black), slightly soft, with mild noise.  JPEG at
    ``jpeg_quality`` (PNG when ``None``), the same size and dpi as ``img``.
    """
    dpi = _dpi_of(img)
    page = _stamp(img, seal, rng) if seal is not None else img.convert("RGB")
    if angle:
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.7)))
    pixels = np.asarray(page, dtype=np.float32)
    paper, ink = rng.uniform(238, 250), rng.uniform(18, 40)
    tint = np.array([rng.uniform(0.99, 1.0), rng.uniform(0.985, 1.0), rng.uniform(0.97, 0.995)],
                    dtype=np.float32)
    pixels = (np.float32(ink) + pixels * np.float32((paper - ink) / 255)) * tint
    nrng = np.random.default_rng(rng.getrandbits(32))
    pixels += 2.5 * nrng.standard_normal((*pixels.shape[:2], 1), dtype=np.float32)
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return _encode(out, jpeg_quality, dpi)


def _perspective_coeffs(dst: list[tuple[float, float]],
                        src: list[tuple[float, float]]) -> list[float]:
    """Coefficients for ``Image.transform(PERSPECTIVE)``: each output point ``dst[i]``
    takes the input point ``src[i]``."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.extend([u, v])
    solution = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return [float(c) for c in solution]


def _desk(size: tuple[int, int], rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """A darker desk: wood brown, grey or a dark office table, with grain and blotches."""
    w, h = size
    base = np.array(rng.choice([(105, 78, 55), (80, 62, 48), (70, 72, 76), (48, 46, 45),
                                (120, 96, 70)]), dtype=np.float32)
    coarse = nrng.random((8, 6)).astype(np.float32)
    blotch = np.asarray(Image.fromarray((coarse * 255).astype(np.uint8)).resize(
        (w, h), Image.Resampling.BICUBIC), dtype=np.float32) / 255
    streaks = nrng.random((h // 6 + 1, 1)).astype(np.float32)  # wood grain across the desk
    grain = np.asarray(Image.fromarray((streaks * 255).astype(np.uint8)).resize(
        (w, h), Image.Resampling.BICUBIC), dtype=np.float32) / 255
    shade = 0.8 + 0.25 * blotch + 0.08 * (grain - 0.5)
    return base[None, None, :] * shade[..., None]


def photographed(img: Image.Image, *, seal: str | None, rng: random.Random,
                 long_side: int = 2400, jpeg_quality: int = 85,
                 exif_orientation: int = 1) -> bytes:
    """``img`` (a page from :func:`page_image`) printed, stamped and taken with a phone.

    The page lies on a darker desk, seen in perspective (the top corners drawn in by 2-6 %
    of the picture's width each, so the top edge is shorter than the bottom, as from a phone
    held slightly tilted back; every corner a little off; the page turned up to 2 degrees),
    under uneven light (a gradient and a darker rim), with a soft shadow, slight blur and
    sensor noise; a 3:4 JPEG of ``long_side`` pixels high (a 12 MP photo scaled down).

    ``exif_orientation`` 3, 6 or 8 stores the pixels turned, as phones do, with the EXIF
    Orientation tag saying how to show them upright (6: the phone held upright, the sensor's
    landscape pixels); 1 (the default) stores them upright, with the tag.
    """
    nrng = np.random.default_rng(rng.getrandbits(32))
    page = _stamp(img, seal, rng) if seal is not None else img.convert("RGB")
    w, h = round(long_side * 3 / 4), long_side
    # the page's corners in the photo: centred, ~84 % high, then moved
    ph = h * rng.uniform(0.80, 0.86)
    pw = ph * page.width / page.height
    left, top = (w - pw) / 2 + rng.uniform(-0.02, 0.02) * w, (h - ph) / 2 + \
        rng.uniform(-0.015, 0.015) * h
    # the top (far) corners drawn in by 2-6 % of the width each, the phone held tilted back;
    # every corner off by up to 1 % of the height and 0.5 % of the width; turned 0-2 degrees
    tl = (left + rng.uniform(0.02, 0.06) * w, top)
    tr = (left + pw - rng.uniform(0.02, 0.06) * w, top)
    corners = [(x + rng.uniform(-0.005, 0.005) * w, y + rng.uniform(-0.01, 0.01) * h)
               for x, y in (tl, tr, (left + pw, top + ph), (left, top + ph))]
    turn = math.radians(rng.uniform(-2, 2))
    cx, cy = w / 2, h / 2
    corners = [(cx + (x - cx) * math.cos(turn) - (y - cy) * math.sin(turn),
                cy + (x - cx) * math.sin(turn) + (y - cy) * math.cos(turn)) for x, y in corners]
    source = [(0.0, 0.0), (float(page.width), 0.0), (float(page.width), float(page.height)),
              (0.0, float(page.height))]
    coeffs = _perspective_coeffs(corners, source)
    warped = page.transform((w, h), Image.Transform.PERSPECTIVE, coeffs,
                            resample=Image.Resampling.BICUBIC, fillcolor=(0, 0, 0))
    mask = Image.new("L", page.size, 255).transform(
        (w, h), Image.Transform.PERSPECTIVE, coeffs, resample=Image.Resampling.BILINEAR,
        fillcolor=0)
    alpha = np.asarray(mask, dtype=np.float32)[..., None] / 255
    shadow = np.asarray(mask.filter(ImageFilter.GaussianBlur(h * 0.012)).transform(
        (w, h), Image.Transform.AFFINE, (1, 0, -h * 0.006, 0, 1, -h * 0.008)),
        dtype=np.float32)[..., None] / 255
    desk = _desk((w, h), rng, nrng) * (1 - 0.45 * shadow)
    paper = np.asarray(warped, dtype=np.float32) * np.array(
        [1.0, rng.uniform(0.96, 0.99), rng.uniform(0.88, 0.95)], dtype=np.float32)  # warm light
    pixels = desk * (1 - alpha) + paper * alpha
    # uneven light: a gradient across the picture and a darker rim (the lens, the room)
    ys = (np.arange(h, dtype=np.float32) / h - 0.5)[:, None]
    xs = (np.arange(w, dtype=np.float32) / w - 0.5)[None, :]
    theta = rng.uniform(0, 2 * math.pi)
    light = rng.uniform(0.86, 0.94) + rng.uniform(0.25, 0.4) * (
        xs * math.cos(theta) + ys * math.sin(theta))
    rim = 1 - 0.44 * (xs ** 2 + ys ** 2)
    pixels *= (light * rim)[..., None]
    photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.7, 1.2)))
    pixels = np.asarray(photo, dtype=np.float32)
    pixels = pixels + 4.0 * nrng.standard_normal((h, w, 1), dtype=np.float32)
    pixels += 2.0 * nrng.standard_normal((h, w, 3), dtype=np.float32)
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    exif = Image.Exif()
    exif[0x0112] = exif_orientation  # Orientation
    if exif_orientation != 1:
        out = out.transpose(_STORED_AS[exif_orientation])
    return _encode(out, jpeg_quality, 72, exif)


def scan_pdf(images: list[bytes], dpi: int = 200) -> bytes:
    """The pictures as a scanner's "scan to PDF" saves them: one page each, the page the
    picture's size at ``dpi``, only images (no text layer), JPEG inside (Pillow's PDF writer)."""
    pages = [Image.open(io.BytesIO(data)).convert("RGB") for data in images]
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return buffer.getvalue()
