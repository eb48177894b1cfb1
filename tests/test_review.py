"""The review desk (审核) on the command line, over a store built by a real batch of the
demo mailbox: approving, returning (one correction request carrying the reasons),
waiving a finding for one submission, and the append-only audit trail (审计记录) that
every decision — the plan's cancellations too — is written to."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cli_support import HAN, demo_mailbox_with_plan, invoke, json_of
from pressdocs import Pressdocs, ReviewState, SubmissionKind, schemas


@pytest.fixture(scope="module")
def batched(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    """A store holding the plan and the demo mailbox, taken in once; submissions by unit
    and status (``"市人社局"``: incomplete, ``"市统计局"``: accepted)."""
    root = tmp_path_factory.mktemp("review")
    mail, store = demo_mailbox_with_plan(root)
    report = json_of(["--store", str(store), "batch", str(mail), "--json"])
    found = {}
    for m in report["messages"]:
        found.setdefault(m["unit"] or "-", m)
    return store, found


@pytest.fixture
def office(batched: tuple[Path, dict[str, dict[str, Any]]],
           tmp_path: Path) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """A fresh copy of the batched store: the CLI's leading arguments, and the submissions."""
    store = tmp_path / "store"
    shutil.copytree(batched[0], store)
    return ["--store", str(store)], batched[1]


def outbox(args: list[str]) -> list[dict[str, Any]]:
    listed = json_of([*args, "notices", "--json"])
    schemas.validate("notices", listed)
    return [n for n in listed["notices"] if n["type"] == "correction"]


def shown(args: list[str], submission: str) -> dict[str, Any]:
    data: dict[str, Any] = json_of([*args, "review", "show", submission, "--json"])
    schemas.validate("review", data)
    return data


def audit(args: list[str], *more: str) -> list[dict[str, Any]]:
    trail = json_of([*args, "audit", "--json", *more])
    schemas.validate("audit", trail)
    return list(trail["entries"])


def test_returning_queues_one_correction_request_with_the_reasons(office: Any) -> None:
    args, subs = office
    rsj = subs["市人社局"]
    assert rsj["status"] == "incomplete"
    before = len(outbox(args))
    result = invoke([*args, "review", "return", rsj["submission_id"][:8],
                     "--reason", "新闻发布稿超过字数", "--reason", "请补充答问口径", "--as", "王科长"])
    assert result.exit_code == 0, result.output
    assert "已退回提交" in result.output and "已排队补正通知 1 条" in result.output
    notices = outbox(args)
    assert len(notices) == before + 1
    notice = notices[-1]
    assert notice["unit"] == "市人社局" and notice["recipients"] == ["rsj@wuhu.gov.cn"]
    assert "退回原因" in notice["text"] and "新闻发布稿超过字数" in notice["text"]
    assert "请补充答问口径" in notice["text"]
    # the findings the reviewer kept are in it too, with the notice's clause
    assert "《通知》" in notice["text"]
    [entry] = audit(args)
    assert (entry["actor"], entry["action"], entry["action_label"]) == ("王科长", "return", "退回补正")
    assert (entry["previous"], entry["state"]) == ("incomplete", "returned")
    assert entry["subject"] == rsj["submission_id"]
    assert entry["data"]["reasons"] == ["新闻发布稿超过字数", "请补充答问口径"]
    assert entry["data"]["notices"] == [notice["key"]]
    data = shown(args, rsj["submission_id"][:8])
    assert (data["state"], data["state_label"]) == ("returned", "已退回")
    # returned twice is refused; nothing more is queued
    again = invoke([*args, "review", "return", rsj["submission_id"][:8], "--reason", "再次"])
    assert again.exit_code == 2 and "已经退回" in again.output
    assert len(outbox(args)) == before + 1 and len(audit(args)) == 1


