"""``pressdocs --plugins-dir DIR``: every ``*.py`` file of a folder loaded as a plugin named
after the file, for one-off rules without packaging (as Datasette's ``--plugins-dir``).

Run as users run it (a real ``python -m pressdocs`` process): a rule in the folder changes
what ``validate`` finds; ``plugins`` lists it; a broken file is reported as a failed plugin
naming the file and the line, never a traceback, and ``--strict`` makes it an error; and
``batch --workers`` loads the folder in its worker processes too.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from cli_support import HAN, TZ, invoke, run_pressdocs
from pressdocs import Pressdocs, load_plugins
from pressdocs.errors import PluginError
from submissions import message, registration_docx

#: A rule of the office's own: conferences belong on working days.
WEEKEND_RULE = '''
    from pressdocs import Finding, Location, Message, Severity, Validator, hookimpl


    class NotOnAWeekend(Validator):
        name = "not-on-a-weekend"
        code = "WH301"
        severity = Severity.WARNING
        title = Message.literal("发布会安排在周末", "conference held on a weekend")

        def check(self, submission, context):
            reg = submission.registration
            if reg is None or reg.time is None:
                return []
            day = reg.time.astimezone(context.config.tz)
            if day.weekday() < 5:
                return []
            label = context.plugin_config().get("label", "周末")
            return [Finding(self.code, self.severity,
                            Message.literal(f"发布会定于{day.month}月{day.day}日（{label}）召开",
                                            f"the conference is set for {day:%Y-%m-%d}, a weekend"),
                            Location(field="registration.time"))]


    @hookimpl
    def register_validators(register):
        register(NotOnAWeekend())
'''


def write(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


@pytest.fixture
def saturday_form(tmp_path: Path) -> Path:
    """A registration for Saturday 17 April 2021, filed in time."""
    path = tmp_path / "登记表.docx"
    path.write_bytes(registration_docx(
        title="2021年一季度全市经济运行情况新闻发布会", unit="市统计局",
        when="2021年4月17日上午9:30", filed="2021年4月1日"))
    sent = datetime(2021, 4, 1, 10, 0, tzinfo=TZ).timestamp()  # in time: 送达 by its mtime
    os.utime(path, (sent, sent))
    return path


def codes(out: str) -> list[str]:
    [entry] = json.loads(out)
    return [f["code"] for f in entry["findings"]]


def test_a_rule_in_the_folder_changes_what_validate_finds(tmp_path: Path,
                                                          saturday_form: Path) -> None:
    plugins = tmp_path / "plugins"
    write(plugins, "weekend.py", WEEKEND_RULE)
    plain = run_pressdocs(["validate", "--json", str(saturday_form)])
    assert plain.returncode == 0, plain.stderr
    assert "WH301" not in codes(plain.stdout)

    for args, env in ((["--plugins-dir", str(plugins), "validate", str(saturday_form)], {}),
                      (["validate", str(saturday_form), "--plugins-dir", str(plugins)], {}),
                      (["validate", str(saturday_form)], {"PRESSDOCS_PLUGINS_DIR": str(plugins)})):
        shown = run_pressdocs(args, env=env)
        assert shown.returncode == 0, shown.stderr  # a warning does not fail validate
        assert "WH301" in shown.stdout and "发布会定于4月17日（周末）召开" in shown.stdout, args
        found = run_pressdocs([*args, "--json"], env=env)
        assert codes(found.stdout).count("WH301") == 1, args


def test_plugins_lists_the_files_plugins_and_the_rules_catalogue_has_its_rule(
        tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    write(plugins, "weekend.py", textwrap.dedent(WEEKEND_RULE) + "\n__version__ = \"2021.4\"\n")
    listed = run_pressdocs(["--plugins-dir", str(plugins), "plugins", "--json"])
    assert listed.returncode == 0, listed.stderr
    [mine] = [p for p in json.loads(listed.stdout) if p["name"] == "weekend"]
    assert (mine["status"], mine["version"], mine["builtin"]) == ("loaded", "2021.4", False)
    assert mine["registered"] == {"validator": ["not-on-a-weekend"]}
    assert mine["hooks"] == ["register_validators"]
    table = run_pressdocs(["--plugins-dir", str(plugins), "plugins"])
    assert "weekend" in table.stdout and "已加载" in table.stdout
    rules = run_pressdocs(["--plugins-dir", str(plugins), "rules"])
    assert rules.returncode == 0 and "WH301" in rules.stdout and "发布会安排在周末" in rules.stdout


def test_the_rule_reads_its_table_named_after_the_file(tmp_path: Path,
                                                       saturday_form: Path) -> None:
    plugins = tmp_path / "plugins"
    write(plugins, "weekend.py", WEEKEND_RULE)
    config = tmp_path / "pressdocs.toml"
    config.write_text('[plugins.weekend]\nlabel = "星期六"\n\n[rules.WH301]\nseverity = "error"\n',
                      encoding="utf-8")
    done = run_pressdocs(["--plugins-dir", str(plugins), "--config", str(config), "validate",
                          "--json", str(saturday_form)])
    assert done.returncode == 1, done.stderr  # the office made it an error
    [entry] = json.loads(done.stdout)
    [finding] = [f for f in entry["findings"] if f["code"] == "WH301"]
    assert finding["severity"] == "error"
    assert finding["message"]["zh"] == "发布会定于4月17日（星期六）召开"
    # without the folder, the table and the rule belong to nothing: said, not a traceback
    alone = run_pressdocs(["--config", str(config), "validate", str(saturday_form)])
    assert alone.returncode == 2 and "Traceback" not in alone.stderr
    assert "rules.WH301" in alone.stderr


BROKEN = {
    "crash.py": ("import os\n\nraise RuntimeError('the share is not mounted')\n",
                 "crash.py 第3行）加载失败：RuntimeError: the share is not mounted",
                 "crash.py, line 3) failed to load: RuntimeError: the share is not mounted"),
    "typo.py": ("def register_validators(register:\n    pass\n",
                "typo.py 第1行）加载失败：SyntaxError:", "typo.py, line 1) failed to load: "
                                                      "SyntaxError:"),
    "misspelt.py": ("from pressdocs import hookimpl\n\n@hookimpl\ndef register_validator(register):\n"
                    "    pass\n",
                    "插件 misspelt 实现了不存在的钩子 register_validator",
                    "plugin misspelt implements register_validator, which is not a pressdocs hook"),
}


def test_a_broken_file_is_a_failed_plugin_and_the_rest_keeps_working(
        tmp_path: Path, saturday_form: Path) -> None:
    plugins = tmp_path / "plugins"
    write(plugins, "weekend.py", WEEKEND_RULE)
    for name, (source, _, _) in BROKEN.items():
        write(plugins, name, source)
    for lang in ("zh", "en"):
        listed = run_pressdocs(["--plugins-dir", str(plugins), "--lang", lang, "plugins",
                                "--json"])
        assert listed.returncode == 0, listed.stderr
        assert "Traceback" not in listed.stderr
        infos = {p["name"]: p for p in json.loads(listed.stdout)}
        assert infos["weekend"]["status"] == "loaded"
        for name, (_, zh, en) in BROKEN.items():
            info = infos[name.removesuffix(".py")]
            assert info["status"] == "failed", info
            assert (zh if lang == "zh" else en) in info["reason"][lang], info["reason"]
            assert not HAN.search(info["reason"]["en"]), info["reason"]
        assert str(plugins / "crash.py") in infos["crash"]["reason"]["zh"]
    # the folder's good rule still checks the form
    found = run_pressdocs(["--plugins-dir", str(plugins), "validate", "--json",
                           str(saturday_form)])
    assert found.returncode == 0 and "WH301" in codes(found.stdout)
    # no module of the broken files is left behind half-imported
    with Pressdocs(plugins_dir=plugins, load_entry_points=False) as pd:
        assert pd.plugins.info("crash").status == "failed"  # type: ignore[union-attr]
        assert "pressdocs_plugins_dir.crash" not in sys.modules
        assert "pressdocs_plugins_dir.weekend" in sys.modules


def test_strict_makes_a_broken_file_an_error(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    write(plugins, "crash.py", BROKEN["crash.py"][0])
    done = run_pressdocs(["--plugins-dir", str(plugins), "--strict", "plugins"])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("错误：插件 crash（"), done.stderr
    assert BROKEN["crash.py"][1] in done.stderr


def test_a_folder_that_is_not_there_is_said_plainly(tmp_path: Path) -> None:
    for args in (["--plugins-dir", str(tmp_path / "nope"), "plugins"],
                 ["validate", str(tmp_path), "--plugins-dir", str(tmp_path / "nope")]):
        done = run_pressdocs(args)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert f"错误：找不到插件目录 {tmp_path / 'nope'}" in done.stderr
    done = run_pressdocs(["--lang", "en", "--plugins-dir", str(tmp_path / "nope"), "plugins"])
    assert f"Error: plugin folder {tmp_path / 'nope'} not found" in done.stderr
    with pytest.raises(PluginError, match="nope"):
        load_plugins(plugins_dir=tmp_path / "nope")


def test_the_in_process_command_line_loads_the_folder_too(tmp_path: Path,
                                                         saturday_form: Path) -> None:
    """A program running the click group itself (as the tests of the CLI do) gets the
    same plugins as the console script."""
    plugins = tmp_path / "plugins"
    write(plugins, "weekend.py", WEEKEND_RULE)
    for args in (["--plugins-dir", str(plugins), "validate", "--json", str(saturday_form)],
                 ["validate", "--json", str(saturday_form), "--plugins-dir", str(plugins)]):
        done = invoke(args)
        assert done.exit_code == 0, done.output
        assert "WH301" in codes(done.stdout)


def test_a_file_named_like_an_installed_module_shadows_nothing(tmp_path: Path) -> None:
    """The files are imported under names of their own: a ``csv.py`` among them is the
    plugin ``csv``, and Python's :mod:`csv` stays what it is."""
    import csv

    plugins = tmp_path / "plugins"
    write(plugins, "csv.py", "from dataclasses import dataclass\n\n@dataclass\nclass Row:\n"
                             "    n: int = 0\n")
    loaded = load_plugins(builtins=(), entry_points=False, strict=True, plugins_dir=plugins)
    assert loaded.info("csv").status == "loaded"  # type: ignore[union-attr]
    assert sys.modules["csv"] is csv and hasattr(csv, "writer")
    assert loaded.made_with is not None
    assert loaded.made_with["plugins_dir"] == str(plugins.resolve())


