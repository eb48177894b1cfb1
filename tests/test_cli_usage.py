"""The command line as users meet it: options where they happen to type them, and the
mistakes they make, answered in their language without a traceback.

Staff type ``--store`` and ``--lang`` wherever they remember them — before the command or
after it — and expect the same result.  When they mistype (a missing argument, an option
that does not exist, a command that does not exist, a day written wrongly), the answer is
Chinese by default and English with ``--lang en``, with the usage line, exit code 2 and
no traceback.  These run as real processes, as the console script runs.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from cli_support import HAN, TZ, invoke, run_pressdocs
from submissions import message, png, registration_docx

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def mail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two messages: a registration received late (PD101), and two pictures alone."""
    folder = tmp_path_factory.mktemp("usage") / "mail"
    folder.mkdir()
    sender = "市统计局 <tjj_bgs@wuhu.gov.cn>"
    (folder / "1.eml").write_bytes(message(
        subject="【市统计局】新闻发布会登记表", sender=sender,
        date=datetime(2021, 4, 13, 10, 0, tzinfo=TZ), message_id="<usage-1@wuhu.gov.cn>",
        attachments=[("登记表.docx", registration_docx(
            title="2021年一季度全市经济运行情况新闻发布会", unit="市统计局",
            when="2021年4月15日上午9:30", filed="2021年4月13日"))]))
    (folder / "2.eml").write_bytes(message(
        subject="【市统计局】发布会图片", sender=sender,
        date=datetime(2021, 4, 14, 10, 0, tzinfo=TZ), message_id="<usage-2@wuhu.gov.cn>",
        attachments=[("图片1.png", png(1)), ("图片2.png", png(2))]))
    return folder


# --- options before or after the command ----------------------------------------------------


def test_store_and_lang_before_or_after_the_command(mail: Path, tmp_path: Path) -> None:
    ways = {
        "after": ["batch", str(mail), "--store", str(tmp_path / "a"), "--lang", "en", "--json"],
        "before": ["--store", str(tmp_path / "b"), "--lang", "en", "batch", str(mail), "--json"],
        "mixed": ["--lang", "en", "batch", str(mail), "--json", "--store", str(tmp_path / "c")],
    }
    reports = {}
    for way, args in ways.items():
        result = invoke(args)
        assert result.exit_code == 0, (way, result.output)
        reports[way] = json.loads(result.stdout)
        assert (tmp_path / {"after": "a", "before": "b", "mixed": "c"}[way]).is_dir(), way
    assert reports["after"] == reports["before"] == reports["mixed"]
    report = reports["after"]
    assert report["new"] == 2
    assert {m["status_label"] for m in report["messages"]} == {"incomplete"}
    assert not HAN.search(report["messages"][0]["findings"][0]["message"]["en"].replace(
        "登记表.docx", ""))
    assert not Path("pressdocs-data").exists()  # nothing went to the default store

    # the real console script agrees, options after the command
    proc = run_pressdocs(["batch", str(mail), "--store", str(tmp_path / "d"), "--lang", "en",
                          "--json"])
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == report


def test_config_before_or_after_the_command(mail: Path, tmp_path: Path) -> None:
    config = tmp_path / "office.toml"
    config.write_text('lang = "en"\n[rules.PD101]\nseverity = "warning"\n', encoding="utf-8")
    form = mail / "1.eml"
    outs = []
    for args in (["--config", str(config), "validate", "--json", str(form)],
                 ["validate", "--json", str(form), "--config", str(config)]):
        result = invoke(args)
        assert result.exit_code == 0, result.output  # PD101 is only a warning here
        outs.append(json.loads(result.stdout))
    assert outs[0] == outs[1]
    [entry] = outs[0]
    assert entry["status_label"] == "accepted"  # the configuration's language
    assert [(f["code"], f["severity"]) for f in entry["findings"]] == [("PD101", "warning")]
    plain = invoke(["validate", "--json", str(form)])
    assert plain.exit_code == 1 and json.loads(plain.stdout)[0]["status_label"] == "待补正"


# --- usage errors ------------------------------------------------------------------------


#: args, what the Chinese error line says, what the English one says, and the user's own
#: words the error may echo (names of arguments and options, the value typed).
USAGE_ERRORS = [
    (["validate"], "错误：缺少参数 PATHS", "Error: missing argument PATHS", ["PATHS"]),
    (["validate", "--nope"], "错误：没有这个选项：--nope", "Error: no such option: --nope",
     ["--nope", "--store"]),
    (["nosuchcommand"], "错误：没有这个命令：nosuchcommand",
     "Error: no such command: nosuchcommand", ["nosuchcommand", "pressdocs --help"]),
    (["plan", "status", "--as-of", "notadate"], "“notadate”不是有效的日期",
     "'notadate' is not a date", ["'--as-of'", "notadate", "YYYY-MM-DD"]),
    (["report", "annual", "notayear"], "“notayear”不是整数",
     "'notayear' is not a whole number", ["'YEAR'", "notayear"]),
    (["batch", "x", "--limit", "0"], "0 超出允许范围：应在 1 到 1000000 之间",
     "0 is outside the allowed range: it must be between 1 and 1000000", ["'--limit'"]),
    (["report", "annual", "1999"], "1999 超出允许范围：应在 2000 到 2100 之间",
     "1999 is outside the allowed range: it must be between 2000 and 2100", ["'YEAR'"]),
    (["reprocess", "--status", "done"], "“done”不在可选值之内",
     "'done' is not one of the choices", ["'--status'", "done", "accepted", "incomplete",
                                           "rejected", "unrelated", "error"]),
]


