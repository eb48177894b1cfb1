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

from dataclasses import dataclass

from pressdocs.errors import StoreError

__all__ = ["LATEST", "MIGRATIONS", "VERSION_TABLE", "Migration", "check_version"]


@dataclass(frozen=True)
class Migration:
    """One step of the schema: its version, what it does, and its SQL statements."""

    version: int
    description: str
    steps: tuple[str, ...]


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
)

#: The schema version this pressdocs writes.
LATEST: int = MIGRATIONS[-1].version


def check_version(found: int, known: int, where: object) -> None:
    """Refuse a store whose schema is newer than this pressdocs knows."""
    if found > known:
        raise StoreError(
            f"数据存储 {where} 由更新版本的 pressdocs 创建（数据结构版本 {found}，"
            f"当前版本只支持到 {known}），请升级 pressdocs 后再打开",
            f"the store {where} was created by a newer pressdocs (schema version {found}; "
            f"this version knows up to {known}); upgrade pressdocs to open it",
        )
