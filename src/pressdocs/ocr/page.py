"""A page image read as a form: put upright, its table's cells found, its text put in them.

A registration form (登记表) comes back printed, stamped with the unit's seal (公章) and
scanned, or photographed with a phone.  The table is what holds its meaning — a label
cell beside its value cell, 负责人 spanning three rows — so the page is read the way the
PDF parser reads a printed form, from its ruling lines:

1. the seal is taken out: red ink is light in the red channel, the black print under it
   stays dark;
2. the table's frame is found (the largest shape the page's long straight lines make)
   and its four corners are mapped onto a rectangle: a scan's slight rotation and a
   phone photo's perspective both come out upright, with the page around the table
   (the title above, 联系人 below) warped the same way;
3. the cells are the regions the ruling lines enclose (a merged cell is one region);
4. the OCR engine reads the upright page once; each character of each text line goes to
   the cell under it (a line the engine read across a cell border is split there), and
   lines outside the table become paragraphs.

The result is :class:`~pressdocs.capabilities.Content` as the Word and PDF parsers give
it — cells row by row, a merged cell once and ``None`` where it extends — so the same
label matching reads its fields, with ``ocr_scores``: the engine's confidence in each
paragraph line and cell.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pressdocs.capabilities import Content
from pressdocs.ocr.engine import TextBox
from pressdocs.text.linebreak import LIST_ITEM, NO_LINE_START, WORD_CHAR

if TYPE_CHECKING:
    import numpy as np

    from pressdocs.ocr.engine import Engine

__all__ = ["read_page", "upright"]

#: A page's long side is brought to about this many pixels (A4 at ~200 dpi) before it is
#: read: enough for 五号 print, and the cost of reading grows with the pixels.
PAGE_PIXELS = 2340
_LATIN = re.compile(r"[A-Za-z]")
#: A space the engine put between a Chinese character and a digit ("5 楼"): not in the text.
_STRAY_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=\d)|(?<=\d) +(?=[\u4e00-\u9fff])")
#: The table's frame covers at least this share of the page (else the page has no form).
_MIN_FRAME = 0.12


@dataclass
class _Cell:
    left: int
    top: int
    right: int
    bottom: int
    pieces: list[TextBox] = field(default_factory=list)  # what the engine read in it


def read_page(image: np.ndarray, engine: Engine, media_type: str) -> Content:
    """The text of a page image (grey or BGR) as :class:`Content`, its table (if it has
    one) as cells, with ``ocr_scores``."""
    grey, frame = upright(image)
    import cv2

    boxes = engine(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR))
    content = Content(media_type=media_type)
    if frame is None:
        _outside(content, _pieces(boxes))
        return content
    labels, cells = _cells(grey, frame)
    outside: list[TextBox] = []
    for box in boxes:
        _place(box, labels, cells, outside)
    _outside(content, outside)
    table, scores = _table(cells)
    if table:
        content.tables.append(table)
        content.ocr_scores.update(scores)
    return content


# --- putting the page upright -----------------------------------------------------------


def upright(image: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int] | None]:
    """The page in grey without its red seal, scaled to :data:`PAGE_PIXELS` and, when it
    holds a table, warped so that the table is an upright rectangle; and that rectangle
    (left, top, right, bottom), ``None`` when there is no table."""
    import cv2
    import numpy as np

    grey = image if image.ndim == 2 else image[:, :, 2]  # BGR: the red channel
    grey = np.ascontiguousarray(grey)
    scale = PAGE_PIXELS / max(grey.shape)
    if scale < 0.95:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    quad = _frame(grey)
    if quad is None:
        return grey, None
    width = float((np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2)
    height = float((np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    h, w = grey.shape
    corners = np.array([[[0, 0]], [[w, 0]], [[w, h]], [[0, h]]], dtype=np.float32)
    moved = cv2.perspectiveTransform(corners, matrix).reshape(-1, 2)
    # the page around the table, within reason (a steep photo must not make a huge canvas)
    left = max(float(moved[:, 0].min()), -0.35 * width)
    right = min(float(moved[:, 0].max()), 1.35 * width)
    top = max(float(moved[:, 1].min()), -0.8 * height)
    bottom = min(float(moved[:, 1].max()), 1.8 * height)
    shift = np.array([[1, 0, -left], [0, 1, -top], [0, 0, 1]], dtype=np.float64)
    size = (int(right - left), int(bottom - top))
    warped = cv2.warpPerspective(grey, shift @ matrix, size, flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    rect = (int(-left), int(-top), int(width - left), int(height - top))
    return warped, rect


def _ink(grey: np.ndarray) -> np.ndarray:
    """Where the ink is (255), against uneven light: each pixel against its surroundings."""
    import cv2

    block = max(15, (max(grey.shape) // 60) | 1)
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 block, 12)


def _lines(ink: np.ndarray, divisor: int) -> tuple[np.ndarray, np.ndarray]:
    """The horizontal and the vertical lines in ``ink``: runs longer than the page's
    width (height) over ``divisor``, longer than any stroke of a character."""
    import cv2

    h, w = ink.shape
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (max(12, w // divisor), 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(12, h // divisor)))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, across), cv2.morphologyEx(ink, cv2.MORPH_OPEN,
                                                                          down)


def _frame(grey: np.ndarray) -> np.ndarray | None:
    """The four corners (top left, top right, bottom right, bottom left) of the page's
    table, or ``None`` when its lines make no frame large enough to be a form's."""
    import cv2
    import numpy as np

    # short runs, so that lines still count when the page is turned a few degrees; on
    # the paper only (a photo's page edge against the desk is a long line too)
    ink = cv2.bitwise_and(_ink(grey), _paper(grey))
    across, down = _lines(ink, 60)
    grid = cv2.dilate(cv2.bitwise_or(across, down), np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(grid, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    biggest = max(contours, key=cv2.contourArea)
    hull = cv2.convexHull(biggest)
    if cv2.contourArea(hull) < _MIN_FRAME * grey.size:
        return None
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    points = (approx.reshape(-1, 2) if len(approx) == 4
              else cv2.boxPoints(cv2.minAreaRect(hull))).astype(np.float32)
    total = points.sum(axis=1)
    diff = np.diff(points, axis=1).ravel()
    return np.array([points[np.argmin(total)], points[np.argmin(diff)],
                     points[np.argmax(total)], points[np.argmax(diff)]], dtype=np.float32)


def _paper(grey: np.ndarray) -> np.ndarray:
    """The sheet of paper in a photo (the largest bright region, holes filled, its edge
    left out); the whole picture for a scan, where the paper fills it."""
    import cv2
    import numpy as np

    whole = np.full_like(grey, 255)
    blurred = cv2.GaussianBlur(grey, (0, 0), 5)
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return whole
    biggest = max(contours, key=cv2.contourArea)
    if cv2.contourArea(biggest) < 0.3 * grey.size:
        return whole
    paper = np.zeros_like(grey)
    cv2.drawContours(paper, [biggest], -1, 255, thickness=cv2.FILLED)
    margin = max(5, max(grey.shape) // 70)
    return cv2.erode(paper, np.ones((margin, margin), np.uint8))


# --- the cells --------------------------------------------------------------------------


def _cells(grey: np.ndarray, rect: tuple[int, int, int, int]
           ) -> tuple[np.ndarray, dict[int, _Cell]]:
    """The cells of the upright table in ``rect``: a label image (each pixel the number
    of its cell, 0 on a line or outside) and the cells by number."""
    import cv2
    import numpy as np

    left, top, right, bottom = rect
    across, down = _lines(_ink(grey), 30)
    grid = cv2.bitwise_or(cv2.morphologyEx(across, cv2.MORPH_CLOSE, np.ones((1, 25), np.uint8)),
                          cv2.morphologyEx(down, cv2.MORPH_CLOSE, np.ones((25, 1), np.uint8)))
    grid = cv2.dilate(grid, np.ones((3, 3), np.uint8))
    cv2.rectangle(grid, (left, top), (right, bottom), 255, 3)
    inside = np.zeros_like(grid)
    inside[top:bottom, left:right] = 255
    inside = cv2.bitwise_and(inside, cv2.bitwise_not(grid))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(inside, connectivity=4)
    least = max(10, (bottom - top) // 120)
    cells: dict[int, _Cell] = {}
    for number in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[number])
        if w >= least and h >= least and area >= least * least * 2:
            cells[number] = _Cell(x, y, x + w, y + h)
    return labels, cells


def _place(box: TextBox, labels: np.ndarray, cells: dict[int, _Cell],
           outside: list[TextBox]) -> None:
    """Put ``box``'s characters in the cells under them (or outside the table)."""
    h, w = labels.shape
    y = min(h - 1, max(0, int(box.middle[1])))
    text = _STRAY_SPACE.sub("", box.text)
    step = (box.right - box.left) / max(1, len(text))
    runs: list[tuple[int, str, float]] = []  # (cell number or 0, text, left)
    previous = 0
    for index, char in enumerate(text):
        x = min(w - 1, max(0, int(box.left + (index + 0.5) * step)))
        number = int(labels[y, x])
        if number not in cells:
            number = previous if previous else _near(labels, cells, x, y)
        if runs and runs[-1][0] == number:
            runs[-1] = (number, runs[-1][1] + char, runs[-1][2])
        else:
            runs.append((number, char, box.left + index * step))
        previous = number
    for number, text, start in runs:
        end = start + len(text) * step
        piece = TextBox(text.strip(), start, box.top, end, box.bottom, box.score)
        if not piece.text:
            continue
        if number in cells:
            cells[number].pieces.append(piece)
        else:
            outside.append(piece)


def _near(labels: np.ndarray, cells: dict[int, _Cell], x: int, y: int) -> int:
    """The cell a character standing on a line belongs to: the nearest along its row."""
    w = labels.shape[1]
    for distance in range(1, 12):
        for nx in (x + distance, x - distance):
            if 0 <= nx < w and int(labels[y, nx]) in cells:
                return int(labels[y, nx])
    return 0


# --- text out of the pieces -------------------------------------------------------------


def _pieces(boxes: list[TextBox]) -> list[TextBox]:
    return [replace(b, text=_STRAY_SPACE.sub("", b.text)) for b in boxes]


def _text_lines(pieces: list[TextBox],
                right: float | None = None) -> list[tuple[str, float]]:
    """Pieces grouped into lines top to bottom, each line's pieces left to right (a space
    where there is a gap between them), with the line's lowest score.

    In a cell whose text may reach ``right``, a line was wrapped by the word processor
    when the first thing on the next one that cannot be broken (a Chinese character with
    the punctuation that may not start a line, a run of Latin letters and digits) would
    not have fitted after it: the two are joined (as the PDF parser joins them), unless
    the next one opens an item of a numbered list."""
    rows: list[list[TextBox]] = []
    for piece in sorted(pieces, key=lambda p: p.middle[1]):
        middle = piece.middle[1]
        if rows:
            row = rows[-1]
            top = sum(p.top for p in row) / len(row)
            bottom = sum(p.bottom for p in row) / len(row)
            if top <= middle <= bottom:
                row.append(piece)
                continue
        rows.append([piece])
    out: list[tuple[str, float]] = []
    reached: float | None = None  # where the line before ended
    for row in rows:
        row.sort(key=lambda p: p.left)
        text = row[0].text
        for before, piece in itertools.pairwise(row):
            gap = piece.left - before.right
            text += (" " if gap > 0.6 * piece.height else "") + piece.text
        score = min(p.score for p in row)
        if reached is not None and out and _wrapped(reached, text, row[0], right):
            joined, before_score = out[-1]
            space = " " if _LATIN.match(joined[-1:]) and _LATIN.match(text) else ""
            out[-1] = (joined + space + text, min(before_score, score))
        else:
            out.append((text, score))
        reached = row[-1].right
    return out


def _wrapped(end: float, text: str, first: TextBox,
             right: float | None) -> bool:
    """Whether a line starting with ``text`` (its first piece ``first``) continues the one
    before, which ended at ``end``: its first unbreakable part would have run past
    ``right``."""
    if right is None or not text or LIST_ITEM.match(text):
        return False
    width = (first.right - first.left) / max(1, len(first.text))  # of one character
    taken = 1
    if WORD_CHAR.match(text[0]):
        while taken < len(text) and (WORD_CHAR.match(text[taken])
                                     or text[taken] in NO_LINE_START):
            taken += 1
    while taken < len(text) and text[taken] in NO_LINE_START:
        taken += 1
    # the engine's boxes reach a little past the glyphs, and the cell's right margin is
    # not seen (only its border): half a character of slack
    return end + taken * width > right - 0.5 * width


def _outside(content: Content,
             pieces: list[TextBox]) -> None:
    for text, score in _text_lines(pieces):
        content.paragraphs.append(text)
        content.ocr_scores[text] = score


def _table(cells: dict[int, _Cell]) -> tuple[list[list[str | None]], dict[str, float]]:
    """The cells as rows of texts, a merged cell at its top left position and ``None``
    at the others it covers (as the Word and PDF parsers give a table)."""
    if not cells:
        return [], {}
    tolerance = max(6, min(c.bottom - c.top for c in cells.values()) // 2)
    rows = _starts([c.top for c in cells.values()], tolerance)
    columns = _starts([c.left for c in cells.values()], tolerance)
    grid: list[list[str | None]] = [[""] * len(columns) for _ in rows]
    scores: dict[str, float] = {}
    # the cells' inner margin: the least gap between a cell's left border and its text
    padding = max(0.0, min((p.left - c.left for c in cells.values() for p in c.pieces),
                           default=0.0))
    for cell in sorted(cells.values(), key=lambda c: (c.top, c.left)):
        r, c = _index(rows, cell.top), _index(columns, cell.left)
        lines = _text_lines(cell.pieces, cell.right - padding)
        text = "\n".join(line for line, _ in lines)
        grid[r][c] = text
        if text:
            scores[text] = min(score for _, score in lines)
        for rr in range(r, len(rows)):
            if rows[rr] >= cell.bottom - tolerance:
                break
            for cc in range(c, len(columns)):
                if columns[cc] >= cell.right - tolerance:
                    break
                if (rr, cc) != (r, c):
                    grid[rr][cc] = None
    return grid, scores


def _starts(values: list[int], tolerance: int) -> list[int]:
    """The distinct positions among ``values``, those within ``tolerance`` taken as one."""
    out: list[int] = []
    for value in sorted(values):
        if not out or value - out[-1] > tolerance:
            out.append(value)
    return out


def _index(starts: list[int], value: int) -> int:
    return min(range(len(starts)), key=lambda i: abs(starts[i] - value))
