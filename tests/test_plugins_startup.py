"""Built-in plugins are declared, not imported, until a command uses them.

``pressdocs plugins`` and the configuration check need only the built-ins' capability
names, which the manifest (:mod:`pressdocs._manifest`) gives; the modules, and the rules,
readers and libraries they import, load when a capability is first used.  The manifest
has to say exactly what each module registers: it is compared with the modules here, and
checked again whenever a module is imported on first use.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import threading
import time
import types
from typing import Any

import pluggy
import pytest

from pressdocs import Content, Parser, PluginError, Severity, Validator, hookimpl, hookspecs
from pressdocs import load_plugins as load_plugins_public
from pressdocs._manifest import MANIFEST, BuiltinPlugin
from pressdocs._plugins import BUILTIN_PLUGINS, load_plugins
from pressdocs._registry import Declared
from pressdocs.capabilities import CAPABILITY_KINDS
from pressdocs.models import Message

#: What ``pressdocs plugins`` must not import: the built-in plugins' modules and what they
#: stand on (the rules, the readers, the store, the mail code, document libraries).
HEAVY = ("pressdocs.builtin", "pressdocs.rules", "pressdocs.extract", "pressdocs.forms",
         "pressdocs.mail", "pressdocs.store", "pressdocs.text", "pressdocs._pipeline",
         "pressdocs._intake", "pressdocs._reading", "pressdocs._register",
         "docx", "pypdf", "pdfplumber", "pdfminer",
         "openpyxl", "jinja2", "imapclient", "email_validator", "PIL")


def _run(code: str, *args: str) -> str:
    """The last line ``code`` prints, run in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True).stdout
    return out.splitlines()[-1]


def _loaded_after(argv: list[str]) -> list[str]:
    """The heavy modules imported by the command line ``pressdocs *argv``."""
    probe = ("import sys\nfrom pressdocs.cli import main\nsys.argv = ['pressdocs', *sys.argv[1:]]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             f"heavy = {HEAVY!r}\n"
             "print('LOADED', *sorted(m for m in sys.modules if m.startswith(heavy)))")
    return _run(probe, *argv).split()[1:]


# --- the manifest is what the modules register ---------------------------------------------


def _really_registered(module_name: str) -> tuple[list[str], dict[str, list[Declared]]]:
    """Import ``module_name`` and let it register into a fresh plugin manager, as
    pressdocs did before the manifest: its hooks, and what each ``register_*`` hook
    registers (kind → capabilities in order)."""
    module = importlib.import_module(module_name)
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    pm.register(module, name=module_name)
    hooks = sorted(c.name for c in pm.get_hookcallers(module) or [])
    registered: dict[str, list[Declared]] = {}
    for kind, base in CAPABILITY_KINDS.items():
        found: list[Declared] = []

        def register(capability: Any, base: type = base, found: list[Declared] = found) -> None:
            assert isinstance(capability, base), (module_name, capability)
            found.append(Declared(base.kind, capability.name, getattr(capability, "code", "")
                                  if isinstance(capability, Validator) else ""))

        for impl in getattr(pm.hook, f"register_{kind}s").get_hookimpls():
            impl.function(**dict.fromkeys(impl.argnames, register))
        if found:
            registered[kind] = found
    return hooks, registered


def _declared(entry: BuiltinPlugin) -> dict[str, list[Declared]]:
    result: dict[str, list[Declared]] = {}
    for item in entry.registers:
        result.setdefault(item.kind, []).append(item)
    return result


@pytest.mark.parametrize("module_name", BUILTIN_PLUGINS)
def test_the_manifest_says_what_each_built_in_module_registers(module_name: str) -> None:
    hooks, registered = _really_registered(module_name)
    entry = MANIFEST[module_name]
    assert registered == _declared(entry), (
        f"{module_name} registers something else than its entry in pressdocs/_manifest.py "
        "declares: update the entry")
    assert hooks == entry.hooks, (
        f"{module_name} implements {hooks}; a built-in declared in the manifest may only "
        "implement the register_* hooks of what it declares")


def test_every_built_in_is_in_the_manifest() -> None:
    assert set(BUILTIN_PLUGINS) == set(MANIFEST)
    names = [(d.kind, d.name) for entry in MANIFEST.values() for d in entry.registers]
    assert len(names) == len(set(names))


def test_the_listing_is_the_same_before_and_after_the_modules_are_imported() -> None:
    """What ``pressdocs plugins --json`` shows from the manifest is what pluggy and the
    registry show once every built-in module is imported and has registered."""
    plugins = load_plugins(entry_points=False)
    listed = [info.to_dict() for info in plugins.infos]
    for reg in plugins.registry:
        assert reg.capability.name == reg.name  # imports each module and lets it register
    for info in plugins.infos:
        module = plugins.pm.get_plugin(info.name)
        assert module is not None, info.name
        assert sorted(c.name for c in plugins.pm.get_hookcallers(module) or []) == info.hooks
        assert plugins.registry.by_plugin(info.name) == info.registered
    assert [info.to_dict() for info in plugins.infos] == listed
    codes = [v.code for v in plugins.registry.of(Validator)]
    assert codes == plugins.registry.codes() and len(codes) == 32


