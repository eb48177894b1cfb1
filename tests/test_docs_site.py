"""The documentation site: ``mkdocs build --strict`` passes, and it ships no page that 404s.

The site is docs/*.md plus the pages scripts/docs_gen.py generates at every build from
pressdocs itself (mkdocs.yml names it as a hook): the configuration reference from the
configuration model, the rule catalogue from the rules registered, sample receipts from
the real pipeline, the JSON Schemas, the examples.  The site is built once, from this
checkout's source, into a temporary folder; then every link of every page is followed.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from pressdocs import Pressdocs
from pressdocs.config import config_from_dict
from pressdocs.schemas import ALL_SCHEMAS

ROOT = Path(__file__).resolve().parents[1]


def _docs_gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_gen", ROOT / "scripts" / "docs_gen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


docs_gen = _docs_gen()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built with ``mkdocs build --strict`` (a warning fails it: a broken link
    or anchor, a page left out of the nav)."""
    pytest.importorskip("mkdocs", reason="the documentation site needs pressdocs[docs]")
    pytest.importorskip("material", reason="the documentation site needs pressdocs[docs]")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "PRESSDOCS_LOAD_PLUGINS": "", "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    env.pop("PRESSDOCS_CONFIG", None)
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(out)],
        capture_output=True, text=True, timeout=600, env=env, cwd=out)
    assert run.returncode == 0, run.stderr[-5000:]
    assert "WARNING" not in run.stderr, run.stderr
    return out


def _page(site: Path, path: str) -> str:
    return html.unescape((site / path).read_text(encoding="utf-8"))


# --- the build ---------------------------------------------------------------------------------


KEY_PAGES = [
    "index.html",  # quick start
    "staff/index.html", "reference/rule-catalogue/index.html",  # for press-office staff
    "reference/receipts/index.html", "rules/index.html", "review/index.html",
    "operators/index.html", "configuration/index.html", "cli/index.html",  # operators
    "reference/configuration/index.html",
    "writing-plugins/index.html", "hooks/index.html", "examples/index.html",  # plugin authors
    "examples/outbox_plugin/index.html", "plugins/index.html",
    "plugins/pressdocs-apprise/index.html",
    "reference/schemas/index.html", "reference/schemas/batch.json",
    "performance/index.html",
]


def test_the_site_has_its_key_pages(site: Path) -> None:
    missing = [p for p in KEY_PAGES if not (site / p).is_file()]
    assert not missing
    assert "Running pressdocs (for operators)" in _page(site, "operators/index.html")
    assert "核查什么" in _page(site, "staff/index.html")


def test_chinese_is_searchable_word_by_word(site: Path) -> None:
    """Material's search finds whole tokens; Chinese, written without spaces, is cut into
    words (jieba) when the index is built, so that 字数 finds the staff page."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    staff = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("staff/"))
    assert "\u200b字数\u200b" in staff
    assert "zh" in index["config"]["lang"]


class _Links(HTMLParser):
    """The links (``href``, ``src``) and the element ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append(value)
            elif name in ("id", "name"):
                self.ids.add(value)


