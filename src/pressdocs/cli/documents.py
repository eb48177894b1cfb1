"""``pressdocs parse``: read files and show what they are and what they say."""

from __future__ import annotations

import dataclasses

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pressdocs._app import Pressdocs
from pressdocs._messages import render_value
from pressdocs._reading import ReadResult
from pressdocs.cli.common import (
    EXIT_CANNOT_RUN,
    YEAR,
    OneOf,
    common_options,
    pass_app,
    print_json,
    printable,
    tr,
)
from pressdocs.cli.terminal import Terminal
from pressdocs.errors import PressdocsError
from pressdocs.forms.spec import FORMS, MATERIALS, PLAN, REGISTRATION, STATISTICS, Form
from pressdocs.models import Document, DocumentKind, Message

__all__ = ["forms_command", "parse_command"]


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@common_options
@pass_app
def parse_command(app: Pressdocs, files: tuple[str, ...], as_json: bool) -> None:
    """读取文件，显示类别与提取的内容 / read files: kind, confidence, data, warnings.

    Exit code 0 when every file was read (even if it is not a form), 2 when a file is
    missing or cannot be opened; the others are still shown.
    """
    results: list[tuple[str, ReadResult]] = []
    missing: list[str] = []
    for path in files:
        try:
            results.append((path, app.read(path)))
        except PressdocsError as exc:  # a missing file: say so, show the rest, exit 2
            results.append((path, ReadResult(Document(name=path), error=exc)))
            missing.append(path)
    lang = app.lang
    if as_json:
        print_json([result.to_dict(lang) | {"file": path} for path, result in results])
    else:
        console = Terminal()
        for path, result in results:
            if path in missing:  # nothing was read: no kind to show, only why
                assert result.error is not None
                console.print(Text.assemble((printable(path), "bold"), "  ",
                                            (printable(result.error.render(lang)), "red")))
            else:
                _show(console, path, result, lang)
    if missing:
        raise SystemExit(EXIT_CANNOT_RUN)


def _show(console: Console, path: str, result: ReadResult, lang: str) -> None:
    document = result.document
    reason = result.classification.reason if result.classification else None
    console.print(Text.assemble((printable(path), "bold"), "  ", tr(
        lang, "cli.parse.kind", kind=document.kind, confidence=f"{document.confidence:.2f}",
        reason=Message.of("cli.parse.reason", text=reason) if reason and reason.zh else None)))
    if result.error is not None:
        console.print("  " + result.error.render(lang), style="red")
    if result.data:
        _print_data(console, result.data, lang, _DATA_FIELDS.get(document.kind))
    for warning in result.warnings:
        console.print("  " + tr(lang, "cli.note", text=warning.text(lang)), style="yellow")


#: Where the data of each kind is described (:mod:`pressdocs.forms.spec`): its form, and
#: the path of the data within it.
_DATA_FIELDS: dict[DocumentKind, tuple[Form, str]] = {
    DocumentKind.REGISTRATION: (REGISTRATION, ""),
    DocumentKind.STATISTICS: (STATISTICS, ""),
    DocumentKind.PLAN: (PLAN, ""),
    DocumentKind.PRESS_RELEASE: (MATERIALS, "press_release."),
    DocumentKind.QA: (MATERIALS, "qa."),
}
#: Values as written (time_text), shown through the field they were read into (举办时间).
_SKIP = {f.written.rpartition(".")[2] for form in FORMS.values() for f in form.fields
         if f.written}


def _print_data(console: Console, data: object, lang: str,
                where: tuple[Form, str] | None) -> None:
    """The form read out of a file, field by field, named the way its form names them."""
    form, prefix = where if where is not None else (None, "")
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    rows: list[tuple[str, object]]
    if isinstance(data, list):  # Q&A pairs: numbered
        rows = [(str(n), item) for n, item in enumerate(data, 1)]
    else:
        rows = [(f.name, getattr(data, f.name)) for f in dataclasses.fields(data)]  # type: ignore[arg-type]
    for key, value in rows:
        if key in _SKIP or value in ("", None, []) or (
                _is_model(value) and not any(_fields(value).values())):
            continue
        path = prefix.rstrip(".") if key.isdigit() else f"{prefix}{key}"
        label = key if key.isdigit() else _label(form, path, lang)
        table.add_row(label, _shown(value, lang, form, f"{path}."))
    console.print(table)


def _is_model(value: object) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _fields(value: object) -> dict[str, object]:
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}  # type: ignore[arg-type]


def _label(form: Form | None, path: str, lang: str) -> str:
    """A field's own name in ``lang`` (填报单位 / filing unit), else its attribute name."""
    found = form.get(path) if form is not None else None
    return found.label.text(lang) if found is not None else path.rpartition(".")[2]


def _shown(value: object, lang: str, form: Form | None = None, prefix: str = "") -> str:
    """A value as staff read it: 2021年6月30日, lists with 、, 3 项 for lists of rows, a
    part (负责人) as its fields."""
    if isinstance(value, list) and value and _is_model(value[0]):
        return tr(lang, "cli.parse.items", count=len(value))
    if _is_model(value):
        return ("，" if lang == "zh" else ", ").join(
            f"{_label(form, prefix + k, lang)}{'：' if lang == 'zh' else ': '}"
            f"{render_value(v, lang)}" for k, v in _fields(value).items() if v)
    return render_value(value, lang)


@click.command("forms")
@click.argument("form", type=OneOf(["registration", "statistics", "plan"]))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="输出文件（.docx；统计表和计划安排也可 .xlsx）/ output file.")
@click.option("--year", type=YEAR, default=None, help="表头年份 / the year in the title.")
@common_options
@pass_app
def forms_command(app: Pressdocs, form: str, output: str, year: int | None) -> None:
    """生成空白表格：登记表、统计表、计划安排 / write a blank form (附件2/附件3/附件1)."""
    path = app.write_form(form, output, year=year)
    click.echo(tr(app.lang, f"cli.forms.{form}", path=str(path)))
