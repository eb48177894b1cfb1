"""How fast pressdocs takes in a mailbox, against the floor, and how much memory it needs.

Run ``python bench/bench_intake.py`` (``--help`` for sizes).  It builds, in a temporary
folder, a mailbox of realistic submissions — each a Foxmail-shaped message carrying a
registration form, a press release and a Q&A as real .docx files and three pictures —
and prints:

1. **speed**, messages per second, all measured in this run on the same messages:
   - the *floor*: read the bytes, split the MIME parts on the boundary, base64-decode
     every attachment, inflate each document's XML (zip → ``word/document.xml``) — the
     least any reader must do;
   - the stdlib parser (``email.message_from_bytes``), for reference;
   - pressdocs' MIME layer alone: ``parse_message`` (the stdlib parser underneath),
     ``parse_bytes`` (the front end that splits on the boundary and decodes attachments
     itself — what the intake uses), ``parse_stream`` as large messages take it;
   - the whole intake: ``Pressdocs.batch`` on the .eml folder into a fresh store (archive,
     ledger, parse, read and classify every document, assemble, validate), and the same
     queueing a receipt for each message (``batch --notify``: render, store with the
     submission);
2. **memory**: the peak of Python allocations (tracemalloc) and the peak resident size of
   a fresh process taking in N and 2N messages — it must not grow with N — and taking in
   one message carrying a 200 MB video.

``--sizes 100,1000,5000`` (or ``--quick``: 100 and 400) prints instead the scaling table:
for each mailbox size, the whole batch in a fresh process — msg/s, the floor measured
in the same run on the same messages and the ratio, the peak resident size
(``VmHWM``), the fsyncs pressdocs asked for per message, and *required*: the floor plus
what the rules demand of any implementation before anything is understood (every part of
each Office document inflated, the original archived durably), as a multiple of the floor;
in brackets the same with the archive's flush left out, as if one flush served many
messages.

It prints figures and asserts nothing; the tests (tests/test_intake_large.py) hold the
requirements.
"""

from __future__ import annotations

import argparse
import binascii
import contextlib
import email
import io
import json
import random
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from mailcorpus import b64_body, b_word  # noqa: E402
from submissions import press_release_docx, qa_docx, registration_docx  # noqa: E402

MB = 1024 * 1024
UNITS = ["市统计局", "市财政局", "市交通运输局", "市卫健委", "市生态环境局", "市文化和旅游局",
         "鸠江区人民政府", "弋江区人民政府", "市住建局", "三山经开区管委会"]


# --- the mailbox ----------------------------------------------------------------------------


def picture(seed: int, width: int = 300, height: int = 220) -> bytes:
    """A real PNG photo-sized picture (noise does not compress: about 200 KB)."""
    rnd = random.Random(seed)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + rnd.randbytes(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1))
            + chunk(b"IEND", b""))


def _attachment(name: str, content_type: str, data: bytes) -> bytes:
    word = b_word(name, "gb2312", "gb18030")
    return (f'Content-Type: {content_type};\r\n\tname="{word}"\r\n'
            "Content-Transfer-Encoding: base64\r\n"
            f'Content-Disposition: attachment;\r\n\tfilename="{word}"\r\n\r\n').encode() + \
        b64_body(data) + b"\r\n"


def submission(i: int) -> bytes:
    """Message ``i``: one unit's registration and materials, as Foxmail sends them."""
    unit = UNITS[i % len(UNITS)]
    day = 1 + i % 27
    title = f"2021年第{i + 1}场{unit}新闻发布会"
    boundary = f"----=_001_NextPart{572182624333 + i}_=----"
    headers = "\r\n".join([
        f'From: "{b_word(unit + "办公室", "gb2312", "gb18030")}" <unit{i % len(UNITS)}@wuhu.gov.cn>',
        "To: \"whxwtg\" <whxwtg@163.com>",
        f"Subject: {b_word(f'【{unit}】{title}登记表及材料', 'gb2312', 'gb18030')}",
        f"Date: Tue, {day} Apr 2021 16:20:00 +0800",
        f"Message-ID: <bench-{i}@wuhu.gov.cn>",
        "X-Mailer: Foxmail 7.2.20.273[cn]",
        "Mime-Version: 1.0",
        f'Content-Type: multipart/mixed;\r\n\tboundary="{boundary}"',
    ]).encode()
    body = (b'Content-Type: text/plain;\r\n\tcharset="gb2312"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n"
            + b64_body(f"市新闻办：\r\n    {title}的登记表和发布材料见附件。\r\n".encode("gb18030"))
            + b"\r\n")
    parts = [
        body,
        _attachment(f"新闻发布会登记表（{unit}）.docx", "application/octet-stream",
                    registration_docx(title=title, unit=unit, when=f"2021年4月{day}日上午9:30",
                                      filed="2021年4月1日")),
        _attachment("发布稿.docx", "application/octet-stream",
                    press_release_docx(f"{unit}工作取得新进展（{i}）")),
        _attachment("问答.docx", "application/octet-stream", qa_docx(2)),
        *(_attachment(f"图片{k}.png", "image/png", picture(i * 3 + k)) for k in (1, 2, 3)),
    ]
    out = headers + b"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n"
    for item in parts:
        out += f"--{boundary}\r\n".encode() + item
    return out + f"--{boundary}--\r\n".encode()