def _parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _target(site: Path, page: Path, link: str) -> tuple[Path, str] | None:
    """The file a link of ``page`` leads to and its fragment; None for a link that leaves
    the site (another scheme or host)."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return page, unquote(parts.fragment)
    target = (site / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def test_every_link_in_the_site_leads_to_a_page_that_exists(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 25
    parsed = {page.resolve(): _parse(page) for page in pages}
    broken = []
    followed = 0
    for page, links in parsed.items():
        for link in links.links:
            found = _target(site, page, link)
            if found is None:
                continue
            target, fragment = found
            followed += 1
            where = f"{page.relative_to(site.resolve())}: {link}"
            if not target.resolve().is_file():
                broken.append(where)
            elif fragment and target.suffix == ".html" and \
                    fragment not in parsed[target.resolve()].ids:
                broken.append(f"{where} (no #{fragment} there)")
    assert followed > 1000
    assert not broken, "\n".join(broken)


def test_every_page_is_in_the_navigation(site: Path) -> None:
    home = _parse(site / "index.html")
    in_nav = {t.resolve() for link in home.links
              if (found := _target(site, site / "index.html", link)) is not None
              for t in [found[0]]}
    pages = {p.resolve() for p in site.rglob("index.html")
             if p.parent.name not in ("search", "assets")}
    assert pages - in_nav == set()


def test_the_links_out_of_docs_become_the_pages_the_site_carries(site: Path) -> None:
    writing = _parse(site / "writing-plugins" / "index.html").links
    assert "../examples/outbox_plugin/" in writing
    assert "../plugins/pressdocs-apprise/" in writing
    apprise = _parse(site / "plugins" / "pressdocs-apprise" / "index.html").links
    assert "../../writing-plugins/" in apprise


def test_a_pipe_escaped_for_github_shows_as_a_pipe(site: Path) -> None:
    cli = _page(site, "cli/index.html")
    assert "plan mark N held|delayed|cancelled|planned" in cli
    assert "\\|" not in cli


# --- the generated pages -----------------------------------------------------------------------


def test_the_rule_catalogue_lists_every_rule_registered(site: Path) -> None:
    page = _page(site, "reference/rule-catalogue/index.html")
    rules = Pressdocs(load_entry_points=False).rules()
    assert len(rules) > 25
    for rule in rules:
        row = re.search(rf"<td>{rule.code}</td>(.*?)</tr>", page, re.DOTALL)
        assert row is not None, rule.code
        assert rule.title.zh in row.group(1)
        assert rule.default_severity.label("zh") in row.group(1)
        assert rule.clause in row.group(1)
    assert "<td>PD501</td><td>文字疑似被植入赌博等垃圾信息</td><td>错误</td><td>退回</td>" \
        in re.sub(r"\s+", "", page)


def test_the_configuration_reference_lists_every_key(site: Path) -> None:
    page = _page(site, "reference/configuration/index.html")
    for key in docs_gen.config_keys():
        assert f"<code>{key.key}</code>" in page, key.key
    assert "0–90" in page and "Asia/Shanghai" in page


def test_the_sample_receipts_are_the_pipelines(site: Path) -> None:
    page = _page(site, "reference/receipts/index.html")
    assert page.count("核查结果：已受理") >= 1
    assert page.count("核查结果：待补正") >= 1
    assert "晚了1天" in page  # 市人社局's form, received two days before its conference
    assert "（《通知》：发布会召开前3天报送市新闻办）" in page


def test_the_schemas_page_carries_every_schema(site: Path) -> None:
    page = _page(site, "reference/schemas/index.html")
    for name in ALL_SCHEMAS:
        shipped = (ROOT / "src" / "pressdocs" / "schemas" / f"{name}.json").read_bytes()
        assert (site / "reference" / "schemas" / f"{name}.json").read_bytes() == shipped
        assert f'id="{name}"' in page
        assert json.loads(shipped)["title"] in page


# --- the configuration reference, without building -----------------------------------------------


def test_every_key_of_the_configuration_model_is_documented() -> None:
    keys = docs_gen.config_keys()
    undocumented = [k.key for k in keys if not k.doc]
    assert not undocumented, f"give these fields a docstring in config.py: {undocumented}"
    assert {"city", "deadlines.registration_days_before", "materials.pictures",
            "limits.worker", "rules.<CODE>.severity", 'units."<name>".contacts[].mobile'} \
        <= {k.key for k in keys}
    tables = {s.table for s in docs_gen.config_sections()}
    assert {"mail", "notify", "plugins.<name>"} <= tables
    assert all(s.doc for s in docs_gen.config_sections() if s.table)


def _file_with(key: str, value: Any) -> dict[str, Any]:
    """A parsed pressdocs.toml setting ``key`` (as the reference writes it) to ``value``."""
    path = key.replace("<CODE>", "PD203").replace('"<name>"', "市财政局").split(".")
    table: dict[str, Any] = {}
    node = table
    for part in path[:-1]:
        if part.endswith("[]"):  # an array of tables: one table
            node[part[:-2]] = [{}]
            node = node[part[:-2]][0]
        else:
            node[part] = {}
            node = node[part]
    node[path[-1]] = value
    return table


@pytest.mark.parametrize("key", docs_gen.config_keys(), ids=lambda k: k.key)
def test_every_key_the_reference_lists_is_one_pressdocs_reads(key: Any) -> None:
    value = json.loads(key.default) if key.default else \
        {"string": "warning", "integer": 1, "array of strings": []}[key.type.split(",")[0]]
    table = _file_with(key.key, value)
    config_from_dict(table)  # an unknown key, a wrong type or a value out of range raises
    with pytest.raises(Exception, match=re.escape(key.key.split(".")[-1])):
        config_from_dict(_file_with(key.key + "x", value))


def test_the_quick_start_names_every_extra() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["optional-dependencies"]
    page = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    missing = [name for name in extras if f"`{name}`" not in page]
    assert not missing, f"docs/index.md does not say what these extras bring: {missing}"
