"""Content-addressed originals: every message and file kept as it arrived, by its sha256.

A blob lives at ``blobs/ab/cdef…`` (the first two hex digits name the folder).  It is
written to a temporary file in ``blobs/``, flushed to disk (fsync), made read-only and
renamed into place, so a blob either exists whole or not at all — a run killed
half-way leaves at most a ``.tmp-*`` file, swept away later.  A blob is never modified:
writing bytes the store already has leaves the existing file alone.

Writing many blobs at once (a message's attachments) costs two flushes to disk each —
the file, then the folder it is renamed into.  Inside :meth:`BlobStore.deferred` they are
flushed together instead: each new blob stays a temporary file (readable at
:meth:`~BlobStore.path`) until :meth:`BlobStore.sync`, which the store calls before the
database commit that names them, makes the data durable (one ``syncfs`` of the file
system on Linux, else an fsync per file), renames them into place, and makes the names
durable the same way.  The order is what keeps a power cut harmless: a blob is renamed
only once its bytes are on disk, and a row naming it commits only once the rename is —
never a renamed but empty blob that a rerun would trust.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, ParamSpec, Protocol, Self, TypeVar

from pressdocs.errors import StoreError

__all__ = ["BlobStore", "BlobWriter"]

_SHA256 = re.compile(r"[0-9a-f]{64}")
_TEMP_PREFIX = ".tmp-"

_P = ParamSpec("_P")
_R = TypeVar("_R")


class BlobWriter:
    """Writes one new blob, hashing as it goes; nothing is held whole in memory.

    Use it as a context manager.  When the block ends normally the blob is committed
    and :attr:`sha256` and :attr:`size` are set; when it raises, the partial file is
    removed and nothing is kept.
    """

    def __init__(self, store: BlobStore):
        self._store = store
        self._hash = hashlib.sha256()
        self._size = 0
        self._sha256: str | None = None
        fd, name = store._temp_file()
        self._temp = Path(name)
        self._file: BinaryIO | None = os.fdopen(fd, "wb")

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Append ``data``; returns the number of bytes written."""
        if self._file is None:
            raise ValueError("BlobWriter is closed")
        self._hash.update(data)
        self._size += len(data)
        self._store._guard(self._file.write, data)
        return len(data)

    def writable(self) -> bool:
        """Always true while open (for code that checks file-likes)."""
        return self._file is not None

    @property
    def size(self) -> int:
        """Bytes written so far."""
        return self._size

    @property
    def sha256(self) -> str:
        """The sha256 of the committed blob (only after :meth:`commit`)."""
        if self._sha256 is None:
            raise ValueError("the blob is not committed yet")
        return self._sha256

    def commit(self) -> str:
        """Flush to disk and move the blob into place; returns its sha256."""
        if self._sha256 is not None:
            return self._sha256
        if self._file is None:
            raise ValueError("BlobWriter was aborted")
        file, self._file = self._file, None
        deferred = self._store.deferring
        try:
            self._store._guard(file.flush)
            if not deferred:
                self._store._guard(os.fsync, file.fileno())
        finally:
            file.close()
        sha = self._hash.hexdigest()
        if deferred:
            self._store._defer(self._temp, sha)
        else:
            self._store._commit(self._temp, sha)
        self._sha256 = sha
        return sha

    def abort(self) -> None:
        """Drop what was written."""
        if self._file is not None:
            self._file.close()
            self._file = None
        with contextlib.suppress(FileNotFoundError):
            self._temp.unlink()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            try:
                self.commit()
            except BaseException:
                self.abort()
                raise
        else:
            self.abort()


class BlobRemote(Protocol):
    """Where a store's originals are kept besides its ``blobs/`` folder: a bucket that
    several machines share (a plugin's :class:`pressdocs.BlobBucket`, bound to its
    location).  Every new blob is put there before the row that names it commits; a blob
    missing from the folder is fetched from there (into the folder, checked by its
    sha256) when it is read."""

    @property
    def name(self) -> str: ...

    def put(self, sha256: str, path: Path) -> None: ...

    def get(self, sha256: str, target: Path) -> bool: ...

    def has(self, sha256: str) -> bool: ...


