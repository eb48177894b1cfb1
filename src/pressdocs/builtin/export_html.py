"""Built-in exporter ``html``: 新闻发布会实录 pages and the office dashboard.

- A :class:`pressdocs.ConferenceRecord` becomes the page the disclosure site's
  新闻发布会实录 column publishes: title, time, venue, organiser, speakers, the press
  release, the Q&A, the pictures and the video as a link.  The pictures are scaled down
  (longest side :data:`PICTURE_MAX_PX`, turned upright as the camera's EXIF says, JPEG or
  PNG) and written beside the page into ``<page name>_files/`` under numbered names (a
  name as sent never becomes a path); a video attached to the mail is copied there too,
  a video sent as a download link is linked.
- A :class:`pressdocs.Dashboard` becomes one static page: the plan by month and by unit
  with a chart of each month, the submissions waiting for correction, the findings by
  rule with a chart, the statistics tables per half-year.

Both pages are self-contained: styles inline, charts as inline SVG drawn here, no
script, nothing fetched from elsewhere (a Content-Security-Policy in the page says so to
the browser too); readable on a phone (one column below 40em) and printable (print
styles: no colours behind text, tables not split inside a row, link addresses written
out).  Templates: ``templates/record.html.j2`` and ``dashboard.html.j2``, rendered by
Jinja2 with autoescape: every text that came from a submission is escaped, and a link
from a submission is only a link when it is http(s).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from pressdocs._dashboard import Dashboard
from pressdocs._record import ConferenceRecord
from pressdocs.capabilities import Context, Exporter
from pressdocs.errors import ExportError
from pressdocs.hookspecs import hookimpl

if TYPE_CHECKING:
    import jinja2

__all__ = ["PICTURE_MAX_PX", "HtmlExporter", "safe_url"]

#: Pictures are scaled so that their longest side is at most this (a page column is
#: about 800 px wide; 1280 stays sharp on a phone's high-density screen).
PICTURE_MAX_PX = 1280

#: The names the exporter gives the files it writes beside a page.
_OWN_FILE = re.compile(r"(?:\d{2,}\.(?:jpg|png)|video\d{2,}(?:\.\w+)?)")

#: The colour of each plan state in the charts (and its legend).
STATE_COLOURS = {"held": "#2e7d32", "registered": "#1565c0", "due": "#9e9e9e",
                 "overdue": "#c62828", "delayed": "#ef6c00", "cancelled": "#bdbdbd"}


def safe_url(url: str) -> str | None:
    """``url`` when it is an http(s) address (a link people may follow), else ``None``:
    a ``javascript:`` or ``data:`` link from a submission is never made a link."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


class HtmlExporter(Exporter):
    """新闻发布会实录 pages and the office dashboard as static HTML."""

    name = "html"
    description = "新闻发布会实录 pages and the office dashboard (static HTML)"
    formats = ("html", "htm")

    subjects = (ConferenceRecord, Dashboard)

    def export(self, subject: Any, path: Path, context: Context) -> Path:
        lang = context.lang
        try:
            if isinstance(subject, ConferenceRecord):
                files = path.parent / f"{path.stem}_files"
                page = render_record(subject, lang, files)
            elif isinstance(subject, Dashboard):
                page = render_dashboard(subject, lang)
            else:
                raise TypeError(type(subject).__name__)
            _write_text(path, page)
        except OSError as exc:
            raise ExportError.of("export.html.write_failed", path=str(path),
                                 error=exc.strerror or str(exc)) from exc
        return path


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(HtmlExporter())


# --- rendering ----------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("pressdocs", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def _helpers(lang: str) -> dict[str, Any]:
    from pressdocs._messages import render_text, render_value

    def t(key: str, **params: Any) -> str:
        return render_text(f"export.html.{key}", params, lang)

    def when(value: date | datetime | None) -> str:
        return render_value(value, lang) if value is not None else ""

    def label(value: Any) -> str:
        return str(value.label(lang))

    return {"t": t, "when": when, "label": label, "lang": lang,
            "html_lang": "zh-CN" if lang == "zh" else "en"}


