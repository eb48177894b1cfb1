"""Reading a form as a stream of labels and values, whatever its layout.

Forms arrive as Word tables and PDF tables (label cells beside value cells, merged
cells), as PDFs read as text lines (one cell per line, labels broken over lines, a
row's cells on one line), and as email bodies ("举办时间：3月15日上午9:30").
:func:`label_values` flattens any of these into tokens in reading order and collects,
for every known label, the text between it and the next label.  Labels are matched
after :func:`pressdocs.text.normalize_label` and case-folded, so "举 办\\n单 位" and
"举办单位：" are the same label, as are "Phone" and "phone"; a label broken over up to
three lines or cells is joined back.

A token that begins with a label may hold more of them: "负责人 姓名：王芳 电话：0553-1234567
职务：副主任", "姓名 王芳 电话 （0553）1234567" and "Name: 王芳 Phone: 0553-1234567" are
split into each label's value (:func:`split_labelled`).  A label inside such a token
counts where it stands on its own: after the start, a space, a line break or
punctuation, and before a colon (either width), a space, the end or a label of its
field's parts ("负责人姓名").  A token that begins with a value (a sentence of the
content, a list) is never split, so a phone number mentioned in the content stays in
the content.

Parts of a field (负责人's 姓名, 电话, 职务: keys "person_in_charge.name" …) are people's
own shorthand and are written run together ("姓名王芳电话0553-1234567职务副主任",
"王芳 电话：…"): while that field is read, its parts' labels count wherever they stand,
and text before the first of them belongs to the field being read.

From a PDF read as text lines (``wrapped``), a label broken over lines may share each
line with its value, the row's two cells printed side by side ("审批 同意。" /
"意见 2021年5月6日（公章）"): the first words of up to three lines that make a label
start that field, and the rest of each line is its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pressdocs.capabilities import Content
from pressdocs.forms.spec import Field
from pressdocs.text import normalize_label, strip_invisible, to_halfwidth

__all__ = ["LabelValues", "label_remnants", "label_values", "split_labelled", "tokens"]

_CJK_WRAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\n"
                       r"(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")
_MAX_LABEL_PARTS = 3
#: What may stand before a label inside a token (besides whitespace and the start).
_BEFORE_LABEL = frozenset(",，;；。、:：|｜")
#: What may follow a label inside a token (besides whitespace and the end).
_AFTER_LABEL = frozenset(":：")
_FULLWIDTH_OFFSET = 0xFEE0
_LATIN = re.compile(r"[A-Za-z]")
#: Separators between one label's value and the next label: not part of the value.
_SEPARATORS = ",，;；、 \t\u3000"


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

    ``labels`` maps a normalized label (``"举办单位"``) to a field key (``"organiser"``;
    a part of a field is keyed ``"person_in_charge.phone"``).  An item that is a label
    (alone, or joined with the next one or two items) starts that field; an item that
    begins with a label gives that label's value and those of the labels after it
    (:func:`split_labelled`), and so does an item holding a part's label while its
    field is being read ("王芳 电话：0553-1234567" after 负责人); anything else is
    appended to the field last started.
    """
    items = list(items)
    known = _Labels.of(labels)
    result = LabelValues(wrapped=wrapped)
    current: str | None = None
    i = 0
    while i < len(items):
        matched = _match_label(items, i, known.keys)
        if matched is not None:
            key, used = matched
            current = key
            result.seen.append(key)
            result.values.setdefault(key, [])
            i += used
            continue
        interleaved = _match_interleaved(items, i, known.keys) if wrapped else None
        if interleaved is not None:
            key, values = interleaved
            current = key
            result.seen.append(key)
            result.values.setdefault(key, []).extend(v for v in values if v)
            i += len(values)
            continue
        pairs = _split(items[i], known, current)
        if pairs:
            for key, value in pairs:
                current = key
                result.seen.append(key)
                result.values.setdefault(key, []).append(value)
        elif current is not None:
            result.values[current].append(items[i].strip())
        i += 1
    return result


