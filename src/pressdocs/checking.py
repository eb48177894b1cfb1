"""Checking files, folders and saved messages outside a batch (``pressdocs validate``).

Each path is one submission: a single file (a registration form, a press release), a
folder (a materials package unpacked, one submission of all its files), or a saved
message (.eml), read exactly as the batch reads it.  Nothing is written to the store;
the store is consulted (plan, earlier submissions) only when it already exists.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from pressdocs import sniff
from pressdocs.app import Pressdocs
from pressdocs.capabilities import RawMessage
from pressdocs.errors import ParseError
from pressdocs.models import Submission
from pressdocs.reading import ReadResult

__all__ = ["check_path"]

_MESSAGE_SUFFIXES = (".eml", ".msg.eml")


def check_path(app: Pressdocs, path: Path) -> Submission:
    """The submission ``path`` makes, read and validated (see the module docstring)."""
    from pressdocs.intake import _read_file, process_message
    from pressdocs.submission import assemble, finish

    store = app.existing_store()
    if not path.exists():
        raise ParseError("找不到这个文件或目录", "no such file or folder", file=str(path))
    if path.is_file() and _is_message(path):
        data = path.read_bytes()
        raw = RawMessage(source=f"eml:{path}", key=path.name, data=data, file_time=_mtime(path))
        return process_message(app, raw, hashlib.sha256(data).hexdigest(), store=None,
                               ledger=store)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    received = max((_mtime(f) for f in files), default=None)
    results: list[ReadResult] = []
    for file in files:
        name = str(file.relative_to(path)) if path.is_dir() else file.name
        results.extend(_read_file(app, file.read_bytes(), name, "file", "", received, None))
    sub = assemble(results, app=app, source=str(path), received=received)
    finish(sub, app, store=store)
    return sub


def _is_message(path: Path) -> bool:
    if path.name.lower().endswith(_MESSAGE_SUFFIXES):
        return True
    head = path.open("rb").read(4096)
    return sniff.sniff_media_type(head, path.name) == sniff.TEXT and (
        b"\nReceived:" in head or (head.startswith((b"Received:", b"Return-Path:", b"From:"))
        and b"\nSubject:" in head))


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
