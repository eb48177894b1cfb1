"""``pressdocs parse``: read files and show what they are and what they say."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.table import Table

from pressdocs.app import Pressdocs
from pressdocs.cli.common import EXIT_CANNOT_RUN, common_options, pass_app, print_json, tr
from pressdocs.errors import PressdocsError
from pressdocs.models import Document, Message
from pressdocs.reading import ReadResult

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
    missing = False
    for path in files:
        try:
            results.append((path, app.read(path)))
        except PressdocsError as exc:  # a missing file: say so, show the rest, exit 2
            results.append((path, ReadResult(Document(name=path), error=exc)))
            missing = True
    lang = app.lang
    if as_json:
        print_json([result.to_dict(lang) | {"file": path} for path, result in results])
    else:
        console = Console()
        for path, result in results:
            _show(console, path, result, lang)
    if missing:
        raise SystemExit(EXIT_CANNOT_RUN)


def _show(console: Console, path: str, result: ReadResult, lang: str) -> None:
    document = result.document
    reason = result.classification.reason if result.classification else ""
    console.print(f"[bold]{path}[/bold]  " + tr(
        lang, "cli.parse.kind", kind=document.kind, confidence=f"{document.confidence:.2f}",
        reason=Message.of("cli.parse.reason", text=reason) if reason else None))
    if result.error is not None:
        console.print("  [red]" + result.error.render(lang) + "[/red]")
    data = result.to_dict(lang)["data"]
    if data:
        _print_data(console, data, lang)
    for warning in result.warnings:
        console.print(f"  [yellow]{tr(lang, 'cli.note', text=warning.text(lang))}[/yellow]")


_LABELS_ZH = {
    "title": "标题/全称", "organiser": "举办单位", "person_in_charge": "负责人", "content": "内容",
    "time": "举办时间", "venue": "举办地点", "guests": "拟邀请领导及来宾", "media": "拟邀请新闻单位",
    "approval_opinion": "审批意见", "approval_date": "审批日期", "remarks": "备注",
    "filing_unit": "填报单位", "filing_date": "填表日期", "filer": "填表人",
    "filer_contact": "联系方式", "rows": "统计行数", "year": "年份", "items": "计划项数",
    "source": "来源文件", "body": "正文", "chars": "字数", "name": "姓名", "phone": "电话",
    "position": "职务", "question": "问题", "answer": "回答", "answer_chars": "回答字数",
}
_SKIP = {"time_text"}  # shown through 举办时间


def _print_data(console: Console, data: Any, lang: str) -> None:
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    rows = data.items() if isinstance(data, dict) else enumerate(data, 1)
    for key, value in rows:
        if key in _SKIP or value in ("", None, [], {}) or (
                isinstance(value, dict) and not any(value.values())):
            continue
        label = _LABELS_ZH.get(str(key), str(key)) if lang == "zh" else str(key)
        table.add_row(label, _shown(value, lang))
    console.print(table)


def _shown(value: Any, lang: str) -> str:
    """A value as staff read it: 2021年6月30日, lists with 、, 3 项 for lists of rows."""
    from datetime import date, datetime

    from pressdocs.text import format_date_zh, format_datetime_zh

    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return tr(lang, "cli.parse.items", count=len(value))
        return ("、" if lang == "zh" else ", ").join(map(str, value))
    if isinstance(value, dict):
        return "，".join(f"{_LABELS_ZH.get(k, k) if lang == 'zh' else k}：{v}"
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
@common_options
@pass_app
def forms_command(app: Pressdocs, form: str, output: str, year: int | None) -> None:
    """生成空白表格：登记表、统计表、计划安排 / write a blank form (附件2/附件3/附件1)."""
    path = app.write_form(form, output, year=year)
    click.echo(tr(app.lang, f"cli.forms.{form}", path=str(path)))
