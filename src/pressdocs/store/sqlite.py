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
            raise StoreError(*_describe(store_dir, exc)) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(*_describe(store_dir, exc)) from exc
        return cls(store_dir, conn, driver_errors=(sqlite3.Error,),
                   integrity_error=sqlite3.IntegrityError)

    def describe(self, exc: Exception) -> tuple[str, str]:
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
        raise StoreError(f"数据存储 {path} 不是目录：请用 --store 或 PRESSDOCS_HOME 指定一个目录",
                         f"the store {path} is not a directory; name a directory with --store "
                         "or PRESSDOCS_HOME")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"无法创建数据存储目录 {path}：{exc.strerror}",
                         f"cannot create the store directory {path}: {exc.strerror}") from exc


def _describe(path: Path, exc: Exception) -> tuple[str, str]:
    """What a SQLite error means for the user, in Chinese and English."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return (f"数据存储 {path} 正被其他进程长时间占用，请稍后再试",
                f"the store {path} is kept busy by another process; try again later")
    if "not a database" in text or "malformed" in text:
        return (f"数据存储 {path} 中的数据库文件 {DATABASE_NAME} 已损坏或不是 SQLite 数据库；"
                "请从备份恢复",
                f"the database {DATABASE_NAME} in the store {path} is damaged or not a SQLite "
                "database; restore it from a backup")
    if "readonly" in text or "unable to open" in text:
        return (f"无法写入数据存储 {path}（{text}），请检查目录权限",
                f"cannot write to the store {path} ({text}); check the folder's permissions")
    if "disk" in text and "full" in text:
        return (f"数据存储 {path} 所在磁盘已满，请清理空间后再运行",
                f"the disk holding the store {path} is full; free some space and run again")
    return (f"读写数据存储 {path} 时出错：{text}",
            f"error reading or writing the store {path}: {text}")
