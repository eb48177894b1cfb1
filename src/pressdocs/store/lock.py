"""The batch lock: one pressdocs batch at a time per store.

The lock is an advisory ``flock`` on ``pressdocs.lock`` in the store directory, taken
without waiting.  The holder writes its process id into the file so that the one
refused can say who holds it.  The kernel releases the lock when the holder dies, so
a batch killed with ``kill -9`` leaves no stale lock behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from pathlib import Path
from typing import IO, Protocol

from pressdocs.errors import StoreError, StoreLocked

__all__ = ["BatchLock", "StoreLock"]


class BatchLock(Protocol):
    """What the store asks of its batch lock: re-entrant, refused at once when another
    process holds it (:class:`~pressdocs.errors.StoreLocked`)."""

    @property
    def held(self) -> bool: ...

    def acquire(self) -> None: ...

    def release(self) -> None: ...


class StoreLock:
    """An exclusive, non-blocking, re-entrant lock on a store directory."""

    def __init__(self, store_dir: Path, file_name: str = "pressdocs.lock"):
        self.store_dir = store_dir
        self.path = store_dir / file_name
        self._file: IO[str] | None = None
        self._depth = 0

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._depth > 0

    def acquire(self) -> None:
        """Take the lock, or raise :class:`StoreLocked` at once if another process has it."""
        if self._depth:
            self._depth += 1
            return
        try:
            file = open(self.path, "a+", encoding="ascii")  # noqa: SIM115 (held until release)
        except OSError as exc:
            raise self._refused(exc) from exc
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            file.seek(0)
            holder = file.read().strip() or "?"
            file.close()
            raise StoreLocked.of("store.locked", store=str(self.store_dir),
                                 process=holder) from None
        try:
            file.seek(0)
            file.write(str(os.getpid()))
            file.flush()
            file.truncate()  # what a longer process id left after ours
        except OSError as exc:  # a full disk, a quota: refuse to start, say why
            fcntl.flock(file.fileno(), fcntl.LOCK_UN)
            with contextlib.suppress(OSError):
                file.close()
            raise self._refused(exc) from exc
        self._file = file
        self._depth = 1

    def _refused(self, exc: OSError) -> StoreError:
        """Why the lock file could not be made or written, in the user's words."""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return StoreError.of("store.lock_disk_full", path=str(self.path))
        return StoreError.of("store.lock_file", path=str(self.path),
                             reason=exc.strerror or str(exc))

    def release(self) -> None:
        """Give the lock back (after as many releases as acquires)."""
        if self._depth == 0:
            return
        self._depth -= 1
        if self._depth or self._file is None:
            return
        file, self._file = self._file, None
        with contextlib.suppress(OSError):
            file.truncate(0)
        fcntl.flock(file.fileno(), fcntl.LOCK_UN)
        file.close()
