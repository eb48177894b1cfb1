"""``pressdocs validate``: check files, folders and saved messages against the notice."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from pressdocs.app import Pressdocs
from pressdocs.cli.common import (
    EXIT_CANNOT_RUN,
    EXIT_FINDINGS,
    handle_errors,
    pass_app,
    print_json,
    t,
)
from pressdocs.errors import PressdocsError
from pressdocs.models import Finding, Location, Severity

__all__ = ["validate_command"]



@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="JSON 输出 / JSON output.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="输出语言 / output language.")
@pass_app
@handle_errors
def validate_command(app: Pressdocs, paths: tuple[str, ...], as_json: bool,
                     lang: str | None) -> None:
    """按《通知》核查文件、目录或邮件 / check files, folders or .eml messages.

    Exit code 0 without errors, 1 when there are errors, 2 when a path could not be
    checked at all (missing, unreadable); the others are still checked and shown.
    """
    if lang:
        app.lang = lang
    from pressdocs.checking import check_path

    results: list[tuple[str, list[Finding]]] = []
    unreadable = False
    for raw in paths:
        path = Path(raw)
        try:
            results.append((raw, check_path(app, path).findings))
        except PressdocsError as exc:  # reported with the others; the exit code says 2
            unreadable = True
            results.append((raw, [Finding("PD901", Severity.ERROR, exc.as_message(),
                                          Location(document=raw))]))
    if as_json:
        print_json([{"input": raw, "findings": [
            {"code": f.code, "severity": f.severity.value, "message": f.text(app.lang),
             "location": {"document": f.location.document, "field": f.location.field}}
            for f in findings]} for raw, findings in results])
    else:
        _table(results, app.lang)
    if unreadable:
        raise SystemExit(EXIT_CANNOT_RUN)
    if any(f.severity is Severity.ERROR for _, findings in results for f in findings):
        raise SystemExit(EXIT_FINDINGS)


def _table(results: list[tuple[str, list[Finding]]], lang: str) -> None:
    console = Console()
    for raw, findings in results:
        if not findings:
            console.print(f"[green]{raw}：{t(lang, '未发现问题', 'no findings')}[/green]")
            continue
        table = Table(title=raw, title_justify="left")
        for header in (t(lang, "代码", "code"), t(lang, "级别", "severity"),
                       t(lang, "位置", "where")):
            table.add_column(header, no_wrap=True)
        table.add_column(t(lang, "问题", "finding"), overflow="fold", ratio=1)
        for f in findings:
            where = " / ".join(x for x in (f.location.document, f.location.field) if x)
            severity = f.severity.label(lang)
            table.add_row(f.code, severity, where, f.text(lang))
        console.print(table)
