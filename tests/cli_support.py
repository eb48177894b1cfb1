"""Running pressdocs as users do, for the tests that check what they would notice: the
command line in-process (click's runner) and as a real process, the examples, the seed.

Import in tests as ``from cli_support import ...`` (pytest puts ``tests/`` on ``sys.path``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner, Result

from pressdocs import schemas
from pressdocs.cli import cli

TZ = ZoneInfo("Asia/Shanghai")
HAN = re.compile(r"[\u4e00-\u9fff]")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FINDING_KEYS = {"code", "severity", "message", "location", "clause"}
MESSAGE_KEYS = {"key", "zh", "en", "params"}
LOCATION_KEYS = {"document", "field"}
#: No developer settings leak in; wide enough that tables do not wrap words.
CLEAN_ENV: dict[str, str | None] = {
    "PRESSDOCS_CONFIG": None, "PRESSDOCS_HOME": None, "PRESSDOCS_LANG": None,
    "PRESSDOCS_LOAD_PLUGINS": None, "COLUMNS": "240",
}


def invoke(args: Sequence[str], obj: object = None, *,
           env: dict[str, str] | None = None) -> Result:
    """``pressdocs ARGS`` in-process (the click group, as the tests of the CLI run it)."""
    return CliRunner(env={**CLEAN_ENV, **(env or {})}).invoke(cli, list(args), obj=obj)


def json_of(args: Sequence[str], *, exit_code: int = 0) -> Any:
    """The JSON ``pressdocs ARGS`` prints, after checking its exit code."""
    result = invoke(args)
    assert result.exit_code == exit_code, result.output
    return json.loads(result.stdout)


def run_pressdocs(args: Sequence[str], *, env: dict[str, str] | None = None,
                  timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m pressdocs ARGS`` as a real process, no PRESSDOCS_* from outside."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRESSDOCS_")}
    environ["COLUMNS"] = "240"
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "pressdocs", *args], capture_output=True,
                          text=True, timeout=timeout, env=environ)


def load_example(name: str) -> ModuleType:
    """``examples/NAME.py`` as a module."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def demo_mailbox_with_plan(root: Path) -> tuple[Path, Path]:
    """The demo mailbox (examples/demo_mailbox.py) under ``root``, and a store holding the
    city's plan, imported with the CLI."""
    from conftest import SEED

    mail = root / "mail"
    load_example("demo_mailbox").write_mailbox(mail)
    store = root / "planned"
    imported = invoke(["--store", str(store), "plan", "import", str(SEED)])
    assert imported.exit_code == 0, imported.output
    return mail, store


def plugin_site(root: Path, name: str, source: str) -> Path:
    """A folder that, put on ``PYTHONPATH``, makes ``source`` an installed plugin called
    ``name``: the module ``pressdocs_NAME`` and the ``.dist-info`` that pip would write,
    with its entry point in the ``pressdocs`` group (found by importlib.metadata like any
    installed distribution's), without building and installing a package."""
    site = root / f"site-{name}"
    site.mkdir(parents=True)
    (site / f"pressdocs_{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"pressdocs_{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: pressdocs-{name}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[pressdocs]\n{name} = pressdocs_{name}\n",
                                           encoding="utf-8")
    return site


def with_plugins(*sites: Path) -> dict[str, str]:
    """The environment variables that make a real process see the plugins of ``sites``."""
    path = [str(s) for s in sites] + [p for p in os.environ.get("PYTHONPATH", "").split(
        os.pathsep) if p]
    return {"PYTHONPATH": os.pathsep.join(path)}


def findings_in(data: Any) -> Iterator[Any]:
    """Every finding anywhere in an output (what is listed under a ``findings`` key)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "findings":
                assert isinstance(value, list), value
                yield from value
            else:
                yield from findings_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from findings_in(value)


def assert_one_finding_shape(data: Any) -> int:
    """Each finding has exactly the finding schema's fields, all of them, and validates
    alone; returns how many there were."""
    count = 0
    for finding in findings_in(data):
        schemas.validate("finding", finding)
        assert set(finding) == FINDING_KEYS, finding
        assert set(finding["message"]) == MESSAGE_KEYS, finding
        assert set(finding["location"]) == LOCATION_KEYS, finding
        assert finding["message"]["zh"] and finding["message"]["en"], finding
        count += 1
    return count
