"""A plugin may add commands to ``pressdocs``, but never replace a built-in one.

Staff rely on ``pressdocs rules`` and ``pressdocs reprocess`` doing what the manual says,
whatever plugins the office installed.  A plugin whose ``register_commands`` adds a
command of the same name is refused with a note on stderr naming the plugin, and the
built-in command runs; with ``--strict`` (a plugin author's CI) the clash stops pressdocs.
A plugin's own new command works.  The plugins are installed as pip leaves them (module
and ``.dist-info`` with the entry point) and pressdocs runs as a real process.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_support import plugin_site, run_pressdocs, with_plugins

TAKES_RULES = """
import click
from pressdocs import hookimpl


@hookimpl
def register_commands(cli):
    @cli.command("rules")
    def rules():
        click.echo("the plugin's own rules")
"""

TAKES_REPROCESS = """
import click
from pressdocs import hookimpl


@hookimpl
def register_commands(cli):
    @cli.command("reprocess")
    def reprocess():
        click.echo("reprocessing nothing")
"""

ADDS_GREET = """
import click
from pressdocs import hookimpl


@hookimpl
def register_commands(cli):
    @cli.command("greet")
    @click.argument("unit")
    def greet(unit):
        \"\"\"Greet a unit.\"\"\"
        click.echo(f"{unit}，您好")
"""


CLASH_THEN_NEW = """
import click
from pressdocs import hookimpl


@hookimpl
def register_commands(cli):
    @cli.command("validate")
    def validate():
        click.echo("the plugin's validate")

    @cli.command("archive-year")
    def archive_year():
        click.echo("archived")
"""

RAISES = """
import click
from pressdocs import hookimpl


@hookimpl
def register_commands(cli):
    @cli.command("half-done")
    def half_done():
        click.echo("should not be here")

    raise RuntimeError("needs the archive database")
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("commands")
    return with_plugins(plugin_site(root, "takesrules", TAKES_RULES),
                        plugin_site(root, "takesreprocess", TAKES_REPROCESS),
                        plugin_site(root, "greeter", ADDS_GREET),
                        plugin_site(root, "archiver", CLASH_THEN_NEW),
                        plugin_site(root, "raiser", RAISES))


def test_the_plugins_are_installed(env: dict[str, str]) -> None:
    proc = run_pressdocs(["plugins", "--json"], env=env)
    assert proc.returncode == 0, proc.stderr
    infos = {i["name"]: i for i in json.loads(proc.stdout)}
    names = ("takesrules", "takesreprocess", "greeter", "archiver", "raiser")
    assert {infos[n]["status"] for n in names} == {"loaded"}


def test_the_built_in_rules_command_still_runs(env: dict[str, str]) -> None:
    proc = run_pressdocs(["rules", "--json"], env=env)
    assert proc.returncode == 0, proc.stderr
    assert "the plugin's own rules" not in proc.stdout
    codes = [rule["code"] for rule in json.loads(proc.stdout)]
    assert {"PD101", "PD203", "PD301"} <= set(codes)  # the notice's catalogue
    assert "注意：插件 takesrules 想添加命令 rules，但已有同名命令；未添加" in proc.stderr
    assert "注意：插件 takesreprocess 想添加命令 reprocess" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_built_in_reprocess_command_still_runs(env: dict[str, str],
                                                   tmp_path: Path) -> None:
    proc = run_pressdocs(["--lang", "en", "--store", str(tmp_path / "store"), "reprocess",
                          "--json"], env=env)
    assert proc.returncode == 0, proc.stderr
    assert "reprocessing nothing" not in proc.stdout
    assert json.loads(proc.stdout)["source"] == "reprocess"
    assert ("Note: plugin takesreprocess tried to add the command reprocess, which exists "
            "already; not added") in proc.stderr


def test_strict_stops_on_the_clash(env: dict[str, str]) -> None:
    proc = run_pressdocs(["--strict", "rules"], env=env)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("错误：插件 takesrules 想添加命令 rules"), proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_new_command_from_a_plugin_works(env: dict[str, str]) -> None:
    proc = run_pressdocs(["greet", "市统计局"], env=env)
    assert (proc.returncode, proc.stdout) == (0, "市统计局，您好\n"), proc.stderr
    # --help imports no plugin (start-up stays light): it names the installed plugins and
    # says where their commands are listed; ``pressdocs plugins`` lists them
    listed = run_pressdocs(["--help"], env=env)
    assert "greeter" in listed.stdout and "pressdocs plugins" in listed.stdout
    plugins = run_pressdocs(["plugins"], env=env)
    assert "greet" in plugins.stdout and "命令" in plugins.stdout, plugins.stdout
    assert "Greet a unit." in run_pressdocs(["greet", "--help"], env=env).stdout


def test_a_refused_command_does_not_lose_the_plugins_other_commands(
        env: dict[str, str]) -> None:
    proc = run_pressdocs(["archive-year"], env=env)
    assert (proc.returncode, proc.stdout) == (0, "archived\n"), proc.stderr
    assert "注意：插件 archiver 想添加命令 validate" in proc.stderr


def test_a_plugin_whose_hook_raises_adds_no_command_and_stops_nothing(
        env: dict[str, str]) -> None:
    proc = run_pressdocs(["greet", "市统计局"], env=env)
    assert (proc.returncode, proc.stdout) == (0, "市统计局，您好\n"), proc.stderr
    assert "Traceback" not in proc.stderr
    assert ("注意：插件 raiser 在 register_commands 中出错：RuntimeError: needs the archive "
            "database") in proc.stderr
    half = run_pressdocs(["half-done"], env=env)
    assert half.returncode == 2 and "should not be here" not in half.stdout
    assert "没有这个命令：half-done" in half.stderr
    strict = run_pressdocs(["--strict", "--lang", "en", "greet", "x"], env=env)
    assert strict.returncode == 2 and "Traceback" not in strict.stderr
    assert strict.stderr.startswith("Error: plugin "), strict.stderr