def render_record(record: ConferenceRecord, lang: str, files: Path) -> str:
    """The page of ``record``; its pictures (and attached videos) written into ``files``."""
    pictures: list[dict[str, Any]] = []
    unreadable: list[str] = []
    videos: list[dict[str, Any]] = []
    folder = quote(files.name)
    if record.pictures or record.video_files:
        files.mkdir(parents=True, exist_ok=True)
        for old in files.iterdir():  # what an earlier export of this page wrote there
            if _OWN_FILE.fullmatch(old.name) and old.is_file():
                old.unlink()
    for number, picture in enumerate(record.pictures, 1):
        scaled = scale_picture(picture.data)
        if scaled is None:
            unreadable.append(picture.name)
            continue
        data, suffix, width, height = scaled
        name = f"{number:02d}{suffix}"
        (files / name).write_bytes(data)
        pictures.append({"src": f"{folder}/{name}", "width": width, "height": height,
                         "number": len(pictures) + 1})
    for number, video in enumerate(record.video_files, 1):
        suffix = PurePath(video.name).suffix.lower()
        name = f"video{number:02d}{suffix if suffix.isascii() else ''}"
        shutil.copyfile(video.path, files / name)
        size = round(video.path.stat().st_size / 1e6, 1)
        videos.append({"name": video.name, "href": f"{folder}/{name}", "size": size,
                       "expires": None})
    for link in record.videos:
        videos.append({"name": link.name, "href": safe_url(link.url), "size": None,
                       "expires": link.expires})
    template = _environment().get_template("record.html.j2")
    return template.render(record=record, pictures=pictures, unreadable=unreadable,
                           videos=videos, **_helpers(lang))


def scale_picture(data: bytes, max_px: int = PICTURE_MAX_PX) -> tuple[bytes, str, int, int] | None:
    """``data`` as a picture for the web: upright, longest side at most ``max_px``, JPEG
    (PNG when it has transparency); with its suffix and size.  ``None`` when it is not a
    picture Pillow can read (HEIC, a damaged file, a decompression bomb)."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened) or opened
            image.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            if image.mode in ("RGBA", "LA") or "transparency" in image.info:
                image.save(out, "PNG", optimize=True)
                suffix = ".png"
            else:
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True,
                                          progressive=True)
                suffix = ".jpg"
            return out.getvalue(), suffix, image.width, image.height
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def render_dashboard(board: Dashboard, lang: str) -> str:
    """The dashboard page."""
    from pressdocs.rules.plan_status import PlanState

    states = list(PlanState)
    months = board.plan.by_month()
    by_unit = board.plan.by_unit()
    empty: Counter[PlanState] = Counter()
    month_rows: list[dict[str, Any]] = [
        {"label": m, "counts": [months.get(m, empty)[s] for s in states]} for m in range(1, 13)]
    unit_rows = [{"label": u, "counts": [c[s] for s in states]} for u, c in by_unit.items()]
    totals = [sum(r["counts"][i] for r in month_rows) for i in range(len(states))]
    template = _environment().get_template("dashboard.html.j2")
    return template.render(
        board=board, states=states, month_rows=month_rows, unit_rows=unit_rows,
        totals=totals, colours=[STATE_COLOURS.get(s.value, "#607d8b") for s in states],
        month_chart=_stacked_bars(month_rows, len(states)),
        rule_chart=_bars([(r.code, r.findings) for r in board.rules[:10]]),
        **_helpers(lang))


def _stacked_bars(rows: list[dict[str, Any]], parts: int) -> dict[str, Any]:
    """Geometry of a horizontal stacked bar chart: one bar per row, one segment per state."""
    label_w, bar_w, row_h, gap = 56, 520, 22, 6
    most = max((sum(r["counts"]) for r in rows), default=0) or 1
    bars = []
    for i, row in enumerate(rows):
        x, y = label_w, i * (row_h + gap)
        segments = []
        for part in range(parts):
            w = row["counts"][part] * bar_w / most
            if w:
                segments.append({"x": round(x, 1), "w": round(w, 1), "part": part,
                                 "n": row["counts"][part]})
            x += w
        bars.append({"y": y, "label": row["label"], "segments": segments,
                     "total": sum(row["counts"]), "end": round(x, 1)})
    return {"width": label_w + bar_w + 40, "height": len(rows) * (row_h + gap),
            "row_h": row_h, "label_w": label_w, "bars": bars}


def _bars(values: list[tuple[str, int]]) -> dict[str, Any]:
    """Geometry of a plain horizontal bar chart."""
    label_w, bar_w, row_h, gap = 64, 500, 22, 6
    most = max((n for _, n in values), default=0) or 1
    bars = [{"y": i * (row_h + gap), "label": label, "n": n, "w": round(n * bar_w / most, 1)}
            for i, (label, n) in enumerate(values)]
    return {"width": label_w + bar_w + 50, "height": len(values) * (row_h + gap),
            "row_h": row_h, "label_w": label_w, "bars": bars}


def _write_text(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all (a temporary file beside it, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temp, 0o644)  # a page to publish, not a secret (mkstemp makes it 0600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
