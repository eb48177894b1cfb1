"""The documentation site's generated pages, and the MkDocs hook that adds them.

``mkdocs.yml`` names this file under ``hooks:``.  Each build writes these pages from the
pressdocs it imports, so none of them is committed and none can be stale:

- ``reference/configuration.md`` — every key of ``pressdocs.toml``, from the configuration
  model (the dataclasses of ``src/pressdocs/config.py``: type, default, range, and the
  docstring under each field);
- ``reference/rule-catalogue.md`` — 规则目录, from the rules registered (``pressdocs rules``);
- ``reference/receipts.md`` — 回执样例: the receipts of the demo mailbox, made by the real
  pipeline and templates;
- ``reference/schemas.md`` and ``reference/schemas/NAME.json`` — every JSON Schema;
- ``examples/…`` — ``examples/README.md`` and a page per example script; ``plugins/…`` —
  a list of the plugin distributions in ``plugins/`` and the README of each.

The nav lists the example scripts under its ``examples/index.md`` entry and the plugins
under ``plugins/index.md``, so a new one needs no change to ``mkdocs.yml``.

A link from a page to a file of the repository outside ``docs/`` that the site carries
(``../examples/outbox_plugin.py``) is made a link to its page; any other link leaving
``docs/`` is left alone, and ``mkdocs build --strict`` fails on it.  Tables' code spans
written ``a \\| b`` (GitHub's way to keep a pipe in a cell) show ``a | b``.

    python scripts/docs_gen.py OUT      # write the generated pages into OUT, to read them
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import os
import posixpath
import re
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# --- the configuration reference ------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One key of ``pressdocs.toml`` as the configuration model declares it."""

    key: str  # as written in the file: deadlines.days, units."<name>".emails
    type: str  # the TOML type
    default: str  # as TOML writes it; "" when there is none
    range: str  # "0–90", or ""
    doc: str  # the field's docstring


#: The TOML type of each annotation the configuration model uses.
_TOML_TYPES = {
    "str": "string",
    "int": "integer",
    "bool": "boolean",
    "list[str]": "array of strings",
    "list[Contact]": "array of tables",
    "Severity | None": "string",
}


