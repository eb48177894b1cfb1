"""Shared fixtures: a fresh plugin manager per test, a CLI runner, a clean environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

#: The city's notice as scraped (spam and all), kept in the repository for the demo and tests.
SEED = Path(__file__).resolve().parents[1] / "examples" / "notice_2021.txt"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test sees the developer's configuration, language, store or plugins."""
    for var in ("PRESSDOCS_CONFIG", "PRESSDOCS_HOME", "PRESSDOCS_LANG",
                "PRESSDOCS_LOAD_PLUGINS", "PRESSDOCS_BLOBS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    from pressdocs._redact import forget

    forget()  # the secrets a test's configuration made known are scrubbed in that test only


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def seed_path() -> Path:
    """The city's notice: a real document and a real test input."""
    return SEED


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """pytest-playwright's browser is Debian's chromium (``scripts/setup`` installs it):
    Playwright's own downloads are never used (``playwright install`` is not run)."""
    import shutil

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (scripts/setup installs it)")
    return {**browser_type_launch_args, "executable_path": chromium}


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """A throwaway PostgreSQL cluster on loopback for the session (tests/pgservers.py)."""
    import importlib.util

    from pgservers import ThrowawayPostgres

    if not ThrowawayPostgres.available():
        pytest.skip("PostgreSQL is not installed (scripts/setup installs Debian's postgresql)")
    if importlib.util.find_spec("psycopg") is None:
        pytest.skip("psycopg is not installed (pip install 'pressdocs[postgresql]')")
    server = ThrowawayPostgres().start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: object) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test: its URL."""
    with postgres_server.database() as url:  # type: ignore[attr-defined]
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store location of each backend: a new directory, a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "pressdocs-data")
    return str(request.getfixturevalue("postgres_url"))
