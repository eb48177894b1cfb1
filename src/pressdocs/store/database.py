"""A DB-API 2 connection driven the way the store needs: portable SQL, explicit transactions.

Statements are written once, with ``?`` placeholders, in SQL that SQLite and
PostgreSQL both accept.  :meth:`Database.sql` is the one place a driver that wants
``%s`` gets them translated.  A backend subclasses :class:`Database` to say how a write
transaction begins and what its driver's errors mean to the user
(:mod:`pressdocs.store.sqlite`).

Times are kept as UTC text (``2021-06-30T01:30:00.000000Z``) so that they sort and
compare as text in every database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from pressdocs.errors import StoreError
from pressdocs.models import Message
from pressdocs.store.migrations import VERSION_TABLE, Migration, check_version

__all__ = ["Conflict", "Connection", "Cursor", "Database", "Row", "Where",
           "from_utc", "now", "to_json", "utc"]

Row = tuple[Any, ...]


class Cursor(Protocol):
    """The part of a DB-API 2 cursor the store uses."""

    @property
    def rowcount(self) -> int: ...

    def execute(self, sql: str, params: Sequence[Any], /) -> object: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """The part of a DB-API 2 connection the store uses (in autocommit mode)."""

    def cursor(self) -> Any: ...

    def close(self) -> None: ...


class Conflict(StoreError):
    """A unique constraint refused a row: another process wrote it first."""


class Database:
    """A connection in autocommit mode; every write transaction is an explicit ``with``.

    ``location`` names the store in messages.  ``driver_errors`` are the driver's
    exception classes to turn into :class:`StoreError`; ``integrity_error`` the one
    raised by a unique constraint, which becomes :class:`Conflict`.
    """

    #: The driver's placeholder style: ``"qmark"`` (``?``) or ``"format"`` (``%s``).
    paramstyle: ClassVar[str] = "qmark"
    #: The statement that starts a write transaction.
    begin_statement: ClassVar[str] = "BEGIN"

    def __init__(self, location: Path | str, connection: Connection, *,
                 driver_errors: tuple[type[Exception], ...],
                 integrity_error: type[Exception]):
        self.location = location
        self._conn: Connection | None = connection
        self._driver_errors = driver_errors
        self._integrity_error = integrity_error
        self._in_transaction = False
        #: Called before each COMMIT (the store makes the blobs the rows name durable).
        self.before_commit: Callable[[], None] | None = None

    def sql(self, statement: str) -> str:
        """The statement in the driver's placeholder style."""
        if self.paramstyle == "qmark":
            return statement
        return statement.replace("%", "%%").replace("?", "%s")

    def describe(self, exc: Exception) -> Message:
        """What a driver error means for the user; backends refine it."""
        return Message.of("store.driver_error", store=str(self.location), error=str(exc))

    def run(self, statement: str, params: Sequence[Any] = ()) -> Cursor:
        """Execute one statement; driver errors become :class:`StoreError`."""
        if self._conn is None:
            raise StoreError.of("store.closed", store=str(self.location))
        cursor: Cursor = self._conn.cursor()
        try:
            cursor.execute(self.sql(statement), tuple(params))
        except self._integrity_error as exc:
            raise Conflict(self.describe(exc)) from exc
        except self._driver_errors as exc:
            raise StoreError(self.describe(exc)) from exc
        return cursor

    def rows(self, statement: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row a query returns."""
        cursor = self.run(statement, params)
        try:
            return [tuple(row) for row in cursor.fetchall()]
        except self._driver_errors as exc:
            raise StoreError(self.describe(exc)) from exc

    def row(self, statement: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row a query returns, or ``None``."""
        rows = self.rows(statement, params)
        return rows[0] if rows else None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction, committed when the block ends, rolled back if it raises.

        An inner ``with`` joins the outer transaction.
        """
        if self._in_transaction:
            yield
            return
        self.run(self.begin_statement)
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._in_transaction = False
            with suppress(StoreError):
                self.run("ROLLBACK")
            raise
        self._in_transaction = False
        try:
            if self.before_commit is not None:
                self.before_commit()
            self.run("COMMIT")
        except BaseException:
            with suppress(StoreError):
                self.run("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        """The highest migration applied; 0 for a new database."""
        row = self.row("SELECT MAX(version) FROM schema_version")
        return int(row[0]) if row and row[0] is not None else 0

    def upgrade(self, migrations: Sequence[Migration]) -> None:
        """Apply the ``migrations`` not yet applied, each in its own transaction.

        Refuses (:class:`StoreError`) a database whose version is beyond the last of
        ``migrations``: it was made by a newer pressdocs.
        """
        known = migrations[-1].version if migrations else 0
        self.run(VERSION_TABLE)
        found = self.schema_version
        check_version(found, known, self.location)
        for migration in migrations:
            if migration.version <= found:
                continue  # an up-to-date store opens without taking the write lock
            with self.transaction():
                current = self.schema_version  # another process may have upgraded meanwhile
                check_version(current, known, self.location)
                if current >= migration.version:
                    continue
                try:
                    for step in migration.steps:
                        self.run(step)
                    if migration.derive is not None:
                        migration.derive(self)
                except StoreError as exc:
                    raise StoreError.of("store.upgrade_failed", store=str(self.location),
                                        version=migration.version,
                                        reason=exc.message) from exc
                self.run("INSERT INTO schema_version (version, description, applied_at) "
                         "VALUES (?, ?, ?)", (migration.version, migration.description, now()))

    def close(self) -> None:
        """Close the connection; calling it again does nothing."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()


class Where:
    """A ``WHERE`` clause built from the filters that were given (``None`` = no filter)."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, value: Any) -> None:
        """Add ``clause`` (one ``?``) unless ``value`` is ``None``."""
        if value is not None:
            self.require(clause, value)

    def require(self, clause: str, *params: Any) -> None:
        """Add ``clause`` with its ``params`` (one per ``?``), whatever they are."""
        self.clauses.append(clause)
        self.params.extend(params)

    def __str__(self) -> str:
        return " WHERE " + " AND ".join(self.clauses) if self.clauses else ""


_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def now() -> str:
    """The current time as stored."""
    return datetime.now(UTC).strftime(_UTC_FORMAT)


def utc(moment: datetime) -> str:
    """``moment`` as stored; a naive datetime is a caller's mistake (ValueError)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware: {moment!r}")
    return moment.astimezone(UTC).strftime(_UTC_FORMAT)


def from_utc(text: str) -> datetime:
    """A stored time back as an aware UTC datetime."""
    return datetime.strptime(text, _UTC_FORMAT).replace(tzinfo=UTC)


def to_json(value: Any) -> str:
    """JSON as stored: compact, Chinese kept readable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