def field_docs(cls: type) -> dict[str, str]:
    """The docstring under each field of the dataclass ``cls`` (the string literal that
    follows the field's line), by field name."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs = {}
    for node, after in zip(body, [*body[1:], None], strict=True):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and \
                isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) and \
                isinstance(after.value.value, str):
            docs[node.target.id] = " ".join(inspect.cleandoc(after.value.value).split())
    return docs


def _toml(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False)  # the same as TOML for these values


def _key(f: dataclasses.Field[Any], prefix: str, instance: Any, docs: dict[str, str]) -> Key:
    """The key of the field ``f``; without a docstring, ``doc`` is empty (a test names it)."""
    low, high = f.metadata.get("range", (None, None))
    default = getattr(instance, f.name) if instance is not None else None
    if str(f.type) not in _TOML_TYPES:
        raise TypeError(f"scripts/docs_gen.py does not know the TOML type of {prefix}{f.name} "
                        f"({f.type}): add it to _TOML_TYPES")
    return Key(prefix + f.name, _TOML_TYPES[str(f.type)], _toml(default),
               f"{low}–{high}" if low is not None else "", docs.get(f.name, ""))


def _is_key(f: dataclasses.Field[Any]) -> bool:
    return f.metadata.get("setting", True) is not False


def _keys(cls: type, prefix: str, instance: Any) -> Iterator[Key]:
    """The keys of the dataclass ``cls`` under ``prefix``."""
    docs = field_docs(cls)
    for f in dataclasses.fields(cls):
        if _is_key(f):
            yield _key(f, prefix, instance, docs)


@dataclass(frozen=True)
class Section:
    """A part of ``pressdocs.toml``: the top level, or one of its tables."""

    table: str  # "" for the top level, else as written: deadlines, rules.<CODE>
    doc: str
    keys: list[Key]
    free: bool = False  # whose keys belong to whoever reads them (mail, notify, plugins)


def config_sections() -> list[Section]:
    """``pressdocs.toml`` part by part, in the order of the configuration model."""
    from pressdocs import config as model

    top = model.Config()
    docs = field_docs(model.Config)
    sections = [Section("", "", [])]
    for f in dataclasses.fields(model.Config):
        if not _is_key(f):
            continue
        kind = str(f.type)
        if kind in _TOML_TYPES:
            sections[0].keys.append(_key(f, "", top, docs))
        elif dataclasses.is_dataclass(cls := getattr(model, kind, None)):  # [deadlines] …
            assert isinstance(cls, type)
            sections.append(Section(f.name, docs.get(f.name, ""),
                                    list(_keys(cls, f"{f.name}.", getattr(top, f.name)))))
        elif kind == "dict[str, RuleSetting]":
            sections.append(Section(f"{f.name}.<CODE>", docs.get(f.name, ""), list(
                _keys(model.RuleSetting, f"{f.name}.<CODE>.", model.RuleSetting()))))
        elif kind == "dict[str, Unit]":
            unit = f'{f.name}."<name>"'
            keys = list(_keys(model.Unit, f"{unit}.", model.Unit(name="")))
            keys += _keys(model.Contact, f"{unit}.contacts[].", model.Contact())
            sections.append(Section(unit, docs.get(f.name, ""), keys))
        elif kind == "dict[str, Any]":
            name = f"{f.name}.<name>" if f.name == "plugins" else f.name
            sections.append(Section(name, docs.get(f.name, ""), [], free=True))
        else:
            raise TypeError(f"docs_gen.py cannot document {f.name}: {kind}; teach it")
    return sections


def config_keys() -> list[Key]:
    """Every key the configuration model declares."""
    return [k for s in config_sections() for k in s.keys]


#: Where the keys of the tables that belong to their readers are explained.
_FREE_TABLES = {
    "mail": "[the mailbox’s keys](../configuration.md#the-mail-and-notify-tables)",
    "notify": "[the notifier’s and channels’ keys](../configuration.md#the-mail-and-notify-tables)",
    "plugins.<name>": "[configuration for your plugin](../writing-plugins.md#configuration-for-your-plugin)",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def configuration_page() -> str:
    """``reference/configuration.md``."""
    from pressdocs.config import numeric_settings

    out = [
        "# Configuration reference",
        "",
        "Every key of `pressdocs.toml`, generated from the configuration model "
        "(`src/pressdocs/config.py`) each time this site is built: its TOML type, its "
        "default (the city's notice), the range a number must lie in, and what it does. "
        "[Configuration](../configuration.md) says where the file is found, how secrets "
        "are given, and how the unit directory works; `pressdocs config show` prints every "
        "value in effect. An unknown key, a value of the wrong type and a number outside "
        "its range are refused, naming the key.",
        "",
    ]
    for section in config_sections():
        title = f"`[{section.table}]`" if section.table else "Top level"
        out += [f"## {title}", ""]
        if section.doc:
            out += [section.doc, ""]
        if section.free:
            ranges = [(k, r) for k, r in numeric_settings().items()
                      if k.split(".")[0] == section.table.split(".")[0]]
            out += [f"Its keys belong to whoever reads them, so pressdocs does not check "
                    f"their names: see {_FREE_TABLES[section.table]}.", ""]
            if ranges:
                out += ["Numbers pressdocs reads here, and their range:", "",
                        "| key | allowed |", "|---|---|"]
                out += [f"| `{k}` | {low}–{high} |" for k, (low, high) in ranges]
                out.append("")
            continue
        out += ["| key | type | default | meaning |", "|---|---|---|---|"]
        for k in section.keys:
            default = f"`{k.default}`" if k.default else "—"
            kind = f"{k.type}, {k.range}" if k.range else k.type
            out.append(f"| `{k.key}` | {kind} | {_cell(default)} | {_cell(k.doc)} |")
        out.append("")
    return "\n".join(out)


# --- 规则目录: the rules registered ------------------------------------------------------------

#: The rules by their code's hundreds, as the catalogue numbers them.
_RULE_GROUPS = {"1": "登记表", "2": "发布材料", "3": "年度计划安排", "4": "统计表",
                "5": "垃圾信息", "9": "邮件和文件"}


def rule_catalogue_page() -> str:
    """``reference/rule-catalogue.md`` (in Chinese, for press-office staff)."""
    from pressdocs import Pressdocs, Severity, SubmissionStatus, Validator
    from pressdocs.config import Config

    pd = Pressdocs(config=Config(), lang="zh", load_entry_points=False)
    rules = pd.rules()
    rejecting = {v.code for v in pd.plugins.registry.of(Validator) if v.rejects}
    groups: dict[str, list[Any]] = {}
    for rule in rules:
        hundreds = rule.code[2] if rule.code.startswith("PD") else ""
        groups.setdefault(_RULE_GROUPS.get(hundreds, "其他规则"), []).append(rule)
    out = [
        "# 规则目录",
        "",
        f"pressdocs 核查的全部 {len(rules)} 条规则，按编号排列。本页在每次生成本网站时由 "
        "pressdocs 已登记的规则自动生成，与 `pressdocs rules` 的输出一致。",
        "",
        "- **级别**为“错误”的问题使报送成为“待补正”（标明“退回”的规则使其成为“退回”）；"
        "“警告”和“提示”只作提醒，不影响受理。",
        "- 级别是规则的默认级别；在 `pressdocs.toml` 中可以调整或关闭某条规则"
        "（见[配置参考](configuration.md#rules)），`pressdocs rules` 显示调整后的级别。",
        "- **依据**是《通知》中该规则对应的原文。",
        "- 怎样数字数、怎样算截止日期，见[核查什么](../staff.md)；"
        "英文说明见 [The rules](../rules.md)。",
        "",
    ]
    for group, members in groups.items():
        out += [f"## {group}", "", "| 编号 | 规则 | 级别 | 出现时报送成为 | 依据 |",
                "|---|---|---|---|---|"]
        for rule in members:
            if rule.default_severity is not Severity.ERROR:
                effect = "不影响受理"
            elif rule.code in rejecting:
                effect = SubmissionStatus.REJECTED.label("zh")
            else:
                effect = SubmissionStatus.INCOMPLETE.label("zh")
            clause = f"“{rule.clause}”" if rule.clause else ""
            out.append(f"| {rule.code} | {_cell(rule.title.zh)} | "
                       f"{rule.default_severity.label('zh')} | {effect} | {_cell(clause)} |")
        out.append("")
    return "\n".join(out)


# --- 回执样例: receipts made by the real pipeline -------------------------------------------------


def receipts_page() -> str:
    """``reference/receipts.md``: the receipts of the demo mailbox (``examples/``), in
    Chinese, as the units would read them."""
    import importlib.util

    from pressdocs import Pressdocs
    from pressdocs.config import Config

    spec = importlib.util.spec_from_file_location("demo_mailbox",
                                                  ROOT / "examples" / "demo_mailbox.py")
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    out = [
        "# 回执样例",
        "",
        "pressdocs 收到一封报送邮件后，向报送单位发送一份回执（`pressdocs batch --notify`"
        "，经 `pressdocs notify` 发出）：收到了哪些文件、核查结果、每个问题及其《通知》依据、"
        "需要做什么和下一个截止日期。下面是示例邮箱（`examples/demo_mailbox.py`，"
        "按 2021 年计划安排）中各封报送邮件的回执原文，由真实的收件流程和回执模板在生成本网站时"
        "产生。模板可以由新闻办修改（见 [Notices](../notices.md#templates)）。",
        "",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        mail = Path(tmp) / "mail"
        demo.write_mailbox(mail)
        with Pressdocs(config=Config(), store=Path(tmp) / "store", lang="zh",
                       load_entry_points=False) as pd:
            pd.import_plan(ROOT / "examples" / "notice_2021.txt")
            report = pd.batch(str(mail), receipts=True)
    for outcome in report.receipts:
        notice = outcome.notice
        out += [f"## {notice.context['subject']}", "",
                f"收件人：{notice.unit}（{'、'.join(notice.recipients)}）", "",
                "```{.text .wrap}", str(notice.context["text"]).rstrip(), "```", ""]
    return "\n".join(out)


# --- JSON outputs and their schemas --------------------------------------------------------------


def _schema_type(node: dict[str, Any]) -> str:
    """A schema node's type in a few words, a reference to another schema as a link."""
    if "$ref" in node:
        ref = str(node["$ref"])
        file, _, pointer = ref.partition("#")
        own = pointer.rsplit("/", 1)[-1] if pointer else ""
        if not file:
            return f"`{own}`"
        name = file.removesuffix(".json")
        return f"[{name}](#{name})" + (f" `{own}`" if own else "")
    if "enum" in node:
        return "one of " + ", ".join(f"`{json.dumps(v, ensure_ascii=False)}`"
                                     for v in node["enum"])
    for either in ("anyOf", "oneOf"):
        if either in node:
            return " or ".join(_schema_type(n) for n in node[either])
    kind = node.get("type", "")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    words = []
    for k in kinds:
        if k == "array" and isinstance(node.get("items"), dict):
            words.append(f"array of {_schema_type(node['items'])}")
        else:
            words.append(str(k))
    return " or ".join(words) or "any"


