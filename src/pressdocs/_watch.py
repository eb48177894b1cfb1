"""Watching a mailbox: the batch run again whenever new mail arrives (``pressdocs watch``).

:func:`watch` connects to the mailbox, runs a batch over what is there, then waits for new
mail — with IMAP IDLE (RFC 2177) where the server offers it, re-issued every
``idle_timeout`` seconds (25 minutes by default: servers may drop an IDLE after 30), and
by polling every ``poll`` seconds where it does not (163 offers IDLE only after the client
has sent ``ID``, which pressdocs always does).  When mail comes the batch runs again:
:meth:`pressdocs.Pressdocs.batch`, the very same one as ``pressdocs batch`` runs, whose
ledger takes in only what it has not yet processed.  There is no second pipeline.

The watch uses a connection of its own to wait
(:class:`pressdocs.builtin.source_imap.MailboxWatch`); each batch opens, uses and closes
its own, as a ``pressdocs batch`` does.  Batches share a store by claiming messages, so a
``pressdocs batch`` started by hand meanwhile — or a watch on another machine — runs
alongside, each message taken in once.

A connection that drops or stalls, a server that is down, the store held by a
``reprocess``, a disk full: each is reported as one event and tried again after 1 second,
then 2, 4 … up to ``backoff_cap`` (5 minutes), back to 1 second once a batch has run.
What cannot get better by waiting — a login refused, a folder that does not exist, the
configuration — ends the watch with its error.

A mailbox that is not IMAP (a Maildir, a folder of .eml files) is polled: the batch runs
every ``poll`` seconds.

Stopping: ``stop`` (a :class:`threading.Event`, or anything with ``is_set()``) ends the
watch within about a second while it waits; ``pressdocs watch`` turns SIGTERM and Ctrl-C
into an exception instead, which also stops a batch in the middle of a message — that
message is rolled back and left for the next run, exactly as ``pressdocs batch`` does.
Either way the connection is closed on the way out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

from pressdocs._redact import scrub
from pressdocs.errors import ConnectionLost, PressdocsError, SourceError, StoreLocked
from pressdocs.models import Message

if TYPE_CHECKING:
    from pressdocs._app import Pressdocs
    from pressdocs._intake import BatchReport, Progress
    from pressdocs.builtin.source_imap import MailboxWatch

__all__ = ["IDLE_TIMEOUT", "POLL", "StopFlag", "WatchEvent", "WatchHealth", "watch"]

#: Seconds an IDLE is kept before it is renewed (RFC 2177: at least every 29 minutes).
IDLE_TIMEOUT = 25 * 60.0
#: Seconds between two looks at a mailbox that cannot be watched with IDLE.
POLL = 60.0
#: Seconds between two health events.
HEALTH = 10 * 60.0
#: The longest wait between two attempts to reconnect.
BACKOFF_CAP = 5 * 60.0

#: What the watch is doing: connecting (or reconnecting), waiting in IDLE, polling,
#: taking mail in, or stopped.
State = Literal["connecting", "idle", "polling", "batch", "stopped"]

#: Errors that waiting may cure: the server down or unreachable, or answering oddly.
_RETRY_SOURCE_ERRORS = frozenset({"source.imap_connect", "source.imap_failed"})


class StopFlag(Protocol):
    """What says the watch should stop: a :class:`threading.Event` does."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class WatchHealth:
    """How the watch stands: what it watches, what it is doing, since when, how many
    messages it has taken in, and the last error (``None`` when there was none)."""

    source: str
    state: State
    started: datetime
    #: New messages taken in (processed) since the watch started.
    processed: int = 0
    #: Batches run since the watch started.
    batches: int = 0
    #: Whether the mailbox is watched with IDLE (else polled).
    idle: bool = False
    last_error: Message | None = None
    last_error_at: datetime | None = None

    def line(self) -> Message:
        """The health line of the log: ``pressdocs watch: 已连接 … 已处理 N 封 …``."""
        state = Message.of(f"watch.state.{self.state}")
        error = Message.of("watch.no_error") if self.last_error is None else \
            Message.of("watch.last_error", error=self.last_error, at=self.last_error_at)
        return Message.of("watch.health", source=self.source, state=state,
                          processed=self.processed, batches=self.batches, error=error,
                          started=self.started)

    def to_dict(self, lang: str = "zh") -> dict[str, object]:
        return {"source": self.source, "state": self.state, "idle": self.idle,
                "started": self.started.isoformat(), "processed": self.processed,
                "batches": self.batches,
                "last_error": self.last_error.text(lang) if self.last_error else None,
                "last_error_at": self.last_error_at.isoformat() if self.last_error_at
                else None}


