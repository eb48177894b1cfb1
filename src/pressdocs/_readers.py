"""Reading messages on several cores: ``pressdocs batch --workers N``.

Reading a message — taking its MIME apart, opening its packages, reading every document —
asks nothing of the ledger (:meth:`~pressdocs._pipeline.Pipeline.read`), while judging it
does (the plan, the earlier submission it corrects).  So with ``N`` workers the batch
hands the next messages to ``N`` worker processes to read and, meanwhile, judges and
commits the ones already read, in the mailbox's order: the same submissions, findings
and order as without workers.  Reading runs at most ``2 × N`` messages ahead.

Each worker is a fresh interpreter (``spawn``, never a ``fork`` of a process that may hold
threads and locks) with the office's configuration and the same plugins: the built-in
ones, the installed ones, and the plugin modules given to :class:`~pressdocs.Pressdocs`
(an object that is not a module cannot be sent to another process:
:class:`~pressdocs.errors.ConfigError`).  A worker keeps the documents' originals in the
store itself and flushes them to disk before it hands its reading back, so the commit
that names them finds them there; it reads documents under the same time and memory
budget (:mod:`pressdocs._budget`).  A worker that dies does not take a message with it:
that message, and those after it, are read by the batch's own process.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeAlias

from pressdocs.errors import ConfigError

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs
    from pressdocs._intake import Admitted, ReadFailure
    from pressdocs._pipeline import Pipeline
    from pressdocs.capabilities import RawMessage
    from pressdocs.config import Config
    from pressdocs.models import Submission

    #: A reading: the submission read, why it could not be, or ``None`` (not read: the
    #: batch's own process reads it).
    Reading: TypeAlias = Submission | ReadFailure | None
    from pressdocs.store import Store

__all__ = ["MAX_WORKERS", "Readers"]

#: The most worker processes a batch starts.
MAX_WORKERS = 64

@dataclass(frozen=True)
class _Setup:
    """What a worker needs to make the same pipeline as the batch's."""

    config: Config
    #: the store's location (a directory, or a PostgreSQL URL) and its folder of files
    store: str
    blobs: str
    #: :func:`~pressdocs._plugins.load_plugins`' arguments, but ``extra``…
    plugins: dict[str, Any]
    #: … given as (name, module name) pairs
    modules: tuple[tuple[str, str], ...]


class Readers:
    """``workers`` processes reading messages ahead of the batch (see the module)."""

    def __init__(self, app: Pressdocs, store: Store, workers: int) -> None:
        recipe = app._plugin_recipe()
        modules = []
        for name, plugin in recipe.pop("extra"):
            if not isinstance(plugin, ModuleType):
                raise ConfigError.of("intake.workers_plugin", plugin=name)
            modules.append((name, plugin.__name__))
        # the batch's store (never a dry run's): its directory, or database and blobs folder
        setup = _Setup(config=app.config, store=str(app.store_location), blobs=str(store.path),
                       plugins=recipe, modules=tuple(modules))
        self._pool = ProcessPoolExecutor(max_workers=workers, initializer=_start,
                                         initargs=(setup,),
                                         mp_context=multiprocessing.get_context("spawn"))
        self._ahead = 2 * workers
        self._window: deque[tuple[Future[Submission | ReadFailure] | None, Admitted, RawMessage]] = deque()
        self._broken = False

    def read(self, admitted: Admitted,
             original: RawMessage) -> Iterator[tuple[Reading, Admitted, RawMessage]]:
        """Start reading ``admitted``; yield ``(reading, admitted, original)`` for the
        messages whose turn has come, oldest first (``original``: the message as the source
        gave it, for it to acknowledge)."""
        self._window.append((self._submit(admitted), admitted, original))
        while len(self._window) > self._ahead:
            yield self._next()

    def drain(self) -> Iterator[tuple[Reading, Admitted, RawMessage]]:
        """Every message still being read, in order."""
        while self._window:
            yield self._next()

    def close(self) -> None:
        """Stop the workers (readings not collected are dropped: those messages stay
        recorded but unprocessed, and are finished from the archive)."""
        self._window.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self, admitted: Admitted) -> Future[Submission | ReadFailure] | None:
        raw = admitted.raw
        if self._broken or raw.path is None or admitted.copy:
            return None
        try:
            return self._pool.submit(_read, str(raw.path), admitted.sha256, raw.source,
                                     raw.received, raw.file_time)
        except (BrokenProcessPool, RuntimeError):
            self._broken = True
            return None

    def _next(self) -> tuple[Reading, Admitted, RawMessage]:
        future, admitted, original = self._window.popleft()
        if future is None:
            return None, admitted, original
        try:
            return future.result(), admitted, original
        except BrokenProcessPool:  # a worker died (killed, out of memory): read it here
            self._broken = True
            return None, admitted, original


# --- in a worker ---------------------------------------------------------------------------

_pipeline: Pipeline | None = None
_store: Store | None = None


def _start(setup: _Setup) -> None:
    """Make this worker's pipeline: the batch's configuration, plugins and store."""
    global _pipeline, _store
    import importlib

    from pressdocs._app import Pressdocs
    from pressdocs._buckets import bucket_of
    from pressdocs._pipeline import Pipeline
    from pressdocs._plugins import load_plugins
    from pressdocs.store import open_store

    extra = [(name, importlib.import_module(module)) for name, module in setup.modules]
    app = Pressdocs(config=setup.config, store=setup.store,
                    plugins=load_plugins(**setup.plugins, extra=extra))
    _store = open_store(setup.store, blobs=setup.blobs, remote=bucket_of(app))
    _pipeline = Pipeline(app, ledger=None, originals=_store)


def _read(path: str, sha256: str, source: str, received: datetime | None,
          file_time: datetime | None) -> Submission | ReadFailure:
    """Read one archived message: its submission, not yet judged, or why not."""
    from pressdocs._intake import ReadFailure
    from pressdocs.capabilities import RawMessage

    assert _pipeline is not None and _store is not None
    raw = RawMessage(source=source, key="", received=received, file_time=file_time,
                     path=Path(path))
    try:
        with _store.deferred_blobs():  # on disk before the batch commits what names them
            return _pipeline.read(raw, sha256)
    except Exception as exc:
        return ReadFailure.of(exc)
