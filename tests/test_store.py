"""The store: blobs, the message ledger, submissions, plan, notices, conference records.

Process-level behaviour (kill -9, the batch lock, concurrent runs) is in
``test_store_processes.py``; schema versions in ``test_store_migrations.py``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from pressdocs.errors import ClaimLost, StoreError
from pressdocs.models import (
    Document,
    DocumentKind,
    Finding,
    Location,
    MaterialsPackage,
    Message,
    Notice,
    Person,
    Plan,
    PlanItem,
    PressRelease,
    QAPair,
    Registration,
    Severity,
    Speaker,
    StatisticsReport,
    StatisticsRow,
    Submission,
    SubmissionKind,
    SubmissionStatus,
)
from pressdocs.store import DeliveryStatus, MessageState, Store, open_store

CST = timezone(timedelta(hours=8))


@pytest.fixture
def store(store_location: str, tmp_path: Path) -> Iterator[Store]:
    """A new store of each backend (SQLite; PostgreSQL, its files in a folder)."""
    with open_store(store_location, blobs=tmp_path / "pressdocs-data") as opened:
        yield opened


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def submission(raw: bytes, **changes: Any) -> Submission:
    """A submission as the pipeline would make it: a registration plus materials."""
    picture = Document(name="发布会现场.jpg", media_type="image/jpeg", size=48_213,
                       sha256=sha(b"jpeg"), kind=DocumentKind.PICTURE, confidence=0.9,
                       origin="package", container="发布会材料.zip",
                       path="发布会材料/发布会现场.jpg")
    made = Submission(
        id=sha(raw),
        source="imaps://whxwtg@163.com@imap.163.com/INBOX;UIDVALIDITY=5;UID=7",
        message_id="20210301.1234@fgw.wuhu.gov.cn",
        subject="关于召开2021年一季度经济运行新闻发布会的登记表及材料",
        sender="fgw@wuhu.gov.cn",
        sender_name="市发展改革委",
        received=datetime(2021, 3, 1, 9, 30, tzinfo=CST),
        kind=SubmissionKind.BOTH,
        status=SubmissionStatus.INCOMPLETE,
        unit="市发展改革委",
        plan_item=12,
        plan_year=2021,
        documents=[
            Document(name="附件2：新闻发布会登记表.docx",
                     media_type="application/vnd.openxmlformats-officedocument"
                                ".wordprocessingml.document",
                     size=23_456, sha256=sha(b"docx"), kind=DocumentKind.REGISTRATION,
                     confidence=0.97),
            picture,
        ],
        registration=Registration(
            title="2021年一季度全市经济运行情况新闻发布会", organiser="市发展改革委",
            person_in_charge=Person(name="张喆", phone="0553-3831234转801", position="副主任"),
            time=datetime(2021, 3, 4, 10, 0, tzinfo=CST), time_text="2021年3月4日上午10:00",
            venue="市政府新闻发布厅", media=["芜湖日报", "大江晚报"],
            filing_unit="市发展改革委", filing_date=date(2021, 3, 1)),
        materials=MaterialsPackage(
            press_release=PressRelease(title="一季度经济运行", body="今年以来……", chars=1180),
            qa=[QAPair(question="一季度GDP增速如何？", answer="同比增长……", answer_chars=320)],
            pictures=[picture]),
        statistics=StatisticsReport(rows=[StatisticsRow(
            number=1, held_on=date(2021, 2, 7), unit="三山经开区", media=["芜湖日报"],
            speakers=[Speaker(name="李华", position="主任")], questions_allowed=True,
            question_count=3)]),
        findings=[Finding(code="PD101", severity=Severity.ERROR,
                          message=Message.literal("登记表晚于发布会前3天送达", "registration late"),
                          location=Location(document="附件2：新闻发布会登记表.docx",
                                            field="举办时间"),
                          clause="提前3天报送市新闻办")],
    )
    return dataclasses.replace(made, **changes)


# --- blobs ----------------------------------------------------------------------------------


def test_blob_is_kept_under_its_sha256_and_comes_back_identical(store: Store) -> None:
    data = "登记表\r\n".encode("gb18030") + bytes(range(256))
    digest = store.put_blob(data)
    assert digest == sha(data)
    assert store.blob_path(digest) == store.path / "blobs" / digest[:2] / digest[2:]
    assert store.has_blob(digest)
    assert store.get_blob(digest) == data
    assert not store.blob_path(digest).stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP)


def test_existing_blob_is_not_rewritten(store: Store) -> None:
    digest = store.put_blob(b"original bytes")
    before = store.blob_path(digest).stat()
    assert store.put_blob(b"original bytes") == digest
    assert store.put_blob_stream([b"original ", b"bytes"]) == (digest, 14)
    after = store.blob_path(digest).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not list((store.path / "blobs").glob(".tmp-*"))


def test_streamed_blob_is_not_held_in_memory(store: Store) -> None:
    chunk_size, count = 1 << 20, 50

    def video() -> Iterator[bytes]:  # 50 MB, generated lazily
        for i in range(count):
            yield bytes([i]) * chunk_size

    expected = hashlib.sha256()
    for chunk in video():
        expected.update(chunk)

    tracemalloc.start()
    try:
        digest, size = store.put_blob_stream(video())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (digest, size) == (expected.hexdigest(), chunk_size * count)
    assert store.blob_path(digest).stat().st_size == chunk_size * count
    assert peak < 5 * chunk_size, f"peak {peak / 1e6:.1f} MB for a 50 MB blob"


def test_blob_writer_that_fails_keeps_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.blob_writer() as writer:
        writer.write(b"half a video")
        raise RuntimeError("connection lost")
    assert not store.has_blob(sha(b"half a video"))
    assert not list((store.path / "blobs").glob(".tmp-*"))


def test_deferred_blobs_are_readable_at_once_and_in_place_after_the_commit(
        store: Store) -> None:
    """Blobs written together are flushed together: readable while pending, in their
    sha256 folder once the commit that names them is done, nothing left behind."""
    pictures = [f"picture {i}".encode() for i in range(5)]
    raw = b"message with five pictures"
    record = store.record_message(raw, source_key=KEY)
    with store.deferred_blobs():
        digests = [store.put_blob(p) for p in pictures]
        assert [store.get_blob(d) for d in digests] == pictures
        assert store.put_blob(pictures[0]) == digests[0]  # written once
        with store.transaction():
            store.mark_processed(record.id, submission(raw))
        blobs = store.path / "blobs"
        for digest, data in zip(digests, pictures, strict=True):
            assert (blobs / digest[:2] / digest[2:]).read_bytes() == data
        assert not list(blobs.glob(".tmp-*"))


def test_deferred_blobs_of_a_failed_message_are_dropped(store: Store) -> None:
    with pytest.raises(RuntimeError), store.deferred_blobs():
        digest = store.put_blob(b"half a message's attachment")
        assert store.has_blob(digest)
        raise RuntimeError("the pipeline crashed")
    assert not store.has_blob(digest)
    assert not list((store.path / "blobs").glob(".tmp-*"))


def test_no_row_commits_when_its_blobs_cannot_reach_the_disk(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk while the blobs are put in place: the commit that names them does not
    happen, and the message stays unprocessed for the next run."""
    raw = b"registration mail"
    record = store.record_message(raw, source_key=KEY)
    real_replace = os.replace

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(StoreError, match="No space left on device"), store.deferred_blobs():
        store.put_blob(b"a picture")
        monkeypatch.setattr(os, "replace", disk_full)
        with store.transaction():
            store.mark_processed(record.id, submission(raw))
    monkeypatch.setattr(os, "replace", real_replace)
    assert store.get_submission(sha(raw)) is None
    assert [m.id for m in store.unprocessed_messages()] == [record.id]
    assert not store.has_blob(sha(b"a picture"))
    assert not list((store.path / "blobs").glob(".tmp-*"))


