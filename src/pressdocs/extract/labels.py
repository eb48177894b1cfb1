"""Reading a form as a stream of labels and values, whatever its layout.

Forms arrive as Word tables (label cells beside value cells, merged cells), as PDFs
whose table structure is lost (one cell per line, labels broken over lines), and as
email bodies ("举办时间：3月15日上午9:30").  :func:`label_values` flattens any of these
into tokens in reading order and collects, for every known label, the text between it
and the next label.  Labels are matched after :func:`pressdocs.text.normalize_label`,
so "举 办\\n单 位" and "举办单位：" are the same label, and a label broken over up to three
lines or cells is joined back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pressdocs.capabilities import Content
from pressdocs.text import normalize_label

__all__ = ["LabelValues", "label_values", "tokens"]

_INLINE = re.compile(r"^\s*(?P<label>[^:：\n]{2,16}?)\s*[:：]\s*(?P<value>.*)$", re.DOTALL)
_CJK_WRAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\n"
                       r"(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")
_SPACED = re.compile(r"^\s*(?P<label>\S{2,16}?)[ \t\u3000]+(?P<value>\S.*)$", re.DOTALL)
_LABEL_COLON = re.compile(r"([^\s:：,，;；。]{2,16}?)\s*[:：]")
_MAX_LABEL_PARTS = 3


@dataclass
class LabelValues:
    """Values found for each field, in order; ``seen`` lists the labels found at all."""

    values: dict[str, list[str]] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)
    wrapped: bool = False  # lines come from a PDF, where a long cell wraps onto new lines

    def get(self, key: str) -> str:
        """The value for ``key`` (all its parts joined by line breaks), "" if absent.

        From a PDF (``wrapped``), a line break between two Chinese characters is where
        the cell wrapped, not where the writer pressed Enter, so those lines are joined.
        """
        text = "\n".join(v for v in self.values.get(key, []) if v).strip()
        return _CJK_WRAP.sub("", text) if self.wrapped else text


def tokens(content: Content) -> list[str]:
    """The text of a document as tokens in reading order: one per non-empty line of a
    paragraph, one per table cell (a merged cell once)."""
    out: list[str] = []
    for para in content.paragraphs:
        out.extend(line for line in para.splitlines() if line.strip())
    for table in content.tables:
        for row in table:
            out.extend(cell for cell in row if cell is not None and cell.strip())
    return out


def label_values(items: Iterable[str], labels: Mapping[str, str], *,
                 wrapped: bool = False) -> LabelValues:
    """Collect values by field from ``items``.

    ``labels`` maps a normalized label (``"举办单位"``) to a field key (``"organiser"``).
    An item that is a label (alone, or joined with the next one or two items) starts that
    field; "label：value" in one item gives both; anything else is appended to the field
    last started.
    """
    items = list(items)
    result = LabelValues(wrapped=wrapped)
    current: str | None = None
    i = 0
    while i < len(items):
        matched = _match_label(items, i, labels)
        if matched is not None:
            key, used = matched
            current = key
            result.seen.append(key)
            result.values.setdefault(key, [])
            i += used
            continue
        inline = _inline_pairs(items[i], labels)
        if inline:
            for key, value in inline:
                current = key
                result.seen.append(key)
                result.values.setdefault(key, []).append(value)
        elif current is not None:
            result.values[current].append(items[i].strip())
        i += 1
    return result


def _inline_pairs(item: str, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """ "姓名：张三  电话：139…  职务：主任" → [(name, 张三), (phone, 139…), (position, 主任)].

    Only when the item starts with a known label and a colon; later labels split it only
    when they are known labels followed by a colon, so a colon inside a value is kept.
    """
    first = _INLINE.match(item)
    if not first or normalize_label(first.group("label")) not in labels:
        spaced = _SPACED.match(item)  # "举办单位 市统计局": a PDF line of a table row
        if spaced and normalize_label(spaced.group("label")) in labels:
            return [(labels[normalize_label(spaced.group("label"))],
                     spaced.group("value").strip())]
        return []
    label_end = first.start("value")
    marks: list[tuple[str, int, int]] = [(first.group("label"), 0, label_end)]
    marks += [(m.group(1), m.start(), m.end()) for m in _LABEL_COLON.finditer(item, label_end)
              if normalize_label(m.group(1)) in labels]
    pairs = []
    for n, (label, _, end) in enumerate(marks):
        stop = marks[n + 1][1] if n + 1 < len(marks) else len(item)
        pairs.append((labels[normalize_label(label)], item[end:stop].strip()))
    return pairs


def _match_label(items: list[str], i: int, labels: Mapping[str, str]) -> tuple[str, int] | None:
    joined = ""
    for used in range(1, _MAX_LABEL_PARTS + 1):
        if i + used > len(items):
            return None
        joined += normalize_label(items[i + used - 1])
        if not joined:
            return None
        if joined in labels:
            return labels[joined], used
        if not any(label.startswith(joined) for label in labels):
            return None
    return None