@dataclass(frozen=True)
class WatchEvent:
    """One thing the watch did, in the order it did it.

    ``kind`` is ``connected`` (the mailbox is open; :attr:`WatchHealth.idle` says whether it
    is watched with IDLE), ``batch`` (a batch ran: :attr:`report`), ``retry`` (something
    went wrong that waiting may cure: :attr:`error`, tried again in :attr:`retry_in`
    seconds), ``health`` (at the start, then every ``health`` seconds) or ``stopped``
    (the last one, after ``stop`` was set)."""

    kind: Literal["connected", "batch", "retry", "health", "stopped"]
    health: WatchHealth
    report: BatchReport | None = None
    error: Message | None = None
    retry_in: float | None = None

    def line(self) -> Message:
        """The event as one line of the log."""
        h = self.health
        if self.kind == "connected":
            return Message.of("watch.connected" if h.idle else "watch.connected_polling",
                              source=h.source)
        if self.kind == "batch":
            assert self.report is not None
            return Message.of("watch.batch", new=self.report.new, seen=self.report.seen,
                              processed=h.processed)
        if self.kind == "retry":
            return Message.of("watch.retry", error=self.error or Message.of("watch.no_error"),
                              seconds=round(self.retry_in or 0))
        if self.kind == "stopped":
            return Message.of("watch.stopped", processed=h.processed, batches=h.batches)
        return h.line()


def watch(app: Pressdocs, location: str | None = None, *, receipts: bool = False,
          idle_timeout: float = IDLE_TIMEOUT, poll: float = POLL, health: float = HEALTH,
          backoff_cap: float = BACKOFF_CAP, stop: StopFlag | None = None,
          progress: Progress | None = None) -> Generator[WatchEvent, None, None]:
    """Watch ``location`` (default ``[mail] imap``), running the batch on what is there and
    again on each new mail; see the module docstring.  Yields what happens as
    :class:`WatchEvent` s until ``stop`` is set; ``progress`` is given every message's
    outcome as the batch commits it (as :meth:`pressdocs.Pressdocs.batch` does)."""
    from pressdocs.errors import ConfigError

    location = location or str(app.config.mail.get("imap", "") or "")
    if not location:
        raise SourceError.of("intake.no_source")
    for name, value in (("idle_timeout", idle_timeout), ("poll", poll), ("health", health),
                        ("backoff_cap", backoff_cap)):
        if not value > 0:
            raise ConfigError.of("watch.bad_seconds", name=name, value=value)
    return _Watcher(app, location, receipts=receipts, idle_timeout=idle_timeout, poll=poll,
                    health=health, backoff_cap=backoff_cap, stop=stop or threading.Event(),
                    progress=progress).run()


