"""How well a registration form was read back from its scan: the proof of the OCR reader
(tests/test_ocr.py) and its benchmark (bench/bench_ocr.py) measure it the same way.

Names and phone numbers must come back exactly; free text (title, unit, venue, content,
guests, media) is compared by its similarity (difflib's ratio on the text without
spaces and with full-width ASCII folded); the time by its value.
"""

from __future__ import annotations

import difflib
import re

from pressdocs.models import Registration
from pressdocs.text import to_halfwidth

#: Fields that must be read exactly (a wrong digit is a wrong phone number).
EXACT = ("person_in_charge.name", "person_in_charge.phone", "person_in_charge.position")
#: Free text, read by similarity.
FREE = ("title", "organiser", "venue", "content", "guests", "media", "approval_opinion")
_SPACE = re.compile(r"\s+")


def value(reg: Registration, path: str) -> str:
    """A field's text by its path (lists joined by 、)."""
    found: object = reg
    for part in path.split("."):
        found = getattr(found, part)
    if isinstance(found, list):
        return "、".join(found)
    return "" if found is None else str(found)


def plain(text: str) -> str:
    return _SPACE.sub("", to_halfwidth(text)).replace("，", ",").replace("、", ",")


def similarity(expected: str, got: str) -> float:
    return difflib.SequenceMatcher(None, plain(expected), plain(got)).ratio()


def compare(expected: Registration, got: Registration | None) -> dict[str, float]:
    """Each field's score, 0..1: exact fields 1 or 0, free text its similarity, the time
    and the approval date 1 when equal."""
    scores: dict[str, float] = {}
    for path in EXACT:
        scores[path] = float(got is not None and plain(value(got, path)) ==
                             plain(value(expected, path)))
    for path in FREE:
        scores[path] = similarity(value(expected, path), value(got, path)) if got else 0.0
    scores["time"] = float(got is not None and got.time == expected.time)
    scores["approval_date"] = float(got is not None and
                                    got.approval_date == expected.approval_date)
    return scores
