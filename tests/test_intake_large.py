"""Large mail taken in without ever being held whole.

What the office would notice: a unit's materials message carrying a 200 MB video of the
conference is taken in like any other — the video recorded with its size and checksum,
its original kept byte for byte — while pressdocs' memory stays a small fraction of the
message; large IMAP messages are fetched in pieces; and memory does not grow with the
number of messages in the mailbox.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

import pytest

from imapservers import Dovecot
from mailcorpus import b64_body, b_word
from pressdocs import Config, Pressdocs
from pressdocs._pipeline import Pipeline
from pressdocs.builtin import source_imap
from pressdocs.builtin.source_files import MaildirSource
from pressdocs.builtin.source_imap import ImapSource
from pressdocs.capabilities import Context, RawMessage
from pressdocs.mail.stream import StreamLimits
from pressdocs.store import open_store
from submissions import message, png, press_release_docx, qa_docx, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
USER = "whxwtg@163.com"
VIDEO = "发布会现场视频.mp4"
MB = 1024 * 1024
_BLOCK = 57 * 18396  # about 1 MB, whole base64 lines of 76 characters


@dataclass(frozen=True)
class VideoMail:
    """A materials message on disk and what its video must come out as."""

    path: Path
    size: int
    sha256: str
    video_size: int
    video_sha256: str


class _Hashing:
    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.f.write(data)
        self.digest.update(data)
        self.size += len(data)


def _attachment(name: str, content_type: str, data: bytes | None = None) -> bytes:
    """A Foxmail-style attachment part (GB2312 encoded word inside the quotes)."""
    word = b_word(name, "gb2312", "gb18030")
    head = (f'Content-Type: {content_type};\r\n\tname="{word}"\r\n'
            "Content-Transfer-Encoding: base64\r\n"
            f'Content-Disposition: attachment;\r\n\tfilename="{word}"\r\n\r\n').encode()
    return head + (b64_body(data) + b"\r\n" if data is not None else b"")


def write_video_message(path: Path, video_size: int, *, seed: int = 7,
                        unit: str = "市文化和旅游局") -> VideoMail:
    """Write a unit's materials message — release, Q&A, three pictures and a video of
    ``video_size`` bytes — to ``path`` piece by piece: the video is never held whole."""
    boundary = "----=_001_NextPart572182624333_=----"
    video = hashlib.sha256()
    base = random.Random(seed).randbytes(_BLOCK)
    with path.open("wb") as raw:
        out = _Hashing(raw)
        out.write(textwrap.dedent(f"""\
            From: "{b_word(unit + '办公室', 'gb2312', 'gb18030')}" <wlj@wuhu.gov.cn>
            To: "whxwtg" <{USER}>
            Subject: {b_word(f'【{unit}】发布会材料（含现场视频）', 'gb2312', 'gb18030')}
            Date: Tue, 13 Apr 2021 16:20:00 +0800
            Message-ID: <video-{seed}@wuhu.gov.cn>
            X-Mailer: Foxmail 7.2.20.273[cn]
            Mime-Version: 1.0
            Content-Type: multipart/mixed;
            \tboundary="{boundary}"

            This is a multi-part message in MIME format.

            """).replace("\n", "\r\n").encode())
        parts = [
            b'Content-Type: text/plain;\r\n\tcharset="gb2312"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n"
            + b64_body("市新闻办：\r\n    发布会材料及现场视频见附件。\r\n".encode("gb18030")) + b"\r\n",
            _attachment("发布稿.docx", "application/octet-stream",
                        press_release_docx("全市文旅市场持续回暖")),
            _attachment("问答.docx", "application/octet-stream", qa_docx(2)),
            *(_attachment(f"图片{i}.png", "image/png", png(i, 8)) for i in (1, 2, 3)),
        ]
        for item in parts:
            out.write(f"--{boundary}\r\n".encode() + item)
        out.write(f"--{boundary}\r\n".encode() + _attachment(VIDEO, "video/mp4"))
        for number, start in enumerate(range(0, video_size, _BLOCK)):
            block = number.to_bytes(8, "big") + base[8:]
            if number == 0:
                block = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + block[16:]
            block = block[: video_size - start]
            video.update(block)
            out.write(base64.encodebytes(block).replace(b"\n", b"\r\n"))
        out.write(f"\r\n--{boundary}--\r\n".encode())
    return VideoMail(path, out.size, out.digest.hexdigest(), video_size, video.hexdigest())


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(MB):
            digest.update(chunk)
    return digest.hexdigest()


def _check_video(store_path: Path, mail: VideoMail) -> None:
    """The video was recorded with the right size and checksum, its blob byte-identical,
    and the raw message archived as it arrived."""
    with open_store(store_path) as store:
        docs = {doc.name: doc for _, doc in store.documents()}
        video = docs[VIDEO]
        assert (video.kind.value, video.media_type) == ("video", "video/mp4")
        assert (video.size, video.sha256) == (mail.video_size, mail.video_sha256)
        blob = store.blob_path(video.sha256)
        assert blob.stat().st_size == mail.video_size and _file_sha256(blob) == mail.video_sha256
        assert sorted(docs) == sorted([VIDEO, "发布稿.docx", "问答.docx", "图片1.png",
                                       "图片2.png", "图片3.png"])
        assert {docs["发布稿.docx"].kind.value, docs["问答.docx"].kind.value} == {
            "press_release", "qa"}
        record = store.find_message(message_id="video-7@wuhu.gov.cn")
        assert record is not None and record.state == "processed"
        assert (record.sha256, record.size) == (mail.sha256, mail.size)


# --- the 200 MB video, in a process of its own so its memory can be measured --------------

MEASURED = textwrap.dedent("""
    import json, sys, tracemalloc
    from pathlib import Path
    from pressdocs import Config, Pressdocs

    def status(field):  # Linux: VmRSS now, VmHWM the resident peak since reset_peak()
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        except OSError:
            return None

    def reset_peak():
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pass

    # warm up on a store of its own: every module the batch imports gets loaded
    Pressdocs(store=sys.argv[2] + "-warm-up", config=Config()).batch(sys.argv[3])
    app = Pressdocs(store=sys.argv[2], config=Config())
    reset_peak()
    rss_before = status("VmRSS")
    tracemalloc.start()
    report = app.batch(sys.argv[1])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss_after = status("VmHWM")
    growth = None if rss_before is None or rss_after is None else rss_after - rss_before
    print(json.dumps({"peak": peak, "rss_growth": growth, "report": report.to_dict()}))