def schemas_page() -> str:
    """``reference/schemas.md``."""
    from pressdocs.schemas import OUTPUT_SCHEMA_NAMES, SCHEMA_NAMES, load

    out = [
        "# JSON outputs and their schemas",
        "",
        "Every `--json` output of the command line, and every model that leaves the "
        "library, is described by a JSON Schema (draft 2020-12), generated here from the "
        "schemas pressdocs ships. `pressdocs schema` lists them and `pressdocs schema NAME` "
        "prints one; the package and the repository's `schemas/` folder hold the same "
        "files, and each is linked below. Schemas refer to each other by file name "
        "(`\"$ref\": \"document.json\"`).",
        "",
    ]
    for heading, names in (("Outputs", OUTPUT_SCHEMA_NAMES), ("Models", SCHEMA_NAMES)):
        out += [f"## {heading}", ""]
        for name in names:
            schema = load(name)
            required = set(schema.get("required", ()))
            out += [f"### {name}", "", f"**{schema.get('title', name)}** — "
                    f"[`{name}.json`](schemas/{name}.json)", "",
                    str(schema.get("description", "")), ""]
            properties = schema.get("properties", {})
            if properties:
                out += ["| field | type | required | meaning |", "|---|---|---|---|"]
                for field, node in properties.items():
                    out.append(f"| `{field}` | {_cell(_schema_type(node))} | "
                               f"{'yes' if field in required else ''} | "
                               f"{_cell(str(node.get('description', '')))} |")
                out.append("")
            text = json.dumps(schema, ensure_ascii=False, indent=2)
            out += [f'??? abstract "{name}.json in full"', "",
                    textwrap.indent(f"```json\n{text}\n```", "    "), ""]
    return "\n".join(out)