# --- nothing heavy before use --------------------------------------------------------------


def test_pressdocs_plugins_imports_no_built_in_module() -> None:
    """``pressdocs plugins`` (text or JSON, with or without built-ins) imports no
    built-in plugin module, no rule, no reader and no document library; JSON output
    no rich either.  Installed third-party plugins are imported: only that says what they
    register."""
    for argv in (["plugins"], ["plugins", "--all"], ["--lang", "en", "plugins", "--all"]):
        assert _loaded_after(argv) == [], argv
    probe = ("import sys\nfrom pressdocs.cli import main\n"
             "sys.argv = ['pressdocs', 'plugins', '--all', '--json']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('LOADED', *sorted(m for m in sys.modules if m.startswith(('rich',"
             " 'pressdocs.builtin'))))")
    assert _run(probe) == "LOADED"


def test_the_plugins_json_lists_the_built_ins_from_the_manifest() -> None:
    out = subprocess.run([sys.executable, "-m", "pressdocs", "plugins", "--all", "--json"],
                         capture_output=True, text=True, check=True).stdout
    infos = {i["name"]: i for i in json.loads(out)}
    assert [n for n, i in infos.items() if i["builtin"]] == list(BUILTIN_PLUGINS)
    assert infos["pressdocs.builtin.rules"]["registered"]["validator"][:2] == ["PD101", "PD102"]
    assert infos["pressdocs.builtin.export_rows"] == {
        "name": "pressdocs.builtin.export_rows", "version": infos["pressdocs.builtin.rules"][
            "version"], "builtin": True, "status": "loaded", "hooks": ["register_exporters"],
        "registered": {"exporter": ["csv", "json"]}, "reason": None, "install_hint": ""}


def test_a_built_in_is_imported_when_its_capability_is_first_used() -> None:
    code = (
        "import sys\n"
        "from pressdocs import Channel, Parser, load_plugins\n"
        "plugins = load_plugins(entry_points=False)\n"
        "before = [m for m in sys.modules if m.startswith('pressdocs.builtin.')]\n"
        "sms = plugins.registry.get(Channel, 'sms')\n"
        "after_sms = sorted(m for m in sys.modules if m.startswith('pressdocs.builtin.')"
        " and '.channel_sms' not in m)\n"
        "parsers = [p.name for p in plugins.registry.of(Parser)]\n"
        "print(before, type(sms).__name__, after_sms, 'pressdocs.rules' in sys.modules,"
        " parsers, plugins.pm.get_plugin('pressdocs.builtin.parse_pdf') is not None,"
        " plugins.pm.get_plugin('pressdocs.builtin.rules') is None)\n")
    assert _run(code) == (
        "[] SmsChannel [] False "
        "['docx', 'xlsx', 'pdf', 'text', 'html', 'scan', 'libreoffice'] True True")