PID_PARSER = '''
    """Reads "PIDTEST" text files, noting which process read each (PRESSDOCS_TEST_PIDS)."""
    import multiprocessing
    import os

    from pressdocs import Content, Parser, hookimpl


    class PidParser(Parser):
        name = "pid-test"
        priority = 100

        def sniff(self, data, name):
            return data.startswith(b"PIDTEST")

        def parse(self, data, name):
            worker = multiprocessing.parent_process() is not None
            with open(os.environ["PRESSDOCS_TEST_PIDS"], "a") as f:
                f.write(f"{os.getpid()} {'worker' if worker else 'batch'}\\n")
            return Content("text/plain", paragraphs=[data.decode()])


    @hookimpl
    def register_parsers(register):
        register(PidParser())
'''


def test_batch_workers_load_the_folder_in_their_processes(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    write(plugins, "pidparser.py", PID_PARSER)
    mail = tmp_path / "mail"
    mail.mkdir()
    for i in range(6):
        (mail / f"{i}.eml").write_bytes(message(
            subject=f"第{i}封", sender="市统计局 <tjj@wuhu.gov.cn>",
            date=datetime(2021, 4, 1, 9, i, tzinfo=TZ), message_id=f"<pids-{i}@x.cn>",
            attachments=[("说明.txt", f"PIDTEST {i}".encode())]))
    pids = tmp_path / "pids"
    done = run_pressdocs(["--plugins-dir", str(plugins), "--store", str(tmp_path / "store"),
                          "batch", str(mail), "--workers", "2", "--json"],
                         env={"PRESSDOCS_TEST_PIDS": str(pids)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["new"] == 6
    lines = pids.read_text().splitlines()
    assert len(lines) == 6
    assert {line.split()[1] for line in lines} == {"worker"}  # read in the workers, each


def test_the_load_plugins_variable_limits_the_folder_too(tmp_path: Path) -> None:
    """As for installed plugins: PRESSDOCS_LOAD_PLUGINS (here ``allow``) names the plugins
    to load, so a file being fixed can be left out without moving it."""
    plugins = tmp_path / "plugins"
    write(plugins, "weekend.py", WEEKEND_RULE)
    write(plugins, "crash.py", BROKEN["crash.py"][0])
    loaded = load_plugins(builtins=(), entry_points=False, strict=True, plugins_dir=plugins,
                          allow={"weekend"})
    assert loaded.info("weekend").status == "loaded"  # type: ignore[union-attr]
    crash = loaded.info("crash")
    assert crash is not None and crash.status == "skipped"
    assert crash.reason is not None and crash.reason.key == "plugin.not_allowed"
    listed = run_pressdocs(["--plugins-dir", str(plugins), "--strict", "plugins", "--json"],
                           env={"PRESSDOCS_LOAD_PLUGINS": "weekend"})
    assert listed.returncode == 0, listed.stderr
    statuses = {p["name"]: p["status"] for p in json.loads(listed.stdout)}
    assert (statuses["weekend"], statuses["crash"]) == ("loaded", "skipped")