def test_missing_or_malformed_blob_is_a_clear_error(store: Store) -> None:
    absent = sha(b"never stored")
    with pytest.raises(StoreError, match=f"没有内容 {absent}"):
        store.get_blob(absent)
    with pytest.raises(StoreError, match="不是有效的 sha256"):
        store.blob_path("../../etc/passwd")


# --- the message ledger ---------------------------------------------------------------------

KEY = "imaps://whxwtg%40163.com@imap.163.com/INBOX;UIDVALIDITY=5;UID=7"
OTHER_KEY = "imaps://whxwtg%40163.com@imap.163.com/&g0l6P3ux-;UIDVALIDITY=9;UID=1"


@pytest.mark.parametrize(("first", "again"), [
    pytest.param(dict(raw=b"From: a\r\n\r\nbody", source_key=KEY),
                 dict(raw=b"From: a\r\n\r\nbody", source_key=OTHER_KEY),
                 id="same bytes, no Message-ID, second folder"),
    pytest.param(dict(raw=b"first fetch", source_key=KEY),
                 dict(raw=b"refetched with other bytes", source_key=KEY),
                 id="same source key"),
])
def test_ledger_takes_each_message_in_once(store: Store, first: dict[str, Any],
                                            again: dict[str, Any]) -> None:
    record = store.record_message(**first)
    found = store.find_message(sha256=sha(again["raw"]), message_id=again.get("message_id"),
                               source_key=again.get("source_key"))
    assert found is not None and found.id == record.id
    assert store.record_message(**again).id == record.id
    assert [m.id for m in store.unprocessed_messages()] == [record.id]