def test_approving_records_the_opinion_and_date(office: Any) -> None:
    args, subs = office
    tjj = subs["市统计局"]
    assert tjj["status"] == "accepted"
    result = invoke([*args, "review", "approve", tjj["submission_id"][:10], "--opinion",
                     "同意召开", "--as", "李处长"])
    assert result.exit_code == 0, result.output
    assert "审批意见“同意召开”" in result.output and "李处长" in result.output
    data = shown(args, tjj["submission_id"])
    assert (data["state"], data["opinion"], data["decided_by"]) == \
        ("approved", "同意召开", "李处长")
    assert date.fromisoformat(data["decided_on"])
    [entry] = audit(args)
    assert (entry["action"], entry["previous"], entry["state"], entry["text"]) == \
        ("approve", "under_review", "approved", "同意召开")
    # the default opinion is 同意; approving twice is refused
    again = invoke([*args, "review", "approve", tjj["submission_id"][:10]])
    assert again.exit_code == 2 and "已经审批同意" in again.output


def test_a_waived_finding_is_shown_waived_and_no_longer_blocks_approval(office: Any) -> None:
    args, subs = office
    rsj = subs["市人社局"]
    sid = rsj["submission_id"][:8]
    errors = sorted({f["code"] for f in rsj["findings"] if f["severity"] == "error"})
    assert errors
    refused = invoke([*args, "review", "approve", sid])
    assert refused.exit_code == 2
    assert "还有未解决的错误" in refused.output and errors[0] in refused.output
    for code in errors:
        waived = invoke([*args, "review", "waive", sid, code.lower(), "--note", "原则上，本次同意",
                         "--as", "李处长"])
        assert waived.exit_code == 0, waived.output
        assert f"已豁免提交 {rsj['submission_id'][:12]} 的 {code}" in waived.output
    data = shown(args, sid)
    marks = {f["code"]: f["waived"] for f in data["findings"]}
    assert all(marks[c] is not None and marks[c]["note"] == "原则上，本次同意" and
               marks[c]["by"] == "李处长" for c in errors)
    assert data["waived"] == len(errors)
    assert all(m is None for c, m in marks.items() if c not in errors)
    text = invoke([*args, "review", "show", sid])
    assert "已豁免：原则上，本次同意（李处长" in text.output
    # the submissions register (收件登记簿) counts them as waived, in JSON and in CSV
    exported = invoke([*args, "export", "submissions", "--format", "json", "-o", "-"])
    register = json.loads(exported.stdout)
    schemas.validate("register", register)
    entry = next(e for e in register["submissions"] if e["id"] == rsj["submission_id"])
    assert entry["waived"] == [{"code": c, "note": "原则上，本次同意"} for c in errors]
    assert all(e["waived"] == [] for e in register["submissions"] if e is not entry)
    table = invoke([*args, "export", "submissions", "--format", "csv", "-o", "-"])
    assert f"{errors[0]} " in table.stdout and "（已豁免：原则上，本次同意）" in table.stdout
    # and the inbox's full view of the submission says so too
    detail = invoke([*args, "submissions", "show", sid, "--json"])
    full = json.loads(detail.stdout)
    schemas.validate("submission-detail", full)
    assert sorted(w["code"] for w in full["waivers"]) == errors
    assert all(w["by"] == "李处长" for w in full["waivers"])
    assert "已豁免：原则上，本次同意（李处长" in invoke([*args, "submissions", "show", sid]).output
    assert invoke([*args, "review", "approve", sid]).exit_code == 0
    actions = [e["action"] for e in audit(args)]
    assert actions == ["waive"] * len(errors) + ["approve"]
    # waiving the same code again is refused
    again = invoke([*args, "review", "waive", sid, errors[0], "--note", "再次"])
    assert again.exit_code == 2 and "已经豁免" in again.output


