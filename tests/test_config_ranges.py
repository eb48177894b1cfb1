"""Every number pressdocs reads has a range (issue 14: "Validate every numeric setting and
option, with a message naming the key and the allowed range").

- every numeric field of every settings section — the configuration's own
  (``[deadlines]``, ``[materials]``, ``[limits]``) and the built-in channels'
  (``[notify.email]``, ``[notify.sms]``) — declares its range next to it
  (``pressdocs.config.within``), and a value just outside is refused naming the key and
  the range, in Chinese and in English; a value at either end is taken;
- the numbers kept in free tables (``[notify] remind_days``, ``per_minute``, ``[mail]
  timeout``, the IMAP URL's port) are checked the same way;
- every numeric option and argument of every command has both bounds, and a value just
  outside is refused naming the range in the output language.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from cli_support import invoke
from pressdocs import Config, PressdocsError
from pressdocs.builtin.channel_email import EmailSettings
from pressdocs.builtin.channel_sms.settings import SmsSettings, read_settings
from pressdocs.cli import cli
from pressdocs.config import config_from_dict, numeric_settings


def _nested(key: str, value: Any) -> dict[str, Any]:
    """``{"a": {"b": value}}`` for the key ``a.b``."""
    raw: dict[str, Any] = {}
    table = raw
    *tables, last = key.split(".")
    for name in tables:
        table = table.setdefault(name, {})
    table[last] = value
    return raw


def _read_email(name: str, value: Any) -> None:
    EmailSettings.from_config(config_from_dict(_nested(f"notify.email.{name}", value)))


_SMS = {"provider": "aliyun", "access_key_id": "LTAI5tExampleKeyId",
        "access_key_secret": {"env": "PRESSDOCS_SMS_SECRET"}, "sign_name": "芜湖市新闻办"}


def _read_sms(name: str, value: Any) -> None:
    read_settings(config_from_dict({"notify": {"sms": {**_SMS, name: value}}}).notify)


def _reader(section: str) -> Callable[[str, Any], None]:
    def read(name: str, value: Any) -> None:
        config_from_dict(_nested(f"{section}.{name}", value))
    return read


def _sections() -> dict[str, tuple[type[Any], Callable[[str, Any], None]]]:
    """Every settings section holding numbers: its key, its dataclass and how it is read."""
    hints = typing.get_type_hints(Config)
    found: dict[str, tuple[type[Any], Callable[[str, Any], None]]] = {
        f.name: (hints[f.name], _reader(f.name))
        for f in dataclasses.fields(Config) if dataclasses.is_dataclass(hints[f.name])}
    found["notify.email"] = (EmailSettings, _read_email)
    found["notify.sms"] = (SmsSettings, _read_sms)
    return found


def _numeric_fields(cls: type[Any]) -> list[dataclasses.Field[Any]]:
    hints = typing.get_type_hints(cls)
    return [f for f in dataclasses.fields(cls) if hints[f.name] in (int, float)]


SECTIONS = _sections()
FIELDS = [(section, f.name) for section, (cls, _) in SECTIONS.items()
          for f in _numeric_fields(cls)]


def test_every_numeric_field_of_every_section_has_a_range() -> None:
    assert {"deadlines", "materials", "limits", "notify.email", "notify.sms"} <= set(SECTIONS)
    assert len(FIELDS) >= 14
    for section, (cls, _) in SECTIONS.items():
        for f in _numeric_fields(cls):
            assert "range" in f.metadata, f"{section}.{f.name} has no range"
            minimum, maximum = f.metadata["range"]
            assert minimum < maximum
            if f.default is not dataclasses.MISSING:
                assert minimum <= f.default <= maximum, f"{section}.{f.name}"
    # the numbers the configuration reads outside a dataclass are listed with theirs
    assert numeric_settings()["notify.remind_days"] == (0, 366)


def _just_outside(kind: type[Any], minimum: int, maximum: int) -> list[float]:
    if kind is float:
        return [math.nextafter(minimum, -math.inf), math.nextafter(maximum, math.inf)]
    return [minimum - 1, maximum + 1]


def _refused_naming(error: PressdocsError, key: str, value: float, minimum: int,
                    maximum: int) -> None:
    zh, en = error.render("zh"), error.render("en")
    assert key in zh and key in en
    assert str(value) in zh and str(value) in en
    assert f"{minimum} 到 {maximum}" in zh, zh
    assert f"between {minimum} and {maximum}" in en, en


@pytest.mark.parametrize(("section", "name"), FIELDS, ids=[f"{s}.{n}" for s, n in FIELDS])
def test_a_value_just_outside_a_fields_range_is_refused(section: str, name: str) -> None:
    cls, read = SECTIONS[section]
    (f,) = [f for f in dataclasses.fields(cls) if f.name == name]
    kind = typing.get_type_hints(cls)[name]
    minimum, maximum = f.metadata["range"]
    for value in _just_outside(kind, minimum, maximum):
        with pytest.raises(PressdocsError) as refused:
            read(name, value)
        _refused_naming(refused.value, f"{section}.{name}", value, minimum, maximum)
    for value in (minimum, maximum):
        read(name, value)


FREE = sorted(k for k in numeric_settings() if k.split(".")[0] not in SECTIONS)


@pytest.mark.parametrize("key", FREE)
def test_a_value_just_outside_a_free_tables_range_is_refused(key: str) -> None:
    minimum, maximum = numeric_settings()[key]
    key = key.replace("<channel>", "outbox")
    for value in (minimum - 1, maximum + 1):
        with pytest.raises(PressdocsError) as refused:
            config_from_dict(_nested(key, value))
        _refused_naming(refused.value, key, value, minimum, maximum)
    for value in (minimum, maximum):
        config_from_dict(_nested(key, value))


@pytest.mark.parametrize(("setting", "url", "zh", "en"), [
    ("timeout = 0", "127.0.0.1", "0 到 3600", "between 0 and 3600"),
    ("timeout = 3601", "127.0.0.1", "0 到 3600", "between 0 and 3600"),
    ("", "127.0.0.1:0", "1 到 65535", "from 1 to 65535"),
    ("", "127.0.0.1:65536", "1 到 65535", "from 1 to 65535"),
])
def test_the_mailbox_timeout_and_port_are_checked(tmp_path: Path, setting: str, url: str,
                                                  zh: str, en: str) -> None:
    config = tmp_path / "pressdocs.toml"
    config.write_text(f"[mail]\n{setting}\n", encoding="utf-8")
    args = ["--config", str(config), "--store", str(tmp_path / "store"), "batch",
            f"imaps://whxwtg@163.com@{url}/INBOX"]
    env = {"PRESSDOCS_IMAP_SECRET": "secret"}
    chinese, english = invoke(args, env=env), invoke([*args, "--lang", "en"], env=env)
    assert chinese.exit_code == english.exit_code == 2, chinese.output
    assert zh in chinese.stderr and en in english.stderr
    assert ("timeout" if setting else "IMAP") in chinese.stderr


# --- the command line ------------------------------------------------------------------------


def _commands(group: click.Group, path: list[str]) -> Iterator[tuple[list[str], click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None:
            continue
        if isinstance(command, click.Group):
            yield from _commands(command, [*path, name])
        else:
            yield [*path, name], command


def _numeric_params() -> list[tuple[list[str], click.Parameter]]:
    return [(path, param) for path, command in _commands(cli, []) for param in command.params
            if isinstance(param.type, click.types.IntParamType | click.types.FloatParamType)]


def _bounds(kind: click.ParamType) -> tuple[Any, Any]:
    if isinstance(kind, click.types._NumberRangeBase):
        return kind.min, kind.max
    return getattr(kind, "minimum", None), getattr(kind, "maximum", None)


NUMERIC = _numeric_params()


def test_every_numeric_option_has_both_bounds() -> None:
    named = {(" ".join(path), param.name) for path, param in NUMERIC}
    assert {("batch", "limit"), ("submissions list", "offset"), ("serve", "port"),
            ("report annual", "year"), ("plan cancel", "number")} <= named
    for path, param in NUMERIC:
        minimum, maximum = _bounds(param.type)
        assert minimum is not None and maximum is not None, (path, param.name)


@pytest.mark.parametrize(("path", "param"), NUMERIC,
                         ids=[f"{' '.join(p)} {q.name}" for p, q in NUMERIC])
def test_a_value_just_outside_an_options_range_is_refused(tmp_path: Path, path: list[str],
                                                          param: click.Parameter) -> None:
    minimum, maximum = _bounds(param.type)
    for value in (minimum - 1, maximum + 1):
        if isinstance(param, click.Option):
            args = [*path, param.opts[0], str(value)]
        else:  # the number is the command's first argument
            args = [*path, str(value)]
        store = ["--store", str(tmp_path / "store")]
        chinese, english = invoke([*store, *args]), invoke([*store, "--lang", "en", *args])
        assert chinese.exit_code == english.exit_code == 2, chinese.output
        assert f"{value} 超出允许范围：应在 {minimum} 到 {maximum} 之间" in chinese.stderr
        assert f"{value} is outside the allowed range: it must be between {minimum} and " \
               f"{maximum}" in english.stderr


def test_a_months_year_has_the_years_range(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "store")]
    for month in ("1999-12", "2101-01"):
        result = invoke([*store, "submissions", "list", "--month", month])
        assert result.exit_code == 2 and "超出允许范围：应在 2000 到 2100 之间" in result.stderr
    assert invoke([*store, "submissions", "list", "--month", "2021-06"]).exit_code == 0
