"""Configuration: defaults are the notice; the file is checked; secrets stay in the environment."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from pressdocs import ConfigError, Plugins, Pressdocs, Severity, hookimpl, load_config, load_plugins
from pressdocs.cli import cli


def test_defaults_reproduce_the_notice() -> None:
    c = load_config()
    assert (c.city, c.office_mailbox, c.timezone) == ("芜湖市", "whxwtg@163.com", "Asia/Shanghai")
    d, m = c.deadlines, c.materials
    assert (d.registration_days_before, d.materials_days_before, d.max_delay_months) == (3, 1, 1)
    assert d.statistics_due == ["06-30", "12-30"]
    assert d.days == "calendar"
    assert (m.press_release_max_chars, m.min_questions, m.answer_max_chars) == (1200, 2, 500)
    assert (m.pictures, m.max_videos) == (3, 1)
    assert c.source == ""


def test_file_found_in_working_directory_then_env_then_explicit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pressdocs.toml").write_text('city = "马鞍山市"\n', encoding="utf-8")
    assert load_config().city == "马鞍山市"
    other = tmp_path / "other.toml"
    other.write_text('city = "铜陵市"\n', encoding="utf-8")
    monkeypatch.setenv("PRESSDOCS_CONFIG", str(other))
    assert load_config().city == "铜陵市"
    third = tmp_path / "third.toml"
    third.write_text('city = "安庆市"\n', encoding="utf-8")
    assert load_config(third).city == "安庆市"


def test_units_rules_and_lookup(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text('''
[rules.PD203]
severity = "error"
[rules.PD301]
enabled = false
[units."市财政局"]
emails = ["CZJ@wuhu.gov.cn"]
mobiles = ["13905531234"]
aliases = ["财政局", "芜湖市财政局"]
''', encoding="utf-8")
    c = load_config(f)
    assert c.rule("PD203").severity is Severity.ERROR
    assert c.rule("PD301").enabled is False
    assert c.rule("PD101").enabled is True and c.rule("PD101").severity is None
    unit = c.find_unit("芜湖市 财政局")
    assert unit is not None and unit.name == "市财政局"
    assert c.unit_by_email("czj@WUHU.gov.cn") is unit


@pytest.mark.parametrize(("text", "fragment"), [
    ('citi = "芜湖市"', "未知的配置项 citi"),
    ('[deadlines]\nregistration_day_before = 3', "未知的配置项 deadlines.registration_day_before"),
    ('[deadlines]\nregistration_days_before = "3"', "deadlines.registration_days_before 应为整数"),
    ('[deadlines]\ndays = "weekdays"', "deadlines.days"),
    ('[deadlines]\nstatistics_due = ["6/30"]', "应写作 月-日"),
    ('[rules.PD101]\nseverity = "fatal"', "error、warning 或 info"),
    ('timezone = "Mars/Olympus"', "不是有效的时区"),
    ('[mail]\npassword_file = "/a"\npassword = {env = "X"}', "只能写一个"),
    ('city = ', "不是有效的 TOML"),
])
def test_bad_files_get_clear_chinese_errors(tmp_path: Path, text: str, fragment: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(f)
    assert fragment in str(exc.value)
    assert exc.value.message.en and exc.value.message.en != str(exc.value)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load_config(tmp_path / "nope.toml")


def test_secrets_come_from_the_environment_and_are_redacted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "pressdocs.toml"
    f.write_text('[mail]\nimap = "imaps://whxwtg@163.com@imap.163.com/INBOX"\n'
                 'secret = {env = "PRESSDOCS_IMAP_SECRET"}\n', encoding="utf-8")
    c = load_config(f)
    secret = c.mail["secret"]
    with pytest.raises(ConfigError, match="环境变量 PRESSDOCS_IMAP_SECRET 未设置"):
        secret.reveal()
    monkeypatch.setenv("PRESSDOCS_IMAP_SECRET", "AUTHCODE123")
    assert secret.reveal() == "AUTHCODE123"
    assert "AUTHCODE123" not in json.dumps(c.redacted(), ensure_ascii=False)
    assert "AUTHCODE123" not in repr(c)

    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code == 0
    assert "AUTHCODE123" not in result.output
    assert 'env = "PRESSDOCS_IMAP_SECRET"' in result.output  # the secret's name, not its value
    assert "[deadlines]" in result.output and "registration_days_before = 3" in result.output
    shown = tomllib.loads(result.output)  # what config show prints is TOML pressdocs reads
    assert shown["mail"]["secret"] == {"env": "PRESSDOCS_IMAP_SECRET"}

    as_json = CliRunner().invoke(cli, ["config", "show", "--json"])
    assert json.loads(as_json.output)["mail"]["secret"].startswith("***")


def test_cli_reports_a_broken_config_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "pressdocs.toml").write_text("[deadlines]\nregistration_days_before = -", "utf-8")
    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code == 2
    assert "错误：配置文件" in result.output and "不是有效的 TOML" in result.output
    assert "Traceback" not in result.output
    en = CliRunner().invoke(cli, ["--lang", "en", "config", "show"])
    assert "Error: configuration file" in en.output


# --- checked against the loaded plugins ------------------------------------------------------


def _app(tmp_path: Path, toml: str, plugins: Plugins | None = None) -> Pressdocs:
    path = tmp_path / "pressdocs.toml"
    path.write_text(toml, encoding="utf-8")
    return Pressdocs(config=path, plugins=plugins or load_plugins(entry_points=False))


def test_a_rule_code_no_validator_has_is_an_error_suggesting_the_nearest(tmp_path: Path) -> None:
    app = _app(tmp_path, '[rules.PD2O3]\nseverity = "error"\n')
    with pytest.raises(ConfigError) as caught:
        app.config  # noqa: B018
    zh, en = caught.value.render("zh"), caught.value.render("en")
    assert zh.startswith("配置项 rules.PD2O3 中的规则代码 PD2O3 不存在（是否应为 PD203？）；已有的规则：PD101、")
    assert en.startswith("configuration key rules.PD2O3: there is no rule PD2O3 "
                         "(did you mean PD203?); the rules are PD101, ")
    assert "PD501" in zh


def test_a_table_for_a_plugin_that_is_not_installed_is_an_error(tmp_path: Path) -> None:
    app = _app(tmp_path, '[plugins.unknown]\nurl = "https://example.invalid"\n')
    with pytest.raises(ConfigError) as caught:
        app.config  # noqa: B018
    assert str(caught.value) == ("配置中的 [plugins.unknown] 没有对应的插件；"
                                 "已安装的插件：无（未安装第三方插件）。请检查拼写，或删除这一节")

    class Sms:
        @hookimpl
        def handle_event(self, event):  # type: ignore[no-untyped-def]
            pass

    plugins = load_plugins(builtins=(), entry_points=False, extra=[("sms-gateway", Sms())])
    typo = _app(tmp_path, '[plugins.sms-gatway]\nurl = "https://example.invalid"\n', plugins)
    with pytest.raises(ConfigError) as caught:
        typo.config  # noqa: B018
    assert caught.value.render("en") == (
        "the configuration has [plugins.sms-gatway], but no plugin of that name is installed "
        "(did you mean sms-gateway?); installed plugins: sms-gateway. Check the spelling, or "
        "remove the section")


def test_a_real_rule_code_and_an_installed_plugins_table_pass(tmp_path: Path) -> None:
    class Sms:
        @hookimpl
        def handle_event(self, event):  # type: ignore[no-untyped-def]
            pass

    plugins = load_plugins(entry_points=False, extra=[("sms-gateway", Sms())])
    app = _app(tmp_path, '[rules.PD203]\nseverity = "error"\n'
                         '[plugins.sms-gateway]\nurl = "https://example.invalid"\n', plugins)
    assert app.config.rule("PD203").severity is Severity.ERROR
    assert app.config.plugins == {"sms-gateway": {"url": "https://example.invalid"}}


def test_a_rule_of_a_plugin_that_failed_to_load_is_not_refused(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    class Misspelt:
        @hookimpl
        def register_validator(self, register):  # type: ignore[no-untyped-def]
            pass

    plugins = load_plugins(entry_points=False, extra=[("office-rules", Misspelt())])
    app = _app(tmp_path, '[rules.OF101]\nenabled = false\n'
                         '[plugins.office-rules]\nlevel = 2\n', plugins)
    assert app.config.rule("OF101").enabled is False
    assert "rules.OF101" in caplog.text and "office-rules" in caplog.text


def test_the_cli_reports_an_unknown_rule_code(tmp_path: Path) -> None:
    (tmp_path / "pressdocs.toml").write_text('[rules.PD2O3]\nenabled = false\n', "utf-8")
    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code == 2
    assert "rules.PD2O3" in result.output and "PD203" in result.output
    assert "Traceback" not in result.output


# --- written back as TOML --------------------------------------------------------------------


FULL = '''
city = "马鞍山市"
lang = "en"

[deadlines]
days = "working"
statistics_due = ["06-30"]

[rules.PD203]
severity = "error"

[rules.PD301]
enabled = false

[units."市财政局"]
emails = ["czj@wuhu.gov.cn"]
aliases = ["财政局"]

[mail]
imap = "imaps://whxwtg@163.com@imap.163.com/INBOX"
secret = {env = "PRESSDOCS_IMAP_SECRET"}
folders = ["INBOX", "报送"]

[notify.sms]
token = {env = "PRESSDOCS_SMS_TOKEN"}
retries = 3

[plugins.sms-gateway]
'''


def test_to_toml_is_valid_toml_that_loads_back_to_the_same_configuration(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses
    import tomllib

    monkeypatch.setenv("PRESSDOCS_IMAP_SECRET", "AUTHCODE123")
    original = tmp_path / "pressdocs.toml"
    original.write_text(FULL, encoding="utf-8")
    config = load_config(original)
    config.rules["PD203"].enabled = True  # a value a plugin might set: still written

    text = config.to_toml()
    parsed = tomllib.loads(text)
    assert "AUTHCODE123" not in text and "null" not in text
    assert parsed["mail"]["secret"] == {"env": "PRESSDOCS_IMAP_SECRET"}
    assert parsed["notify"]["sms"]["token"] == {"env": "PRESSDOCS_SMS_TOKEN"}
    assert parsed["rules"]["PD203"] == {"enabled": True, "severity": "error"}
    assert parsed["rules"]["PD301"] == {"enabled": False}  # severity None is left out
    assert parsed["units"]["市财政局"] == {"emails": ["czj@wuhu.gov.cn"], "mobiles": [],
                                        "aliases": ["财政局"]}
    assert parsed["deadlines"]["registration_days_before"] == 3  # defaults are written too
    assert "source" not in parsed

    again = tmp_path / "again.toml"
    again.write_text(text, encoding="utf-8")
    reloaded = load_config(again)
    assert dataclasses.replace(reloaded, source="") == dataclasses.replace(config, source="")
    assert reloaded.mail["secret"].reveal() == "AUTHCODE123"


def test_the_defaults_as_toml_load_back_to_the_defaults(tmp_path: Path) -> None:
    import tomllib

    text = load_config().to_toml()
    assert "[rules]" not in text and "[units]" not in text  # empty sections are left out
    assert tomllib.loads(text)["city"] == "芜湖市"
    path = tmp_path / "defaults.toml"
    path.write_text(text, encoding="utf-8")
    assert load_config(path) == load_config().__class__(source=str(path))
