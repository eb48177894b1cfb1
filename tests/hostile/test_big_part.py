"""A message carrying one large part costs at most about that part in memory (issue 14).

A unit packs its registration form with the conference video into one *stored* (not
compressed) zip of hundreds of MB and mails it.  What the office must get: the package
opened, the form read, the video recorded with its size and checksum — and pressdocs'
memory growing by far less than the part, whichever source the message comes from.
The issue measured a 1 GiB stored zip peaking at 6.7 GB (5× the part, from an mbox).

Where the copies were, and what holds now:

- an mbox message was read into memory whole, line by line (~5× the message at its
  peak); a large one is now written to a temporary file as it is read, like a Maildir
  message, and streamed;
- a large attachment is decoded into the store as it streams past (already so); a
  package there is now opened from its file — not read back into memory, and not left
  unopened when over 64 MB — and each member larger than 2 MB is written to the store as
  it is inflated, only its first and last bytes kept;
- a document sent to the reading worker was pickled with its bytes (a copy) and that
  frame copied again to be written; its bytes now go to the worker as they are.

The peaks are measured in a fresh process (``VmHWM`` after ``/proc/self/clear_refs``,
once a warm-up batch has loaded every module and started the reading worker), so they
are the batch's own; the worker's memory, a process of its own under its own limit, is
not in them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import random
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailcorpus import b_word
from pressdocs import Config, Pressdocs
from pressdocs.store import open_store
from submissions import message, png, registration_docx

TZ = ZoneInfo("Asia/Shanghai")
MiB = 1024 * 1024
VIDEO = "材料/现场视频.mp4"
FORM = "材料/登记表.docx"
_BLOCK = 57 * 18396  # about 1 MB, whole base64 lines of 76 characters


@dataclass(frozen=True)
class BigMail:
    """A message on disk carrying one stored zip, and what is in the zip (the first
    filler's size and sha256)."""

    path: Path
    part_size: int
    part_sha256: str
    filler_size: int
    filler_sha256: str


def write_zip_message(folder: Path, filler_size: int, *, filler: str = VIDEO,
                      seed: int = 1, largest: int | None = None) -> BigMail:
    """``folder/big.eml``: a unit's message carrying 材料.zip, stored (no compression),
    holding the registration form and ``filler`` (a video unless named otherwise) of
    ``filler_size`` bytes — cut into several files of ``largest`` bytes at most, when
    given (现场视频.mp4, 现场视频2.mp4 …); written piece by piece, never held whole."""
    folder.mkdir(parents=True, exist_ok=True)
    package = folder.parent / f"{folder.name}.zip"
    block = random.Random(seed).randbytes(MiB)
    largest = largest or filler_size
    sizes = [min(largest, filler_size - at) for at in range(0, filler_size, largest)]
    hashes = []
    with zipfile.ZipFile(package, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(FORM, registration_docx(title="2021年一季度全市经济运行情况新闻发布会",
                                            unit="市统计局", when="2021年4月28日上午9:30"))
        for i, size in enumerate(sizes):
            stem, dot, ext = filler.rpartition(".")
            name = filler if i == 0 else f"{stem}{i + 1}{dot}{ext}"
            hashes.append(_write_filler(zf, name, size, block, i))
    boundary = "----=_001_NextPart572182624333_=----"
    name = b_word("材料.zip", "gb2312", "gb18030")
    part_hash = hashlib.sha256()
    path = folder / "big.eml"
    with path.open("wb") as out, package.open("rb") as source:
        out.write((
            f'From: "{b_word("市统计局办公室", "gb2312", "gb18030")}" <tjj_bgs@wuhu.gov.cn>\r\n'
            "To: <whxwtg@163.com>\r\n"
            f"Subject: {b_word('【市统计局】发布会登记表及现场视频', 'gb2312', 'gb18030')}\r\n"
            "Date: Tue, 13 Apr 2021 16:20:00 +0800\r\n"
            f"Message-ID: <big-part-{seed}@wuhu.gov.cn>\r\n"
            f'Mime-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n\tboundary="{boundary}"\r\n'
            f"\r\n--{boundary}\r\n"
            'Content-Type: text/plain; charset="utf-8"\r\n\r\n登记表和视频见附件。\r\n'
            f"--{boundary}\r\n"
            f'Content-Type: application/x-zip-compressed;\r\n\tname="{name}"\r\n'
            "Content-Transfer-Encoding: base64\r\n"
            f'Content-Disposition: attachment;\r\n\tfilename="{name}"\r\n\r\n').encode())
        while chunk := source.read(_BLOCK):
            part_hash.update(chunk)
            out.write(base64.encodebytes(chunk).replace(b"\n", b"\r\n"))
        out.write(f"\r\n--{boundary}--\r\n".encode())
    size = package.stat().st_size
    package.unlink()
    return BigMail(path, size, part_hash.hexdigest(), sizes[0], hashes[0])


def _write_filler(zf: zipfile.ZipFile, name: str, size: int, block: bytes, seed: int) -> str:
    """One large member (a video if ``name`` says so), written a MB at a time; its sha256."""
    digest = hashlib.sha256()
    with zf.open(name, "w", force_zip64=True) as f:
        for number, start in enumerate(range(0, size, MiB)):
            piece = (seed << 32 | number).to_bytes(8, "big") + block[8:]
            if number == 0 and name.endswith(".mp4"):
                piece = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + piece[16:]
            piece = piece[: size - start]
            digest.update(piece)
            f.write(piece)
    return digest.hexdigest()


def as_mbox(mail: Path, box: Path) -> Path:
    """The message as the one message of an mbox file (as Thunderbird keeps mail)."""
    with box.open("wb") as out, mail.open("rb") as source:
        out.write(b"From tjj_bgs@wuhu.gov.cn Tue Apr 13 16:20:00 2021\n")
        while chunk := source.read(MiB):
            out.write(chunk)
        out.write(b"\n")
    return box


def warm_up_mailbox(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "0.eml").write_bytes(message(
        subject="预热", sender="a <a@wuhu.gov.cn>", date=datetime(2021, 4, 1, tzinfo=TZ),
        attachments=[("登记表.docx", registration_docx(title="预热", unit="市统计局",
                                                     when="2021年4月28日上午9:30")),
                     ("图片1.png", png(1))]))
    return folder


#: A batch in a process of its own: warmed up on a mailbox of its own first, then its peak
#: resident size above where it started (VmHWM after clear_refs, less VmRSS then).
CHILD = """
import json, sys
from pathlib import Path
from pressdocs import Config, Pressdocs

def status(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024

source, store, warm = sys.argv[1:4]
Pressdocs(store=store + "-warm-up", config=Config()).batch(warm)
app = Pressdocs(store=store, config=Config())
Path("/proc/self/clear_refs").write_text("5")
before = status("VmRSS")
report = app.batch(source)
growth = status("VmHWM") - before
docs = [(d["name"], d["kind"], d["size"], d["sha256"], d["problem"])
        for m in report.to_dict()["messages"] for d in m["documents"]]
print(json.dumps({"growth": growth, "seen": report.seen, "documents": docs}))
"""


def batch_growth(source: str, store: Path, warm: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", CHILD, source, str(store), str(warm)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


needs_vmhwm = pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(),
                                 reason="needs Linux's VmHWM and clear_refs")


def _taken_in(found: dict[str, object], mail: BigMail) -> None:
    """The package opened, the form read, the video recorded whole."""
    docs = {name: (kind, size, sha) for name, kind, size, sha, _ in found["documents"]}  # type: ignore[attr-defined]
    assert docs["材料.zip"] == ("package", mail.part_size, mail.part_sha256)
    assert docs["登记表.docx"][0] == "registration"
    assert docs["现场视频.mp4"] == ("video", mail.filler_size, mail.filler_sha256)


@needs_vmhwm
@pytest.mark.parametrize("source", ["eml", "mbox"])
def test_a_large_stored_zip_costs_less_than_the_part(tmp_path: Path, source: str) -> None:
    mail = write_zip_message(tmp_path / "mail", 40 * MiB)
    location = str(mail.path.parent)
    if source == "mbox":
        location = "mbox:" + str(as_mbox(mail.path, tmp_path / "Inbox.mbox"))
        mail.path.unlink()
    found = batch_growth(location, tmp_path / "store", warm_up_mailbox(tmp_path / "warm"))
    _taken_in(found, mail)
    growth = int(found["growth"])  # type: ignore[call-overload]
    # the issue asks for at most about twice the part; no whole copy of it is held at all
    assert growth <= mail.part_size, f"{growth / MiB:.0f} MiB for a {mail.part_size / MiB:.0f} MiB part"


@needs_vmhwm
def test_a_large_document_is_held_once(tmp_path: Path) -> None:
    """A 24 MB registration form (a photo pasted in) is read whole — its reader needs its
    bytes — but held once: not copied again to be sent to the reading worker."""
    form = io.BytesIO()
    small = registration_docx(title="2021年一季度全市经济运行情况新闻发布会", unit="市统计局",
                              when="2021年4月28日上午9:30")
    with zipfile.ZipFile(io.BytesIO(small)) as src, \
            zipfile.ZipFile(form, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        photo = b"\xff\xd8\xff\xe0" + random.Random(3).randbytes(24 * MiB) + b"\xff\xd9"
        dst.writestr(zipfile.ZipInfo("word/media/image1.jpeg"), photo,
                     compress_type=zipfile.ZIP_STORED)
    data = form.getvalue()
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "form.eml").write_bytes(message(
        subject="【市统计局】新闻发布会登记表", sender="市统计局 <tjj_bgs@wuhu.gov.cn>",
        date=datetime(2021, 4, 13, 16, 20, tzinfo=TZ), attachments=[("登记表.docx", data)]))
    found = batch_growth(str(folder), tmp_path / "store", warm_up_mailbox(tmp_path / "warm"))
    [(name, kind, size, _, problem)] = found["documents"]  # type: ignore[misc]
    assert (name, kind, size, problem) == ("登记表.docx", "registration", len(data), None)
    growth = int(found["growth"])  # type: ignore[call-overload]
    # once, plus what reading it needs besides; the pickled copy sent to the worker and its
    # framed copy made it three times before
    assert growth <= 1.5 * len(data), f"{growth / MiB:.0f} MiB for a {len(data) / MiB:.0f} MiB form"


def test_a_package_over_the_reading_limit_is_opened_from_its_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A package larger than what is read whole (64 MB; 2 MB here) is opened all the same,
    from the store; a member too large to read whole is named in a finding with the
    package it came from, and kept."""
    from pressdocs import _pipeline

    monkeypatch.setattr(_pipeline, "LOAD_LIMIT", 2 * MiB)
    mail = write_zip_message(tmp_path / "mail", 9 * MiB, filler="材料/数据.bin")
    app = Pressdocs(store=tmp_path / "store", config=Config())
    [outcome] = app.batch(str(mail.path.parent)).outcomes
    docs = {d.name: d for d in outcome.submission.documents}
    assert set(docs) == {"材料.zip", "数据.bin", "登记表.docx"}
    assert (docs["材料.zip"].kind.value, docs["材料.zip"].size) == ("package", mail.part_size)
    assert docs["登记表.docx"].kind.value == "registration"
    assert outcome.submission.registration is not None
    blob = docs["数据.bin"]
    assert (blob.container, blob.path, blob.size, blob.sha256) == (
        "材料.zip", "材料/数据.bin", mail.filler_size, mail.filler_sha256)
    assert blob.problem is not None and "文件过大" in blob.problem.text("zh")
    with open_store(tmp_path / "store") as store:
        assert store.blob_path(mail.filler_sha256).stat().st_size == mail.filler_size
        assert store.blob_path(mail.part_sha256).stat().st_size == mail.part_size
    app.close()


def test_a_large_mbox_message_is_handed_over_as_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Over the spool threshold (8 MB; 64 KB here) an mbox message comes as a temporary
    file — the same bytes and the same ledger key as read whole — removed once the next
    message is asked for."""
    from pressdocs.builtin import source_files
    from pressdocs.builtin.source_files import MboxSource, mbox_messages
    from pressdocs.capabilities import Context

    monkeypatch.setattr(source_files, "SPOOL_THRESHOLD", 64 * 1024)
    big = message(subject="大附件", sender="a <a@wuhu.gov.cn>",
                  date=datetime(2021, 4, 1, tzinfo=TZ),
                  attachments=[("现场.jpg", b"\xff\xd8\xff\xe0" + random.Random(4).randbytes(99_000)
                                + b"\xff\xd9")])
    small = message(subject="小邮件", sender="a <a@wuhu.gov.cn>",
                    date=datetime(2021, 4, 2, tzinfo=TZ), attachments=[])
    assert len(big) > 64 * 1024 > len(small)
    box = tmp_path / "Inbox.mbox"
    box.write_bytes(b"From a@wuhu.gov.cn Thu Apr  1 10:00:00 2021\n" + big + b"\n"
                    b"From a@wuhu.gov.cn Fri Apr  2 10:00:00 2021\n" + small + b"\n")
    whole = list(mbox_messages(box))
    messages = MboxSource().messages(f"mbox:{box}", Context(config=Config()))
    first = next(messages)
    assert first.path is not None and first.data == b"" and first.path.read_bytes() == whole[0]
    assert first.key == f"0:{hashlib.sha256(whole[0]).hexdigest()[:16]}"
    second = next(messages)
    assert not first.path.exists()
    assert second.path is None and second.data == whole[1]
    assert second.key == f"1:{hashlib.sha256(whole[1]).hexdigest()[:16]}"
