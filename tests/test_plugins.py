"""The plugin manager: built-ins and third-party plugins through one path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from pressdocs import (
    BatchFinished,
    Content,
    Parser,
    PluginError,
    Pressdocs,
    Severity,
    Validator,
    hookimpl,
    load_plugins,
)
from pressdocs._intake import BatchReport
from pressdocs._plugins import BUILTIN_PLUGINS


class EchoParser(Parser):
    name = "echo"

    def sniff(self, data: bytes, name: str) -> bool:
        return data.startswith(b"ECHO")

    def parse(self, data: bytes, name: str) -> Content:
        return Content(media_type="text/plain", paragraphs=[data.decode()])


class RegistersEcho:
    @hookimpl
    def register_parsers(self, register):  # type: ignore[no-untyped-def]
        register(EchoParser())


def test_throwaway_plugin_registers_a_parser() -> None:
    plugins = load_plugins(builtins=(), entry_points=False, extra=[("echo", RegistersEcho())])
    parsers = plugins.registry.of(Parser)
    assert [p.name for p in parsers] == ["echo"]
    assert plugins.registry.all("parser")[0].plugin == "echo"
    info = plugins.info("echo")
    assert info is not None and info.hooks == ["register_parsers"]
    assert info.registered == {"parser": ["echo"]}


def test_duplicate_capability_names_both_plugins() -> None:
    with pytest.raises(PluginError) as exc:
        load_plugins(builtins=(), entry_points=False, strict=True,
                     extra=[("first", RegistersEcho()), ("second", RegistersEcho())])
    message = str(exc.value)
    assert "first" in message and "second" in message and "echo" in message


def test_wrong_capability_type_is_refused() -> None:
    class Wrong:
        @hookimpl
        def register_validators(self, register):  # type: ignore[no-untyped-def]
            register(EchoParser())

    with pytest.raises(PluginError, match="不是 Validator 的实例"):
        load_plugins(builtins=(), entry_points=False, strict=True, extra=[("wrong", Wrong())])


def test_misspelt_hook_fails_loudly() -> None:
    class Misspelt:
        @hookimpl
        def register_parser(self, register):  # type: ignore[no-untyped-def]
            pass

    with pytest.raises(PluginError, match="register_parser"):
        load_plugins(builtins=(), entry_points=False, strict=True,
                     extra=[("misspelt", Misspelt())])


def test_misspelt_hook_argument_fails_loudly() -> None:
    class BadArg:
        @hookimpl
        def register_parsers(self, registr):  # type: ignore[no-untyped-def]
            pass

    with pytest.raises(PluginError, match="registr"):
        load_plugins(builtins=(), entry_points=False, strict=True, extra=[("badarg", BadArg())])


def test_builtin_with_missing_dependency_is_skipped_with_hint(
        monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("pressdocs_test_needs_missing")
    module.REQUIRES = ("a_module_that_does_not_exist_here",)  # type: ignore[attr-defined]
    module.INSTALL_HINT = "pip install 'pressdocs[imaginary]'"  # type: ignore[attr-defined]

    @hookimpl
    def register_parsers(register):  # type: ignore[no-untyped-def]
        raise AssertionError("a skipped built-in must not run")

    module.register_parsers = register_parsers  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    plugins = load_plugins(builtins=(module.__name__,), entry_points=False)
    info = plugins.info(module.__name__)
    assert info is not None
    assert info.status == "skipped"
    assert info.reason is not None
    assert "a_module_that_does_not_exist_here" in info.reason.zh
    assert info.install_hint == "pip install 'pressdocs[imaginary]'"


def test_builtin_missing_tool_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("pressdocs_test_needs_tool")
    module.REQUIRES_TOOLS = ("no-such-tool-pressdocs",)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    info = load_plugins(builtins=(module.__name__,), entry_points=False).infos[0]
    assert info.reason is not None
    assert (info.status, info.reason.zh) == ("skipped", "未找到外部程序：no-such-tool-pressdocs")


def test_every_builtin_loads_or_says_why() -> None:
    plugins = load_plugins(entry_points=False)
    names = [i.name for i in plugins.infos]
    assert names == list(BUILTIN_PLUGINS)
    for info in plugins.infos:
        assert info.builtin
        assert info.status in ("loaded", "skipped")
        if info.status == "skipped":
            assert info.reason and info.install_hint


def test_event_listener_failure_does_not_stop_others() -> None:
    seen: list[str] = []

    class Broken:
        @hookimpl
        def handle_event(self, event):  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

    class Listener:
        @hookimpl
        def handle_event(self, event):  # type: ignore[no-untyped-def]
            seen.append(event.name)

    plugins = load_plugins(builtins=(), entry_points=False,
                           extra=[("broken", Broken()), ("listener", Listener())])
    warnings = Pressdocs(plugins=plugins).emit(BatchFinished(report=BatchReport("x")))
    assert seen == ["batch_finished"]
    assert [w.zh for w in warnings] == ["插件 broken 处理事件 batch_finished 时出错：boom"]
    assert warnings[0].en == "plugin broken failed handling event batch_finished: boom"


def test_validator_registration_keeps_code_and_severity() -> None:
    class Rule(Validator):
        name = "XX001"
        code = "XX001"
        severity = Severity.INFO

        def check(self, submission, context):  # type: ignore[no-untyped-def]
            return []

    class P:
        @hookimpl
        def register_validators(self, register):  # type: ignore[no-untyped-def]
            register(Rule())

    plugins = load_plugins(builtins=(), entry_points=False, extra=[("p", P())])
    (rule,) = plugins.registry.of(Validator)
    assert (rule.code, rule.severity) == ("XX001", Severity.INFO)


def _pyproject(entry: str) -> str:
    """The pyproject.toml of a one-module plugin ``pressdocs-<entry>``."""
    return f"""
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "pressdocs-{entry}"
version = "1.2.3"