class _Watcher:
    def __init__(self, app: Pressdocs, location: str, *, receipts: bool, idle_timeout: float,
                 poll: float, health: float, backoff_cap: float, stop: StopFlag,
                 progress: Progress | None) -> None:
        self.app, self.location, self.receipts = app, location, receipts
        self.idle_timeout, self.poll, self.every, self.cap = idle_timeout, poll, health, backoff_cap
        self.stop, self.progress = stop, progress
        self.imap = location.startswith(("imap://", "imaps://"))
        self.health = WatchHealth(source=scrub(location), state="connecting",
                                  started=datetime.now(app.config.tz))
        self.next_health = time.monotonic()  # the first at once
        self.mailbox: MailboxWatch | None = None
        self.polled = 0.0  # when the last batch ended (a mailbox without IMAP is polled)

    def _set(self, **changes: object) -> None:
        self.health = replace(self.health, **changes)  # type: ignore[arg-type]

    def _event(self, kind: Literal["connected", "batch", "retry", "health", "stopped"],
               **fields: object) -> WatchEvent:
        return WatchEvent(kind, self.health, **fields)  # type: ignore[arg-type]

    def _health_due(self) -> Generator[WatchEvent, None, None]:
        now = time.monotonic()
        if now >= self.next_health:
            self.next_health = now + self.every
            yield self._event("health")

    def run(self) -> Generator[WatchEvent, None, None]:
        delay = 1.0
        try:
            while not self.stop.is_set():
                try:
                    for event in self._session():
                        if event.report is not None and event.report.complete:
                            delay = 1.0  # the mailbox works again: the next failure waits 1 s
                        yield event
                except Exception as exc:
                    if not _retryable(exc):
                        raise
                    reason = exc.reason if isinstance(exc, _Deferred) else \
                        exc.as_message() if isinstance(exc, PressdocsError) else \
                        Message.of("intake.transient", error=f"{type(exc).__name__}: {exc}")
                    yield from self._retry(reason, delay)
                    delay = min(delay * 2, self.cap)
                finally:
                    self._close()
        finally:
            self._close()
        self._set(state="stopped")
        yield self._event("stopped")

    def _retry(self, reason: Message, delay: float) -> Generator[WatchEvent, None, None]:
        self._set(state="connecting", last_error=reason,
                  last_error_at=datetime.now(self.app.config.tz))
        yield self._event("retry", error=reason, retry_in=delay)
        deadline = time.monotonic() + delay
        while not self.stop.is_set() and (left := deadline - time.monotonic()) > 0:
            yield from self._health_due()
            time.sleep(min(1.0, left))

    def _session(self) -> Generator[WatchEvent, None, None]:
        """One connection: open it, take in what is there, then wait and take in again."""
        self._set(state="connecting")
        if self.imap:
            from pressdocs.builtin.source_imap import MailboxWatch

            self.mailbox = MailboxWatch(self.location, self.app.config)
        idle = self.mailbox is not None and self.mailbox.idle
        self._set(idle=idle, state="idle" if idle else "polling")
        yield self._event("connected")
        yield from self._health_due()
        yield from self._batch()
        while not self.stop.is_set():
            if self.mailbox is not None and self.mailbox.newer():
                yield from self._batch()
                continue
            yield from self._health_due()
            wait = min(self.idle_timeout if idle else self.poll,
                       max(self.next_health - time.monotonic(), 0.0))
            if self.mailbox is not None:
                self.mailbox.wait(max(wait, 0.01), self.stop.is_set)
            else:
                self._sleep(wait)
                if not self.stop.is_set() and time.monotonic() >= self.polled + self.poll:
                    yield from self._batch()

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stop.is_set() and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(1.0, left))

    def _batch(self) -> Generator[WatchEvent, None, None]:
        state = self.health.state
        self._set(state="batch")
        report = self.app.batch(self.location, receipts=self.receipts, progress=self.progress)
        self.polled = time.monotonic()
        self._set(state=state, processed=self.health.processed + report.new,
                  batches=self.health.batches + 1)
        yield self._event("batch", report=report)
        if report.interrupted is not None:  # the batch's own connection dropped midway
            raise ConnectionLost(report.interrupted)
        if report.deferred:  # a full disk, the store unable to write: wait, then again
            raise _Deferred(report.deferred[0].line())

    def _close(self) -> None:
        if self.mailbox is not None:
            mailbox, self.mailbox = self.mailbox, None
            mailbox.close()


class _Deferred(Exception):
    """Some messages of a batch could not be processed now (said by its report)."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason.zh)
        self.reason = reason


def _retryable(exc: BaseException) -> bool:
    """Whether waiting may cure ``exc``: a connection dropped, refused or timed out, the
    store locked by a batch or unable to write now, messages deferred."""
    from pressdocs._intake import is_transient

    if isinstance(exc, ConnectionLost | StoreLocked | _Deferred):
        return True
    if isinstance(exc, SourceError) and exc.message.key in _RETRY_SOURCE_ERRORS:
        return True
    return is_transient(exc)