def split_labelled(text: str, labels: Mapping[str, str], *,
                   within: str | None = None) -> list[tuple[str, str]]:
    """ "负责人 姓名：张三  电话：139…  职务：主任" → [(person_in_charge, ""), (name, 张三),
    (phone, 139…), (position, 主任)]; ``[]`` when ``text`` does not begin with a label.

    ``labels`` maps normalized labels to field keys, as for :func:`label_values`.  Labels
    are found where they stand on their own (see the module's description), with or
    without a colon after them, spaces inside them ("电 话") or full-width letters; a
    value is the text up to the next label, trimmed.

    ``within`` is the field being read when ``text`` comes (the label before it): while
    a field with parts is read (负责人, or one of its parts), its parts' labels count
    wherever they stand, even run together with their values ("姓名王芳电话0553-1234567"),
    and text before the first of them is a value of ``within`` ("王芳 电话：…").
    """
    return _split(text, _Labels.of(labels), within)


def label_remnants(fields: Iterable[Field]) -> re.Pattern[str] | None:
    """What a printed label adds to a shorter label of the same field, as a pattern that
    finds it in a value: "新闻发布会内容（可以附附件）" printed, "新闻发布会内容" also known,
    gives "（可以附附件）" (spaces, line breaks and either width of brackets allowed).

    Such text is the form's, not the writer's: when a layout puts it beside the value
    (the label read as its shorter variant), the extractor removes it from the value.
    ``None`` when no field has such a label.
    """
    pieces: list[str] = []
    for f in fields:
        printed = normalize_label(f.printed)
        for variant in (normalize_label(v) for v in f.variants):
            if variant and printed.startswith(variant) and len(printed) > len(variant):
                pieces.append(r"\s*".join(_either_width(ch) for ch in printed[len(variant):]))
    if not pieces:
        return None
    return re.compile("|".join(sorted(set(pieces), key=len, reverse=True)))


def _either_width(char: str) -> str:
    """A pattern for ``char`` (as :func:`normalize_label` writes it) in either width."""
    code = ord(char)
    if 0x21 <= code <= 0x7E:
        return "[" + re.escape(char) + chr(code + _FULLWIDTH_OFFSET) + "]"
    return re.escape(char)


def _fold(text: str) -> str:
    return normalize_label(text).casefold()


@dataclass(frozen=True)
class _Labels:
    """Labels folded for matching (:func:`_fold`), and each field's parts' labels."""

    keys: dict[str, str]
    #: A field with parts ("person_in_charge") → its parts' folded labels → keys.
    parts: dict[str, dict[str, str]]
    longest: int

    @classmethod
    def of(cls, labels: Mapping[str, str]) -> _Labels:
        keys = {label.casefold(): key for label, key in labels.items()}
        parts: dict[str, dict[str, str]] = {}
        for label, key in keys.items():
            whole, dot, _ = key.partition(".")
            if dot:
                parts.setdefault(whole, {})[label] = key
        return cls(keys, parts, max(map(len, keys), default=0))

    def parts_of(self, key: str | None) -> dict[str, str] | None:
        """The labels of the parts of ``key``'s field (``key`` a field with parts or one
        of its parts), or ``None``."""
        return None if key is None else self.parts.get(key.partition(".")[0])


def _split(text: str, labels: _Labels, within: str | None = None) -> list[tuple[str, str]]:
    marks = _label_marks(text, labels, within)
    pairs = []
    for n, (key, _, end) in enumerate(marks):
        stop = marks[n + 1][1] if n + 1 < len(marks) else len(text)
        value = text[end:stop].strip().lstrip(":：").strip().rstrip(_SEPARATORS)
        if end or value:  # a leading value (end 0) only when there is one
            pairs.append((key, value))
    return pairs


def _label_marks(text: str, labels: _Labels,
                 within: str | None = None) -> list[tuple[str, int, int]]:
    """(key, start, end) of every label standing on its own in ``text``, in order, when
    ``text`` begins with one; ``[]`` when it does not.

    The text is compared in its folded form (:func:`_fold`: no whitespace, half-width,
    case-folded), so a label may have spaces inside it; at each place a label may start,
    the longest label that ends where a label may end is taken.  While a field with parts
    is read (``within`` it before the text, or its label or a part's found in the text),
    its parts' labels are also taken where they touch the text around them; text before
    the first of them is ``within``'s, marked (within, 0, 0).
    """
    view, origin = _folded_view(text)
    if not view:
        return []
    first = {pos: index for index, pos in reversed(list(enumerate(origin)))}
    parts = labels.parts_of(within)
    marks: list[tuple[str, int, int]] = []
    pos = origin[0]
    while pos < len(text):
        found = None
        if pos in first:
            if marks or pos == origin[0]:
                if pos == origin[0] or text[pos - 1].isspace() or text[pos - 1] in _BEFORE_LABEL:
                    found = _label_at(text, view, origin, first[pos], labels)
            elif pos == origin[0] or text[pos - 1].isspace() or text[pos - 1] in _BEFORE_LABEL:
                # after a leading value, only a part's label may start the marks
                found = _label_at(text, view, origin, first[pos], labels, only=parts)
            if found is None and parts is not None:
                found = _label_at(text, view, origin, first[pos], labels, only=parts,
                                  touching=True)
        if found is not None:
            if not marks and pos > origin[0]:
                assert within is not None  # parts is None without it
                marks.append((within, 0, 0))
            marks.append((found[0], pos, found[1]))
            parts = labels.parts_of(found[0])
            pos = found[1]
        elif not marks and parts is None:
            return []
        else:
            pos += 1
    return marks