def schema_files() -> dict[str, bytes]:
    """The schemas as files of the site, beside their page."""
    from importlib import resources

    from pressdocs.schemas import ALL_SCHEMAS

    folder = resources.files("pressdocs.schemas")
    return {f"reference/schemas/{name}.json": folder.joinpath(f"{name}.json").read_bytes()
            for name in ALL_SCHEMAS}


# --- files of the repository the site carries --------------------------------------------------


def included() -> dict[str, str]:
    """The repository's files outside ``docs/`` that the site carries as pages: their path
    in the repository → the page's path in the site."""
    found = {}
    if (ROOT / "examples" / "README.md").is_file():
        found["examples/README.md"] = "examples/index.md"
    for script in sorted((ROOT / "examples").glob("*.py")):
        found[f"examples/{script.name}"] = f"examples/{script.stem}.md"
    for readme in sorted((ROOT / "plugins").glob("*/README.md")):
        found[f"plugins/{readme.parent.name}/README.md"] = f"plugins/{readme.parent.name}.md"
    return found


def _included_page(repo_path: str) -> str:
    path = ROOT / repo_path
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        if repo_path == "examples/README.md":
            text += "\n\n## The scripts\n\n" + "\n".join(
                f"- [`{Path(p).name}`]({Path(p).stem}.md)" for p in included()
                if p.startswith("examples/") and p.endswith(".py"))
        return text
    summary = ast.get_docstring(ast.parse(text)) or ""
    first = summary.split("\n\n")[0]
    fence = "````"
    return "\n".join([f"# `{path.name}`", "", " ".join(first.split()), "",
                      f"`{repo_path}` in the repository (`tests/test_examples.py` runs the examples).", "",
                      f"{fence}python", text.rstrip(), fence, ""])


def plugins_page() -> str:
    """``plugins/index.md``: the plugin distributions kept in the repository."""
    out = ["# Plugins in the repository", "",
           "Separately installable plugin distributions kept in the repository's `plugins/` "
           "folder, each with its own `pyproject.toml`, entry point and tests (scripts/setup "
           "installs them). Copy one to start a plugin of your own; "
           "[Writing a plugin](../writing-plugins.md) explains the contract.", ""]
    for repo, page in included().items():
        if repo.startswith("plugins/"):
            text = (ROOT / repo).read_text(encoding="utf-8")
            paragraphs = [p for p in text.split("\n\n") if p.strip() and not p.startswith("#")]
            summary = " ".join(paragraphs[0].split()) if paragraphs else ""
            out.append(f"- [{repo.split('/')[1]}]({Path(page).name}): {summary}")
    return "\n".join(out) + "\n"


