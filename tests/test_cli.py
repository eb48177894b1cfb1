"""The command line as a user meets it: the installed script, Chinese first."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

import pressdocs
from pressdocs._plugins import BUILTIN_PLUGINS
from pressdocs.cli import cli
from pressdocs.schemas import ALL_SCHEMAS


def test_version_through_the_installed_script_and_module() -> None:
    for argv in (["pressdocs", "--version"], [sys.executable, "-m", "pressdocs", "--version"]):
        out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
        assert out == f"pressdocs {pressdocs.__version__}\n"


def test_help_is_chinese_first() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "新闻发布会材料的收取、读取、核查、通知与报表" in result.output


def test_schema_lists_and_prints(runner: CliRunner) -> None:
    listing = runner.invoke(cli, ["schema"])
    assert [line.split("\t")[0] for line in listing.output.splitlines()] == list(ALL_SCHEMAS)
    printed = runner.invoke(cli, ["schema", "registration"])
    schema = json.loads(printed.output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "person_in_charge" in schema["properties"]
    bad = runner.invoke(cli, ["schema", "registraton"])
    assert bad.exit_code == 2


def test_plugins_all_json_lists_builtins_with_what_they_registered(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["plugins", "--all", "--json"])
    assert result.exit_code == 0, result.output
    infos = json.loads(result.output)
    builtin = [i for i in infos if i["builtin"]]
    assert [i["name"] for i in builtin] == list(BUILTIN_PLUGINS)
    for info in builtin:
        assert set(info) == {"name", "version", "builtin", "status", "hooks", "registered",
                             "reason", "install_hint"}
        if info["status"] == "loaded":
            assert info["hooks"], info["name"]
            assert info["registered"] or info["hooks"] == ["register_commands"], info["name"]


def test_plugins_table_in_chinese_and_english(runner: CliRunner) -> None:
    zh = runner.invoke(cli, ["plugins", "--all"])
    assert zh.exit_code == 0
    assert "插件" in zh.output and "状态" in zh.output
    en = runner.invoke(cli, ["--lang", "en", "plugins", "--all"])
    assert "plugin" in en.output and "status" in en.output