def _label_at(text: str, view: str, origin: list[int], index: int, labels: _Labels, *,
              only: Mapping[str, str] | None = None,
              touching: bool = False) -> tuple[str, int] | None:
    """The key and end (in ``text``) of the longest label at ``view[index:]`` (of
    ``only`` those labels, if given) that ends where a label may end: before a colon, a
    space or the end, or before a label of one of its parts ("负责人姓名").  With
    ``touching``, it may also touch the text after it, and needs a space or a colon
    before it only where a Latin label would run into a Latin word ("NamePhone")."""
    known = labels.keys if only is None else only
    start = origin[index]
    for size in range(min(labels.longest, len(view) - index), 0, -1):
        label = view[index:index + size]
        key = known.get(label)
        if key is None:
            continue
        end = origin[index + size - 1] + 1
        if touching:
            if not (_joins_word(text[start - 1:start], label[:1])
                    or _joins_word(label[-1:], text[end:end + 1])):
                return key, end
        elif (end == len(text) or text[end].isspace() or text[end] in _AFTER_LABEL
              or _part_label_at(view, index + size, labels.parts_of(key))):
            return key, end
    return None


def _part_label_at(view: str, index: int, parts: Mapping[str, str] | None) -> bool:
    return parts is not None and any(view.startswith(label, index) for label in parts)


def _joins_word(before: str, after: str) -> bool:
    """Whether ``before`` and ``after`` (one character each, or empty) are both Latin
    letters, so that a label between them would be part of a word."""
    return bool(_LATIN.match(to_halfwidth(before)) and _LATIN.match(to_halfwidth(after)))


def _folded_view(text: str) -> tuple[str, list[int]]:
    """``text`` folded as labels are (see :func:`_fold`), with the position in ``text``
    of each character of the result."""
    chars: list[str] = []
    origin: list[int] = []
    for pos, char in enumerate(text):
        if char.isspace() or not strip_invisible(char):
            continue
        for folded in to_halfwidth(char).casefold():
            chars.append(folded)
            origin.append(pos)
    return "".join(chars), origin


def _match_label(items: list[str], i: int, labels: Mapping[str, str]) -> tuple[str, int] | None:
    joined = ""
    for used in range(1, _MAX_LABEL_PARTS + 1):
        if i + used > len(items):
            return None
        joined += _fold(items[i + used - 1])
        if not joined:
            return None
        if joined in labels:
            return labels[joined], used
        if not any(label.startswith(joined) for label in labels):
            return None
    return None


_FIRST_WORD = re.compile(r"\s*(\S+)(?:\s+(.*))?\Z", re.DOTALL)


def _match_interleaved(items: list[str], i: int,
                       labels: Mapping[str, str]) -> tuple[str, list[str]] | None:
    """A label broken over the first words of two or three lines, each line going on
    with its value: a PDF's text lines of a row whose label wrapped in its narrow cell
    beside a value of as many lines ("审批 同意。" / "意见 2021年5月6日（公章）").  The key
    and the lines' values; ``None`` unless the first words, and only they, make a label."""
    joined = ""
    values: list[str] = []
    for used in range(1, _MAX_LABEL_PARTS + 1):
        if i + used > len(items):
            return None
        word = _FIRST_WORD.match(items[i + used - 1])
        if word is None:
            return None
        joined += _fold(word.group(1))
        values.append((word.group(2) or "").strip())
        if used > 1 and joined in labels:
            return labels[joined], values
        if not any(label.startswith(joined) for label in labels):
            return None
    return None
