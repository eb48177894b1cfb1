"""The catalogue: stable codes, the notice's own words, user settings, plugins, the CLI."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pressdocs import hookimpl
from pressdocs._app import Pressdocs
from pressdocs._plugins import load_plugins
from pressdocs._validation import validate_submission
from pressdocs.capabilities import Context, Validator
from pressdocs.cli.rules import rules_command
from pressdocs.config import config_from_dict
from pressdocs.errors import PluginError
from pressdocs.models import Finding, Message, Person, PressRelease, QAPair, Severity, Submission
from pressdocs.rules import BUILTIN_RULES, builtin_validators, rules_catalogue
from pressdocs.schemas import validate
from rules_support import (
    RULES_PLUGIN,
    app,
    assert_natural_chinese,
    at,
    codes,
    english_words,
    materials,
    registration,
    run,
    submission,
)

#: The issue's table: code → default severity.
ISSUE_TABLE = {
    "PD101": "error", "PD102": "error", "PD103": "error", "PD104": "warning", "PD105": "error",
    "PD201": "error", "PD202": "error", "PD203": "warning", "PD204": "error",
    "PD205": "warning", "PD206": "error", "PD207": "warning", "PD208": "warning",
    "PD301": "info", "PD302": "warning", "PD303": "warning", "PD401": "warning",
    "PD402": "error", "PD403": "warning", "PD404": "warning", "PD501": "error",
    "PD901": "error", "PD902": "error",
}


def test_every_rule_of_the_issue_is_in_the_catalogue_with_its_severity() -> None:
    catalogue = {r.code: r for r in rules_catalogue()}
    for code, severity in ISSUE_TABLE.items():
        assert catalogue[code].severity == severity, code
    assert list(catalogue) == sorted(catalogue)
    assert all(re.fullmatch(r"PD\d{3}", code) for code in catalogue)


def test_every_clause_is_quoted_word_for_word_from_the_notice(seed_path: Path) -> None:
    notice = seed_path.read_text(encoding="utf-8")
    for rule in builtin_validators():
        assert rule.clause, rule.code
        for fragment in rule.clause.split("…"):
            assert fragment in notice, f"{rule.code}: {fragment!r} is not in the notice"


def test_titles_read_naturally_in_both_languages() -> None:
    for rule in builtin_validators():
        assert english_words(rule.title.zh) == [], rule.title.zh
        assert re.search(r"[a-z]{3}", rule.title.en), rule.code
        assert rule.name == rule.code


def test_the_builtin_plugin_registers_every_rule() -> None:
    plugins = load_plugins(builtins=RULES_PLUGIN, entry_points=False)
    registered = sorted(v.code for v in plugins.registry.of(Validator))
    assert registered == sorted(rule.code for rule in BUILTIN_RULES)
    assert plugins.info("pressdocs.builtin.rules") is not None
    assert len(plugins.registry.by_plugin("pressdocs.builtin.rules")["validator"]) == len(
        BUILTIN_RULES)


def _long_release() -> Submission:
    return submission(reg=registration(), received=at(2021, 4, 12),
                      mats=materials(press_release=PressRelease("标题", "字" * 1201)))


def _config(toml: str) -> Pressdocs:
    return app(config_from_dict(tomllib.loads(toml)))


def test_severity_can_be_raised_in_the_configuration() -> None:
    [finding] = validate_submission(_long_release(),
                                    _config('[rules.PD203]\nseverity = "error"\n'))
    assert (finding.code, finding.severity) == ("PD203", Severity.ERROR)


def test_a_rule_can_be_switched_off_in_the_configuration() -> None:
    assert codes(run(_long_release())) == ["PD203"]
    assert validate_submission(_long_release(), _config("[rules.PD203]\nenabled = false\n")) == []


def test_the_catalogue_shows_the_users_settings() -> None:
    config = config_from_dict(tomllib.loads(
        '[rules.PD203]\nseverity = "error"\n[rules.PD301]\nenabled = false\n'))
    catalogue = {r.code: r for r in rules_catalogue(config=config)}
    assert catalogue["PD203"].severity == "error"
    assert catalogue["PD203"].default_severity == "warning"
    assert catalogue["PD301"].enabled is False


class _Plugin:
    """A throwaway plugin adding a rule of the office's own."""

    class Title(Validator):
        name = code = "PD601"
        severity = Severity.WARNING
        clause = "提供新闻发布稿电子版"
        title = Message.literal("发布稿没有标题", "the press release has no title")

        def check(self, submission: Submission, context: Context) -> Iterable[Finding]:
            release = submission.materials.press_release if submission.materials else None
            if release is not None and not release.title:
                yield Finding(code=self.code, severity=self.severity, message=Message.literal("发布稿没有标题"))

    @hookimpl
    def register_validators(self, register: object) -> None:
        assert callable(register)
        register(self.Title())


