"""A PostgreSQL store, end to end: the batch and the commands on it as on a store directory,
its lock across processes, its password never printed, its failures in one clear line.

The store's own behaviour is the conformance suite (test_store.py, run on both backends);
here is what a user of ``--store postgresql://…`` meets.  A real server: the throwaway
cluster of tests/pgservers.py on loopback.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from cli_support import demo_mailbox_with_plan, invoke, run_pressdocs
from pressdocs.errors import StoreError, StoreLocked
from pressdocs.store import open_store
from pressdocs.store.postgresql import postgres_ddl
from pressdocs.store.sqlite import SQLiteStore


def pressdocs(store: str, blobs: Path, *args: str) -> Any:
    done = invoke(["--store", store, *args], env={"PRESSDOCS_BLOBS": str(blobs)})
    assert done.exit_code == 0, done.output
    return json.loads(done.output) if "--json" in args else done.output


def _comparable(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(m["subject"], m["status"], sorted(f["code"] for f in m.get("findings", [])))
            for m in report["messages"]]


def test_a_batch_on_postgresql_gives_what_a_store_directory_gives(
        tmp_path: Path, postgres_url: str) -> None:
    mail, planned = demo_mailbox_with_plan(tmp_path)
    blobs = tmp_path / "shared-blobs"
    pressdocs(postgres_url, blobs, "plan", "import",
              str(Path(__file__).resolve().parents[1] / "examples" / "notice_2021.txt"))
    on_sqlite = pressdocs(str(planned), tmp_path, "batch", str(mail), "--json", "--notify")
    # two reading workers: they open the same database and blobs folder as the batch
    on_postgres = pressdocs(postgres_url, blobs, "batch", str(mail), "--json", "--notify",
                            "--workers", "2")
    assert _comparable(on_postgres) == _comparable(on_sqlite)
    assert len(on_postgres["messages"]) == 5

    listed = pressdocs(postgres_url, blobs, "submissions", "list", "--json")
    expected = pressdocs(str(planned), tmp_path, "submissions", "list", "--json")
    assert listed["total"] == expected["total"] == 5
    assert sorted(s["id"] for s in listed["submissions"]) == \
        sorted(s["id"] for s in expected["submissions"])
    # the originals are in the blobs folder, by their sha256
    assert any(p.is_file() for p in (blobs / "blobs").rglob("*"))

    again = pressdocs(postgres_url, blobs, "batch", str(mail), "--json", "--notify")
    assert {m["status"] for m in again["messages"]} == {"duplicate"}
    outbox = pressdocs(postgres_url, blobs, "notices", "--json")
    expected_outbox = pressdocs(str(planned), tmp_path, "notices", "--json")
    assert sorted(n["key"] for n in outbox["notices"]) == \
        sorted(n["key"] for n in expected_outbox["notices"])  # each receipt queued once


def test_the_batch_lock_holds_across_processes_and_dies_with_its_holder(
        tmp_path: Path, postgres_url: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pressdocs.store import open_store
        store = open_store({postgres_url!r}, blobs={str(tmp_path / 'b')!r})
        with store.lock():
            print("held", flush=True)
            time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with open_store(postgres_url, blobs=tmp_path / "b") as store:
            with pytest.raises(StoreLocked) as refused, store.lock():
                pass
            assert f"{holder.pid}@" in refused.value.message.zh
            holder.send_signal(signal.SIGKILL)  # kill -9: the server ends its session
            holder.wait(10)
            deadline = time.monotonic() + 10
            while True:
                try:
                    with store.lock():
                        break
                except StoreLocked:
                    assert time.monotonic() < deadline, "the lock outlived its holder"
                    time.sleep(0.1)
    finally:
        holder.kill()
        holder.wait()


def test_a_password_in_the_location_works_is_warned_and_is_never_printed(
        tmp_path: Path, postgres_url: str) -> None:
    secret = "s3cret-口令-2021"
    with_password = postgres_url.replace("@", f":{secret}@", 1)  # trust: any password works
    env = {"PRESSDOCS_BLOBS": str(tmp_path)}
    done = run_pressdocs(["--store", with_password, "submissions", "list"], env=env)
    assert done.returncode == 0, done.stderr
    assert secret not in done.stdout + done.stderr
    assert "PGPASSWORD" in done.stderr  # the warning says where a password belongs
    server = postgres_url.split("@")[1].split("/")[0]
    failed = run_pressdocs(["--store", with_password.replace(server, "127.0.0.1:1"),
                            "submissions", "list"], env=env)
    assert failed.returncode != 0
    assert secret not in failed.stdout + failed.stderr
    assert "无法连接 PostgreSQL 数据存储 postgresql://pressdocs_admin:***@127.0.0.1:1/" \
        in failed.stderr
    assert "Traceback" not in failed.stderr
    assert len(failed.stderr.strip().splitlines()) <= 2  # the warning and one clear line


def test_without_psycopg_the_user_is_told_what_to_install(tmp_path: Path,
                                                          postgres_url: str) -> None:
    with mock.patch.dict(sys.modules, {"psycopg": None}), pytest.raises(StoreError) as missing:
        open_store(postgres_url, blobs=tmp_path)
    assert "pressdocs[postgresql]" in missing.value.message.zh


def test_the_schema_is_the_same_on_both_backends(tmp_path: Path, postgres_url: str) -> None:
    """Every table and column of a new SQLite store is in a new PostgreSQL store."""
    import psycopg

    with open_store(tmp_path / "s") as sqlite_store:
        assert isinstance(sqlite_store, SQLiteStore)
        conn = sqlite_store._db._conn
        assert conn is not None
        tables = [r[0] for r in conn.cursor().execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
        sqlite_columns = {(t, c[1]) for t in tables
                          for c in conn.cursor().execute(f"PRAGMA table_info({t})").fetchall()}
        version = sqlite_store.schema_version
    with open_store(postgres_url, blobs=tmp_path / "b") as pg_store:
        assert pg_store.schema_version == version
    with psycopg.connect(postgres_url) as pg:
        pg_columns = set(pg.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public'").fetchall())
    assert sqlite_columns == pg_columns


def test_the_audit_trail_is_append_only_in_postgresql_too(postgres_url: str,
                                                          tmp_path: Path) -> None:
    assert postgres_ddl("CREATE INDEX a ON b (c)") == ("CREATE INDEX a ON b (c)",)
    import psycopg

    with open_store(postgres_url, blobs=tmp_path):
        pass
    with psycopg.connect(postgres_url, autocommit=True) as pg:
        pg.execute("INSERT INTO audit (at, actor, action, subject, previous, state, text, "
                   "data) VALUES ('2021-06-30T00:00:00.000000Z', 'a', 'b', 'c', '', '', '', "
                   "'{}')")
        for statement in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
            with pytest.raises(psycopg.IntegrityError, match="append-only"):
                pg.execute(statement)
    assert os.path.isdir(tmp_path / "blobs")
