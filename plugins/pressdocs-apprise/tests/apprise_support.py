"""What the plugin's tests share: a loopback JSON webhook and a clean environment.

Apprise's ``json://127.0.0.1:PORT/PATH`` posts ``{"title", "message", "type", …}`` to the
webhook; the test reads back what arrived.  Nothing outside 127.0.0.1 is contacted.

There is deliberately no ``conftest.py`` here: pressdocs' own tests do ``from conftest
import …``, and a second ``conftest`` module among the test paths would take its place.
Each test module declares its two fixtures from these helpers instead.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


@dataclass
class Received:
    """One request the webhook received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Webhook:
    """A JSON webhook on 127.0.0.1: ``received`` in order; ``status`` answers by path
    (200 unless set)."""

    port: int
    received: list[Received] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)

    def url(self, path: str = "/hook", scheme: str = "json", auth: str = "") -> str:
        return f"{scheme}://{auth}127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [r.path for r in self.received]


@contextmanager
def serve() -> Iterator[Webhook]:
    """A webhook on 127.0.0.1, answering until the block ends."""
    hook = Webhook(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            hook.received.append(Received(self.path, dict(self.headers.items()),
                                          json.loads(data.decode("utf-8"))))
            status = hook.status.get(self.path, 200)
            answer = b'{"ok": true}' if status == 200 else b'{"error": "server trouble"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()


def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's configuration, store or plugin choice, each runs in its
    own folder, and loopback requests never go through a proxy."""
    for var in ("PRESSDOCS_CONFIG", "PRESSDOCS_HOME", "PRESSDOCS_LANG",
                "PRESSDOCS_LOAD_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.chdir(tmp_path)