def pages() -> dict[str, str | bytes]:
    """Every generated page and file of the site, by its path in the site."""
    found: dict[str, str | bytes] = {
        "reference/configuration.md": configuration_page(),
        "reference/rule-catalogue.md": rule_catalogue_page(),
        "reference/receipts.md": receipts_page(),
        "reference/schemas.md": schemas_page(),
    }
    found.update(schema_files())
    found.update({page: _included_page(repo) for repo, page in included().items()})
    if any(repo.startswith("plugins/") for repo in included()):
        found["plugins/index.md"] = plugins_page()
    return found


# --- links -----------------------------------------------------------------------------------

_LINK = re.compile(r"(\]\()([^)\s#]*)(#[^)\s]*)?(\s+\"[^\"]*\")?\)")


def rewrite_links(markdown: str, page: str, repo_path: str, carried: dict[str, str]) -> str:
    """``markdown`` of the site's page ``page`` (whose source is ``repo_path`` in the
    repository), with each relative link to a repository file the site carries (a page of
    ``docs/``, or one of ``carried``) pointing at that file's page."""
    here = posixpath.dirname(page) or "."

    def fix(m: re.Match[str]) -> str:
        target = m.group(2)
        if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("/"):
            return m.group(0)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(repo_path), target))
        if resolved.startswith("docs/"):
            site = resolved.removeprefix("docs/")
        elif resolved in carried:
            site = carried[resolved]
        else:
            return m.group(0)  # left for mkdocs to judge
        new = posixpath.relpath(site, here)
        return f"{m.group(1)}{new}{m.group(3) or ''}{m.group(4) or ''})"

    return _LINK.sub(fix, markdown)


_CELL = re.compile(r"<td>.*?</td>", re.DOTALL)
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)
_WIDE = "\u2018-\u201d\u3000-\u9fff\uff00-\uffef"
_WIDE_BREAK = re.compile(f"([{_WIDE}])\n[ \t]*([{_WIDE}])")


def unescape_table_pipes(html: str) -> str:
    """``\\|`` in a table cell (GitHub's escape, kept literally by Python-Markdown) as ``|``."""
    return _CELL.sub(lambda m: m.group(0).replace("\\|", "|"), html)


def join_chinese_lines(html: str) -> str:
    """A line break of the source between two Chinese characters removed (outside
    ``<pre>``): browsers show it as a space, which Chinese text does not have."""
    parts = _PRE.split(html)
    return "".join(part if i % 2 else _WIDE_BREAK.sub(r"\1\2", part)
                   for i, part in enumerate(parts))


# --- the MkDocs hook --------------------------------------------------------------------------

_SOURCES: dict[str, str] = {}  # a generated page → its file in the repository


def _sections() -> dict[str, list[tuple[str, str]]]:
    """The nav entries under which the carried pages are listed: the section's index page
    → (title, page) of each."""
    carried = included()
    return {
        "examples/index.md": [(Path(repo).name, page) for repo, page in carried.items()
                              if repo.startswith("examples/") and repo.endswith(".py")],
        "plugins/index.md": [(repo.split("/")[1], page) for repo, page in carried.items()
                             if repo.startswith("plugins/")],
    }


def on_config(config: Any) -> Any:
    """List the example scripts under the nav's ``examples/index.md`` entry, and the plugin
    distributions under ``plugins/index.md``."""
    sections = _sections()

    def expand(nav: Any) -> Any:
        if isinstance(nav, list):
            return [expand(item) for item in nav]
        if isinstance(nav, dict):
            return {title: [value, *({name: page} for name, page in sections[value])]
                    if isinstance(value, str) and value in sections else expand(value)
                    for title, value in nav.items()}
        return nav

    config.nav = expand(config.nav)
    return config


def on_files(files: Any, config: Any) -> Any:
    """Add the generated pages and files."""
    from mkdocs.structure.files import File

    carried = included()
    _SOURCES.clear()
    _SOURCES.update({page: repo for repo, page in carried.items()})
    for uri, content in pages().items():
        if files.get_file_from_path(uri) is not None:
            raise ValueError(f"docs/{uri} exists, and the site generates it: remove one")
        files.append(File.generated(config, uri, content=content))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Point links to repository files the site carries at their pages."""
    uri = page.file.src_uri
    return rewrite_links(markdown, uri, _SOURCES.get(uri, f"docs/{uri}"), included())


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """Tables' escaped pipes, and Chinese text's line breaks."""
    return join_chinese_lines(unescape_table_pipes(html))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.rsplit("\n\n", 1)[-1].strip(), file=sys.stderr)
        return 2
    out = Path(argv[0])
    for uri, content in pages().items():
        target = out / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        print(target)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PRESSDOCS_LOAD_PLUGINS", "")
    sys.exit(main(sys.argv[1:]))
