"""``pressdocs parse``: read files and show what they are and what they say."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from pressdocs.app import Pressdocs
from pressdocs.cli.common import handle_errors, pass_app, print_json, t
from pressdocs.forms.spec import FORMS, MATERIALS, PLAN, REGISTRATION, STATISTICS, Form
from pressdocs.models import DocumentKind
from pressdocs.reading import ReadResult, read_document, read_path

__all__ = ["forms_command", "parse_command"]


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@pass_app
@handle_errors
def parse_command(app: Pressdocs, files: tuple[str, ...], as_json: bool) -> None:
    """读取文件，显示类别与提取的内容 / read files: kind, confidence, data, warnings."""
    results = [_read(app, Path(f)) for f in files]
    if as_json:
        out = []
        for path, result in zip(files, results, strict=True):
            item = result.to_dict(app.lang)
            item["file"] = path
            out.append(item)
        print_json(out)
        return
    console = Console()
    lang = app.lang
    for path, result in zip(files, results, strict=True):
        kind = result.document.kind.value
        reason = result.classification.reason.text(lang) if result.classification else ""
        console.print(f"[bold]{path}[/bold]  "
                      + t(lang, f"{result.document.kind.zh}（置信度 {result.document.confidence:.2f}"
                                f"{'，' + reason if reason else ''}）",
                          f"{kind} (confidence {result.document.confidence:.2f}"
                          f"{'; ' + reason if reason else ''})"))
        if result.error is not None:
            console.print("  [red]" + result.error.render(lang) + "[/red]")
        data = result.to_dict(lang)["data"]
        if data:
            _print_data(console, data, lang, _DATA_FIELDS.get(result.document.kind))
        for warning in result.warnings:
            console.print(f"  [yellow]{t(lang, '注意', 'note')}：{warning.text(lang)}[/yellow]")


def _read(app: Pressdocs, path: Path) -> ReadResult:
    from pressdocs.errors import ParseError
    from pressdocs.models import Document

    try:
        data = read_path(path)
    except ParseError as exc:
        result = ReadResult(Document(name=str(path)))
        result.error = exc
        return result
    return read_document(data, path.name, plugins=app.plugins, config=app.config)


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


def _print_data(console: Console, data: Any, lang: str,
                where: tuple[Form, str] | None) -> None:
    form, prefix = where if where is not None else (None, "")
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    rows = data.items() if isinstance(data, dict) else enumerate(data, 1)
    for key, value in rows:
        if key in _SKIP or value in ("", None, [], {}) or (
                isinstance(value, dict) and not any(value.values())):
            continue
        path = f"{prefix}{key}" if isinstance(key, str) else prefix.rstrip(".")
        label = _label(form, path, lang) if isinstance(key, str) else str(key)
        table.add_row(label, _shown(value, lang, form, f"{path}."))
    console.print(table)


def _label(form: Form | None, path: str, lang: str) -> str:
    """A field's own name in ``lang`` (填报单位 / filing unit), else its attribute name."""
    found = form.get(path) if form is not None else None
    return found.label.text(lang) if found is not None else path.rpartition(".")[2]


def _shown(value: Any, lang: str, form: Form | None = None, prefix: str = "") -> str:
    """A value as staff read it: 2021年6月30日, lists with 、, 3 项 for lists of rows."""
    from datetime import date, datetime

    from pressdocs.text import format_date_zh, format_datetime_zh

    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return t(lang, f"{len(value)} 项", f"{len(value)} items")
        return ("、" if lang == "zh" else ", ").join(map(str, value))
    if isinstance(value, dict):
        return ("，" if lang == "zh" else ", ").join(
            f"{_label(form, prefix + k, lang)}{'：' if lang == 'zh' else ': '}{v}"
            for k, v in value.items() if v)
    if isinstance(value, str) and lang == "zh":
        try:
            if "T" in value and len(value) >= 16:
                return format_datetime_zh(datetime.fromisoformat(value))
            if len(value) == 10 and value[4] == "-":
                return format_date_zh(date.fromisoformat(value))
        except ValueError:
            pass
    return str(value)


@click.command("forms")
@click.argument("form", type=click.Choice(["registration", "statistics", "plan"]))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="输出文件（.docx；统计表和计划安排也可 .xlsx）/ output file.")
@click.option("--year", type=int, default=None, help="表头年份 / the year in the title.")
@pass_app
@handle_errors
def forms_command(app: Pressdocs, form: str, output: str, year: int | None) -> None:
    """生成空白表格：登记表、统计表、计划安排 / write a blank form (附件2/附件3/附件1)."""
    from pressdocs.forms import write_plan_form, write_registration_form, write_statistics_form

    if form == "registration":
        path = write_registration_form(output, config=app.config)
    elif form == "statistics":
        path = write_statistics_form(output, year=year, config=app.config)
    else:
        path = write_plan_form(output, year=year, config=app.config)
    names = {"registration": "登记表（附件2）", "statistics": "统计表（附件3）",
             "plan": "计划安排（附件1）"}
    click.echo(t(app.lang, f"已生成空白{names[form]}：{path}", f"Wrote a blank {form} form: {path}"))