def test_second_folder_is_remembered_and_raw_bytes_archived(store: Store) -> None:
    raw = b"From: fgw@wuhu.gov.cn\r\nSubject: test\r\n\r\nbody"
    record = store.record_message(raw, source_key=KEY)
    assert store.get_blob(record.sha256) == raw
    assert record.state is MessageState.RECEIVED and record.size == len(raw)
    again = store.record_message(raw, source_key=OTHER_KEY)
    assert again.source_keys == (KEY, OTHER_KEY)
    # a mail source can ask by folder and UID alone, before downloading the message
    assert store.find_message(source_key=OTHER_KEY) == again
    assert store.find_message(source_key=KEY + "8") is None


def test_same_message_id_with_other_bytes_is_another_message(store: Store) -> None:
    # a duplicate is the same bytes: a Message-ID is a header anyone can write
    first = store.record_message(b"Message-ID: <x@y>\r\n\r\nbody", message_id="<x@y>")
    other = store.record_message(b"Message-ID: <x@y>\r\n\r\nanother body", message_id="x@y")
    assert first.id != other.id
    assert [m.id for m in store.messages_with_message_id("<x@y>")] == [first.id, other.id]
    assert store.find_message(message_id="x@y") == first
    assert [m.id for m in store.unprocessed_messages()] == [first.id, other.id]


def test_different_messages_without_message_id_are_kept_apart(store: Store) -> None:
    a = store.record_message(b"message a")
    b = store.record_message(b"message b")
    assert a.id != b.id
    assert store.find_message(sha256=sha(b"message c")) is None


def test_streamed_message_is_recorded_by_its_blob(store: Store) -> None:
    digest, size = store.put_blob_stream([b"Subject: big\r\n\r\n", b"x" * 1000])
    record = store.record_message(blob=digest, source_key=KEY)
    assert (record.sha256, record.size) == (digest, size)
    with pytest.raises(StoreError, match="请先保存原始邮件"):
        store.record_message(blob=sha(b"not stored"))