class BlobStore:
    """The ``blobs/`` folder of a store: put, get and locate originals by sha256; with a
    ``remote``, the folder is its copy on this machine (:class:`BlobRemote`)."""

    def __init__(self, root: Path, remote: BlobRemote | None = None):
        self.root = root
        self.remote = remote
        self._guard(root.mkdir, parents=True, exist_ok=True)
        #: New blobs not yet flushed (sha256 → temporary file), inside :meth:`deferred`.
        self._pending: dict[str, Path] | None = None

    def path(self, sha256: str) -> Path:
        """Where the blob ``sha256`` lives (whether or not it exists); inside
        :meth:`deferred`, a new blob not yet synced is read from its temporary file.  With
        a remote, a blob missing here is fetched first."""
        sha = sha256.lower()
        if self._pending and sha in self._pending:
            return self._pending[sha]
        final = self._final(sha256)
        if self.remote is not None and not final.exists():
            self._fetch(sha, final)
        return final

    def _fetch(self, sha: str, final: Path) -> None:
        """Bring blob ``sha`` from the remote into the folder, checked by its sha256."""
        remote = self.remote
        assert remote is not None
        fd, name = self._temp_file()
        os.close(fd)
        temp = Path(name)
        try:
            if not self._remote(sha, lambda: remote.get(sha, temp)):
                return  # not there either: the caller says the blob is missing
            digest = hashlib.sha256()
            with temp.open("rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
            if digest.hexdigest() != sha:
                raise StoreError.of("store.bucket_damaged", bucket=remote.name, sha256=sha)
            self._commit(temp, sha, send=False)
        finally:
            with contextlib.suppress(OSError):
                temp.unlink()

    def _send(self, shas: Iterable[str]) -> None:
        """Put new blobs in the remote (before the row that names them commits)."""
        remote = self.remote
        if remote is not None:
            for sha in shas:
                final = self._final(sha)
                self._remote(sha, lambda: remote.put(sha, final))  # noqa: B023 (called now)

    def _remote(self, sha: str, call: Callable[[], _R]) -> _R:
        """Ask the remote (about blob ``sha``); its failure becomes a StoreError naming it
        (the message is then left for the next run: nothing names a blob it lacks)."""
        assert self.remote is not None
        try:
            return call()
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError.of("store.bucket_failed", bucket=self.remote.name, sha256=sha,
                                error=f"{type(exc).__name__}: {exc}") from exc

    def _final(self, sha256: str) -> Path:
        sha = sha256.lower()
        if not _SHA256.fullmatch(sha):
            raise StoreError.of("store.bad_sha256", sha256=sha256)
        return self.root / sha[:2] / sha[2:]

    # --- flushing together ---------------------------------------------------------------

    @property
    def deferring(self) -> bool:
        """Whether new blobs are being flushed together (inside :meth:`deferred`)."""
        return self._pending is not None

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """A block whose new blobs are flushed to disk together by :meth:`sync` (see the
        module) — at the latest when the block ends; if it raises, the blobs not yet
        synced are removed (nothing names them).  A nested block joins the outer one."""
        if self._pending is not None:
            yield
            return
        self._pending = {}
        try:
            yield
            self.sync()
        except BaseException:
            self._drop_pending()
            raise
        finally:
            self._pending = None

    def sync(self) -> None:
        """Make the blobs written since the last sync durable and put them in place."""
        pending = self._pending
        if not pending:
            return
        self._guard(_flush, list(pending.values()), self.root)
        folders: set[Path] = set()
        placed: list[str] = []
        for sha, temp in list(pending.items()):
            final = self._final(sha)
            try:
                if final.exists():
                    temp.unlink()
                else:
                    if not final.parent.is_dir():
                        final.parent.mkdir(exist_ok=True)
                        folders.add(self.root)  # a new folder is an entry of the root
                    os.replace(temp, final)
                    folders.add(final.parent)
                    placed.append(sha)
            except OSError as exc:
                raise _os_error(final, exc) from exc
            del pending[sha]
        self._guard(_flush, sorted(folders), self.root)
        self._send(placed)

    def _defer(self, temp: Path, sha: str) -> None:
        assert self._pending is not None
        if self.path(sha).exists():  # kept already, or written earlier in this block
            temp.unlink()
            return
        self._guard(os.chmod, temp, 0o444)
        self._pending[sha] = temp

    def _drop_pending(self) -> None:
        for temp in (self._pending or {}).values():
            with contextlib.suppress(OSError):
                temp.unlink()
        if self._pending is not None:
            self._pending.clear()

    def has(self, sha256: str) -> bool:
        """Whether the blob exists (here, or in the remote)."""
        sha = sha256.lower()
        if self._pending and sha in self._pending:
            return True
        if self._final(sha).is_file():
            return True
        remote = self.remote
        return remote is not None and self._remote(sha, lambda: remote.has(sha))

    def get(self, sha256: str) -> bytes:
        """The bytes of the blob; :class:`StoreError` if it is missing."""
        path = self.path(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise StoreError.of("store.no_blob_file", sha256=sha256, path=str(path)) from None
        except OSError as exc:
            raise _os_error(path, exc) from exc

    def put(self, data: bytes) -> str:
        """Keep ``data``; return its sha256.  An existing blob is left untouched."""
        sha = hashlib.sha256(data).hexdigest()
        if self.has(sha):
            return sha
        with self.writer() as writer:
            writer.write(data)
        return sha

    def put_stream(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Keep the concatenation of ``chunks``; return ``(sha256, size)``."""
        with self.writer() as writer:
            for chunk in chunks:
                writer.write(chunk)
        return writer.sha256, writer.size

    def writer(self) -> BlobWriter:
        """A :class:`BlobWriter` for a new blob."""
        return BlobWriter(self)

    def sweep_temp_files(self, older_than: float = 86400.0) -> int:
        """Remove temporary files left by killed runs, older than ``older_than`` seconds.

        Younger ones may belong to a run still writing.  Returns how many were removed.
        """
        cutoff = time.time() - older_than
        removed = 0
        for temp in self.root.glob(_TEMP_PREFIX + "*"):
            with contextlib.suppress(FileNotFoundError):
                if temp.stat().st_mtime < cutoff:
                    temp.unlink()
                    removed += 1
        return removed

    # --- for BlobWriter ------------------------------------------------------------------

    def _temp_file(self) -> tuple[int, str]:
        return self._guard(tempfile.mkstemp, dir=self.root, prefix=_TEMP_PREFIX)

    def _commit(self, temp: Path, sha: str, *, send: bool = True) -> None:
        final = self._final(sha)
        try:
            if final.exists():
                temp.unlink()
                return
            final.parent.mkdir(exist_ok=True)
            os.chmod(temp, 0o444)
            os.replace(temp, final)
            _fsync_dir(final.parent)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise _os_error(final, exc) from exc
        if send:
            self._send([sha])

    def _guard(self, func: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
        """Call ``func``; an OSError (disk full, no permission) becomes a StoreError."""
        try:
            return func(*args, **kwargs)
        except OSError as exc:
            raise _os_error(self.root, exc) from exc


def _flush(paths: list[Path], root: Path) -> None:
    """Make ``paths`` (files, or folders whose entries changed) durable: one ``syncfs``
    of the file system ``root`` is on where there are several and Linux offers it, else an
    fsync of each."""
    syncfs = _syncfs() if len(paths) > 2 else None
    if syncfs is not None:
        fd = os.open(root, os.O_RDONLY)
        try:
            if syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    for path in paths:
        if path.is_dir():
            _fsync_dir(path)
        else:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """Linux's ``syncfs(2)`` (glibc), which flushes every file and folder of a file
    system and waits; ``None`` where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


def _fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _os_error(path: Path, exc: OSError) -> StoreError:
    reason = exc.strerror or str(exc)
    return StoreError.of("store.file_error", path=str(path), reason=reason)
