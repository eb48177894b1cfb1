"""The documentation tells the truth: README.md and docs/*.md are run and checked.

Conventions for whoever writes them:

- Every ```python block runs, in a fresh folder holding the city's notice as
  ``计划安排.txt`` (``examples/notice_2021.txt``) and the demo mailbox as ``mail/``
  (``examples/demo_mailbox.py``: five .eml files), with no ``pressdocs.toml`` and no
  installed plugins.  Write blocks that run there, with nothing left undefined; a block
  whose first line is ``# continued from above`` runs after the python block before it,
  in the same namespace.
- A block with a hook implementation at module level (``@hookimpl`` on a function) is a
  plugin module: it is imported, loaded with ``strict=True`` (any mistake fails the test
  with pressdocs's own reason) and exercised — each capability it registers is used once
  (a channel sends a notice, an exporter writes each subject in each format, a mail
  source named ``<scheme>:mail`` is taken in twice, a validator checks a message), its
  ``handle_event`` gets every kind of event, its ``prepare_*`` hooks run.
- Examples import only what ``pressdocs`` exports (``from pressdocs import …`` of names
  in ``pressdocs.__all__``): every other module is private.
- Every ``pressdocs COMMAND`` shown in code is a real command (``--help`` exits 0), and
  every option shown with it is one of its options.
- ```toml blocks parse; those that configure pressdocs load as a configuration.
- The Mermaid diagram of docs/architecture.md names code that exists, in the order the
  code runs it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import shutil
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import click
import pytest
from click.testing import CliRunner

import pressdocs
from pressdocs import (
    BatchFinished,
    Delivery,
    Event,
    FindingRaised,
    Notice,
    NoticeSent,
    PlanImported,
    Pressdocs,
    SubmissionChecked,
    SubmissionProcessed,
)
from pressdocs._intake import BatchReport
from pressdocs.cli import cli
from pressdocs.config import config_from_dict

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = ROOT / "examples"
#: The message the checks of plugin blocks and the README use (市人社局: late, long, one question).
HR_MESSAGE = "mail/03-人社局登记表和材料.eml"


# --- the blocks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One fenced code block of a document."""

    doc: str
    number: int  # the block's position among the document's blocks, from 1
    lang: str
    code: str

    def __str__(self) -> str:
        return f"{self.doc}#{self.number}"


CONTINUED = "# continued from above\n"
_FENCE = re.compile(r"^( *)```(\w*)[^\n]*\n(.*?)^\1```", re.MULTILINE | re.DOTALL)


def blocks(lang: str | None = None) -> list[Block]:
    """The fenced code blocks of every document (``lang``: only those)."""
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        previous = ""
        for n, m in enumerate(_FENCE.finditer(text), 1):
            code = textwrap.dedent(m.group(3))
            if m.group(2) == "python":
                if code.startswith(CONTINUED):
                    code = previous + code
                previous = code
            if lang is None or m.group(2) == lang:
                found.append(Block(str(path.relative_to(ROOT)), n, m.group(2), code))
    return found


def is_plugin(block: Block) -> bool:
    """Whether the block is a plugin module (a module-level ``@hookimpl`` function)."""
    tree = ast.parse(block.code)
    return any(isinstance(node, ast.FunctionDef) and any(
        (d.id if isinstance(d, ast.Name) else getattr(d, "attr", "")) == "hookimpl"
        for d in node.decorator_list) for node in tree.body)


PYTHON = blocks("python")
SCRIPTS = [b for b in PYTHON if not is_plugin(b)]
PLUGINS = [b for b in PYTHON if is_plugin(b)]


def test_there_are_examples_of_both_kinds() -> None:
    assert any(b.doc == "README.md" for b in SCRIPTS)
    assert {b.doc for b in PLUGINS} >= {"docs/writing-plugins.md", "docs/hooks.md"}


