"""Shared fixtures: a fresh plugin manager per test, a CLI runner, a clean environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seed" / "000_5df201bbe8005723.txt"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test sees the developer's configuration, language, store or plugins."""
    for var in ("PRESSDOCS_CONFIG", "PRESSDOCS_HOME", "PRESSDOCS_LANG",
                "PRESSDOCS_LOAD_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def seed_path() -> Path:
    """The city's notice: a real document and a real test input."""
    if not SEED.exists():  # the repository is always checked out beside shared/
        raise FileNotFoundError(f"the seed notice is missing: {SEED}")
    return SEED
