"""Schema versions: stores made by older releases are upgraded, newer ones refused."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pressdocs.errors import StoreError
from pressdocs.models import (
    Notice,
    Plan,
    PlanItem,
    Registration,
    StatisticsReport,
    StatisticsRow,
    Submission,
)
from pressdocs.store import SQLiteStore, open_store
from pressdocs.store.migrations import LATEST, MIGRATIONS, Migration
from pressdocs.store.sqlite import DATABASE_NAME

CST = timezone(timedelta(hours=8))


def database(store_dir: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(store_dir / DATABASE_NAME))


def versions(store_dir: Path) -> list[int]:
    with database(store_dir) as db:
        return [v for (v,) in db.execute("SELECT version FROM schema_version ORDER BY version")]


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert LATEST == len(MIGRATIONS) >= 2


@pytest.mark.parametrize("empty_database", [False, True], ids=["no file", "empty database"])
def test_version_0_store_is_built_to_the_latest_schema(tmp_path: Path,
                                                       empty_database: bool) -> None:
    # (a 0-byte file is not an empty database but a lost one: tests/hostile refuses it)
    store_dir = tmp_path / "pressdocs-data"
    if empty_database:  # a SQLite database without a table: its header, nothing else
        store_dir.mkdir()
        with closing(sqlite3.connect(store_dir / DATABASE_NAME)) as db:
            db.execute("PRAGMA user_version = 0")
            db.execute("VACUUM")
    with open_store(store_dir) as store:
        assert store.schema_version == LATEST
    assert versions(store_dir) == list(range(1, LATEST + 1))
    with database(store_dir) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_version_1_store_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    store_dir = tmp_path / "pressdocs-data"
    plan = Plan(year=2021, items=[PlanItem(number=1, venue="市政府新闻发布厅", month=3,
                                           topic="优化营商环境", units=["市发展改革委"])])
    with SQLiteStore(store_dir, migrations=MIGRATIONS[:1]) as old:  # what release 1 made
        assert old.schema_version == 1
        old.save_plan(plan)
        record = old.record_message(b"mail taken in by release 1", source_key="INBOX/1")

    with open_store(store_dir) as store:
        assert store.schema_version == LATEST
        assert store.get_plan(2021) == plan
        assert [m.id for m in store.unprocessed_messages()] == [record.id]
        assert store.record_notice(Notice(key="k", channel="email", recipients=["a@b.cn"],
                                          template="t"))
    assert versions(store_dir) == list(range(1, LATEST + 1))


def test_store_from_a_newer_release_is_refused_untouched(tmp_path: Path) -> None:
    store_dir = tmp_path / "pressdocs-data"
    open_store(store_dir).close()
    with database(store_dir) as db:
        db.execute("INSERT INTO schema_version VALUES (?, 'from the future', 'x')", (LATEST + 1,))
        db.commit()
    with pytest.raises(StoreError) as info:
        open_store(store_dir)
    assert "请升级 pressdocs" in str(info.value)
    assert f"版本 {LATEST + 1}" in str(info.value) and f"支持到 {LATEST}" in str(info.value)
    assert "upgrade pressdocs" in info.value.message.en
    assert versions(store_dir) == [*range(1, LATEST + 1), LATEST + 1]


def test_failing_migration_leaves_the_store_at_its_version(tmp_path: Path) -> None:
    store_dir = tmp_path / "pressdocs-data"
    SQLiteStore(store_dir, migrations=MIGRATIONS[:1]).close()
    broken = Migration(2, "half a migration", (
        "CREATE TABLE half_done (x INTEGER)",
        "CREATE TABLE messages (x INTEGER)",  # already exists: fails
    ))
    with pytest.raises(StoreError, match=r"无法将数据存储 .* 升级到数据结构版本 2"):
        SQLiteStore(store_dir, migrations=(*MIGRATIONS[:1], broken))
    assert versions(store_dir) == [1]
    with database(store_dir) as db:
        tables = {t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    with open_store(store_dir) as store:  # the real release still upgrades it
        assert store.schema_version == LATEST


def test_version_3_store_gets_the_conferences_of_its_submissions(tmp_path: Path) -> None:
    """Version 4 derives the conferences table from the submissions already kept."""
    store_dir = tmp_path / "pressdocs-data"
    reg = Registration(title="一季度经济运行新闻发布会", organiser="市统计局",
                       time=datetime(2021, 4, 20, 9, 30, tzinfo=CST))
    stats = StatisticsReport(filing_unit="鸠江区", rows=[
        StatisticsRow(held_on=date(2021, 5, 6), topic="优化营商环境"),
        StatisticsRow(topic="没有日期的一行")])
    subs = [Submission(id="a" * 64, unit="市统计局", plan_year=2021, plan_item=11,
                       received=datetime(2021, 4, 12, tzinfo=CST), registration=reg),
            Submission(id="b" * 64, unit="鸠江区", statistics=stats)]
    with SQLiteStore(store_dir, migrations=MIGRATIONS[:3]) as old:  # what release 3 made
        assert old.schema_version == 3
    with database(store_dir) as db, db:
        for sub in subs:  # as release 3 wrote a submission (its columns, its JSON)
            db.execute("INSERT INTO submissions (id, source, message_id, sender, unit, kind, "
                       "status, plan_year, plan_item, received_at, corrects, data, saved_at) "
                       "VALUES (?, '', '', '', ?, 'registration', 'accepted', ?, ?, ?, '', ?, "
                       "'2021-04-12T00:00:00.000000Z')",
                       (sub.id, sub.unit, sub.plan_year, sub.plan_item,
                        "2021-04-11T16:00:00.000000Z" if sub.received else None,
                        json.dumps(sub.to_dict(), ensure_ascii=False)))

    with open_store(store_dir) as store:
        assert store.schema_version == LATEST
        found = [(c.source, c.unit, c.title, c.held_on, c.plan_item)
                 for c in store.conferences(year=2021)]
        assert found == [("registration", "市统计局", "一季度经济运行新闻发布会",
                          date(2021, 4, 20), 11),
                         ("statistics", "鸠江区", "优化营商环境", date(2021, 5, 6), None)]
        assert store.submission_history("a" * 64) == []


def test_version_9_store_keeps_its_cancelled_plan_items_as_marks(tmp_path: Path) -> None:
    """Version 10 turns the cancellations (plan_cancellations) into the office's marks."""
    store_dir = tmp_path / "pressdocs-data"
    with SQLiteStore(store_dir, migrations=MIGRATIONS[:9]) as old:  # what release 9 made
        assert old.schema_version == 9
    with database(store_dir) as db, db:  # as release 9 cancelled item 5 of 2021
        db.execute("INSERT INTO plan_cancellations (year, number, reason, cancelled_at) "
                   "VALUES (2021, 5, '机构改革', '2021-03-02T01:30:00.000000Z')")

    with open_store(store_dir) as store:
        assert store.schema_version == LATEST
        (marked,) = store.plan_marks(2021).items()
        number, mark = marked
        assert (number, mark.state, mark.reason, mark.held_on, mark.moved_to) == \
            (5, "cancelled", "机构改革", None, None)
        assert mark.marked_at == datetime(2021, 3, 2, 1, 30, tzinfo=UTC)
    with database(store_dir) as db:
        tables = {t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "plan_cancellations" not in tables and "plan_marks" in tables
    assert 10 in versions(store_dir)