# --- the folder blocks run in ------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_mailbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo mailbox, written once."""
    spec = importlib.util.spec_from_file_location("demo_mailbox", EXAMPLES / "demo_mailbox.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = tmp_path_factory.mktemp("demo") / "mail"
    module.write_mailbox(folder)
    return folder


@pytest.fixture
def folder(tmp_path: Path, demo_mailbox: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current directory (a fresh one, see conftest) with 计划安排.txt and mail/."""
    monkeypatch.setenv("PRESSDOCS_LOAD_PLUGINS", "")
    shutil.copy(EXAMPLES / "notice_2021.txt", tmp_path / "计划安排.txt")
    shutil.copytree(demo_mailbox, tmp_path / "mail")
    assert Path.cwd() == tmp_path
    return tmp_path


# --- python blocks run -----------------------------------------------------------------------


@pytest.mark.parametrize("block", SCRIPTS, ids=str)
def test_python_block_runs(block: Block, folder: Path) -> None:
    exec(compile(block.code, str(block), "exec"), {"__name__": "__docs__"})


def _module(block: Block) -> Iterator[ModuleType]:
    name = f"docs_{Path(block.doc).stem.replace('-', '_')}_{block.number}"
    module = ModuleType(name)
    module.__file__ = str(ROOT / block.doc)
    sys.modules[name] = module
    try:
        exec(compile(block.code, str(block), "exec"), module.__dict__)
        yield module
    finally:
        del sys.modules[name]


@pytest.fixture
def plugin(request: pytest.FixtureRequest, folder: Path) -> Iterator[ModuleType]:
    yield from _module(request.param)


@pytest.mark.parametrize("plugin", PLUGINS, ids=str, indirect=True)
def test_plugin_block_loads_strictly_and_works(plugin: ModuleType) -> None:
    with Pressdocs(plugins=[plugin], load_entry_points=False, strict=True) as pd:
        info = pd.plugins.info(plugin.__name__)
        assert info is not None and info.status == "loaded", info
        assert info.hooks, "the block implements no hook"
        hooks = set(info.hooks)
        for kind, names in info.registered.items():
            for name in names:
                _exercise(pd, kind, name)
            hooks.discard(f"register_{kind}s")
        assert pd.import_plan("计划安排.txt").plan.items
        checked = pd.check(HR_MESSAGE)
        assert "PD999" not in {f.code for f in checked.findings}, checked.findings
        hooks -= {"prepare_config", "prepare_submission"}  # just run by config and check
        if "handle_event" in hooks:
            hooks.remove("handle_event")
            for event in _every_event(pd, checked):
                assert pd.emit(event) == [], event.name
        if "register_routes" in hooks:
            hooks.remove("register_routes")
            _exercise_routes(pd)
        assert not hooks, f"{hooks}: add a way to exercise them to tests/test_docs.py"


def _exercise_routes(pd: Pressdocs) -> None:
    """Serve the desk with the block's pages and ask each of them once, anonymously: the
    page answers (refusing an anonymous visitor is an answer), it does not fail."""
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from pressdocs.web.app import create_app
    from pressdocs.web.desk import Desk

    added: list[Route] = []
    for impl in pd.plugins.pm.hook.register_routes.get_hookimpls():
        impl.function(register=added.append)
    assert added, "register_routes registered nothing"
    client = TestClient(create_app(Desk(config=pd.config, store=pd.store_path,
                                        plugins=pd.plugins), secret="d" * 32))
    for route in added:
        answer = client.get(route.path, follow_redirects=False)
        assert answer.status_code < 500, (route.path, answer.status_code, answer.text)


def _exercise(pd: Pressdocs, kind: str, name: str) -> None:
    """Use the capability ``name`` of ``kind`` once, as pressdocs would."""
    from pressdocs import Channel, Exporter, MailSource, Validator

    registry = pd.plugins.registry
    if kind == "channel":
        assert registry.get(Channel, name) is not None
        notice = Notice(f"docs:{name}", name, ["13905531234"], "receipt",
                        {"unit": "市统计局", "subject": "登记表已收到"}, unit="市统计局")
        assert pd.send(notice).status == "sent"
        assert pd.send(notice).status == "skipped"
    elif kind == "exporter":
        exporter = registry.get(Exporter, name)
        assert exporter is not None and exporter.subjects and exporter.formats
        pd.import_plan("计划安排.txt")
        reports = [pd.plan_status(as_of=date(2021, 4, 30)), pd.annual(2021, as_of=date(2022, 2, 1))]
        for subject in (r for r in reports if isinstance(r, exporter.subjects)):
            for fmt in exporter.formats:
                written = pd.export(subject, f"{type(subject).__name__}.{fmt}", exporter=name)
                assert written.exists() and written.stat().st_size > 0
    elif kind == "mail_source":
        source = registry.get(MailSource, name)
        assert source is not None and source.schemes
        location = f"{source.schemes[0]}:mail"
        assert source.handles(location)
        first = pd.batch(location)
        assert first.new == len(list(Path("mail").glob("*.eml"))) and first.new
        assert pd.batch(location).new == 0
    elif kind == "validator":
        validator = registry.get(Validator, name)
        assert validator is not None
        assert validator.code in {r.code for r in pd.rules()}
        assert validator.title.zh and validator.title.en
        findings = pd.check(HR_MESSAGE).findings
        assert "PD999" not in {f.code for f in findings}, findings
    else:
        pytest.fail(f"a {kind} in the docs: add a way to exercise it to tests/test_docs.py")


def _every_event(pd: Pressdocs, checked: pressdocs.Submission) -> list[Event]:
    events: list[Event] = [
        SubmissionProcessed(submission=checked),
        SubmissionProcessed(submission=checked, reprocessed=True),
        SubmissionChecked(submission=checked),
        SubmissionChecked(submission=checked, dry_run=True),
        PlanImported(plan=pd.plan(2021)),
        BatchFinished(report=BatchReport(source="mail")),
        NoticeSent(notice=Notice("docs:event", "outbox", ["13905531234"], "receipt"),
                   delivery=Delivery("sent")),
    ]
    events += [FindingRaised(submission=checked, finding=f) for f in checked.findings]
    every = {cls for cls in vars(pressdocs).values()
             if isinstance(cls, type) and issubclass(cls, Event) and cls is not Event}
    assert {type(e) for e in events} == every, "a new event: give it to the listeners here"
    return events


# --- only the public API -------------------------------------------------------------------


@pytest.mark.parametrize("block", PYTHON, ids=str)
def test_python_block_imports_only_the_public_api(block: Block) -> None:
    public = set(pressdocs.__all__)
    for node in ast.walk(ast.parse(block.code)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pressdocs"):
            assert node.module == "pressdocs", f"{block}: from {node.module} import … is private"
            private = [a.name for a in node.names if a.name not in public]
            assert not private, f"{block}: {private} not in pressdocs.__all__"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith("pressdocs."), f"{block}: import {alias.name}"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.value.id == "pressdocs":
            assert node.attr in public, f"{block}: pressdocs.{node.attr} is private"


def test_no_document_imports_from_a_private_module() -> None:
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"from pressdocs\.[\w.]+ import", text)
        assert not found, f"{path.name}: {found}"


# --- commands and options ----------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A command line shown in a document: the command's path and the options given."""

    doc: str
    line: str
    path: tuple[str, ...]
    before: tuple[str, ...]  # options before the command
    after: tuple[str, ...]  # options after it


_GLOBAL_WITH_VALUE = {"--lang", "--config", "--store", "--office", "--plugins-dir"}
_END = {"#", "|", "||", "&&", ";", ">", ">>", "2>&1"}
_OPTION = re.compile(r"^--?[A-Za-z][\w-]*")


def _command_lines() -> Iterator[tuple[str, str]]:
    """Every piece of code that may show a command line: inline code spans, and the lines
    of shell, cron and untyped blocks."""
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            if m.group(2) in ("", "sh", "shell", "console", "cron", "text"):
                for line in m.group(3).splitlines():
                    yield path.name, re.split(r"(?:^|\s)#", line)[0]  # not the comment
        prose = _FENCE.sub("", text)
        for span in re.findall(r"`([^`]+)`", prose):
            yield path.name, span.replace("\n", " ")


def _clean(token: str) -> str:
    return token.strip("[]()…,").split("=", 1)[0]


def shown_commands() -> list[Shown]:
    found = []
    ctx = click.Context(cli)
    for doc, line in _command_lines():
        tokens = line.replace("\\|", "|").split()
        for start, token in enumerate(tokens):
            if token != "pressdocs":
                continue
            rest = tokens[start + 1:]
            before: list[str] = []
            path: list[str] = []
            after: list[str] = []
            i = 0
            while i < len(rest) and rest[i].startswith(("-", "[-")):  # options before
                option = _clean(rest[i])
                before.append(option)
                i += 2 if option in _GLOBAL_WITH_VALUE and "=" not in rest[i] else 1
            group: click.Group = cli
            while i < len(rest) and re.fullmatch(r"[a-z][a-z-]*", rest[i]):
                command = group.get_command(ctx, rest[i])
                if command is None and path:
                    break  # an argument (a file name, a form)
                path.append(rest[i])
                i += 1
                if not isinstance(command, click.Group):
                    break
                group = command
            for token in rest[i:]:
                if token in _END or token.startswith("#"):
                    break
                if token == "pressdocs":
                    break
                option = _clean(token)
                if _OPTION.fullmatch(option):
                    after.append(option)
            if path or before:
                found.append(Shown(doc, line, tuple(path), tuple(before), tuple(after)))
    return found


SHOWN = shown_commands()


def test_documents_show_commands() -> None:
    paths = {s.path for s in SHOWN}
    assert {("batch",), ("reprocess",), ("schema",), ("validate",), ("parse",),
            ("plan", "import"), ("report", "annual"), ("config", "show")} <= paths


def _options(command: click.Command) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"--help", "-h"}


def _resolve(path: tuple[str, ...]) -> click.Command:
    ctx = click.Context(cli)
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(ctx, name)
        assert found is not None, f"no command {' '.join(path)}"
        command = found
    return command


@pytest.mark.parametrize("path", sorted({s.path for s in SHOWN if s.path}), ids=" ".join)
def test_every_command_shown_is_real(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output


def test_every_option_shown_is_real() -> None:
    wrong = []
    top = _options(cli)
    for shown in SHOWN:
        if not shown.path and not shown.before:
            continue
        command = _resolve(shown.path)
        wrong += [(shown.doc, shown.line, o) for o in shown.before if o not in top]
        wrong += [(shown.doc, shown.line, o) for o in shown.after if o not in _options(command)]
    assert not wrong, wrong


def test_a_misspelt_command_would_be_caught() -> None:
    assert _resolve(("plan", "status")).name == "status"
    with pytest.raises(AssertionError):
        _resolve(("plan", "stats"))


# --- toml blocks --------------------------------------------------------------------------


@pytest.mark.parametrize("block", blocks("toml"), ids=str)
def test_toml_block_parses_and_configures(block: Block) -> None:
    data = tomllib.loads(block.code)
    if "project" not in data:  # a plugin's pyproject.toml is not a configuration
        config_from_dict(data)


# --- the architecture diagram -----------------------------------------------------------------


#: Each node of the diagram and the code it stands for (its label names the last part).
DIAGRAM_CODE: dict[str, tuple[str, ...]] = {
    "mailbox": ("capabilities.MailSource.messages",),
    "take_in": ("_intake._Intake.admit", "_intake._Intake.check"),
    "reprocess": ("_intake.reprocess",),
    "check": ("_checking.check_path",),
    "read": ("_pipeline.Pipeline.read", "_pipeline.Pipeline.files", "_reading.read_document",
             "_readers.Readers"),
    "assemble": ("_submission.assemble",),
    "prepare": ("hookspecs.prepare_submission",),
    "enrich": ("_enrich.enrich",),
    "validate": ("_validation.validate_submission",),
    "status": ("_submission.status_of",),
    "commit": ("store.Store.mark_processed",),
    "events": ("events.SubmissionProcessed", "events.FindingRaised"),
    "acknowledge": ("capabilities.MailSource.acknowledge",),
    "checked": ("events.SubmissionChecked",),
}


def _diagram() -> tuple[dict[str, str], list[tuple[str, str, bool]]]:
    """The nodes (id → label) and edges (from, to, dotted) of the architecture diagram."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    mermaid = re.findall(r"^```mermaid\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert len(mermaid) == 1 and mermaid[0].startswith("flowchart")
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, bool]] = []
    for line in mermaid[0].splitlines()[1:]:
        line = line.strip()
        if not line or line.startswith(("subgraph", "end", "%%")):
            continue
        node = re.fullmatch(r'(\w+)\[\(?"(.*)"\)?\]', line)
        if node:
            nodes[node.group(1)] = node.group(2)
            continue
        parts = re.split(r'\s*(-->|-\.->)(?:\|"?[^|]*"?\|)?\s*', line)
        assert len(parts) >= 3, f"not a node or an edge: {line}"
        for i in range(0, len(parts) - 2, 2):
            edges.append((parts[i], parts[i + 2], parts[i + 1] == "-.->"))
    return nodes, edges


def _resolve_code(dotted: str) -> object:
    module_name, *attrs = dotted.split(".")
    found: object = importlib.import_module(f"pressdocs.{module_name}")
    for attr in attrs:
        found = getattr(found, attr)
    return found


def _calls(func: Any) -> list[str]:
    """The names of the functions ``func`` calls, in the order they appear in its source."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    calls.sort(key=lambda n: (n.end_lineno or 0, n.end_col_offset or 0))  # inner ones first
    return [c.func.id if isinstance(c.func, ast.Name) else getattr(c.func, "attr", "")
            for c in calls]


def _in_order(names: list[str], wanted: list[str]) -> bool:
    """Whether ``wanted`` occur in ``names`` in this order (others may come between)."""
    it = iter(names)
    return all(any(n == w for n in it) for w in wanted)


def test_diagram_names_code_that_exists() -> None:
    nodes, edges = _diagram()
    assert set(nodes) == set(DIAGRAM_CODE), "a node without its code in DIAGRAM_CODE, or gone"
    for node, refs in DIAGRAM_CODE.items():
        for ref in refs:
            assert _resolve_code(ref) is not None
            assert ref.rsplit(".", 1)[1] in nodes[node], f"{node}'s label should name {ref}"
    assert {n for e in edges for n in e[:2]} <= set(nodes)


def _chain(edges: list[tuple[str, str, bool]], start: str, stop: str) -> list[str]:
    """The nodes from ``start`` to ``stop`` along solid edges."""
    chain = [start]
    while chain[-1] != stop:
        following = [b for a, b, dotted in edges if a == chain[-1] and not dotted]
        assert len(following) == 1, f"{chain[-1]} → {following}"
        chain.append(following[0])
    return chain


def test_diagram_shows_the_pipeline_in_the_order_it_runs() -> None:
    from pressdocs._pipeline import Pipeline

    _, edges = _diagram()
    chain = _chain(edges, "read", "status")
    assert chain == ["read", "assemble", "prepare", "enrich", "validate", "status"]
    steps = [DIAGRAM_CODE[n][0].rsplit(".", 1)[1] for n in chain[2:]]
    # _finish runs exactly the steps the diagram shows after assemble, in its order
    assert _calls(Pipeline._finish) == steps
    assert _calls(Pipeline.message) == ["read", "judge"]
    assert _in_order(_calls(Pipeline.read), ["_parse", "_file", "_body", "assemble"])
    assert "_finish" in _calls(Pipeline.judge) and "_finish" not in _calls(Pipeline.read)
    assert _in_order(_calls(Pipeline.files), ["_file", "assemble", "_finish"])


def test_diagram_shows_the_commit_before_the_events() -> None:
    from pressdocs._app import Pressdocs as App
    from pressdocs._intake import _Intake, run_batch
    from pressdocs.store.sql import SQLStore

    nodes, edges = _diagram()
    assert _chain(edges, "status", "acknowledge") == ["status", "commit", "events",
                                                      "acknowledge"]
    assert ("status", "checked", True) in edges and ("take_in", "read", True) in edges
    # the batch: look up, record, process; a dry run only checks
    assert _in_order(_calls(_Intake._look_up), ["_fingerprint", "find_message"])
    assert _in_order(_calls(_Intake.admit), ["_look_up", "record_message"])
    assert _in_order(_calls(_Intake.check), ["_look_up", "_make", "SubmissionChecked"])
    assert "record_message" not in _calls(_Intake.check)
    assert _in_order(_calls(_Intake.process),
                     ["_make", "mark_processed", "SubmissionProcessed",
                      "FindingRaised"])
    assert _in_order(_calls(run_batch), ["messages", "admit", "process", "acknowledge"])
    assert _in_order(_calls(App.check), ["check_path", "SubmissionChecked"])
    # one transaction writes what the commit node lists
    written = inspect.getsource(SQLStore._write_submission)
    for table, word in (("submissions", "submission"), ("documents", "documents"),
                        ("findings", "findings"), ("conferences", "conferences"),
                        ("submission_history", "history")):
        assert f" {table} " in written or f" {table}(" in written or f"INTO {table}" in written
        assert word in nodes["commit"]
    assert "mark_processed" in nodes["commit"]


# --- the hook reference -------------------------------------------------------------------------


def test_every_event_is_documented_with_its_name_and_fields() -> None:
    import dataclasses

    doc = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### `(\w+)`\n(.*?)(?=^#)", doc + "\n#",
                               re.MULTILINE | re.DOTALL))
    events = {cls.__name__: cls for cls in vars(pressdocs).values()
              if isinstance(cls, type) and issubclass(cls, Event) and cls is not Event}
    assert set(events) <= set(sections), f"undocumented events: {set(events) - set(sections)}"
    base = {f.name for f in dataclasses.fields(Event)}
    for name, cls in events.items():
        text = sections[name]
        assert f'`name = "{cls.name}"`' in text, name
        for field in dataclasses.fields(cls):
            if field.name not in base:
                assert f"`{field.name}`" in text, f"{name}.{field.name} is not documented"
    for field in base:
        assert f"`{field}`" in doc