def test_what_cannot_be_done_is_said_in_chinese(office: Any) -> None:
    args, subs = office
    sid = subs["市人社局"]["submission_id"][:8]
    cases = [
        (["review", "approve", "ffffffff"], "数据存储中没有编号为 ffffffff 的提交"),
        (["review", "return", sid], "须写明原因"),
        (["review", "return", sid, "--reason", "  "], "须写明原因"),
        (["review", "waive", sid, "PD999", "--note", "x"], "没有核查结果 PD999"),
        (["review", "waive", sid, "PD101"], "须写明理由"),
    ]
    for command, said in cases:
        result = invoke([*args, *command])
        assert result.exit_code == 2, (command, result.output)
        assert said in result.output and "Traceback" not in result.output
        assert HAN.search(result.output)
    assert audit(args) == []
    english = invoke([*args, "--lang", "en", "review", "return", sid])
    assert english.exit_code == 2 and "say why submission" in english.output


def test_the_plan_cancellation_and_its_undoing_are_audited(office: Any) -> None:
    args, _ = office
    assert invoke([*args, "plan", "cancel", "5", "--reason", "与另一场合并召开",
                   "--as", "王科长"]).exit_code == 0
    assert invoke([*args, "plan", "cancel", "5", "--undo", "--as", "王科长"]).exit_code == 0
    # undoing what was not cancelled changes nothing and is not audited
    assert invoke([*args, "plan", "cancel", "5", "--undo"]).exit_code == 0
    trail = audit(args, "--subject", "plan:2021:5")
    assert [(e["action"], e["previous"], e["state"], e["text"]) for e in trail] == [
        ("plan_cancel", "planned", "cancelled", "与另一场合并召开"),
        ("plan_restore", "cancelled", "planned", "与另一场合并召开")]
    assert {e["actor"] for e in trail} == {"王科长"}
    assert audit(args, "--since", "2099-01-01") == []
    table = invoke([*args, "audit"])
    assert "取消计划项" in table.output and "plan:2021:5" in table.output


def test_the_audit_trail_is_append_only(office: Any) -> None:
    args, subs = office
    assert invoke([*args, "review", "approve", subs["市统计局"]["submission_id"][:8]]).exit_code == 0
    database = next(Path(args[1]).glob("*.sqlite*"))
    with sqlite3.connect(database) as db:
        for statement in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(statement)
    assert len(audit(args)) == 1


def test_the_library_says_the_review_state(office: Any) -> None:
    args, subs = office
    with Pressdocs(store=args[1]) as pd:
        rsj = pd.review(subs["市人社局"]["submission_id"])
        assert rsj.state is ReviewState.INCOMPLETE and rsj.state.zh == "待补正"
        tjj = pd.review(subs["市统计局"]["submission_id"])
        assert tjj.state is ReviewState.UNDER_REVIEW
        returned = pd.return_submission(rsj.submission.id, reasons=["缺少答问"],
                                        keep_findings=False, by="王科长")
        assert returned.state is ReviewState.RETURNED and returned.notices is not None
        schemas.validate("review", returned.to_dict("zh"))
        schemas.validate("review", returned.to_dict("en"))
        [outcome] = returned.notices.outcomes
        assert "缺少答问" in outcome.notice.context["text"]
        assert "《通知》" not in outcome.notice.context["text"]  # no findings kept
        assert [e.action for e in pd.audit()] == ["return"]


def test_a_corrected_submission_is_superseded_and_no_longer_reviewed(office: Any) -> None:
    args, subs = office
    with Pressdocs(store=args[1]) as pd:
        first = pd.submission(subs["市人社局"]["submission_id"])
        pd.store.save_submission(dataclasses.replace(first, id="e" * 64, corrects=first.id,
                                                     kind=SubmissionKind.CORRECTION))
        assert pd.review(first.id).state is ReviewState.SUPERSEDED
    for command in (["review", "approve", first.id[:8]],
                    ["review", "return", first.id[:8], "--reason", "x"],
                    ["review", "waive", first.id[:8], "PD101", "--note", "x"]):
        result = invoke([*args, *command])
        assert result.exit_code == 2 and "已被更正件取代" in result.output, result.output
    assert audit(args) == []
