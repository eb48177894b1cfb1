"""The store lock: one ``reprocess`` (or other whole-store job) at a time per store.

Batches share a store by claiming messages (:meth:`pressdocs.store.Store.claim_message`);
what must run alone takes this lock.  On a store directory it is an advisory ``flock``
on ``pressdocs.lock``, taken without waiting.  The holder writes its process id into the
file so that the one refused can say who holds it.  The kernel releases the lock when the
holder dies, so a process killed with ``kill -9`` leaves no stale lock behind.  A
PostgreSQL store has its own (:mod:`pressdocs.store.postgresql`); both are
:class:`ReentrantLock`.
"""

from __future__ import annotations

import abc
import contextlib
import errno
import fcntl
import os
from pathlib import Path
from typing import IO

from pressdocs.errors import StoreError, StoreLocked

__all__ = ["ReentrantLock", "StoreLock"]


class ReentrantLock(abc.ABC):
    """A store's lock: re-entrant in its holder, refused at once when another process
    holds it (:class:`~pressdocs.errors.StoreLocked`).  A backend says how it is taken
    (:meth:`_take`) and given back (:meth:`_give`)."""

    def __init__(self) -> None:
        self._depth = 0

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._depth > 0

    def acquire(self) -> None:
        """Take the lock, or raise :class:`StoreLocked` at once if another process has it."""
        if not self._depth:
            self._take()
        self._depth += 1

    def release(self) -> None:
        """Give the lock back (after as many releases as acquires)."""
        if self._depth == 0:
            return
        self._depth -= 1
        if not self._depth:
            self._give()

    @abc.abstractmethod
    def _take(self) -> None: ...

    @abc.abstractmethod
    def _give(self) -> None: ...


class StoreLock(ReentrantLock):
    """An exclusive, non-blocking, re-entrant lock on a store directory."""

    def __init__(self, store_dir: Path, file_name: str = "pressdocs.lock"):
        super().__init__()
        self.store_dir = store_dir
        self.path = store_dir / file_name
        self._file: IO[str] | None = None

    def _take(self) -> None:
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

    def _refused(self, exc: OSError) -> StoreError:
        """Why the lock file could not be made or written, in the user's words."""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return StoreError.of("store.lock_disk_full", path=str(self.path))
        return StoreError.of("store.lock_file", path=str(self.path),
                             reason=exc.strerror or str(exc))

    def _give(self) -> None:
        if self._file is None:
            return
        file, self._file = self._file, None
        with contextlib.suppress(OSError):
            file.truncate(0)
        fcntl.flock(file.fileno(), fcntl.LOCK_UN)
        file.close()
