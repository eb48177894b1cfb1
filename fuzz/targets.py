"""Fuzz targets: each takes bytes and feeds them to one part of pressdocs that reads what
strangers send — MIME messages and their file names, archives, Word/PDF/Excel forms,
dates and 字数.  A target may let pressdocs' own errors (:class:`pressdocs.PressdocsError`)
out, which are its clear answers to bad input; any other exception is a bug.

The same targets run in two ways:

- ``tests/hostile/test_fuzz.py`` — hypothesis properties, briefly, in CI;
- ``scripts/fuzz`` — atheris (coverage-guided, libFuzzer), as long as you like:
  ``scripts/fuzz docx --seconds 600``.

Structured inputs (docx, PDF, xlsx, archives) start from the seed files in ``fuzz/seeds/``
and are mutated from there: random bytes would almost never get past a zip's first check.
"""

from __future__ import annotations

import email
import email.policy
import io
import random
import zipfile
from collections.abc import Callable
from contextlib import suppress
from functools import cache
from pathlib import Path

from pressdocs import PressdocsError

__all__ = ["SEEDS", "TARGETS", "mutate", "run"]

SEEDS = Path(__file__).resolve().parent / "seeds"


@cache
def _app():  # type: ignore[no-untyped-def]
    from pressdocs import Pressdocs

    return Pressdocs(load_entry_points=False)


def mime(data: bytes) -> None:
    """A mail message as it arrives: parsed, parts decoded, names recovered."""
    from pressdocs.mail.message import parse_message

    parsed = parse_message(data)
    assert isinstance(parsed.subject, str)
    for part in parsed.parts:
        assert isinstance(part.data, bytes)


def filename(data: bytes) -> None:
    """An attachment's file name recovered from whatever the header holds (RFC 2231,
    encoded words, raw GBK, broken quoting)."""
    from pressdocs.mail.headers import attachment_filename

    raw = (b"Content-Type: application/octet-stream\r\n"
           b"Content-Disposition: attachment; filename=" + data.replace(b"\r\n", b" ")
           + b"\r\n\r\nbody\r\n")
    part = email.message_from_bytes(raw, policy=email.policy.compat32)
    assert isinstance(attachment_filename(part), str)


def archive(data: bytes) -> None:
    """A package (zip, 7z, RAR) opened with the office's limits."""
    from pressdocs._archives import open_package

    open_package(data, "材料.zip")


def _document(name: str) -> Callable[[bytes], None]:
    def read(data: bytes) -> None:
        result = _app().read(data, name=name)
        assert result is not None

    read.__name__ = name.rsplit(".", 1)[-1]
    read.__doc__ = f"A file named {name}, read and its form extracted."
    return read


docx = _document("登记表.docx")
pdf = _document("登记表.pdf")
xlsx = _document("统计表.xlsx")


def dates(data: bytes) -> None:
    """Dates and times as units write them (2021年4月15日上午9:30, 4.15, 二〇二一年…)."""
    from pressdocs.text.dates import find_dates, parse_date, parse_when

    text = _text(data)
    parse_when(text, default_year=2021)
    parse_date(text, default_year=2021)
    for found in find_dates(text, default_year=2021):
        assert found is not None


def zishu(data: bytes) -> None:
    """字数 counted as Word counts it."""
    from pressdocs.text.zishu import count_zishu

    text = _text(data)
    count = count_zishu(text)
    assert 0 <= count.total <= len(text)


def _text(data: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


#: name → (target, seed files it starts from; none: any bytes)
TARGETS: dict[str, tuple[Callable[[bytes], None], tuple[str, ...]]] = {
    "mime": (mime, ()),
    "filename": (filename, ()),
    "archive": (archive, ("registration.docx", "statistics.xlsx")),
    "docx": (docx, ("registration.docx",)),
    "pdf": (pdf, ("registration.pdf",)),
    "xlsx": (xlsx, ("statistics.xlsx",)),
    "dates": (dates, ()),
    "zishu": (zishu, ()),
}


def run(name: str, data: bytes) -> None:
    """Feed ``data`` to target ``name``; pressdocs' own errors are answers, not bugs."""
    target, _ = TARGETS[name]
    with suppress(PressdocsError):
        target(data)


def mutate(seed: bytes, rng: random.Random, steps: int = 4) -> bytes:
    """``seed`` changed as a damaged or hostile file would be: bytes flipped, cut or
    repeated in the raw file, or — for a zip (docx, xlsx) — inside one of its members,
    then packed again, so the damage reaches the XML the readers parse."""
    if seed[:2] == b"PK" and rng.random() < 0.7:
        try:
            with zipfile.ZipFile(io.BytesIO(seed)) as zf:
                members = [(i.filename, zf.read(i)) for i in zf.infolist()]
        except Exception:  # a damaged zip is mutated as bytes instead
            members = []
        if members:
            index = rng.randrange(len(members))
            name, content = members[index]
            members[index] = (name, _bytes_mutated(content, rng, steps))
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
                for member, content in members:
                    zf.writestr(member, content)
            return out.getvalue()
    return _bytes_mutated(seed, rng, steps)


_INSERTS = (b"<", b">", b"&", b"\x00", b"\xff\xfe", b"]]>", b"<!--", b"\xb5\xc7",
            b"obj", b"endobj", b"stream", b"/Length 999999", b"1e308", b"-1")


def _bytes_mutated(data: bytes, rng: random.Random, steps: int) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, steps)):
        if not out:
            out.extend(rng.choice(_INSERTS))
            continue
        at = rng.randrange(len(out))
        action = rng.randrange(5)
        if action == 0:
            out[at] ^= rng.randint(1, 255)
        elif action == 1:
            del out[at:at + rng.randint(1, 64)]
        elif action == 2:
            out[at:at] = rng.choice(_INSERTS)
        elif action == 3:
            end = min(len(out), at + rng.randint(1, 256))
            out[end:end] = out[at:end]
        else:
            del out[at:]
    return bytes(out)
