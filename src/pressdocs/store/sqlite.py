"""The SQLite backend: the default store, one file ``pressdocs.sqlite3`` in the store directory.

The database runs in WAL mode, so readers never wait for the batch that writes, with a
busy timeout so that two processes writing at once take turns instead of failing.
Write transactions begin with ``BEGIN IMMEDIATE``: the write lock is taken up front,
so "look the message up, then record it" cannot interleave with another process.
``synchronous = FULL`` because the ledger must survive a power cut, and the volume of
mail a press office gets makes the cost invisible.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import ClassVar

from pressdocs.errors import StoreError
from pressdocs.models import Message
from pressdocs.store.blobs import BlobRemote
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
        """Open (creating) ``pressdocs.sqlite3`` in ``store_dir``.

        A database file that is there must be a SQLite database: an empty file (0 bytes)
        or any other content is refused (:class:`StoreError` naming the file and what it
        is), never taken for a new, empty store — that would take the whole mailbox in
        again.  A new database is made under a temporary name and put in place only once
        it has its SQLite header, so a crash while creating it never leaves an empty file.
        """
        database = store_dir / DATABASE_NAME
        _check_database_file(store_dir, database)
        if not database.exists():
            _create_database(store_dir, database)
        try:
            conn = sqlite3.connect(database, timeout=busy_timeout, isolation_level=None)
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
                 busy_timeout: float = 30.0, remote: BlobRemote | None = None):
        _make_dir(path)
        super().__init__(path, SQLiteDatabase.connect(path, busy_timeout=busy_timeout),
                         migrations=migrations, remote=remote)


def _make_dir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise StoreError.of("store.not_a_folder", store=str(path))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError.of("store.cannot_create", store=str(path),
                            reason=exc.strerror or str(exc)) from exc


#: The first 16 bytes of every SQLite 3 database file.
_SQLITE_HEADER = b"SQLite format 3\x00"


def _check_database_file(store_dir: Path, database: Path) -> None:
    """Refuse a database file that is not a SQLite database (see :meth:`connect`)."""
    try:
        if not database.exists():
            return
        if database.is_dir():
            raise StoreError.of("store.database_is_folder", store=str(store_dir),
                                path=str(database))
        size = database.stat().st_size
        with database.open("rb") as f:
            head = f.read(4096)
    except OSError as exc:
        raise StoreError.of("store.file_error", path=str(database),
                            reason=exc.strerror or str(exc)) from exc
    if size == 0:
        raise StoreError.of("store.empty_database", store=str(store_dir), path=str(database))
    if not head.startswith(_SQLITE_HEADER):
        what = Message.of("store.looks_like_text" if _is_text(head) else "store.looks_like_binary")
        raise StoreError.of("store.not_sqlite", store=str(store_dir), path=str(database),
                            what=what, size=size)


def _is_text(head: bytes) -> bool:
    """Whether the file's first bytes read as text (UTF-8 or GB18030, no control bytes)."""
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            # the 4096 bytes may cut a character in two
            try:
                text = head[:-4].decode(encoding)
            except UnicodeDecodeError:
                continue
        return all(c.isprintable() or c in "\r\n\t\f" for c in text)
    return False


def _create_database(store_dir: Path, database: Path) -> None:
    """Make a new SQLite database file (WAL mode, so it has its header) under a temporary
    name, then link it into place; a concurrent run that made one first wins."""
    scratch = store_dir / f".{DATABASE_NAME}.{os.getpid()}.new"
    try:
        conn = sqlite3.connect(scratch, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        with scratch.open("rb") as f:
            os.fsync(f.fileno())
        with suppress(FileExistsError):
            os.link(scratch, database)
        _sync_folder(store_dir)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(_describe(store_dir, exc)) from exc
    finally:
        with suppress(OSError):
            scratch.unlink()


def _sync_folder(folder: Path) -> None:
    """Make a new name in ``folder`` durable (where the system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _describe(path: Path | str, exc: Exception) -> Message:
    """What a SQLite error means for the user."""
    text, store = str(exc), str(path)
    if "locked" in text or "busy" in text:
        return Message.of("store.busy", store=store)
    if "not a database" in text or "malformed" in text:
        return Message.of("store.damaged", store=store, database=DATABASE_NAME)
    if "readonly" in text or "unable to open" in text:
        return Message.of("store.read_only", store=store, error=text)
    if isinstance(exc, OSError):
        return Message.of("store.cannot_create", store=store, reason=exc.strerror or text)
    if "disk" in text and "full" in text:
        return Message.of("store.disk_full", store=store)
    return Message.of("store.driver_error", store=store, error=text)
