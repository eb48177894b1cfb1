"""The store in portable SQL, over any :class:`~pressdocs.store.database.Database`.

:class:`SQLStore` implements :class:`~pressdocs.store.base.Store` with statements that
SQLite and PostgreSQL both accept: ``INSERT … ON CONFLICT … DO NOTHING / DO UPDATE``,
``RETURNING``, never ``INSERT OR IGNORE``/``REPLACE``.  A backend only supplies the
:class:`Database` (:mod:`pressdocs.store.sqlite`).

Each model is kept twice: its full dict as JSON (what comes back) and the columns the
store is queried on (unit, kind, received time, sha256, finding code…).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pressdocs.errors import ClaimLost, StoreError
from pressdocs.models import (
    Conference,
    Document,
    DocumentKind,
    Finding,
    Location,
    Message,
    Notice,
    Plan,
    Severity,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)
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
from pressdocs.store.blobs import BlobRemote, BlobStore, BlobWriter
from pressdocs.store.database import (
    Conflict,
    Database,
    Row,
    Where,
    from_utc,
    now,
    to_json,
    utc,
)
from pressdocs.store.lock import ReentrantLock, StoreLock
from pressdocs.store.migrations import (
    INSERT_CONFERENCE,
    Migration,
    conference_rows,
    ledger_columns,
)

__all__ = ["SQLStore"]

_SUBMISSION_COLUMNS = ("id", "source", "message_id", "sender", "unit", "kind", "status",
                       "plan_year", "plan_item", "received_at", "corrects", "data",
                       "saved_at", "reg_title", "topic_key", "topic_city", "stats_filed")
_MESSAGE_COLUMNS = "id, sha256, message_id, size, state, received_at, submission_id"
_NOTICE_COLUMNS = "data, status, detail, attempts, updated_at"
_ACCOUNT_COLUMNS = "name, role, password_hash, created_at, disabled, password_changed_at"
_CONFERENCE_COLUMNS = ("source, unit, title, held_date, plan_year, plan_item, "
                       "conferences.submission_id")


class SQLStore(Store):
    """A :class:`Store` kept in a SQL database, blobs in ``blobs/`` beside it.

    ``migrations`` is the schema this pressdocs knows; opening upgrades the database
    to it, or refuses a database made by a newer pressdocs.
    """

    def __init__(self, path: Path, database: Database, *, migrations: Sequence[Migration],
                 remote: BlobRemote | None = None):
        self._path = path
        self._db = database
        self._plans: dict[int, tuple[str, Plan]] = {}  # year → (saved_at, plan) decoded
        self._lock: ReentrantLock = StoreLock(path)
        # how registration titles are keyed (use_topic_keys): the city, the key, and the
        # city every kept row was last checked to be keyed for
        self._topic: tuple[str, Callable[[str], str]] | None = None
        self._keyed_for: str | None = None
        try:
            self._blobs = BlobStore(path / "blobs", remote)
            database.before_commit = self._blobs.sync  # no row names a blob not on disk
            database.upgrade(migrations)
        except BaseException:
            database.close()
            raise
        self._blobs.sweep_temp_files()

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._path

    @property
    def schema_version(self) -> int:
        return self._db.schema_version

    def close(self) -> None:
        self._lock.release()
        self._db.close()

    def transaction(self) -> AbstractContextManager[None]:
        return self._db.transaction()

    def lock(self) -> AbstractContextManager[None]:
        return self._locked()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._lock.acquire()
        try:
            yield
        finally:
            self._lock.release()

    # --- blobs ---------------------------------------------------------------------------

    def put_blob(self, data: bytes) -> str:
        return self._blobs.put(data)

    def put_blob_stream(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        return self._blobs.put_stream(chunks)

    def blob_writer(self) -> BlobWriter:
        return self._blobs.writer()

    def deferred_blobs(self) -> AbstractContextManager[None]:
        return self._blobs.deferred()

    def get_blob(self, sha256: str) -> bytes:
        return self._blobs.get(sha256)

    def blob_path(self, sha256: str) -> Path:
        return self._blobs.path(sha256)

    def has_blob(self, sha256: str) -> bool:
        return self._blobs.has(sha256)

    # --- the message ledger ------------------------------------------------------------

    def find_message(self, *, source_key: str | None = None, message_id: str | None = None,
                     sha256: str | None = None) -> MessageRecord | None:
        if source_key is None and message_id is None and sha256 is None:
            raise TypeError("find_message() needs a source_key, message_id or sha256")
        if source_key is None and sha256 is None:
            found = self.messages_with_message_id(message_id or "")
            return found[0] if found else None
        found_id = self._find_id(sha256 and sha256.lower(), source_key)
        return None if found_id is None else self._message(found_id)

    def messages_with_message_id(self, message_id: str) -> list[MessageRecord]:
        rows = self._db.rows(f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE message_id = ? "
                             "ORDER BY id", (_message_id(message_id),))
        return [self._message_record(row) for row in rows]

    def _find_id(self, sha256: str | None, source_key: str | None) -> int | None:
        """The message with these bytes or seen at this source key (never by Message-ID:
        a header anyone can write does not make two messages one)."""
        row = self._db.row(
            "SELECT id FROM messages WHERE sha256 = ? "
            "UNION SELECT message FROM message_sources WHERE source_key = ? ORDER BY 1",
            (sha256, source_key))
        return None if row is None else int(row[0])

    def record_message(self, raw: bytes | None = None, *, blob: str | None = None,
                       source_key: str | None = None,
                       message_id: str | None = None) -> MessageRecord:
        if (raw is None) == (blob is None):
            raise TypeError("record_message() takes either raw bytes or blob=<sha256>")
        mid = _message_id(message_id)
        if raw is not None:
            sha, size = hashlib.sha256(raw).hexdigest(), len(raw)
        else:
            assert blob is not None
            sha = blob.lower()
            if not self.has_blob(sha):
                raise StoreError.of("store.no_blob", sha256=blob)
            size = self.blob_path(sha).stat().st_size
        known = self.find_message(sha256=sha, source_key=source_key)
        if known is not None:
            if source_key and source_key not in known.source_keys:
                return self.add_source_key(known.id, source_key)
            return known
        if raw is not None:
            self.put_blob(raw)  # archive first: the row below must never point at nothing
        record = self._message(self._insert_message(sha, size, mid, source_key))
        assert record is not None
        return record

    def _insert_message(self, sha: str, size: int, message_id: str | None,
                        source_key: str | None) -> int:
        """Insert the ledger row unless a concurrent run did; the id of the row either way."""
        for attempt in range(3):
            try:
                with self._db.transaction():
                    record_id = self._find_id(sha, source_key)
                    if record_id is None:
                        row = self._db.row(
                            "INSERT INTO messages (sha256, message_id, size, state, "
                            "received_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                            (sha, message_id, size, MessageState.RECEIVED.value, now()))
                        assert row is not None
                        record_id = int(row[0])
                    if source_key:
                        self._add_source(record_id, source_key)
                return record_id
            except Conflict:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _add_source(self, record_id: int, source_key: str) -> None:
        self._db.run("INSERT INTO message_sources (source_key, message, seen_at) VALUES (?, ?, ?) "
                     "ON CONFLICT (source_key) DO NOTHING", (source_key, record_id, now()))

    def add_source_key(self, record_id: int, source_key: str) -> MessageRecord:
        with self._db.transaction():
            self._require_message(record_id)
            self._add_source(record_id, source_key)
        record = self._message(record_id)
        assert record is not None
        return record

    def message(self, record_id: int) -> MessageRecord | None:
        return self._message(record_id)

    def _message(self, record_id: int) -> MessageRecord | None:
        row = self._db.row(f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = ?", (record_id,))
        return None if row is None else self._message_record(row)

    def _message_record(self, row: Row) -> MessageRecord:
        keys = self._db.rows("SELECT source_key FROM message_sources WHERE message = ? "
                             "ORDER BY seen_at, source_key", (row[0],))
        return MessageRecord(id=int(row[0]), sha256=row[1], message_id=row[2],
                             source_keys=tuple(k[0] for k in keys),
                             state=MessageState(row[4]), received=from_utc(row[5]),
                             submission_id=row[6], size=int(row[3]))

    def _require_message(self, record_id: int) -> None:
        if self._db.row("SELECT id FROM messages WHERE id = ?", (record_id,)) is None:
            raise StoreError.of("store.no_message", store=str(self._path), record=record_id)

    def mark_processed(self, record_id: int, submission: Submission, *,
                       again: bool = False) -> MessageRecord:
        with self._db.transaction():
            self._require_message(record_id)
            # first the mark, guarded: of two batches whose claims overlapped, the second
            # finds the message processed (PostgreSQL waits for the first's commit and
            # looks again; SQLite's writers take turns) and keeps nothing
            marked = self._db.run(
                "UPDATE messages SET state = ?, processed_at = ?, claimed_by = NULL, "
                "claimed_until = NULL WHERE id = ?" + ("" if again else " AND state <> ?"),
                (MessageState.PROCESSED.value, now(), record_id,
                 *(() if again else (MessageState.PROCESSED.value,))))
            if marked.rowcount == 0:
                raise ClaimLost.of("store.claim_lost", store=str(self._path), record=record_id)
            self._write_submission(submission)  # before the row that names it
            self._db.run("UPDATE messages SET submission_id = ? WHERE id = ?",
                         (submission.id, record_id))
        record = self._message(record_id)
        assert record is not None
        return record

    def claim_message(self, record_id: int, worker: str, *, seconds: float,
                      taking_over: str | None = None) -> bool:
        moment = datetime.now(UTC)
        until = utc(moment + timedelta(seconds=seconds))
        with self._db.transaction():
            claimed = self._db.run(
                "UPDATE messages SET claimed_by = ?, claimed_until = ? WHERE id = ? "
                "AND state <> ? AND (claimed_by IS NULL OR claimed_by = ? "
                "OR claimed_by = ? OR claimed_until < ?)",
                (worker, until, record_id, MessageState.PROCESSED.value, worker,
                 taking_over or worker, utc(moment)))
        return claimed.rowcount == 1

    def claimant(self, record_id: int) -> str | None:
        row = self._db.row("SELECT claimed_by FROM messages WHERE id = ? AND claimed_until >= ?",
                           (record_id, now()))
        return None if row is None or row[0] is None else str(row[0])

    def release_claims(self, worker: str, record_id: int | None = None) -> None:
        where = Where()
        where.require("claimed_by = ?", worker)
        where.add("id = ?", record_id)
        with self._db.transaction():
            self._db.run(f"UPDATE messages SET claimed_by = NULL, claimed_until = NULL{where}",
                         where.params)

    def unprocessed_messages(self) -> list[MessageRecord]:
        return self._messages_in(MessageState.RECEIVED)

    def processed_messages(self) -> list[MessageRecord]:
        return self._messages_in(MessageState.PROCESSED)

    def _messages_in(self, state: MessageState) -> list[MessageRecord]:
        rows = self._db.rows(f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE state = ? ORDER BY id",
                             (state.value,))
        return [self._message_record(row) for row in rows]

    # --- submissions ---------------------------------------------------------------------

    def save_submission(self, submission: Submission) -> None:
        with self._db.transaction():
            self._write_submission(submission)

    def _write_submission(self, sub: Submission) -> None:
        replaced = now()
        self._db.run("INSERT INTO submission_history (submission_id, status, data, saved_at, "
                     "replaced_at) SELECT id, status, data, saved_at, ? FROM submissions "
                     "WHERE id = ?", (replaced, sub.id))
        received_at = utc(sub.received) if sub.received else None
        title, city, stats = ledger_columns(sub)
        key = None
        if title is not None and self._topic is not None:
            city, key = self._topic[0], self._topic[1](title)
        values = (sub.id, sub.source, sub.message_id, sub.sender, sub.unit, sub.kind.value,
                  sub.status.value, sub.plan_year, sub.plan_item,
                  received_at, sub.corrects, to_json(sub.to_dict()), replaced,
                  title, key, city, stats)
        updates = ", ".join(f"{c} = excluded.{c}" for c in _SUBMISSION_COLUMNS[1:])
        self._db.run(f"INSERT INTO submissions ({', '.join(_SUBMISSION_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * len(_SUBMISSION_COLUMNS))}) "
                     f"ON CONFLICT (id) DO UPDATE SET {updates}", values)
        self._db.run("DELETE FROM documents WHERE submission_id = ?", (sub.id,))
        for position, doc in enumerate(sub.documents):
            self._db.run("INSERT INTO documents (submission_id, position, sha256, name, "
                         "media_type, size, kind, confidence, origin, container, path) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (sub.id, position, doc.sha256, doc.name, doc.media_type, doc.size,
                          doc.kind.value, doc.confidence, doc.origin, doc.container,
                          doc.path))
        self._db.run("DELETE FROM conferences WHERE submission_id = ?", (sub.id,))
        for row in conference_rows(sub, received_at):
            self._db.run(INSERT_CONFERENCE, row)
        self._db.run("DELETE FROM findings WHERE submission_id = ?", (sub.id,))
        for position, f in enumerate(sub.findings):
            self._db.run("INSERT INTO findings (submission_id, position, code, severity, "
                         "message_zh, message_en, document, field, clause, message) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (sub.id, position, f.code, f.severity.value, f.message.zh,
                          f.message.en, f.location.document, f.location.field, f.clause,
                          to_json(f.message.to_dict())))

    def submission_history(self, submission_id: str) -> list[SubmissionVersion]:
        rows = self._db.rows("SELECT data, saved_at, replaced_at FROM submission_history "
                             "WHERE submission_id = ? ORDER BY id", (submission_id,))
        return [SubmissionVersion(Submission.from_dict(json.loads(r[0]), validate=False),
                                  saved=from_utc(r[1]), replaced=from_utc(r[2])) for r in rows]

    def get_submission(self, submission_id: str) -> Submission | None:
        row = self._db.row("SELECT data FROM submissions WHERE id = ?", (submission_id,))
        return None if row is None else Submission.from_dict(json.loads(row[0]), validate=False)

    def submissions(self, *, unit: str | None = None,
                    kind: SubmissionKind | str | None = None,
                    status: SubmissionStatus | str | None = None,
                    since: datetime | None = None,
                    until: datetime | None = None,
                    forms_only: bool = False) -> list[Submission]:
        where = Where()
        if forms_only:  # the partial index submissions_unit_forms
            where.require("(reg_title IS NOT NULL OR stats_filed IS NOT NULL)")
        where.add("unit = ?", unit)
        where.add("kind = ?", None if kind is None else SubmissionKind(kind).value)
        where.add("status = ?", None if status is None else SubmissionStatus(status).value)
        where.add("received_at >= ?", None if since is None else utc(since))
        where.add("received_at < ?", None if until is None else utc(until))
        rows = self._db.rows(f"SELECT data FROM submissions{where} ORDER BY "
                             "CASE WHEN received_at IS NULL THEN 1 ELSE 0 END, received_at, id",
                             where.params)
        return [Submission.from_dict(json.loads(r[0]), validate=False) for r in rows]

    def submission_summaries(self, *, status: SubmissionStatus | str | None = None,
                             units: Sequence[str] | None = None,
                             plan_month: tuple[int, int] | None = None,
                             limit: int | None = None,
                             offset: int = 0) -> tuple[int, list[SubmissionSummary]]:
        where = Where()
        where.add("status = ?", None if status is None else SubmissionStatus(status).value)
        if units is not None:
            names = sorted(set(units))
            if names:
                where.require(f"unit IN ({', '.join('?' * len(names))})", *names)
            else:
                where.require("1 = 0")
        if plan_month is not None:
            year, month = plan_month
            where.require("plan_year = ? AND plan_item IN (SELECT number FROM plan_items "
                          "WHERE year = ? AND month = ?)", year, year, month)
        count = self._db.row(f"SELECT COUNT(*) FROM submissions{where}", where.params)
        total = int(count[0]) if count is not None else 0
        page = f" LIMIT {max(limit, 0):d} OFFSET {max(offset, 0):d}" if limit is not None else ""
        # the newest first: the index on received_at read backwards, NULLs (unknown) last
        rows = self._db.rows(
            "SELECT id, received_at, sender, unit, kind, status, plan_year, plan_item, "
            "corrects, data, (SELECT COUNT(*) FROM findings f WHERE f.submission_id = s.id), "
            "(SELECT COUNT(*) FROM findings f WHERE f.submission_id = s.id AND f.severity = ?) "
            f"FROM submissions s{where} ORDER BY received_at DESC NULLS LAST, id DESC{page}",
            [Severity.ERROR.value, *where.params])
        if limit is None and offset > 0:
            rows = rows[offset:]
        return total, [_summary(r) for r in rows]

    def submission_ids(self, prefix: str, *, limit: int = 2) -> list[str]:
        # a range over the primary key rather than LIKE, which would read every id
        rows = self._db.rows(f"SELECT id FROM submissions WHERE id >= ? AND id < ? "
                             f"ORDER BY id LIMIT {max(limit, 0):d}",
                             (prefix, prefix + "\U0010ffff"))
        return [str(r[0]) for r in rows]

    def corrected_by(self, submission_id: str) -> list[str]:
        rows = self._db.rows("SELECT id FROM submissions WHERE corrects = ? ORDER BY "
                             "CASE WHEN received_at IS NULL THEN 1 ELSE 0 END, received_at, id",
                             (submission_id,))
        return [str(r[0]) for r in rows]

    def units(self) -> list[str]:
        # a skip-scan of the index on unit: one look per unit, however many submissions
        rows = self._db.rows(
            "WITH RECURSIVE u (unit) AS (SELECT MIN(unit) FROM submissions WHERE unit > '' "
            "UNION ALL SELECT (SELECT MIN(unit) FROM submissions s WHERE s.unit > u.unit) "
            "FROM u WHERE u.unit IS NOT NULL) SELECT unit FROM u WHERE unit IS NOT NULL", ())
        return [r[0] for r in rows]

    def conference_units(self) -> list[str]:
        rows = self._db.rows(
            "WITH RECURSIVE u (unit) AS (SELECT MIN(unit) FROM conferences WHERE unit > '' "
            "UNION ALL SELECT (SELECT MIN(unit) FROM conferences c WHERE c.unit > u.unit) "
            "FROM u WHERE u.unit IS NOT NULL) SELECT unit FROM u WHERE unit IS NOT NULL", ())
        return [r[0] for r in rows]

    def use_topic_keys(self, city: str, key: Callable[[str], str]) -> None:
        self._topic = (city, key)
        if self._keyed_for == city:
            # rows written since without the key (another process, an older release)
            stale = self._db.rows("SELECT id, reg_title FROM submissions "
                                  "WHERE topic_city IS NULL", ())
        else:
            stale = self._db.rows("SELECT id, reg_title FROM submissions WHERE "
                                  "topic_city IS NULL OR (reg_title IS NOT NULL AND "
                                  "topic_city <> ?)", (city,))
        if stale:
            with self._db.transaction():
                for sid, title in stale:
                    self._db.run("UPDATE submissions SET topic_key = ?, topic_city = ? "
                                 "WHERE id = ?",
                                 (key(title) if title is not None else None,
                                  city if title is not None else "", sid))
        self._keyed_for = city

    def latest_alike(self, units: Sequence[str], *, until: datetime, exclude: str,
                     plan: tuple[int | None, int] | None = None,
                     topic: str | None = None,
                     statistics_filed: str | None = None) -> str | None:
        names = sorted(set(units))
        if not names:
            return None
        common = (f"unit IN ({', '.join('?' * len(names))}) AND received_at < ? "
                  "AND id <> ? AND kind <> ?")
        params: list[Any] = [*names, utc(until), exclude, SubmissionKind.UNRELATED.value]
        asks: list[tuple[str, list[Any]]] = []
        if plan is not None:
            year, number = plan
            asks.append(("plan_item = ? AND plan_year = ?" if year is not None
                         else "plan_item = ? AND plan_year IS NULL",
                         [number] if year is None else [number, year]))
        if topic:
            if self._topic is None:
                raise ValueError("latest_alike(topic=…) before use_topic_keys")
            asks.append(("topic_key = ? AND topic_city = ?", [topic, self._topic[0]]))
        if statistics_filed is not None:
            asks.append(("stats_filed = ? AND kind = ?",
                         [statistics_filed, SubmissionKind.STATISTICS.value]))
        found: list[tuple[str, str]] = []
        for clause, values in asks:
            row = self._db.row(f"SELECT received_at, id FROM submissions WHERE {clause} AND "
                               f"{common} ORDER BY received_at DESC, id DESC LIMIT 1",
                               [*values, *params])
            if row is not None:
                found.append((str(row[0]), str(row[1])))
        return max(found)[1] if found else None

    def documents(self, *, submission_id: str | None = None,
                  sha256: str | None = None) -> list[tuple[str, Document]]:
        where = Where()
        where.add("submission_id = ?", submission_id)
        where.add("sha256 = ?", None if sha256 is None else sha256.lower())
        rows = self._db.rows("SELECT submission_id, name, media_type, size, sha256, kind, "
                             f"confidence, origin, container, path FROM documents{where} "
                             "ORDER BY submission_id, position", where.params)
        return [(r[0], Document(name=r[1], media_type=r[2], size=int(r[3]), sha256=r[4],
                                kind=DocumentKind(r[5]), confidence=float(r[6]),
                                origin=r[7], container=r[8], path=r[9])) for r in rows]

    def findings(self, *, submission_id: str | None = None,
                 code: str | None = None) -> list[tuple[str, Finding]]:
        where = Where()
        where.add("submission_id = ?", submission_id)
        where.add("code = ?", code)
        rows = self._db.rows("SELECT submission_id, code, severity, message_zh, message_en, "
                             f"document, field, clause, message FROM findings{where} "
                             "ORDER BY submission_id, position", where.params)
        return [(r[0], Finding(code=r[1], severity=Severity(r[2]),
                               message=_finding_message(r[8], r[3], r[4]),
                               location=Location(document=r[5], field=r[6]), clause=r[7]))
                for r in rows]

    # --- the annual plan -----------------------------------------------------------------

    def save_plan(self, plan: Plan) -> None:
        with self._db.transaction():
            self._db.run("INSERT INTO plans (year, title, source, data, saved_at) "
                         "VALUES (?, ?, ?, ?, ?) ON CONFLICT (year) DO UPDATE SET "
                         "title = excluded.title, source = excluded.source, "
                         "data = excluded.data, saved_at = excluded.saved_at",
                         (plan.year, plan.title, plan.source, to_json(plan.to_dict()), now()))
            self._db.run("DELETE FROM plan_items WHERE year = ?", (plan.year,))
            for position, item in enumerate(plan.items):
                self._db.run("INSERT INTO plan_items (year, position, number, venue, month, topic, "
                             "units) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (plan.year, position, item.number, item.venue, item.month,
                           item.topic, to_json(item.units)))

    def get_plan(self, year: int) -> Plan | None:
        # The rules ask for the plan of every message; it is decoded again only when it
        # was saved anew (by this process or another): an indexed look at its saved_at.
        row = self._db.row("SELECT saved_at FROM plans WHERE year = ?", (year,))
        if row is None:
            return None
        cached = self._plans.get(year)
        if cached is not None and cached[0] == row[0]:
            return cached[1]
        data = self._db.row("SELECT data, saved_at FROM plans WHERE year = ?", (year,))
        if data is None:
            return None
        plan = Plan.from_dict(json.loads(data[0]), validate=False)
        self._plans[year] = (data[1], plan)
        return plan

    def plan_years(self) -> list[int]:
        return [int(r[0]) for r in self._db.rows("SELECT year FROM plans ORDER BY year")]

    def mark_plan_item(self, year: int, number: int, mark: PlanMark) -> None:
        moved = f"{mark.moved_to[0]:04d}-{mark.moved_to[1]:02d}" if mark.moved_to else None
        with self._db.transaction():
            self._db.run("INSERT INTO plan_marks (year, number, state, held_on, moved_to, reason, "
                         "marked_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (year, number) DO "
                         "UPDATE SET state = excluded.state, held_on = excluded.held_on, "
                         "moved_to = excluded.moved_to, reason = excluded.reason, "
                         "marked_at = excluded.marked_at",
                         (year, number, mark.state,
                          mark.held_on.isoformat() if mark.held_on else None, moved,
                          mark.reason, utc(mark.marked_at) if mark.marked_at else now()))

    def clear_plan_mark(self, year: int, number: int) -> bool:
        with self._db.transaction():
            cursor = self._db.run("DELETE FROM plan_marks WHERE year = ? AND number = ?",
                                  (year, number))
            return cursor.rowcount == 1

    def plan_marks(self, year: int) -> dict[int, PlanMark]:
        rows = self._db.rows("SELECT number, state, held_on, moved_to, reason, marked_at "
                             "FROM plan_marks WHERE year = ? ORDER BY number", (year,))
        marks = {}
        for number, state, held_on, moved_to, reason, marked_at in rows:
            moved = None
            if moved_to:
                y, m = str(moved_to).split("-")
                moved = (int(y), int(m))
            marks[int(number)] = PlanMark(
                state=str(state), held_on=date.fromisoformat(held_on) if held_on else None,
                moved_to=moved, reason=str(reason), marked_at=from_utc(str(marked_at)))
        return marks

    # --- notices ---------------------------------------------------------------------------

    def record_notice(self, notice: Notice) -> bool:
        stamp = now()
        with self._db.transaction():
            cursor = self._db.run(
                "INSERT INTO notices (key, channel, unit, submission_id, data, status, detail, "
                "attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (key) DO NOTHING",
                (notice.key, notice.channel, notice.unit, notice.submission_id,
                 to_json(notice.to_dict()), DeliveryStatus.PENDING.value, "", 0, stamp, stamp))
            return cursor.rowcount == 1

    def set_delivery(self, key: str, status: DeliveryStatus | str, detail: str = "", *,
                     retry_at: datetime | None = None) -> None:
        state = DeliveryStatus(status)
        tried = 1 if state in (DeliveryStatus.SENT, DeliveryStatus.FAILED,
                               DeliveryStatus.ABANDONED) else 0
        with self._db.transaction():
            cursor = self._db.run("UPDATE notices SET status = ?, detail = ?, "
                                  "attempts = attempts + ?, updated_at = ?, next_attempt_at = ? "
                                  "WHERE key = ?",
                                  (state.value, detail, tried, now(),
                                   utc(retry_at) if retry_at is not None else None, key))
            if cursor.rowcount == 0:
                raise StoreError.of("store.no_notice", key=key)

    def take_notice(self, key: str) -> bool:
        with self._db.transaction():
            taken = self._db.run(
                "UPDATE notices SET status = ?, updated_at = ? WHERE key = ? "
                "AND status IN (?, ?)", (DeliveryStatus.SENDING.value, now(), key,
                                         DeliveryStatus.PENDING.value,
                                         DeliveryStatus.FAILED.value))
        return taken.rowcount == 1

    def notice_state(self, key: str) -> str | None:
        row = self._db.row("SELECT status FROM notices WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def notice_record(self, key: str) -> NoticeRecord | None:
        row = self._db.row(f"SELECT {_NOTICE_COLUMNS} FROM notices WHERE key = ?", (key,))
        return None if row is None else _notice_record(row)

    def notice_records(self, status: DeliveryStatus | str | None = None, *,
                       unit: str | None = None) -> list[NoticeRecord]:
        where = Where()
        where.add("status = ?", None if status is None else DeliveryStatus(status).value)
        where.add("unit = ?", unit)
        rows = self._db.rows(f"SELECT {_NOTICE_COLUMNS} FROM notices{where} "
                             "ORDER BY created_at, key", where.params)
        return [_notice_record(row) for row in rows]

    def pending_notices(self, at: datetime | None = None) -> list[Notice]:
        moment = utc(at) if at is not None else now()
        rows = self._db.rows(f"SELECT {_NOTICE_COLUMNS} FROM notices WHERE status = ? OR "
                             "(status = ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)) "
                             "ORDER BY created_at, key",
                             (DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value, moment))
        return [_notice_record(row).notice for row in rows]

    # --- conferences -----------------------------------------------------------------------

    def conferences(self, *, year: int | None = None, unit: str | None = None,
                    known_by: datetime | None = None, units: Sequence[str] | None = None,
                    held_from: date | None = None,
                    source: str | None = None) -> list[Conference]:
        where = Where()
        where.add("held_date >= ?", None if year is None else f"{year:04d}-01-01")
        where.add("held_date < ?", None if year is None else f"{year + 1:04d}-01-01")
        where.add("held_date >= ?", None if held_from is None else held_from.isoformat())
        where.add("unit = ?", unit)
        where.add("source = ?", source)
        if units is not None:
            names = sorted(set(units))
            if names:
                where.require(f"unit IN ({', '.join('?' * len(names))})", *names)
            else:
                where.require("1 = 0")
        correction = "SELECT 1 FROM submissions c WHERE c.corrects = conferences.submission_id"
        if known_by is None:
            where.require(f"NOT EXISTS ({correction})")
        else:
            cutoff = utc(known_by)
            where.require("(received_at IS NULL OR received_at <= ?)", cutoff)
            where.require(f"NOT EXISTS ({correction} AND c.received_at <= ?)", cutoff)
        # a conference whose submission was corrected is told by the correction instead
        rows = self._db.rows(f"SELECT {_CONFERENCE_COLUMNS} FROM conferences{where} "
                             "ORDER BY held_date, conferences.submission_id, position",
                             where.params)
        return [Conference(source=r[0], unit=r[1], title=r[2], held_on=date.fromisoformat(r[3]),
                           plan_year=r[4], plan_item=r[5], submission_id=r[6]) for r in rows]


    # --- review and audit ------------------------------------------------------------------

    def record_audit(self, *, actor: str, action: str, subject: str, previous: str = "",
                     state: str = "", text: str = "",
                     data: dict[str, Any] | None = None) -> AuditEntry:
        stamp = now()
        payload = to_json(data or {})
        with self._db.transaction():
            row = self._db.row("INSERT INTO audit (at, actor, action, subject, previous, state, "
                               "text, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                               (stamp, actor, action, subject, previous, state, text, payload))
        assert row is not None
        return AuditEntry(id=int(row[0]), at=from_utc(stamp), actor=actor, action=action,
                          subject=subject, previous=previous, state=state, text=text,
                          data=json.loads(payload))

    def audit(self, *, since: datetime | None = None,
              subject: str | None = None) -> list[AuditEntry]:
        where = Where()
        where.add("at >= ?", None if since is None else utc(since))
        where.add("subject = ?", subject)
        rows = self._db.rows("SELECT id, at, actor, action, subject, previous, state, text, "
                             f"data FROM audit{where} ORDER BY id", where.params)
        return [AuditEntry(id=int(r[0]), at=from_utc(r[1]), actor=r[2], action=r[3],
                           subject=r[4], previous=r[5], state=r[6], text=r[7],
                           data=json.loads(r[8])) for r in rows]

    def review(self, submission_id: str) -> ReviewRecord | None:
        row = self._db.row("SELECT state, opinion, decided_on, decided_by, decided_at "
                           "FROM reviews WHERE submission_id = ?", (submission_id,))
        if row is None:
            return None
        return ReviewRecord(submission_id=submission_id, state=row[0], opinion=row[1],
                            decided_on=date.fromisoformat(row[2]) if row[2] else None,
                            by=row[3], at=from_utc(row[4]))

    def set_review(self, record: ReviewRecord) -> None:
        day = record.decided_on.isoformat() if record.decided_on else None
        with self._db.transaction():
            self._db.run("INSERT INTO reviews (submission_id, state, opinion, decided_on, "
                         "decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?) "
                         "ON CONFLICT (submission_id) DO UPDATE SET state = excluded.state, "
                         "opinion = excluded.opinion, decided_on = excluded.decided_on, "
                         "decided_by = excluded.decided_by, decided_at = excluded.decided_at",
                         (record.submission_id, record.state, record.opinion, day, record.by,
                          utc(record.at)))

    def add_waiver(self, waiver: Waiver) -> bool:
        with self._db.transaction():
            cursor = self._db.run("INSERT INTO waivers (submission_id, code, note, waived_by, "
                                  "waived_at) VALUES (?, ?, ?, ?, ?) "
                                  "ON CONFLICT (submission_id, code) DO NOTHING",
                                  (waiver.submission_id, waiver.code, waiver.note, waiver.by,
                                   utc(waiver.at)))
            return cursor.rowcount == 1

    def waivers(self, submission_id: str | None = None) -> list[Waiver]:
        where = Where()
        where.add("submission_id = ?", submission_id)
        rows = self._db.rows("SELECT submission_id, code, note, waived_by, waived_at "
                             f"FROM waivers{where} ORDER BY waived_at, submission_id, code",
                             where.params)
        return [Waiver(submission_id=r[0], code=r[1], note=r[2], by=r[3], at=from_utc(r[4]))
                for r in rows]

    def corrections_of(self, submission_id: str) -> list[str]:
        rows = self._db.rows("SELECT id FROM submissions WHERE corrects = ? "
                             "ORDER BY received_at, id", (submission_id,))
        return [str(r[0]) for r in rows]

    # --- staff accounts --------------------------------------------------------------------

    def add_account(self, name: str, role: str, password_hash: str, at: datetime) -> bool:
        stamp = utc(at)
        with self._db.transaction():
            cursor = self._db.run("INSERT INTO accounts (name, role, password_hash, created_at, "
                                  "disabled, password_changed_at) VALUES (?, ?, ?, ?, 0, ?) "
                                  "ON CONFLICT (name) DO NOTHING",
                                  (name, role, password_hash, stamp, stamp))
            return cursor.rowcount == 1

    def account(self, name: str) -> AccountRecord | None:
        row = self._db.row(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE name = ?", (name,))
        return None if row is None else _account_record(row)

    def accounts(self) -> list[AccountRecord]:
        rows = self._db.rows(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts ORDER BY name")
        return [_account_record(row) for row in rows]

    def set_account_password(self, name: str, password_hash: str, at: datetime) -> bool:
        with self._db.transaction():
            cursor = self._db.run("UPDATE accounts SET password_hash = ?, "
                                  "password_changed_at = ? WHERE name = ?",
                                  (password_hash, utc(at), name))
            return cursor.rowcount == 1

    def set_account_disabled(self, name: str, disabled: bool) -> bool:
        with self._db.transaction():
            cursor = self._db.run("UPDATE accounts SET disabled = ? WHERE name = ?",
                                  (1 if disabled else 0, name))
            return cursor.rowcount == 1


# --- conversions -------------------------------------------------------------------------

def _message_id(value: str | None) -> str | None:
    """A Message-ID as compared: without blanks and angle brackets; empty is none."""
    if value is None:
        return None
    bare = value.strip().strip("<>").strip()
    return bare or None


def _notice_record(row: Row) -> NoticeRecord:
    return NoticeRecord(notice=Notice.from_dict(json.loads(row[0]), validate=False),
                        status=DeliveryStatus(row[1]), detail=row[2], attempts=int(row[3]),
                        updated=from_utc(row[4]))


def _account_record(row: Row) -> AccountRecord:
    return AccountRecord(name=row[0], role=row[1], password_hash=row[2],
                         created_at=from_utc(row[3]), disabled=bool(row[4]),
                         password_changed_at=from_utc(row[5]))


def _summary(row: Row) -> SubmissionSummary:
    """A row of :meth:`SQLStore.submission_summaries`: the columns, and from the
    submission's record only its sender's name and subject."""
    data = json.loads(row[9])
    return SubmissionSummary(
        id=row[0], received=from_utc(row[1]) if row[1] else None, sender=row[2],
        sender_name=str(data.get("sender_name", "")), subject=str(data.get("subject", "")),
        unit=row[3], kind=SubmissionKind(row[4]), status=SubmissionStatus(row[5]),
        plan_year=row[6], plan_item=row[7], findings=int(row[10]), errors=int(row[11]),
        corrects=row[8])


def _finding_message(data: str, zh: str, en: str) -> Message:
    """A finding's message as saved (a store from before messages were kept whole has
    only the two texts)."""
    if data:
        return Message.from_dict(json.loads(data), validate=False)
    return Message.literal(zh, en)