def test_mark_processed_saves_the_submission_and_closes_the_message(store: Store) -> None:
    raw = b"registration mail"
    record = store.record_message(raw, source_key=KEY)
    done = store.mark_processed(record.id, submission(raw))
    assert done.state is MessageState.PROCESSED and done.submission_id == sha(raw)
    assert store.unprocessed_messages() == []
    assert store.get_submission(sha(raw)) == submission(raw)


def test_mark_processed_is_all_or_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = b"registration mail"
    record = store.record_message(raw)
    run = store._db.run  # type: ignore[attr-defined]

    def disk_fails_at_the_last_step(statement: str, params: object = ()) -> object:
        if statement.startswith("UPDATE messages SET submission_id"):  # the last write
            raise StoreError("磁盘错误", "disk error")
        return run(statement, params)

    monkeypatch.setattr(store._db, "run", disk_fails_at_the_last_step)  # type: ignore[attr-defined]
    with pytest.raises(StoreError, match="磁盘错误"):
        store.mark_processed(record.id, submission(raw))
    monkeypatch.undo()
    assert store.get_submission(sha(raw)) is None
    assert store.documents(submission_id=sha(raw)) == []
    assert [m.id for m in store.unprocessed_messages()] == [record.id]


def test_a_claim_keeps_a_message_for_one_worker_until_it_runs_out(store: Store) -> None:
    record = store.record_message(b"claimed mail")
    assert store.claim_message(record.id, "w1", seconds=60)
    assert store.claimant(record.id) == "w1"
    assert not store.claim_message(record.id, "w2", seconds=60)  # w1's is running
    assert store.claim_message(record.id, "w1", seconds=0.3)  # renewed, shorter
    time.sleep(0.4)
    assert store.claimant(record.id) is None  # ran out: its worker died
    assert store.claim_message(record.id, "w2", seconds=60)
    assert not store.claim_message(record.id, "w3", seconds=60)
    assert store.claim_message(record.id, "w3", seconds=60, taking_over="w2")  # w2 is gone
    store.release_claims("w3")
    assert store.claimant(record.id) is None
    assert store.claim_message(record.id, "w4", seconds=60)


def test_a_processed_message_is_claimed_by_no_one_and_marked_once(store: Store) -> None:
    raw = b"raced mail"
    record = store.record_message(raw)
    assert store.claim_message(record.id, "w1", seconds=60)
    store.mark_processed(record.id, submission(raw))
    assert store.claimant(record.id) is None  # the mark ends the claim
    assert not store.claim_message(record.id, "w2", seconds=60)
    # a second batch whose claim had run out comes to commit too: nothing of it is kept
    with pytest.raises(ClaimLost):
        store.mark_processed(record.id, submission(raw, subject="另一个结果"))
    assert store.get_submission(sha(raw)) == submission(raw)
    assert store.submission_history(sha(raw)) == []
    # reprocessing on purpose replaces it, the earlier result kept in the history
    store.mark_processed(record.id, submission(raw, subject="重新处理"), again=True)
    assert store.get_submission(sha(raw)).subject == "重新处理"  # type: ignore[union-attr]
    assert len(store.submission_history(sha(raw))) == 1


def test_unknown_message_record_is_a_clear_error(store: Store) -> None:
    with pytest.raises(StoreError, match="没有编号为 42 的收件记录"):
        store.mark_processed(42, submission(b"x"))


# --- submissions ----------------------------------------------------------------------------


def test_submission_round_trip_and_queries(store: Store) -> None:
    early = submission(b"early", unit="三山经开区", kind=SubmissionKind.STATISTICS,
                       received=datetime(2021, 6, 30, 23, 59, tzinfo=CST))
    late = submission(b"late", received=datetime(2021, 7, 1, 0, 1, tzinfo=CST))
    undated = submission(b"undated", received=None, unit="三山经开区")
    for sub in (undated, late, early):
        store.save_submission(sub)

    assert store.get_submission(early.id) == early
    assert store.get_submission(sha(b"absent")) is None
    assert store.submissions() == [early, late, undated]
    assert store.submissions(unit="三山经开区") == [early, undated]
    assert store.submissions(kind="statistics") == [early]
    assert store.submissions(status=SubmissionStatus.INCOMPLETE, unit="市发展改革委") == [late]
    july = datetime(2021, 7, 1, tzinfo=CST)  # 2021-06-30T16:00Z
    assert store.submissions(since=july) == [late]
    assert store.submissions(until=july) == [early]
    with pytest.raises(ValueError):
        store.submissions(kind="登记表")


