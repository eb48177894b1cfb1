"""Loading plugins as a plugin author meets it: the order capabilities register in, and
what happens to a plugin with a mistake (a misspelt hook, a clash, a crash) — it is left
out and says why, unless ``strict``; a built-in with a mistake is always fatal."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from pressdocs import (
    BatchFinished,
    Content,
    Message,
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

DOCX = "pressdocs.builtin.parse_docx"
RULES = "pressdocs.builtin.rules"


def _parser(parser_name: str) -> Parser:
    class Named(Parser):
        name = parser_name

        def sniff(self, data: bytes, name: str) -> bool:
            return False

        def parse(self, data: bytes, name: str) -> Content:
            return Content("text/plain")

    return Named()


class ParserPlugin:
    """A throwaway plugin registering parsers with the given names."""

    def __init__(self, *names: str) -> None:
        self.names = names

    @hookimpl
    def register_parsers(self, register):  # type: ignore[no-untyped-def]
        for name in self.names:
            register(_parser(name))


class Rule203(Validator):
    name = "my-long-release-rule"
    code = "PD203"
    severity = Severity.ERROR

    def check(self, submission, context):  # type: ignore[no-untyped-def]
        return []


class ValidatorPlugin:
    def __init__(self, validator: Validator) -> None:
        self.validator = validator

    @hookimpl
    def register_validators(self, register):  # type: ignore[no-untyped-def]
        register(self.validator)


def _failed(plugins: Any, name: str) -> Message:
    info = plugins.info(name)
    assert info is not None
    assert info.status == "failed"
    assert info.reason is not None
    assert plugins.pm.get_plugin(name) is None  # its other hooks do not run either
    assert plugins.registry.by_plugin(name) == {}
    return info.reason  # type: ignore[no-any-return]


# --- order ---------------------------------------------------------------------------------


def test_capabilities_register_built_ins_first_then_third_party_in_load_order() -> None:
    plugins = load_plugins(builtins=(DOCX,), entry_points=False,
                           extra=[("a", ParserPlugin("a1", "a2")), ("b", ParserPlugin("b1"))])
    registered = [(r.plugin, r.name) for r in plugins.registry.all("parser")]
    assert registered == [(DOCX, "docx"), ("a", "a1"), ("a", "a2"), ("b", "b1")]


def test_every_built_in_registers_before_any_third_party_plugin() -> None:
    plugins = load_plugins(entry_points=False, extra=[("late", ParserPlugin("late"))])
    owners = [r.plugin for r in plugins.registry]
    parsers = [r.plugin for r in plugins.registry.all("parser")]
    assert parsers[-1] == "late"
    assert set(owners) - {"late"} <= set(BUILTIN_PLUGINS)


# --- a clash blames the plugin that came second --------------------------------------------


def test_a_parser_named_like_a_built_in_fails_the_third_party_plugin() -> None:
    plugins = load_plugins(builtins=(DOCX,), entry_points=False,
                           extra=[("mydocx", ParserPlugin("docx"))])
    reason = _failed(plugins, "mydocx")
    assert reason.zh.startswith("插件 mydocx 登记的 Parser“docx”与内置插件 "
                                f"{DOCX} 登记的重名；请改名")
    assert "priority" in reason.zh
    assert reason.en.startswith('plugin mydocx registered Parser "docx", already registered '
                                f"by built-in plugin {DOCX}; rename it")
    assert plugins.registry.get(Parser, "docx") is not None  # the built-in stays
    assert plugins.registry.plugin_of(plugins.registry.of(Parser)[0]) == DOCX


def test_a_validator_with_a_built_in_code_fails_the_third_party_plugin() -> None:
    plugins = load_plugins(builtins=(RULES,), entry_points=False,
                           extra=[("rules203", ValidatorPlugin(Rule203()))])
    reason = _failed(plugins, "rules203")
    assert "插件 rules203 登记的校验规则 my-long-release-rule 使用的代码 PD203 已属于内置插件" \
        in reason.zh
    assert "[rules.PD203] enabled = false" in reason.zh
    assert "give the rule a code of its own" in reason.en
    codes = [v.code for v in plugins.registry.of(Validator)]
    assert codes.count("PD203") == 1


def test_strict_makes_a_clash_fatal_naming_the_second_plugin() -> None:
    with pytest.raises(PluginError) as caught:
        load_plugins(builtins=(DOCX,), entry_points=False, strict=True,
                     extra=[("mydocx", ParserPlugin("docx"))])
    assert str(caught.value).startswith("插件 mydocx 登记的 Parser“docx”")


def test_a_clash_between_two_third_party_plugins_suggests_loading_one() -> None:
    plugins = load_plugins(builtins=(), entry_points=False,
                           extra=[("first", ParserPlugin("echo")), ("second", ParserPlugin("echo"))])
    reason = _failed(plugins, "second")
    assert reason.zh == ("插件 second 登记的 Parser“echo”与插件 first 登记的重名；"
                         "请改名，或用 PRESSDOCS_LOAD_PLUGINS 只加载其中一个")
    first = plugins.info("first")
    assert first is not None and first.registered == {"parser": ["echo"]}


# --- mistakes in hooks ------------------------------------------------------------------------


class Misspelt:
    @hookimpl
    def register_parser(self, register):  # type: ignore[no-untyped-def]
        raise AssertionError("never called")

    @hookimpl
    def handle_event(self, event):  # type: ignore[no-untyped-def]
        raise AssertionError("a failed plugin's other hooks never run")


class BadArgument:
    @hookimpl
    def register_parsers(self, registr):  # type: ignore[no-untyped-def]
        raise AssertionError("never called")


def test_a_misspelt_hook_leaves_the_plugin_out_and_says_how_to_fix_it() -> None:
    plugins = load_plugins(builtins=(DOCX,), entry_points=False,
                           extra=[("misspelt", Misspelt()), ("fine", ParserPlugin("fine"))])
    reason = _failed(plugins, "misspelt")
    assert reason.key == "plugin.unknown_hook"
    assert reason.zh.startswith("插件 misspelt 实现了不存在的钩子 register_parser"
                                "（是否应为 register_parsers？）")
    assert "python -m pydoc pressdocs.hookspecs" in reason.zh
    assert "PRESSDOCS_LOAD_PLUGINS" in reason.zh
    assert "did you mean register_parsers?" in reason.en
    assert "python -m pydoc pressdocs.hookspecs" in reason.en
    assert [p.name for p in plugins.registry.of(Parser)] == ["docx", "fine"]
    assert Pressdocs(plugins=plugins).emit(BatchFinished(report=BatchReport("x"))) == []


def test_a_misspelt_hook_argument_leaves_the_plugin_out_naming_the_argument() -> None:
    plugins = load_plugins(builtins=(), entry_points=False, extra=[("badarg", BadArgument())])
    reason = _failed(plugins, "badarg")
    assert reason.zh.startswith("插件 badarg 的钩子 register_parsers 用了不存在的参数 registr"
                                "（这个钩子的参数：register）（是否应为 register？）")
    assert reason.params["arguments"] == ["registr"]
    assert "python -m pydoc pressdocs.hookspecs" in reason.en


def test_the_documentation_the_reason_points_at_ships_with_the_package() -> None:
    import pydoc

    from pressdocs import hookspecs

    text = pydoc.render_doc(hookspecs, renderer=pydoc.plaintext)
    assert "register_parsers(register" in text and "Called once per plugin" in text


def test_a_built_in_with_a_misspelt_hook_is_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("pressdocs_test_builtin_misspelt")

    @hookimpl
    def register_parser(register):  # type: ignore[no-untyped-def]
        pass

    module.register_parser = register_parser  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    with pytest.raises(PluginError) as caught:
        load_plugins(builtins=(module.__name__,), entry_points=False)
    assert str(caught.value).startswith(
        f"内置插件 {module.__name__} 出错，这是 pressdocs 自身的缺陷，请报告：")
    assert "register_parser" in str(caught.value)


def test_a_built_in_whose_registration_is_refused_is_fatal() -> None:
    class Wrong:
        @hookimpl
        def register_parsers(self, register):  # type: ignore[no-untyped-def]
            register(_parser("docx"))

    module = types.ModuleType("pressdocs_test_builtin_clash")
    module.register_parsers = Wrong().register_parsers  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    try:
        with pytest.raises(PluginError, match="内置插件 pressdocs_test_builtin_clash 出错"):
            load_plugins(builtins=(DOCX, module.__name__), entry_points=False)
    finally:
        del sys.modules[module.__name__]


# --- failures while registering ---------------------------------------------------------------


class HalfThenCrash:
    """Registers one parser, then crashes in its next hook."""

    @hookimpl
    def register_parsers(self, register):  # type: ignore[no-untyped-def]
        register(_parser("half"))

    @hookimpl
    def register_validators(self, register):  # type: ignore[no-untyped-def]
        raise RuntimeError("the rule table is missing")


def test_a_plugin_that_raises_in_register_is_left_out_with_what_it_had_registered() -> None:
    plugins = load_plugins(builtins=(), entry_points=False,
                           extra=[("half", HalfThenCrash()), ("fine", ParserPlugin("fine"))])
    reason = _failed(plugins, "half")
    assert reason.zh == ("插件 half 在 register_validators 中出错："
                         "RuntimeError: the rule table is missing")
    assert [p.name for p in plugins.registry.of(Parser)] == ["fine"]
    with pytest.raises(PluginError, match="插件 half 在 register_validators 中出错"):
        load_plugins(builtins=(), entry_points=False, strict=True, extra=[("half", HalfThenCrash())])


def test_a_plugin_registering_the_wrong_type_is_left_out() -> None:
    class Wrong:
        @hookimpl
        def register_validators(self, register):  # type: ignore[no-untyped-def]
            register(_parser("not-a-validator"))

    plugins = load_plugins(builtins=(), entry_points=False, extra=[("wrong", Wrong())])
    reason = _failed(plugins, "wrong")
    assert "不是 Validator 的实例" in reason.zh and "which is not a Validator" in reason.en


def test_a_second_plugin_of_the_same_name_is_left_out() -> None:
    plugins = load_plugins(builtins=(), entry_points=False,
                           extra=[("twin", ParserPlugin("one")), ("twin", ParserPlugin("two"))])
    assert [i.status for i in plugins.infos] == ["loaded", "failed"]
    reason = plugins.infos[1].reason
    assert reason is not None and reason.key == "plugin.same_name"
    assert [p.name for p in plugins.registry.of(Parser)] == ["one"]


# --- the reason is a message ------------------------------------------------------------------


def test_the_reason_is_a_message_in_both_languages_and_in_the_json() -> None:
    plugins = load_plugins(builtins=(), entry_points=False, extra=[("misspelt", Misspelt())])
    info = plugins.infos[0]
    data = info.to_dict()
    assert data["reason"]["key"] == "plugin.unknown_hook"
    assert Message.from_dict(data["reason"]) == info.reason
    assert info.notes("en").startswith("plugin misspelt implements register_parser")
    assert info.notes("zh").startswith("插件 misspelt 实现了不存在的钩子")
    loaded = load_plugins(builtins=(), entry_points=False, extra=[("ok", ParserPlugin("x"))])
    assert loaded.infos[0].to_dict()["reason"] is None and loaded.infos[0].notes() == ""


def test_a_skipped_built_in_says_why_in_english_too(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("pressdocs_test_needs_tools")
    module.REQUIRES_TOOLS = ("no-such-tool-a", "no-such-tool-b")  # type: ignore[attr-defined]
    module.INSTALL_HINT = "apt-get install no-such-tool"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    info = load_plugins(builtins=(module.__name__,), entry_points=False).infos[0]
    assert info.reason is not None
    assert info.reason.zh == "未找到外部程序：no-such-tool-a 或 no-such-tool-b"
    assert info.notes("en") == ("external program not found: no-such-tool-a or no-such-tool-b "
                                "apt-get install no-such-tool")


# --- validators are checked as they are registered ----------------------------------------


def _validator(code: object = "XY101", severity: object = Severity.WARNING,
               check: Any = None) -> Validator:
    class Checked(Validator):
        name = "checked-rule"

        def check(self, submission, context):  # type: ignore[no-untyped-def]
            return []

    validator = Checked()
    validator.code = code  # type: ignore[assignment]
    validator.severity = severity  # type: ignore[assignment]
    if check is not None:
        validator.check = check  # type: ignore[method-assign]
    return validator


def test_a_well_formed_validator_is_accepted() -> None:
    plugins = load_plugins(builtins=(), entry_points=False, strict=True,
                           extra=[("ok", ValidatorPlugin(_validator(check=lambda *args: [])))])
    assert [v.code for v in plugins.registry.of(Validator)] == ["XY101"]


@pytest.mark.parametrize("code", ["PD2O3", "pd203", "PD20", "PD2031", "", 203])
def test_a_validator_code_must_look_like_pd101(code: object) -> None:
    plugins = load_plugins(builtins=(), entry_points=False,
                           extra=[("codes", ValidatorPlugin(_validator(code=code)))])
    reason = _failed(plugins, "codes")
    assert reason.zh == (f"插件 codes 登记的校验规则 checked-rule 的代码 {code!r} 不合格式："
                         "应为两个大写字母加三位数字，如 PD101")
    assert "two capital letters and three digits like PD101" in reason.en


def test_a_validator_severity_must_be_a_severity() -> None:
    plugins = load_plugins(builtins=(), entry_points=False,
                           extra=[("sev", ValidatorPlugin(_validator(severity="error")))])
    reason = _failed(plugins, "sev")
    assert reason.zh.startswith("插件 sev 登记的校验规则 checked-rule 的 severity 为 'error'，"
                                "应为 pressdocs.Severity 之一")
    assert "must be a pressdocs.Severity" in reason.en


@pytest.mark.parametrize("check", [
    lambda submission: [],
    lambda submission, context, store: [],
    lambda: [],
])
def test_a_validator_check_must_accept_submission_and_context(check: Any) -> None:
    plugins = load_plugins(builtins=(), entry_points=False,
                           extra=[("sig", ValidatorPlugin(_validator(check=check)))])
    reason = _failed(plugins, "sig")
    assert reason.zh.startswith("插件 sig 登记的校验规则 checked-rule 的 check 方法应接受 "
                                "(submission, context) 两个参数，实际为 check(")
    assert "does not accept (submission, context)" in reason.en


def test_a_refused_validator_is_fatal_with_strict() -> None:
    with pytest.raises(PluginError, match="checked-rule 的代码 'PD2O3' 不合格式"):
        load_plugins(builtins=(), entry_points=False, strict=True,
                     extra=[("codes", ValidatorPlugin(_validator(code="PD2O3")))])


def test_every_built_in_rule_passes_the_checks() -> None:
    plugins = load_plugins(builtins=(RULES,), entry_points=False, strict=True)
    assert len(plugins.registry.of(Validator)) > 20


def test_a_validator_whose_title_is_a_plain_string_is_refused() -> None:
    """The rule catalogue shows titles in both languages: a str would break it later."""

    class Titled(Validator):
        name = code = "OF102"
        title = "标题"  # type: ignore[assignment]

    class Plugin:
        @hookimpl
        def register_validators(self, register):  # type: ignore[no-untyped-def]
            register(Titled())

    plugins = load_plugins(builtins=(), entry_points=False, extra=[("titled", Plugin())])
    reason = _failed(plugins, "titled")
    assert reason.key == "plugin.bad_title"
    assert reason.zh.startswith("插件 titled 登记的校验规则 OF102 的标题为 '标题'，应为 pressdocs.Message")
    assert Pressdocs(plugins=plugins).rules() == []