[project.entry-points.pressdocs]
{entry} = "pressdocs_{entry}"
"""


PLUGIN_MODULE = '''
import click
from pressdocs import hookimpl, Validator, Severity


class Friendly(Validator):
    name = "HL001"
    code = "HL001"
    severity = Severity.INFO

    def check(self, submission, context):
        return []


@hookimpl
def register_validators(register):
    register(Friendly())


@hookimpl
def register_commands(cli):
    @cli.command()
    def hello():
        """Say hello."""
        click.echo("你好，新闻办")
'''

def _venv(root: Path, plugins: dict[str, str]) -> Path:
    """A real virtualenv under ``root`` with ``plugins`` (entry name → module source)
    pip-installed; its python."""
    venv = root / "venv"
    # No pip of its own: the venv sees this interpreter's packages (pressdocs, setuptools),
    # and this interpreter's pip installs into it, offline.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(venv)], check=True)
    python = venv / "bin" / "python"
    for entry, source in plugins.items():
        src = root / entry
        src.mkdir()
        (src / "pyproject.toml").write_text(_pyproject(entry))
        (src / f"pressdocs_{entry}.py").write_text(textwrap.dedent(source))
        subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                        "--no-deps",
                        "--no-build-isolation", "--no-index", str(src)],
                       check=True, capture_output=True)
    return python


@pytest.fixture(scope="module")
def plugin_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real virtualenv with two plugins pip-installed: one good, one that fails to import."""
    return _venv(tmp_path_factory.mktemp("venv"), {
        "hello": PLUGIN_MODULE,
        "broken": "raise ImportError('needs a library that is missing')",
    })