def test_saving_again_replaces_documents_and_findings(store: Store) -> None:
    first = submission(b"mail")
    store.save_submission(first)
    assert [d.name for _, d in store.documents(submission_id=first.id)] == [
        "附件2：新闻发布会登记表.docx", "发布会现场.jpg"]
    assert store.documents(sha256=sha(b"jpeg")) == [(first.id, first.documents[1])]
    assert store.findings(code="PD101") == [(first.id, first.findings[0])]

    fixed = submission(b"mail", status=SubmissionStatus.ACCEPTED, findings=[],
                       documents=first.documents[:1])
    store.save_submission(fixed)
    assert store.get_submission(first.id) == fixed
    assert store.documents(sha256=sha(b"jpeg")) == []
    assert store.findings(submission_id=first.id) == []


# --- the annual plan ------------------------------------------------------------------------


def test_plan_is_saved_and_replaced_by_year(store: Store) -> None:
    plan = Plan(year=2021, title="2021年新闻发布会计划安排", source="附件1.docx", items=[
        PlanItem(number=1, venue="市政府新闻发布厅", month=3, topic="“十四五”规划解读",
                 units=["市发展改革委"]),
        PlanItem(number=10, venue="市政府新闻发布厅", month=5, topic="乡村振兴《政策》",
                 units=["市财政局", "市农业农村局"]),
    ])
    store.save_plan(plan)
    store.save_plan(Plan(year=2022, items=[]))
    assert store.get_plan(2021) == plan
    assert store.plan_years() == [2021, 2022]

    revised = Plan(year=2021, title=plan.title, items=plan.items[1:])
    store.save_plan(revised)
    assert store.get_plan(2021) == revised
    assert store.get_plan(2020) is None


# --- notices --------------------------------------------------------------------------------


def notice(key: str) -> Notice:
    return Notice(key=key, channel="email", recipients=["fgw@wuhu.gov.cn"],
                  template="late_registration", context={"days": 2, "标题": "一季度经济运行"},
                  unit="市发展改革委", submission_id=sha(b"mail"))


def test_notice_is_recorded_once_and_its_delivery_tracked(store: Store) -> None:
    assert store.record_notice(notice("late:abc")) is True
    assert store.record_notice(notice("late:abc")) is False
    assert store.record_notice(notice("late:def")) is True
    assert store.notice_state("late:abc") == "pending"
    assert store.notice_state("never") is None
    assert [n.key for n in store.pending_notices()] == ["late:abc", "late:def"]

    store.set_delivery("late:abc", DeliveryStatus.SENDING)
    assert [n.key for n in store.pending_notices()] == ["late:def"]
    store.set_delivery("late:abc", "failed", "554 DT:SPM")
    store.set_delivery("late:abc", "sent", "250 Mail OK")
    record = store.notice_record("late:abc")
    assert record is not None
    assert (record.status, record.detail, record.attempts) == ("sent", "250 Mail OK", 2)
    assert record.notice == notice("late:abc")
    assert store.record_notice(notice("late:abc")) is False
    assert [r.notice.key for r in store.notice_records("sent")] == ["late:abc"]

    with pytest.raises(StoreError, match="没有键为 nope 的通知"):
        store.set_delivery("nope", "sent")
    with pytest.raises(ValueError):
        store.set_delivery("late:def", "delivered-ish")


