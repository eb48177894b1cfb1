"""Reading a document under a time and memory budget, in a worker process.

A hostile attachment can be small and still cost minutes or gigabytes to read (a PDF whose
hundred pages share one heavy content stream, a workbook crafted to build millions of
cells).  So the parsers pressdocs ships do their work in a separate process, a *worker*:

- the worker runs with ``RLIMIT_AS`` (its address space, ``[limits] document_memory_mb``)
  and each document gets ``[limits] document_seconds`` of wall-clock time, or what is left
  of its message's ``message_seconds`` if that is less;
- running out of memory in the worker (a ``MemoryError``), running out of time, or the
  worker dying (a segfault, SIGKILL) is a :class:`~pressdocs.errors.ParseError` for that
  document (``read.memory``, ``read.timeout``, ``read.worker_died``; rule PD907) and
  nothing more: the batch goes on with a fresh worker;
- a document whose message has used up its time is not read (``read.message_budget``);
- workers are kept warm and reused (one per thread reading at the same time), so an
  ordinary document costs sending its bytes (as they are, after the pickled parser: never
  a copy of them in the caller) and the pickling of its content, not a process start;
- when time is up the worker is sent SIGTERM: it ends the LibreOffice it may have started
  (by process group), leaves its temporary folders removed and exits; one that does not
  within :data:`GRACE` seconds is killed, with its whole process group.

Only pressdocs' own parsers go to the worker; a third-party parser's code runs in the
calling process (``[limits] worker = false`` reads everything in-process, for debugging).
The worker is ``python -c`` importing this module: no ``fork`` of a process that may hold
threads and locks, and the same interpreter and ``sys.path`` as the caller.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import selectors
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pressdocs.errors import ParseError, PressdocsError

if TYPE_CHECKING:
    from pressdocs.capabilities import Content, Parser
    from pressdocs.config import Limits

__all__ = ["GRACE", "memory_unlimited", "parse_within"]

#: Seconds a worker told to stop (SIGTERM) has before it is killed.
GRACE = 3.0
#: Seconds a new worker may take to start (import the parsers) before it counts as dead.
STARTUP = 120.0
_HEADER = struct.Struct("!Q")
#: What the worker imports before its memory is limited: the parsers' heavy libraries.
_PRELOAD = ("pressdocs.builtin.parse_docx", "pressdocs.builtin.parse_xlsx",
            "pressdocs.builtin.parse_pdf", "pressdocs.builtin.parse_text",
            "pressdocs.builtin.parse_legacy", "pressdocs.builtin.parse_scan", "openpyxl",
            "pypdf", "pdfplumber")


def parse_within(parser: Parser, data: bytes, name: str, limits: Limits,
                 deadline: float | None = None) -> Content:
    """``parser.parse(data, name)`` within ``limits`` (and before ``deadline``, a
    :func:`time.monotonic` time: the end of the message's budget).

    Raises what the parser raises, or :class:`ParseError` naming the file when the budget
    is exceeded (see the module).
    """
    seconds = float(limits.document_seconds)
    if deadline is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise ParseError.of("read.message_budget", file=name,
                                seconds=float(limits.message_seconds))
        seconds = min(seconds, left)
    if not limits.worker or not type(parser).__module__.startswith("pressdocs."):
        return parser.parse(data, name)
    try:
        task = pickle.dumps((parser, name), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a parser holding something that cannot travel: read it here
        return parser.parse(data, name)
    memory = limits.document_memory_mb * 1024 * 1024
    try:
        worker = _POOL.take(memory)
    except ParseError as exc:  # the worker could not even start
        raise ParseError(exc.message, file=name) from None
    healthy = False
    try:
        reply = worker.run(task, data, seconds)
        healthy = reply[0] in ("ok", "error", "crash", "unavailable")
    finally:
        _POOL.give(worker, healthy)
    kind = reply[0]
    if kind == "ok":
        content: Content = reply[1]
        return content
    if kind == "error":
        error: PressdocsError = reply[1]
        raise error
    if kind == "crash":
        raise ParseError.of("read.crashed", error=reply[1], file=name)
    if kind == "memory":
        raise ParseError.of("read.memory", megabytes=limits.document_memory_mb, file=name)
    if kind == "timeout":
        worker_seconds = float(limits.document_seconds)
        if seconds < worker_seconds:  # the message's time ran out first
            raise ParseError.of("read.message_budget", file=name,
                                seconds=float(limits.message_seconds))
        raise ParseError.of("read.timeout", seconds=worker_seconds, file=name)
    if kind == "unavailable":
        return parser.parse(data, name)
    raise ParseError.of("read.worker_died", reason=reply[1], file=name)


@contextlib.contextmanager
def memory_unlimited() -> Iterator[None]:
    """Lift the worker's memory limit for a while: LibreOffice, started inside, inherits
    the limit and needs far more address space than the worker (the time limit and the
    conversion's own timeout still hold).  Does nothing outside a worker."""
    try:
        import resource
    except ImportError:  # not POSIX
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or not _IN_WORKER:
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


# --- the parent's side -------------------------------------------------------------------


class _Worker:
    """One worker process and the pipes to it."""

    def __init__(self, memory: int) -> None:
        self.memory = memory
        self.owner = os.getpid()
        package_root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [package_root, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))])
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from pressdocs._budget import _worker_main; _worker_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None if os.environ.get("PRESSDOCS_WORKER_STDERR") else subprocess.DEVNULL,
            env=env, start_new_session=os.name == "posix", close_fds=True)
        self.alive = True
        setup = pickle.dumps({"sys_path": list(sys.path), "memory": memory})
        ready = self._exchange(setup, STARTUP)
        if ready[0] != "ready":
            self.stop()
            raise ParseError.of("read.worker_died", reason=str(ready[1]))

    def run(self, task: bytes, data: bytes, seconds: float) -> tuple[Any, ...]:
        """Send one task (the pickled parser and name, then the document's bytes); the
        worker's reply, or ``("timeout",)``/``("died", reason)``."""
        reply = self._exchange(task, seconds, data)
        if reply[0] in ("timeout", "died", "memory"):
            self.stop()
        return reply

    def _exchange(self, frame: bytes, seconds: float,
                  data: bytes | None = None) -> tuple[Any, ...]:
        """Send ``frame`` (and ``data``, a frame of its own, written as it is: a large
        document is not copied to be sent) and wait for the reply."""
        assert self.process.stdin is not None and self.process.stdout is not None
        deadline = time.monotonic() + seconds
        try:
            self.process.stdin.write(_HEADER.pack(len(frame)) + frame)
            if data is not None:
                self.process.stdin.write(_HEADER.pack(len(data)))
                self.process.stdin.write(data)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return ("died", self._death())
        fd = self.process.stdout.fileno()
        header = _read_exactly(fd, _HEADER.size, deadline)
        if header is None:
            return ("timeout",) if time.monotonic() >= deadline else ("died", self._death())
        body = _read_exactly(fd, _HEADER.unpack(header)[0], deadline + GRACE)
        if body is None:
            return ("died", self._death())
        try:
            reply: tuple[Any, ...] = pickle.loads(body)
        except Exception as exc:
            return ("crash", f"{type(exc).__name__}: {exc}")
        return reply

    def _death(self) -> str:
        """Why the worker ended: the signal that killed it, or its exit status."""
        try:
            code = self.process.wait(GRACE)
        except subprocess.TimeoutExpired:
            return "no reply"
        self.alive = False
        if code < 0:
            try:
                return signal.Signals(-code).name
            except ValueError:
                return f"signal {-code}"
        return f"exit status {code}"

    def stop(self) -> None:
        """End the worker: SIGTERM (it ends what it started), then SIGKILL its group."""
        self.alive = False
        process = self.process
        if process.poll() is None:
            with contextlib.suppress(OSError):
                process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(GRACE)
        if os.name == "posix":
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(GRACE)
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()

    def close(self) -> None:
        """End an idle worker by closing its input (it exits at the end of its loop)."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(GRACE)
        except subprocess.TimeoutExpired:
            self.stop()
        with contextlib.suppress(OSError):
            if self.process.stdout is not None:
                self.process.stdout.close()


def _read_exactly(fd: int, size: int, deadline: float) -> bytes | None:
    """``size`` bytes from ``fd``, or None when the time is up or the pipe closed."""
    chunks: list[bytes] = []
    left = size
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while left:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                return None
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
    return b"".join(chunks)


class _Pool:
    """Idle workers, taken by one reader at a time and given back after."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []

    def take(self, memory: int) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.owner == os.getpid() and worker.memory == memory and \
                        worker.process.poll() is None:
                    return worker
                if worker.owner == os.getpid():
                    worker.stop()
        return _Worker(memory)

    def give(self, worker: _Worker, healthy: bool) -> None:
        if not healthy or not worker.alive:
            worker.stop()
            return
        with self._lock:
            self._idle.append(worker)

    def shutdown(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            if worker.owner == os.getpid():
                worker.close()


_POOL = _Pool()
atexit.register(_POOL.shutdown)


# --- the worker's side ---------------------------------------------------------------------

_IN_WORKER = False


class _Stopped(BaseException):
    """Raised in the worker by SIGTERM: unwinds the parser (temporary folders removed)
    without being caught by a parser's ``except Exception``."""


def _worker_main() -> None:
    """The worker's loop: a setup frame, then tasks, each answered with one reply."""
    global _IN_WORKER
    _IN_WORKER = True
    source = sys.stdin.buffer
    reply_to = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print cannot break a reply
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    setup = _receive(source)
    if setup is None:
        return
    options: dict[str, Any] = pickle.loads(setup)
    for entry in reversed(options["sys_path"]):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    import importlib

    for module in _PRELOAD:
        with contextlib.suppress(Exception):
            importlib.import_module(module)
    try:
        import resource
    except ImportError:  # not POSIX: the time limit holds, the memory limit cannot be set
        resource = None  # type: ignore[assignment]
    if resource is not None:
        try:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = options["memory"] if hard == resource.RLIM_INFINITY else \
                min(options["memory"], hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError) as exc:
            _send(reply_to, ("failed", f"{type(exc).__name__}: {exc}"))
            return
    _send(reply_to, ("ready",))
    while True:
        try:
            frame = _receive(source)
            data = _receive(source) if frame is not None else None
            if frame is None or data is None:
                return
            try:
                reply = _task(frame, data)
            except MemoryError:  # raised again while handling the first one
                reply = ("memory",)
            del frame, data
            _send(reply_to, reply)
            if reply[0] == "memory":
                return  # what is left of the heap is not worth trusting: a fresh worker
        except _Stopped:
            return


def _task(frame: bytes, data: bytes) -> tuple[Any, ...]:
    try:
        parser, name = pickle.loads(frame)
    except Exception:
        return ("unavailable",)
    del frame
    try:
        content = parser.parse(data, name)
    except MemoryError:
        return ("memory",)
    except PressdocsError as exc:
        if _out_of_memory(exc):  # a parser's "damaged" hiding a MemoryError
            return ("memory",)
        return ("error", exc)
    except Exception as exc:
        return ("crash", f"{type(exc).__name__}: {exc}")
    return ("ok", content)


def _out_of_memory(exc: BaseException) -> bool:
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, MemoryError):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def _receive(source: Any) -> bytes | None:
    header = source.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    size: int = _HEADER.unpack(header)[0]
    body: bytes = source.read(size)
    return body if len(body) == size else None


def _send(target: Any, reply: tuple[Any, ...]) -> None:
    try:
        body = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        body = pickle.dumps(("memory",))
    except Exception:  # a content that cannot travel: the caller reads it itself
        body = pickle.dumps(("unavailable",))
    target.write(_HEADER.pack(len(body)) + body)
    target.flush()


def _on_sigterm(signum: int, frame: object) -> None:
    _end_children()
    raise _Stopped


def _end_children() -> None:
    """Kill what this worker started (LibreOffice runs in a process group of its own)."""
    me = os.getpid()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent != me:
            continue
        pid = int(entry)
        with contextlib.suppress(OSError):
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