""")


def measure_batch(folder: Path, store: Path, tmp: Path) -> dict[str, object]:
    """Run a batch over ``folder`` in a fresh process; its peak Python memory (tracemalloc)
    and growth of its resident memory while the batch ran, and the report."""
    warm = tmp / "warm-up"
    if not warm.exists():
        warm.mkdir()
        (warm / "0.eml").write_bytes(message(
            subject="预热", sender="a <a@wuhu.gov.cn>", date=datetime(2021, 4, 1, tzinfo=TZ),
            attachments=[("登记表.docx", registration_docx(title="预热", unit="市统计局",
                                                         when="2021年4月28日上午9:30")),
                         ("图片1.png", png(1))]))
    script = tmp / "measured.py"
    script.write_text(MEASURED, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(folder), str(store), str(warm)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


@pytest.fixture(scope="module")
def video_mail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VideoMail]:
    folder = tmp_path_factory.mktemp("video-mail")
    yield write_video_message(folder / "materials.eml", 200 * MB)
    shutil.rmtree(folder, ignore_errors=True)


def test_200mb_video_is_taken_in_without_holding_it(video_mail: VideoMail, tmp_path: Path) -> None:
    result = measure_batch(video_mail.path.parent, tmp_path / "store", tmp_path)
    report = result["report"]
    assert isinstance(report, dict)
    [outcome] = report["messages"]
    assert outcome["subject"] == "【市文化和旅游局】发布会材料（含现场视频）"
    assert outcome["kind"] == "materials"
    assert (VIDEO, "video", "attachment") in [
        (d["name"], d["kind"], d["origin"]) for d in outcome["documents"]]
    assert not [f for f in outcome["findings"] if f["code"] in ("PD900", "PD901", "PD904")]
    _check_video(tmp_path / "store", video_mail)
    assert video_mail.size > 270 * MB
    peak, rss_growth = result["peak"], result["rss_growth"]
    assert isinstance(peak, int) and peak < 60 * MB, f"Python peak {peak / MB:.0f} MB"
    if rss_growth is not None:  # where /proc tells (Linux)
        assert isinstance(rss_growth, int) and rss_growth < 60 * MB, f"RSS +{rss_growth} bytes"


def test_memory_does_not_grow_with_the_number_of_messages(tmp_path: Path) -> None:
    peaks = []
    for count in (6, 12):
        folder = tmp_path / f"mail-{count}"
        folder.mkdir()
        for i in range(count):
            (folder / f"{i:03d}.eml").write_bytes(message(
                subject=f"【市统计局】登记表 {i}", sender="tjj <tjj@wuhu.gov.cn>",
                date=datetime(2021, 4, 1 + i % 20, 9, tzinfo=TZ), message_id=f"<n{i}@wuhu>",
                attachments=[(f"登记表{i}.docx", registration_docx(
                    title=f"第{i}场新闻发布会", unit="市统计局", when="2021年4月28日上午9:30")),
                    ("图片1.png", png(i, 64))]))
        result = measure_batch(folder, tmp_path / f"store-{count}", tmp_path)
        peak = result["peak"]
        assert isinstance(peak, int)
        peaks.append(peak)
    assert peaks[1] < peaks[0] * 1.25 + 256 * 1024, peaks


# --- the same paths, with small thresholds so they run in a moment -----------------------------


@pytest.fixture
def small_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message over 1 MB is streamed; parts over 64 KB spilled; IMAP spools over 512 KB."""
    monkeypatch.setattr("pressdocs._pipeline.STREAM_THRESHOLD", 1 * MB)
    monkeypatch.setattr("pressdocs._pipeline.STREAM_LIMITS",
                        StreamLimits(keep_part=64 * 1024, buffer_size=64 * 1024))
    monkeypatch.setattr(source_imap, "SPOOL_THRESHOLD", 512 * 1024)
    monkeypatch.setattr(source_imap, "SPOOL_CHUNK", 200_000)


