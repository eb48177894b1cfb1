"""How sure OCR was of each field it read: ``Document.ocr``.

The engine scores every text line it reads; :func:`pressdocs.ocr.page.read_page` keeps
the lowest score of each paragraph line and table cell (``Content.ocr_scores``).  A field's
confidence is the lowest score of the cells and lines its value was read from, found by
its text (a date by the way the form writes it, 2021年6月28日).  A field whose text is in
no scored cell (put together from several) is not scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from pressdocs.forms.spec import field_label
from pressdocs.models import DocumentKind, Message, Model
from pressdocs.text import to_halfwidth

__all__ = ["LOW", "ocr_confidences", "read_by_ocr"]

#: Below this confidence a field is named for the office to check against the scan.
LOW = 0.9
_SPACE = re.compile(r"\s+")


def ocr_confidences(data: object, scores: Mapping[str, float]) -> dict[str, float]:
    """Each filled field of ``data`` (a form's model, by its dotted path) with the OCR
    engine's confidence in it, 0..1 (two decimals)."""
    if not isinstance(data, Model):
        return {}
    texts = [(_plain(text), score) for text, score in scores.items()]
    plain = data.to_dict()
    out: dict[str, float] = {}
    for path, values in _leaves(plain, ""):
        found = [_score(value, texts) for value in values]
        known = [s for s in found if s is not None]
        if known and len(known) == len(found):
            out[path] = round(min(known), 2)
    return out


def read_by_ocr(kind: DocumentKind, confidences: Mapping[str, float]) -> Message:
    """The note on a form (of ``kind``) read by OCR: to be checked against the scan,
    naming the fields read with a confidence below :data:`LOW`, least sure first."""
    low = sorted(((path, score) for path, score in confidences.items() if score < LOW),
                 key=lambda item: item[1])
    if not low:
        return Message.of("read.by_ocr")
    named = [Message.of("read.by_ocr_field", percent=round(score * 100), field=Message.literal(
        field_label(f"{kind.value}.{path}", "zh"), field_label(f"{kind.value}.{path}", "en")))
        for path, score in low]
    return Message.of("read.by_ocr_low", fields=named)


def _leaves(value: Any, path: str) -> Iterator[tuple[str, list[str]]]:
    """``(path, texts)`` of every filled leaf; a list of texts is one leaf."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if not key.endswith("_text"):  # the text a value was parsed from: scored by it
                yield from _leaves(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        if value and all(isinstance(v, str) for v in value):
            yield path, [v for v in value if v]
        else:
            for index, inner in enumerate(value):
                yield from _leaves(inner, f"{path}[{index}]")
    elif isinstance(value, str) and value:
        yield path, [_as_written(value)]


def _as_written(value: str) -> str:
    """A date or time as the form writes it (2021年6月28日): ISO text otherwise found nowhere."""
    try:
        when = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return value
    return f"{when.year}年{when.month}月{when.day}日"


def _plain(text: str) -> str:
    return _SPACE.sub("", to_halfwidth(text))


def _score(value: str, texts: list[tuple[str, float]]) -> float | None:
    wanted = _plain(value)
    if not wanted:
        return None
    found = [score for text, score in texts if wanted in text or (text and text in wanted)]
    return min(found) if found else None
