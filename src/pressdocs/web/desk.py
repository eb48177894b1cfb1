"""What the review desk serves: one office's configuration and store, opened afresh for
each request, and the memory of failed logins.

Each request gets its own :class:`pressdocs.Pressdocs` (cheap to make; its SQLite
connection belongs to the thread that serves the request) and closes it when answered,
so the desk and a batch running beside it share the store as two command-line runs do.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pressdocs._app import Pressdocs
from pressdocs._plugins import Plugins
from pressdocs.config import Config

__all__ = ["Desk", "LoginLimiter", "session_secret"]

#: The file in the store folder that keeps the key signing the desk's session cookies.
SECRET_FILE = "web-secret"


class LoginLimiter:
    """Failed logins, counted in a sliding ``window`` (seconds) per account name and per
    client address: past ``per_name`` failures for a name, or ``per_client`` from one
    address, logins there are refused until the oldest failure leaves the window.

    Kept in memory: a restart forgets them, which a guesser gains little from (each try
    costs a scrypt).  Safe to share between the threads serving requests.
    """

    def __init__(self, *, per_name: int = 5, per_client: int = 20, window: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_name, self.per_client, self.window, self._clock = (per_name, per_client,
                                                                   window, clock)
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, name: str, client: str) -> int:
        """Seconds until ``name`` may try again from ``client``; 0 when it may now."""
        now = self._clock()
        with self._lock:
            waits = [self._wait(f"name:{name.casefold()}", self.per_name, now),
                     self._wait(f"client:{client}", self.per_client, now)]
        return max(waits)

    def failed(self, name: str, client: str) -> None:
        """Count a failed login."""
        now = self._clock()
        with self._lock:
            for key in (f"name:{name.casefold()}", f"client:{client}"):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, name: str) -> None:
        """Forget the name's failures after a successful login."""
        with self._lock:
            self._failures.pop(f"name:{name.casefold()}", None)

    def _wait(self, key: str, limit: int, now: float) -> int:
        times = self._failures.get(key)
        if not times:
            return 0
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) < limit:
            return 0
        return max(1, int(times[-limit] + self.window - now + 0.999))


@dataclass
class Desk:
    """The review desk's settings: the office's ``config`` and ``store`` as given to
    :class:`Pressdocs` (a folder, a PostgreSQL database's URL, or ``None``: from the
    environment and the configuration), the ``folder`` of its files (where the desk keeps
    its key; default the store folder), the default language, the plugins loaded once
    at start-up, and whether it is reached over HTTPS (then its cookies are ``Secure``).
    One office of several: its ``config`` says which."""

    config: Config
    store: str | Path | None
    folder: Path | None = None
    lang: str = "zh"
    plugins: Plugins | None = None
    https: bool = False
    limiter: LoginLimiter = field(default_factory=LoginLimiter)

    @contextmanager
    def open(self, lang: str | None = None) -> Iterator[Pressdocs]:
        """A :class:`Pressdocs` on the office's store for one request, closed afterwards."""
        app = Pressdocs(config=self.config, store=self.store, lang=lang or self.lang,
                        plugins=self.plugins)
        try:
            yield app
        finally:
            app.close()

    @property
    def files(self) -> Path:
        """Where the desk keeps its files (:func:`session_secret`)."""
        if self.folder is not None:
            return self.folder
        return Pressdocs(config=self.config, store=self.store).store_path


def session_secret(store: Path) -> str:
    """The key that signs session cookies: ``PRESSDOCS_SECRET`` when set, else the one
    kept in the store folder (made on first use, readable by its owner only), so that a
    restart does not log everyone out."""
    given = os.environ.get("PRESSDOCS_SECRET", "").strip()
    if given:
        return given
    path = store / SECRET_FILE
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    store.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another desk made it just now
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key + "\n")
    return key
