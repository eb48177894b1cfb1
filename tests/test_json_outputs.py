"""Every ``--json`` output, as a real run produces it, matches the schema ``pressdocs schema``
prints for it, and every finding in any of them has the one shape of the finding schema.

An integrator reads these outputs with the published schemas in hand; what matters is
that real output — the demo mailbox taken in, run again, reprocessed, checked, parsed,
the plan's state and the annual check — validates, not a hand-made example.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from cli_support import (
    assert_one_finding_shape,
    demo_mailbox_with_plan,
    invoke,
    json_of,
)
from conftest import SEED
from pressdocs import schemas


def outcome_validator() -> Draft202012Validator:
    """A validator for one entry of the batch report (``batch.json#/$defs/Outcome``),
    with every published schema in its registry."""
    registry: Registry[Any] = Registry().with_resources(
        (schemas.BASE_URI + f"{n}.json", Resource.from_contents(schemas.load(n)))
        for n in schemas.ALL_SCHEMAS)
    return Draft202012Validator({"$ref": schemas.BASE_URI + "batch.json#/$defs/Outcome"},
                                registry=registry, format_checker=FormatChecker())


# --- a store with the plan, the demo mailbox ----------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo mailbox, and a store holding the city's plan (imported with the CLI)."""
    return demo_mailbox_with_plan(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def taken(demo: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[Path, dict[str, Any]]:
    """The demo mailbox taken in with ``batch --json``: the store and the report."""
    mail, planned = demo
    store = Path(shutil.copytree(planned, tmp_path_factory.mktemp("taken") / "store"))
    return store, json_of(["--store", str(store), "batch", str(mail), "--json"])


def test_schema_batch_prints_the_schema() -> None:
    printed = json_of(["schema", "batch"])
    assert printed == schemas.load("batch")
    assert printed["$id"].endswith("/batch.json")
    listing = invoke(["schema"])
    assert listing.exit_code == 0
    listed = [line.split("\t")[0] for line in listing.output.splitlines()]
    assert listed == list(schemas.ALL_SCHEMAS)
    for name in schemas.OUTPUT_SCHEMA_NAMES:
        assert json_of(["schema", name]) == schemas.load(name)


def test_batch_json(taken: tuple[Path, dict[str, Any]]) -> None:
    report = taken[1]
    schemas.validate("batch", report)
    assert (report["seen"], report["new"]) == (5, 5)
    assert {m["status"] for m in report["messages"]} == {
        "accepted", "incomplete", "unrelated"}
    assert assert_one_finding_shape(report) >= 5
    # each registration found its plan item, and the report says why
    matched = {m["plan_item"]: m["plan_match"] for m in report["messages"] if m["plan_match"]}
    assert sorted(matched) == [2, 11]
    assert matched[11]["unit"] == "市统计局" and matched[11]["title"] == "2021年一季度全市经济运行"
    assert matched[11]["score"] == 1.0 and matched[11]["months"] == 0
    assert all(m["plan_match"] is None for m in report["messages"] if m["plan_item"] is None)


def test_batch_json_again_reports_duplicates(demo: tuple[Path, Path],
                                             taken: tuple[Path, dict[str, Any]]) -> None:
    again = json_of(["--store", str(taken[0]), "batch", str(demo[0]), "--json"])
    schemas.validate("batch", again)
    assert (again["seen"], again["new"]) == (5, 0)
    assert {m["status"] for m in again["messages"]} == {"duplicate"}
    assert assert_one_finding_shape(again) == assert_one_finding_shape(taken[1])


def test_batch_dry_run_json(demo: tuple[Path, Path], tmp_path: Path) -> None:
    store = Path(shutil.copytree(demo[1], tmp_path / "store"))
    report = json_of(["--store", str(store), "batch", str(demo[0]), "--dry-run", "--json"])
    schemas.validate("batch", report)
    assert report["dry_run"] is True and report["new"] == 5
    assert_one_finding_shape(report)


def test_batch_jsonl_lines_are_outcomes(demo: tuple[Path, Path], tmp_path: Path) -> None:
    store = Path(shutil.copytree(demo[1], tmp_path / "store"))
    result = invoke(["--store", str(store), "batch", str(demo[0]), "--jsonl"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    validator = outcome_validator()
    entries = []
    for line in lines:
        entry = json.loads(line)
        errors = [e.message for e in validator.iter_errors(entry)]
        assert errors == [], (errors, entry)
        entries.append(entry)
    assert assert_one_finding_shape(entries) >= 5
    # the same entries as the whole report gives (ids are the messages' sha256)
    report = json_of(["--store", str(store), "batch", str(demo[0]), "--json"])
    assert sorted(e["submission_id"] for e in entries) == sorted(
        m["submission_id"] for m in report["messages"])


def test_outcome_validator_refuses_a_wrong_entry(taken: tuple[Path, dict[str, Any]]) -> None:
    """The check above is not hollow: a wrong entry fails it."""
    entry = dict(taken[1]["messages"][0], status="done")
    assert list(outcome_validator().iter_errors(entry))


def test_reprocess_json(taken: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    store = Path(shutil.copytree(taken[0], tmp_path / "store"))
    report = json_of(["--store", str(store), "reprocess", "--json"])
    schemas.validate("batch", report)
    assert (report["source"], report["seen"], report["new"]) == ("reprocess", 5, 5)
    assert assert_one_finding_shape(report) == assert_one_finding_shape(taken[1])
    chosen = json_of(["--store", str(store), "reprocess", "--status", "incomplete", "--json"])
    schemas.validate("batch", chosen)
    assert {m["status"] for m in chosen["messages"]} == {"incomplete"}


def test_validate_json_with_a_missing_path(taken: tuple[Path, dict[str, Any]],
                                           demo: tuple[Path, Path], tmp_path: Path) -> None:
    missing = tmp_path / "没有这个文件.docx"
    mails = sorted(str(p) for p in demo[0].iterdir())
    out = json_of(["--store", str(taken[0]), "validate", "--json", *mails, str(missing)],
                  exit_code=2)
    schemas.validate("validate", out)
    assert [e["input"] for e in out] == [*mails, str(missing)]
    assert out[-1]["status"] == "error" and out[-1]["plan_match"] is None
    assert [f["code"] for f in out[-1]["findings"]] == ["PD901"]
    assert [(e["plan_item"], e["plan_match"]["item"]) for e in out if e["plan_match"]] == [
        (11, 11), (2, 2)]
    assert assert_one_finding_shape(out) >= 6


def test_parse_json_forms_a_damaged_file_and_a_missing_one(tmp_path: Path) -> None:
    paths = []
    for form, name in (("registration", "登记表.docx"), ("statistics", "统计表.xlsx"),
                       ("plan", "计划安排.docx")):
        written = invoke(["forms", form, "-o", str(tmp_path / name), "--year", "2021"])
        assert written.exit_code == 0, written.output
        paths.append(tmp_path / name)
    damaged = tmp_path / "截断.docx"
    damaged.write_bytes(paths[0].read_bytes()[:2000])
    missing = tmp_path / "不存在.pdf"
    out = json_of(["parse", "--json", *map(str, [*paths, damaged, missing, SEED])],
                  exit_code=2)
    schemas.validate("parse", out)
    by_file = {Path(e["file"]).name: e for e in out}
    assert [by_file[n]["kind"] for n in ("登记表.docx", "统计表.xlsx", "计划安排.docx")] == [
        "registration", "statistics", "plan"]
    assert by_file["截断.docx"]["error"] and by_file["不存在.pdf"]["error"]
    assert "不存在.pdf" in by_file["不存在.pdf"]["error"]
    assert by_file[SEED.name]["kind"] == "plan" and by_file[SEED.name]["error"] is None


def test_plan_status_json(taken: tuple[Path, dict[str, Any]]) -> None:
    for day in ("2021-04-01", "2021-06-30", "2022-01-15"):
        report = json_of(["--store", str(taken[0]), "plan", "status", "--as-of", day, "--json"])
        schemas.validate("plan-status", report)
        assert report["as_of"] == day and len(report["items"]) == 74


@pytest.mark.parametrize(("day", "over"), [("2021-06-30", False), ("2022-02-01", True)])
def test_report_annual_json(taken: tuple[Path, dict[str, Any]], day: str, over: bool) -> None:
    report = json_of(["--store", str(taken[0]), "report", "annual", "2021", "--as-of", day,
                      "--json"])
    schemas.validate("annual", report)
    assert report["year_over"] is over
    assert (report["PD404"] is None) is not over
    assert report["planned"] == 74
