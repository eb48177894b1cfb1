"""Checking files, folders and saved messages outside a batch (``pressdocs validate``).

Each path is one submission: a single file (a registration form, a press release), a
folder (a materials package unpacked, one submission of all its files), or a saved
message (.eml).  It goes through the same :class:`~pressdocs._pipeline.Pipeline` as the
batch — so a folder gets the same unit, plan match and correction as the same files
sent as one message — judged against the store when one exists (plan, earlier
submissions).  Nothing is written.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pressdocs._pipeline import Pipeline
from pressdocs._reading import read_path
from pressdocs.capabilities import RawMessage
from pressdocs.errors import ParseError
from pressdocs.models import Submission

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs

__all__ = ["check_path"]

_MESSAGE_SUFFIXES = (".eml", ".msg.eml")


def check_path(app: Pressdocs, path: Path) -> Submission:
    """The submission ``path`` makes, read and validated (see the module docstring).

    Raises :class:`ParseError` when ``path`` does not exist or cannot be read.
    """
    if not path.exists():
        raise ParseError.of("read.missing", file=str(path))
    pipeline = Pipeline(app, ledger=app.existing_store())
    if path.is_file() and _is_message(path):
        data = read_path(path)
        raw = RawMessage(source=f"eml:{path}", key=path.name, data=data, file_time=_mtime(path))
        return pipeline.message(raw, hashlib.sha256(data).hexdigest())
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    received = max((_mtime(f) for f in files), default=None)
    named = [(str(f.relative_to(path)) if path.is_dir() else f.name, read_path(f))
             for f in files]
    return pipeline.files(named, source=str(path), received=received)


def _is_message(path: Path) -> bool:
    """A saved message, as ``pressdocs batch`` tells one (the same judgement, so that
    ``validate`` and ``batch`` take the same file the same way)."""
    from pressdocs.builtin.source_files import looks_like_message

    return path.name.lower().endswith(_MESSAGE_SUFFIXES) or looks_like_message(path)


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
