"""The SQLite backend: the default store, one file ``pressdocs.sqlite3`` in the store directory.

The database runs in WAL mode, so readers never wait for the batch that writes, with a
busy timeout so that two processes writing at once take turns instead of failing.
Write transactions begin with ``BEGIN IMMEDIATE``: the write lock is taken up front,
so "look the message up, then record it" cannot interleave with another process.
``synchronous = FULL`` because the ledger must survive a power cut, and the volume of
mail a press office gets makes the cost invisible.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from pressdocs.errors import StoreError
from pressdocs.models import Message
from pressdocs.store.database import Database
from pressdocs.store.migrations import MIGRATIONS, Migration
from pressdocs.store.sql import SQLStore

__all__ = ["DATABASE_NAME", "SQLiteDatabase", "SQLiteStore"]

#: The database file inside the store directory.
DATABASE_NAME = "pressdocs.sqlite3"


class SQLiteDatabase(Database):
    """A SQLite database file, configured for the store (WAL, busy timeout, foreign keys)."""

    paramstyle: ClassVar[str] = "qmark"
    begin_statement: ClassVar[str] = "BEGIN IMMEDIATE"

    @classmethod
    def connect(cls, store_dir: Path, *, busy_timeout: float = 30.0) -> SQLiteDatabase:
        """Open (creating) ``pressdocs.sqlite3`` in ``store_dir``."""
        try:
            conn = sqlite3.connect(store_dir / DATABASE_NAME, timeout=busy_timeout,
                                   isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(_describe(store_dir, exc)) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(_describe(store_dir, exc)) from exc
        return cls(store_dir, conn, driver_errors=(sqlite3.Error,),
                   integrity_error=sqlite3.IntegrityError)

    def describe(self, exc: Exception) -> Message:
        return _describe(self.location, exc)


class SQLiteStore(SQLStore):
    """The store in SQLite (stdlib :mod:`sqlite3`), blobs beside it in ``blobs/``.

    ``migrations`` is the schema this pressdocs knows (all of :data:`MIGRATIONS`;
    tests pass fewer to make the store an older release would have made).
    """

    def __init__(self, path: Path, *, migrations: Sequence[Migration] = MIGRATIONS,
                 busy_timeout: float = 30.0):
        _make_dir(path)
        super().__init__(path, SQLiteDatabase.connect(path, busy_timeout=busy_timeout),
                         migrations=migrations)


def _make_dir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise StoreError.of("store.not_a_folder", store=str(path))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError.of("store.cannot_create", store=str(path),
                            reason=exc.strerror or str(exc)) from exc


def _describe(path: Path, exc: Exception) -> Message:
    """What a SQLite error means for the user."""
    text, store = str(exc), str(path)
    if "locked" in text or "busy" in text:
        return Message.of("store.busy", store=store)
    if "not a database" in text or "malformed" in text:
        return Message.of("store.damaged", store=store, database=DATABASE_NAME)
    if "readonly" in text or "unable to open" in text:
        return Message.of("store.read_only", store=store, error=text)
    if "disk" in text and "full" in text:
        return Message.of("store.disk_full", store=store)
    return Message.of("store.driver_error", store=store, error=text)