def test_a_notice_is_taken_for_sending_by_one_process(store: Store) -> None:
    store.record_notice(notice("late:abc"))
    assert store.take_notice("late:abc") is True
    assert store.notice_state("late:abc") == "sending"
    assert store.take_notice("late:abc") is False  # another notify run: not twice
    store.set_delivery("late:abc", "failed", "421 try later")
    assert store.take_notice("late:abc") is True  # a failure is tried again, once
    store.set_delivery("late:abc", "sent", "250 Mail OK")
    assert store.take_notice("late:abc") is False
    assert store.take_notice("never") is False


# --- conferences --------------------------------------------------------------------------


def test_conferences_are_those_the_kept_submissions_tell_of(store: Store) -> None:
    """A registration's conference (on its day, with its plan item) and each dated row of a
    statistics table, kept with their submission and asked for by year, unit and time."""
    sub = submission(b"reg")
    store.save_submission(sub)
    found = store.conferences(year=2021)
    assert [(c.source, c.unit, c.title, c.held_on, c.plan_item) for c in found] == [
        ("statistics", "三山经开区", "", date(2021, 2, 7), None),
        ("registration", "市发展改革委", "2021年一季度全市经济运行情况新闻发布会",
         date(2021, 3, 4), 12)]
    assert [c.source for c in store.conferences(unit="三山经开区")] == ["statistics"]
    assert store.conferences(year=2022) == []
    assert store.conferences(known_by=datetime(2021, 2, 28, tzinfo=CST)) == []  # not yet sent
    assert len(store.conferences(known_by=datetime(2021, 3, 1, 9, 30, tzinfo=CST))) == 2


def test_a_corrected_submission_tells_of_its_conference_no_more(store: Store) -> None:
    first = submission(b"reg", statistics=None)
    store.save_submission(first)
    moved = dataclasses.replace(first.registration, time=datetime(2021, 3, 18, 10, tzinfo=CST))
    correction = submission(b"corrected", statistics=None, registration=moved,
                                 corrects=first.id, kind=SubmissionKind.CORRECTION,
                                 received=datetime(2021, 3, 10, 9, tzinfo=CST))
    store.save_submission(correction)
    assert [c.held_on for c in store.conferences()] == [date(2021, 3, 18)]
    # as the office knew it before the correction arrived
    before = store.conferences(known_by=datetime(2021, 3, 5, tzinfo=CST))
    assert [c.held_on for c in before] == [date(2021, 3, 4)]


def test_a_replaced_submission_keeps_its_earlier_result(store: Store) -> None:
    sub = submission(b"reg")
    store.save_submission(sub)
    assert store.submission_history(sub.id) == []
    again = dataclasses.replace(sub, status=SubmissionStatus.ACCEPTED, findings=[])
    store.save_submission(again)
    [earlier] = store.submission_history(sub.id)
    assert earlier.submission == sub and earlier.replaced >= earlier.saved
    assert store.get_submission(sub.id) == again
    assert len(store.conferences()) == 2  # replaced, not added


# --- opening ----------------------------------------------------------------------------------


def test_store_directory_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "pressdocs-data"
    target.write_text("not a folder")
    with pytest.raises(StoreError, match="不是目录"):
        open_store(target)


def test_damaged_database_is_reported_not_a_traceback(tmp_path: Path) -> None:
    target = tmp_path / "pressdocs-data"
    target.mkdir()
    (target / "pressdocs.sqlite3").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="已损坏") as info:
        open_store(target)
    assert "restore it from a backup" in info.value.message.en


def test_closed_store_says_so(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.close()
    store.close()
    with pytest.raises(StoreError, match="已关闭"):
        store.plan_years()


def test_times_are_utc_and_aware(store: Store) -> None:
    record = store.record_message(b"x")
    assert record.received.tzinfo is UTC
    assert abs(datetime.now(UTC) - record.received) < timedelta(minutes=1)
    assert os.path.isfile(store.blob_path(record.sha256))