@pytest.mark.parametrize(("args", "zh", "en", "echoed"), USAGE_ERRORS,
                         ids=[" ".join(case[0]) for case in USAGE_ERRORS])
def test_a_usage_error_in_chinese(args: list[str], zh: str, en: str,
                                  echoed: list[str]) -> None:
    proc = run_pressdocs(args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("用法：pressdocs"), proc.stderr
    [line] = [line for line in proc.stderr.splitlines() if line.startswith("错误：")]
    assert zh in line, line
    # nothing English in it but what the user typed and the names they type
    rest = line
    for word in sorted(echoed, key=len, reverse=True):
        rest = rest.replace(word, "")
    assert LATIN_WORD.findall(rest) == [], line


@pytest.mark.parametrize(("args", "zh", "en", "echoed"), USAGE_ERRORS,
                         ids=[" ".join(case[0]) for case in USAGE_ERRORS])
def test_a_usage_error_in_english(args: list[str], zh: str, en: str,
                                  echoed: list[str]) -> None:
    placed = ["--lang", "en", *args] if args[0] == "nosuchcommand" else [*args, "--lang", "en"]
    proc = run_pressdocs(placed)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("Usage: pressdocs"), proc.stderr
    assert en in proc.stderr, proc.stderr
    assert not HAN.search(proc.stderr), proc.stderr


def test_a_language_that_does_not_exist_is_answered_in_the_default() -> None:
    proc = run_pressdocs(["--lang", "fr", "rules"])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "错误：参数 '--lang' 的值无效：“fr”不在可选值之内，可选：zh、en" in proc.stderr, \
        proc.stderr


def test_parse_of_a_missing_file_names_it(tmp_path: Path) -> None:
    for lang, says in (("zh", "/nonexistent.docx：找不到这个文件或目录"),
                       ("en", "/nonexistent.docx: no such file or folder")):
        proc = run_pressdocs(["parse", "/nonexistent.docx", "--lang", lang])
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stdout + proc.stderr
        assert says in proc.stdout + proc.stderr


def test_the_help_lists_each_command_by_its_own_summary() -> None:
    """``pressdocs --help`` lists the built-in commands from summaries kept beside
    ``COMMANDS`` (so that it imports none of them): each must stay the first line of the
    command's own docstring, shortened the way click shortens it."""
    import importlib

    import click

    from pressdocs.cli import COMMANDS, SUMMARIES

    assert SUMMARIES.keys() == COMMANDS.keys()
    for name, target in COMMANDS.items():
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        assert SUMMARIES[name] == (command.help or "").splitlines()[0], name
        for limit in (30, 45, 70, 200):
            kept = click.Command(name, help=SUMMARIES[name]).get_short_help_str(limit)
            assert kept == command.get_short_help_str(limit), (name, limit)
    listed = run_pressdocs(["--help"])
    assert listed.returncode == 0, listed.stderr
    for name, summary in SUMMARIES.items():
        assert re.search(rf"^  {name} +{re.escape(summary[:6])}", listed.stdout, re.M), name


def test_the_help_and_version_import_nothing_heavy() -> None:
    """Start-up stays light: ``--help``, a built-in command's ``--help`` and ``--version``
    import no command module, no plugin, no document reader and no template engine."""
    import subprocess
    import sys

    heavy = ("docx", "pypdf", "pdfplumber", "pdfminer", "openpyxl", "jinja2", "rich",
             "pressdocs._pipeline", "pressdocs._intake", "pressdocs._app", "pressdocs._plugins",
             "pressdocs.rules", "pressdocs.store", "pressdocs.builtin", "pluggy",
             "pressdocs_apprise", "email_validator")
    probe = ("import sys\nfrom pressdocs.cli import main\nsys.argv = ['pressdocs', *sys.argv[1:]]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             f"heavy = {heavy!r}\n"
             "print('LOADED', *sorted(m for m in sys.modules if m.startswith(heavy)))")
    for args in (["--help"], ["--lang", "en", "-h"], [], ["--version"]):
        out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True,
                             text=True, check=True).stdout
        assert out.splitlines()[-1] == "LOADED", (args, out.splitlines()[-1])
    # a built-in command's help imports its own module, and loads no plugin
    out = subprocess.run([sys.executable, "-c", probe, "rules", "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "pressdocs.builtin" not in out and "pressdocs_apprise" not in out
