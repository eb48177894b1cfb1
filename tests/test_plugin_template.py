"""``pressdocs plugin new NAME --kind KIND``: a plugin distribution that passes its own
tests as written, installs, and is found by ``pressdocs plugins`` through its entry point.

The generated tests run in a separate pytest process, in the generated folder, against
this checkout's pressdocs (``PYTHONPATH``: the generated ``src`` and ours), as a plugin
author runs them right after ``pressdocs plugin new``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cli_support import HAN, run_pressdocs
from pressdocs import PluginError, write_plugin_template

SRC = Path(__file__).resolve().parents[1] / "src"
KINDS = ["validator", "channel", "parser", "exporter"]


def author_env(*paths: Path) -> dict[str, str]:
    """The environment of a plugin author's shell: our pressdocs, no PRESSDOCS_* settings."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PRESSDOCS_")}
    environ["PYTHONPATH"] = os.pathsep.join(str(p) for p in (*paths, SRC))
    return environ


def pytest_in(folder: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    """``pytest`` in the generated ``folder``, as its author runs it."""
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"],
                          cwd=folder, capture_output=True, text=True, timeout=300,
                          env=author_env(folder / "src", *paths))


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_passes_its_own_tests_as_written(kind: str, tmp_path: Path) -> None:
    name = f"office-{kind}"
    done = run_pressdocs(["plugin", "new", name, "--kind", kind, "-o", str(tmp_path / name)])
    assert done.returncode == 0, done.stderr
    folder = tmp_path / name
    package = f"pressdocs_office_{kind}"
    lines = done.stdout.splitlines()
    kind_zh = {"validator": "校验规则", "channel": "通知渠道", "parser": "解析器",
               "exporter": "导出器"}[kind]
    assert lines[0] == f"已生成{kind_zh}插件 {name}：{folder}"
    assert {line.strip() for line in lines[1:-1]} == {
        str(folder / f) for f in ("pyproject.toml", "README.md", ".gitignore",
                                  f"src/{package}/__init__.py", f"tests/test_{package}.py")}
    assert lines[-1].startswith(f"下一步：cd {folder} && pip install -e '.[test]' && pytest")

    project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == f"pressdocs-office-{kind}"
    assert project["entry-points"]["pressdocs"] == {name: package}
    assert any(re.fullmatch(r"pressdocs>=\d+\.\d+\.\d+", d) for d in project["dependencies"])
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "## 安装与测试" in readme and "## Install and test" in readme
    assert f"[plugins.{name}]" in readme

    ran = pytest_in(folder)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    summary = ran.stdout.strip().splitlines()[-1]
    assert re.match(r"\d+ passed, 1 skipped", summary), ran.stdout  # skipped: not installed
    assert "not installed: pip install -e . first" in ran.stdout

    # and it is clean by its own lint settings (the house's), as a start should be
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=folder,
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_an_installed_plugin_is_found_by_its_entry_point(tmp_path: Path) -> None:
    """pip builds and installs the generated distribution (no index: its build needs only
    setuptools, already here); ``pressdocs plugins`` then lists it, and its own entry-point
    test runs instead of being skipped."""
    folder = tmp_path / "pressdocs-gov-sms"
    write_plugin_template("gov-sms", kind="channel", target=folder)
    site = tmp_path / "site"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                          "--no-build-isolation", "--quiet", "--target", str(site), str(folder)],
                         capture_output=True, text=True, timeout=300)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert (site / "pressdocs_gov_sms" / "__init__.py").is_file()

    listed = run_pressdocs(["plugins", "--json"], env={"PYTHONPATH": os.pathsep.join(
        [str(site), os.environ.get("PYTHONPATH", "")])})
    assert listed.returncode == 0, listed.stderr
    [mine] = [p for p in json.loads(listed.stdout) if p["name"] == "gov-sms"]
    assert (mine["status"], mine["version"], mine["builtin"]) == ("loaded", "0.1.0", False)
    assert mine["registered"] == {"channel": ["gov-sms"]}

    ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                         cwd=folder, capture_output=True, text=True, timeout=300,
                         env=author_env(site))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert re.search(r"\b4 passed\b", ran.stdout) and "skipped" not in ran.stdout, ran.stdout


def test_the_library_function_writes_to_pressdocs_name_by_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    written = write_plugin_template("weekend_rule")
    assert all(p.is_file() for p in written)
    assert written[0] == Path("pressdocs-weekend-rule") / "pyproject.toml"
    module = (tmp_path / "pressdocs-weekend-rule" / "src" / "pressdocs_weekend_rule"
              / "__init__.py").read_text(encoding="utf-8")
    assert 'code = "WE101"' in module and "class WeekendRuleRule(Validator):" in module
    # an empty folder is fine; the validator's code is never a built-in's PDxxx
    (tmp_path / "empty").mkdir()
    write_plugin_template("pdf-check", target=tmp_path / "empty")
    assert 'code = "PX101"' in (tmp_path / "empty" / "src" / "pressdocs_pdf_check"
                                / "__init__.py").read_text(encoding="utf-8")


#: name, kind, what the Chinese error says, what the English one says
REFUSED = [
    ("Gov SMS", "channel", "插件名称“Gov SMS”不可用：只能用小写英文字母和数字",
     "\"Gov SMS\" cannot be a plugin's name"),
    ("政务短信", "channel", "插件名称“政务短信”不可用", "\"政务短信\" cannot be a plugin's name"),
    ("pressdocs-sms2", "channel", "请用“sms2”代替“pressdocs-sms2”",
     "use \"sms2\" instead of \"pressdocs-sms2\""),
    ("email", "channel", "插件名称“email”与内置的通知渠道同名",
     "\"email\" is the name of a built-in channel"),
    ("docx", "parser", "与内置的解析器同名", "the name of a built-in parser"),
    ("x" * 41, "validator", "不超过40个字符", "at most 40 characters"),
]


@pytest.mark.parametrize(("name", "kind", "zh", "en"), REFUSED, ids=[r[0][:12] for r in REFUSED])
def test_a_bad_name_is_refused_plainly(name: str, kind: str, zh: str, en: str,
                                       tmp_path: Path) -> None:
    target = tmp_path / "out"
    done = run_pressdocs(["plugin", "new", name, "--kind", kind, "-o", str(target)])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("错误：") and zh in done.stderr, done.stderr
    assert not target.exists()
    english = run_pressdocs(["plugin", "new", name, "--kind", kind, "-o", str(target),
                             "--lang", "en"])
    assert english.returncode == 2 and en in english.stderr, english.stderr
    assert not HAN.search(english.stderr.replace(name, "")), english.stderr


def test_a_folder_in_use_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    done = run_pressdocs(["plugin", "new", "gov-sms", "-o", str(target)])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"错误：目录 {target} 已存在且不是空的" in done.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    with pytest.raises(PluginError, match="已存在"):
        write_plugin_template("gov-sms", target=target)
    with pytest.raises(PluginError, match="没有“mailbox”这种插件"):
        write_plugin_template("gov-sms", kind="mailbox", target=tmp_path / "other")


def test_an_unknown_kind_on_the_command_line_names_the_kinds(tmp_path: Path) -> None:
    done = run_pressdocs(["plugin", "new", "gov-sms", "--kind", "mailbox"])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "validator、channel、parser、exporter" in done.stderr
