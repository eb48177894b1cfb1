"""Fixtures of the plugin's tests: a loopback JSON webhook and a clean environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from apprise_support import Webhook, serve


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    """A JSON webhook on 127.0.0.1 (``json://127.0.0.1:PORT/PATH`` in Apprise's words)."""
    with serve() as hook:
        yield hook


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test sees the developer's configuration, store or plugin choice, and loopback
    requests never go through a proxy."""
    for var in ("PRESSDOCS_CONFIG", "PRESSDOCS_HOME", "PRESSDOCS_LANG",
                "PRESSDOCS_LOAD_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.chdir(tmp_path)
    yield
