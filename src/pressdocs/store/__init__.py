"""The store: the office's ledger of messages, submissions, plan, notices and conferences.

Open one with :func:`open_store`; everything else goes through the :class:`Store`
interface, whatever the backend::

    from pressdocs.store import open_store

    with open_store(Path("pressdocs-data")) as store, store.lock():
        store.record_message(raw, source_key=key, message_id=mid)  # each message fetched
        for record in store.unprocessed_messages():  # new ones, and any a crash left
            store.mark_processed(record.id, process(store.get_blob(record.sha256)))

Where the store is (``--store``, ``PRESSDOCS_HOME``, default ``./pressdocs-data``) is
decided by the CLI; the library takes a path.

The modules: :mod:`~pressdocs.store.base` (the interface), :mod:`~pressdocs.store.blobs`
(originals by sha256), :mod:`~pressdocs.store.lock` (one batch at a time),
:mod:`~pressdocs.store.migrations` (the versioned schema),
:mod:`~pressdocs.store.database` (a DB-API connection in portable SQL),
:mod:`~pressdocs.store.sql` (the store in that SQL) and :mod:`~pressdocs.store.sqlite`
(the default backend) and :mod:`~pressdocs.store.postgresql` (a database several
machines share, ``pressdocs[postgresql]``).
"""

from __future__ import annotations

import os
from pathlib import Path

from pressdocs.store.base import (
    AccountRecord,
    AuditEntry,
    DeliveryStatus,
    MessageRecord,
    MessageState,
    NoticeRecord,
    PlanMark,
    ReviewRecord,
    Store,
    SubmissionSummary,
    SubmissionVersion,
    Waiver,
)
from pressdocs.store.blobs import BlobRemote, BlobWriter
from pressdocs.store.database import Database
from pressdocs.store.sql import SQLStore
from pressdocs.store.sqlite import SQLiteStore

__all__ = [
    "AccountRecord",
    "AuditEntry",
    "BlobRemote",
    "BlobWriter",
    "Database",
    "DeliveryStatus",
    "MessageRecord",
    "MessageState",
    "NoticeRecord",
    "PlanMark",
    "ReviewRecord",
    "SQLStore",
    "SQLiteStore",
    "Store",
    "SubmissionSummary",
    "SubmissionVersion",
    "Waiver",
    "open_store",
]


def open_store(location: str | os.PathLike[str], *,
               blobs: str | os.PathLike[str] | None = None,
               schema: str | None = None, remote: BlobRemote | None = None) -> Store:
    """Open (creating and upgrading as needed) the store at ``location``: a directory
    (SQLite), or a PostgreSQL database's URL (``postgresql://office@db.example/press``,
    the password in ``PGPASSWORD`` or ``~/.pgpass``) whose original files are kept in the
    folder ``blobs`` (default ``./pressdocs-data``), in the database's ``schema`` when
    given (one office of several sharing a database), else its default one.  With a
    ``remote`` (a bucket several machines share), the originals are kept there too and
    fetched from there when this machine lacks them.

    Raises :class:`pressdocs.errors.StoreError` when the store cannot be used or was
    made by a newer pressdocs.
    """
    from pressdocs.store.postgresql import is_postgresql

    if is_postgresql(location):
        from pressdocs.store.postgresql import PostgreSQLStore

        return PostgreSQLStore(str(location), blobs if blobs is not None else "pressdocs-data",
                               schema=schema, remote=remote)
    return SQLiteStore(Path(location), remote=remote)
