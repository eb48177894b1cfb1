"""``pressdocs plugin new``: a plugin distribution to start from, ready to install and test.

:func:`write_plugin_template` writes, from the Jinja2 templates in
``pressdocs/templates/plugin/``::

    pressdocs-NAME/
        pyproject.toml              the entry point NAME in the group "pressdocs", pressdocs>=this one
        README.md                   install, test, configure: in Chinese and English
        .gitignore
        src/pressdocs_NAME/__init__.py   a capability of the kind asked for, registered by its hook
        tests/test_pressdocs_NAME.py     pytest tests that load it into pressdocs, strictly

The capability works as written (a validator checking the venue against the office's
list, a channel writing notices to a folder, a parser of an office system's JSON export
of the 登记表, an exporter writing the plan's status as text), and the tests pass as
written: the author replaces the example with their own, test by test.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pressdocs.errors import PluginError
from pressdocs.models import Message

__all__ = ["PLUGIN_KINDS", "write_plugin_template"]

#: The kinds of plugin the template writes, the first the default.
PLUGIN_KINDS = ("validator", "channel", "parser", "exporter")

#: A plugin's name: lower-case ASCII letters and digits, words joined by - or _.
_NAME = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
_MAX_NAME = 40

#: For each kind: the names of the pressdocs classes the generated test imports, and what
#: the README says the example does and what to change.
_KINDS: dict[str, dict[str, Any]] = {
    "validator": {
        "imports": ["Person", "Registration"],
        "summary_zh": "pressdocs 的校验规则插件：规则 {code}，举办地点不在本办常用场地之列时提醒。",
        "summary_en": "A pressdocs validator plugin: the rule {code}, a conference held at a "
                      "venue the office does not list.",
        "settings": '[plugins.{name}]\nvenues = ["市政府新闻发布厅"]    # 本办常用场地 / the '
                    "office's venues\n\n[rules.{code}]\nseverity = \"warning\"            # 或 "
                    "error；enabled = false 关闭 / or error; enabled = false turns it off",
        "change_zh": "check 方法是规则本身；code 保持稳定，用户按它设置规则",
        "change_en": "check is the rule itself; keep code stable, users configure the rule by it",
    },
    "channel": {
        "imports": ["Channel", "ChannelError", "Notice"],
        "summary_zh": "pressdocs 的通知渠道插件：渠道 {name}，把每条通知写成 JSON 文件放入交换目录。",
        "summary_en": "A pressdocs notification channel plugin: the channel {name}, each notice "
                      "written as a JSON file into a shared folder.",
        "settings": '[notify]\nchannels = ["{name}"]\n\n[plugins.{name}]\nfolder = "/srv/outbox"'
                    "       # 交换目录 / the shared folder",
        "change_zh": "send 方法负责投递；可重试的失败抛出 ChannelError",
        "change_en": "send delivers; raise ChannelError for a failure worth retrying",
    },
    "parser": {
        "imports": ["ParseError", "Parser"],
        "summary_zh": "pressdocs 的解析器插件：{name}，读取办公系统导出的 JSON 格式登记表。",
        "summary_en": "A pressdocs parser plugin: {name}, reading registration forms an office "
                      "system exports as JSON.",
        "settings": "# 本解析器没有设置 / this parser has no settings\n[plugins.{name}]",
        "change_zh": "sniff 按内容判断能否读取，parse 读出段落和表格",
        "change_en": "sniff judges the bytes, parse reads paragraphs and tables",
    },
    "exporter": {
        "imports": ["Plan", "PlanItem"],
        "summary_zh": "pressdocs 的导出器插件：{name}，把计划执行情况导出为纯文本（.txt）。",
        "summary_en": "A pressdocs exporter plugin: {name}, the plan's status as plain text "
                      "(.txt).",
        "settings": '[plugins.{name}]\ntitle = "2021年新闻发布会计划执行情况"   # 标题 / the title',
        "change_zh": "subjects 和 formats 说明导出什么、写成什么格式，export 负责写文件",
        "change_en": "subjects and formats say what it exports and to which format; export "
                     "writes the file",
    },
}


def write_plugin_template(name: str, *, kind: str = "validator",
                          target: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write a plugin distribution called ``pressdocs-NAME`` with a capability of ``kind``
    (one of :data:`PLUGIN_KINDS`) into ``target`` (default ``./pressdocs-NAME``, which must
    not exist or be empty); returns the files written.

    ``name`` is the plugin's entry-point name (what ``pressdocs plugins`` shows, its
    ``[plugins.NAME]`` table) and its capability's: lower-case letters and digits,
    words joined by ``-`` or ``_``.  A bad name, kind or target is a
    :class:`pressdocs.PluginError` saying what to do.
    """
    import jinja2

    from pressdocs._version import __version__

    _check_name(name, kind)
    package = "pressdocs_" + name.replace("-", "_")
    dist = "pressdocs-" + name.replace("_", "-")
    folder = Path(target) if target is not None else Path(dist)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise PluginError.of("plugin_template.exists", folder=str(folder))
    about = _KINDS[kind]
    code = _code(name)
    values = {
        "name": name, "kind": kind, "package": package, "dist": dist, "code": code,
        "cls": "".join(part.capitalize() for part in re.split(r"[-_]", name))
        + {"validator": "Rule"}.get(kind, kind.capitalize()),
        "pressdocs_version": __version__,
        "kind_zh": Message.of(f"cli.plugins.kind.{kind}").text("zh"),
        "kind_en": Message.of(f"cli.plugins.kind.{kind}").text("en"),
        "test_imports": sorted([*about["imports"], "Pressdocs", "load_plugins"],
                               key=lambda n: (n[0].islower(), n)),
        "summary_zh": about["summary_zh"].format(name=name, code=code),
        "summary_en": about["summary_en"].format(name=name, code=code),
        "settings": about["settings"].format(name=name, code=code),
        "what_to_change_zh": about["change_zh"], "what_to_change_en": about["change_en"],
    }
    env = jinja2.Environment(loader=jinja2.PackageLoader("pressdocs", "templates/plugin"),
                             autoescape=False, keep_trailing_newline=True, trim_blocks=True,
                             lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    files = {
        "pyproject.toml": "pyproject.toml.j2",
        "README.md": "README.md.j2",
        ".gitignore": "gitignore.j2",
        f"src/{package}/__init__.py": f"{kind}.py.j2",
        f"tests/test_{package}.py": "test_plugin.py.j2",
    }
    written = []
    for relative, template in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(env.get_template(template).render(values), encoding="utf-8")
        written.append(path)
    return written


def _check_name(name: str, kind: str) -> None:
    """Refuse a kind the template does not write, or a name that cannot be a plugin's."""
    if kind not in PLUGIN_KINDS:
        raise PluginError.of("plugin_template.bad_kind", kind=kind, kinds=list(PLUGIN_KINDS))
    short = re.sub(r"^pressdocs[-_]", "", name)
    if short != name and _NAME.fullmatch(short):
        raise PluginError.of("plugin_template.prefixed", name=name, short=short)
    if len(name) > _MAX_NAME or not _NAME.fullmatch(name):
        raise PluginError.of("plugin_template.bad_name", name=name, most=_MAX_NAME)
    from pressdocs._manifest import MANIFEST

    builtin = {d.name for entry in MANIFEST.values() for d in entry.registers if d.kind == kind}
    if name in builtin:
        raise PluginError.of("plugin_template.builtin_name", name=name,
                             kind=Message.of(f"cli.plugins.kind.{kind}"))


def _code(name: str) -> str:
    """A validator's code from the name's first letters (``weekend``: WE101), never PD."""
    letters = ("".join(c for c in name if c.isalpha()).upper() + "XX")[:2]
    return ("PX" if letters == "PD" else letters) + "101"