@pytest.fixture
def small_mail(tmp_path: Path) -> VideoMail:
    folder = tmp_path / "mail"
    folder.mkdir()
    return write_video_message(folder / "materials.eml", 3 * MB)


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Pressdocs:
    monkeypatch.setenv("PRESSDOCS_IMAP_SECRET", "secret")
    # the loopback IMAP server offers no STARTTLS: the clear-text login is allowed explicitly
    return Pressdocs(store=tmp_path / "store", config=Config(mail={"allow_insecure_login": True}))


def test_streamed_message_is_recorded_like_any_other(small_thresholds: None, small_mail: VideoMail,
                                                      app: Pressdocs, tmp_path: Path) -> None:
    report = app.batch(str(small_mail.path.parent))
    [outcome] = report.outcomes
    assert outcome.submission.kind == "materials" and outcome.status != "error"
    _check_video(tmp_path / "store", small_mail)
    again = app.batch(str(small_mail.path.parent))
    assert [o.status for o in again.outcomes] == ["duplicate"]


def test_large_document_is_read_back_from_the_store(small_thresholds: None, app: Pressdocs,
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pressdocs._pipeline.STREAM_LIMITS", StreamLimits(keep_part=1000))
    mail = write_video_message(tmp_path / "m.eml", 2 * MB)
    (tmp_path / "mail").mkdir()
    mail.path.rename(tmp_path / "mail" / "m.eml")
    app.batch(str(tmp_path / "mail"))
    _check_video(tmp_path / "store", replace(mail, path=tmp_path / "mail" / "m.eml"))


def test_document_too_large_to_read_is_kept_and_reported(small_thresholds: None, app: Pressdocs,
                                                         small_mail: VideoMail,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pressdocs._pipeline.STREAM_LIMITS", StreamLimits(keep_part=1000))
    monkeypatch.setattr("pressdocs._pipeline.LOAD_LIMIT", 2000)
    raw = RawMessage(source="", key="", path=small_mail.path)
    sub = Pipeline(app, ledger=app.store, originals=app.store).message(raw, small_mail.sha256)
    docs = {d.name: d for d in sub.documents}
    for name in ("发布稿.docx", "问答.docx"):  # the rules report these problems (PD901)
        assert "文件过大" in docs[name].problem.zh and "原件已完整保存" in docs[name].problem.zh
        assert app.store.has_blob(docs[name].sha256)
    assert docs[VIDEO].sha256 == small_mail.video_sha256 and not docs[VIDEO].problem


def test_large_message_that_cannot_be_split_is_kept_and_reported(
        small_thresholds: None, app: Pressdocs, small_mail: VideoMail,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A gateway dropped the boundary: too large to parse whole, it is archived, described
    by its headers, and the office is told to look at it by hand."""
    broken = small_mail.path.read_bytes().replace(b'boundary="', b'x-boundary="', 1)
    small_mail.path.write_bytes(broken)
    monkeypatch.setattr("pressdocs._pipeline.STREAM_LIMITS", StreamLimits(skeleton=256 * 1024,
                                                                       fallback_size=MB))
    [outcome] = app.batch(str(small_mail.path.parent)).outcomes
    assert outcome.submission.subject == "【市文化和旅游局】发布会材料（含现场视频）"
    assert outcome.status != "error"
    [finding] = [f for f in outcome.submission.findings if f.code == "PD904"]
    assert "邮件过大" in finding.text() and "请人工查看" in finding.text()
    record = app.store.find_message(message_id="video-7@wuhu.gov.cn")
    assert record is not None and record.size == len(broken)


@pytest.fixture
def own_tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary files go to a folder of this test's own, to see what is left there."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_dry_run_of_a_large_message_leaves_nothing_behind(small_thresholds: None,
                                                          app: Pressdocs, small_mail: VideoMail,
                                                          own_tmpdir: Path) -> None:
    [outcome] = app.batch(str(small_mail.path.parent), dry_run=True).outcomes
    documents = {(d.name, d.kind) for d in outcome.submission.documents}
    assert (VIDEO, "video") in documents and ("发布稿.docx", "press_release") in documents
    assert list(own_tmpdir.iterdir()) == []
    assert not any((app.store_path / "blobs").rglob("*"))


def test_large_message_left_unprocessed_by_a_crash_is_processed_from_the_archive(
        small_thresholds: None, app: Pressdocs, small_mail: VideoMail, tmp_path: Path) -> None:
    store = app.store
    with small_mail.path.open("rb") as f, store.blob_writer() as writer:
        shutil.copyfileobj(f, writer)
    store.record_message(blob=writer.sha256, source_key="eml:elsewhere;materials.eml",
                         message_id="video-7@wuhu.gov.cn")
    small_mail.path.unlink()  # only the archived copy is left
    report = app.batch(str(small_mail.path.parent))
    assert [o.submission.kind for o in report.outcomes] == ["materials"]
    _check_video(tmp_path / "store", small_mail)


def test_maildir_hands_over_paths_not_bytes(tmp_path: Path) -> None:
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "new" / "1617000000.M1P1.host").write_bytes(b"Subject: a\r\n\r\nx")
    (box / "cur" / "1617000001.M2P1.host:2,S").write_bytes(b"Subject: b\r\n\r\ny")
    raws = list(MaildirSource().messages(str(box), Context(config=Config())))
    assert [r.key for r in raws] == ["1617000000.M1P1.host", "1617000001.M2P1.host"]
    assert [r.data for r in raws] == [b"", b""]
    assert [r.read() for r in raws] == [b"Subject: a\r\n\r\nx", b"Subject: b\r\n\r\ny"]
    assert all(r.path is not None and r.path.is_absolute() for r in raws)


# --- IMAP: a large message fetched in pieces ------------------------------------------------


@pytest.fixture(scope="module")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Dovecot, VideoMail]]:
    if not Dovecot.available():
        pytest.skip("dovecot-imapd is not installed (scripts/setup installs it)")
    root = Path(tempfile.mkdtemp(prefix="pressdocs-dovecot-"))
    server = Dovecot(root).start()
    mail = write_video_message(tmp_path_factory.mktemp("imap-mail") / "big.eml", 3 * MB)
    server.deliver(USER, mail.path.read_bytes(), "big.eml")
    server.deliver(USER, message(subject="小邮件", sender="a <a@wuhu.gov.cn>",
                                 date=datetime(2021, 4, 1, tzinfo=TZ), attachments=[]), "small.eml")
    yield server, mail
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


def test_imap_spools_a_large_message_in_pieces(small_thresholds: None,
                                               dovecot: tuple[Dovecot, VideoMail],
                                               monkeypatch: pytest.MonkeyPatch,
                                               own_tmpdir: Path) -> None:
    server, mail = dovecot
    monkeypatch.setenv("PRESSDOCS_IMAP_SECRET", "secret")
    url = f"imap://{USER}@127.0.0.1:{server.port}/INBOX"
    messages = ImapSource().messages(url, Context(config=Config(
        mail={"allow_insecure_login": True})))
    raws = {}
    spooled: Path | None = None
    for raw in messages:
        raws[raw.size > 512 * 1024] = raw
        if raw.path is not None:
            spooled = raw.path
            assert raw.data == b"" and spooled.parent == own_tmpdir
            assert _file_sha256(spooled) == mail.sha256  # every piece, in order
    assert spooled is not None and not spooled.exists()  # removed once the intake moved on
    assert raws[False].path is None and b"Subject:" in raws[False].data


def test_imap_batch_of_a_large_message(small_thresholds: None, app: Pressdocs, tmp_path: Path,
                                       dovecot: tuple[Dovecot, VideoMail],
                                       own_tmpdir: Path) -> None:
    server, mail = dovecot
    report = app.batch(f"imap://{USER}@127.0.0.1:{server.port}/INBOX")
    assert sorted(o.submission.kind for o in report.outcomes) == ["materials", "unrelated"]
    _check_video(tmp_path / "store", mail)
    assert list(own_tmpdir.iterdir()) == []  # the spooled message is gone