def test_a_plugin_adds_a_rule_that_runs_and_is_listed() -> None:
    plugins = load_plugins(builtins=RULES_PLUGIN, entry_points=False,
                           extra=[("office-rules", _Plugin())])
    pd = Pressdocs(plugins=plugins)
    sub = submission(reg=registration(), received=at(2021, 4, 12),
                     mats=materials(press_release=PressRelease("", "正文。")))
    assert codes(validate_submission(sub, pd)) == ["PD601"]
    listed = {r.code: r for r in pd.rules()}
    assert "PD601" in listed and "PD101" in listed
    assert listed["PD601"].title.en == "the press release has no title"
    assert (listed["PD601"].plugin, listed["PD101"].plugin) == ("office-rules",
                                                               "pressdocs.builtin.rules")


def test_a_plugin_cannot_take_a_builtin_code() -> None:
    class Clash(_Plugin):
        @hookimpl
        def register_validators(self, register: object) -> None:
            assert callable(register)
            rule = _Plugin.Title()
            rule.name = rule.code = "PD203"
            register(rule)

    with pytest.raises(PluginError, match="PD203"):
        load_plugins(builtins=RULES_PLUGIN, entry_points=False, strict=True,
                     extra=[("clash", Clash())])


def test_rules_command_json() -> None:
    result = CliRunner().invoke(rules_command, ["--json"], obj=app())
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [r["code"] for r in data] == sorted(r.code for r in BUILTIN_RULES)
    pd203 = next(r for r in data if r["code"] == "PD203")
    assert pd203 == {"code": "PD203", "severity": "warning", "default_severity": "warning",
                     "enabled": True,
                     "title": {"key": "PD203.title", "zh": "新闻发布稿超过1200字",
                               "en": "press release longer than 1200 characters",
                               "params": {}},
                     "clause": "提供新闻发布稿电子版(原则上不超过1200字)",
                     "plugin": "pressdocs.builtin.rules"}


def test_rules_command_table_in_chinese_and_english() -> None:
    result = CliRunner().invoke(rules_command, [], obj=app())
    assert result.exit_code == 0, result.output
    assert "PD501" in result.output and "代码" in result.output and "警告" in result.output
    english = Pressdocs(lang="en", plugins=load_plugins(builtins=RULES_PLUGIN,
                                                        entry_points=False))
    result = CliRunner().invoke(rules_command, [], obj=english)
    assert result.exit_code == 0, result.output
    assert "severity" in result.output and "warning" in result.output
    assert "spam" in result.output  # PD501's title, in English


def test_findings_fit_the_finding_schema_and_read_naturally() -> None:
    reg = registration(time=at(2021, 4, 20, 9), person_in_charge=Person("", "123", ""),
                       approval_opinion="")
    mats = materials(press_release=PressRelease("标题", "字" * 1300),
                     qa=[QAPair("问？", "答" * 600)], pictures=[])
    findings = run(submission(reg=reg, mats=mats, received=at(2021, 4, 19, 10)))
    assert len(set(codes(findings))) >= 8
    for finding in findings:
        validate("finding", finding.to_dict())
        assert finding.location.field, finding.code
        assert_natural_chinese(finding)
