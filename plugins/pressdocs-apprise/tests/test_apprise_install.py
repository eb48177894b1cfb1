"""The evidence that the plugin is a real, separately installable distribution: built and
installed by pip into a fresh virtual environment, found by pressdocs through its entry
point (``pressdocs plugins --json`` lists the channel), and delivering a notice to a
loopback JSON webhook from a process in that environment.

Offline: the venv sees the system's site packages (pressdocs' dependencies, apprise,
setuptools), so pip installs the plugin alone, without an index.  The venv's pressdocs is
the one under test (this process's, first on ``PYTHONPATH``); the plugin is the copy pip
installed, never the source folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import pressdocs
from apprise_support import Webhook, clean_env, serve

PLUGIN_DIR = Path(__file__).resolve().parents[1]

SEND = textwrap.dedent("""
    import json, sys
    import pressdocs, pressdocs_apprise
    from pressdocs import Channel, Notice, Pressdocs

    with Pressdocs(store="store") as pd:  # the settings: ./pressdocs.toml
        channel = pd.plugins.registry.get(Channel, "apprise")
        delivery = pd.send(Notice(
            key="receipt:s1:apprise", channel="apprise", recipients=[], template="receipt",
            unit="芜湖市统计局", submission_id="s1",
            context={"subject": sys.argv[1], "text": sys.argv[2], "lang": "zh"}))
        state = pd.store.notice_state("receipt:s1:apprise")
    print(json.dumps({"pressdocs": pressdocs.__file__, "plugin": pressdocs_apprise.__file__,
                      "channel": type(channel).__module__ + "." + type(channel).__name__,
                      "status": delivery.status, "detail": delivery.detail,
                      "stored": state}))
""")


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env(monkeypatch, tmp_path)


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    """A JSON webhook on 127.0.0.1 (``json://127.0.0.1:PORT/PATH`` in Apprise's words)."""
    with serve() as hook:
        yield hook


def run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_installed_in_a_fresh_venv_it_delivers_through_its_entry_point(
        tmp_path: Path, webhook: Webhook) -> None:
    source = tmp_path / "pressdocs-apprise"  # pip builds in the folder: never in the repo
    shutil.copytree(PLUGIN_DIR, source, ignore=shutil.ignore_patterns(
        "tests", "build", "*.egg-info", "__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True, timeout=300)
    python = venv / "bin" / "python"
    pressdocs_src = Path(pressdocs.__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env["PYTHONPATH"] = str(pressdocs_src)  # the pressdocs under test, not another install
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    run([str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", str(source)], tmp_path, env)

    work = tmp_path / "office"
    work.mkdir()
    (work / "pressdocs.toml").write_text(
        f'[plugins.apprise]\nurls = ["{webhook.url("/office")}"]\n', encoding="utf-8")

    listed = json.loads(run([str(python), "-m", "pressdocs", "plugins", "--json"], work, env))
    [apprise] = [p for p in listed if p["name"] == "apprise"]
    assert apprise["status"] == "loaded"
    assert apprise["builtin"] is False
    assert apprise["version"] == "0.1.0"
    assert apprise["registered"] == {"channel": ["apprise"]}

    subject, text = "回执：登记表已收到", "市统计局：\n您单位的登记表已收到。\n市新闻办"
    result = json.loads(run([str(python), "-c", SEND, subject, text], work, env))

    assert result["pressdocs"] == str(Path(pressdocs.__file__).resolve())
    assert Path(result["plugin"]).is_relative_to(venv)  # the installed copy
    assert result["channel"] == "pressdocs_apprise.AppriseChannel"
    assert (result["status"], result["stored"]) == ("sent", "sent")
    assert result["detail"] == f"已送达 json://127.0.0.1:{webhook.port}/office"
    [got] = webhook.received
    assert (got.path, got.body["title"], got.body["message"]) == ("/office", subject, text)
