"""The OCR engines: text boxes out of a page image.

pressdocs reads scans with RapidOCR (``pip install 'pressdocs[ocr]'``): PaddleOCR's
PP-OCR models run by ONNX Runtime, shipped inside the ``rapidocr`` wheel, so it works
offline, and it reads Chinese forms well (docs/performance.md has the figures against
Tesseract).  :class:`TesseractEngine` (Debian's ``tesseract-ocr-chi-sim``) is here for
that comparison (``bench/bench_ocr.py``).

An engine takes an image (a NumPy array, grey or BGR, as OpenCV holds it) and returns
:class:`TextBox` es: a line of text, its box on the image and the engine's confidence in
it (0..1).  Engines are made once per process and kept: RapidOCR takes a second to load
its models.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

__all__ = ["ENGINES", "Engine", "RapidEngine", "TesseractEngine", "TextBox", "available",
           "engine"]


@dataclass(frozen=True)
class TextBox:
    """One line of text the engine found: its text, its box (left, top, right, bottom
    in pixels of the image it was given) and the engine's confidence, 0..1."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    score: float

    @property
    def middle(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


class Engine(Protocol):
    """Reads the text lines of an image."""

    name: str

    def __call__(self, image: np.ndarray) -> list[TextBox]: ...


class RapidEngine:
    """RapidOCR (PP-OCR models on ONNX Runtime, inside the wheel: no download)."""

    name = "rapidocr"

    def __init__(self) -> None:
        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        # The page is put upright before it is read (pressdocs.ocr.page), so the
        # classifier that turns upside-down lines is not needed.  Lines are found on the
        # page made 1280 pixels long (a third of the time and memory of the full page,
        # and 五号 print is still 16 pixels high there); each line is read from the
        # full page.
        self._ocr: Any = RapidOCR(params={
            "Global.log_level": "error", "Global.use_cls": False,
            "Global.max_side_len": 2400, "Det.limit_type": "max", "Det.limit_side_len": 1280})
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)

    def __call__(self, image: np.ndarray) -> list[TextBox]:
        result = self._ocr(image)
        if result.boxes is None or result.txts is None:
            return []
        out = []
        for quad, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
            xs = [float(p[0]) for p in quad]
            ys = [float(p[1]) for p in quad]
            if text.strip():
                out.append(TextBox(text.strip(), min(xs), min(ys), max(xs), max(ys),
                                   float(score)))
        return out


class TesseractEngine:
    """Tesseract with its simplified Chinese model (Debian: tesseract-ocr-chi-sim), read
    line by line from its TSV output."""

    name = "tesseract"

    def __init__(self) -> None:
        found = shutil.which("tesseract")
        if found is None:
            raise FileNotFoundError("tesseract")
        self._program = found

    def __call__(self, image: np.ndarray) -> list[TextBox]:
        import cv2

        ok, png = cv2.imencode(".png", image)
        if not ok:
            return []
        done = subprocess.run(
            [self._program, "stdin", "stdout", "-l", "chi_sim", "--psm", "11", "tsv"],
            input=png.tobytes(), capture_output=True, check=True, timeout=120)
        lines: dict[tuple[str, str, str, str], list[list[str]]] = {}
        for row in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
            cols = row.split("\t")
            if len(cols) == 12 and cols[0] == "5" and cols[11].strip():
                lines.setdefault((cols[1], cols[2], cols[3], cols[4]), []).append(cols)
        out = []
        for words in lines.values():
            left = min(int(w[6]) for w in words)
            top = min(int(w[7]) for w in words)
            right = max(int(w[6]) + int(w[8]) for w in words)
            bottom = max(int(w[7]) + int(w[9]) for w in words)
            text = _join_words([w[11] for w in words])
            score = min(float(w[10]) for w in words) / 100
            out.append(TextBox(text, left, top, right, bottom, max(0.0, score)))
        return out


def _join_words(words: list[str]) -> str:
    """Tesseract's words of a line: Chinese ones run together, Latin ones spaced."""
    out = ""
    for word in words:
        if out and out[-1].isascii() and out[-1].isalnum() and word[:1].isascii() \
                and word[:1].isalnum():
            out += " "
        out += word
    return out


#: The engines by the name ``[ocr] engine`` takes.
ENGINES: dict[str, type[RapidEngine] | type[TesseractEngine]] = {
    "rapidocr": RapidEngine, "tesseract": TesseractEngine}


def available(name: str = "rapidocr") -> bool:
    """Whether engine ``name`` can run here (its package, or its program, is installed),
    without loading it."""
    if name == "tesseract":
        return shutil.which("tesseract") is not None and _has("cv2")
    return all(_has(module) for module in ("rapidocr", "onnxruntime", "cv2"))


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@functools.cache
def engine(name: str = "rapidocr") -> Engine:
    """The engine ``name``, loaded once per process."""
    return ENGINES[name]()