def test_checking_the_configuration_imports_no_rule(tmp_path: Any) -> None:
    """A ``[rules.<CODE>]`` table is checked against the declared codes."""
    (tmp_path / "pressdocs.toml").write_text('[rules.PD2O3]\nseverity = "error"\n',
                                             encoding="utf-8")
    code = ("import sys\nfrom pressdocs import Pressdocs, ConfigError\n"
            f"pd = Pressdocs(config={str(tmp_path / 'pressdocs.toml')!r}, "
            "load_entry_points=False)\n"
            "try:\n    pd.config\nexcept ConfigError as exc:\n    print(exc.message.en)\n"
            "print('pressdocs.rules' in sys.modules, 'pressdocs.builtin.rules' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert "PD203" in out[0]  # the nearest code is suggested
    assert out[-1] == "False False"


# --- a manifest that is wrong is a bug, said when the module is imported ---------------------


def _parser(parser_name: str) -> Parser:
    class Named(Parser):
        name = parser_name

        def sniff(self, data: bytes, name: str) -> bool:
            return False

        def parse(self, data: bytes, name: str) -> Content:
            return Content("text/plain")

    return Named()


def _fake_builtin(monkeypatch: pytest.MonkeyPatch, declared: tuple[Declared, ...],
                  registers: list[Any], **needs: Any) -> str:
    """A built-in module (registering ``registers``) with a manifest entry (``declared``)."""
    module = types.ModuleType("pressdocs_test_declared")
    calls = []

    @hookimpl
    def register_parsers(register):  # type: ignore[no-untyped-def]
        calls.append(1)
        for capability in registers:
            if isinstance(capability, Parser):
                register(capability)

    @hookimpl
    def register_validators(register):  # type: ignore[no-untyped-def]
        for capability in registers:
            if isinstance(capability, Validator):
                register(capability)

    module.register_parsers = register_parsers  # type: ignore[attr-defined]
    module.register_validators = register_validators  # type: ignore[attr-defined]
    module.calls = calls  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(MANIFEST, module.__name__, BuiltinPlugin(declared, **needs))
    return module.__name__


def _broken(plugins: Any) -> str:
    with pytest.raises(PluginError) as caught:
        plugins.registry.of(Parser)
    return caught.value.message.zh


def test_a_declared_capability_the_module_does_not_register_is_a_bug(
        monkeypatch: pytest.MonkeyPatch) -> None:
    name = _fake_builtin(monkeypatch, (Declared("parser", "one"), Declared("parser", "two")),
                         [_parser("one")])
    plugins = load_plugins(builtins=(name,), entry_points=False)
    assert plugins.infos[0].registered == {"parser": ["one", "two"]}  # as declared
    assert sys.modules[name].calls == []  # nothing ran yet
    assert _broken(plugins) == (
        f"内置插件 {name} 出错，这是 pressdocs 自身的缺陷，请报告：插件 {name} 在清单"
        "（pressdocs/_manifest.py）中声明了 Parser“two”，模块却没有登记它")
    assert _broken(plugins).startswith(f"内置插件 {name} 出错")  # said again, not half-loaded
    assert sys.modules[name].calls == [1]


def test_a_capability_the_manifest_does_not_declare_is_a_bug(
        monkeypatch: pytest.MonkeyPatch) -> None:
    name = _fake_builtin(monkeypatch, (Declared("parser", "one"),),
                         [_parser("one"), _parser("extra")])
    plugins = load_plugins(builtins=(name,), entry_points=False)
    assert "Parser“extra”" in _broken(plugins)


def test_a_validator_code_other_than_declared_is_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    class Rule(Validator):
        name = "my-rule"
        code = "XY102"
        severity = Severity.WARNING
        title = Message.literal("规则", "rule")

        def check(self, submission, context):  # type: ignore[no-untyped-def]
            return []

    name = _fake_builtin(monkeypatch, (Declared("validator", "my-rule", "XY101"),), [Rule()])
    plugins = load_plugins(builtins=(name,), entry_points=False)
    assert plugins.registry.codes() == ["XY101"]
    with pytest.raises(PluginError, match="使用代码 XY102，而清单中声明的是 XY101"):
        plugins.registry.of(Validator)


def test_a_third_party_clash_with_a_declared_built_in_is_refused_before_any_import(
        monkeypatch: pytest.MonkeyPatch) -> None:
    name = _fake_builtin(monkeypatch, (Declared("parser", "one"),), [_parser("one")])

    class Late:
        @hookimpl
        def register_parsers(self, register):  # type: ignore[no-untyped-def]
            register(_parser("one"))

    plugins = load_plugins(builtins=(name,), entry_points=False, extra=[("late", Late())])
    late = plugins.info("late")
    assert late is not None and late.status == "failed" and late.reason is not None
    assert late.reason.zh.startswith(f"插件 late 登记的 Parser“one”与内置插件 {name} 登记的重名")
    assert sys.modules[name].calls == []
    assert [p.name for p in plugins.registry.of(Parser)] == ["one"]
    assert plugins.registry.plugin_of(plugins.registry.of(Parser)[0]) == name


def test_a_declared_built_in_missing_a_need_is_skipped_unimported(
        monkeypatch: pytest.MonkeyPatch) -> None:
    name = _fake_builtin(monkeypatch, (Declared("parser", "one"),), [_parser("one")],
                         requires=("a_module_that_does_not_exist_here",),
                         install_hint="pip install 'pressdocs[imaginary]'")
    plugins = load_plugins_public(builtins=(name,), entry_points=False)
    info = plugins.infos[0]
    assert (info.status, info.install_hint, info.registered) == (
        "skipped", "pip install 'pressdocs[imaginary]'", {})
    assert info.reason is not None and "a_module_that_does_not_exist_here" in info.reason.zh
    assert plugins.registry.of(Parser) == []


def test_threads_using_a_declared_built_in_at_once_import_it_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The review desk serves requests on threads: the first uses may come together."""

    class Slow(Parser):
        name = "slow"

        def __init__(self) -> None:
            time.sleep(0.05)  # widen the window in which a second thread could come in

    name = _fake_builtin(monkeypatch, (Declared("parser", "slow"),), [])
    module = sys.modules[name]

    @hookimpl
    def register_parsers(register):  # type: ignore[no-untyped-def]
        module.calls.append(1)
        register(Slow())

    module.register_parsers = register_parsers  # type: ignore[attr-defined]
    plugins = load_plugins(builtins=(name,), entry_points=False)
    seen: list[object] = []
    errors: list[BaseException] = []

    def use() -> None:
        try:
            seen.extend(plugins.registry.of(Parser))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=use) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert module.calls == [1] and len(seen) == 4 and len({id(p) for p in seen}) == 1
