"""``pressdocs store export`` / ``store import``: an office moved from SQLite to PostgreSQL
and back through a dump, with everything a user would look at the same on all three
stores; a damaged dump, a store that holds data, a schema of another version refused in
one clear line before anything is written.

A real batch of the demo mailbox, real review decisions, a real PostgreSQL server (the
throwaway cluster of tests/pgservers.py on loopback).
"""

from __future__ import annotations

import filecmp
import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from cli_support import HAN, demo_mailbox_with_plan, invoke
from pressdocs import Pressdocs
from pressdocs.errors import StoreError
from pressdocs.store import dump as dump_module
from pressdocs.store import open_store
from pressdocs.store.dump import TABLES, export_store, import_store, read_manifest
from pressdocs.store.migrations import LATEST


def run(store: str, *args: str, blobs: Path | None = None, code: int = 0) -> Any:
    """``pressdocs --store STORE ARGS``: its JSON (with --json) or its output."""
    env = {"PRESSDOCS_BLOBS": str(blobs)} if blobs is not None else None
    done = invoke(["--store", store, *args], env=env)
    assert done.exit_code == code, done.output
    return json.loads(done.stdout) if "--json" in args else done


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A SQLite store after a real batch (receipts queued), an account, review decisions
    and a plan mark (so the audit trail, reviews, waivers and plan marks hold rows), and
    the mailbox it was taken in from."""
    root = tmp_path_factory.mktemp("office")
    mail, store = demo_mailbox_with_plan(root)
    run(str(store), "batch", str(mail), "--notify")
    with Pressdocs(store=store) as pd:
        pd.add_user("李处长", "a-long-password", role="reviewer", by="admin")
        listed = pd.submissions().items
        accepted = [s for s in listed if s.status.value == "accepted"]
        incomplete = [s for s in listed if s.status.value == "incomplete"]
        pd.approve(accepted[0].id, opinion="同意召开", by="李处长")
        finding = pd.submission(incomplete[0].id).findings[0]
        pd.waive(incomplete[0].id, finding.code, note="原则上，本次例外", by="李处长")
        pd.mark_plan_item(3, "cancelled", reason="工作调整", year=2021, by="李处长")
    return {"mail": mail, "store": store}


def views(store: str, blobs: Path | None = None) -> dict[str, Any]:
    """What a user looks at: the inbox, each submission in full, the outbox, the audit."""
    listed = run(store, "submissions", "list", "--limit", "0", "--json", blobs=blobs)
    shown = {s["id"]: run(store, "submissions", "show", s["id"], "--json", blobs=blobs)
             for s in listed["submissions"]}
    return {"list": listed, "show": shown,
            "notices": run(store, "notices", "--json", blobs=blobs),
            "audit": run(store, "audit", "--json", blobs=blobs)}


def table_files(dump: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((dump / "tables").iterdir())}


def blob_names(folder: Path) -> list[str]:
    return sorted(p.parent.name + p.name for p in folder.glob("??/*"))


def test_an_office_moves_from_sqlite_to_postgresql_and_back(
        office: dict[str, Any], tmp_path: Path, postgres_url: str) -> None:
    store, mail = str(office["store"]), office["mail"]
    first, second, third = tmp_path / "d1", tmp_path / "d2", tmp_path / "d3"
    exported = run(store, "store", "export", str(first))
    assert "已导出到" in exported.output and "submissions：5 行" in exported.output
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema_version"] == LATEST and manifest["backend"] == "sqlite"
    rows = {t["name"]: t["rows"] for t in manifest["tables"]}
    assert rows["submissions"] == 5 and rows["audit"] >= 3 and rows["accounts"] == 1
    assert rows["notices"] >= 1 and rows["reviews"] == 1 and rows["waivers"] == 1
    assert len(manifest["blobs"]) == len(blob_names(first / "blobs")) > 5

    pg_blobs = tmp_path / "pg-blobs"
    imported = run(postgres_url, "store", "import", str(first), blobs=pg_blobs)
    assert "已从" in imported.output and "postgresql://" in imported.output
    run(postgres_url, "store", "export", str(second), blobs=pg_blobs)
    sqlite_again = str(tmp_path / "again")
    run(sqlite_again, "store", "import", str(second))
    run(sqlite_again, "store", "export", str(third))

    # the same bytes, whatever backend wrote them
    assert table_files(second) == table_files(first)
    assert table_files(third) == table_files(first)
    assert blob_names(second / "blobs") == blob_names(first / "blobs")
    assert not filecmp.dircmp(first / "blobs", third / "blobs").diff_files
    # the same inbox, submissions, outbox and audit trail on all three
    before = views(store)
    assert views(postgres_url, pg_blobs) == before
    assert views(sqlite_again) == before
    assert len(before["list"]["submissions"]) == 5

    # the mailbox again: every message known, nothing processed twice
    for location, blobs in ((postgres_url, pg_blobs), (sqlite_again, None)):
        again = run(location, "batch", str(mail), "--json", blobs=blobs)
        assert {m["status"] for m in again["messages"]} == {"duplicate"}, location
    # ids go on after the imported ones (PostgreSQL's identity sequences were moved)
    with Pressdocs(store=postgres_url) as pd:
        last = pd.audit()[-1].id
        pd.mark_plan_item(4, "cancelled", reason="延后", year=2021, by="李处长")
        assert pd.audit()[-1].id == last + 1


def test_a_dump_is_read_in_one_snapshot(store_location: str, tmp_path: Path) -> None:
    """A decision recorded while the export is under way is in the dump either wholly or
    not at all: here, after the first table was written, not at all."""
    blobs = tmp_path / "blobs"
    with open_store(store_location, blobs=blobs) as store:
        store.record_audit(actor="admin", action="add_user", subject="user:a")
    written = dump_module._write_table
    late: list[int] = []

    def write_then_decide(*args: Any, **kwargs: Any) -> dict[str, Any]:
        result = written(*args, **kwargs)
        if not late:  # another connection, as another process would
            def decide() -> None:
                with open_store(store_location, blobs=blobs) as other:
                    late.append(other.record_audit(actor="b", action="approve",
                                                   subject="x").id)
            worker = threading.Thread(target=decide)
            worker.start()
            worker.join(30)
        return result

    with open_store(store_location, blobs=blobs) as store:
        dump_module._write_table = write_then_decide  # type: ignore[assignment]
        try:
            summary = export_store(store, tmp_path / "dump")
        finally:
            dump_module._write_table = written
    assert late, "the second connection could not write"
    assert summary.tables["audit"] == 1
    lines = (tmp_path / "dump" / "tables" / "audit.jsonl").read_text(encoding="utf-8")
    assert [json.loads(line)["actor"] for line in lines.splitlines()] == ["admin"]


def test_the_dump_knows_every_table_of_the_schema(store_location: str, tmp_path: Path) -> None:
    with open_store(store_location, blobs=tmp_path / "b") as store:
        have = dump_module._tables_of(dump_module._database(store))
    assert sorted(name for name, _ in TABLES) == have


@pytest.fixture
def dumped(office: dict[str, Any], tmp_path: Path) -> Path:
    dump = tmp_path / "dump"
    run(str(office["store"]), "store", "export", str(dump))
    return dump


def refused(dump: Path, target: Path, *more: str) -> str:
    """``store import`` refused: exit 2, one line, no traceback; the store left empty."""
    done = invoke(["--store", str(target), *more, "store", "import", str(dump)])
    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    listed = run(str(target), "submissions", "list", "--json")
    assert listed["total"] == 0  # nothing was written
    return done.stderr.strip()


def test_a_tampered_table_file_is_refused_naming_it(dumped: Path, tmp_path: Path) -> None:
    table = dumped / "tables" / "submissions.jsonl"
    data = table.read_bytes()
    table.write_bytes(data.replace("已受理".encode(), "不受理".encode(), 1)
                      if "已受理".encode() in data else data.replace(b"accepted", b"rejected", 1))
    said = refused(dumped, tmp_path / "new")
    assert str(table) in said and "已损坏或被修改" in said and HAN.search(said)
    said = refused(dumped, tmp_path / "new", "--lang", "en")
    assert str(table) in said and "damaged or was changed" in said and not HAN.search(said)


def test_a_truncated_table_file_is_refused_naming_it(dumped: Path, tmp_path: Path) -> None:
    table = dumped / "tables" / "audit.jsonl"
    table.write_bytes(table.read_bytes()[:-20])
    assert str(table) in refused(dumped, tmp_path / "new")


def test_a_tampered_blob_is_refused_naming_it(dumped: Path, tmp_path: Path) -> None:
    blob = sorted((dumped / "blobs").glob("??/*"))[0]
    blob.chmod(0o644)
    blob.write_bytes(blob.read_bytes() + b"x")
    said = refused(dumped, tmp_path / "new")
    assert str(blob) in said and "已损坏或被修改" in said
    assert not any((tmp_path / "new" / "blobs").glob("??/*"))  # no original was written


def test_a_missing_blob_is_refused_naming_it(dumped: Path, tmp_path: Path) -> None:
    blob = sorted((dumped / "blobs").glob("??/*"))[-1]
    blob.unlink()
    said = refused(dumped, tmp_path / "new")
    assert blob.parent.name + blob.name in said and "缺少原始文件" in said


def test_an_unfinished_or_damaged_manifest_is_refused(dumped: Path, tmp_path: Path) -> None:
    manifest = dumped / "manifest.json"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[: len(text) // 2], encoding="utf-8")
    assert "manifest.json" in refused(dumped, tmp_path / "new")
    manifest.unlink()
    said = refused(dumped, tmp_path / "new")
    assert "导出没有完成" in said and "manifest.json" in said


def test_a_dump_of_another_schema_version_is_refused(dumped: Path, tmp_path: Path) -> None:
    manifest_path = dumped / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for version, says in ((LATEST + 1, "更新版本"), (LATEST - 1, "较早版本")):
        manifest["schema_version"] = version
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
        said = refused(dumped, tmp_path / "new")
        assert says in said and f"{version}" in said and str(dumped) in said


def test_a_store_that_holds_data_is_refused(office: dict[str, Any], dumped: Path,
                                            tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(office["store"], copy)
    done = invoke(["--store", str(copy), "store", "import", str(dumped)])
    assert done.exit_code == 2
    assert "已有数据" in done.stderr and "只能导入到新的空数据存储" in done.stderr
    assert "Traceback" not in done.output
    assert run(str(copy), "submissions", "list", "--json")["total"] == 5  # untouched


def test_export_refuses_a_folder_that_holds_files(office: dict[str, Any],
                                                  tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    done = invoke(["--store", str(office["store"]), "--lang", "en", "store", "export",
                   str(target)])
    assert done.exit_code == 2 and "is not empty" in done.stderr
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    missing = invoke(["--store", str(tmp_path / "nothing"), "store", "export",
                      str(tmp_path / "d")])
    assert missing.exit_code == 2 and "没有数据存储" in missing.stderr
    assert not (tmp_path / "nothing").exists() and not (tmp_path / "d").exists()


def test_the_library_api(office: dict[str, Any], tmp_path: Path) -> None:
    with Pressdocs(store=office["store"]) as pd:
        summary = pd.export_store(tmp_path / "dump")
    assert summary.tables["submissions"] == 5 and summary.blobs > 5
    assert summary.to_dict()["rows"] == summary.rows
    assert read_manifest(tmp_path / "dump")["pressdocs"] == summary.pressdocs
    with Pressdocs(store=tmp_path / "new") as pd:
        loaded = pd.import_store(tmp_path / "dump")
        assert loaded.tables == summary.tables
        with pytest.raises(StoreError) as again:
            import_store(tmp_path / "dump", pd.store)
    assert "submissions" in again.value.message.en
