"""The versioned schema of the SQL store.

The schema is built by :data:`MIGRATIONS`, applied in order.  Each migration is a list
of single SQL statements run in one transaction together with the row that records
it in ``schema_version``, so a store is always at exactly one version.  A new
pressdocs release that changes the schema appends a migration and never edits an
old one: stores made by every earlier release are upgraded when they are opened, and
a store made by a *newer* release is refused (:func:`check_version`).

The statements are SQLite's dialect; a PostgreSQL backend keeps its own list with the
same versions (``INTEGER PRIMARY KEY`` becomes ``BIGINT GENERATED ALWAYS AS IDENTITY
PRIMARY KEY``; everything else here is already standard SQL).  Times are stored as
UTC text (``2021-06-30T01:30:00.000000Z``) so that they sort and compare as text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pressdocs.errors import StoreError
from pressdocs.models import Submission

if TYPE_CHECKING:
    from pressdocs.store.database import Database

__all__ = ["INSERT_CONFERENCE", "LATEST", "MIGRATIONS", "VERSION_TABLE", "Migration",
           "check_version", "conference_rows", "ledger_columns"]


@dataclass(frozen=True)
class Migration:
    """One step of the schema: its version, what it does, its SQL statements, and
    ``derive``: Python that fills a new table from what the store already holds (run in
    the same transaction, after the statements)."""

    version: int
    description: str
    steps: tuple[str, ...]
    derive: Callable[[Database], None] | None = None


#: One conference of a submission (see :func:`conference_rows`).
INSERT_CONFERENCE = (
    "INSERT INTO conferences (submission_id, position, source, unit, title, held_date, "
    "plan_year, plan_item, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


def conference_rows(sub: Submission, received_at: str | None) -> list[Sequence[Any]]:
    """The rows of :data:`INSERT_CONFERENCE` for the conferences ``sub`` tells of."""
    return [(sub.id, position, c.source, c.unit, c.title, c.held_on.isoformat(), c.plan_year,
             c.plan_item, received_at)
            for position, c in enumerate(sub.conferences())]


def _derive_conferences(db: Database) -> None:
    """Version 4: the conferences of every submission already kept."""
    for received_at, data in db.rows("SELECT received_at, data FROM submissions"):
        sub = Submission.from_dict(json.loads(data), validate=False)
        for row in conference_rows(sub, received_at):
            db.run(INSERT_CONFERENCE, row)


def ledger_columns(sub: Submission) -> tuple[str | None, str | None, str | None]:
    """The columns version 12 asks the ledger by, beside the JSON: the registration's
    title as written (``None`` without a form), the conference title's compared key's
    city (``""`` when there is no title to key; ``None`` while the key is still to be
    worked out, see :meth:`SQLStore.use_topic_keys`) and the statistics table's filing
    date (ISO; ``""`` for a table without one, ``None`` without a table)."""
    title = sub.registration.title if sub.registration is not None else None
    stats = None
    if sub.statistics is not None:
        filed = sub.statistics.filing_date
        stats = filed.isoformat() if filed is not None else ""
    return title, (None if title is not None else ""), stats


def _derive_ledger_columns(db: Database) -> None:
    """Version 12: the columns of every submission already kept (decoded once, here)."""
    for sid, data in db.rows("SELECT id, data FROM submissions"):
        sub = Submission.from_dict(json.loads(data), validate=False)
        db.run("UPDATE submissions SET reg_title = ?, topic_city = ?, stats_filed = ? "
               "WHERE id = ?", (*ledger_columns(sub), sid))


VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "message ledger, submissions, documents, findings, annual plan", (
        """CREATE TABLE submissions (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            message_id TEXT NOT NULL,
            sender TEXT NOT NULL,
            unit TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            plan_year INTEGER,
            plan_item INTEGER,
            received_at TEXT,
            corrects TEXT NOT NULL,
            data TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )""",
        "CREATE INDEX submissions_unit ON submissions (unit)",
        "CREATE INDEX submissions_received ON submissions (received_at)",
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            message_id TEXT UNIQUE,
            size INTEGER NOT NULL,
            state TEXT NOT NULL,
            received_at TEXT NOT NULL,
            processed_at TEXT,
            submission_id TEXT REFERENCES submissions (id)
        )""",
        "CREATE INDEX messages_state ON messages (state)",
        """CREATE TABLE message_sources (
            source_key TEXT PRIMARY KEY,
            message INTEGER NOT NULL REFERENCES messages (id),
            seen_at TEXT NOT NULL
        )""",
        "CREATE INDEX message_sources_message ON message_sources (message)",
        """CREATE TABLE documents (
            submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            name TEXT NOT NULL,
            media_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            kind TEXT NOT NULL,
            confidence REAL NOT NULL,
            origin TEXT NOT NULL,
            container TEXT NOT NULL,
            PRIMARY KEY (submission_id, position)
        )""",
        "CREATE INDEX documents_sha256 ON documents (sha256)",
        """CREATE TABLE findings (
            submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            code TEXT NOT NULL,
            severity TEXT NOT NULL,
            message_zh TEXT NOT NULL,
            message_en TEXT NOT NULL,
            document TEXT NOT NULL,
            field TEXT NOT NULL,
            clause TEXT NOT NULL,
            PRIMARY KEY (submission_id, position)
        )""",
        "CREATE INDEX findings_code ON findings (code)",
        """CREATE TABLE plans (
            year INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            source TEXT NOT NULL,
            data TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )""",
        """CREATE TABLE plan_items (
            year INTEGER NOT NULL REFERENCES plans (year) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            number INTEGER NOT NULL,
            venue TEXT NOT NULL,
            month INTEGER NOT NULL,
            topic TEXT NOT NULL,
            units TEXT NOT NULL,
            PRIMARY KEY (year, position)
        )""",
    )),
    Migration(2, "notices with their delivery state, conference records", (
        """CREATE TABLE notices (
            key TEXT PRIMARY KEY,
            channel TEXT NOT NULL,
            unit TEXT NOT NULL,
            submission_id TEXT NOT NULL,
            data TEXT NOT NULL,
            status TEXT NOT NULL,
            detail TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX notices_status ON notices (status)",
        """CREATE TABLE conferences (
            id INTEGER PRIMARY KEY,
            unit TEXT NOT NULL,
            title TEXT NOT NULL,
            held_on TEXT NOT NULL,
            held_date TEXT NOT NULL,
            plan_year INTEGER,
            plan_item INTEGER,
            submission_id TEXT,
            recorded_at TEXT NOT NULL,
            UNIQUE (unit, held_date, title)
        )""",
        "CREATE INDEX conferences_held ON conferences (held_date)",
    )),
    Migration(3, "findings keep their message whole: catalogue key, parameters, both texts", (
        "ALTER TABLE findings ADD COLUMN message TEXT NOT NULL DEFAULT ''",
    )),
    Migration(4, "conferences derived from the submissions that tell of them; submission "
                 "history (a reprocessed submission keeps its earlier results)", (
        "DROP TABLE conferences",
        """CREATE TABLE conferences (
            submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            source TEXT NOT NULL,
            unit TEXT NOT NULL,
            title TEXT NOT NULL,
            held_date TEXT NOT NULL,
            plan_year INTEGER,
            plan_item INTEGER,
            received_at TEXT,
            PRIMARY KEY (submission_id, position)
        )""",
        "CREATE INDEX conferences_held ON conferences (held_date)",
        "CREATE INDEX conferences_unit ON conferences (unit, held_date)",
        "CREATE INDEX submissions_corrects ON submissions (corrects)",
        """CREATE TABLE submission_history (
            id INTEGER PRIMARY KEY,
            submission_id TEXT NOT NULL,
            status TEXT NOT NULL,
            data TEXT NOT NULL,
            saved_at TEXT NOT NULL,
            replaced_at TEXT NOT NULL
        )""",
        "CREATE INDEX submission_history_id ON submission_history (submission_id, id)",
    ), derive=_derive_conferences),
    Migration(5, "notices wait for their next attempt after a failure", (
        "ALTER TABLE notices ADD COLUMN next_attempt_at TEXT",
        "CREATE INDEX notices_unit ON notices (unit)",
    )),
    Migration(6, "documents keep their path inside the package they came out of", (
        "ALTER TABLE documents ADD COLUMN path TEXT NOT NULL DEFAULT ''",
    )),
    Migration(7, "plan items the office cancelled, kept apart from the plan a re-import replaces", (
        """CREATE TABLE plan_cancellations (
            year INTEGER NOT NULL,
            number INTEGER NOT NULL,
            reason TEXT NOT NULL,
            cancelled_at TEXT NOT NULL,
            PRIMARY KEY (year, number)
        )""",
    )),
    Migration(8, "the review desk: each submission's review state, waived findings, and an "
                 "append-only audit trail of every decision", (
        """CREATE TABLE reviews (
            submission_id TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            opinion TEXT NOT NULL,
            decided_on TEXT,
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL
        )""",
        """CREATE TABLE waivers (
            submission_id TEXT NOT NULL,
            code TEXT NOT NULL,
            note TEXT NOT NULL,
            waived_by TEXT NOT NULL,
            waived_at TEXT NOT NULL,
            PRIMARY KEY (submission_id, code)
        )""",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            previous TEXT NOT NULL,
            state TEXT NOT NULL,
            text TEXT NOT NULL,
            data TEXT NOT NULL
        )""",
        "CREATE INDEX audit_at ON audit (at)",
        "CREATE INDEX audit_subject ON audit (subject, id)",
        # append-only: the database itself refuses to change or remove an entry
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    )),
    Migration(9, "the inbox asks for submissions by status and by plan item, the newest first", (
        "CREATE INDEX submissions_status ON submissions (status, received_at)",
        "CREATE INDEX submissions_plan ON submissions (plan_year, plan_item, received_at)",
    )),
    Migration(10, "the office's marks on plan items: held on a day, delayed to a new month, "
                  "cancelled", (
        """CREATE TABLE plan_marks (
            year INTEGER NOT NULL,
            number INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('held', 'delayed', 'cancelled')),
            held_on TEXT,
            moved_to TEXT,
            reason TEXT NOT NULL,
            marked_at TEXT NOT NULL,
            PRIMARY KEY (year, number)
        )""",
        "INSERT INTO plan_marks (year, number, state, held_on, moved_to, reason, marked_at) "
        "SELECT year, number, 'cancelled', NULL, NULL, reason, cancelled_at "
        "FROM plan_cancellations",
        "DROP TABLE plan_cancellations",
    )),
    Migration(11, "staff accounts: who may sign in to the review desk, in which role, with "
                  "their password kept only as a salted scrypt hash", (
        # NOCASE: 李处长 and an ASCII name differing only in case are one account
        """CREATE TABLE accounts (
            name TEXT PRIMARY KEY COLLATE NOCASE,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            password_changed_at TEXT NOT NULL
        )""",
    )),
    # SQLite cannot drop a column's UNIQUE: the table is rebuilt, its ids kept.  The one
    # table referring to it is set aside first and put back after, so every foreign key
    # holds at every step.
    Migration(12, "a Message-ID no longer makes two messages one: a different message "
                  "reusing an earlier one's Message-ID is a message of its own", (
        "CREATE TABLE message_sources_kept AS SELECT source_key, message, seen_at "
        "FROM message_sources",
        "DROP TABLE message_sources",
        """CREATE TABLE messages_new (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            message_id TEXT,
            size INTEGER NOT NULL,
            state TEXT NOT NULL,
            received_at TEXT NOT NULL,
            processed_at TEXT,
            submission_id TEXT REFERENCES submissions (id)
        )""",
        "INSERT INTO messages_new (id, sha256, message_id, size, state, received_at, "
        "processed_at, submission_id) SELECT id, sha256, message_id, size, state, "
        "received_at, processed_at, submission_id FROM messages",
        "DROP TABLE messages",
        "ALTER TABLE messages_new RENAME TO messages",
        "CREATE INDEX messages_state ON messages (state)",
        "CREATE INDEX messages_message_id ON messages (message_id)",
        """CREATE TABLE message_sources (
            source_key TEXT PRIMARY KEY,
            message INTEGER NOT NULL REFERENCES messages (id),
            seen_at TEXT NOT NULL
        )""",
        "CREATE INDEX message_sources_message ON message_sources (message)",
        "INSERT INTO message_sources (source_key, message, seen_at) "
        "SELECT source_key, message, seen_at FROM message_sources_kept",
        "DROP TABLE message_sources_kept",
    )),
    Migration(13, "the ledger answers a batch's questions by index, never by decoding the "
                  "history: a correction's earlier submission by unit, plan item, compared "
                  "title or statistics filing date, and a unit's submissions by time", (
        "ALTER TABLE submissions ADD COLUMN reg_title TEXT",
        "ALTER TABLE submissions ADD COLUMN topic_key TEXT",
        "ALTER TABLE submissions ADD COLUMN topic_city TEXT",
        "ALTER TABLE submissions ADD COLUMN stats_filed TEXT",
        "CREATE INDEX submissions_topic ON submissions (topic_key, received_at)",
        "CREATE INDEX submissions_topic_city ON submissions (topic_city)",
        "CREATE INDEX submissions_stats ON submissions (stats_filed, received_at)",
        "CREATE INDEX submissions_unit_received ON submissions (unit, received_at)",
        "CREATE INDEX conferences_unit_source ON conferences (unit, source, held_date)",
    ), derive=_derive_ledger_columns),
    Migration(14, "several batches share one store: a message is claimed by one worker for a "
                  "while (a lease) before it is processed; a lease that runs out (its worker "
                  "died) lets another worker take the message. A unit's forms are found by "
                  "an index of their own", (
        "ALTER TABLE messages ADD COLUMN claimed_by TEXT",
        "ALTER TABLE messages ADD COLUMN claimed_until TEXT",
        # a materials package looks for its unit's registration among the unit's forms
        # only, never among its other packages (the cost of a message must not grow with
        # how many the unit sent before)
        "CREATE INDEX submissions_unit_forms ON submissions (unit, received_at) "
        "WHERE reg_title IS NOT NULL OR stats_filed IS NOT NULL",
    )),
)

#: The schema version this pressdocs writes.
LATEST: int = MIGRATIONS[-1].version


def check_version(found: int, known: int, where: object) -> None:
    """Refuse a store whose schema is newer than this pressdocs knows."""
    if found > known:
        raise StoreError.of("store.newer", store=str(where), found=found, known=known)