def test_capability_methods_are_shown_with_their_parameters() -> None:
    doc = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    shown = re.findall(r"`(Parser|Classifier|Validator|Channel|Exporter|MailSource)"
                       r"\.(\w+)\(([^)`]*)\)", doc)
    assert {(c, m) for c, m, _ in shown} >= {
        ("Validator", "check"), ("Channel", "send"), ("Exporter", "export"),
        ("MailSource", "messages"), ("MailSource", "acknowledge")}
    for cls_name, method, params in shown:
        func = getattr(getattr(pressdocs, cls_name), method)
        real = [p for p in inspect.signature(func).parameters if p != "self"]
        assert [p.split("=")[0].strip() for p in params.split(",") if p.strip()] == real, \
            f"{cls_name}.{method}({params}) is {cls_name}.{method}({', '.join(real)})"


def test_usage_errors_shown_are_what_pressdocs_prints() -> None:
    import subprocess

    shown = [b for b in blocks("text") if b.code.startswith("$ pressdocs ")]
    assert shown, "docs/cli.md shows a usage error"
    for block in shown:
        command, *expected = block.code.splitlines()
        run = subprocess.run([sys.executable, "-m", "pressdocs", *command.split()[2:]],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 2
        assert (run.stdout + run.stderr).splitlines() == expected, block


# --- the rule catalogue ------------------------------------------------------------------------


def test_rules_table_is_the_catalogue() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    rows = {m[0]: m[1:] for m in re.findall(
        r"^\| (PD\d{3}) \| (.+?) \| (.+?) \| (\w+) \|$", doc, re.MULTILINE)}
    catalogue = Pressdocs(load_entry_points=False).rules()
    assert set(rows) == {r.code for r in catalogue} | {"PD900", "PD999"}
    for rule in catalogue:
        zh, en, severity = rows[rule.code]
        assert (zh, en, severity) == (rule.title.zh, rule.title.en,
                                      rule.default_severity), rule.code
