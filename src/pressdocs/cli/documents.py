"""``pressdocs parse``: read files and show what they are and what they say."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from pressdocs.app import Pressdocs
from pressdocs.cli.common import handle_errors, pass_app, print_json, t
from pressdocs.reading import ReadResult, read_document, read_path

__all__ = ["forms_command", "parse_command"]

KIND_ZH = {"registration": "登记表", "statistics": "统计表", "plan": "计划安排",
           "press_release": "发布稿", "qa": "问答", "picture": "图片", "video": "视频",
           "package": "压缩包", "other": "其他"}


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
        console.print(f"[bold]{path}[/bold]  "
                      f"{t(lang, KIND_ZH.get(kind, kind), kind)}"
                      f"（{t(lang, '置信度', 'confidence')} {result.document.confidence:.2f}）")
        if result.error is not None:
            console.print("  [red]" + result.error.render(lang) + "[/red]")
        data = result.to_dict(lang)["data"]
        if data:
            _print_data(console, data)
        for warning in result.warnings:
            console.print(f"  [yellow]{t(lang, '注意', 'note')}：{warning}[/yellow]")


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


def _print_data(console: Console, data: Any) -> None:
    table = Table(show_header=False, box=None, padding=(0, 2))
    rows = data.items() if isinstance(data, dict) else enumerate(data, 1)
    for key, value in rows:
        if value in ("", None, [], {}) or (isinstance(value, dict) and not any(value.values())):
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = f"{len(value)} 项"
        elif isinstance(value, dict):
            value = "，".join(f"{k}={v}" for k, v in value.items() if v)
        table.add_row(str(key), str(value))
    console.print(table)


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
