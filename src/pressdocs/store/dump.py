"""A portable dump of a store: the ledger's rows and the original files, verified by hash.

``pressdocs store export DUMP`` writes one; ``pressdocs store import DUMP`` loads it
into a new, empty store of either backend, which is how an office moves from SQLite to
PostgreSQL and back, and a backup that any pressdocs of the same schema can restore.

A dump is a folder (not one archive: the original files can be gigabytes, and a folder
can be copied with ``rsync``, resumed, and each of its files checked on its own; ``tar``
makes it one file when one is wanted)::

    DUMP/
      manifest.json             what the dump holds (below); written last
      tables/submissions.jsonl  one JSON object a line, a row each: every column, by name,
      tables/messages.jsonl     values as stored (text, integers, reals, null)
      …
      blobs/ab/cdef…            the original files, named by their sha256 as in a store

``manifest.json``: ``format`` (``"pressdocs-dump"``), ``format_version`` (1),
``pressdocs`` (the version that wrote it), ``schema_version`` (of the store), ``backend``
(``sqlite`` or ``postgresql``), ``exported_at`` (UTC), ``tables`` (in the order they are
loaded, so every foreign key holds: ``name``, ``file``, ``columns``, ``rows``, ``bytes``,
``sha256``), ``blobs`` (``sha256`` and ``size`` of each, by name) and ``missing_blobs``
(files the ledger names that the store did not have: a dump is as complete as its store).

Export reads every table in one read transaction (a snapshot: a batch running meanwhile
is either wholly in the dump or not at all), each through a streaming cursor in primary
key order, never all rows at once; text keys are ordered byte by byte (``COLLATE
BINARY`` / ``"C"``), so the same ledger gives the same bytes from either backend.  The
original files are copied after the rows are read: a file is on disk before the row that
names it commits, so every file the snapshot names is there.  Each is hashed while it is
copied; one whose bytes no longer match its name is refused.  The manifest is written
last, after everything else is flushed to disk: a folder without one is an export that
did not finish.

Import checks the manifest, the schema version (the same as this pressdocs writes: a
newer one is refused, and so is an older one — import it with the pressdocs that made
it, whose next version upgrades it when opened, then export again), that the store
holds no rows, and every table file and original file against the manifest's sha256
before it writes anything.  Then the originals are put into the store's ``blobs``
folder and every row is inserted in one transaction, ids kept (PostgreSQL's identity
sequences are moved past them).  The audit trail's triggers refuse only changes and
deletions, so its rows go in like the others.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pressdocs._version import __version__
from pressdocs.errors import StoreError
from pressdocs.store.database import Database, now

if TYPE_CHECKING:
    from pressdocs.store.base import Store

__all__ = ["FORMAT", "FORMAT_VERSION", "MANIFEST", "TABLES", "DumpSummary", "export_store",
           "import_store", "read_manifest"]

#: What ``manifest.json`` says a dump is, and the version of its layout.
FORMAT = "pressdocs-dump"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

#: The tables of the ledger in the order they are loaded (a table after those its
#: foreign keys name), each with its primary key: ``(column, is_text)``.  A table the
#: database has that is not here is dumped after these, ordered by every column
#: (tests/test_store_dump.py fails until it is added here).  ``schema_version`` is the
#: store's own history, not data: the dump says its version in the manifest.
TABLES: tuple[tuple[str, tuple[tuple[str, bool], ...]], ...] = (
    ("submissions", (("id", True),)),
    ("submission_history", (("id", False),)),
    ("messages", (("id", False),)),
    ("message_sources", (("source_key", True),)),
    ("documents", (("submission_id", True), ("position", False))),
    ("findings", (("submission_id", True), ("position", False))),
    ("conferences", (("submission_id", True), ("position", False))),
    ("plans", (("year", False),)),
    ("plan_items", (("year", False), ("position", False))),
    ("plan_marks", (("year", False), ("number", False))),
    ("notices", (("key", True),)),
    ("reviews", (("submission_id", True),)),
    ("waivers", (("submission_id", True), ("code", True))),
    ("audit", (("id", False),)),
    ("accounts", (("name", True),)),
)
_SKIPPED = {"schema_version"}

_SHA256 = re.compile(r"[0-9a-f]{64}")
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_CHUNK = 1 << 20
#: Rows a PostgreSQL server-side cursor sends at a time.
_BATCH = 1000


@dataclass(frozen=True)
class DumpSummary:
    """What a dump holds (or what an import loaded): ``path`` (the dump's folder), the
    ``schema_version``, the rows of each table (``tables``, in load order), how many
    original files and bytes (``blobs``, ``blob_bytes``), and the files the ledger names
    that the store did not have (``missing_blobs``, sha256s)."""

    path: Path
    schema_version: int
    tables: dict[str, int]
    blobs: int
    blob_bytes: int
    missing_blobs: tuple[str, ...] = ()
    pressdocs: str = __version__

    @property
    def rows(self) -> int:
        """Rows in every table together."""
        return sum(self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "schema_version": self.schema_version,
                "pressdocs": self.pressdocs, "tables": dict(self.tables), "rows": self.rows,
                "blobs": self.blobs, "blob_bytes": self.blob_bytes,
                "missing_blobs": list(self.missing_blobs)}


# --- the database underneath ------------------------------------------------------------

def _database(store: Store) -> Database:
    """The store's :class:`Database` (``SQLStore._db``: no accessor of its own yet)."""
    database = getattr(store, "_db", None)
    if not isinstance(database, Database):
        raise StoreError.of("dump.not_sql", store=str(store.path))
    return database


def _is_postgresql(database: Database) -> bool:
    return database.paramstyle == "format"


def _tables_of(database: Database) -> list[str]:
    """The tables the database has, but the schema's own history."""
    if _is_postgresql(database):
        rows = database.rows("SELECT table_name FROM information_schema.tables "
                             "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
    else:
        rows = database.rows("SELECT name FROM sqlite_master WHERE type = 'table' "
                             "AND name NOT LIKE 'sqlite_%'")
    return sorted(str(r[0]) for r in rows if str(r[0]) not in _SKIPPED)


def _columns(database: Database, table: str) -> list[str]:
    cursor: Any = database.run(f"SELECT * FROM {table} WHERE 1 = 0")
    return [str(d[0]) for d in cursor.description]


def _ordered(database: Database) -> list[tuple[str, str]]:
    """Each table to dump and its ``ORDER BY``, in load order."""
    present = set(_tables_of(database))
    binary = ' COLLATE "C"' if _is_postgresql(database) else " COLLATE BINARY"
    ordered = []
    for table, key in TABLES:
        if table in present:
            order = ", ".join(f"{c}{binary if text else ''}" for c, text in key)
            ordered.append((table, order))
            present.discard(table)
    for table in sorted(present):  # a table this pressdocs does not know of yet
        count = len(_columns(database, table))
        ordered.append((table, ", ".join(str(i + 1) for i in range(count))))
    return ordered


@contextmanager
def _snapshot(database: Database) -> Iterator[None]:
    """One read transaction: every query inside sees the same state of the store."""
    if _is_postgresql(database):
        database.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        database.run("BEGIN")  # deferred: the first read fixes the snapshot (WAL)
    try:
        yield
    finally:
        with suppress(StoreError):
            database.run("ROLLBACK")


def _stream(database: Database, statement: str) -> Iterator[tuple[Any, ...]]:
    """The rows of a query, a batch at a time (a server-side cursor on PostgreSQL; SQLite's
    cursor steps through the table as it is read)."""
    conn: Any = database._conn
    if conn is None:
        raise StoreError.of("store.closed", store=str(database.location))
    errors = database._driver_errors
    try:
        if _is_postgresql(database):
            cursor = conn.cursor(name="pressdocs_dump")
            cursor.itersize = _BATCH
        else:
            cursor = conn.cursor()
        try:
            cursor.execute(database.sql(statement))
            for row in cursor:
                yield tuple(row)
        finally:
            cursor.close()
    except errors as exc:
        raise StoreError(database.describe(exc)) from exc


# --- export ----------------------------------------------------------------------------

def export_store(store: Store, target: str | os.PathLike[str]) -> DumpSummary:
    """Write a dump of ``store`` into the folder ``target`` (new, or empty); see the
    module.  :class:`StoreError` when the folder holds files already, cannot be written,
    or an original file of the store is damaged; nothing is left behind then."""
    database = _database(store)
    folder = Path(target)
    created = _prepare_target(folder)
    try:
        summary = _export(store, database, folder)
    except BaseException:
        _remove(folder, created)
        raise
    return summary


def _prepare_target(folder: Path) -> bool:
    """Make the dump's folder; whether it was made (else it was there, empty)."""
    try:
        if folder.exists():
            if not folder.is_dir():
                raise StoreError.of("dump.target_not_folder", path=str(folder))
            if any(folder.iterdir()):
                raise StoreError.of("dump.target_not_empty", path=str(folder))
            return False
        folder.mkdir(parents=True)
    except OSError as exc:
        raise _file_error(folder, exc) from exc
    return True


def _remove(folder: Path, created: bool) -> None:
    """Take away what a failed export wrote."""
    if created:
        shutil.rmtree(folder, ignore_errors=True)
        return
    with suppress(OSError):
        for child in folder.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink()


def _export(store: Store, database: Database, folder: Path) -> DumpSummary:
    tables_dir = folder / "tables"
    _guard(tables_dir, tables_dir.mkdir)
    tables: list[dict[str, Any]] = []
    named: set[str] = set()
    with _snapshot(database):
        version = database.schema_version
        for table, order in _ordered(database):
            columns = _columns(database, table)
            tables.append(_write_table(database, table, columns, order, tables_dir))
        for table, column in (("messages", "sha256"), ("documents", "sha256")):
            if any(t["name"] == table for t in tables):
                named.update(str(r[0]) for r in _stream(
                    database, f"SELECT DISTINCT {column} FROM {table}"))
    root = store.blob_path("0" * 64).parent.parent  # the store's blobs folder
    blobs = _copy_blobs(root, folder / "blobs")
    have = {sha for sha, _ in blobs}
    # a file sent only as a link has no sha256 (""): nothing the store could have
    missing = tuple(sorted(sha for sha in named if sha and sha.lower() not in have))
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "pressdocs": __version__,
        "schema_version": version,
        "backend": "postgresql" if _is_postgresql(database) else "sqlite",
        "exported_at": now(), "tables": tables,
        "blobs": [{"sha256": sha, "size": size} for sha, size in blobs],
        "missing_blobs": list(missing),
    }
    _sync()  # everything the manifest describes is on disk before the manifest
    _write_manifest(folder, manifest)
    return DumpSummary(path=folder, schema_version=version,
                       tables={t["name"]: t["rows"] for t in tables}, blobs=len(blobs),
                       blob_bytes=sum(size for _, size in blobs), missing_blobs=missing)


def _write_table(database: Database, table: str, columns: list[str], order: str,
                 tables_dir: Path) -> dict[str, Any]:
    path = tables_dir / f"{table}.jsonl"
    digest = hashlib.sha256()
    rows = size = 0
    statement = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"
    try:
        with path.open("wb") as out:
            for row in _stream(database, statement):
                line = (json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False,
                                   separators=(",", ":"), allow_nan=False) + "\n").encode()
                out.write(line)
                digest.update(line)
                rows += 1
                size += len(line)
    except OSError as exc:
        raise _file_error(path, exc) from exc
    return {"name": table, "file": f"tables/{table}.jsonl", "columns": columns, "rows": rows,
            "bytes": size, "sha256": digest.hexdigest()}