def build_mailbox(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{i:04d}.eml"
        path.write_bytes(submission(i))
        paths.append(path)
    return paths


# --- speed ---------------------------------------------------------------------------------

_BOUNDARY = re.compile(rb'boundary="?([^";\r\n]+)')


def _documents(data: bytes) -> Iterator[zipfile.ZipFile]:
    """The Office documents of a message: split on the boundary, base64-decoded."""
    boundary = b"--" + _BOUNDARY.search(data).group(1)  # type: ignore[union-attr]
    for piece in data.split(boundary)[1:-1]:
        head_end = piece.find(b"\r\n\r\n")
        if b"base64" not in piece[:head_end].lower():
            continue
        content = binascii.a2b_base64(piece[head_end + 4:])
        if content[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                yield z


def floor(data: bytes) -> int:
    """The least any reader does: split, base64-decode, inflate the documents' XML."""
    return sum(len(z.read("word/document.xml")) for z in _documents(data))


def required(folder: Path, *, flush: bool = True) -> Callable[[bytes], int]:
    """The floor plus what the rules themselves require of any implementation, before
    anything is understood: every part of each Office document inflated (a DTD is refused
    in any part, read or not) and the original archived durably (hashed, written, flushed
    with its folder) before it is acknowledged."""
    import hashlib
    import os

    def work(data: bytes) -> int:
        inflated = sum(len(z.read(info)) for z in _documents(data) for info in z.infolist())
        path = folder / hashlib.sha256(data).hexdigest()
        with open(path, "wb") as f:
            f.write(data)
            if not flush:  # as if flushes were shared by many messages: their least
                return inflated
            f.flush()
            os.fsync(f.fileno())
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return inflated

    return work


def stdlib(data: bytes) -> object:
    return email.message_from_bytes(data)


def timed(label: str, paths: list[Path], work: Callable[[bytes], object]) -> tuple[str, float]:
    datas = [p.read_bytes() for p in paths]  # from memory: the parsing, not the disk
    start = time.perf_counter()
    for data in datas:
        work(data)
    return label, len(datas) / (time.perf_counter() - start)


def batch_speed(folder: Path, scratch: Path, *, receipts: bool = False) -> float:
    from pressdocs import Config, Pressdocs

    store = Path(tempfile.mkdtemp(dir=scratch))
    app = Pressdocs(store=store, config=Config())
    start = time.perf_counter()
    report = app.batch(str(folder), receipts=receipts)
    elapsed = time.perf_counter() - start
    statuses = report.by_status()
    if statuses.get("error"):
        print(f"  (warning: {statuses['error']} messages ended in error)")
    return report.seen / elapsed


# --- memory, in fresh processes ------------------------------------------------------------


def _status(field: str) -> int:
    """A memory figure of this process from /proc (bytes); ru_maxrss where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _reset_peak() -> None:
    """Start the resident peak (VmHWM) afresh (Linux; ru_maxrss would carry the parent's)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def child(folder: str, store: str, warm: str) -> None:
    """Run a batch over ``folder`` and print its memory figures as JSON."""
    from pressdocs import Config, Pressdocs

    Pressdocs(store=store + "-warm-up", config=Config()).batch(warm)
    app = Pressdocs(store=store, config=Config())
    _reset_peak()
    baseline = _status("VmRSS")
    tracemalloc.start()
    report = app.batch(folder)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = _status("VmHWM")
    print(json.dumps({"peak": peak, "rss": rss, "baseline": baseline, "seen": report.seen}))


def measure(folder: Path, scratch: Path, warm: Path) -> dict[str, int]:
    store = Path(tempfile.mkdtemp(dir=scratch)) / "store"
    done = subprocess.run([sys.executable, __file__, "--child", str(folder), str(store),
                           str(warm)], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    return dict(json.loads(done.stdout))


def stdlib_peak(path: Path) -> int:
    tracemalloc.start()
    email.message_from_bytes(path.read_bytes())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


# --- scaling: the whole batch at several mailbox sizes ---------------------------------------


def scaling_child(folder: str, store: str, workers: str = "1") -> None:
    """Run one batch over ``folder`` in this fresh process; print its time, peak resident
    size (VmHWM) and the flushes to disk pressdocs asked for (os.fsync and syncfs;
    SQLite's own are not counted) as JSON."""
    import os

    from pressdocs import Config, Pressdocs

    calls = [0]
    real_fsync = os.fsync

    def counted(fd: int) -> None:
        calls[0] += 1
        real_fsync(fd)

    os.fsync = counted
    from pressdocs.store import blobs

    syncfs = blobs._syncfs()
    if syncfs is not None:  # one syncfs flushes a message's blobs together: count it too
        def counted_syncfs(fd: int) -> int:
            calls[0] += 1
            return syncfs(fd)

        blobs._syncfs = lambda: counted_syncfs  # type: ignore[assignment]
    app = Pressdocs(store=store, config=Config())
    started = time.perf_counter()
    report = app.batch(folder, workers=int(workers))
    seconds = time.perf_counter() - started
    # VmHWM, not ru_maxrss: Linux carries the parent's resident size at fork into the
    # child's ru_maxrss across exec, so ru_maxrss here was the bench's own mailbox size
    rss = _status("VmHWM")
    print(json.dumps({"seconds": seconds, "rss": rss, "fsyncs": calls[0],
                      "seen": report.seen}))


def scaling(sizes: list[int], workers: list[int]) -> None:
    """msg/s, × floor, peak RSS and flushes of ``pressdocs batch`` at each size, with each
    number of ``--workers`` (peak RSS: the batch's own process, not its readers)."""
    scratch = Path(tempfile.mkdtemp(prefix="pressdocs-bench-"))
    try:
        t0 = time.perf_counter()
        paths = build_mailbox(scratch / "all", max(sizes))
        print(f"mailbox: {max(sizes)} messages built in {time.perf_counter() - t0:.0f} s; "
              "each size is its first N, taken in by a fresh process into a new store\n")
        print(f"{'messages':>8} {'workers':>7} {'msg/s':>8} {'floor msg/s':>12} {'× floor':>8} "
              f"{'peak RSS':>9} {'flushes/msg':>11}  required × floor (flushes shared)")
        for n in sizes:
            folder = scratch / f"mail{n}"
            folder.mkdir()
            for p in paths[:n]:
                (folder / p.name).symlink_to(p)
            _, floor_rate = timed("floor", paths[:n], floor)
            archive = scratch / f"required{n}"
            archive.mkdir()
            _, required_rate = timed("required", paths[:n], required(archive))
            shutil.rmtree(archive)
            archive.mkdir()
            _, unflushed_rate = timed("unflushed", paths[:n], required(archive, flush=False))
            shutil.rmtree(archive)
            for w in workers:
                store = scratch / f"store{n}-{w}"
                done = subprocess.run([sys.executable, __file__, "--scaling-child", str(folder),
                                       str(store), str(w)], capture_output=True, text=True,
                                      check=False)
                if done.returncode:
                    raise SystemExit(done.stderr)
                m = json.loads(done.stdout.strip().splitlines()[-1])
                rate = m["seen"] / m["seconds"]
                print(f"{n:>8} {w:>7} {rate:>8.1f} {floor_rate:>12.0f} {floor_rate / rate:>8.1f} "
                      f"{m['rss'] / MB:>7.0f}MB {m['fsyncs'] / n:>11.1f} "
                      f"{floor_rate / required_rate:>8.1f} ({floor_rate / unflushed_rate:.1f})",
                      flush=True)
                shutil.rmtree(store, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# --- the table -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200, help="mailbox size (default 200)")
    parser.add_argument("--video-mb", type=int, default=200, help="video size (default 200)")
    parser.add_argument("--stdlib-big", action="store_true",
                        help="also measure message_from_bytes on the video message (~2.5 GB)")
    parser.add_argument("--sizes", help="the scaling table instead: the whole batch at "
                        "these mailbox sizes, e.g. 100,1000,5000")
    parser.add_argument("--quick", action="store_true", help="the scaling table at 100 and 400")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--workers", default="1", help="with --sizes: batch --workers values "
                        "to run each size with, comma-separated (default 1)")
    parser.add_argument("--scaling-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.scaling_child:
        scaling_child(*args.scaling_child)
        return
    if args.sizes or args.quick:
        scaling([int(n) for n in args.sizes.split(",")] if args.sizes else [100, 400],
                [int(w) for w in args.workers.split(",")])
        return

    from pressdocs.mail.message import parse_message
    from pressdocs.mail.stream import StreamLimits, parse_bytes, parse_stream
    from pressdocs.store.blobs import BlobStore
    from test_intake_large import write_video_message

    scratch = Path(tempfile.mkdtemp(prefix="pressdocs-bench-"))
    try:
        n = args.messages
        t0 = time.perf_counter()
        paths = build_mailbox(scratch / "mailbox", n)
        size = sum(p.stat().st_size for p in paths)
        print(f"mailbox: {n} messages, {size / MB:.0f} MB "
              f"(built in {time.perf_counter() - t0:.0f} s)\n")

        blobs = BlobStore(scratch / "stream-blobs")
        streamed = StreamLimits(keep_part=0, keep_total=0)  # every attachment to the store
        rows = [
            timed("floor: split, base64, inflate XML", paths, floor),
            timed("stdlib message_from_bytes", paths, stdlib),
            timed("pressdocs parse_message (stdlib underneath)", paths, parse_message),
            timed("pressdocs parse_bytes (the intake's path)", paths, parse_bytes),
            timed("pressdocs parse_stream (all parts spilled)", paths,
                  lambda d: parse_stream(io.BytesIO(d), blobs.writer, limits=streamed)),
        ]
        rows.append(("pressdocs intake: Pressdocs.batch, whole pipeline",
                     batch_speed(scratch / "mailbox", scratch)))
        rows.append(("… and a receipt queued per message (--notify)",
                     batch_speed(scratch / "mailbox", scratch, receipts=True)))
        floor_rate = rows[0][1]
        print(f"{'speed':<46} {'msg/s':>9} {'× floor time':>13}")
        for label, rate in rows:
            print(f"{label:<46} {rate:>9.1f} {floor_rate / rate:>13.1f}")

        warm = scratch / "warm"
        build_mailbox(warm, 1)
        half = scratch / "half"
        half.mkdir()
        for p in paths[: n // 2]:
            shutil.copy(p, half / p.name)
        print(f"\n{'memory (fresh process)':<46} {'py peak':>9} {'RSS peak':>9} {'RSS +':>9}")
        for label, folder in ((f"batch, {n // 2} messages", half),
                              (f"batch, {n} messages", scratch / "mailbox")):
            m = measure(folder, scratch, warm)
            print(f"{label:<46} {m['peak'] / MB:>7.1f}MB {m['rss'] / MB:>7.0f}MB "
                  f"{(m['rss'] - m['baseline']) / MB:>7.0f}MB")

        video_dir = scratch / "video"
        video_dir.mkdir()
        mail = write_video_message(video_dir / "video.eml", args.video_mb * MB)
        m = measure(video_dir, scratch, warm)
        label = f"batch, one {mail.size / MB:.0f} MB message ({args.video_mb} MB video)"
        print(f"{label:<46} {m['peak'] / MB:>7.1f}MB {m['rss'] / MB:>7.0f}MB "
              f"{(m['rss'] - m['baseline']) / MB:>7.0f}MB")
        one = paths[0]
        print(f"{'stdlib message_from_bytes, one submission':<46} "
              f"{stdlib_peak(one) / MB:>7.1f}MB   ({one.stat().st_size / MB:.1f} MB message)")
        if args.stdlib_big:
            print(f"{'stdlib message_from_bytes, the video message':<46} "
                  f"{stdlib_peak(mail.path) / MB:>7.0f}MB")
        print("\npy peak: tracemalloc peak of Python allocations during the batch;"
              "\nRSS peak: the process's peak resident size during the batch (VmHWM);"
              "\nRSS +: that peak above the resident size before the batch, after a warm-up"
              "\nbatch had loaded every module.")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