def _run(python: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRESSDOCS_")}
    environ.update(env)
    return subprocess.run([str(python), "-m", "pressdocs", *args], capture_output=True,
                          text=True, env=environ)


def test_entry_point_plugin_is_listed_and_its_hook_runs(plugin_venv: Path) -> None:
    result = _run(plugin_venv, "plugins", "--all", "--json")
    assert result.returncode == 0, result.stderr
    infos = {i["name"]: i for i in json.loads(result.stdout)}
    hello = infos["hello"]
    assert hello["version"] == "1.2.3"
    assert hello["status"] == "loaded"
    assert hello["registered"] == {"validator": ["HL001"], "command": ["hello"]}
    assert hello["hooks"] == ["register_commands", "register_validators"]
    assert infos["broken"]["status"] == "failed"
    assert "needs a library that is missing" in infos["broken"]["reason"]["zh"]
    assert all(infos[b]["builtin"] for b in BUILTIN_PLUGINS)

    hello_run = _run(plugin_venv, "hello")
    assert (hello_run.returncode, hello_run.stdout) == (0, "你好，新闻办\n")


def test_strict_makes_a_failed_plugin_fatal(plugin_venv: Path) -> None:
    result = _run(plugin_venv, "--strict", "plugins")
    assert result.returncode == 2
    assert "插件 broken 加载失败" in result.stderr
    assert "Traceback" not in result.stderr


def test_load_plugins_variable_limits_third_party(plugin_venv: Path) -> None:
    result = _run(plugin_venv, "plugins", "--json", PRESSDOCS_LOAD_PLUGINS="hello")
    infos = {i["name"]: i for i in json.loads(result.stdout)}
    assert infos["hello"]["status"] == "loaded"
    assert infos["broken"]["status"] == "skipped"
    none = _run(plugin_venv, "plugins", "--json", PRESSDOCS_LOAD_PLUGINS="")
    assert {i["status"] for i in json.loads(none.stdout)} == {"skipped"}


TYPO_MODULE = """
from pressdocs import hookimpl


@hookimpl
def register_parser(register):  # misspelt: the hook is register_parsers
    pass


@hookimpl
def register_commands(cli):
    @cli.command()
    def typo():
        pass
"""

MYDOCX_MODULE = """
from pressdocs import hookimpl, Parser


class MyDocx(Parser):
    name = "docx"  # the built-in Word parser's name


@hookimpl
def register_parsers(register):
    register(MyDocx())
"""


@pytest.fixture(scope="module")
def mistaken_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real virtualenv with two mistaken plugins: a misspelt hook, a parser named docx."""
    return _venv(tmp_path_factory.mktemp("mistakes"), {"typo": TYPO_MODULE,
                                                       "mydocx": MYDOCX_MODULE})


def test_mistaken_plugins_do_not_stop_pressdocs(mistaken_venv: Path) -> None:
    version = _run(mistaken_venv, "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("pressdocs ")

    result = _run(mistaken_venv, "plugins", "--json")
    assert result.returncode == 0, result.stderr
    infos = {i["name"]: i for i in json.loads(result.stdout)}
    assert infos["typo"]["status"] == "failed"
    assert infos["typo"]["reason"]["key"] == "plugin.unknown_hook"
    assert "register_parser" in infos["typo"]["reason"]["zh"]
    assert "python -m pydoc pressdocs.hookspecs" in infos["typo"]["reason"]["en"]
    assert infos["mydocx"]["status"] == "failed"
    assert infos["mydocx"]["reason"]["zh"].startswith("插件 mydocx 登记的 Parser“docx”")

    command = _run(mistaken_venv, "typo")  # a failed plugin adds no commands
    assert command.returncode == 2 and "typo" in command.stderr


def test_strict_makes_a_mistaken_plugin_fatal(mistaken_venv: Path) -> None:
    result = _run(mistaken_venv, "--strict", "plugins")
    assert result.returncode == 2
    assert "插件 typo 实现了不存在的钩子" in result.stderr or "插件 mydocx" in result.stderr
    assert "Traceback" not in result.stderr
    allowed = _run(mistaken_venv, "--strict", "plugins", "--json", PRESSDOCS_LOAD_PLUGINS="")
    assert allowed.returncode == 0, allowed.stderr