def _copy_blobs(root: Path, target: Path) -> list[tuple[str, int]]:
    """Copy every original file of the store's ``blobs`` folder, checking each against its
    name; ``(sha256, size)`` of each, in order."""
    copied = []
    for sha, path in _blobs_in(root):
        out = target / sha[:2] / sha[2:]
        _guard(out.parent, out.parent.mkdir, parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        try:
            with path.open("rb") as source, out.open("wb") as copy:
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    copy.write(chunk)
                    size += len(chunk)
        except OSError as exc:
            raise _file_error(path, exc) from exc
        if digest.hexdigest() != sha:
            raise StoreError.of("dump.store_blob_damaged", path=str(path), sha256=sha,
                                found=digest.hexdigest())
        copied.append((sha, size))
    return copied


def _blobs_in(root: Path) -> Iterator[tuple[str, Path]]:
    """The original files under a ``blobs`` folder, by sha256 (temporary files and
    anything else that is no blob left out)."""
    if not root.is_dir():
        return
    try:
        folders = sorted(p for p in root.iterdir()
                         if p.is_dir() and re.fullmatch(r"[0-9a-f]{2}", p.name))
        for sub in folders:
            for path in sorted(sub.iterdir()):
                sha = sub.name + path.name
                if _SHA256.fullmatch(sha) and path.is_file():
                    yield sha, path
    except OSError as exc:
        raise _file_error(root, exc) from exc


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    path = folder / MANIFEST
    scratch = folder / f".{MANIFEST}.new"
    try:
        with scratch.open("w", encoding="utf-8") as out:
            json.dump(manifest, out, ensure_ascii=False, indent=1)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(scratch, path)
    except OSError as exc:
        raise _file_error(path, exc) from exc
    _sync()


def _sync() -> None:
    """Flush what was written to disk (where the system offers it)."""
    if hasattr(os, "sync"):
        os.sync()


# --- import ----------------------------------------------------------------------------

def import_store(source: str | os.PathLike[str], store: Store) -> DumpSummary:
    """Load the dump in the folder ``source`` into ``store``, which must hold no rows;
    see the module.  Everything is checked before anything is written; every refusal is
    a :class:`StoreError` naming the file and what is wrong with it."""
    database = _database(store)
    folder = Path(source)
    manifest = read_manifest(folder)
    with store.lock():
        tables = _check_target(database, manifest, store, folder)
        _verify(folder, manifest)
        blobs = manifest["blobs"]
        with store.deferred_blobs():
            for blob in blobs:
                _put_blob(store, folder, blob["sha256"])
            with store.transaction():
                _require_empty(database, [t["name"] for t in tables], store)
                for table in tables:
                    _load_table(database, folder, table)
                if _is_postgresql(database):
                    _move_sequences(database, tables)
    return DumpSummary(path=folder, schema_version=manifest["schema_version"],
                       tables={t["name"]: t["rows"] for t in tables}, blobs=len(blobs),
                       blob_bytes=sum(b["size"] for b in blobs),
                       missing_blobs=tuple(manifest["missing_blobs"]),
                       pressdocs=manifest["pressdocs"])


def read_manifest(source: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of the dump in the folder ``source``, its shape checked
    (:class:`StoreError` naming what is wrong)."""
    folder = Path(source)
    path = folder / MANIFEST
    if not folder.is_dir():
        raise StoreError.of("dump.no_dump", path=str(folder))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoreError.of("dump.no_manifest", path=str(folder), manifest=MANIFEST) from None
    except UnicodeDecodeError as exc:
        raise StoreError.of("dump.bad_manifest", path=str(path), reason=str(exc)) from exc
    except OSError as exc:
        raise _file_error(path, exc) from exc
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise StoreError.of("dump.bad_manifest", path=str(path), reason=str(exc)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise StoreError.of("dump.bad_manifest", path=str(path),
                            reason=f"format ≠ {FORMAT}")
    found = manifest.get("format_version")
    if not isinstance(found, int) or isinstance(found, bool):
        raise StoreError.of("dump.bad_manifest", path=str(path), reason="format_version")
    if found > FORMAT_VERSION:
        raise StoreError.of("dump.format_newer", path=str(folder), found=found,
                            known=FORMAT_VERSION, version=str(manifest.get("pressdocs", "?")))
    _check_shape(manifest, path)
    return manifest


def _check_shape(manifest: dict[str, Any], path: Path) -> None:
    def bad(reason: str) -> StoreError:
        return StoreError.of("dump.bad_manifest", path=str(path), reason=reason)

    def number(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    if not number(manifest.get("schema_version")):
        raise bad("schema_version")
    if not isinstance(manifest.get("pressdocs"), str):
        raise bad("pressdocs")
    tables = manifest.get("tables")
    if not isinstance(tables, list):
        raise bad("tables")
    names = set()
    for i, table in enumerate(tables):
        if not isinstance(table, dict) or not isinstance(table.get("name"), str) or \
                not _NAME.fullmatch(table["name"]) or table["name"] in names:
            raise bad(f"tables[{i}].name")
        names.add(table["name"])
        if table.get("file") != f"tables/{table['name']}.jsonl":
            raise bad(f"tables[{i}].file")
        columns = table.get("columns")
        if not isinstance(columns, list) or not columns or \
                not all(isinstance(c, str) and _NAME.fullmatch(c) for c in columns):
            raise bad(f"tables[{i}].columns")
        for key in ("rows", "bytes"):
            if not number(table.get(key)):
                raise bad(f"tables[{i}].{key}")
        if not isinstance(table.get("sha256"), str) or not _SHA256.fullmatch(table["sha256"]):
            raise bad(f"tables[{i}].sha256")
    blobs = manifest.get("blobs")
    if not isinstance(blobs, list):
        raise bad("blobs")
    for i, blob in enumerate(blobs):
        if not isinstance(blob, dict) or not isinstance(blob.get("sha256"), str) or \
                not _SHA256.fullmatch(blob["sha256"]) or not number(blob.get("size")):
            raise bad(f"blobs[{i}]")
    missing = manifest.setdefault("missing_blobs", [])
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        raise bad("missing_blobs")


def _check_target(database: Database, manifest: dict[str, Any], store: Store,
                  folder: Path) -> list[dict[str, Any]]:
    """The dump's tables, once the store is known to take them: the same schema version,
    the same tables and columns, and no rows yet."""
    found, known = manifest["schema_version"], database.schema_version
    if found > known:
        raise StoreError.of("dump.schema_newer", path=str(folder), found=found, known=known,
                            version=manifest["pressdocs"])
    if found < known:
        raise StoreError.of("dump.schema_older", path=str(folder), found=found, known=known,
                            version=manifest["pressdocs"])
    tables: list[dict[str, Any]] = manifest["tables"]
    have = set(_tables_of(database))
    wanted = {t["name"] for t in tables}
    if have != wanted:
        differ = ", ".join(sorted(have ^ wanted))
        raise StoreError.of("dump.tables_differ", store=str(store.path), tables=differ)
    for table in tables:
        if _columns(database, table["name"]) != table["columns"]:
            raise StoreError.of("dump.columns_differ", table=table["name"],
                                store=str(store.path))
    _require_empty(database, [t["name"] for t in tables], store)
    return tables


def _require_empty(database: Database, tables: list[str], store: Store) -> None:
    for table in tables:
        if database.row(f"SELECT 1 FROM {table} LIMIT 1") is not None:
            raise StoreError.of("dump.store_not_empty", store=_shown(store), table=table)


def _shown(store: Store) -> str:
    return str(getattr(store, "url", None) or store.path)


def _verify(folder: Path, manifest: dict[str, Any]) -> None:
    """Every table file and every original file as the manifest says, or the first that
    is not, named."""
    for table in manifest["tables"]:
        path = folder / table["file"]
        size, sha, lines = _hash_file(path, count_lines=True)
        if size != table["bytes"] or sha != table["sha256"]:
            raise StoreError.of("dump.damaged", path=str(path), size=size,
                                expected=table["bytes"])
        if lines != table["rows"]:
            raise StoreError.of("dump.bad_manifest", path=str(folder / MANIFEST),
                                reason=f"{table['name']}.rows")
    for blob in manifest["blobs"]:
        path = _blob_file(folder, blob["sha256"])
        size, sha, _ = _hash_file(path, missing=("dump.missing_blob", blob["sha256"]))
        if sha != blob["sha256"] or size != blob["size"]:
            raise StoreError.of("dump.damaged", path=str(path), size=size,
                                expected=blob["size"])


def _blob_file(folder: Path, sha: str) -> Path:
    return folder / "blobs" / sha[:2] / sha[2:]


def _hash_file(path: Path, *, count_lines: bool = False,
               missing: tuple[str, str] | None = None) -> tuple[int, str, int]:
    """``(size, sha256, lines)`` of a file of the dump."""
    digest = hashlib.sha256()
    size = lines = 0
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                if count_lines:
                    lines += chunk.count(b"\n")
    except FileNotFoundError:
        if missing is not None:
            raise StoreError.of(missing[0], sha256=missing[1], path=str(path)) from None
        raise StoreError.of("dump.missing_file", path=str(path)) from None
    except OSError as exc:
        raise _file_error(path, exc) from exc
    return size, digest.hexdigest(), lines


def _put_blob(store: Store, folder: Path, sha: str) -> None:
    if store.has_blob(sha):
        return
    path = _blob_file(folder, sha)
    try:
        with path.open("rb") as f, store.blob_writer() as writer:
            while chunk := f.read(_CHUNK):
                writer.write(chunk)
            written = writer.commit()
    except OSError as exc:
        raise _file_error(path, exc) from exc
    if written != sha:  # changed since it was checked
        raise StoreError.of("dump.damaged", path=str(path), size=writer.size, expected="?")


def _load_table(database: Database, folder: Path, table: dict[str, Any]) -> None:
    """Insert every row of a table file (checked again as it is read)."""
    path = folder / table["file"]
    columns: list[str] = table["columns"]
    statement = (f"INSERT INTO {table['name']} ({', '.join(columns)}) "
                 f"VALUES ({', '.join('?' * len(columns))})")
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for number, line in enumerate(f, start=1):
                digest.update(line)
                values = _row(line, columns, path, number)
                try:
                    database.run(statement, values)
                except StoreError as exc:
                    raise StoreError.of("dump.bad_row", path=str(path), line=number,
                                        reason=exc.message) from exc
    except OSError as exc:
        raise _file_error(path, exc) from exc
    if digest.hexdigest() != table["sha256"]:  # changed since it was checked
        raise StoreError.of("dump.damaged", path=str(path), size=path.stat().st_size,
                            expected=table["bytes"])


def _row(line: bytes, columns: list[str], path: Path, number: int) -> list[Any]:
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise StoreError.of("dump.bad_row", path=str(path), line=number,
                            reason=str(exc)) from exc
    if not isinstance(data, dict) or list(data) != columns:
        raise StoreError.of("dump.bad_row", path=str(path), line=number,
                            reason=", ".join(columns))
    values = list(data.values())
    for value in values:
        if value is not None and (isinstance(value, bool) or
                                  not isinstance(value, str | int | float)):
            raise StoreError.of("dump.bad_row", path=str(path), line=number,
                                reason=json.dumps(value, ensure_ascii=False)[:80])
    return values


def _move_sequences(database: Database, tables: list[dict[str, Any]]) -> None:
    """PostgreSQL: each identity column's next value after the largest id loaded."""
    for table in (t["name"] for t in tables if "id" in t["columns"]):
        row = database.row("SELECT pg_get_serial_sequence(?, 'id')", (table,))
        if row is None or row[0] is None:
            continue
        database.run(f"SELECT setval(?, COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)",
                     (row[0],))


# --- errors ----------------------------------------------------------------------------

def _file_error(path: Path, exc: OSError) -> StoreError:
    return StoreError.of("store.file_error", path=str(path), reason=exc.strerror or str(exc))


def _guard(path: Path, func: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return func(*args, **kwargs)
    except OSError as exc:
        raise _file_error(path, exc) from exc

